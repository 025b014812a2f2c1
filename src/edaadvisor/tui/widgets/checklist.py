"""The answer widget of questions answered by a list (the safeguards already in place).

A module of its own, imported when the first such question is shown: Textual's
``SelectionList`` behind it takes about 2 ms to import, which the first screen (a number
question) would otherwise wait for.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection


class Checklist(SelectionList[str]):
    """A question answered by a list (safeguards already in place): ``space`` ticks an item,
    ``enter`` confirms the ticked ones (none is an answer too) and moves on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Confirm", show=False),
    ]

    class Confirmed(Message):
        def __init__(self, checklist: Checklist, values: list[str]) -> None:
            super().__init__()
            self.checklist = checklist
            self.values = values

    def load(self, options: list[tuple[str, str]], ticked: list[str]) -> None:
        """Show ``options`` (key, label) with ``ticked`` ticked, without a change message."""
        with self.prevent(SelectionList.SelectedChanged):
            self.clear_options()
            self.add_options([Selection(label, key, key in ticked) for key, label in options])

    def ordered(self, keys: list[str]) -> list[str]:
        """The ticked values in the options' own order (answers files list them so)."""
        ticked = set(self.selected)
        return [key for key in keys if key in ticked]

    def action_confirm(self) -> None:
        self.post_message(self.Confirmed(self, list(self.selected)))
