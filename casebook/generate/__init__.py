"""Generate: every page of the site from a Corpus, as Markdown with markers where generated HTML
goes (casebook.generate.markup.GeneratedPage).

Pure functions: the same corpus gives the same bytes. Nothing is written to disk; the
MkDocs plugin (casebook.render) hands the pages to MkDocs in memory and puts each page's
HTML fragments in place once its Markdown is rendered.
"""

from __future__ import annotations

import hashlib

from ..model import Corpus
from .case_pages import SiteInfo, entry_pages
from .explore import explore_pages
from .index_pages import browse_pages, render_home
from .markup import GeneratedPage


def generate_site(corpus: Corpus, site: SiteInfo | None = None, memo: dict | None = None) -> dict[str, GeneratedPage]:
    """Every generated page: docs-relative path -> its Markdown and fragments. memo: pages kept
    between rebuilds of the preview: entry pages (casebook.generate.case_pages.entry_pages), and
    the explore and browse pages while nothing they read has changed."""
    pages = entry_pages(corpus, site, memo)
    if memo is None:
        pages.update(explore_pages(corpus))
        pages.update(browse_pages(corpus))
        return pages
    key = ("lists", listing_inputs(corpus))
    if key not in memo:
        memo[key] = {**explore_pages(corpus), **browse_pages(corpus)}
    pages.update(memo[key])
    return pages


def listing_inputs(corpus: Corpus) -> str:
    """A fingerprint of everything the explore and browse pages read: each entry's front matter
    and reading time (not its text), the vocabularies and the reading paths. Editing an entry's
    text alone changes none of it, unless its reading time changes."""
    digest = hashlib.sha256(repr((corpus.patterns, corpus.domains, corpus.technologies, corpus.paths)).encode())
    for case in corpus.cases:
        digest.update(repr((case.path, case.front_matter, case.reading_minutes)).encode())
    return digest.hexdigest()


def generate_pages(corpus: Corpus, site: SiteInfo | None = None) -> dict[str, str]:
    """Every generated page as one Markdown text, its HTML in place (for tests, and for the
    benchmark's plain-Material build of the same pages)."""
    return {path: page.full() for path, page in generate_site(corpus, site).items()}


__all__ = ["GeneratedPage", "SiteInfo", "generate_pages", "generate_site", "render_home"]
