"""Engine semantics: conflicts, fallback, `unknown`, determinism, Kleene logic, properties.

Synthetic topics and rules (built with the same pydantic models the knowledge files use) pin
down each resolution step on its own; the property tests then run the shipped knowledge over
random answers drawn from every question's domain.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from edaadvisor.core import (
    Knowledge,
    build_report,
    evaluate,
    load_answers_file,
    load_knowledge,
    parse_answers_text,
)
from edaadvisor.core.answers import AnswersFile
from edaadvisor.core.conditions import VERDICTS
from edaadvisor.core.model import Question, Rule
from edaadvisor.core.schema import (
    AllOfSpec,
    AnswerTestSpec,
    AnyOfSpec,
    NotSpec,
    PairTestSpec,
    RuleSpec,
    TopicSpec,
)

# --- hypothesis profiles: quick by default, EDAADVISOR_FUZZ_EXAMPLES=N for a long run ---------

FUZZ_EXAMPLES = int(os.environ.get("EDAADVISOR_FUZZ_EXAMPLES", "0") or 0)
settings.register_profile(
    "edaadvisor-long",
    max_examples=max(FUZZ_EXAMPLES, 1),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def examples(quick: int) -> settings:
    """``quick`` examples normally; the long profile's count when the env var asks for one."""
    return settings(
        settings.get_profile("edaadvisor-long"),
        max_examples=FUZZ_EXAMPLES or quick,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


# --- synthetic knowledge -------------------------------------------------------------------

REF = [{"section": "Event Sourcing"}]


def make_rule(rule_id: str, verdict: str, when: Any, strength: str = "normal") -> Rule:
    return RuleSpec.model_validate(
        {
            "id": rule_id,
            "topic": "t",
            "verdict": verdict,
            "strength": strength,
            "when": when,
            "summary": f"summary of {rule_id}",
            "rationale": "because",
            "references": REF,
        }
    ).build()


def synthetic(knowledge: Knowledge, rules: list[Rule], fallback: str = "consider") -> Knowledge:
    """One topic ``t`` with ``rules``, over the shipped questions."""
    base = knowledge.topics["event_driven"].as_dict()
    base.update(id="t", default={"verdict": fallback, "summary": "Fallback summary."})
    topic = TopicSpec.model_validate(base).build()
    return knowledge.replace(topics={"t": topic}, rules=rules, red_flags=[])


def decide(knowledge: Knowledge, rules: list[Rule], answers: dict[str, Any]) -> Any:
    return evaluate(synthetic(knowledge, rules), answers).decisions["t"]


# --- conflict resolution -------------------------------------------------------------------


def test_stronger_rule_wins_even_when_less_cautious(knowledge: Knowledge) -> None:
    rules = [
        make_rule("against", "advise_against", {"answer": "services", "ge": 2}, "normal"),
        make_rule("for", "recommend", {"answer": "services", "ge": 2}, "strong"),
    ]
    decision = decide(knowledge, rules, {"services": 3})
    assert decision.verdict == "recommend"
    assert decision.rules == ["for"]
    assert decision.strength == "strong"
    assert [f.rule.id for f in decision.overridden] == ["against"]
    assert decision.summary == "summary of for"


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        ("recommend", "consider", "consider"),
        ("recommend", "advise_against", "advise_against"),
        ("consider", "advise_against", "advise_against"),
        ("advise_against", "not_applicable", "not_applicable"),
        ("recommend", "not_applicable", "not_applicable"),
    ],
)
def test_equal_strength_resolves_to_the_most_cautious(
    knowledge: Knowledge, first: str, second: str, winner: str
) -> None:
    for order in ((first, second), (second, first)):  # rule order must not matter
        when = {"answer": "services", "ge": 1}
        rules = [make_rule(f"r{i}", v, when) for i, v in enumerate(order)]
        decision = decide(knowledge, rules, {"services": 1})
        assert decision.verdict == winner
        assert [f.rule.verdict for f in decision.deciding] == [winner]
        assert [f.rule.verdict for f in decision.overridden] == [v for v in order if v != winner]


