"""The validation rules, in one registry.

A rule is a function (doc, entry, ctx) that yields (line, code, message). doc is the
file as read (data and where each value sits), entry its typed model (built leniently,
so rules see the same names and metrics as the pages), and ctx what the rule may need
beyond its own file: the vocabularies and indexes over every file checked, built once,
so that a rule across files is written like any other. Each rule is registered for the
kind of file it checks with the codes it may emit; register() refuses a code that is not
in casebook.problems.RULES, and a rule cannot yield a code it did not declare.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from markdown.extensions.attr_list import get_attrs_and_remainder

from .. import schema
from ..load import Document, Section
from ..load.markdown_body import ACC_DESCR, ACC_TITLE
from ..model import Case, Vocabulary, slugify
from ..problems import RULES, did_you_mean
from .schemacheck import check

Found = Iterator[tuple[int, str, str]]
Rule = Callable[[Document, "Case | None", "Context"], Found]

# The scaffold's placeholder source id: left in, it would pass for a real source.
PLACEHOLDER_SOURCE = "todo-source-id"
RESERVED_SLUG = "index"  # cases/index, companies/index, technologies/index are the generated indexes
STORY_KEYS = ("supersedes", "revisits")
LINK_SCHEMES = ("https", "http", "mailto")


@dataclass
class Context:
    """What a rule may need beyond its own file; the indexes are over every file checked."""

    vocabularies: dict[str, Vocabulary]
    entry_ids: set[str]                                    # every entry a link may name
    entries: list[tuple[Document, Case]] = field(default_factory=list)   # the entries checked, in order
    _index: dict = field(default_factory=dict)

    def first(self, key: str, build: Callable[[], dict]) -> dict:
        """An index built on first use, once for all files."""
        if key not in self._index:
            self._index[key] = build()
        return self._index[key]


@dataclass(frozen=True)
class Registered:
    rule: Rule
    codes: tuple[str, ...]
    target: str     # "entry", "vocabulary" or "path"
    across: bool    # reads other files (ctx.entries): run on every check, never taken from a cache


REGISTRY: list[Registered] = []


def register(target: str, *codes: str, across: bool = False):
    """Register a rule for a kind of file, with every code it may emit; across: it reads other files."""
    unknown = [code for code in codes if code not in RULES]
    if unknown:
        raise ValueError(f"unregistered rule codes {unknown}: add them to casebook/problems.py RULES")

    def add(rule: Rule) -> Rule:
        REGISTRY.append(Registered(rule, codes, target, across))
        return rule
    return add


def run_rules(target: str, doc: Document, entry, ctx: Context, across: bool | None = None) -> None:
    """The rules for this kind of file (all, or only those across files or only those on the file
    alone), on one file; their problems go on doc."""
    if doc.data is None:
        return
    for registered in REGISTRY:
        if registered.target != target or (across is not None and registered.across != across):
            continue
        for line, code, message in registered.rule(doc, entry, ctx):
            if code not in registered.codes:
                raise ValueError(f"{registered.rule.__name__} emitted {code}, which it did not register")
            doc.problem(line, code, message)


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dicts(value) -> list[tuple[int, dict]]:
    return [(i, item) for i, item in enumerate(_list(value)) if isinstance(item, dict)]


# --- entries: their own file ---------------------------------------------------

@register("entry", "CB007", "CB008", "CB009", "CB010", "CB014")
def rule_schema(doc: Document, entry: Case, ctx: Context) -> Found:
    """Keys, types and formats follow casebook.schema.ENTRY_SCHEMA."""
    for path, code, message in check(doc.data, schema.ENTRY_SCHEMA):
        yield doc.line_of(path), code, message


@register("entry", "CB011")
def rule_id_matches_file(doc: Document, entry: Case, ctx: Context) -> Found:
    """The id equals the file name without .md."""
    case_id = doc.data.get("id")
    if isinstance(case_id, str) and case_id != doc.path.stem:
        fix = f"rename the file to {case_id}.md or set id: {doc.path.stem}"
        if not re.fullmatch(schema.KEBAB, doc.path.stem):
            fix = f"rename the file to {case_id}.md (file names are lowercase kebab-case ids)"
        yield doc.line_of(("id",)), "CB011", f"id '{case_id}' does not match the file name '{doc.path.name}'; {fix}"


@register("entry", "CB013")
def rule_vocabulary_terms(doc: Document, entry: Case, ctx: Context) -> Found:
    """Every domain and pattern is a term of its vocabulary."""
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


@register("entry", "CB036")
def rule_technology_names(doc: Document, entry: Case, ctx: Context) -> Found:
    """Every technology is named as the technologies vocabulary names it."""
    vocabulary = ctx.vocabularies.get("technologies")
    if vocabulary is None or not vocabulary.terms:
        return
    for side in ("before", "after"):
        for index, name in enumerate(getattr(entry, side)):
            if vocabulary.by_name(name):
                continue
            known = vocabulary.resolve(name)
            hint = (f"; write '{vocabulary.terms[known].name}', the vocabulary's name for it" if known
                    else did_you_mean(name, [t.name for t in vocabulary.terms.values()])
                    + " (or add it to cases/vocabulary/technologies.yml with its category)")
            yield doc.line_of(("technologies", side, index)), "CB036", f"unknown technology '{name}'{hint}"


@register("entry", "CB015", "CB016", "CB017", "CB018", "CB027")
def rule_sections(doc: Document, entry: Case, ctx: Context) -> Found:
    """Body sections: all required present, none empty, none unknown, in order; no level-1 heading."""
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
        if not section.has_text:
            yield section.line, "CB016", f"section '{section.title}' is empty"
    for title in required:
        if title not in seen:
            later = [seen[t] for t in order[order.index(title) + 1:] if t in seen]
            yield (min(later) if later else doc.end_line), "CB015", f"missing section '## {title}'"


@register("entry", "CB019")
def rule_diagrams(doc: Document, entry: Case, ctx: Context) -> Found:
    """Architecture and design sections hold a Mermaid diagram."""
    kind = doc.data.get("kind")
    if not isinstance(kind, str) or kind not in schema.SECTIONS:
        return
    for section in doc.body.sections:
        if section.title in schema.SECTIONS[kind]["diagram"] and section.has_text and not section.diagrams:
            yield section.line, "CB019", f"section '{section.title}' needs a diagram in a ```mermaid fence"


def _sections(doc: Document) -> list[Section]:
    return doc.body.sections


@register("entry", "CB037")
def rule_diagram_text(doc: Document, entry: Case, ctx: Context) -> Found:
    """Every Mermaid diagram carries a text alternative: an accTitle and an accDescr line."""
    for section in _sections(doc):
        for diagram in section.diagrams:
            missing = [name for name, value in (("accTitle", diagram.title), ("accDescr", diagram.description))
                       if not value]
            if missing:
                yield diagram.line, "CB037", (
                    f"the diagram has no {' or '.join(missing)}: add '{missing[0]}: ...' "
                    f"{'and ' + repr(missing[1] + ': ...') + ' ' if len(missing) > 1 else ''}"
                    "after its first line, saying what it shows, for readers who cannot see it")


@register("entry", "CB039")
def rule_length(doc: Document, entry: Case, ctx: Context) -> Found:
    """The body has at least the words its kind requires (a short story is a brief)."""
    least = schema.MIN_WORDS.get(entry.kind)
    if least and doc.body.words < least and doc.body.sections:
        other = " (a story with thin material is a brief, at least 300 words)" if entry.kind != "brief" else ""
        yield doc.body_line, "CB039", (
            f"the body has {doc.body.words:,} words; a {entry.kind} has at least {least:,}{other}")


def _source_ids(doc: Document) -> set[str]:
    return {s["id"] for _, s in _dicts(doc.data.get("sources")) if isinstance(s.get("id"), str)}


# Links that only redirect (link shorteners, social and search redirects, newsletters' click
# tracking on click.* hosts): such a link dies with the service's records, and hides which page is cited.
REDIRECT_HOSTS = {"t.co", "bit.ly", "lnkd.in", "goo.gl", "ow.ly", "buff.ly", "tinyurl.com", "l.facebook.com"}
REDIRECT_PATHS = {("www.google.com", "/url"), ("substack.com", "/redirect")}


def tracking_problem(url: str) -> str | None:
    """Why a source URL is not the page itself (a redirect, or tracking parameters), or None."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:   # not a URL at all: the schema's check says so
        return None
    if host in REDIRECT_HOSTS or host.startswith("click.") or any(
            host == h and parts.path.startswith(prefix) for h, prefix in REDIRECT_PATHS):
        return "is a redirect link; open it and cite the address of the page it leads to"
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if not k.lower().startswith("utm_")]
    if len(kept) < len(query):
        clean = urlunsplit(parts._replace(query=urlencode(kept)))
        return f"carries tracking parameters (utm_...); try '{clean}'"
    return None


