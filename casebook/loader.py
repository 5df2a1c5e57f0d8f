"""Read a case or vocabulary file: text, front matter with line numbers, body sections.

Nothing here raises on bad input: every defect becomes a Problem with the line
it is on, and what could still be read is returned.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent)

from .problems import Problem, display_path

MAX_FILE_BYTES = 1_000_000
# LibYAML's C parser when PyYAML was built with it (the PyPI wheels are): the
# same safe loading, many times faster on a large corpus.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 12
ALIAS_MESSAGE = "YAML anchors and aliases (& and *) are not allowed; write the value out"

# A fence exactly as pymdownx.superfences opens one at the start of a line: a
# language and at most an attribute list. Anything it would not take as a fence
# is read as text here too, so no markup hides from the checks inside a "fence"
# that the page would show as text.
FENCE = re.compile(r"^(`{3,}|~{3,})(?:[ \t]*\.?([\w#.+-]+)(?=[\t ]|$))?[ \t]*(?:\{([^\n]*)\})?[ \t]*$")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
CASE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")
CITATION = re.compile(r"\[@([^\]\s]*)\]")
BACKTICKS = re.compile(r"`+")
# What a double-quoted YAML escape can make but no text holds: control characters
# (other than tab) and lone surrogates, which cannot even be written out as UTF-8.
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
HTML_TAG = re.compile(r"<(?!https?://|mailto:)(/?[A-Za-z][A-Za-z0-9-]*|!--)")
# Where a URL starts: an inline link or image, or a reference definition.
LINK_TARGET = re.compile(r"\]\(([^)]*)\)?")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:(.*)$")
# An attribute list as Python-Markdown's attr_list finds it: {: ...} or {...}.
ATTR_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)\}")


@dataclass
class Section:
    title: str
    line: int
    text: str = ""
    diagrams: int = 0


@dataclass
class Body:
    sections: list[Section] = field(default_factory=list)
    h1_lines: list[int] = field(default_factory=list)
    links: list[tuple[int, str]] = field(default_factory=list)       # (line, target)
    citations: list[tuple[int, str]] = field(default_factory=list)   # (line, source id)
    html: list[tuple[int, str]] = field(default_factory=list)        # (line, tag name)
    urls: list[tuple[int, str]] = field(default_factory=list)        # (line, link or image URL)
    attributes: list[tuple[int, str]] = field(default_factory=list)  # (line, attribute list text)
    words: int = 0


@dataclass
class Document:
    """One file as read: plain data, where each value sits, and the body."""

    path: Path
    display: str
    data: dict | None = None
    lines: dict[tuple, int] = field(default_factory=dict)
    body_text: str = ""
    body_line: int = 1
    body: Body = field(default_factory=Body)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int, code: str, message: str) -> None:
        self.problems.append(Problem(self.display, line, code, message))

    def line_of(self, path: tuple) -> int:
        """Line of the value at path, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def read_text(doc: Document) -> str | None:
    """The file's text with line endings normalised, or None after recording why not."""
    path = doc.path
    try:
        if path.is_symlink() or not path.is_file():
            what = "a symbolic link" if path.is_symlink() else "not a regular file"
            doc.problem(1, "CB029", f"{what}; case files must be plain files inside the repository")
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            doc.problem(1, "CB029", f"the file is {size:,} bytes; a case file may be at most {MAX_FILE_BYTES:,}")
            return None
        raw = path.read_bytes()
    except OSError as error:
        doc.problem(1, "CB029", f"cannot read the file: {error.strerror or error}")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a byte-order mark is harmless; drop it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        doc.problem(line, "CB001", f"byte 0x{raw[error.start]:02x} at offset {error.start} is not UTF-8; save the file as UTF-8")
        return None
    if "\x00" in text:
        doc.problem(text.count("\n", 0, text.index("\x00")) + 1, "CB001",
                    "the file contains a NUL byte; is it a binary file?")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(doc: Document, text: str) -> tuple[str, int] | None:
    """(yaml text, file line of its first line), recording the body on doc."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        doc.problem(1, "CB002", "the file must start with a '---' line, then the front matter, then '---'")
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            doc.body_text = "\n".join(lines[index + 1:])
            doc.body_line = index + 2
            return "\n".join(lines[1:index]), 2
    doc.problem(1, "CB003", "the front matter opened on line 1 is never closed; add a '---' line after it")
    return None


def _yaml_line(mark, first_line: int) -> int:
    return (mark.line if mark else 0) + first_line


# How PyYAML's safe loader types a plain scalar (YAML 1.1: null, bool, int, float,
# timestamp...): its implicit resolvers, by first character as Resolver.resolve takes them.
_RESOLVER = SAFE_LOADER.yaml_implicit_resolvers
_ANY_FIRST = tuple(_RESOLVER.get(None, ()))
_BY_FIRST = {first: tuple(resolvers) + _ANY_FIRST for first, resolvers in _RESOLVER.items() if first is not None}
_STR = "tag:yaml.org,2002:str"
_constructor = yaml.constructor.SafeConstructor()
_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors
_KEY, _SKIP = object(), object()   # what a mapping expects next: a key, or a value to leave out


def _plain_tag(value: str) -> str:
    """The tag the safe loader's resolver gives a plain scalar."""
    for tag, regexp in _BY_FIRST.get(value[:1], _ANY_FIRST):
        if regexp.match(value):
            return tag
    return _STR


