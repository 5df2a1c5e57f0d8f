"""End to end: the real cases build strictly, every page is there, nothing points off-site."""

import os
import re
from pathlib import Path

from casebook.corpus import read_corpus
from conftest import ROOT


def test_real_cases_build_strictly_with_every_page(built_site):
    corpus = read_corpus(ROOT / "cases").corpus
    assert len(corpus.cases) >= 3
    for case in corpus.cases:
        page = built_site / "cases" / case.id / "index.html"
        assert page.is_file(), case.id
        html = page.read_text()
        assert "Related entries" in html and html.count("id=\"references\"") == 1 and case.outcome.split()[0] in html
    for vocabulary in ("patterns", "domains"):
        for term in corpus.vocabulary(vocabulary).terms:
            assert (built_site / vocabulary / term / "index.html").is_file()
    assert (built_site / "assets" / "casebook" / "mermaid" / "mermaid.esm.min.mjs").is_file()
    assert not list((built_site / "assets" / "casebook" / "mermaid").rglob("*.map"))   # Mermaid's chunks, no source maps


def test_no_page_has_an_empty_announcement_banner(built_site):
    """The preview's problem bar lives in Material's announce block: empty, it must leave no banner."""
    assert [p for p in built_site.rglob("*.html") if "md-banner" in p.read_text()] == []


def test_no_page_loads_anything_from_another_host(built_site):
    loads = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(https?:)?//", re.I)
    offenders = []
    for page in built_site.rglob("*.html"):
        for match in loads.finditer(page.read_text()):
            tag = page.read_text()[match.start():match.start() + 120]
            if 'rel="canonical"' not in tag and "rel=\"alternate\"" not in tag:
                offenders.append((page.relative_to(built_site), tag))
    assert offenders == []


def test_navigation_is_bounded(built_site):
    """No case page is listed in the navigation of another page."""
    corpus = read_corpus(ROOT / "cases").corpus
    home = (built_site / "index.html").read_text()
    nav = home[home.index('md-nav--primary'):]
    nav = nav[:nav.index("</nav>")]
    assert not any(f"cases/{case.id}/" in nav for case in corpus.cases)


def test_the_site_builds_strictly_with_properdocs_too(built_site, tmp_path, site_url):
    """ProperDocs (the continuation of MkDocs 1.x) builds the same site from the same mkdocs.yml."""
    import subprocess
    import sys

    site = tmp_path / "site"
    properdocs = Path(sys.executable).parent / "properdocs"
    result = subprocess.run([str(properdocs), "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "CASEBOOK_SITE_URL": site_url})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    def pages(folder):
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.html"))
    assert pages(site) == pages(built_site)
    case = next(iter(read_corpus(ROOT / "cases").corpus.cases))
    def page(folder):   # the same page, but for the generator's name in its head
        return re.sub(r'<meta name="generator" content="[^"]*">', "", (folder / "cases" / case.id / "index.html").read_text())
    assert page(site) == page(built_site)
