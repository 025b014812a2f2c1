"""The knowledge base at run time: questions, topics, rules and red flags as plain dataclasses.

``schema.py`` validates the YAML files with pydantic and builds these; ``knowledge.py`` checks
what one file alone cannot show (references between files, value domains, cycles). Plain
frozen dataclasses keep the engine's hot path free of pydantic and make the compiled knowledge
cheap to cache.
"""

from __future__ import annotations

from typing import Any, Literal

from .conditions import Condition
from .record import Record, field

Strength = Literal["weak", "normal", "strong", "decisive"]
STRENGTH_RANK: dict[str, int] = {"weak": 1, "normal": 2, "strong": 3, "decisive": 4}

CAUTION_RANK: dict[str, int] = {
    "recommend": 0,
    "consider": 1,
    "advise_against": 2,
    "not_applicable": 3,
}
"""Tie-break between equally strong rules: the more cautious verdict wins."""


class Reference(Record):
    """A section of the principles document, or a public source with its address."""

    section: str | None = None
    title: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        if self.section:
            return f'docs/principles.md, section "{self.section}"'
        return f"{self.title} <{self.url}>"


class Choice(Record):
    value: str
    label: str
    help: str = ""


class Question(Record):
    id: str
    section: str
    type: Literal["int", "bool", "enum", "list"]
    title: str
    help: str
    example: str = ""
    choices: list[Choice] = field(default_factory=list)
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    visible_when: Condition | None = None
    references: list[Reference] = field(default_factory=list)
    typical: Any = None
    """The answer assumed when none is given, where one answer is far more likely than the
    rest (a stated lean, never a silent default); None when no lean is honest."""
    short: str = ""
    """A few words naming the question inside a sentence ("the need to replay events")."""

    @property
    def values(self) -> list[str]:
        return [c.value for c in self.choices]

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` (already parsed from YAML) is in this question's domain."""
        if self.type == "bool":
            return isinstance(value, bool)
        if self.type == "enum":
            return isinstance(value, str) and value in self.values
        if self.type == "list":
            return (
                isinstance(value, list | tuple)
                and all(isinstance(v, str) and v in self.values for v in value)
                and len(set(value)) == len(value)
            )
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
        if self.type == "list":
            return "a list of: " + ", ".join(self.values)
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"a whole number of at least {self.minimum}"
        if self.maximum is not None:
            return f"a whole number of at most {self.maximum}"
        return "a whole number"

    @property
    def words(self) -> str:
        """How a sentence names this question: its ``short`` text, else its title."""
        return self.short or self.title.rstrip("?")

    def label_of(self, value: Any) -> str:
        """A person's words for an answer: the choice label, yes/no, or the number."""
        if value is None:
            return "unknown"
        if self.type == "bool":
            return "yes" if value else "no"
        if self.type == "enum":
            return next((c.label for c in self.choices if c.value == value), str(value))
        if self.type == "list":
            if not value:
                return "none"
            labels = {c.value: c.label for c in self.choices}
            return ", ".join(labels.get(v, str(v)) for v in value)
        unit = self.unit
        if value == 1 and unit.isalpha() and unit.endswith("s"):
            unit = unit[:-1]  # "1 service", read as a sentence
        return f"{value:,}{' ' + unit if unit else ''}"


class Fallback(Record):
    verdict: str
    summary: str


class Requirement(Record):
    """A topic that only makes sense while one of ``topics`` is adopted or still open."""

    topics: list[str]
    unless: str
    """The condition in words, for conditional advice: "if you publish events anyway"."""


class Topic(Record):
    id: str
    title: str
    question: str
    description: str
    adopt: str
    alternative: str
    default: Fallback
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)
    confirmation: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    requires: list[Requirement] = field(default_factory=list)
    applies_when: Condition | None = None
    """Where this is false the topic does not arise: the engine decides it not applicable."""
    not_applicable: str = ""
    """Why the topic does not arise when ``applies_when`` is false, as a summary."""


class Rule(Record, eq=False):
    id: str
    topic: str
    verdict: str
    when: Condition
    summary: str
    rationale: str
    references: list[Reference]
    strength: str = "normal"
    replaces: bool = False
    declared: bool = False
    """Made by the loader from a topic's ``applies_when``, not written as a rule."""

    @property
    def rank(self) -> int:
        return STRENGTH_RANK[self.strength]


class RedFlag(Record, eq=False):
    id: str
    title: str
    why: str
    mitigation: str
    when: Condition
    references: list[Reference]
    replaces: bool = False
    safeguard: str | None = None
    """The safeguard that answers this flag: once in place, the flag becomes a check."""


class Conflict(Record, eq=False):
    """Answers that contradict each other: the file is valid, but one of them is wrong."""

    id: str
    when: Condition
    message: str
    """What contradicts what; ``{question_id}`` is replaced by that answer in words."""
    replaces: bool = False


class Broker(Record):
    """What one broker (a choice of the ``broker`` question) offers, for capability tests."""

    id: str
    has: list[str]
    note: str = ""
    replaces: bool = False
