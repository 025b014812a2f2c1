"""Every benchmark in one command, printed as a Markdown table (issue 6, item 4).

    .venv/bin/python bench/run.py [--runs N] [--quick] [--only cli,tui,engine,mcp] [--sizes ...]

Each figure is a median, and each baseline is measured in the same run, because the machines
this runs on are shared and noisy: absolute times lie, ratios to a baseline much less so.

* ``cli``: the JSON and the Markdown (ADR) paths of the console script next to importing the
  libraries each really imports (``yaml, pydantic``; ``yaml, pydantic, jinja2``), and a first
  run on an empty cache next to a warm one. Subprocess wall clock; the commands take turns
  within each round (one warm-up each first), so a busy spell slows all of them alike.
* ``tui``: the full first screen (question, verdict panel and footer keys) next to an empty
  Textual app's first screen; ``enter`` to the next question painted, driven through Pilot;
  the re-evaluation after one answer (``bench_tui.py``'s methods).
* ``engine``: ``evaluate`` and what-if in-process (``perf_counter``, median of many calls) on
  the shipped knowledge base and on generated bases of ``--sizes`` rules (``kbgen.py``).
* ``mcp``: ``edaadvisor mcp``'s start (to the initialize reply) next to ``python -c "import
  mcp"``, and one ``advise`` call next to a ``ping`` on the same server (``bench_mcp.py``);
  left out when the ``mcp`` extra is not installed.

The compiled knowledge base is cached under a signature of its files' names, sizes and
modification times (``core/cache.py``) and the first run fills the cache, so every run here
uses a fresh temporary ``EDAADVISOR_CACHE_DIR`` that is warmed before timing: the figures are
those of a user's second and later runs, except the first-run row, which empties it each time.

``--readme`` also writes the output into README.md between the ``bench:start`` and
``bench:end`` markers, so the README's figures are this output, not a copy of it by hand.
``bench_json.py``, ``bench_tui.py`` and ``bench_whatif.py`` still run on their own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# run as a script, this folder is on sys.path: the single-purpose scripts are importable
import bench_tui
import engine_rows
from rows import Row, ms, verdict

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "order-fulfilment.yaml"
GROUPS = ("cli", "tui", "engine", "mcp")


# -- subprocess figures -------------------------------------------------------------------


def wall(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return time.perf_counter() - start


def cold_json(command: list[str]) -> float:
    """The JSON path on an empty knowledge cache: what a user's very first run costs."""
    with tempfile.TemporaryDirectory(prefix="edaadvisor-bench-cold-") as empty:
        return wall(command, {**os.environ, "EDAADVISOR_CACHE_DIR": empty})


