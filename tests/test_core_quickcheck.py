"""The plain check of answers files (``core/quickcheck.py``) never disagrees with pydantic-core.

The JSON path accepts a plainly valid file without importing pydantic-core; the check may say
"unsure" as often as it likes, but whatever it accepts must be exactly what pydantic-core's
validator returns for the same data, built from the same schema.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import SchemaValidator, ValidationError

from conftest import EXAMPLES
from edaadvisor.core import load_knowledge
from edaadvisor.core.answers import core_schema
from edaadvisor.core.quickcheck import Unsure, plainly_valid

KNOWLEDGE = load_knowledge()
SCHEMA = core_schema(KNOWLEDGE)
VALIDATOR = SchemaValidator(core_schema(KNOWLEDGE))

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(
        ["", " x", "x ", "\u00a0x", "x\x1f", "proposed", "eventual", "kafka", "a" * 201]
    ),
    st.dates(),
    st.datetimes(),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_domain = st.one_of(
    *[
        st.sampled_from(q.values)
        if q.type == "enum"
        else (st.booleans() if q.type == "bool" else st.integers(-2, 10**7))
        for q in KNOWLEDGE.questions.values()
    ]
)
_answers = st.dictionaries(
    st.sampled_from([*KNOWLEDGE.questions, "servics", "1"]), st.one_of(_domain, _values), max_size=6
)
_adr = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(_scalars, st.text(max_size=12)),
        "status": st.sampled_from(["proposed", "accepted", "nope", 1, None]),
        "deciders": st.one_of(st.lists(st.text(max_size=6), max_size=3), _values),
        "date": st.one_of(st.dates(), st.datetimes(), st.just("2026-11-29"), st.none()),
        "extra": _values,
    },
)
_files = st.fixed_dictionaries(
    {},
    optional={
        "version": st.sampled_from([1, 1.0, True, "1", 2]),
        "project": st.one_of(_scalars, st.text(max_size=12)),
        "adr": st.one_of(_adr, _values),
        "answers": st.one_of(_answers, _values),
        "extra": _values,
    },
)


@settings(max_examples=400, deadline=None)
@given(_files)
def test_what_the_plain_check_accepts_pydantic_core_returns_identically(
    data: dict[str, Any],
) -> None:
    try:
        plain = plainly_valid(SCHEMA, data)
    except Unsure:
        return
    try:
        strict = VALIDATOR.validate_python(data)
    except ValidationError as exc:  # pragma: no cover - the failure this test exists for
        raise AssertionError(f"plain check accepted what pydantic-core refuses: {exc}") from None
    assert plain == strict
    assert [type(v) for v in _leaves(plain)] == [type(v) for v in _leaves(strict)]


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_the_bundled_examples_are_plainly_valid() -> None:
    """The fast path is the common path: every bundled example takes it."""
    import yaml

    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["answers"] = {k: v for k, v in (data.get("answers") or {}).items() if v is not None}
        assert plainly_valid(SCHEMA, data) == VALIDATOR.validate_python(data), path.name


def test_unknown_schema_parts_are_left_to_pydantic_core() -> None:
    for schema, value in [
        ({"type": "int", "multiple_of": 2}, 4),
        ({"type": "float"}, 1.0),
        ({"type": "typed-dict", "fields": {}, "extra_behavior": "ignore"}, {}),
        ({"type": "str", "pattern": "x"}, "x"),
    ]:
        try:
            plainly_valid(schema, value)
        except Unsure:
            continue
        raise AssertionError(f"{schema} was not left to pydantic-core")


def test_a_valid_json_run_does_not_import_pydantic_core() -> None:
    example = str(EXAMPLES / "order-fulfilment.yaml")
    heavy = ("pydantic_core", "pydantic", "argparse", "jinja2", "textual")
    code = (
        "import sys, io, contextlib\n"
        "from edaadvisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['--answers', {example!r}, '--format', 'json']) == 0\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
