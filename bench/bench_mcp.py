"""How fast ``edaadvisor mcp`` starts and answers, next to baselines measured in the same run.

* Start: from spawning ``edaadvisor mcp`` to the ``initialize`` reply on stdout, next to
  ``python -c "import mcp"`` from spawning to its first line of output (the SDK's own
  import, which any server built on it pays; neither figure includes an interpreter exit).
  Rounds alternate the two, after one warm-up each. Target: a ratio of at most 1.5.
* A tool call: ``advise`` on the bundled order-fulfilment answers, one JSON-RPC round trip
  on the pipes of a running server (median of many calls, after a first call that is
  reported on its own), next to a ``ping`` round trip on the same server (the protocol's
  floor). Target: under 50 ms.

    .venv/bin/python bench/bench_mcp.py [--runs N] [--calls N]

Raw pipes, not the SDK's client, so the client's own work is not in the figures. Needs the
``mcp`` extra.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import yaml

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "order-fulfilment.yaml"
START_TARGET = 1.5
CALL_TARGET = 0.050

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "bench", "version": "0"},
    },
}


def _script() -> str:
    return str(Path(sys.executable).with_name("edaadvisor"))


def _send(pipe: IO[bytes], message: dict[str, Any]) -> None:
    pipe.write(json.dumps(message).encode() + b"\n")
    pipe.flush()


class Server:
    """``edaadvisor mcp`` on pipes; ``started`` is the seconds from spawn to the handshake."""

    def __init__(self) -> None:
        begin = time.perf_counter()
        self.proc = subprocess.Popen(
            [_script(), "mcp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        _send(self.stdin, INITIALIZE)
        reply = json.loads(self.stdout.readline())
        self.started = time.perf_counter() - begin
        assert reply["result"]["serverInfo"]["name"] == "edaadvisor", reply
        _send(self.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        self.next_id = 0

    def round_trip(self, method: str, params: dict[str, Any]) -> float:
        self.next_id += 1
        begin = time.perf_counter()
        _send(
            self.stdin, {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        )
        reply = json.loads(self.stdout.readline())
        elapsed = time.perf_counter() - begin
        assert reply.get("id") == self.next_id and "error" not in reply, reply
        assert not reply["result"].get("isError"), reply
        return elapsed

    def close(self) -> None:
        self.stdin.close()
        self.proc.wait(timeout=60)


def _import_mcp() -> float:
    """Spawn to the first line out after ``import mcp``: like the server's figure, without
    the interpreter's exit (which the server's figure does not include either)."""
    begin = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "import mcp; print(flush=True)"], stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    elapsed = time.perf_counter() - begin
    proc.wait(timeout=60)
    return elapsed


def _start() -> float:
    server = Server()
    server.close()
    return server.started


def measure_start(runs: int) -> tuple[float, float]:
    """Median seconds: (server start to the initialize reply, ``python -c "import mcp"``)."""
    _start(), _import_mcp()  # warm the OS file cache and the .pyc files
    starts: list[float] = []
    imports: list[float] = []
    for round_ in range(runs):
        first, second = (_start, _import_mcp) if round_ % 2 == 0 else (_import_mcp, _start)
        for measure in (first, second):
            (starts if measure is _start else imports).append(measure())
    return statistics.median(starts), statistics.median(imports)


def measure_calls(calls: int) -> dict[str, float]:
    """Seconds per round trip on one server: the first advise, then medians."""
    answers = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["answers"]
    advise = {"name": "advise", "arguments": {"answers": answers}}
    questions = {"name": "next_questions", "arguments": {"answers": answers}}
    server = Server()
    try:
        first = server.round_trip("tools/call", advise)
        times: dict[str, list[float]] = {"advise": [], "next_questions": [], "ping": []}
        for _ in range(calls):
            times["advise"].append(server.round_trip("tools/call", advise))
            times["next_questions"].append(server.round_trip("tools/call", questions))
            times["ping"].append(server.round_trip("ping", {}))
    finally:
        server.close()
    return {"first_advise": first, **{k: statistics.median(v) for k, v in times.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="server starts (default 15)")
    parser.add_argument("--calls", type=int, default=50, help="tool calls (default 50)")
    args = parser.parse_args(argv)
    start, base = measure_start(args.runs)
    ratio = start / base
    print(f"server start (initialize reply) median {start * 1000:7.1f} ms  ({args.runs} runs)")
    print(f'python -c "import mcp"          median {base * 1000:7.1f} ms  ({args.runs} runs)')
    verdict = "ok" if ratio <= START_TARGET else "over target"
    print(f"ratio {ratio:.2f} (target <= {START_TARGET}): {verdict}")
    calls = measure_calls(args.calls)
    advise = calls["advise"]
    print(f"advise round trip               median {advise * 1000:7.1f} ms  ({args.calls} calls)")
    print(f"next_questions round trip       median {calls['next_questions'] * 1000:7.1f} ms")
    print(f"ping round trip                 median {calls['ping'] * 1000:7.1f} ms")
    print(f"first advise (cold)                    {calls['first_advise'] * 1000:7.1f} ms")
    verdict = "ok" if advise < CALL_TARGET else "over target"
    target = f"target < {CALL_TARGET * 1000:.0f} ms"
    print(f"advise {advise / calls['ping']:.1f}x ping; {target}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
