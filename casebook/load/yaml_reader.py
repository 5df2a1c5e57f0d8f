"""The front-matter reader: one pass over LibYAML's events.

It refuses anchors, aliases, tags, characters that are not text and deep nesting,
and records the line of every value, so each problem can name its line.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent)

from .document import Document

# LibYAML's C parser when PyYAML was built with it (the PyPI wheels are): the
# same safe loading, many times faster on a large corpus.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 12
ALIAS_MESSAGE = "YAML anchors and aliases (& and *) are not allowed; write the value out"
# What a double-quoted YAML escape can make but no text holds: control characters
# (other than tab) and lone surrogates, which cannot even be written out as UTF-8.
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


_KEY_LINE = re.compile(r"^( *)(- +)?([^\s#'\"-][^:#]*?):(?: +(.*))?$")


def syntax_message(text: str, index: int, reason: str, first_line: int) -> str:
    """LibYAML's error, with the hint a person needs: most front-matter syntax errors are a key
    indented one step off, a list item without its '- ', or an unquoted ': ' in a value."""
    lines = text.split("\n")
    line = lines[index] if index < len(lines) else ""
    if "tab character" in reason or line.startswith("\t"):
        return "YAML syntax error: a tab indents this line; indent with spaces only"
    indent = len(line) - len(line.lstrip(" "))
    above = [(i, _KEY_LINE.match(l)) for i, l in enumerate(lines[:index]) if l.strip() and not l.lstrip().startswith("#")]
    keys = [(i, m) for i, m in above if m]
    key = _KEY_LINE.match(line)
    if "mapping values" in reason:
        if key and key.group(4) and ": " in key.group(4):
            return (f"YAML syntax error: the value of '{key.group(3)}' contains ': '; put the value in quotes, "
                    f"e.g. {key.group(3)}: \"{key.group(4)}\"")
        previous = keys[-1] if keys else None
        if previous and key and previous[1].group(4) and indent > len(previous[1].group(1)):
            where = len(previous[1].group(1)) + len(previous[1].group(2) or "")
            return (f"YAML syntax error: '{key.group(3)}' is indented more than '{previous[1].group(3)}' on line "
                    f"{previous[0] + first_line}, which already has a value; a key beside it starts at the same "
                    f"column ({where} spaces)")
        return ("YAML syntax error: mapping values are not allowed here; put a value that contains ': ' in quotes, "
                "or check the line's indentation")
    if key and ("expected '-'" in reason or "expected key" in reason or "block end" in reason):
        dashes = [(i, m) for i, m in keys if m.group(2)]
        if dashes and not key.group(2) and indent == len(dashes[-1][1].group(1)):
            item = dashes[-1][1]
            inside = len(item.group(1)) + len(item.group(2))
            return (f"YAML syntax error: '{key.group(3)}' starts where the list's items start ({indent} spaces) but "
                    f"has no '- '; to add it to the item that begins on line {dashes[-1][0] + first_line}, indent it "
                    f"{inside} spaces like '{item.group(3)}'; to start a new item, write '- {key.group(3)}: ...'")
        columns = sorted({len(m.group(1)) + (len(m.group(2)) if m.group(2) else 0) for _, m in keys[-6:]})
        if indent not in columns:
            near = ", ".join(str(c) for c in columns)
            return (f"YAML syntax error: '{key.group(3)}' is indented {indent} spaces, which lines up with no key above "
                    f"it (they start at {near} spaces); indent it like the key it belongs beside")
    if "end of stream" in reason or "while scanning a quoted scalar" in reason:
        for i, l in enumerate(lines):
            if l.count('"') % 2 or (l.count("'") % 2 and ": '" in l):
                return f"YAML syntax error: the quoted value on line {i + first_line} is never closed; end it with its quote"
    return f"YAML syntax error: {reason}"


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
        index = mark.line if mark else 0
        doc.problem(index + first_line, "CB004", syntax_message(text, index, reason, first_line))
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

