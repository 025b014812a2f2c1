"""The TUI application: wiring between the interview, the core, the ADR renderer and the disk.

``run_tui(args)`` is what the CLI calls (``edaadvisor`` alone, or ``--answers FILE
--interactive``). Knowledge and answers are loaded with the core *before* Textual starts, so
a broken file ends in the CLI's plain error message (exit 2), not in a half-drawn screen.

The app owns the one :class:`~edaadvisor.tui.session.Interview` and hands it to screens
(attributes down); screens post messages or call the app's actions (messages up). Every
change is written to the state file at once, so a crash or ``ctrl+q`` loses nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen

from ..core.answers import AnswersFile, load_answers_file
from ..core.errors import EdaAdvisorError
from ..core.knowledge import Knowledge, load_knowledge
from ..core.terminal import terminal_safe
from .commands import QuestionCommands
from .saving import SaveMixin
from .screens.interview import InterviewScreen
from .session import Interview
from .state import LoadResult, StateStore

if TYPE_CHECKING:
    from ..quickargs import Options

_heap_frozen = False


def freeze_heap() -> None:
    """Move every object alive now out of the garbage collector's sight, once per process.

    What exists when the interview starts (the modules, the knowledge base, the first screen's
    widgets) lives as long as the process. A full collection walks all of it, and one fell on
    the first screen or on an answer about every fifteen answers, costing from 15 ms to over
    100 ms on a busy machine; frozen, those collections only walk what the interview made
    since. Once per process: a test run starts many apps, and freezing again would keep the
    earlier apps' garbage forever.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.freeze()


DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class AdvisorApp(SaveMixin, App[int]):
    """edaadvisor's interview. ``options`` are the CLI's parsed arguments (output paths etc.)."""

    # absolute, so subclasses defined elsewhere (tests, the benchmark) find it too
    CSS_PATH = Path(__file__).with_name("edaadvisor.tcss")
    TITLE = "edaadvisor"
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {QuestionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save_adr", "Save ADR", id="save_adr", priority=True),
        Binding("ctrl+o", "save_answers", "Save answers", id="save_answers", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", id="toggle_theme", show=False),
    ]

    def __init__(
        self,
        knowledge: Knowledge,
        answers_file: AnswersFile | None = None,
        *,
        options: Options | None = None,
        store: StateStore | None = None,
    ) -> None:
        freeze_heap()
        super().__init__()
        self.knowledge = knowledge
        self.options = options if options is not None else SimpleNamespace()
        self.store = store if store is not None else StateStore()
        self.session = Interview.from_answers_file(knowledge, answers_file)
        self.theme = DARK_THEME
        self._saved: LoadResult | None = None
        self._persist_pending = False
        self._saving = True
        self._gc_paused = False

    # -- garbage collection ---------------------------------------------------------------------

    def pause_gc(self) -> None:
        """No garbage collection until the screen has painted what the user waits for.

        Textual pauses the collector while it scrolls, for the same reason: a collection
        that falls between a key and its frame (every few answers, from one to tens of
        milliseconds) is a pause the user sees; after the frame nobody waits for it.
        """
        if gc.isenabled():
            gc.disable()
            self._gc_paused = True

    def resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    def on_load(self) -> None:
        # until the interview's first frame: InterviewScreen.on_mount resumes it after that
        self.pause_gc()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and gc.isenabled():
            self.pause_gc()
            self.call_after_refresh(self.resume_gc)
        await super().on_event(event)

    # -- start --------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The interview is the app's first screen, not a screen pushed over an empty one.

        A screen pushed from ``on_mount`` is mounted while Textual holds the app's start-up
        batch open: its first frame was laid out and rendered only to be thrown away, and the
        frame shown came a layout and a render later (about 30 ms of a 220 ms start). As the
        default screen it composes after that batch, and its first frame is the one shown.
        """
        return InterviewScreen(self.session)

    def on_mount(self) -> None:
        if not self.store.lock():
            # another interview owns the state file: reading it would offer its answers, and
            # writing it would overwrite them on every keystroke
            self._saving = False
            self.notify(
                f"Another edaadvisor interview is open and saving to {self.store.path}. "
                "This one will not save its progress there; save answers with ctrl+s.",
                title="Interview already open",
                severity="warning",
                timeout=15,
            )
            return
        self._saved = self.store.load()
        if self._saved.message:
            self.notify(
                self._saved.message,
                title="Saved interview",
                severity="warning",
                timeout=12,
            )
        saved = self._saved.saved
        if saved is not None and (saved.answer_count or saved.data.get("dont_know")):
            from .screens.dialogs import ConfirmScreen

            when = saved.saved_at.replace("T", " ")[:16] or "earlier"
            origin = saved.data.get("source")
            started = f", started from {origin}" if origin else ""
            instead = f" instead of {self.session.source}" if self.session.source else ""
            self.push_screen(
                ConfirmScreen(
                    "Resume?",
                    f"An interview saved {when} ({saved.answer_count} answers{started}) "
                    f"was not finished. Resume it{instead}?",
                    "Resume",
                    "Start over",
                    default=True,
                ),
                callback=self._resume,
            )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification: file names and people's words in it lose terminal controls."""
        super().notify(
            terminal_safe(message),
            title=terminal_safe(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_unmount(self) -> None:
        self.persist_pending()  # the last change, when the app closed before a frame
        self.store.unlock()
        self.resume_gc()

    async def _resume(self, resume: bool | None) -> None:
        saved = self._saved.saved if self._saved else None
        if not resume or saved is None:
            return
        session, dropped = Interview.from_state(self.knowledge, saved.data)
        self.session = session
        if dropped:
            self.notify(
                f"{dropped} saved answers no longer fit the knowledge base and were dropped.",
                severity="warning",
            )
        await self.interview.reload(session)

    @property
    def interview(self) -> InterviewScreen:
        return next(s for s in self.screen_stack if isinstance(s, InterviewScreen))

    # -- state --------------------------------------------------------------------------------

    def persist(self) -> None:
        """Write the interview to the state file now; a failure is shown, never fatal."""
        self._persist_pending = False
        if not self._saving:
            return
        try:
            self.store.save(self.session.to_state())
        except OSError as exc:
            self.notify(f"Could not save progress to {self.store.path}: {exc}", severity="error")

    def persist_soon(self) -> None:
        """Write the state file right after the next frame: the user sees the next question
        without waiting for the disk (an ``fsync``, slow on a busy machine), and the write
        still follows within the same turn of the event loop, or at exit."""
        if not self._persist_pending:
            self._persist_pending = True
            self.call_after_refresh(self.persist_pending)

    def persist_pending(self) -> None:
        """Write a change still waiting for its frame now: before the next change is made,
        so every answer reaches the disk on its own even when keys come faster than frames."""
        if self._persist_pending:
            self.persist()

    # -- navigation ---------------------------------------------------------------------------

    def action_review(self) -> None:
        # review, ADR and dialog screens are imported on first use: the first question
        # must not wait for DataTable, Markdown and its syntax highlighter
        from .screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            return
        self._back_to_interview()
        self.push_screen(ReviewScreen(self.session), callback=self._reviewed)

    async def _reviewed(self, question_id: str | None) -> None:
        if question_id is not None:
            await self.jump_to(question_id)

    def action_show_adr(self) -> None:
        from .screens.adr import AdrScreen

        try:
            report = self.report()
            text = self.render_adr_text(report, number=None)
            title = self.adr_title(report)
        except EdaAdvisorError as exc:
            self.notify("\n".join(exc.lines), title="Cannot render the ADR", severity="error")
            return
        self.push_screen(AdrScreen(text, title))

    def _back_to_interview(self) -> None:
        while not isinstance(self.screen, InterviewScreen) and len(self.screen_stack) > 1:
            self.pop_screen()

    async def jump_to(self, question_id: str) -> None:
        self._back_to_interview()
        if question_id in self.session.visible_ids():
            await self.interview.jump_to(question_id)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_answers" and not (self.session.answers or self.session.dont_know):
            return None  # greyed: nothing to save yet
        # no second save dialog on top of a dialog
        busy = isinstance(self.screen, ModalScreen)
        return not (busy and action in ("save_adr", "save_answers"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Save ADR", "Write the ADR to a file (ctrl+s)", self.action_save_adr)
        yield SystemCommand(
            "Save answers", "Write an answers file for --answers (ctrl+o)", self.action_save_answers
        )
        yield SystemCommand("Review answers", "List every answer (ctrl+r)", self.action_review)
        yield SystemCommand("Show ADR", "Preview the ADR", self.action_show_adr)
        yield SystemCommand(
            "Toggle light/dark theme", "Switch the colour theme (ctrl+t)", self.action_toggle_theme
        )


def load_inputs(args: Options) -> tuple[Knowledge, AnswersFile | None]:
    """Knowledge and the answers file (with ``--set`` applied), loaded by the core."""
    knowledge = load_knowledge(list(getattr(args, "knowledge", None) or []))
    answers_path: Path | None = getattr(args, "answers", None)
    if answers_path is None:
        return knowledge, None
    answers_file = load_answers_file(answers_path, knowledge)
    overrides = getattr(args, "overrides", None) or []
    if overrides:
        from ..core.overrides import apply_overrides

        answers_file = apply_overrides(answers_file, overrides, knowledge)
    return knowledge, answers_file


def run_tui(args: Options) -> int:
    """Open the interview; ``EdaAdvisorError`` from loading propagates to the CLI (exit 2)."""
    knowledge, answers_file = load_inputs(args)
    app = AdvisorApp(knowledge, answers_file, options=args)
    result = app.run()
    return int(result or 0)
