"""Plain data that the generator works from: vocabularies and cases."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

WORDS_PER_MINUTE = 200


def slugify(name: str) -> str:
    """A URL-safe, lowercase slug for a company or technology name."""
    text = name.lower().replace("c++", "cpp").replace("c#", "csharp").replace("+", "plus").replace("#", "sharp")
    text = text.replace(".", "-dot-") if re.fullmatch(r"\.[a-z]+", text) else text
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "x"


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    definition: str
    aliases: tuple[str, ...]
    related: tuple[str, ...]
    what_it_is: str
    when_it_pays: str
    what_it_costs: str


@dataclass
class Vocabulary:
    name: str              # "patterns" or "domains"
    version: int
    terms: dict[str, Term]

    def resolve(self, word: str) -> str | None:
        """The term id for an id, a name or an alias, ignoring case."""
        lowered = word.lower()
        for term in self.terms.values():
            if lowered in (term.id, term.name.lower(), *(a.lower() for a in term.aliases)):
                return term.id
        return None


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    publisher: str
    date: str
    primary: bool


@dataclass(frozen=True)
class Metric:
    name: str
    before: float
    after: float
    unit: str
    better: str
    source: str
    note: str = ""

    @property
    def factor(self) -> float | None:
        """How many times better the after value is; None when it cannot be computed."""
        better, worse = (self.after, self.before) if self.better == "higher" else (self.before, self.after)
        if worse == 0:
            return math.inf if better > 0 else None
        return better / worse


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
    """A metric value exactly as the case file gives it, with thousands separators."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else _trim(f"{value:,.10f}")


@dataclass
class Case:
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
    front_matter: dict = field(default_factory=dict, repr=False)  # as read, for the open-data export
    related: list["Case"] = field(default_factory=list)

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    @property
    def technologies(self) -> tuple[str, ...]:
        seen = dict.fromkeys(self.before + self.after)
        return tuple(seen)

    @property
    def primary_source(self) -> Source:
        return next((s for s in self.sources if s.primary), self.sources[0])

    @property
    def best_factor(self) -> float | None:
        factors = [m.factor for m in self.metrics if m.factor is not None]
        return max(factors) if factors else None

    @classmethod
    def from_data(cls, data: dict, body: str, words: int, path: str) -> "Case":
        tech = data["technologies"]
        return cls(
            id=data["id"], kind=data["kind"], title=data["title"], company=data.get("company"),
            year=data["year"], summary=data["summary"], outcome=data["outcome"], level=data["level"],
            domains=tuple(data["domains"]), patterns=tuple(data["patterns"]),
            before=tuple(tech["before"]), after=tuple(tech["after"]),
            migrations=tuple(tuple(part.strip() for part in m.split(" -> ", 1)) for m in data.get("migrations", [])),
            metrics=tuple(Metric(**m) for m in data["metrics"]),
            sources=tuple(Source(**s) for s in data["sources"]),
            body=body, words=words, path=path,
            supersedes=tuple(data.get("supersedes", ())), revisits=tuple(data.get("revisits", ())),
            front_matter=data,
        )


@dataclass
class Corpus:
    """Everything the generator needs, read and checked once."""

    cases: list[Case]
    patterns: Vocabulary
    domains: Vocabulary

    def vocabulary(self, name: str) -> Vocabulary:
        return self.patterns if name == "patterns" else self.domains