@register("entry", "CB020", "CB023", "CB024", "CB041")
def rule_sources(doc: Document, entry: Case, ctx: Context) -> Found:
    """Source ids are unique, URLs are https and the pages themselves, and an entry about a
    company has a primary source."""
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
        elif isinstance(url, str) and (why := tracking_problem(url)):
            yield doc.line_of(("sources", index, "url")), "CB041", f"source URL '{url}' {why}"
    if entry.kind in schema.NEEDS_PRIMARY and sources and not any(s.get("primary") is True for _, s in sources):
        yield doc.line_of(("sources",)), "CB023", (
            "no source is primary; add the company's own post, talk or paper with primary: true")


@register("entry", "CB010", "CB021")
def rule_metrics(doc: Document, entry: Case, ctx: Context) -> Found:
    """Each metric cites a listed source; a range runs from low to high; nothing falls by more than 100%."""
    known = _source_ids(doc)
    sources_missing = "sources" not in doc.data   # one problem (CB007) for one mistake
    for (index, _), metric in zip(_dicts(doc.data.get("metrics")), entry.metrics):
        if metric.source and metric.source not in known and not sources_missing:
            yield doc.line_of(("metrics", index, "source")), "CB021", (
                f"metric cites unknown source '{metric.source}'{did_you_mean(metric.source, known)} "
                f"(this entry's sources: {', '.join(sorted(known)) or 'none'})")
        for key in ("before", "after"):
            value = getattr(metric, key)
            if isinstance(value, tuple) and value[0] > value[1]:
                yield doc.line_of(("metrics", index, key)), "CB010", (
                    f"the range '{key}: [{value[0]}, {value[1]}]' runs from high to low; write [low, high]")
        if metric.percent is not None and metric.percent > 100 and metric.better == "lower":
            yield doc.line_of(("metrics", index, "percent")), "CB010", (
                f"a reduction of {metric.percent}% is more than everything; check the source's figure")


