"""The explore pages in headless Chromium: facets and their counts, state in the URL,
sorting by improvement, links from the pattern map and the migrations diagram, and the
catalog and metrics explorer past their first page of items. (Their weight and speed at
2,000 entries are measured by `make bench`, not here.)"""

import sys
from urllib.parse import urlencode

import pytest

from casebook.corpus import read_corpus
from casebook.generate.explore import factor_key
from conftest import FIXTURES, ROOT, run_casebook, serving

pytestmark = pytest.mark.browser

sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(ROOT / "cases").corpus


def visible_ids(page) -> list[str]:
    return page.eval_on_selector_all(".cb-card-grid > li:not([hidden])", "items => items.map(i => i.id)")


def facet(page, key, value):
    return page.locator(f'fieldset[data-facet="{key}"] label[data-value="{value}"]')


def tick(page, key, value):
    """Tick a facet value, opening the facet's full list first if the value is not among those shown."""
    label = facet(page, key, value)
    if not label.is_visible():
        page.locator(f'fieldset[data-facet="{key}"] .cb-more').click()
    label.locator("input").check()


def count_of(page, key, value) -> int:
    return int(facet(page, key, value).locator(".cb-count").inner_text())


def open_catalog(page, url):
    page.goto(url)
    page.wait_for_selector("[data-cb-catalog][data-ready]")


def busiest_pair(corpus):
    """A pattern and a domain that select some cases but not all: a test that can fail."""
    pairs = {}
    for case in corpus.cases:
        for p in case.patterns:
            for d in case.domains:
                pairs.setdefault((p, d), set()).add(case.id)
    return max(((p, d) for (p, d), ids in pairs.items() if len(ids) < len(corpus.cases)),
               key=lambda pd: (len(pairs[pd]), pd))


def test_two_facets_give_the_right_cases_and_counts_and_survive_a_reload(watched, server, corpus):
    w = watched()
    pattern, domain = busiest_pair(corpus)
    open_catalog(w.page, f"{server}cases/")
    assert len(visible_ids(w.page)) == len(corpus.cases)
    # the count beside a value is what ticking it gives
    expected_pattern = sorted(c.id for c in corpus.cases if pattern in c.patterns)
    assert count_of(w.page, "pattern", pattern) == len(expected_pattern)
    tick(w.page, "pattern", pattern)
    assert sorted(visible_ids(w.page)) == expected_pattern
    assert count_of(w.page, "domain", domain) == sum(1 for c in corpus.cases if pattern in c.patterns and domain in c.domains)
    tick(w.page, "domain", domain)
    expected = sorted(c.id for c in corpus.cases if pattern in c.patterns and domain in c.domains)
    assert sorted(visible_ids(w.page)) == expected
    assert w.page.locator(".cb-catalog-status").inner_text() == f"{len(expected)} of {len(corpus.cases)} entries"
    # every other value's count is the number of cases it would leave (domains combine with 'all of')
    for case_domain in {d for c in corpus.cases for d in c.domains} - {domain}:
        if facet(w.page, "domain", case_domain).is_visible():
            n = sum(1 for c in corpus.cases if pattern in c.patterns and domain in c.domains and case_domain in c.domains)
            assert count_of(w.page, "domain", case_domain) == n, case_domain
    # the state is in the URL: a reload (or a shared link) shows the same view
    assert f"pattern={pattern}" in w.page.url and f"domain={domain}" in w.page.url
    w.page.reload()
    w.page.wait_for_selector("[data-cb-catalog][data-ready]")
    assert sorted(visible_ids(w.page)) == expected
    assert facet(w.page, "pattern", pattern).locator("input").is_checked()


def test_companies_combine_with_any_of_and_sorting_by_year(watched, server, corpus):
    w = watched()
    named = sorted({c.company for c in corpus.cases if c.company})[:2]
    slugs = [c for c in corpus.cases if c.company in named]
    from casebook.model import slugify
    query = urlencode([("company", slugify(n)) for n in named] + [("sort", "year")])
    open_catalog(w.page, f"{server}cases/?{query}")
    ids = visible_ids(w.page)
    assert sorted(ids) == sorted(c.id for c in slugs)
    years = [next(c.year for c in corpus.cases if c.id == i) for i in ids]
    assert years == sorted(years)
    # a company not chosen counts the cases it would add
    other = next(c.company for c in corpus.cases if c.company and c.company not in named)
    assert count_of(w.page, "company", slugify(other)) == sum(1 for c in corpus.cases if c.company == other)


def test_text_and_year_filters(watched, server, corpus):
    w = watched()
    case = sorted(corpus.cases, key=lambda c: c.id)[0]
    word = max(case.title.split(), key=len).lower()
    open_catalog(w.page, f"{server}cases/?{urlencode({'q': word, 'from': case.year, 'to': case.year})}")
    expected = sorted(c.id for c in corpus.cases if c.year == case.year and
                      word in f"{c.title} {c.summary} {c.company or ''}".lower())
    assert sorted(visible_ids(w.page)) == expected and case.id in expected


