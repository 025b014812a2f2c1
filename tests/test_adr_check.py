"""``edaadvisor check``: recorded verdicts still hold (0), drifted (1), unreadable ADR (2)."""

from __future__ import annotations

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
    adrs = sorted(str(p) for p in (EXAMPLES / "adr").glob("*.md"))
    proc = run_cli("check", *adrs)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_recorded_verdict_that_no_longer_holds_names_the_rule(tmp_path: Path) -> None:
    adr = write_adr(tmp_path)
    adr.write_text(adr.read_text().replace("    cqrs: consider", "    cqrs: recommend"))
    proc = run_cli("check", str(adr))
    assert proc.returncode == 1
    assert "  cqrs: recommended -> worth considering (cqrs.moderate: " in proc.stdout


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


def test_skip_unmarked_lets_hand_written_adrs_pass(tmp_path: Path) -> None:
    hand = tmp_path / "0001-use-postgres.md"
    hand.write_text("# 1. Use Postgres\n\n## Status\n\nAccepted\n")
    good = write_adr(tmp_path)
    proc = run_cli("check", "--skip-unmarked", str(hand), str(good))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{good}: 14 verdicts still hold\n"


def test_pre_commit_hook_runs_check_on_adr_folders() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "edaadvisor-check"
    assert hook["entry"].startswith("edaadvisor check")
    assert hook["language"] == "python" and "markdown" in hook["types"]
