"""The engine: a pure, deterministic function of (knowledge, answers) to decisions and red flags.

How a topic is decided (``compiled.CompiledKnowledge.judge``, the one implementation that the
report, the what-if search and the linter share):

1. Every rule of the topic is evaluated in three-valued logic; it *fires* when its condition is
   definitely true. A topic's ``applies_when`` is such a rule too (decisive, not applicable).
2. Among fired rules the strongest strength wins (``decisive`` > ``strong`` > ``normal`` >
   ``weak``); a rule that fires only thanks to an assumed answer weighs at most ``normal``.
3. Equally strong rules that disagree resolve to the most cautious verdict
   (``not_applicable`` > ``advise_against`` > ``consider`` > ``recommend``).
4. When nothing fires, the topic's own fallback verdict stands.
5. A topic is never more adopted than a topic it ``requires``: with the prerequisite advised
   against it is not applicable (its own verdict kept as conditional advice), with the
   prerequisite open it is at most ``consider``.

Before that, a question left unanswered that states a ``typical`` answer is assumed to have
it (where the interview would ask it): the decisions that rely on one list it under
``assumptions``, with the verdict they would get otherwise. Answers that contradict each
other are listed as ``conflicts``; they do not stop the advice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .compiled import Capped, CompiledKnowledge, CompiledRule, Judgement, compiled_for
from .conditions import Undecided
from .knowledge import Knowledge
from .model import CAUTION_RANK, Conflict, Question, RedFlag, Rule, Topic
from .record import Record, field

VERDICT_WORDS = {
    "recommend": "recommended",
    "consider": "still open",
    "advise_against": "advised against",
    "not_applicable": "not applicable",
}


class Finding(Record):
    """A rule that fired, with the answers and verdicts it read."""

    rule: Rule
    answers: dict[str, Any]
    verdicts: dict[str, str]


class Assumption(Record):
    """A typical answer the verdict relied on, and the verdict if it is not the case."""

    question: str
    value: Any
    otherwise: str
    """The verdict with the other answer (a yes/no question) or with no answer at all."""
    description: str


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
    assumptions: list[Assumption] = field(default_factory=list)
    capped: Capped | None = None
    """Set when a required topic lowered the verdict; ``capped.before`` is the conditional one."""
    pending: bool = False
    """Open only for want of answers: the fallback stands, or a required topic is undecided."""

    @property
    def undecided(self) -> bool:
        """The verdict stands only for want of answers that could still settle it."""
        return self.pending

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
        if self.capped is not None:
            merged[self.capped.topic] = self.capped.topic_verdict
        return merged


class FlagHit(Record):
    flag: RedFlag
    answers: dict[str, Any]
    verdicts: dict[str, str]


class PossibleFlag(Record):
    """A red flag that may apply once the listed questions are answered."""

    flag: RedFlag
    unknown: list[str]


class ConflictHit(Record):
    """Answers that contradict each other, in words."""

    conflict: Conflict
    questions: list[str]
    message: str


class Evaluation(Record):
    decisions: dict[str, Decision]
    red_flags: list[FlagHit]
    possible_red_flags: list[PossibleFlag] = field(default_factory=list)
    conflicts: list[ConflictHit] = field(default_factory=list)
    checks: list[FlagHit] = field(default_factory=list)
    """Red flags whose safeguard is already in place: a check that it is configured."""
    assumed: dict[str, Any] = field(default_factory=dict)
    """Question -> the typical answer assumed for it (every one: the verdicts rest on them)."""

    @property
    def verdicts(self) -> dict[str, str]:
        """Topic -> verdict as conditions read it: ``Undecided`` where nothing settled it."""
        return {topic: _as_read(d) for topic, d in self.decisions.items()}


def assumed_answers(knowledge: Knowledge, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The typical answers the engine assumes for the unanswered questions that state one."""
    return compiled_for(knowledge).assume(answers)


