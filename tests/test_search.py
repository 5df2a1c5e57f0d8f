"""Search: Material's search box answered from a Pagefind index (casebook/render/assets/search.js)."""

import json
import re
import sys

import pytest

from casebook.corpus import read_corpus
from conftest import ROOT

SEARCH_JS = ROOT / "casebook" / "render" / "assets" / "search.js"
WORKER = re.compile(r'"search": "([^"]*)"')


def test_the_build_writes_a_pagefind_index_and_no_lunr_index(built_site):
    corpus = read_corpus(ROOT / "cases").corpus
    assert (built_site / "pagefind" / "pagefind.js").is_file()
    fragments = list((built_site / "pagefind" / "fragment").iterdir())
    assert len(fragments) > len(corpus.cases)   # one per page: every case, list and term page
    # Material's index would be downloaded on every page load: only its settings remain.
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    assert index["docs"] == [] and index["config"]["separator"]


def test_every_page_s_search_box_uses_the_pagefind_worker(built_site):
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text()
        if 'id="__config"' not in html:
            continue
        worker = WORKER.search(html).group(1)
        # 404.html links from the site root, every other page relative to itself
        target = built_site / worker.lstrip("/") if worker.startswith("/") else page.parent / worker
        # Material's own worker URL serves Casebook's worker, which the page's head starts early
        assert target.read_text() == "self.casebookMoreBundles = [];\n" + SEARCH_JS.read_text(), page
        assert f"new URL({json.dumps(worker)},location.href)" in html.split("</head>")[0], page


