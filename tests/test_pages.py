"""The generated pages, from the fixture corpus: content, links, escaping, determinism."""

import dataclasses
import html
import math
import re

import pytest

from casebook.corpus import read_corpus
from casebook.generate import generate_pages
from casebook.generate.case_pages import render_body, split_at_references
from casebook.generate.markup import md_text as text
from casebook.generate.index_pages import render_home
from casebook.model import PathEntry, ReadingPath, Metric, format_factor, slugify
from conftest import FIXTURES, VOCABULARY


@pytest.fixture(scope="module")
def corpus():
    result = read_corpus(FIXTURES / "valid", VOCABULARY)
    assert result.problems == []
    return result.corpus


@pytest.fixture(scope="module")
def pages(corpus):
    return generate_pages(corpus)


def test_improvement_factor_respects_direction():
    assert Metric("p99", "lower", "s", before=50, after=5, unit="ms").factor == 10
    assert Metric("rps", "higher", "s", before=1000, after=2500).factor == 2.5
    assert Metric("errors", "lower", "s", before=40, after=0).factor == math.inf
    assert format_factor(10) == "10×" and format_factor(2.5) == "2.5×" and format_factor(math.inf) == "eliminated"
    assert format_factor(0.5) == "0.5×"


def test_metric_forms_say_what_the_source_says():
    ratio = Metric("p99", "lower", "s", ratio=5)
    assert (ratio.form, ratio.factor, ratio.change) == ("ratio", 5, "5× lower")
    percent = Metric("startup", "lower", "s", percent=77)
    assert percent.form == "percent" and percent.change == "77% lower"
    assert percent.factor == pytest.approx(1 / 0.23)
    assert Metric("rps", "higher", "s", percent=40).factor == pytest.approx(1.4)
    # a range counts from its least flattering ends: 40 / 15, not 125 / 15
    ranged = Metric("fetch", "lower", "s", before=(40, 125), after=15, unit="ms")
    assert ranged.factor == pytest.approx(40 / 15) and ranged.shown(ranged.before) == "40–125 ms"
    assert Metric("rps", "higher", "s", before=(100, 200), after=(300, 400)).factor == pytest.approx(1.5)
    illustration = Metric("interval", "lower", "s", before=60, after=0.5, illustrative=True)
    assert illustration.factor == 120 and not illustration.ranked


def test_best_metric_leaves_illustrations_out(corpus):
    brief = next(c for c in corpus.cases if c.id == "gamma-talk-brief")
    assert brief.best_metric.name == "p99 read latency"   # 5x beats 40% (1.67x) and the range (2.67x)


def test_page_set(pages, corpus):
    expected = {"cases/index.md", "patterns/index.md", "domains/index.md", "companies/index.md",
                "technologies/index.md", "languages/index.md", "paths/index.md", "metrics/index.md",
                "migrations/index.md", "map/index.md", "timeline/index.md", "companies/alpha-corp.md",
                "companies/gamma.md"}
    expected |= {f"cases/{c.id}.md" for c in corpus.cases}
    expected |= {f"technologies/{t}.md" for t in ("go", "rust", "tokio", "glommio", "postgresql")}
    expected |= {f"patterns/{t}.md" for t in corpus.patterns.terms} | {f"domains/{t}.md" for t in corpus.domains.terms}
    assert set(pages) == expected


def test_case_page_card_then_story_then_references(pages):
    page = pages["cases/alpha-read-states.md"]
    card = page[:page.index("## Problem")]
    assert '<a href="../../companies/alpha-corp/">Alpha Corp</a> · Case study · 2020' in card
    for fact in ('<a href="../../patterns/gc-free-rewrite/">GC-free rewrite</a>',
                 '<a href="../../domains/low-latency-real-time/">Low-latency real-time</a>',
                 "<dt>Level</dt><dd>Advanced</dd>", "<dt>Reading time</dt><dd>1 min</dd>",
                 '<a href="#references">2 sources, 1 primary</a>',
                 '<a href="../../technologies/go/">Go</a> → <a href="../../technologies/rust/">Rust</a>, '
                 '<a href="../../technologies/tokio/">Tokio</a>'):
        assert fact in card, fact
    assert ("<tr><td>p99 latency</td><td>50 ms</td><td>5 ms</td><td>10×</td>"
            '<td><a href="#source-alpha-blog">[1]</a></td></tr>') in card
    assert "Latency spikes every two minutes disappeared." in card
    assert "Why we moved to Rust" not in card   # the reference list is at the end
    story, rest = page.split("## References", 1)
    assert story.index("## Problem") < story.index("## Myths and corrections")
    assert '<li id="source-alpha-blog"><a href="https://example.com/alpha/rust">Why we moved to Rust</a>. ' \
           'Alpha Engineering, 2020-02-04 <span class="cb-badge cb-primary"' in rest
    assert rest.index('<ol class="cb-references">') < rest.index("## Related entries")


def test_references_come_before_further_reading():
    body = "## Lessons\n\nText.\n\n```\n## Further reading\n```\n\n## Further reading\n\n- More.\n"
    story, after = split_at_references(body)
    assert story.endswith("```\n## Further reading\n```\n")   # a fence is not a heading
    assert after.strip() == "## Further reading\n\n- More."
    assert split_at_references("## Lessons\n\nText.\n") == ("## Lessons\n\nText.\n", "")


def test_brief_and_ratio_metrics_on_the_page(pages):
    page = pages["cases/gamma-talk-brief.md"]
    assert "Brief · 2023" in page and "<dt>Talk</dt><dd>Example Conf 2023, by Ada Example</dd>" in page
    assert "<td>5× lower</td>" in page and "<td>40% lower</td>" in page
    assert "<td>40–125 ms</td><td>15 ms</td><td>2.67× <span class=\"cb-muted\">(least flattering ends)</span>" in page


