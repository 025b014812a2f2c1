"""How long `edaadvisor --answers FILE --format json` takes next to importing its libraries.

Prints the median wall time of the console script on a bundled example and of
``python -c "import yaml, pydantic"``, both measured in this run (interleaved, so machine noise
hits both alike), and their ratio. Issue 2's target: a ratio of at most 1.5, i.e. the JSON path
costs little beyond the libraries it cannot avoid.

    .venv/bin/python bench/bench_json.py [--runs N] [--answers FILE]

The interpreter is the one running this script; the script is the ``edaadvisor`` next to it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = 1.5


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument(
        "--answers", type=Path, default=REPO / "examples" / "order-fulfilment.yaml"
    )
    args = parser.parse_args(argv)

    python = Path(sys.executable)
    script = python.with_name("edaadvisor")
    if not script.exists():
        print(f"bench_json: no edaadvisor script next to {python}", file=sys.stderr)
        return 2
    advisor = [str(script), "--answers", str(args.answers), "--format", "json"]
    baseline = [str(python), "-c", "import yaml, pydantic"]

    wall(advisor)  # warm the file system cache and .pyc files before measuring
    wall(baseline)
    advisor_times: list[float] = []
    baseline_times: list[float] = []
    for _ in range(args.runs):
        advisor_times.append(wall(advisor))
        baseline_times.append(wall(baseline))

    json_ms = statistics.median(advisor_times) * 1000
    import_ms = statistics.median(baseline_times) * 1000
    ratio = json_ms / import_ms
    print(f"edaadvisor --format json        median {json_ms:7.1f} ms  ({args.runs} runs)")
    print(f'python -c "import yaml, pydantic" median {import_ms:7.1f} ms  ({args.runs} runs)')
    verdict = "ok" if ratio <= TARGET else "over target"
    print(f"ratio {ratio:.2f} (target <= {TARGET}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