def test_agreeing_rules_all_decide(knowledge: Knowledge) -> None:
    rules = [
        make_rule("a", "recommend", {"answer": "services", "ge": 2}),
        make_rule("b", "recommend", {"answer": "consumers", "ge": 2}),
        make_rule("weak", "advise_against", {"answer": "consumers", "ge": 2}, "weak"),
    ]
    decision = decide(knowledge, rules, {"services": 3, "consumers": 4})
    assert decision.verdict == "recommend"
    assert decision.rules == ["a", "b"]
    assert decision.answers == {"services": 3, "consumers": 4}
    assert [f.rule.id for f in decision.overridden] == ["weak"]


def test_fallback_when_nothing_fires(knowledge: Knowledge) -> None:
    rules = [make_rule("big", "recommend", {"answer": "services", "ge": 10})]
    decision = decide(knowledge, rules, {"services": 3})
    assert decision.verdict == "consider"
    assert decision.rules == []
    assert decision.strength is None
    assert decision.summary == "Fallback summary."
    assert decision.unknown == []  # the rule is definitely false: nothing left to learn


def test_fallback_summary_names_what_is_undecided(knowledge: Knowledge) -> None:
    rules = [make_rule("big", "recommend", {"answer": "services", "ge": 10})]
    decision = decide(knowledge, rules, {})
    assert decision.verdict == "consider"
    assert decision.unknown == ["services"]
    # in words, not ids: the summary is a sentence a person reads
    assert decision.summary == "Fallback summary. Undecided until the number of services is known."


# --- unknown: exactly the questions that could change the verdict --------------------------


def test_unknown_names_only_rules_that_could_win(knowledge: Knowledge) -> None:
    rules = [
        make_rule("decides", "advise_against", {"answer": "services", "le": 1}),
        # weaker: cannot beat the winner whatever consumers is
        make_rule("weaker", "recommend", {"answer": "consumers", "ge": 3}, "weak"),
        # same strength, less cautious: loses the tie-break whatever events_per_day is
        make_rule("less-cautious", "recommend", {"answer": "events_per_day", "ge": 300}),
        # same verdict: cannot change it
        make_rule("same", "advise_against", {"answer": "replay", "eq": False}, "decisive"),
        # stronger, different verdict: answering broker_experience could change the verdict
        make_rule(
            "stronger", "recommend", {"answer": "broker_experience", "eq": "extensive"}, "strong"
        ),
        # equal strength, more cautious: answering pii could change it
        make_rule("cautious", "not_applicable", {"answer": "pii", "eq": False}),
    ]
    decision = decide(knowledge, rules, {"services": 1})
    assert decision.verdict == "advise_against"
    assert decision.unknown == ["broker_experience", "pii"]


def test_unknown_lists_only_the_missing_answers_of_a_rule(knowledge: Knowledge) -> None:
    when = {"all": [{"answer": "services", "ge": 2}, {"answer": "consumers", "ge": 2}]}
    rules = [make_rule("r", "recommend", when)]
    assert decide(knowledge, rules, {"services": 5}).unknown == ["consumers"]
    assert decide(knowledge, rules, {"services": 1}).unknown == []  # definitely false now


def test_real_partial_answers_name_what_is_undecided(knowledge: Knowledge) -> None:
    answers = {"services": 4, "workflow_participants": 5, "compensation": "non_trivial"}
    evaluation = evaluate(knowledge, answers)
    orchestration = evaluation.decisions["orchestration"]
    assert orchestration.verdict == "recommend"
    # only strong consistency (a strong advise_against) could still overturn it, or a CRUD
    # domain (which has no workflows across services, so no saga)
    assert orchestration.unknown == ["consistency", "crud_only"]
    choreography = evaluation.decisions["choreography"]
    assert choreography.verdict == "advise_against"
    # strong consistency would only agree; a CRUD domain would have no saga at all
    assert choreography.unknown == ["crud_only"]
    outbox = evaluation.decisions["outbox"]
    # its own open question first; then what event-driven architecture, which it requires,
    # still waits for
    assert (outbox.verdict, outbox.unknown[0]) == ("consider", "dual_write")
    assert outbox.summary.endswith(
        "Undecided until whether a service writes its database and publishes is known."
    )


def test_unknown_follows_topic_dependencies(knowledge: Knowledge) -> None:
    # snapshots read event sourcing's verdict; what event sourcing still needs, snapshots need
    answers = {"events_per_aggregate": 20000, "crud_only": False}
    evaluation = evaluate(knowledge, answers)
    # (past states queried "as of" a time is assumed not to be needed, and could change it)
    assert evaluation.decisions["event_sourcing"].unknown == ["audit_history", "temporal_queries"]
    assert "audit_history" in evaluation.decisions["snapshots"].unknown


