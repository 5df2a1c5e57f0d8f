"""Pages that look across all entries: the faceted catalog, the metrics explorer,
technology migrations, the pattern map and the timeline.

Their long lists carry data-pagefind-ignore: search finds each entry on its own page.
They are raw HTML from templates, for two reasons: items carry the data attributes the
site's script filters on, and Python-Markdown would spend most of a large build parsing
thousand-row Markdown tables.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict

from markupsafe import Markup

from ..model import Case, Corpus, Metric, format_factor, plural, slugify
from ..schema import KIND_NAMES, LEVEL_NAMES
from . import routes
from .case_pages import story_links
from .markup import GeneratedPage, Html, page, page_head, render

CHART_BARS = 30
CHART_LEAST = 2     # fewer bars than this say nothing a table does not: no chart
# The catalog and the metrics explorer show this many items at first, with a button for more:
# laying out 2,000 of them is what made the page slow, not filtering them. Without
# JavaScript every item shows. The class is set before the list is parsed, by MARK_JS.
FIRST_ROWS = 100
MARK_JS = '<script>document.documentElement.classList.add("cb-js")</script>\n'
DIAGRAM_EDGES = 60

FACETS = (  # URL key, label, how several chosen values combine
    ("kind", "Kind", "any"),
    ("domain", "Domain", "all"),
    ("pattern", "Pattern", "all"),
    ("lang", "Language", "all"),
    ("tech", "Technology", "all"),
    ("company", "Company", "any"),
    ("level", "Level", "any"),
)


def factor_key(factor: float | None) -> str:
    """A sort key for an improvement factor: none sorts lowest, 'eliminated' highest."""
    if factor is None:
        return "0"
    return "Infinity" if math.isinf(factor) else f"{factor:.6g}"


def facet_values(case: Case, corpus: Corpus) -> dict[str, list[str]]:
    """The facet values of one entry, as the catalog's URL spells them."""
    return {
        "kind": [case.kind],
        "domain": list(case.domains),
        "pattern": list(case.patterns),
        "lang": [slugify(t) for t in case.technologies if corpus.category(t) == "language"],
        "tech": [slugify(t) for t in case.technologies],
        "company": [slugify(case.company)] if case.company else [],
        "level": [case.level],
    }


def facet_names(corpus: Corpus, values: list[dict[str, list[str]]]) -> dict[str, list[list[str]]]:
    """For each facet, [value, name] pairs in a fixed order: most entries first, then by name.
    The order never changes while a reader clicks (the counts do)."""
    names: dict[str, dict[str, str]] = {
        "domain": {t.id: t.name for t in corpus.domains.terms.values()},
        "pattern": {t.id: t.name for t in corpus.patterns.terms.values()},
        "company": {}, "tech": {}, "lang": {}, "level": dict(LEVEL_NAMES), "kind": dict(KIND_NAMES),
    }
    for case in corpus.cases:
        if case.company:
            names["company"].setdefault(slugify(case.company), case.company)
        for tech in case.technologies:
            names["tech"].setdefault(slugify(tech), tech)
            names["lang"].setdefault(slugify(tech), tech)
    counts = {key: Counter() for key in names}
    for entry in values:
        for key, found in entry.items():
            counts[key].update(found)
    fixed = ("level", "kind")   # in their own order, not by count
    out = {}
    for key in names:
        used = [v for v in names[key] if counts[key][v]]
        if key not in fixed:
            used.sort(key=lambda v: (-counts[key][v], names[key][v].lower()))
        out[key] = [[v, names[key][v]] for v in used]
    return out


def render_catalog(corpus: Corpus) -> GeneratedPage:
    here = routes.CATALOG
    cases = sorted(corpus.cases, key=lambda c: (c.sort_title, c.id))
    values = [facet_values(c, corpus) for c in cases]
    terms = corpus.patterns.terms
    rows = [(case, [(key, " ".join(found[key])) for key, _, _ in FACETS], factor_key(case.best_factor),
             [(routes.term_page("patterns", p), terms[p].name) for p in case.patterns])
            for case, found in zip(cases, values)]
    names = facet_names(corpus, values)
    config = {"facets": [{"key": k, "label": label, "mode": mode} for k, label, mode in FACETS if names[k]],
              "names": names, "years": sorted({c.year for c in corpus.cases})}
    # In an attribute, not a <script type="application/json">: Material's instant navigation
    # re-runs every script element of the new page, whatever its type.
    data = json.dumps(config, ensure_ascii=True, sort_keys=True)
    return page(page_head("All entries", hide=("navigation", "toc")),
                Html(MARK_JS + render("catalog.html", here=here, rows=rows, config=data, first=FIRST_ROWS)))


