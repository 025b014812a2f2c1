"""``bench/run.py``'s engine group: ``evaluate`` and what-if in-process, on the shipped
knowledge base and on generated bases (``kbgen.py``), with linearity and memory controls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rows import Row, ms, verdict

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "order-fulfilment.yaml"


def bench_engine(sizes: list[int], quick: bool) -> list[Row]:
    import bench_whatif
    import kbgen

    from edaadvisor.core import load_knowledge

    shipped = load_knowledge()
    repeat = 100 if quick else 400
    # bench_whatif reports milliseconds
    t_eval, t_what, t_rest = (ms_ / 1000 for ms_ in bench_whatif.measure(shipped, EXAMPLE, repeat))
    rows = [
        Row(
            f"engine `evaluate`, shipped knowledge ({len(shipped.rules)} rules)",
            ms(t_eval),
            notes=f"{repeat} calls",
        ),
        Row(
            "what-if, shipped knowledge",
            ms(t_what),
            f"{ms(t_rest)} (rest of a JSON run: load, evaluate, serialise)",
            f"{t_what / t_rest:.2f}",
            "< 1 (issue 5)",
            verdict(t_what / t_rest, 1, strict=True),
            f"{t_what / t_eval:.1f}x `evaluate`",
        ),
    ]
    budget = 0.4 if quick else 2.0
    # the full what-if search is bounded by its work budget (what_if_complete says when it
    # stopped early), so it runs at every size; --quick keeps to the smaller bases
    full_cap = 1000 if quick else 10_000
    found: dict[int, dict[str, Any]] = {}
    for size in sizes:
        knowledge = kbgen.generate(shipped, size)
        answers, verdicts = kbgen.inputs(knowledge, EXAMPLE)
        actions = kbgen.engine_actions(knowledge, answers, verdicts)
        full = size <= full_cap
        found[size] = {"work": kbgen.search_size(knowledge, answers, verdicts, full=full)}
        for name in ("evaluate", "single_changes", "what_if"):
            if name != "what_if" or full:
                found[size][name] = kbgen.timed(actions[name], budget, least=3 if quick else 5)
    rows += generated_rows(found, sizes, full_cap)
    if len(sizes) >= 2 and sizes[-1] % sizes[-2] == 0:
        rows.append(memory_control(shipped, sizes[-2], sizes[-1] // sizes[-2], budget))
    return rows


def memory_control(shipped: Any, size: int, copies: int, budget: float) -> Row:
    """The one-answer search over ``size`` rules, and over the same rules ``copies`` times."""
    import kbgen

    knowledge = kbgen.generate(shipped, size)
    answers, verdicts = kbgen.inputs(knowledge, EXAMPLE)
    once, repeated = kbgen.repeated_rules_actions(knowledge, answers, verdicts, copies)
    t_once, _ = kbgen.timed(once, budget, least=3)
    t_repeated, calls = kbgen.timed(repeated, budget, least=3)
    ratio = t_repeated / (copies * t_once)
    return Row(
        f"control: what-if, one-answer, the same {size:,} rules {copies} times over",
        ms(t_repeated),
        f"{ms(copies * t_once)} ({copies} x {ms(t_once)}, {size:,} rules)",
        f"{ratio:.2f}",
        "<= 2 (within 2x of linear)",
        verdict(ratio, 2.0),
        f"rules compiled once; no growth in memory touched; {calls} calls",
    )


def generated_rows(found: dict[int, dict[str, Any]], sizes: list[int], full_cap: int) -> list[Row]:
    rows = []
    for size in sizes:
        t, calls = found[size]["evaluate"]
        rows.append(
            Row(
                f"engine `evaluate`, {size:,} generated rules",
                ms(t),
                notes=f"{t / size * 1e6:.2f} µs/rule; {calls} calls",
            )
        )
    if len(sizes) >= 2:
        rows.append(linearity(found, "evaluate", "engine `evaluate`", sizes))
    for size in sizes:
        t, calls = found[size]["single_changes"]
        work = found[size]["work"]
        rows.append(
            Row(
                f"what-if, one-answer changes only, {size:,} generated rules",
                ms(t),
                notes=f"{t / size * 1e6:.1f} µs/rule; {work['single_evaluations']} changes, "
                f"{work['single_checks']:,} rules re-decided, "
                f"{t / work['single_checks'] * 1e9:,.0f} ns each; {calls} calls",
            )
        )
    if len(sizes) >= 2:
        rows.append(linearity(found, "single_changes", "what-if, one-answer", sizes))
    for size in sizes:
        label = f"what-if, full search, {size:,} generated rules"
        if "what_if" not in found[size]:
            rows.append(Row(label, "not run", notes=f"capped at {full_cap:,} rules (slow)"))
            continue
        t, calls = found[size]["what_if"]
        t_eval = found[size]["evaluate"][0]
        work = found[size]["work"]
        ratio = t / t_eval
        finished = "finished" if work.get("complete") else "stopped at its work budget"
        rows.append(
            Row(
                label,
                ms(t),
                f"{ms(t_eval)} (`evaluate`, same base)",
                f"{ratio:.1f}",
                "<= 20 (issue 11)",
                verdict(ratio, 20.0),
                f"{work['evaluations']:,} changes tried, {work['work']:,} work units; "
                f"{finished}; {calls} calls",
            )
        )
    return rows


def linearity(found: dict[int, dict[str, Any]], name: str, label: str, sizes: list[int]) -> Row:
    """The largest base's time next to (large / small) times the smallest base's time."""
    small, large = sizes[0], sizes[-1]
    factor = large / small
    t_large, t_small = found[large][name][0], found[small][name][0]
    ratio = t_large / (factor * t_small)
    notes = ""
    if name == "single_changes":
        # the one-answer search re-decides only the topics a change can affect, so a small base
        # does less work per rule: per rule re-decided is the like-for-like comparison
        checks = {n: found[n]["work"]["single_checks"] for n in (small, large)}
        per_check = (t_large / checks[large]) / (t_small / checks[small])
        notes = f"per rule re-decided: {per_check:.2f}x"
    return Row(
        f"{label}: {large:,} rules vs {factor:,.0f} x {small:,} rules",
        ms(t_large),
        f"{ms(factor * t_small)} ({factor:,.0f} x {ms(t_small)})",
        f"{ratio:.2f}",
        "<= 2 (within 2x of linear)",
        verdict(ratio, 2.0),
        notes,
    )
