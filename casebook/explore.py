"""Pages that look across all cases: the faceted catalog, the metrics explorer,
technology migrations, the pattern map and the timeline.

Their long lists carry data-pagefind-ignore: search finds each case on its own page.

These pages are mostly raw HTML inside Markdown, for two reasons: table rows
carry the data attributes the site's script filters on, and Python-Markdown
would spend most of a large build parsing thousand-row Markdown tables. Links
in raw HTML are not rewritten by MkDocs, so they are written here as the URLs
of the built site (directory URLs), with `href()`.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
from collections import Counter, defaultdict
from urllib.parse import urlencode

from .model import Case, Corpus, format_factor, format_number, slugify

# Pages (docs-relative source paths) of this module.
CATALOG = "cases/index.md"
METRICS = "metrics/index.md"
MIGRATIONS = "migrations/index.md"
MAP = "map/index.md"
TIMELINE = "timeline/index.md"

LEVEL_NAMES = {"intro": "Intro", "intermediate": "Intermediate", "advanced": "Advanced"}
KIND_NAMES = {"case": "Case study", "design": "System design"}
WIDE = "---\nhide: [navigation, toc]\n---\n\n"
CHART_BARS = 30
# The catalog and the metrics explorer show this many rows at first, with a button for more:
# laying out a 2,000-row table is what made the page slow, not filtering it. Without
# JavaScript every row shows. The class is set before the table is parsed, by MARK_JS.
FIRST_ROWS = 100
MARK_JS = '<script>document.documentElement.classList.add("cb-js")</script>\n'
# Links inside SVG use xlink:href: Material's instant navigation rewrites the href of every
# link it finds with a[href], and an SVG link's href cannot be set (a console error).
SVG_NAMESPACES = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
DIAGRAM_EDGES = 60


def plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def esc(value: object) -> str:
    """Contributor text made inert in raw HTML (also in attribute values)."""
    return html.escape(str(value), quote=True)


def page_url(page: str) -> str:
    """The URL path (relative to the site root) that MkDocs gives a docs page."""
    if page == "index.md":
        return ""
    stem = page[:-3]
    return stem[: -len("index")] if stem.endswith("/index") or stem == "index" else stem + "/"


def href(from_page: str, to_page: str, query: dict | None = None, fragment: str = "") -> str:
    """A relative URL from one built page to another, for raw HTML."""
    here, there = page_url(from_page), page_url(to_page)
    rel = posixpath.relpath("/" + there, "/" + here) if there != here else "."
    rel = "./" if rel == "." else rel + "/"
    if query:
        rel += "?" + urlencode(query, doseq=True)
    return esc(rel + (f"#{fragment}" if fragment else ""))


def a(label: str, from_page: str, to_page: str, **kwargs) -> str:
    return f'<a href="{href(from_page, to_page, **kwargs)}">{esc(label)}</a>'


def external(label: str, target: str) -> str:
    return f'<a href="{esc(target)}" rel="noopener">{esc(label)}</a>'


def case_page(case: Case) -> str:
    return f"cases/{case.id}.md"


def term_page(vocabulary: str, term_id: str) -> str:
    return f"{vocabulary}/{term_id}.md"


def company_page(name: str) -> str:
    return f"companies/{slugify(name)}.md"


def technology_page(name: str) -> str:
    return f"technologies/{slugify(name)}.md"


MORE_BUTTON = '<p><button type="button" class="md-button cb-show-more" hidden></button></p>\n'


def later(index: int) -> str:
    return ' class="cb-later"' if index >= FIRST_ROWS else ""


def factor_key(factor: float | None) -> str:
    """A sort key for an improvement factor: none sorts lowest, 'eliminated' highest."""
    if factor is None:
        return "0"
    return "Infinity" if math.isinf(factor) else f"{factor:.6g}"


def html_table(headers: list[str], rows: list[str], head_attrs: list[str] | None = None) -> str:
    """A raw HTML table; each row is already rendered, <tr> included.

    The table has no class of its own: Material styles only `table:not([class])`,
    so the class that names it goes on the element around it."""
    heads = "".join(f"<th{(' ' + head_attrs[i]) if head_attrs and head_attrs[i] else ''}>{h}</th>"
                    for i, h in enumerate(headers))
    body = "\n".join(rows)
    return f"<table>\n<thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


# --- the faceted catalog --------------------------------------------------

FACETS = (  # URL key, label, how several chosen values combine
    ("domain", "Domain", "all"),
    ("pattern", "Pattern", "all"),
    ("company", "Company", "any"),
    ("tech", "Technology", "all"),
    ("level", "Level", "any"),
    ("kind", "Kind", "any"),
)


def facet_values(case: Case) -> dict[str, list[str]]:
    """The facet values of one case, as the catalog's URL spells them."""
    return {
        "domain": list(case.domains),
        "pattern": list(case.patterns),
        "company": [slugify(case.company)] if case.company else [],
        "tech": [slugify(t) for t in case.technologies],
        "level": [case.level],
        "kind": [case.kind],
    }


