"""The live reasoning panel: every topic's verdict, and why, for the topic under the cursor.

It only displays an :class:`~edaadvisor.core.engine.Evaluation` it is handed; the engine is the
one place verdicts come from. Topics whose verdict moved with the last answer are marked, so a
user sees the consequence of what they just said.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.engine import Decision, Evaluation
from ...core.knowledge import Knowledge
from ...core.report import WhatIf

VERDICT_STYLE: dict[str, tuple[str, str, str]] = {
    "recommend": ("✔", "$text-success", "recommend"),
    "consider": ("~", "$text-warning", "consider"),
    "advise_against": ("✘", "$text-error", "advise against"),
    "not_applicable": ("-", "$text-muted", "not applicable"),
}
"""verdict -> (glyph, theme colour, words)."""

UNDECIDED = ("?", "$text-muted", "undecided")


def verdict_look(decision: Decision) -> tuple[str, str, str]:
    """Glyph, colour and words; "undecided" when only the fallback stands for lack of answers."""
    if not decision.deciding and decision.unknown:
        return UNDECIDED
    return VERDICT_STYLE.get(decision.verdict, ("·", "$text", decision.verdict))


class ReasoningPanel(Vertical):
    """Topic list with verdict marks above; the selected topic's reasons below."""

    def __init__(self, knowledge: Knowledge, *, widget_id: str | None = None) -> None:
        super().__init__(id=widget_id)
        self.knowledge = knowledge
        self.evaluation: Evaluation | None = None
        self.changed: set[str] = set()
        self.what_if: dict[str, list[WhatIf]] = {}
        self.border_title = "Live verdicts"

    def compose(self) -> ComposeResult:
        yield OptionList(
            *[Option(topic.title, id=topic.id) for topic in self.knowledge.topics.values()],
            id="topics",
        )
        with VerticalScroll(id="why-scroll"):
            yield Static("", id="why")

    def on_mount(self) -> None:
        self.query_one("#topics", OptionList).highlighted = 0

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
        self.what_if = what_if or {}
        topics = self.query_one("#topics", OptionList)
        for index, (topic_id, decision) in enumerate(evaluation.decisions.items()):
            topics.replace_option_prompt_at_index(index, self._prompt(topic_id, decision))
        recommended = sum(1 for d in evaluation.decisions.values() if d.verdict == "recommend")
        flags = len(evaluation.red_flags)
        self.border_subtitle = (
            f"{recommended} recommended · {flags} red flag{'' if flags == 1 else 's'}"
        )
        self._show_why(self.selected_topic)

    def _prompt(self, topic_id: str, decision: Decision) -> Content:
        glyph, colour, _ = verdict_look(decision)
        mark = " ◂" if topic_id in self.changed else ""
        return Content.from_markup(
            f"[{colour}]$glyph[/] $title[$accent]$mark[/]",
            glyph=glyph,
            title=decision.topic.title,
            mark=mark,
        )

    @on(OptionList.OptionHighlighted, "#topics")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self._show_why(event.option.id)

    def _show_why(self, topic_id: str) -> None:
        if self.evaluation is None:
            return
        decision = self.evaluation.decisions[topic_id]
        glyph, colour, words = verdict_look(decision)
        parts = [
            Content.from_markup(
                f"[b]$title[/b]: [{colour} b]$glyph $words[/]",
                title=decision.topic.title,
                glyph=glyph,
                words=words,
            ),
            Content(decision.summary),
        ]
        for finding in decision.deciding:
            parts.append(
                Content.from_markup(
                    "[$text-muted]rule[/] [b]$id[/b] [$text-muted]($strength)[/]\n$why",
                    id=finding.rule.id,
                    strength=finding.rule.strength,
                    why=finding.rule.summary,
                )
            )
        if decision.overridden:
            ids = ", ".join(f.rule.id for f in decision.overridden)
            parts.append(Content.from_markup("[$text-muted]outweighed: $ids[/]", ids=ids))
        if decision.unknown:
            titles = ", ".join(decision.unknown[:4])
            more = f" and {len(decision.unknown) - 4} more" if len(decision.unknown) > 4 else ""
            parts.append(
                Content.from_markup("[$text-muted]could change with:[/] $q", q=titles + more)
            )
        for item in self.what_if.get(topic_id, [])[:3]:
            parts.append(
                Content.from_markup(
                    "[$text-muted]what if:[/] $d → $v", d=item.description, v=item.verdict
                )
            )
        self.query_one("#why", Static).update(Content("\n\n").join(parts))
