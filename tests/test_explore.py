"""The explore pages and the open data, checked against the case files they come from."""

import csv
import dataclasses
import html
import io
import json
import os
import re
import subprocess
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlparse
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from casebook.generate import explore, routes
from casebook.corpus import read_corpus
from casebook.history import case_dates
from casebook.load import load_document
from casebook.model import slugify, title_key
from casebook.generate.opendata import CSV_COLUMNS, open_data
from casebook.generate import SiteInfo, generate_pages
from casebook.schema import ENTRY_SCHEMA as CASE_SCHEMA
from conftest import FIXTURES, VOCABULARY

VALID = FIXTURES / "valid"
SITE_URL = "https://example.org/kb/"


@pytest.fixture(scope="module")
def corpus():
    result = read_corpus(VALID, VOCABULARY)
    assert result.problems == []
    return result.corpus


@pytest.fixture(scope="module")
def pages(corpus):
    return generate_pages(corpus)


class Rows(HTMLParser):
    """Every <tr> of a page: its attributes, the links inside it and its text cells."""

    def __init__(self, markup: str):
        super().__init__()
        self.rows, self.links, self._cell = [], [], None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" or (tag == "li" and "id" in attrs):   # a table row, or an entry's card
            self.rows.append({"attrs": attrs, "links": [], "cells": []})
        elif tag == "a":
            target = attrs.get("href") or attrs.get("xlink:href")  # SVG links use xlink:href
            self.links.append(target)
            if self.rows:
                self.rows[-1]["links"].append(target)
        elif tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1]["cells"].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def resolve(page_url: str, link: str) -> str:
    """Where a relative link from a built page leads, as a site path like 'cases/x/'."""
    return urlparse(urljoin("https://h/" + page_url, link)).path.lstrip("/")


def test_a_small_corpus_shows_no_empty_sections_charts_or_wrong_plurals(corpus):
    """Each fixture entry alone: no one-bar chart, no one-arrow diagram, no company story of one
    entry, and '1 entry', never '1 entries' or 'All 1 ...'."""
    wrong_plural = re.compile(r"\b1 (entries|moves|distinct moves|measurements|companies|patterns|technologies|"
                              r"sources|languages|domains|years)\b|\bAll 1\b")
    for case in corpus.cases:
        pages = generate_pages(dataclasses.replace(corpus, cases=[case]))
        for name, markup in pages.items():
            assert not wrong_plural.search(str(markup)), (case.id, name, wrong_plural.search(str(markup)).group())
        finite = [m for m in case.metrics if m.ranked and m.factor not in (0, float("inf"))]
        assert ("cb-chart-title" in str(pages["metrics/index.md"])) == (len(finite) >= 2), case.id
        assert "<figure" not in str(pages["migrations/index.md"]), case.id
        assert 'id="company-stories"' not in str(pages["timeline/index.md"]), case.id


def test_href_between_built_pages():
    assert routes.href("cases/index.md", "cases/a.md") == "a/"
    assert routes.href("cases/index.md", "companies/x.md") == "../companies/x/"
    assert routes.href("map/index.md", "cases/index.md", query={"pattern": "p", "domain": "d"}) == \
        "../cases/?pattern=p&domain=d"   # templates escape it
    assert routes.href("index.md", "cases/index.md") == "cases/"
    assert routes.href("cases/a.md", "index.md") == "../../"
    assert routes.href("cases/index.md", "cases/index.md") == "./"


def test_catalog_rows_carry_every_facet_value(pages, corpus):
    rows = {r["attrs"]["id"]: r for r in Rows(pages["cases/index.md"]).rows if "id" in r["attrs"]}
    assert set(rows) == {c.id for c in corpus.cases}
    for case in corpus.cases:
        attrs = rows[case.id]["attrs"]
        assert attrs["data-domain"].split() == list(case.domains)
        assert attrs["data-pattern"].split() == list(case.patterns)
        assert attrs["data-tech"].split() == [slugify(t) for t in case.technologies]
        assert attrs["data-lang"].split() == [slugify(t) for t in case.technologies if corpus.category(t) == "language"]
        assert attrs["data-company"] == (slugify(case.company) if case.company else "")
        assert attrs["data-level"] == case.level and attrs["data-kind"] == case.kind
        assert int(attrs["data-year"]) == case.year
        assert resolve("cases/", rows[case.id]["links"][0]) == f"cases/{case.id}/"
    # the sequel's best improvement is 'eliminated' (40 timeouts a day to none)
    assert rows["alpha-read-states-sharded"]["attrs"]["data-factor"] == "Infinity"
    assert rows["beta-chat-fanout"]["attrs"]["data-factor"] == "0"
    assert rows["gamma-talk-brief"]["attrs"]["data-factor"] == "5"   # the stated ratio, not the range


