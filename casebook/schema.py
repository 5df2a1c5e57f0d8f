"""The one definition of every file Casebook reads: entries, vocabularies, reading paths.

The front-matter schemas below are JSON Schema (draft 2020-12). The validator
interprets them (casebook.validate.schemacheck, which refuses any keyword it does
not implement), the build publishes them, and the contributor docs describe them,
so none of these can drift from the others. Kinds, section names and their order,
and the rules that go beyond a schema's reach (word counts) live here too.
"""

from __future__ import annotations

KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
DATE = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?$"
MONTH_OR_DAY = r"^[0-9]{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?$"
SOURCE_DATE = "^(?:" + DATE[1:-1] + "|undated)$"
# Plain text on one line with something in it: no line breaks, so that a value can never
# start a new Markdown block in a generated page, and not only spaces.
ONE_LINE = r"^[^\r\n]*[^\s][^\r\n]*$"
HTTPS = r"^https://\S+$"

KINDS = ("case", "brief", "profile", "design")
KIND_NAMES = {"case": "Case study", "brief": "Brief", "profile": "Company profile", "design": "System design"}
LEVELS = ("intro", "intermediate", "advanced")
LEVEL_NAMES = {"intro": "Intro", "intermediate": "Intermediate", "advanced": "Advanced"}
BETTER = ("lower", "higher")
MIGRATION = r"^\S[^\r\n]* -> \S[^\r\n]*$"
TECHNOLOGY_CATEGORIES = ("language", "runtime", "database", "messaging", "infrastructure", "framework", "library",
                         "protocol", "tool")
# The least a body must say, in words, where a kind is defined by it (CB039): a brief is short
# on purpose but not empty, and a profile covers a whole company. The 1,200 words of a case
# and 1,000 of a design study are the review standard (CONTRIBUTING.md), not a rule: a short
# story with thin material belongs in a brief.
MIN_WORDS = {"brief": 300, "profile": 600}
# The kinds whose every claim rests on a company's own material: at least one primary source.
NEEDS_PRIMARY = ("case", "brief", "profile")


def _text(description: str, max_length: int = 300) -> dict:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": ONE_LINE,
        "description": description,
    }


def _terms(description: str) -> dict:
    """A non-empty list of distinct ids: vocabulary terms, or other entries."""
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
        "items": _text("a technology name, as cases/vocabulary/technologies.yml writes it", 60),
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
        "archive": {"type": "string", "pattern": HTTPS, "maxLength": 600,
                    "description": "An archived snapshot of the page (e.g. on web.archive.org), for when the original is gone."},
        "publisher": _text("Who published it (the company's blog, a conference, a journal).", 120),
        "date": {"type": "string", "pattern": SOURCE_DATE,
                 "description": "Publication date: YYYY-MM-DD, YYYY-MM or YYYY; 'undated' for a page that shows none."},
        "primary": {"type": "boolean",
                    "description": "True for the company's own engineering post, talk, paper or repository."},
    },
}

_VALUE = {"type": "number", "minimum": 0}
_RANGE = {"type": "array", "minItems": 2, "maxItems": 2, "items": _VALUE}
_METRIC_COMMON = {
    "name": _text("What was measured, e.g. 'p99 read latency'.", 120),
    "better": {"enum": list(BETTER), "description": "Which direction is an improvement."},
    "source": {"type": "string", "pattern": KEBAB, "description": "Id of the source that states the figures."},
    "note": _text("What exactly was measured, and when.", 300),
    "illustrative": {"type": "boolean",
                     "description": "True when the source gives the figures as an illustration, not a measurement: "
                                    "shown with that label and left out of rankings."},
}


def _metric_form(description: str, required: list[str], own: dict) -> dict:
    return {"type": "object", "additionalProperties": False, "description": description,
            "required": required + ["better", "source"], "properties": {**own, **_METRIC_COMMON}}


