"""What-if: the smallest changes of answers that would change each decision.

Checked the way a user meets them: in the JSON report (``decisions.<topic>.what_if``), and by
trying one with ``--set`` to see the promised verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import EXAMPLES, run_cli
from edaadvisor.core import Knowledge, evaluate, load_answers_file
from edaadvisor.core.whatif import LIMIT, WhatIfSearch, compute_what_if

SAGA_OF_FOUR = (
    "version: 1\nproject: Four-step saga\nanswers:\n"
    "  services: 5\n  workflow_participants: 4\n  compensation: none\n  consistency: eventual\n"
)


def _report(path: Path, *extra: str) -> dict[str, Any]:
    proc = run_cli("--answers", str(path), "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def test_four_participants_without_compensation_revisit_at_three_or_fewer(tmp_path: Path) -> None:
    answers = tmp_path / "saga.yaml"
    answers.write_text(SAGA_OF_FOUR, encoding="utf-8")
    orchestration = _report(answers)["decisions"]["orchestration"]
    assert orchestration["verdict"] == "recommend"
    alone = [
        w
        for w in orchestration["what_if"]
        if set(w["changes"]) == {"workflow_participants"}
        and w["changes"]["workflow_participants"] <= 3
    ]
    assert alone, orchestration["what_if"]
    # the closest such change comes first and is the threshold itself, in plain words
    first = alone[0]
    assert first["changes"] == {"workflow_participants": 3}
    assert first["verdict"] == "consider"
    assert first["description"] == (
        "if the answer to “How many services take part in your longest multi-step business "
        "transaction?” were 2 to 3 services (now 4 services)"
    )


def test_trying_a_what_if_with_set_gives_the_promised_verdict(tmp_path: Path) -> None:
    answers = tmp_path / "saga.yaml"
    answers.write_text(SAGA_OF_FOUR, encoding="utf-8")
    report = _report(answers)
    tried = 0
    for topic in ("event_driven", "cqrs", "choreography", "orchestration", "outbox"):
        for entry in report["decisions"][topic]["what_if"][:1]:
            sets = [f"--set={q}={_yaml(v)}" for q, v in entry["changes"].items()]
            after = _report(answers, *sets)
            assert after["decisions"][topic]["verdict"] == entry["verdict"], (topic, entry)
            tried += 1
    assert tried == 5


def _yaml(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def test_every_example_gets_what_ifs_that_are_capped_ordered_and_in_words() -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        report = _report(example)
        for topic, decision in report["decisions"].items():
            items = decision["what_if"]
            assert len(items) <= LIMIT
            sizes = [len(w["changes"]) for w in items]
            assert sizes == sorted(sizes), (example.name, topic)
            assert len(set(sizes)) <= 1, "one change, else two: never both in one list"
            for entry in items:
                assert entry["verdict"] != decision["verdict"]
                assert entry["description"].startswith("if the answer to “")
                assert "(now " in entry["description"]
                assert " and the answer to “" in entry["description"] or len(entry["changes"]) == 1


def test_a_topic_that_no_single_answer_moves_lists_pairs() -> None:
    # two independent reasons against events (one team; megabyte events): no single change
    report = _report(EXAMPLES / "video-monitoring.yaml")
    eda = report["decisions"]["event_driven"]
    assert eda["verdict"] == "advise_against"
    assert eda["what_if"][0]["changes"] == {"services": 5, "event_size_kb": 1023}
    assert eda["what_if"][0]["verdict"] == "recommend"
    assert all(len(w["changes"]) == 2 for w in eda["what_if"])


def test_order_follows_the_question_order_then_the_closest_value(knowledge: Knowledge) -> None:
    answers = {"workflow_participants": 6, "compensation": "simple", "consistency": "eventual"}
    verdicts = evaluate(knowledge, answers).verdicts
    items = compute_what_if(knowledge, answers, verdicts)["choreography"]
    order = list(knowledge.questions)
    keys = [order.index(next(iter(w.changes))) for w in items]
    assert keys == sorted(keys)
    participants = [w.changes[q] for w in items for q in w.changes if q == "workflow_participants"]
    assert participants == [3, 1]  # 3 (recommend) is closer to 6 than 1 (not applicable)


def test_hidden_questions_are_not_suggested(knowledge: Knowledge) -> None:
    # with no multi-service workflow the interview never asks about compensation
    answers = {"workflow_participants": 0, "consumers": 0}
    verdicts = evaluate(knowledge, answers).verdicts
    result = compute_what_if(knowledge, answers, verdicts)
    suggested = {q for items in result.values() for w in items for q in w.changes}
    assert "compensation" not in suggested
    assert "serialization" not in suggested  # hidden while there are no consumers


def test_integers_are_tried_at_thresholds_not_one_by_one(knowledge: Knowledge) -> None:
    answers = load_answers_file(EXAMPLES / "order-fulfilment.yaml", knowledge).answers
    answers = {**answers, "events_per_day": 10_000_000, "consumers": 900}
    search = WhatIfSearch(knowledge, answers, evaluate(knowledge, answers).verdicts)
    values = [v for v, _ in search.candidates("events_per_day")]
    # the other regions, closest first: a few hundred a day (consider), under a hundred
    assert values == [999, 99]
    assert {v for v, _ in search.candidates("consumers")} == {0, 1, 2}
    compute_what_if(knowledge, answers, evaluate(knowledge, answers).verdicts)


def test_what_if_is_deterministic(tmp_path: Path) -> None:
    first = run_cli("--answers", str(EXAMPLES / "order-fulfilment.yaml"), "--format", "json")
    second = run_cli("--answers", str(EXAMPLES / "order-fulfilment.yaml"), "--format", "json")
    assert first.stdout == second.stdout


def test_the_tui_entry_point_gives_the_same_answer_as_the_report(knowledge: Knowledge) -> None:
    from edaadvisor.core.whatif import what_if

    answers = load_answers_file(EXAMPLES / "loyalty-points.yaml", knowledge).answers
    verdicts = evaluate(knowledge, answers).verdicts
    assert what_if(knowledge, answers) == compute_what_if(knowledge, answers, verdicts)
