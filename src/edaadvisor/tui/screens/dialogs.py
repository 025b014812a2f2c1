"""Small modal dialogs: resume a saved interview, confirm an overwrite, choose a path.

Each one dismisses with its answer (a bool or a path), so callers can ``await`` it from a
worker with ``push_screen_wait``. Keys work without the mouse: ``enter`` takes the focused
button, ``escape`` takes the safe choice (keep the existing file; resume the saved answers).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ...core.terminal import terminal_safe


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; ``escape`` takes the default, which callers make the safe choice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
    ]

    def __init__(self, title: str, text: str, yes: str, no: str, *, default: bool = False) -> None:
        super().__init__()
        self.title_text = title
        # dialogs quote saved files, paths and people's words: no terminal controls in them
        self.text = terminal_safe(text)
        self.yes = yes
        self.no = no
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield Static(Content(self.text), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                if self.default:
                    yield Button(self.yes, id="yes", variant="primary")
                else:
                    yield Button(self.yes, id="yes", variant="warning")
                yield Button(self.no, id="no", variant="default")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(self.default)


class PathScreen(ModalScreen[Path | None]):
    """Ask where to write a file, proposing ``proposal``; ``escape`` cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, title: str, hint: str, proposal: Path) -> None:
        super().__init__()
        self.title_text = title
        self.hint = terminal_safe(hint)
        self.proposal = proposal

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield Static(Content(self.hint), classes="dialog-text")
            yield Input(value=str(self.proposal), id="path")
            yield Static(
                Content.from_markup("[$text-muted]enter saves · escape cancels[/]"),
                classes="dialog-text",
            )

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.dismiss(Path(text).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)
