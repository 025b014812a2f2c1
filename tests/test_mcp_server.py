"""``edaadvisor mcp``: the real server in a subprocess, driven by the MCP SDK's own client.

What an agent host sees: the tools and their schemas, an interview through next_questions
that ends, the same report and ADR the CLI gives, tool errors with the CLI's messages for
bad input (the server keeps serving), and no writing outside the working directory. The
verdicts themselves are the engine's business (tests/test_core_*); here only structure and
round trips are asserted, so rule changes do not break these tests.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, run_cli
from edaadvisor.core import Knowledge

mcp = pytest.importorskip("mcp", reason="the mcp extra is not installed")
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

TOOLS = {"next_questions", "advise", "explain", "draft_adr", "write_adr", "check_adr"}
EXAMPLE = EXAMPLES / "order-fulfilment.yaml"
EPOCH = "1796083200"  # 2026-12-01: the ADR's date, so CLI and server write the same bytes


def example_file() -> dict[str, Any]:
    """The example answers file as JSON data (YAML dates become ISO strings)."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    adr = data.get("adr", {})
    if isinstance(adr.get("date"), dt.date):
        adr["date"] = adr["date"].isoformat()
    return data


@asynccontextmanager
async def server(cwd: Path, *args: str) -> AsyncIterator[ClientSession]:
    """A session with ``edaadvisor mcp`` started in ``cwd``; its stderr must stay empty."""
    errlog = cwd.parent / f"{cwd.name}-server-stderr.txt"
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "edaadvisor", "mcp", *args],
        cwd=cwd,
        env={"SOURCE_DATE_EPOCH": EPOCH, **_cache_env()},
    )
    with errlog.open("w", encoding="utf-8") as err:
        async with (
            stdio_client(params, errlog=err) as (read, write),
            ClientSession(read, write, read_timeout_seconds=60) as session,
        ):
            await session.initialize()
            yield session
    # never a traceback, whatever the tests sent
    assert "Traceback" not in errlog.read_text(encoding="utf-8")


def _cache_env() -> dict[str, str]:
    # the SDK passes only a few variables to the server; keep the test run's cache choice
    return {k: v for k, v in os.environ.items() if k.startswith("EDAADVISOR_")}


