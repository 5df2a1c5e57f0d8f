"""Generate the site's Markdown pages from a Corpus.

Every function here is pure: the same corpus gives the same bytes. Nothing is
written to disk; the MkDocs plugin hands the pages to MkDocs in memory.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

import yaml

from .loader import CITATION, fenced_lines
from .explore import (KIND_NAMES, LEVEL_NAMES, WIDE, case_page, company_page, explore_pages, plural, slugify,
                      story_links, technology_page, term_page)
from .explore import esc as html_text
from .model import Case, Corpus, Term, format_factor, format_number

# The characters Python-Markdown (with tables) lets a backslash escape.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+.!|-])")


def text(value: object) -> str:
    """Contributor text made inert inside generated Markdown: no markup, no HTML."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(value))
    return html.escape(escaped, quote=True)


def page_title(value: object) -> str:
    """The page's '# ' title, led by the same title as page meta: Material writes an h1's
    text into <title> through Jinja's striptags, which turns &lt; back into live '<'."""
    meta = yaml.safe_dump({"title": html_text(value)}, allow_unicode=True, width=1_000_000)
    return f"---\n{meta}---\n\n# {text(value)}\n"


def url(value: str) -> str:
    """A validated https URL made safe inside Markdown link syntax."""
    return "".join(f"%{ord(c):02X}" if c in '()<>"\'` ' else c for c in value)


def rel(from_page: str, to_page: str) -> str:
    """Relative link between two generated pages (paths relative to the docs root)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def link(label: str, from_page: str, to_page: str) -> str:
    return f"[{text(label)}]({rel(from_page, to_page)})"


def sortable(table: str) -> str:
    """Wrap a Markdown table so the site's script lets a reader sort it by any column."""
    return f'<div class="cb-sortable" markdown>\n\n{table}\n</div>\n'


def table(headers: list[str], rows: list[list[str]], align: str = "") -> str:
    aligns = align or "l" * len(headers)
    rule = ["---:" if a == "r" else "---" for a in aligns]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def by_title(cases) -> list[Case]:
    return sorted(cases, key=lambda c: (c.title.lower(), c.id))


def by_year(cases) -> list[Case]:
    return sorted(cases, key=lambda c: (-c.year, c.title.lower(), c.id))


@dataclass(frozen=True)
class SiteInfo:
    """What pages need beyond the cases: where their source files live, and when each changed."""

    repo_url: str = ""            # e.g. https://github.com/org/casebook; empty: no edit or correction links
    branch: str = "main"
    cases_path: str = "cases"     # the cases folder, relative to the repository root
    dates: dict = field(default_factory=dict)  # case id -> (added, last changed), ISO dates from git

    def edit_url(self, case: Case) -> str:
        return f"{self.repo_url}/edit/{self.branch}/{self.cases_path}/{case.id}.md"

    def correction_url(self, case: Case) -> str:
        query = urlencode({"template": "correction.yml", "case": case.id, "title": f"Correction: {case.id}"})
        return f"{self.repo_url}/issues/new?{query}"


# --- case pages -----------------------------------------------------------

