"""The answer spaces the linter enumerates: small, exhaustive, and never every integer.

Each question contributes its *representative* values: both bools, every enum choice, and for
an int one value per region its comparisons cut the domain into (``core.regions.int_regions``),
so enumerating representatives covers every case a rule can tell apart. "Unanswered" (None) is
a value too where it matters, because a rule reads unanswered questions as unknown.

Two spaces are used:

* a topic's **screening space**: its own rules' questions, jointly, plus each topic it depends
  on as a free verdict (any verdict that topic can give). Larger than reality, because a
  dependency's verdict is really tied to the answers; so "never fires" and "shadowed", which
  must hold in *every* case, are safe to conclude from it (no false alarms), and a finding
  that needs a *witness* (two rules firing together) is confirmed in the joint space;
* the **joint space** of a set of questions, with every dependency evaluated for real.

Both are bounded (``MAX_CASES``); a topic too large to enumerate is skipped, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import product
from typing import Any

from ..core.compiled import CompiledKnowledge
from ..core.conditions import VERDICTS, PairTest
from ..core.knowledge import Knowledge
from ..core.regions import int_regions

MAX_CASES = 50_000
"""Cases enumerated per topic or per confirmation; the shipped knowledge needs a few thousand."""


class Spaces:
    def __init__(self, knowledge: Knowledge, compiled: CompiledKnowledge) -> None:
        self.knowledge = knowledge
        self.compiled = compiled
        self.values = _representatives(knowledge)
        self.reachable: dict[str, list[str]] = {}
        for topic in compiled.order:
            cases = self.screening(topic)
            if cases is None:
                self.reachable[topic] = list(VERDICTS)
                continue
            seen = {compiled.decide(topic, answers, verdicts) for answers, verdicts in cases}
            self.reachable[topic] = sorted(seen)

    def own_questions(self, topic: str) -> list[str]:
        read = {q for rule in self.compiled.rules[topic] for q in rule.questions}
        return [q for q in self.knowledge.questions if q in read]

    def screening(
        self, topic: str, questions: Sequence[str] | None = None, deps: Sequence[str] | None = None
    ) -> list[tuple[dict[str, Any], dict[str, str]]] | None:
        """Every case of ``questions`` (with unanswered) x free verdicts of ``deps``."""
        questions = self.own_questions(topic) if questions is None else questions
        deps = self.compiled.deps.get(topic, []) if deps is None else deps
        axes: list[list[Any]] = [[*self.values[q], None] for q in questions]
        axes += [self.reachable.get(d, []) for d in deps]
        if _size(axes) > MAX_CASES:
            return None
        cases = []
        for combo in product(*axes):
            answers = {q: v for q, v in zip(questions, combo, strict=False) if v is not None}
            verdicts = dict(zip(deps, combo[len(questions) :], strict=True))
            cases.append((answers, verdicts))
        return cases

    def joint(
        self, questions: Sequence[str], *, unanswered: bool, fixed: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]] | None:
        """Every assignment of ``questions`` not in ``fixed``, merged with it; None if too many."""
        fixed = dict(fixed or {})
        free = [q for q in questions if q not in fixed]
        axes = [[*self.values[q], *([None] if unanswered else [])] for q in free]
        if _size(axes) > MAX_CASES:
            return None
        return (
            {**fixed, **{q: v for q, v in zip(free, combo, strict=True) if v is not None}}
            for combo in product(*axes)
        )

    def visibility_closure(self, questions: Sequence[str]) -> list[str]:
        """``questions`` plus every question their visibility reads, in interview order."""
        wanted = set(questions)
        for question in reversed(list(self.knowledge.questions.values())):
            if question.id in wanted and question.visible_when is not None:
                wanted.update(
                    q for q in question.visible_when.questions() if q in self.knowledge.questions
                )
        return [q for q in self.knowledge.questions if q in wanted]

    def as_asked(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers a person could give: questions hidden by earlier answers left out."""
        asked: dict[str, Any] = {}
        for question in self.knowledge.questions:
            if question in answers and not self.compiled.hidden(question, asked):
                asked[question] = answers[question]
        return asked


def _size(axes: list[list[Any]]) -> int:
    total = 1
    for axis in axes:
        total *= max(1, len(axis))
    return total


def _representatives(knowledge: Knowledge) -> dict[str, list[Any]]:
    regions = int_regions(knowledge)
    values: dict[str, list[Any]] = {}
    for question in knowledge.questions.values():
        if question.type == "bool":
            values[question.id] = [False, True]
        elif question.type == "enum":
            values[question.id] = list(question.values)
        else:
            values[question.id] = [start for start, _ in regions.get(question.id, [])] or [
                question.minimum or 0
            ]
    # two answers compared with each other need values on both sides of one another
    for condition in [r.when for r in knowledge.rules] + [f.when for f in knowledge.red_flags]:
        for node in condition.walk():
            if isinstance(node, PairTest) and all(q in values for q in node.answers):
                left, right = node.answers
                shared = sorted(set(values[left]) | set(values[right]))
                for q in (left, right):
                    spread = {v + d for v in shared for d in (-1, 0, 1)}
                    question = knowledge.questions[q]
                    values[q] = sorted(v for v in spread if question.accepts(v))
    return values
