"""The validation rules. Each takes one read file and yields (line, code, message).

Rules cope with partly broken data (a wrong type is reported once, by the
schema rule; the others skip what they cannot read).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from markdown.extensions.attr_list import get_attrs_and_remainder

from . import schema
from .loader import Document
from .model import Vocabulary, slugify
from .problems import did_you_mean
from .schemacheck import check

Found = Iterator[tuple[int, str, str]]


@dataclass
class Context:
    """What a rule may need beyond its own file."""

    vocabularies: dict[str, Vocabulary]
    case_ids: set[str]


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dicts(value) -> list[tuple[int, dict]]:
    return [(i, item) for i, item in enumerate(_list(value)) if isinstance(item, dict)]


def rule_schema(doc: Document, ctx: Context) -> Found:
    """Keys, types and formats follow casebook.schema.CASE_SCHEMA (CB007-CB010, CB014)."""
    for path, code, message in check(doc.data, schema.CASE_SCHEMA):
        yield doc.line_of(path), code, message


def rule_id_matches_file(doc: Document, ctx: Context) -> Found:
    """The id equals the file name without .md (CB011)."""
    case_id = doc.data.get("id")
    if isinstance(case_id, str) and case_id != doc.path.stem:
        fix = f"rename the file to {case_id}.md or set id: {doc.path.stem}"
        if not re.fullmatch(schema.KEBAB, doc.path.stem):
            fix = f"rename the file to {case_id}.md (file names are lowercase kebab-case ids)"
        yield doc.line_of(("id",)), "CB011", f"id '{case_id}' does not match the file name '{doc.path.name}'; {fix}"


def rule_vocabulary_terms(doc: Document, ctx: Context) -> Found:
    """Every domain and pattern is a term of its vocabulary (CB013)."""
    for key in ("domains", "patterns"):
        vocabulary = ctx.vocabularies.get(key)
        if vocabulary is None:
            continue
        for index, term in enumerate(_list(doc.data.get(key))):
            if not isinstance(term, str) or term in vocabulary.terms:
                continue
            known = vocabulary.resolve(term)
            hint = f"; use its id '{known}'" if known else did_you_mean(term, vocabulary.terms)
            yield doc.line_of((key, index)), "CB013", (
                f"unknown {key[:-1]} '{term}'{hint} (the terms are in cases/vocabulary/{key}.yml)")


def rule_sections(doc: Document, ctx: Context) -> Found:
    """Body sections: all required present, none empty, none unknown, in order (CB015-CB018, CB027)."""
    kind = doc.data.get("kind")
    if not isinstance(kind, str) or kind not in schema.SECTIONS:
        return
    order = schema.section_order(kind)
    required = schema.SECTIONS[kind]["required"]
    for line in doc.body.h1_lines:
        yield line, "CB027", "a level-1 heading ('# ...') in the body; the title comes from 'title', sections use '## '"
    seen: dict[str, int] = {}
    last_index = -1
    last_title = ""
    for section in doc.body.sections:
        if section.title not in order:
            yield section.line, "CB018", (
                f"unknown section '{section.title}'{did_you_mean(section.title, order)} "
                f"(a {kind} has: {', '.join(order)})")
            continue
        if section.title in seen:
            yield section.line, "CB018", f"section '{section.title}' appears twice (first on line {seen[section.title]})"
            continue
        seen[section.title] = section.line
        index = order.index(section.title)
        if index < last_index:
            yield section.line, "CB017", (
                f"section '{section.title}' comes after '{last_title}'; the order is: {', '.join(order)}")
        else:
            last_index, last_title = index, section.title
        if not section.text:
            yield section.line, "CB016", f"section '{section.title}' is empty"
    end = doc.body_line + doc.body_text.count("\n")
    for title in required:
        if title not in seen:
            later = [seen[t] for t in order[order.index(title) + 1:] if t in seen]
            yield (min(later) if later else end), "CB015", f"missing section '## {title}'"


def rule_diagrams(doc: Document, ctx: Context) -> Found:
    """Architecture and design sections hold a Mermaid diagram (CB019)."""
    kind = doc.data.get("kind")
    if not isinstance(kind, str) or kind not in schema.SECTIONS:
        return
    for section in doc.body.sections:
        if section.title in schema.SECTIONS[kind]["diagram"] and section.text and not section.diagrams:
            yield section.line, "CB019", f"section '{section.title}' needs a diagram in a ```mermaid fence"


def _source_ids(doc: Document) -> set[str]:
    return {s["id"] for _, s in _dicts(doc.data.get("sources")) if isinstance(s.get("id"), str)}


def rule_sources(doc: Document, ctx: Context) -> Found:
    """Source ids are unique, URLs are https, and a case has a primary source (CB020, CB023, CB024)."""
    sources = _dicts(doc.data.get("sources"))
    first: dict[str, int] = {}
    for index, source in sources:
        source_id = source.get("id")
        if isinstance(source_id, str):
            if source_id in first:
                yield doc.line_of(("sources", index, "id")), "CB020", (
                    f"source id '{source_id}' is used twice (first on line {first[source_id]})")
            else:
                first[source_id] = doc.line_of(("sources", index, "id"))
        url = source.get("url")
        if isinstance(url, str) and not url.lower().startswith("https://"):
            fix = "https://" + url[len("http://"):] if url.lower().startswith("http://") else None
            yield doc.line_of(("sources", index, "url")), "CB024", (
                f"source URL '{url}' is not https" + (f"; try '{fix}'" if fix else ""))
    if doc.data.get("kind") == "case" and sources and not any(s.get("primary") is True for _, s in sources):
        yield doc.line_of(("sources",)), "CB023", (
            "no source is primary; add the company's own post, talk or paper with primary: true")


def rule_metric_sources(doc: Document, ctx: Context) -> Found:
    """Each metric cites a source the case lists (CB021)."""
    known = _source_ids(doc)
    for index, metric in _dicts(doc.data.get("metrics")):
        source = metric.get("source")
        if isinstance(source, str) and source not in known:
            yield doc.line_of(("metrics", index, "source")), "CB021", (
                f"metric cites unknown source '{source}'{did_you_mean(source, known)} "
                f"(this case's sources: {', '.join(sorted(known)) or 'none'})")


def rule_citations(doc: Document, ctx: Context) -> Found:
    """Each [@id] citation in the body names a listed source (CB022)."""
    known = _source_ids(doc)
    for line, source in doc.body.citations:
        if source not in known:
            yield line, "CB022", f"citation [@{source}] names no source of this case{did_you_mean(source, known)}"


def rule_case_links(doc: Document, ctx: Context) -> Found:
    """A relative link to a .md file is a link to an existing case (CB025)."""
    for line, target in doc.body.links:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path.endswith(".md"):
            continue
        name = path[:-3]
        if "/" in name or name not in ctx.case_ids:
            hint = did_you_mean(name.rsplit("/", 1)[-1], ctx.case_ids)
            yield line, "CB025", f"link to '{target}': no case has that id{hint}; link to a case as (case-id.md)"


STORY_KEYS = ("supersedes", "revisits")


def rule_story_links(doc: Document, ctx: Context) -> Found:
    """'supersedes' and 'revisits' name other existing cases (CB025, CB010)."""
    for key in STORY_KEYS:
        for index, target in enumerate(_list(doc.data.get(key))):
            if not isinstance(target, str):
                continue
            line = doc.line_of((key, index))
            if target == doc.data.get("id"):
                yield line, "CB010", f"'{key}' names this case itself; name an earlier case"
            elif target not in ctx.case_ids:
                yield line, "CB025", f"'{key}' names '{target}': no case has that id{did_you_mean(target, ctx.case_ids)}"


def rule_migrations(doc: Document, ctx: Context) -> Found:
    """Each migration 'A -> B' has A among technologies before and B among after (CB026)."""
    tech = doc.data.get("technologies")
    if not isinstance(tech, dict):
        return
    before, after = _list(tech.get("before")), _list(tech.get("after"))
    for index, move in enumerate(_list(doc.data.get("migrations"))):
        if not isinstance(move, str) or " -> " not in move:
            continue
        old, new = (part.strip() for part in move.split(" -> ", 1))
        for name, side, listed in ((old, "before", before), (new, "after", after)):
            if name not in listed:
                yield doc.line_of(("migrations", index)), "CB026", (
                    f"migration '{move}': '{name}' is not in technologies.{side}{did_you_mean(name, listed)}")


def rule_no_raw_html(doc: Document, ctx: Context) -> Found:
    """The body is Markdown only: no raw HTML tags or comments outside code (CB031)."""
    for line, tag in doc.body.html:
        shown = "<!--" if tag == "!--" else f"<{tag}>"
        yield line, "CB031", (f"raw HTML {shown} in the body; write Markdown instead "
                              "(put HTML you want to show inside `code`)")


LINK_SCHEMES = ("https", "http", "mailto")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def link_scheme(target: str) -> str | None:
    """The scheme a browser would follow: entities decoded, and whitespace, control
    characters and backslashes dropped, as browsers drop them ('java&#115;cript:')."""
    seen = re.sub(r"[\x00-\x20\x7f\\<>]", "", html.unescape(target)).lower()
    match = _SCHEME.match(seen)
    return match.group(1) if match else None


def rule_link_schemes(doc: Document, ctx: Context) -> Found:
    """Links and images in the body are relative or use https, http or mailto: never javascript: or data: (CB032)."""
    for line, target in doc.body.urls:
        scheme = link_scheme(target)
        if scheme and scheme not in LINK_SCHEMES:
            shown = target.strip()
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            yield line, "CB032", (f"link to '{shown}' uses the {scheme}: scheme; a link goes to an https:, http: "
                                  "or mailto: address, or to a case as (case-id.md)")


def rule_attribute_lists(doc: Document, ctx: Context) -> Found:
    """Attribute lists ({: ...}) in the body set at most an id and classes: no event handlers, styles or URLs (CB033)."""
    for line, found in doc.body.attributes:
        attributes, _ = get_attrs_and_remainder(found[1:-1].lstrip(":").strip())
        names = [name for name, _ in attributes if name not in ("id", ".", "class")]
        if names:
            yield line, "CB033", (f"'{found[:60]}' is read as an attribute list setting '{names[0]}'; only "
                                  "{#id} and {.class} are allowed (to show braces, put the text in `code`)")


RESERVED_SLUG = "index"  # cases/index, companies/index, technologies/index are the generated indexes


def rule_reserved_names(doc: Document, ctx: Context) -> Found:
    """No case id, company or technology would be given the page of a generated index (CB034)."""
    case_id = doc.data.get("id")
    if case_id == RESERVED_SLUG:
        yield doc.line_of(("id",)), "CB034", (
            f"the id '{case_id}' is the name of the cases index page; choose a descriptive id")
    company = doc.data.get("company")
    if isinstance(company, str) and slugify(company) == RESERVED_SLUG:
        yield doc.line_of(("company",)), "CB034", (
            f"the company '{company}' would get the page of the companies index; spell out its name")
    tech = doc.data.get("technologies")
    for side in ("before", "after"):
        names = _list(tech.get(side)) if isinstance(tech, dict) else []
        for index, name in enumerate(names):
            if isinstance(name, str) and slugify(name) == RESERVED_SLUG:
                yield doc.line_of(("technologies", side, index)), "CB034", (
                    f"the technology '{name}' would get the page of the technologies index; spell out its name")


def rule_no_todo(doc: Document, ctx: Context) -> Found:
    """No 'TODO' marker from the scaffold is left in the front matter or the body (CB030)."""
    for path, line in sorted(doc.lines.items(), key=lambda kv: kv[1]):
        value = _value_at(doc.data, path)
        if isinstance(value, str) and "TODO" in value:
            yield line, "CB030", f"'{'.'.join(map(str, path))}' still says TODO: {value[:60]}"
    for offset, line in enumerate(doc.body_text.split("\n")):
        if "TODO" in line:
            yield doc.body_line + offset, "CB030", "this line still has a TODO; write it or delete it"


def _value_at(data, path: tuple):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


CASE_RULES: list[Callable[[Document, Context], Found]] = [
    rule_schema, rule_id_matches_file, rule_vocabulary_terms, rule_sections, rule_diagrams,
    rule_sources, rule_metric_sources, rule_citations, rule_case_links, rule_story_links, rule_migrations, rule_no_raw_html, rule_no_todo,
    rule_link_schemes, rule_attribute_lists, rule_reserved_names,
]


def rule_vocabulary_schema(doc: Document, ctx: Context) -> Found:
    """A vocabulary file follows casebook.schema.VOCABULARY_SCHEMA and is named after its vocabulary."""
    for path, code, message in check(doc.data, schema.VOCABULARY_SCHEMA):
        yield doc.line_of(path), code, message
    name = doc.data.get("vocabulary")
    if isinstance(name, str) and name != doc.path.stem:
        yield doc.line_of(("vocabulary",)), "CB011", f"vocabulary '{name}' must live in {name}.yml, not {doc.path.name}"


def rule_vocabulary_terms_unique(doc: Document, ctx: Context) -> Found:
    """Term ids and aliases are defined once; related terms exist (CB028, CB013)."""
    terms = _dicts(doc.data.get("terms"))
    names: dict[str, int] = {}
    ids = {t["id"] for _, t in terms if isinstance(t.get("id"), str)}
    for index, term in terms:
        words = [("id", term.get("id"))] + [(("aliases", i), a) for i, a in enumerate(_list(term.get("aliases")))]
        for where, word in words:
            if not isinstance(word, str):
                continue
            line = doc.line_of(("terms", index) + (where if isinstance(where, tuple) else (where,)))
            key = word.lower()
            if key in names and names[key] != line:
                yield line, "CB028", f"'{word}' is already defined on line {names[key]}"
            names.setdefault(key, line)
        for i, other in enumerate(_list(term.get("related"))):
            if isinstance(other, str) and other not in ids:
                yield doc.line_of(("terms", index, "related", i)), "CB013", (
                    f"related term '{other}' is not in this vocabulary{did_you_mean(other, ids)}")


VOCABULARY_RULES: list[Callable[[Document, Context], Found]] = [
    rule_vocabulary_schema, rule_vocabulary_terms_unique,
]
