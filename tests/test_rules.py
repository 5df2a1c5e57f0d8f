"""One fixture per validation rule: each breaks exactly that rule, on a known line."""

import re
import shutil
from pathlib import Path

import pytest

from casebook.corpus import read_corpus
from casebook.problems import RULES, Problem, UnknownCode
from casebook.validate.rules import codes_of, register
from conftest import FIXTURES, ROOT, VOCABULARY

# The codes the loader reports itself, before any rule runs (reading the file and its YAML).
LOADER_CODES = {"CB001", "CB002", "CB003", "CB004", "CB005", "CB006", "CB009", "CB029"}

INVALID = FIXTURES / "invalid"
CORPORA = FIXTURES / "corpora"
INVALID_VOCABULARY = FIXTURES / "invalid-vocabulary"

# Every fixture that must fail, named after the code it breaks, -> the exact (file, line, code)
# list the validator reports for it. invalid/ holds single files; corpora/ whole folders of entries
# for the rules across files; invalid-vocabulary/ a vocabulary folder each.
EXPECTED = {
    "invalid/cb001-not-utf8.md": [(44, "CB001")],
    "invalid/cb002-no-front-matter.md": [(1, "CB002")],
    "invalid/cb003-unterminated.md": [(1, "CB003")],
    "invalid/cb004-yaml-syntax.md": [(8, "CB004")],
    "invalid/cb005-yaml-alias.md": [(8, "CB005"), (9, "CB005")],
    "invalid/cb006-duplicate-key.md": [(10, "CB006")],
    "invalid/cb007-missing-key.md": [(1, "CB007")],
    "invalid/cb008-unknown-key.md": [(7, "CB008")],
    "invalid/cb009-wrong-type.md": [(6, "CB009")],
    "invalid/cb010-bad-value.md": [(9, "CB010")],
    "invalid/cb010-range-reversed.md": [(16, "CB010")],
    "invalid/cb010-story-self.md": [(13, "CB010")],
    "invalid/cb011-id-mismatch.md": [(2, "CB011")],
    "corpora/cb012-duplicate-id": [("two/alpha-read-states.md", 2, "CB012")],
    "invalid/cb013-unknown-term.md": [(11, "CB013")],
    "invalid/cb014-duplicate-entry.md": [(11, "CB014")],
    "invalid/cb015-missing-section.md": [(46, "CB015")],
    "invalid/cb016-empty-section.md": [(76, "CB016")],
    "invalid/cb017-out-of-order.md": [(76, "CB017")],
    "invalid/cb018-unknown-section.md": [(80, "CB018")],
    "invalid/cb019-no-diagram.md": [(59, "CB019")],
    "invalid/cb020-duplicate-source.md": [(34, "CB020")],
    "invalid/cb021-metric-source.md": [(26, "CB021")],
    "invalid/cb022-citation.md": [(74, "CB022")],
    "invalid/cb023-no-primary.md": [(27, "CB023")],
    "invalid/cb024-http-url.md": [(36, "CB024")],
    "invalid/cb025-bad-link.md": [(70, "CB025")],
    "invalid/cb025-story-link.md": [(13, "CB025")],
    "invalid/cb026-migration.md": [(13, "CB026")],
    "invalid/cb027-h1.md": [(42, "CB027")],
    "invalid-vocabulary/cb028-term-twice": [("patterns.yml", 15, "CB028")],
    "invalid/cb029-not-a-file.md": [(1, "CB029")],
    "invalid/cb030-todo.md": [(78, "CB030")],
    "invalid/cb031-raw-html.md": [(80, "CB031")],
    "invalid/cb032-link-scheme.md": [(80, "CB032"), (80, "CB032")],
    "invalid/cb033-attribute-list.md": [(80, "CB033")],
    "invalid/cb034-reserved-name.md": [(5, "CB034")],
    "corpora/cb035-company-spelling": [("zeta-read-states.md", 5, "CB035")],
    "invalid/cb036-unknown-technology.md": [(12, "CB036")],
    "invalid/cb037-no-text-alternative.md": [(52, "CB037")],
    "invalid/cb038-pattern-note.md": [(16, "CB038")],
    "invalid/cb039-short-brief.md": [(39, "CB039")],
    "corpora/cb040-two-profiles": [("alpha-profile.md", 3, "CB040")],
    "invalid/cb041-tracking-url.md": [(30, "CB041"), (36, "CB041")],
}


def problems(*paths, cases_dir=INVALID, vocabulary=VOCABULARY):
    return read_corpus(cases_dir, vocabulary, only=[Path(p) for p in paths]).problems


