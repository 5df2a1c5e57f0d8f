"""Write N valid entries into a folder, for benchmarks and scale tests.

Usage: python scripts/make_corpus.py N DIR [--real] [--vocabulary cases/vocabulary]
--real: the real entries of cases/ (and their reading paths), then copies of them under new ids
until there are N: entries with the real ones' size and structure (words, sources, citations,
diagrams, links). Without it: small synthetic cases. Both use the real vocabularies, so that
`casebook build --cases DIR` works. Deterministic: the same N gives the same files.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPANIES = [f"Company {i:03d}" for i in range(150)]
# Names as cases/vocabulary/technologies.yml writes them.
TECH = ["Go", "Rust", "Java", "Python", "Node.js", "C++", "Erlang/OTP", "Elixir", "PostgreSQL", "MySQL",
        "Apache Cassandra", "ScyllaDB", "Redis", "Apache Kafka", "Nginx", "Envoy", "gRPC", "Apache HBase"]
SECTIONS = ["Problem", "Root cause", "Architecture before", "Architecture after", "What changed", "Results", "Lessons"]
WORDS = ("latency throughput shard replica cache queue partition leader follower compaction "
         "pause allocation socket kernel buffer batch index request response tail percentile").split()


def term_ids(vocabulary_dir: Path, name: str) -> list[str]:
    data = yaml.safe_load((vocabulary_dir / f"{name}.yml").read_text())
    return [t["id"] for t in data["terms"]]


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def make_case(index: int, rng: random.Random, patterns: list[str], domains: list[str], ids: list[str]) -> str:
    case_id = f"synthetic-case-{index:05d}"
    before, after = rng.sample(TECH, 2)
    other = ids[(index * 7 + 3) % len(ids)]
    source = f"src-{index:05d}"
    head = {
        "id": case_id, "kind": "case", "title": f"Synthetic case {index}: {before} to {after}",
        "company": rng.choice(COMPANIES), "year": rng.randint(2008, 2025),
        "summary": f"A synthetic case number {index} for benchmarks.",
        "outcome": f"p99 latency fell from {100 + index % 900} ms to {10 + index % 50} ms.",
        "level": rng.choice(["intro", "intermediate", "advanced"]),
        "domains": rng.sample(domains, 2), "patterns": rng.sample(patterns, 3),
        "technologies": {"before": [before], "after": [after]}, "migrations": [f"{before} -> {after}"],
        "metrics": [{"name": "p99 latency", "before": 100 + index % 900, "after": 10 + index % 50,
                     "unit": "ms", "better": "lower", "source": source}],
        "sources": [{"id": source, "title": f"Synthetic source {index}", "url": f"https://example.com/{index}",
                     "publisher": "Synthetic", "date": "2020-01-01", "primary": True}],
    }
    body = []
    for section in SECTIONS:
        body.append(f"## {section}\n")
        if section.startswith("Architecture"):
            shown = before if "before" in section else after
            body.append(f"```mermaid\nflowchart LR\n  accTitle: {section}\n  accDescr: A client calls {shown}.\n"
                        f"  a[Client] --> b[{shown}]\n```\n")
        body.append(paragraph(rng, 60) + f" [@{source}]\n")
    body.append(f"See also [another case]({other}.md).\n")
    return "---\n" + yaml.safe_dump(head, sort_keys=False, allow_unicode=True) + "---\n\n" + "\n".join(body)


def write_corpus(count: int, folder: Path, vocabulary_dir: Path = ROOT / "cases" / "vocabulary") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(count)
    patterns, domains = term_ids(vocabulary_dir, "patterns"), term_ids(vocabulary_dir, "domains")
    ids = [f"synthetic-case-{i:05d}" for i in range(count)]
    for index in range(count):
        (folder / f"{ids[index]}.md").write_text(make_case(index, rng, patterns, domains, ids), encoding="utf-8")


def self_contained(files: list[Path], count: int) -> list[Path]:
    """count of the files, chosen so that every entry they link to is among them."""
    links = {f.stem: set(re.findall(r"\]\(([a-z0-9-]+)\.md[)#]", f.read_text(encoding="utf-8"))) for f in files}
    chosen: list[str] = []
    while len(chosen) < count:
        ready = [stem for stem in sorted(links) if stem not in chosen and links[stem] <= set(chosen)]
        if not ready:
            raise SystemExit(f"make_corpus: no {count} entries of {len(files)} link only among themselves")
        chosen.append(ready[0])
    return [f for f in files if f.stem in chosen]


def write_real_corpus(count: int, folder: Path, cases: Path = ROOT / "cases") -> None:
    """The real entries, then copies of them under new ids (links still point at the originals,
    which are there). A copy of a profile gets a company of its own: one profile per company."""
    folder.mkdir(parents=True, exist_ok=True)
    originals = sorted(cases.glob("*.md"))
    whole = count >= len(originals)
    if not whole:   # fewer than the real set: entries whose links stay inside it, and no reading path
        originals = self_contained(originals, count)
    if (cases / "paths").is_dir() and whole:
        shutil.copytree(cases / "paths", folder / "paths", dirs_exist_ok=True)
    for index in range(count):
        source = originals[index % len(originals)]
        text = source.read_text(encoding="utf-8")
        if index < len(originals):
            (folder / source.name).write_text(text, encoding="utf-8")
            continue
        copy_id = f"{source.stem}-copy-{index:05d}"
        text = re.sub(r"^id: .*$", f"id: {copy_id}", text, count=1, flags=re.M)
        if re.search(r"^kind: profile$", text, flags=re.M):
            text = re.sub(r"^company: (.*)$", lambda m: f"company: {m.group(1).strip(chr(34))} {index:05d}", text,
                          count=1, flags=re.M)
        (folder / f"{copy_id}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--real", action="store_true", help="copies of the real entries, not small synthetic ones")
    parser.add_argument("--vocabulary", type=Path, default=ROOT / "cases" / "vocabulary")
    args = parser.parse_args()
    if args.real:
        write_real_corpus(args.count, args.folder)
    else:
        write_corpus(args.count, args.folder, args.vocabulary)
