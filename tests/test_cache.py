"""The validation cache (casebook/cache.py): a warm check finds exactly what a cold one finds, and
a change to a file, to the set of entries or to a vocabulary is seen."""

import pickle
import shutil

import casebook.corpus
from casebook.cache import EntryCache
from casebook.corpus import read_corpus
from conftest import FIXTURES


def problems(cases, vocabulary, cache):
    return [str(p) for p in read_corpus(cases, vocabulary, check_only=True, cache_dir=cache).problems]


def corpus_copy(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURES / "valid", cases)
    for path in (FIXTURES / "invalid").glob("cb0*.md"):
        if path.is_file() and not path.name.startswith(("cb001", "cb029")):
            shutil.copy(path, cases)
    return cases, cases / "vocabulary"


def test_a_warm_check_finds_what_a_cold_one_finds(tmp_path):
    cases, vocabulary = corpus_copy(tmp_path)
    cache = tmp_path / "cache"
    cold = problems(cases, vocabulary, None)
    assert len(cold) > 30
    assert problems(cases, vocabulary, cache) == cold            # writes the cache
    assert list(cache.glob("entries-*.pickle"))
    assert problems(cases, vocabulary, cache) == cold            # reads it
    # and a build still gets each entry's body, which the cache does not keep
    read_corpus(FIXTURES / "valid", vocabulary, cache_dir=cache)           # writes
    again = read_corpus(FIXTURES / "valid", vocabulary, cache_dir=cache)   # reads
    plain = read_corpus(FIXTURES / "valid", vocabulary)
    assert [c.body for c in again.corpus.cases] == [c.body for c in plain.corpus.cases]
    assert all(c.body for c in again.corpus.cases)


def test_an_edited_file_is_read_again(tmp_path):
    cases, vocabulary = corpus_copy(tmp_path)
    cache = tmp_path / "cache"
    problems(cases, vocabulary, cache)
    entry = cases / "alpha-read-states.md"
    entry.write_text(entry.read_text().replace("year: 2020", "year: twenty", 1))
    assert any("alpha-read-states.md:6: CB009" in p for p in problems(cases, vocabulary, cache))


def test_a_new_entry_and_a_changed_vocabulary_are_seen_by_every_file(tmp_path):
    cases, vocabulary = corpus_copy(tmp_path)
    cache = tmp_path / "cache"
    found = problems(cases, vocabulary, cache)
    assert any("cb025-bad-link.md" in p and "CB025" in p for p in found)
    # the entry the link names now exists: the unchanged file's link is checked again
    missing = next(p for p in found if "cb025-bad-link.md" in p and "CB025" in p).split("'")[1][:-3]
    (cases / f"{missing}.md").write_text((cases / "alpha-read-states.md").read_text().replace(
        "id: alpha-read-states", f"id: {missing}", 1))
    assert not any("cb025-bad-link.md" in p and "CB025" in p for p in problems(cases, vocabulary, cache))
    # a pattern removed from the vocabulary: the unchanged files that use it say so
    text = (vocabulary / "patterns.yml").read_text()
    (vocabulary / "patterns.yml").write_text(text.replace("id: caching", "id: caching-gone", 1))
    assert any("alpha-read-states.md" in p and "CB013" in p for p in problems(cases, vocabulary, cache))


def test_a_cache_from_another_engine_is_not_used(tmp_path):
    cases, vocabulary = corpus_copy(tmp_path)
    cache = tmp_path / "cache"
    cold = problems(cases, vocabulary, cache)
    [stored] = cache.glob("entries-*.pickle")
    data = pickle.loads(stored.read_bytes())
    for entry in data["entries"].values():
        entry.rule_problems = []                    # what a different rule set might have found
        entry.checked_with = "x"
    data["engine"] = "another engine"
    stored.write_bytes(pickle.dumps(data))
    assert problems(cases, vocabulary, cache) == cold
    assert EntryCache(cache, cases).entries != {}   # rewritten for this engine


def test_the_preview_keeps_the_cache_and_the_texts_in_memory(tmp_path, monkeypatch):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURES / "valid", cases)
    cache = tmp_path / "cache"
    read_corpus(cases, cases / "vocabulary", cache_dir=cache)                    # a cache on disk
    [stored] = cache.glob("entries-*.pickle")
    bodies = []
    monkeypatch.setattr(casebook.corpus, "read_body", lambda doc: bodies.append(doc.path) or "read again")
    first = read_corpus(cases, cases / "vocabulary", cache_dir=cache, in_memory=True)
    assert len(bodies) == len(first.corpus.cases)          # the process's first read: every text from its file
    entry = cases / "alpha-read-states.md"
    entry.write_text(entry.read_text().replace("Latency spiked", "Latency rose", 1))
    written = stored.stat().st_mtime_ns
    bodies.clear()
    second = read_corpus(cases, cases / "vocabulary", cache_dir=cache, in_memory=True)
    assert bodies == []                                    # the unchanged texts came from memory
    edited = next(c for c in second.corpus.cases if c.id == "alpha-read-states")
    assert "Latency rose" in edited.body                   # and the edited file was read again
    assert stored.stat().st_mtime_ns == written            # nor was the file on disk written again
    assert [[r.id for r in c.related] for c in second.corpus.cases] == \
        [[r.id for r in c.related] for c in first.corpus.cases]
    related = second.corpus.cases[0].related[0]
    assert any(related is case for case in second.corpus.cases)        # related: this read's entries
