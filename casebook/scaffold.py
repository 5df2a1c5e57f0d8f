"""Help for contributors: `casebook new` writes an entry of any kind that validates once its
TODO prose is filled in (asking for what the options did not give, in a terminal),
and `casebook schema` derives the editor's JSON Schema from casebook.schema."""

from __future__ import annotations

import contextlib
import copy
import re
import sys
import textwrap
from pathlib import Path
from typing import Callable

import yaml

from . import schema
from .corpus import read_vocabularies
from .model import Vocabulary, slugify
from .problems import UsageError, did_you_mean, display_path

Ask = Callable[[str], str]
COMPANY_KINDS = ("case", "brief", "profile")
# The scaffold's placeholder source id, which the validator refuses (CB030) if it is left in.
from .validate.rules import PLACEHOLDER_SOURCE  # noqa: E402


def add_arguments(parser) -> None:
    parser.add_argument("--kind", choices=schema.KINDS, default="case",
                        help="case (default), brief, profile or design")
    parser.add_argument("--company", help="the company (required for a case, brief or profile)")
    parser.add_argument("--title", help="the title (required)")
    parser.add_argument("--year", type=int, help="year of the change or the talk (required, but not for a profile)")
    parser.add_argument("--as-of", dest="as_of", help="a profile only: the date it describes, YYYY-MM (required)")
    parser.add_argument("--id", help="the case id (default: made from company and title)")
    parser.add_argument("--level", choices=schema.LEVELS, default="intermediate")
    parser.add_argument("--domain", action="append", default=[],
                        help="a domain id, name or alias (at least one; repeat for more)")
    parser.add_argument("--pattern", action="append", default=[],
                        help="a pattern id, name or alias (at least one; repeat for more)")
    parser.add_argument("--before", action="append", default=[],
                        help="a technology before the change (its name or an alias in cases/vocabulary/technologies.yml)")
    parser.add_argument("--after", action="append", default=[], help="a technology after the change")
    parser.add_argument("--source-url", help="the first (primary) source, https (required)")
    parser.add_argument("--no-input", action="store_true",
                        help="never ask, even in a terminal: fail if a required option is missing")
    parser.add_argument("--config", default="mkdocs.yml")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")


def missing_options(args) -> list[str]:
    """The required options that were not given, as they are spelled on the command line."""
    missing = []
    if args.kind in COMPANY_KINDS and not args.company:
        missing.append("--company")
    missing += [option for option, value in (("--title", args.title),) if value in (None, "")]
    if args.kind == "profile":
        missing += [] if args.as_of else ["--as-of"]
    elif args.year is None:
        missing.append("--year")
    missing += [option for option, value in (("--domain", args.domain), ("--pattern", args.pattern)) if not value]
    if not args.source_url:
        missing.append("--source-url")
    return missing


def _choices(vocabulary: Vocabulary | None) -> list[str]:
    """Every spelling that resolves to a term: ids, names and aliases (lower-case)."""
    if not vocabulary:
        return []
    return sorted({spelling.lower() for term in vocabulary.terms.values()
                   for spelling in (term.id, term.name, *term.aliases)})


def resolve_terms(words: list[str], vocabulary: Vocabulary | None, name: str) -> tuple[list[str], list[str]]:
    """Term ids for ids, names or aliases, and an error (with the closest spelling) for each unknown word."""
    ids, errors = [], []
    for word in words:
        term = vocabulary.resolve(word.strip()) if vocabulary else None
        if term:
            if term not in ids:
                ids.append(term)
        else:
            errors.append(f"unknown {name} '{word}'{did_you_mean(word.strip(), _choices(vocabulary))}")
    return ids, errors


