"""Stdio for the server: the SDK's transport, with an answer for every line it cannot read.

The SDK's stdio transport parses each line with pydantic-core; a line it cannot parse (a
number past 4,300 digits, nesting past pydantic-core's limit, a lone UTF-16 surrogate, plain
garbage) is dropped without a reply, and the client waits for an answer that never comes.
Here each line is tried first: a line the SDK reads passes through untouched; for any other
line we say why. A ``tools/call`` request gets a tool error naming the argument
(``answers.services: ...``), as every other bad input does; any other request gets a
JSON-RPC error with its id; a line with no readable id gets a parse error (id null), as
JSON-RPC asks. Notifications and responses are never answered.

While serving, file descriptor 0 reads the null device and 1 writes to stderr, as the SDK's
own transport arranges, so a stray ``print`` or child process can never corrupt the wire.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from io import TextIOWrapper
from typing import Any

import anyio
from mcp.server.stdio import stdio_server
from mcp.types import jsonrpc_message_adapter

from ..core.errors import KeyPath, format_key_path

MAX_DEPTH = 128
"""Nesting reported as too deep; pydantic-core refuses JSON nested much past this."""

_ID = re.compile(r'"id"\s*:\s*(-?\d{1,18}|"(?:[^"\\]|\\.){0,200}")')
_TOOL_CALL = re.compile(r'"method"\s*:\s*"tools/call"')


class _HugeInt:
    """A JSON integer too long to convert: kept as a marker, reported with its path."""

    def __init__(self, digits: str) -> None:
        self.digits = digits


def _parse_int(text: str) -> int | _HugeInt:
    return int(text) if len(text.lstrip("-")) <= 4300 else _HugeInt(text)


def diagnose(line: str) -> str | None:
    """The reply to a line the SDK cannot read (JSON text), "" for none, None if it can."""
    try:
        jsonrpc_message_adapter.validate_json(line, by_name=False)
        return None
    except Exception as exc:  # whatever the SDK's parser raises, the SDK would drop the line
        sdk_error = str(exc).splitlines()[1].strip() if "\n" in str(exc) else str(exc)
    try:
        message = json.loads(line, parse_int=_parse_int)
    except RecursionError:
        return _reply_unparsed(line, ("params",), f"nested more than {MAX_DEPTH} levels deep")
    except ValueError as exc:
        return _error(None, -32700, f"Parse error: {exc}")
    if not isinstance(message, dict):
        return _error(None, -32600, "Invalid request: a JSON-RPC message is an object")
    ident = message.get("id")
    if not isinstance(ident, int | str) or isinstance(ident, bool) or "method" not in message:
        return ""  # a notification or a response: JSON-RPC never answers those
    found = next(_problems(message, ()), None)
    if found is None:
        return _error(ident, -32600, f"Invalid request: {sdk_error[:300]}")
    path, problem = found
    if message.get("method") == "tools/call" and path[:2] == ("params", "arguments"):
        return _tool_error(ident, _where(path[2:], problem))
    return _error(ident, -32602, f"Invalid params: {_where(path, problem)}")


def _problems(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if len(path) > MAX_DEPTH:
        yield path[:4], f"nested more than {MAX_DEPTH} levels deep"
        return
    if isinstance(value, _HugeInt):
        yield path, f"a number of {len(value.digits.lstrip('-')):,} digits; at most 4,300 are read"
    elif isinstance(value, str):
        if not _encodable(value):
            yield path, "text holding a lone UTF-16 surrogate, which is not a character"
    elif isinstance(value, dict):
        for key, item in value.items():
            if not _encodable(key):
                yield (
                    (*path, key.encode("utf-8", "backslashreplace").decode()),
                    ("a key holding a lone UTF-16 surrogate, which is not a character"),
                )
                return
            yield from _problems(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, (*path, index))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _where(path: KeyPath, problem: str) -> str:
    where = format_key_path(path)
    return f"{where}: {problem}" if where else problem


def _reply_unparsed(line: str, path: KeyPath, problem: str) -> str:
    """A reply for a line Python's parser cannot read either: its id found by pattern."""
    found = _ID.search(line)
    if found is None:
        return _error(None, -32700, f"Parse error: {problem}")
    ident = json.loads(found.group(1))
    if _TOOL_CALL.search(line):
        return _tool_error(ident, f"arguments: {problem}")
    return _error(ident, -32602, f"Invalid params: {_where(path, problem)}")


def _tool_error(ident: int | str, text: str) -> str:
    result = {"content": [{"type": "text", "text": text}], "isError": True}
    return json.dumps({"jsonrpc": "2.0", "id": ident, "result": result})


def _error(ident: int | str | None, code: int, message: str) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}})


class _Wire:
    """The client's end: lines in, whole lines out, one writer at a time."""

    def __init__(self, reader: anyio.AsyncFile[str], writer: anyio.AsyncFile[str]) -> None:
        self.reader = reader
        self.writer = writer
        self.lock = anyio.Lock()

    async def write(self, text: str) -> int:
        async with self.lock:
            written = await self.writer.write(text)
            await self.writer.flush()
        return written

    async def flush(self) -> None:
        """Each ``write`` flushed its line already."""

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        async for line in self.reader:
            if not line.strip():
                continue
            reply = diagnose(line)
            if reply is None:
                yield line
            elif reply:
                await self.write(reply + "\n")


@asynccontextmanager
async def _claimed_stdio() -> AsyncIterator[_Wire]:
    """The wire on private duplicates of fd 0 and 1; the descriptors themselves diverted."""
    wire_in, wire_out = os.dup(0), os.dup(1)
    saved_in, saved_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout.flush()
    os.dup2(2, 1)
    try:
        reader = TextIOWrapper(os.fdopen(wire_in, "rb"), encoding="utf-8", errors="replace")
        writer = TextIOWrapper(os.fdopen(wire_out, "wb"), encoding="utf-8", newline="\n")
        with reader, writer:
            yield _Wire(anyio.wrap_file(reader), anyio.wrap_file(writer))
    finally:
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        os.close(saved_in)
        os.close(saved_out)


async def run_stdio(server: Any) -> None:
    """Serve ``server`` (an ``MCPServer``) until the client closes stdin."""
    # MCPServer.run_stdio_async cannot be handed streams, so this is that method with ours;
    # _lowlevel_server is the attribute it uses (mcp 2.x, pinned <3 and covered by tests)
    lowlevel = server._lowlevel_server
    async with (
        _claimed_stdio() as wire,
        stdio_server(stdin=wire, stdout=wire) as (read_stream, write_stream),  # type: ignore[arg-type]
    ):
        await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
