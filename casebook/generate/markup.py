"""How generated pages are written: Jinja templates with autoescaping for all HTML and SVG,
and the few helpers that make contributor text inert inside generated Markdown.

Python builds the data a page shows; the markup lives in casebook/generate/templates/.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache

import jinja2

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
    # Each value as JSON, which is YAML too: a YAML dump per page took most of the time of
    # generating a small page.
    front = "".join(f"{key}: {json.dumps(meta[key], ensure_ascii=False)}\n" for key in sorted(meta))
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


class Html(str):
    """Generated HTML, which Markdown never has to read: a page carries a marker in its place,
    and the plugin puts the HTML back once the page's Markdown is rendered. (Python-Markdown
    parsed the generated cards and tables with its HTML block parser: most of a large build.)"""


def render(template: str, **data) -> Html:
    """One template, rendered with autoescaping."""
    out = environment().get_template(template).render(**data)
    return Html("\n".join(line for line in out.splitlines() if line.strip()) + "\n")


MARKER = "<!--casebook:{}-->"
_MARKERS = re.compile(r"<!--casebook:(\d+)-->")


@dataclass(frozen=True)
class GeneratedPage:
    """A page's Markdown, with a marker (an HTML comment, which Markdown passes through as it is)
    where each fragment of generated HTML goes."""

    markdown: str
    fragments: tuple[str, ...] = ()

    def insert(self, html: str) -> str:
        """The rendered page with each marker replaced by its fragment."""
        if not self.fragments:
            return html
        return _MARKERS.sub(lambda m: self.fragments[int(m.group(1))], html)

    def full(self) -> str:
        """The page as one Markdown text, fragments in place: what tests read, and what the
        benchmark gives plain Material to build."""
        return self.insert(self.markdown)


def page(*parts: str) -> GeneratedPage:
    """A page from Markdown parts and Html fragments, in order."""
    markdown, fragments = [], []
    for part in parts:
        if isinstance(part, Html):
            markdown.append("\n" + MARKER.format(len(fragments)) + "\n")
            fragments.append(str(part))
        else:
            markdown.append(part)
    return GeneratedPage("\n".join(markdown), tuple(fragments))
