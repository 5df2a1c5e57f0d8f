"""Problems found in the files Casebook reads, and the one table of their codes.

Every stage that finds a problem (the loader, the schema check, the rules) reports it
as a Problem with a code from RULES; a Problem with a code not in the table cannot be
made, so a rule cannot emit a code that CONTRIBUTING.md and `casebook rules` do not list.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

# Every rule code with its one-line meaning. CONTRIBUTING.md lists the same
# table (a test keeps the two equal); `casebook rules` prints it.
RULES: dict[str, str] = {
    "CB001": "the file is not valid UTF-8 text",
    "CB002": "the file does not start with YAML front matter between '---' lines",
    "CB003": "the front matter is not closed by a '---' line",
    "CB004": "the front matter is not valid YAML",
    "CB005": "the front matter uses a YAML feature Casebook does not allow (anchors, aliases, tags)",
    "CB006": "a key appears twice in the same mapping",
    "CB007": "a required key is missing",
    "CB008": "an unknown key (check the spelling)",
    "CB009": "a value has the wrong type",
    "CB010": "a value is not one of those allowed (format, range or choice)",
    "CB011": "the id does not match the file name",
    "CB012": "two files have the same id (ignoring case)",
    "CB013": "a pattern or domain is not in the vocabulary",
    "CB014": "a list names the same entry twice",
    "CB015": "a required body section is missing",
    "CB016": "a body section is empty",
    "CB017": "body sections are out of order",
    "CB018": "a body section that the case format does not have",
    "CB019": "an architecture or design section has no Mermaid diagram",
    "CB020": "two sources have the same id",
    "CB021": "a metric cites a source id that the case does not list",
    "CB022": "a [@citation] in the body names a source id that the case does not list",
    "CB023": "a case has no primary source",
    "CB024": "a source URL is not https",
    "CB025": "a link points to a case that does not exist",
    "CB026": "a migration names a technology missing from technologies before/after",
    "CB027": "the body has a level-1 heading; the page title comes from 'title'",
    "CB028": "a vocabulary term id or alias is defined twice",
    "CB029": "the file cannot be read as a case file (a link, not a regular file, or too large)",
    "CB030": "the file still has a TODO left by 'casebook new'",
    "CB031": "the body contains raw HTML; case bodies are Markdown only",
    "CB032": "a link or image in the body uses a scheme other than https, http or mailto (javascript:, data:)",
    "CB033": "the body has an attribute list ({: ...}) that sets more than an id or a class",
    "CB034": "a case id, company or technology is named like a generated index page ('index')",
    "CB035": "a company is written two ways (differing only in case or punctuation)",
    "CB036": "a technology is not in the technologies vocabulary, or is written as one of its aliases",
    "CB037": "a Mermaid diagram has no text alternative (accTitle and accDescr)",
    "CB038": "a pattern note names a pattern the entry does not list",
    "CB039": "the body is shorter than its kind requires",
    "CB040": "a company has more than one profile",
    "CB041": "a source URL is a tracking or redirect link, not the page itself",
}


class UsageError(Exception):
    """A command was given something it cannot use (a missing option, no such folder, a busy
    port): one line for the person at the terminal, exit status 2."""


class UnknownCode(ValueError):
    """A problem was made with a code that is not in RULES: a bug in Casebook, not in a file."""


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in RULES:
            raise UnknownCode(f"{self.code} is not a registered rule code (casebook/problems.py RULES)")

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}: {self.code} {self.message}")


# Characters a message may quote from a file but must not send to a terminal or a log as they
# are: control characters (an escape sequence could recolour or rewrite the screen, a line
# break would forge a line of output) and the bidirectional overrides that make text read
# differently from its bytes.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """text with every unprintable character written as its escape (\\x1b, \\u202e)."""
    return UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                           else f"\\u{ord(m.group()):04x}", text)


def display_path(path: Path) -> str:
    """The path as a person typed it: relative to the working directory if inside it."""
    return display_paths([path])[0]


def display_paths(paths) -> list[str]:
    """display_path of each path, resolving each folder once rather than each file."""
    cwd = Path.cwd().resolve()
    folders: dict[Path, tuple[Path, str | None]] = {}   # folder -> (resolved, relative to cwd or None)
    shown = []
    for path in paths:
        try:
            whole = path.name in ("", ".", "..") or path.is_symlink()
        except OSError:   # e.g. a folder that may not be searched: resolve() copes
            whole = True
        if whole:
            try:
                shown.append(str(path.resolve().relative_to(cwd)))
            except ValueError:
                shown.append(str(path))
            continue
        # a file that is no link resolves to its resolved folder and its name
        known = folders.get(path.parent)
        if known is None:
            folder = path.parent.resolve()
            try:
                known = folders[path.parent] = folder, str(folder.relative_to(cwd))
            except ValueError:
                known = folders[path.parent] = folder, None
        folder, relative = known
        if relative is None:   # outside the working directory, unless it is the working directory
            shown.append("." if folder == cwd.parent and path.name == cwd.name else str(path))
        else:
            shown.append(path.name if relative == "." else f"{relative}/{path.name}")
    return shown


def did_you_mean(value: str, choices, cutoff: float = 0.6) -> str:
    """'; did you mean 'x'?' for the closest choice, or '' if none is close."""
    match = difflib.get_close_matches(str(value).lower(), [str(c) for c in choices], n=1, cutoff=cutoff)
    return f"; did you mean '{match[0]}'?" if match else ""


def summary_line(problems: list[Problem]) -> str:
    files = len({p.path for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    where = "file" if files == 1 else "files"
    return f"{len(problems)} {noun} in {files} {where}"
