"""Read a case or vocabulary file: text, front matter with line numbers, body sections.

Nothing here raises on bad input: every defect becomes a Problem with the line
it is on, and what could still be read is returned.
"""

from __future__ import annotations

from pathlib import Path

from ..problems import display_path
from .document import Document
from .markdown_body import parse_body
from .yaml_reader import parse_yaml

MAX_FILE_BYTES = 1_000_000


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
    doc.body_end = doc.body_line + doc.body_text.count("\n")
    return doc


def read_body(doc: Document) -> str:
    """The body text of a file already read (a cached Document keeps its body's structure, not its text)."""
    probe = Document(path=doc.path, display=doc.display)   # its problems were found when doc was read
    text = read_text(probe)
    if text is None:
        return ""
    return doc.body_text if split_front_matter(probe, text) is None else probe.body_text


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
