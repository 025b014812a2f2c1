"""Properties of what-if over random answers: every listed change really gives its verdict,
pairs are only offered when no single change exists, and the compiled rules agree with the
engine they stand in for.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edaadvisor.core import Knowledge, evaluate, load_knowledge
from edaadvisor.core.compiled import CompiledKnowledge
from edaadvisor.core.conditions import AnswerTest
from edaadvisor.core.model import Question

KNOWLEDGE = load_knowledge()
COMPILED = CompiledKnowledge(KNOWLEDGE)


def _constants(knowledge: Knowledge) -> set[int]:
    found: set[int] = set()
    conditions = [r.when for r in knowledge.rules] + [f.when for f in knowledge.red_flags]
    conditions += [q.visible_when for q in knowledge.questions.values() if q.visible_when]
    for condition in conditions:
        for node in condition.walk():
            if isinstance(node, AnswerTest) and isinstance(node.operand, int):
                found.update({node.operand - 1, node.operand, node.operand + 1})
    return found


CONSTANTS = _constants(KNOWLEDGE)


def _domain(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "bool":
        return st.booleans()
    if question.type == "enum":
        return st.sampled_from(question.values)
    low = question.minimum if question.minimum is not None else 0
    near = sorted(v for v in CONSTANTS if question.accepts(v))
    return st.one_of(st.sampled_from(near or [low]), st.integers(low, low + 5000))


ANSWERS = st.fixed_dictionaries(
    {},
    optional={q.id: _domain(q) for q in KNOWLEDGE.questions.values()},
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(ANSWERS)
def test_compiled_rules_decide_exactly_as_the_engine(answers: dict[str, Any]) -> None:
    assert COMPILED.settle(answers) == evaluate(KNOWLEDGE, answers).verdicts


@settings(SETTINGS, max_examples=80)
@given(ANSWERS)
def test_every_what_if_gives_its_verdict_and_pairs_only_when_no_single_does(
    answers: dict[str, Any],
) -> None:
    from edaadvisor.core.whatif import compute_what_if

    verdicts = evaluate(KNOWLEDGE, answers).verdicts
    result = compute_what_if(KNOWLEDGE, answers, verdicts)
    for topic, items in result.items():
        for item in items:
            changed = {**answers, **item.changes}
            assert evaluate(KNOWLEDGE, changed).verdicts[topic] == item.verdict
            assert item.verdict != verdicts[topic]
        if items and len(items[0].changes) == 2:
            assert _single_change_moving(topic, answers, verdicts[topic]) is None


def _single_change_moving(topic: str, answers: dict[str, Any], verdict: str) -> Any:
    """An independent search: every threshold neighbour, every choice, both bools."""
    for question in KNOWLEDGE.questions.values():
        if COMPILED.hidden(question.id, answers):
            continue
        if question.type == "bool":
            values: list[Any] = [False, True]
        elif question.type == "enum":
            values = list(question.values)
        else:
            values = sorted(v for v in CONSTANTS | {10**6} if question.accepts(v))
        for value in values:
            if value == answers.get(question.id) and type(value) is type(answers.get(question.id)):
                continue
            changed = {**answers, question.id: value}
            if COMPILED.hidden(question.id, changed):
                continue
            # compiled rules: their agreement with the engine is the property above
            if COMPILED.settle(changed)[topic] != verdict:
                return (question.id, value)
    return None
