"""Pydantic models of the knowledge-base files: the shapes every YAML file is validated against.

Validation happens here, once, when a knowledge folder is first read (or has changed); each
spec then ``build()``s the plain runtime object of ``model.py`` / ``conditions.py`` that the
engine uses and that the compiled-knowledge cache stores. Keeping pydantic on this cold path
is what lets ``--format json`` run without importing pydantic's model machinery.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationError,
    model_validator,
)

from . import conditions as rt
from . import model
from .conditions import COMPARISONS, Scalar, Verdict, attr_name
from .document import YamlDocument
from .errors import Problem
from .terminal import terminal_safe

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=96)]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    # a pack's words reach terminals, the TUI and ADRs: terminal controls never survive loading
    AfterValidator(terminal_safe),
]
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
    contains: Id | None = None

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
            self.gt, self.ge, self.lt, self.le, self.known, self.contains,
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


class CapabilityTestSpec(_Spec):
    capability: Id

    def build(self) -> rt.CapabilityTest:
        # bound to the broker table once every layer is loaded (knowledge.py)
        return rt.CapabilityTest(self.capability)


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


CONDITION_TAGS = ("all", "any", "not", "answer", "answers", "topic", "capability", "always")


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
        Annotated[CapabilityTestSpec, Tag("capability")],
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
    # http(s) only, and nothing that could close the Markdown link it becomes: a pack's
    # "https://x)[a](javascript:..." must not turn into a second link
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s()<>\[\]\"'`\\]+$")] | None = None

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
    type: Literal["int", "bool", "enum", "list"]
    title: Text
    help: Text
    example: str = ""
    choices: list[ChoiceSpec] = []
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    visible_when: ConditionSpec | None = None
    references: list[ReferenceSpec] = []
    typical: Scalar | None = None
    short: str = ""

    @model_validator(mode="after")
    def _domain_fits_type(self) -> QuestionSpec:
        if self.type in ("enum", "list") and len(self.choices) < 2:
            raise ValueError(f"an {self.type} question needs at least two choices")
        if self.type not in ("enum", "list") and self.choices:
            raise ValueError(f"a {self.type} question has no choices")
        if self.type != "int" and (self.minimum is not None or self.maximum is not None):
            raise ValueError("only int questions have a minimum or maximum")
        values = [c.value for c in self.choices]
        if len(set(values)) != len(values):
            raise ValueError("choices repeat a value")
        if self.typical is not None and not self.build_plain().accepts(self.typical):
            raise ValueError(f"typical {self.typical!r} is not an answer to this question")
        if self.typical is not None and self.type == "list":
            raise ValueError("a list question has no typical answer")
        return self

    def build_plain(self) -> model.Question:
        """The question without its references and visibility: enough to check a value."""
        return model.Question(
            id=self.id, section=self.section, type=self.type, title=self.title, help=self.help,
            choices=[c.build() for c in self.choices], minimum=self.minimum,
            maximum=self.maximum,
        )  # fmt: skip

    def build(self) -> model.Question:
        return model.Question(
            id=self.id, section=self.section, type=self.type, title=self.title,
            help=self.help, example=self.example, choices=[c.build() for c in self.choices],
            minimum=self.minimum, maximum=self.maximum, unit=self.unit,
            visible_when=self.visible_when.build() if self.visible_when else None,
            references=_refs(self.references), typical=self.typical, short=self.short,
        )  # fmt: skip


class RequirementSpec(_Spec):
    topics: list[Id] = Field(min_length=1)
    unless: Text

    def build(self) -> model.Requirement:
        return model.Requirement(list(self.topics), self.unless)


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
    requires: list[RequirementSpec] = []
    applies_when: ConditionSpec | None = None
    not_applicable: str = ""

    @model_validator(mode="after")
    def _applicability_explained(self) -> TopicSpec:
        if (self.applies_when is None) != (not self.not_applicable):
            raise ValueError("'applies_when' and 'not_applicable' (its summary) go together")
        return self

    def build(self) -> model.Topic:
        return model.Topic(
            id=self.id, title=self.title, question=self.question,
            description=self.description, adopt=self.adopt, alternative=self.alternative,
            pros=list(self.pros), cons=list(self.cons), confirmation=list(self.confirmation),
            default=model.Fallback(self.default.verdict, self.default.summary),
            references=_refs(self.references), requires=[r.build() for r in self.requires],
            applies_when=self.applies_when.build() if self.applies_when else None,
            not_applicable=self.not_applicable,
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
    safeguard: Id | None = None

    def build(self) -> model.RedFlag:
        return model.RedFlag(
            id=self.id, title=self.title, why=self.why, mitigation=self.mitigation,
            when=self.when.build(), references=_refs(self.references), replaces=self.replaces,
            safeguard=self.safeguard,
        )  # fmt: skip


class ConflictSpec(_Spec):
    id: Id
    when: ConditionSpec
    message: Text
    replaces: bool = False

    def build(self) -> model.Conflict:
        return model.Conflict(self.id, self.when.build(), self.message, self.replaces)


class BrokerSpec(_Spec):
    id: Id
    has: list[Id]
    note: str = ""
    replaces: bool = False

    def build(self) -> model.Broker:
        return model.Broker(self.id, list(self.has), self.note, self.replaces)


class KnowledgeFileSpec(_Spec):
    """One YAML file of a knowledge folder; any file may hold any of these lists."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$")] | None = None
    version: Text | None = None
    description: str = ""
    questions: list[QuestionSpec] = []
    topics: list[TopicSpec] = []
    rules: list[RuleSpec] = []
    red_flags: list[RedFlagSpec] = []
    conflicts: list[ConflictSpec] = []
    brokers: list[BrokerSpec] = []


