"""No script from contributors: every page built from the payload cases in
tests/fixtures/payloads/ loads in Chromium without running any of them.

The payloads put <script>, event handlers, javascript: links, attribute-list and
Markdown-table injections into every front-matter text the pages show, and
Mermaid click callbacks, %%{init}%% directives and HTML labels into diagrams.
Each payload, if it ran, would set window.__pwned or open a dialog.
"""

import pytest

from conftest import draw_every_diagram, FIXTURES, Watched, run_casebook, serving

pytestmark = pytest.mark.browser

PAYLOADS = FIXTURES / "payloads"

# Anything in the DOM that could run contributor script, whether or not it already did.
LIVE_MARKUP = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\x00-\\x20]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} ${name}=${attr.value}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && (value.startsWith('javascript:') || value.startsWith('data:text/html')))
        found.push(`${el.tagName} ${name}=${attr.value}`);
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'FRAME'].includes(el.tagName)) found.push(el.tagName);
    const runs = !el.type || /javascript|ecmascript|module/i.test(el.type);  // not application/json data
    if (el.tagName === 'SCRIPT' && runs && el.textContent.includes('__pwned')) found.push('SCRIPT ' + el.textContent.slice(0, 60));
  }
  return found;
}"""

# Every diagram drawn or given up on (a payload may simply not parse as a diagram).
# No link opens a new tab or window (where rel="noopener" would matter): links from strangers'
# files, source URLs included, navigate in place.
LINKS_WITH_A_TARGET = """() => Array.from(document.querySelectorAll('.md-content a[target], .md-content form[target]')).map(a => a.outerHTML)"""


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("payloads") / "site"
    result = run_casebook("build", "--cases", PAYLOADS, "--site-dir", site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture
def reader(browser):
    """A page that records dialogs as well as requests."""
    watched = Watched(browser)
    watched.dialogs = []
    watched.page.on("dialog", lambda dialog: (watched.dialogs.append(dialog.message), dialog.dismiss()))
    yield watched
    watched.close()


def html_pages(site):
    return sorted(str(p.relative_to(site).parent) + "/" for p in site.rglob("index.html"))


def assert_inert(reader, where):
    page = reader.page
    assert page.evaluate("window.__pwned") is None, where
    assert page.evaluate(LIVE_MARKUP) == [], where
    assert reader.dialogs == [], where


def test_payload_corpus_is_valid_and_covers_every_page_kind(payload_site):
    pages = html_pages(payload_site)
    for kind in ("cases/payload-front-matter/", "cases/payload-diagrams/", "companies/", "technologies/",
                 "patterns/caching/"):
        assert any(p.startswith(kind) for p in pages), kind


def test_no_payload_runs_on_any_page(reader, payload_site):
    with serving(payload_site) as url:
        for path in html_pages(payload_site):
            where = url + path.lstrip("./")
            reader.page.goto(where)
            draw_every_diagram(reader.page)
            # Fire what a reader would: hover and click every diagram node (Mermaid binds
            # click callbacks with listeners, not attributes), and hover every element.
            reader.page.evaluate("""() => {
              for (const el of document.querySelectorAll('.md-content *')) {
                el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
              }
              for (const el of document.querySelectorAll('div.casebook-diagram svg g')) {
                el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
              }
            }""")
            # Handlers ran during dispatchEvent; let the tasks they queued run too (a frame, then
            # the task queue), rather than sleeping for a fixed time and hoping it was enough.
            reader.page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")
            assert_inert(reader, where)
    assert reader.foreign_requests() == []


def test_diagram_payloads_are_drawn_in_strict_mode(reader, payload_site):
    """The diagrams were drawn (so Mermaid saw the payloads) and their labels hold no live markup."""
    with serving(payload_site) as url:
        reader.page.goto(url + "cases/payload-diagrams/")
        draw_every_diagram(reader.page)
        assert reader.page.locator("div.casebook-diagram svg").count() >= 1
        assert reader.page.locator("div.casebook-diagram svg img[onerror], div.casebook-diagram svg script").count() == 0
        assert_inert(reader, "payload-diagrams")


def test_no_link_opens_a_new_tab(reader, payload_site):
    with serving(payload_site) as url:
        for case in ("payload-front-matter", "payload-diagrams"):
            reader.page.goto(f"{url}cases/{case}/")
            external = reader.page.evaluate("""() => Array.from(document.querySelectorAll('.md-content a[href]'))
              .filter(a => a.host && a.host !== location.host).length""")
            assert external >= 1, case  # the source links at least
            assert reader.page.evaluate(LINKS_WITH_A_TARGET) == [], case


def test_searching_the_payloads_runs_none(reader, payload_site):
    """Search results show titles and summaries as HTML: the payloads must arrive there escaped."""
    with serving(payload_site) as url:
        reader.page.goto(url)
        box = reader.page.locator("input.md-search__input")
        box.click(force=True)
        box.press_sequentially("pwned", delay=20)
        reader.page.locator(".md-search-result__link").first.wait_for(timeout=20000)
        assert_inert(reader, "search results")
