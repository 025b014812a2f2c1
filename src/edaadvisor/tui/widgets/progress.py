"""Where the interview stands: the section and the count of answers, over a progress bar.

One widget draws both lines. Textual's ``ProgressBar`` is a container with a ``Bar`` widget in
it and a timer that wakes every second for its time estimate; with the line of text above, the
first screen had three widgets to style, lay out and render for two lines. The bar is drawn
by the renderable Textual's bar uses, with the same component styles, so it looks the same.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.geometry import Size
from textual.renderables.bar import Bar
from textual.widget import Widget


class Progress(Widget, can_focus=False):
    """``where`` (one or more lines), and below it a bar filled ``done`` of ``total``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"bar--bar", "bar--complete"}
    # the colours of Textual's progress bar
    DEFAULT_CSS = """
    Progress {
        height: auto;
        & > .bar--bar {
            color: $primary;
            background: $surface;
        }
        & > .bar--complete {
            color: $success;
            background: $surface;
        }
    }
    """

    def __init__(self, where: Content, done: int, total: int, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._where = where
        self._done, self._total = done, total

    def show(self, where: Content, done: int, total: int) -> None:
        """Show new figures; lay the screen out again only when the text's height changes."""
        if (where.plain, where.spans) != (self._where.plain, self._where.spans):
            width, rules = self.content_size.width, self.styles.get_rules()
            moved = not width or where.get_height(rules, width) != self._where.get_height(
                rules, width
            )
            self._where = where
            self._done, self._total = done, total
            self.refresh(layout=moved)
        elif (done, total) != (self._done, self._total):
            self._done, self._total = done, total
            self.refresh()

    @property
    def fraction(self) -> float:
        """How much of the bar is filled, from 0 to 1 (all of it when nothing is asked)."""
        if not self._total:
            return 1.0
        return min(1.0, max(0.0, self._done / self._total))

    def _bar(self, width: int) -> Text:
        fraction = self.fraction
        if width:
            # to the half cell the bar can draw, as Textual's bar rounds it
            fraction = int(fraction * width * 2) / (width * 2)
        style = self.get_component_rich_style("bar--bar" if fraction < 1 else "bar--complete")
        bar = Bar(
            highlight_range=(0, width * fraction),
            highlight_style=Style.from_color(style.color),
            background_style=Style.from_color(style.bgcolor),
        )
        console = self.app.console
        (text,) = bar.__rich_console__(console, console.options.update_width(width))
        assert isinstance(text, Text)
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # the text as wrapped at ``width``, and one line of bar (drawn to the width it gets)
        return self._where.get_height(self.styles.get_rules(), width) + 1 if width else 0

    def render(self) -> Content:
        width = self.content_size.width
        return self._where + "\n" + Content.from_rich_text(self._bar(width))
