"""The browse pages: patterns and domains, companies, technologies, languages, reading
paths, and the home page's generated part. Each function builds the data a page shows;
its markup is a template."""

from __future__ import annotations

from collections import defaultdict

from ..model import Case, Corpus, ReadingPath, Term, plural, slugify
from ..schema import KIND_NAMES, START_HERE, TECHNOLOGY_CATEGORIES
from . import routes
from .case_pages import story_links
from .markup import GeneratedPage, Html, md_text, page, page_head, render


def by_year(cases) -> list[Case]:
    return sorted(cases, key=lambda c: (-c.year, c.sort_title, c.id))


def term_entries(corpus: Corpus, vocabulary: str) -> dict[str, list[Case]]:
    """term id -> the entries that list it (once for all terms)."""
    found: dict[str, list[Case]] = defaultdict(list)
    for case in corpus.cases:
        for term in getattr(case, vocabulary):
            found[term].append(case)
    return found


def render_vocabulary_index(corpus: Corpus, vocabulary: str, found: dict[str, list[Case]]) -> GeneratedPage:
    here = f"{vocabulary}/index.md"
    terms = sorted(corpus.vocabulary(vocabulary).terms.values(), key=lambda t: t.name.lower())
    return page(page_head(vocabulary.capitalize(), hide=("navigation", "toc")), render(
        "vocabulary_index.html", here=here, vocabulary=vocabulary, noun=vocabulary[:-1],
        version=corpus.vocabulary(vocabulary).version, terms=[(t, len(found[t.id])) for t in terms]))


def render_term_page(corpus: Corpus, vocabulary: str, term: Term, cases: list[Case]) -> GeneratedPage:
    """A pattern's or domain's page; `cases` are the entries that list it."""
    here = routes.term_page(vocabulary, term.id)
    terms = corpus.vocabulary(vocabulary).terms
    out = [page_head(term.name), render("term.html", term=term)]
    for heading, prose in (("What it is", term.what_it_is), ("When it pays", term.when_it_pays),
                           ("What it costs", term.what_it_costs)):
        out.append(f"## {heading}\n\n{md_text(prose.strip())}\n")
    related = [(routes.term_page(vocabulary, r), terms[r].name) for r in term.related if r in terms]
    if related:
        out.append(render("term_related.html", vocabulary=vocabulary, related=related, here=here))
    if term.template:
        out.append("## Architecture template\n")
        out.append(f"```mermaid\n{term.template.diagram.strip()}\n```\n")
        out.append(f"### How to apply it\n\n{md_text(term.template.how_to_apply.strip())}\n")
    cases = by_year(cases)
    if vocabulary == "patterns":
        uses = [(c, c.pattern_notes.get(term.id, ""), c.primary_source) for c in cases]
        out.append(f"## Known uses ({len(cases)})\n")
        out.append(render("known_uses.html", uses=uses, here=here) if cases else "No entry applies this pattern yet.\n")
    else:
        out.append(f"## Entries ({len(cases)})\n")
        out.append(render("entries.html", rows=[(c, None) for c in cases], here=here, with_company=True, extra=None,
                          empty=f"No entry is in this {vocabulary[:-1]} yet."))
    return page(*out)


def _groups(corpus: Corpus, names_of) -> dict[str, tuple[str, list[Case]]]:
    """slug -> (display name, entries), for companies or technologies."""
    groups: dict[str, tuple[str, list[Case]]] = {}
    for case in corpus.cases:
        for name in names_of(case):
            groups.setdefault(slugify(name), (name, []))[1].append(case)
    return groups


def companies(corpus: Corpus):
    return _groups(corpus, lambda c: [c.company] if c.company else [])


def technologies(corpus: Corpus):
    return _groups(corpus, lambda c: c.technologies)


def _years(cases: list[Case]) -> str:
    years = sorted({c.year for c in cases if c.kind != "profile"})
    if not years:
        return "—"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _profile(cases: list[Case]) -> Case | None:
    return next((c for c in cases if c.kind == "profile"), None)


def render_companies_index(groups) -> GeneratedPage:
    rows = [(name, cases, _profile(cases)) for _, (name, cases) in sorted(groups.items(), key=lambda kv: (kv[1][0].lower(), kv[0]))]
    return page(page_head("Companies", hide=("navigation", "toc")), render(
        "companies_index.html", here=routes.COMPANIES, groups=rows, years=_years))


def render_company_page(name: str, cases: list[Case], story: dict) -> GeneratedPage:
    """The company page opens with its profile, then its story: the other entries, oldest first."""
    here = routes.company_page(name)
    others = sorted((c for c in cases if c.kind != "profile"), key=lambda c: (c.year, c.sort_title, c.id))
    rows = [(c, [(r, o) for r, o in story.get(c.id, [])]) for c in others]
    return page(page_head(name), render("company.html", here=here, name=name, profile=_profile(cases), story=rows))


def render_technologies_index(corpus: Corpus, groups) -> GeneratedPage:
    by_category: dict[str, list] = defaultdict(list)
    for _, (name, cases) in sorted(groups.items(), key=lambda kv: (kv[1][0].lower(), kv[0])):
        term = corpus.technologies.by_name(name)
        by_category[term.category if term else "other"].append((name, term.definition if term else "", len(cases)))
    order = [c for c in (*TECHNOLOGY_CATEGORIES, "other") if by_category.get(c)]
    return page(page_head("Technologies", hide=("navigation",)), render(
        "technologies_index.html", here=routes.TECHNOLOGIES, total=len(groups),
        categories=[(c, by_category[c]) for c in order]))