def _scalar(event, line: int, problems: list):
    """A scalar as the safe constructor makes it: dates as 'YYYY-MM-DD', .nan and .inf as text."""
    value = event.value
    if not event.implicit[0]:   # quoted or block: a string (other tags than '!' are refused)
        return value
    tag = _plain_tag(value)
    if tag == _STR:
        return value
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
    try:
        result = _CONSTRUCTORS.get(tag, _CONSTRUCTORS[None])(_constructor, node)
    except (yaml.YAMLError, ValueError, OverflowError) as error:
        problems.append((line, "CB004", f"cannot read the value '{value[:40]}': {error}"))
        return None
    if isinstance(result, (datetime, date)):
        return result.isoformat()[:10]
    if isinstance(result, float) and not math.isfinite(result):
        return value  # .nan or .inf: keep the text so the type check names it
    if isinstance(result, bytes):
        return value
    return result


def _refuse_node(doc: Document, event, line: int, alias_lines: set[int]) -> bool:
    """CB005 for an anchor, an alias or a tag ('!' alone, on a scalar, is no tag); True if refused."""
    if type(event) is AliasEvent or event.anchor:
        if line not in alias_lines:  # once a line: an alias bomb has thousands
            doc.problem(line, "CB005", ALIAS_MESSAGE)
            alias_lines.add(line)
        return True
    if event.tag and not (type(event) is ScalarEvent and event.tag == "!"):
        doc.problem(line, "CB005", f"YAML tags such as '{event.tag}' are not allowed; write a plain value")
        return True
    return False