def test_pattern_map_cell_opens_the_catalog_with_exactly_its_cases(watched, server, corpus):
    w = watched()
    pattern, domain = busiest_pair(corpus)
    w.page.goto(f"{server}map/")
    cell = w.page.locator(f'a[data-pattern="{pattern}"][data-domain="{domain}"]')
    number = int(cell.inner_text())
    cell.click()
    w.page.wait_for_selector("[data-cb-catalog][data-ready]")
    expected = sorted(c.id for c in corpus.cases if pattern in c.patterns and domain in c.domains)
    assert sorted(visible_ids(w.page)) == expected and number == len(expected)


def test_migration_edge_leads_to_its_cases(watched, server, corpus):
    w = watched()
    w.page.goto(f"{server}migrations/")
    edges = w.page.locator(".cb-migration-diagram a.cb-edge")
    moves = {(old, new) for c in corpus.cases for old, new in c.migrations}
    assert edges.count() == len(moves)
    # a straight arrow has no height, so Playwright will not click it: activate the link itself
    edges.first.dispatch_event("click")
    anchor = w.page.url.split("#", 1)[1]
    row = w.page.locator(f"tr#{anchor}")
    old, new = row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text()
    linked = sorted(h.rstrip("/").rsplit("/", 1)[-1] for h in
                    row.locator("td:nth-child(4) a").evaluate_all("links => links.map(a => a.href)"))
    assert linked == sorted(c.id for c in corpus.cases if (old, new) in c.migrations)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    """The fixture corpus: three cases, four metrics, one of them eliminated."""
    site = tmp_path_factory.mktemp("fixture-site") / "site"
    result = run_casebook("build", "--cases", FIXTURES / "valid", "--site-dir", site)
    assert result.returncode == 0, result.stdout + result.stderr
    with serving(site) as url:
        yield url


def factors(page) -> list[float]:
    return page.eval_on_selector_all(".cb-metrics-explorer tbody tr:not([hidden])",
                                     "rows => rows.map(r => parseFloat(r.dataset.factor))")


def test_metrics_explorer_sorts_by_improvement_and_filters(watched, fixture_site):
    w = watched()
    w.page.goto(f"{fixture_site}metrics/")
    w.page.wait_for_selector("[data-cb-metrics][data-ready]")
    header = w.page.locator(".cb-metrics-explorer th", has_text="Change")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    values = factors(w.page)
    corpus = read_corpus(FIXTURES / "valid", FIXTURES / "valid" / "vocabulary").corpus
    assert values == sorted(values, reverse=True) and values[0] == float("inf")
    assert len(values) == sum(len(c.metrics) for c in corpus.cases)
    header.locator("button").click()
    assert factors(w.page) == sorted(values)
    # "p99, improved at least 5x": the pair (10x) and the stated ratio (5x)
    w.page.fill(".cb-metric-filter input[name=q]", "p99")
    w.page.fill(".cb-metric-filter input[name=min]", "5")
    assert sorted(factors(w.page)) == [5.0, 10.0]
    assert "q=p99" in w.page.url and "min=5" in w.page.url
    w.page.reload()
    w.page.wait_for_selector("[data-cb-metrics][data-ready]")
    assert sorted(factors(w.page)) == [5.0, 10.0]


# --- past the first page of items ------------------------------------------

SCALE = 260   # more than FIRST_ROWS (100) items, and a second "show more" step


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    write_corpus(SCALE, root / "cases")
    site = root / "site"
    result = run_casebook("build", "--cases", root / "cases", "--site-dir", site)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    with serving(site) as url:
        yield site, url


def test_catalog_and_explorer_show_the_first_items_and_more_on_request(watched, big_site):
    site, url = big_site
    corpus = read_corpus(site.parent / "cases", ROOT / "cases" / "vocabulary").corpus
    w = watched()
    pattern, domain = busiest_pair(corpus)
    open_catalog(w.page, f"{url}cases/")
    assert len(visible_ids(w.page)) < SCALE  # the first rows only: laying out 2,000 is what is slow
    open_catalog(w.page, f"{url}cases/?{urlencode({'pattern': pattern, 'domain': domain})}")
    expected = sorted(c.id for c in corpus.cases if pattern in c.patterns and domain in c.domains)
    assert sorted(visible_ids(w.page)) == expected
    # a click on one more facet value
    extra = next(p for c in corpus.cases if c.id == expected[0] for p in c.patterns if p != pattern)
    tick(w.page, "pattern", extra)
    assert sorted(visible_ids(w.page)) == sorted(
        c.id for c in corpus.cases if {pattern, extra} <= set(c.patterns) and domain in c.domains)
    w.page.goto(f"{url}metrics/")
    w.page.wait_for_selector("[data-cb-metrics][data-ready]")
    w.page.locator(".cb-metrics-explorer th", has_text="Change").locator("button").click()
    # the first rows are shown, largest improvement first; the button shows more
    values = factors(w.page)
    every = sorted((float(factor_key(m.factor)) for c in corpus.cases for m in c.metrics), reverse=True)
    assert values == every[:len(values)] and 0 < len(values) < SCALE
    w.page.locator(".cb-metrics-explorer .cb-show-more").click()
    more = factors(w.page)
    assert len(more) > len(values) and more == every[:len(more)]
