"""The casebook command as a contributor meets it: output format, exit codes, no tracebacks."""

import re
import shutil

from conftest import FIXTURES, ROOT, run_casebook

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<code>CB\d{3}) (?P<message>.+)$")


def test_validate_real_cases_is_clean():
    result = run_casebook("validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("no problems")


def test_validate_reports_every_problem_in_one_run():
    files = sorted((FIXTURES / "invalid").glob("cb0*.md"))
    result = run_casebook("validate", *files)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    problems = [LINE.match(line) for line in lines[:-1]]
    assert all(problems), [l for l, m in zip(lines, problems) if not m]
    reported = {m["path"].rsplit("/", 1)[-1] for m in problems}
    assert reported == {f.name for f in files}
    assert lines[-1] == f"{len(problems)} problems in {len(files)} files"
    assert "Traceback" not in result.stdout + result.stderr


def test_usage_errors_exit_2():
    assert run_casebook("validate", "no/such/file.md").returncode == 2
    assert run_casebook("frobnicate").returncode == 2
    assert run_casebook("build", "--cases", "no/such/dir").returncode == 2


def test_hostile_files_give_messages_not_tracebacks(tmp_path):
    samples = {
        "binary.md": bytes(range(256)) * 4,
        "empty.md": b"",
        "python-object.md": b"---\nid: !!python/object/apply:os.system ['echo hi']\n---\n",
        "laughs.md": b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n---\n",
        "deep.md": b"---\nid: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n",
        "list.md": b"---\n- just\n- a list\n---\n",
        "bom-crlf.md": b"\xef\xbb\xbf---\r\nid: bom-crlf\r\n---\r\n\r\n## Problem\r\n",
    }
    for name, data in samples.items():
        (tmp_path / name).write_bytes(data)
    result = run_casebook("validate", *sorted(tmp_path.iterdir()))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    by_file = {}
    for line in result.stdout.splitlines()[:-1]:
        match = LINE.match(line)
        assert match, line
        by_file.setdefault(match["path"].rsplit("/", 1)[-1], []).append(match["code"])
    assert set(by_file) == set(samples)
    assert by_file["binary.md"] == ["CB001"]
    assert by_file["python-object.md"] == ["CB005"]
    assert set(by_file["laughs.md"]) == {"CB005"}
    assert by_file["deep.md"] == ["CB005"]
    assert by_file["list.md"] == ["CB009"]
    assert "CB002" not in by_file["bom-crlf.md"]  # the BOM and CRLF endings are accepted


def test_failed_build_keeps_the_last_good_site(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURES / "valid", cases)
    site = tmp_path / "site"
    assert run_casebook("build", "--cases", cases, "--site-dir", site).returncode == 0, "first build"
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    index = (site / "index.html").read_bytes()
    (cases / "alpha-read-states.md").write_text("---\nid: [broken\n---\n")
    result = run_casebook("build", "--cases", cases, "--site-dir", site)
    assert result.returncode == 1
    assert "CB004" in result.stdout and "the site was not changed" in result.stderr
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert (site / "index.html").read_bytes() == index
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_build_from_another_folder(tmp_path):
    site = tmp_path / "site"
    result = run_casebook("build", "--cases", FIXTURES / "valid", "--site-dir", site)
    assert result.returncode == 0, result.stderr
    assert (site / "cases" / "alpha-read-states" / "index.html").is_file()
    assert not (site / "cases" / "beta-chat-fanout" / "index.html").read_text().count("Traceback")
    # only the fixture cases: the real ones are not mixed in
    assert sorted(p.name for p in (site / "cases").iterdir() if p.is_dir()) == ["alpha-read-states", "alpha-read-states-sharded",
                                                                                   "beta-chat-fanout"]


def test_new_scaffold_validates_except_its_todos(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copytree(ROOT / "cases" / "vocabulary", cases / "vocabulary")
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text()
                      .replace("vocabulary_dir: cases/vocabulary", f"vocabulary_dir: {cases / 'vocabulary'}")
                      .replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}"))
    result = run_casebook("new", "--config", config, "--company", "Acme", "--title", "Queue rewrite",
                          "--year", "2021", "--domain", "reliability", "--pattern", "sharding",
                          "--before", "Python", "--after", "Go", "--source-url", "https://acme.example/blog")
    assert result.returncode == 0, result.stderr
    path = cases / "acme-queue-rewrite.md"
    assert path.is_file()
    check = run_casebook("validate", "--config", config, path)
    codes = {LINE.match(l)["code"] for l in check.stdout.splitlines()[:-1]}
    assert codes == {"CB030"}, check.stdout
    # fill in the TODOs: it validates
    path.write_text(path.read_text().replace("TODO: ", "").replace("TODO ", "").replace("TODO", "Acme"))
    final = run_casebook("validate", "--config", config, path)
    assert final.returncode == 0, final.stdout
