"""The one reader of case bodies, shared by the validator and the page generator.

It reads fences exactly as pymdownx.superfences opens them, and code spans exactly
as Python-Markdown pairs backticks (across the lines of a paragraph), so that what
the validator checks as prose is what the page renders as prose: a citation or a
link written inside `code` is shown as code and checked as code.
"""

from __future__ import annotations

import re
from typing import Iterator

from .document import Body, Diagram, Section

# A fence exactly as pymdownx.superfences opens one at the start of a line: a
# language and at most an attribute list. Anything it would not take as a fence
# is read as text here too, so no markup hides from the checks inside a "fence"
# that the page would show as text.
FENCE = re.compile(r"^(`{3,}|~{3,})(?:[ \t]*\.?([\w#.+-]+)(?=[\t ]|$))?[ \t]*(?:\{([^\n]*)\})?[ \t]*$")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
CASE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")
CITATION = re.compile(r"\[@([^\]\s]*)\]")
HTML_TAG = re.compile(r"<(?!https?://|mailto:)(/?[A-Za-z][A-Za-z0-9-]*|!--)")
# Where a URL starts: an inline link or image, or a reference definition.
LINK_TARGET = re.compile(r"\]\(([^)]*)\)?")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:(.*)$")
# An attribute list as Python-Markdown's attr_list finds it: {: ...} or {...}.
ATTR_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)\}")
# Python-Markdown's BACKTICK_RE (markdown.inlinepatterns), the first inline pattern it runs,
# over a whole paragraph (DOTALL): an escaped-backslash run before backticks, or a code span.
BACKTICK = re.compile(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)(.+?)(?<!`)\2(?!`))", re.DOTALL)
# Mermaid's accessible title and description lines.
ACC_TITLE = re.compile(r"^\s*accTitle\s*:\s*(.*?)\s*$")
ACC_DESCR = re.compile(r"^\s*accDescr\s*(?::\s*(.*?)\s*$|\{(.*))")

Segments = list[tuple[bool, str]]   # (is code, text), in order; joined they are the line


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


def _fences(lines: list[str]) -> tuple[list[str | None], list[bool]]:
    """For each line: fence info (the language, '' if none) or None outside fences, and
    whether it opens a fence. Opening and closing lines count as inside. A fence is closed
    only by its own marker, and one never closed is no fence (as for superfences)."""
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


def _code_segments(block: list[str]) -> list[Segments]:
    """Each line of one paragraph split into prose and code, pairing backticks as
    Python-Markdown does over the whole paragraph."""
    if not any("`" in line for line in block):
        return [[(False, line)] for line in block]
    text = "\n".join(block)
    spans = [match.span() for match in BACKTICK.finditer(text) if match.group(2)]   # code spans, backticks included
    out, start, index = [], 0, 0
    for line in block:
        end = start + len(line)
        segments: Segments = []
        position = start
        while index < len(spans) and spans[index][1] <= start:
            index += 1
        scan = index
        while scan < len(spans) and spans[scan][0] < end:
            code_start, code_end = max(spans[scan][0], start), min(spans[scan][1], end)
            if code_start > position:
                segments.append((False, text[position:code_start]))
            if code_end > code_start:
                segments.append((True, text[code_start:code_end]))
            position = code_end
            if spans[scan][1] > end:
                break
            scan += 1
        if position < end or not segments:
            segments.append((False, text[position:end]))
        out.append(segments)
        start = end + 1
    return out


def read_lines(text: str) -> Iterator[tuple[int, str, str | None, bool, Segments | None]]:
    """(offset, line, fence info, opens a fence, segments) for each line of a body.

    Inside a fence, info is its language and segments is None; outside, info is None
    and segments split the line into prose and code spans."""
    lines = text.split("\n")
    info, opens = _fences(lines)
    index = 0
    while index < len(lines):
        if info[index] is not None:
            yield index, lines[index], info[index], opens[index], None
            index += 1
            continue
        # One paragraph: non-blank lines outside fences; a heading is a block of its own.
        end = index + 1
        if lines[index].strip() and not ATX.match(lines[index]):
            while (end < len(lines) and info[end] is None and lines[end].strip()
                   and not ATX.match(lines[end])):
                end += 1
        for offset, segments in zip(range(index, end), _code_segments(lines[index:end])):
            yield offset, lines[offset], None, False, segments
        index = end


def prose(segments: Segments) -> str:
    """The line without its code spans: what the validator checks for markup."""
    return "".join(part for is_code, part in segments if not is_code)


def map_prose(segments: Segments, change) -> str:
    """The line with change() applied to its prose and its code spans left as they are."""
    return "".join(part if is_code else change(part) for is_code, part in segments)


def parse_body(text: str, first_line: int) -> Body:
    body = Body()
    current: Section | None = None
    diagram: Diagram | None = None
    chunks: list[str] = []

    def close() -> None:
        if current is not None:
            current.has_text = any(chunk.strip() for chunk in chunks)

    words = 0
    for offset, line, info, opening, segments in read_lines(text):
        number = first_line + offset
        if "TODO" in line:
            body.todos.append(number)
        if segments is None:   # inside a fence
            if opening:  # superfences reads an attribute list on the opening line
                _scan_attributes(body, number, line)
                diagram = Diagram(number) if info == "mermaid" else None
                if diagram is not None and current is not None:
                    current.diagrams.append(diagram)
            elif diagram is not None:
                _read_accessibility(diagram, line)
            if current is not None:
                chunks.append(line)
            continue
        checked = prose(segments)
        # Each pattern needs its text ('{', '<', '](', ']:', '@'): most lines are skipped at once.
        if "{" in checked:
            _scan_attributes(body, number, checked)
        if "<" in checked:
            for match in HTML_TAG.finditer(checked):
                body.html.append((number, match.group(1)))
        if "](" in checked:
            for match in LINK_TARGET.finditer(checked):
                body.urls.append((number, match.group(1)))
            for match in CASE_LINK.finditer(checked):
                body.links.append((number, match.group(1)))
        reference = REFERENCE.match(checked) if "]:" in checked else None
        if reference:
            body.urls.append((number, reference.group(1)))
        if "[@" in checked:
            for match in CITATION.finditer(checked):
                body.citations.append((number, match.group(1)))
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
    close()
    body.words = words
    return body


def _read_accessibility(diagram: Diagram, line: str) -> None:
    title = ACC_TITLE.match(line)
    if title:
        diagram.title = title.group(1)
        return
    description = ACC_DESCR.match(line)
    if description:
        diagram.description = (description.group(1) or description.group(2) or "").strip("} ") or "(block)"


def _scan_attributes(body: Body, number: int, line: str) -> None:
    for match in ATTR_LIST.finditer(line):
        body.attributes.append((number, match.group(0)))
