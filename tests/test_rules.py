"""One fixture per validation rule: each breaks exactly that rule, on a known line."""

import re
import shutil
from pathlib import Path

import pytest

from casebook.corpus import read_corpus
from casebook.problems import RULES
from conftest import FIXTURES, ROOT, VOCABULARY

INVALID = FIXTURES / "invalid"

# fixture file -> the exact (line, code) list the validator must report
EXPECTED = {
    "cb001-not-utf8": [(44, "CB001")],
    "cb002-no-front-matter": [(1, "CB002")],
    "cb003-unterminated": [(1, "CB003")],
    "cb004-yaml-syntax": [(8, "CB004")],
    "cb005-yaml-alias": [(8, "CB005"), (9, "CB005")],
    "cb006-duplicate-key": [(10, "CB006")],
    "cb007-missing-key": [(1, "CB007")],
    "cb008-unknown-key": [(7, "CB008")],
    "cb009-wrong-type": [(6, "CB009")],
    "cb010-bad-value": [(9, "CB010")],
    "cb010-story-self": [(13, "CB010")],
    "cb011-id-mismatch": [(2, "CB011")],
    "cb013-unknown-term": [(11, "CB013")],
    "cb014-duplicate-entry": [(11, "CB014")],
    "cb015-missing-section": [(46, "CB015")],
    "cb016-empty-section": [(72, "CB016")],
    "cb017-out-of-order": [(72, "CB017")],
    "cb018-unknown-section": [(76, "CB018")],
    "cb019-no-diagram": [(57, "CB019")],
    "cb020-duplicate-source": [(34, "CB020")],
    "cb021-metric-source": [(26, "CB021")],
    "cb022-citation": [(70, "CB022")],
    "cb023-no-primary": [(27, "CB023")],
    "cb024-http-url": [(36, "CB024")],
    "cb025-bad-link": [(66, "CB025")],
    "cb025-story-link": [(13, "CB025")],
    "cb026-migration": [(13, "CB026")],
    "cb027-h1": [(42, "CB027")],
    "cb030-todo": [(74, "CB030")],
    "cb031-raw-html": [(76, "CB031")],
    "cb032-link-scheme": [(76, "CB032"), (76, "CB032")],
    "cb033-attribute-list": [(76, "CB033")],
    "cb034-reserved-name": [(5, "CB034")],
    "cb035-name-spelling": [(12, "CB035")],
}


def problems(*paths, cases_dir=INVALID, vocabulary=VOCABULARY):
    return read_corpus(cases_dir, vocabulary, only=[Path(p) for p in paths]).problems


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_breaks_exactly_its_rule(name):
    found = problems(INVALID / f"{name}.md")
    assert [(p.line, p.code) for p in found] == EXPECTED[name]
    assert all(p.path.endswith(f"{name}.md") for p in found)


def test_every_invalid_fixture_is_expected():
    assert sorted(p.stem for p in INVALID.glob("*.md")) == sorted(EXPECTED)


def test_valid_fixtures_pass():
    result = read_corpus(FIXTURES / "valid", VOCABULARY)
    assert result.problems == []
    assert sorted(c.id for c in result.corpus.cases) == ["alpha-read-states", "alpha-read-states-sharded", "beta-chat-fanout"]


def test_messages_suggest_the_fix():
    def message(name):
        return problems(INVALID / f"{name}.md")[0].message
    assert message("cb008-unknown-key").startswith("unknown key 'tittle'; did you mean 'title'?")
    assert message("cb013-unknown-term").startswith("unknown pattern 'cachng'; did you mean 'caching'?")
    assert "did you mean 'Myths and corrections'?" in message("cb018-unknown-section")
    assert "did you mean 'alpha-talk'?" in message("cb021-metric-source")
    assert "try 'https://example.com/alpha/talk'" in message("cb024-http-url")
    assert message("cb009-wrong-type") == "'year' should be a whole number, not the string 'twenty-twenty'"
    assert message("cb006-duplicate-key") == "key 'level' appears twice; the first is on line 9"


def test_alias_resolves_to_term_id(tmp_path):
    text = (FIXTURES / "valid" / "alpha-read-states.md").read_text()
    case = tmp_path / "alpha-read-states.md"
    case.write_text(text.replace("patterns: [gc-free-rewrite, caching]", "patterns: [gc-free-rewrite, cache]"))
    (tmp_path / "beta-chat-fanout.md").write_text((FIXTURES / "valid" / "beta-chat-fanout.md").read_text())
    [problem] = problems(case, cases_dir=tmp_path)
    assert problem.code == "CB013" and "use its id 'caching'" in problem.message


