"""Check parsed YAML against the JSON Schemas of casebook.schema.

Casebook interprets the part of JSON Schema (draft 2020-12) its schemas use, so that
every problem carries a line number and a message written for a contributor. It
refuses a schema that uses any keyword it does not implement (UnsupportedSchema), so
that a keyword added to a schema is never enforced by the published schema and
silently ignored here. A test runs many inputs through both this checker and the
`jsonschema` library and requires the same outcome at the same places.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..problems import did_you_mean

Path_ = tuple  # a path into the document: keys and list indexes

TYPE_NAMES = {
    "string": "a string", "integer": "a whole number", "number": "a number",
    "boolean": "true or false", "array": "a list", "object": "a mapping",
}
# What this interpreter enforces, and the keywords that only describe.
IMPLEMENTED = frozenset({
    "type", "enum", "const", "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "minItems", "maxItems", "uniqueItems", "items", "properties", "required", "additionalProperties",
    "allOf", "if", "then", "oneOf",
})
ANNOTATIONS = frozenset({"$schema", "$id", "title", "description"})


class UnsupportedSchema(ValueError):
    """A schema uses a keyword the validator does not implement."""


def supported(schema, where: str = "#") -> None:
    """Raise UnsupportedSchema if schema, or any schema inside it, uses an unknown keyword."""
    if isinstance(schema, bool):
        return
    unknown = set(schema) - IMPLEMENTED - ANNOTATIONS
    if unknown:
        raise UnsupportedSchema(f"{where}: the validator does not implement {', '.join(sorted(unknown))}")
    if "then" in schema and "if" not in schema or "if" in schema and "then" not in schema:
        raise UnsupportedSchema(f"{where}: 'if' and 'then' come together")
    for key in ("items", "additionalProperties", "if", "then"):
        if isinstance(schema.get(key), (dict, bool)):
            supported(schema[key], f"{where}/{key}")
    for key, sub in schema.get("properties", {}).items():
        supported(sub, f"{where}/properties/{key}")
    for key in ("allOf", "oneOf"):
        for index, sub in enumerate(schema.get(key, [])):
            supported(sub, f"{where}/{key}/{index}")


def describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def type_ok(value, expected: str) -> bool:
    if expected == "string":
        return isinstance(value, str)
    if expected == "integer":   # as JSON Schema: a number with no fraction (2020.0 too)
        return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "array":
        return isinstance(value, list)
    if expected == "object":
        return isinstance(value, dict)
    raise ValueError(expected)


def name_of(path: Path_) -> str:
    """'metrics[1].unit' for ('metrics', 1, 'unit')."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "front matter"


def inside(path: Path_) -> str:
    """" in 'technologies'" for a nested key; nothing at the top level."""
    return f" in '{name_of(path)}'" if path else ""


# (path, code, message) triples; the caller turns paths into lines.
Finding = tuple[Path_, str, str]


