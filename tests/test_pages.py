"""The generated pages, from the fixture corpus: content, links, escaping, determinism."""

import html
from pathlib import Path

import pytest

from casebook.corpus import read_corpus
from casebook.model import Metric, format_factor, slugify
from casebook.pages import generate_pages, render_body, text
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
    assert Metric("p99", 50, 5, "ms", "lower", "s").factor == 10
    assert Metric("rps", 1000, 2500, "req/s", "higher", "s").factor == 2.5
    assert Metric("errors", 40, 0, "per day", "lower", "s").factor == float("inf")
    assert format_factor(10) == "10×" and format_factor(2.5) == "2.5×" and format_factor(float("inf")) == "eliminated"
    assert format_factor(0.5) == "0.5×"


def test_page_set(pages, corpus):
    expected = {"cases/index.md", "patterns/index.md", "domains/index.md", "companies/index.md",
                "technologies/index.md", "metrics/index.md", "migrations/index.md", "map/index.md",
                "timeline/index.md", "companies/alpha-corp.md"}
    expected |= {f"cases/{c.id}.md" for c in corpus.cases}
    expected |= {f"technologies/{t}.md" for t in ("go", "rust", "tokio", "glommio")}
    expected |= {f"patterns/{t}.md" for t in corpus.patterns.terms} | {f"domains/{t}.md" for t in corpus.domains.terms}
    assert set(pages) == expected


def test_case_page_summary_card(pages):
    page = pages["cases/alpha-read-states.md"]
    card = page[:page.index("## Problem")]
    for fact in ("**Company:** [Alpha Corp](../companies/alpha-corp.md)", "**Year:** 2020",
                 "[GC\\-free rewrite](../patterns/gc-free-rewrite.md)",
                 "[Low\\-latency real\\-time](../domains/low-latency-real-time.md)",
                 "**Level:** Advanced", "**Reading time:** 1 min",
                 "[Go](../technologies/go.md) → [Rust](../technologies/rust.md), [Tokio](../technologies/tokio.md)"):
        assert fact in card, fact
    assert "| p99 latency | 50 ms | 5 ms | 10× | [[1]](#source-alpha-blog) |" in card
    assert "| requests per second | 1,000 req/s | 2,500 req/s | 2.5× | [[2]](#source-alpha-talk) |" in card
    assert "{#source-alpha-blog rel=\"noopener\"} — Alpha Engineering, 2020-02-04 · primary" in card
    assert "Latency spikes every two minutes disappeared." in card


def test_citations_become_numbered_links_outside_code():
    body = "Fast [@a].\n\n```\nnot [@a] here\n```\nSlow [@b]."
    out = render_body(body, {"a": 1, "b": 2})
    assert "Fast <sup>[[1]](#source-a)</sup>." in out
    assert "not [@a] here" in out
    assert "Slow <sup>[[2]](#source-b)</sup>." in out


def test_related_cases_ranked_by_shared_terms(corpus, pages):
    alpha = next(c for c in corpus.cases if c.id == "alpha-read-states")
    # both share one pattern (2) and one domain (1): the tie goes to the newer case
    assert [c.id for c in alpha.related] == ["beta-chat-fanout", "alpha-read-states-sharded"]
    related = pages["cases/alpha-read-states.md"].split("## Related cases")[1]
    assert "[Designing chat fan\\-out](beta-chat-fanout.md)" in related
    assert "Caching, Low\\-latency real\\-time" in related


def test_pattern_page_has_prose_then_known_uses(pages, corpus):
    page = pages["patterns/caching.md"]
    assert page.index("## What it is") < page.index("## When it pays") < page.index("## What it costs") < page.index("## Known uses (3)")
    assert "**Related patterns:** [Sharding](sharding.md)" in page
    uses = page.split("## Known uses (3)")[1]
    assert uses.index("beta-chat-fanout.md") < uses.index("alpha-read-states-sharded.md") < uses.index("alpha-read-states.md)")
    # company, case, year, outcome, and the case's primary source
    assert ("| Alpha Corp | [Alpha shards its read\\-state store](../cases/alpha-read-states-sharded.md) | 2023 | "
            "p99 latency halved again and daily timeouts stopped\\. | "
            "[Sharding read states](https://example.com/alpha/shards){rel=\"noopener\"} |") in uses
    sharding = pages["patterns/sharding.md"].split("## Known uses (2)")[1]
    assert "beta-chat-fanout.md" in sharding and "alpha-read-states.md)" not in sharding
    assert "## Cases (" in pages["domains/storage-and-databases.md"]


def test_indexes_list_every_case_with_outcome(pages, corpus):
    index = pages["cases/index.md"]
    for case in corpus.cases:
        assert f'<a href="../{case.id}/">' not in index  # links are relative to cases/
        assert f'<a href="{case.id}/">' in index
        assert html.escape(case.outcome) in index
    assert "| [Alpha Corp](alpha-corp.md) | 2 |" in pages["companies/index.md"]
    tech = pages["technologies/go.md"]
    assert "before (replaced)" in tech and "alpha-read-states.md" in tech
    assert "after (adopted)" in pages["technologies/rust.md"]


def test_generation_is_deterministic(corpus):
    assert generate_pages(corpus) == generate_pages(corpus)


def test_contributor_text_is_inert():
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) | *b* `c`"
    out = text(hostile)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "\\[x\\]\\(javascript" in out and "\\|" in out and "\\*b\\*" in out


def test_slugs():
    assert slugify("C++") == "cpp" and slugify("C#") == "csharp" and slugify("Apache Kafka") == "apache-kafka"
    assert slugify("Node.js") == "node-js"