def facet_names(corpus: Corpus) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {
        "domain": {t.id: t.name for t in corpus.domains.terms.values()},
        "pattern": {t.id: t.name for t in corpus.patterns.terms.values()},
        "company": {}, "tech": {}, "level": dict(LEVEL_NAMES), "kind": dict(KIND_NAMES),
    }
    for case in corpus.cases:
        if case.company:
            names["company"].setdefault(slugify(case.company), case.company)
        for tech in case.technologies:
            names["tech"].setdefault(slugify(tech), tech)
    used = defaultdict(set)
    for case in corpus.cases:
        for key, values in facet_values(case).items():
            used[key].update(values)
    return {key: {v: n for v, n in sorted(names[key].items()) if v in used[key]} for key in names}


def render_catalog(corpus: Corpus) -> str:
    here = CATALOG
    terms = {"domain": corpus.domains.terms, "pattern": corpus.patterns.terms}
    rows = []
    for case in sorted(corpus.cases, key=lambda c: (c.title.lower(), c.id)):
        values = facet_values(case)
        attrs = " ".join(f'data-{key}="{esc(" ".join(values[key]))}"' for key, _, _ in FACETS)
        searchable = esc(f"{case.title} {case.summary} {case.company or ''}".lower())
        company = a(case.company, here, company_page(case.company)) if case.company else "—"
        patterns = ", ".join(a(terms["pattern"][p].name, here, term_page("patterns", p)) for p in case.patterns)
        factor = case.best_factor
        rows.append(
            f'<tr id="{esc(case.id)}"{later(len(rows))} data-year="{case.year}" data-factor="{factor_key(factor)}" '
            f'data-title="{esc(case.title.lower())}" data-text="{searchable}" {attrs}>'
            f"<td>{a(case.title, here, case_page(case))}</td><td>{company}</td><td>{case.year}</td>"
            f"<td>{KIND_NAMES[case.kind]}</td><td>{LEVEL_NAMES[case.level]}</td><td>{patterns}</td>"
            f'<td data-sort="{factor_key(factor)}">{format_factor(factor) if factor else "—"}</td>'
            f"<td>{esc(case.outcome)}</td></tr>")
    years = sorted({c.year for c in corpus.cases})
    config = {"facets": [{"key": k, "label": label, "mode": mode} for k, label, mode in FACETS],
              "names": facet_names(corpus), "years": years}
    table = html_table(["Case", "Company", "Year", "Kind", "Level", "Patterns", "Best improvement", "Key outcome"],
                       rows)
    # In an attribute, not a <script type="application/json">: Material's instant navigation
    # re-runs every script element of the new page, whatever its type.
    data = esc(json.dumps(config, ensure_ascii=True, sort_keys=True))
    return (
        f"{WIDE}# All cases\n\n"
        f'{MARK_JS}<div class="cb-catalog" data-pagefind-ignore data-cb-catalog data-config="{data}" data-first-rows="{FIRST_ROWS}">\n'
        f'<p class="cb-catalog-status" aria-live="polite">{plural(len(corpus.cases), "case")}, by title. '
        f"Filters and sorting need JavaScript; without it this is the full list.</p>\n"
        f'<form class="cb-facets" hidden role="search" aria-label="Filter cases"></form>\n'
        f'<div class="cb-catalog-results">\n{table}{MORE_BUTTON}</div>\n'
        f"</div>\n"
    )