def test_catalog_lists_titles_in_order_ignoring_leading_quotes(pages, corpus):
    # '"Square's lessons" from a Raft store' belongs under S, not before every letter
    assert title_key('"Square\'s lessons" from a talk') == "square's lessons\" from a talk"
    assert title_key("1.1.1.1 resolver") == "1.1.1.1 resolver"
    order = [r["attrs"]["id"] for r in Rows(pages["cases/index.md"]).rows if "id" in r["attrs"]]
    titles = {c.id: c.title for c in corpus.cases}
    assert order == sorted(order, key=lambda i: (title_key(titles[i]), i))
    for row in Rows(pages["cases/index.md"]).rows:
        if "id" in row["attrs"]:
            assert row["attrs"]["data-title"] == title_key(titles[row["attrs"]["id"]])


def test_catalog_facet_names_cover_used_values_only(pages, corpus):
    page = pages["cases/index.md"]
    data = json.loads(html.unescape(page.split('data-config="')[1].split('"')[0]))
    names = {key: dict(pairs) for key, pairs in data["names"].items()}
    assert names["tech"] == {"glommio": "Glommio", "go": "Go", "rust": "Rust", "tokio": "Tokio", "postgresql": "PostgreSQL"}
    assert names["lang"] == {"go": "Go", "rust": "Rust"}
    assert names["company"] == {"alpha-corp": "Alpha Corp", "gamma": "Gamma"}
    assert set(names["pattern"]) == {p for c in corpus.cases for p in c.patterns}
    assert data["years"] == [2020, 2023, 2024]
    assert [f["key"] for f in data["facets"]] == ["kind", "domain", "pattern", "lang", "tech", "company", "level"]
    # a facet's values in a fixed order, most entries first: it does not reorder under the pointer
    assert [v for v, _ in data["names"]["tech"]][:1] == ["rust"]   # Rust: 4 entries


def test_metrics_explorer_has_every_metric_largest_first(pages, corpus):
    rows = [r for r in Rows(pages["metrics/index.md"]).rows if "data-factor" in r["attrs"]]
    expected = sorted((c.id, m.name) for c in corpus.cases for m in c.metrics)
    found = sorted((resolve("metrics/", r["links"][0]).split("/")[1], r["cells"][2]) for r in rows)
    assert found == expected
    factors = [float(r["attrs"]["data-factor"]) for r in rows]
    assert factors == sorted(factors, reverse=True)
    assert rows[0]["cells"][6] == "eliminated" and rows[0]["cells"][7] == "Sharding read states"
    ten = next(r for r in rows if r["cells"][2] == "p99 latency" and r["cells"][3] == "50 ms")
    assert ten["cells"][4:7] == ["5 ms", "ms", "10×"]
    assert ten["links"][-1] == "https://example.com/alpha/rust"
    ratio = next(r for r in rows if r["cells"][2] == "p99 read latency")
    assert ratio["cells"][3:7] == ["—", "—", "—", "5× lower"]


def test_metrics_chart_bars_link_to_their_cases(pages, corpus):
    chart = pages["metrics/index.md"].split("<svg")[1].split("</svg>")[0]
    links = [resolve("metrics/", href) for href in Rows("<svg" + chart).links]
    finite = [(c.id, m) for c in corpus.cases for m in c.metrics if m.ranked and m.factor != float("inf")]
    assert sorted(links) == sorted(f"cases/{cid}/" for cid, _ in finite)
    assert 'role="img"' in pages["metrics/index.md"] and "<title" in chart


