"""``edaadvisor kb diff OLD NEW --answers DIR``: a knowledge change reviewed by its effect."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLES, REPO, run_cli

KNOWLEDGE = REPO / "knowledge"
PACK = EXAMPLES / "policy-pack"


def _answers_dir(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "answers"
    folder.mkdir()
    for name in names:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def test_the_policy_pack_changes_the_saga_verdicts_of_a_small_saga(tmp_path: Path) -> None:
    answers = _answers_dir(tmp_path, "loyalty-points.yaml", "order-fulfilment.yaml")
    proc = run_cli("kb", "diff", str(KNOWLEDGE), str(PACK), "--answers", str(answers))
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    loyalty = f"{answers / 'loyalty-points.yaml'}: "
    assert f"{loyalty}orchestration: consider -> recommend (orch.small-simple-workflow)" in lines
    assert f"{loyalty}choreography: recommend -> advise_against (choreo.small-simple-workflow)" in (
        lines
    )
    assert f"{loyalty}red flag broker_not_operated_here: now raised" in lines
    # the six-step saga was orchestrated already: the pack changes nothing for it
    assert not any("order-fulfilment" in line for line in lines)
    assert "1 of 2 answers file(s) change" in proc.stderr


def test_identical_knowledge_changes_nothing(tmp_path: Path) -> None:
    answers = _answers_dir(tmp_path, "loyalty-points.yaml", "account-ledger.yaml")
    proc = run_cli("kb", "diff", str(KNOWLEDGE), str(KNOWLEDGE), "--answers", str(answers))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_an_edited_knowledge_base_shows_the_verdicts_it_moves(tmp_path: Path) -> None:
    edited = tmp_path / "edited"
    shutil.copytree(KNOWLEDGE, edited)
    sagas = edited / "rules" / "sagas.yaml"
    text = sagas.read_text(encoding="utf-8")
    # raise the "many participants" threshold from four to seven
    rule = "  - id: orch.many-participants\n    topic: orchestration\n    verdict: recommend\n"
    assert rule + "    when: {answer: workflow_participants, ge: 4}" in text
    text = text.replace(
        rule + "    when: {answer: workflow_participants, ge: 4}",
        rule + "    when: {answer: workflow_participants, ge: 7}",
    )
    sagas.write_text(text, encoding="utf-8")
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "saga5.yaml").write_text(
        "version: 1\nanswers:\n  workflow_participants: 5\n  compensation: simple\n"
        "  consistency: eventual\n",
        encoding="utf-8",
    )
    proc = run_cli("kb", "diff", str(KNOWLEDGE), str(edited), "--answers", str(answers))
    assert proc.returncode == 1
    assert "orchestration: recommend -> consider" in proc.stdout


def test_an_answers_file_only_the_new_knowledge_reads_is_a_change(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text('name: extra\nversion: "1"\n', encoding="utf-8")
    (pack / "q.yaml").write_text(
        "questions:\n  - {id: team_size, section: S, type: int, minimum: 1, title: T, help: H}\n",
        encoding="utf-8",
    )
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "a.yaml").write_text("version: 1\nanswers:\n  team_size: 4\n", encoding="utf-8")
    proc = run_cli("kb", "diff", str(KNOWLEDGE), str(pack), "--answers", str(answers))
    assert proc.returncode == 1
    assert "cannot be read with the OLD knowledge" in proc.stdout
    assert "team_size" in proc.stdout


def test_bad_input_exits_2_with_a_message(tmp_path: Path) -> None:
    answers = _answers_dir(tmp_path, "loyalty-points.yaml")
    cases = [
        (["kb", "diff", str(KNOWLEDGE), "nowhere", "--answers", str(answers)], "no such folder"),
        (["kb", "diff", str(KNOWLEDGE), str(PACK), "--answers", str(tmp_path / "x")], "folder"),
        (["kb", "diff", str(KNOWLEDGE), str(PACK), "--answers", str(tmp_path)], "no answers"),
    ]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.yaml").write_text("version: 1\nanswers:\n  services: many\n", encoding="utf-8")
    cases.append((["kb", "diff", str(KNOWLEDGE), str(PACK), "--answers", str(broken)], "services"))
    for args, message in cases:
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert message in proc.stderr
        assert "Traceback" not in proc.stderr
