"""The casebook command as a contributor meets it: output format, exit codes, no tracebacks."""

import re
import shutil

from conftest import CASEBOOK, FIXTURES, ROOT, run_casebook

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<code>CB\d{3}) (?P<message>.+)$")


def test_validate_real_cases_is_clean():
    result = run_casebook("validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("no problems")


def test_validate_reports_every_problem_in_one_run():
    files = sorted(p for p in (FIXTURES / "invalid").glob("cb0*.md") if p.is_file())
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
    assert sorted(p.name for p in (site / "cases").iterdir() if p.is_dir()) == [
        "alpha-profile", "alpha-read-states", "alpha-read-states-sharded", "beta-chat-fanout", "gamma-talk-brief"]


def scratch_repository(tmp_path):
    """An empty cases/ folder with the real vocabulary, and a configuration that points at it."""
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copytree(ROOT / "cases" / "vocabulary", cases / "vocabulary")
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text().replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}"))
    return cases, config


def problem_codes(output: str) -> set[str]:
    return {LINE.match(l)["code"] for l in output.splitlines()[:-1] if LINE.match(l)}


def test_new_scaffold_validates_except_its_todos(tmp_path):
    cases, config = scratch_repository(tmp_path)
    result = run_casebook("new", "--config", config, "--company", "Acme", "--title", "Queue rewrite",
                          "--year", "2021", "--domain", "reliability", "--pattern", "sharding",
                          "--before", "Python", "--after", "Go", "--source-url", "https://acme.example/blog")
    assert result.returncode == 0, result.stderr
    path = cases / "acme-queue-rewrite.md"
    assert path.is_file()
    text = path.read_text()
    assert 'migrations: [Python -> Go]' in text            # what moved, from --before and --after
    assert "## Myths and corrections" in text and "accTitle: TODO" in text
    check = run_casebook("validate", "--config", config, path)
    codes = {LINE.match(l)["code"] for l in check.stdout.splitlines()[:-1]}
    assert codes == {"CB030"}, check.stdout
    assert "'sources.0.id' is still the placeholder 'todo-source-id'" in check.stdout
    # fill in the TODOs and name the source: it validates
    path.write_text(text.replace("TODO: ", "").replace("TODO ", "").replace("TODO", "Acme")
                    .replace("todo-source-id", "acme-blog"))
    final = run_casebook("validate", "--config", config, path)
    assert final.returncode == 0, final.stdout


def test_new_without_a_terminal_names_the_missing_options(tmp_path):
    cases, config = scratch_repository(tmp_path)
    result = run_casebook("new", "--config", config, "--title", "Queue rewrite", "--domain", "reliability")
    assert result.returncode == 2
    assert result.stderr.strip() == ("casebook new: missing --company, --year, --pattern, --source-url: give them "
                                     "as options, or run 'casebook new' in a terminal to be asked")
    assert list(cases.glob("*.md")) == []


def test_new_accepts_names_and_aliases_and_suggests_the_closest_term(tmp_path):
    cases, config = scratch_repository(tmp_path)
    common = ["new", "--config", config, "--company", "Acme", "--title", "Queue", "--year", "2021",
              "--source-url", "https://acme.example/blog"]
    typo = run_casebook(*common, "--domain", "reliabilty", "--pattern", "shardng")
    assert typo.returncode == 2
    assert typo.stderr.strip() == ("casebook new: unknown domain 'reliabilty'; did you mean 'reliability'?; "
                                   "unknown pattern 'shardng'; did you mean 'sharding'?")
    alias = run_casebook(*common, "--domain", "Distributed systems at scale", "--pattern", "Sharding")
    assert alias.returncode == 0, alias.stderr
    text = (cases / "acme-queue.md").read_text()
    assert "domains: [high-throughput-distributed-systems]" in text and "patterns: [sharding]" in text


def test_interview_asks_again_until_each_answer_is_usable(tmp_path, capsys):
    import argparse

    from casebook import scaffold
    from casebook.corpus import read_vocabularies

    parser = argparse.ArgumentParser()
    scaffold.add_arguments(parser)
    args = parser.parse_args(["--title", "Queue rewrite"])
    answers = iter(["", "Acme", "twenty", "1850", "2021", "reliabilty", "reliability", "Sharding, batching",
                    "Python, Celery", "Go", "http://acme.example", "https://acme.example/blog"])
    prompts = []

    def ask(prompt):
        prompts.append(prompt)
        return next(answers)
    vocabularies, _ = read_vocabularies(ROOT / "cases" / "vocabulary")
    scaffold.Interview(ask, vocabularies, []).run(args)
    assert (args.company, args.title, args.year) == ("Acme", "Queue rewrite", 2021)
    assert (args.domain, args.pattern) == (["reliability"], ["sharding", "batching"])
    assert (args.before, args.after, args.source_url) == (["Python", "Celery"], ["Go"], "https://acme.example/blog")
    assert prompts.count("Company: ") == 2 and prompts.count("Year of the change or the talk: ") == 3
    assert "Title: " not in prompts  # given as an option
    said = capsys.readouterr().out
    assert "did you mean 'reliability'?" in said
    assert "the year must be a number from 1960 to 2100" in said
    assert "must start with https://" in said
    assert scaffold.missing_options(args) == []


