"""``evaluate`` does work linear in the rules: a ten-times larger knowledge base (a big policy
pack) must not cost a hundred times more. Counted in Python function calls, which are the
same on a busy machine and a quiet one; the timings live in ``bench/``.
"""

from __future__ import annotations

import cProfile
import pstats
import sys

from conftest import EXAMPLES, REPO

sys.path.insert(0, str(REPO / "bench"))
import kbgen

from edaadvisor.core import Knowledge


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
