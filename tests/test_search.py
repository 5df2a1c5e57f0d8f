"""Search: Material's search box answered from a Pagefind index (casebook/assets/search.js)."""

import json
import re
import sys

import pytest

from casebook.corpus import read_corpus
from conftest import ROOT

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
        assert target.resolve() == (built_site / "assets" / "casebook" / "search.js").resolve(), page


@pytest.mark.browser
def test_first_result_is_timed_from_the_load_event(browser, server):
    """The benchmark's probe (scripts/bench.py) on the real site: a result arrives, and is timed."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import first_result
    company = next(c.company for c in read_corpus(ROOT / "cases").corpus.cases if c.company)
    seconds, kilobytes = first_result(browser, server, company)
    assert 0 < seconds < 30 and kilobytes > 10
