"""The live reasoning panel: every topic's verdict, and why, for the topic under the cursor.

It only displays an :class:`~edaadvisor.core.engine.Evaluation` it is handed; the engine is the
one place verdicts come from. Topics whose verdict moved with the last answer are marked, so a
user sees the consequence of what they just said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.engine import Decision, Evaluation
from ...core.knowledge import Knowledge

if TYPE_CHECKING:
    from ...core.whatif import WhatIf

VERDICT_STYLE: dict[str, tuple[str, str, str]] = {
    "recommend": ("✔", "$text-success", "recommend"),
    "consider": ("~", "$text-warning", "consider"),
    "advise_against": ("✘", "$text-error", "advise against"),
    "not_applicable": ("-", "$text-muted", "not applicable"),
}
"""verdict -> (glyph, theme colour, words)."""

UNDECIDED = ("?", "$text-muted", "undecided")

RED_FLAGS = "__red_flags__"
"""Option id of the last entry, which lists the red flags instead of a topic's reasons."""


def verdict_look(decision: Decision) -> tuple[str, str, str]:
    """Glyph, colour and words; "undecided" when the verdict stands only for lack of answers."""
    if decision.undecided:
        return UNDECIDED
    return VERDICT_STYLE.get(decision.verdict, ("·", "$text", decision.verdict))