def fixture_problems(name: str) -> list[tuple]:
    """What the validator says of one fixture: (line, code) for a file, (file, line, code) for a folder."""
    path = FIXTURES / name
    if name.startswith("invalid/"):
        return [(p.line, p.code) for p in problems(path) if p.path.endswith(path.name)]
    if name.startswith("corpora/"):
        found = problems(*sorted(path.rglob("*.md")), cases_dir=path)
    else:
        found = read_corpus(path, path, only=sorted(path.glob("*.yml"))).problems
    return [(str(Path(p.path).relative_to(path.relative_to(ROOT))), p.line, p.code) for p in found]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_breaks_exactly_its_rule(name):
    assert fixture_problems(name) == EXPECTED[name]


def fixtures() -> list[str]:
    """Every fixture that must fail, found on disk."""
    found = [f"invalid/{p.name}" for p in INVALID.iterdir()]
    found += [f"corpora/{p.name}" for p in CORPORA.iterdir()]
    found += [f"invalid-vocabulary/{p.name}" for p in INVALID_VOCABULARY.iterdir()]
    return sorted(found)


def test_every_fixture_is_expected_and_named_after_the_code_it_breaks():
    assert fixtures() == sorted(EXPECTED)
    for name, found in EXPECTED.items():
        code = Path(name).name[:5].upper()
        assert code in {item[-1] for item in found}, name


def test_every_registered_code_has_a_fixture():
    """The codes come from the registry; the tested codes from the fixtures' names."""
    tested = {Path(name).name[:5].upper() for name in fixtures()}
    assert tested == set(RULES)
    assert codes_of() | LOADER_CODES == set(RULES)


def test_a_problem_with_an_unregistered_code_cannot_be_made():
    with pytest.raises(UnknownCode):
        Problem("x.md", 1, "CB999", "no such rule")
    with pytest.raises(ValueError, match="unregistered rule codes"):
        register("entry", "CB999")


def test_valid_fixtures_pass():
    result = read_corpus(FIXTURES / "valid", VOCABULARY)
    assert result.problems == []
    assert sorted(c.id for c in result.corpus.cases) == ["alpha-profile", "alpha-read-states", "alpha-read-states-sharded",
                                                         "beta-chat-fanout", "gamma-talk-brief"]


def test_messages_suggest_the_fix():
    def message(name):
        return problems(INVALID / f"{name}.md")[0].message
    assert message("cb036-unknown-technology") == "unknown technology 'Postgresql'; write 'PostgreSQL', the vocabulary's name for it"
    assert message("cb038-pattern-note").startswith("a note on 'shardng', which is not in 'patterns'")
    assert message("cb039-short-brief") == "the body has 12 words; a brief has at least 300"
    assert message("cb008-unknown-key").startswith("unknown key 'tittle'; did you mean 'title'?")
    assert message("cb013-unknown-term").startswith("unknown pattern 'cachng'; did you mean 'caching'?")
    assert "did you mean 'Myths and corrections'?" in message("cb018-unknown-section")
    assert "did you mean 'alpha-talk'?" in message("cb021-metric-source")
    assert "try 'https://example.com/alpha/talk'" in message("cb024-http-url")
    assert message("cb041-tracking-url").endswith("try 'https://example.com/alpha/rust?ref=1'")
    assert message("cb009-wrong-type") == "'year' should be a whole number, not the string 'twenty-twenty'"
    assert message("cb006-duplicate-key") == "key 'level' appears twice; the first is on line 9"


def test_alias_resolves_to_term_id(tmp_path):
    text = (FIXTURES / "valid" / "alpha-read-states.md").read_text()
    case = tmp_path / "alpha-read-states.md"
    case.write_text(text.replace("patterns: [gc-free-rewrite, caching]", "patterns: [gc-free-rewrite, cache]"))
    (tmp_path / "beta-chat-fanout.md").write_text((FIXTURES / "valid" / "beta-chat-fanout.md").read_text())
    [problem] = problems(case, cases_dir=tmp_path)
    assert problem.code == "CB013" and "use its id 'caching'" in problem.message


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


def test_contributing_lists_every_rule_with_its_meaning():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    for code, meaning in RULES.items():
        assert re.search(rf"^\| `?{code}`? \| {re.escape(meaning)} \|", text, re.M), code


def _front_matter(path):
    from casebook.load import load_document
    return load_document(path).data


