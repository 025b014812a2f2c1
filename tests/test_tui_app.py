"""The interview as a user drives it: keyboard only, through Textual's Pilot.

Each test starts the real app (``AdvisorApp``) on a private state directory and presses keys;
assertions look at what the user would see or get (the question on screen, the verdict mark,
the files written), not at internals.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Markdown, OptionList, Static

from conftest import EXAMPLES, run_cli
from edaadvisor.core import Knowledge, load_knowledge
from edaadvisor.core.answers import load_answers_file
from edaadvisor.tui.app import AdvisorApp
from edaadvisor.tui.screens.adr import AdrScreen
from edaadvisor.tui.screens.dialogs import ConfirmScreen, PathScreen
from edaadvisor.tui.screens.interview import InterviewScreen
from edaadvisor.tui.screens.review import ReviewScreen
from edaadvisor.tui.state import StateStore
from edaadvisor.tui.widgets.question import ChoiceSet, QuestionView
from edaadvisor.tui.widgets.reasoning import ReasoningPanel

SIZE = (100, 30)
EPOCH = "1796083200"  # 2026-12-01: a fixed ADR date for the TUI and the CLI alike


@pytest.fixture
def knowledge() -> Knowledge:
    """Loaded per test, so the digest the ADR records matches what a CLI run loads now."""
    return load_knowledge()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDAADVISOR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)


def make_app(knowledge: Knowledge, answers: Path | None = None, **options: Any) -> AdvisorApp:
    import argparse

    answers_file = load_answers_file(answers, knowledge) if answers else None
    args = argparse.Namespace(answers=answers, template="madr", **options)
    return AdvisorApp(knowledge, answers_file, options=args)


def current(app: AdvisorApp) -> str:
    """The id of the question on screen."""
    return app.screen.query_one(QuestionView).question.id


async def answer(pilot: Pilot[Any], app: AdvisorApp, value: Any) -> None:
    """Answer the question on screen with the keyboard, as a user would, and move on."""
    question = app.screen.query_one(QuestionView).question
    if question.type == "int":
        await pilot.press("ctrl+u", *str(value), "enter")
    elif question.type == "list":
        # a checklist: move to each item to tick with space, then enter confirms them all
        keys = []
        for position, option in enumerate(question.values):
            keys += ["down"] * (position > 0)
            if option in value:
                keys.append("space")
        await pilot.press(*keys, "enter")
    else:
        keys = ["true", "false"] if question.type == "bool" else question.values
        key = ("true" if value else "false") if question.type == "bool" else value
        # the choice set starts on the saved answer (the first option when there is none)
        start = app.screen.query_one(ChoiceSet).highlighted_index or 0
        steps = keys.index(key) - start
        await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await pilot.pause()


async def answer_all(pilot: Pilot[Any], app: AdvisorApp, answers: dict[str, Any]) -> list[str]:
    """Answer every question shown from ``answers`` (don't know for the rest); returns ids seen."""
    seen: list[str] = []
    while isinstance(app.screen, InterviewScreen):
        qid = current(app)
        assert qid not in seen, f"{qid} asked twice"
        seen.append(qid)
        if qid in answers:
            await answer(pilot, app, answers[qid])
        else:
            await pilot.press("ctrl+d")
            await pilot.pause()
    return seen


def verdict_marks(app: AdvisorApp) -> dict[str, str]:
    """Topic id -> the glyph shown before it in the reasoning panel."""
    topics = app.interview.query_one(ReasoningPanel).query_one("#topics", OptionList)
    marks = {}
    for index in range(topics.option_count):
        option = topics.get_option_at_index(index)
        marks[str(option.id)] = str(option.prompt).split(" ", 1)[0]
    return marks


EXAMPLE = EXAMPLES / "order-fulfilment.yaml"


def example_answers() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())["answers"]
    return data


