"""What only a browser shows: search, diagrams (also after instant navigation and in
dark mode), no request leaving localhost, no console errors. Headless Debian Chromium."""

import pytest

from casebook.corpus import read_corpus
from conftest import ROOT

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
    box.press_sequentially(query, delay=20)


def wait_for_svgs(page, count):
    page.wait_for_function(f"document.querySelectorAll('div.casebook-diagram svg').length >= {count}", timeout=20000)
    assert page.locator("div.casebook-diagram svg").count() == count
    assert page.locator("pre.casebook-diagram").count() == 0


def test_search_finds_a_case_by_company(watched, server, corpus):
    w = watched()
    for case in sorted(corpus.cases, key=lambda c: c.id):
        if not case.company:
            continue
        w.page.goto(server)
        search(w.page, case.company)
        result = w.page.locator(f".md-search-result__link[href*='cases/{case.id}/']")
        result.first.wait_for(timeout=20000)
        assert result.count() >= 1


def test_search_finds_by_pattern_and_technology(watched, server, corpus):
    w = watched()
    case = with_diagrams(corpus)
    for query in (corpus.patterns.terms[case.patterns[0]].name, (case.after or case.before)[0], case.title.split()[-1]):
        w.page.goto(server)
        search(w.page, query)
        w.page.locator(f".md-search-result__link[href*='{case.id}']").first.wait_for(timeout=20000)


def test_diagrams_render_as_svg(watched, server, corpus):
    w = watched()
    case = with_diagrams(corpus)
    w.page.goto(f"{server}cases/{case.id}/")
    wait_for_svgs(w.page, diagram_count(case))
    assert any(u.endswith("/assets/casebook/mermaid.min.js") for u in w.requests)


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


def test_cases_table_sorts(watched, server, corpus):
    w = watched()
    w.page.goto(f"{server}cases/")
    year_header = w.page.locator(".cb-sortable th", has_text="Year")
    year_header.locator("button").click()
    years = [int(t) for t in w.page.locator(".cb-sortable tbody tr td:nth-child(3)").all_inner_texts()]
    assert years == sorted(years)
    assert year_header.get_attribute("aria-sort") == "ascending"
    year_header.locator("button").click()
    years = [int(t) for t in w.page.locator(".cb-sortable tbody tr td:nth-child(3)").all_inner_texts()]
    assert years == sorted(years, reverse=True)


def test_every_page_kind_loads_without_errors(watched, server, corpus):
    w = watched()
    case = corpus.cases[0]
    for path in ("", "cases/", "patterns/", f"patterns/{case.patterns[0]}/", "domains/",
                 "companies/", "technologies/", "about/", f"cases/{case.id}/"):
        response = w.page.goto(server + path)
        assert response.status == 200, path
