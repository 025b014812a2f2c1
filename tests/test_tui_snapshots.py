"""Snapshots of the main screens, as SVG, at fixed sizes and in the fixed dark theme.

Regenerate after an intended change of the screens (or of the shipped knowledge's wording)
with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and review the SVGs in the diff.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from conftest import EXAMPLES
from edaadvisor.core import load_knowledge
from edaadvisor.core.answers import load_answers_file
from edaadvisor.tui.app import AdvisorApp
from edaadvisor.tui.state import StateStore
from edaadvisor.tui.widgets.footer import KeyFooter
from edaadvisor.tui.widgets.reasoning import ReasoningPanel

EXAMPLE = EXAMPLES / "order-fulfilment.yaml"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDAADVISOR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    monkeypatch.chdir(tmp_path)


def app_for(answers: Path | None = None) -> AdvisorApp:
    knowledge = load_knowledge()
    answers_file = load_answers_file(answers, knowledge) if answers else None
    return AdvisorApp(knowledge, answers_file, options=argparse.Namespace(answers=answers))


async def steady(pilot: Pilot[Any]) -> None:
    """No blinking cursor: the snapshot must not depend on when it is taken."""
    await pilot.pause()
    # the verdict panel and the footer's keys fill in just after the first question shows
    interview = pilot.app.interview if isinstance(pilot.app, AdvisorApp) else None
    for _ in range(100):
        footers = interview.query(KeyFooter) if interview is not None else None
        if interview is None or (
            footers and footers.first().keys and interview.query_one(ReasoningPanel).built
        ):
            break
        await pilot.pause(0.02)
    await pilot.pause()
    if interview is not None:
        # the late footer shrinks the question pane; on a busy machine the focused answer's
        # scroll-into-view can land before that relayout and leave the pane scrolled a line
        interview.query_one("#question-pane").scroll_home(animate=False)
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    # the reasons' what-if lines come from a search in a thread that follows the first frame
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_first_question_at_80x24(snap_compare: Any) -> None:
    assert snap_compare(app_for(), terminal_size=(80, 24), run_before=steady)


def test_interview_with_reasoning_at_100x30(snap_compare: Any) -> None:
    async def to_ordering(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, AdvisorApp)
        await app.jump_to("ordering")
        await steady(pilot)

    assert snap_compare(app_for(EXAMPLE), terminal_size=(100, 30), run_before=to_ordering)


def test_review_screen_at_80x24(snap_compare: Any) -> None:
    async def review(pilot: Pilot[Any]) -> None:
        await pilot.pause()  # the footer and reasoning panel are built a frame late
        await pilot.press("ctrl+r")
        await steady(pilot)

    assert snap_compare(app_for(EXAMPLE), terminal_size=(80, 24), run_before=review)


def test_resume_dialog_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    store = StateStore()
    store.directory.mkdir(parents=True)
    interview = {"answers": {"services": 6, "crud_only": False}, "current": "consistency"}
    # written by hand so the "saved at" time in the dialog is fixed
    store.path.write_text(
        json.dumps({"format": 1, "saved_at": "2026-11-29T09:30:00+00:00", "interview": interview})
    )
    assert snap_compare(app_for(), terminal_size=(80, 24), run_before=steady)
