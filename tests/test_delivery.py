"""Contributor tooling and delivery: the pre-commit hooks, the GitHub workflows and forms,
and the editor files, each checked by running what they name."""

import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT, run_casebook

BIN = ROOT / ".venv" / "bin"
GITHUB = ROOT / ".github"


# --- pre-commit -------------------------------------------------------------

def hooks() -> dict[str, dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def selects(hook: dict, repository: Path, name: str) -> bool:
    """Whether pre-commit would pass this repository-relative file to the hook."""
    from identify.identify import tags_from_path

    if not re.search(hook.get("files", ""), name) or re.search(hook.get("exclude", "^$"), name):
        return False
    return set(hook.get("types", [])) <= tags_from_path(str(repository / name))


def run_hook(hook: dict, repository: Path, changed: list[str]) -> subprocess.CompletedProcess | None:
    """Run the hook as pre-commit does: its entry and args, then the changed files it selects."""
    chosen = [name for name in changed if selects(hook, repository, name)]
    if not chosen:
        return None
    files = chosen if hook.get("pass_filenames", True) else []
    command = shlex.split(hook["entry"]) + hook.get("args", []) + files
    return subprocess.run(command, cwd=repository, capture_output=True, text=True, timeout=300)


@pytest.fixture
def repository(tmp_path):
    """A working copy as a contributor has it after make setup: the cases, the configuration, the tools."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(ROOT / "cases", repo / "cases")
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, repo / name)
    (repo / "docs").symlink_to(ROOT / "docs")
    (repo / ".venv").symlink_to(ROOT / ".venv")
    return repo


GOOD = "cases/netflix-generational-zgc.md"
MISSPELLED = "rec" + "ieve"  # split, so that this file passes the spelling hook itself


def broken_copy(repository: Path) -> str:
    """A case with one front-matter mistake, one misspelling and one bare URL."""
    text = (repository / GOOD).read_text()
    text = text.replace("\nlevel: ", "\nlevel: expert\nold_level: ", 1)
    text = text.replace("## Problem\n", f"## Problem\n\nThe servers did not {MISSPELLED} traffic.\n", 1)
    text += "\nSee also https://example.com/bare-link for more.\n"
    name = "cases/netflix-broken.md"
    (repository / name).write_text(text.replace("id: netflix-generational-zgc", "id: netflix-broken", 1))
    return name


def test_every_hook_is_tested_and_uses_the_pinned_tools():
    assert set(hooks()) == {"casebook-validate", "casebook-validate-all", "codespell", "pymarkdown"}
    pins = {line.split("==")[0].strip(' "') for line in (ROOT / "pyproject.toml").read_text().splitlines()
            if "==" in line}
    for hook in hooks().values():
        executable = shlex.split(hook["entry"])[0]
        assert executable.startswith(".venv/bin/"), hook["id"]  # the version pyproject.toml pins
        assert (ROOT / executable).exists(), f"{executable}: run make setup"
    assert {"codespell", "pymarkdownlnt", "pre-commit"} <= pins


def test_hooks_pass_a_good_case_and_fail_a_bad_one(repository):
    bad = broken_copy(repository)
    for hook_id in ("casebook-validate", "codespell", "pymarkdown"):
        hook = hooks()[hook_id]
        good_run = run_hook(hook, repository, [GOOD])
        assert good_run is not None, f"{hook_id} does not look at case files"
        assert good_run.returncode == 0, f"{hook_id}: {good_run.stdout}{good_run.stderr}"
        bad_run = run_hook(hook, repository, [bad])
        assert bad_run.returncode != 0, f"{hook_id} passed a bad file"
        output = bad_run.stdout + bad_run.stderr
        expected = {"casebook-validate": "CB010", "codespell": MISSPELLED, "pymarkdown": "MD034"}[hook_id]
        assert expected in output and "netflix-broken.md" in output, output


def test_validate_hook_checks_a_changed_file_against_the_whole_corpus(repository):
    name = "cases/acme-links.md"
    text = (repository / GOOD).read_text().replace("id: netflix-generational-zgc", "id: acme-links", 1)
    text = text.replace("## Problem\n", "## Problem\n\nLike [Discord](discord-manifold-guild-fanout.md) "
                        "and [nobody](no-such-case.md).\n", 1)
    (repository / name).write_text(text)
    result = run_hook(hooks()["casebook-validate"], repository, [name])
    problems = [line for line in result.stdout.splitlines() if " CB" in line]
    # the existing case is found although only the changed file was given; the missing one is not
    assert len(problems) == 1 and "CB025" in problems[0] and "no-such-case" in problems[0], result.stdout


def test_vocabulary_change_revalidates_every_case(repository):
    hook = hooks()["casebook-validate-all"]
    assert run_hook(hook, repository, [GOOD]) is None  # case files are the other hook's
    assert run_hook(hook, repository, ["cases/vocabulary/patterns.yml"]).returncode == 0
    patterns = repository / "cases" / "vocabulary" / "patterns.yml"
    patterns.write_text(patterns.read_text().replace("  - id: sharding\n", "  - id: partitioning\n", 1))
    result = run_hook(hook, repository, ["cases/vocabulary/patterns.yml"])
    assert result.returncode == 1
    assert "CB013 unknown pattern 'sharding'" in result.stdout  # reported in the cases that use it


def test_spelling_hook_passes_on_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    result = run_hook(hooks()["codespell"], ROOT, [f for f in tracked if (ROOT / f).is_file()])
    assert result.returncode == 0, result.stdout


# --- GitHub -----------------------------------------------------------------

def check_jsonschema(schema: str, *files) -> subprocess.CompletedProcess:
    return subprocess.run([BIN / "check-jsonschema", "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def test_workflows_and_forms_pass_githubs_schemas(tmp_path):
    workflows = sorted((GITHUB / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["ci.yml", "links.yml", "pages.yml"]
    for schema, files in (("vendor.github-workflows", workflows),
                          ("vendor.github-issue-forms", [GITHUB / "ISSUE_TEMPLATE" / "propose-case.yml",
                                                         GITHUB / "ISSUE_TEMPLATE" / "correction.yml"]),
                          ("vendor.github-issue-config", [GITHUB / "ISSUE_TEMPLATE" / "config.yml"])):
        result = check_jsonschema(schema, *files)
        assert result.returncode == 0, result.stdout + result.stderr
    # the check can fail: a job without runs-on, a form field without a label
    broken = yaml.safe_load((GITHUB / "workflows" / "ci.yml").read_text())
    del broken["jobs"]["check"]["runs-on"]
    (tmp_path / "ci.yml").write_text(yaml.safe_dump(broken))
    assert check_jsonschema("vendor.github-workflows", tmp_path / "ci.yml").returncode == 1
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "correction.yml").read_text())
    del form["body"][1]["attributes"]["label"]
    (tmp_path / "form.yml").write_text(yaml.safe_dump(form))
    assert check_jsonschema("vendor.github-issue-forms", tmp_path / "form.yml").returncode == 1


def _steps(workflow: str) -> list[dict]:
    data = yaml.safe_load((GITHUB / "workflows" / workflow).read_text())
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_workflows_run_the_make_targets_a_person_runs():
    ci_runs = [step.get("run", "").strip() for step in _steps("ci.yml")]
    assert {"make validate", "make test", "make build"} <= set(ci_runs)
    on = yaml.safe_load((GITHUB / "workflows" / "ci.yml").read_text())[True]  # YAML 1.1 reads 'on' as true
    assert "pull_request" in on and "push" in on
    pages = _steps("pages.yml")
    build = next(step for step in pages if step.get("run") == "make build")
    assert build["env"]["CASEBOOK_SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert build["env"]["CASEBOOK_REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    uses = [step["uses"] for step in _steps("ci.yml") + pages if "uses" in step]
    assert {u.split("@")[0] for u in uses} >= {"actions/upload-pages-artifact", "actions/deploy-pages"}
    assert all(re.fullmatch(r"[\w-]+/[\w-]+@v\d+(\.\d+)*", u) for u in uses), uses  # pinned by version tag
    # the targets exist in the Makefile a person uses
    targets = set(re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(), re.M))
    assert {"validate", "test", "build"} <= targets


def test_correction_form_can_be_prefilled_with_the_case_id():
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "correction.yml").read_text())
    inputs = {item.get("id"): item for item in form["body"]}
    # a case page links to ?template=correction.yml&case=<id>: GitHub fills the field whose id is 'case'
    assert inputs["case"]["type"] == "input" and inputs["case"]["validations"]["required"] is True


def test_pull_request_template_carries_the_checklist():
    text = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text()
    items = re.findall(r"^- \[ \] (.+)$", text, re.M)
    assert len(items) >= 6
    assert any("casebook validate" in item for item in items)
    assert any("primary source" in item for item in items)


# --- editor -----------------------------------------------------------------

def test_editor_schemas_are_generated_where_the_settings_point(tmp_path):
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())
    makefile = (ROOT / "Makefile").read_text()
    for schema_path, globs in settings["yaml.schemas"].items():
        target = schema_path.removeprefix("./")
        line = next(l for l in makefile.splitlines() if "casebook schema" in l and target in l)
        args = shlex.split(line.split("casebook schema", 1)[1].split(">")[0])
        output = tmp_path / Path(target).name
        args[args.index("--output") + 1] = str(output)
        assert run_casebook("schema", *args).returncode == 0
        files = [f for pattern in globs for f in sorted(ROOT.glob(pattern))]
        assert files, globs
        result = subprocess.run([BIN / "check-jsonschema", "--schemafile", output, *files],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout  # what the editor's YAML language server would say


def test_editor_task_puts_each_problem_at_its_line():
    task = json.loads((ROOT / ".vscode" / "tasks.json").read_text())["tasks"][0]
    assert task["command"].endswith("/.venv/bin/casebook") and task["args"][0] == "validate"
    pattern = task["problemMatcher"]["pattern"]
    regexp = re.compile(pattern["regexp"])
    files = sorted((FIXTURES / "invalid").glob("cb0*.md"))
    result = run_casebook(*task["args"][:-1], *files)
    lines = result.stdout.splitlines()
    matched = [regexp.match(line) for line in lines[:-1]]
    assert all(matched) and len(matched) >= len(files), lines
    assert regexp.match(lines[-1]) is None  # the count line is not a problem
    first = matched[0]
    assert first.group(pattern["code"]).startswith("CB") and int(first.group(pattern["line"])) >= 1
    assert (ROOT / first.group(pattern["file"])).is_file()


def test_site_scripts_pass_eslint():
    """The site's own scripts (casebook/render/assets/*.js), linted with the pinned eslint from
    the npm registry (package.json): ES modules, no undeclared globals, nothing unused."""
    eslint = ROOT / "node_modules" / ".bin" / "eslint"
    assert eslint.exists(), "run 'make setup' (npm ci installs eslint)"
    result = subprocess.run([str(eslint), "--max-warnings", "0", "casebook/render/assets/"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_eslint_finds_an_undeclared_global(tmp_path):
    """The lint would fail on a script that relies on a hidden global, as explore.js once did."""
    script = ROOT / "casebook" / "render" / "assets" / "zz-lint-probe.js"
    script.write_text("export function f() { return casebookEveryPage; }\n")
    try:
        result = subprocess.run([str(ROOT / "node_modules" / ".bin" / "eslint"), str(script)], cwd=ROOT,
                                capture_output=True, text=True)
    finally:
        script.unlink()
    assert result.returncode == 1 and "'casebookEveryPage' is not defined" in result.stdout


def test_dead_source_links_are_reported_on_their_entry_and_line(tmp_path):
    """The scheduled link check (.github/workflows/links.yml), end to end on this machine: casebook
    lists the sources, LinkChecker (PyPI) checks them against a local server, casebook reports."""
    import functools
    import http.server
    import threading

    served = tmp_path / "served"
    served.mkdir()
    (served / "alive.html").write_text("<!doctype html><title>alive</title>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    cases = tmp_path / "cases"
    cases.mkdir()
    text = (FIXTURES / "valid" / "alpha-read-states.md").read_text()
    text = text.replace("url: https://example.com/alpha/rust", f"url: {base}/alive.html")
    text = text.replace("url: https://example.com/alpha/talk", f"url: {base}/gone.html\n    archive: {base}/alive.html")
    (cases / "alpha-read-states.md").write_text(text)
    # LinkChecker run as root drops to 'nobody', who must read its input and write its report: a folder
    # of its own under /tmp (pytest's are private to their owner)
    out = Path(tempfile.mkdtemp(prefix="casebook-links-"))
    out.chmod(0o777)
    try:
        listed = run_casebook("sources", "--cases", cases, "--html", out / "sources.html")
        assert listed.returncode == 0 and "wrote 3 source links" in listed.stdout, listed.stdout + listed.stderr
        (out / "sources.html").chmod(0o644)
        linkchecker = Path(sys.executable).parent / "linkchecker"
        subprocess.run([str(linkchecker), "-v", "--check-extern", "--no-robots", "-r", "1", "--timeout", "10",
                        "-F", f"csv/utf-8/{out / 'links.csv'}", str(out / "sources.html")],
                       capture_output=True, timeout=120, cwd=tmp_path)
        report = run_casebook("sources", "--cases", cases, "--report", out / "links.csv", "--format", "github")
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(out, ignore_errors=True)
    line = text.split("\n").index(f"    url: {base}/gone.html") + 1
    assert report.returncode == 1
    lines = report.stdout.splitlines()
    assert lines[0] == (f"{cases / 'alpha-read-states.md'}:{line}: dead source link {base}/gone.html "
                        f"(404 File not found); readers get the archived copy, {base}/alive.html")
    assert lines[1].startswith(f"::warning file={cases / 'alpha-read-states.md'},line={line},title=dead link::")
    assert lines[-1] == "1 dead link among 2 URLs checked"   # the live URL is a source and an archive: checked once
