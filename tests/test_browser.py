"""What only a browser shows: search, diagrams (also after instant navigation and in
dark mode), no request leaving localhost, no console errors. Headless Debian Chromium."""

import re

import pytest

from casebook.corpus import read_corpus
from casebook.model import slugify
from conftest import ROOT, draw_every_diagram

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(ROOT / "cases").corpus


def diagram_count(case) -> int:
    return sum(1 for line in case.body.splitlines() if line.strip().startswith("```mermaid"))


def with_diagrams(corpus):
    return next(c for c in sorted(corpus.cases, key=lambda c: c.id) if diagram_count(c))


def search(page, query):
    """Type as a reader does: Material searches on key events, not on a filled value."""
    box = page.locator("input.md-search__input")
    box.click(force=True)
    box.fill("")   # a query typed before this one
    box.press_sequentially(query, delay=20)


def wait_for_svgs(page, count):
    draw_every_diagram(page)
    page.wait_for_function(f"document.querySelectorAll('div.casebook-diagram svg').length >= {count}", timeout=20000)
    assert page.locator("div.casebook-diagram svg").count() == count
    assert page.locator("pre.casebook-diagram").count() == 0


def ranked(page, server, query) -> list[str]:
    """The results for query, best first, as site paths ('cases/x/'), once the whole query is answered."""
    # The list grows as excerpts come in; the worker marks a query's last answer complete.
    page.evaluate("window.casebookAnswer = null; if (!window.casebookListening) {"
                  " window.casebookListening = true; window.casebookSearch.addEventListener('message', e => {"
                  " if (e.data.type === 3) window.casebookAnswer = e.data.data; }); }")
    search(page, query)
    # Material links each result with ?h=<the words it answered>: wait for the last query, not a prefix.
    words = " ".join(query.lower().split())
    page.wait_for_function(
        "words => { const a = document.querySelector('.md-search-result__item > .md-search-result__link');"
        " return a && new URL(a.href).searchParams.get('h') === words && window.casebookAnswer && window.casebookAnswer.complete; }",
        arg=words, timeout=20000)
    links = page.evaluate("[...document.querySelectorAll('.md-search-result__item > .md-search-result__link')]"
                          ".map(a => a.href.split('?')[0])")
    return [link.removeprefix(server) for link in links]


def assert_matching_cases_first(results, matching, own_page):
    """The first result is a matching case or the query's own list page; the cases that match
    come before every other case."""
    cases = [r.removeprefix("cases/").rstrip("/") for r in results if r.startswith("cases/") and r != "cases/"]
    assert results[0] == own_page or results[0] in {f"cases/{m}/" for m in matching}, results[:5]
    assert set(cases[:len(matching)]) == set(matching), (cases, matching)


# Queries readers type, each with the page that must come first: a title match beats a mention.
FIRST_FOR = {
    "read states": "cases/discord-read-states-go-to-rust/",
    "manifold": "technologies/manifold/",   # its page lists every entry that uses it
    "bigpineapple": "technologies/bigpineapple/",
    "url shortener": "cases/design-url-shortener/",
    "extstore": "cases/grafana-memcached-extstore/",
    "flannel": "technologies/flannel/",
    "flannel edge cache": "cases/slack-flannel-edge-cache/",
    "bigpineapple rust resolver": "cases/cloudflare-1111-resolver-bigpineapple/",
    "rust": "technologies/rust/",
    "scylladb": ("technologies/scylladb/", "companies/scylladb/"),   # a company and its database
    "sharding": "patterns/sharding/",
}


def test_search_ranks_the_page_a_reader_means_first(watched, server):
    w = watched()
    w.page.goto(server)
    for query, first in FIRST_FOR.items():
        results = ranked(w.page, server, query)
        assert results[0] in ((first,) if isinstance(first, str) else first), (query, results[:5])


def test_search_ranks_a_company_s_cases_first(watched, server, corpus):
    """For every company with more than one entry (one-entry companies are the same check with
    less to rank)."""
    w = watched()
    entries = {}
    for case in corpus.cases:
        entries[case.company] = entries.get(case.company, 0) + 1
    w.page.goto(server)
    for company in sorted(c for c, n in entries.items() if c and n > 1):
        matching = {c.id for c in corpus.cases if c.company == company}
        assert_matching_cases_first(ranked(w.page, server, company), matching, f"companies/{slugify(company)}/")


def test_search_ranks_a_technology_s_and_a_pattern_s_own_page_first(watched, server, corpus):
    """A title match ranks first: the term's own page, which lists its entries; the entries that
    name it in their prose are found too (search indexes prose, not the facts card)."""
    w = watched()
    case = with_diagrams(corpus)
    technology = (case.after or case.before)[0]
    pattern = case.patterns[0]
    for query, own_page in ((technology, f"technologies/{slugify(technology)}/"),
                            (corpus.patterns.terms[pattern].name, f"patterns/{pattern}/")):
        w.page.goto(server)
        results = ranked(w.page, server, query)
        assert results[0] == own_page, (query, results[:5])
        assert f"cases/{case.id}/" in results, query
    w.page.goto(server)
    assert f"cases/{case.id}/" in ranked(w.page, server, case.title.split()[-1])