def parse_yaml(doc: Document, text: str, first_line: int):
    """Plain data (dicts, lists, str, int, float, bool, None) with doc.lines filled in.

    One pass over the parser's events refuses anchors, aliases, tags, characters
    that are not text and deep nesting, and builds the data and where each value
    sits. What building finds (a key twice, a key that is not text, a value that
    cannot be read) counts only if nothing is refused and the text is one valid
    document, as if the refusals had been checked in a pass of their own first.
    """
    problems: list[tuple[int, str, str]] = []   # found while building
    lines: dict[tuple, int] = {}
    depth = 0
    refused = False
    alias_lines: set[int] = set()
    documents = 0
    another = None      # where a second document starts: only one is allowed
    root = None
    stack: list[list] = []   # open collections: [container, path, what a mapping expects next]
    top = None          # stack[-1]; expects is None for a sequence, else _KEY, _SKIP or the key
    skip = 0            # > 0 inside a node left out of the data (all of a second document)
    loader = SAFE_LOADER(text)
    get_event = loader.get_event
    not_text = NOT_TEXT.search
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                line = event.start_mark.line + first_line
                value = event.value
                if (event.anchor or event.tag) and _refuse_node(doc, event, line, alias_lines):
                    refused = True
                found = not_text(value)
                if found:
                    doc.problem(line, "CB004", f"the value has the escaped character U+{ord(found.group()):04X}, which is not text "
                                "(a control character or half a surrogate pair); write the character itself")
                    refused = True
                if skip:
                    continue
                if top is None:
                    root = _scalar(event, line, problems)
                    continue
                expects = top[2]
                if expects is _KEY:
                    if value in top[0]:
                        problems.append((line, "CB006", f"key '{value}' appears twice; the first is on line "
                                                        f"{lines[top[1] + (value,)]}"))
                        top[2] = _SKIP
                    else:
                        lines[top[1] + (value,)] = line
                        top[2] = value
                    continue
                if expects is _SKIP:   # the value of a key left out
                    top[2] = _KEY
                    continue
                if event.implicit[0] and (value[:1] in _BY_FIRST or _ANY_FIRST):   # else a string
                    value = _scalar(event, line, problems)
                if expects is None:
                    container = top[0]
                    lines[top[1] + (len(container),)] = line
                    container.append(value)
                else:
                    top[0][expects] = value
                    top[2] = _KEY
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
                if skip:
                    skip -= 1
                else:
                    stack.pop()
                    top = stack[-1] if stack else None
            elif kind is MappingStartEvent or kind is SequenceStartEvent or kind is AliasEvent:
                line = event.start_mark.line + first_line
                if _refuse_node(doc, event, line, alias_lines):
                    refused = True
                opens = kind is not AliasEvent
                if opens:
                    depth += 1
                    if depth > MAX_DEPTH:
                        doc.problem(line, "CB005", f"the front matter is nested more than {MAX_DEPTH} levels deep")
                        return None
                if skip:
                    skip += opens
                    continue
                # an alias is refused already: it stands for nothing here
                value = None if not opens else {} if kind is MappingStartEvent else []
                if top is None:
                    path = ()
                    root = value
                else:
                    expects = top[2]
                    if expects is _KEY:   # a mapping, a list or an alias as a key
                        problems.append((line, "CB009", "a key must be plain text"))
                        top[2] = _SKIP
                        skip += opens
                        continue
                    if expects is _SKIP:
                        top[2] = _KEY
                        skip += opens
                        continue
                    if expects is None:
                        path = top[1] + (len(top[0]),)
                        lines[path] = line
                        top[0].append(value)
                    else:
                        path = top[1] + (expects,)
                        top[0][expects] = value
                        top[2] = _KEY
                if opens:
                    top = [value, path, _KEY if kind is MappingStartEvent else None]
                    stack.append(top)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents == 1:
                    lines[()] = max(first_line - 1, 1)
                elif another is None:
                    another = event.start_mark
                    skip += 1   # never closed: the second document is only checked
            elif kind is StreamEndEvent:
                break
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = (error.problem or error.context or "invalid YAML").strip()
        doc.problem(_yaml_line(mark, first_line), "CB004", f"YAML syntax error: {reason}"
                    + ("; quote values that contain ': ' or start with a special character" if "mapping values" in reason else ""))
        return None
    except yaml.YAMLError as error:
        doc.problem(first_line, "CB004", f"YAML syntax error: {error}")
        return None
    finally:
        loader.dispose()
    if refused:
        return None
    if another is not None:   # as yaml.compose says it
        doc.problem(_yaml_line(another, first_line), "CB004", "YAML syntax error: but found another document")
        return None
    if not documents:
        return {}
    doc.lines.update(lines)
    for line, code, message in problems:
        doc.problem(line, code, message)
    return root


def _fence_opening(line: str) -> tuple[str, str] | None:
    """(fence marker, language) if superfences opens a fence on this line."""
    opened = FENCE.match(line)
    if not opened:
        return None
    language = opened.group(2) or ""
    if opened.group(3) is not None:
        from markdown.extensions.attr_list import get_attrs_and_remainder   # rarely needed: imported then
        attributes, rest = get_attrs_and_remainder(opened.group(3))
        if rest or any(name not in ("id", ".") for name, _ in attributes):
            return None  # options superfences may refuse: treat the line as text
        classes = [value for name, value in attributes if name == "."]
        language = language or (classes[0] if classes else "")
    return opened.group(1), language.lower()


def fenced_lines(text: str):
    """(offset, line, fence info or None, opens a fence) for each line.

    info is None outside fences, else the fence's language ('' if none).

    Fence opening and closing lines count as inside. A fence is closed only by
    its own marker, and one never closed is no fence (as for superfences): then
    it and all that follows are text. One reader of fences serves both the
    validator and the page generator.
    """
    lines = text.split("\n")
    info, opens = _fences(lines)
    for offset, line in enumerate(lines):
        yield offset, line, info[offset], opens[offset]