async def test_whole_interview_by_keyboard_gives_answers_file_the_cli_turns_into_the_same_adr(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    wanted = example_answers()
    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = await answer_all(pilot, app, wanted)
        # audit_history is false, so the question about events per aggregate never appears
        assert "events_per_aggregate" not in seen
        assert isinstance(app.screen, ReviewScreen)
        table = app.screen.query_one("#answers", DataTable)
        assert table.row_count == len(seen)
        app.screen.query_one("#project", Input).value = "Order fulfilment"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, AdrScreen)
        shown = app.screen.markdown
        # the preview shows the body; the provenance front matter goes to the file only
        body = shown.split("\n---\n", 1)[1].lstrip("\n")
        assert shown.startswith("---\n")
        assert app.screen.query_one(Markdown).source == body
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        await pilot.press("enter")  # the proposed edaadvisor-answers.yaml
        await pilot.pause()
    saved = tmp_path / "edaadvisor-answers.yaml"
    # saved by the user: the next start does not offer to resume
    assert StateStore().load().saved is None
    data = yaml.safe_load(saved.read_text())
    assert data["version"] == 1
    assert data["project"] == "Order fulfilment"
    assert data["answers"] == {q: v for q, v in wanted.items() if q in seen}
    proc = run_cli("--answers", str(saved), env={"SOURCE_DATE_EPOCH": EPOCH})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == shown


async def test_verdict_mark_changes_when_an_answer_does(knowledge: Knowledge) -> None:
    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(len(knowledge.questions)):
            if current(app) == "dual_write":
                break
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert current(app) == "dual_write"
        before = verdict_marks(app)["outbox"]
        await answer(pilot, app, True)
        after_yes = verdict_marks(app)["outbox"]
        assert current(app) == "safeguards"  # the last question: then the review follows
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        row = app.session.visible_ids().index("dual_write")
        app.screen.query_one("#answers", DataTable).move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        assert current(app) == "dual_write"
        await answer(pilot, app, False)
        after_no = verdict_marks(app)["outbox"]
    assert before == "?"
    # a dual write needs an outbox only as far as events are adopted, which is still open
    assert after_yes in ("?", "~")
    assert after_no == "-"  # no dual write: the outbox does not arise


async def test_back_next_and_dont_know(knowledge: Knowledge) -> None:
    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = current(app)
        assert app.screen.check_action("back", ()) is None  # greyed on the first question
        await answer(pilot, app, 4)
        second = current(app)
        assert second != first
        await pilot.press("ctrl+d")
        await pilot.pause()
        third = current(app)
        await pilot.press("ctrl+b", "ctrl+b")
        await pilot.pause()
        assert current(app) == first
        assert app.screen.query_one("#number", Input).value == "4"
        assert str(app.screen.query_one("#feedback").render()).startswith("= 4")  # the echo
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        assert current(app) == third
        assert app.session.answers == {first: 4}
        assert second in app.session.dont_know
        assert app.session.progress()[0] == 2


