"""The answers file through the library: what is accepted, and that nothing else escapes.

The parser's promise is narrow and total: any bytes either give an ``AnswersFile`` or raise
``InputError`` whose every line names the file. Hypothesis checks it on random text and on
mutations of the bundled examples.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from edaadvisor.core import (
    InputError,
    Knowledge,
    load_answers_file,
    load_knowledge,
    parse_answers_text,
    validate_answers,
)
from edaadvisor.core.answers import dump_answers
from edaadvisor.core.yamlsafe import MAX_NODES, parse_yaml
from test_cli_errors import SNIPPETS, mutated_files

FUZZ_EXAMPLES = int(os.environ.get("EDAADVISOR_FUZZ_EXAMPLES", "0") or 0)
settings.register_profile("edaadvisor-parser-long", max_examples=max(FUZZ_EXAMPLES, 1))

KNOWLEDGE = load_knowledge()


def fuzz(quick: int) -> settings:
    return settings(
        settings.get_profile("edaadvisor-parser-long"),
        max_examples=FUZZ_EXAMPLES or quick,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _parse_bytes(content: bytes) -> Any:
    """Through the file path (size, decoding) like the CLI; returns the result or the error."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.yaml"
        path.write_bytes(content)
        try:
            return load_answers_file(path, KNOWLEDGE)
        except InputError as exc:
            assert exc.problems, "an InputError always says what is wrong"
            for line in exc.lines:
                assert line.startswith(str(path)), line
                assert "\n" not in line
            assert exc.exit_code == 2
            return exc


@fuzz(200)
@given(content=mutated_files())
def test_mutated_examples_give_answers_or_input_error(content: bytes) -> None:
    _parse_bytes(content)


@fuzz(150)
@given(
    text=st.lists(
        st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=12)), min_size=1, max_size=12
    ).map(lambda parts: "\n".join(parts))
)
def test_random_text_gives_answers_or_input_error(text: str) -> None:
    _parse_bytes(text.encode("utf-8", "surrogatepass"))


@fuzz(100)
@given(
    answers=st.dictionaries(
        st.sampled_from([*KNOWLEDGE.questions, "servics", "x"]),
        st.one_of(
            st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(), st.text(max_size=8),
            st.lists(st.integers(), max_size=2), st.sampled_from(["strong", "kafka", "none"]),
        ),
    )
)
def test_validate_answers_accepts_exactly_the_domains(answers: dict[str, Any]) -> None:
    in_domain = all(
        value is None or (q in KNOWLEDGE.questions and KNOWLEDGE.questions[q].accepts(value))
        for q, value in answers.items()
    )
    try:
        validated = validate_answers(answers, KNOWLEDGE)
    except InputError:
        assert not in_domain
    else:
        assert in_domain
        assert validated == {q: v for q, v in answers.items() if v is not None}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_load_and_round_trip(knowledge: Knowledge, path: Path) -> None:
    answers_file = load_answers_file(path, knowledge)
    assert answers_file.answers
    answered = answers_file.answers
    assert list(answered) == [q for q in knowledge.questions if q in answered]
    again = parse_answers_text(dump_answers(answers_file), "saved.yaml", knowledge)
    assert again.answers == answers_file.answers
    assert again.project == answers_file.project
    assert again.adr == answers_file.adr


def test_left_out_and_null_answers_are_unknown_not_errors(knowledge: Knowledge) -> None:
    text = "version: 1\nanswers:\n  services: 3\n  consumers: null\n  consistency: ~\n"
    assert parse_answers_text(text, "a.yaml", knowledge).answers == {"services": 3}
    assert parse_answers_text("version: 1\n", "a.yaml", knowledge).answers == {}
    assert parse_answers_text("version: 1\nanswers:\n", "a.yaml", knowledge).answers == {}


def test_adr_metadata_is_read(knowledge: Knowledge) -> None:
    text = (
        "version: 1\nproject: Checkout\nadr:\n  title: Events for checkout\n"
        "  status: accepted\n  deciders: [Ana, Bo]\n  date: 2026-11-29\n"
    )
    answers_file = parse_answers_text(text, "a.yaml", knowledge)
    assert answers_file.project == "Checkout"
    assert answers_file.adr.status == "accepted"
    assert answers_file.adr.deciders == ["Ana", "Bo"]
    assert str(answers_file.adr.date) == "2026-11-29"


def test_a_byte_order_mark_is_fine(tmp_path: Path, knowledge: Knowledge) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfversion: 1\nanswers:\n  services: 2\n")
    assert load_answers_file(path, knowledge).answers == {"services": 2}


def test_yaml_records_the_line_of_every_key() -> None:
    doc = parse_yaml("version: 1\nanswers:\n  services: 3\n\n  consumers: [1, 2]\n", "a.yaml")
    assert doc.line_of(("answers", "services")) == 3
    assert doc.line_of(("answers", "consumers")) == 5
    assert doc.line_of(("answers", "consumers", 1)) == 5
    assert doc.line_of(("answers", "missing")) == 2  # nearest ancestor


def test_duplicate_keys_name_both_lines() -> None:
    with pytest.raises(InputError) as info:
        parse_yaml("a: 1\nb:\n  c: 1\n  c: 2\n", "d.yaml")
    assert str(info.value) == "d.yaml:4: b.c: duplicate key 'c' (first on line 3)"


def test_alias_expansion_is_bounded() -> None:
    # a small anchor reused a little is fine; the bound counts expanded values
    assert parse_yaml("a: &x [1, 2]\nb: *x\n", "ok.yaml").data == {"a": [1, 2], "b": [1, 2]}
    width = 60
    text = f"a: &a [{', '.join(['1'] * width)}]\n"
    text += f"b: &b [{', '.join(['*a'] * width)}]\n"
    text += f"c: [{', '.join(['*b'] * width)}]\n"  # 60**3 values > MAX_NODES
    assert width**3 > MAX_NODES
    with pytest.raises(InputError, match="aliases"):
        parse_yaml(text, "bomb.yaml")


def test_plain_data_only_never_constructs_python_objects() -> None:
    for text in [
        "!!python/object/apply:os.system ['echo x']",
        "a: !!python/object/new:builtins.dict {}",
        "a: !!python/module:os",
        "a: !!python/bytes aGk=",
    ]:
        with pytest.raises(InputError, match="not allowed"):
            parse_yaml(text, "evil.yaml")
