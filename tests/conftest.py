"""Shared fixtures: the shipped knowledge base (loaded once), paths, and a CLI runner.

CLI tests run the real ``edaadvisor`` in a subprocess (``python -m edaadvisor``) with the
interpreter running the tests, so they exercise what a user installs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from edaadvisor.core import Knowledge, load_knowledge

# hypothesis's per-example deadline is a wall-clock assertion: on a busy machine it fails good
# code. Work is bounded by the tests themselves (sizes, node counts, CPU limits), not by time.
settings.register_profile("edaadvisor", deadline=None)
settings.load_profile("edaadvisor")

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``edaadvisor ARGS`` as a user would, and capture everything."""
    # a SOURCE_DATE_EPOCH in the developer's shell must not change what tests see
    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "edaadvisor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        input=stdin,
        timeout=60,
    )


def imported_by_json_run(answers: Path, env: dict[str, str], modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a ``--format json`` run on ``answers`` imported, in a fresh process."""
    probe = (
        "import io, contextlib, sys\n"
        "from edaadvisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['-a', {str(answers)!r}, '-f', 'json'])\n"
        f"print(' '.join(m for m in {modules!r} if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


@pytest.fixture
def cli():
    return run_cli


def some_answers(knowledge: Knowledge) -> st.SearchStrategy[dict[str, Any]]:
    """Answers to any subset of the yes/no, choice and number questions (the what-if search
    tries those), with numbers around the shipped thresholds and far past them."""

    def domain(question: Any) -> st.SearchStrategy[Any]:
        if question.type == "bool":
            return st.booleans()
        if question.type == "enum":
            return st.sampled_from(question.values)
        low = question.minimum if question.minimum is not None else 0
        return st.sampled_from([v for v in (0, 1, 2, 3, 4, 6, 100, 1000, 10**6) if v >= low])

    kinds = ("bool", "enum", "int")
    return st.fixed_dictionaries(
        {},
        optional={q.id: domain(q) for q in knowledge.questions.values() if q.type in kinds},
    )
