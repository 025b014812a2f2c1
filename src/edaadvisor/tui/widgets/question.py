"""One question on screen: why it matters, an example, and an input fit for its type.

Choices and yes/no are a :class:`ChoiceSet` (radio buttons where ``enter`` also confirms and moves
on); numbers are an ``Input`` that reads ``10k`` / ``2M`` / ``1,000,000`` and echoes the value
it understood. Every question offers "don't know". The widget holds no state of the interview:
it is given a question and the current answer (attributes down) and posts what the user chose
(messages up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.style import Style as RichStyle
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Static

from ...core.model import Question
from ..numbers import NumberError, format_number, parse_number
from .choices import ChoiceSet, NumberInput

if TYPE_CHECKING:
    from textual.widgets import SelectionList

    from .checklist import Checklist

__all__ = ["DONT_KNOW", "ChoiceSet", "QuestionView"]

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


class HelpText(Static):
    """A question's help and, a blank line below it, its example (muted, as a hint).

    One widget for both texts: one fewer to style, lay out and draw on every screen.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"help-text--example"}
    DEFAULT_CSS = """
    HelpText > .help-text--example {
        color: $text-muted;
    }
    """

    def __init__(self, help_: str, example: str | None, *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self._texts = (help_, example)
        self._gap_for: tuple[tuple[int, str] | None, int] = (None, -1)
        """((width, help), line) of the last gap worked out."""

    def show(self, help_: str, example: str | None) -> None:
        if (help_, example) != self._texts:
            self._texts = (help_, example)
            self.refresh(layout=True)

    def _gap(self, width: int) -> int:
        """The line between the help and the example at ``width`` (-1: no example)."""
        help_, example = self._texts
        if not example or width <= 0:
            return -1
        if self._gap_for[0] != (width, help_):
            rules = self.styles.get_rules()
            self._gap_for = ((width, help_), Content(reflow(help_)).get_height(rules, width))
        return self._gap_for[1]

    def render_line(self, y: int) -> Strip:
        if y == self._gap(self.size.width):
            # the blank line between the texts: only the background, as the margin between
            # two widgets was (no text style, so nothing for a selection to land on)
            background = self.visual_style.rich_style.bgcolor
            return Strip.blank(self.size.width, RichStyle.from_color(bgcolor=background))
        return super().render_line(y)

    def render(self) -> Content:
        help_, example = self._texts
        text = Content(reflow(help_))
        if example:
            muted = self.get_component_rich_style("help-text--example")
            example_text = Content.assemble(("Example:", "i"), " " + example)
            text += "\n\n" + example_text.stylize_before(TextualStyle.from_rich_style(muted))
        return text


class QuestionView(VerticalScroll):
    """Title, help, example and the input of the question on screen, in the pane that scrolls
    them (the pane itself: a container inside the pane cost a layer of layout and of blank
    lines to draw on every answer). Children given to it (the progress line) come first.

    One view serves the whole interview: :meth:`show` puts another question in it, updating
    only the texts that differ and keeping one number ``Input`` and one :class:`ChoiceSet`
    mounted (each is created the first time a question needs it). Remounting a view per
    question costs a new subtree's styles, layout and render on every answer.
    """

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
        self,
        question: Question,
        value: Any,
        dont_know: bool,
        *,
        widget_id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=widget_id, classes=classes)
        self.question = question
        self.value = value
        self.dont_know = dont_know
        self._choice_help: dict[str, str] = {}
        self._validator = NumberValidator(question)
        self._feedback_shown: tuple[str, bool] = ("", False)

    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(Content(q.title), classes="question-title")
        # the answer comes before the explanation so it stays on screen at 80x24
        if q.type == "int":
            yield self._number_input()
        elif q.type == "list":
            yield self._checklist()
        else:
            yield ChoiceSet(self._options(), self._pressed(), id="choices", compact=True)
        yield Static("", id="feedback")
        yield HelpText(q.help, q.example, classes="question-help")

    @property
    def _title(self) -> Static:
        """The question's title: the answer widget is mounted right after it."""
        return self.query_one(".question-title", Static)

    def _number_input(self) -> Input:
        return NumberInput(
            value="" if self.value is None else format_number(self.value),
            placeholder="a number: 12, 10k, 2M, 1,000,000",
            validators=[self._validator],
            validate_on=["changed", "submitted"],
            id="number",
        )

    def _checklist(self) -> Checklist:
        from .checklist import Checklist  # on the first list question: see its module

        checklist = Checklist(id="checklist", compact=True)
        checklist.load(self._list_options(), self._ticked())
        return checklist

    def _list_options(self) -> list[tuple[str, str]]:
        return [(c.value, c.label) for c in self.question.choices]

    def _ticked(self) -> list[str]:
        return list(self.value) if isinstance(self.value, list | tuple) else []

    def _options(self) -> list[tuple[str, str]]:
        q = self.question
        options: list[tuple[str, str, str]]
        if q.type == "bool":
            options = [("true", "Yes", ""), ("false", "No", "")]
        else:
            options = [(c.value, c.label, c.help) for c in q.choices]
        self._choice_help = {key: help_ for key, _, help_ in options}
        return [(key, label) for key, label, _ in [*options, (DONT_KNOW, DONT_KNOW_LABEL, "")]]

    def _pressed(self) -> str | None:
        return DONT_KNOW if self.dont_know else _key(self.value)

    async def show(self, question: Question, value: Any, dont_know: bool) -> None:
        """Put ``question`` (answered ``value``, or ``dont_know``) in this view."""
        previous = self.question
        self.question, self.value, self.dont_know = question, value, dont_know
        self._validator.question = question
        if question.title != previous.title:
            self.query_one(".question-title", Static).update(Content(question.title))
        if (question.help, question.example) != (previous.help, previous.example):
            self.query_one(HelpText).show(question.help, question.example)
        number = self.query("#number").first(Input) if self.query("#number") else None
        choices = self.query("#choices").first(ChoiceSet) if self.query("#choices") else None
        checklist = self._mounted_checklist()
        if checklist is not None:
            checklist.display = question.type == "list"
        if question.type == "list":
            if checklist is None:
                await self.mount(self._checklist(), after=self._title)
            else:
                checklist.load(self._list_options(), self._ticked())
            for other in (number, choices):
                if other is not None:
                    other.display = False
            self._feedback("space ticks a safeguard, enter confirms (none ticked: none in place)")
        elif question.type == "int":
            if number is None:
                number = self._number_input()
                await self.mount(number, after=self._title)
            else:
                text = "" if value is None else format_number(value)
                # a question just shown is not judged yet (a fresh Input is not either): no
                # validation, no "-invalid" restyle, no Changed message for the program's edit
                validate_on, number.validate_on = number.validate_on, set()
                try:
                    with self.prevent(Input.Changed):
                        number.value = text
                finally:
                    number.validate_on = validate_on
                number.cursor_position = len(text)
                number.set_class(False, "-invalid")
                number.display = True
            if choices is not None:
                choices.display = False
            # the echo a fresh field gave for the saved answer when it mounted
            self._feedback(Content(f"= {question.label_of(value)}") if value is not None else "")
        else:
            if choices is None:
                choices = ChoiceSet(self._options(), self._pressed(), id="choices", compact=True)
                await self.mount(choices, after=self._title)
            else:
                choices.load(self._options(), self._pressed())
                choices.display = True
                self._show_help_of(choices.highlighted_key)
            if number is not None:
                number.display = False

    def show_answer(self, value: Any, dont_know: bool) -> None:
        """Draw the answer the question on screen now has, as the user chose it."""
        self.value, self.dont_know = value, dont_know
        if self.question.type not in ("int", "list"):
            self.query_one("#choices", ChoiceSet).press(self._pressed())

    @property
    def answer_widget(self) -> Widget:
        """The input of the question on screen: the number field, checklist or choice set."""
        selector = {"int": "#number", "list": "#checklist"}.get(self.question.type, "#choices")
        return self.query_one(selector)

    def focus_answer(self) -> None:
        self.answer_widget.focus()

    def _feedback(self, text: str | Content, *, error: bool = False) -> None:
        shown = (str(text), error)
        if shown == self._feedback_shown:
            return  # an unchanged text would still cost a layout pass
        self._feedback_shown = shown
        feedback = self.query_one("#feedback", Static)
        feedback.set_class(error, "-error")
        feedback.update(text)

    # -- choices ------------------------------------------------------------------------------

    @on(ChoiceSet.Highlighted)
    def _show_choice_help(self, event: ChoiceSet.Highlighted) -> None:
        event.stop()
        if self.question.type != "int":  # else a late message from a question already left
            self._show_help_of(event.value)

    def _show_help_of(self, key: str | None) -> None:
        if key == DONT_KNOW:
            self._feedback("Leave it open: the advice says what it could not decide without it.")
        else:
            self._feedback(Content(self._choice_help.get(key or "", "")))

    @on(ChoiceSet.Chosen)
    def _chosen(self, event: ChoiceSet.Chosen) -> None:
        event.stop()
        self._post_choice(event.value, advance=False)

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

    # -- lists ---------------------------------------------------------------------------------

    # handlers named for their messages, not ``@on``: the classes need not be imported for them
    def on_selection_list_selected_changed(
        self, event: SelectionList.SelectedChanged[str]
    ) -> None:
        event.stop()
        if self.question.type == "list":
            self.post_message(self.Answered(self.question.id, self._ticked_values(), advance=False))

    def on_checklist_confirmed(self, event: Checklist.Confirmed) -> None:
        event.stop()
        if self.question.type == "list":
            self.post_message(self.Answered(self.question.id, self._ticked_values(), advance=True))

    def _mounted_checklist(self) -> Checklist | None:
        nodes = self.query("#checklist")
        return cast("Checklist", nodes.first()) if nodes else None

    def _ticked_values(self) -> list[str]:
        checklist = self._mounted_checklist()
        return checklist.ordered(self.question.values) if checklist is not None else []

    # -- numbers ------------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.question.type != "int":
            return
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
        if self.question.type != "int":
            return
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
