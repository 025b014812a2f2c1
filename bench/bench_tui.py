"""How fast the interview appears, and how fast the verdicts follow an answer.

1. Time to the first question on screen, next to the time an empty Textual app takes to show
   its first screen, measured side by side in the same run (alternating, so a busy machine
   slows both alike). Each sample is a fresh process, started by this script, that reports the
   wall-clock moment its first screen has been drawn; interpreter start-up and imports count,
   as they do for a user. Target: ratio <= 1.5.
2. Re-evaluation after an answer, for the shipped knowledge base: what the TUI does on each
   answer (validate it, drop hidden answers, run the engine and the what-if search that the
   reasoning panel shows). Target: median < 16 ms.

Usage: ``python bench/bench_tui.py [--runs N]``. Prints medians and the ratio; exits 1 when a
target is missed, so CI can run it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "order-fulfilment.yaml"

# Both children stop at the first frame Textual writes out (App._display, private but the one
# place a frame leaves the app) that shows what the user waits for: any screen for the empty
# app, the interview with its question for edaadvisor.
EMPTY_CHILD = """
import sys, time
from textual.app import App

class Empty(App[None]):
    shown = False

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is not None and not self._batch_count and not self.shown:
            self.shown = True
            print(time.time(), file=sys.stderr)
            self.exit()

Empty().run(headless=True, size=(80, 24))
"""

ADVISOR_CHILD = """
import argparse, sys, time
from edaadvisor.tui.app import AdvisorApp, load_inputs
from edaadvisor.tui.widgets.question import QuestionView

class Probe(AdvisorApp):
    shown = False

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is not None and not self._batch_count and not self.shown:
            if screen.query(QuestionView):
                self.shown = True
                print(time.time(), file=sys.stderr)
                self.exit()

args = argparse.Namespace(answers=None, knowledge=[], overrides=[])
knowledge, answers = load_inputs(args)
Probe(knowledge, answers, options=args).run(headless=True, size=(80, 24))
"""


def first_screen_seconds(child: str, env: dict[str, str]) -> float:
    start = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, env=env, timeout=60
    )
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr}")
    shown = float(proc.stderr.strip().splitlines()[-1])
    return shown - start


def bench_startup(runs: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as state:
        # an empty state directory: no resume dialog before the first question
        env = {**os.environ, "EDAADVISOR_STATE_DIR": state}
        first_screen_seconds(EMPTY_CHILD, env)  # warm the OS file cache for both
        first_screen_seconds(ADVISOR_CHILD, env)
        empty: list[float] = []
        advisor: list[float] = []
        for _ in range(runs):
            empty.append(first_screen_seconds(EMPTY_CHILD, env))
            advisor.append(first_screen_seconds(ADVISOR_CHILD, env))
    return statistics.median(empty), statistics.median(advisor)


def bench_reevaluation(rounds: int) -> tuple[float, float]:
    from edaadvisor.core import load_answers_file, load_knowledge
    from edaadvisor.tui.session import Interview

    knowledge = load_knowledge()
    interview = Interview.from_answers_file(knowledge, load_answers_file(EXAMPLE, knowledge))
    # alternate answers that move verdicts and hide/show questions, as a user changing a mind
    changes = [
        ("workflow_participants", 1),
        ("workflow_participants", 6),
        ("dual_write", False),
        ("dual_write", True),
        ("consumers", 0),
        ("consumers", 5),
        ("audit_history", True),
        ("audit_history", False),
    ]
    per_answer: list[float] = []
    engine_only: list[float] = []
    for index in range(rounds):
        question, value = changes[index % len(changes)]
        start = time.perf_counter()
        interview.set_answer(question, value)
        interview.what_if(interview.evaluate())
        per_answer.append(time.perf_counter() - start)
        start = time.perf_counter()
        interview.evaluate()
        engine_only.append(time.perf_counter() - start)
    return statistics.median(per_answer), statistics.median(engine_only)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="start-up samples of each app")
    parser.add_argument("--rounds", type=int, default=400, help="answers re-evaluated")
    options = parser.parse_args()

    empty, advisor = bench_startup(options.runs)
    ratio = advisor / empty
    per_answer, engine = bench_reevaluation(options.rounds)
    print(f"empty Textual app, first screen:  median {empty * 1000:7.1f} ms ({options.runs} runs)")
    print(f"edaadvisor, first question shown: median {advisor * 1000:7.1f} ms")
    print(f"ratio: {ratio:.2f} (target <= 1.5)")
    print(f"re-evaluation after an answer:    median {per_answer * 1000:7.2f} ms (target < 16)")
    print(f"  of which the engine alone:      median {engine * 1000:7.2f} ms")
    return 0 if ratio <= 1.5 and per_answer < 0.016 else 1


if __name__ == "__main__":
    sys.exit(main())