# --- the metrics explorer -------------------------------------------------

def all_metrics(corpus: Corpus) -> list[tuple[Case, Metric, object]]:
    """(entry, metric, source) for every metric of every entry, largest ranked improvement first."""
    found = []
    for case in corpus.cases:
        sources = {s.id: s for s in case.sources}
        for metric in case.metrics:
            found.append((case, metric, sources[metric.source]))

    def rank(item):
        metric = item[1]
        return (-(metric.factor if metric.ranked else -1), item[0].sort_title, metric.name.lower())
    return sorted(found, key=rank)


def _low(value) -> float:
    return value[0] if isinstance(value, tuple) else value


def render_metrics(corpus: Corpus) -> GeneratedPage:
    here = routes.METRICS
    metrics = all_metrics(corpus)
    rows = [(case, metric, source, factor_key(metric.factor if metric.ranked else None))
            for case, metric, source in metrics]
    return page(page_head("Metrics explorer", hide=("navigation", "toc")),
                Html(MARK_JS + render("metrics.html", here=here, rows=rows, entries=len({c.id for c, _, _ in metrics}),
                                      chart=factor_chart(metrics, here), first=FIRST_ROWS, low=_low)))


def factor_chart(metrics, here: str) -> str:
    """A horizontal bar chart (log scale) of the largest ranked finite improvement factors, as SVG."""
    finite = [(c, m) for c, m, _ in metrics if m.ranked and not math.isinf(m.factor) and m.factor > 0]
    if len(finite) < CHART_LEAST:
        return ""
    shown = finite[:CHART_BARS]
    top = max(m.factor for _, m in shown)
    low = min(1.0, min(m.factor for _, m in shown))
    span = math.log10(top) - math.log10(low) or 1.0
    label_w, bar_w, row_h = 330, 330, 22
    x0 = label_w + 10

    def x(value: float) -> float:
        return x0 + bar_w * (math.log10(value) - math.log10(low)) / span

    bars = []
    for index, (case, metric) in enumerate(shown):
        label = f"{case.company or case.title}: {metric.name}"
        width = max(x(metric.factor) - x0, 1.5)
        bars.append({"y": 10 + index * row_h, "label": label, "short": label if len(label) <= 52 else label[:51] + "…",
                     "width": f"{width:.1f}", "value": format_factor(metric.factor) + (" (worse)" if metric.factor < 1 else ""),
                     "value_x": f"{x0 + width + 6:.1f}", "href": routes.href(here, routes.case_page(case))})
    axis_y = 10 + len(shown) * row_h
    ticks = []
    power = math.floor(math.log10(low))
    while 10 ** power <= top * 1.0001:
        if 10 ** power >= low:
            ticks.append({"x": f"{x(10 ** power):.1f}", "label": format_factor(10 ** power)})
        power += 1
    note = (f"The {len(shown)} largest measured improvement factors of {len(finite)}"
            if len(finite) > len(shown) else f"All {len(finite)} measured improvement factors")
    return Markup(render("factor_chart.html", width=x0 + bar_w + 80, height=axis_y + 20, bars=bars, ticks=ticks,
                  axis_y=axis_y, label_w=label_w, x0=x0, row_h=row_h,
                  title=f"{note}, on a logarithmic scale; each bar links to its entry."))


# --- technology migrations ------------------------------------------------

def migration_edges(corpus: Corpus) -> list[tuple[str, str, list[Case]]]:
    """(from, to, entries) for every technology move, most entries first."""
    edges: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in corpus.cases:
        for old, new in case.migrations:
            edges[(old, new)].append(case)
    return sorted(((old, new, sorted(cases, key=lambda c: (c.year, c.id))) for (old, new), cases in edges.items()),
                  key=lambda e: (-len(e[2]), e[0].lower(), e[1].lower()))