# A metric says what its source says, in one of three forms (the form is told by its keys).
METRIC_SCHEMA = {
    "oneOf": [
        _metric_form("A before/after pair; either value may be a range [low, high] where the source gives one.",
                     ["name", "before", "after", "unit"], {
                         "before": {"oneOf": [_VALUE, _RANGE], "description": "Value before, as the source gives it."},
                         "after": {"oneOf": [_VALUE, _RANGE], "description": "Value after, as the source gives it."},
                         "unit": _text("Unit as the source gives it, e.g. 'ms', 'servers', 'requests/s'.", 40)}),
        _metric_form("A ratio only ('a fivefold reduction'): how many times better, in the direction 'better' names.",
                     ["name", "factor"], {
                         "factor": {"type": "number", "minimum": 1, "description": "The ratio the source states, at least 1."}}),
        _metric_form("A percent change only ('reduced by 77%'), in the direction 'better' names.",
                     ["name", "percent"], {
                         "percent": {"type": "number", "exclusiveMinimum": 0, "description": "The percent the source states."}}),
    ],
}

# Every kind but a brief names at least one pattern it teaches; a brief on thin material may name none.
_SOME = {"minItems": 1}

ENTRY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://casebook.invalid/schema/case.json",
    "title": "Casebook entry front matter",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "kind", "title", "summary", "outcome", "level",
                 "domains", "patterns", "technologies", "metrics", "sources"],
    "properties": {
        "id": {"type": "string", "pattern": KEBAB, "maxLength": 80,
               "description": "Equals the file name without .md; lowercase kebab-case."},
        "kind": {"enum": list(KINDS), "description": "case: a company case study; brief: a short entry on thin "
                                                     "material; profile: a company's architecture as of a date; "
                                                     "design: a system-design study."},
        "title": _text("Title of the entry.", 120),
        "company": _text("The company whose system this is (required for case, brief and profile).", 60),
        "year": {"type": "integer", "minimum": 1960, "maximum": 2100,
                 "description": "Year of the change or the talk (not for a profile)."},
        "as_of": {"type": "string", "pattern": MONTH_OR_DAY,
                  "description": "A profile only: the date the profile describes, YYYY-MM or YYYY-MM-DD."},
        "summary": _text("One sentence: what happened.", 400),
        "outcome": _text("The key outcome in one line.", 200),
        "level": {"enum": list(LEVELS), "description": "Reading level."},
        "domains": _terms("Domain ids from cases/vocabulary/domains.yml."),
        "patterns": {**_terms("Pattern ids from cases/vocabulary/patterns.yml (a brief may list none)."),
                     "minItems": 0},
        "pattern_notes": {
            "type": "object",
            "additionalProperties": _text("How this entry applied the pattern, in one line.", 300),
            "description": "For each pattern id (of those listed in 'patterns'), one line on how this entry applied it.",
        },
        "technologies": {
            "type": "object",
            "additionalProperties": False,
            "required": ["before", "after"],
            "properties": {
                "before": _names("Technologies in use before the change (for a profile: those it ran and replaced)."),
                "after": _names("Technologies in use after the change (for a profile: what it runs as of the date)."),
            },
            "description": "Technologies before and after, named as in cases/vocabulary/technologies.yml.",
        },
        "migrations": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "pattern": MIGRATION},
            "description": "Moves from one technology to another, written 'From -> To'.",
        },
        "event": _text("The conference or event where the talk was given, e.g. 'P99 CONF 2023'.", 80),
        "speakers": {"type": "array", "minItems": 1, "uniqueItems": True, "items": _text("a speaker's name", 80),
                     "description": "Who gave the talk, as the event's own session page names them."},
        "supersedes": _terms("Earlier entries whose system this change replaced (e.g. the same store moved twice)."),
        "revisits": _terms("Earlier entries about the same system that this one returns to, without replacing it."),
        "metrics": {"type": "array", "items": METRIC_SCHEMA,
                    "description": "Measurements as the sources state them; every one cites a source."},
        "sources": {"type": "array", "minItems": 1, "items": SOURCE_SCHEMA,
                    "description": "Where every claim comes from."},
    },
    "allOf": [
        {"if": {"properties": {"kind": {"const": "case"}}, "required": ["kind"]},
         "then": {"required": ["company", "year"], "properties": {"as_of": False, "patterns": _SOME}}},
        {"if": {"properties": {"kind": {"const": "brief"}}, "required": ["kind"]},
         "then": {"required": ["company", "year"], "properties": {"as_of": False}}},
        {"if": {"properties": {"kind": {"const": "profile"}}, "required": ["kind"]},
         "then": {"required": ["company", "as_of"], "properties": {"year": False, "patterns": _SOME}}},
        {"if": {"properties": {"kind": {"const": "design"}}, "required": ["kind"]},
         "then": {"required": ["year"], "properties": {"as_of": False, "patterns": _SOME}}},
    ],
}
# The name the open data and earlier releases use.
CASE_SCHEMA = ENTRY_SCHEMA

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
        "template": {
            "type": "object",
            "additionalProperties": False,
            "required": ["diagram", "how_to_apply"],
            "properties": {
                "diagram": {"type": "string", "minLength": 1,
                            "description": "A Mermaid flowchart of the pattern's generic shape, with accTitle and accDescr."},
                "how_to_apply": {"type": "string", "minLength": 1,
                                 "description": "How to apply it, drawn from its known uses."},
            },
            "description": "A pattern's architecture template: its shape, drawn once.",
        },
    },
}

