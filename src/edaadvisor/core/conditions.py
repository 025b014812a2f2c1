"""Condition trees in rules, red flags and question visibility, with three-valued evaluation.

A condition is ``all`` / ``any`` / ``not`` over tests of one answer, of two answers, or of
another topic's verdict. Unanswered questions make a test *unknown* rather than false (Kleene
logic): a rule fires only when its condition is definitely true, and an unknown condition tells
us which missing answers could have changed the advice.

YAML shapes (validated by ``schema.py``; these classes are what the engine runs)::

    all: [...]                      any: [...]                     not: {...}
    {answer: services, ge: 2}       {answer: consistency, eq: eventual}
    {answer: broker, in: [kafka, pulsar]}     {answer: partitions, known: true}
    {answers: [consumer_instances, partitions], op: gt}     (compares two answers)
    {topic: choreography, in: [recommend, consider]}        always: true
    {answer: safeguards, contains: outbox}                  (a list answer holds a value)
    {capability: partitions}        (the chosen broker offers it; see ``knowledge/brokers.yaml``)

These are plain frozen dataclasses, not pydantic models, so that the JSON path can load a
cached, compiled knowledge base without importing pydantic's model machinery.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from .record import Record

Truth = bool | None
"""True, False, or None for "cannot tell without more answers"."""

VERDICTS = ("recommend", "consider", "advise_against", "not_applicable")
Verdict = Literal["recommend", "consider", "advise_against", "not_applicable"]

Scalar = int | bool | str

COMPARISONS = ("eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "known", "contains")
ORDERED = ("gt", "ge", "lt", "le")


class _Node(Record):
    """Behaviour shared by every node; subclasses are frozen dataclasses."""

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        raise NotImplementedError

    def walk(self) -> Iterator[_Node]:
        yield self

    def questions(self) -> list[str]:
        """Question ids this condition reads, in first-seen order."""
        seen: dict[str, None] = {}
        for node in self.walk():
            if isinstance(node, AnswerTest):
                seen.setdefault(node.answer)
            elif isinstance(node, PairTest):
                for question in node.answers:
                    seen.setdefault(question)
            elif isinstance(node, CapabilityTest):
                seen.setdefault(BROKER_QUESTION)
        return list(seen)

    def topics(self) -> list[str]:
        """Topic ids whose verdicts this condition reads."""
        seen: dict[str, None] = {}
        for node in self.walk():
            if isinstance(node, VerdictTest):
                seen.setdefault(node.topic)
        return list(seen)


class AnswerTest(_Node):
    """Compares one answer; exactly one comparison is set (``schema.py`` checks that)."""

    answer: str
    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: list[Scalar] | None = None
    not_in: list[Scalar] | None = None
    gt: int | None = None
    ge: int | None = None
    lt: int | None = None
    le: int | None = None
    known: bool | None = None
    contains: str | None = None

    @property
    def operator(self) -> str:
        return next(n for n in COMPARISONS if getattr(self, attr_name(n)) is not None)

    @property
    def operand(self) -> Any:
        return getattr(self, attr_name(self.operator))

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        value = answers.get(self.answer)
        op = self.operator
        if op == "known":
            return (value is not None) == self.known
        if value is None:
            return None
        return compare(op, value, self.operand)


def attr_name(operator: str) -> str:
    """The attribute holding an operator's operand (``in`` is a Python keyword)."""
    return "in_" if operator == "in" else operator


def compare(op: str, value: Any, operand: Any) -> bool:
    """Apply one comparison; ordered comparisons never match a bool (True is not 1 here)."""
    if op == "eq":
        return _same(value, operand)
    if op == "ne":
        return not _same(value, operand)
    if op == "in":
        return any(_same(value, item) for item in operand)
    if op == "not_in":
        return not any(_same(value, item) for item in operand)
    if op == "contains":
        return isinstance(value, list | tuple) and operand in value
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    if op == "gt":
        return bool(value > operand)
    if op == "ge":
        return bool(value >= operand)
    if op == "lt":
        return bool(value < operand)
    return bool(value <= operand)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


class PairTest(_Node):
    """Compares two answers with each other, e.g. consumer instances against partitions."""

    answers: tuple[str, str]
    op: Literal["eq", "ne", "gt", "ge", "lt", "le"]

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        left, right = (answers.get(q) for q in self.answers)
        if left is None or right is None:
            return None
        return compare(self.op, left, right)


BROKER_QUESTION = "broker"
"""The question whose answer capability tests read."""


class CapabilityTest(_Node):
    """Holds when the chosen broker offers ``capability``; unknown for a broker the table
    does not describe ("other", "undecided") and while the broker is unanswered.

    The loader binds ``has`` and ``known`` from the knowledge's broker table, so a pack that
    describes another broker teaches every capability test about it."""

    capability: str
    has: tuple[str, ...] = ()
    known: tuple[str, ...] = ()

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        broker = answers.get(BROKER_QUESTION)
        if broker is None or broker not in self.known:
            return None
        return broker in self.has


class Undecided(str):
    """A topic's fallback verdict while missing answers could still change it.

    It compares equal to the verdict it stands for, but a test of it is unknown, not true:
    a rule must not recommend idempotent saga steps because the saga topic merely fell back
    to "consider" for want of answers.
    """

    __slots__ = ()


class VerdictTest(_Node):
    """Holds when another topic's verdict is one of ``in``; unknown while it is undecided."""

    topic: str
    in_: list[str]

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        verdict = verdicts.get(self.topic)
        if verdict is None or isinstance(verdict, Undecided):
            return None
        return verdict in self.in_


class AllOf(_Node):
    all: list[Condition]

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        result: Truth = True
        for child in self.all:
            value = child.evaluate(answers, verdicts)
            if value is False:
                return False
            if value is None:
                result = None
        return result

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.all:
            yield from child.walk()


class AnyOf(_Node):
    any: list[Condition]

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        result: Truth = False
        for child in self.any:
            value = child.evaluate(answers, verdicts)
            if value is True:
                return True
            if value is None:
                result = None
        return result

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.any:
            yield from child.walk()


class Not(_Node):
    not_: Condition

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        value = self.not_.evaluate(answers, verdicts)
        return None if value is None else not value

    def walk(self) -> Iterator[_Node]:
        yield self
        yield from self.not_.walk()


class Always(_Node):
    """``always: true``: for a topic's fallback rules and unconditional red flags."""

    always: Literal[True] = True

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        return True


Condition = AllOf | AnyOf | Not | AnswerTest | PairTest | VerdictTest | CapabilityTest | Always


def bind_capabilities(node: Condition, table: Mapping[str, list[str]]) -> Condition:
    """``node`` with every capability test bound to ``table`` (broker -> capabilities)."""
    if isinstance(node, CapabilityTest):
        has = tuple(b for b, caps in table.items() if node.capability in caps)
        return CapabilityTest(node.capability, has, tuple(table))
    if isinstance(node, AllOf):
        return AllOf([bind_capabilities(c, table) for c in node.all])
    if isinstance(node, AnyOf):
        return AnyOf([bind_capabilities(c, table) for c in node.any])
    if isinstance(node, Not):
        return Not(bind_capabilities(node.not_, table))
    return node