async def test_the_last_choice_confirmed_is_shown_chosen_after_the_review(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``enter`` on a choice moves on without drawing it pressed (the next question takes its
    place in the same frame); when no question follows, nothing takes its place, and the
    answer must show as chosen when the user comes back from the review."""
    from edaadvisor.tui.session import Interview

    app = make_app(knowledge, EXAMPLES / "order-fulfilment.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.jump_to("dual_write")  # a yes/no question, answered "yes" in the example
        await pilot.pause()
        # the shipped interview ends on a checklist: here a choice is the last question
        monkeypatch.setattr(Interview, "next_id", lambda self: None)
        choices = app.screen.query_one(ChoiceSet)
        assert choices.keys[choices.pressed_index] == "true"
        await pilot.press("down", "enter")  # "No", and enter
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert current(app) == "dual_write"
        assert app.session.answers["dual_write"] is False
        choices = app.screen.query_one(ChoiceSet)
        assert choices.keys[choices.pressed_index] == "false"


async def test_answering_twenty_questions_reuses_the_same_widgets(knowledge: Knowledge) -> None:
    """Each answer puts the next question into the widgets already on screen: remounting
    them is what made the interview lag behind typing (issue 13)."""
    from textual.widget import Widget

    from edaadvisor.tui.widgets.footer import KeyFooter

    app = make_app(knowledge)
    given = example_answers()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(QuestionView)
        footer = app.screen.query_one(KeyFooter)
        in_view: set[Widget] = set(view.walk_children())
        footer_keys = {footer.keys}
        shown: list[str] = []
        for turn in range(20):
            qid = current(app)
            shown.append(qid)
            if turn < 10:  # ten answers forward, then ten steps back over them
                await answer(pilot, app, given.get(qid, 1))
            else:
                await pilot.press("ctrl+b")
                await pilot.pause()
            assert app.screen.query_one(QuestionView) is view
            in_view.update(view.walk_children())
            footer_keys.add(footer.keys)
            assert app.screen.query_one(KeyFooter) is footer
        assert len(set(shown)) >= 8, shown  # the walk did cover many different questions
        # every widget that ever served a question is still there: nothing was replaced, and
        # the one number field and one choice set were each made once
        assert in_view == set(view.walk_children())
        assert len(view.query(Input)) == 1
        assert len(view.query(ChoiceSet)) == 1
        # one footer draws the keys, with no widget per key; the keys it showed: the first
        # answer turns Back and Save answers on, the walk back to the first question turns
        # Back off again; three sets of keys in all
        assert not footer.children
        assert len(footer_keys) == 3, footer_keys


async def test_footer_keys_answer_clicks_and_grey_out(knowledge: Knowledge) -> None:
    """The footer draws its keys itself: a click on one presses it, and a greyed key does
    nothing, as with Textual's footer."""
    from edaadvisor.tui.widgets.footer import KeyFooter

    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        line = footer.render().plain
        assert line.startswith("^b Back ^n Next ^d Don't know ^r Review")
        assert line.rstrip().endswith("▏^p palette")
        first = current(app)
        await pilot.click(KeyFooter, offset=(line.index("Back"), 0))  # greyed: first question
        await pilot.pause()
        assert current(app) == first
        await pilot.click(KeyFooter, offset=(line.index("Next"), 0))
        await pilot.pause()
        assert current(app) != first
        await pilot.click(KeyFooter, offset=(line.index("Back"), 0))  # enabled now
        await pilot.pause()
        assert current(app) == first


async def test_progress_line_counts_answers_and_fills_its_bar(knowledge: Knowledge) -> None:
    from edaadvisor.tui.widgets.progress import Progress

    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        progress = app.screen.query_one(Progress)
        done, visible = app.session.progress()
        lines = [strip.text for strip in progress.render_lines(progress.size.region)]
        assert lines[0].startswith(f"The system · {done}/{visible} answered")
        assert set(lines[1]) == {"━"} and len(lines[1]) == progress.size.width
        empty = progress.fraction
        await answer(pilot, app, 6)
        await answer(pilot, app, 3)
        await pilot.pause()
        done, visible = app.session.progress()
        assert done == 2
        text = progress.render_lines(progress.size.region)[0].text
        assert f"{done}/{visible} answered" in text
        assert progress.fraction == pytest.approx(done / visible) and progress.fraction > empty


async def test_number_input_reads_suffixes_and_refuses_nonsense(knowledge: Knowledge) -> None:
    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"2M", "enter")  # 2 million services: accepted (no maximum)
        await pilot.pause()
        assert app.session.answers["services"] == 2_000_000
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("ctrl+u", *"0", "enter")  # services has a minimum of 1
        await pilot.pause()
        assert current(app) == "services"
        feedback = str(app.screen.query_one("#feedback").render())
        assert "at least 1" in feedback
        await pilot.press("ctrl+u", *"1,500", "enter")
        await pilot.pause()
        assert app.session.answers["services"] == 1500


async def test_answer_that_hides_a_question_drops_its_answer(knowledge: Knowledge) -> None:
    app = make_app(knowledge, EXAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.session.answers["compensation"] == "non_trivial"
        await app.jump_to("workflow_participants")
        await pilot.pause()
        await answer(pilot, app, 1)  # one participant: no saga, no compensation question
        assert "compensation" not in app.session.answers
        assert "compensation" not in app.session.visible_ids()
        assert current(app) != "compensation"
        await pilot.pause()
        # and says so, in a notification that follows the next question's frame
        shown = [n.message for n in app._notifications]
        assert any("dropped: compensation" in message for message in shown), shown
    state = StateStore().load().saved
    assert state is not None and "compensation" not in state.data["answers"]


async def test_resume_after_an_interrupted_run(knowledge: Knowledge) -> None:
    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer(pilot, app, 6)
        await answer(pilot, app, 3)
        await answer(pilot, app, False)
        await answer(pilot, app, "eventual")
        where = current(app)
    # the run ended without any save: a new start offers the saved answers
    again = make_app(knowledge)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, ConfirmScreen)
        await pilot.press("enter")  # "Resume" has focus
        await pilot.pause()
        assert isinstance(again.screen, InterviewScreen)
        assert again.session.answers == {
            "services": 6,
            "teams": 3,
            "crud_only": False,
            "consistency": "eventual",
        }
        assert current(again) == where


