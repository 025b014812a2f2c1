"""The pair search leaves out only pairs of changes that cannot move a topic.

``pairfinder`` skips most pairs of one-answer changes on an argument about which rules each
change reaches. Here every pair it skips is evaluated in full, on random answers (some left
open, so typical answers are assumed and verdicts lean on them) over the shipped knowledge
and over generated bases whose rules also read other topics' verdicts: none may give the
topic another verdict.
"""

from __future__ import annotations

import sys
from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import REPO, some_answers
from edaadvisor.core import Knowledge, evaluate, load_knowledge
from edaadvisor.core.pairfinder import ALL
from edaadvisor.core.whatif import WhatIfSearch

sys.path.insert(0, str(REPO / "bench"))
import kbgen

SHIPPED = load_knowledge()
BASES = {
    "shipped": SHIPPED,
    "40": kbgen.generate(SHIPPED, 40, 3),
    "80": kbgen.generate(SHIPPED, 80, 11),
    "150": kbgen.generate(SHIPPED, 150, 5),
}


def pairs_misjudged(knowledge: Knowledge, answers: dict[str, Any]) -> list[Any]:
    """For a topic that no single change moves: every pair of candidate values the finder
    leaves out that gives the topic another verdict when evaluated in full, and every pair
    whose verdict the finder worked out otherwise than the full evaluation."""
    evaluation = evaluate(knowledge, answers)
    search = WhatIfSearch(knowledge, answers, evaluation.verdicts, assumed=evaluation.assumed)
    search.budget = 10**12
    wrong = []
    for topic, found in search.singles().items():
        if found:
            continue
        questions = list(search._askable(search.compiled.question_closure.get(topic, [])))
        worth = search.pair_candidates(topic, questions)
        for first, second in combinations(questions, 2):
            chosen = worth.values(first, second)
            for a, _ in search.candidates(first):
                for b, _ in search.candidates(second):
                    change = ((first, a), (second, b))
                    verdict = (search.outcome(change) or {}).get(topic)
                    if change in worth.known:
                        # a verdict the finder worked out itself must be the evaluation's
                        if verdict is not None and str(worth.known[change]) != str(verdict):
                            wrong.append((topic, change, "judged", worth.known[change], verdict))
                    elif (
                        (chosen is None or (chosen is not ALL and (a, b) not in chosen))
                        and verdict is not None
                        and verdict != search.verdicts[topic]
                    ):
                        wrong.append((topic, change, "left out", verdict))
    return wrong


@pytest.mark.parametrize("base", sorted(BASES))
def test_no_pair_left_out_moves_the_topic_and_judged_pairs_are_right(base: str) -> None:
    knowledge = BASES[base]

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(some_answers(knowledge))
    def check(answers: dict[str, Any]) -> None:
        assert pairs_misjudged(knowledge, answers) == []

    check()
