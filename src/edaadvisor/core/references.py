"""Checks between knowledge files: references, compared values, visibility order, cycles.

A file alone cannot show that a rule's question exists or that a compared value is one of the
question's choices; these checks run once every layer is assembled. Each returns the problems
it finds (file, line, item id, reason) so the loader can refuse them all at once and the
linter (``edaadvisor kb lint``) can report them as findings instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conditions import BROKER_QUESTION, AnswerTest, CapabilityTest, PairTest, VerdictTest, _Node
from .errors import KnowledgeError, Problem

if TYPE_CHECKING:
    from .knowledge import Knowledge


def _at(where: str, message: str) -> Problem:
    source, _, line = where.rpartition(":")
    if source and line.isdigit():
        return Problem(message, source, line=int(line))
    return Problem(message, where)


def check_references(knowledge: Knowledge) -> None:
    """Every id a condition names exists and every compared value is in its domain."""
    problems = reference_problems(knowledge) + visibility_problems(knowledge)
    if problems:
        raise KnowledgeError(problems)


def reference_problems(knowledge: Knowledge) -> list[Problem]:
    """Unknown question and topic ids, and compared values outside a question's domain."""
    problems: list[Problem] = []
    for question in knowledge.questions.values():
        if question.visible_when is not None:
            where = knowledge.origin[f"question:{question.id}"]
            for problem in _condition_problems(
                question.visible_when, knowledge, allow_topics=False
            ):
                problems.append(_at(where, f"(question {question.id}) visible_when: {problem}"))
    for rule in knowledge.rules:
        where = knowledge.origin[f"rule:{rule.id}"]
        if rule.topic not in knowledge.topics:
            problems.append(
                _at(
                    where,
                    f"(rule {rule.id}) topic {rule.topic!r} does not exist; "
                    f"topics: {', '.join(knowledge.topics)}",
                )
            )
        for problem in _condition_problems(rule.when, knowledge, allow_topics=True):
            problems.append(_at(where, f"(rule {rule.id}) when: {problem}"))
    for flag in knowledge.red_flags:
        where = knowledge.origin[f"red_flag:{flag.id}"]
        for problem in _condition_problems(flag.when, knowledge, allow_topics=True):
            problems.append(_at(where, f"(red flag {flag.id}) when: {problem}"))
        if flag.safeguard is not None and not _is_safeguard(knowledge, flag.safeguard):
            problems.append(
                _at(where, f"(red flag {flag.id}) safeguard {flag.safeguard!r} is not a choice "
                    "of the 'safeguards' question")
            )  # fmt: skip
    for conflict in knowledge.conflicts:
        where = knowledge.origin[f"conflict:{conflict.id}"]
        for problem in _condition_problems(conflict.when, knowledge, allow_topics=False):
            problems.append(_at(where, f"(conflict {conflict.id}) when: {problem}"))
    for topic in knowledge.topics.values():
        where = knowledge.origin[f"topic:{topic.id}"]
        for requirement in topic.requires:
            for needed in requirement.topics:
                if needed not in knowledge.topics:
                    problems.append(
                        _at(where, f"(topic {topic.id}) requires: unknown topic {needed!r}")
                    )
    broker = knowledge.questions.get(BROKER_QUESTION)
    for entry in knowledge.brokers.values():
        if broker is None or entry.id not in broker.values:
            where = knowledge.origin[f"broker:{entry.id}"]
            problems.append(
                _at(where, f"(broker {entry.id}) is not a choice of the {BROKER_QUESTION!r} "
                    "question")
            )  # fmt: skip
    return problems


def _is_safeguard(knowledge: Knowledge, value: str) -> bool:
    question = knowledge.questions.get("safeguards")
    return question is not None and value in question.values


def visibility_problems(knowledge: Knowledge) -> list[Problem]:
    """A question's visibility may read only questions asked before it (so it cannot cycle)."""
    problems: list[Problem] = []
    earlier: list[str] = []
    for question in knowledge.questions.values():
        if question.visible_when is not None:
            where = knowledge.origin[f"question:{question.id}"]
            for ref in question.visible_when.questions():
                if ref in knowledge.questions and ref not in earlier:
                    problems.append(
                        _at(
                            where,
                            f"(question {question.id}) visible_when reads "
                            f"{ref!r}, which is not asked before it",
                        )
                    )
        earlier.append(question.id)
    return problems


def _condition_problems(condition: _Node, knowledge: Knowledge, *, allow_topics: bool) -> list[str]:
    found: list[str] = []
    capabilities = {c for broker in knowledge.brokers.values() for c in broker.has}
    for node in condition.walk():
        if isinstance(node, CapabilityTest) and node.capability not in capabilities:
            known = ", ".join(sorted(capabilities)) or "none (no broker table)"
            found.append(f"unknown broker capability {node.capability!r}; known: {known}")
        if isinstance(node, VerdictTest):
            if not allow_topics:
                found.append(f"a question's visibility cannot depend on a verdict ({node.topic})")
            elif node.topic not in knowledge.topics:
                found.append(f"unknown topic {node.topic!r}")
        if isinstance(node, PairTest):
            for ref in node.answers:
                kind = knowledge.questions[ref].type if ref in knowledge.questions else None
                if kind is None:
                    found.append(f"unknown question {ref!r}")
                elif node.op not in ("eq", "ne") and kind != "int":
                    found.append(f"{node.op} compares numbers, but {ref!r} is a {kind} question")
        if not isinstance(node, AnswerTest):
            continue
        question = knowledge.questions.get(node.answer)
        if question is None:
            found.append(f"unknown question {node.answer!r}")
            continue
        op, operand = node.operator, node.operand
        if op == "known":
            continue
        if op == "contains":
            if question.type != "list" or operand not in question.values:
                found.append(
                    f"{operand!r} is not an answer {node.answer!r} can hold "
                    f"({question.domain_text()})"
                )
            continue
        if question.type == "list":
            found.append(f"{node.answer!r} is a list question; test it with 'contains'")
            continue
        if op in ("gt", "ge", "lt", "le") and question.type != "int":
            found.append(
                f"{op} compares numbers, but {node.answer!r} is a {question.type} question"
            )
            continue
        values = operand if isinstance(operand, list) else [operand]
        for value in values:
            if op not in ("gt", "ge", "lt", "le") and not question.accepts(value):
                found.append(
                    f"{value!r} is not an answer to {node.answer!r} ({question.domain_text()})"
                )
    return found


def _topic_cycle(knowledge: Knowledge) -> list[str]:
    deps = {t: knowledge.topic_deps(t) for t in knowledge.topics}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(topic: str) -> list[str]:
        state[topic] = 1
        stack.append(topic)
        for dep in deps.get(topic, []):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[topic] = 2
        return []

    for topic in knowledge.topics:
        if topic not in state:
            found = visit(topic)
            if found:
                return found
    return []