def write_case(args, cases_dir: Path, vocabulary_dir: Path, ask: Ask | None = None) -> int:
    """Write the new case file. ask(prompt) -> answer is used for what the options did not give;
    without one, a terminal on standard input is asked, and anything else must give every option."""

    vocabularies, _ = read_vocabularies(vocabulary_dir)
    if missing_options(args) and not args.no_input:
        with contextlib.ExitStack() as stack:
            if ask is None and sys.stdin.isatty():
                ask = stack.enter_context(_terminal())
            if ask is not None:
                Interview(ask, vocabularies, known_technologies(vocabularies["technologies"])).run(args)
    missing = missing_options(args)
    if missing:
        raise UsageError(f"missing {', '.join(missing)}: give {'it' if len(missing) == 1 else 'them'} as "
                         "options, or run 'casebook new' in a terminal to be asked")
    domains, errors = resolve_terms(args.domain, vocabularies["domains"], "domain")
    patterns, more = resolve_terms(args.pattern, vocabularies["patterns"], "pattern")
    errors += more
    technologies = vocabularies["technologies"]
    for side in ("before", "after"):
        names, more = resolve_names(getattr(args, side), technologies)
        setattr(args, side, names)
        errors += more
    when = check_as_of(args.as_of) if args.kind == "profile" else check_year(args.year)
    errors += [error for error in (check_title(args.title), when, check_url(args.source_url),
                                   check_company(args.company) if args.company else "") if error]
    case_id = args.id or slugify(f"{args.company or ''} {args.title}")[:80].strip("-")
    if not re.fullmatch(schema.KEBAB, case_id):
        errors.append(f"id '{case_id}' must be lowercase kebab-case")
    if errors:
        raise UsageError("; ".join(errors))
    path = cases_dir / f"{case_id}.md"
    if path.exists() and not args.force:
        raise UsageError(f"{display_path(path)} exists already; choose another --id or pass --force")
    path.write_text(render_scaffold(args, case_id, domains, patterns, migrations(args.before, args.after, technologies)),
                    encoding="utf-8")
    shown = display_path(path)
    print(f"wrote {shown}; fill in every TODO, then run: casebook validate {shown}")
    return 0


# --- checks shared by the options and the questions -------------------------

def _text_limit(key: str) -> int:
    return schema.CASE_SCHEMA["properties"][key]["maxLength"]


def check_title(value: str | None) -> str:
    if not value or not value.strip():
        return "the title must not be empty"
    if "\n" in value or "\r" in value or len(value) > _text_limit("title"):
        return f"the title must be one line of at most {_text_limit('title')} characters"
    return ""


def check_company(value: str | None) -> str:
    if not value or not value.strip():
        return "the company must not be empty"
    if len(value) > _text_limit("company"):
        return f"the company must be at most {_text_limit('company')} characters"
    return ""


def check_year(value) -> str:
    spec = schema.CASE_SCHEMA["properties"]["year"]
    if not isinstance(value, int) or not spec["minimum"] <= value <= spec["maximum"]:
        return f"the year must be a number from {spec['minimum']} to {spec['maximum']}, e.g. 2021"
    return ""


def check_as_of(value: str | None) -> str:
    if not value or not re.fullmatch(schema.MONTH_OR_DAY, value):
        return f"the date '{value or ''}' must be written YYYY-MM or YYYY-MM-DD"
    return ""


def resolve_names(words: list[str], vocabulary: Vocabulary) -> tuple[list[str], list[str]]:
    """Technology names as the vocabulary writes them, for names or aliases; an error for each unknown one."""
    names, errors = [], []
    for word in words:
        term = vocabulary.resolve(word.strip()) if vocabulary.terms else None
        if term:
            if vocabulary.terms[term].name not in names:
                names.append(vocabulary.terms[term].name)
        elif not vocabulary.terms:
            names.append(word.strip())
        else:
            errors.append(f"unknown technology '{word}'{did_you_mean(word.strip(), [t.name for t in vocabulary.terms.values()])}"
                          " (add it to cases/vocabulary/technologies.yml)")
    return names, errors


def migrations(before: list[str], after: list[str], vocabulary: Vocabulary) -> list[str]:
    """'A -> B' for each technology dropped (A) and each added (B) of the same category: what moved."""
    def category(name: str) -> str:
        term = vocabulary.by_name(name)
        return term.category if term else ""
    dropped = [n for n in before if n not in after]
    added = [n for n in after if n not in before]
    return [f"{old} -> {new}" for old in dropped for new in added if category(old) == category(new)]