ITEM_SPECS: dict[
    str, type[QuestionSpec | TopicSpec | RuleSpec | RedFlagSpec | ConflictSpec | BrokerSpec]
] = {
    "questions": QuestionSpec,
    "topics": TopicSpec,
    "rules": RuleSpec,
    "red_flags": RedFlagSpec,
    "conflicts": ConflictSpec,
    "brokers": BrokerSpec,
}
"""Each list of a knowledge file and the spec of its items, for salvaging valid items."""
ITEM_KINDS = tuple(ITEM_SPECS)


# -- validating one file -------------------------------------------------------------------


def validate_file(
    doc: YamlDocument, problems: list[Problem]
) -> tuple[KnowledgeFileSpec | None, list[tuple[str, int, Any]]]:
    """The file's metadata and its valid items as ``(kind, index, item)``.

    When the file breaks the schema every error is reported, and the items that are valid on
    their own are still returned: the loader refuses the whole knowledge anyway, but the linter
    can go on analysing the rest. Items come back built: runtime objects, not specs.
    """
    if not isinstance(doc.data, dict):
        problems.append(
            Problem(
                "a knowledge file is a mapping of questions, topics, rules, red_flags",
                doc.source,
                line=1,
            )
        )
        return None, []
    try:
        parsed = KnowledgeFileSpec.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors():
            path = tuple(p for p in err["loc"] if isinstance(p, str | int))
            path = _trim_union_tags(path)
            label = _item_label(doc.data, path)
            problems.append(Problem(f"{label}{err['msg']}", doc.source, path, doc.line_of(path)))
        return _salvage(doc.data)
    kept = [
        (kind, i, item.build())
        for kind in ITEM_KINDS
        for i, item in enumerate(getattr(parsed, kind))
    ]
    return parsed, kept


def _salvage(data: dict[str, Any]) -> tuple[KnowledgeFileSpec | None, list[tuple[str, int, Any]]]:
    kept: list[tuple[str, int, Any]] = []
    for kind, spec in ITEM_SPECS.items():
        raw = data.get(kind)
        for index, item in enumerate(raw if isinstance(raw, list) else []):
            try:
                kept.append((kind, index, spec.model_validate(item).build()))
            except ValidationError:
                continue
    meta = {k: data[k] for k in ("name", "version", "description") if k in data}
    try:
        return KnowledgeFileSpec.model_validate(meta), kept
    except ValidationError:
        return None, kept


def _trim_union_tags(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    tags = set(CONDITION_TAGS)
    kept: list[str | int] = []
    for part in path:
        # pydantic puts the chosen union member's tag in the location; the file has no such key
        if (
            isinstance(part, str)
            and part in tags
            and kept
            and kept[-1] != part
            and (
                kept[-1] in ("when", "visible_when", "applies_when", "not")
                or isinstance(kept[-1], int)
            )
        ):
            continue
        kept.append(part)
    return tuple(kept)


def _item_label(data: dict[str, Any], path: tuple[str | int, ...]) -> str:
    """``(rule saga.orchestrate) `` when the error sits inside an item with an id."""
    if len(path) >= 2 and path[0] in ITEM_KINDS and isinstance(path[1], int):
        items = data.get(str(path[0]))
        if isinstance(items, list) and path[1] < len(items) and isinstance(items[path[1]], dict):
            item_id = items[path[1]].get("id")
            if item_id is not None:
                kind = str(path[0]).rstrip("s").replace("_", " ")
                return f"({kind} {item_id}) "
    return ""