def render_case_page(case: Case, corpus: Corpus, site: SiteInfo | None = None,
                     story: dict | None = None) -> str:
    here = case_page(case)
    site = site or SiteInfo()
    numbers = {source.id: index for index, source in enumerate(case.sources, 1)}
    out = [page_title(case.title), '<div class="cb-card" markdown>\n', f'<p class="cb-summary">{html_text(case.summary)}</p>\n']
    out.append(f'<p class="cb-outcome"><strong>Key outcome:</strong> {html_text(case.outcome)}</p>\n')
    facts = []
    if case.company:
        facts.append(("Company", link(case.company, here, company_page(case.company))))
    facts.append(("Year", str(case.year)))
    facts.append(("Kind", KIND_NAMES[case.kind]))
    facts.append(("Domains", _terms(corpus, "domains", case.domains, here)))
    facts.append(("Patterns", _terms(corpus, "patterns", case.patterns, here)))
    if case.before or case.after:
        facts.append(("Technologies", _technologies(case, here)))
    for relation, other in (story or {}).get(case.id, []):
        facts.append((relation.capitalize(), link(other.title, here, case_page(other))))
    facts.append(("Level", LEVEL_NAMES[case.level]))
    facts.append(("Reading time", f"{case.reading_minutes} min"))
    out.append('<div class="cb-facts" markdown>\n')
    out += [f"- **{label}:** {value}" for label, value in facts]
    out.append("\n</div>\n")
    if case.metrics:
        rows = [[text(m.name), text(f"{format_number(m.before)} {m.unit}"), text(f"{format_number(m.after)} {m.unit}"),
                 format_factor(m.factor), _cite(m.source, numbers)]
                for m in case.metrics]
        out.append('<div class="cb-metrics" markdown>\n')
        out.append(table(["Metric", "Before", "After", "Improvement", "Source"], rows, "lrrrl"))
        out.append("</div>\n")
    out.append('<div class="cb-sources" markdown>\n')
    out.append("**Sources**\n")
    for index, source in enumerate(case.sources, 1):
        tag = " · primary" if source.primary else ""
        out.append(f"{index}. [{text(source.title)}]({url(source.url)}){{#source-{source.id} rel=\"noopener\"}}"
                   f" — {text(source.publisher)}, {source.date}{tag}")
    out.append("\n</div>\n\n</div>\n")
    out.append(render_body(case.body, numbers))
    out.append(_related_section(case, corpus, here))
    out.append(_page_meta(case, site))
    return "\n".join(out)


def _page_meta(case: Case, site: SiteInfo) -> str:
    """Last change (from git), and where to edit the file or report a mistake."""
    parts = []
    added, changed = site.dates.get(case.id, (None, None))
    parts.append(f"Last changed {changed}" if changed else "Not yet committed")
    source = f"{site.cases_path}/{case.id}.md"
    if site.repo_url:
        parts.append(f"[Edit `{source}`]({url(site.edit_url(case))}){{rel=\"noopener\"}}")
        parts.append(f"[Report a correction]({url(site.correction_url(case))}){{rel=\"noopener\"}}")
    else:
        parts.append(f"Source file `{source}`")
    return '\n<div class="cb-page-meta" markdown>\n\n' + " · ".join(parts) + "\n\n</div>\n"


def _cite(source_id: str, numbers: dict[str, int]) -> str:
    return f"[[{numbers[source_id]}]](#source-{source_id})"


def _terms(corpus: Corpus, vocabulary: str, ids, here: str) -> str:
    terms = corpus.vocabulary(vocabulary).terms
    return ", ".join(link(terms[t].name, here, term_page(vocabulary, t)) for t in ids)


def _technologies(case: Case, here: str) -> str:
    def names(items):
        return ", ".join(link(n, here, technology_page(n)) for n in items) or "—"
    if case.before == case.after:
        return names(case.after)
    return f"{names(case.before)} → {names(case.after)}"


def render_body(body: str, numbers: dict[str, int]) -> str:
    """The contributor's Markdown with [@id] citations turned into numbered links."""
    lines = []
    for _, line, info, _ in fenced_lines(body):
        if info is None:
            line = CITATION.sub(lambda m: f"<sup>{_cite(m.group(1), numbers)}</sup>", line)
        lines.append(line)
    return "\n".join(lines).strip() + "\n"


def _related_section(case: Case, corpus: Corpus, here: str) -> str:
    out = ["\n## Related cases\n"]
    if not case.related:
        out.append("No other case shares a pattern or domain with this one yet.\n")
        return "\n".join(out)
    patterns = corpus.patterns.terms
    domains = corpus.domains.terms
    rows = []
    for other in case.related:
        shared = [patterns[p].name for p in other.patterns if p in case.patterns]
        shared += [domains[d].name for d in other.domains if d in case.domains]
        rows.append([link(other.title, here, case_page(other)), text(other.company or "—"), str(other.year),
                     text(", ".join(shared))])
    out.append(table(["Case", "Company", "Year", "Shares"], rows))
    return "\n".join(out)


# --- index pages ----------------------------------------------------------

