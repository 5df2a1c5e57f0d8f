"""The scale work: related cases computed without comparing every pair, and the benchmark script."""

import json
import random
import subprocess
import sys

from casebook.corpus import RELATED_LIMIT, link_related, read_corpus, relatedness
from casebook.model import Case, title_key
from conftest import FIXTURES, ROOT, VOCABULARY


def related_by_definition(cases):
    """Every pair compared: the highest relatedness, then the newest, then by title; ties keep list order."""
    out = {}
    for case in cases:
        scored = [(relatedness(case, other), position, other) for position, other in enumerate(cases)
                  if other is not case and relatedness(case, other) > 0]
        scored.sort(key=lambda s: (-s[0], -s[2].year, title_key(s[2].title), s[1]))
        out[case.id] = [other.id for _, _, other in scored[:RELATED_LIMIT]]
    return out


def related(cases):
    return {case.id: [other.id for other in case.related] for case in cases}


def test_related_cases_are_those_of_the_pairwise_definition():
    for folder, vocabulary in ((FIXTURES / "valid", VOCABULARY), (ROOT / "cases", None)):
        cases = read_corpus(folder, vocabulary).corpus.cases
        assert related(cases) == related_by_definition(cases)
        assert any(case.related for case in cases)


def test_related_ties_are_broken_as_before():
    """Many cases sharing few terms, years and titles: every tie-break rule decides somewhere."""
    rng = random.Random(5)
    cases = [Case(id=f"c{i}", kind="case", title=rng.choice(["Alpha", "beta", "ALPHA", "Gamma"]), company=None,
                  year=rng.choice([2019, 2020]), summary="", outcome="", level="intro",
                  domains=tuple(rng.sample("abc", rng.randint(0, 2))), patterns=tuple(rng.sample("pqrs", rng.randint(0, 2))),
                  before=(), after=(), migrations=(), metrics=(), sources=(), body="", words=0)
             for i in range(200)]
    link_related(cases)
    assert related(cases) == related_by_definition(cases)
    assert any(len(case.related) == RELATED_LIMIT for case in cases) and any(not case.related for case in cases)


def test_bench_prints_the_table_with_measured_figures(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--sizes", "", "--real-sizes", "3", "--no-real",
                           "--no-search", "--preview-runs", "1", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("| cases | validate | build | plain Material | build / plain |")
    row = next(line for line in lines if line.startswith("| 3 real-sized |"))
    assert "n/a" not in row
    [figures] = json.loads(out.read_text())["rows"]
    assert figures["cases"] == 3
    for name in ("validate", "build", "baseline"):
        assert len(figures[name]) == 1 and 0 < figures[name][0] < 300, name
    assert figures["case_page_kb"] > 1 and figures["index_mb"] > 0 and figures["baseline_index_mb"] > 0
    assert figures["build_rss_mb"] > 10 and figures["baseline_rss_mb"] > 10
    # one edit timed in each preview, and the table that shows them
    assert len(figures["preview"]) == 1 and len(figures["baseline_preview"]) == 1
    assert 0 < figures["preview"][0] < 120 and 0 < figures["baseline_preview"][0] < 120
    assert any(line.startswith("| 3 real-sized | ") and line.count(" s ") == 2 for line in lines[lines.index(
        "| cases | edit to preview: casebook serve | mkdocs serve --dirty, plain Material |"):]), lines


def test_search_times_are_reported_as_median_and_range():
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import spread
    assert spread([0.4, 0.1, 0.2]) == "0.20 s (0.10–0.40)"
    assert spread([0.25]) == "0.25 s" and spread([]) == "n/a"