def catalog_link(from_page: str, **filters: str) -> str:
    """A link into the catalog filtered by the given facets."""
    return href(from_page, CATALOG, query=filters)


# --- the metrics explorer -------------------------------------------------

def all_metrics(corpus: Corpus):
    """(case, metric, source) for every metric of every case, largest improvement first."""
    found = []
    for case in corpus.cases:
        sources = {s.id: s for s in case.sources}
        for metric in case.metrics:
            found.append((case, metric, sources[metric.source]))
    return sorted(found, key=lambda t: (-(t[1].factor if t[1].factor is not None else -1), t[0].title.lower(),
                                        t[1].name.lower()))


def render_metrics(corpus: Corpus) -> str:
    here = METRICS
    metrics = all_metrics(corpus)
    rows = []
    for case, metric, source in metrics:
        factor = metric.factor
        searchable = esc(f"{metric.name} {metric.unit} {case.title} {case.company or ''}".lower())
        rows.append(
            f'<tr{later(len(rows))} data-factor="{factor_key(factor)}" data-text="{searchable}">'
            f"<td>{a(case.title, here, case_page(case))}</td><td>{esc(case.company or '—')}</td>"
            f"<td>{esc(metric.name)}</td>"
            f'<td data-sort="{metric.before}">{format_number(metric.before)}</td>'
            f'<td data-sort="{metric.after}">{format_number(metric.after)}</td>'
            f"<td>{esc(metric.unit)}</td>"
            f'<td data-sort="{factor_key(factor)}">{format_factor(factor)}</td>'
            f"<td>{external(source.title, source.url)}</td></tr>")
    heads = ["Case", "Company", "Metric", "Before", "After", "Unit", "Improvement", "Source"]
    first = [""] * 3 + ['data-first="descending"'] * 2 + ["", 'data-first="descending"', ""]
    table = html_table(heads, rows, first)
    cases = len({case.id for case, _, _ in metrics})
    intro = (f"{plural(len(metrics), 'before/after measurement')} from {plural(cases, 'case')}, each from the source named in its row. "
             "The improvement factor is computed from the two values in the direction that counts as better "
             "(lower latency, higher throughput).")
    controls = ('<form class="cb-metric-filter" hidden role="search" aria-label="Filter metrics">'
                '<label>Metric, case or company contains <input type="search" name="q"></label> '
                '<label>Improved at least <input type="number" name="min" min="0" step="any" inputmode="decimal">×</label>'
                '<output class="cb-metric-count" aria-live="polite"></output></form>\n')
    return (f"{WIDE}# Metrics explorer\n\n{intro}\n\n"
            f"{render_factor_chart(metrics, here)}\n"
            f'{MARK_JS}<div class="cb-metrics-explorer" data-pagefind-ignore data-cb-metrics data-first-rows="{FIRST_ROWS}">\n{controls}'
            f'<div class="cb-sortable">\n{table}</div>\n{MORE_BUTTON}</div>\n')