class ReasoningPanel(Vertical):
    """Topic list with verdict marks above; the selected topic's reasons below.

    Built with the screen, from the evaluation of the answers it starts with, so the first
    frame is complete. Later evaluations touch only what they change: the rows whose verdict
    or change mark moved, and the reasons when their text differs.
    """

    def __init__(
        self,
        knowledge: Knowledge,
        evaluation: Evaluation | None = None,
        *,
        widget_id: str | None = None,
    ) -> None:
        super().__init__(id=widget_id)
        self.knowledge = knowledge
        self.evaluation = evaluation
        self.changed: set[str] = set()
        self.what_if: dict[str, list[WhatIf]] = {}
        self.border_title = "Live verdicts"
        self._rows: dict[str, tuple[object, ...]] = {}
        """Option id -> what its prompt shows now, to skip rows that stay the same."""
        self._why: tuple[object, ...] | None = None

    @property
    def built(self) -> bool:
        return bool(self.children)

    def compose(self) -> ComposeResult:
        evaluation = self.evaluation
        options = []
        for topic in self.knowledge.topics.values():
            decision = evaluation.decisions.get(topic.id) if evaluation is not None else None
            if decision is None:
                options.append(Option(topic.title, id=topic.id))
            else:
                self._rows[topic.id] = self._row_key(topic.id, decision)
                options.append(Option(self._prompt(topic.id, decision), id=topic.id))
        flags = len(evaluation.red_flags) if evaluation is not None else 0
        conflicts = len(evaluation.conflicts) if evaluation is not None else 0
        self._rows[RED_FLAGS] = (flags, conflicts)
        options.append(Option(self._flags_prompt(flags, conflicts), id=RED_FLAGS))
        yield OptionList(*options, id="topics")
        with VerticalScroll(id="why-scroll"):
            yield self._initial_why()

    def on_mount(self) -> None:
        self.query_one("#topics", OptionList).highlighted = 0
        if self.evaluation is not None:
            self._show_summary(self.evaluation)

    @property
    def selected_topic(self) -> str:
        topics = self.query_one("#topics", OptionList)
        option = topics.highlighted_option
        return option.id if option is not None and option.id else next(iter(self.knowledge.topics))

    def show(
        self,
        evaluation: Evaluation,
        changed: set[str] | None = None,
        what_if: dict[str, list[WhatIf]] | None = None,
    ) -> None:
        """Display ``evaluation``; ``changed`` topics get a marker until the next answer."""
        self.evaluation = evaluation
        self.changed = changed or set()
        if what_if is not None:
            self.what_if = what_if
        if not self.built:
            return  # compose shows it
        topics = self.query_one("#topics", OptionList)
        for index, (topic_id, decision) in enumerate(evaluation.decisions.items()):
            row = self._row_key(topic_id, decision)
            if self._rows.get(topic_id) != row:
                self._rows[topic_id] = row
                topics.replace_option_prompt_at_index(index, self._prompt(topic_id, decision))
        flags, conflicts = len(evaluation.red_flags), len(evaluation.conflicts)
        if self._rows.get(RED_FLAGS) != (flags, conflicts):
            self._rows[RED_FLAGS] = (flags, conflicts)
            topics.replace_option_prompt(RED_FLAGS, self._flags_prompt(flags, conflicts))
        self._show_summary(evaluation)
        self._show_why(self.selected_topic)

    def show_what_if(self, what_if: dict[str, list[WhatIf]]) -> None:
        """The answer changes that would move each verdict, for the reasons below the list."""
        self.what_if = what_if
        if self.built:
            self._show_why(self.selected_topic)

    def _show_summary(self, evaluation: Evaluation) -> None:
        flags = len(evaluation.red_flags)
        recommended = sum(1 for d in evaluation.decisions.values() if d.verdict == "recommend")
        subtitle = f"{recommended} recommended · {flags} red flag{'' if flags == 1 else 's'}"
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle

    def _row_key(self, topic_id: str, decision: Decision) -> tuple[object, ...]:
        return (verdict_look(decision), decision.topic.title, topic_id in self.changed)

    @staticmethod
    def _flags_prompt(flags: int, conflicts: int = 0) -> Content:
        text = Content.assemble(("⚑", "$text-error" if flags else "$text-muted"))
        text += f" Red flags ({flags})"
        if conflicts:
            # answers that contradict each other: shown with the flags, said in the count
            text += Content.assemble(" ", (f"· {conflicts} conflicting", "$text-warning"))
        return text

    def _prompt(self, topic_id: str, decision: Decision) -> Content:
        glyph, colour, _ = verdict_look(decision)
        # assembled, not markup: a markup parse per row was most of the panel's update
        text = Content.assemble((glyph, colour), " ", decision.topic.title)
        if topic_id in self.changed:
            text += Content.assemble((" ◂", "$accent"))
        return text

    @on(OptionList.OptionHighlighted, "#topics")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self._show_why(event.option.id)

    def _show_why(self, topic_id: str) -> None:
        if self.evaluation is not None:
            self._set_why(self._why_text(self.evaluation, topic_id))

    def _why_text(self, evaluation: Evaluation, topic_id: str) -> Content:
        if topic_id == RED_FLAGS:
            return self._red_flags_text(evaluation)
        decision = evaluation.decisions[topic_id]
        glyph, colour, words = verdict_look(decision)
        parts = [
            Content.assemble(
                (decision.topic.title, "b"), ": ", (f"{glyph} {words}", f"{colour} b")
            ),
            Content(decision.summary),
        ]
        for finding in decision.deciding:
            # the summary is already shown above; the rationale is what teaches
            parts.append(
                Content.assemble(
                    ("rule", "$text-muted"),
                    " ",
                    (finding.rule.id, "b"),
                    " ",
                    (f"({finding.rule.strength})", "$text-muted"),
                    "\n" + " ".join(finding.rule.rationale.split()),
                )
            )
        if decision.overridden:
            ids = ", ".join(f.rule.id for f in decision.overridden)
            parts.append(Content.assemble((f"outweighed: {ids}", "$text-muted")))
        for assumption in decision.assumptions:
            parts.append(
                Content.assemble(("assumed:", "$text-warning"), " " + assumption.description)
            )
        if decision.unknown:
            titles = ", ".join(
                self.knowledge.questions[q].words if q in self.knowledge.questions else q
                for q in decision.unknown[:4]
            )
            more = f" and {len(decision.unknown) - 4} more" if len(decision.unknown) > 4 else ""
            parts.append(
                Content.assemble(("could change with:", "$text-muted"), " " + titles + more)
            )
        for item in self.what_if.get(topic_id, [])[:3]:
            parts.append(
                Content.assemble(
                    # descriptions read "if the answer to ... were ...", so lead with the verdict
                    ("would be", "$text-muted"),
                    " ",
                    (VERDICT_STYLE.get(item.verdict, ("", "", item.verdict))[2], "b"),
                    " " + item.description,
                )
            )
        return Content("\n\n").join(parts)

    def _red_flags_text(self, evaluation: Evaluation) -> Content:
        text = self._flags_only_text(evaluation)
        if evaluation.conflicts:
            text = Content("\n\n").join(
                [
                    Content.assemble(("Answers that contradict each other", "b")),
                    *(
                        Content.assemble(("⚠", "$text-warning"), " " + hit.message)
                        for hit in evaluation.conflicts
                    ),
                    text,
                ]
            )
        return text

    def _flags_only_text(self, evaluation: Evaluation) -> Content:
        if not evaluation.red_flags:
            text = Content.assemble(("Red flags", "b"), "\n\nNone of the red flags applies yet.")
        else:
            text = Content("\n\n").join(
                [
                    Content.assemble(("Red flags", "b"), ": watch these"),
                    *(
                        Content.assemble(
                            ("⚑", "$text-error"),
                            " ",
                            (hit.flag.title, "b"),
                            "\n" + " ".join(hit.flag.mitigation.split()),
                        )
                        for hit in evaluation.red_flags
                    ),
                ]
            )
        return text

    def _set_why(self, text: Content) -> None:
        # Content compares its plain text only; the spans carry the verdict colours
        key = (text.plain, tuple(text.spans))
        if key != self._why:
            self._why = key
            self.query_one("#why", Static).update(text)

    def _initial_why(self) -> Static:
        """The reasons of the first topic, built with the panel rather than updated into it."""
        text = Content("")
        if self.evaluation is not None:
            text = self._why_text(self.evaluation, next(iter(self.knowledge.topics)))
            self._why = (text.plain, tuple(text.spans))
        return Static(text, id="why")