def test_profile_opens_its_company_page(pages):
    page = pages["companies/alpha-corp.md"]
    lead = page.index('<div class="cb-profile-lead">')
    assert lead < page.index("Alpha Corp's story")
    assert 'href="../../cases/alpha-profile/">Alpha Corp: what it runs, as of March 2024</a>' in page
    story = page[page.index("<ol class=\"cb-story\">"):]
    assert story.index("<strong>2020</strong>") < story.index("<strong>2023</strong>")   # oldest first
    assert "alpha-profile/" not in story


def test_archived_copy_beside_its_source(pages):
    page = pages["cases/alpha-profile.md"]
    assert '<a href="https://web.archive.org/web/2020/https://example.com/alpha/rust" class="cb-archive">archived copy</a>' in page


def test_citations_become_numbered_links_outside_code():
    body = "Fast [@a].\n\n```\nnot [@a] here\n```\nSlow [@b], `[@a]` stays code."
    out = render_body(body, {"a": 1, "b": 2})
    assert 'Fast <sup class="cb-cite"><a href="#source-a">1</a></sup>.' in out
    assert "not [@a] here" in out
    assert 'Slow <sup class="cb-cite"><a href="#source-b">2</a></sup>, `[@a]` stays code.' in out


def test_a_pattern_id_in_code_links_to_its_page(corpus):
    out = render_body("Lessons: `caching` and `not-a-pattern` and ``caching``.", {}, corpus)
    assert "[Caching](../patterns/caching.md)" in out and "`not-a-pattern`" in out


def test_related_cases_ranked_by_shared_terms(corpus, pages):
    alpha = next(c for c in corpus.cases if c.id == "alpha-read-states")
    # the profile and the design share one pattern (2) and one domain (1) or more: newer first on a tie
    related = [c.id for c in alpha.related]
    assert related.index("beta-chat-fanout") < related.index("alpha-read-states-sharded")
    section = pages["cases/alpha-read-states.md"].split("## Related entries")[1]
    assert '<a href="../beta-chat-fanout/">Designing chat fan-out</a>' in section
    assert "Caching, Low-latency real-time" in section


def test_pattern_page_shows_how_each_use_applied_it(pages):
    page = pages["patterns/gc-free-rewrite.md"]
    assert page.index("## What it is") < page.index("## When it pays") < page.index("## What it costs") < page.index("## Known uses")
    uses = page.split("## Known uses")[1]
    # the profile's pattern note, not its outcome
    assert "<td>Both services moved from Go to Rust to remove collector pauses from the request path.</td>" in uses
    # an entry without a note shows its outcome, labelled
    assert '<span class="cb-muted">Outcome:</span> Latency spikes every two minutes disappeared.' in uses


def test_languages_page_lists_moves_to_and_from(pages):
    page = pages["languages/index.md"]
    rust = page[page.index('<h2 id="rust">'):page.index('<h2 id="go">')]
    assert "Moved to Rust:" in rust and "alpha-read-states/" in rust and "(from Go, Alpha Corp, 2020)" in rust
    go = page[page.index('<h2 id="go">'):]
    assert "Moved from Go:" in go and "(to Rust, Alpha Corp, 2020)" in go


def test_indexes_list_every_entry_with_outcome(pages, corpus):
    index = pages["cases/index.md"]
    for case in corpus.cases:
        assert f'<a href="{case.id}/">' in index
        assert html.escape(case.outcome, quote=True).replace("&#x27;", "&#39;") in index
    assert '<a href="alpha-corp/">Alpha Corp</a></td><td>3</td>' in pages["companies/index.md"]
    tech = pages["technologies/go.md"]
    assert "before (replaced)" in tech and "alpha-read-states/" in tech
    assert "after (adopted)" in pages["technologies/rust.md"]


def test_home_links_each_page_once(corpus):
    """The newest entry is also the first step of Start here: the home page links it once."""
    newest = max((c for c in corpus.cases if c.kind != "profile"), key=lambda c: c.year)
    start = ReadingPath("start-here", "Start here", "First steps.", (PathEntry(newest.id, "Why first."),))
    home = str(render_home(dataclasses.replace(corpus, paths=[start])))
    links = re.findall(r'href="([^"]+)"', home)
    assert len(links) == len(set(links)), sorted(l for l in links if links.count(l) > 1)
    assert home.count(f"{newest.id}/") == 1


def test_builds_are_deterministic_across_processes(tmp_path):
    """Two builds in separate processes with different hash seeds (set and dict order of strings
    changes between them) give the same site, byte for byte."""
    import hashlib
    import os

    from conftest import run_casebook

    def build(seed: str):
        site = tmp_path / f"site-{seed}"
        result = run_casebook("build", "--cases", FIXTURES / "valid", "--site-dir", site,
                              env={"PYTHONHASHSEED": seed, "CASEBOOK_SITE_URL": "https://example.org/"})
        assert result.returncode == 0, result.stdout + result.stderr
        return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(site.rglob("*")) if p.is_file()}

    first, second = build("1"), build("2")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_contributor_text_is_inert():
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) | *b* `c`"
    out = text(hostile)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "\\[x\\]\\(javascript" in out and "\\|" in out and "\\*b\\*" in out


def test_slugs():
    assert slugify("C++") == "cpp" and slugify("C#") == "csharp" and slugify("Apache Kafka") == "apache-kafka"
    assert slugify("Node.js") == "node-js"