TECHNOLOGY_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "category", "aliases", "definition"],
    "properties": {
        "id": {"type": "string", "pattern": KEBAB},
        "name": _text("The canonical name, as its makers write it.", 60),
        "category": {"enum": list(TECHNOLOGY_CATEGORIES)},
        "aliases": {"type": "array", "uniqueItems": True, "items": _text("another spelling", 60)},
        "definition": _text("What it is, in one line.", 200),
    },
}


def _vocabulary_schema(name: str, term: dict) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Casebook {name} vocabulary file",
        "type": "object",
        "additionalProperties": False,
        "required": ["vocabulary", "version", "terms"],
        "properties": {
            "vocabulary": {"const": name},
            "version": {"type": "integer", "minimum": 1},
            "terms": {"type": "array", "minItems": 1, "items": term},
        },
    }


VOCABULARIES = ("patterns", "domains", "technologies")
VOCABULARY_SCHEMAS = {
    "patterns": _vocabulary_schema("patterns", TERM_SCHEMA),
    "domains": _vocabulary_schema("domains", TERM_SCHEMA),
    "technologies": _vocabulary_schema("technologies", TECHNOLOGY_SCHEMA),
}

PATH_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Casebook reading path",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "summary", "entries"],
    "properties": {
        "id": {"type": "string", "pattern": KEBAB, "maxLength": 80, "description": "Equals the file name without .yml."},
        "title": _text("Title of the path.", 120),
        "summary": _text("Who it is for and what it teaches, in one or two sentences.", 400),
        "entries": {
            "type": "array", "minItems": 2,
            "items": {
                "type": "object", "additionalProperties": False, "required": ["id", "why"],
                "properties": {
                    "id": {"type": "string", "pattern": KEBAB, "description": "An entry's id."},
                    "why": _text("Why to read it at this point of the path, in one line.", 240),
                },
            },
            "description": "The entries in reading order.",
        },
    },
}
# The reading path shown on the home page as "Start here".
START_HERE = "start-here"

# Body sections, in the order they must appear. Optional ones may be left out.
SECTIONS = {
    "case": {
        "required": ("Problem", "Root cause", "Architecture before", "Architecture after",
                     "What changed", "Results", "Lessons"),
        "optional": ("Myths and corrections", "Further reading"),
        "diagram": ("Architecture before", "Architecture after"),
    },
    "brief": {
        "required": ("What was presented", "What the sources show", "What could not be verified"),
        "optional": ("Further reading",),
        "diagram": (),
    },
    "profile": {
        "required": ("Overview", "Architecture", "How it evolved", "Myths and corrections"),
        "optional": ("Further reading",),
        "diagram": ("Architecture",),
    },
    "design": {
        "required": ("Requirements", "Scale estimates", "Design", "Deep dives",
                     "Trade-offs", "In the wild"),
        "optional": ("Further reading",),
        "diagram": ("Design",),
    },
}
# Where the reader's story ends and the reference material begins: the generated
# References section goes before this section or, without it, at the end.
AFTER_REFERENCES = "Further reading"


def section_order(kind: str) -> tuple[str, ...]:
    spec = SECTIONS[kind]
    return spec["required"] + spec["optional"]
