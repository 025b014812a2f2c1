"""``edaadvisor check``: recorded decisions still hold (0), drifted (1), unreadable ADR (2),
and the ADR lifecycle respected: superseded records skipped, overrides honoured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, REPO, run_cli

ORDER = str(EXAMPLES / "order-fulfilment.yaml")


def write_adr(tmp_path: Path, template: str = "madr") -> Path:
    out = tmp_path / f"{template}.md"
    proc = run_cli("--answers", ORDER, "--template", template, "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def topic_record(tmp_path: Path, topic: str, template: str = "madr") -> Path:
    folder = tmp_path / "adrs"
    proc = run_cli("--answers", ORDER, "--adr-dir", str(folder), "--template", template)
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        if f"record: {topic}\n" in Path(line).read_text():
            return Path(line)
    raise AssertionError(f"no record for {topic}")


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_fresh_adr_passes_and_edited_answers_drift(tmp_path: Path, template: str) -> None:
    adr = write_adr(tmp_path, template)
    proc = run_cli("check", str(adr))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{adr}: 14 verdicts still hold\n"

    # a teammate edits the recorded answers: history becomes a requirement
    adr.write_text(adr.read_text().replace("audit_history: false", "audit_history: true"))
    proc = run_cli("check", str(adr))
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{adr}: drifted\n")
    assert "  event_sourcing: advised against -> recommended (es." in proc.stdout


def test_every_committed_example_adr_still_holds() -> None:
    adrs = sorted(str(p) for p in (EXAMPLES / "adr").rglob("*.md"))
    assert len(adrs) > 20
    proc = run_cli("check", *adrs)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_recorded_verdict_that_no_longer_holds_names_the_rule_and_the_knowledge_change(
    tmp_path: Path,
) -> None:
    adr = write_adr(tmp_path)
    text = adr.read_text().replace("cqrs: consider", "cqrs: recommend")
    adr.write_text(re.sub(r'version: "2\d{3}\.[^"]*"', 'version: "2020.1.1"', text))
    proc = run_cli("check", str(adr))
    assert proc.returncode == 1
    assert "  cqrs: recommended -> worth considering (cqrs.moderate: " in proc.stdout
    knowledge = next(line for line in proc.stdout.splitlines() if "knowledge:" in line)
    assert re.fullmatch(
        r"  knowledge: edaadvisor-core 2020\.1\.1 -> edaadvisor-core \S+", knowledge
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("# A hand-written ADR\n", "has no edaadvisor provenance"),
        ("---\nedaadvisor: [\n---\n# x\n", ":2: the provenance is not valid YAML"),
        ("---\nedaadvisor:\n  answers: {}\n---\n", "'edaadvisor.verdicts' is missing"),
        (
            "---\nedaadvisor:\n  answers: {consistency: sometimes}\n  verdicts: {}\n---\n",
            "'sometimes' is not allowed; consistency takes one of: strong, eventual, mixed",
        ),
        (
            "---\nedaadvisor:\n  answers: {}\n  verdicts: {}\n  overrides: {outbox: maybe}\n---\n",
            "'edaadvisor.overrides' maps a topic to {verdict, reason}",
        ),
    ],
)
def test_unreadable_adr_is_exit_2_with_one_clear_message(
    tmp_path: Path, content: str, message: str
) -> None:
    adr = tmp_path / "0001-x.md"
    adr.write_text(content)
    proc = run_cli("check", str(adr))
    assert proc.returncode == 2
    assert message in proc.stderr and str(adr) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_file_and_worst_status_wins(tmp_path: Path) -> None:
    good = write_adr(tmp_path)
    proc = run_cli("check", str(good), str(tmp_path / "nope.md"))
    assert proc.returncode == 2 and "nope.md: no such file" in proc.stderr
    assert "14 verdicts still hold" in proc.stdout


@pytest.mark.parametrize(
    "hand_written",
    [
        "# 1. Use Postgres\n\n## Status\n\nAccepted\n",
        "---\nstatus: [unclosed\n---\n# Use Postgres\n",  # front matter that is not YAML
        "---\ntitle: Use Postgres\nedaadvisors: 3\n---\n# Use Postgres\n",
        "---\n---\n",
    ],
)
def test_skip_unmarked_passes_over_any_file_without_provenance(
    tmp_path: Path, hand_written: str
) -> None:
    hand = tmp_path / "0001-use-postgres.md"
    hand.write_text(hand_written)
    good = write_adr(tmp_path)
    proc = run_cli("check", "--skip-unmarked", str(hand), str(good))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{good}: 14 verdicts still hold\n"


@pytest.mark.parametrize(
    "status",
    [
        'status: "superseded by ADR-0009"',
        "status: superseded by [ADR-0009](0009-x.md)",
        "status: deprecated",
        'status: "rejected"',
        "status: Superseded",
    ],
)
def test_superseded_deprecated_and_rejected_records_are_skipped(
    tmp_path: Path, status: str
) -> None:
    adr = write_adr(tmp_path)
    # a drifted verdict would fail the check, but a record that is no longer current is history
    text = adr.read_text().replace("cqrs: consider", "cqrs: recommend")
    adr.write_text(text.replace('status: "proposed"', status))
    proc = run_cli("check", str(adr))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith(f"{adr}: skipped (")


def test_nygard_and_madr_2_status_forms_are_read(tmp_path: Path) -> None:
    nygard = write_adr(tmp_path, "nygard")
    text = nygard.read_text().replace("cqrs: consider", "cqrs: recommend")
    nygard.write_text(
        text.replace("## Status\n\nProposed", "## Status\n\nSuperseded by [9. X](0009-x.md)")
    )
    assert run_cli("check", str(nygard)).returncode == 0
    madr2 = tmp_path / "madr2.md"
    madr2.write_text(
        "# Use X\n\n* Status: rejected\n* Date: 2020-01-01\n\n<!-- edaadvisor "
        "provenance\nedaadvisor: {answers: {}, verdicts: {cqrs: recommend}}\n-->\n"
    )
    proc = run_cli("check", str(madr2))
    assert proc.returncode == 0 and "skipped (rejected)" in proc.stdout


def test_recorded_override_passes_and_reports_a_changed_recommendation(tmp_path: Path) -> None:
    adr = topic_record(tmp_path, "outbox")
    text = adr.read_text()
    override = (
        "  overrides: {outbox: {verdict: advise_against, reason: we publish from CDC}}\n---\n"
    )
    adr.write_text(
        text.replace("\n---\n", "\n" + override, 1).replace(
            "# Publish events through", "# We decided against"
        )
    )
    proc = run_cli("check", str(adr))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == f"{adr}: 0 verdicts still hold, 1 overridden by the team\n"
    # the advice behind the override changes: still passes, and says so
    adr.write_text(adr.read_text().replace("dual_write: true", "dual_write: false"))
    proc = run_cli("check", str(adr))
    assert proc.returncode == 0, proc.stdout
    assert (
        "outbox: overridden as advised against (we publish from CDC); the advice it " in proc.stdout
    )
    assert "recommended -> not applicable; check that the reason still holds" in proc.stdout


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_an_edited_decision_in_the_body_is_drift(tmp_path: Path, template: str) -> None:
    adr = topic_record(tmp_path, "outbox", template)
    original = adr.read_text()
    adr.write_text(
        original.replace(
            'Chosen option: "Transactional outbox table with a relay"',
            'Chosen option: "Publish to the broker directly"',
        )
    )
    proc = run_cli("check", str(adr))
    assert proc.returncode == 1
    assert 'body: the decision line says "Publish to the broker directly"' in proc.stdout
    adr.write_text(
        original.replace(
            "Publish events through a transactional outbox",
            "Publish events without a transactional outbox",
        )
    )
    proc = run_cli("check", str(adr))
    assert proc.returncode == 1 and "body: the title no longer says" in proc.stdout


def test_an_edited_row_in_the_overview_is_drift(tmp_path: Path) -> None:
    adr = write_adr(tmp_path)
    adr.write_text(
        adr.read_text().replace(
            "| Transactional outbox | recommended |", "| Transactional outbox | advised against |"
        )
    )
    proc = run_cli("check", str(adr))
    assert proc.returncode == 1
    assert "body: the Transactional outbox row says 'advised against'" in proc.stdout


def test_pre_commit_hook_always_runs_and_finds_the_adr_folders_itself() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook, *_) = hooks
    assert hook["id"] == "edaadvisor-check"
    assert hook["entry"].startswith("edaadvisor check")
    assert hook["language"] == "python"
    # a knowledge-base or tool upgrade changes no Markdown file, yet must be able to fail
    assert hook["always_run"] is True and hook["pass_filenames"] is False


@pytest.mark.parametrize(
    ("status", "accepted"),
    [("superseded by ADR-0009", True), ("accepted", True), ("maybe", False)],
)
def test_answers_file_takes_every_madr_status_form(
    tmp_path: Path, status: str, accepted: bool
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(f'version: 1\nadr: {{status: "{status}"}}\nanswers: {{services: 2}}\n')
    proc = run_cli("--answers", str(answers))
    assert (proc.returncode == 0) is accepted, proc.stderr
    if accepted:
        assert f'\nstatus: "{status}"\n' in proc.stdout
    else:
        assert "is not a status; allowed: proposed" in proc.stderr


def test_a_record_cannot_make_check_read_files_outside_the_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    adr = topic_record(tmp_path, "outbox")
    secret = tmp_path.parent / "secret.yaml"
    secret.write_text("version: 1\nanswers: {services: 1}\n")
    text = adr.read_text()
    source = '  source: {file: "../../../secret.yaml", digest: "sha256:0"}\n'
    adr.write_text(text.replace("  record: outbox\n", "  record: outbox\n" + source))
    proc = run_cli("check", str(adr))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "is outside the repository; not compared" in proc.stdout
