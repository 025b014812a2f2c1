"""``evaluate`` does work linear in the rules: a ten-times larger knowledge base (a big policy
pack) must not cost a hundred times more, nor a long ``in:`` list a scan per answer. Counted
in Python function calls, which are the same on a busy machine and a quiet one; the timings
live in ``bench/``.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES, REPO

sys.path.insert(0, str(REPO / "bench"))
import kbgen

from edaadvisor.core import Knowledge
from edaadvisor.core.compiled import compile_condition
from edaadvisor.core.conditions import AnswerTest
from edaadvisor.core.regions import _cuts


def _calls(knowledge: Knowledge, size: int) -> int:
    generated = kbgen.generate(knowledge, size)
    answers, verdicts = kbgen.inputs(generated, EXAMPLES / "order-fulfilment.yaml")
    evaluate = kbgen.engine_actions(generated, answers, verdicts)["evaluate"]
    evaluate()  # compiles the rules once, as a run does before it evaluates
    profile = cProfile.Profile()
    profile.enable()
    evaluate()
    profile.disable()
    return int(pstats.Stats(profile).total_calls)


def test_evaluate_work_grows_linearly_with_the_rules(knowledge: Knowledge) -> None:
    small, large = _calls(knowledge, 500), _calls(knowledge, 4000)
    # 8x the rules; explanations once compared rules field by field, which made it 20x and more
    assert large <= 10 * small, (small, large)


SCALARS = st.one_of(st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b"]), st.none())


@given(value=SCALARS, listed=st.lists(SCALARS.filter(lambda v: v is not None), max_size=6))
def test_a_listed_answer_test_matches_as_the_condition_says(value: Any, listed: list[Any]) -> None:
    # the compiled test looks values up in a set; True is still not 1, nor 0 False
    for op in ("in", "not_in"):
        node = AnswerTest(answer="q", **{"in_" if op == "in" else op: listed})
        answers = {} if value is None else {"q": value}
        assert compile_condition(node)(answers, {}) == node.evaluate(answers, {})


def test_a_run_of_listed_numbers_is_one_region_to_try() -> None:
    assert _cuts("in", list(range(2000, 3600))) == {2000, 3600}
    assert _cuts("not_in", [1, 2, 3, 7, 9, 10]) == {1, 4, 7, 8, 9, 11}