@register("entry", "CB022")
def rule_citations(doc: Document, entry: Case, ctx: Context) -> Found:
    """Each [@id] citation in the body's prose names a listed source."""
    if "sources" not in doc.data:
        return   # CB007 names the one mistake
    known = _source_ids(doc)
    for line, source in doc.body.citations:
        if source not in known:
            yield line, "CB022", f"citation [@{source}] names no source of this entry{did_you_mean(source, known)}"


@register("entry", "CB025")
def rule_case_links(doc: Document, entry: Case, ctx: Context) -> Found:
    """A relative link to a .md file is a link to an existing entry."""
    for line, target in doc.body.links:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path.endswith(".md"):
            continue
        name = path[:-3]
        if "/" in name or name not in ctx.entry_ids:
            hint = did_you_mean(name.rsplit("/", 1)[-1], ctx.entry_ids)
            yield line, "CB025", f"link to '{target}': no entry has that id{hint}; link to an entry as (entry-id.md)"


@register("entry", "CB010", "CB025", across=True)
def rule_story_links(doc: Document, entry: Case, ctx: Context) -> Found:
    """'supersedes' and 'revisits' name other existing entries, of the same year or earlier."""
    years = ctx.first("years", lambda: {e.id: e.year for _, e in ctx.entries if e.id and e.year})
    for key in STORY_KEYS:
        for index, target in enumerate(getattr(entry, key)):
            line = doc.line_of((key, index))
            if target == entry.id:
                yield line, "CB010", f"'{key}' names this entry itself; name an earlier entry"
            elif target not in ctx.entry_ids:
                yield line, "CB025", f"'{key}' names '{target}': no entry has that id{did_you_mean(target, ctx.entry_ids)}"
            elif entry.year and years.get(target, 0) > entry.year:
                yield line, "CB010", (f"'{key}' names '{target}' from {years[target]}, later than this entry "
                                      f"({entry.year}); the later entry should name the earlier one")


