"""What a reader sees, measured in headless Chromium on the real site: every diagram legible at
1366 px and named for screen readers, wide diagrams usable on a phone, a case page light on its
first load, and a catalog that works on a phone and from the keyboard."""

import html
import re

import pytest

from conftest import draw_every_diagram

pytestmark = pytest.mark.browser

DIAGRAM = re.compile(r'<pre class="casebook-diagram">(.*?)</pre>', re.S)
ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">).*?(</article>)', re.S)
LEGIBLE_PX = 12          # the smallest label size a reader can read without zooming
FIRST_LOAD_BYTES = 700 * 1024

# Every label of every drawn diagram: its effective size is its font size times the scale at
# which the SVG is shown (its width on screen over its viewBox width).
MEASURE = """() => [...document.querySelectorAll('div.casebook-diagram svg')].map(svg => {
  const box = svg.viewBox.baseVal;
  const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
  const labels = [...svg.querySelectorAll('text, tspan, foreignObject *')].filter(e =>
    [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
  const sizes = labels.map(e => parseFloat(getComputedStyle(e).fontSize) * scale);
  const title = svg.querySelector(':scope > title');
  return {labels: sizes.length, smallest: Math.min(...sizes), title: title ? title.textContent : '',
          named: svg.getAttribute('aria-labelledby') === (title && title.id),
          group: svg.closest('.cb-diagram-scroll').getAttribute('aria-label')};
})"""


GALLERY_PAGE = 24        # diagrams per gallery page: one page of all of them lays out slowly


@pytest.fixture(scope="module")
def gallery(built_site):
    """Every diagram of the built site (entries and pattern templates), laid out in the article of a
    real case page, GALLERY_PAGE to a page: a few page loads instead of a hundred."""
    sources = []
    for page in sorted(built_site.rglob("index.html")):
        sources += DIAGRAM.findall(page.read_text())
    host = next(p for p in sorted((built_site / "cases").glob("*/index.html")) if DIAGRAM.search(p.read_text()))
    pages = []
    for start in range(0, len(sources), GALLERY_PAGE):
        blocks = "\n".join(f'<pre class="casebook-diagram">{s}</pre>' for s in sources[start:start + GALLERY_PAGE])
        pages.append(ARTICLE.sub(lambda m: m.group(1) + blocks + m.group(2), host.read_text(), count=1))
    return host.parent.relative_to(built_site).as_posix() + "/", pages, [html.unescape(re.sub(r"</?code>", "", s)) for s in sources]


def test_every_diagram_is_legible_at_1366_px_and_named(watched, server, gallery):
    path, pages, sources = gallery
    assert len(sources) > 50   # the real site's diagrams, not a handful
    w = watched(width=1366)
    w.page.route(lambda url: "?gallery=" in url,
                 lambda route: route.fulfill(body=pages[int(route.request.url.split("?gallery=")[1])],
                                             content_type="text/html"))
    drawn = []
    for number in range(len(pages)):
        w.page.goto(f"{server}{path}?gallery={number}")
        draw_every_diagram(w.page, timeout=30000)
        drawn += w.page.evaluate(MEASURE)
    assert len(drawn) == len(sources), "some diagrams were not drawn"
    for source, svg in zip(sources, drawn):
        first_line = source.strip().splitlines()[0]
        assert svg["labels"] > 0, first_line
        assert svg["smallest"] >= LEGIBLE_PX, (first_line, svg["smallest"])
        # the text alternative the validator requires (CB037) reaches the reader
        acc_title = re.search(r"^\s*accTitle:\s*(.+?)\s*$", source, re.M).group(1)
        assert svg["title"] == acc_title and svg["named"], (first_line, svg)
        assert svg["group"] == f"Diagram: {acc_title}"


def widest_diagram_case(built_site) -> str:
    """The case page whose first diagram's source has the most nodes: the likeliest to overflow."""
    def nodes(page):
        found = DIAGRAM.search(page.read_text())
        return len(re.findall(r"\[", found.group(1))) if found else 0
    return max(sorted((built_site / "cases").glob("*/index.html")), key=nodes).parent.name


