"""Pydantic models of the knowledge-base files: the shapes every YAML file is validated against.

Validation happens here, once, when a knowledge folder is first read (or has changed); each
spec then ``build()``s the plain runtime object of ``model.py`` / ``conditions.py`` that the
engine uses and that the compiled-knowledge cache stores. Keeping pydantic on this cold path
is what lets ``--format json`` run without importing pydantic's model machinery.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from . import conditions as rt
from . import model
from .conditions import COMPARISONS, Scalar, Verdict, attr_name

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=96)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Strength = Literal["weak", "normal", "strong", "decisive"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# -- conditions ---------------------------------------------------------------------------


class AnswerTestSpec(_Spec):
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
    def _one_comparison(self) -> AnswerTestSpec:
        given = [name for name in COMPARISONS if getattr(self, attr_name(name)) is not None]
        if len(given) != 1:
            raise ValueError(
                f"an answer test needs exactly one of {', '.join(COMPARISONS)}; "
                f"got {', '.join(given) or 'none'}"
            )
        return self

    def build(self) -> rt.AnswerTest:
        return rt.AnswerTest(
            self.answer, self.eq, self.ne, self.in_, self.not_in,
            self.gt, self.ge, self.lt, self.le, self.known,
        )  # fmt: skip


class PairTestSpec(_Spec):
    answers: tuple[str, str]
    op: Literal["eq", "ne", "gt", "ge", "lt", "le"]

    def build(self) -> rt.PairTest:
        return rt.PairTest(self.answers, self.op)


class VerdictTestSpec(_Spec):
    topic: str
    in_: list[Verdict] = Field(alias="in", min_length=1)

    def build(self) -> rt.VerdictTest:
        return rt.VerdictTest(self.topic, list(self.in_))


class AllOfSpec(_Spec):
    all: list[ConditionSpec] = Field(min_length=1)

    def build(self) -> rt.AllOf:
        return rt.AllOf([child.build() for child in self.all])


class AnyOfSpec(_Spec):
    any: list[ConditionSpec] = Field(min_length=1)

    def build(self) -> rt.AnyOf:
        return rt.AnyOf([child.build() for child in self.any])


class NotSpec(_Spec):
    not_: ConditionSpec = Field(alias="not")

    def build(self) -> rt.Not:
        return rt.Not(self.not_.build())


class AlwaysSpec(_Spec):
    always: Literal[True]

    def build(self) -> rt.Always:
        return rt.Always()


CONDITION_TAGS = ("all", "any", "not", "answer", "answers", "topic", "always")


def _kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((key for key in CONDITION_TAGS if key in value), None)
    return None


ConditionSpec = Annotated[
    Union[  # noqa: UP007 - pydantic needs the Union spelled out to tag its members
        Annotated[AllOfSpec, Tag("all")],
        Annotated[AnyOfSpec, Tag("any")],
        Annotated[NotSpec, Tag("not")],
        Annotated[AnswerTestSpec, Tag("answer")],
        Annotated[PairTestSpec, Tag("answers")],
        Annotated[VerdictTestSpec, Tag("topic")],
        Annotated[AlwaysSpec, Tag("always")],
    ],
    Discriminator(
        _kind,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with one of: " + ", ".join(CONDITION_TAGS),
    ),
]

for _recursive in (AllOfSpec, AnyOfSpec, NotSpec):
    _recursive.model_rebuild()


# -- knowledge items ------------------------------------------------------------------------


class ReferenceSpec(_Spec):
    section: Text | None = None
    title: Text | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https://")] | None = None

    @model_validator(mode="after")
    def _something_to_cite(self) -> ReferenceSpec:
        if not self.section and not (self.title and self.url):
            raise ValueError("a reference names a 'section', or a 'title' with a 'url'")
        return self

    def build(self) -> model.Reference:
        return model.Reference(self.section, self.title, self.url)


def _refs(references: list[ReferenceSpec]) -> list[model.Reference]:
    return [ref.build() for ref in references]


class ChoiceSpec(_Spec):
    value: Id
    label: Text
    help: str = ""

    def build(self) -> model.Choice:
        return model.Choice(self.value, self.label, self.help)


class QuestionSpec(_Spec):
    id: Id
    section: Text
    type: Literal["int", "bool", "enum"]
    title: Text
    help: Text
    example: str = ""
    choices: list[ChoiceSpec] = []
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    visible_when: ConditionSpec | None = None
    references: list[ReferenceSpec] = []

    @model_validator(mode="after")
    def _domain_fits_type(self) -> QuestionSpec:
        if self.type == "enum" and len(self.choices) < 2:
            raise ValueError("an enum question needs at least two choices")
        if self.type != "enum" and self.choices:
            raise ValueError(f"a {self.type} question has no choices")
        if self.type != "int" and (self.minimum is not None or self.maximum is not None):
            raise ValueError("only int questions have a minimum or maximum")
        values = [c.value for c in self.choices]
        if len(set(values)) != len(values):
            raise ValueError("choices repeat a value")
        return self

    def build(self) -> model.Question:
        return model.Question(
            id=self.id, section=self.section, type=self.type, title=self.title,
            help=self.help, example=self.example, choices=[c.build() for c in self.choices],
            minimum=self.minimum, maximum=self.maximum, unit=self.unit,
            visible_when=self.visible_when.build() if self.visible_when else None,
            references=_refs(self.references),
        )  # fmt: skip


class FallbackSpec(_Spec):
    verdict: Verdict
    summary: Text


class TopicSpec(_Spec):
    id: Id
    title: Text
    question: Text
    description: Text
    adopt: Text
    alternative: Text
    pros: list[Text] = []
    cons: list[Text] = []
    confirmation: list[Text] = []
    default: FallbackSpec
    references: list[ReferenceSpec] = []

    def build(self) -> model.Topic:
        return model.Topic(
            id=self.id, title=self.title, question=self.question,
            description=self.description, adopt=self.adopt, alternative=self.alternative,
            pros=list(self.pros), cons=list(self.cons), confirmation=list(self.confirmation),
            default=model.Fallback(self.default.verdict, self.default.summary),
            references=_refs(self.references),
        )  # fmt: skip


class RuleSpec(_Spec):
    id: RuleId
    topic: Id
    verdict: Verdict
    strength: Strength = "normal"
    when: ConditionSpec
    summary: Text
    rationale: Text
    references: list[ReferenceSpec] = Field(min_length=1)
    replaces: bool = False

    def build(self) -> model.Rule:
        return model.Rule(
            id=self.id, topic=self.topic, verdict=self.verdict, strength=self.strength,
            when=self.when.build(), summary=self.summary, rationale=self.rationale,
            references=_refs(self.references), replaces=self.replaces,
        )  # fmt: skip


class RedFlagSpec(_Spec):
    id: Id
    title: Text
    why: Text
    mitigation: Text
    when: ConditionSpec
    references: list[ReferenceSpec] = Field(min_length=1)
    replaces: bool = False

    def build(self) -> model.RedFlag:
        return model.RedFlag(
            id=self.id, title=self.title, why=self.why, mitigation=self.mitigation,
            when=self.when.build(), references=_refs(self.references), replaces=self.replaces,
        )  # fmt: skip


class KnowledgeFileSpec(_Spec):
    """One YAML file of a knowledge folder; any file may hold any of these lists."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$")] | None = None
    version: Text | None = None
    description: str = ""
    questions: list[QuestionSpec] = []
    topics: list[TopicSpec] = []
    rules: list[RuleSpec] = []
    red_flags: list[RedFlagSpec] = []


ITEM_SPECS: dict[str, type[QuestionSpec | TopicSpec | RuleSpec | RedFlagSpec]] = {
    "questions": QuestionSpec,
    "topics": TopicSpec,
    "rules": RuleSpec,
    "red_flags": RedFlagSpec,
}
"""Each list of a knowledge file and the spec of its items, for salvaging valid items."""
