"""``edaadvisor kb diff OLD NEW --answers DIR``: review a knowledge change by its effect.

For every answers file in DIR, the decisions whose verdicts differ between the two versions of
the knowledge, and the red flags that appear or disappear. A rule edit is easy to read and
hard to judge; "these three real systems would now be told X" is what a reviewer needs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.answers import AnswersFile, load_answers_file
from ..core.engine import Evaluation, evaluate
from ..core.errors import EdaAdvisorError, InputError
from ..core.knowledge import Knowledge, load_knowledge
from ..core.terminal import echo


def load_side(folder: Path) -> Knowledge:
    """A folder with knowledge.yaml is a whole base; with pack.yaml, a pack on the shipped one."""
    if (folder / "knowledge.yaml").is_file():
        return load_knowledge(base=folder)
    return load_knowledge([folder])


def diff_main(old_dir: Path, new_dir: Path, answers_dir: Path) -> int:
    old, new = load_side(old_dir), load_side(new_dir)
    if not answers_dir.is_dir():
        raise InputError.single("--answers takes a folder of answers files", str(answers_dir))
    files = sorted(p for p in answers_dir.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise InputError.single("no answers files (*.yaml) in this folder", str(answers_dir))
    changed = 0
    for path in files:
        lines = diff_file(path, old, new)
        changed += bool(lines)
        for line in lines:
            echo(f"{path}: {line}")
    echo(
        f"{changed} of {len(files)} answers file(s) change between {old_dir} and {new_dir}",
        sys.stderr,
    )
    return 1 if changed else 0


def diff_file(path: Path, old: Knowledge, new: Knowledge) -> list[str]:
    """One line per verdict or red flag that differs; raises when neither side reads the file."""
    before, before_error = _evaluate(path, old)
    after, after_error = _evaluate(path, new)
    if before is None and after is None:
        assert before_error is not None
        raise before_error
    if before is None or after is None:
        side, error = ("OLD", before_error) if before is None else ("NEW", after_error)
        return [f"cannot be read with the {side} knowledge: {error}"]
    lines: list[str] = []
    for topic, decision in after.decisions.items():
        was = before.decisions.get(topic)
        verdict_was = was.verdict if was is not None else "(no such topic)"
        if verdict_was != decision.verdict:
            because = ", ".join(decision.rules) or "the topic's fallback"
            lines.append(f"{topic}: {verdict_was} -> {decision.verdict} ({because})")
    flags_before = {hit.flag.id for hit in before.red_flags}
    flags_after = {hit.flag.id for hit in after.red_flags}
    lines += [f"red flag {f}: now raised" for f in sorted(flags_after - flags_before)]
    lines += [f"red flag {f}: no longer raised" for f in sorted(flags_before - flags_after)]
    return lines


def _evaluate(path: Path, knowledge: Knowledge) -> tuple[Evaluation | None, EdaAdvisorError | None]:
    try:
        answers_file: AnswersFile = load_answers_file(path, knowledge)
    except EdaAdvisorError as exc:
        return None, exc
    return evaluate(knowledge, answers_file.answers), None