def test_a_wide_diagram_on_a_phone_scrolls_with_a_cue_and_opens_full_size(watched, server, built_site):
    w = watched(width=390)
    w.page.goto(f"{server}cases/{widest_diagram_case(built_site)}/")
    draw_every_diagram(w.page)
    figure = w.page.locator("div.casebook-diagram.cb-overflows").first
    scroll = figure.locator(".cb-diagram-scroll")
    assert scroll.evaluate("s => s.scrollWidth > s.clientWidth")
    assert figure.locator(".cb-diagram-hint").is_visible()
    assert scroll.get_attribute("tabindex") == "0"   # scrollable from the keyboard too
    figure.locator(".cb-diagram-open").click()
    dialog = w.page.locator("dialog.cb-viewer")
    assert dialog.evaluate("d => d.open")
    canvas = dialog.locator(".cb-viewer-canvas")
    assert canvas.locator("svg").count() == 1
    before = canvas.evaluate("c => c.getBoundingClientRect().width")
    dialog.locator("button[data-zoom='in']").click()
    assert canvas.evaluate("c => c.getBoundingClientRect().width") > before * 1.2
    w.page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")


def test_a_case_page_first_load_is_light_and_never_fetches_elk(watched, server, built_site):
    """Mermaid (5 MB in all) comes only when a diagram nears the viewport, and only the dagre layout
    the diagrams use: Mermaid 12 defaults to ELK, a 1.6 MB chunk."""
    pages = sorted((built_site / "cases").glob("*/index.html"), key=lambda p: (-len(DIAGRAM.findall(p.read_text())), p))
    w = watched(width=1366)
    w.page.goto(f"{server}cases/{pages[0].parent.name}/", wait_until="load")
    first_load = w.page.evaluate("performance.getEntriesByType('navigation')[0].encodedBodySize + performance"
                                 ".getEntriesByType('resource').reduce((sum, e) => sum + e.encodedBodySize, 0)")
    assert 0 < first_load <= FIRST_LOAD_BYTES, first_load
    draw_every_diagram(w.page)
    assert w.page.locator("div.casebook-diagram svg").count() == len(DIAGRAM.findall(pages[0].read_text()))
    assert any("/mermaid/" in u for u in w.requests)
    assert not [u for u in w.requests if re.search(r"/elk-[^/]*\.mjs$", u)]


def open_catalog(page, url):
    page.goto(url)
    page.wait_for_selector("[data-cb-catalog][data-ready]")


def test_catalog_on_a_phone_shows_cards_first_and_filters_in_a_drawer(watched, server):
    w = watched(width=390)
    open_catalog(w.page, f"{server}cases/")
    facets = w.page.locator(".cb-facets")
    assert not facets.is_visible()
    first_card = w.page.locator(".cb-card-grid > li").first
    assert first_card.bounding_box()["y"] < 844 / 2   # a card in the top half of the first screen
    assert w.page.evaluate("document.documentElement.scrollWidth") <= 390   # nothing off-screen sideways
    toggle = w.page.locator(".cb-filter-toggle")
    toggle.click()
    assert facets.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    facets.locator('fieldset[data-facet="kind"] input').first.check()
    assert re.fullmatch(r"Filters \(1\)", toggle.inner_text())
    toggle.click()
    assert not facets.is_visible()


def test_catalog_facets_keep_their_order_show_focus_and_hide_the_empty_button(watched, server):
    w = watched(width=1366)
    open_catalog(w.page, f"{server}cases/")
    patterns = w.page.locator('fieldset[data-facet="pattern"]')
    patterns.locator(".cb-more").click()
    order = patterns.locator("label").evaluate_all("ls => ls.map(l => l.dataset.value)")
    patterns.locator("label:visible input").nth(3).check()
    assert patterns.locator("label").evaluate_all("ls => ls.map(l => l.dataset.value)") == order
    # every entry fits on the first page: the show-more button is hidden and out of the tab order
    more = w.page.locator(".cb-catalog .cb-show-more")
    assert more.evaluate("b => b.hidden && getComputedStyle(b).display === 'none'")
    # a keyboard user sees where the focus is
    w.page.locator(".cb-facets input[type='search'], .cb-facets input[type='text']").first.focus()
    for _ in range(30):
        w.page.keyboard.press("Tab")
        if w.page.evaluate("document.activeElement.type === 'checkbox'"):
            break
    ring = w.page.evaluate("(s => [s.outlineStyle, parseFloat(s.outlineWidth)])(getComputedStyle(document.activeElement))")
    assert ring[0] not in ("none", "") and ring[1] >= 2, ring
