"""The interview screen: one question at a time beside the live reasoning panel.

The screen turns what the user chose into calls on the :class:`Interview` (which asks the
core which questions are visible) and hands the new evaluation to the reasoning panel. Every
change is persisted by the app before the next question appears.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from ...core.errors import InputError
from ..session import Interview
from ..widgets.question import QuestionView
from ..widgets.reasoning import ReasoningPanel

if TYPE_CHECKING:
    from ..app import AdvisorApp


class InterviewScreen(Screen[None]):
    """Question pane (left) and reasoning panel (right); usable at 80x24."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: these must work while the answer Input or RadioSet has focus
        Binding("ctrl+b", "back", "Back", id="back", priority=True),
        Binding("ctrl+n", "next", "Next", id="next", priority=True),
        Binding("ctrl+d", "dont_know", "Don't know", id="dont_know", priority=True),
        Binding("ctrl+r", "review", "Review", id="review", priority=True),
    ]

    def __init__(self, session: Interview) -> None:
        super().__init__()
        self.session = session
        self._verdicts: dict[str, str] = {}

    @property
    def advisor(self) -> AdvisorApp:
        return cast("AdvisorApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            with VerticalScroll(id="question-pane"):
                yield Static(id="where")
                yield ProgressBar(show_eta=False, show_percentage=False, id="progress")
                yield self._view()
            yield ReasoningPanel(self.session.knowledge, widget_id="reasoning")

    def _view(self) -> QuestionView:
        s = self.session
        return QuestionView(
            s.question, s.answers.get(s.current), s.current in s.dont_know, widget_id="question"
        )

    def on_mount(self) -> None:
        self.query_one("#question-pane").border_title = "Interview"
        self._update_progress()
        self.query_one(QuestionView).focus_answer()
        # the question first; the footer, the topic list (dozens of widgets), the engine's
        # verdicts and the what-if a moment later
        # (a timer, not call_after_refresh: that would still run before the first frame is shown)
        self.set_timer(0.05, self._build_rest)

    async def _build_rest(self) -> None:
        await self.mount(Footer(compact=True))
        self.refresh_bindings()  # a footer mounted late shows its keys only when told
        await self.query_one(ReasoningPanel).build()
        self.refresh_reasoning(mark_changes=False)

    # -- display ------------------------------------------------------------------------------

    async def show_current(self) -> None:
        """Replace the question view with the session's current question."""
        pane = self.query_one("#question-pane", VerticalScroll)
        await pane.remove_children(QuestionView)
        view = self._view()
        await pane.mount(view)
        pane.scroll_home(animate=False)
        # focusing the new answer also refreshes the footer (Back greys out on the first)
        view.focus_answer()
        self._update_progress()
        self.advisor.persist()

    async def reload(self, session: Interview) -> None:
        """Show another session (a resumed one) in place of the current."""
        self.session = session
        await self.show_current()
        self.refresh_reasoning(mark_changes=False)

    def _update_progress(self) -> None:
        s = self.session
        done, visible = s.progress()
        where = Content.from_markup(
            "[$text-muted]$section[/] · [b]$done[/b]/$n answered",
            section=s.question.section,
            n=visible,
            done=done,
        )
        self.query_one("#where", Static).update(where)
        self.query_one("#progress", ProgressBar).update(total=visible, progress=done)

    def refresh_reasoning(self, *, mark_changes: bool = True) -> None:
        """Re-run the engine on the current answers and show the result."""
        evaluation = self.session.evaluate()
        verdicts = evaluation.verdicts
        changed = {t for t, v in verdicts.items() if self._verdicts.get(t) != v}
        self._verdicts = verdicts
        self.query_one(ReasoningPanel).show(
            evaluation, changed if mark_changes else set(), self.session.what_if(evaluation)
        )

    # -- answers ------------------------------------------------------------------------------

    @on(QuestionView.Answered)
    async def _answered(self, event: QuestionView.Answered) -> None:
        event.stop()
        s = self.session
        if event.question_id not in s.visible_ids():
            return  # a late message from a question that has since been left
        try:
            if event.dont_know:
                dropped = s.set_dont_know(event.question_id)
            else:
                dropped = s.set_answer(event.question_id, event.value)
        except InputError as exc:
            self.notify("\n".join(exc.lines), title="Not accepted", severity="error")
            return
        self.advisor.persist()
        if dropped:
            self.notify(
                "No longer asked, so their answers were dropped: " + ", ".join(dropped),
                title="Questions hidden",
            )
        self._update_progress()
        self.refresh_reasoning()
        if event.advance and event.question_id == s.current:
            await self.action_next()

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
