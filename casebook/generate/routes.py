"""Where every page lives on the site: the one module every generator imports for paths and links.

A page is named by its docs-relative source path ('cases/x.md'); MkDocs publishes it at a
directory URL ('cases/x/'). Links in generated Markdown are written between source paths
(MkDocs rewrites them); links in generated raw HTML, which MkDocs does not rewrite, are
written as the built site's relative URLs with href().
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlencode

from ..model import Case, slugify

HOME = "index.md"
CATALOG = "cases/index.md"
METRICS = "metrics/index.md"
MIGRATIONS = "migrations/index.md"
MAP = "map/index.md"
TIMELINE = "timeline/index.md"
PATTERNS = "patterns/index.md"
DOMAINS = "domains/index.md"
COMPANIES = "companies/index.md"
TECHNOLOGIES = "technologies/index.md"
LANGUAGES = "languages/index.md"
PATHS = "paths/index.md"
DATA = "data/index.md"


def case_page(case: Case) -> str:
    return f"cases/{case.id}.md"


def term_page(vocabulary: str, term_id: str) -> str:
    return f"{vocabulary}/{term_id}.md"


def company_page(name: str) -> str:
    return f"companies/{slugify(name)}.md"


def technology_page(name: str) -> str:
    return f"technologies/{slugify(name)}.md"


def path_page(path_id: str) -> str:
    return f"paths/{path_id}.md"


def page_url(page: str) -> str:
    """The URL path (relative to the site root) that MkDocs gives a docs page."""
    if page == "index.md":
        return ""
    stem = page[:-3]
    return stem[: -len("index")] if stem.endswith("/index") or stem == "index" else stem + "/"


def href(from_page: str, to_page: str, query: dict | None = None, fragment: str = "") -> str:
    """A relative URL from one built page to another, for raw HTML (not escaped: templates escape)."""
    here, there = page_url(from_page), page_url(to_page)
    rel = posixpath.relpath("/" + there, "/" + here) if there != here else "."
    rel = "./" if rel == "." else rel + "/"
    if query:
        rel += "?" + urlencode(query, doseq=True)
    return rel + (f"#{fragment}" if fragment else "")


def rel(from_page: str, to_page: str) -> str:
    """A relative link between two source pages, for generated Markdown (MkDocs rewrites it)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
