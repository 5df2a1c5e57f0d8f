"""Check parsed YAML against the JSON Schemas of casebook.schema.

Casebook interprets the small part of JSON Schema its schemas use, so that
every problem carries a line number and a message written for a contributor.
A test runs the same files through the `jsonschema` library to prove the two
agree on what is valid.
"""

from __future__ import annotations

import re
from typing import Iterator

from .problems import did_you_mean

Path_ = tuple  # a path into the document: keys and list indexes

TYPE_NAMES = {
    "string": "a string", "integer": "a whole number", "number": "a number",
    "boolean": "true or false", "array": "a list", "object": "a mapping",
}


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
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
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


def check(value, schema: dict, path: Path_ = ()) -> Iterator[Finding]:
    if "enum" in schema:
        if value not in schema["enum"]:
            allowed = ", ".join(map(str, schema["enum"]))
            hint = did_you_mean(value, schema["enum"]) if isinstance(value, str) else ""
            yield path, "CB010", f"'{name_of(path)}' is {describe(value)}; allowed: {allowed}{hint}"
        return
    expected = schema.get("type")
    if expected and not type_ok(value, expected):
        yield path, "CB009", f"'{name_of(path)}' should be {TYPE_NAMES[expected]}, not {describe(value)}"
        return
    if expected == "string":
        yield from _check_string(value, schema, path)
    elif expected in ("integer", "number"):
        if "minimum" in schema and value < schema["minimum"]:
            yield path, "CB010", f"'{name_of(path)}' is {value}; it must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            yield path, "CB010", f"'{name_of(path)}' is {value}; it must be at most {schema['maximum']}"
    elif expected == "array":
        yield from _check_array(value, schema, path)
    elif expected == "object":
        yield from _check_object(value, schema, path)


def _check_string(value: str, schema: dict, path: Path_) -> Iterator[Finding]:
    if len(value) < schema.get("minLength", 0) or (schema.get("minLength") and not value.strip()):
        yield path, "CB010", f"'{name_of(path)}' is empty"
        return
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        yield path, "CB010", f"'{name_of(path)}' is {len(value)} characters long; at most {schema['maxLength']} are allowed"
        return
    pattern = schema.get("pattern")
    if pattern and not re.search(pattern, value):
        yield path, "CB010", f"'{name_of(path)}' is {describe(value)}; {PATTERN_HINTS.get(pattern, 'it does not match ' + pattern)}"


def _check_array(value: list, schema: dict, path: Path_) -> Iterator[Finding]:
    if len(value) < schema.get("minItems", 0):
        yield path, "CB010", f"'{name_of(path)}' needs at least {schema['minItems']} entr{'y' if schema['minItems'] == 1 else 'ies'}"
    items = schema.get("items")
    seen = []
    for index, item in enumerate(value):
        if items:
            yield from check(item, items, path + (index,))
        if schema.get("uniqueItems"):
            if item in seen:
                yield path + (index,), "CB014", f"'{name_of(path)}' lists {describe(item)} twice"
            seen.append(item)


def _check_object(value: dict, schema: dict, path: Path_) -> Iterator[Finding]:
    properties = schema.get("properties", {})
    for key in value:
        if key not in properties and schema.get("additionalProperties") is False:
            yield path + (key,), "CB008", (
                f"unknown key '{key}'{inside(path)}"
                f"{did_you_mean(key, properties)} (allowed: {', '.join(properties)})")
    required = list(schema.get("required", []))
    for rule in schema.get("allOf", []):
        if _matches(value, rule.get("if", {})):
            required += rule.get("then", {}).get("required", [])
    for key in required:
        if key not in value:
            yield path, "CB007", f"'{name_of(path)}' missing required key '{key}'" if path else f"missing required key '{key}'"
    for key, sub in properties.items():
        if key in value:
            yield from check(value[key], sub, path + (key,))


def _matches(value: dict, condition: dict) -> bool:
    """The 'if' of an allOf rule: only required keys with const values are used."""
    for key in condition.get("required", []):
        if key not in value:
            return False
    for key, sub in condition.get("properties", {}).items():
        if key in value and "const" in sub and value[key] != sub["const"]:
            return False
    return True


PATTERN_HINTS: dict[str, str] = {}


def hint(pattern: str, text: str) -> None:
    PATTERN_HINTS[pattern] = text


def register_hints() -> None:
    from . import schema
    hint(schema.KEBAB, "use lowercase letters, digits and single hyphens, e.g. 'read-replicas'")
    hint(schema.DATE, "write a date as YYYY-MM-DD, YYYY-MM or YYYY")
    hint(schema.SOURCE_DATE, "write a date as YYYY-MM-DD, YYYY-MM or YYYY, or 'undated' if the page shows none")
    hint(schema.ONE_LINE, "it must fit on one line")
    hint(schema.MIGRATION, "write a migration as 'From -> To', e.g. 'Go -> Rust'")
    hint(r"^\S+$", "a URL has no spaces")


register_hints()
