"""The interview screen: one question at a time beside the live reasoning panel.

The screen turns what the user chose into calls on the :class:`Interview` (which asks the
core which questions are visible) and hands the new evaluation to the reasoning panel. Every
change is written to the state file by the app right after the frame that shows it (and at
exit): the next question does not wait for the disk, and the write does not wait for a user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.worker import get_current_worker

from ...core.errors import InputError
from ..session import Interview
from ..widgets.footer import KeyFooter
from ..widgets.progress import Progress
from ..widgets.question import QuestionView
from ..widgets.reasoning import ReasoningPanel

if TYPE_CHECKING:
    from ...core.whatif import WhatIf
    from ..app import AdvisorApp


class InterviewScreen(Screen[None]):
    """Question pane (left) and reasoning panel (right); usable at 80x24."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: these must work while the answer field or choice set has focus
        Binding("ctrl+b", "back", "Back", id="back", priority=True),
        Binding("ctrl+n", "next", "Next", id="next", priority=True),
        Binding("ctrl+d", "dont_know", "Don't know", id="dont_know", priority=True),
        Binding("ctrl+r", "review", "Review", id="review", priority=True),
    ]

    AUTO_FOCUS = ""
    """The answer field takes the focus on mount; Textual's auto focus would first focus the
    question pane (restyling all of it) and then lose it to the field (restyling it again)."""

    def __init__(self, session: Interview) -> None:
        super().__init__()
        self._resumed = False
        self.session = session
        self._verdicts: dict[str, str] = {}
        self._what_if_pending = False
        self._mounted = asyncio.Event()
        """Set once the question and the panel are mounted: the app's first screen is composed
        in the screen's own task, so a caller may reach the screen before its widgets exist."""

    @property
    def advisor(self) -> AdvisorApp:
        return cast("AdvisorApp", self.app)

    def compose(self) -> ComposeResult:
        # the whole screen in one go, verdicts included: the engine takes well under a
        # millisecond, and one complete first frame costs less than a frame now and more later
        evaluation = self.session.evaluate()
        self._verdicts = evaluation.verdicts
        # the two panes side by side in the screen's own layout (no container around them);
        # the question view is the left pane, and the progress line its first child
        with self._view():
            done, visible = self.session.progress()
            yield Progress(self._where(), done, visible, id="progress")
        yield ReasoningPanel(self.session.knowledge, evaluation, widget_id="reasoning")
        yield KeyFooter()

    def _view(self) -> QuestionView:
        s = self.session
        return QuestionView(
            s.question,
            s.answers.get(s.current),
            s.current in s.dont_know,
            widget_id="question-pane",
            # the answer field takes the focus at once: born with the focused pane's border
            classes="-focus-inside",
        )

    def on_mount(self) -> None:
        self.query_one("#question-pane").border_title = "Interview"
        self.query_one(QuestionView).focus_answer()
        self._mounted.set()
        self.call_after_refresh(self.advisor.resume_gc)  # paused by the app until this frame
        # the reasons' last lines (the answer changes that would move a verdict) follow the
        # first frame, searched in a thread as after every answer: the first question and
        # its verdicts wait for no search
        self._what_if_pending = True
        self.call_after_refresh(self._refresh_what_if)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # the first resume follows the mount, whose styles are fresh: restyling every widget of
        # the screen again would cost about a third of the first frame (later resumes, after a
        # theme change on another screen say, still restyle)
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        super()._on_screen_resume(event)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # the pane holding the focus gets a brighter border; a class set only when focus moves
        # to the other pane, because a ``:focus-within`` rule restyles the whole pane (every
        # question widget) on each focus change, and the interview changes focus on most answers
        for pane in self.query("#question-pane, #reasoning"):
            inside = pane in event.widget.ancestors_with_self
            pane.set_class(inside, "-focus-inside")

    # -- display ------------------------------------------------------------------------------

    async def show_current(self) -> None:
        """Put the session's current question in the question view."""
        await self._mounted.wait()
        s = self.session
        view = self.query_one(QuestionView)
        await view.show(s.question, s.answers.get(s.current), s.current in s.dont_know)
        view.scroll_home(animate=False)
        view.focus_answer()
        # Back greys out on the first question, and the footer only redraws when a key changes
        self.refresh_bindings()
        self._update_progress()
        self.advisor.persist_soon()

    async def reload(self, session: Interview) -> None:
        """Show another session (a resumed one) in place of the current."""
        self.session = session
        await self.show_current()
        self.refresh_reasoning(mark_changes=False)

    def _where(self) -> Content:
        s = self.session
        done, visible = s.progress()
        return Content.assemble(
            (s.question.section, "$text-muted"), " · ", (str(done), "b"), f"/{visible} answered"
        )

    def _update_progress(self) -> None:
        done, visible = self.session.progress()
        self.query_one(Progress).show(self._where(), done, visible)

    def refresh_reasoning(self, *, mark_changes: bool = True) -> None:
        """Re-run the engine on the current answers and show the result."""
        evaluation = self.session.evaluate()
        verdicts = evaluation.verdicts
        changed = {t for t, v in verdicts.items() if self._verdicts.get(t) != v}
        self._verdicts = verdicts
        self.query_one(ReasoningPanel).show(evaluation, changed if mark_changes else set())
        # what-if searches many answer changes and feeds only the last lines of the reasons:
        # it follows the frame that shows the verdicts, so the next question waits for no search
        if not self._what_if_pending:
            self._what_if_pending = True
            self.call_after_refresh(self._refresh_what_if)

    def _refresh_what_if(self) -> None:
        self._what_if_pending = False
        panel = self.query_one(ReasoningPanel)
        evaluation = panel.evaluation or self.session.evaluate()
        # in a thread: a large knowledge pack can make a search take a second, and the keys
        # must still answer meanwhile; a newer search replaces an older one
        self._search_what_if(self.session.what_if_search(evaluation))

    @work(thread=True, exclusive=True, group="what-if", exit_on_error=False)
    def _search_what_if(self, search: Callable[[], dict[str, list[WhatIf]]]) -> None:
        found = search()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one(ReasoningPanel).show_what_if, found)

    # -- answers ------------------------------------------------------------------------------

    @on(QuestionView.Answered)
    async def _answered(self, event: QuestionView.Answered) -> None:
        event.stop()
        s = self.session
        if event.question_id not in s.visible_ids():
            return  # a late message from a question that has since been left
        self.advisor.persist_pending()
        try:
            if event.dont_know:
                dropped = s.set_dont_know(event.question_id)
            else:
                dropped = s.set_answer(event.question_id, event.value)
        except InputError as exc:
            self.notify("\n".join(exc.lines), title="Not accepted", severity="error")
            return
        if dropped:
            # a toast is a new widget to mount and lay out: it follows the next question's frame
            self.call_after_refresh(
                self.notify,
                "No longer asked, so their answers were dropped: " + ", ".join(dropped),
                title="Questions hidden",
            )
        following = s.next_id() if event.advance and event.question_id == s.current else None
        if following is not None:
            # the next question first (show_current saves the answer with the new position),
            # then the verdicts it changed
            s.go_to(following)
            await self.show_current()
        else:
            if event.question_id == s.current:
                # the question stays on screen (the last one, or an answer that does not
                # move on): show the answer it now has
                view = self.query_one(QuestionView)
                view.show_answer(s.answers.get(s.current), s.current in s.dont_know)
            self.advisor.persist_soon()
            self._update_progress()
        self.refresh_reasoning()
        if event.advance and event.question_id == s.current and following is None:
            self.action_review()  # the last question answered: the review is next

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back" and self.session.previous_id() is None:
            return None  # shown greyed: there is nothing before the first question
        return True

    async def action_back(self) -> None:
        previous = self.session.previous_id()
        if previous is not None:
            self.session.go_to(previous)
            await self.show_current()

    async def action_next(self) -> None:
        following = self.session.next_id()
        if following is None:
            self.action_review()
            return
        self.session.go_to(following)
        await self.show_current()

    async def action_dont_know(self) -> None:
        view = self.query_one(QuestionView)
        view.post_message(
            QuestionView.Answered(self.session.current, None, dont_know=True, advance=True)
        )

    def action_review(self) -> None:
        self.advisor.action_review()

    async def jump_to(self, question_id: str) -> None:
        self.session.go_to(question_id)
        await self.show_current()
