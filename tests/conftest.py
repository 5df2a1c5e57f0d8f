import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
VOCABULARY = FIXTURES / "valid" / "vocabulary"
CASEBOOK = [sys.executable, "-m", "casebook.cli"]


def run_casebook(*args, cwd=ROOT, env=None):
    """Run the casebook command as a user would; returns the CompletedProcess."""
    return subprocess.run([*CASEBOOK, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def site_url():
    """Where the browser tests serve the site; the build must know it for instant navigation."""
    return f"http://127.0.0.1:{free_port()}/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_url):
    """The real cases, built strictly once for every test that needs the site."""
    site = tmp_path_factory.mktemp("site") / "site"
    result = run_casebook("build", "--site-dir", site, env={"CASEBOOK_SITE_URL": site_url})
    assert result.returncode == 0, result.stdout + result.stderr
    return site


# Browser tests: Debian's Chromium through Playwright, never a downloaded browser.
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@contextmanager
def serving(directory, port=0):
    """Serve a built site on localhost for the duration of a with-block; yields its URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    httpd = QuietServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def server(built_site, site_url):
    """The real site, served at the URL it was built for."""
    with serving(built_site, urlparse(site_url).port) as url:
        yield url


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser closing a connection early (navigation) is not a test failure


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed: run 'apt-get install chromium' (make test does it as root)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Watched:
    """A page that records every request and every console error."""

    def __init__(self, browser, color_scheme="light", width=None):
        size = {"viewport": {"width": width, "height": 900 if width > 600 else 844}} if width else {}
        self.context = browser.new_context(color_scheme=color_scheme, **size)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def foreign_requests(self):
        return [u for u in self.requests if urlparse(u).hostname not in ("127.0.0.1", "localhost")
                and not u.startswith(("data:", "blob:"))]

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    pages = []

    def make(color_scheme="light", width=None):
        pages.append(Watched(browser, color_scheme, width))
        return pages[-1]
    yield make
    for w in pages:
        assert w.foreign_requests() == [], "requests left localhost"
        assert w.errors == [], "console errors"
        w.close()


def draw_every_diagram(page, timeout=20000):
    """Scroll to each diagram in turn, as a reader does: diagrams.js draws a diagram only when it
    comes near the viewport. Returns when none is left undrawn (a failed one is marked, and left)."""
    undrawn = "pre.casebook-diagram:not(.casebook-diagram-error)"
    for _ in range(100):
        block = page.query_selector(undrawn)
        if block is None:
            return
        try:
            block.scroll_into_view_if_needed()
        except Exception:   # drawn (replaced) meanwhile: look again
            continue
        page.wait_for_function("el => !el.isConnected || el.classList.contains('casebook-diagram-error')",
                               arg=block, timeout=timeout)
    raise AssertionError("diagrams keep appearing")
