"""Generate: every page of the site, as Markdown (with raw HTML from templates), from a Corpus.

Pure functions: the same corpus gives the same bytes. Nothing is written to disk; the
MkDocs plugin (casebook.render) hands the pages to MkDocs in memory.
"""

from __future__ import annotations

from ..model import Corpus
from .case_pages import SiteInfo, entry_pages
from .explore import explore_pages
from .index_pages import browse_pages, render_home


def generate_pages(corpus: Corpus, site: SiteInfo | None = None) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown."""
    pages = entry_pages(corpus, site)
    pages.update(explore_pages(corpus))
    pages.update(browse_pages(corpus))
    return pages


__all__ = ["SiteInfo", "generate_pages", "render_home"]