def test_every_migration_edge_links_to_the_cases_that_made_it(pages, corpus):
    page = pages["migrations/index.md"]
    svg = page.split("<svg")[1].split("</svg>")[0]
    edge_targets = [h for h in Rows("<svg" + svg).links if h.startswith("#")]
    rows = {r["attrs"]["id"]: r for r in Rows(page).rows if "id" in r["attrs"]}
    moves = {(old, new): {c.id for c in corpus.cases if (old, new) in c.migrations}
             for c0 in corpus.cases for old, new in c0.migrations}
    assert sorted(edge_targets) == sorted(f"#{explore.edge_anchor(o, n)}" for o, n in moves)
    for (old, new), case_ids in moves.items():
        row = rows[explore.edge_anchor(old, new)]
        assert row["cells"][:3] == [old, new, str(len(case_ids))]
        linked = {resolve("migrations/", h).split("/")[1] for h in row["links"]
                  if resolve("migrations/", h).startswith("cases/")}
        assert linked == case_ids


def test_pattern_map_cells_count_and_link_matching_cases(pages, corpus):
    cells = [r for r in Rows(pages["map/index.md"]).rows]
    found = {}
    for link in Rows(pages["map/index.md"]).links:
        url = urlparse(link)
        query = parse_qs(url.query)
        if "pattern" in query and "domain" in query:
            found[(query["pattern"][0], query["domain"][0])] = resolve("map/", url.path)
    expected = {(p, d) for c in corpus.cases for p in c.patterns for d in c.domains}
    assert set(found) == expected
    assert set(found.values()) == {"cases/"}
    page = pages["map/index.md"]
    for p, d in expected:
        n = sum(1 for c in corpus.cases if p in c.patterns and d in c.domains)
        assert f'data-pattern="{p}" data-domain="{d}" aria-label="{n} {"entry" if n == 1 else "entries"}:' in page
    assert cells  # the matrix has rows


def test_timeline_tells_a_company_story_in_order(pages):
    page = pages["timeline/index.md"]
    story = page.split('id="story-alpha-corp"')[1].split("</ol>")[0]
    assert story.index("alpha-read-states/") < story.index("alpha-read-states-sharded/")
    assert "(supersedes <a" in story and "(superseded by <a" in story
    years = page.split('<h2 id="by-year">')[1]
    assert years.index('id="year-2024"') < years.index('id="year-2023"') < years.index('id="year-2020"')


def test_case_pages_show_story_links_both_ways(pages):
    assert ('<dt>Supersedes</dt><dd><a href="../alpha-read-states/">Alpha&#39;s read-state service: from Go to Rust</a>'
            " (2020)</dd>") in pages["cases/alpha-read-states-sharded.md"]
    assert ('<dt>Superseded by</dt><dd><a href="../alpha-read-states-sharded/">Alpha shards its read-state store</a>'
            " (2023)</dd>") in pages["cases/alpha-read-states.md"]


def test_case_page_links_to_edit_and_correction_and_shows_last_change(corpus):
    site = SiteInfo(repo_url="https://github.com/o/r", branch="main", cases_path="tests/fixtures/valid",
                    dates={"alpha-read-states": ("2020-03-01", "2021-07-09")})
    page = generate_pages(corpus, site)["cases/alpha-read-states.md"]
    meta = page.split('class="cb-page-meta"')[1]
    assert "Last changed 2021-07-09" in meta
    assert '<a href="https://github.com/o/r/edit/main/tests/fixtures/valid/alpha-read-states.md">' in meta
    assert ('<a href="https://github.com/o/r/issues/new?template=correction.yml&amp;case=alpha-read-states'
            '&amp;title=Correction%3A+alpha-read-states">Report a correction</a>') in meta
    plain = generate_pages(corpus)["cases/alpha-read-states.md"].split('class="cb-page-meta"')[1]
    assert "Not yet committed" in plain and "github" not in plain


# --- open data ------------------------------------------------------------

@pytest.fixture(scope="module")
def exports(corpus):
    site = SiteInfo(dates={"alpha-read-states": ("2020-03-01", "2021-07-09"),
                           "beta-chat-fanout": ("2024-01-02", "2024-01-02")})
    return open_data(corpus, site, SITE_URL)


def front_matters():
    return {p.stem: load_document(p).data for p in sorted(VALID.glob("*.md"))}


