"""The knowledge base compiled for repeated evaluation: what-if analysis and the linter.

``engine.evaluate`` explains one decision and is fast enough for that. The what-if search and
the linter evaluate the same rules hundreds or thousands of times with small variations of the
answers, so here every condition becomes a plain closure (no pydantic attribute lookups on the
hot path) and a topic's verdict is resolved exactly as the engine does (strength, then caution,
then the fallback), without building explanations. ``tests/test_whatif_*`` check both agree.

It also derives, per integer question, the *regions* that the knowledge base's comparisons cut
its domain into: within one region every comparison gives the same result, so one value stands
for the whole region. That is what keeps what-if and the linter off brute force over integers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .conditions import (
    AllOf,
    Always,
    AnswerTest,
    AnyOf,
    Not,
    PairTest,
    Truth,
    Undecided,
    VerdictTest,
    _Node,
    compare,
)
from .knowledge import Knowledge, dependency_order
from .model import CAUTION_RANK, Question
from .record import Record

Check = Callable[[Mapping[str, Any], Mapping[str, str]], Truth]


def compile_condition(node: _Node) -> Check:
    """A closure with the same three-valued result as ``node.evaluate``."""
    if isinstance(node, AllOf):
        parts = [compile_condition(child) for child in node.all]

        def all_of(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            result: Truth = True
            for part in parts:
                value = part(a, v)
                if value is False:
                    return False
                if value is None:
                    result = None
            return result

        return all_of
    if isinstance(node, AnyOf):
        parts = [compile_condition(child) for child in node.any]

        def any_of(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            result: Truth = False
            for part in parts:
                value = part(a, v)
                if value is True:
                    return True
                if value is None:
                    result = None
            return result

        return any_of
    if isinstance(node, Not):
        inner = compile_condition(node.not_)

        def not_(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            value = inner(a, v)
            return None if value is None else not value

        return not_
    if isinstance(node, AnswerTest):
        return _answer_test(node.answer, node.operator, node.operand)
    if isinstance(node, PairTest):
        left, right = node.answers
        op = node.op

        def pair(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            x, y = a.get(left), a.get(right)
            if x is None or y is None:
                return None
            return compare(op, x, y)

        return pair
    if isinstance(node, VerdictTest):
        topic, allowed = node.topic, frozenset(node.in_)

        def verdict_test(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            verdict = v.get(topic)
            if verdict is None or isinstance(verdict, Undecided):
                return None
            return verdict in allowed

        return verdict_test
    if isinstance(node, Always):
        return lambda a, v: True
    raise TypeError(f"unknown condition node {type(node).__name__}")  # pragma: no cover


def _answer_test(question: str, op: str, operand: Any) -> Check:
    if op == "known":
        wanted = bool(operand)
        return lambda a, v: (a.get(question) is not None) == wanted

    def test(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
        value = a.get(question)
        if value is None:
            return None
        return compare(op, value, operand)

    return test


class CompiledRule(Record):
    id: str
    topic: str
    verdict: str
    rank: int
    check: Check
    questions: tuple[str, ...]
    topics: tuple[str, ...]


class CompiledKnowledge:
    """Rules per topic as closures, a dependency order, and what each topic can depend on."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.rules: dict[str, list[CompiledRule]] = {t: [] for t in knowledge.topics}
        for rule in knowledge.rules:
            if rule.topic in self.rules:
                self.rules[rule.topic].append(
                    CompiledRule(
                        rule.id,
                        rule.topic,
                        rule.verdict,
                        rule.rank,
                        compile_condition(rule.when),
                        tuple(rule.when.questions()),
                        tuple(t for t in rule.when.topics() if t in knowledge.topics),
                    )
                )
        self.fallback = {t: topic.default.verdict for t, topic in knowledge.topics.items()}
        self.deps = {
            t: sorted({d for rule in rules for d in rule.topics}) for t, rules in self.rules.items()
        }
        self.order = dependency_order(self.deps)
        self.visible: dict[str, Check] = {
            q.id: compile_condition(q.visible_when)
            for q in knowledge.questions.values()
            if q.visible_when is not None
        }
        self.question_index = {q: i for i, q in enumerate(knowledge.questions)}
        self.topic_closure: dict[str, list[str]] = {}
        self.question_closure: dict[str, list[str]] = {}
        for topic in self.order:
            topics = {topic}
            for dep in self.deps[topic]:
                topics.update(self.topic_closure.get(dep, [dep]))
            self.topic_closure[topic] = [t for t in self.order if t in topics]
            # unknown ids (reported by the loader) have no domain to try values from
            read = {
                q
                for t in topics
                for rule in self.rules[t]
                for q in rule.questions
                if q in knowledge.questions
            }
            self.question_closure[topic] = sorted(read, key=self._question_key)
        self.readers: dict[str, list[str]] = {q: [] for q in knowledge.questions}
        for topic in self.order:
            for question in self.question_closure[topic]:
                self.readers.setdefault(question, []).append(topic)

    def _question_key(self, question: str) -> tuple[int, str]:
        return (self.question_index.get(question, len(self.question_index)), question)

    def decide(self, topic: str, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> str:
        """The engine's verdict for one topic: strongest fired rules, then the most cautious."""
        best_rank = 0
        best = ""
        open_verdicts: set[str] = set()
        for rule in self.rules[topic]:
            truth = rule.check(answers, verdicts)
            if truth is True:
                if rule.rank > best_rank:
                    best_rank, best = rule.rank, rule.verdict
                elif rule.rank == best_rank and CAUTION_RANK[rule.verdict] > CAUTION_RANK[best]:
                    best = rule.verdict
            elif truth is None:
                open_verdicts.add(rule.verdict)
        if best:
            return best
        fallback = self.fallback[topic]
        # as in the engine: a fallback that an undecidable rule could still settle is undecided
        return Undecided(fallback) if open_verdicts else fallback

    def verdicts(
        self,
        answers: Mapping[str, Any],
        base: Mapping[str, str] | None = None,
        only: set[str] | None = None,
    ) -> dict[str, str]:
        """Verdicts of every topic, or of ``only`` those, reusing ``base`` for the others."""
        result = dict(base or {})
        for topic in self.order:
            if only is None or topic in only:
                result[topic] = self.decide(topic, answers, result)
        return result

    def hidden(self, question: str, answers: Mapping[str, Any]) -> bool:
        """Whether the interview would not ask ``question`` given ``answers``."""
        check = self.visible.get(question)
        return check is not None and check(answers, {}) is False


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
        return {n for v in numbers for n in (v, v + 1)}
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
