"""The engine: a pure, deterministic function of (knowledge, answers) to decisions and red flags.

How conflicting rules resolve, for each topic:

1. Every rule of the topic is evaluated in three-valued logic; it *fires* when its condition is
   definitely true.
2. Among fired rules the strongest strength wins (``decisive`` > ``strong`` > ``normal`` >
   ``weak``).
3. Equally strong rules that disagree resolve to the most cautious verdict
   (``not_applicable`` > ``advise_against`` > ``consider`` > ``recommend``): a tool that
   cannot make up its mind should not talk a team into machinery.
4. When nothing fires, the topic's own fallback verdict stands.

Every rule that would have beaten the winner had its condition been decidable names the
missing answers it needed: those are the questions that could still change the decision.
Topics are evaluated in dependency order, because a rule may test another topic's verdict.
A topic that only fell back for want of answers is *undecided*: a test of its verdict is
unknown, so no rule builds on a verdict that nothing decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .conditions import Undecided
from .knowledge import Knowledge
from .model import CAUTION_RANK, RedFlag, Rule, Topic
from .record import Record, field


class Finding(Record):
    """A rule that fired, with the answers and verdicts it read."""

    rule: Rule
    answers: dict[str, Any]
    verdicts: dict[str, str]


class Decision(Record):
    topic: Topic
    verdict: str
    summary: str
    strength: str | None
    """The deciding rules' strength; None when the topic's fallback stands."""
    deciding: list[Finding]
    overridden: list[Finding]
    unknown: list[str]
    """Unanswered questions whose answers could change this verdict."""

    @property
    def undecided(self) -> bool:
        """The fallback stands only for want of answers that could still settle it."""
        return self.strength is None and bool(self.unknown)

    @property
    def rules(self) -> list[str]:
        return [f.rule.id for f in self.deciding]

    @property
    def answers(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for finding in self.deciding:
            merged.update(finding.answers)
        return merged

    @property
    def verdicts_read(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for finding in self.deciding:
            merged.update(finding.verdicts)
        return merged


class FlagHit(Record):
    flag: RedFlag
    answers: dict[str, Any]
    verdicts: dict[str, str]


class PossibleFlag(Record):
    """A red flag that may apply once the listed questions are answered."""

    flag: RedFlag
    unknown: list[str]


class Evaluation(Record):
    decisions: dict[str, Decision]
    red_flags: list[FlagHit]
    possible_red_flags: list[PossibleFlag] = field(default_factory=list)

    @property
    def verdicts(self) -> dict[str, str]:
        """Topic -> verdict as conditions read it: ``Undecided`` where nothing settled it."""
        return {topic: _as_read(d) for topic, d in self.decisions.items()}


def evaluate(knowledge: Knowledge, answers: Mapping[str, Any]) -> Evaluation:
    """Decide every topic and list the relevant red flags. Pure: no I/O, no clock."""
    verdicts: dict[str, str] = {}
    decided: dict[str, Decision] = {}
    for topic_id in knowledge.topic_order():
        decision = _decide(
            knowledge.topics[topic_id], knowledge.rules_for(topic_id), answers, verdicts, decided
        )
        decided[topic_id] = decision
        verdicts[topic_id] = _as_read(decision)
    flags: list[FlagHit] = []
    possible: list[PossibleFlag] = []
    for flag in knowledge.red_flags:
        truth = flag.when.evaluate(answers, verdicts)
        if truth is True:
            flags.append(
                FlagHit(
                    flag,
                    _read(flag.when.questions(), answers),
                    _read_verdicts(flag.when.topics(), verdicts),
                )
            )
        elif truth is None:
            missing = dict.fromkeys(q for q in flag.when.questions() if q not in answers)
            for topic in flag.when.topics():
                missing.update(dict.fromkeys(decided[topic].unknown))
            possible.append(PossibleFlag(flag, list(missing)))
    ordered = {topic: decided[topic] for topic in knowledge.topics}
    return Evaluation(ordered, flags, possible)


def _as_read(decision: Decision) -> str:
    return Undecided(decision.verdict) if decision.undecided else decision.verdict


def _decide(
    topic: Topic,
    rules: list[Rule],
    answers: Mapping[str, Any],
    verdicts: Mapping[str, str],
    decided: Mapping[str, Decision],
) -> Decision:
    fired: list[Rule] = []
    undecidable: list[Rule] = []
    for rule in rules:
        truth = rule.when.evaluate(answers, verdicts)
        if truth is True:
            fired.append(rule)
        elif truth is None:
            undecidable.append(rule)

    if fired:
        top = max(rule.rank for rule in fired)
        strongest = [rule for rule in fired if rule.rank == top]
        verdict = max((rule.verdict for rule in strongest), key=CAUTION_RANK.__getitem__)
        deciding = [rule for rule in strongest if rule.verdict == verdict]
        overridden = [rule for rule in fired if rule not in deciding]
        summary = deciding[0].summary
        strength: str | None = deciding[0].strength
    else:
        top = 0
        verdict = topic.default.verdict
        deciding, overridden = [], []
        summary = topic.default.summary
        strength = None

    def would_win(rule: Rule) -> bool:
        if not fired:
            # any rule that fires settles a fallback, even one that agrees with it
            return True
        if rule.verdict == verdict:
            return False
        if rule.rank != top:
            return rule.rank > top
        return CAUTION_RANK[rule.verdict] > CAUTION_RANK[verdict]

    unknown: dict[str, None] = {}
    for rule in undecidable:
        if would_win(rule):
            for question in rule.when.questions():
                if question not in answers:
                    unknown.setdefault(question)
    for rule in [*deciding, *(r for r in undecidable if would_win(r))]:
        for dep in rule.when.topics():
            for question in decided[dep].unknown:
                unknown.setdefault(question)
    if not fired and unknown:
        summary = f"{summary} Undecided until these are answered: {', '.join(unknown)}."

    return Decision(
        topic=topic,
        verdict=verdict,
        summary=summary,
        strength=strength,
        deciding=[_finding(rule, answers, verdicts) for rule in deciding],
        overridden=[_finding(rule, answers, verdicts) for rule in overridden],
        unknown=list(unknown),
    )


def _finding(rule: Rule, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Finding:
    return Finding(
        rule, _read(rule.when.questions(), answers), _read_verdicts(rule.when.topics(), verdicts)
    )


def _read(questions: list[str], answers: Mapping[str, Any]) -> dict[str, Any]:
    return {q: answers[q] for q in questions if q in answers}


def _read_verdicts(topics: list[str], verdicts: Mapping[str, str]) -> dict[str, str]:
    return {t: verdicts[t] for t in topics if t in verdicts}
