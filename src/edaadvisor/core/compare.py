"""Where a team disagrees, and what the disagreement changes: ``edaadvisor compare``.

Each participant answers alone; :func:`compare` lines their answers files up and says

* which questions they answered differently (an unanswered question differs from an answered
  one: "I don't know" is a position too);
* for every topic whose verdict differs, the smallest sets of differing answers that explain
  it. For two participants A and B whose verdicts on the topic differ, B's answers are applied
  to A's, one subset of the questions they differ on at a time, smallest first, until the
  engine gives B's verdict. Only questions the topic can read (its rules', and the rules of
  the topics those test) are tried, and every subset of the smallest size that works is kept;
* which differing answers change nothing: swapping any one participant's answer for
  another's moves no verdict and no red flag, and the answer is part of no cause above.

:func:`merge_answers` keeps what everyone agrees on and leaves the rest unanswered, so the
report on the merged file shows what the disputes leave open. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import combinations
from math import comb
from typing import Any

from .. import __version__
from .answers import AdrMeta, AnswersFile
from .engine import Evaluation, evaluate
from .knowledge import Knowledge
from .record import Record

COMPARE_VERSION = 1
BUDGET = 4096
"""Evaluations one search may spend on subsets; past it the whole difference is the cause."""


class Participant(Record):
    """One answers file and who it speaks for."""

    label: str
    answers_file: AnswersFile


class Difference(Record):
    """A question not answered alike: one value per participant (None: unanswered)."""

    question: str
    values: list[Any]


class Cause(Record):
    """Applying ``questions`` from ``target``'s answers to ``base``'s gives ``target``'s verdict."""

    base: int
    target: int
    questions: list[str]


class TopicDispute(Record):
    """A topic whose verdict differs: one verdict per participant, and why."""

    topic: str
    verdicts: list[str]
    causes: list[Cause]

    @property
    def questions(self) -> list[str]:
        """Every question some smallest cause names, first-seen order."""
        return list(dict.fromkeys(q for cause in self.causes for q in cause.questions))


class Comparison(Record):
    knowledge: Knowledge
    participants: list[Participant]
    differences: list[Difference]
    disputes: list[TopicDispute]
    """Topics whose verdicts differ, in the knowledge base's order."""
    no_effect: list[str]
    """Differing questions that change no verdict and no red flag."""

    @property
    def agree(self) -> bool:
        return not self.disputes

    @property
    def causes(self) -> list[str]:
        """Questions that decide some differing verdict, in the questionnaire's order."""
        named = {q for dispute in self.disputes for q in dispute.questions}
        return [q for q in self.knowledge.questions if q in named]

    @property
    def agreed(self) -> dict[str, Any]:
        differing = {d.question for d in self.differences}
        first = self.participants[0].answers_file.answers
        return {q: v for q, v in first.items() if q not in differing}

    def to_data(self) -> dict[str, Any]:
        from .report import knowledge_data

        return {
            "version": COMPARE_VERSION,
            "tool": {"name": "edaadvisor", "version": __version__},
            "knowledge": knowledge_data(self.knowledge),
            "participants": [
                {
                    "label": p.label,
                    "file": p.answers_file.source,
                    "project": p.answers_file.project,
                    "deciders": list(p.answers_file.adr.deciders),
                }
                for p in self.participants
            ],
            "agree": self.agree,
            "differences": [
                {"question": d.question, "answers": d.values} for d in self.differences
            ],
            "decisions": {
                d.topic: {
                    "verdicts": d.verdicts,
                    "causes": [
                        {"from": c.base, "to": c.target, "questions": c.questions} for c in d.causes
                    ],
                }
                for d in self.disputes
            },
            "causes": self.causes,
            "no_effect": self.no_effect,
            "agreed": self.agreed,
        }


def labels_for(files: Sequence[AnswersFile]) -> list[str]:
    """Who each file speaks for: its deciders, else its project, else its file name; where two
    would read alike, the file name is added, and where even that repeats, a number."""
    names = [f.source.replace("\\", "/").rsplit("/", 1)[-1] for f in files]
    labels = [
        ", ".join(f.adr.deciders) or f.project or name for f, name in zip(files, names, strict=True)
    ]
    labels = [
        f"{label} ({name})" if labels.count(label) > 1 and label != name else label
        for label, name in zip(labels, names, strict=True)
    ]
    seen: dict[str, int] = {}
    numbered = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        numbered.append(f"{label} #{seen[label]}" if labels.count(label) > 1 else label)
    return numbered