def test_diagrams_render_as_svg(watched, server, corpus):
    w = watched()
    case = with_diagrams(corpus)
    w.page.goto(f"{server}cases/{case.id}/")
    wait_for_svgs(w.page, diagram_count(case))
    assert any(u.endswith("/assets/casebook/mermaid/mermaid.esm.min.mjs") for u in w.requests)


def test_diagrams_render_after_instant_navigation(watched, server, corpus):
    w = watched()
    case = with_diagrams(corpus)
    w.page.goto(f"{server}cases/")
    assert w.page.locator(".casebook-diagram").count() == 0
    w.page.evaluate("window.__stillSamePage = true")
    # Material's instant navigation rewrites links to absolute URLs
    w.page.locator(f".md-content a[href$='/cases/{case.id}/']").first.click()
    w.page.wait_for_url(f"**/cases/{case.id}/")
    wait_for_svgs(w.page, diagram_count(case))
    assert w.page.evaluate("window.__stillSamePage === true"), "instant navigation did not happen"


def test_diagrams_in_dark_mode_and_after_toggle(watched, server, corpus):
    w = watched("dark")
    case = with_diagrams(corpus)
    w.page.goto(f"{server}cases/{case.id}/")
    assert w.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    wait_for_svgs(w.page, diagram_count(case))
    assert w.page.locator("div.casebook-diagram[data-theme='dark']").count() == diagram_count(case)
    w.page.locator("form[data-md-component='palette'] label:visible").first.click()
    w.page.wait_for_function(
        f"document.querySelectorAll(\"div.casebook-diagram[data-theme='default'] svg\").length == {diagram_count(case)}",
        timeout=20000)


def test_tables_sort_by_a_column(watched, server, corpus):
    w = watched()
    w.page.goto(f"{server}patterns/")
    header = w.page.locator(".cb-sortable th", has_text="Entries")
    header.locator("button").click()
    counts = [int(t) for t in w.page.locator(".cb-sortable tbody tr td:nth-child(3)").all_inner_texts()]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    assert header.get_attribute("aria-sort") == "ascending"
    header.locator("button").click()
    counts = [int(t) for t in w.page.locator(".cb-sortable tbody tr td:nth-child(3)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)


def test_every_page_kind_loads_without_errors(watched, server, corpus):
    w = watched()
    case = corpus.cases[0]
    for path in ("", "cases/", "patterns/", f"patterns/{case.patterns[0]}/", "domains/",
                 "companies/", "technologies/", "about/", f"cases/{case.id}/", "metrics/", "migrations/",
                 "map/", "timeline/", "data/"):
        response = w.page.goto(server + path)
        assert response.status == 200, path


# What makes a browser fetch: a resource attribute of an element, or a <link> of a fetching kind.
RESOURCE = re.compile(r"<(?:script|img|iframe|frame|source|video|audio|embed|object|track|input|image|use)\b[^>]*?"
                      r"\s(?:src|srcset|data|poster|href|xlink:href)=[\"']?\s*(?:https?:)?//", re.I)
FETCHING_LINK = re.compile(r"<link\b(?=[^>]*\brel=[\"']?[^\"'>]*\b(?:stylesheet|preload|modulepreload|prefetch|"
                           r"preconnect|dns-prefetch|icon|manifest)\b)[^>]*\bhref=[\"']?\s*(?:https?:)?//", re.I)
CSS_URL = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])\s*(?:https?:)?//", re.I)


def test_no_page_of_the_site_requests_another_host(watched, server, built_site):
    """No built page or stylesheet points the browser at another host; and one page of each kind,
    its late requests (diagrams, the search worker and its index) awaited, makes no request that
    leaves localhost. (Every diagram of the site is drawn, watched the same way, in
    test_reader_browser.py.)"""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        found = RESOURCE.search(text) or FETCHING_LINK.search(text)
        assert not found, (page.relative_to(built_site), found.group())
    for sheet in built_site.rglob("*.css"):
        found = CSS_URL.search(sheet.read_text(encoding="utf-8"))
        assert not found, (sheet.relative_to(built_site), found.group())
    paths = [p.relative_to(built_site).as_posix().removesuffix("index.html") for p in pages]
    first_of_kind = {}
    for path in paths:
        first_of_kind.setdefault(path.split("/")[0] if "/" in path else path, path)
    with_diagram = next(p for p in paths if p.startswith("cases/") and "casebook-diagram" in
                        (built_site / p / "index.html").read_text(encoding="utf-8"))
    w = watched()
    for number, path in enumerate([""] + sorted(set(first_of_kind.values()) - {""}) + [with_diagram]):
        response = w.page.goto(server + path)
        assert response.status == 200, path
        if number == 0:   # a search brings in the worker and the index
            search(w.page, "latency")
            w.page.locator(".md-search-result__link").first.wait_for(timeout=20000)
        if path == with_diagram:
            draw_every_diagram(w.page)
        w.page.wait_for_load_state("networkidle")
    assert any("/pagefind/" in u for u in w.requests), "the search worker's requests were not recorded"
    assert any(u.endswith("/mermaid.esm.min.mjs") for u in w.requests), "no page with a diagram was awaited"
    assert w.foreign_requests() == []
