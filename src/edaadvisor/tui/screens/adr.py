"""The ADR as it will be written, rendered as Markdown; ``ctrl+s`` (an app binding) saves it.

The text comes from the app, which renders it with the same renderer as the CLI, so what is on
screen is byte for byte what ``--answers`` with the saved answers file prints.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown


class AdrScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+b,escape", "back", "Back", id="back", priority=True),
    ]

    def __init__(self, markdown: str, title: str) -> None:
        super().__init__()
        self.markdown = markdown
        self.adr_title = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="adr-scroll") as scroll:
            scroll.border_title = f"ADR preview: {self.adr_title}"
            scroll.border_subtitle = "ctrl+s writes it · ctrl+o saves the answers"
            yield Markdown(_without_front_matter(self.markdown), id="adr")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#adr-scroll").focus()

    def action_back(self) -> None:
        self.dismiss(None)


def _without_front_matter(markdown: str) -> str:
    """The body only: the Markdown widget would run the YAML provenance into one paragraph.
    The file written keeps it, of course."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[end + 5 :].lstrip("\n")
    return markdown
