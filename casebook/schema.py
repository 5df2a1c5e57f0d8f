"""The one definition of a case file and of a vocabulary file.

The front-matter schemas below are JSON Schema (draft 2020-12). The validator
interprets them (casebook.schemacheck), the build publishes them, and the
contributor docs describe them, so none of these can drift from the others.
Section names and their order live here too.
"""

from __future__ import annotations

KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
DATE = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?$"
SOURCE_DATE = "^(?:" + DATE[1:-1] + "|undated)$"
# Plain text on one line: no line breaks, so that a value can never start a
# new Markdown block in a generated page.
ONE_LINE = r"^[^\r\n]*$"

KINDS = ("case", "design")
LEVELS = ("intro", "intermediate", "advanced")
BETTER = ("lower", "higher")
MIGRATION = r"^\S[^\r\n]* -> \S[^\r\n]*$"


def _text(description: str, max_length: int = 300) -> dict:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": ONE_LINE,
        "description": description,
    }


def _terms(description: str) -> dict:
    """A non-empty list of distinct ids: vocabulary terms, or other cases."""
    return {
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": {"type": "string", "pattern": KEBAB},
        "description": description,
    }


def _names(description: str) -> dict:
    return {
        "type": "array",
        "uniqueItems": True,
        "items": _text("a technology name", 60),
        "description": description,
    }


SOURCE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "url", "publisher", "date", "primary"],
    "properties": {
        "id": {"type": "string", "pattern": KEBAB,
               "description": "Short id, cited as [@id] in the body and by metrics."},
        "title": _text("Title of the post, talk or paper."),
        "url": {"type": "string", "pattern": r"^\S+$", "maxLength": 500,
                "description": "Where to read it; must be https."},
        "publisher": _text("Who published it (the company's blog, a conference, a journal).", 120),
        "date": {"type": "string", "pattern": SOURCE_DATE,
                 "description": "Publication date: YYYY-MM-DD, YYYY-MM or YYYY; 'undated' for a page that shows none."},
        "primary": {"type": "boolean",
                    "description": "True for the company's own engineering post, talk or paper."},
    },
}

METRIC_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "before", "after", "unit", "better", "source"],
    "properties": {
        "name": _text("What was measured, e.g. 'p99 read latency'.", 120),
        "before": {"type": "number", "minimum": 0, "description": "Value before the change, as the source gives it."},
        "after": {"type": "number", "minimum": 0, "description": "Value after the change, as the source gives it."},
        "unit": _text("Unit as the source gives it, e.g. 'ms', 'servers', 'requests/s'.", 40),
        "better": {"enum": list(BETTER), "description": "Which direction is an improvement."},
        "source": {"type": "string", "pattern": KEBAB, "description": "Id of the source that states both numbers."},
        "note": _text("What exactly was measured, and when.", 300),
    },
}

CASE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://casebook.invalid/schema/case.json",
    "title": "Casebook case front matter",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "kind", "title", "year", "summary", "outcome", "level",
                 "domains", "patterns", "technologies", "metrics", "sources"],
    "properties": {
        "id": {"type": "string", "pattern": KEBAB, "maxLength": 80,
               "description": "Equals the file name without .md; lowercase kebab-case."},
        "kind": {"enum": list(KINDS), "description": "case: a company case study; design: a system-design study."},
        "title": _text("Title of the case.", 120),
        "company": _text("The company whose system this is (required for kind: case).", 60),
        "year": {"type": "integer", "minimum": 1960, "maximum": 2100, "description": "Year of the change."},
        "summary": _text("One sentence: what happened.", 400),
        "outcome": _text("The key outcome in one line.", 200),
        "level": {"enum": list(LEVELS), "description": "Reading level."},
        "domains": _terms("Domain ids from cases/vocabulary/domains.yml."),
        "patterns": _terms("Pattern ids from cases/vocabulary/patterns.yml."),
        "technologies": {
            "type": "object",
            "additionalProperties": False,
            "required": ["before", "after"],
            "properties": {
                "before": _names("Technologies in use before the change."),
                "after": _names("Technologies in use after the change."),
            },
            "description": "Technologies before and after the change.",
        },
        "migrations": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "pattern": MIGRATION},
            "description": "Moves from one technology to another, written 'From -> To'.",
        },
        "supersedes": _terms("Earlier cases whose system this change replaced (e.g. the same store moved twice)."),
        "revisits": _terms("Earlier cases about the same system that this one returns to, without replacing it."),
        "metrics": {"type": "array", "items": METRIC_SCHEMA,
                    "description": "Before/after measurements; every one cites a source."},
        "sources": {"type": "array", "minItems": 1, "items": SOURCE_SCHEMA,
                    "description": "Where every claim comes from."},
    },
    "allOf": [
        {"if": {"properties": {"kind": {"const": "case"}}, "required": ["kind"]},
         "then": {"required": ["company"]}},
    ],
}

TERM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "definition", "aliases", "related",
                 "what_it_is", "when_it_pays", "what_it_costs"],
    "properties": {
        "id": {"type": "string", "pattern": KEBAB},
        "name": _text("Display name.", 60),
        "definition": _text("One-line definition.", 300),
        "aliases": {"type": "array", "uniqueItems": True, "items": _text("another name", 60)},
        "related": {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": KEBAB}},
        "what_it_is": {"type": "string", "minLength": 1},
        "when_it_pays": {"type": "string", "minLength": 1},
        "what_it_costs": {"type": "string", "minLength": 1},
    },
}

VOCABULARY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Casebook vocabulary file",
    "type": "object",
    "additionalProperties": False,
    "required": ["vocabulary", "version", "terms"],
    "properties": {
        "vocabulary": {"enum": ["patterns", "domains"]},
        "version": {"type": "integer", "minimum": 1},
        "terms": {"type": "array", "minItems": 1, "items": TERM_SCHEMA},
    },
}

# Body sections, in the order they must appear. Optional ones may be left out.
SECTIONS = {
    "case": {
        "required": ("Problem", "Root cause", "Architecture before", "Architecture after",
                     "What changed", "Results", "Lessons"),
        "optional": ("Myths and corrections", "Further reading"),
        "diagram": ("Architecture before", "Architecture after"),
    },
    "design": {
        "required": ("Requirements", "Scale estimates", "Design", "Deep dives",
                     "Trade-offs", "In the wild"),
        "optional": ("Further reading",),
        "diagram": ("Design",),
    },
}


def section_order(kind: str) -> tuple[str, ...]:
    spec = SECTIONS[kind]
    return spec["required"] + spec["optional"]
