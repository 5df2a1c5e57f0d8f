"""The one-pass front-matter reader (casebook/load/yaml_reader.py parse_yaml) against the reader it
replaced, and the quicker paths of `casebook validate` (display paths, the plugin entry
read without MkDocs) against the slower ones they stand for.

parse_yaml used to check the parser's events for refused features first, then compose a
node tree and convert it. That reader is kept below as the reference: the one pass must
give exactly its data, its line map and its problems, for every file and for random text.
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook import cli
from casebook.corpus import read_corpus
from casebook.corpus import case_folders
from casebook.load import Document
from casebook.load.files import split_front_matter
from casebook.load.yaml_reader import MAX_DEPTH, NOT_TEXT, SAFE_LOADER, parse_yaml, syntax_message
from casebook.problems import display_path, display_paths
from conftest import FIXTURES, ROOT


# --- the reference: the two-pass reader parse_yaml replaced ----------------------------------

def _line(mark, first_line):
    return (mark.line if mark else 0) + first_line


def reference_parse_yaml(doc: Document, text: str, first_line: int):
    try:
        depth, refused, alias_lines = 0, False, set()
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            line = _line(event.start_mark, first_line)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                if line not in alias_lines:
                    doc.problem(line, "CB005", "YAML anchors and aliases (& and *) are not allowed; write the value out")
                    alias_lines.add(line)
                refused = True
            elif getattr(event, "tag", None) and isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) \
                    and not (isinstance(event, yaml.ScalarEvent) and event.tag == "!"):
                doc.problem(line, "CB005", f"YAML tags such as '{event.tag}' are not allowed; write a plain value")
                refused = True
            if isinstance(event, yaml.ScalarEvent) and NOT_TEXT.search(event.value):
                char = NOT_TEXT.search(event.value).group()
                doc.problem(line, "CB004", f"the value has the escaped character U+{ord(char):04X}, which is not text "
                            "(a control character or half a surrogate pair); write the character itself")
                refused = True
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    doc.problem(line, "CB005", f"the front matter is nested more than {MAX_DEPTH} levels deep")
                    return None
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        if refused:
            return None
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = (error.problem or error.context or "invalid YAML").strip()
        doc.problem(_line(mark, first_line), "CB004", syntax_message(text, mark.line if mark else 0, reason, first_line))
        return None
    except yaml.YAMLError as error:
        doc.problem(first_line, "CB004", f"YAML syntax error: {error}")
        return None
    if node is None:
        return {}
    doc.lines[()] = max(first_line - 1, 1)
    return _reference_plain(doc, node, (), first_line, yaml.constructor.SafeConstructor())


def _reference_plain(doc, node, path, first_line, constructor):
    line = _line(node.start_mark, first_line)
    doc.lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key_line = _line(key_node.start_mark, first_line)
            if not isinstance(key_node, yaml.ScalarNode):
                doc.problem(key_line, "CB009", "a key must be plain text")
                continue
            key = key_node.value
            if key in out:
                doc.problem(key_line, "CB006", f"key '{key}' appears twice; the first is on line {doc.lines[path + (key,)]}")
                continue
            doc.lines[path + (key,)] = key_line
            out[key] = _reference_plain(doc, value_node, path + (key,), first_line, constructor)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_reference_plain(doc, item, path + (index,), first_line, constructor)
                for index, item in enumerate(node.value)]
    try:
        value = constructor.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError) as error:
        doc.problem(line, "CB004", f"cannot read the value '{node.value[:40]}': {error}")
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    if isinstance(value, float) and not math.isfinite(value):
        return node.value
    if isinstance(value, bytes):
        return node.value
    return value


def read_both(text: str, first_line: int = 2):
    """(data, line map, problems) from parse_yaml and from the reference."""
    out = []
    for reader in (parse_yaml, reference_parse_yaml):
        doc = Document(path=Path("case.md"), display="case.md")
        data = reader(doc, text, first_line)
        out.append((data, list(doc.lines.items()), doc.problems))
    return out


def assert_same(text: str, first_line: int = 2):
    ours, reference = read_both(text, first_line)
    # repr as well as ==: True == 1 == 1.0, but a bool must stay a bool
    assert repr(ours[0]) == repr(reference[0]) and ours[0] == reference[0], text
    assert ours[1] == reference[1], text
    assert ours[2] == reference[2], text
    return ours


# --- every file there is -----------------------------------------------------------------------

def front_matters():
    """(name, YAML text, first line) for every case, fixture and vocabulary file in the repository."""
    files = sorted(p for p in ROOT.glob("cases/**/*.md") if p.is_file()) + sorted(p for p in FIXTURES.rglob("*.md") if p.is_file())
    for path in files:
        doc = Document(path=path, display=path.name)
        try:
            text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue   # the not-UTF-8 fixture never reaches the YAML reader
        split = split_front_matter(doc, text)
        if split is not None:
            yield str(path.relative_to(ROOT)), *split
    for path in sorted(ROOT.glob("cases/**/*.yml")) + sorted(FIXTURES.rglob("*.yml")):
        yield str(path.relative_to(ROOT)), path.read_text(), 1


FILES = list(front_matters())


def test_every_file_is_compared():
    names = [name for name, _, _ in FILES]
    assert len([n for n in names if n.startswith("cases/") and n.endswith(".md")]) >= 10
    assert any(n.startswith("tests/fixtures/invalid/cb006") for n in names)
    assert any(n.endswith("patterns.yml") for n in names)


@pytest.mark.parametrize("name,text,first_line", FILES, ids=[name for name, _, _ in FILES])
def test_files_read_as_the_two_pass_reader_read_them(name, text, first_line):
    assert_same(text, first_line)


# --- what the two readers could disagree on ----------------------------------------------------

TRICKY = {
    "types": "a: 1\nb: 1.5\nc: true\nd: null\ne: ~\nf: 2020-01-02\ng: 2001-12-14t21:59:43.10-05:00\n"
             "h: 0x1F\ni: 0o17\nj: 1_000\nk: 1:30\nl: yes\nm: Off\nn: ''\no: '12'\np: \"true\"\nq: |\n  12\n",
    "not-finite": "a: .nan\nb: -.inf\nc: .Inf\n",
    "non-specific-tag": "a: ! 12\nb: ! '12'\nc: ! x\n",
    "unreadable-values": "a: 2020-02-30\nb: <<\nc: =\nd: 2020-13-01\ne: " + "9" * 5000 + "\n",
    "duplicate-keys": "a: 1\nb:\n  c: 1\n  c: [x, {d: 1, d: 2}]\na: {e: [1, 2]}\nf: 3\n",
    "keys-that-are-not-text": "? [a, b]\n: {c: d, c: e}\n? {x: 1}\n: 2\n{z: 1}: 3\nok: 4\n",
    "keys-typed-as-text": "1: a\ntrue: b\nnull: c\n2020-01-01: d\n",
    "flow-and-block": "- a\n- - b\n  - {c: [d, {e: f}]}\n- {x: 1}\n-\n- ''\n",
    "root-list": "[1, 2, 3]",
    "root-scalar": "just text",
    "root-null": "~",
    "empty": "",
    "only-a-comment": "# nothing\n",
    "two-documents": "a: 1\n--- b\n",
    "two-documents-refused": "a: 1\n--- &x b\n",
    "anchors-and-aliases": "a: &x 1\nb: *x\nc: [*x, *x]\n",
    "tags": "a: !!str 1\nb: !!python/name:os.system\nc: !custom [1]\nd: ! [1]\n",
    "control-characters": 'a: "\\x07"\nb: "\\ud800"\nc: "\\u2028 fine"\n',
    "deep": "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
    "deep-enough": "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
    "syntax-error": "a: b: c\n",
    "tab": "a:\n\t- b\n",
    "refused-then-syntax-error": "a: &x 1\nb: [\n",
    "duplicate-then-refused": "a: 1\na: 2\nb: *x\n",
    "tag-directive": "%TAG ! tag:example.com,2000:\n---\na: !x 1\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_front_matter_reads_as_before(name):
    assert_same(TRICKY[name])


def test_the_one_pass_reader_keeps_types_lines_and_problems():
    """What assert_same compares, stated once by hand."""
    data, lines, problems = assert_same(TRICKY["duplicate-keys"])
    assert data == {"a": 1, "b": {"c": 1}, "f": 3}
    assert dict(lines) == {(): 1, ("a",): 2, ("b",): 3, ("b", "c"): 4, ("f",): 7}
    assert [(p.line, p.code) for p in problems] == [(5, "CB006"), (6, "CB006")]
    data, _, problems = assert_same(TRICKY["types"])
    assert (data["c"], data["f"], data["g"], data["h"], data["o"], data["q"]) == (True, "2020-01-02", "2001-12-14",
                                                                                   31, "12", "12\n")
    assert problems == []


# Pieces of YAML, good and bad, that random front matter is made of.
PIECES = ["a", "b", "key", "- ", "? ", ": ", ", ", "[", "]", "{", "}", "\n", "\n  ", "\n    ", "\t", "#", "|", ">",
          "'", '"', "&a ", "*a", "! ", "!!int ", "!x ", "~", "null", "yes", "No", "0x1F", "0o8", "1_0", "1.5e3",
          ".nan", "-.inf", "2020-01-02", "2020-13-01", "12:30", "<<", "=", "---", "--- x", "...", "%TAG ! !x\n",
          "\\x07", "\\ud800", "\u2028", "\x85", "é"]
front = st.one_of(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.text(max_size=80))


@settings(max_examples=300, deadline=None)
@given(text=front)
def test_random_front_matter_reads_as_before(text):
    assert_same(text)


@settings(max_examples=100, deadline=None)
@given(data=st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
                                   st.dates()),
                         lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                 st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                         max_leaves=15),
       flow=st.booleans())
def test_dumped_data_reads_as_before(data, flow):
    assert_same(yaml.safe_dump({"x": data}, default_flow_style=flow, allow_unicode=True))


# --- display paths: each folder resolved once ---------------------------------------------------

def test_display_paths_are_as_when_each_file_was_resolved(tmp_path, monkeypatch):
    inside = tmp_path / "repo"
    (inside / "cases").mkdir(parents=True)
    (inside / "cases" / "a.md").write_text("x")
    (inside / "elsewhere.md").write_text("x")
    (inside / "cases" / "link.md").symlink_to(inside / "elsewhere.md")    # shown as what it points to
    (inside / "cases" / "out.md").symlink_to(tmp_path / "outside.md")     # outside: shown as given
    (inside / "folder-link").symlink_to(inside / "cases")
    monkeypatch.chdir(inside)
    paths = [Path("cases/a.md"), Path("cases/link.md"), Path("cases/out.md"), Path("folder-link/a.md"),
             Path("cases/../cases/a.md"), inside / "cases" / "missing.md", tmp_path / "outside.md", Path("cases"),
             Path("../repo"), Path("."), Path("/")]
    expected = []
    for path in paths:   # how display_path worked out each path on its own
        try:
            expected.append(str(path.resolve().relative_to(Path.cwd().resolve())))
        except ValueError:
            expected.append(str(path))
    assert display_paths(paths) == expected
    assert [display_path(p) for p in paths] == expected
    assert expected[:4] == ["cases/a.md", "elsewhere.md", "cases/out.md", "cases/a.md"]


# --- one place says where the files are -------------------------------------------------------

def test_validate_and_the_plugin_read_the_same_folders(monkeypatch):
    """mkdocs.yml is read once, by MkDocs; the folders come from casebook.corpus.case_folders."""
    monkeypatch.delenv("CASEBOOK_CASES_DIR", raising=False)
    _, plugin = cli._load_config(str(ROOT / "mkdocs.yml"))
    assert (plugin.cases_dir, plugin.vocabulary_dir) == cli._case_folders(str(ROOT / "mkdocs.yml")) == (
        ROOT / "cases", ROOT / "cases" / "vocabulary")


def test_a_folder_of_entries_brings_its_own_vocabulary(tmp_path):
    (tmp_path / "vocabulary").mkdir()
    assert case_folders(ROOT, str(tmp_path)) == (tmp_path, tmp_path / "vocabulary")
    bare = tmp_path / "bare"
    bare.mkdir()
    assert case_folders(ROOT, str(bare)) == (bare, ROOT / "cases" / "vocabulary")


def test_validate_reads_no_corpus_it_does_not_need():
    full = read_corpus(ROOT / "cases", ROOT / "cases" / "vocabulary")
    checked = read_corpus(ROOT / "cases", ROOT / "cases" / "vocabulary", check_only=True)
    assert full.problems == checked.problems == []
    assert full.corpus is not None and checked.corpus is None


# --- syntax errors say what to do --------------------------------------------------------------

SYNTAX_HINTS = {
    "key-indented-between": ("id: a\nsources:\n  - id: x\n    title: y\n   url: z\n", 6,
                             "'url' is indented 3 spaces, which lines up with no key above it (they start at 0, 4 spaces)"),
    "key-deeper-than-its-sibling": ("id: a\ntitle: x\n  summary: y\nlevel: intro\n", 4,
                                    "'summary' is indented more than 'title' on line 3, which already has a value"),
    "list-item-without-its-dash": ("sources:\n  - id: x\n  url: z\n", 4,
                                   "'url' starts where the list's items start (2 spaces) but has no '- '"),
    "colon-in-a-value": ("title: Go: the rewrite\n", 2, 'put the value in quotes, e.g. title: "Go: the rewrite"'),
    "tab": ("id: a\n\ttitle: x\n", 3, "a tab indents this line; indent with spaces only"),
    "unclosed-quote": ('title: "abc\nlevel: intro\n', 4, "the quoted value on line 2 is never closed"),
}


@pytest.mark.parametrize("name", sorted(SYNTAX_HINTS))
def test_syntax_errors_name_the_mistake(name):
    """LibYAML's own wording ('did not find expected '-' indicator') names no fix: the message does."""
    text, line, hint = SYNTAX_HINTS[name]
    doc = Document(Path("x.md"), "x.md")
    parse_yaml(doc, text, 2)
    [problem] = doc.problems
    assert (problem.line, problem.code) == (line, "CB004") and hint in problem.message, problem.message
