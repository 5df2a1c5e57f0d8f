"""Benchmark Casebook against plain Material for MkDocs on the same pages.

Usage: python scripts/bench.py [--real-sizes 500,2000] [--sizes 2000] [--repeats N] [--search-runs N] [--no-real]
                               [--no-search] [--preview-runs N] [--no-preview] [--json FILE]

For the real cases and for synthetic corpora of each size (scripts/make_corpus.py) it
measures, in one run on this machine:

- validate: `casebook validate` over the whole corpus, wall time;
- build: `casebook build` (validate, generate, strict MkDocs build, search index), wall time;
- baseline: `mkdocs build` of plain Material on the SAME Markdown pages (the pages the plugin
  generates, written into a docs folder), with mkdocs.yml's theme, Markdown extensions and
  bounded navigation, and Material's own search plugin: what the site costs without Casebook;
- the size of a case page (median), of the search index, and the peak memory of each build;
- search: in headless Chromium, the time from a page's load event to the first search result
  shown, for Casebook's search and for Material's built-in search on the baseline site; each
  a fresh browser context (cold cache), --search-runs times, alternating the two sites;
- page weight and time to diagram: the case page with the most diagrams, fresh context: bytes
  fetched by the load event, bytes once its first diagram is drawn, and the time from the
  start of navigation to that first diagram; plain Material's page weight beside it (plain
  Material draws no diagram offline: its Mermaid comes from a CDN);
- edit to preview: `casebook serve`, one case file saved with a new sentence, the time until
  the served page has it; beside it `mkdocs serve --dirty` of plain Material with the same
  page edited (--preview-runs edits each; fewer for plain Material at 500 cases and more,
  where one rebuild takes minutes).

Every command runs in its own process, as a user runs it. Times are the median of --repeats
runs (search: of --search-runs page loads, with the fastest and slowest); memory is the largest. The machine's load average is printed with the tables: other
work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from make_corpus import write_corpus, write_real_corpus  # noqa: E402

CASEBOOK = [sys.executable, "-m", "casebook.cli"]
MKDOCS = [sys.executable, "-m", "mkdocs"]
SITE_URL = "http://127.0.0.1/"


@dataclass
class Row:
    label: str
    cases: int
    validate: list[float] = field(default_factory=list)
    build: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    build_rss_mb: float = 0.0
    baseline_rss_mb: float = 0.0
    case_page_kb: float = 0.0
    index_mb: float = 0.0
    baseline_index_mb: float = 0.0
    search: list[float] = field(default_factory=list)            # seconds from load to first result
    baseline_search: list[float] = field(default_factory=list)
    search_kb: float = 0.0                                       # downloaded by then
    baseline_search_kb: float = 0.0
    query: str = ""
    page: str = ""                                               # the case page weighed
    page_load_kb: float = 0.0                                    # fetched by the load event
    page_diagram_kb: float = 0.0                                 # fetched once the first diagram is drawn
    baseline_page_load_kb: float = 0.0
    diagram: list[float] = field(default_factory=list)           # seconds from navigation to first diagram
    preview: list[float] = field(default_factory=list)           # seconds from saving a case to the served page
    baseline_preview: list[float] = field(default_factory=list)

    def median(self, name: str) -> float | None:
        values = getattr(self, name)
        return statistics.median(values) if values else None


# --- running commands ------------------------------------------------------------------

def timed(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, peak resident memory in MB) of one command, its own children included."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            out.seek(0)
            raise SystemExit(f"bench: {' '.join(map(str, command))} failed:\n{out.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024   # Linux reports kilobytes


def casebook_env(cases: Path) -> dict:
    from casebook.corpus import CASES_ENV
    return {CASES_ENV: str(cases), "CASEBOOK_SITE_URL": SITE_URL}


# --- the baseline: plain Material on the same pages ---------------------------------------

def write_baseline(cases: Path, work: Path) -> Path:
    """A docs folder with every page the plugin generates, and a config for plain Material; returns the config."""
    from mkdocs.config import load_config

    from casebook.corpus import read_corpus
    from casebook.generate import generate_pages, render_home
    from casebook.generate.opendata import DATA_PAGE
    from casebook.render.plugin import HOME_MARKER

    os.environ.update(casebook_env(cases))
    config = load_config(str(ROOT / "mkdocs.yml"))
    plugin = config.plugins["casebook"]
    plugin.resolve_paths(config)
    corpus = read_corpus(plugin.cases_dir, plugin.vocabulary_dir).corpus
    docs = work / "docs"
    shutil.copytree(ROOT / config.docs_dir, docs)
    # Every page the plugin generates, as the plugin generates it (the home page's part included).
    pages = {**generate_pages(corpus, plugin.site_info()), "data/index.md": DATA_PAGE}
    for name, markdown in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(markdown, encoding="utf-8")
    home = docs / "index.md"
    home.write_text(home.read_text(encoding="utf-8").replace(HOME_MARKER, str(render_home(corpus))), encoding="utf-8")
    # The same theme, extensions and navigation; Material's search plugin and nothing else.
    baseline = work / "baseline.yml"
    baseline.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\nsite_dir: {work / 'baseline-site'}\n"
                        "strict: false\nplugins:\n  - search\n", encoding="utf-8")
    return baseline


# --- sizes -------------------------------------------------------------------------------

def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def median_case_page_kb(site: Path, ids: list[str]) -> float:
    return statistics.median((site / "cases" / i / "index.html").stat().st_size for i in ids) / 1e3


# --- search in the browser ------------------------------------------------------------------

# Runs in the page before its scripts: at the load event, type the query as a reader would
# (Material listens to keyup), then note when the first result is in the list.
PROBE = """
window.addEventListener("load", () => {
  const loaded = performance.now();
  const box = document.querySelector("input.md-search__input");
  box.focus();
  box.value = QUERY;
  box.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  const done = () => {
    window.__firstResult = {seconds: (performance.now() - loaded) / 1000, at: performance.timeOrigin + performance.now()};
  };
  if (document.querySelector(".md-search-result__link")) return done();
  new MutationObserver((_, observer) => {
    if (document.querySelector(".md-search-result__link")) { observer.disconnect(); done(); }
  }).observe(document.body, {childList: true, subtree: true});
});
"""


def first_result(browser, url: str, query: str) -> tuple[float, float]:
    """(seconds from the load event to the first result, KB downloaded by then), cold cache."""
    context = browser.new_context()
    finished = []   # the page's and its search worker's requests
    context.on("requestfinished", lambda request: finished.append(request))
    try:
        page = context.new_page()
        page.add_init_script(PROBE.replace("QUERY", json.dumps(query)))
        page.goto(url)
        page.wait_for_function("window.__firstResult", timeout=120_000)
        result = page.evaluate("window.__firstResult")
        loaded = sum(r.sizes()["responseBodySize"] for r in finished
                     if r.timing["startTime"] + r.timing["responseEnd"] <= result["at"])
        return result["seconds"], loaded / 1e3
    finally:
        context.close()


def measure_search(row: Row, site: Path, baseline_site: Path, runs: int) -> None:
    from conftest import ARGS, CHROMIUM, serving
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        print(f"bench: {CHROMIUM} is missing, search not measured (apt-get install chromium)", file=sys.stderr)
        return
    with sync_playwright() as playwright, serving(site) as ours, serving(baseline_site) as theirs:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for _ in range(runs):
                seconds, kb = first_result(browser, ours, row.query)
                row.search.append(seconds)
                row.search_kb = kb
                seconds, kb = first_result(browser, theirs, row.query)
                row.baseline_search.append(seconds)
                row.baseline_search_kb = kb
        finally:
            browser.close()


DIAGRAM_PROBE = """
window.__firstDiagram = null;
new MutationObserver((_, observer) => {
  if (document.querySelector("div.casebook-diagram svg")) {
    observer.disconnect();
    window.__firstDiagram = performance.now() / 1000;   // from the start of navigation
  }
}).observe(document, {childList: true, subtree: true});
"""
FETCHED = ("performance.getEntriesByType('navigation')[0].encodedBodySize + "
           "performance.getEntriesByType('resource').reduce((sum, e) => sum + e.encodedBodySize, 0)")


def weigh_page(row: Row, site: Path, baseline_site: Path, runs: int) -> None:
    """Page weight and time to the first diagram, cold cache, runs times."""
    from conftest import ARGS, CHROMIUM, serving
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        return
    with sync_playwright() as playwright, serving(site) as ours, serving(baseline_site) as theirs:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.add_init_script(DIAGRAM_PROBE)
                page.goto(f"{ours}cases/{row.page}/", wait_until="load")
                row.page_load_kb = page.evaluate(FETCHED) / 1024
                page.wait_for_function("window.__firstDiagram", timeout=120_000)
                row.diagram.append(page.evaluate("window.__firstDiagram"))
                page.wait_for_timeout(500)
                row.page_diagram_kb = page.evaluate(FETCHED) / 1024
                context.close()
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.goto(f"{theirs}cases/{row.page}/", wait_until="load")
                row.baseline_page_load_kb = page.evaluate(FETCHED) / 1024
                context.close()
        finally:
            browser.close()


# --- edit to preview -------------------------------------------------------------------------

def free_port() -> int:
    from conftest import free_port as port
    return port()


def edit_to_preview(command: list[str], env: dict, edited: Path, url: str, runs: int) -> list[float]:
    """Start a preview server, save `edited` with a new sentence under its Problem heading, and
    time until the page at url has it; runs edits. The file is restored afterwards."""
    import urllib.request

    original = edited.read_text(encoding="utf-8")
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log)

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=600) as response:
                return response.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
    try:
        deadline = time.monotonic() + 1800
        while "</html>" not in page():
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise SystemExit(f"bench: the preview did not start:\n{log.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.5)
        time.sleep(3)   # the first build's background work (search index) settles
        times = []
        for run in range(runs):
            mark = f"Benchmark{run}x{time.time_ns()}"
            head, sep, rest = original.partition("\n## Problem\n")
            start = time.monotonic()
            edited.write_text(f"{head}{sep}\n{mark} {rest.lstrip()}", encoding="utf-8")
            while mark not in page():
                if time.monotonic() - start > 1800:
                    raise SystemExit(f"bench: the edit of {edited} never reached {url}")
                time.sleep(0.02)
            times.append(time.monotonic() - start)
            if run + 1 < runs:
                time.sleep(2)   # the rebuild's background work settles before the next edit
        return times
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        edited.write_text(original, encoding="utf-8")
        log.close()


def measure_preview(row: Row, cases: Path, baseline: Path, work: Path, runs: int) -> None:
    """Both previews edit copies: the real cases/ is never written to."""
    copy = work / "preview-cases"
    shutil.copytree(cases, copy)
    cases = copy
    docs = work / "docs"
    port = free_port()
    row.preview = edit_to_preview([*CASEBOOK, "serve", "--cases", str(cases), "--port", str(port)],
                                  casebook_env(cases), cases / f"{row.page}.md",
                                  f"http://127.0.0.1:{port}/cases/{row.page}/", runs)
    port = free_port()
    row.baseline_preview = edit_to_preview(
        [*MKDOCS, "serve", "--dirty", "--config-file", str(baseline), "--dev-addr", f"127.0.0.1:{port}"],
        casebook_env(cases), docs / "cases" / f"{row.page}.md", f"http://127.0.0.1:{port}/cases/{row.page}/",
        runs if row.cases < 500 else 1)


# --- one corpus ------------------------------------------------------------------------------

def bench_corpus(label: str, cases: Path, work: Path, repeats: int, search_runs: int, preview_runs: int) -> Row:
    from casebook.corpus import case_paths, read_corpus

    corpus = read_corpus(cases, ROOT / "cases" / "vocabulary").corpus
    if corpus is None:
        raise SystemExit(f"bench: {cases} does not validate")
    ids = [case.id for case in corpus.cases]
    row = Row(label=label, cases=len(case_paths(cases)),
              query=next(case.company for case in corpus.cases if case.company),
              page=max(corpus.cases, key=lambda c: (c.body.count("```mermaid"), c.id)).id)
    baseline = write_baseline(cases, work)
    site = work / "site"
    for _ in range(repeats):   # interleaved, so that a change in load hits all three alike
        seconds, _ = timed([*CASEBOOK, "validate"], casebook_env(cases))
        row.validate.append(seconds)
        seconds, rss = timed([*CASEBOOK, "build", "--cases", str(cases), "--site-dir", str(site)], casebook_env(cases))
        row.build.append(seconds)
        row.build_rss_mb = max(row.build_rss_mb, rss)
        seconds, rss = timed([*MKDOCS, "build", "--quiet", "--config-file", str(baseline)], casebook_env(cases))
        row.baseline.append(seconds)
        row.baseline_rss_mb = max(row.baseline_rss_mb, rss)
    baseline_site = work / "baseline-site"
    row.case_page_kb = median_case_page_kb(site, ids)
    row.index_mb = folder_mb(site / "pagefind") + folder_mb(site / "search")
    row.baseline_index_mb = folder_mb(baseline_site / "search")
    if search_runs:
        measure_search(row, site, baseline_site, search_runs)
        weigh_page(row, site, baseline_site, min(search_runs, 5))
    if preview_runs:
        measure_preview(row, cases, baseline, work, preview_runs)
    return row


# --- output ------------------------------------------------------------------------------

def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{suffix}"


def spread(values: list[float]) -> str:
    """The median, and the fastest and slowest run when there are several."""
    if not values:
        return "n/a"
    median = f"{fmt(statistics.median(values))} s"
    return median if len(values) == 1 else f"{median} ({fmt(min(values))}–{fmt(max(values))})"


def table(columns: str, rows: list[list[str]]) -> list[str]:
    """A Markdown table: columns as "name|name>|..." (a trailing > aligns the column right)."""
    names = columns.split("|")
    return (["| " + " | ".join(name.rstrip(">") for name in names) + " |",
             "| " + " | ".join("---:" if name.endswith(">") else "---" for name in names) + " |"]
            + ["| " + " | ".join(cells) + " |" for cells in rows])


def tables(rows: list[Row]) -> str:
    out = table("cases|validate>|build>|plain Material>|build / plain>|build per case>|case page>"
                "|search index (plain)>|peak memory build (plain)>",
                [[r.label, f"{fmt(r.median('validate'))} s", f"{fmt(r.median('build'), 1)} s",
                  f"{fmt(r.median('baseline'), 1)} s", f"{fmt(r.median('build') / r.median('baseline'))}x",
                  f"{fmt(1000 * r.median('build') / r.cases, 1)} ms", f"{fmt(r.case_page_kb, 0)} KB",
                  f"{fmt(r.index_mb, 1)} MB ({fmt(r.baseline_index_mb, 1)} MB)",
                  f"{fmt(r.build_rss_mb, 0)} MB ({fmt(r.baseline_rss_mb, 0)} MB)"] for r in rows])
    if any(r.search for r in rows):
        out += [""] + table(
            "cases|query|first search result: Casebook (Pagefind), median (fastest–slowest)>|Material's search>"
            "|downloaded by then: Casebook>|Material>",
            [[r.label, r.query, spread(r.search), spread(r.baseline_search), f"{fmt(r.search_kb, 0)} KB",
              f"{fmt(r.baseline_search_kb, 0)} KB"] for r in rows])
    if any(r.diagram for r in rows):
        out += [""] + table(
            "cases|case page|fetched by the load event: Casebook>|plain Material>"
            "|fetched with the first diagram drawn>|first diagram drawn, from navigation>",
            [[r.label, r.page, f"{fmt(r.page_load_kb, 0)} KB", f"{fmt(r.baseline_page_load_kb, 0)} KB",
              f"{fmt(r.page_diagram_kb, 0)} KB", spread(r.diagram)] for r in rows])
    if any(r.preview for r in rows):
        out += [""] + table("cases|edit to preview: casebook serve>|mkdocs serve --dirty, plain Material>",
                            [[r.label, spread(r.preview), spread(r.baseline_preview)] for r in rows])
    return "\n".join(out)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-sizes", default="500,2000",
                        help="sizes of corpora made of the real entries and copies of them, comma-separated")
    parser.add_argument("--sizes", default="2000", help="sizes of corpora of small synthetic cases, comma-separated")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each measurement (median reported)")
    parser.add_argument("--no-real", dest="real", action="store_false", help="skip the real cases")
    parser.add_argument("--search-runs", type=int, default=9,
                        help="page loads per site for the first search result (median reported)")
    parser.add_argument("--no-search", dest="search_runs", action="store_const", const=0,
                        help="skip the browser measurements")
    parser.add_argument("--preview-runs", type=int, default=3, help="edits timed per corpus for edit to preview")
    parser.add_argument("--no-preview", dest="preview_runs", action="store_const", const=0,
                        help="skip the edit-to-preview measurement")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        real_sizes = [int(s) for s in args.real_sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes and --real-sizes must be numbers separated by commas")
    if args.repeats < 1 or args.search_runs < 0 or args.preview_runs < 0 or any(n < 1 for n in sizes + real_sizes):
        parser.error("--repeats and every size must be at least 1, --search-runs and --preview-runs at least 0")

    print(f"bench: started, {load()}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as tmp:
        corpora = [(f"real ({len(list((ROOT / 'cases').glob('*.md')))})", ROOT / "cases")] if args.real else []
        for size in real_sizes:
            folder = Path(tmp) / f"real-{size}"
            write_real_corpus(size, folder)
            corpora.append((f"{size:,} real-sized", folder))
        for size in sizes:
            folder = Path(tmp) / f"corpus-{size}"
            write_corpus(size, folder)
            corpora.append((f"{size:,} small", folder))
        for label, cases in corpora:
            work = Path(tmp) / f"work-{len(rows)}"
            work.mkdir()
            print(f"bench: {label} cases ...", file=sys.stderr)
            rows.append(bench_corpus(label, cases, work, args.repeats, args.search_runs, args.preview_runs))
            shutil.rmtree(work, ignore_errors=True)
    print(tables(rows))
    loads = f" ({args.search_runs} page loads per site for search)" if args.search_runs else ""
    print(f"\nMeasured {time.strftime('%Y-%m-%d')}, median of {args.repeats} run(s){loads}, {load()} at the end.")
    if args.json:
        args.json.write_text(json.dumps({"load": load(), "repeats": args.repeats,
                                         "rows": [asdict(r) for r in rows]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
