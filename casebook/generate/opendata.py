"""The open data the build publishes beside the pages: cases.json, cases.csv,
the front-matter JSON Schema and an Atom feed of recently added cases.

The schema published is casebook.schema.ENTRY_SCHEMA itself, the one the
validator enforces.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from ..model import Case, Corpus
from ..schema import ENTRY_SCHEMA
from .case_pages import SiteInfo
from .routes import case_page, page_url

JSON_PATH = "cases.json"
CSV_PATH = "cases.csv"
SCHEMA_PATH = "schema/case.json"
FEED_PATH = "feed.xml"
FEED_ENTRIES = 20
ATOM = "http://www.w3.org/2005/Atom"

CSV_COLUMNS = ["id", "kind", "title", "company", "year", "as_of", "event", "speakers", "level", "summary", "outcome", "domains", "patterns",
               "pattern_notes", "technologies_before", "technologies_after", "migrations", "supersedes", "revisits", "metrics",
               "best_improvement", "sources", "primary_source_url", "added", "last_changed", "url"]


def schema_json() -> str:
    return json.dumps(ENTRY_SCHEMA, indent=2, ensure_ascii=False) + "\n"


def _sorted(corpus: Corpus) -> list[Case]:
    return sorted(corpus.cases, key=lambda c: c.id)


def cases_json(corpus: Corpus, site: SiteInfo, site_url: str, memo: dict | None = None) -> str:
    """Every front-matter field of every case as written, its Markdown body, and where it is published.

    The text json.dumps(document, indent=1) gives, written a record at a time, so that the preview
    (memo: kept across its rebuilds) encodes again only the records that changed: Python's JSON
    encoder is slow with an indent, 1 s for 2,000 real-sized entries."""
    records = []
    for case in _sorted(corpus):
        added, changed = site.dates.get(case.id, (None, None))
        record = {**case.front_matter, "body": case.body, "url": site_url + page_url(case_page(case)),
                  "words": case.words, "added": added, "last_changed": changed}
        # the body by its length and hash, as for entry pages (casebook.generate.case_pages.page_inputs)
        key = ("cases.json", repr({**record, "body": None}), len(case.body), hash(case.body))
        text = memo.get(key) if memo is not None else None
        if text is None:
            text = json.dumps(record, indent=1, ensure_ascii=False).replace("\n", "\n  ")   # nested two deep
            if memo is not None:
                memo[key] = text
        records.append(text)
    paths = [{"id": p.id, "title": p.title, "summary": p.summary,
              "entries": [{"id": e.id, "why": e.why} for e in p.entries]} for p in sorted(corpus.paths, key=lambda p: p.id)]
    head = json.dumps({"schema": site_url + SCHEMA_PATH, "count": len(records)}, indent=1, ensure_ascii=False)
    listed = "[\n  " + ",\n  ".join(records) + "\n ]" if records else "[]"
    return (f"{head[:-2]},\n \"cases\": {listed},\n \"paths\": "
            f"{json.dumps(paths, indent=1, ensure_ascii=False).replace(chr(10), chr(10) + ' ')}\n}}\n")


def _factor(case: Case) -> str:
    factor = case.best_factor
    if factor is None:
        return ""
    return "inf" if math.isinf(factor) else f"{factor:.6g}"


def cases_csv(corpus: Corpus, site: SiteInfo, site_url: str) -> str:
    """One row per case; lists are joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for case in _sorted(corpus):
        added, changed = site.dates.get(case.id, ("", ""))
        writer.writerow([
            case.id, case.kind, case.title, case.company or "", case.year, case.as_of, case.event,
            "; ".join(case.speakers), case.level, case.summary, case.outcome,
            "; ".join(case.domains), "; ".join(case.patterns),
            "; ".join(f"{k}: {v}" for k, v in sorted(case.pattern_notes.items())),
            "; ".join(case.before), "; ".join(case.after),
            "; ".join(f"{a} -> {b}" for a, b in case.migrations), "; ".join(case.supersedes),
            "; ".join(case.revisits), len(case.metrics), _factor(case), len(case.sources),
            case.primary_source.url, added, changed, site_url + page_url(case_page(case)),
        ])
    return out.getvalue()


def atom_feed(corpus: Corpus, site: SiteInfo, site_url: str, now: datetime | None = None) -> str:
    """The most recently added cases (by the date git first saw them; uncommitted ones first)."""
    today = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d")

    def added(case: Case) -> str:
        return site.dates.get(case.id, (today, today))[0]

    def changed(case: Case) -> str:
        return site.dates.get(case.id, (today, today))[1]

    newest = sorted(corpus.cases, key=lambda c: (added(c), c.id), reverse=True)[:FEED_ENTRIES]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(feed, "title", "Casebook: recently added cases")
    sub(feed, "id", site_url)
    sub(feed, "link", href=site_url + FEED_PATH, rel="self")
    sub(feed, "link", href=site_url)
    sub(feed, "updated", max((changed(c) for c in newest), default=today) + "T00:00:00Z")
    author = sub(feed, "author")
    sub(author, "name", "Casebook contributors")
    for case in newest:
        entry = sub(feed, "entry")
        link = site_url + page_url(case_page(case))
        sub(entry, "title", case.title)
        sub(entry, "id", link)
        sub(entry, "link", href=link)
        sub(entry, "published", added(case) + "T00:00:00Z")
        sub(entry, "updated", changed(case) + "T00:00:00Z")
        sub(entry, "summary", f"{case.summary} Key outcome: {case.outcome}")
        for term in case.patterns:
            sub(entry, "category", term=term, label=corpus.patterns.terms[term].name)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def open_data(corpus: Corpus, site: SiteInfo, site_url: str, memo: dict | None = None) -> dict[str, str]:
    """site-relative path -> content, for every open-data file (memo: see cases_json)."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    return {
        JSON_PATH: cases_json(corpus, site, site_url, memo),
        CSV_PATH: cases_csv(corpus, site, site_url),
        SCHEMA_PATH: schema_json(),
        FEED_PATH: atom_feed(corpus, site, site_url),
    }


DATA_PAGE = f"""# Open data

Everything on this site is generated from the case files in the repository's `cases/` folder. Each build
also publishes the data itself, so that you can query, chart or mirror it:

| File | What it holds |
| --- | --- |
| [`{JSON_PATH}`](../{JSON_PATH}) | Every entry (case study, brief, company profile, design study): all front-matter fields exactly as written, the Markdown body, the page URL, word count, and the dates the file was added and last changed (from git); and every reading path. |
| [`{CSV_PATH}`](../{CSV_PATH}) | One row per case, for spreadsheets: lists are joined with `; `, `best_improvement` is the largest computed improvement factor. |
| [`{SCHEMA_PATH}`](../{SCHEMA_PATH}) | The JSON Schema (draft 2020-12) of a case's front matter: the same definition the validator enforces. |
| [`{FEED_PATH}`](../{FEED_PATH}) | An Atom feed of the {FEED_ENTRIES} most recently added cases. |

A metric is recorded in the form its source states it: a before/after pair (either value may be a range), a
ratio (`factor`) or a percent change (`percent`), and `illustrative: true` where the source gives the figures as
an illustration. The improvement of a pair is computed, not copied: the better value divided by the worse one, in
the direction the metric names as better, from the least flattering ends of a range. Every metric cites its source.
"""
