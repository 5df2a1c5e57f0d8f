"""Plain typed data that the rules and the generator work from: vocabularies, entries, paths.

An Entry is built from front matter by from_data, which takes each field that has the
right type and leaves the rest empty: the rules that need typed data (technology names,
metrics, story links) read the same model as the pages, from any file, valid or not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .schema import KIND_NAMES, LEVEL_NAMES

WORDS_PER_MINUTE = 200


def slugify(name: str) -> str:
    """A URL-safe, lowercase slug for a company or technology name."""
    text = name.lower().replace("c++", "cpp").replace("c#", "csharp").replace("+", "plus").replace("#", "sharp")
    text = text.replace(".", "-dot-") if re.fullmatch(r"\.[a-z]+", text) else text
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "x"


def title_key(title: str) -> str:
    """How a title sorts: case-blind, ignoring leading quotes and punctuation."""
    return re.sub(r"^[^0-9a-z]+", "", title.lower()) or title.lower()


def plural(count: int, one: str, many: str = "") -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class Template:
    diagram: str
    how_to_apply: str


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    definition: str
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    what_it_is: str = ""
    when_it_pays: str = ""
    what_it_costs: str = ""
    category: str = ""              # technologies only
    template: Template | None = None   # patterns only


@dataclass
class Vocabulary:
    name: str              # "patterns", "domains" or "technologies"
    version: int
    terms: dict[str, Term]

    def resolve(self, word: str) -> str | None:
        """The term id for an id, a name or an alias, ignoring case."""
        return self._index().get(word.lower())

    def _index(self) -> dict[str, str]:
        index = self.__dict__.get("_lookup")
        if index is None:
            index = {}
            for term in self.terms.values():
                for word in (term.id, term.name, *term.aliases):
                    index.setdefault(word.lower(), term.id)
            self.__dict__["_lookup"] = index
        return index

    def by_name(self, name: str) -> Term | None:
        """The term whose canonical name is exactly name."""
        names = self.__dict__.get("_names")
        if names is None:
            names = self.__dict__["_names"] = {t.name: t for t in self.terms.values()}
        return names.get(name)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    publisher: str
    date: str
    primary: bool
    archive: str = ""


Value = float | tuple[float, float]


def _ends(value: Value) -> tuple[float, float]:
    return (value[0], value[1]) if isinstance(value, tuple) else (value, value)


@dataclass(frozen=True)
class Metric:
    """A measurement as its source states it: a before/after pair (either side may be a
    range), a ratio only, or a percent change only."""

    name: str
    better: str
    source: str
    before: Value | None = None
    after: Value | None = None
    unit: str = ""
    ratio: float | None = None      # 'factor' in the file: the ratio the source states
    percent: float | None = None
    illustrative: bool = False
    note: str = ""

    @property
    def form(self) -> str:
        return "ratio" if self.ratio is not None else "percent" if self.percent is not None else "pair"

    @property
    def factor(self) -> float | None:
        """How many times better; for a range, from the end least flattering to the change.
        None when it cannot be computed."""
        if self.ratio is not None:
            return self.ratio
        if self.percent is not None:
            if self.better == "higher":
                return 1 + self.percent / 100
            return math.inf if self.percent >= 100 else 1 / (1 - self.percent / 100)
        if self.before is None or self.after is None:
            return None
        (before_low, before_high), (after_low, after_high) = _ends(self.before), _ends(self.after)
        better, worse = (after_low, before_high) if self.better == "higher" else (before_low, after_high)
        if worse == 0:
            return math.inf if better > 0 else None
        return better / worse

    @property
    def ranked(self) -> bool:
        """Whether the metric takes part in rankings and 'best improvement'."""
        return not self.illustrative and self.factor is not None

    def shown(self, value: Value | None) -> str:
        if value is None:
            return "—"
        low, high = _ends(value)
        text = format_number(low) if low == high else f"{format_number(low)}–{format_number(high)}"
        return f"{text} {self.unit}".strip()

    @property
    def change(self) -> str:
        """The change as the source states it: '5× lower', '77% lower', or the computed factor."""
        direction = "lower" if self.better == "lower" else "higher"
        if self.ratio is not None:
            return f"{format_number(self.ratio)}× {direction}"
        if self.percent is not None:
            return f"{format_number(self.percent)}% {direction}"
        return format_factor(self.factor)


def _trim(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


def format_factor(factor: float | None) -> str:
    """'12.5×' for display; the factor is computed, so showing 3 digits invents nothing."""
    if factor is None:
        return "n/a"
    if math.isinf(factor):
        return "eliminated"
    digits = 0 if factor >= 100 else 1 if factor >= 10 else 2
    return _trim(f"{factor:,.{digits}f}") + "×"


def format_number(value: float) -> str:
    """A value exactly as the file gives it, with thousands separators."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else _trim(f"{value:,.10f}")


# --- building from front matter that may be broken --------------------------

def _text(data: dict, key: str, default: str = "") -> str:
    value = data.get(key)
    return value if isinstance(value, str) else default


def _strings(value) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _number(value) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _value(value) -> Value | None:
    if isinstance(value, list) and len(value) == 2 and all(_number(v) is not None for v in value):
        return (value[0], value[1])
    return _number(value)


