"""The answer widgets the question view keeps and reloads: a choice set and a number field
(the checklist for questions whose answer is a list is in :mod:`.checklist`).

:class:`ChoiceSet` is a set of radio buttons drawn by one widget, where ``enter`` also confirms
and moves on, reloaded with one question's options after another; :class:`NumberInput` is an
``Input`` that leaves ``ctrl+d`` to the interview.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList


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


class ChoiceSet(OptionList, inherit_bindings=False):
    """One question's options, one line each, drawn as radio buttons; ``enter`` chooses the
    highlighted option *and* confirms it, ``space`` (or a click) chooses it and stays.

    A plain radio set toggles on ``enter`` and stays put; in an interview ``enter`` means "this
    one, next question", including when the highlighted option is already the saved answer.

    One widget draws every option (an ``OptionList``), rather than a ``RadioSet`` with a
    button widget per option: moving the cursor, pressing an option, gaining the focus and
    loading another question's options then restyle and lay out one widget, not one per
    option, which was most of what a user waited for after each answer.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "cursor_down", "Next option", show=False),
        Binding("up,left", "cursor_up", "Previous option", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("space", "choose", "Choose", show=False),
        Binding("enter", "confirm", "Choose", show=False),
    ]

    class Confirmed(Message):
        """``enter``: the highlighted option is the answer, and the interview moves on."""

        def __init__(self, choice_set: ChoiceSet, value: str) -> None:
            super().__init__()
            self.choice_set = choice_set
            self.value = value

    class Chosen(Message):
        """``space`` or a click: the highlighted option is the answer; the question stays."""

        def __init__(self, choice_set: ChoiceSet, value: str) -> None:
            super().__init__()
            self.choice_set = choice_set
            self.value = value

    class Highlighted(Message):
        """The user moved the cursor to another option."""

        def __init__(self, choice_set: ChoiceSet, value: str) -> None:
            super().__init__()
            self.choice_set = choice_set
            self.value = value

    def __init__(self, options: list[tuple[str, str]], pressed: str | None, **kwargs: Any) -> None:
        self._keys = [key for key, _ in options]
        self._labels = [label for _, label in options]
        self._pressed = self._keys.index(pressed) if pressed in self._keys else None
        super().__init__(*self._prompts(), **kwargs)
        # start on the saved answer rather than the first option (no message: nothing moved)
        self.set_reactive(OptionList.highlighted, self._pressed or 0)

    def _prompts(self) -> list[Content]:
        return [self._prompt(i) for i in range(len(self._keys))]

    def _prompt(self, index: int) -> Content:
        # drawn as Textual's compact radio button draws itself: the dot green when pressed
        dot = "$text-success" if index == self._pressed else "$panel-darken-2"
        return Content.assemble(
            ("▐", "$panel"), ("●", f"{dot} on $panel"), ("▌", "$panel"), f" {self._labels[index]} "
        )

    @property
    def keys(self) -> list[str]:
        """The keys of the options shown, in order."""
        return list(self._keys)

    @property
    def pressed_index(self) -> int:
        """The option that is the saved answer, or -1."""
        return -1 if self._pressed is None else self._pressed

    @property
    def highlighted_index(self) -> int | None:
        """The option the cursor is on (which ``enter`` would choose)."""
        return self.highlighted

    @property
    def highlighted_key(self) -> str | None:
        """The key of the option under the cursor."""
        index = self.highlighted
        return self._keys[index] if index is not None and index < len(self._keys) else None

    def load(self, options: list[tuple[str, str]], pressed: str | None) -> None:
        """Show ``options`` (key, label) with ``pressed`` on, the cursor on it (or the first)."""
        keys = [key for key, _ in options]
        labels = [label for _, label in options]
        index = keys.index(pressed) if pressed in keys else None
        # the view shows the help of the option under the cursor itself: no message round trip
        with self.prevent(self.Highlighted):
            if (keys, labels) != (self._keys, self._labels):
                self._keys, self._labels, self._pressed = keys, labels, index
                self.set_options(self._prompts())
            else:
                self._press(index)
            self.highlighted = index or 0

    def _press(self, index: int | None) -> None:
        """Draw ``index`` as the pressed option (only the rows that change)."""
        previous, self._pressed = self._pressed, index
        for row in {previous, index} - {None}:
            assert row is not None
            self.replace_option_prompt_at_index(row, self._prompt(row))

    def watch_highlighted(self, highlighted: int | None) -> None:
        # this set's own message (a key, not an OptionList option), for the option's help
        if highlighted is None or highlighted >= len(self._keys):
            return
        self.scroll_to_highlight()
        self.post_message(self.Highlighted(self, self._keys[highlighted]))

    def action_choose(self) -> None:
        if self.highlighted is not None and self.highlighted != self._pressed:
            self._press(self.highlighted)
            self.post_message(self.Chosen(self, self._keys[self.highlighted]))

    def action_select(self) -> None:
        # a click: choose the option under the pointer, as clicking a radio button does
        self.action_choose()

    def press(self, key: str | None) -> None:
        """Draw ``key`` as the chosen option (none when it is not one of them)."""
        index = self._keys.index(key) if key in self._keys else None
        if index != self._pressed:
            self._press(index)

    def action_confirm(self) -> None:
        if self.highlighted is None:
            return
        # one message (Confirmed) carries the answer: the screen records and evaluates it
        # once, not once per message. The option is not drawn pressed here: the next
        # question replaces it in the same frame, and a frame of its own would hold that
        # question back by a frame; the screen has it drawn when the question stays.
        self.post_message(self.Confirmed(self, self._keys[self.highlighted]))
