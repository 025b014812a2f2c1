"""The README is a promise: its opening commands, its question table and the CI script agree
with what the code does."""

from __future__ import annotations

import re

from conftest import REPO
from edaadvisor.core import Knowledge

README = (REPO / "README.md").read_text(encoding="utf-8")
FENCES = re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_setup_and_test_commands() -> None:
    before_prose = README.split("\n\n", 3)
    assert before_prose[0].startswith("# edaadvisor")
    setup, tests = FENCES[0].strip(), FENCES[1].strip()
    assert "python3 -m venv .venv" in setup
    example = re.search(r"--answers (\S+)", setup)
    assert example and (REPO / example.group(1)).is_file()
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    pytest_command = FENCES[1].strip().split("&&")[-1].strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert pytest_command in ci


def test_every_question_is_documented_with_its_domain(knowledge: Knowledge) -> None:
    for question in knowledge.questions.values():
        row = next(
            (line for line in README.splitlines() if line.startswith(f"| `{question.id}` |")), None
        )
        assert row is not None, f"README has no row for {question.id}"
        assert question.domain_text() in row