async def call(session: ClientSession, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def error_text(session: ClientSession, tool: str, **arguments: Any) -> str:
    result = await session.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    return "\n".join(c.text for c in result.content if c.type == "text")


async def read_text(session: ClientSession, uri: str, mime: str | None = None) -> str:
    (content,) = (await session.read_resource(uri)).contents
    if mime is not None:
        assert content.mime_type == mime
    text: str = content.text
    return text


def plausible(question: dict[str, Any]) -> Any:
    """An allowed answer, as a user might give it."""
    if question["type"] == "bool":
        return False
    if question["type"] == "enum":
        return question["choices"][len(question["choices"]) // 2]["value"]
    low = question["minimum"] if question["minimum"] is not None else 0
    value = max(low, 3)
    return value if question["maximum"] is None else min(value, question["maximum"])


async def test_lists_six_tools_with_schemas_resources_and_the_prompt(tmp_path: Path) -> None:
    async with server(tmp_path) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert set(tools) == TOOLS
        for name, tool in tools.items():
            assert tool.description, name
            assert tool.output_schema is not None and tool.output_schema["type"] == "object"
            if name != "check_adr":
                answers = tool.input_schema["properties"]["answers"]
                # the answers file's own schema: every question id, with what it allows
                mapping = answers["anyOf"][0]
                assert "services" in mapping["properties"], name
                assert "answers" in tool.input_schema["required"]

        uris = {str(r.uri) for r in (await session.list_resources()).resources}
        schema = json.loads(await read_text(session, "edaadvisor://schema/answers"))
        assert schema == json.loads(run_cli("schema").stdout)
        topics = json.loads(await read_text(session, "edaadvisor://topics"))
        assert topics and all(t["rules_resource"] in uris for t in topics)
        for topic in topics:
            text = await read_text(session, topic["rules_resource"], "text/markdown")
            assert text.startswith("# ") and f"`{topic['id']}`" in text
            assert text.count("\n## ") == topic["rules"]

        prompts = (await session.list_prompts()).prompts
        assert [p.name for p in prompts] == ["interview"]
        prompt = await session.get_prompt("interview", {"project": "Checkout"})
        words = prompt.messages[0].content.text
        assert "Checkout" in words and "next_questions" in words and "done" in words


async def test_an_interview_through_next_questions_ends(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    answers: dict[str, Any] = {}
    async with server(tmp_path) as session:
        for _ in range(len(knowledge.questions) + 1):
            step = await call(session, "next_questions", answers=answers)
            assert step["answered"] == len(answers)
            assert step["remaining"] == len(step["questions"])
            if step["done"]:
                break
            ids = [q["id"] for q in step["questions"]]
            # interview order, nothing already answered, nothing the interview would hide
            assert ids == [q for q in knowledge.questions if q in ids]
            for question in step["questions"]:
                assert question["id"] not in answers
                assert question["could_change"], question["id"]
                visible = knowledge.questions[question["id"]].visible_when
                assert visible is None or visible.evaluate(answers, {}) is not False
                assert question["question"] and question["allowed"]
            for question in step["questions"][:3]:  # a few at a time, as the prompt says
                answers[question["id"]] = plausible(question)
        else:
            pytest.fail("next_questions never reported done")
        assert step == {"done": True, "remaining": 0, "answered": len(answers), "questions": []}
        # "nothing left" means no verdict waits on a question the interview would ask
        report = await call(session, "advise", answers=answers)
        for decision in report["decisions"].values():
            for qid in decision["unknown"]:
                visible = knowledge.questions[qid].visible_when
                assert visible is not None and visible.evaluate(answers, {}) is False


async def test_advise_gives_the_cli_json_report(tmp_path: Path) -> None:
    cli = json.loads(run_cli("--answers", str(EXAMPLE), "--format", "json").stdout)
    async with server(tmp_path) as session:
        whole = await call(session, "advise", answers=example_file())
        bare = await call(session, "advise", answers=example_file()["answers"])
        for topic, decision in cli["decisions"].items():
            explained = await call(session, "explain", answers=example_file(), topic=topic)
            assert explained["verdict"] == decision["verdict"]
            assert explained["rules"] == decision["rules"]
            assert explained["text"].startswith(decision["title"])
    assert whole == cli
    assert bare == {**cli, "project": None}


async def test_a_drafted_adr_checks_as_holding(tmp_path: Path) -> None:
    async with server(tmp_path) as session:
        draft = await call(session, "draft_adr", answers=example_file())
        assert draft["split"] is False and len(draft["documents"]) == 1
        text = draft["documents"][0]["text"]
        assert text == run_cli("--answers", str(EXAMPLE), env={"SOURCE_DATE_EPOCH": EPOCH}).stdout
        check = await call(session, "check_adr", path_or_text=text)
        assert check["holds"] is True and check["drift"] == []
        report = json.loads(run_cli("--answers", str(EXAMPLE), "-f", "json").stdout)
        assert check["verdicts"] == len(report["decisions"])
        # a recorded verdict the knowledge no longer gives is drift, named by topic
        other = "consider" if "event_driven: recommend" in text else "recommend"
        edited = re.sub(r"(event_driven:\s*)([a-z_]+)", rf"\g<1>{other}", text, count=1)
        drifted = await call(session, "check_adr", path_or_text=edited)
        assert drifted["holds"] is False
        assert [line.split(":")[0] for line in drifted["drift"]] == ["event_driven"]
        # split asked for: the overview and one record per decided topic, each one checking
        split = await call(session, "draft_adr", answers=example_file(), split=True)
        assert split["split"] is True and len(split["documents"]) > 2
        names = [d["name"] for d in split["documents"]]
        assert names[0].startswith("0001-") and names[1].startswith("0002-")
        assert "(0002-" in split["documents"][0]["text"]  # the overview links its records
        record = await call(session, "check_adr", path_or_text=split["documents"][1]["text"])
        assert record["holds"], record
        nygard = await call(session, "draft_adr", answers=example_file(), template="nygard")
        assert nygard["documents"][0]["text"] != text
        # a team's own template, inside the working directory
        (tmp_path / "adr.md.j2").write_text("# {{ title }}\n", encoding="utf-8")
        own = await call(session, "draft_adr", answers=example_file(), template="adr.md.j2")
        assert own["documents"][0]["text"] == f"# {example_file()['adr']['title']}\n"


async def test_write_adr_writes_what_the_cli_writes(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for repo in (ours, theirs):
        (repo / "docs" / "decisions").mkdir(parents=True)
    cli = run_cli(
        "--answers", str(EXAMPLE), "--adr-dir", cwd=theirs, env={"SOURCE_DATE_EPOCH": EPOCH}
    )
    assert cli.returncode == 0, cli.stderr
    async with server(ours) as session:
        written = await call(session, "write_adr", answers=example_file())
        assert written["folder"] == "docs/decisions"
        assert written["written"] == cli.stdout.split()
        for name in written["written"]:
            assert (ours / name).read_bytes() == (theirs / name).read_bytes()
            check = await call(session, "check_adr", path_or_text=name)
            assert check["holds"] is True
        again = await call(session, "write_adr", answers=example_file(), adr_dir="records/adr")
        assert again["folder"] == "records/adr" and (ours / again["written"][0]).is_file()


async def test_write_adr_refuses_folders_outside_the_working_directory(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (repo / "escape").symlink_to(outside)
    async with server(repo) as session:
        for folder in ("../outside", str(outside), "escape", "escape/deeper", "docs/../../outside"):
            text = await error_text(session, "write_adr", answers={"services": 3}, adr_dir=folder)
            assert text.startswith("adr_dir: ") and "outside the server's working directory" in text
        # an .adr-dir marker pointing out of the repository is refused the same way
        (repo / ".git").mkdir()
        (repo / ".adr-dir").write_text("../outside\n", encoding="utf-8")
        text = await error_text(session, "write_adr", answers={"services": 3})
        # the CLI's own refusal (a marker leaving the repository) or the server's
        assert "outside the repository" in text or "outside the server's working" in text
        text = await error_text(session, "check_adr", path_or_text=str(outside / "x.md"))
        assert text.startswith("path_or_text: ")
    assert list(outside.iterdir()) == []


BAD_ANSWERS = [
    {"services": 0},
    {"consistency": "sometimes"},
    {"servics": 3},
    {"services": "three", "crud_only": "no"},
    {"consistency": "strong\x1b[31m\u202e", "ser\x00vices\n": 1},
    {"services": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]},
]


@pytest.mark.parametrize("bad", BAD_ANSWERS, ids=range(len(BAD_ANSWERS)))
async def test_bad_answers_are_tool_errors_with_the_cli_messages(
    tmp_path: Path, bad: dict[str, Any]
) -> None:
    answers_file = tmp_path / "answers.json"  # JSON is YAML: the CLI reads the same values
    answers_file.write_text(json.dumps({"version": 1, "answers": bad}), encoding="utf-8")
    cli = run_cli("--answers", str(answers_file), "--format", "json")
    assert cli.returncode == 2
    # the CLI's lines without "edaadvisor: error: FILE:LINE: ", which the argument path replaces
    where = re.compile(rf"^edaadvisor: error: {re.escape(str(answers_file))}(:\d+)?: ")
    expected = [where.sub("", line) for line in cli.stderr.splitlines()]
    assert all(line.startswith("answers.") for line in expected), expected
    async with server(tmp_path) as session:
        for tool in ("next_questions", "advise", "draft_adr"):
            assert (await error_text(session, tool, answers=bad)).splitlines() == expected
        # the same call with the whole file: the key path starts at the argument
        whole = await error_text(session, "advise", answers={"version": 1, "answers": bad})
        assert whole.splitlines() == [f"answers.{line}" for line in expected]
        # and the server is still there, answering
        assert (await call(session, "next_questions", answers={}))["questions"]


async def test_hostile_arguments_are_tool_errors_and_the_next_call_works(tmp_path: Path) -> None:
    async with server(tmp_path) as session:
        for tool, arguments in [
            ("advise", {"answers": [1, 2]}),
            ("advise", {"answers": "services: 3"}),
            ("advise", {"answers": {"services": 3}, "knowledge_packs": ["/"]}),
            ("advise", {"answers": {"services": 3}, "knowledge_packs": ["missing"]}),
            ("explain", {"answers": {}, "topic": "cqr"}),
            ("draft_adr", {"answers": {}, "template": "/etc/passwd"}),
            ("draft_adr", {"answers": {}, "template": "missing.j2"}),
            ("write_adr", {"answers": {}, "adr_dir": "a\x00b"}),
            ("check_adr", {"path_or_text": "missing.md"}),
            ("check_adr", {"path_or_text": "---\nedaadvisor: [\n---\n"}),
            ("check_adr", {"path_or_text": "# hand-written\n\nno provenance\n"}),
        ]:
            text = await error_text(session, tool, **arguments)
            assert text and "Traceback" not in text and "\n" not in text.strip(), text
        assert (await call(session, "advise", answers={"services": 3}))["decisions"]


async def test_a_stateless_2026_client_is_served_the_same(tmp_path: Path) -> None:
    """The SDK's high-level Client speaks the stateless protocol (2026-07-28: discover, no
    initialize handshake) when the server can; it falls back to initialize otherwise."""
    from mcp import Client

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "edaadvisor", "mcp"], cwd=tmp_path, env=_cache_env()
    )
    async with Client(stdio_client(params)) as client:
        assert client.session.initialize_result is None
        assert client.session.discover_result is not None
        report = await client.call_tool("advise", {"answers": example_file()})
        assert report.structured_content == json.loads(
            run_cli("--answers", str(EXAMPLE), "--format", "json").stdout
        )
        bad = await client.call_tool("advise", {"answers": {"services": 0}})
        assert bad.is_error