def metric_from_data(data: dict) -> Metric:
    return Metric(
        name=_text(data, "name"), better=_text(data, "better", "lower"), source=_text(data, "source"),
        before=_value(data.get("before")), after=_value(data.get("after")), unit=_text(data, "unit"),
        ratio=_number(data.get("factor")), percent=_number(data.get("percent")),
        illustrative=data.get("illustrative") is True, note=_text(data, "note"))


def source_from_data(data: dict) -> Source:
    return Source(id=_text(data, "id"), title=_text(data, "title"), url=_text(data, "url"),
                  publisher=_text(data, "publisher"), date=str(data.get("date", "")),
                  primary=data.get("primary") is True, archive=_text(data, "archive"))


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@dataclass
class Case:
    """One entry of any kind: a case study, a brief, a company profile or a design study."""

    id: str
    kind: str
    title: str
    company: str | None
    year: int
    summary: str
    outcome: str
    level: str
    domains: tuple[str, ...]
    patterns: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]
    migrations: tuple[tuple[str, str], ...]
    metrics: tuple[Metric, ...]
    sources: tuple[Source, ...]
    body: str
    words: int
    path: str = ""
    supersedes: tuple[str, ...] = ()
    revisits: tuple[str, ...] = ()
    as_of: str = ""
    pattern_notes: dict = field(default_factory=dict)
    event: str = ""
    speakers: tuple[str, ...] = ()
    front_matter: dict = field(default_factory=dict, repr=False)  # as read, for the open-data export
    related: list["Case"] = field(default_factory=list, repr=False)   # cases link each other: no endless repr

    @property
    def sort_title(self) -> str:
        return title_key(self.title)

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    @property
    def technologies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.before + self.after))

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, self.level)

    @property
    def when(self) -> str:
        """The year of the change, or the date a profile describes."""
        return f"as of {self.as_of}" if self.as_of else str(self.year)

    @property
    def primary_source(self) -> Source:
        return next((s for s in self.sources if s.primary), self.sources[0])

    @property
    def best_metric(self) -> Metric | None:
        """The measured metric with the largest improvement (illustrations left out)."""
        ranked = [m for m in self.metrics if m.ranked]
        return max(ranked, key=lambda m: m.factor) if ranked else None

    @property
    def best_factor(self) -> float | None:
        best = self.best_metric
        return best.factor if best else None

    @classmethod
    def from_data(cls, data: dict, body: str = "", words: int = 0, path: str = "") -> "Case":
        tech = data.get("technologies") if isinstance(data.get("technologies"), dict) else {}
        as_of = _text(data, "as_of")
        year = data.get("year")
        if not isinstance(year, (int, float)) or isinstance(year, bool):
            year = int(as_of[:4]) if as_of[:4].isdigit() else 0
        notes = data.get("pattern_notes")
        return cls(
            id=_text(data, "id"), kind=_text(data, "kind", "case"), title=_text(data, "title"),
            company=_text(data, "company") or None, year=int(year), summary=_text(data, "summary"),
            outcome=_text(data, "outcome"), level=_text(data, "level", "intermediate"),
            domains=_strings(data.get("domains")), patterns=_strings(data.get("patterns")),
            before=_strings(tech.get("before")), after=_strings(tech.get("after")),
            migrations=tuple(tuple(part.strip() for part in m.split(" -> ", 1))
                             for m in _strings(data.get("migrations")) if " -> " in m),
            metrics=tuple(metric_from_data(m) for m in _dicts(data.get("metrics"))),
            sources=tuple(source_from_data(s) for s in _dicts(data.get("sources"))),
            body=body, words=words, path=path,
            supersedes=_strings(data.get("supersedes")), revisits=_strings(data.get("revisits")),
            as_of=as_of,
            pattern_notes={k: v for k, v in notes.items() if isinstance(v, str)} if isinstance(notes, dict) else {},
            event=_text(data, "event"), speakers=_strings(data.get("speakers")),
            front_matter=data,
        )


@dataclass(frozen=True)
class PathEntry:
    id: str
    why: str


@dataclass(frozen=True)
class ReadingPath:
    id: str
    title: str
    summary: str
    entries: tuple[PathEntry, ...]

    @property
    def sort_title(self) -> str:
        return title_key(self.title)

    @classmethod
    def from_data(cls, data: dict) -> "ReadingPath":
        return cls(id=_text(data, "id"), title=_text(data, "title"), summary=_text(data, "summary"),
                   entries=tuple(PathEntry(_text(e, "id"), _text(e, "why")) for e in _dicts(data.get("entries"))))


@dataclass
class Corpus:
    """Everything the generator needs, read and checked once."""

    cases: list[Case]
    patterns: Vocabulary
    domains: Vocabulary
    technologies: Vocabulary = field(default_factory=lambda: Vocabulary("technologies", 0, {}))
    paths: list[ReadingPath] = field(default_factory=list)

    def vocabulary(self, name: str) -> Vocabulary:
        return {"patterns": self.patterns, "domains": self.domains, "technologies": self.technologies}[name]

    def category(self, technology: str) -> str:
        term = self.technologies.by_name(technology)
        return term.category if term else ""