def test_cb035_one_spelling_per_company_across_files(tmp_path):
    for case in (FIXTURES / "valid").glob("*.md"):
        shutil.copy(case, tmp_path / case.name)
    # files are read in name order: "alpha-read-states-sharded.md" first
    changed = tmp_path / "alpha-read-states.md"
    changed.write_text(changed.read_text().replace("company: Alpha Corp", "company: alpha-corp", 1))
    found = read_corpus(tmp_path, VOCABULARY).problems
    assert [(Path(p.path).name, p.line, p.code) for p in found] == [("alpha-read-states.md", 5, "CB035")]
    first = found[0].path.replace("alpha-read-states", "alpha-read-states-sharded")
    assert found[0].message == (f"company 'alpha-corp' is written 'Alpha Corp' in {first}:5; "
                                "one company has one page: write it the same way")


def test_cb012_duplicate_ids_across_folders():
    found = problems(FIXTURES / "valid" / "alpha-read-states.md", FIXTURES / "duplicate" / "alpha-read-states.md",
                     cases_dir=FIXTURES / "valid")
    assert [(p.path, p.line, p.code) for p in found] == [
        ("tests/fixtures/duplicate/alpha-read-states.md", 2, "CB012")]


def test_cb028_vocabulary_term_defined_twice():
    folder = FIXTURES / "invalid-vocabulary"
    found = read_corpus(folder, folder, only=[folder / "patterns.yml"]).problems
    assert [(p.line, p.code, p.message) for p in found] == [(15, "CB028", "'Cache' is already defined on line 7")]


def test_cb029_unreadable_files(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text((FIXTURES / "valid" / "alpha-read-states.md").read_text())
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "link.md").symlink_to(outside)
    big = cases / "big.md"
    big.write_text("---\nid: big\n---\n" + "x" * 1_100_000)
    found = problems(cases / "big.md", cases / "link.md", cases_dir=cases)
    assert [(p.path.rsplit("/", 1)[-1], p.line, p.code) for p in found] == [("big.md", 1, "CB029"), ("link.md", 1, "CB029")]


def test_every_rule_code_is_tested():
    source = Path(__file__).read_text()
    tested = set(re.findall(r"CB0\d\d", source))
    assert set(RULES) <= tested


def test_contributing_lists_every_rule_with_its_meaning():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    for code, meaning in RULES.items():
        assert re.search(rf"^\| `?{code}`? \| {re.escape(meaning)} \|", text, re.M), code


def _front_matter(path):
    from casebook.loader import load_document
    return load_document(path).data


@pytest.mark.parametrize("name", ["cb007-missing-key", "cb008-unknown-key", "cb009-wrong-type",
                                  "cb010-bad-value", "cb014-duplicate-entry"])
def test_json_schema_library_agrees_on_invalid(name):
    """The schema the validator interprets is real JSON Schema: a standard validator rejects the same files."""
    import jsonschema
    from casebook.schema import CASE_SCHEMA
    errors = list(jsonschema.Draft202012Validator(CASE_SCHEMA).iter_errors(_front_matter(INVALID / f"{name}.md")))
    assert errors


def test_json_schema_library_agrees_on_valid():
    import jsonschema
    from casebook.schema import CASE_SCHEMA
    jsonschema.Draft202012Validator.check_schema(CASE_SCHEMA)
    for path in sorted((FIXTURES / "valid").glob("*.md")) + sorted((ROOT / "cases").glob("*.md")):
        jsonschema.validate(_front_matter(path), CASE_SCHEMA, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("date, ok", [("2020", True), ("2020-02", True), ("2020-02-04", True), ("undated", True),
                                      ("2020-13", False), ("2020-02-30x", False), ("undated yet", False), ("", False)])
def test_source_dates(tmp_path, date, ok):
    text = (FIXTURES / "valid" / "alpha-read-states.md").read_text().replace("date: 2020-06", f"date: '{date}'")
    (tmp_path / "alpha-read-states.md").write_text(text)
    (tmp_path / "beta-chat-fanout.md").write_text((FIXTURES / "valid" / "beta-chat-fanout.md").read_text())
    found = problems(tmp_path / "alpha-read-states.md", cases_dir=tmp_path)
    assert [(p.line, p.code) for p in found] == ([] if ok else [(38, "CB010")])


def test_a_case_names_only_earlier_cases_in_its_story(tmp_path):
    source = (FIXTURES / "valid" / "alpha-read-states.md").read_text()
    shutil.copy(FIXTURES / "valid" / "beta-chat-fanout.md", tmp_path)
    (tmp_path / "alpha-read-states.md").write_text(source.replace("\nmigrations:", "\nsupersedes: [later-case]\nmigrations:"))
    (tmp_path / "later-case.md").write_text(source.replace("id: alpha-read-states", "id: later-case")
                                            .replace("year: 2020", "year: 2023"))
    found = read_corpus(tmp_path, VOCABULARY).problems
    assert [(p.path.rsplit("/", 1)[-1], p.line, p.code) for p in found] == [("alpha-read-states.md", 13, "CB010")]
    assert "from 2023, later than this case (2020)" in found[0].message
