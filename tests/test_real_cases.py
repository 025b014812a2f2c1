"""The cases a senior architect raised against the first release, each with the advice they
would give. Run as a user runs them: the installed CLI, an answers file, the JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from conftest import EXAMPLES, run_cli


def report(tmp_path: Path, answers: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "answers": answers}), encoding="utf-8")
    proc = run_cli("--answers", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def verdicts(data: dict[str, Any]) -> dict[str, str]:
    return {topic: d["verdict"] for topic, d in data["decisions"].items()}


def test_a_startup_without_broker_experience_gets_no_choreography(tmp_path: Path) -> None:
    startup = {"broker_experience": "none", "workflow_participants": 2, "compensation": "simple"}
    data = report(tmp_path, startup)
    v = verdicts(data)
    assert v["event_driven"] == "advise_against"
    assert v["choreography"] == "not_applicable"
    choreography = data["decisions"]["choreography"]
    # the small-saga advice survives as what it is: conditional on adopting events anyway
    assert choreography["conditional"]["verdict"] == "recommend"
    assert choreography["summary"].startswith(
        "Not applicable while event-driven architecture is advised against."
    )
    # the lean says what it assumed: nobody runs a broker for this team
    [assumption] = data["decisions"]["event_driven"]["assumptions"]
    assert assumption["question"] == "managed_broker"
    assert assumption["otherwise"] == "consider"


def test_crud_with_eight_consumers_tells_one_story(tmp_path: Path) -> None:
    data = report(
        tmp_path,
        {
            "services": 3, "crud_only": True, "consumers": 8, "events_per_day": 5_000_000,
            "dual_write": True, "consistency": "eventual", "broker_experience": "some",
        },
    )  # fmt: skip
    v = verdicts(data)
    # a CRUD domain feeding eight consumers: publish change events, nothing more elaborate
    assert v["event_driven"] == "recommend"
    assert "change events" in data["decisions"]["event_driven"]["summary"]
    assert v["event_sourcing"] != "recommend" and v["cqrs"] == "advise_against"
    assert v["choreography"] == v["orchestration"] == "not_applicable"
    for topic in ("outbox", "dead_letter_queue", "schema_registry", "idempotent_consumers"):
        assert v[topic] == "recommend", topic
    # the same plumbing with event-driven advised against is conditional, never adopted
    data = report(tmp_path, {"crud_only": True, "consumers": 2, "dual_write": True,
                             "services": 1, "events_per_day": 50})  # fmt: skip
    assert verdicts(data)["event_driven"] == "advise_against"
    for topic in ("outbox", "dead_letter_queue", "schema_registry", "idempotent_consumers"):
        decision = data["decisions"][topic]
        assert decision["verdict"] == "not_applicable", topic
        assert decision["conditional"]["requires"] == "event_driven"
    assert data["decisions"]["outbox"]["conditional"]["verdict"] == "recommend"
    assert "If you publish events anyway" in data["decisions"]["outbox"]["summary"]


def test_one_service_gets_no_saga(tmp_path: Path) -> None:
    data = report(tmp_path, {"services": 1})
    for topic in ("choreography", "orchestration"):
        decision = data["decisions"][topic]
        assert decision["verdict"] == "not_applicable"
        assert decision["unknown"] == []
        assert "no saga" in decision["summary"]


def test_sqs_gets_no_partition_or_kafka_group_advice(tmp_path: Path) -> None:
    data = report(
        tmp_path,
        {
            "services": 4, "crud_only": False, "consistency": "eventual",
            "events_per_day": 100_000, "broker_experience": "some", "consumers": 3,
            "ordering": "per_entity", "broker": "sqs_sns", "consumer_instances": 6,
            "replay": True,
        },
    )  # fmt: skip
    v = verdicts(data)
    assert v["partition_key"] == "not_applicable"
    assert v["static_membership"] == "not_applicable"
    flags = {f["id"] for f in data["red_flags"]}
    assert not flags & {"no_partition_key", "consumers_exceed_partitions"}
    # what SQS does need said: FIFO for order, and it cannot replay
    assert {"unordered_standard_queues", "replay_not_supported"} <= flags
    text = json.dumps(data["decisions"])
    assert "keeps each entity's events on one partition" not in text


def test_eventbridge_needs_sequence_numbers_wherever_order_matters(tmp_path: Path) -> None:
    data = report(
        tmp_path,
        {
            "consumers": 2, "ordering": "per_entity", "broker": "eventbridge", "services": 3,
            "crud_only": False, "consistency": "eventual", "broker_experience": "some",
            "events_per_day": 50_000,
        },
    )
    assert verdicts(data)["sequencing"] == "recommend"
    assert verdicts(data)["partition_key"] == "not_applicable"


def test_thirty_events_a_day_leans_against_and_says_what_it_assumed(tmp_path: Path) -> None:
    base = {"services": 4, "events_per_day": 30, "consumers": 1, "crud_only": False,
            "consistency": "eventual", "broker_experience": "some"}  # fmt: skip
    data = report(tmp_path, base)
    decision = data["decisions"]["event_driven"]
    assert decision["verdict"] == "advise_against"
    assert decision["strength"] == "normal"  # a lean is never stronger than normal
    assert [a["question"] for a in decision["assumptions"]] == ["replay"]
    assert data["assumed"]["replay"] is False
    # the question that decides it comes first among the changes that would move it
    assert decision["what_if"][0]["changes"] == {"replay": True}
    assert "now assumed no" in decision["what_if"][0]["description"]
    # no cliff: a few hundred a day is "consider", not yet "recommend"
    assert verdicts(report(tmp_path, {**base, "events_per_day": 300}))["event_driven"] == (
        "consider"
    )
    assert verdicts(report(tmp_path, {**base, "events_per_day": 3000}))["event_driven"] == (
        "recommend"
    )


def test_the_prime_video_pipeline_is_advised_against_events_and_sagas() -> None:
    proc = run_cli("--answers", str(EXAMPLES / "video-monitoring.yaml"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    v = verdicts(json.loads(proc.stdout))
    assert v["event_driven"] == "advise_against"
    assert v["choreography"] == v["orchestration"] == "advise_against"


def test_answers_that_contradict_each_other_are_reported_not_refused(tmp_path: Path) -> None:
    data = report(tmp_path, {"services": 1, "workflow_participants": 3, "crud_only": True})
    conflicts = {c["id"]: c for c in data["conflicts"]}
    assert set(conflicts) == {"participants_exceed_services", "crud_with_workflow"}
    assert conflicts["participants_exceed_services"]["questions"] == [
        "workflow_participants", "services",
    ]  # fmt: skip
    assert conflicts["participants_exceed_services"]["message"] == (
        "The longest workflow spans 3 services, more than the 1 service the system has."
    )


def test_compensation_none_raises_no_compensation_flags(tmp_path: Path) -> None:
    data = report(
        tmp_path,
        {"services": 3, "workflow_participants": 2, "compensation": "none",
         "consistency": "eventual", "broker_experience": "some", "crud_only": False,
         "events_per_day": 50_000, "consumers": 2},
    )  # fmt: skip
    assert verdicts(data)["choreography"] == "recommend"
    flags = {f["id"] for f in data["red_flags"]}
    assert not flags & {"choreography_without_compensation", "non_idempotent_compensation"}
    assert "simple compensation" not in data["decisions"]["choreography"]["summary"]


def test_zero_read_lag_rules_out_asynchronous_read_models(tmp_path: Path) -> None:
    base = {"read_write_divergence": "significant", "consistency": "eventual", "crud_only": False}
    lagging = verdicts(report(tmp_path, {**base, "consistency_lag_seconds": 5}))
    never = report(tmp_path, {**base, "consistency_lag_seconds": 0})
    assert lagging["cqrs"] == "recommend"
    assert verdicts(never)["cqrs"] == "consider"
    assert "cannot give" in never["decisions"]["cqrs"]["summary"]
    assert [c["id"] for c in never["conflicts"]] == ["eventual_without_lag"]


def test_safeguards_in_place_become_checks_not_alarms(tmp_path: Path) -> None:
    answers = yaml.safe_load((EXAMPLES / "order-fulfilment.yaml").read_text())["answers"]
    answers["safeguards"] = ["outbox", "dead_letter_queue"]
    data = report(tmp_path, answers)
    flags = {f["id"] for f in data["red_flags"]}
    checks = {c["id"]: c for c in data["checks"]}
    assert set(checks) == {"dual_write_without_outbox", "no_dlq"}
    assert not flags & set(checks)
    assert checks["no_dlq"]["safeguard"] == "dead_letter_queue"


def test_mixed_consistency_no_longer_vetoes_events(tmp_path: Path) -> None:
    answers = yaml.safe_load((EXAMPLES / "order-fulfilment.yaml").read_text())["answers"]
    strong = verdicts(report(tmp_path, {**answers, "consistency": "strong"}))
    mixed = verdicts(report(tmp_path, {**answers, "consistency": "mixed"}))
    assert strong["event_driven"] == "advise_against"
    assert mixed["event_driven"] == "recommend"
    assert mixed["orchestration"] == "recommend"
