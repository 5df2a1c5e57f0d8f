"""The pipeline up to the model: load every entry, vocabulary and reading path once,
validate them, and make the Corpus the generator works from."""

from __future__ import annotations

import contextlib
import gc
import heapq
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .load import Document, load_document, load_yaml_file
from .load.files import read_body
from .model import Case, Corpus, ReadingPath, Template, Term, Vocabulary
from .problems import Problem, display_paths
from .cache import EntryCache, context_fingerprint
from .validate import Context, run_rules

VOCABULARIES = schema.VOCABULARIES
# Set, this folder of cases replaces the configured one (build and serve --cases, the benchmarks).
CASES_ENV = "CASEBOOK_CASES_DIR"
CASES_FOLDER = "cases"
RELATED_LIMIT = 5
PATHS_FOLDER = "paths"


@dataclass
class Result:
    problems: list[Problem]
    corpus: Corpus | None   # None when any problem was found


def default_vocabulary_dir(cases_dir: Path) -> Path:
    return cases_dir / "vocabulary"


def case_folders(root: Path, cases: str | None = None) -> tuple[Path, Path]:
    """(entries folder, vocabulary folder) of the repository at root: cases/ and cases/vocabulary/,
    or the entries folder given (or named by CASEBOOK_CASES_DIR) with its own vocabulary/ if it
    has one, else the repository's. The one definition of where the files are: the plugin and
    every command ask here."""
    folder = (root / (cases or os.environ.get(CASES_ENV) or CASES_FOLDER)).resolve()
    own = default_vocabulary_dir(folder)
    return folder, own if own.is_dir() else default_vocabulary_dir((root / CASES_FOLDER).resolve())


def vocabulary_paths(vocabulary_dir: Path) -> list[Path]:
    return [vocabulary_dir / f"{name}.yml" for name in VOCABULARIES]


def case_paths(cases_dir: Path) -> list[Path]:
    return sorted(cases_dir.glob("*.md"), key=lambda path: path.name)   # one folder: as Path order, faster


def path_files(cases_dir: Path) -> list[Path]:
    """The reading paths: cases/paths/*.yml."""
    return sorted((cases_dir / PATHS_FOLDER).glob("*.yml"), key=lambda path: path.name)


def _vocabulary(doc: Document, name: str) -> Vocabulary:
    """The terms that could be read, even from a file with problems, so entries are still checked."""
    data = doc.data if isinstance(doc.data, dict) else {}
    terms = {}
    for item in data.get("terms") or []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            def text(key):
                value = item.get(key)
                return value if isinstance(value, str) else ""

            def strings(key):
                return tuple(v for v in item.get(key) or [] if isinstance(v, str)) if isinstance(item.get(key), list) else ()
            template = item.get("template")
            terms[item["id"]] = Term(
                id=item["id"], name=text("name") or item["id"], definition=text("definition"),
                aliases=strings("aliases"), related=strings("related"), what_it_is=text("what_it_is"),
                when_it_pays=text("when_it_pays"), what_it_costs=text("what_it_costs"), category=text("category"),
                template=Template(str(template.get("diagram", "")), str(template.get("how_to_apply", "")))
                if isinstance(template, dict) else None)
    version = data.get("version") if isinstance(data.get("version"), int) else 0
    return Vocabulary(name=name, version=version, terms=terms)


def read_vocabularies(vocabulary_dir: Path) -> tuple[dict[str, Vocabulary], list[Document]]:
    """Every vocabulary (as far as it can be read) and the documents they came from."""
    docs = [load_yaml_file(path) for path in vocabulary_paths(vocabulary_dir)]
    return {name: _vocabulary(doc, name) for name, doc in zip(VOCABULARIES, docs)}, docs