def _equal(a, b) -> bool:
    """JSON equality: true is not 1, and 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return type(a) in (int, float) and type(b) in (int, float) and a == b or (
        type(a) is type(b) and a == b)


def check(value, schema, path: Path_ = (), context: str = "") -> Iterator[Finding]:
    """Every way value breaks schema. context names the condition a 'then' applies under."""
    if schema is True:
        return
    if schema is False:
        yield path, "CB008", f"'{name_of(path)}' is not used{context}"
        return
    if "oneOf" in schema:
        yield from _check_one_of(value, schema, path, context)
    if "enum" in schema:
        if not any(_equal(value, choice) for choice in schema["enum"]):
            allowed = ", ".join(map(str, schema["enum"]))
            hint = did_you_mean(value, schema["enum"]) if isinstance(value, str) else ""
            yield path, "CB010", f"'{name_of(path)}' is {describe(value)}; allowed: {allowed}{hint}"
        return
    if "const" in schema:
        if not _equal(value, schema["const"]):
            yield path, "CB010", f"'{name_of(path)}' is {describe(value)}; it must be {describe(schema['const'])}"
        return
    expected = schema.get("type")
    if expected and not type_ok(value, expected):
        yield path, "CB009", f"'{name_of(path)}' should be {TYPE_NAMES[expected]}, not {describe(value)}"
        return
    if isinstance(value, str):
        yield from _check_string(value, schema, path)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            yield path, "CB010", f"'{name_of(path)}' is {value}; it must be at least {schema['minimum']}"
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            yield path, "CB010", f"'{name_of(path)}' is {value}; it must be more than {schema['exclusiveMinimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            yield path, "CB010", f"'{name_of(path)}' is {value}; it must be at most {schema['maximum']}"
    elif isinstance(value, list):
        yield from _check_array(value, schema, path, context)
    elif isinstance(value, dict):
        yield from _check_object(value, schema, path, context)


def _check_one_of(value, schema: dict, path: Path_, context: str) -> Iterator[Finding]:
    """Exactly one form must fit; when none does, the problems with the closest form."""
    forms = schema["oneOf"]
    if isinstance(value, dict):   # the usual case, a valid metric: its form is the one whose keys it has
        likely = [i for i, form in enumerate(forms) if all(key in value for key in form.get("required", ()))]
        if len(likely) == 1 and not any(True for _ in check(value, forms[likely[0]], path, context)):
            if not any(i != likely[0] and not any(True for _ in check(value, form, path, context))
                       for i, form in enumerate(forms) if form.get("type") != "object"):
                return
    results = [list(check(value, form, path, context)) for form in forms]
    fitting = [i for i, found in enumerate(results) if not found]
    if len(fitting) == 1:
        return
    if len(fitting) > 1:
        yield path, "CB010", f"'{name_of(path)}' fits more than one form; remove the keys of all but one"
        return
    # The closest form: fewest problems, then the one whose required keys are most present.
    def distance(index: int):
        form = schema["oneOf"][index]
        present = sum(1 for key in form.get("required", []) if isinstance(value, dict) and key in value)
        type_wrong = any(code == "CB009" and p == path for p, code, _ in results[index])
        return (type_wrong, -present, len(results[index]), index)
    yield from results[min(range(len(results)), key=distance)]


def _check_string(value: str, schema: dict, path: Path_) -> Iterator[Finding]:
    if len(value) < schema.get("minLength", 0):
        yield path, "CB010", f"'{name_of(path)}' is empty"
        return
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        yield path, "CB010", f"'{name_of(path)}' is {len(value)} characters long; at most {schema['maxLength']} are allowed"
        return
    pattern = schema.get("pattern")
    if pattern and not re.search(pattern, value):
        if pattern == ONE_LINE_PATTERN and not value.strip():
            yield path, "CB010", f"'{name_of(path)}' is empty"
            return
        yield path, "CB010", f"'{name_of(path)}' is {describe(value)}; {PATTERN_HINTS.get(pattern, 'it does not match ' + pattern)}"


def _check_array(value: list, schema: dict, path: Path_, context: str) -> Iterator[Finding]:
    if len(value) < schema.get("minItems", 0):
        yield path, "CB010", f"'{name_of(path)}' needs at least {schema['minItems']} entr{'y' if schema['minItems'] == 1 else 'ies'}"
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        yield path, "CB010", f"'{name_of(path)}' has {len(value)} entries; at most {schema['maxItems']} are allowed"
    items = schema.get("items")
    seen = []
    for index, item in enumerate(value):
        if items is not None:
            yield from check(item, items, path + (index,), context)
        if schema.get("uniqueItems"):
            if any(_equal(item, other) for other in seen):
                yield path + (index,), "CB014", f"'{name_of(path)}' lists {describe(item)} twice"
            seen.append(item)


def _check_object(value: dict, schema: dict, path: Path_, context: str) -> Iterator[Finding]:
    properties = dict(schema.get("properties", {}))
    required = list(schema.get("required", []))
    conditions = []   # (then schema, context) of each 'if' the value meets
    for rule in schema.get("allOf", []):
        if "if" in rule and not any(True for _ in check(value, rule["if"], path)):
            conditions.append((rule["then"], _condition(rule["if"])))
        elif "if" not in rule:
            conditions.append((rule, context))
    extra = schema.get("additionalProperties", True)
    for key in value:
        if key in properties:
            continue
        if extra is False:
            yield path + (key,), "CB008", (
                f"unknown key '{key}'{inside(path)}"
                f"{did_you_mean(key, properties)} (allowed: {', '.join(properties)})")
        elif isinstance(extra, dict):
            yield from check(value[key], extra, path + (key,), context)
    for key in required:
        if key not in value:
            yield path, "CB007", (f"'{name_of(path)}' missing required key '{key}'" if path
                                  else f"missing required key '{key}'")
    for then, then_context in conditions:
        for key in then.get("required", []):
            if key not in value and key not in required:
                yield path, "CB007", f"missing required key '{key}'{inside(path)}{then_context}"
        for key, sub in then.get("properties", {}).items():
            if key in value:
                yield from check(value[key], sub, path + (key,), then_context)
    for key, sub in properties.items():
        if key in value:
            yield from check(value[key], sub, path + (key,), context)


def _condition(condition: dict) -> str:
    """' for kind: profile' for an 'if' on a const value."""
    consts = [f"{key}: {sub['const']}" for key, sub in condition.get("properties", {}).items()
              if isinstance(sub, dict) and "const" in sub]
    return f" (for {', '.join(consts)})" if consts else ""


PATTERN_HINTS: dict[str, str] = {}
ONE_LINE_PATTERN = ""


def _register_hints() -> None:
    global ONE_LINE_PATTERN
    from .. import schema
    ONE_LINE_PATTERN = schema.ONE_LINE
    PATTERN_HINTS.update({
        schema.KEBAB: "use lowercase letters, digits and single hyphens, e.g. 'read-replicas'",
        schema.DATE: "write a date as YYYY-MM-DD, YYYY-MM or YYYY",
        schema.MONTH_OR_DAY: "write the date as YYYY-MM or YYYY-MM-DD",
        schema.SOURCE_DATE: "write a date as YYYY-MM-DD, YYYY-MM or YYYY, or 'undated' if the page shows none",
        schema.ONE_LINE: "it must fit on one line",
        schema.MIGRATION: "write a migration as 'From -> To', e.g. 'Go -> Rust'",
        schema.HTTPS: "write the address of the archived copy, starting https://",
        r"^\S+$": "a URL has no spaces",
    })
    for name, checked in (("ENTRY_SCHEMA", schema.ENTRY_SCHEMA), ("PATH_SCHEMA", schema.PATH_SCHEMA),
                          *((f"VOCABULARY_SCHEMAS[{k}]", v) for k, v in schema.VOCABULARY_SCHEMAS.items())):
        supported(checked, name)


_register_hints()
