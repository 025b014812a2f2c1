"""Regions of whole numbers: where the knowledge base's comparisons cut a question's domain.

Within one region every comparison gives the same result, so one value stands for the whole
region. That is what keeps what-if and the linter off brute force over integers.
"""

from __future__ import annotations

from typing import Any

from .conditions import AnswerTest
from .knowledge import Knowledge
from .model import Question

Region = tuple[int, int | None]
"""An inclusive range of whole numbers, ``None`` for no upper end."""


def int_regions(knowledge: Knowledge) -> dict[str, list[Region]]:
    """Per int question, the ranges within which every comparison in the knowledge agrees."""
    cuts: dict[str, set[int]] = {
        q.id: set() for q in knowledge.questions.values() if q.type == "int"
    }
    conditions = [rule.when for rule in knowledge.rules]
    conditions += [flag.when for flag in knowledge.red_flags]
    conditions += [q.visible_when for q in knowledge.questions.values() if q.visible_when]
    for condition in conditions:
        for node in condition.walk():
            if isinstance(node, AnswerTest) and node.answer in cuts:
                cuts[node.answer].update(_cuts(node.operator, node.operand))
    return {q: _regions(knowledge.questions[q], points) for q, points in cuts.items()}


def _cuts(op: str, operand: Any) -> set[int]:
    """Where a comparison's result can flip: a region starts at each returned value."""
    values = operand if isinstance(operand, list) else [operand]
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if op in ("ge", "lt"):
        return set(numbers)
    if op in ("gt", "le"):
        return {n + 1 for n in numbers}
    if op in ("eq", "ne", "in", "not_in"):
        # a run of consecutive listed numbers is one region: every one of them is in the list
        # (a pack's ``in: [2000, ..., 3599]`` is two cuts, not 3,200 regions to try)
        listed = set(numbers)
        return {n for n in listed if n - 1 not in listed} | {
            n + 1 for n in listed if n + 1 not in listed
        }
    return set()


def _regions(question: Question, points: set[int]) -> list[Region]:
    low = question.minimum
    high = question.maximum
    if low is None:
        low = min(points, default=0) - 1
    starts = sorted({p for p in points if p > low and (high is None or p <= high)} | {low})
    regions: list[Region] = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else high
        regions.append((start, end))
    return regions


def region_of(regions: list[Region], value: int) -> Region | None:
    for start, end in regions:
        if value >= start and (end is None or value <= end):
            return (start, end)
    return None
