"""Knowledge packs (``--knowledge DIR``) and ``--set``, run as a user runs them.

A pack adds questions, rules and red flags, or overrides a shipped rule by id; everything it
breaks is reported naming the pack's file, line and item, with exit 2 and nothing on stdout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, run_cli

PACK = EXAMPLES / "policy-pack"
LOYALTY = EXAMPLES / "loyalty-points.yaml"
REF = "    references: [{section: Sagas — Choreography vs Orchestration}]\n"


def _json(*args: str) -> dict[str, Any]:
    proc = run_cli(*args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def _pack(tmp_path: Path, body: str, name: str = "team") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "pack.yaml").write_text(f'name: {name}\nversion: "0.1"\n', encoding="utf-8")
    (folder / "rules.yaml").write_text(body, encoding="utf-8")
    return folder


def _fails(*args: str) -> str:
    proc = run_cli(*args, "--format", "json")
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    return proc.stderr


def test_the_policy_pack_changes_the_saga_verdicts_and_says_so() -> None:
    before = _json("--answers", str(LOYALTY))
    after = _json("--answers", str(LOYALTY), "--knowledge", str(PACK))
    assert before["decisions"]["orchestration"]["verdict"] == "consider"
    assert after["decisions"]["orchestration"]["verdict"] == "recommend"
    assert before["decisions"]["choreography"]["verdict"] == "recommend"
    assert after["decisions"]["choreography"]["verdict"] == "advise_against"
    assert after["decisions"]["orchestration"]["summary"].startswith("Acme policy")
    (pack,) = after["knowledge"]["packs"]
    assert pack["name"] == "acme-platform-policy" and pack["version"] == "2026.11"
    assert len(pack["digest"]) == 64
    assert pack["rules"] == [
        "orch.small-simple-workflow",
        "orch.small-nothing-to-undo",
        "choreo.small-simple-workflow",
        "choreo.small-nothing-to-undo",
    ]
    assert pack["red_flags"] == ["broker_not_operated_here"]
    assert before["knowledge"]["packs"] == []
    assert before["knowledge"]["digest"] != after["knowledge"]["digest"]
    flags = [f["id"] for f in after["red_flags"]]
    assert "broker_not_operated_here" in flags  # loyalty points runs on RabbitMQ


def test_packs_apply_in_order_and_a_later_one_overrides_an_earlier_one(tmp_path: Path) -> None:
    later = _pack(
        tmp_path,
        "rules:\n  - id: orch.small-simple-workflow\n    replaces: true\n"
        "    topic: orchestration\n    verdict: advise_against\n"
        "    when: {answer: workflow_participants, ge: 2}\n"
        "    summary: Later pack wins.\n    rationale: Order matters.\n" + REF,
    )
    data = _json("--answers", str(LOYALTY), "-k", str(PACK), "-k", str(later))
    assert data["decisions"]["orchestration"]["verdict"] == "advise_against"
    assert [p["name"] for p in data["knowledge"]["packs"]] == ["acme-platform-policy", "team"]


def test_a_pack_question_is_asked_validated_and_read_by_its_rules(tmp_path: Path) -> None:
    pack = _pack(
        tmp_path,
        "questions:\n  - id: on_call_team\n    section: Volume and team\n    type: bool\n"
        "    title: Is there an on-call rotation for the broker?\n    help: Who wakes up.\n"
        "rules:\n  - id: team.no-on-call\n    topic: event_driven\n    verdict: advise_against\n"
        "    strength: decisive\n    when: {answer: on_call_team, eq: false}\n"
        "    summary: Nobody is on call for the broker.\n    rationale: Policy.\n" + REF,
    )
    answers = tmp_path / "a.yaml"
    answers.write_text(LOYALTY.read_text(encoding="utf-8") + "  on_call_team: false\n", "utf-8")
    data = _json("--answers", str(answers), "-k", str(pack))
    assert data["decisions"]["event_driven"]["verdict"] == "advise_against"
    assert data["decisions"]["event_driven"]["rules"] == ["team.no-on-call"]
    # without the pack the same answers file names the unknown question
    assert "on_call_team" in _fails("--answers", str(answers))
    # and the pack's domain is enforced like a shipped one
    assert "true or false" in _fails(
        "--answers", str(LOYALTY), "-k", str(pack), "--set", "on_call_team=7"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # schema error: names the file, line and rule
            "rules:\n  - id: team.bad\n    topic: orchestration\n    verdict: maybe\n"
            "    when: {answer: services, ge: 2}\n    summary: S.\n    rationale: R.\n" + REF,
            ["rules.yaml:4", "(rule team.bad)", "'recommend', 'consider'"],
        ),
        (  # overriding without saying so
            "rules:\n  - id: cqrs.crud\n    topic: cqrs\n    verdict: recommend\n"
            "    when: {answer: crud_only, eq: true}\n    summary: S.\n    rationale: R.\n" + REF,
            ["rules.yaml:2", "'cqrs.crud' is already defined at", "replaces: true"],
        ),
        (  # replacing what does not exist
            "rules:\n  - id: team.new\n    replaces: true\n    topic: cqrs\n"
            "    verdict: recommend\n    when: {answer: crud_only, eq: true}\n"
            "    summary: S.\n    rationale: R.\n" + REF,
            ["rules.yaml:2", "'team.new' replaces nothing"],
        ),
        (  # silently changing a shipped question's domain is refused
            "questions:\n  - id: compensation\n    section: Workflows\n    type: enum\n"
            "    title: T?\n    help: H.\n    choices: [{value: none, label: N}, "
            "{value: partial, label: P}]\n",
            ["rules.yaml:2", "'compensation' is already defined", "cannot change a shipped"],
        ),
        (  # a value outside the shipped question's domain
            "rules:\n  - id: team.partial\n    topic: orchestration\n    verdict: recommend\n"
            "    when: {answer: compensation, eq: partial}\n    summary: S.\n    rationale: R.\n"
            + REF,
            ["rules.yaml:2", "(rule team.partial)", "one of: none, simple, non_trivial"],
        ),
        (  # an unknown question
            "rules:\n  - id: team.size\n    topic: orchestration\n    verdict: recommend\n"
            "    when: {answer: team_size, ge: 3}\n    summary: S.\n    rationale: R.\n" + REF,
            ["rules.yaml:2", "(rule team.size)", "unknown question 'team_size'"],
        ),
    ],
)
def test_a_broken_pack_is_named_by_file_line_and_item(
    tmp_path: Path, body: str, expected: list[str]
) -> None:
    pack = _pack(tmp_path, body)
    message = _fails("--answers", str(LOYALTY), "--knowledge", str(pack))
    assert f"{pack}/" in message
    for part in expected:
        assert part in message


def test_a_pack_without_metadata_or_folder_is_refused(tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "rules.yaml").write_text("rules: []\n", encoding="utf-8")
    assert "missing pack.yaml" in _fails("--answers", str(LOYALTY), "-k", str(bare))
    (bare / "pack.yaml").write_text("name: bare\n", encoding="utf-8")
    assert "needs both 'name' and 'version'" in _fails("--answers", str(LOYALTY), "-k", str(bare))
    assert "no such folder" in _fails("--answers", str(LOYALTY), "-k", str(tmp_path / "nope"))
    assert "not one" in _fails("--answers", str(LOYALTY), "-k", str(LOYALTY))


def test_set_overrides_answers_without_editing_the_file() -> None:
    data = _json("--answers", str(LOYALTY), "--set", "workflow_participants=5")
    assert data["answers"]["workflow_participants"] == 5
    assert data["decisions"]["orchestration"]["verdict"] == "recommend"
    cleared = _json("--answers", str(LOYALTY), "--set", "compensation=")
    assert "compensation" not in cleared["answers"]
    assert "compensation" in cleared["unanswered"]
    several = _json("--answers", str(LOYALTY), "--set", "dual_write=yes", "--set", "pii=false")
    assert several["answers"]["dual_write"] is True and several["answers"]["pii"] is False
    # a choice stays a choice even where YAML would read the word as something else
    assert _json("--answers", str(LOYALTY), "--set", "ordering=none")["answers"]["ordering"] == (
        "none"
    )


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("workflow_participants=many", "a whole number of at least 0"),
        ("compensation=partial", "one of: none, simple, non_trivial"),
        ("workflow_participant=3", "did you mean workflow_participants"),
        ("workflow_participants", "--set takes QUESTION=VALUE"),
        ("services=[1", "services"),
    ],
)
def test_a_bad_set_is_one_clear_error(override: str, expected: str) -> None:
    message = _fails("--answers", str(LOYALTY), "--set", override)
    assert expected in message
    assert len(message.strip().splitlines()) == 1
