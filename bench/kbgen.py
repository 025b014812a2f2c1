"""Generated knowledge bases for the engine benchmark, and the in-process engine measurements.

A generated base keeps the shipped questions and topics and replaces the rules with ``n``
synthetic ones (and no red flags, so the rule count is the only thing that grows). Each rule has
a random but valid condition over the shipped questions: an enum is compared with its own
choices, a bool with true or false, an int with a threshold the shipped rules already use (so
the what-if search tries as many values per question as it does on the shipped base, and its
cost can only grow with the rules, not with ever finer integer regions), now and then a pair of
ints, and now and then the verdict of a topic earlier in the shipped order (never a later one,
so no cycle). Rules are built through the pydantic specs, exactly as the loader does, and
checked with the loader's own reference and cycle checks; all of that happens before timing.

The generator is seeded, so every run measures the same bases.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edaadvisor.core import Knowledge, evaluate, load_answers_file
from edaadvisor.core.compiled import CompiledKnowledge
from edaadvisor.core.conditions import AnswerTest
from edaadvisor.core.references import _topic_cycle, reference_problems
from edaadvisor.core.schema import RuleSpec
from edaadvisor.core.whatif import LIMIT, WhatIfSearch, compute_what_if

SEED = 20261129
VERDICTS = ("recommend", "consider", "advise_against", "not_applicable")
STRENGTHS = ("weak", "normal", "normal", "normal", "strong", "decisive")
ORDERED = ("gt", "ge", "lt", "le")


def _thresholds(knowledge: Knowledge) -> dict[str, list[int]]:
    """Per int question, the constants the shipped knowledge compares it with."""
    found: dict[str, set[int]] = {
        q.id: set() for q in knowledge.questions.values() if q.type == "int"
    }
    conditions = [rule.when for rule in knowledge.rules]
    conditions += [flag.when for flag in knowledge.red_flags]
    for condition in conditions:
        for node in condition.walk():
            if isinstance(node, AnswerTest) and node.answer in found:
                operand = node.operand
                if isinstance(operand, int) and not isinstance(operand, bool):
                    found[node.answer].add(operand)
    # a question the shipped rules never compare still needs a value or two to test
    return {
        q: sorted(values) or [knowledge.questions[q].minimum or 0, 10]
        for q, values in found.items()
    }


class _Generator:
    def __init__(self, knowledge: Knowledge, seed: int) -> None:
        self.random = random.Random(seed)
        self.questions = list(knowledge.questions.values())
        self.ints = [q.id for q in self.questions if q.type == "int"]
        self.topics = list(knowledge.topics)
        self.thresholds = _thresholds(knowledge)

    def test(self, topic_index: int) -> dict[str, Any]:
        """One leaf: an answer test, sometimes a pair test or an earlier topic's verdict."""
        pick = self.random.random()
        if pick < 0.05 and topic_index > 0:
            earlier = self.topics[self.random.randrange(topic_index)]
            return {"topic": earlier, "in": self.random.sample(VERDICTS, 2)}
        if pick < 0.10:
            left, right = self.random.sample(self.ints, 2)
            return {"answers": [left, right], "op": self.random.choice(ORDERED)}
        if pick < 0.13:
            question = self.random.choice(self.questions)
            return {"answer": question.id, "known": self.random.random() < 0.5}
        question = self.random.choice(self.questions)
        if question.type == "bool":
            return {"answer": question.id, "eq": self.random.random() < 0.5}
        if question.type == "enum":
            values = question.values
            op = self.random.choice(("eq", "ne", "in", "not_in"))
            if op in ("in", "not_in"):
                return {"answer": question.id, op: self.random.sample(values, 2)}
            return {"answer": question.id, op: self.random.choice(values)}
        if question.type == "list":
            return {"answer": question.id, "contains": self.random.choice(question.values)}
        op = self.random.choice(ORDERED)
        return {"answer": question.id, op: self.random.choice(self.thresholds[question.id])}

    def condition(self, topic_index: int, depth: int = 0) -> dict[str, Any]:
        """A leaf, or all/any/not of one to three conditions, at most two levels deep."""
        pick = self.random.random()
        if depth >= 2 or pick < 0.4:
            return self.test(topic_index)
        if pick < 0.5:
            return {"not": self.condition(topic_index, depth + 1)}
        children = [
            self.condition(topic_index, depth + 1) for _ in range(self.random.randint(1, 3))
        ]
        return {"all" if pick < 0.8 else "any": children}

    def rule(self, index: int) -> dict[str, Any]:
        topic_index = self.random.randrange(len(self.topics))
        return {
            "id": f"gen.rule-{index}",
            "topic": self.topics[topic_index],
            "verdict": self.random.choice(VERDICTS),
            "strength": self.random.choice(STRENGTHS),
            "when": self.condition(topic_index),
            "summary": f"Generated rule {index}.",
            "rationale": "Synthetic, for the engine benchmark.",
            "references": [{"section": "Generated"}],
        }


