"""The interview's logic without a screen: number entry, visibility, the crash-safe state file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edaadvisor.core import InputError, Knowledge
from edaadvisor.tui.numbers import NumberError, format_number, parse_number
from edaadvisor.tui.session import Interview
from edaadvisor.tui.state import StateStore


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("10k", 10_000),
        ("10K", 10_000),
        ("2M", 2_000_000),
        ("2 m", 2_000_000),
        ("1.5k", 1_500),
        ("1,000,000", 1_000_000),
        ("250 000", 250_000),
        ("1_000", 1_000),
        ("3b", 3_000_000_000),
        (" 7 ", 7),
    ],
)
def test_numbers_people_type(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "ten", "1,5", "1.5", "12x", "1,0000", "k", "1.2.3"])
def test_ambiguous_or_wrong_numbers_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(NumberError) as info:
        parse_number(text)
    assert str(info.value)


@given(st.integers(min_value=0, max_value=10**12))
def test_echoed_numbers_read_back(value: int) -> None:
    assert parse_number(format_number(value)) == value


def test_hidden_questions_are_skipped_and_their_answers_dropped(knowledge: Knowledge) -> None:
    interview = Interview(knowledge)
    interview.set_answer("workflow_participants", 5)
    interview.set_answer("compensation", "simple")
    assert "compensation" in interview.visible_ids()
    dropped = interview.set_answer("workflow_participants", 1)
    assert dropped == ["compensation"]
    assert "compensation" not in interview.visible_ids()
    assert "compensation" not in interview.answers_file().answers


def test_dont_know_keeps_dependent_questions_visible(knowledge: Knowledge) -> None:
    interview = Interview(knowledge)
    interview.set_dont_know("consumers")
    assert "serialization" in interview.visible_ids()
    assert interview.progress()[0] == 1
    assert "consumers" not in interview.answers_file().answers


def test_out_of_domain_answer_is_refused_with_the_cores_words(knowledge: Knowledge) -> None:
    interview = Interview(knowledge)
    with pytest.raises(InputError) as info:
        interview.set_answer("services", 0)
    assert "services" in "\n".join(info.value.lines)
    assert "services" not in interview.answers


def test_state_round_trip_resumes_where_the_user_was(knowledge: Knowledge, tmp_path: Path) -> None:
    interview = Interview(knowledge)
    interview.set_answer("services", 9)
    interview.set_dont_know("crud_only")
    interview.go_to("consistency")
    store = StateStore(tmp_path)
    store.save(interview.to_state())
    saved = store.load().saved
    assert saved is not None
    again, dropped = Interview.from_state(knowledge, saved.data)
    assert dropped == 0
    assert again.answers == {"services": 9}
    assert again.dont_know == {"crud_only"}
    assert again.current == "consistency"


def test_saved_answers_the_knowledge_no_longer_accepts_are_dropped(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    data = {"answers": {"services": 3, "no_such_question": 1, "consistency": "sometimes"}}
    again, dropped = Interview.from_state(knowledge, data)
    assert again.answers == {"services": 3}
    assert dropped == 2


@pytest.mark.parametrize("text", ["{not json", "[]", '{"format": 99, "interview": {}}'])
def test_unreadable_state_is_set_aside_with_a_message(tmp_path: Path, text: str) -> None:
    store = StateStore(tmp_path)
    store.path.write_text(text)
    result = store.load()
    assert result.saved is None
    assert result.message is not None and "set aside" in result.message
    assert not store.path.exists()
    (aside,) = tmp_path.glob("interview.corrupt-*.json")
    assert aside.read_text() == text


def test_state_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "new")
    for n in range(3):
        store.save({"answers": {"services": n + 1}})
    assert [p.name for p in store.directory.iterdir()] == ["interview.json"]
    assert json.loads(store.path.read_text())["interview"]["answers"] == {"services": 3}