def _converse(command, steps, cwd, timeout=60):
    """Run command on a pseudo-terminal; for each (expected, reply) wait for the text, then type the reply."""
    import os
    import pty
    import select
    import subprocess
    import time

    master, slave = pty.openpty()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, close_fds=True,
                               env={**os.environ, "TERM": "dumb"})
    os.close(slave)
    seen = b""

    def read(until=None):
        nonlocal seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if until is not None and until.encode() in seen:
                return
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the command ended and closed the terminal
                    chunk = b""
                if not chunk:
                    return
                seen += chunk
        raise AssertionError(f"timed out waiting for {until!r}; the terminal showed:\n{seen.decode(errors='replace')}")
    try:
        for expected, reply in steps:
            read(expected)
            seen = seen.replace(expected.encode(), b"", 1)  # each prompt counts once
            os.write(master, reply.encode())
        read()
        return process.wait(timeout=timeout), seen.decode(errors="replace")
    finally:
        process.kill()
        os.close(master)


def test_new_in_a_terminal_asks_completes_and_writes_a_valid_case(tmp_path):
    cases, config = scratch_repository(tmp_path)
    code, screen = _converse(
        [*CASEBOOK, "new", "--config", str(config)],
        [("Company: ", "Acme\r"), ("Title: ", "Queue rewrite\r"), ("Year of the change or the talk: ", "2021\r"),
         ("Domains (comma-separated): ", "reliabilty\r"),
         ("Domains (comma-separated): ", "reliab\t\r"),             # Tab completes the id
         ("Patterns (comma-separated): ", "shardi\t, Batching\r"),
         ("Technologies before", "Python\r"), ("Technologies after", "Go\r"),
         ("First source URL", "https://acme.example/blog\r")], cwd=tmp_path)
    assert code == 0, screen
    assert "did you mean 'reliability'?" in screen
    assert "wrote cases/acme-queue-rewrite.md" in screen
    text = (cases / "acme-queue-rewrite.md").read_text()
    assert "domains: [reliability]\npatterns: [sharding, batching]\n" in text
    assert "technologies: {before: [Python], after: [Go]}" in text
    check = run_casebook("validate", "--config", config, cases / "acme-queue-rewrite.md")
    assert problem_codes(check.stdout) == {"CB030"}, check.stdout


def test_github_format_annotates_each_problem(tmp_path):
    bad = tmp_path / "bad,name.md"
    bad.write_text("---\nid: [broken\n---\n")
    plain = run_casebook("validate", "--format", "text", bad, env={"GITHUB_ACTIONS": "true"})
    assert "::error" not in plain.stdout
    for result in (run_casebook("validate", "--format", "github", bad),
                   run_casebook("validate", bad, env={"GITHUB_ACTIONS": "true"})):
        assert result.returncode == 1
        lines = result.stdout.splitlines()
        problems = [LINE.match(l) for l in lines if LINE.match(l)]
        annotations = [l for l in lines if l.startswith("::error ")]
        assert len(annotations) == len(problems) >= 1
        for problem, annotation in zip(problems, annotations):
            path = problem["path"].replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
            assert annotation == (f"::error file={path},line={problem['line']},title={problem['code']}::"
                                  + problem["message"].replace("%", "%25"))
        assert "%2C" in annotations[0]  # the comma in the file name cannot end the property


def test_github_annotation_escapes_like_the_actions_toolkit():
    from casebook.cli import github_annotation
    from casebook.problems import Problem

    problem = Problem("cases/a:b,c%.md", 7, "CB004", "bad: 100% of it, here")
    assert github_annotation(problem) == (
        "::error file=cases/a%3Ab%2Cc%25.md,line=7,title=CB004::bad: 100%25 of it, here")
    # a line break quoted from a file is shown, as in the plain line, not obeyed
    problem = Problem("cases/a.md", 7, "CB018", "unknown section 'x\r\n::error::forged'")
    assert github_annotation(problem).endswith("::unknown section 'x\\x0d\\x0a::error::forged'")


def test_schema_command_derives_the_editor_schema_from_the_one_definition(tmp_path):
    import json

    import jsonschema

    from casebook.load import load_document
    from casebook.schema import CASE_SCHEMA, VOCABULARY_SCHEMAS

    output = tmp_path / "editor" / "case.schema.json"
    result = run_casebook("schema", "--output", output)
    assert result.returncode == 0, result.stderr
    derived = json.loads(output.read_text())
    patterns = derived["properties"]["patterns"]["items"].pop("enum")
    domains = derived["properties"]["domains"]["items"].pop("enum")
    names = [derived["properties"]["technologies"]["properties"][side]["items"].pop("enum") for side in ("before", "after")]
    assert "sharding" in patterns and "reliability" in domains and "PostgreSQL" in names[0] == names[1]
    derived.pop("$comment")
    assert derived == json.loads(json.dumps(CASE_SCHEMA))  # nothing but the term ids was added
    full = json.loads(output.read_text())
    jsonschema.Draft202012Validator.check_schema(full)
    validator = jsonschema.Draft202012Validator(full)
    for path in sorted((ROOT / "cases").glob("*.md")):
        assert list(validator.iter_errors(load_document(path).data)) == [], path.name
    wrong = load_document(ROOT / "cases" / "netflix-generational-zgc.md").data | {"patterns": ["shardng"]}
    assert [e.validator for e in validator.iter_errors(wrong)] == ["enum"]
    stdout = run_casebook("schema", "--vocabulary")
    assert json.loads(stdout.stdout)["oneOf"] == json.loads(json.dumps(list(VOCABULARY_SCHEMAS.values())))
