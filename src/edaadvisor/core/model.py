"""Pydantic models of the knowledge base files: questions, topics, rules and red flags.

These are the *shapes*; ``knowledge.py`` loads files into them and checks what one file alone
cannot show (references between files, value domains, dependency cycles).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .conditions import Condition, Verdict

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=96)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

Strength = Literal["weak", "normal", "strong", "decisive"]
STRENGTH_RANK: dict[str, int] = {"weak": 1, "normal": 2, "strong": 3, "decisive": 4}

CAUTION_RANK: dict[str, int] = {
    "recommend": 0,
    "consider": 1,
    "advise_against": 2,
    "not_applicable": 3,
}
"""Tie-break between equally strong rules: the more cautious verdict wins."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Reference(_Strict):
    """A section of the principles document, or a public source with its address."""

    section: Text | None = None
    title: Text | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https://")] | None = None

    @model_validator(mode="after")
    def _something_to_cite(self) -> Reference:
        if not self.section and not (self.title and self.url):
            raise ValueError("a reference names a 'section', or a 'title' with a 'url'")
        return self

    def __str__(self) -> str:
        if self.section:
            return f'principle-event-driven.md, section "{self.section}"'
        return f"{self.title} <{self.url}>"


class Choice(_Strict):
    value: Id
    label: Text
    help: str = ""


class Question(_Strict):
    id: Id
    section: Text
    type: Literal["int", "bool", "enum"]
    title: Text
    help: Text
    example: str = ""
    choices: list[Choice] = []
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    visible_when: Condition | None = None
    references: list[Reference] = []

    @model_validator(mode="after")
    def _domain_fits_type(self) -> Question:
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

    @property
    def values(self) -> list[str]:
        return [c.value for c in self.choices]

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` (already parsed from YAML) is in this question's domain."""
        if self.type == "bool":
            return isinstance(value, bool)
        if self.type == "enum":
            return isinstance(value, str) and value in self.values
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        return self.maximum is None or value <= self.maximum

    def domain_text(self) -> str:
        """What is allowed, in words: used in every error message about this question."""
        if self.type == "bool":
            return "true or false"
        if self.type == "enum":
            return "one of: " + ", ".join(self.values)
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"a whole number of at least {self.minimum}"
        if self.maximum is not None:
            return f"a whole number of at most {self.maximum}"
        return "a whole number"

    def label_of(self, value: Any) -> str:
        """A person's words for an answer: the choice label, yes/no, or the number."""
        if value is None:
            return "unknown"
        if self.type == "bool":
            return "yes" if value else "no"
        if self.type == "enum":
            return next((c.label for c in self.choices if c.value == value), str(value))
        return f"{value:,}{' ' + self.unit if self.unit else ''}"


class Fallback(_Strict):
    verdict: Verdict
    summary: Text


class Topic(_Strict):
    id: Id
    title: Text
    question: Text
    description: Text
    adopt: Text
    alternative: Text
    pros: list[Text] = []
    cons: list[Text] = []
    confirmation: list[Text] = []
    default: Fallback
    references: list[Reference] = []


class Rule(_Strict):
    id: RuleId
    topic: Id
    verdict: Verdict
    strength: Strength = "normal"
    when: Condition
    summary: Text
    rationale: Text
    references: list[Reference] = Field(min_length=1)
    replaces: bool = False

    @property
    def rank(self) -> int:
        return STRENGTH_RANK[self.strength]


class RedFlag(_Strict):
    id: Id
    title: Text
    why: Text
    mitigation: Text
    when: Condition
    references: list[Reference] = Field(min_length=1)
    replaces: bool = False


class KnowledgeFile(_Strict):
    """One YAML file of a knowledge folder; any file may hold any of these lists."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$")] | None = None
    version: Text | None = None
    description: str = ""
    questions: list[Question] = []
    topics: list[Topic] = []
    rules: list[Rule] = []
    red_flags: list[RedFlag] = []
