"""Review every answer before the ADR: ``enter`` on a row goes back to change that answer.

The screen dismisses with the id of the question to change (or None to go back as it was);
the app routes that to the interview screen, keeping screens ignorant of each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from ...core.terminal import terminal_safe
from ..session import Interview

if TYPE_CHECKING:
    from ..app import AdvisorApp


class ReviewScreen(Screen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+b,escape", "back", "Back", id="back", priority=True),
        Binding("ctrl+n", "adr", "Show ADR", id="show_adr", priority=True),
    ]

    def __init__(self, session: Interview) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        done, visible = self.session.progress()
        yield Static(
            Content.from_markup(
                "[b]Review your answers[/b]  ·  $done of $n answered  ·  "
                "[$text-muted]enter on a row changes it; ctrl+n shows the ADR[/]",
                done=done,
                n=visible,
            ),
            id="review-head",
        )
        yield Input(
            value=terminal_safe(self.session.project or ""),
            placeholder="Project name, used in the ADR title (optional)",
            id="project",
        )
        yield DataTable(id="answers", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#answers", DataTable)
        s = self.session
        labels = [q.label_of(s.answers[q.id]) for q in s.visible() if q.id in s.answers]
        # explicit widths: styled cells are not measured, and a header-wide column cuts the
        # question to its first word
        answer_width = min(max([len("not answered"), *map(len, labels)]), 32)
        question_width = max(self.app.size.width - answer_width - 8, 20)
        table.add_column("Question", width=question_width)
        table.add_column("Answer", width=answer_width)
        for question in s.visible():
            if question.id in s.answers:
                answer = Content(question.label_of(s.answers[question.id]))
            elif question.id in s.dont_know:
                answer = Content.from_markup("[$text-muted i]don't know[/]")
            else:
                answer = Content.from_markup("[$text-warning]not answered[/]")
            table.add_row(Content(question.title), answer, key=question.id)
        table.focus()

    @on(DataTable.RowSelected, "#answers")
    def _change(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(event.row_key.value)

    @on(Input.Changed, "#project")
    def _project(self, event: Input.Changed) -> None:
        event.stop()
        self.session.project = event.value.strip() or None
        cast("AdvisorApp", self.app).persist()

    @on(Input.Submitted, "#project")
    def _project_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#answers", DataTable).focus()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_adr(self) -> None:
        cast("AdvisorApp", self.app).action_show_adr()
