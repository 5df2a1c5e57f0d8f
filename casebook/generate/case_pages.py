"""Entry pages: every case, brief, profile and design study, one page each.

Pure functions of the corpus: the same corpus gives the same bytes. The page is the
contributor's Markdown body between generated HTML (the card above, references,
related entries and the page's history below), which Markdown passes through as is.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .. import schema
from ..load import CITATION, map_prose, read_lines
from ..load.markdown_body import ATX
from ..model import Case, Corpus, ReadingPath
from . import routes
from .markup import GeneratedPage, md_text, page, page_head, render

PATTERN_SPAN = re.compile(r"^`([a-z0-9]+(?:-[a-z0-9]+)*)`$")


@dataclass(frozen=True)
class SiteInfo:
    """What pages need beyond the entries: where their source files live, and when each changed."""

    repo_url: str = ""            # e.g. https://github.com/org/casebook; empty: no edit or correction links
    branch: str = "main"
    cases_path: str = "cases"     # the cases folder, relative to the repository root
    dates: dict = field(default_factory=dict)  # entry id -> (added, last changed), ISO dates from git

    def edit_url(self, case: Case) -> str:
        return f"{self.repo_url}/edit/{self.branch}/{self.cases_path}/{case.id}.md"

    def correction_url(self, case: Case) -> str:
        query = urlencode({"template": "correction.yml", "case": case.id, "title": f"Correction: {case.id}"})
        return f"{self.repo_url}/issues/new?{query}"


def story_links(corpus: Corpus) -> dict[str, list[tuple[str, Case]]]:
    """entry id -> [(relation as read from that entry, other entry)], both directions."""
    by_id = {c.id: c for c in corpus.cases}
    links: dict[str, list[tuple[str, Case]]] = defaultdict(list)
    for case in corpus.cases:
        for key, back in (("supersedes", "superseded by"), ("revisits", "revisited by")):
            for target in getattr(case, key):
                if target in by_id:
                    links[case.id].append((key, by_id[target]))
                    links[target].append((back, case))
    return links


def path_positions(corpus: Corpus) -> dict[str, list[tuple[ReadingPath, int, Case | None, Case | None]]]:
    """entry id -> [(path, its position from 1, previous entry, next entry)] for every path it is on."""
    by_id = {c.id: c for c in corpus.cases}
    found: dict[str, list] = defaultdict(list)
    for path in sorted(corpus.paths, key=lambda p: p.sort_title):
        ids = [e.id for e in path.entries]
        for index, entry_id in enumerate(ids):
            previous = by_id.get(ids[index - 1]) if index else None
            following = by_id.get(ids[index + 1]) if index + 1 < len(ids) else None
            found[entry_id].append((path, index + 1, previous, following))
    return found


@dataclass
class Links:
    """What several entry pages need, computed once for the whole corpus."""

    story: dict
    paths: dict

    @classmethod
    def of(cls, corpus: Corpus) -> "Links":
        return cls(story_links(corpus), path_positions(corpus))


def render_case_page(case: Case, corpus: Corpus, site: SiteInfo | None = None, links: Links | None = None) -> GeneratedPage:
    here = routes.case_page(case)
    site = site or SiteInfo()
    links = links or Links.of(corpus)
    numbers = {source.id: index for index, source in enumerate(case.sources, 1)}

    def terms(vocabulary: str, ids) -> list[tuple[str, str]]:
        known = corpus.vocabulary(vocabulary).terms
        return [(routes.term_page(vocabulary, t), known[t].name) for t in ids if t in known]

    def technologies(names) -> list[tuple[str, str]]:
        return [(routes.technology_page(n), n) for n in names]

    header = render("entry_header.html", e=case, here=here, numbers=numbers,
                    domains=terms("domains", case.domains), patterns=terms("patterns", case.patterns),
                    before=technologies(case.before), after=technologies(case.after),
                    story=links.story.get(case.id, []), paths=links.paths.get(case.id, []),
                    primary=sum(1 for s in case.sources if s.primary))
    story, after_references = split_at_references(render_body(case.body, numbers, corpus))
    references = render("references.html", sources=case.sources)
    related = render("related.html", here=here, related=_related(case, corpus))
    added, changed = site.dates.get(case.id, (None, None))
    meta = render("page_meta.html", changed=changed, source=f"{site.cases_path}/{case.id}.md",
                  edit_url=site.edit_url(case) if site.repo_url else "",
                  correction_url=site.correction_url(case) if site.repo_url else "")
    return page(page_head(case.title), header, story, "\n## References\n", references, after_references,
                "\n## Related entries\n", related, meta)


def _related(case: Case, corpus: Corpus) -> list[tuple[Case, list[str]]]:
    patterns, domains = corpus.patterns.terms, corpus.domains.terms
    rows = []
    for other in case.related:
        shared = [patterns[p].name for p in other.patterns if p in case.patterns]
        shared += [domains[d].name for d in other.domains if d in case.domains]
        rows.append((other, shared))
    return rows


def render_body(body: str, numbers: dict[str, int], corpus: Corpus | None = None) -> str:
    """The contributor's Markdown, read by the validator's own reader: [@id] citations in
    prose become numbered links to the references, and a code span naming a pattern id
    (`sharding`) becomes a link to its page. Code spans and fences are left as written."""
    patterns = corpus.patterns.terms if corpus else {}

    def cite(match: re.Match) -> str:
        source = match.group(1)
        return f'<sup class="cb-cite"><a href="#source-{source}">{numbers[source]}</a></sup>'

    def segment(is_code: bool, part: str) -> str:
        if not is_code:
            return CITATION.sub(cite, part) if "[@" in part else part
        found = PATTERN_SPAN.match(part)
        if found and found.group(1) in patterns:
            return f"[{md_text(patterns[found.group(1)].name)}](../patterns/{found.group(1)}.md)"
        return part

    lines = []
    for _, line, _, _, segments in read_lines(body):
        lines.append(line if segments is None else "".join(segment(c, p) for c, p in segments))
    return "\n".join(lines).strip() + "\n"


def split_at_references(body: str) -> tuple[str, str]:
    """(the story, what follows the references): the body is split before its reference
    section ('Further reading'), if it has one, so that References come where the story ends."""
    for offset, line, _, _, segments in read_lines(body):
        heading = ATX.match(line) if segments is not None and line.startswith("##") else None
        if heading and len(heading.group(1)) == 2 and (heading.group(2) or "").strip() == schema.AFTER_REFERENCES:
            lines = body.split("\n")
            return "\n".join(lines[:offset]).rstrip() + "\n", "\n" + "\n".join(lines[offset:]).strip() + "\n"
    return body, ""


def page_inputs(case: Case, corpus: Corpus, site: SiteInfo, links: Links) -> str:
    """A fingerprint of everything render_case_page reads for this entry."""
    vocabulary = [(corpus.vocabulary(v).terms[t].name if t in corpus.vocabulary(v).terms else t)
                  for v, ids in (("patterns", case.patterns), ("domains", case.domains)) for t in ids]
    seen = (
        # the text by its length and hash: a text the preview kept in memory is the same string
        # object from one rebuild to the next, and a string keeps its hash once computed
        case.id, sorted(case.front_matter.items(), key=lambda kv: kv[0]).__repr__(), len(case.body), hash(case.body),
        case.words, vocabulary,
        [(o.id, o.title, o.company, o.when, o.patterns, o.domains) for o in case.related],
        [(r, o.id, o.title, o.when) for r, o in links.story.get(case.id, [])],
        [(p.id, p.title, len(p.entries), i, a and (a.id, a.title), b and (b.id, b.title))
         for p, i, a, b in links.paths.get(case.id, [])],
        site.repo_url, site.branch, site.cases_path, site.dates.get(case.id))
    return hashlib.sha256(repr(seen).encode()).hexdigest()


def entry_pages(corpus: Corpus, site: SiteInfo | None = None, memo: dict | None = None) -> dict[str, GeneratedPage]:
    """Every entry's page. With a memo (the preview keeps one across rebuilds), a page whose
    inputs are unchanged is taken from it instead of being rendered again."""
    site = site or SiteInfo()
    links = Links.of(corpus)
    pages = {}
    for case in corpus.cases:
        if memo is None:
            pages[routes.case_page(case)] = render_case_page(case, corpus, site, links)
            continue
        key = page_inputs(case, corpus, site, links)
        if key not in memo:
            memo[key] = render_case_page(case, corpus, site, links)
        pages[routes.case_page(case)] = memo[key]
    return pages
