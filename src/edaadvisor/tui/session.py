"""The interview's state, without any user interface: answers, "don't know", position, visibility.

The screens only display and edit an :class:`Interview`; every decision about which questions
are visible, which answers survive, and what the verdicts are comes from the knowledge base
through the core (``conditions`` for visibility, ``engine.evaluate`` for verdicts). Keeping it
free of Textual lets the benchmark and the tests drive it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.answers import AdrMeta, AnswersFile, parse_answers_document, validate_answers
from ..core.bounds import too_large
from ..core.document import YamlDocument
from ..core.engine import Evaluation, evaluate
from ..core.errors import InputError
from ..core.knowledge import Knowledge
from ..core.model import Question

if TYPE_CHECKING:
    from ..core.whatif import WhatIf


@dataclass
class Interview:
    """Answers given so far and where the user is; the single source of truth for the screens."""

    knowledge: Knowledge
    answers: dict[str, Any] = field(default_factory=dict)
    dont_know: set[str] = field(default_factory=set)
    """Questions the user explicitly left open (saved files simply omit them)."""
    project: str | None = None
    adr: AdrMeta = field(default_factory=AdrMeta)
    source: str | None = None
    """The answers file the interview started from, if any."""
    current: str = ""

    def __post_init__(self) -> None:
        self.prune()
        if self.current not in self.visible_ids():
            self.current = self.first_open() or self.visible_ids()[0]

    @classmethod
    def from_answers_file(cls, knowledge: Knowledge, answers_file: AnswersFile | None) -> Interview:
        if answers_file is None:
            return cls(knowledge)
        return cls(
            knowledge,
            answers=dict(answers_file.answers),
            project=answers_file.project,
            adr=answers_file.adr,
            source=answers_file.source,
        )

    # -- visibility ---------------------------------------------------------------------------

    def is_visible(self, question: Question, answers: Mapping[str, Any] | None = None) -> bool:
        """Visible unless its condition is definitely false: "don't know" keeps a question."""
        if question.visible_when is None:
            return True
        given = self.answers if answers is None else answers
        return question.visible_when.evaluate(given, {}) is not False

    def visible(self) -> list[Question]:
        return [q for q in self.knowledge.questions.values() if self.is_visible(q)]

    def visible_ids(self) -> list[str]:
        return [q.id for q in self.visible()]

    def prune(self) -> list[str]:
        """Drop answers to questions an earlier answer hides; returns the ids dropped.

        Questions are walked in order because visibility only reads earlier questions, so one
        pass settles chains (a hidden question cannot keep a later one visible).
        """
        dropped: list[str] = []
        for question in self.knowledge.questions.values():
            if self.is_visible(question):
                continue
            if question.id in self.answers:
                del self.answers[question.id]
                dropped.append(question.id)
            if question.id in self.dont_know:
                self.dont_know.discard(question.id)
                dropped.append(question.id)
        return dropped

    # -- answering ----------------------------------------------------------------------------

    @property
    def question(self) -> Question:
        return self.knowledge.questions[self.current]

    def set_answer(self, question_id: str, value: Any) -> list[str]:
        """Record ``value`` (raises ``InputError`` outside its domain); returns answers dropped."""
        validate_answers({question_id: value}, self.knowledge, source="answer")
        self.answers[question_id] = value
        self.dont_know.discard(question_id)
        return self.prune()

    def set_dont_know(self, question_id: str) -> list[str]:
        self.answers.pop(question_id, None)
        self.dont_know.add(question_id)
        return self.prune()

    def is_done(self, question_id: str) -> bool:
        return question_id in self.answers or question_id in self.dont_know

    def progress(self) -> tuple[int, int]:
        """(answered or marked "don't know", visible)."""
        ids = self.visible_ids()
        return sum(1 for q in ids if self.is_done(q)), len(ids)

    def first_open(self) -> str | None:
        return next((q for q in self.visible_ids() if not self.is_done(q)), None)

    # -- moving -------------------------------------------------------------------------------

    def next_id(self) -> str | None:
        ids = self.visible_ids()
        index = ids.index(self.current) if self.current in ids else -1
        return ids[index + 1] if index + 1 < len(ids) else None

    def previous_id(self) -> str | None:
        ids = self.visible_ids()
        index = ids.index(self.current) if self.current in ids else 0
        return ids[index - 1] if index > 0 else None

    def position(self) -> tuple[int, int]:
        """1-based position of the current question among the visible ones."""
        ids = self.visible_ids()
        return (ids.index(self.current) + 1 if self.current in ids else 1), len(ids)

    def go_to(self, question_id: str) -> None:
        if question_id not in self.visible_ids():
            raise KeyError(question_id)
        self.current = question_id

    # -- results ------------------------------------------------------------------------------

    def evaluate(self) -> Evaluation:
        return evaluate(self.knowledge, self.answers)

    def what_if(self, evaluation: Evaluation) -> dict[str, list[WhatIf]]:
        """The smallest answer changes that would move each verdict (the core's search)."""
        return self.what_if_search(evaluation)()

    def what_if_search(self, evaluation: Evaluation) -> Callable[[], dict[str, list[WhatIf]]]:
        """The search for ``evaluation`` as a call that reads nothing the interview changes
        later (a copy of the answers), so it can run in a thread while the user answers on."""
        # imported on first use: the first question should not wait for it
        from ..core.whatif import compute_what_if

        knowledge, answers = self.knowledge, dict(self.answers)

        def search() -> dict[str, list[WhatIf]]:
            return compute_what_if(
                knowledge, answers, evaluation.verdicts, assumed=evaluation.assumed
            )

        return search

    def answers_file(self) -> AnswersFile:
        """What ``--answers`` would read: the same answers give the same ADR."""
        ordered = {q: self.answers[q] for q in self.knowledge.questions if q in self.answers}
        return AnswersFile(
            answers=ordered,
            project=self.project or None,
            adr=self.adr,
            source=self.source or "<interview>",
        )

    # -- persistence --------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        return {
            "knowledge_digest": self.knowledge.digest,
            "source": self.source,
            "project": self.project,
            "adr": self.adr.to_data(),
            "answers": dict(self.answers),
            "dont_know": sorted(self.dont_know),
            "current": self.current,
        }

    @classmethod
    def from_state(cls, knowledge: Knowledge, data: Mapping[str, Any]) -> tuple[Interview, int]:
        """Rebuild from a state file; answers the knowledge no longer accepts are dropped.

        Returns the interview and how many saved answers were dropped, so the caller can say so.
        """
        raw = data.get("answers")
        raw_answers = raw if isinstance(raw, dict) else {}
        kept = {
            q: v
            for q, v in raw_answers.items()
            if q in knowledge.questions
            and not too_large(v)
            and knowledge.questions[q].accepts(v)
        }
        raw_dk = data.get("dont_know")
        listed = raw_dk if isinstance(raw_dk, list) else []
        dont_know = {q for q in listed if isinstance(q, str) and q in knowledge.questions}
        try:
            adr = AdrMeta.from_data(data.get("adr") or {})
        except ValueError:
            adr = AdrMeta()
        project = data.get("project")
        if project is not None and not _valid_project(project, knowledge):
            project = None  # a state file edited by hand: the answers file would refuse it
        source = data.get("source")
        current = data.get("current")
        interview = cls(
            knowledge,
            answers=kept,
            dont_know=dont_know - set(kept),
            project=project if isinstance(project, str) else None,
            adr=adr,
            source=source if isinstance(source, str) else None,
            current=current if isinstance(current, str) else "",
        )
        return interview, len(raw_answers) - len(interview.answers)


def _valid_project(project: Any, knowledge: Knowledge) -> bool:
    """``project`` as ``--answers`` would accept it: the core's own validation decides."""
    doc = YamlDocument({"version": 1, "project": project, "answers": {}}, "<state>")
    try:
        parse_answers_document(doc, knowledge)
    except InputError:
        return False
    return True
