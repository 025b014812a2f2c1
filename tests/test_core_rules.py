"""Every rule fires and stays silent, every red flag and conflict is listed and not: the table
rule_cases.yaml.

A rule *fires* when its condition is definitely true for the answers (with the typical answers
the engine assumes for unanswered questions): it is then among the deciding rules of its topic,
or among the overridden ones when a stronger or more cautious rule wins. The table must name
every rule (the ones a topic's ``applies_when`` declares included), red flag and conflict of the
shipped knowledge, so one added without cases fails here instead of shipping untested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from edaadvisor.core import Knowledge, evaluate, validate_answers

CASES_FILE = Path(__file__).with_name("rule_cases.yaml")
CASES: dict[str, Any] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
BASES: dict[str, dict[str, Any]] = CASES["bases"]


def answers_for(case: dict[str, Any]) -> dict[str, Any]:
    unknown_keys = set(case) - {"base", "set", "unset", "verdict"}
    assert not unknown_keys, f"rule_cases.yaml: unknown case keys {unknown_keys}"
    answers = dict(BASES[case["base"]])
    answers.update(case.get("set", {}))
    for question in case.get("unset", []):
        assert question in answers, f"unset {question!r}: the base does not answer it"
        del answers[question]
    return answers


def _params(section: str, polarity: str) -> list[Any]:
    params = []
    for item_id, spec in CASES[section].items():
        for index, case in enumerate(spec.get(polarity, [])):
            params.append(pytest.param(item_id, case, id=f"{item_id}-{polarity}{index}"))
    return params


def _rule(knowledge: Knowledge, rule_id: str) -> Any:
    matches = [r for r in knowledge.rules if r.id == rule_id]
    assert matches, f"rule_cases.yaml names {rule_id!r}, which the knowledge base does not have"
    return matches[0]


def test_every_rule_has_cases_both_ways(knowledge: Knowledge) -> None:
    rules = CASES["rules"]
    missing = [r.id for r in knowledge.rules if r.id not in rules]
    assert not missing, f"add cases to tests/rule_cases.yaml for the new rules: {missing}"
    one_sided = [r for r, spec in rules.items() if not (spec.get("fires") and spec.get("silent"))]
    assert not one_sided, f"rules need both 'fires' and 'silent' cases: {one_sided}"
    stale = sorted(set(rules) - {r.id for r in knowledge.rules})
    assert not stale, f"tests/rule_cases.yaml names rules that no longer exist: {stale}"


def test_every_red_flag_has_cases_both_ways(knowledge: Knowledge) -> None:
    flags = CASES["red_flags"]
    missing = [f.id for f in knowledge.red_flags if f.id not in flags]
    assert not missing, f"add cases to tests/rule_cases.yaml for the new red flags: {missing}"
    one_sided = [
        fid for fid, spec in flags.items() if not spec.get("listed") or not spec.get("not_listed")
    ]
    assert not one_sided, f"red flags need both 'listed' and 'not_listed' cases: {one_sided}"
    stale = sorted(set(flags) - {f.id for f in knowledge.red_flags})
    assert not stale, f"tests/rule_cases.yaml names red flags that no longer exist: {stale}"


def test_every_conflict_has_cases_both_ways(knowledge: Knowledge) -> None:
    conflicts = CASES["conflicts"]
    assert sorted(conflicts) == sorted(c.id for c in knowledge.conflicts)
    assert all(spec.get("listed") and spec.get("not_listed") for spec in conflicts.values())


@pytest.mark.parametrize(("conflict_id", "case"), _params("conflicts", "listed"))
def test_conflict_listed(knowledge: Knowledge, conflict_id: str, case: dict[str, Any]) -> None:
    answers = validate_answers(answers_for(case), knowledge)
    hits = {hit.conflict.id: hit for hit in evaluate(knowledge, answers).conflicts}
    assert conflict_id in hits
    assert hits[conflict_id].questions and "{" not in hits[conflict_id].message


@pytest.mark.parametrize(("conflict_id", "case"), _params("conflicts", "not_listed"))
def test_conflict_not_listed(knowledge: Knowledge, conflict_id: str, case: dict[str, Any]) -> None:
    answers = validate_answers(answers_for(case), knowledge)
    assert conflict_id not in {hit.conflict.id for hit in evaluate(knowledge, answers).conflicts}


def test_contract_red_flags_are_all_in_the_knowledge(knowledge: Knowledge) -> None:
    contract = {
        "no_partition_key",
        "dual_write_without_outbox",
        "no_dlq",
        "unversioned_schema_changes",
        "choreography_without_compensation",
        "no_idempotency",
        "cross_partition_ordering_assumed",
        "consumers_exceed_partitions",
    }
    assert contract <= {f.id for f in knowledge.red_flags}


@pytest.mark.parametrize("base", sorted(BASES))
def test_bases_are_valid_answers(knowledge: Knowledge, base: str) -> None:
    assert validate_answers(BASES[base], knowledge) == {
        q: BASES[base][q] for q in knowledge.questions if q in BASES[base]
    }


@pytest.mark.parametrize(("rule_id", "case"), _params("rules", "fires"))
def test_rule_fires(knowledge: Knowledge, rule_id: str, case: dict[str, Any]) -> None:
    rule = _rule(knowledge, rule_id)
    answers = validate_answers(answers_for(case), knowledge)
    evaluation = evaluate(knowledge, answers)
    effective = {**answers, **evaluation.assumed}
    assert rule.when.evaluate(effective, evaluation.verdicts) is True
    decision = evaluation.decisions[rule.topic]
    fired = [f.rule.id for f in (*decision.deciding, *decision.overridden)]
    assert rule_id in fired, f"{rule_id} did not fire; {rule.topic} decided by {decision.rules}"
    if "verdict" in case:
        assert rule_id in decision.rules, (
            f"{rule_id} fired but {decision.rules} decided {rule.topic} ({decision.verdict})"
        )
        assert decision.verdict == case["verdict"]
        if decision.capped is None:
            assert decision.verdict == rule.verdict
            assert decision.summary in [f.rule.summary for f in decision.deciding]
        else:
            # a required topic lowered it: the rule's own verdict stands as conditional advice
            assert decision.capped.before == rule.verdict
            assert rule.summary[1:] in decision.summary
        # the decision names the answers its rules read, with the values given
        for question in rule.when.questions():
            if question in answers:
                assert decision.answers[question] == answers[question]


@pytest.mark.parametrize(("rule_id", "case"), _params("rules", "silent"))
def test_rule_stays_silent(knowledge: Knowledge, rule_id: str, case: dict[str, Any]) -> None:
    rule = _rule(knowledge, rule_id)
    answers = validate_answers(answers_for(case), knowledge)
    evaluation = evaluate(knowledge, answers)
    effective = {**answers, **evaluation.assumed}
    assert rule.when.evaluate(effective, evaluation.verdicts) is False, (
        "a silent case must make the condition definitely false, not merely undecided"
    )
    decision = evaluation.decisions[rule.topic]
    fired = [f.rule.id for f in (*decision.deciding, *decision.overridden)]
    assert rule_id not in fired
    if "verdict" in case:
        assert decision.verdict == case["verdict"]


@pytest.mark.parametrize(("flag_id", "case"), _params("red_flags", "listed"))
def test_red_flag_listed(knowledge: Knowledge, flag_id: str, case: dict[str, Any]) -> None:
    answers = validate_answers(answers_for(case), knowledge)
    hits = {hit.flag.id: hit for hit in evaluate(knowledge, answers).red_flags}
    assert flag_id in hits
    flag = hits[flag_id].flag
    assert flag.title and flag.why and flag.mitigation
    for question in flag.when.questions():
        if question in answers:
            assert hits[flag_id].answers[question] == answers[question]


@pytest.mark.parametrize(("flag_id", "case"), _params("red_flags", "not_listed"))
def test_red_flag_not_listed(knowledge: Knowledge, flag_id: str, case: dict[str, Any]) -> None:
    answers = validate_answers(answers_for(case), knowledge)
    evaluation = evaluate(knowledge, answers)
    assert flag_id not in {hit.flag.id for hit in evaluation.red_flags}
    # and not as "possibly" either: a not-listed case is one where the flag cannot happen
    assert flag_id not in {p.flag.id for p in evaluation.possible_red_flags}