def _case_rows(cases, here: str, with_company: bool = True) -> list[list[str]]:
    rows = []
    for case in cases:
        row = [link(case.title, here, case_page(case))]
        if with_company:
            row.append(link(case.company, here, company_page(case.company)) if case.company else "—")
        row += [str(case.year), text(case.outcome)]
        rows.append(row)
    return rows


def _case_table(cases, here: str, with_company: bool = True) -> str:
    headers = ["Case"] + (["Company"] if with_company else []) + ["Year", "Key outcome"]
    return sortable(table(headers, _case_rows(cases, here, with_company)))


def render_vocabulary_index(corpus: Corpus, vocabulary: str) -> str:
    here = f"{vocabulary}/index.md"
    counts = _term_cases(corpus, vocabulary)
    terms = sorted(corpus.vocabulary(vocabulary).terms.values(), key=lambda t: t.name.lower())
    rows = [[link(t.name, here, term_page(vocabulary, t.id)), text(t.definition), str(len(counts[t.id]))] for t in terms]
    title = vocabulary.capitalize()
    version = corpus.vocabulary(vocabulary).version
    return (f"{WIDE}# {title}\n\n{len(terms)} {vocabulary} in vocabulary version {version}.\n\n"
            + sortable(table([title[:-1], "Definition", "Cases"], rows, "llr")))


def _term_cases(corpus: Corpus, vocabulary: str) -> dict[str, list[Case]]:
    found: dict[str, list[Case]] = defaultdict(list)
    for case in corpus.cases:
        for term in getattr(case, vocabulary):
            found[term].append(case)
    return found


def render_term_page(corpus: Corpus, vocabulary: str, term: Term, cases: list[Case]) -> str:
    """A term's page; `cases` are the cases that list it (computed once for all terms)."""
    here = term_page(vocabulary, term.id)
    terms = corpus.vocabulary(vocabulary).terms
    out = [page_title(term.name), f'<p class="cb-definition">{html_text(term.definition)}</p>\n']
    if term.aliases:
        out.append(f"**Also called:** {text(', '.join(term.aliases))}\n")
    for heading, prose in (("What it is", term.what_it_is), ("When it pays", term.when_it_pays),
                           ("What it costs", term.what_it_costs)):
        out.append(f"## {heading}\n\n{text(prose.strip())}\n")
    if term.related:
        related = ", ".join(link(terms[r].name, here, term_page(vocabulary, r)) for r in term.related if r in terms)
        out.append(f"**Related {vocabulary}:** {related}\n")
    cases = by_year(cases)
    if vocabulary == "patterns":
        out.append(f"## Known uses ({len(cases)})\n")
        out.append(_known_uses(cases, here) if cases else "No case applies this pattern yet.\n")
    else:
        out.append(f"## Cases ({len(cases)})\n")
        out.append(_case_table(cases, here) if cases else f"No case applies this {vocabulary[:-1]} yet.\n")
    return "\n".join(out)


def _known_uses(cases, here: str) -> str:
    """Who applied a pattern, when, with what outcome, and where it is told (ATT&CK's procedure examples)."""
    rows = []
    for case in cases:
        source = case.primary_source
        rows.append([text(case.company or KIND_NAMES[case.kind]), link(case.title, here, case_page(case)),
                     str(case.year), text(case.outcome),
                     f"[{text(source.title)}]({url(source.url)}){{rel=\"noopener\"}}"])
    return sortable(table(["Company", "Case", "Year", "Outcome", "Source"], rows))


def _groups(corpus: Corpus, names_of) -> dict[str, tuple[str, list[Case]]]:
    """slug -> (display name, cases), for companies or technologies."""
    groups: dict[str, tuple[str, list[Case]]] = {}
    for case in corpus.cases:
        for name in names_of(case):
            slug = slugify(name)
            groups.setdefault(slug, (name, []))[1].append(case)
    return groups


def companies(corpus: Corpus):
    return _groups(corpus, lambda c: [c.company] if c.company else [])


def technologies(corpus: Corpus):
    return _groups(corpus, lambda c: c.technologies)