def compare(knowledge: Knowledge, files: Sequence[AnswersFile]) -> Comparison:
    """Line up two or more answers files (see the module docstring)."""
    if len(files) < 2:
        raise ValueError("compare needs at least two answers files")
    participants = [
        Participant(label, f) for label, f in zip(labels_for(files), files, strict=True)
    ]
    answers = [f.answers for f in files]
    differences = [
        Difference(q, values)
        for q in knowledge.questions
        if len(set(map(_key, values := [a.get(q) for a in answers]))) > 1
    ]
    evaluations = [evaluate(knowledge, a) for a in answers]
    reads = _reads_by_topic(knowledge)
    disputes: list[TopicDispute] = []
    for topic in knowledge.topics:
        verdicts = [e.decisions[topic].verdict for e in evaluations]
        if len(set(verdicts)) == 1:
            continue
        causes = [
            Cause(i, j, questions)
            for i, j in combinations(range(len(files)), 2)
            if verdicts[i] != verdicts[j]
            for questions in _smallest(knowledge, topic, answers[i], answers[j], reads[topic])
        ]
        disputes.append(TopicDispute(topic, verdicts, causes))
    named = {q for dispute in disputes for q in dispute.questions}
    no_effect = [
        d.question
        for d in differences
        if d.question not in named and not _moves_anything(knowledge, answers, evaluations, d)
    ]
    return Comparison(knowledge, participants, differences, disputes, no_effect)


def merge_answers(files: Sequence[AnswersFile], source: str = "<merged>") -> AnswersFile:
    """One answers file: the answers everyone gave alike; disputed questions unanswered.

    The project, title, status and date are kept where all files agree; the deciders are
    everyone's, in order of first appearance.
    """
    first = files[0]
    answers = {
        q: v for q, v in first.answers.items() if all(_same(f.answers.get(q), v) for f in files)
    }

    def common(values: list[Any]) -> Any:
        return values[0] if all(_same(v, values[0]) for v in values) else None

    deciders = list(dict.fromkeys(d for f in files for d in f.adr.deciders))
    adr = AdrMeta(
        common([f.adr.title for f in files]),
        common([f.adr.status for f in files]),
        deciders,
        common([f.adr.date for f in files]),
    )
    project = common([f.project for f in files])
    return AnswersFile(answers=answers, project=project, adr=adr, source=source)


def _key(value: Any) -> tuple[str, Any]:
    # True == 1 in Python; a yes/no answer must never equal a count; a list answer (the
    # safeguards in place) compares item by item (validated files list them in one order)
    if isinstance(value, list | tuple):
        return ("list", tuple(map(str, value)))
    return (type(value).__name__, value)


def _same(a: Any, b: Any) -> bool:
    return _key(a) == _key(b)


def _reads_by_topic(knowledge: Knowledge) -> dict[str, set[str]]:
    """Topic -> every question its verdict can depend on: through the topics its rules test and
    the topics it requires, and through the questions that decide whether a typical answer is
    assumed (asking ``broker_experience`` decides whether ``managed_broker`` is)."""
    from .compiled import compiled_for

    compiled = compiled_for(knowledge)
    reads: dict[str, set[str]] = {}
    for topic in knowledge.topics:
        found = set(compiled.question_closure.get(topic, []))
        for question_id in list(found):
            question = knowledge.questions.get(question_id)
            if question is not None and question.typical is not None and question.visible_when:
                found.update(question.visible_when.questions())
        reads[topic] = found
    return reads


def _apply(
    base: Mapping[str, Any], target: Mapping[str, Any], questions: Sequence[str]
) -> dict[str, Any]:
    changed = dict(base)
    for q in questions:
        if q in target:
            changed[q] = target[q]
        else:
            changed.pop(q, None)
    return changed


def _subsets(questions: list[str]) -> Iterator[tuple[int, list[tuple[str, ...]]]]:
    """Subsets by size while the budget lasts; past it, only the whole set."""
    spent = 0
    for size in range(1, len(questions) + 1):
        count = comb(len(questions), size)
        if spent + count > BUDGET and size < len(questions):
            yield len(questions), [tuple(questions)]
            return
        spent += count
        yield size, list(combinations(questions, size))


def _smallest(
    knowledge: Knowledge,
    topic: str,
    base: Mapping[str, Any],
    target: Mapping[str, Any],
    readable: set[str],
) -> list[list[str]]:
    """Every smallest set of differing answers that turns ``base``'s verdict into ``target``'s."""
    order = list(knowledge.questions)
    differing = [q for q in order if q in readable and not _same(base.get(q), target.get(q))]
    wanted = evaluate(knowledge, target).decisions[topic].verdict
    for _size, candidates in _subsets(differing):
        found = [
            list(subset)
            for subset in candidates
            if evaluate(knowledge, _apply(base, target, subset)).decisions[topic].verdict == wanted
        ]
        if found:
            return found
    # unreachable while the engine reads only the questions _reads_by_topic finds: applying
    # every differing question it reads turns base's verdict into target's
    return [differing]


def _outcome(evaluation: Evaluation) -> tuple[dict[str, str], set[str]]:
    return (
        {t: d.verdict for t, d in evaluation.decisions.items()},
        {hit.flag.id for hit in evaluation.red_flags},
    )


def _moves_anything(
    knowledge: Knowledge,
    answers: Sequence[Mapping[str, Any]],
    evaluations: Sequence[Evaluation],
    difference: Difference,
) -> bool:
    """Does giving one participant another's answer to this question change anything?"""
    q = difference.question
    for i, base in enumerate(answers):
        before = _outcome(evaluations[i])
        for j, target in enumerate(answers):
            if i == j or _same(base.get(q), target.get(q)):
                continue
            if _outcome(evaluate(knowledge, _apply(base, target, [q]))) != before:
                return True
    return False