def edge_anchor(old: str, new: str) -> str:
    return f"move-{slugify(old)}-to-{slugify(new)}"


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def render_migrations(corpus: Corpus) -> GeneratedPage:
    here = routes.MIGRATIONS
    edges = migration_edges(corpus)
    head = page_head("Technology migrations", hide=("navigation", "toc"))
    if not edges:
        return page(head, "No entry records a migration yet.\n")
    shown = edges[:DIAGRAM_EDGES] if len(edges) >= CHART_LEAST else []   # one arrow says nothing the table does not
    left = list(dict.fromkeys(old for old, _, _ in sorted(shown, key=lambda e: (e[0].lower(), e[1].lower()))))
    right = list(dict.fromkeys(new for _, new, _ in sorted(shown, key=lambda e: (e[1].lower(), e[0].lower()))))
    row_h, width, box_w = 26, 760, 230
    rows = max(len(left), len(right), 1)

    def column(names: list[str]) -> dict[str, float]:
        """The shorter column is spread over the height of the taller one."""
        step = row_h * rows / max(len(names), 1)
        return {name: 10 + i * step for i, name in enumerate(names)}

    ly, ry = column(left), column(right)
    x1, x2 = box_w + 4, width - box_w - 10
    arrows = []
    for old, new, cases in shown:
        y1, y2 = ly[old] + 10, ry[new] + 10
        arrows.append({"anchor": edge_anchor(old, new), "stroke": min(1.5 + len(cases), 8),
                       "label": f"{old} → {new}: {plural(len(cases), 'entry', 'entries')}",
                       "path": f"M{x1},{y1:.1f} C{(x1 + x2) / 2},{y1:.1f} {(x1 + x2) / 2},{y2:.1f} {x2},{y2:.1f}"})
    nodes = [{"href": routes.href(here, routes.technology_page(n)), "x": 0, "y": f"{y:.1f}", "text_y": f"{y + 14:.1f}",
              "text_x": box_w - 8, "end": True, "label": _short(n)} for n, y in ly.items()]
    nodes += [{"href": routes.href(here, routes.technology_page(n)), "x": width - box_w, "y": f"{y:.1f}",
               "text_y": f"{y + 14:.1f}", "text_x": width - box_w + 8, "end": False, "label": _short(n)}
              for n, y in ry.items()]
    note = f"The {len(shown)} most frequent of {len(edges)} moves" if len(edges) > len(shown) else \
        f"All {plural(len(edges), 'move')}"
    return page(head, render("migrations.html", here=here, edges=edges, count=len({c.id for _, _, cs in edges for c in cs}),
                         width=width, height=f"{row_h * rows + 20:.0f}", box_w=box_w, arrows=arrows, nodes=nodes,
                         title=f"{note}: technologies replaced on the left, adopted on the right.", anchor=edge_anchor))


# --- the pattern map ------------------------------------------------------

def render_map(corpus: Corpus) -> GeneratedPage:
    counts: Counter = Counter()
    for case in corpus.cases:
        for pattern in case.patterns:
            for domain in case.domains:
                counts[(pattern, domain)] += 1
    per_pattern = Counter(p for c in corpus.cases for p in c.patterns)
    per_domain = Counter(d for c in corpus.cases for d in c.domains)
    head = page_head("Pattern map", hide=("navigation", "toc"))
    if not per_pattern:
        return page(head, "No entry yet.\n")
    patterns = sorted(per_pattern, key=lambda p: (-per_pattern[p], corpus.patterns.terms[p].name.lower()))
    domains = [(d, corpus.domains.terms[d].name)
               for d in sorted(per_domain, key=lambda d: (-per_domain[d], corpus.domains.terms[d].name.lower()))]
    rows = [(p, corpus.patterns.terms[p].name, [(d, name, counts.get((p, d), 0)) for d, name in domains], per_pattern[p])
            for p in patterns]
    return page(head, render("map.html", here=routes.MAP, domains=domains, rows=rows))


# --- the timeline ---------------------------------------------------------

def render_timeline(corpus: Corpus) -> GeneratedPage:
    """Company stories and entries by year: the changes, so profiles (a state, not a change) are left out."""
    links = story_links(corpus)
    changes = [c for c in corpus.cases if c.kind != "profile"]
    by_company: dict[str, list[Case]] = defaultdict(list)
    for case in changes:
        if case.company:
            by_company[case.company].append(case)
    stories = [(name, [(c, links.get(c.id, [])) for c in sorted(cases, key=lambda c: (c.year, c.sort_title))])
               for name, cases in sorted(by_company.items(), key=lambda kv: kv[0].lower()) if len(cases) > 1]
    years: dict[int, list[Case]] = defaultdict(list)
    for case in changes:
        years[case.year].append(case)
    year_rows = [(year, sorted(years[year], key=lambda c: (c.sort_title, c.id))) for year in sorted(years, reverse=True)]
    return page(page_head("Timeline", hide=("navigation",)), render(
        "timeline.html", here=routes.TIMELINE, stories=stories, years=year_rows, slug=slugify))


def explore_pages(corpus: Corpus) -> dict[str, str]:
    return {
        routes.CATALOG: render_catalog(corpus),
        routes.METRICS: render_metrics(corpus),
        routes.MIGRATIONS: render_migrations(corpus),
        routes.MAP: render_map(corpus),
        routes.TIMELINE: render_timeline(corpus),
    }
