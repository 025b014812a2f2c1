"""The advice holds together: every report, over random answers, keeps the knowledge base's
declarations (requirements between topics, where a topic arises), states the assumptions it
leans on, reports contradicting answers, and never words a sentence with a raw id.

``EDAADVISOR_FUZZ_EXAMPLES`` raises the number of random answer sets for long runs.
"""

from __future__ import annotations

import os
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edaadvisor.core import AnswersFile, Knowledge, build_report, evaluate, load_knowledge
from edaadvisor.core.compiled import ADOPTION
from edaadvisor.core.conditions import AnswerTest
from edaadvisor.core.model import Question

KNOWLEDGE = load_knowledge()
EXAMPLES = int(os.environ.get("EDAADVISOR_FUZZ_EXAMPLES", "200"))


def _constants(knowledge: Knowledge) -> set[int]:
    found: set[int] = set()
    conditions = [r.when for r in knowledge.rules] + [f.when for f in knowledge.red_flags]
    conditions += [c.when for c in knowledge.conflicts]
    for condition in conditions:
        for node in condition.walk():
            if isinstance(node, AnswerTest) and isinstance(node.operand, int):
                found.update({node.operand - 1, node.operand, node.operand + 1})
    return found


CONSTANTS = sorted(_constants(KNOWLEDGE))


def _domain(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "bool":
        return st.booleans()
    if question.type == "enum":
        return st.sampled_from(question.values)
    if question.type == "list":
        return st.lists(st.sampled_from(question.values), unique=True)
    near = [v for v in CONSTANTS if question.accepts(v)]
    low = question.minimum or 0
    return st.one_of(st.sampled_from(near or [low]), st.integers(low, low + 10_000))


ANSWERS = st.fixed_dictionaries(
    {}, optional={q.id: _domain(q) for q in KNOWLEDGE.questions.values()}
)
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
IDS = {*KNOWLEDGE.questions, *(r.id for r in KNOWLEDGE.rules)}
ID_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+")


def _adoption(verdict: str, undecided: bool) -> int:
    return 1 if undecided else ADOPTION[verdict]


@SETTINGS
@given(ANSWERS)
def test_no_topic_is_more_adopted_than_a_topic_it_requires(answers: dict[str, Any]) -> None:
    evaluation = evaluate(KNOWLEDGE, answers)
    decisions = evaluation.decisions
    for topic_id, decision in decisions.items():
        for requirement in KNOWLEDGE.topics[topic_id].requires:
            allowed = max(
                _adoption(decisions[t].verdict, decisions[t].undecided)
                for t in requirement.topics
            )
            assert ADOPTION[decision.verdict] <= allowed, (topic_id, decision.summary)
            if allowed == 0 and decision.verdict != "advise_against":
                # rejected prerequisite: the topic does not arise, said as such
                assert decision.verdict == "not_applicable"
                assert "Not applicable while" in decision.summary or decision.capped is None


@SETTINGS
@given(ANSWERS)
def test_a_topic_whose_preconditions_fail_is_not_applicable(answers: dict[str, Any]) -> None:
    evaluation = evaluate(KNOWLEDGE, answers)
    effective = {**answers, **evaluation.assumed}
    for topic in KNOWLEDGE.topics.values():
        if topic.applies_when is not None and topic.applies_when.evaluate(effective, {}) is False:
            assert evaluation.decisions[topic.id].verdict == "not_applicable", topic.id


@SETTINGS
@given(ANSWERS)
def test_domain_facts_hold_in_every_report(answers: dict[str, Any]) -> None:
    decisions = evaluate(KNOWLEDGE, answers).decisions
    verdict = {t: d.verdict for t, d in decisions.items()}
    if answers.get("services") == 1 or (answers.get("workflow_participants", 2) < 2):
        assert verdict["choreography"] == "not_applicable"
        assert verdict["orchestration"] == "not_applicable"
    if answers.get("consumers") == 0:
        for topic in ("dead_letter_queue", "schema_registry", "partition_key", "sequencing"):
            assert verdict[topic] == "not_applicable", topic
    broker = answers.get("broker")
    if broker in ("sqs_sns", "rabbitmq", "eventbridge", "nats"):
        assert verdict["partition_key"] == "not_applicable"
    if broker not in (None, "kafka", "other", "undecided"):
        assert verdict["static_membership"] in ("not_applicable", "advise_against")
    if verdict["event_sourcing"] == "recommend":
        assert verdict["cqrs"] != "advise_against"
    if verdict["snapshots"] == "recommend":
        assert verdict["event_sourcing"] == "recommend"
    if verdict["event_driven"] in ("advise_against", "not_applicable"):
        for topic in ("choreography", "outbox", "dead_letter_queue", "schema_registry"):
            assert verdict[topic] in ("advise_against", "not_applicable"), topic


@SETTINGS
@given(ANSWERS)
def test_assumptions_are_stated_and_weigh_at_most_normal(answers: dict[str, Any]) -> None:
    evaluation = evaluate(KNOWLEDGE, answers)
    for question, value in evaluation.assumed.items():
        assert question not in answers
        assert KNOWLEDGE.questions[question].typical == value
    for decision in evaluation.decisions.values():
        for assumption in decision.assumptions:
            assert assumption.question in evaluation.assumed
            assert assumption.question in decision.unknown
            assert decision.strength in (None, "weak", "normal")
            assert KNOWLEDGE.questions[assumption.question].title in assumption.description


@SETTINGS
@given(ANSWERS)
def test_flags_and_conflicts_match_the_answers(answers: dict[str, Any]) -> None:
    evaluation = evaluate(KNOWLEDGE, answers)
    raised = {hit.flag.id for hit in evaluation.red_flags}
    if answers.get("compensation") == "none":
        assert not raised & {"choreography_without_compensation", "non_idempotent_compensation"}
    in_place = set(answers.get("safeguards", []))
    for hit in evaluation.red_flags:
        assert hit.flag.safeguard not in in_place
    for hit in evaluation.checks:
        assert hit.flag.safeguard in in_place
    expected = {c.id for c in KNOWLEDGE.conflicts if c.when.evaluate(answers, {}) is True}
    assert {c.conflict.id for c in evaluation.conflicts} == expected
    for hit in evaluation.conflicts:
        assert "{" not in hit.message
        assert set(hit.questions) <= set(answers)


@settings(SETTINGS, max_examples=max(EXAMPLES // 4, 20))
@given(ANSWERS)
def test_sentences_a_person_reads_carry_no_raw_ids(answers: dict[str, Any]) -> None:
    report = build_report(KNOWLEDGE, AnswersFile(answers))
    texts = [d.summary for d in report.decisions.values()]
    texts += [c.message for c in report.evaluation.conflicts]
    texts += [a.description for d in report.decisions.values() for a in d.assumptions]
    texts += [w.description for items in report.what_if.values() for w in items]
    for text in texts:
        leaked = {token for token in ID_TOKEN.findall(text) if token in IDS}
        assert not leaked, (leaked, text)


@settings(SETTINGS, max_examples=max(EXAMPLES // 4, 20))
@given(ANSWERS)
def test_what_if_agrees_with_the_report_it_explains(answers: dict[str, Any]) -> None:
    report = build_report(KNOWLEDGE, AnswersFile(answers))
    for topic, items in report.what_if.items():
        for item in items:
            changed = {**answers, **item.changes}
            assert evaluate(KNOWLEDGE, changed).decisions[topic].verdict == item.verdict