def read_corpus(cases_dir: Path, vocabulary_dir: Path | None = None,
                only: list[Path] | None = None, check_only: bool = False, cache_dir: Path | None = None,
                in_memory: bool = False) -> Result:
    """Load, validate and model the entries (all in cases_dir, or only the given files), the
    vocabularies and the reading paths.

    The Corpus (with each entry's related entries) is made only for a whole folder without
    problems, and not when check_only: `casebook validate` wants the problems alone. in_memory:
    the cache stays in this process's memory between calls (the preview's rebuilds)."""
    vocabulary_dir = vocabulary_dir or default_vocabulary_dir(cases_dir)
    all_cases = case_paths(cases_dir) if cases_dir.is_dir() else []
    vocabularies, vocab_docs = read_vocabularies(vocabulary_dir)
    # A link may point to any entry beside the files being checked, or in cases_dir.
    folders = {p.parent for p in only or [] if p.suffix == ".md"}
    known = {p.stem for p in all_cases} | {p.stem for folder in folders for p in case_paths(folder)}
    ctx = Context(vocabularies=vocabularies, entry_ids=known)
    vocabulary_files = {d.path.resolve() for d in vocab_docs}
    if only is None:
        checked_vocab = vocab_docs
        paths = all_cases
        reading = path_files(cases_dir)
    else:
        wanted = {p.resolve() for p in only if p.suffix != ".md"}
        checked_vocab = [d for d in vocab_docs if d.path.resolve() in wanted]
        paths = [p for p in only if p.suffix == ".md"]
        reading = [p for p in only if p.suffix != ".md" and p.resolve() not in vocabulary_files]
    for doc in checked_vocab:
        run_rules("vocabulary", doc, None, ctx)

    cache = EntryCache(cache_dir, cases_dir, in_memory)
    checked_with = context_fingerprint(vocabulary_paths(vocabulary_dir), known) if cache_dir else ""
    with _no_cycle_collection():
        loaded = [cache.document(path, display, load_document) for path, display in zip(paths, display_paths(paths))]
        docs = [doc for doc, _ in loaded]
        if not check_only:   # the pages need the body's text, which the cache does not keep
            for doc, cached in loaded:
                if cached is not None:
                    doc.body_text = cache.body(doc, read_body)
        ctx.entries = [(doc, Case.from_data(doc.data or {}, doc.body_text, doc.body.words, doc.display))
                       for doc in docs]
        for (doc, entry), (_, cached) in zip(ctx.entries, loaded):
            found = cache.rule_problems(doc.path, checked_with) if cached is not None else None
            if found is None:
                before = len(doc.problems)
                run_rules("entry", doc, entry, ctx, across=False)
                cache.remember(doc.path, checked_with, doc.problems[before:])
            else:
                doc.problems.extend(found)
        for doc, entry in ctx.entries:
            run_rules("entry", doc, entry, ctx, across=True)
    cache.save({str(path) for path in paths} if only is None else set(cache.entries))
    path_docs = [load_yaml_file(path) for path in reading]
    for doc in path_docs:
        run_rules("path", doc, None, ctx)

    problems = sorted(p for doc in checked_vocab + docs + path_docs for p in doc.problems)
    if problems or only is not None or check_only:
        return Result(problems, None)
    cases = [entry for _, entry in ctx.entries]
    link_related(cases, remember=in_memory)
    return Result([], Corpus(cases=cases, patterns=vocabularies["patterns"], domains=vocabularies["domains"],
                             technologies=vocabularies["technologies"],
                             paths=[ReadingPath.from_data(d.data) for d in path_docs]))


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


# Shared patterns count twice as much as shared domains.
RELATED_WEIGHTS = {"patterns": 2, "domains": 1}


def relatedness(a: Case, b: Case) -> int:
    return sum(weight * len(set(getattr(a, name)) & set(getattr(b, name))) for name, weight in RELATED_WEIGHTS.items())


# The last answer of link_related(remember=True): what it was computed from, and each case's related, by index.
_related_memo: list = [None, None]


def link_related(cases: list[Case], remember: bool = False) -> None:
    """Each case's RELATED_LIMIT most related cases: highest relatedness(), then newest, then by title.

    Scores are summed from the cases listed under each shared pattern and domain
    instead of comparing every pair of cases, which made a 2,000-case build spend
    seconds here. Cases that tie on all three keep their order in `cases`.
    remember: reuse the last answer when every input is the same (the preview, where a save
    usually changes one entry's text and none of what relates entries).
    """
    inputs = [(case.id, case.year, case.sort_title, *(tuple(getattr(case, name)) for name in RELATED_WEIGHTS))
              for case in cases] if remember else None
    if remember and _related_memo[0] == inputs:
        for case, related in zip(cases, _related_memo[1]):
            case.related = [cases[index] for index in related]
        return
    postings: dict[tuple[str, str], list[int]] = {}   # (vocabulary, term) -> indexes of its cases
    for index, case in enumerate(cases):
        for vocabulary in RELATED_WEIGHTS:
            for term in set(getattr(case, vocabulary)):
                postings.setdefault((vocabulary, term), []).append(index)
    order = [(-case.year, case.sort_title, index) for index, case in enumerate(cases)]
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
    if remember:
        position = {id(case): index for index, case in enumerate(cases)}
        _related_memo[:] = inputs, [[position[id(other)] for other in case.related] for case in cases]
