"""One file as read: its plain data, where each value sits, and its body."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem


@dataclass
class Section:
    title: str
    line: int
    has_text: bool = False   # anything but blank lines under the heading
    diagrams: list["Diagram"] = field(default_factory=list)


@dataclass
class Diagram:
    """A Mermaid diagram: where it opens, and its text alternative (accTitle, accDescr)."""

    line: int
    title: str = ""
    description: str = ""


@dataclass
class Body:
    sections: list[Section] = field(default_factory=list)
    h1_lines: list[int] = field(default_factory=list)
    links: list[tuple[int, str]] = field(default_factory=list)       # (line, target)
    citations: list[tuple[int, str]] = field(default_factory=list)   # (line, source id)
    html: list[tuple[int, str]] = field(default_factory=list)        # (line, tag name)
    urls: list[tuple[int, str]] = field(default_factory=list)        # (line, link or image URL)
    attributes: list[tuple[int, str]] = field(default_factory=list)  # (line, attribute list text)
    todos: list[int] = field(default_factory=list)                   # lines with a TODO
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
    body_end: int = 0       # the last line of the body (the file's last line)
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

    @property
    def end_line(self) -> int:
        return self.body_end or self.body_line + self.body_text.count("\n")
