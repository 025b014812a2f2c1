"""What would change the decision: the smallest changes of answers that give another verdict.

For every topic we look for single answers whose change gives a different verdict, and only
when there is none, pairs of answers. Candidate values come from each question's domain:

* enums: every other choice; bools: the other value;
* ints: one value per *region* the knowledge base's comparisons cut the domain into
  (``regions.int_regions``), the one closest to the current answer, so ``workflow_participants:
  4`` is tried at 3 and 1 (the regions ``2-3`` and ``0-1``), never at every integer;
* unanswered questions: every value, but only for questions the interview would ask given the
  other answers (a hidden question is not a sensible thing to suggest); a question whose
  typical answer the engine assumed is tried at its other values;
* of values that every test of the knowledge treats alike (brokers with the same
  capabilities, say), only the closest: they would give the same verdicts.

Order is deterministic: one change before two, then changes to questions nobody answered (the
ones a team can settle next) before changes to facts already given, then the knowledge base's
question order, then the value closest to the current one. For each question (or pair) and
each resulting verdict only the closest change is kept, and each topic's list is capped
(``LIMIT``).

Cost: a change can only affect topics whose rules, or whose dependencies' rules, read the
changed question, so only those are re-decided (with the compiled rules), and each change is
evaluated once for all topics. Pairs are not tried as a product of every value of every two
questions: ``pairfinder`` finds the few that can move a topic from what the one-answer changes
reached, ``pairjudge`` works out a pair's verdict from what each change did alone, and
``steady`` skips topics no pair can move. The whole search is bounded by a work budget
(``BUDGET_PER_EVALUATION``). ``bench/bench_whatif.py`` measures it against
``evaluate``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from weakref import WeakKeyDictionary

from .compiled import (
    Check,
    CompiledKnowledge,
    Effect,
    Snapshot,
    compile_condition,
    compiled_for,
    judging_work,
)
from .conditions import (
    BROKER_QUESTION,
    AnswerTest,
    CapabilityTest,
    PairTest,
)
from .engine import assumed_answers
from .knowledge import Knowledge
from .model import Question
from .pairjudge import UNKNOWN, judge_pair
from .record import Record
from .regions import Region, int_regions, region_of

if TYPE_CHECKING:
    from .pairfinder import PairCandidates

_UNKNOWN: Any = UNKNOWN

LIMIT = 5
"""Counterfactuals listed per topic: enough to revisit a decision, few enough to read."""
BUDGET_PER_EVALUATION = 40
"""Work allowed for one search, in rule checks (judging a topic again counts a third of a
check per rule, weighing a pair of values one): 40 times what the evaluation itself judges
(``evaluation_work``), about twice what the bundled answers that need the most take. Past it
the search stops and the report says so (``what_if_complete``); the budget counts work, not
time, so the same answers always give the same changes."""

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
        facts = _facts(self.compiled)
        self.regions = facts.regions
        self.paired = facts.paired
        self._leaves = facts.leaves
        self._memo: dict[Change, dict[str, str] | None] = {}
        self._effects: dict[Change, Effect] = {}
        self._pairs: dict[tuple[Change, Change], Any] = {}
        """Pairs of one-answer changes -> what they give together (``pairjudge``)."""
        self._partial: dict[tuple[Change, frozenset[str]], dict[str, str] | None] = {}
        self.pair_scope: frozenset[str] | None = None
        self._steady: frozenset[str] | None = None
        self._reaches: dict[Any, Any] = {}
        """What a one-answer change does to a topic (``pairfinder``), kept for every topic."""
        self._candidates: dict[str, list[tuple[Any, int]]] = {}
        # answers that decide whether a typical answer is assumed: changing one of them can
        # move other answers too, so changes of them are never assumed to add up
        self._entangled = facts.entangled
        self.evaluations = 0
        # every rule's truth for the answers as they stand: a change re-checks only the rules
        # that read what it changed, and the verdicts still come from the engine's judge
        self.snapshot: Snapshot = self.compiled.snapshot(self.answers, self.assumed)
        self.budget = BUDGET_PER_EVALUATION * evaluation_work(self.compiled, self.assumed)
        self.work = 0
        self.complete = True

    def outcome(
        self, change: Change, within: frozenset[str] | None = None
    ) -> dict[str, str] | None:
        """Verdicts after ``change``, or None if the change is not askable or the work budget
        is spent (then ``complete`` turns false). With ``within``, only those topics' verdicts
        are worked out (``CompiledKnowledge.effect``)."""
        if change in self._memo:
            return self._memo[change]
        if within is not None and (change, within) in self._partial:
            return self._partial[(change, within)]
        if self.work > self.budget:
            self.complete = False
            return None
        given = {**self.given_answers, **dict(change)}
        # a change can make another typical answer apply (or stop applying), as in the engine
        assumed = self.compiled.assume(given)
        changed = {**given, **assumed}
        result: dict[str, str] | None = None
        if not any(self.compiled.hidden(q, changed) for q, _ in change):
            self.evaluations += 1
            effect = self.compiled.effect(self.snapshot, changed, assumed, within)
            self.work += effect.work
            result = effect.verdicts
            if len(change) == 1 and within is None:
                self._effects[change] = effect
        if within is None:
            self._memo[change] = result
        else:
            self._partial[(change, within)] = result
        return result

    def scope_pairs(self, topics: list[str]) -> None:
        """Before searching pairs for ``topics``: a pair's evaluation then judges only the
        topics these depend on (shared by all of them), not every topic it reaches."""
        scope: set[str] = set()
        for topic in topics:
            if topic not in self.steady():
                scope.update(self.compiled.topic_closure[topic])
        self.pair_scope = frozenset(scope)

    def candidates(self, question_id: str) -> list[tuple[Any, int]]:
        """``(value, distance from the current answer)``, closest first, one value for each
        way the knowledge tells values apart (``_distinct``)."""
        found = self._candidates.get(question_id)
        if found is None:
            found = self._candidates[question_id] = self._distinct(
                question_id, self._find_candidates(question_id)
            )
        return found

    def _distinct(
        self, question_id: str, found: list[tuple[Any, int]]
    ) -> list[tuple[Any, int]]:
        """``found`` without the values every test of the knowledge treats alike.

        Rules, requirements and visibility see an answer only through their tests, so two
        values that pass and fail the same tests give the same verdicts with any other
        answers: only the closest of them is a change worth listing (and the only one listed
        anyway, since equal outcomes keep the closest change). A value the tests cannot tell
        from the current answer changes nothing. Comparing two answers with each other
        depends on the other answer, so a question read that way keeps every value."""
        leaves = self._leaves.get(question_id)
        if leaves is None:  # read by a comparison of two answers
            return found

        def seen_as(value: Any) -> tuple[Any, ...]:
            answer = {question_id: value}
            return tuple(test(answer, {}) for test in leaves)

        taken = {seen_as(self.answers.get(question_id))}
        kept: list[tuple[Any, int]] = []
        for index, (value, distance) in enumerate(found):
            self.work += len(leaves)
            if self.work > self.budget:  # no change past this one will be tried anyway
                self.complete = False
                return kept + found[index:]
            key = seen_as(value)
            if key not in taken:
                taken.add(key)
                kept.append((value, distance))
        return kept

    def _find_candidates(self, question_id: str) -> list[tuple[Any, int]]:
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
        """Two-answer changes for a topic no single change moves, smallest first.

        Only the pairs of values that can move it are tried (``pairfinder``): the one-answer
        changes, already made, tell which rules each of them reaches; a topic no pair can move
        (``steady``) tries none."""
        found: list[tuple[Change, str]] = []
        if topic in self.steady():
            return found
        questions = list(self._askable(self.compiled.question_closure.get(topic, [])))
        worth = self.pair_candidates(topic, questions)
        if worth.stopped:
            self.complete = False
            return found
        for i, first in enumerate(questions):
            for second in questions[i + 1 :]:
                if self.work > self.budget:
                    # every further change would be refused: stop looking (``outcome``)
                    self.complete = False
                    return found[:limit]
                chosen = worth.values(first, second)
                if chosen is None:
                    continue  # no pair of their values can move the topic
                combos = self._combos(first, second, chosen)
                if combos is None:
                    # weighing them would spend the budget: stop before listing them, since
                    # a pack's thresholds can make that list millions long
                    self.complete = False
                    return found[:limit]
                seen: set[str] = set()
                for a, b in combos:
                    one: Change = ((first, a),)
                    two: Change = ((second, b),)
                    change: Change = ((first, a), (second, b))
                    verdict = worth.known.get(change, _UNKNOWN)
                    if verdict is _UNKNOWN:
                        verdict = self.judge_pair(one, two, topic)
                    if verdict is _UNKNOWN:
                        verdict = (self.outcome(change, self.pair_scope) or {}).get(topic)
                    if verdict and verdict != self.verdicts[topic] and verdict not in seen:
                        seen.add(verdict)
                        found.append((change, verdict))
                if len(found) >= limit:
                    return found[:limit]
        return found

    def steady(self) -> frozenset[str]:
        """Topics no pair of changes can move (``steady``), worked out once per search."""
        if self._steady is None:
            # imported on first use, as the pair finder is: every path imports this module,
            # and most answers move every topic with a single change
            from .steady import steady_topics

            self._steady = steady_topics(self)
        return self._steady

    def judge_pair(self, one: Change, two: Change, topic: str) -> Any:
        """``topic``'s verdict after both changes, from what each did alone (``pairjudge``;
        a test's reference search evaluates every pair in full instead)."""
        return judge_pair(self, one, two, topic)

    def pair_candidates(self, topic: str, questions: list[str]) -> PairCandidates:
        """The pairs of values worth trying for ``topic`` (a test's reference search tries
        every pair instead)."""
        from .pairfinder import PairCandidates

        return PairCandidates(self, topic, questions)

    def _combos(
        self, first: str, second: str, chosen: frozenset[Any] | set[tuple[Any, Any]]
    ) -> list[tuple[Any, Any]] | None:
        """The pairs of values to try, closest first (by the sum of their distances, then the
        first one's, then the order of the candidates), or None if listing them would spend
        the budget."""
        from .pairfinder import ALL

        values_a, values_b = self.candidates(first), self.candidates(second)
        size = len(values_a) * len(values_b) if chosen is ALL else len(chosen)
        if self.work + size > self.budget:
            return None
        # weighing a pair costs about a rule check even when it is skipped
        self.work += size
        if chosen is ALL:
            chosen = {(a, b) for a, _ in values_a for b, _ in values_b}
        place_a, place_b = _places(values_a), _places(values_b)
        ranked = []
        for a, b in chosen:
            (index_a, distance_a), (index_b, distance_b) = place_a[a], place_b[b]
            ranked.append(((distance_a + distance_b, distance_a, index_a, index_b), (a, b)))
        ranked.sort(key=lambda item: item[0])
        return [pair for _, pair in ranked]

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
    search.scope_pairs([topic for topic in knowledge.topics if not singles[topic]])
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