async def test_corrupt_state_file_is_set_aside_not_fatal(knowledge: Knowledge) -> None:
    store = StateStore()
    store.directory.mkdir(parents=True)
    store.path.write_text('{"format": 1, "interview": {"answers": {"serv')
    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert current(app) == "services"
    aside = list(store.directory.glob("interview.corrupt-*.json"))
    assert len(aside) == 1
    assert aside[0].read_text().startswith('{"format": 1')


async def test_saving_over_an_existing_adr_asks_first(knowledge: Knowledge, tmp_path: Path) -> None:
    target = tmp_path / "decision.md"
    target.write_text("keep me\n")
    app = make_app(knowledge, EXAMPLE, output=target, force=False, adr_dir=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # keep it
        await pilot.pause()
        assert target.read_text() == "keep me\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    proc = run_cli("--answers", str(EXAMPLE), env={"SOURCE_DATE_EPOCH": EPOCH})
    assert target.read_text() == proc.stdout


async def test_adr_dir_option_writes_the_next_numbered_adr(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    folder = tmp_path / "docs" / "adr"
    folder.mkdir(parents=True)
    (folder / "0001-record-architecture-decisions.md").write_text("# 1\n")
    app = make_app(knowledge, EXAMPLE, output=None, force=False, adr_dir=folder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == 2 and written[1].startswith("0002-")


def test_state_directory_follows_the_environment(tmp_path: Path) -> None:
    assert StateStore().directory == Path(os.environ["EDAADVISOR_STATE_DIR"])


async def test_command_palette_jumps_to_a_question(knowledge: Knowledge) -> None:
    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"partitions")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert current(app) == "partitions"


async def test_the_panel_shows_conflicting_answers_and_what_it_assumed(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(
        "version: 1\nanswers:\n  services: 4\n  events_per_day: 30\n  consumers: 1\n"
        "  crud_only: false\n  consistency: eventual\n  broker_experience: some\n"
        "  workflow_participants: 6\n",
        encoding="utf-8",
    )
    app = make_app(knowledge, path, interactive=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        panel = app.interview.query_one(ReasoningPanel)
        topics = panel.query_one("#topics", OptionList)
        last = topics.get_option_at_index(topics.option_count - 1)
        assert "1 conflicting" in str(last.prompt)
        # event-driven is advised against on the assumption that nobody replays events
        why = str(panel.query_one("#why", Static).render())
        assert "assumed: Assumed no" in why and "replaying" in why
        topics.highlighted = topics.option_count - 1
        await pilot.pause()
        why = str(panel.query_one("#why", Static).render())
        assert "The longest workflow spans 6 services, more than the 4 services" in why


async def test_keys_answer_while_a_what_if_search_runs(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large knowledge pack can make the what-if search slow: it runs off the event loop,
    so the interview moves on while it works, and the panel gets its result when it ends."""
    import threading

    from edaadvisor.tui.session import Interview

    release = threading.Event()
    started = threading.Event()
    real = Interview.what_if_search

    calls = 0

    def slow(self: Interview, evaluation: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            return real(self, evaluation)  # the search after the first frame, not blocked

        def blocked() -> Any:
            started.set()
            release.wait(timeout=60)  # a bound, not a timing assertion: the test releases it
            return {topic: [] for topic in knowledge.topics}

        return blocked

    monkeypatch.setattr(Interview, "what_if_search", slow)
    app = make_app(knowledge)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = current(app)
        await answer(pilot, app, 4)  # an answer starts a search in a thread
        assert started.wait(timeout=30)
        second = current(app)
        await pilot.press("ctrl+d")  # the keys still work while the search is blocked
        await pilot.pause()
        assert first != second != current(app)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.interview.query_one(ReasoningPanel)
        assert panel.what_if == {topic: [] for topic in knowledge.topics}