@register("entry", "CB026")
def rule_migrations(doc: Document, entry: Case, ctx: Context) -> Found:
    """Each migration 'A -> B' has A among technologies before and B among after."""
    for index, move in enumerate(_list(doc.data.get("migrations"))):
        if not isinstance(move, str) or " -> " not in move:
            continue
        old, new = (part.strip() for part in move.split(" -> ", 1))
        for name, side, listed in ((old, "before", entry.before), (new, "after", entry.after)):
            if name not in listed:
                yield doc.line_of(("migrations", index)), "CB026", (
                    f"migration '{move}': '{name}' is not in technologies.{side}{did_you_mean(name, listed)}")


@register("entry", "CB038")
def rule_pattern_notes(doc: Document, entry: Case, ctx: Context) -> Found:
    """Each pattern note is about a pattern the entry lists."""
    notes = doc.data.get("pattern_notes")
    for key in notes if isinstance(notes, dict) else ():
        if key not in entry.patterns:
            yield doc.line_of(("pattern_notes", key)), "CB038", (
                f"a note on '{key}', which is not in 'patterns'{did_you_mean(key, entry.patterns)}; "
                "list the pattern or remove the note")


@register("entry", "CB031")
def rule_no_raw_html(doc: Document, entry: Case, ctx: Context) -> Found:
    """The body is Markdown only: no raw HTML tags or comments outside code."""
    for line, tag in doc.body.html:
        shown = "<!--" if tag == "!--" else f"<{tag}>"
        yield line, "CB031", (f"raw HTML {shown} in the body; write Markdown instead "
                              "(put HTML you want to show inside `code`)")


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def link_scheme(target: str) -> str | None:
    """The scheme a browser would follow: entities decoded, and whitespace, control
    characters and backslashes dropped, as browsers drop them ('java&#115;cript:')."""
    seen = re.sub(r"[\x00-\x20\x7f\\<>]", "", html.unescape(target)).lower()
    match = _SCHEME.match(seen)
    return match.group(1) if match else None


@register("entry", "CB032")
def rule_link_schemes(doc: Document, entry: Case, ctx: Context) -> Found:
    """Links and images in the body are relative or use https, http or mailto: never javascript: or data:."""
    for line, target in doc.body.urls:
        scheme = link_scheme(target)
        if scheme and scheme not in LINK_SCHEMES:
            shown = target.strip()
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            yield line, "CB032", (f"link to '{shown}' uses the {scheme}: scheme; a link goes to an https:, http: "
                                  "or mailto: address, or to an entry as (entry-id.md)")


@register("entry", "CB033")
def rule_attribute_lists(doc: Document, entry: Case, ctx: Context) -> Found:
    """Attribute lists ({: ...}) in the body set at most an id and classes: no event handlers, styles or URLs."""
    for line, found in doc.body.attributes:
        attributes, _ = get_attrs_and_remainder(found[1:-1].lstrip(":").strip())
        names = [name for name, _ in attributes if name not in ("id", ".", "class")]
        if names:
            yield line, "CB033", (f"'{found[:60]}' is read as an attribute list setting '{names[0]}'; only "
                                  "{#id} and {.class} are allowed (to show braces, put the text in `code`)")