def bench_cli(runs: int) -> list[Row]:
    python = Path(sys.executable)
    script = str(python.with_name("edaadvisor"))
    json_command = [script, "--answers", str(EXAMPLE), "--format", "json"]
    commands = {
        "json": json_command,
        "json_base": [str(python), "-c", "import yaml, pydantic"],
        "markdown": [script, "--answers", str(EXAMPLE)],
        # what the ADR path really imports (check with -X importtime): no markdown_it
        "markdown_base": [str(python), "-c", "import yaml, pydantic, jinja2"],
        "json_cold": json_command,
        # a pack (or an edited base) has no validated snapshot shipped: pydantic checks it
        "pack_cold": [*json_command, "--knowledge", str(REPO / "examples" / "policy-pack")],
    }
    run = {name: (cold_json if name.endswith("_cold") else wall) for name in commands}
    for name, command in commands.items():
        run[name](command)  # warm the OS file cache and the .pyc files
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for round_ in range(runs):
        # rotate who goes first, so no command always runs right after the same neighbour
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(run[name](commands[name]))
    med = {name: statistics.median(values) for name, values in times.items()}
    json_ratio = med["json"] / med["json_base"]
    md_ratio = med["markdown"] / med["markdown_base"]
    cold_ratio = med["json_cold"] / med["json"]
    # paired per round: both paths ran within the same second or so
    extra = statistics.median(m - j for m, j in zip(times["markdown"], times["json"], strict=True))
    return [
        Row(
            "JSON path: `edaadvisor --answers order-fulfilment.yaml --format json`",
            ms(med["json"]),
            f'{ms(med["json_base"])} (`python -c "import yaml, pydantic"`)',
            f"{json_ratio:.2f}",
            "<= 1.15 (issue 13)",
            verdict(json_ratio, 1.15),
            f"{runs} runs each",
        ),
        Row(
            "Markdown path: `edaadvisor --answers order-fulfilment.yaml` (the ADR)",
            ms(med["markdown"]),
            f'{ms(med["markdown_base"])} (`python -c "import yaml, pydantic, jinja2"`)',
            f"{md_ratio:.2f}",
            "<= 1.15 (issue 13)",
            verdict(md_ratio, 1.15),
            f"{runs} runs each",
        ),
        Row(
            "ADR path's extra time over the JSON path",
            f"+{extra * 1000:.0f} ms",
            f"{ms(med['json'])} (JSON path)",
            f"{med['markdown'] / med['json']:.2f}",
            "<= +100 ms (issue 3)",
            verdict(extra, 0.1),
            "median of per-round differences",
        ),
        Row(
            "First run, empty knowledge cache: the JSON path",
            ms(med["json_cold"]),
            f"{ms(med['json'])} (the same command, warm cache)",
            f"{cold_ratio:.2f}",
            "<= 1.5 (issue 13)",
            verdict(cold_ratio, 1.5),
            f"{runs} runs, a fresh empty EDAADVISOR_CACHE_DIR each; the shipped knowledge "
            "comes validated with the package",
        ),
        Row(
            "First run, empty cache, with a knowledge pack (validated with pydantic)",
            ms(med["pack_cold"]),
            f"{ms(med['json'])} (the JSON path without the pack, warm cache)",
            f"{med['pack_cold'] / med['json']:.2f}",
            "—",
            "—",
            "what a first run costs when there is no validated snapshot: a pack or an "
            "edited base",
        ),
    ]


def reevaluation(rounds: int) -> tuple[float, float, float]:
    """``bench_tui.bench_reevaluation`` in a process of its own: after the Pilot runs above,
    this one's heap holds thousands of dead widgets, and collecting them lands in whichever
    answer happens to be timed then, a cost no interview process carries."""
    probe = (
        "import json, bench_tui\n"
        f"print(json.dumps(bench_tui.bench_reevaluation({rounds})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).parent,
        check=True,
        capture_output=True,
        text=True,
    )
    median, slowest, engine = json.loads(proc.stdout)
    return float(median), float(slowest), float(engine)


def bench_tui_rows(runs: int, rounds: int, answers: int) -> list[Row]:
    empty, advisor = bench_tui.bench_startup(runs)
    latencies = bench_tui.bench_answers(answers)
    median, p90 = statistics.median(latencies), bench_tui.percentile(latencies, 0.9)
    per_answer, slowest, engine_only = reevaluation(rounds)
    return [
        Row(
            "TUI: full first screen (question, verdict panel, footer keys)",
            ms(advisor),
            f"{ms(empty)} (empty Textual app, first screen)",
            f"{advisor / empty:.2f}",
            "<= 1.3 (issue 13)",
            verdict(advisor / empty, 1.3),
            f"{runs} runs each, headless 80x24",
        ),
        Row(
            "TUI: `enter` to the next question painted, median",
            ms(median),
            target="<= 25 ms (issue 13)",
            met=verdict(median, 0.025),
            notes=f"{len(latencies)} answers through Pilot, headless 80x24, shipped knowledge",
        ),
        Row(
            "TUI: `enter` to the next question painted, 90th percentile",
            ms(p90),
            target="<= 50 ms (issue 13)",
            met=verdict(p90, 0.050),
            notes=f"the same {len(latencies)} answers",
        ),
        Row(
            "TUI: re-evaluation after one answer (validate, engine, what-if)",
            ms(per_answer),
            target="< 16 ms (issue 4)",
            met=verdict(per_answer, 0.016, strict=True),
            notes=f"engine alone {ms(engine_only)}; {rounds} answers",
        ),
        Row(
            "TUI: re-evaluation after one answer, slowest",
            ms(slowest),
            target="< 16 ms (issue 11)",
            met=verdict(slowest, 0.016, strict=True),
            notes=f"the same {rounds} answers, in a process of their own",
        ),
    ]


