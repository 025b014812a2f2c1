"""How fast the interview appears, and how fast the verdicts follow an answer.

1. Time to the full first screen (the question, the verdict panel's marks and the footer's
   keys), next to the time an empty Textual app takes to show its first screen, measured side
   by side in the same run (alternating, so a busy machine slows both alike). Each sample is a
   fresh process, started by this script, that reports the wall-clock moment that screen has
   been drawn; interpreter start-up and imports count, as they do for a user. Target (issue
   13): ratio <= 1.3.
2. Re-evaluation after an answer, for the shipped knowledge base: what the TUI does on each
   answer (validate it, drop hidden answers, run the engine and the what-if search that the
   reasoning panel shows). Target: median < 16 ms.
3. ``enter`` on an answer to the next question painted, through Pilot (``run_test``) over a
   run of answers that walks the shipped questions (numbers typed and choices moved to before
   ``enter``, untimed). Targets (issue 13): median <= 25 ms, 90th percentile <= 50 ms.

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
from typing import Any

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
import sys, time
from textual.widgets import Footer
try:
    from edaadvisor.tui.widgets.footer import KeyFooter
except ImportError:  # a checkout whose footer is Textual's, a widget per key
    KeyFooter = None

def footer_keys_drawn(screen, drawn):
    # Textual's footer: a widget per key, every one of them laid out; a footer that draws its
    # keys itself: laid out, with the keys it draws already read from the screen's bindings
    footers = screen.query(Footer)
    if footers:
        keys = footers.first().children
        return bool(keys) and all(key in drawn for key in keys)
    footers = screen.query(KeyFooter) if KeyFooter is not None else []
    return bool(footers) and footers.first() in drawn and bool(footers.first().keys)

try:
    from edaadvisor.quickargs import quick_parse
except ImportError:  # a checkout from before quickargs, measured for before/after figures
    import argparse
    def quick_parse(argv):
        return argparse.Namespace(answers=None, knowledge=[], overrides=[])
from edaadvisor.tui.app import AdvisorApp, load_inputs
from edaadvisor.tui.widgets.question import QuestionView
from edaadvisor.tui.widgets.reasoning import ReasoningPanel

class Probe(AdvisorApp):
    shown = False

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is not None and not self._batch_count and not self.shown:
            # the whole first screen: the question, the verdicts in the panel, the footer's keys,
            # each of them laid out in the frame just drawn (not only mounted)
            panels = screen.query(ReasoningPanel)
            views = screen.query(QuestionView)
            drawn = screen._compositor.visible_widgets
            if (
                views and views.first().answer_widget in drawn
                and panels and panels.first().built and panels.first().evaluation is not None
                and all(topics in drawn for topics in panels.first().query("#topics"))
                and footer_keys_drawn(screen, drawn)
            ):
                self.shown = True
                print(time.time(), file=sys.stderr)
                self.exit()

args = quick_parse([])  # what a bare `edaadvisor` reads, as cli.main does
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


def bench_reevaluation(rounds: int) -> tuple[float, float, float]:
    """Median and maximum seconds of one answer re-evaluated (validate, engine, what-if),
    and the median of the engine alone."""
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
    return statistics.median(per_answer), max(per_answer), statistics.median(engine_only)


ANSWER_VALUES = (1, 6, 0, 3, 12, 250_000)
"""Numbers typed into int questions, cycled; those a question refuses are skipped."""


def _choice(question: Any, turn: int) -> str:
    """The value of the answer given to ``question`` on this turn, as a ChoiceSet key."""
    if question.type == "bool":
        return "true" if turn % 2 == 0 else "false"
    return str(question.values[turn % len(question.values)])


async def _drive_answers(app: Any, answers: int) -> list[float]:
    from edaadvisor.tui.screens.interview import InterviewScreen
    from edaadvisor.tui.widgets.question import ChoiceSet

    latencies: list[float] = []
    turn = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot, app)
        while len(latencies) < answers:
            turn += 1
            session = app.session
            question = session.question
            last = session.next_id() is None
            screen = app.screen
            if question.type == "int":
                numbers = [n for n in ANSWER_VALUES if question.accepts(n)]
                await pilot.press("ctrl+u", *str(numbers[turn % len(numbers)]))
            elif question.type == "list":
                # a checklist: tick (or untick) the item under the cursor; enter confirms
                await pilot.press("space")
            else:
                choices = screen.query_one(ChoiceSet)
                # (a ChoiceSet from before issue 13 has no keys: its buttons' names are)
                keys = getattr(choices, "keys", None) or [b.name for b in choices.children]
                steps = keys.index(_choice(question, turn)) - (choices.highlighted_index or 0)
                await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
            await pilot.pause()
            if last:
                # the last question leads to the review screen: not a question painted
                await pilot.press("enter")
                await _settle(pilot, app)
                while not isinstance(app.screen, InterviewScreen):
                    app.pop_screen()
                    await pilot.pause()
                await app.jump_to(next(iter(app.session.visible_ids())))
                await _settle(pilot, app)
                continue
            app.painted_at = None
            app.leaving = question.id
            start = time.perf_counter()
            await pilot.press("enter")
            for _ in range(500):
                if app.painted_at is not None:
                    break
                await pilot.pause(0.001)
            else:
                raise SystemExit(f"the question after {question.id} was never painted")
            app.leaving = None
            latencies.append(app.painted_at - start)
            await _settle(pilot, app)
    return latencies


async def _settle(pilot: Any, app: Any) -> None:
    """Let the work an answer started (timers, the panel, a screen change) finish untimed."""
    await pilot.pause()
    await pilot.pause(0.06)
    await pilot.wait_for_scheduled_animations()


def bench_answers(answers: int) -> list[float]:
    """Seconds from ``enter`` on an answer to the next question painted, per answer (Pilot)."""
    import asyncio

    from edaadvisor.core import load_knowledge
    from edaadvisor.tui.app import AdvisorApp
    from edaadvisor.tui.widgets.question import QuestionView

    class Probe(AdvisorApp):
        leaving: str | None = None
        painted_at: float | None = None

        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if self.leaving is None or self.painted_at is not None:
                return
            if renderable is None or self._batch_count:
                return
            views = screen.query(QuestionView)
            if views and views.first().question.id != self.leaving:
                self.painted_at = time.perf_counter()

    with tempfile.TemporaryDirectory() as state:
        old = os.environ.get("EDAADVISOR_STATE_DIR")
        os.environ["EDAADVISOR_STATE_DIR"] = state
        try:
            app = Probe(load_knowledge())
            return asyncio.run(_drive_answers(app, answers))
        finally:
            if old is None:
                del os.environ["EDAADVISOR_STATE_DIR"]
            else:
                os.environ["EDAADVISOR_STATE_DIR"] = old


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="start-up samples of each app")
    parser.add_argument("--rounds", type=int, default=400, help="answers re-evaluated")
    parser.add_argument("--answers", type=int, default=90, help="answers given through Pilot")
    options = parser.parse_args()

    empty, advisor = bench_startup(options.runs)
    ratio = advisor / empty
    per_answer, slowest, engine = bench_reevaluation(options.rounds)
    print(f"empty Textual app, first screen:  median {empty * 1000:7.1f} ms ({options.runs} runs)")
    print(f"edaadvisor, full first screen:    median {advisor * 1000:7.1f} ms")
    print(f"ratio: {ratio:.2f} (target <= 1.3)")
    print(f"re-evaluation after an answer:    median {per_answer * 1000:7.2f} ms (target < 16)")
    print(f"  slowest of the {options.rounds}:            {slowest * 1000:7.2f} ms (target < 16)")
    print(f"  of which the engine alone:      median {engine * 1000:7.2f} ms")
    latencies = bench_answers(options.answers)
    median = statistics.median(latencies) * 1000
    print(
        f"enter to the next question painted: median {median:7.1f} ms, "
        f"p90 {percentile(latencies, 0.9) * 1000:7.1f} ms ({len(latencies)} answers)"
    )
    p90 = percentile(latencies, 0.9)
    met = ratio <= 1.3 and per_answer < 0.016 and slowest < 0.016
    return 0 if met and median <= 25 and p90 <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