def check_url(value: str | None) -> str:
    if not value or not re.fullmatch(r"https://\S+", value):
        return f"the source URL '{value or ''}' must start with https:// and have no spaces"
    return ""


# --- asking -----------------------------------------------------------------

def known_technologies(vocabulary: Vocabulary) -> list[str]:
    """The technologies' names, for completion (so 'PostgreSQL' is spelled one way)."""
    return sorted((t.name for t in vocabulary.terms.values()), key=str.lower)


def _split(answer: str) -> list[str]:
    return [word.strip() for word in answer.split(",") if word.strip()]


class Interview:
    """Ask, one question at a time, for every field the options did not give; re-ask until the answer is usable."""

    def __init__(self, ask: Ask, vocabularies: dict[str, Vocabulary], technologies: list[str],
                 out=None) -> None:
        self.ask = ask
        self.vocabularies = vocabularies
        self.technologies = technologies
        self.out = out or sys.stdout

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def question(self, prompt: str, check: Callable[[str], tuple[object, str]], completions=()):
        if isinstance(self.ask, TerminalInput):
            self.ask.completions = list(completions)
        while True:
            try:
                answer = self.ask(prompt)
            except EOFError:
                raise UsageError("no answer (end of input); nothing was written") from None
            value, error = check(answer.strip())
            if not error:
                return value
            self.say(f"  {error}")

    def run(self, args) -> None:
        self.say(f"New {args.kind}: answer each question (Tab completes terms; Ctrl-C stops without writing).")
        if args.kind in COMPANY_KINDS and not args.company:
            args.company = self.question("Company: ", lambda a: (a, check_company(a)))
        if not args.title:
            args.title = self.question("Title: ", lambda a: (a, check_title(a)))
        if args.kind == "profile" and not args.as_of:
            args.as_of = self.question("The date the profile describes (YYYY-MM): ", lambda a: (a, check_as_of(a)))
        elif args.kind != "profile" and args.year is None:
            args.year = self.question("Year of the change or the talk: ", _year)
        for option, name in (("domain", "domains"), ("pattern", "patterns")):
            if not getattr(args, option):
                setattr(args, option, self.terms(name, option))
        if not args.before and not args.after:
            args.before = self.names("Technologies before (comma-separated, may be empty): ")
            args.after = self.names("Technologies after (comma-separated, may be empty): ")
        if not args.source_url:
            args.source_url = self.question("First source URL (the company's own post, https://...): ",
                                            lambda a: (a, check_url(a)))

    def terms(self, name: str, option: str) -> list[str]:
        vocabulary = self.vocabularies[name]
        ids = sorted(vocabulary.terms)
        self.say(textwrap.fill(f"{name}: {', '.join(ids)}", width=100, subsequent_indent="  ",
                               break_on_hyphens=False, break_long_words=False))

        def check(answer: str):
            words = _split(answer)
            if not words:
                return None, f"give at least one {option} (an id above, a name or an alias)"
            found, errors = resolve_terms(words, vocabulary, option)
            return found, "; ".join(errors)
        return self.question(f"{name.capitalize()} (comma-separated): ", check, ids)

    def names(self, prompt: str) -> list[str]:
        def check(answer: str):
            words = _split(answer)
            too_long = [w for w in words if len(w) > 60]
            return words, f"a technology name is at most 60 characters: '{too_long[0]}'" if too_long else ""
        return self.question(prompt, check, self.technologies)


def _year(answer: str):
    value = int(answer) if answer.isdigit() else None
    return value, check_year(value)


class TerminalInput:
    """input(), with Tab completing the current question's terms where readline exists."""

    def __init__(self) -> None:
        self.completions: list[str] = []

    def __call__(self, prompt: str) -> str:
        return input(prompt)

    def complete(self, text: str, state: int):
        word = text.lstrip()
        matches = [c for c in self.completions if c.lower().startswith(word.lower())]
        return text[:len(text) - len(word)] + matches[state] if state < len(matches) else None