def render_group_index(title: str, folder: str, groups) -> str:
    here = f"{folder}/index.md"
    rows = [[link(name, here, f"{folder}/{slug}.md"), str(len(cases))]
            for slug, (name, cases) in sorted(groups.items(), key=lambda kv: (kv[1][0].lower(), kv[0]))]
    return f"{WIDE}# {title}\n\n" + sortable(table([title.rstrip("s").replace("Companie", "Company"), "Cases"], rows, "lr"))


def render_company_page(name: str, cases: list[Case]) -> str:
    here = company_page(name)
    return f"{page_title(name)}\n{plural(len(cases), 'case')}, newest first.\n\n" + \
        _case_table(by_year(cases), here, with_company=False)


def render_technology_page(name: str, cases: list[Case]) -> str:
    here = technology_page(name)
    rows = []
    for case in by_year(cases):
        role = "before and after" if name in case.before and name in case.after else \
            "before (replaced)" if name in case.before else "after (adopted)"
        rows.append(_case_rows([case], here)[0][:3] + [role, text(case.outcome)])
    return (f"{page_title(name)}\nCases that used {text(name)} before or after their change.\n\n"
            + sortable(table(["Case", "Company", "Year", "Role", "Key outcome"], rows)))


def render_home_stats(corpus: Corpus) -> str:
    kinds = defaultdict(int)
    for case in corpus.cases:
        kinds[case.kind] += 1
    stats = [
        (plural(len(corpus.cases), "case"), "cases/index.md",
         f"{plural(kinds['case'], 'company case study', 'company case studies')}, "
         f"{plural(kinds['design'], 'system design')}"),
        (f"{len(corpus.patterns.terms)} patterns", "patterns/index.md", "reusable techniques, each with its cases"),
        (f"{len(corpus.domains.terms)} domains", "domains/index.md", "areas of engineering"),
        (f"{len(companies(corpus))} companies", "companies/index.md", "whose systems are described"),
        (f"{len(technologies(corpus))} technologies", "technologies/index.md", "used before or after a change"),
    ]
    out = ['<div class="cb-stats" markdown>\n']
    out += [f"- [**{label}**]({target}) — {note}" for label, target, note in stats]
    out.append("\n</div>\n\n## Explore\n")
    out += [f"- [{label}]({target}) — {note}" for label, target, note in (
        ("All cases", "cases/index.md", "filter by domain, pattern, company, technology, year, level and kind"),
        ("Metrics explorer", "metrics/index.md", "every before/after measurement, sortable by improvement"),
        ("Technology migrations", "migrations/index.md", "every recorded move from one technology to another"),
        ("Pattern map", "map/index.md", "which patterns each domain uses, with counts"),
        ("Timeline", "timeline/index.md", "cases by year, and each company's story in order"))]
    out.append("\n## Newest cases\n")
    out.append(_case_table(by_year(corpus.cases)[:5], "index.md"))
    out.append("\n## Open data\n")
    out.append("The data behind every page, free to reuse ([about the files](data/index.md)): "
               "[cases.json](cases.json) · [cases.csv](cases.csv) · "
               "[JSON Schema of a case](schema/case.json) · [Atom feed](feed.xml)\n")
    return "\n".join(out)


def generate_pages(corpus: Corpus, site: SiteInfo | None = None) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown."""
    story = story_links(corpus)
    pages = {case_page(case): render_case_page(case, corpus, site, story) for case in corpus.cases}
    pages.update(explore_pages(corpus))
    for vocabulary in ("patterns", "domains"):
        pages[f"{vocabulary}/index.md"] = render_vocabulary_index(corpus, vocabulary)
        found = _term_cases(corpus, vocabulary)
        for term in corpus.vocabulary(vocabulary).terms.values():
            pages[term_page(vocabulary, term.id)] = render_term_page(corpus, vocabulary, term, found[term.id])
    company_groups = companies(corpus)
    pages["companies/index.md"] = render_group_index("Companies", "companies", company_groups)
    for slug, (name, cases) in company_groups.items():
        pages[f"companies/{slug}.md"] = render_company_page(name, cases)
    tech_groups = technologies(corpus)
    pages["technologies/index.md"] = render_group_index("Technologies", "technologies", tech_groups)
    for slug, (name, cases) in tech_groups.items():
        pages[f"technologies/{slug}.md"] = render_technology_page(name, cases)
    return pages