def _places(values: list[tuple[Any, int]]) -> dict[Any, tuple[int, int]]:
    """Value -> (its place among the candidates, its distance from the current answer)."""
    return {value: (index, distance) for index, (value, distance) in enumerate(values)}


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


class _Facts(NamedTuple):
    """What the search reads of the knowledge itself, the same for every set of answers."""

    regions: dict[str, list[Region]]
    paired: dict[str, list[str]]
    entangled: frozenset[str]
    leaves: dict[str, list[Check] | None]


_FACTS: WeakKeyDictionary[CompiledKnowledge, _Facts] = WeakKeyDictionary()


def _facts(compiled: CompiledKnowledge) -> _Facts:
    """Worked out once per knowledge base: the TUI searches again after every answer."""
    found = _FACTS.get(compiled)
    if found is None:
        knowledge = compiled.knowledge
        found = _FACTS[compiled] = _Facts(
            int_regions(knowledge),
            _paired_questions(knowledge),
            _entangled_questions(knowledge),
            _leaves_reading(compiled),
        )
    return found


def _leaves_reading(compiled: CompiledKnowledge) -> dict[str, list[Check] | None]:
    """Question -> every test that reads its answer where verdicts are made: the rules (the
    declared ``applies_when`` among them) and the conditions under which a question is asked,
    which also decide where a typical answer is assumed; None for a question that a test
    compares with another answer."""
    conditions = [rule.rule.when for rules in compiled.rules.values() for rule in rules]
    conditions += [
        q.visible_when for q in compiled.knowledge.questions.values() if q.visible_when
    ]
    leaves: dict[str, list[Check] | None] = {}
    for condition in conditions:
        for node in condition.walk():
            if isinstance(node, PairTest):
                for question in node.answers:
                    leaves[question] = None
            elif isinstance(node, AnswerTest | CapabilityTest):
                question = node.answer if isinstance(node, AnswerTest) else BROKER_QUESTION
                tests = leaves.setdefault(question, [])
                if tests is not None:
                    tests.append(compile_condition(node))
    return leaves


def evaluation_work(compiled: CompiledKnowledge, assumed: Mapping[str, Any] | None = None) -> int:
    """What ``evaluate`` judges, in the search's work units (``CompiledKnowledge.effect``):
    every topic once, and each topic's closure again for every assumed answer the topic
    reads, to tell the verdict it would get otherwise (``engine._assumptions``)."""
    judging = {t: len(rules) + judging_work(len(rules)) for t, rules in compiled.rules.items()}
    work = sum(judging.values())
    for topic in compiled.rules:
        reading = sum(1 for q in compiled.question_closure[topic] if q in (assumed or {}))
        if reading:
            work += reading * sum(judging[member] for member in compiled.topic_closure[topic])
    return work


def _entangled_questions(knowledge: Knowledge) -> frozenset[str]:
    """Answers read by the condition under which a typical answer is assumed."""
    found: set[str] = set()
    for question in knowledge.questions.values():
        if question.typical is not None and question.visible_when is not None:
            found.update(question.visible_when.questions())
    return frozenset(found)