@register("entry", "CB034")
def rule_reserved_names(doc: Document, entry: Case, ctx: Context) -> Found:
    """No entry id, company or technology would be given the page of a generated index."""
    if entry.id == RESERVED_SLUG:
        yield doc.line_of(("id",)), "CB034", (
            f"the id '{entry.id}' is the name of the cases index page; choose a descriptive id")
    if entry.company and slugify(entry.company) == RESERVED_SLUG:
        yield doc.line_of(("company",)), "CB034", (
            f"the company '{entry.company}' would get the page of the companies index; spell out its name")
    for side in ("before", "after"):
        for index, name in enumerate(getattr(entry, side)):
            if slugify(name) == RESERVED_SLUG:
                yield doc.line_of(("technologies", side, index)), "CB034", (
                    f"the technology '{name}' would get the page of the technologies index; spell out its name")


@register("entry", "CB030")
def rule_no_todo(doc: Document, entry: Case, ctx: Context) -> Found:
    """No 'TODO' marker, and no placeholder source id, from the scaffold is left in."""
    found = []
    for path, value in _strings(doc.data):
        if "TODO" in value:
            found.append((doc.line_of(path), f"'{'.'.join(map(str, path))}' still says TODO: {value[:60]}"))
        elif value == PLACEHOLDER_SOURCE and path[-1] in ("id", "source"):
            found.append((doc.line_of(path), f"'{'.'.join(map(str, path))}' is still the placeholder "
                                             f"'{PLACEHOLDER_SOURCE}'; give the source a short id of its own, "
                                             "e.g. 'acme-2021-queue'"))
    for line, message in sorted(found):
        yield line, "CB030", message
    for line in doc.body.todos:
        yield line, "CB030", "this line still has a TODO; write it or delete it"


def _strings(data, path: tuple = ()):
    """(path, text) for every string value in the front matter."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))


# --- entries: across files ----------------------------------------------------

@register("entry", "CB012", across=True)
def rule_unique_ids(doc: Document, entry: Case, ctx: Context) -> Found:
    """No two files share an id, ignoring case (case-insensitive file systems would merge them)."""
    def build():
        first: dict[str, Document] = {}
        for other, model in ctx.entries:
            first.setdefault((model.id or other.path.stem).lower(), other)
        return first
    first = ctx.first("ids", build)
    key = (entry.id or doc.path.stem).lower()
    other = first.get(key)
    if other is not None and other is not doc:
        yield doc.line_of(("id",)), "CB012", (
            f"id '{entry.id or doc.path.stem}' is already used by {other.display}:{other.line_of(('id',))}")


@register("entry", "CB035", across=True)
def rule_company_spellings(doc: Document, entry: Case, ctx: Context) -> Found:
    """A company is written one way: names that differ only in case or punctuation share one
    page (one slug), which would show whichever spelling came first. (Technologies are written
    as their vocabulary names them: CB036.)"""
    def build():
        first: dict[str, tuple[str, Document]] = {}
        for other, model in ctx.entries:
            if model.company:
                first.setdefault(slugify(model.company), (model.company, other))
        return first
    if not entry.company:
        return
    name, other = ctx.first("companies", build).get(slugify(entry.company), (entry.company, doc))
    if name != entry.company:
        yield doc.line_of(("company",)), "CB035", (
            f"company '{entry.company}' is written '{name}' in {other.display}:{other.line_of(('company',))}; "
            "one company has one page: write it the same way")


@register("entry", "CB040", across=True)
def rule_one_profile(doc: Document, entry: Case, ctx: Context) -> Found:
    """A company has at most one profile: its company page opens with it."""
    if entry.kind != "profile" or not entry.company:
        return
    def build():
        first: dict[str, Document] = {}
        for other, model in ctx.entries:
            if model.kind == "profile" and model.company:
                first.setdefault(slugify(model.company), other)
        return first
    other = ctx.first("profiles", build).get(slugify(entry.company))
    if other is not None and other is not doc:
        yield doc.line_of(("kind",)), "CB040", (
            f"{entry.company} already has a profile, {other.display}; update that one "
            "(a profile describes the company as of one date)")


# --- vocabularies -------------------------------------------------------------

@register("vocabulary", "CB007", "CB008", "CB009", "CB010", "CB011", "CB014")
def rule_vocabulary_schema(doc: Document, entry, ctx: Context) -> Found:
    """A vocabulary file follows its schema and is named after its vocabulary."""
    name = doc.path.stem
    for path, code, message in check(doc.data, schema.VOCABULARY_SCHEMAS.get(name, schema.VOCABULARY_SCHEMAS["patterns"])):
        yield doc.line_of(path), code, message
    declared = doc.data.get("vocabulary")
    if isinstance(declared, str) and declared != name and declared in schema.VOCABULARIES:
        yield doc.line_of(("vocabulary",)), "CB011", f"vocabulary '{declared}' must live in {declared}.yml, not {doc.path.name}"


@register("vocabulary", "CB013", "CB028")
def rule_vocabulary_terms_unique(doc: Document, entry, ctx: Context) -> Found:
    """Term ids, names and aliases are defined once; related terms exist."""
    terms = _dicts(doc.data.get("terms"))
    names: dict[str, tuple[int, int]] = {}   # spelling -> (line, term index) where first defined
    ids = {t["id"] for _, t in terms if isinstance(t.get("id"), str)}
    for index, term in terms:
        words = [(("id",), term.get("id"))] + [(("aliases", i), a) for i, a in enumerate(_list(term.get("aliases")))]
        if doc.path.stem == "technologies":
            words.append((("name",), term.get("name")))
        for where, word in words:
            if not isinstance(word, str):
                continue
            line = doc.line_of(("terms", index) + where)
            key = word.lower()
            if key in names and names[key][1] != index:
                yield line, "CB028", f"'{word}' is already defined on line {names[key][0]}"
            names.setdefault(key, (line, index))
        for i, other in enumerate(_list(term.get("related"))):
            if isinstance(other, str) and other not in ids:
                yield doc.line_of(("terms", index, "related", i)), "CB013", (
                    f"related term '{other}' is not in this vocabulary{did_you_mean(other, ids)}")


@register("vocabulary", "CB037")
def rule_template_diagrams(doc: Document, entry, ctx: Context) -> Found:
    """A pattern's architecture template is a Mermaid flowchart with a text alternative."""
    for index, term in _dicts(doc.data.get("terms")):
        template = term.get("template")
        diagram = template.get("diagram") if isinstance(template, dict) else None
        if not isinstance(diagram, str):
            continue
        lines = diagram.splitlines()
        has_title = any(ACC_TITLE.match(line) for line in lines)
        has_description = any(ACC_DESCR.match(line) for line in lines)
        if not (has_title and has_description):
            yield doc.line_of(("terms", index, "template", "diagram")), "CB037", (
                f"the template diagram of '{term.get('id')}' needs an accTitle and an accDescr line")