def render_technology_page(corpus: Corpus, name: str, cases: list[Case]) -> GeneratedPage:
    rows = []
    for case in by_year(cases):
        role = ("before and after" if name in case.before and name in case.after else
                "before (replaced)" if name in case.before else "after (adopted)")
        if case.kind == "profile":
            role = "runs it" if name in case.after else "ran it earlier"
        rows.append((case, role))
    return page(page_head(name), render("technology.html", here=routes.technology_page(name), name=name,
                                           term=corpus.technologies.by_name(name), rows=rows))


def languages(corpus: Corpus) -> list[dict]:
    """Every language the entries name, with the entries that moved to it and away from it."""
    found: dict[str, dict] = {}
    for case in corpus.cases:
        for name in case.technologies:
            if corpus.category(name) == "language":
                found.setdefault(name, {"name": name, "slug": slugify(name), "to": [], "away": [], "count": 0})["count"] += 1
        for old, new in case.migrations:
            if corpus.category(new) == "language" and new in found:
                found[new]["to"].append((case, old))
            if corpus.category(old) == "language" and old in found:
                found[old]["away"].append((case, new))
    for language in found.values():
        language["to"].sort(key=lambda item: (-item[0].year, item[0].sort_title))
        language["away"].sort(key=lambda item: (-item[0].year, item[0].sort_title))
    return sorted(found.values(), key=lambda l: (-(len(l["to"]) + len(l["away"])), -l["count"], l["name"].lower()))


def render_languages(corpus: Corpus) -> GeneratedPage:
    return page(page_head("Languages", hide=("navigation",)), render(
        "languages.html", here=routes.LANGUAGES, languages=languages(corpus)))


def path_steps(corpus: Corpus, path: ReadingPath) -> list[tuple[Case, str]]:
    by_id = {c.id: c for c in corpus.cases}
    return [(by_id[e.id], e.why) for e in path.entries if e.id in by_id]


def _minutes(corpus: Corpus, path: ReadingPath) -> int:
    return sum(c.reading_minutes for c, _ in path_steps(corpus, path))


def render_paths_index(corpus: Corpus) -> GeneratedPage:
    paths = sorted(corpus.paths, key=lambda p: (p.id != START_HERE, p.sort_title))
    intro = "Ordered selections of entries, each with a line on why to read it at that point.\n\n"
    return page(page_head("Reading paths", hide=("navigation", "toc")), intro, render(
        "paths_index.html", here=routes.PATHS, paths=paths, minutes=lambda p: _minutes(corpus, p)))


def render_path_page(corpus: Corpus, path: ReadingPath) -> GeneratedPage:
    steps = path_steps(corpus, path)
    return page(page_head(path.title, hide=("toc",)), render(
        "path.html", here=routes.path_page(path.id), path=path, steps=steps,
        minutes=sum(c.reading_minutes for c, _ in steps)))


def render_home(corpus: Corpus) -> Html:
    """The generated part of the home page: Start here, the newest entries, where to go next."""
    kinds = defaultdict(int)
    for case in corpus.cases:
        kinds[case.kind] += 1
    start = next((p for p in corpus.paths if p.id == START_HERE), None)
    described = ", ".join(plural(kinds[k], KIND_NAMES[k].lower()) for k in KIND_NAMES if kinds[k])
    steps = path_steps(corpus, start) if start else []
    started = {case.id for case, _ in steps}   # each entry linked once: Start here, or the newest
    newest = sorted((c for c in corpus.cases if c.kind != "profile" and c.id not in started),
                    key=lambda c: (-c.year, c.sort_title))[:6]
    return render("home.html", here=routes.HOME, start=start, start_steps=steps, newest=newest, total=len(corpus.cases), kinds=described,
                  paths=sorted((p for p in corpus.paths if p.id != START_HERE), key=lambda p: p.sort_title),
                  metrics=sum(len(c.metrics) for c in corpus.cases), patterns=len(corpus.patterns.terms),
                  technologies=len(technologies(corpus)), companies=len(companies(corpus)))


def browse_pages(corpus: Corpus) -> dict[str, str]:
    """Every browse page: docs-relative path -> Markdown."""
    pages = {}
    for vocabulary in ("patterns", "domains"):
        found = term_entries(corpus, vocabulary)
        pages[f"{vocabulary}/index.md"] = render_vocabulary_index(corpus, vocabulary, found)
        for term in corpus.vocabulary(vocabulary).terms.values():
            pages[routes.term_page(vocabulary, term.id)] = render_term_page(corpus, vocabulary, term, found[term.id])
    story = story_links(corpus)
    company_groups = companies(corpus)
    pages[routes.COMPANIES] = render_companies_index(company_groups)
    for name, cases in company_groups.values():
        pages[routes.company_page(name)] = render_company_page(name, cases, story)
    tech_groups = technologies(corpus)
    pages[routes.TECHNOLOGIES] = render_technologies_index(corpus, tech_groups)
    for name, cases in tech_groups.values():
        pages[routes.technology_page(name)] = render_technology_page(corpus, name, cases)
    pages[routes.LANGUAGES] = render_languages(corpus)
    pages[routes.PATHS] = render_paths_index(corpus)
    for path in corpus.paths:
        pages[routes.path_page(path.id)] = render_path_page(corpus, path)
    return pages