def test_a_fully_answered_example_leaves_nothing_unknown(knowledge: Knowledge) -> None:
    answers = load_answers_file(EXAMPLES / "order-fulfilment.yaml", knowledge).answers
    evaluation = evaluate(knowledge, answers)
    assert {t: d.unknown for t, d in evaluation.decisions.items() if d.unknown} == {}
    assert evaluation.possible_red_flags == []


# --- determinism ---------------------------------------------------------------------------


def test_same_input_gives_identical_json_bytes(knowledge: Knowledge) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        answers_file = parse_answers_text(text, path.name, knowledge)
        first = build_report(knowledge, answers_file).to_json()
        assert build_report(knowledge, answers_file).to_json() == first
        # the same answers written in another order give the same report, byte for byte
        items = list(answers_file.answers.items())
        random.Random(7).shuffle(items)
        body = "".join(f"  {q}: {json.dumps(v)}\n" for q, v in items)
        head = text.split("answers:")[0]
        shuffled = parse_answers_text(f"{head}answers:\n{body}", path.name, knowledge)
        assert build_report(knowledge, shuffled).to_json() == first, path.name
        # and the decisions do not depend on the order of the mapping handed to the engine
        data = build_report(knowledge, AnswersFile(answers=dict(items))).to_data()
        assert data["decisions"] == json.loads(first)["decisions"]


def test_evaluate_does_not_mutate_its_input(knowledge: Knowledge) -> None:
    answers = {"services": 3, "consumers": 2}
    evaluate(knowledge, answers)
    assert answers == {"services": 3, "consumers": 2}


# --- three-valued (Kleene) logic -----------------------------------------------------------

# services >= 2 is True for 5, False for 1 and unknown when unanswered
TRUTH_ANSWER = {True: 5, False: 1, None: None}


def _leaf(name: str) -> dict[str, Any]:
    return {"answer": name, "ge": 2}


def _answers(values: dict[str, bool | None]) -> dict[str, Any]:
    return {q: TRUTH_ANSWER[v] for q, v in values.items() if v is not None}


def kleene_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def kleene_or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


TRUTHS = [True, False, None]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(TRUTHS, TRUTHS)))
def test_all_any_follow_kleene_truth_tables(a: bool | None, b: bool | None) -> None:
    answers = _answers({"services": a, "consumers": b})
    both = [_leaf("services"), _leaf("consumers")]
    assert AllOfSpec.model_validate({"all": both}).build().evaluate(answers, {}) is kleene_and(a, b)
    assert AnyOfSpec.model_validate({"any": both}).build().evaluate(answers, {}) is kleene_or(a, b)


@pytest.mark.parametrize("a", TRUTHS)
def test_not_keeps_unknown_unknown(a: bool | None) -> None:
    answers = _answers({"services": a})
    expected = None if a is None else not a
    assert (
        NotSpec.model_validate({"not": _leaf("services")}).build().evaluate(answers, {}) is expected
    )


def test_tests_compare_types_strictly() -> None:
    def check(test: dict[str, Any], answers: dict[str, Any]) -> bool | None:
        return AnswerTestSpec.model_validate(test).build().evaluate(answers, {})

    # true is not 1 and 1 is not true
    assert check({"answer": "crud_only", "eq": True}, {"crud_only": 1}) is False
    assert check({"answer": "services", "eq": 1}, {"services": True}) is False
    assert check({"answer": "services", "ge": 1}, {"services": True}) is False
    assert check({"answer": "services", "in": [1, 2]}, {"services": 2}) is True
    assert check({"answer": "services", "not_in": [1, 2]}, {"services": 3}) is True
    assert check({"answer": "consistency", "ne": "strong"}, {}) is None
    # `known` is the one test that is never unknown
    assert check({"answer": "partitions", "known": False}, {}) is True
    assert check({"answer": "partitions", "known": True}, {}) is False
    assert check({"answer": "partitions", "known": True}, {"partitions": 3}) is True


def test_pair_test_is_unknown_until_both_are_answered() -> None:
    pair = PairTestSpec.model_validate(
        {"answers": ["consumer_instances", "partitions"], "op": "gt"}
    ).build()
    assert pair.evaluate({"consumer_instances": 9}, {}) is None
    assert pair.evaluate({"partitions": 3}, {}) is None
    assert pair.evaluate({"consumer_instances": 9, "partitions": 3}, {}) is True
    assert pair.evaluate({"consumer_instances": 3, "partitions": 3}, {}) is False