@contextlib.contextmanager
def _terminal():
    asker = TerminalInput()
    try:
        import readline
    except ImportError:  # no readline (Windows): plain input, no completion
        yield asker
        return
    previous = readline.get_completer(), readline.get_completer_delims()
    readline.set_completer(asker.complete)
    readline.set_completer_delims(",")  # a technology name may have spaces
    readline.parse_and_bind("tab: complete")
    try:
        yield asker
    finally:
        readline.set_completer(previous[0])
        readline.set_completer_delims(previous[1])


# --- the file ---------------------------------------------------------------

def _flow(items: list[str]) -> str:
    return yaml.safe_dump(list(items), default_flow_style=True, width=1000).strip()


def _scalar(value) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=1000).strip().removesuffix("\n...").strip()


def render_scaffold(args, case_id: str, domains: list[str], patterns: list[str], moves: list[str]) -> str:
    source_id = PLACEHOLDER_SOURCE
    head = [
        "---",
        f"id: {case_id}",
        f"kind: {args.kind}",
        f"title: {_scalar(args.title)}",
    ]
    if args.company:
        head.append(f"company: {_scalar(args.company)}")
    head.append(f"as_of: {args.as_of}" if args.kind == "profile" else f"year: {args.year}")
    head += [
        "summary: TODO one sentence saying what happened.",
        "outcome: TODO the key outcome in one line.",
        f"level: {args.level}",
        f"domains: {_flow(domains)}",
        f"patterns: {_flow(patterns)}",
        "pattern_notes:",
        *(f"  {p}: TODO how this entry applied the pattern, in one line" for p in patterns),
        f"technologies: {{before: {_flow(args.before)}, after: {_flow(args.after)}}}",
    ]
    if moves:
        head.append(f"migrations: {_flow(moves)}")
    if args.kind == "brief":
        head.append("# event: the conference, e.g. P99 CONF 2023; speakers: [who gave the talk, as its session page names them]")
    head += [
        "metrics: []  # each figure a source states: {name, before, after, unit, better, source}, or factor or percent",
        "sources:",
        f"  - id: {source_id}",
        "    title: TODO title of the post, talk or paper",
        f"    url: {_scalar(args.source_url)}",
        "    publisher: TODO",
        f"    date: '{args.as_of or args.year}'",
        "    primary: true",
        "---",
        "",
    ]
    body = []
    spec = schema.SECTIONS[args.kind]
    optional = ("Myths and corrections",) if "Myths and corrections" in spec["optional"] else ()
    for title in spec["required"] + optional:
        body.append(f"## {title}\n")
        if title in spec["diagram"]:
            body.append("```mermaid\nflowchart LR\n  accTitle: TODO a short title\n"
                        "  accDescr: TODO what the diagram shows, in a sentence\n"
                        "  todo[TODO: only components the sources describe]\n```\n")
        if title == "Myths and corrections":
            body.append("TODO: quote each popular claim about this story, and say what the sources show; "
                        "delete this section if there is none.\n")
        else:
            body.append(f"TODO: write this section in your own words; cite numbers like this [@{source_id}].\n")
    return "\n".join(head) + "\n".join(body)


# --- editor schema ----------------------------------------------------------

def editor_schema(vocabulary_dir: Path, vocabulary_file: bool = False) -> dict:
    """casebook.schema's front-matter schema, with the vocabulary's term ids as the allowed
    domains and patterns so that an editor can complete them. Derived, never edited."""
    if vocabulary_file:
        return {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "Casebook vocabulary file (patterns, domains or technologies)",
                "oneOf": [copy.deepcopy(s) for s in schema.VOCABULARY_SCHEMAS.values()]}
    derived = copy.deepcopy(schema.CASE_SCHEMA)
    derived["$comment"] = ("Generated by 'casebook schema' from casebook/schema.py and cases/vocabulary/; "
                           "do not edit, run 'make setup' again.")
    vocabularies, _ = read_vocabularies(vocabulary_dir)
    for key in ("domains", "patterns"):
        ids = sorted(vocabularies[key].terms)
        if ids:
            derived["properties"][key]["items"]["enum"] = ids
    names = sorted(t.name for t in vocabularies["technologies"].terms.values())
    if names:
        for side in ("before", "after"):
            derived["properties"]["technologies"]["properties"][side]["items"]["enum"] = names
    return derived
