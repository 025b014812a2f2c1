"""One question on screen: why it matters, an example, and an input fit for its type.

Choices and yes/no are a :class:`ChoiceSet` (a RadioSet where ``enter`` also confirms and moves
on); numbers are an ``Input`` that reads ``10k`` / ``2M`` / ``1,000,000`` and echoes the value
it understood. Every question offers "don't know". The widget holds no state of the interview:
it is given a question and the current answer (attributes down) and posts what the user chose
(messages up).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, RadioButton, RadioSet, Static

from ...core.model import Question
from ..numbers import NumberError, format_number, parse_number

DONT_KNOW = "__dont_know__"
"""The radio button name (and message value) of the "don't know" choice."""

DONT_KNOW_LABEL = "Don't know yet"


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph so the terminal can wrap them itself."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def parse_answer(question: Question, text: str) -> int:
    """A typed number for ``question``, in its domain; raises ``NumberError`` with the reason."""
    value = parse_number(text)
    if not question.accepts(value):
        raise NumberError(f"{format_number(value)} is out of range: {question.domain_text()}")
    return value


class NumberValidator(Validator):
    """Validates an ``Input`` against a question's domain, with the parser's own words."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_answer(self.question, value)
        except NumberError as exc:
            return self.failure(str(exc), value)
        return self.success()


class ChoiceSet(RadioSet):
    """A RadioSet where ``enter`` chooses the highlighted option *and* confirms it.

    A plain RadioSet toggles on ``enter`` and stays put; in an interview ``enter`` means "this
    one, next question", including when the highlighted option is already the saved answer.
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

    def on_mount(self) -> None:
        # start on the saved answer rather than the first option
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    @property
    def highlighted_index(self) -> int | None:
        """The option the cursor is on (which ``enter`` would choose)."""
        return self._selected

    def watch__selected(self) -> None:
        super().watch__selected()
        if self._selected is not None:
            self.post_message(self.Highlighted(self, self._nodes[self._selected].name or ""))

    def action_confirm(self) -> None:
        if self._selected is None:
            return
        button = self._nodes[self._selected]
        assert isinstance(button, RadioButton)
        if not button.value:
            button.value = True
        self.post_message(self.Confirmed(self, button.name or ""))


class QuestionView(Vertical):
    """Title, help, example and the input of one question."""

    class Answered(Message):
        """The user gave ``value`` (None with ``dont_know``); ``advance`` asks for the next one."""

        def __init__(
            self, question_id: str, value: Any, *, dont_know: bool = False, advance: bool = False
        ) -> None:
            super().__init__()
            self.question_id = question_id
            self.value = value
            self.dont_know = dont_know
            self.advance = advance

    def __init__(
        self, question: Question, value: Any, dont_know: bool, *, widget_id: str | None = None
    ) -> None:
        super().__init__(id=widget_id)
        self.question = question
        self.value = value
        self.dont_know = dont_know

    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(Content(q.title), classes="question-title")
        # the answer comes before the explanation so it stays on screen at 80x24
        yield self._input()
        yield Static("", id="feedback")
        yield Static(Content(reflow(q.help)), classes="question-help")
        if q.example:
            yield Static(Content.from_markup("[i]Example:[/i] $e", e=q.example), classes="example")

    def _input(self) -> Widget:
        q = self.question
        if q.type == "int":
            number = Input(
                value="" if self.value is None else format_number(self.value),
                placeholder="a number: 12, 10k, 2M, 1,000,000",
                validators=[NumberValidator(q)],
                validate_on=["changed", "submitted"],
                id="answer",
            )
            return number
        options: list[tuple[str, str, str]]
        if q.type == "bool":
            options = [("true", "Yes", ""), ("false", "No", "")]
        else:
            options = [(c.value, c.label, c.help) for c in q.choices]
        current = DONT_KNOW if self.dont_know else _key(self.value)
        buttons = [
            RadioButton(Content(label), value=key == current, name=key)
            for key, label, _ in [*options, (DONT_KNOW, DONT_KNOW_LABEL, "")]
        ]
        self._choice_help = {key: help_ for key, _, help_ in options}
        return ChoiceSet(*buttons, id="answer", compact=True)

    def focus_answer(self) -> None:
        self.query_one("#answer").focus()

    def _feedback(self, text: str | Content, *, error: bool = False) -> None:
        feedback = self.query_one("#feedback", Static)
        feedback.set_class(error, "-error")
        feedback.update(text)

    # -- choices ------------------------------------------------------------------------------

    @on(ChoiceSet.Highlighted)
    def _show_choice_help(self, event: ChoiceSet.Highlighted) -> None:
        event.stop()
        if event.value == DONT_KNOW:
            self._feedback("Leave it open: the advice says what it could not decide without it.")
        else:
            self._feedback(Content(getattr(self, "_choice_help", {}).get(event.value, "")))

    @on(RadioSet.Changed)
    def _chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._post_choice(event.pressed.name or "", advance=False)

    @on(ChoiceSet.Confirmed)
    def _confirmed(self, event: ChoiceSet.Confirmed) -> None:
        event.stop()
        self._post_choice(event.value, advance=True)

    def _post_choice(self, key: str, *, advance: bool) -> None:
        qid = self.question.id
        if key == DONT_KNOW:
            self.post_message(self.Answered(qid, None, dont_know=True, advance=advance))
        else:
            self.post_message(self.Answered(qid, _value(self.question, key), advance=advance))

    # -- numbers ------------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value.strip():
            self._feedback("")
            return
        try:
            value = parse_answer(self.question, event.value)
        except NumberError as exc:
            self._feedback(Content(str(exc)), error=True)
            return
        self._feedback(Content(f"= {self.question.label_of(value)}"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = parse_answer(self.question, event.value)
        except NumberError as exc:
            hint = "" if event.value.strip() else "; ctrl+d if you don't know"
            self._feedback(Content(f"{exc}{hint}"), error=True)
            return
        self.post_message(self.Answered(self.question.id, value, advance=True))


def _key(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _value(question: Question, key: str) -> Any:
    if question.type == "bool":
        return key == "true"
    return key