# --- properties over random answers --------------------------------------------------------

THRESHOLDS = [0, 1, 2, 3, 4, 5, 99, 100, 299, 300, 499, 500, 1000, 20000]


def value_strategy(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "bool":
        return st.booleans()
    if question.type == "enum":
        return st.sampled_from(question.values)
    low = question.minimum if question.minimum is not None else 0
    high = question.maximum if question.maximum is not None else 10**9
    near = [t for t in THRESHOLDS if low <= t <= high]
    return st.one_of(st.sampled_from(near), st.integers(low, high))


@st.composite
def answer_sets(draw: st.DrawFn, knowledge: Knowledge) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in knowledge.questions.values():
        if draw(st.booleans()):
            answers[question.id] = draw(value_strategy(question))
    return answers


KNOWLEDGE = load_knowledge()


@examples(150)
@given(answers=answer_sets(KNOWLEDGE))
def test_every_topic_gets_a_contract_verdict_from_its_own_rules(answers: dict[str, Any]) -> None:
    evaluation = evaluate(KNOWLEDGE, answers)
    assert list(evaluation.decisions) == list(KNOWLEDGE.topics)
    rules = {rule.id: rule for rule in KNOWLEDGE.rules}
    for topic, decision in evaluation.decisions.items():
        assert decision.verdict in VERDICTS
        assert decision.summary
        for finding in (*decision.deciding, *decision.overridden):
            assert finding.rule.id in rules
            assert rules[finding.rule.id].topic == topic
        for finding in decision.deciding:
            # a topic it requires may lower the verdict; the rules' own stands as conditional
            own = decision.capped.before if decision.capped else decision.verdict
            assert finding.rule.verdict == own
        assert set(decision.answers) <= set(answers)
        assert all(answers[q] == v for q, v in decision.answers.items())
        assert not set(decision.unknown) & set(answers)
        assert set(decision.unknown) <= set(KNOWLEDGE.questions)
    json.loads(build_report(KNOWLEDGE, AnswersFile(answers=answers)).to_json())


@examples(300)
@given(data=st.data())
def test_answering_one_more_question_changes_only_what_unknown_predicted(data: Any) -> None:
    answers = data.draw(answer_sets(KNOWLEDGE), label="answers")
    missing = [q for q in KNOWLEDGE.questions if q not in answers]
    if not missing:
        return
    question = data.draw(st.sampled_from(missing), label="question")
    value = data.draw(value_strategy(KNOWLEDGE.questions[question]), label="value")
    before = evaluate(KNOWLEDGE, answers)
    after = evaluate(KNOWLEDGE, {**answers, question: value})
    for topic, decision in before.decisions.items():
        if after.decisions[topic].verdict != decision.verdict:
            assert question in decision.unknown, (
                f"answering {question}={value!r} changed {topic} from {decision.verdict} to "
                f"{after.decisions[topic].verdict}, but {topic}'s unknown was {decision.unknown}"
            )


@examples(100)
@given(answers=answer_sets(KNOWLEDGE))
def test_red_flags_are_listed_once_and_possible_ones_are_not_listed(
    answers: dict[str, Any],
) -> None:
    evaluation = evaluate(KNOWLEDGE, answers)
    listed = [hit.flag.id for hit in evaluation.red_flags]
    assert len(listed) == len(set(listed))
    assert not set(listed) & {p.flag.id for p in evaluation.possible_red_flags}
    order = [flag.id for flag in KNOWLEDGE.red_flags]
    assert listed == [f for f in order if f in listed]


@pytest.mark.parametrize("answers", [{}, {"consumers": 3}])
def test_no_saga_flags_while_nothing_is_known_about_a_saga(
    knowledge: Knowledge, answers: dict[str, Any]
) -> None:
    # a saga topic that only fell back to "consider" is undecided: nothing builds on it
    evaluation = evaluate(knowledge, answers)
    assert "choreography_without_compensation" not in {h.flag.id for h in evaluation.red_flags}
    assert "idem.saga-compensations" not in evaluation.decisions["idempotent_consumers"].rules
    possible = {p.flag.id: p.unknown for p in evaluation.possible_red_flags}
    assert "workflow_participants" in possible["choreography_without_compensation"]
