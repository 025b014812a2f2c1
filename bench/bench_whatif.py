"""How much the what-if analysis costs next to the engine, on the shipped knowledge base.

Prints the median time of ``evaluate``, of ``compute_what_if`` and of the rest of a JSON run
(loading the knowledge and the answers, evaluating, serialising), per bundled example, and the
ratios. The issue's bar: what-if must cost less than the rest of the run.

    .venv/bin/python bench/bench_whatif.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from edaadvisor.core import Knowledge, evaluate, load_answers_file, load_knowledge
from edaadvisor.core.report import Report
from edaadvisor.core.whatif import compute_what_if

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(knowledge: Knowledge, path: Path, repeat: int) -> tuple[float, float, float]:
    """Median ms of evaluate, of what-if, and of the rest of a JSON run, for one answers file."""
    answers = load_answers_file(path, knowledge).answers
    evaluation = evaluate(knowledge, answers)

    def rest() -> None:
        # what a CLI run does besides what-if: load, validate, evaluate, serialise
        fresh = load_knowledge()
        answers_file = load_answers_file(path, fresh)
        Report(fresh, answers_file, evaluate(fresh, answers_file.answers)).to_json()

    t_eval = median_ms(lambda: evaluate(knowledge, answers), repeat)
    t_what = median_ms(lambda: compute_what_if(knowledge, answers, evaluation.verdicts), repeat)
    t_rest = median_ms(rest, max(5, repeat // 5))
    return t_eval, t_what, t_rest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    knowledge = load_knowledge()
    header = ("example", "evaluate", "what-if", "rest", "wi/eval", "wi/rest")
    print("{:<28} {:>9} {:>9} {:>9} {:>8} {:>8}".format(*header))
    ratios = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        t_eval, t_what, t_rest = measure(knowledge, path, args.repeat)
        ratios.append(t_what / t_rest)
        print(
            f"{path.name:<28} {t_eval:>7.2f}ms {t_what:>7.2f}ms {t_rest:>7.2f}ms "
            f"{t_what / t_eval:>7.1f}x {t_what / t_rest:>7.2f}x"
        )
    print(f"what-if / rest of the run: median {statistics.median(ratios):.2f}x (bar: below 1)")


if __name__ == "__main__":
    main()
