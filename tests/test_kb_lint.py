"""``edaadvisor kb lint``: the shipped knowledge lints clean, and every seeded defect is found.

Each folder under tests/fixtures/lint/ is a pack with one kind of defect; the test checks the
linter names it with file:line, item id and kind, and finds nothing else a person would have to
wade through. The CLI is run as a user runs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO, run_cli
from edaadvisor.kbtools.lint import lint_folders

FIXTURES = REPO / "tests" / "fixtures" / "lint"

SEEDED = {
    # folder: {(kind, item)} the linter must report, and nothing else
    "unknown_reference": {
        ("unknown-reference", "rule seeded.unknown-question"),
        ("unknown-reference", "rule seeded.unknown-topic"),
    },
    "out_of_domain": {
        ("out-of-domain", "rule seeded.bad-choice"),
        ("out-of-domain", "red flag seeded_always_true"),
    },
    "never_fires": {
        ("never-fires", "rule seeded.impossible"),
        ("never-fires", "red flag seeded_impossible_flag"),
    },
    "shadowed": {("shadowed", "rule seeded.shadowed")},
    "contradiction": {("contradiction", "rule seeded.contradiction")},
    "gap": {("gap", "topic event_catalogue")},
    "unread_question": {("unread-question", "question team_size")},
    "visibility_cycle": {
        ("visibility-cycle", "question uses_cloud"),
        ("visibility-order", "question uses_cloud"),
    },
    "topic_cycle": {("topic-cycle", "rule seeded.tick")},
    "duplicate": {("duplicate", "rule cqrs.crud")},
    "schema": {("schema", "rule seeded.bad-strength")},
    # the declarations: requirements between topics, and conflicts between answers
    "requirement": {("requirement", "rule seeded.dead-end")},
    "implausible": {("implausible", "rule seeded.more-steps-than-services")},
}


def test_the_shipped_knowledge_lints_clean() -> None:
    proc = run_cli("kb", "lint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_the_example_policy_pack_lints_clean() -> None:
    proc = run_cli("kb", "lint", str(EXAMPLES / "policy-pack"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # orchestrating every saga switches the shipped choreography flag off: said, not failed
    notes = proc.stdout.splitlines()
    assert notes and all(line.startswith("note: ") for line in notes)
    assert any("choreography_without_compensation" in line for line in notes)


@pytest.mark.parametrize("folder", sorted(SEEDED))
def test_each_seeded_defect_is_found_and_nothing_else(folder: str) -> None:
    findings = lint_folders([FIXTURES / folder])
    assert {(f.kind, f.item) for f in findings} == SEEDED[folder], [str(f) for f in findings]
    for finding in findings:
        # file:line inside the fixture pack, so a person can jump to it
        assert finding.where.startswith(str(FIXTURES / folder) + "/items.yaml:"), finding


def test_every_kind_of_defect_has_a_fixture() -> None:
    kinds = {kind for expected in SEEDED.values() for kind, _ in expected}
    assert kinds >= {
        "unknown-reference",
        "out-of-domain",
        "never-fires",
        "shadowed",
        "contradiction",
        "gap",
        "unread-question",
        "visibility-cycle",
        "topic-cycle",
        "requirement",
        "implausible",
    }
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(
        [*SEEDED, "unreadable"]
    )


def test_findings_are_one_line_each_with_file_line_id_and_reason() -> None:
    proc = run_cli("kb", "lint", str(FIXTURES / "contradiction"))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    where, item, reason = lines[0].split(": ", 2)
    assert where == f"{FIXTURES / 'contradiction'}/items.yaml:2"
    assert item == "rule seeded.contradiction"
    # the witness: answers under which both rules fire, so the reviewer can reproduce it
    assert "orch.many-participants" in reason and "workflow_participants=4" in reason
    assert "Traceback" not in proc.stderr


def test_several_packs_are_linted_together() -> None:
    proc = run_cli("kb", "lint", str(FIXTURES / "gap"), str(FIXTURES / "shadowed"))
    assert proc.returncode == 1
    assert "[gap]" in proc.stdout and "[shadowed]" in proc.stdout


def test_a_whole_knowledge_folder_replaces_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "knowledge.yaml").write_text('name: tiny\nversion: "1"\n', encoding="utf-8")
    (tmp_path / "items.yaml").write_text(
        (FIXTURES / "gap" / "items.yaml").read_text(encoding="utf-8")
        + "questions:\n  - {id: consumers, section: S, type: int, minimum: 0, title: T, help: H}\n",
        encoding="utf-8",
    )
    findings = lint_folders([tmp_path])
    assert {(f.kind, f.item) for f in findings} == {("gap", "topic event_catalogue")}


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        (FIXTURES / "unreadable", "items.yaml:4: not valid YAML"),
        (Path("no-such-pack"), "no such folder"),
        (FIXTURES / "gap" / "items.yaml", "is a folder of YAML files; this is not one"),
        (FIXTURES, "missing pack.yaml"),
    ],
)
def test_unreadable_input_exits_2_with_one_clear_message(folder: Path, message: str) -> None:
    proc = run_cli("kb", "lint", str(folder))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
