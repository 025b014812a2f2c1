"""Accept plainly valid data against a pydantic-core schema without importing pydantic-core.

Importing ``pydantic_core`` (its schema module builds hundreds of typed dicts) costs more than
everything else a ``--format json`` run does. Nearly every answers file is valid, and checking
a valid one needs nothing of it: :func:`plainly_valid` walks the same schema dict that
``SchemaValidator`` is built from and returns what the validator would return, for the small
subset of schema types the answers file uses, read strictly. Anything it is not sure about
(an unknown schema type or key, a value that would need coercion, stripping or an error
message) raises :class:`Unsure`, and the caller asks pydantic-core, which also words the
errors. So this never decides that data is *invalid*, and never accepts what pydantic-core
would refuse; a property test holds the two to the same results.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any


class Unsure(Exception):
    """The data may be fine, but only pydantic-core can say (and explain why not)."""


_IGNORED = frozenset({"type", "metadata", "ref"})
"""Schema keys that change no validation result."""


def plainly_valid(schema: dict[str, Any], value: Any) -> Any:
    """``value`` as ``SchemaValidator(schema).validate_python`` would return it, or ``Unsure``."""
    kind = schema.get("type")
    if not isinstance(kind, str) or kind not in _CHECKS:
        raise Unsure(kind)
    check, allowed = _CHECKS[kind], _KEYS[kind]
    if any(key not in allowed and key not in _IGNORED for key in schema):
        raise Unsure(kind)
    return check(schema, value)


def _typed_dict(schema: dict[str, Any], value: Any) -> dict[str, Any]:
    if type(value) is not dict or schema.get("extra_behavior") != "forbid":
        raise Unsure("typed-dict")
    fields: dict[str, Any] = schema["fields"]
    if any(key not in fields for key in value):
        raise Unsure("extra key")
    result: dict[str, Any] = {}
    for name, field in fields.items():
        if field.get("type") != "typed-dict-field" or set(field) - {
            "type", "schema", "required", "metadata",
        }:  # fmt: skip
            raise Unsure("typed-dict-field")
        if name not in value:
            if field.get("required", True):  # pydantic-core's default: a total typed dict
                raise Unsure("missing")
            continue
        result[name] = plainly_valid(field["schema"], value[name])
    return result


def _nullable(schema: dict[str, Any], value: Any) -> Any:
    return None if value is None else plainly_valid(schema["schema"], value)


def _literal(schema: dict[str, Any], value: Any) -> Any:
    # only exact types: pydantic-core matches 1 to True and the like in ways not worth copying
    if type(value) in (str, int) and any(
        type(expected) is type(value) and expected == value for expected in schema["expected"]
    ):
        return value
    raise Unsure("literal")


def _bool(schema: dict[str, Any], value: Any) -> bool:
    if type(value) is bool:
        return value
    raise Unsure("bool")


def _int(schema: dict[str, Any], value: Any) -> int:
    if type(value) is not int:
        raise Unsure("int")
    for key, holds in _BOUNDS.items():
        if key in schema and not holds(value, schema[key]):
            raise Unsure("int bound")
    return value


def _str(schema: dict[str, Any], value: Any) -> str:
    # stripping is left to pydantic-core: its idea of whitespace is Rust's, not Python's
    if type(value) is not str or (schema.get("strip_whitespace") and value != value.strip()):
        raise Unsure("str")
    if not schema.get("min_length", 0) <= len(value) <= schema.get("max_length", len(value)):
        raise Unsure("str length")
    return value


def _list(schema: dict[str, Any], value: Any) -> list[Any]:
    if type(value) is not list or len(value) > schema.get("max_length", len(value)):
        raise Unsure("list")
    items = schema.get("items_schema")
    return [plainly_valid(items, item) if items is not None else item for item in value]


def _union(schema: dict[str, Any], value: Any) -> Any:
    # the first choice that plainly holds; every choice here keeps the value as given (a
    # status word or a "superseded by ..." text), so the order cannot change the result
    for choice in schema["choices"]:
        try:
            return plainly_valid(choice, value)
        except Unsure:
            continue
    raise Unsure("union")


def _date(schema: dict[str, Any], value: Any) -> dt.date:
    if type(value) is dt.date:  # a datetime or a string needs pydantic-core's rules
        return value
    raise Unsure("date")


_BOUNDS: dict[str, Callable[[int, int], bool]] = {
    "ge": operator.ge,
    "gt": operator.gt,
    "le": operator.le,
    "lt": operator.lt,
}
_CHECKS: dict[str, Callable[[dict[str, Any], Any], Any]] = {
    "typed-dict": _typed_dict,
    "nullable": _nullable,
    "literal": _literal,
    "bool": _bool,
    "int": _int,
    "str": _str,
    "list": _list,
    "union": _union,
    "date": _date,
}
_KEYS: dict[str, frozenset[str]] = {
    "typed-dict": frozenset({"fields", "extra_behavior"}),
    "nullable": frozenset({"schema"}),
    "literal": frozenset({"expected"}),
    "bool": frozenset({"strict"}),
    "int": frozenset({"strict", "ge", "gt", "le", "lt"}),
    "str": frozenset({"strip_whitespace", "min_length", "max_length"}),
    "list": frozenset({"items_schema", "max_length", "strict"}),
    "union": frozenset({"choices", "custom_error_type", "custom_error_message"}),
    "date": frozenset(),
}
