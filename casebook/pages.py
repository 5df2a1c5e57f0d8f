"""Generate the site's Markdown pages from a Corpus.

Every function here is pure: the same corpus gives the same bytes. Nothing is
written to disk; the MkDocs plugin hands the pages to MkDocs in memory.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import defaultdict

from .loader import CITATION, fenced_lines
from .model import Case, Corpus, Term, format_factor, format_number, slugify

LEVEL_NAMES = {"intro": "Intro", "intermediate": "Intermediate", "advanced": "Advanced"}
KIND_NAMES = {"case": "Case study", "design": "System design"}
# The characters Python-Markdown (with tables) lets a backslash escape.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+.!|-])")


def text(value: object) -> str:
    """Contributor text made inert inside generated Markdown: no markup, no HTML."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(value))
    return html.escape(escaped, quote=True)


def html_text(value: object) -> str:
    """Contributor text inside a raw HTML element, where Markdown is not processed."""
    return html.escape(str(value), quote=True)


def url(value: str) -> str:
    """A validated https URL made safe inside Markdown link syntax."""
    return "".join(f"%{ord(c):02X}" if c in '()<>"\'` ' else c for c in value)


def rel(from_page: str, to_page: str) -> str:
    """Relative link between two generated pages (paths relative to the docs root)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def case_page(case: Case) -> str:
    return f"cases/{case.id}.md"


def term_page(vocabulary: str, term_id: str) -> str:
    return f"{vocabulary}/{term_id}.md"


def company_page(name: str) -> str:
    return f"companies/{slugify(name)}.md"


def technology_page(name: str) -> str:
    return f"technologies/{slugify(name)}.md"


def link(label: str, from_page: str, to_page: str) -> str:
    return f"[{text(label)}]({rel(from_page, to_page)})"


def sortable(table: str) -> str:
    """Wrap a Markdown table so the site's script lets a reader sort it by any column."""
    return f'<div class="cb-sortable" markdown>\n\n{table}\n</div>\n'


# Index pages are wide tables: give them the whole width (Material's page meta).
WIDE = "---\nhide: [navigation, toc]\n---\n\n"


def table(headers: list[str], rows: list[list[str]], align: str = "") -> str:
    aligns = align or "l" * len(headers)
    rule = ["---:" if a == "r" else "---" for a in aligns]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def by_title(cases) -> list[Case]:
    return sorted(cases, key=lambda c: (c.title.lower(), c.id))


def by_year(cases) -> list[Case]:
    return sorted(cases, key=lambda c: (-c.year, c.title.lower(), c.id))


# --- case pages -----------------------------------------------------------

def render_case_page(case: Case, corpus: Corpus) -> str:
    here = case_page(case)
    numbers = {source.id: index for index, source in enumerate(case.sources, 1)}
    out = [f"# {text(case.title)}\n", '<div class="cb-card" markdown>\n', f'<p class="cb-summary">{html_text(case.summary)}</p>\n']
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
    return "\n".join(out)


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


def render_cases_index(corpus: Corpus) -> str:
    here = "cases/index.md"
    rows = []
    for case in by_title(corpus.cases):
        rows.append([
            link(case.title, here, case_page(case)),
            link(case.company, here, company_page(case.company)) if case.company else "—",
            str(case.year), KIND_NAMES[case.kind], LEVEL_NAMES[case.level],
            _terms(corpus, "patterns", case.patterns, here),
            format_factor(case.best_factor) if case.best_factor else "—",
            text(case.outcome),
        ])
    headers = ["Case", "Company", "Year", "Kind", "Level", "Patterns", "Best improvement", "Key outcome"]
    return (f"{WIDE}# All cases\n\n{plural(len(corpus.cases), 'case')}. Select a column heading to sort.\n\n"
            + sortable(table(headers, rows)))


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


def render_term_page(corpus: Corpus, vocabulary: str, term: Term) -> str:
    here = term_page(vocabulary, term.id)
    terms = corpus.vocabulary(vocabulary).terms
    out = [f"# {text(term.name)}\n", f'<p class="cb-definition">{html_text(term.definition)}</p>\n']
    if term.aliases:
        out.append(f"**Also called:** {text(', '.join(term.aliases))}\n")
    for heading, prose in (("What it is", term.what_it_is), ("When it pays", term.when_it_pays),
                           ("What it costs", term.what_it_costs)):
        out.append(f"## {heading}\n\n{text(prose.strip())}\n")
    if term.related:
        related = ", ".join(link(terms[r].name, here, term_page(vocabulary, r)) for r in term.related if r in terms)
        out.append(f"**Related {vocabulary}:** {related}\n")
    cases = by_year(_term_cases(corpus, vocabulary)[term.id])
    out.append(f"## Cases ({len(cases)})\n")
    out.append(_case_table(cases, here) if cases else f"No case applies this {vocabulary[:-1]} yet.\n")
    return "\n".join(out)


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
    return f"# {text(name)}\n\n{plural(len(cases), 'case')}, newest first.\n\n" + \
        _case_table(by_year(cases), here, with_company=False)


def render_technology_page(name: str, cases: list[Case]) -> str:
    here = technology_page(name)
    rows = []
    for case in by_year(cases):
        role = "before and after" if name in case.before and name in case.after else \
            "before (replaced)" if name in case.before else "after (adopted)"
        rows.append(_case_rows([case], here)[0][:3] + [role, text(case.outcome)])
    return (f"# {text(name)}\n\nCases that used {text(name)} before or after their change.\n\n"
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
    out.append("\n</div>\n\n## Newest cases\n")
    out.append(_case_table(by_year(corpus.cases)[:5], "index.md"))
    return "\n".join(out)


def generate_pages(corpus: Corpus) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown."""
    pages = {case_page(case): render_case_page(case, corpus) for case in corpus.cases}
    pages["cases/index.md"] = render_cases_index(corpus)
    for vocabulary in ("patterns", "domains"):
        pages[f"{vocabulary}/index.md"] = render_vocabulary_index(corpus, vocabulary)
        for term in corpus.vocabulary(vocabulary).terms.values():
            pages[term_page(vocabulary, term.id)] = render_term_page(corpus, vocabulary, term)
    company_groups = companies(corpus)
    pages["companies/index.md"] = render_group_index("Companies", "companies", company_groups)
    for slug, (name, cases) in company_groups.items():
        pages[f"companies/{slug}.md"] = render_company_page(name, cases)
    tech_groups = technologies(corpus)
    pages["technologies/index.md"] = render_group_index("Technologies", "technologies", tech_groups)
    for slug, (name, cases) in tech_groups.items():
        pages[f"technologies/{slug}.md"] = render_technology_page(name, cases)
    return pages