def generate(shipped: Knowledge, rules: int, seed: int = SEED) -> Knowledge:
    """The shipped questions, topics and brokers with ``rules`` generated rules, no red flags."""
    generator = _Generator(shipped, seed)
    built = [RuleSpec.model_validate(generator.rule(i)).build() for i in range(rules)]
    origin = {
        k: v for k, v in shipped.origin.items() if k.startswith(("question:", "topic:", "broker:"))
    }
    origin.update({f"rule:{rule.id}": "generated" for rule in built})
    # the shipped topics keep their requirements between topics; conflicts and red flags go
    knowledge = _replace(shipped, rules=built, red_flags=[], conflicts=[], origin=origin)
    problems = reference_problems(knowledge)
    cycle = _topic_cycle(knowledge)
    if problems or cycle:
        raise SystemExit(f"generated knowledge is invalid: {problems[:3]} {cycle}")
    return knowledge


def _replace(record: Any, **changes: Any) -> Any:
    """A copy with ``changes``: the core's runtime classes are moving from dataclasses to
    ``Record`` (with its own ``replace``); this works with either."""
    if dataclasses.is_dataclass(record):
        return dataclasses.replace(record, **changes)
    return record.replace(**changes)


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(action: Callable[[], object], budget: float, least: int) -> tuple[float, int]:
    """Median seconds of ``action`` and the calls it took: as many as fit ``budget`` seconds
    (judged by one untimed probe call), at least ``least``, at most 5,000."""
    start = time.perf_counter()
    action()
    probe = time.perf_counter() - start
    calls = max(least, min(5000, int(budget / max(probe, 1e-9))))
    return median_seconds(action, calls), calls


def inputs(knowledge: Knowledge, answers_path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers of ``answers_path`` and the verdicts they give with ``knowledge``."""
    answers = dict(load_answers_file(answers_path, knowledge).answers)
    return answers, evaluate(knowledge, answers).verdicts


def search_size(
    knowledge: Knowledge, answers: dict[str, Any], verdicts: dict[str, str], *, full: bool
) -> dict[str, int]:
    """How much work the what-if search does, counted on an untimed run.

    ``single_evaluations``: changes of one answer tried; ``single_checks``: the search's work
    units for them (rule checks, plus a little per topic looked up: a change re-checks only the
    rules that read what it changed); ``evaluations`` and ``work``: the same for the full search
    (``search_what_if``), which adds two-answer changes for every topic no single change moves,
    within its work budget; ``complete``: 1 when it finished within the budget.
    """
    search = WhatIfSearch(knowledge, answers, verdicts)
    search.singles()
    size = {"single_evaluations": search.evaluations, "single_checks": max(search.work, 1)}
    if full:
        search = WhatIfSearch(knowledge, answers, verdicts)
        singles = search.singles()
        search.scope_pairs([topic for topic, found in singles.items() if not found])
        for topic, found in singles.items():
            if not found:
                search.pairs(topic, LIMIT)
        size.update(
            evaluations=search.evaluations, work=search.work, complete=int(search.complete)
        )
    return size


def engine_actions(
    knowledge: Knowledge, answers: dict[str, Any], verdicts: dict[str, str]
) -> dict[str, Callable[[], object]]:
    """What the engine rows time: the engine, the full what-if, and its one-answer search."""

    def single_changes() -> object:
        # compiling the rules is part of the search's cost, as it is in compute_what_if
        return WhatIfSearch(knowledge, answers, verdicts).singles()

    return {
        "evaluate": lambda: evaluate(knowledge, answers),
        "what_if": lambda: compute_what_if(knowledge, answers, verdicts),
        "single_changes": single_changes,
    }


def repeated_rules_actions(
    knowledge: Knowledge, answers: dict[str, Any], verdicts: dict[str, str], copies: int
) -> tuple[Callable[[], object], Callable[[], object]]:
    """The one-answer search over ``knowledge`` and over its compiled rules ``copies`` times.

    A control for the linearity figure: the copies are the same objects, so ``copies`` times
    the work touches no more memory. If this scales linearly while as many distinct rules do
    not, the difference is the memory the distinct rules occupy, not the algorithm.
    """
    once = CompiledKnowledge(knowledge)
    repeated = CompiledKnowledge(knowledge)
    for topic, rules in repeated.rules.items():
        repeated.rules[topic] = rules * copies
    repeated.readers_of = repeated.index_readers()
    return (
        lambda: WhatIfSearch(knowledge, answers, verdicts, once).singles(),
        lambda: WhatIfSearch(knowledge, answers, verdicts, repeated).singles(),
    )
