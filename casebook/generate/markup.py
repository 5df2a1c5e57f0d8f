"""How generated pages are written: Jinja templates with autoescaping for all HTML and SVG,
and the few helpers that make contributor text inert inside generated Markdown.

Python builds the data a page shows; the markup lives in casebook/generate/templates/.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import jinja2
import yaml

from ..model import format_factor, format_number, plural
from . import routes

# The characters Python-Markdown (with tables) lets a backslash escape.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+.!|-])")


def md_text(value: object) -> str:
    """Contributor text made inert inside generated Markdown: no markup, no HTML."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(value))
    return html.escape(escaped, quote=True)


def page_head(title: str, hide: tuple[str, ...] = (), extra: dict | None = None) -> str:
    """A generated page's meta (its title, as Material writes it into <title> through Jinja's
    striptags, which turns &lt; back into a live '<': so the meta title is escaped) and its h1."""
    meta = {"title": html.escape(str(title), quote=True), **(extra or {})}
    if hide:
        meta["hide"] = list(hide)
    front = yaml.safe_dump(meta, allow_unicode=True, width=1_000_000, sort_keys=True)
    return f"---\n{front}---\n\n# {md_text(title)}\n"


def url_in_markdown(value: str) -> str:
    """A validated https URL made safe inside Markdown link syntax."""
    return "".join(f"%{ord(c):02X}" if c in '()<>"\'` ' else c for c in value)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("casebook.generate", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.globals.update(href=routes.href, routes=routes, plural=plural)
    env.filters.update(factor=format_factor, number=format_number)
    return env


def render(template: str, **data) -> str:
    """One template, rendered with autoescaping, as a raw HTML block for the Markdown page:
    no blank lines inside (Python-Markdown passes a block through untouched up to its end)."""
    out = environment().get_template(template).render(**data)
    return "\n".join(line for line in out.splitlines() if line.strip()) + "\n"
