"""Hostile input (issue 5): whatever a contributed file holds, `casebook validate` and
`casebook build` answer with `path:line: CODE message` and exit 1, never a traceback,
never script in a reader's browser, never a lost or half-written site.

The rule fixtures (test_rules.py) and test_cli.py's test_hostile_files_give_messages_not_tracebacks
cover the plain cases for `validate`; here each hostile input goes through both commands,
on a corpus of its own.
"""

from __future__ import annotations

import copy
import hashlib
import html.parser
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.corpus import read_corpus
from casebook.load import load_document
from casebook.model import Case
from casebook.generate import generate_pages
from casebook.generate.case_pages import render_case_page
from casebook.problems import RULES, Problem
from conftest import CASEBOOK, FIXTURES, ROOT, run_casebook

LINE = re.compile(r"^(?P<path>[^\n:]+):(?P<line>\d+): (?P<code>CB\d{3}) .+$", re.M)
VALID = FIXTURES / "valid"
ALPHA = (VALID / "alpha-read-states.md").read_text()
BETA = (VALID / "beta-chat-fanout.md").read_text().replace("(alpha-read-states.md)", "(beta-chat-fanout.md)")
VOCABULARY = ROOT / "cases" / "vocabulary"   # what `casebook build --cases` checks against
M = ALPHA.split("\n").index("Measure before rewriting.") + 1   # the line hostile body text replaces


def alpha(old: str = "", new: str = "") -> str:
    """The valid fixture case, with one text replaced (which must be there)."""
    assert old in ALPHA
    return ALPHA.replace(old, new, 1)


def make_corpus(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    """A cases folder with the valid design case beside the hostile files."""
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "beta-chat-fanout.md").write_text(BETA)
    for name, data in files.items():
        (cases / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    return cases


def reported(output: str) -> list[str]:
    return [f"{m['path'].rsplit('/', 1)[-1]}:{m['line']}: {m['code']}" for m in LINE.finditer(output)]


def assert_both_commands_report(tmp_path: Path, cases: Path, expected: list[str]) -> None:
    """validate and build each exit 1 with exactly these problems; the build writes no site."""
    site = tmp_path / "site"
    for command in (["validate", cases], ["build", "--cases", cases, "--site-dir", site]):
        result = run_casebook(*command)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output and "internal error" not in output, output
        assert reported(result.stdout) == expected, output
    assert not site.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


BILLION_LAUGHS = "---\n" + "".join(
    f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else "lol"] * 9) + "]\n" for i in range(9)) + "---\n"
DEEP_FLOW = "---\nid: " + "[" * 5000 + "]" * 5000 + "\n---\n"
DEEP_BLOCK = "---\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(40)) + "---\n"

