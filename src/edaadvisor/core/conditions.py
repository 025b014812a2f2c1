"""Condition trees in rules, red flags and question visibility, with three-valued evaluation.

A condition is ``all`` / ``any`` / ``not`` over tests of one answer or of another topic's
verdict. Unanswered questions make a test *unknown* rather than false (Kleene logic): a rule
fires only when its condition is definitely true, and an unknown condition tells us which
missing answers could have changed the advice.

YAML shapes::

    all: [...]                      any: [...]                     not: {...}
    {answer: services, ge: 2}       {answer: consistency, eq: eventual}
    {answer: broker, in: [kafka, pulsar]}     {answer: partitions, known: true}
    {topic: choreography, in: [recommend, consider]}
    {answers: [consumer_instances, partitions], op: gt}     (compares two answers)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Truth = bool | None
"""True, False, or None for "cannot tell without more answers"."""

VERDICTS = ("recommend", "consider", "advise_against", "not_applicable")
Verdict = Literal["recommend", "consider", "advise_against", "not_applicable"]

Scalar = int | bool | str

_COMPARISONS = ("eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "known")
_ORDERED = ("gt", "ge", "lt", "le")


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

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
        return list(seen)

    def topics(self) -> list[str]:
        """Topic ids whose verdicts this condition reads."""
        seen: dict[str, None] = {}
        for node in self.walk():
            if isinstance(node, VerdictTest):
                seen.setdefault(node.topic)
        return list(seen)


class AnswerTest(_Node):
    """Compares one answer; exactly one comparison key is given."""

    answer: str
    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    gt: int | None = None
    ge: int | None = None
    lt: int | None = None
    le: int | None = None
    known: bool | None = None

    @model_validator(mode="after")
    def _one_comparison(self) -> AnswerTest:
        given = [name for name in _COMPARISONS if getattr(self, _attr(name)) is not None]
        if len(given) != 1:
            raise ValueError(
                f"an answer test needs exactly one of {', '.join(_COMPARISONS)}; "
                f"got {', '.join(given) or 'none'}"
            )
        return self

    @property
    def operator(self) -> str:
        return next(n for n in _COMPARISONS if getattr(self, _attr(n)) is not None)

    @property
    def operand(self) -> Any:
        return getattr(self, _attr(self.operator))

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        value = answers.get(self.answer)
        op = self.operator
        if op == "known":
            return (value is not None) == self.known
        if value is None:
            return None
        return compare(op, value, self.operand)


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


def _attr(name: str) -> str:
    return "in_" if name == "in" else name


class VerdictTest(_Node):
    """Holds when another topic's verdict is one of ``in``."""

    topic: str
    in_: list[Verdict] = Field(alias="in", min_length=1)

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        return verdicts.get(self.topic) in self.in_


class PairTest(_Node):
    """Compares two answers with each other, e.g. consumer instances against partitions."""

    answers: tuple[str, str]
    op: Literal["eq", "ne", "gt", "ge", "lt", "le"]

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        left, right = (answers.get(q) for q in self.answers)
        if left is None or right is None:
            return None
        return compare(self.op, left, right)


class AllOf(_Node):
    all: list[Condition] = Field(min_length=1)

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
    any: list[Condition] = Field(min_length=1)

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
    not_: Condition = Field(alias="not")

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        value = self.not_.evaluate(answers, verdicts)
        return None if value is None else not value

    def walk(self) -> Iterator[_Node]:
        yield self
        yield from self.not_.walk()


class Always(_Node):
    """``always: true``: for a topic's fallback rules and unconditional red flags."""

    always: Literal[True]

    def evaluate(self, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Truth:
        return True


def _kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("all", "any", "not", "answer", "answers", "topic", "always"):
            if key in value:
                return key
        return None
    if isinstance(value, _Node):
        return {
            AllOf: "all",
            AnyOf: "any",
            Not: "not",
            AnswerTest: "answer",
            PairTest: "answers",
            VerdictTest: "topic",
            Always: "always",
        }.get(type(value))
    return None


Condition = Annotated[
    Union[  # noqa: UP007 - pydantic needs the Union spelled out to tag its members
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[Not, Tag("not")],
        Annotated[AnswerTest, Tag("answer")],
        Annotated[PairTest, Tag("answers")],
        Annotated[VerdictTest, Tag("topic")],
        Annotated[Always, Tag("always")],
    ],
    Discriminator(
        _kind,
        custom_error_type="condition",
        custom_error_message=(
            "a condition is a mapping with one of: all, any, not, answer, answers, topic, always"
        ),
    ),
]

for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()