def render_factor_chart(metrics, here: str) -> str:
    """A horizontal bar chart (log scale) of the largest finite improvement factors, as SVG."""
    finite = [(c, m) for c, m, _ in metrics if m.factor is not None and not math.isinf(m.factor) and m.factor > 0]
    if not finite:
        return "No case has a before/after metric yet.\n"
    shown = finite[:CHART_BARS]
    top = max(m.factor for _, m in shown)
    low = min(1.0, min(m.factor for _, m in shown))
    span = math.log10(top) - math.log10(low) or 1.0
    label_w, bar_w, row_h = 330, 330, 22
    height = row_h * len(shown) + 30
    x0 = label_w + 10

    def x(value: float) -> float:
        return x0 + bar_w * (math.log10(value) - math.log10(low)) / span

    parts = []
    for index, (case, metric) in enumerate(shown):
        y = 10 + index * row_h
        label = f"{case.company or case.title}: {metric.name}"
        short = label if len(label) <= 52 else label[:51] + "…"
        width = max(x(metric.factor) - x0, 1.5)
        worse = " (worse)" if metric.factor < 1 else ""
        parts.append(
            f'<a xlink:href="{href(here, case_page(case))}"><title>{esc(label)}: {esc(format_factor(metric.factor))}{worse}</title>'
            f'<text x="{label_w}" y="{y + 15}" text-anchor="end" class="cb-chart-label">{esc(short)}</text>'
            f'<rect x="{x0}" y="{y + 3}" width="{width:.1f}" height="{row_h - 8}" class="cb-chart-bar"/>'
            f'<text x="{x0 + width + 6:.1f}" y="{y + 15}" class="cb-chart-value">{esc(format_factor(metric.factor))}</text></a>')
    axis_y = 10 + len(shown) * row_h
    ticks = []
    power = math.floor(math.log10(low))
    while 10 ** power <= top * 1.0001:
        if 10 ** power >= low:
            tx = x(10 ** power)
            ticks.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="8" y2="{axis_y}" class="cb-chart-grid"/>'
                         f'<text x="{tx:.1f}" y="{axis_y + 14}" text-anchor="middle" class="cb-chart-tick">'
                         f"{esc(format_factor(10 ** power))}</text>")
        power += 1
    note = (f"The {len(shown)} largest finite improvement factors of {len(finite)}"
            if len(finite) > len(shown) else f"All {len(finite)} finite improvement factors")
    title = f"{note}, on a logarithmic scale; each bar links to its case."
    return (f'<figure class="cb-chart">\n<svg viewBox="0 0 {x0 + bar_w + 80} {height}" role="img" '
            f'aria-labelledby="cb-chart-title" {SVG_NAMESPACES}>'
            f'<title id="cb-chart-title">{esc(title)}</title>{"".join(ticks)}{"".join(parts)}</svg>\n'
            f"<figcaption>{esc(title)} The table below has every value.</figcaption>\n</figure>\n")


# --- technology migrations ------------------------------------------------

def migration_edges(corpus: Corpus) -> list[tuple[str, str, list[Case]]]:
    """(from, to, cases) for every technology move, most cases first."""
    edges: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in corpus.cases:
        for old, new in case.migrations:
            edges[(old, new)].append(case)
    return sorted(((old, new, sorted(cases, key=lambda c: (c.year, c.id))) for (old, new), cases in edges.items()),
                  key=lambda e: (-len(e[2]), e[0].lower(), e[1].lower()))


def edge_anchor(old: str, new: str) -> str:
    return f"move-{slugify(old)}-to-{slugify(new)}"


def render_migrations(corpus: Corpus) -> str:
    here = MIGRATIONS
    edges = migration_edges(corpus)
    if not edges:
        return f"{WIDE}# Technology migrations\n\nNo case records a migration yet.\n"
    rows = []
    for old, new, cases in edges:
        links = "<br>".join(f"{a(c.title, here, case_page(c))} ({esc(c.company or KIND_NAMES[c.kind])}, {c.year})"
                            for c in cases)
        rows.append(f'<tr id="{edge_anchor(old, new)}"><td>{a(old, here, technology_page(old))}</td>'
                    f"<td>{a(new, here, technology_page(new))}</td><td>{len(cases)}</td><td>{links}</td></tr>")
    table = html_table(["From", "To", "Cases", "Which"], rows)
    count = len({case.id for _, _, cases in edges for case in cases})
    return (f"{WIDE}# Technology migrations\n\n"
            f"{plural(len(edges), 'distinct move')} from one technology to another, from the `migrations` "
            f"field of {plural(count, 'case')}. Each arrow in the diagram links to its row in the table, which links to the cases.\n\n"
            f"{render_migration_diagram(edges, here)}\n<div class=\"cb-sortable cb-migrations\" data-pagefind-ignore>\n{table}</div>\n")