HOSTILE = {
    # name: (files, expected problems)
    "python-object": ({"alpha-read-states.md": alpha("id: alpha-read-states",
                                                     "id: !!python/object/apply:os.system ['touch pwned']")},
                      ["alpha-read-states.md:2: CB005"]),
    "python-name-tag": ({"alpha-read-states.md": alpha("level: advanced", "level: !!python/name:os.system")},
                        ["alpha-read-states.md:9: CB005"]),
    "billion-laughs": ({"laughs.md": BILLION_LAUGHS},
                       [f"laughs.md:{line}: CB005" for line in range(2, 11)]),
    "deep-flow": ({"deep.md": DEEP_FLOW}, ["deep.md:2: CB005"]),
    "deep-block": ({"deep.md": DEEP_BLOCK}, ["deep.md:14: CB005"]),
    "binary": ({"binary.md": bytes(range(256)) * 4}, ["binary.md:2: CB001"]),
    "png": ({"image.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)}, ["image.md:1: CB001"]),
    "nul-byte": ({"alpha-read-states.md": alpha("Measure before rewriting.", "Measure\x00 before rewriting.")},
                 [f"alpha-read-states.md:{M}: CB001"]),
    "latin-1": ({"alpha-read-states.md": alpha("Measure before", "Measure \xe9 before").encode("latin-1")},
                [f"alpha-read-states.md:{M}: CB001"]),
    # a BOM and CRLF endings are accepted: the problem planted on line 9 is still on line 9
    "bom": ({"alpha-read-states.md": b"\xef\xbb\xbf" + alpha("level: advanced", "level: expert").encode()},
            ["alpha-read-states.md:9: CB010"]),
    "crlf": ({"alpha-read-states.md": alpha("level: advanced", "level: expert").replace("\n", "\r\n")},
             ["alpha-read-states.md:9: CB010"]),
    "bare-cr": ({"alpha-read-states.md": alpha("level: advanced", "level: expert").replace("\n", "\r")},
                ["alpha-read-states.md:9: CB010"]),
    "tab-indent": ({"alpha-read-states.md": alpha("  - name: p99 latency", "\t- name: p99 latency")},
                   ["alpha-read-states.md:15: CB004"]),
    "control-escape": ({"alpha-read-states.md": alpha('title: "Alpha', 'title: "\\e[2J\\x07Alpha')},
                       ["alpha-read-states.md:4: CB004"]),
    "lone-surrogate": ({"alpha-read-states.md": alpha('title: "Alpha', 'title: "\\ud800Alpha')},
                       ["alpha-read-states.md:4: CB004"]),
    "newline-in-title": ({"alpha-read-states.md": alpha('title: "Alpha', 'title: "\\n# Owned\\nAlpha')},
                         ["alpha-read-states.md:4: CB010"]),
    "not-an-id-file-name": ({"Alpha Read States.md": ALPHA}, ["Alpha Read States.md:2: CB011"]),
    "index-id": ({"index.md": alpha("id: alpha-read-states", "id: index")}, ["index.md:2: CB034"]),
    "ids-equal-ignoring-case": ({"alpha-read-states.md": ALPHA,
                                 "Alpha-Read-States.md": alpha("id: alpha-read-states", "id: Alpha-Read-States")},
                                ["Alpha-Read-States.md:2: CB010", "alpha-read-states.md:2: CB012"]),
    "javascript-link": ({"alpha-read-states.md": alpha("Measure before rewriting.",
                                                       "[Measure](JaVa&#x53;cript&colon;alert(1)) before.")},
                        [f"alpha-read-states.md:{M}: CB032"]),
    "attribute-list": ({"alpha-read-states.md": alpha("Measure before rewriting.",
                                                      "Measure before rewriting.\n{: onmouseover=alert(1) }")},
                       [f"alpha-read-states.md:{M + 1}: CB033"]),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_gives_its_problem_in_validate_and_build(tmp_path, name):
    files, expected = HOSTILE[name]
    cases = make_corpus(tmp_path, files)
    assert_both_commands_report(tmp_path, cases, expected)
    assert not (ROOT / "pwned").exists() and not (tmp_path / "pwned").exists()


def test_bom_and_crlf_files_that_are_otherwise_valid_build(tmp_path):
    cases = make_corpus(tmp_path, {"alpha-read-states.md": b"\xef\xbb\xbf" + ALPHA.replace("\n", "\r\n").encode()})
    result = run_casebook("build", "--cases", cases, "--site-dir", tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Alpha rewrote" in (tmp_path / "site" / "cases" / "alpha-read-states" / "index.html").read_text()


def test_messages_quote_control_and_bidi_characters_as_escapes(tmp_path):
    """What a message quotes from a file (a key, a heading) reaches the terminal and the log
    as escapes: no escape sequence, no bidirectional override, in the plain line or in the
    GitHub annotation. (YAML itself refuses control characters in values: CB004.)"""
    hostile = alpha("title: ", "ke\u202ey\u2066: 1\ntitle: ").replace(
        "Measure before rewriting.", "Measure before rewriting.\n\n## Notes\x1b[2J\x1b[31m\n\nText.", 1)
    cases = make_corpus(tmp_path, {"alpha-read-states.md": hostile})
    done = run_casebook("validate", "--format", "github", cases)
    assert done.returncode == 1
    assert not re.search("[\x00-\x09\x0b-\x1f\u202e\u2066]", done.stdout), repr(done.stdout)
    assert done.stdout.count("unknown key 'ke\\u202ey\\u2066'") == 2   # line and annotation
    assert done.stdout.count("unknown section 'Notes\\x1b[2J\\x1b[31m'") == 2
    # the heading: two lines below the paragraph, which the added key moved down one
    assert reported(done.stdout) == ["alpha-read-states.md:4: CB008", f"alpha-read-states.md:{M + 3}: CB018"]


def test_files_that_are_not_plain_files(tmp_path):
    """Links leaving the repository, dangling links, a FIFO (reading it would hang) and a folder named .md."""
    outside = tmp_path / "secret.md"
    outside.write_text(ALPHA)
    cases = make_corpus(tmp_path, {"alpha-read-states.md": ALPHA})
    (cases / "link-out.md").symlink_to(outside)
    (cases / "link-etc.md").symlink_to("/etc/passwd")
    (cases / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(cases / "fifo.md")
    (cases / "folder.md").mkdir()
    assert_both_commands_report(tmp_path, cases, [
        "dangling.md:1: CB029", "fifo.md:1: CB029", "folder.md:1: CB029", "link-etc.md:1: CB029",
        "link-out.md:1: CB029"])


def test_a_50_mb_file_is_refused_without_being_read(tmp_path, monkeypatch):
    cases = make_corpus(tmp_path, {"alpha-read-states.md": ALPHA})
    huge = cases / "huge.md"
    with huge.open("wb") as sparse:   # 50 MB on paper, no blocks on disk: made at once
        sparse.write(b"---\nid: huge\n")
        sparse.truncate(50_000_000)
    assert_both_commands_report(tmp_path, cases, ["huge.md:1: CB029"])
    # and in-process: its content is never read
    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    doc = load_document(huge)
    assert [(p.line, p.code) for p in doc.problems] == [(1, "CB029")]
    assert "50,000,000 bytes" in doc.problems[0].message
    assert read == []


# --- bodies: markup must not hide where the renderer would show it --------------------

def body_problems(tmp_path, body_text: str) -> list[tuple[int, str]]:
    case = tmp_path / "alpha-read-states.md"
    case.write_text(alpha("Measure before rewriting.", body_text))
    (tmp_path / "beta-chat-fanout.md").write_text(BETA)
    return [(p.line, p.code) for p in read_corpus(tmp_path, VOCABULARY, only=[case]).problems]


HIDDEN_MARKUP = {
    # an unclosed fence is text, and so is everything after it
    "unclosed-fence": ("```\n<script>alert(1)</script>", [(M + 1, "CB031"), (M + 1, "CB031")]),
    # closed only by its own marker: a longer one does not close it, so the next ``` does
    "fence-closed-by-own-marker": ("```\na\n````\nb\n```\n<b onclick=alert(1)>x</b>\n```",
                                   [(M + 5, "CB031"), (M + 5, "CB031")]),
    # a code span that continues on the next line pairs differently from line to line
    "code-span-across-lines": ("`x\ny` <b onclick=alert(1)>b</b> `z`", [(M + 1, "CB031"), (M + 1, "CB031")]),
    "code-span-after-open-one": ("`x\n` <b onclick=alert(1)>b</b> `", [(M + 1, "CB031"), (M + 1, "CB031")]),
    "escaped-backtick": ("\\`<b onclick=alert(1)>\\`", [(M, "CB031")]),
    "attribute-list-on-heading": ("### Notes {: onclick=alert(1) }\n\nText.", [(M, "CB033")]),
    "raw-html-in-a-section-heading": ("## Lessons <b>", [(M - 2, "CB016"), (M, "CB018"), (M, "CB031")]),
    "reference-link": ("[Measure][m] before.\n\n[m]: javascript:alert(1)", [(M + 2, "CB032")]),
    "data-image": ("![chart](data:text/html;base64,PHNjcmlwdD4=)", [(M, "CB032")]),
    "vbscript": ("[x](vbscript:msgbox(1))", [(M, "CB032")]),
    "tab-in-scheme": ("[x](java\tscript:alert(1))", [(M, "CB032")]),
}

SHOWN_AS_CODE = {
    "code-span": "Measure `<b onclick=alert(1)>` and ``a ` <script>`` too.",
    "fence": "```html\n<script>alert(1)</script>\n```",
    "tilde-fence-with-class": "~~~ {.html #example}\n<script>alert(1)</script>\n~~~",
    "links-that-are-fine": "[a](https://example.com) [b](http://example.com) [c](mailto:a@example.com) "
                           "[d](beta-chat-fanout.md) [e](#problem) <https://example.com>",
    "id-and-class": "[Post](https://example.com/post){#post .external}",
    # a fence that superfences would not open is text, where Python-Markdown pairs its backticks
    # across the paragraph into one code span: shown as code, as the validator reads it
    "refused-fence-option": "```python onclick=\"x\"\n<img src=x onerror=alert(1)>\n```",
    "fence-in-language": "```<img/src=x/onerror=alert(1)>\ncode\n```",
    "attribute-list-on-fence": "``` {.python onclick=alert(1)}\nx = 1\n```",
    # a citation or an entry link inside code is code: neither checked nor turned into a link
    "citation-in-code": "Cite as `[@no-such-source]`, link as `[text](no-such-entry.md)`.",
    "citation-in-a-multiline-code-span": "The syntax `[@no-such-source]\nand [x](no-such-entry.md)` is code.",
}


def rendered(body_text: str) -> str:
    """The body as the site renders it: the page generator, then Markdown with the site's extensions."""
    import markdown
    from pymdownx.superfences import fence_code_format

    from casebook.generate.case_pages import render_body
    extensions = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.highlight", "pymdownx.superfences"]
    fences = {"custom_fences": [{"name": "mermaid", "class": "casebook-diagram", "format": fence_code_format}]}
    return markdown.markdown(render_body(body_text, {"alpha-blog": 1}), extensions=extensions,
                             extension_configs={"pymdownx.superfences": fences})


@pytest.mark.parametrize("name", sorted(SHOWN_AS_CODE))
def test_what_the_validator_accepts_renders_inert(name):
    """The validator and the renderer read a body with one reader: what passes is inert on the page,
    and a citation in code stays code (no <sup> the reader would see as markup)."""
    page = rendered(SHOWN_AS_CODE[name])
    live = LiveMarkup()
    live.feed(page)
    assert live.found == [] and "<script" not in page and "onerror" not in page.replace("onerror=alert", "")
    assert "<sup" not in page


@pytest.mark.parametrize("name", sorted(HIDDEN_MARKUP))
def test_markup_cannot_hide_from_the_body_checks(tmp_path, name):
    body_text, expected = HIDDEN_MARKUP[name]
    assert body_problems(tmp_path, body_text) == expected


@pytest.mark.parametrize("name", sorted(SHOWN_AS_CODE))
def test_code_and_safe_links_are_accepted(tmp_path, name):
    assert body_problems(tmp_path, SHOWN_AS_CODE[name]) == []


# --- front matter that would break the generated Markdown or HTML ------------------------

class LiveMarkup(html.parser.HTMLParser):
    """Collects event-handler attributes, javascript: URLs and scripts that mention the payload marker."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or (name in ("href", "src") and value.startswith(("javascript:", "data:"))):
                self.found.append(f"<{tag} {name}>")
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        self._script = tag == "script" and not any(n == "type" and "json" in (v or "") for n, v in attrs)

    def handle_data(self, data):
        if self._script and "__pwned" in data:
            self.found.append("<script> with a payload")

    def handle_endtag(self, tag):
        self._script = False


def test_payload_site_has_no_live_markup(tmp_path):
    """The build of tests/fixtures/payloads (see test_payloads_browser.py) as HTML: nothing live."""
    site = tmp_path / "site"
    result = run_casebook("build", "--cases", FIXTURES / "payloads", "--site-dir", site)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parser = LiveMarkup()
        parser.feed(page.read_text())
        assert parser.found == [], page.relative_to(site)
        title = re.search(r"<title>(.*?)</title>", page.read_text(), re.S)
        assert title and "<" not in title.group(1), page.relative_to(site)


# --- property-based: random front matter and bodies ------------------------------------

BASE_DATA = load_document(VALID / "alpha-read-states.md").data
BASE_BODY = ALPHA.split("\n---\n", 1)[1]

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
hostile_texts = st.one_of(texts, st.sampled_from([
    "<script>alert(1)</script>", "| a | b |", "]()", "`x`", "{: onclick=\"alert(1)\"}", "---", "a\nb", "# h",
    "[x](javascript:alert(1))", "&lt;b&gt;", "\\", "*", "_", "index", "Index", "C++", "", " ", "TODO", "\x00",
    "\ud800", "\u2028", "<!--", "%%{init: {}}%%", "[@alpha-blog]", "[@nope]", "java&#115;cript:"]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    hostile_texts)
yaml_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(hostile_texts, inner, max_size=4)), max_leaves=12)


def _mutations():
    """One key of the valid front matter set to a random value, or removed, or a new key added."""
    paths = [(k,) for k in BASE_DATA] + [("metrics", 0, k) for k in BASE_DATA["metrics"][0]] + \
        [("sources", 0, k) for k in BASE_DATA["sources"][0]] + [("technologies", "before"), ("technologies", "after")]
    return st.lists(st.tuples(st.sampled_from(paths), st.one_of(st.just(KeyError), yaml_values)), min_size=1,
                    max_size=3)


def _mutate(data, changes):
    data = copy.deepcopy(data)
    for path, value in changes:
        parent = data
        for part in path[:-1]:   # follow the path while it still exists (an earlier change may have cut it)
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        if isinstance(parent, dict):
            if value is KeyError:
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = value
    return data


def _check_file(folder: Path, text: str):
    """Validate one case file; when valid, render its pages. Returns the problems."""
    case = folder / "alpha-read-states.md"
    case.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = read_corpus(folder, VOCABULARY)
    for problem in result.problems:
        assert isinstance(problem, Problem)
        assert problem.code in RULES and problem.line >= 1 and problem.message
        assert problem.path.endswith(".md") or problem.path.endswith(".yml")
        str(problem).encode("utf-8")  # printable: no lone surrogate reaches the terminal
    if not result.problems:
        pages = generate_pages(result.corpus)
        case_obj = next(c for c in result.corpus.cases if c.id == "alpha-read-states")
        assert render_case_page(case_obj, result.corpus).full() == pages["cases/alpha-read-states.md"]
        for page in pages.values():
            page.encode("utf-8")
    return result.problems


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hypothesis")
    (folder / "beta-chat-fanout.md").write_text(BETA)
    return folder


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


@PROPERTY
@given(front=yaml_values)
def test_random_front_matter_gives_problems_or_pages(scratch, front):
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + BASE_BODY
    _check_file(scratch, text)


@PROPERTY
@given(front=st.text(max_size=300))
def test_random_yaml_text_gives_problems_or_pages(scratch, front):
    _check_file(scratch, "---\n" + front + "\n---\n" + BASE_BODY)


@PROPERTY
@given(changes=_mutations())
def test_near_valid_front_matter_gives_problems_or_pages(scratch, changes):
    data = _mutate(BASE_DATA, changes)
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + BASE_BODY
    _check_file(scratch, text)


body_pieces = st.sampled_from([
    "## Problem", "## Results", "## Lessons", "## Unknown", "# H1", "### Sub {: onclick=x}", "```", "```mermaid",
    "~~~", "````", "`", "``", "\\`", "<b>", "<script>x</script>", "<!-- c -->", "[x](javascript:y)", "[x](https://e.x)",
    "[x](beta-chat-fanout.md)", "[x](nope.md)", "[@alpha-blog]", "[@nope]", "{: .c }", "{#i}", "| a | b |",
    "|---|---|", "> quote", "- item", "    indented", "&lt;", "TODO", "", "\t", "---", "[r]: data:x", "flowchart LR",
])
bodies = st.lists(st.one_of(body_pieces, texts), max_size=30).map("\n".join)


@PROPERTY
@given(extra=bodies)
def test_random_bodies_give_problems_or_pages(scratch, extra):
    _check_file(scratch, alpha("Measure before rewriting.", extra))


def test_property_tests_reach_the_page_generator(scratch):
    """The near-valid strategy is not all rejections: an unchanged key set renders pages."""
    problems = _check_file(scratch, "---\n" + yaml.safe_dump(BASE_DATA, allow_unicode=True, sort_keys=False)
                           + "---\n" + BASE_BODY)
    assert problems == []


# --- atomic builds ----------------------------------------------------------------------

def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    """Enough synthetic cases that a build takes a few seconds, and a previous site built from two."""
    root = tmp_path_factory.mktemp("atomic")
    cases = root / "cases"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "300", str(cases)], check=True)
    small = root / "small"
    small.mkdir()
    shutil.copytree(VALID, small, dirs_exist_ok=True)   # with its own vocabulary
    return root, cases, small


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_build_keeps_the_previous_site(big_corpus, tmp_path, signum):
    _, cases, small = big_corpus
    site = tmp_path / "site"
    assert run_casebook("build", "--cases", small, "--site-dir", site).returncode == 0
    before = tree_digest(site)
    build = subprocess.Popen([*CASEBOOK, "build", "--cases", str(cases), "--site-dir", str(site)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Interrupt once MkDocs has started writing the staging folder (its first files are the
    # theme's assets; waiting for pages left too little time on an idle machine).
    deadline = time.monotonic() + 120
    while not any(p.is_file() for p in tmp_path.glob(".site.building-*/**/*")):
        assert build.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    build.send_signal(signum)
    out, err = build.communicate(timeout=120)
    assert build.returncode != 0, "the build finished before the signal arrived"
    assert "Traceback" not in out + err
    assert tree_digest(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "a staging or old folder was left"


def test_failed_build_keeps_the_previous_site_byte_for_byte(big_corpus, tmp_path):
    """test_cli.py checks the file list and index.html after a YAML error; this hashes the whole tree."""
    _, _, small = big_corpus
    cases = tmp_path / "cases"
    shutil.copytree(small, cases)
    site = tmp_path / "site"
    assert run_casebook("build", "--cases", cases, "--site-dir", site).returncode == 0
    before = tree_digest(site)
    (cases / "alpha-read-states.md").write_text(alpha("Measure before rewriting.", "[x](javascript:alert(1))"))
    result = run_casebook("build", "--cases", cases, "--site-dir", site)
    assert result.returncode == 1
    assert reported(result.stdout) == [f"alpha-read-states.md:{M}: CB032"]
    assert tree_digest(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases", "site"]
