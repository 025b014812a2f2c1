"""The benchmark suite still runs and prints its table (issue 6, item 4).

Only the cheap engine group, on tiny generated knowledge bases, so it takes seconds. No timing
is asserted: CI machines are too noisy for that; the figures belong in the README, measured.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_bench_prints_a_table_with_the_engine_rows() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--only", "engine",
         "--sizes", "10,20"],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = "| Measured | Median | Baseline (median, same run) | Ratio | Target | Met | Notes |"
    assert header in lines
    rows = [line for line in lines if line.startswith("| ") and "---" not in line][1:]
    measured = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    assert measured[0].startswith("engine `evaluate`, shipped knowledge (")
    assert measured[1:] == [
        "what-if, shipped knowledge",
        "engine `evaluate`, 10 generated rules",
        "engine `evaluate`, 20 generated rules",
        "engine `evaluate`: 20 rules vs 2 x 10 rules",
        "what-if, one-answer changes only, 10 generated rules",
        "what-if, one-answer changes only, 20 generated rules",
        "what-if, one-answer: 20 rules vs 2 x 10 rules",
        "what-if, full search, 10 generated rules",
        "what-if, full search, 20 generated rules",
        "control: what-if, one-answer, the same 10 rules 2 times over",
    ]
    # every row has all seven cells, and the rows with a target say whether it is met
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert len(cells) == 7, row
        if cells[4] != "—":
            assert cells[5] == "yes" or cells[5].startswith("**no**"), row
    assert "EDAADVISOR_CACHE_DIR" in proc.stdout


def test_the_readme_section_is_replaced_between_its_markers_only() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    import readme

    text = "intro\n<!-- bench:start -->\nold table\n<!-- bench:end -->\noutro\n"
    assert readme.replace_section(text, "| new |\n") == (
        "intro\n<!-- bench:start -->\n| new |\n<!-- bench:end -->\noutro\n"
    )
    # the real README has exactly one such section, holding one table with targets
    section = (REPO / "README.md").read_text(encoding="utf-8").split(readme.START)[1]
    assert section.count(readme.END) == 1
    assert "| Measured | Median | Baseline (median, same run) |" in section.split(readme.END)[0]
