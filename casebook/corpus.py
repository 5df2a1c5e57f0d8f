"""Load and validate every case and vocabulary file, once, into a Corpus."""

from __future__ import annotations

import contextlib
import gc
import heapq
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .loader import Document, load_document, load_yaml_file
from .model import Case, Corpus, Term, Vocabulary, slugify
from .problems import Problem, display_paths
from .rules import CASE_RULES, STORY_KEYS, VOCABULARY_RULES, Context

VOCABULARIES = ("patterns", "domains")
# Set, this folder of cases replaces the configured one (build and serve --cases, the benchmarks).
CASES_ENV = "CASEBOOK_CASES_DIR"
RELATED_LIMIT = 5


@dataclass
class Result:
    problems: list[Problem]
    corpus: Corpus | None   # None when any problem was found


def default_vocabulary_dir(cases_dir: Path) -> Path:
    return cases_dir / "vocabulary"


def case_folders(root: Path, cases_dir: str, vocabulary_dir: str | None) -> tuple[Path, Path]:
    """(cases folder, vocabulary folder) for the plugin's options; relative paths start at root."""
    cases = os.environ.get(CASES_ENV) or cases_dir
    vocabulary = (root / vocabulary_dir).resolve() if vocabulary_dir else default_vocabulary_dir(root / "cases")
    return (root / cases).resolve(), vocabulary


def vocabulary_paths(vocabulary_dir: Path) -> list[Path]:
    return [vocabulary_dir / f"{name}.yml" for name in VOCABULARIES]


def case_paths(cases_dir: Path) -> list[Path]:
    return sorted(cases_dir.glob("*.md"), key=lambda path: path.name)   # one folder: as Path order, faster


def _vocabulary(doc: Document, name: str) -> Vocabulary:
    """The terms that could be read, even from a file with problems, so cases are still checked."""
    data = doc.data if isinstance(doc.data, dict) else {}
    terms = {}
    for item in data.get("terms") or []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            def text(key):
                value = item.get(key)
                return value if isinstance(value, str) else ""

            def strings(key):
                return tuple(v for v in item.get(key) or [] if isinstance(v, str)) if isinstance(item.get(key), list) else ()
            terms[item["id"]] = Term(
                id=item["id"], name=text("name") or item["id"], definition=text("definition"),
                aliases=strings("aliases"), related=strings("related"), what_it_is=text("what_it_is"),
                when_it_pays=text("when_it_pays"), what_it_costs=text("what_it_costs"))
    version = data.get("version") if isinstance(data.get("version"), int) else 0
    return Vocabulary(name=name, version=version, terms=terms)


def read_vocabularies(vocabulary_dir: Path) -> tuple[dict[str, Vocabulary], list[Document]]:
    """Both vocabularies (as far as they can be read) and the documents they came from."""
    docs = [load_yaml_file(path) for path in vocabulary_paths(vocabulary_dir)]
    return {name: _vocabulary(doc, name) for name, doc in zip(VOCABULARIES, docs)}, docs


def _run(doc: Document, rules, ctx: Context) -> None:
    if doc.data is None:
        return
    for rule in rules:
        for line, code, message in rule(doc, ctx):
            doc.problem(line, code, message)


def read_corpus(cases_dir: Path, vocabulary_dir: Path | None = None,
                only: list[Path] | None = None, check_only: bool = False) -> Result:
    """Read and check the cases (all in cases_dir, or only the given files) and both vocabularies.

    The Corpus (with each case's related cases) is made only for a whole folder without
    problems, and not when check_only: `casebook validate` wants the problems alone."""
    vocabulary_dir = vocabulary_dir or default_vocabulary_dir(cases_dir)
    all_cases = case_paths(cases_dir) if cases_dir.is_dir() else []
    vocabularies, vocab_docs = read_vocabularies(vocabulary_dir)
    # A link may point to any case beside the files being checked, or in cases_dir.
    folders = {p.parent for p in only or [] if p.suffix == ".md"}
    known = {p.stem for p in all_cases} | {p.stem for folder in folders for p in case_paths(folder)}
    ctx = Context(vocabularies=vocabularies, case_ids=known)
    wanted = {p.resolve() for p in only if p.suffix != ".md"} if only is not None else None   # vocabularies
    checked_vocab = [d for d in vocab_docs if wanted is None or d.path.resolve() in wanted]
    for doc in checked_vocab:
        _run(doc, VOCABULARY_RULES, ctx)

    paths = all_cases if only is None else [p for p in only if p.suffix == ".md"]
    with _no_cycle_collection():
        docs = [load_document(path, display) for path, display in zip(paths, display_paths(paths))]
        for doc in docs:
            _run(doc, CASE_RULES, ctx)
    _check_unique_ids(docs)
    _check_story_order(docs)
    _check_name_spellings(docs)

    problems = sorted(p for doc in checked_vocab + docs for p in doc.problems)
    if problems or only is not None or check_only:
        return Result(problems, None)
    cases = [Case.from_data(d.data, d.body_text, d.body.words, d.display) for d in docs]
    link_related(cases)
    return Result([], Corpus(cases=cases, patterns=ctx.vocabularies["patterns"],
                             domains=ctx.vocabularies["domains"]))