def bench_mcp_rows(runs: int, calls: int) -> list[Row]:
    from importlib.util import find_spec

    if find_spec("mcp") is None:
        return [Row("MCP server", "not run", notes="the mcp extra is not installed")]
    import bench_mcp

    start, base = bench_mcp.measure_start(runs)
    found = bench_mcp.measure_calls(calls)
    advise = found["advise"]
    return [
        Row(
            "MCP server start: `edaadvisor mcp` to the initialize reply",
            ms(start),
            f'{ms(base)} (`python -c "import mcp"`)',
            f"{start / base:.2f}",
            "<= 1.5 (issue 12)",
            verdict(start / base, bench_mcp.START_TARGET),
            f"{runs} runs each",
        ),
        Row(
            "MCP tool call: `advise` on order-fulfilment, one round trip",
            ms(advise),
            f"{ms(found['ping'])} (`ping` on the same server)",
            f"{advise / found['ping']:.1f}",
            "< 50 ms (issue 12)",
            verdict(advise, bench_mcp.CALL_TARGET, strict=True),
            f"{calls} calls; first call {ms(found['first_advise'])}; "
            f"next_questions {ms(found['next_questions'])}",
        ),
    ]


# -- output -------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def table(rows: list[Row]) -> str:
    header = ["Measured", "Median", "Baseline (median, same run)", "Ratio", "Target", "Met"]
    lines = ["| " + " | ".join([*header, "Notes"]) + " |", "|" + "---|" * (len(header) + 1)]
    for row in rows:
        cells = [row.measured, row.median, row.baseline, row.ratio, row.target, row.met]
        lines.append("| " + " | ".join([*cells, row.notes]) + " |")
    return "\n".join(lines)