def render_migration_diagram(edges, here: str) -> str:
    """Technologies replaced (left) and adopted (right), one arrow per move, as SVG."""
    shown = edges[:DIAGRAM_EDGES]
    left = list(dict.fromkeys(old for old, _, _ in sorted(shown, key=lambda e: (e[0].lower(), e[1].lower()))))
    right = list(dict.fromkeys(new for _, new, _ in sorted(shown, key=lambda e: (e[1].lower(), e[0].lower()))))
    row_h, width, box_w = 26, 760, 230
    height = row_h * max(len(left), len(right)) + 20
    rows = max(len(left), len(right))

    def column(names: list[str]) -> dict[str, float]:
        """The shorter column is spread over the height of the taller one."""
        step = row_h * rows / len(names)
        return {name: 10 + i * step for i, name in enumerate(names)}

    ly, ry = column(left), column(right)
    parts = []
    for old, new, cases in shown:
        y1, y2 = ly[old] + 10, ry[new] + 10
        x1, x2 = box_w + 4, width - box_w - 10
        label = f"{old} → {new}: {len(cases)} case{'s' if len(cases) != 1 else ''}"
        parts.append(f'<a xlink:href="#{edge_anchor(old, new)}" class="cb-edge"><title>{esc(label)}</title>'
                     f'<path d="M{x1},{y1:.1f} C{(x1 + x2) / 2},{y1:.1f} {(x1 + x2) / 2},{y2:.1f} {x2},{y2:.1f}" '
                     f'stroke-width="{min(1.5 + len(cases), 8)}" marker-end="url(#cb-arrow)"/></a>')
    for name, y in ly.items():
        parts.append(f'<a xlink:href="{href(here, technology_page(name))}"><rect x="0" y="{y:.1f}" width="{box_w}" height="20" rx="3" class="cb-node"/>'
                     f'<text x="{box_w - 8}" y="{y + 14:.1f}" text-anchor="end">{esc(_short(name))}</text></a>')
    for name, y in ry.items():
        parts.append(f'<a xlink:href="{href(here, technology_page(name))}"><rect x="{width - box_w}" y="{y:.1f}" width="{box_w}" height="20" rx="3" class="cb-node"/>'
                     f'<text x="{width - box_w + 8}" y="{y + 14:.1f}">{esc(_short(name))}</text></a>')
    note = f"The {len(shown)} most frequent of {len(edges)} moves" if len(edges) > len(shown) else f"All {len(edges)} moves"
    title = f"{note}: technologies replaced on the left, adopted on the right."
    return (f'<figure class="cb-chart cb-migration-diagram">\n<svg viewBox="0 0 {width} {height:.0f}" role="img" '
            f'aria-labelledby="cb-migrations-title" {SVG_NAMESPACES}>'
            f'<title id="cb-migrations-title">{esc(title)}</title>'
            '<defs><marker id="cb-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="cb-arrow"/></marker></defs>'
            f'{"".join(parts)}</svg>\n<figcaption>{esc(title)}</figcaption>\n</figure>\n')


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


# --- the pattern map ------------------------------------------------------

def pattern_domain_counts(corpus: Corpus) -> Counter:
    counts: Counter = Counter()
    for case in corpus.cases:
        for pattern in case.patterns:
            for domain in case.domains:
                counts[(pattern, domain)] += 1
    return counts