def _schema_outcome(data) -> tuple[bool, set]:
    """(valid?, the top-level keys with a problem) by casebook's own schema check."""
    from casebook.schema import ENTRY_SCHEMA
    from casebook.validate.schemacheck import check
    found = list(check(data, ENTRY_SCHEMA))
    return not found, {path[0] if path else "" for path, _, _ in found}


def _library_outcome(data) -> tuple[bool, set]:
    """The same by the jsonschema library: the key each error is under (an error about a missing or
    unknown key counts for that key)."""
    import jsonschema
    from casebook.schema import ENTRY_SCHEMA
    keys = set()
    for error in jsonschema.Draft202012Validator(ENTRY_SCHEMA).iter_errors(data):
        for leaf in (error.context or [error]) if error.validator == "oneOf" else [error]:
            path = list(error.absolute_path) + list(leaf.relative_path)[len(error.relative_path):] \
                if leaf is not error else list(error.absolute_path)
            if path:
                keys.add(path[0])
            elif error.validator == "required":
                keys.add("")
            elif error.validator == "additionalProperties":
                keys.update(k for k in data if k not in ENTRY_SCHEMA["properties"])
            elif error.validator is None:   # a False schema, reported at its object: the keys it forbids
                schema = ENTRY_SCHEMA
                for step in error.schema_path:
                    schema = schema[step]
                keys.update(k for k, sub in schema.items() if sub is False and k in data)
    return not keys, keys


def _variants():
    """Front matter that differs from a valid file in one way each, valid or not: the inputs
    on which the published schema and the validator must agree."""
    base = _front_matter(FIXTURES / "valid" / "gamma-talk-brief.md")
    metric = base["metrics"][0]
    changes = {
        "blank title": {"title": "   "}, "integral float year": {"year": 2020.0}, "fractional year": {"year": 2020.5},
        "year as text": {"year": "2020"}, "unknown key": {"headline": "x"}, "no summary": {"summary": None},
        "kind profile without as_of": {"kind": "profile"}, "as_of on a brief": {"as_of": "2024-03"},
        "bad kind": {"kind": "story"}, "empty patterns": {"patterns": []}, "repeated domain": {"domains": ["a", "a"]},
        "pair metric": {"metrics": [{"name": "x", "before": 1, "after": 2, "unit": "ms", "better": "lower", "source": "s"}]},
        "range metric": {"metrics": [{"name": "x", "before": [1, 2], "after": 2, "unit": "ms", "better": "lower", "source": "s"}]},
        "range of three": {"metrics": [{"name": "x", "before": [1, 2, 3], "after": 2, "unit": "ms", "better": "lower", "source": "s"}]},
        "factor below one": {"metrics": [{**metric, "factor": 0.5}]},
        "factor and before": {"metrics": [{**metric, "before": 3}]},
        "percent zero": {"metrics": [{"name": "x", "percent": 0, "better": "lower", "source": "s"}]},
        "illustrative text": {"metrics": [{**metric, "illustrative": "yes"}]},
        "pattern note": {"pattern_notes": {"caching": "Cached reads."}},
        "pattern note not text": {"pattern_notes": {"caching": 3}},
        "speakers empty": {"speakers": []}, "archive http": {"sources": [{**base["sources"][0], "archive": "http://x"}]},
        "boolean as number": {"year": True},
    }
    for name, change in changes.items():
        data = {**base, **change}
        yield name, {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("name, data", list(_variants()), ids=[n for n, _ in _variants()])
def test_published_schema_and_validator_agree(name, data):
    """The same outcome, at the same keys, from casebook's check and from a standard JSON Schema validator."""
    assert _schema_outcome(data) == _library_outcome(data)


def test_the_validator_refuses_a_schema_keyword_it_does_not_implement():
    from casebook.validate.schemacheck import UnsupportedSchema, supported
    with pytest.raises(UnsupportedSchema, match="propertyNames"):
        supported({"type": "object", "propertyNames": {"pattern": "^a"}})
    supported({"type": "object", "description": "annotations are fine", "properties": {"a": False}})


def test_json_schema_library_accepts_every_valid_file():
    import jsonschema
    from casebook.schema import ENTRY_SCHEMA
    jsonschema.Draft202012Validator.check_schema(ENTRY_SCHEMA)
    for path in sorted((FIXTURES / "valid").glob("*.md")) + sorted((ROOT / "cases").glob("*.md")):
        jsonschema.validate(_front_matter(path), ENTRY_SCHEMA, cls=jsonschema.Draft202012Validator)


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
    assert "from 2023, later than this entry (2020)" in found[0].message