def _fences(lines: list[str]) -> tuple[list[str | None], list[bool]]:
    """For each line: fence info or None, and whether it opens a fence (see fenced_lines)."""
    info: list[str | None] = [None] * len(lines)
    opens = [False] * len(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        opened = _fence_opening(line) if line[:3] in ("```", "~~~") else None   # as FENCE needs
        if opened is None:
            index += 1
            continue
        closing = re.compile(re.escape(opened[0]) + r"[ \t]*")
        end = next((j for j in range(index + 1, len(lines)) if closing.fullmatch(lines[j])), None)
        if end is None:
            break
        info[index:end + 1] = [opened[1]] * (end + 1 - index)
        opens[index] = True
        index = end + 1
    return info, opens


def without_code(line: str) -> str | None:
    """The line with its code spans removed, or None if a code span might run onto
    another line: Python-Markdown pairs backticks across the lines of a paragraph,
    so only a line whose every backtick run closes on the line can be read alone."""
    if "`" not in line:
        return line
    runs = [(m.start(), m.end()) for m in BACKTICKS.finditer(line)]
    out, last, index = [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        if (len(line[:start]) - len(line[:start].rstrip("\\"))) % 2:
            return None  # an escaped backtick: leave the pairing to the parser
        close = next((j for j in range(index + 1, len(runs)) if runs[j][1] - runs[j][0] == end - start), None)
        if close is None:
            return None
        out.append(line[last:start])
        last, index = runs[close][1], close + 1
    return "".join(out) + line[last:]


def parse_body(text: str, first_line: int) -> Body:
    body = Body()
    current: Section | None = None
    chunks: list[str] = []

    def close() -> None:
        if current is not None:
            current.text = "\n".join(chunks).strip()

    # Once a line's code spans cannot be told alone, the rest of its paragraph is
    # checked as it stands (code included): never less than the page will show.
    whole = False
    words = 0
    lines = text.split("\n")
    fences, opens = _fences(lines)
    for offset, line in enumerate(lines):
        number = first_line + offset
        info = fences[offset]
        if info is not None:
            whole = False
            opening = opens[offset]
            if opening:  # superfences reads an attribute list on the opening line
                _scan_attributes(body, number, line)
            if current is not None:
                chunks.append(line)
                if info == "mermaid" and opening:
                    current.diagrams += 1
            continue
        if not line.strip():
            whole = False
        prose = line if whole or "`" not in line else without_code(line)
        if prose is None:
            whole, prose = True, line
        # Each pattern needs its text ('{', '<', '](', ']:', '#'): most lines are skipped at once.
        if "{" in prose:
            _scan_attributes(body, number, prose)
        if "<" in prose:
            for match in HTML_TAG.finditer(prose):
                body.html.append((number, match.group(1)))
        if "](" in prose:
            for match in LINK_TARGET.finditer(prose):
                body.urls.append((number, match.group(1)))
        reference = REFERENCE.match(prose) if "]:" in prose else None
        if reference:
            body.urls.append((number, reference.group(1)))
        heading = ATX.match(line) if "#" in line else None
        if heading and len(heading.group(1)) <= 2:
            if len(heading.group(1)) == 1:
                body.h1_lines.append(number)
            else:
                close()
                current = Section((heading.group(2) or "").strip(), number)
                body.sections.append(current)
                chunks = []
                continue
        if current is not None:
            chunks.append(line)
        words += len(line.split())
        if "](" in line:
            for match in CASE_LINK.finditer(line):
                body.links.append((number, match.group(1)))
        if "[@" in line:
            for match in CITATION.finditer(line):
                body.citations.append((number, match.group(1)))
    close()
    body.words = words
    return body


def _scan_attributes(body: Body, number: int, line: str) -> None:
    for match in ATTR_LIST.finditer(line):
        body.attributes.append((number, match.group(0)))


def load_document(path: Path, display: str | None = None) -> Document:
    """Read one YAML-fronted Markdown file (display: display_path(path), when already known)."""
    doc = Document(path=path, display=display_path(path) if display is None else display)
    text = read_text(doc)
    if text is None:
        return doc
    split = split_front_matter(doc, text)
    if split is None:
        return doc
    data = parse_yaml(doc, *split)
    if not isinstance(data, dict):
        if data is not None or not doc.problems:  # a list, a value, or 'null' / '~'
            doc.problem(2, "CB009", "the front matter should be a mapping of keys to values")
        data = None
    doc.data = data
    doc.body = parse_body(doc.body_text, doc.body_line)
    return doc


def load_yaml_file(path: Path) -> Document:
    """Read a plain YAML file (a vocabulary)."""
    doc = Document(path=path, display=display_path(path))
    text = read_text(doc)
    if text is None:
        return doc
    data = parse_yaml(doc, text, 1)
    if not isinstance(data, dict):
        if data is not None or not doc.problems:
            doc.problem(1, "CB009", "the file should be a mapping of keys to values")
        data = None
    doc.data = data
    return doc