def warm_cache(folder: str) -> int:
    """Run the JSON path once so the knowledge cache is filled; return its entries."""
    script = Path(sys.executable).with_name("edaadvisor")
    subprocess.run(
        [str(script), "--answers", str(EXAMPLE), "--format", "json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return len(list(Path(folder).iterdir()))


def compile_bytecode() -> str:
    """Compile the package's modules to ``.pyc`` once, before timing, as pip does on install.

    An editable install under ``PYTHONDONTWRITEBYTECODE`` (set on these machines) would
    otherwise parse every module of ours from source on every run, while the baselines'
    libraries were compiled when pip installed them: the ratio would measure the compiler."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("edaadvisor")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)
    return ", ".join(folders) or "the edaadvisor package (not found)"


def load() -> str:
    """The load averages (1, 5, 15 min): how busy the shared machine was."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def _relative(folders: str) -> str:
    """The package folder as the reader's checkout or venv names it, not this machine's path."""
    parts = []
    for folder in folders.split(", "):
        path = Path(folder)
        parts.append(str(path.relative_to(REPO)) if path.is_relative_to(REPO) else path.name)
    return ", ".join(parts)


def commit() -> str:
    proc = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return proc.stdout.strip() or "unknown"


def report(
    rows: list[Row], *, entries: int, seconds: float, loads: tuple[str, str], bytecode: str
) -> str:
    """The whole output, in Markdown: what the README's Benchmarks section shows verbatim."""
    missed = [row for row in rows if row.met.startswith("**no**")]
    lines = [
        f"Measured at commit {commit()} by `bench/run.py {' '.join(sys.argv[1:])}`".rstrip()
        + f", which took {seconds:.0f} s.",
        f"Machine: {machine()}; load average (1, 5, 15 min) {loads[0]} before and "
        f"{loads[1]} after the run, on 2 cores shared with other work: read the ratios, "
        "not the absolute times.",
        f"Knowledge cache: a fresh temporary EDAADVISOR_CACHE_DIR, warmed by one run before "
        f"timing ({entries} file{'' if entries == 1 else 's'} in it), so these are a user's "
        "second and later runs (except the first-run row).",
        f"Bytecode: the package ({_relative(bytecode)}) compiled to .pyc before timing, as "
        "`pip install` does; the baselines' libraries have theirs from their install.",
        "",
        table(rows),
        "",
        *(f"- {note}" for note in NOTES),
        "",
    ]
    if missed:
        with_target = sum(1 for row in rows if row.target != "—")
        lines.append(f"Missing its target in this run ({len(missed)} of {with_target}):")
        for row in missed:
            figure = f"ratio {row.ratio}" if row.ratio != "—" else row.median
            over = row.met.removeprefix("**no** (").removesuffix(")")
            lines.append(f"- {row.measured}: {figure} against {row.target}, {over} over")
    else:
        lines.append("Every figure with a target met it in this run.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="subprocess runs per figure (15; quick: 5)")
    parser.add_argument("--quick", action="store_true", help="fewer runs: about a minute")
    parser.add_argument("--only", default=",".join(GROUPS), help="groups: cli,tui,engine,mcp")
    parser.add_argument(
        "--sizes", default="100,1000,10000", help="rules in the generated knowledge bases"
    )
    parser.add_argument("--answers", type=int, help="answers given through Pilot (90; quick: 30)")
    parser.add_argument(
        "--readme", action="store_true", help="also write the output into README.md's section"
    )
    args = parser.parse_args(argv)
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    if unknown := sorted(set(groups) - set(GROUPS)):
        parser.error(f"unknown group {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    runs = args.runs or (5 if args.quick else 15)
    answers = args.answers or (30 if args.quick else 90)

    started, before = time.perf_counter(), load()
    bytecode = compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="edaadvisor-bench-cache-") as cache:
        # children inherit it, and the in-process loads read it at call time
        os.environ["EDAADVISOR_CACHE_DIR"] = cache
        entries = warm_cache(cache)
        rows: list[Row] = []
        if "cli" in groups:
            rows += bench_cli(runs)
        if "tui" in groups:
            rows += bench_tui_rows(runs, 100 if args.quick else 400, answers)
        if "engine" in groups:
            rows += engine_rows.bench_engine(sizes, args.quick)
        if "mcp" in groups:
            rows += bench_mcp_rows(runs, 20 if args.quick else 50)
    text = report(
        rows,
        entries=entries,
        seconds=time.perf_counter() - started,
        loads=(before, load()),
        bytecode=bytecode,
    )
    print(text, end="")
    if args.readme:
        import readme

        readme.write_section(REPO / "README.md", text)
    return 0


NOTES = (
    "Subprocess figures (cli, tui): wall clock, median of the runs; advisor and baseline take "
    "turns within each round after one warm-up each. Engine figures: perf_counter in-process, "
    "median of as many calls as fit the time budget (at least 3); generating and checking the "
    "bases is not timed.",
    "Generated bases: the shipped questions and topics with N seeded random rules "
    "(bench/kbgen.py), no red flags; int thresholds are drawn from those the shipped rules "
    "use, which caps the values what-if tries per question at the shipped base's.",
    "What-if's full search adds two-answer changes for every topic no single change moves; "
    "random bases have more such topics as they grow, so it stops at a work budget of rule "
    "checks (never time: the output stays deterministic) and the report says so in "
    "what_if_complete. The one-answer search re-checks only the rules a change touches, so it "
    "is the what-if figure to judge linearity by, per rule and per rule re-decided.",
    "The control row runs the one-answer search over the same compiled rules repeated: as "
    "many rule checks as the largest base but no more memory touched. When it is linear and "
    "the distinct rules are not, the extra cost is memory (caches), not the algorithm.",
)


if __name__ == "__main__":
    sys.exit(main())