def render_map(corpus: Corpus) -> str:
    here = MAP
    counts = pattern_domain_counts(corpus)
    per_pattern = Counter(p for c in corpus.cases for p in c.patterns)
    per_domain = Counter(d for c in corpus.cases for d in c.domains)
    patterns = sorted(per_pattern, key=lambda p: (-per_pattern[p], corpus.patterns.terms[p].name.lower()))
    domains = sorted(per_domain, key=lambda d: (-per_domain[d], corpus.domains.terms[d].name.lower()))
    if not patterns:
        return f"{WIDE}# Pattern map\n\nNo case yet.\n"
    heads = ["Pattern"] + [a(corpus.domains.terms[d].name, here, term_page("domains", d)) for d in domains] + ["All"]
    rows = []
    for p in patterns:
        cells = [f'<th scope="row">{a(corpus.patterns.terms[p].name, here, term_page("patterns", p))}</th>']
        for d in domains:
            n = counts.get((p, d), 0)
            cells.append(f'<td><a href="{catalog_link(here, pattern=p, domain=d)}" data-pattern="{p}" data-domain="{d}" '
                         f'aria-label="{n} cases: {esc(corpus.patterns.terms[p].name)} in {esc(corpus.domains.terms[d].name)}">{n}</a></td>'
                         if n else '<td class="cb-empty">·</td>')
        cells.append(f'<td><a href="{catalog_link(here, pattern=p)}">{per_pattern[p]}</a></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = html_table(heads, rows)
    return (f"{WIDE}# Pattern map\n\nHow many cases apply each pattern (rows) in each domain (columns). "
            "A case counts once in every pattern and domain it lists. Each number opens the catalog filtered to "
            f"those cases.\n\n<div class=\"cb-map\" data-pagefind-ignore>\n{table}</div>\n")


# --- the timeline ---------------------------------------------------------

def story_links(corpus: Corpus) -> dict[str, list[tuple[str, Case]]]:
    """case id -> [(relation as read from that case, other case)], both directions."""
    by_id = {c.id: c for c in corpus.cases}
    links: dict[str, list[tuple[str, Case]]] = defaultdict(list)
    for case in corpus.cases:
        for key, back in (("supersedes", "superseded by"), ("revisits", "revisited by")):
            for target in getattr(case, key):
                if target in by_id:
                    links[case.id].append((key, by_id[target]))
                    links[target].append((back, case))
    return links


def render_timeline(corpus: Corpus) -> str:
    here = TIMELINE
    links = story_links(corpus)
    by_company: dict[str, list[Case]] = defaultdict(list)
    for case in corpus.cases:
        if case.company:
            by_company[case.company].append(case)
    out = [f"{WIDE}# Timeline\n"]
    stories = {name: cases for name, cases in by_company.items() if len(cases) > 1}
    out.append("## Company stories\n")
    if stories:
        out.append("Companies with more than one case, oldest change first. Where a case says it supersedes or "
                   "revisits another, the link is shown.\n")
        out.append('<div class="cb-stories" data-pagefind-ignore>')
        for name in sorted(stories, key=str.lower):
            items = []
            for case in sorted(stories[name], key=lambda c: (c.year, c.title.lower())):
                rel = "; ".join(f"{esc(r)} {a(o.title, here, case_page(o))}" for r, o in links.get(case.id, []))
                items.append(f"<li><strong>{case.year}</strong> {a(case.title, here, case_page(case))}"
                             + (f' <span class="cb-story-rel">({rel})</span>' if rel else "") + "</li>")
            out.append(f"<h3 id=\"story-{slugify(name)}\">{a(name, here, company_page(name))}</h3>\n<ol class=\"cb-story\">"
                       + "".join(items) + "</ol>")
        out.append("</div>\n")
    else:
        out.append("No company has more than one case yet.\n")
    out.append("## Cases by year\n")
    years: dict[int, list[Case]] = defaultdict(list)
    for case in corpus.cases:
        years[case.year].append(case)
    out.append('<div class="cb-years" data-pagefind-ignore>')
    for year in sorted(years, reverse=True):
        items = "".join(f"<li>{a(c.title, here, case_page(c))} <span class=\"cb-muted\">— "
                        f"{esc(c.company or KIND_NAMES[c.kind])}</span></li>"
                        for c in sorted(years[year], key=lambda c: (c.title.lower(), c.id)))
        out.append(f'<h3 id="year-{year}">{year}</h3>\n<ul>{items}</ul>')
    out.append("</div>\n")
    return "\n".join(out)


def explore_pages(corpus: Corpus) -> dict[str, str]:
    return {
        CATALOG: render_catalog(corpus),
        METRICS: render_metrics(corpus),
        MIGRATIONS: render_migrations(corpus),
        MAP: render_map(corpus),
        TIMELINE: render_timeline(corpus),
    }
