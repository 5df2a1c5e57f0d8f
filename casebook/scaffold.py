"""`casebook new`: write a case file that validates once its TODO prose is filled in."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from . import schema
from .corpus import read_vocabularies
from .model import slugify
from .problems import did_you_mean


def add_arguments(parser) -> None:
    parser.add_argument("--kind", choices=schema.KINDS, default="case")
    parser.add_argument("--company", help="the company (required for a case study)")
    parser.add_argument("--title", required=True)
    parser.add_argument("--year", type=int, required=True, help="year of the change")
    parser.add_argument("--id", help="the case id (default: made from company and title)")
    parser.add_argument("--level", choices=schema.LEVELS, default="intermediate")
    parser.add_argument("--domain", action="append", default=[], help="a domain id (repeat for more)")
    parser.add_argument("--pattern", action="append", default=[], help="a pattern id (repeat for more)")
    parser.add_argument("--before", action="append", default=[], help="a technology before the change")
    parser.add_argument("--after", action="append", default=[], help="a technology after the change")
    parser.add_argument("--source-url", required=True, help="the first (primary) source, https")
    parser.add_argument("--config", default="mkdocs.yml")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")


def _resolve(words: list[str], vocabulary, name: str) -> tuple[list[str], list[str]]:
    ids, errors = [], []
    for word in words:
        term = vocabulary.resolve(word) if vocabulary else None
        if term:
            ids.append(term)
        else:
            errors.append(f"unknown {name} '{word}'{did_you_mean(word, vocabulary.terms if vocabulary else [])}")
    return ids, errors


def write_case(args, plugin) -> int:
    from .cli import UsageError

    vocabularies, _ = read_vocabularies(plugin.vocabulary_dir)
    domains, errors = _resolve(args.domain, vocabularies["domains"], "domain")
    patterns, more = _resolve(args.pattern, vocabularies["patterns"], "pattern")
    errors += more
    if args.kind == "case" and not args.company:
        errors.append("--company is required for a case study")
    if not args.source_url.startswith("https://"):
        errors.append(f"--source-url '{args.source_url}' must start with https://")
    case_id = args.id or slugify(f"{args.company or ''} {args.title}")[:80].strip("-")
    if not re.fullmatch(schema.KEBAB, case_id):
        errors.append(f"id '{case_id}' must be lowercase kebab-case")
    if errors:
        raise UsageError("; ".join(errors))
    path = plugin.cases_dir / f"{case_id}.md"
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists already; choose another --id or pass --force")
    path.write_text(render_scaffold(args, case_id, domains or ["TODO"], patterns or ["TODO"]), encoding="utf-8")
    print(f"wrote {path}; fill in every TODO, then run: casebook validate {path}")
    return 0


def _flow(items: list[str]) -> str:
    return yaml.safe_dump(list(items), default_flow_style=True, width=1000).strip()


def _scalar(value) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=1000).strip().removesuffix("\n...").strip()


def render_scaffold(args, case_id: str, domains: list[str], patterns: list[str]) -> str:
    source_id = "todo-source-id"
    head = [
        "---",
        f"id: {case_id}",
        f"kind: {args.kind}",
        f"title: {_scalar(args.title)}",
    ]
    if args.company:
        head.append(f"company: {_scalar(args.company)}")
    head += [
        f"year: {args.year}",
        "summary: TODO one sentence saying what happened.",
        "outcome: TODO the key outcome in one line.",
        f"level: {args.level}",
        f"domains: {_flow(domains)}",
        f"patterns: {_flow(patterns)}",
        f"technologies: {{before: {_flow(args.before)}, after: {_flow(args.after)}}}",
        "metrics: []  # add {name, before, after, unit, better, source} for each number a source states",
        "sources:",
        f"  - id: {source_id}",
        "    title: TODO title of the post, talk or paper",
        f"    url: {args.source_url}",
        "    publisher: TODO",
        f"    date: '{args.year}'",
        "    primary: true",
        "---",
        "",
    ]
    body = []
    spec = schema.SECTIONS[args.kind]
    for title in spec["required"]:
        body.append(f"## {title}\n")
        if title in spec["diagram"]:
            body.append("```mermaid\nflowchart LR\n  todo[TODO: only components the sources describe]\n```\n")
        body.append(f"TODO: write this section in your own words; cite numbers like this [@{source_id}].\n")
    return "\n".join(head) + "\n".join(body)

