"""What would change the decision: the smallest changes of answers that give another verdict.

For every topic we look for single answers whose change gives a different verdict, and only
when there is none, pairs of answers. Candidate values come from each question's domain:

* enums: every other choice; bools: the other value;
* ints: one value per *region* the knowledge base's comparisons cut the domain into
  (``regions.int_regions``), the one closest to the current answer, so ``workflow_participants:
  4`` is tried at 3 and 1 (the regions ``2-3`` and ``0-1``), never at every integer;
* unanswered questions: every value, but only for questions the interview would ask given the
  other answers (a hidden question is not a sensible thing to suggest); a question whose
  typical answer the engine assumed is tried at its other values.

Order is deterministic: one change before two, then changes to questions nobody answered (the
ones a team can settle next) before changes to facts already given, then the knowledge base's
question order, then the value closest to the current one. For each question (or pair) and
each resulting verdict only the closest change is kept, and each topic's list is capped
(``LIMIT``).

Cost: a change can only affect topics whose rules, or whose dependencies' rules, read the
changed question, so only those are re-decided (with the compiled rules), and each change is
evaluated once for all topics. ``bench/bench_whatif.py`` measures it against ``evaluate``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import product
from typing import Any

from .compiled import CompiledKnowledge, Snapshot, compiled_for
from .conditions import PairTest
from .engine import assumed_answers
from .knowledge import Knowledge
from .model import Question
from .record import Record
from .regions import Region, int_regions, region_of

LIMIT = 5
"""Counterfactuals listed per topic: enough to revisit a decision, few enough to read."""
BUDGET_PER_RULE = 40
BUDGET_FLOOR = 400_000
"""Work allowed for one search, in rule checks (a topic looked up or judged again counts as a
few): forty per rule of the knowledge, and never less than twice what the bundled example
that needs the most (pairs of changes for several topics) takes. Past it the search stops and
the report says so (``what_if_complete``); the budget counts work, not time, so the same
answers always give the same changes."""

Change = tuple[tuple[str, Any], ...]


class WhatIf(Record):
    """A smallest change of answers that would give ``verdict`` instead of the current one."""

    changes: dict[str, Any]
    verdict: str
    description: str
    """Plain words for the ADR and the TUI: "more than three services join the workflow"."""


class WhatIfSearch:
    """One search over one set of answers; evaluations are shared between topics."""

    def __init__(
        self,
        knowledge: Knowledge,
        answers: Mapping[str, Any],
        verdicts: Mapping[str, str],
        compiled: CompiledKnowledge | None = None,
        assumed: Mapping[str, Any] | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.compiled = compiled or compiled_for(knowledge)
        self.assumed = dict(assumed or {})
        self.given = set(answers)
        self.given_answers = dict(answers)
        # the search starts where the report stands: given answers plus assumed ones
        self.answers = {**answers, **self.assumed}
        self.verdicts = dict(verdicts)
        self.regions = int_regions(knowledge)
        self.paired = _paired_questions(knowledge)
        self._memo: dict[Change, dict[str, str] | None] = {}
        self.evaluations = 0
        # every rule's truth for the answers as they stand: a change re-checks only the rules
        # that read what it changed, and the verdicts still come from the engine's judge
        self.snapshot: Snapshot = self.compiled.snapshot(self.answers, self.assumed)
        size = sum(len(rules) for rules in self.compiled.rules.values())
        self.budget = max(BUDGET_FLOOR, BUDGET_PER_RULE * size)
        self.work = 0
        self.complete = True

    def outcome(self, change: Change) -> dict[str, str] | None:
        """Verdicts after ``change``, or None if the change is not askable or the work budget
        is spent (then ``complete`` turns false)."""
        if change in self._memo:
            return self._memo[change]
        if self.work > self.budget:
            self.complete = False
            return None
        given = {**self.given_answers, **dict(change)}
        # a change can make another typical answer apply (or stop applying), as in the engine
        assumed = assumed_answers(self.knowledge, given)
        changed = {**given, **assumed}
        result: dict[str, str] | None = None
        if not any(self.compiled.hidden(q, changed) for q, _ in change):
            self.evaluations += 1
            result, work = self.compiled.verdicts_after(self.snapshot, changed, assumed)
            self.work += work
        self._memo[change] = result
        return result

    def candidates(self, question_id: str) -> list[tuple[Any, int]]:
        """``(value, distance from the current answer)``, closest first."""
        question = self.knowledge.questions[question_id]
        current = self.answers.get(question_id)
        found: list[tuple[Any, int]] = []
        if question.type == "bool":
            found = [(v, 1) for v in (False, True) if v is not current]
        elif question.type == "enum":
            values = question.values
            here = values.index(current) if current in values else None
            found = [
                (v, abs(i - here) if here is not None else i)
                for i, v in enumerate(values)
                if v != current
            ]
        else:
            found = self._int_candidates(question_id, current)
        return sorted(found, key=lambda item: item[1])

    def _int_candidates(self, question_id: str, current: Any) -> list[tuple[Any, int]]:
        regions = self.regions.get(question_id, [])
        here = region_of(regions, current) if isinstance(current, int) else None
        found: dict[int, int] = {}
        for index, (start, end) in enumerate(regions):
            if (start, end) == here:
                continue
            if current is None:
                found[start] = index
            else:
                value = start if current < start else (end if end is not None else start)
                found[value] = abs(value - current)
        # a comparison between two answers moves with the other answer, not with a constant
        for partner in self.paired.get(question_id, []):
            other = self.answers.get(partner)
            if isinstance(other, int) and current is not None:
                for value in (other - 1, other, other + 1):
                    question = self.knowledge.questions[question_id]
                    if value != current and question.accepts(value):
                        found.setdefault(value, abs(value - current))
        return list(found.items())

    def singles(self) -> dict[str, list[tuple[Change, str]]]:
        found: dict[str, list[tuple[Change, str]]] = {t: [] for t in self.knowledge.topics}
        for question in self._askable(self.knowledge.questions):
            seen: set[tuple[str, str]] = set()
            for value, _ in self.candidates(question):
                change: Change = ((question, value),)
                for topic, verdict in (self.outcome(change) or {}).items():
                    if verdict != self.verdicts[topic] and (topic, verdict) not in seen:
                        seen.add((topic, verdict))
                        found[topic].append((change, verdict))
        return found

    def pairs(self, topic: str, limit: int) -> list[tuple[Change, str]]:
        """Two-answer changes for a topic no single change moves, smallest first."""
        found: list[tuple[Change, str]] = []
        questions = list(self._askable(self.compiled.question_closure.get(topic, [])))
        for i, first in enumerate(questions):
            for second in questions[i + 1 :]:
                seen: set[str] = set()
                combos = sorted(
                    product(self.candidates(first), self.candidates(second)),
                    key=lambda c: (c[0][1] + c[1][1], c[0][1]),
                )
                for (a, _), (b, _) in combos:
                    change: Change = ((first, a), (second, b))
                    verdict = (self.outcome(change) or {}).get(topic)
                    if verdict and verdict != self.verdicts[topic] and verdict not in seen:
                        seen.add(verdict)
                        found.append((change, verdict))
                if len(found) >= limit:
                    return found[:limit]
        return found

    def _askable(self, questions: Any) -> Iterator[str]:
        for question in questions:
            # a list answer (safeguards in place) moves red flags, never a verdict
            if self.knowledge.questions[question].type == "list":
                continue
            if self.compiled.readers.get(question) and not self.compiled.hidden(
                question, self.answers
            ):
                yield question

    def settles_open_question(self, change: Change) -> bool:
        """Whether ``change`` only answers questions nobody answered (assumed ones included)."""
        return all(q not in self.given for q, _ in change)

    def describe(self, change: Change) -> str:
        parts = [self._describe_one(q, v) for q, v in change]
        return "if " + " and ".join(parts)

    def _describe_one(self, question_id: str, value: Any) -> str:
        question = self.knowledge.questions[question_id]
        current = self.answers.get(question_id)
        new = _value_words(question, value)
        if question.type == "int" and question_id not in self.paired:
            region = region_of(self.regions.get(question_id, []), value)
            if region is not None:
                new = _region_words(question, region)
        if question_id in self.assumed:
            now = f"assumed {_value_words(question, current)}"
        elif current is None:
            now = "unanswered"
        else:
            now = _value_words(question, current)
        return f"the answer to “{question.title}” were {new} (now {now})"


def compute_what_if(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    verdicts: Mapping[str, str],
    *,
    limit: int = LIMIT,
    compiled: CompiledKnowledge | None = None,
    assumed: Mapping[str, Any] | None = None,
) -> dict[str, list[WhatIf]]:
    """Topic -> the smallest changes of answers that give another verdict, smallest first."""
    return search_what_if(
        knowledge, answers, verdicts, limit=limit, compiled=compiled, assumed=assumed
    )[0]


def search_what_if(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    verdicts: Mapping[str, str],
    *,
    limit: int = LIMIT,
    compiled: CompiledKnowledge | None = None,
    assumed: Mapping[str, Any] | None = None,
) -> tuple[dict[str, list[WhatIf]], bool]:
    """``compute_what_if`` and whether the search finished within its work budget.

    ``answers`` are the given answers and ``assumed`` the typical ones the engine assumed
    (``engine.assumed_answers``, worked out here when not given); changes that settle an
    open question come first."""
    if assumed is None:
        assumed = assumed_answers(knowledge, answers)
    search = WhatIfSearch(knowledge, answers, verdicts, compiled, assumed)
    singles = search.singles()
    result: dict[str, list[WhatIf]] = {}
    for topic in knowledge.topics:
        ordered = sorted(singles[topic], key=lambda item: not search.settles_open_question(item[0]))
        found = ordered[:limit] or search.pairs(topic, limit)
        result[topic] = [
            WhatIf(dict(change), verdict, search.describe(change)) for change, verdict in found
        ]
    return result, search.complete


def what_if(knowledge: Knowledge, answers: Mapping[str, Any]) -> dict[str, list[WhatIf]]:
    """``compute_what_if`` for callers without an evaluation at hand."""
    from .engine import evaluate  # the engine explains; here only its verdicts are read

    evaluation = evaluate(knowledge, answers)
    return compute_what_if(
        knowledge, answers, evaluation.verdicts, assumed=evaluation.assumed
    )


def _value_words(question: Question, value: Any) -> str:
    if question.type == "enum":
        return f"“{question.label_of(value)}”"
    if question.type == "int" and isinstance(value, int):
        return f"{value:,}{_unit(question, value)}"
    return question.label_of(value)


def _unit(question: Question, count: int) -> str:
    """`` services``, or `` service`` for one of them: descriptions are read as sentences."""
    unit = question.unit
    if count == 1 and unit.isalpha() and unit.endswith("s"):
        unit = unit[:-1]
    return f" {unit}" if unit else ""


def _region_words(question: Question, region: Region) -> str:
    start, end = region
    if end == start:
        return _value_words(question, start)
    if end is None:
        return f"{start:,} or more{_unit(question, 2)}"
    if question.minimum is not None and start <= question.minimum:
        return f"at most {end:,}{_unit(question, end)}"
    return f"{start:,} to {end:,}{_unit(question, 2)}"


def _paired_questions(knowledge: Knowledge) -> dict[str, list[str]]:
    paired: dict[str, list[str]] = {}
    conditions = [r.when for r in knowledge.rules] + [f.when for f in knowledge.red_flags]
    for condition in conditions:
        for node in condition.walk():
            if isinstance(node, PairTest):
                left, right = node.answers
                paired.setdefault(left, []).append(right)
                paired.setdefault(right, []).append(left)
    return paired
