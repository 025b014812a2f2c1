"""What-if skips the pairs of changes that cannot move a topic and the values every test
treats alike, and its work stays bounded.

The pruned search must list exactly what trying every pair lists: checked against a reference
search that prunes nothing (kept here only), over random answers on the shipped knowledge and
on small generated bases. Work is counted in the search's own units and changes tried, never
in time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from conftest import EXAMPLES, REPO, some_answers
from edaadvisor.core import Knowledge, evaluate, load_answers_file, load_knowledge, whatif
from edaadvisor.core.pairfinder import ALL
from edaadvisor.core.whatif import LIMIT, WhatIf, WhatIfSearch

sys.path.insert(0, str(REPO / "bench"))
import kbgen

SHIPPED = load_knowledge()
BASES = {
    "shipped": SHIPPED,
    "30": kbgen.generate(SHIPPED, 30),
    "60": kbgen.generate(SHIPPED, 60, 7),
}


class TryEveryPair(WhatIfSearch):
    """The reference: every candidate value, alone and in pairs, is evaluated in full."""

    def _distinct(self, _: str, found: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
        return found  # values the knowledge's tests treat alike are tried one by one too

    def pair_candidates(self, *_: Any) -> Any:
        return _EveryPair()

    def judge_pair(self, *_: Any) -> Any:
        return whatif._UNKNOWN


class _EveryPair:
    known: ClassVar[dict[Any, str]] = {}
    stopped = False

    def values(self, *_: Any) -> Any:
        return ALL


def _search(
    cls: type[WhatIfSearch], knowledge: Knowledge, answers: dict[str, Any]
) -> tuple[dict[str, list[WhatIf]], WhatIfSearch]:
    evaluation = evaluate(knowledge, answers)
    search = cls(knowledge, answers, evaluation.verdicts, assumed=evaluation.assumed)
    search.budget = 10**9  # both searches run to the end: only pruning may differ
    singles = search.singles()
    found = {}
    for topic in knowledge.topics:
        ordered = sorted(singles[topic], key=lambda item: not search.settles_open_question(item[0]))
        items = ordered[:LIMIT] or search.pairs(topic, LIMIT)
        found[topic] = [WhatIf(dict(c), v, search.describe(c)) for c, v in items]
    return found, search


@pytest.mark.parametrize("base", sorted(BASES))
def test_pruned_search_lists_what_trying_every_pair_lists(base: str) -> None:
    knowledge = BASES[base]

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(some_answers(knowledge))
    def check(answers: dict[str, Any]) -> None:
        assert _search(WhatIfSearch, knowledge, answers)[0] == (
            _search(TryEveryPair, knowledge, answers)[0]
        )

    check()


def test_pruning_evaluates_far_fewer_pairs_on_the_example_that_needs_most() -> None:
    # no single answer moves most topics here, so every topic searches pairs
    answers = load_answers_file(EXAMPLES / "video-monitoring.yaml", SHIPPED).answers
    pruned, search = _search(WhatIfSearch, SHIPPED, dict(answers))
    every, reference = _search(TryEveryPair, SHIPPED, dict(answers))
    assert pruned == every
    assert any(len(items[0].changes) == 2 for items in pruned.values() if items)
    tried = (search.evaluations, reference.evaluations)
    assert search.evaluations * 3 < reference.evaluations, tried
    assert search.work * 2 < reference.work, (search.work, reference.work)


@pytest.mark.parametrize("size", [100, 1000])
def test_the_search_stops_within_its_budget_on_generated_bases(size: int) -> None:
    knowledge = kbgen.generate(SHIPPED, size)
    answers, verdicts = kbgen.inputs(knowledge, EXAMPLES / "order-fulfilment.yaml")
    work = kbgen.search_size(knowledge, answers, verdicts, full=True)
    search = WhatIfSearch(knowledge, answers, verdicts)
    # the budget is a multiple of what the evaluation judges
    per_evaluation = whatif.evaluation_work(search.compiled, search.assumed)
    assert search.budget == whatif.BUDGET_PER_EVALUATION * per_evaluation
    # past the budget only the change under way finishes: at most one evaluation's work more
    assert work["work"] <= search.budget + 2 * per_evaluation, work


def test_every_shipped_example_finishes_its_search_well_within_the_budget() -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("workshop/*.yaml")):
        answers = load_answers_file(example, SHIPPED).answers
        evaluation = evaluate(SHIPPED, answers)
        _, complete = whatif.search_what_if(
            SHIPPED, answers, evaluation.verdicts, assumed=evaluation.assumed
        )
        assert complete, example.name
        search = WhatIfSearch(SHIPPED, answers, evaluation.verdicts, assumed=evaluation.assumed)
        singles = search.singles()
        search.scope_pairs([topic for topic, found in singles.items() if not found])
        for topic, found in singles.items():
            if not found:
                search.pairs(topic, LIMIT)
        # the budget leaves room: at least twice what the example takes
        assert search.work * 2 <= search.budget, (example.name, search.work, search.budget)


def _capped() -> None:  # generous: the search takes well under a second and 50 MB here
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (30, 30))
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("shape", ["in-lists", "thresholds"])
def test_packs_that_cut_answers_into_thousands_of_values_stay_bounded(
    tmp_path: Path, shape: str
) -> None:
    """``in:`` lists of 1,600 values (alike to every test: one value tried), or hundreds of
    distinct thresholds on two questions (800 values each to try, 640,000 pairs of them: the
    budget stops it). Either way a plain report within CPU and memory caps, saying if the
    search stopped early."""
    rules = []
    for i in range(6 if shape == "in-lists" else 400):
        if shape == "in-lists":
            listed = list(range(2000 + i, 3600 + i))
            tests = [{"answer": "partitions", "ge": 5000 + i}, {"answer": "services", "in": listed}]
        else:
            tests = [
                {"answer": "services", "ge": 5 + 7 * i},
                {"answer": "partitions", "ge": 8 + 7 * i},
            ]
        rules.append({
            "id": f"wide.r{i}", "topic": "cqrs", "verdict": ("recommend", "advise_against")[i % 2],
            "when": {"all": tests}, "summary": "Wide.", "rationale": "Wide.",
            "references": [{"section": "Events"}],
        })  # fmt: skip
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: wide\nversion: '1'\n")
    (pack / "rules.yaml").write_text(yaml.safe_dump({"rules": rules}, width=1 << 20))
    proc = subprocess.run(
        [sys.executable, "-m", "edaadvisor", "-a", str(EXAMPLES / "order-fulfilment.yaml"),
         "-k", str(pack), "-f", "json"],
        capture_output=True, text=True, timeout=600, preexec_fn=_capped,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-500:]
    report = json.loads(proc.stdout)
    # the 1,600 listed values pass and fail the same tests: the search finishes
    assert report["what_if_complete"] is (shape == "in-lists")
