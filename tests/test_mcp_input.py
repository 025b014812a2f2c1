"""``edaadvisor mcp`` against input no client library would send, and its isolation.

Raw lines on the server's stdin (numbers past 4,300 digits, nesting past the SDK parser's
limit, lone surrogates, garbage) each get an answer and the server keeps serving; fuzzed
arguments only ever give results or the core's input errors; the command without the extra
exits 2 with the install line; and no other path of edaadvisor imports the SDK.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, run_cli
from edaadvisor.core import EdaAdvisorError

pytest.importorskip("mcp", reason="the mcp extra is not installed")

from edaadvisor.mcp.tools import Advisor
from edaadvisor.mcp.transport import diagnose

FUZZ = int(os.environ.get("EDAADVISOR_FUZZ_EXAMPLES", "60"))


class RawServer:
    """``edaadvisor mcp`` on pipes, spoken to one JSON-RPC line at a time."""

    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "edaadvisor", "mcp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self.next_id = 0

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode("utf-8", "surrogatepass") + b"\n")
        self.proc.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        assert ready, "no reply: the server dropped the line"
        reply: dict[str, Any] = json.loads(self.proc.stdout.readline())
        return reply

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        self.send(
            json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        )
        return self.receive()

    def close(self) -> str:
        assert self.proc.stdin is not None and self.proc.stderr is not None
        self.proc.stdin.close()
        assert self.proc.wait(timeout=60) == 0
        return self.proc.stderr.read().decode("utf-8", "replace")


@pytest.fixture
def raw(tmp_path: Path) -> Any:
    server = RawServer(tmp_path)
    init = server.request(
        "initialize",
        {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    )
    assert init["result"]["serverInfo"]["name"] == "edaadvisor"
    server.send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
    yield server
    assert "Traceback" not in server.close()


def tool_call(ident: int, answers: str) -> str:
    """A tools/call line with ``answers`` spliced in as raw JSON text."""
    return (
        f'{{"jsonrpc":"2.0","id":{ident},"method":"tools/call",'
        f'"params":{{"name":"advise","arguments":{{"answers":{answers}}}}}}}'
    )


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ('{"services":' + "9" * 5000 + "}", "answers.services: a number of 5,000 digits"),
        ('{"x":' + "[" * 300 + "]" * 300 + "}", "answers.x: nested more than 128 levels deep"),
        ('{"x":' + "[" * 50_000 + "]" * 50_000 + "}", "arguments: nested more than 128 levels"),
        ('{"consistency":"\\ud800"}', "answers.consistency: text holding a lone UTF-16 surrogate"),
        ('{"\\udc00x":1}', "answers.\\udc00x: a key holding a lone UTF-16 surrogate"),
    ],
    ids=["huge-int", "deep", "very-deep", "surrogate", "surrogate-key"],
)
def test_lines_the_sdk_cannot_parse_get_tool_errors(raw: Any, answers: str, message: str) -> None:
    raw.send(tool_call(41, answers))
    reply = raw.receive()
    assert reply["id"] == 41
    assert reply["result"]["isError"] is True
    assert reply["result"]["content"][0]["text"].startswith(message)
    # and the next call is served as usual
    after = raw.request("tools/call", {"name": "advise", "arguments": {"answers": {"services": 2}}})
    assert after["result"]["isError"] is False


def test_garbage_and_other_requests_get_json_rpc_errors(raw: Any) -> None:
    raw.send("this is not JSON")
    assert raw.receive() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {
            "code": -32700,
            "message": "Parse error: Expecting value: line 1 column 1 (char 0)",
        },
    }
    raw.send('{"jsonrpc":"2.0","id":"r1","method":"resources/read","params":{"uri":"\\ud800"}}')
    reply = raw.receive()
    assert reply["id"] == "r1" and reply["error"]["code"] == -32602
    raw.send('{"jsonrpc":"2.0","method":"notifications/x","params":{"n":' + "9" * 5000 + "}}")
    raw.send("")  # blank lines and unreadable notifications get no reply at all
    listed = raw.request("tools/list", {})
    assert len(listed["result"]["tools"]) == 6


def test_a_host_that_stops_reading_ends_the_server_quietly(tmp_path: Path) -> None:
    server = RawServer(tmp_path)
    server.request("ping", {})
    assert server.proc.stdout is not None and server.proc.stdin is not None
    server.proc.stdout.close()  # the host went away mid-session
    with contextlib.suppress(BrokenPipeError):  # the server may be gone already: fine
        for _ in range(3):
            server.send(json.dumps({"jsonrpc": "2.0", "id": 9, "method": "tools/list"}))
        server.proc.stdin.close()
    assert server.proc.wait(timeout=60) == 0
    assert server.proc.stderr is not None and server.proc.stderr.read() == b""


@settings(max_examples=FUZZ, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_line_is_passed_on_or_answered(line: str) -> None:
    reply = diagnose(line)
    assert reply is None or reply == "" or json.loads(reply)["jsonrpc"] == "2.0"


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20), _containers, max_leaves=20
)


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


@settings(
    max_examples=FUZZ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    answers=JSON
    | st.dictionaries(
        st.sampled_from(["services", "consistency", "pii", "version", "answers", "adr"]),
        JSON,
        max_size=4,
    )
)
def test_any_arguments_give_a_result_or_an_input_error(advisor: Advisor, answers: Any) -> None:
    for call in (
        lambda: advisor.next_questions(answers),
        lambda: advisor.advise(answers),
        lambda: advisor.explain(answers, "cqrs"),
    ):
        try:
            result = call()
        except EdaAdvisorError as exc:
            assert exc.lines and all(line.isprintable() for line in exc.lines)
        else:
            json.dumps(result)


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {f"q{i}": i for i in range(100_000)},
            "answers: holds more than 2,000 values; answers hold one per question",
        ),
        ({"services": _nested(150)}, "answers.services[0][0]: nested more than 100 levels deep"),
        (
            {"version": 1, "answers": {"pii": _nested(150)}},
            "answers.answers.pii[0]: nested more than 100 levels deep",
        ),
    ],
    ids=["many", "deep", "deep-in-a-file"],
)
def test_answers_too_many_or_too_deep_are_refused_as_files_are(
    advisor: Advisor, answers: Any, message: str
) -> None:
    with pytest.raises(EdaAdvisorError) as caught:
        advisor.next_questions(answers)
    assert caught.value.lines == [message]


def test_without_the_extra_the_command_exits_2_with_the_install_line() -> None:
    blocked = (
        "import sys\n"
        "class NoMcp:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'mcp' or name.startswith('mcp.'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, NoMcp())\n"
        "from edaadvisor.cli import main\n"
        "sys.exit(main(['mcp']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", blocked],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "pip install 'edaadvisor[mcp]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_broken_knowledge_pack_stops_the_server_before_it_serves(tmp_path: Path) -> None:
    proc = run_cli("mcp", "--knowledge", str(tmp_path / "missing"), stdin="")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "missing" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--answers", str(EXAMPLES / "order-fulfilment.yaml"), "--format", "json"],
        ["--answers", str(EXAMPLES / "order-fulfilment.yaml")],
        ["schema"],
    ],
    ids=["json", "markdown", "schema"],
)
def test_no_other_path_imports_the_mcp_sdk(args: list[str]) -> None:
    probe = (
        "import sys, contextlib, io\n"
        "from edaadvisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({args!r}) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types'))\n"
        "print(loaded)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