def evaluate(knowledge: Knowledge, answers: Mapping[str, Any]) -> Evaluation:
    """Decide every topic and list the relevant red flags. Pure: no I/O, no clock."""
    compiled = compiled_for(knowledge)
    assumed = assumed_answers(knowledge, answers)
    effective = {**answers, **assumed}
    verdicts: dict[str, str] = {}
    leaning: dict[str, list[str]] = {}
    decided: dict[str, Decision] = {}
    for topic_id in compiled.order:
        judgement = compiled.judge(topic_id, effective, verdicts, assumed, leaning)
        decision = _explain(knowledge, topic_id, judgement, effective, answers, verdicts, decided)
        verdicts[topic_id] = _as_read(decision)
        if judgement.leaning:
            leaning[topic_id] = judgement.leaned_on
        # an assumption the verdict relies on is one whose other answer would change it:
        # whether it made a rule fire or kept a stronger one from firing
        relied = [
            a
            for a in _assumptions(compiled, topic_id, effective, assumed, verdicts)
            if a.otherwise != decision.verdict
        ]
        if relied:
            unknown = dict.fromkeys([*decision.unknown, *(a.question for a in relied)])
            strength = decision.strength
            if strength in ("strong", "decisive"):
                strength = "normal"  # a lean is never stronger than normal
            decision = decision.replace(
                assumptions=relied, unknown=list(unknown), strength=strength
            )
        decided[topic_id] = decision
    flags, checks, possible = _red_flags(knowledge, effective, answers, verdicts, decided)
    return Evaluation(
        decisions={topic: decided[topic] for topic in knowledge.topics},
        red_flags=flags,
        possible_red_flags=possible,
        conflicts=conflicts_in(knowledge, answers),
        checks=checks,
        assumed=assumed,
    )


def _as_read(decision: Decision) -> str:
    return Undecided(decision.verdict) if decision.undecided else decision.verdict


def _explain(
    knowledge: Knowledge,
    topic_id: str,
    judgement: Judgement,
    effective: Mapping[str, Any],
    given: Mapping[str, Any],
    verdicts: Mapping[str, str],
    decided: Mapping[str, Decision],
) -> Decision:
    """The judgement in words: deciding rules with the given answers they read (assumed ones
    are listed apart), what could still change it, and its summary."""
    topic = knowledge.topics[topic_id]
    deciding = judgement.deciding
    verdict = str(judgement.verdict)
    own_verdict = deciding[0].verdict if deciding else knowledge.topics[topic_id].default.verdict
    top = judgement.rank

    def would_win(rule: CompiledRule) -> bool:
        if not judgement.fired:
            # any rule that fires settles a fallback, even one that agrees with it
            return True
        if rule.verdict == own_verdict:
            return False
        if rule.rank != top:
            return rule.rank > top
        return CAUTION_RANK[rule.verdict] > CAUTION_RANK[own_verdict]

    # With a rejected prerequisite the topic is not applicable whatever its own rules say,
    # except where one of them advises against it: only those rules can still move it.
    escaped = judgement.capped is not None and verdict == "not_applicable"

    def may_move(rule: CompiledRule) -> bool:
        return would_win(rule) and (not escaped or rule.verdict == "advise_against")

    # by identity: each compiled rule is one object, and comparing records field by field made
    # these membership tests quadratic in the rules that fire together
    in_deciding = {id(rule) for rule in deciding}
    unknown: dict[str, None] = {}
    for rule in judgement.undecidable:
        if may_move(rule):
            for question in rule.questions:
                if question not in effective:
                    unknown.setdefault(question)
    # a rule reading another topic's verdict may change this one when that verdict still can:
    # whether the rule is unknown now, or false only because of where that topic stands
    for rule in judgement.rules:
        if (id(rule) in in_deciding and not escaped) or may_move(rule):
            for dep in rule.topics:
                unknown.update(dict.fromkeys(decided[dep].unknown))
    own_unknown = list(unknown)
    if own_verdict in ("recommend", "consider") or judgement.capped is not None:
        # a required topic that is still open may yet cap this verdict, or lift its cap
        for requirement in topic.requires:
            for needed in requirement.topics:
                if needed in decided:
                    unknown.update(dict.fromkeys(decided[needed].unknown))

    if deciding:
        summary = deciding[0].rule.summary
        strength: str | None = deciding[0].rule.strength
        if judgement.rank < deciding[0].rank:  # it leaned on an assumption
            strength = "normal"
    else:
        summary = topic.default.summary
        strength = None
        if own_unknown and judgement.capped is None:
            verb = "is" if len(own_unknown) == 1 else "are"
            summary = f"{summary} Undecided until {_words(knowledge, own_unknown)} {verb} known."
    if judgement.capped is not None:
        summary = _capped_summary(
            knowledge, judgement.capped, summary if deciding else None, verdict
        )
    overridden = [r for r in judgement.fired if id(r) not in in_deciding]
    return Decision(
        topic=topic,
        verdict=verdict,
        summary=summary,
        strength=strength,
        deciding=[_finding(r.rule, given, verdicts) for r in deciding],
        overridden=[_finding(r.rule, given, verdicts) for r in overridden],
        unknown=list(unknown),
        capped=judgement.capped,
        pending=isinstance(judgement.verdict, Undecided),
    )