@contextlib.contextmanager
def _no_cycle_collection():
    """Reading makes many small dicts and lists that all live on: the cycle collector
    would walk them again and again, to find nothing, as they pile up."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            # Straight into the oldest generation, unscanned: otherwise the next collection
            # walks all of it as young objects. (Unless someone froze objects for a reason.)
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _check_story_order(docs: list[Document]) -> None:
    """CB010: a case supersedes or revisits only cases of the same year or earlier."""
    years = {d.data["id"]: d.data.get("year") for d in docs
             if isinstance(d.data, dict) and isinstance(d.data.get("id"), str)}  # a wrong type is CB009's
    for doc in docs:
        if not isinstance(doc.data, dict) or not isinstance(doc.data.get("year"), int):
            continue
        for key in STORY_KEYS:
            targets = doc.data.get(key)
            for index, target in enumerate(targets if isinstance(targets, list) else []):
                year = years.get(target) if isinstance(target, str) else None
                if isinstance(year, int) and year > doc.data["year"]:
                    doc.problem(doc.line_of((key, index)), "CB010", (
                        f"'{key}' names '{target}' from {year}, later than this case ({doc.data['year']}); "
                        f"the later case should name the earlier one"))


def _named(doc: Document):
    """(kind, name, line) of the company and each technology a case names."""
    data = doc.data if isinstance(doc.data, dict) else {}
    if isinstance(data.get("company"), str):
        yield "company", data["company"], doc.line_of(("company",))
    technologies = data.get("technologies")
    for side in ("before", "after"):
        names = technologies.get(side) if isinstance(technologies, dict) else None
        for index, name in enumerate(names if isinstance(names, list) else []):
            if isinstance(name, str):
                yield "technology", name, doc.line_of(("technologies", side, index))


def _check_name_spellings(docs: list[Document]) -> None:
    """CB035: a company or technology is written one way. Names that differ only in case or
    punctuation share one page (one slug), which would show whichever spelling came first."""
    first: dict[tuple[str, str], tuple[str, Document, int]] = {}
    for doc in docs:
        for kind, name, line in _named(doc):
            seen = first.setdefault((kind, slugify(name)), (name, doc, line))
            if seen[0] != name:
                where = f"on line {seen[2]}" if seen[1] is doc else f"in {seen[1].display}:{seen[2]}"
                doc.problem(line, "CB035", f"{kind} '{name}' is written '{seen[0]}' {where}; "
                                           f"one {kind} has one page: write it the same way")


def _check_unique_ids(docs: list[Document]) -> None:
    """CB012: no two files share an id, ignoring case (case-insensitive file systems would merge them)."""
    first: dict[str, Document] = {}
    for doc in docs:
        raw = doc.data.get("id") if isinstance(doc.data, dict) else None
        case_id = raw if isinstance(raw, str) else doc.path.stem
        key = case_id.lower()
        if key in first:
            other = first[key]
            doc.problem(doc.line_of(("id",)), "CB012",
                        f"id '{case_id}' is already used by {other.display}:{other.line_of(('id',))}")
        else:
            first[key] = doc


# Shared patterns count twice as much as shared domains.
RELATED_WEIGHTS = {"patterns": 2, "domains": 1}


def relatedness(a: Case, b: Case) -> int:
    return sum(weight * len(set(getattr(a, name)) & set(getattr(b, name))) for name, weight in RELATED_WEIGHTS.items())


def link_related(cases: list[Case]) -> None:
    """Each case's RELATED_LIMIT most related cases: highest relatedness(), then newest, then by title.

    Scores are summed from the cases listed under each shared pattern and domain
    instead of comparing every pair of cases, which made a 2,000-case build spend
    seconds here. Cases that tie on all three keep their order in `cases`.
    """
    postings: dict[tuple[str, str], list[int]] = {}   # (vocabulary, term) -> indexes of its cases
    for index, case in enumerate(cases):
        for vocabulary in RELATED_WEIGHTS:
            for term in set(getattr(case, vocabulary)):
                postings.setdefault((vocabulary, term), []).append(index)
    order = [(-case.year, case.title.lower(), index) for index, case in enumerate(cases)]
    for index, case in enumerate(cases):
        scores: Counter[int] = Counter()
        for vocabulary, weight in RELATED_WEIGHTS.items():
            for term in set(getattr(case, vocabulary)):
                for _ in range(weight):   # Counter.update counts in C: faster than adding weight per case
                    scores.update(postings[(vocabulary, term)])
        del scores[index]
        # Only cases scoring at least the RELATED_LIMIT-th best score can make the list.
        cutoff = min(heapq.nlargest(RELATED_LIMIT, scores.values()), default=0)
        best = sorted((-score, *order[other]) for other, score in scores.items() if score >= cutoff)
        case.related = [cases[key[-1]] for key in best[:RELATED_LIMIT]]