# --- reading paths -----------------------------------------------------------

@register("path", "CB007", "CB008", "CB009", "CB010", "CB014")
def rule_path_schema(doc: Document, entry, ctx: Context) -> Found:
    """A reading path follows casebook.schema.PATH_SCHEMA."""
    for path, code, message in check(doc.data, schema.PATH_SCHEMA):
        yield doc.line_of(path), code, message


@register("path", "CB011", "CB014", "CB025")
def rule_path_entries(doc: Document, entry, ctx: Context) -> Found:
    """A path is named after its file and lists existing entries, each once."""
    path_id = doc.data.get("id")
    if isinstance(path_id, str) and path_id != doc.path.stem:
        yield doc.line_of(("id",)), "CB011", f"id '{path_id}' does not match the file name '{doc.path.name}'"
    seen: dict[str, int] = {}
    for index, item in _dicts(doc.data.get("entries")):
        target = item.get("id")
        if not isinstance(target, str):
            continue
        line = doc.line_of(("entries", index, "id"))
        if target in seen:
            yield line, "CB014", f"'{target}' is on this path twice (first on line {seen[target]})"
        elif target not in ctx.entry_ids:
            yield line, "CB025", f"the path names '{target}': no entry has that id{did_you_mean(target, ctx.entry_ids)}"
        seen.setdefault(target, line)


def codes_of(target: str | None = None) -> set[str]:
    """Every code the registered rules may emit (for one kind of file, or all)."""
    return {code for r in REGISTRY if target in (None, r.target) for code in r.codes}
