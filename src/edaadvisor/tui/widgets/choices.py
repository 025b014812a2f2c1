"""The answer widgets the question view keeps and reloads: a choice set, a number field and a
checklist for questions whose answer is a list.

:class:`ChoiceSet` is a RadioSet where ``enter`` also confirms and moves on, reloaded with one
question's options after another; :class:`NumberInput` is an ``Input`` that leaves ``ctrl+d``
to the interview.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, RadioButton, RadioSet, SelectionList
from textual.widgets.selection_list import Selection


class NumberInput(Input, inherit_bindings=False):
    """An ``Input`` without its own ``ctrl+d`` (delete right), which the interview gives to
    "don't know": the key never reached the field, but holding it moved "Don't know" to the
    front of the footer whenever a number question had the focus."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *ScrollableContainer.BINDINGS,  # what Input inherits, kept as it was
        *(
            Binding("delete", b.action, b.description, show=False)
            if isinstance(b, Binding) and b.key == "delete,ctrl+d"
            else b
            for b in Input.BINDINGS
        ),
    ]


class Choice(RadioButton):
    """One option of a :class:`ChoiceSet`; ``key`` is the answer it stands for, and changes
    when the set is loaded with another question's options."""

    def __init__(self, label: Content, key: str, *, value: bool = False) -> None:
        super().__init__(label, value=value)
        self.key = key


class ChoiceSet(RadioSet):
    """A RadioSet where ``enter`` chooses the highlighted option *and* confirms it.

    A plain RadioSet toggles on ``enter`` and stays put; in an interview ``enter`` means "this
    one, next question", including when the highlighted option is already the saved answer.

    The set is loaded with one question's options after another (:meth:`load`): its buttons
    are kept and relabelled, and the ones a question does not need are hidden, because
    mounting a fresh set of buttons for every question is most of what a user would wait for.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Choose", show=False),
    ]

    class Confirmed(Message):
        def __init__(self, choice_set: ChoiceSet, value: str) -> None:
            super().__init__()
            self.choice_set = choice_set
            self.value = value

    class Highlighted(Message):
        def __init__(self, choice_set: ChoiceSet, value: str) -> None:
            super().__init__()
            self.choice_set = choice_set
            self.value = value

    def __init__(self, options: list[tuple[str, str]], pressed: str | None, **kwargs: Any) -> None:
        super().__init__(
            *[Choice(Content(label), key, value=key == pressed) for key, label in options],
            **kwargs,
        )
        self._count = len(options)

    def on_mount(self) -> None:
        # start on the saved answer rather than the first option
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    @property
    def keys(self) -> list[str]:
        """The keys of the options shown, in order."""
        return [cast(Choice, button).key for button in self._nodes[: self._count]]

    @property
    def highlighted_index(self) -> int | None:
        """The option the cursor is on (which ``enter`` would choose)."""
        return self._selected

    async def load(self, options: list[tuple[str, str]], pressed: str | None) -> None:
        """Show ``options`` (key, label), ``pressed`` on; only buttons that differ are touched."""
        missing = len(options) - len(self._nodes)
        if missing > 0:  # a question with more options than any before it
            await self.mount_all([Choice(Content(""), "") for _ in range(missing)])
        # these are the program's changes, not the user's: no Changed message may leave
        with self.prevent(RadioButton.Changed, RadioSet.Changed):
            for index, node in enumerate(self._nodes):
                button = cast(Choice, node)
                if index >= len(options):
                    button.display = False
                    button.value = False
                    continue
                key, label = options[index]
                button.key = key
                if button.label.plain != label:
                    button.label = label
                button.value = key == pressed
                button.display = True
        self._count = len(options)
        shown = [cast(Choice, b) for b in self._nodes[: self._count]]
        self._pressed_button = next((b for b in shown if b.key == pressed), None)
        # the view shows the help of the option under the cursor itself: no message round trip
        with self.prevent(self.Highlighted):
            self._selected = self.pressed_index if self._pressed_button is not None else 0

    @property
    def highlighted_key(self) -> str | None:
        """The key of the option under the cursor."""
        index = self._selected
        return cast(Choice, self._nodes[index]).key if index is not None else None

    def watch_has_focus(self, has_focus: bool) -> None:
        # leaving for a number question hides the set: restyling it and all its buttons for
        # a blur nobody sees is the costliest step of such an answer; the next question with
        # choices focuses it again, which restyles it then
        if has_focus or self.display:
            super().watch_has_focus(has_focus)

    # only the options shown take part in moving up and down (the rest are hidden)
    def action_next_button(self) -> None:
        self._move(1)

    def action_previous_button(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        if self._count:
            current = self._selected
            self._selected = 0 if current is None else (current + step) % self._count

    def watch__selected(self) -> None:
        super().watch__selected()
        if self._selected is not None and self._selected < self._count:
            key = cast(Choice, self._nodes[self._selected]).key
            self.post_message(self.Highlighted(self, key))

    def action_confirm(self) -> None:
        if self._selected is None:
            return
        button = cast(Choice, self._nodes[self._selected])
        if not button.value:
            # pressed here without a Changed message: Confirmed alone carries the answer, so
            # the screen records and evaluates it once, not once per message
            with self.prevent(RadioButton.Changed):
                if self._pressed_button is not None:
                    self._pressed_button.value = False
                button.value = True
            self._pressed_button = button
        self.post_message(self.Confirmed(self, button.key))


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