@pytest.mark.browser
def test_first_result_is_timed_from_the_load_event(browser, server):
    """The benchmark's probe (scripts/bench.py) on the real site: a result arrives, and is timed."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import first_result
    company = next(c.company for c in read_corpus(ROOT / "cases").corpus.cases if c.company)
    seconds, kilobytes = first_result(browser, server, company)
    assert 0 < seconds < 30 and kilobytes > 10


def test_every_search_page_starts_the_worker_it_hands_to_material(built_site):
    """The head starts the worker Material will ask for, before any stylesheet or script."""
    for page in built_site.rglob("*.html"):
        html = page.read_text()
        if 'id="__config"' not in html:
            continue
        head = html[:html.index("</head>")]
        start = head.index("window.casebookSearch")
        assert start < head.index("<link rel=\"stylesheet\"") and "<script src=" not in head[:start], page
        early = re.search(r"var url=new URL\(\"([^\"]*)\",location.href\)", head).group(1)
        assert early == WORKER.search(html).group(1), page


@pytest.mark.browser
def test_material_searches_with_the_early_worker_across_instant_navigation(watched, server):
    """One worker for the whole visit: started by the head, handed to Material (no second
    worker, no second download of Pagefind), still answering after instant navigation."""
    from test_browser import search

    w = watched()
    loaded = []
    w.context.on("requestfinished", lambda r: loaded.append(r.url))
    w.page.goto(server)
    assert w.page.evaluate("window.casebookSearch instanceof Worker")
    search(w.page, "latency")
    w.page.locator(".md-search-result__link").first.wait_for(timeout=20000)
    w.page.keyboard.press("Escape")
    w.page.evaluate("window.sameDocument = true")
    w.page.locator("a.md-tabs__link").nth(1).click()
    w.page.wait_for_url("**/cases/**")
    assert w.page.evaluate("window.sameDocument === true")   # instant navigation: no new page load
    w.page.locator("input.md-search__input").fill("")
    search(w.page, "Discord")
    w.page.wait_for_function(
        "() => [...document.querySelectorAll('.md-search-result__link')].some(a => a.href.includes('discord'))",
        timeout=20000)
    assert w.page.evaluate("window.casebookSearch instanceof Worker")
    assert sum(bool(re.search(r"/assets/javascripts/workers/search\.[0-9a-f]+\.min\.js$", u)) for u in loaded) == 1, loaded
    assert sum(u.endswith("/pagefind/pagefind.js") for u in loaded) == 1, loaded


@pytest.mark.browser
def test_the_first_ten_are_shown_before_the_rest(watched, server):
    """Each answer grows: the first ten as soon as their excerpts are in (ordered by title, which
    needs all ten), then up to fifty, marked complete."""
    w = watched()
    w.page.goto(server)
    w.page.evaluate("window.casebookAnswers = [];"
                    "window.casebookSearch.addEventListener('message', e => e.data.type === 3 &&"
                    " window.casebookAnswers.push([e.data.data.items.length, e.data.data.complete]))")
    # the whole word at once (one query, as the benchmark types), not a query per prefix
    w.page.evaluate("""() => { window.casebookAnswers = [];
        const box = document.querySelector('input.md-search__input');
        box.focus(); box.value = 'latency';
        box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true})); }""")
    w.page.wait_for_function("window.casebookAnswers.filter(a => a[0]).length >= 2", timeout=20000)
    # 0 items: the answer to Material's empty first query, if it came after the listener
    answers = [a for a in w.page.evaluate("window.casebookAnswers") if a[0]]
    assert answers[0] == [10, False] and 10 < answers[1][0] <= 50 and answers[1][1], answers
    assert len(answers) == 2


@pytest.mark.browser
def test_the_last_word_is_completed_from_the_results(watched, server):
    """Material's search.suggest: the word being typed is completed with a word the results
    matched, and the right-arrow key takes it."""
    from test_browser import search

    w = watched()
    w.page.goto(server)
    search(w.page, "rewrite laten")
    w.page.wait_for_function("document.querySelector('.md-search__suggest').textContent.length > 13",
                             timeout=20000)
    suggested = w.page.locator(".md-search__suggest").text_content()
    assert suggested in ("rewrite latency", "rewrite latencies"), suggested
    w.page.keyboard.press("ArrowRight")
    assert w.page.locator("input.md-search__input").input_value() == suggested


@pytest.mark.browser
def test_the_count_is_of_every_matching_page_not_of_those_listed(watched, server):
    """The worker lists at most fifty results; the count above them says how many matched."""
    from test_browser import ranked

    w = watched()
    w.page.goto(server)
    ranked(w.page, server, "the")
    listed, total = w.page.evaluate("[window.casebookAnswer.items.length, window.casebookAnswer.total]")
    assert listed == 50 < total, (listed, total)
    w.page.wait_for_function("n => document.querySelector('.md-search-result__meta').textContent"
                             " === n.toLocaleString('en') + ' matching documents'", arg=total, timeout=5000)


@pytest.mark.browser
def test_a_large_site_indexed_in_bundles_is_searched_as_one(watched, tmp_path):
    """Pagefind's memory grows with the text it indexes (1.24 GB for 2,000 real-sized entries), so a
    large site is indexed in bundles of a bounded number of pages, which the worker merges: a page
    in any bundle is found."""
    from conftest import FIXTURES, run_casebook, serving
    site = tmp_path / "site"
    result = run_casebook("build", "--cases", FIXTURES / "valid", "--site-dir", site,
                          env={"CASEBOOK_SEARCH_BUNDLE_PAGES": "12"})
    assert result.returncode == 0, result.stdout + result.stderr
    bundles = sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind"))
    assert len(bundles) >= 3 and bundles[0] == "pagefind", bundles
    from casebook.render.plugin import search_bundles
    from test_browser import ranked
    pages = [str(p.relative_to(site)) for p in site.rglob("*.html") if not p.name.startswith("casebook-index")]
    import os
    os.environ["CASEBOOK_SEARCH_BUNDLE_PAGES"] = "12"
    try:
        last = search_bundles(pages)[-1]
    finally:
        del os.environ["CASEBOOK_SEARCH_BUNDLE_PAGES"]
    assert "technologies/tokio/index.html" in last    # a page of the last bundle
    w = watched()
    with serving(site) as url:
        w.page.goto(url)
        assert ranked(w.page, url, "Tokio")[0] == "technologies/tokio/"
