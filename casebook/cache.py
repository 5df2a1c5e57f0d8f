"""What reading and checking each entry found, kept between runs (.casebook/cache/).

Reading an entry (its YAML and its body) and running the rules on it alone are most of what
`casebook validate` does, and an edit usually changes one file. So each file's Document is kept,
keyed by the file's size, modification time and inode, and its own rules' problems too, keyed
besides by what those rules read beyond the file: the vocabularies and the set of entry ids.
Everything is also keyed by the engine's own source, so a changed rule or reader never reuses an
old answer. The rules across files always run. A cache that cannot be read or written is simply
not used.

The preview (`casebook serve`) rebuilds in one long-lived process: it keeps the cache in memory
between rebuilds (with the bodies' text), instead of loading and writing the file on every save.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from .load import Document
from .problems import Problem

FORMAT = 1
# The modules whose code decides what reading and checking a file gives.
ENGINE = ("load", "validate", "schema.py", "model.py", "problems.py", "cache.py")
CACHE_ENV = "CASEBOOK_CACHE_DIR"


def engine_fingerprint() -> str:
    digest = hashlib.sha256(str(FORMAT).encode())
    package = Path(__file__).parent
    for name in ENGINE:
        for path in sorted((package / name).rglob("*.py")) if (package / name).is_dir() else [package / name]:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def default_cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.cwd() / ".casebook" / "cache")


@dataclass
class Entry:
    stat: tuple
    doc: Document                 # as read: load problems only
    checked_with: str = ""        # the context fingerprint its rule problems were found with
    rule_problems: list[Problem] = field(default_factory=list)


# The caches a long-lived process keeps in memory: cache file -> (its entries, bodies by file).
_IN_MEMORY: dict[Path, tuple[dict[str, Entry], dict[str, tuple[tuple, str]]]] = {}


class EntryCache:
    def __init__(self, folder: Path | None, cases_dir: Path, in_memory: bool = False) -> None:
        self.path = None
        self.entries: dict[str, Entry] = {}
        self.bodies: dict[str, tuple[tuple, str]] = {}   # in memory only: file -> (stat, body text)
        self.changed = False
        self.in_memory = in_memory
        if folder is None:
            return
        self.engine = engine_fingerprint()
        name = hashlib.sha256(str(cases_dir.resolve()).encode()).hexdigest()[:16]
        self.path = folder / f"entries-{name}.pickle"
        if in_memory and self.path in _IN_MEMORY:
            self.entries, self.bodies = _IN_MEMORY[self.path]
            return
        try:
            with self.path.open("rb") as stream:
                stored = pickle.load(stream)
            if stored.get("engine") == self.engine:
                self.entries = stored["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError, TypeError):
            self.entries = {}

    @staticmethod
    def stat(path: Path) -> tuple | None:
        try:
            st = path.lstat()
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode)

    def document(self, path: Path, display: str, read) -> tuple[Document, Entry | None]:
        """The file's Document, from the cache when the file is unchanged; read(path, display) otherwise."""
        key = str(path)
        stat = self.stat(path) if self.path else None
        entry = self.entries.get(key)
        if stat is not None and entry is not None and entry.stat == stat and entry.doc.display == display:
            return _snapshot(entry.doc), entry   # a copy: the rules add problems to it
        doc = read(path, display)
        if stat is not None:
            self.entries[key] = Entry(stat, _snapshot(doc))
            self.changed = True
        return doc, None

    def rule_problems(self, path: Path, fingerprint: str) -> list[Problem] | None:
        entry = self.entries.get(str(path))
        if entry is not None and entry.checked_with == fingerprint:
            return entry.rule_problems
        return None

    def remember(self, path: Path, fingerprint: str, problems: list[Problem]) -> None:
        entry = self.entries.get(str(path))
        if entry is not None:
            entry.checked_with, entry.rule_problems = fingerprint, problems
            self.changed = True

    def body(self, doc: Document, read) -> str:
        """The body text of a document taken from the cache: from memory when the file is unchanged
        (in memory only: the file on disk keeps no text), read(doc) otherwise."""
        key = str(doc.path)
        stat = self.stat(doc.path)
        kept = self.bodies.get(key)
        if kept is not None and stat is not None and kept[0] == stat:
            return kept[1]
        text = read(doc)
        if self.in_memory and stat is not None:
            self.bodies[key] = (stat, text)
        return text

    def save(self, keep: set[str]) -> None:
        """Write the cache (only the files still there), atomically; any failure leaves no cache.
        In memory, the file is written once, when the process first reads the folder."""
        if self.path is None:
            return
        gone = set(self.entries) - keep
        entries = {key: entry for key, entry in self.entries.items() if key in keep}
        if self.in_memory:
            first = self.path not in _IN_MEMORY
            _IN_MEMORY[self.path] = entries, {key: body for key, body in self.bodies.items() if key in keep}
            if not first:
                return
        if not self.changed and not gone:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            with temporary.open("wb") as stream:
                pickle.dump({"engine": self.engine, "entries": entries}, stream, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(self.path)
        except OSError:
            pass


def _snapshot(doc: Document, body_text: str = "") -> Document:
    """The document as read, with its own list of problems (rules append to the live one). The
    cache keeps the body's structure, not its text (most of the cache's size): a build reads it
    again (casebook.load.files.read_body)."""
    return Document(path=doc.path, display=doc.display, data=doc.data, lines=doc.lines, body_text=body_text,
                    body_line=doc.body_line, body_end=doc.body_end, body=doc.body, problems=list(doc.problems))


def context_fingerprint(vocabulary_files: list[Path], entry_ids: set[str]) -> str:
    """What the rules on one file read besides the file: the vocabularies and which entries exist."""
    digest = hashlib.sha256()
    for path in vocabulary_files:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"-")
    digest.update("\n".join(sorted(entry_ids)).encode())
    return digest.hexdigest()