def _capped_summary(
    knowledge: Knowledge, capped: Capped, summary: str | None, verdict: str
) -> str:
    """The verdict a requirement imposed, then the topic's own advice as a condition."""
    needed = _lower_first(knowledge.topics[capped.topic].title)
    state = VERDICT_WORDS.get(capped.topic_verdict, capped.topic_verdict)
    if verdict == "not_applicable":
        head = f"Not applicable while {needed} is {state}."
    else:
        head = f"Only as far as {needed}, which is {state}."
    if summary is None:
        return head
    unless = capped.unless[:1].upper() + capped.unless[1:]
    return f"{head} {unless}: {_lower_first(summary)}"


def _lower_first(text: str) -> str:
    # keep acronyms and names ("CRUD", "Kafka", "PII") as they are
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and (len(first) == 1 or first[1:].islower()):
        return text[:1].lower() + text[1:]
    return text


def _words(knowledge: Knowledge, questions: list[str]) -> str:
    """Questions named in a sentence: "the number of consumers and the need to replay"."""
    names = [knowledge.questions[q].words if q in knowledge.questions else q for q in questions]
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return names[0] if names else ""


def _assumptions(
    compiled: CompiledKnowledge,
    topic_id: str,
    effective: Mapping[str, Any],
    assumed: Mapping[str, Any],
    verdicts: Mapping[str, str],
) -> list[Assumption]:
    """Each assumed answer the topic's rules (or its dependencies') read, with the verdict
    the topic would get with the other answer (yes/no) or with no answer at all."""
    knowledge = compiled.knowledge
    found: list[Assumption] = []
    only = set(compiled.topic_closure[topic_id])
    for question_id in compiled.question_closure[topic_id]:
        if question_id not in assumed:
            continue
        question = knowledge.questions[question_id]
        value = assumed[question_id]
        changed = {k: v for k, v in effective.items() if k != question_id}
        if question.type == "bool":
            changed[question_id] = not value
        still = {k: v for k, v in assumed.items() if k != question_id}
        otherwise = str(compiled.verdicts(changed, verdicts, only=only, assumed=still)[topic_id])
        found.append(
            Assumption(question_id, value, otherwise, _assumption_words(question, value, otherwise))
        )
    return found


def _assumption_words(question: Question, value: Any, otherwise: str) -> str:
    if question.type == "bool":
        other = f"if the answer is {question.label_of(not value)}"
    else:
        other = "if it is not"
    return (
        f"Assumed {question.label_of(value)} for “{question.title}” (the typical answer); "
        f"{other}, the verdict becomes {VERDICT_WORDS.get(otherwise, otherwise)}."
    )


def _red_flags(
    knowledge: Knowledge,
    effective: Mapping[str, Any],
    answers: Mapping[str, Any],
    verdicts: Mapping[str, str],
    decided: Mapping[str, Decision],
) -> tuple[list[FlagHit], list[FlagHit], list[PossibleFlag]]:
    flags: list[FlagHit] = []
    checks: list[FlagHit] = []
    possible: list[PossibleFlag] = []
    in_place = answers.get("safeguards")
    if not isinstance(in_place, list | tuple):
        in_place = []
    for flag in knowledge.red_flags:
        truth = flag.when.evaluate(effective, verdicts)
        if truth is True:
            hit = FlagHit(
                flag,
                _read(flag.when.questions(), effective),
                _read_verdicts(flag.when.topics(), verdicts),
            )
            (checks if flag.safeguard in in_place else flags).append(hit)
        elif truth is None:
            missing = dict.fromkeys(q for q in flag.when.questions() if q not in effective)
            for topic in flag.when.topics():
                missing.update(dict.fromkeys(decided[topic].unknown))
            possible.append(PossibleFlag(flag, list(missing)))
    return flags, checks, possible


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def conflicts_in(knowledge: Knowledge, answers: Mapping[str, Any]) -> list[ConflictHit]:
    """Answers that contradict each other; only given answers count, never assumed ones."""
    found: list[ConflictHit] = []
    for conflict in knowledge.conflicts:
        if conflict.when.evaluate(answers, {}) is not True:
            continue

        def words(match: re.Match[str]) -> str:
            question = knowledge.questions.get(match.group(1))
            if question is None or match.group(1) not in answers:
                return match.group(0)
            return question.label_of(answers[match.group(1)])

        questions = [q for q in conflict.when.questions() if q in answers]
        found.append(ConflictHit(conflict, questions, _PLACEHOLDER.sub(words, conflict.message)))
    return found


def _finding(rule: Rule, answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> Finding:
    return Finding(
        rule, _read(rule.when.questions(), answers), _read_verdicts(rule.when.topics(), verdicts)
    )


def _read(questions: list[str], answers: Mapping[str, Any]) -> dict[str, Any]:
    return {q: answers[q] for q in questions if q in answers}


def _read_verdicts(topics: list[str], verdicts: Mapping[str, str]) -> dict[str, str]:
    return {t: str(verdicts[t]) for t in topics if t in verdicts}