def test_cases_json_has_every_field_of_every_case_file(exports):
    data = json.loads(exports["cases.json"])
    files = front_matters()
    assert data["count"] == len(files) and data["schema"] == SITE_URL + "schema/case.json"
    for record in data["cases"]:
        source = files[record["id"]]
        assert {k: record[k] for k in source} == source
        assert set(record) - set(source) == {"body", "url", "words", "added", "last_changed"}
        assert record["url"] == f"{SITE_URL}cases/{record['id']}/"
        assert record["body"].lstrip().startswith("## ")
    by_id = {r["id"]: r for r in data["cases"]}
    assert (by_id["alpha-read-states"]["added"], by_id["alpha-read-states"]["last_changed"]) == ("2020-03-01", "2021-07-09")


def test_cases_json_is_laid_out_as_json_dumps_lays_it_out_and_the_preview_s_is_the_same(corpus, exports):
    # written a record at a time (the preview re-encodes only what changed): still the layout of
    # json.dumps(indent=1), one key a line, for readers who grep or diff it
    text = exports["cases.json"]
    assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n"
    site = SiteInfo(dates={"alpha-read-states": ("2020-03-01", "2021-07-09"),
                           "beta-chat-fanout": ("2024-01-02", "2024-01-02")})
    memo = {}
    assert [open_data(corpus, site, SITE_URL, memo)["cases.json"] for _ in range(2)] == [text, text]
    assert len(memo) == len(corpus.cases)


def test_published_schema_is_the_validators_and_accepts_every_case(exports):
    schema = json.loads(exports["schema/case.json"])
    assert schema == CASE_SCHEMA
    for front in front_matters().values():
        jsonschema.validate(front, schema)


def test_cases_csv_has_one_row_per_case(exports, corpus):
    rows = list(csv.DictReader(io.StringIO(exports["cases.csv"])))
    assert list(rows[0]) == CSV_COLUMNS
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {c.id for c in corpus.cases}
    alpha = by_id["alpha-read-states"]
    assert alpha["technologies_before"] == "Go" and alpha["technologies_after"] == "Rust; Tokio"
    assert alpha["migrations"] == "Go -> Rust" and alpha["best_improvement"] == "10"
    assert alpha["primary_source_url"] == "https://example.com/alpha/rust" and alpha["last_changed"] == "2021-07-09"
    assert by_id["alpha-read-states-sharded"]["best_improvement"] == "inf"
    assert by_id["alpha-read-states-sharded"]["supersedes"] == "alpha-read-states"


def test_atom_feed_lists_newest_additions_first(exports, corpus):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(exports["feed.xml"])
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(corpus.cases)
    ids = [e.find(f"{atom}id").text for e in entries]
    # the sequel has no git date (not committed): it counts as added today, so it comes first
    # the uncommitted ones count as added today (by id, last first), then beta (2024), alpha (2020)
    assert ids == [f"{SITE_URL}cases/{i}/" for i in ("gamma-talk-brief", "alpha-read-states-sharded", "alpha-profile",
                                                     "beta-chat-fanout", "alpha-read-states")]
    assert entries[-1].find(f"{atom}published").text == "2020-03-01T00:00:00Z"
    assert entries[-1].find(f"{atom}updated").text == "2021-07-09T00:00:00Z"
    assert feed.find(f"{atom}link[@rel='self']").get("href") == SITE_URL + "feed.xml"


# --- dates from git -------------------------------------------------------

def git(repo, *args, date=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_case_dates_come_from_one_git_log(tmp_path):
    cases = tmp_path / "kb" / "cases"
    cases.mkdir(parents=True)
    assert case_dates(cases) == {}  # not a repository
    git(tmp_path, "init", "-q")
    (cases / "a.md").write_text("one")
    (cases / "b.md").write_text("one")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "add", date="2021-02-03T10:00:00+00:00")
    (cases / "a.md").write_text("two")
    (cases / "vocabulary").mkdir()
    (cases / "vocabulary" / "x.md").write_text("not a case")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "edit", date="2022-05-06T10:00:00+00:00")
    (cases / "c.md").write_text("uncommitted")
    assert case_dates(cases) == {"a": ("2021-02-03", "2022-05-06"), "b": ("2021-02-03", "2021-02-03")}
