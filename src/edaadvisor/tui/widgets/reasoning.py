"""The live reasoning panel: every topic's verdict, and why, for the topic under the cursor.

It only displays an :class:`~edaadvisor.core.engine.Evaluation` it is handed; the engine is the
one place verdicts come from. Topics whose verdict moved with the last answer are marked, so a
user sees the consequence of what they just said.
"""

from __future__ import annotations

from textual import on
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.engine import Decision, Evaluation
from ...core.knowledge import Knowledge
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
    """Glyph, colour and words; "undecided" when only the fallback stands for lack of answers."""
    if not decision.deciding and decision.unknown:
        return UNDECIDED
    return VERDICT_STYLE.get(decision.verdict, ("·", "$text", decision.verdict))


class ReasoningPanel(Vertical):
    """Topic list with verdict marks above; the selected topic's reasons below.

    The panel starts as an empty frame and fills itself right after the first question has
    been drawn (:meth:`build`): the question is what the user waits for, and composing the
    topic list first would delay it.
    """

    def __init__(self, knowledge: Knowledge, *, widget_id: str | None = None) -> None:
        super().__init__(id=widget_id)
        self.knowledge = knowledge
        self.evaluation: Evaluation | None = None
        self.changed: set[str] = set()
        self.what_if: dict[str, list[WhatIf]] = {}
        self.border_title = "Live verdicts"

    @property
    def built(self) -> bool:
        return bool(self.children)

    async def build(self) -> None:
        """Mount the topic list and the reasons, then show the latest evaluation."""
        if self.built:
            return
        topics = OptionList(
            *[Option(topic.title, id=topic.id) for topic in self.knowledge.topics.values()],
            Option("Red flags", id=RED_FLAGS),
            id="topics",
        )
        await self.mount_all([topics, VerticalScroll(Static("", id="why"), id="why-scroll")])
        topics.highlighted = 0
        if self.evaluation is not None:
            self.show(self.evaluation, self.changed, self.what_if)

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
        if not self.built:
            return  # build() shows it
        topics = self.query_one("#topics", OptionList)
        for index, (topic_id, decision) in enumerate(evaluation.decisions.items()):
            topics.replace_option_prompt_at_index(index, self._prompt(topic_id, decision))
        flags = len(evaluation.red_flags)
        topics.replace_option_prompt(
            RED_FLAGS,
            Content.from_markup(
                f"[{'$text-error' if flags else '$text-muted'}]⚑[/] Red flags ($n)", n=flags
            ),
        )
        recommended = sum(1 for d in evaluation.decisions.values() if d.verdict == "recommend")
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
        if topic_id == RED_FLAGS:
            self._show_red_flags(self.evaluation)
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
            # the summary is already shown above; the rationale is what teaches
            parts.append(
                Content.from_markup(
                    "[$text-muted]rule[/] [b]$id[/b] [$text-muted]($strength)[/]\n$why",
                    id=finding.rule.id,
                    strength=finding.rule.strength,
                    why=" ".join(finding.rule.rationale.split()),
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
                    # descriptions read "if the answer to ... were ...", so lead with the verdict
                    "[$text-muted]would be[/] [b]$v[/b] $d",
                    d=item.description,
                    v=VERDICT_STYLE.get(item.verdict, ("", "", item.verdict))[2],
                )
            )
        self.query_one("#why", Static).update(Content("\n\n").join(parts))

    def _show_red_flags(self, evaluation: Evaluation) -> None:
        if not evaluation.red_flags:
            text = Content.from_markup("[b]Red flags[/b]\n\nNone of the red flags applies yet.")
        else:
            text = Content("\n\n").join(
                [
                    Content.from_markup("[b]Red flags[/b]: watch these"),
                    *(
                        Content.from_markup(
                            "[$text-error]⚑[/] [b]$title[/b]\n$fix",
                            title=hit.flag.title,
                            fix=" ".join(hit.flag.mitigation.split()),
                        )
                        for hit in evaluation.red_flags
                    ),
                ]
            )
        self.query_one("#why", Static).update(text)
