"""The ``edaadvisor`` command: a thin layer that validates arguments and calls the library.

``edaadvisor``                         the interview (Textual TUI)
``edaadvisor --answers FILE``          the advice, non-interactively (CI and scripts)
``edaadvisor schema | check | kb``     editor schema, ADR drift check, knowledge-base tools
``edaadvisor compare | serve``         where answers differ; the interview in a browser
``edaadvisor mcp``                     an MCP server for coding agents (the ``mcp`` extra)

Exit status: 0 fine, 1 a check found something (drift, lint findings, a refused overwrite),
2 the input cannot be used (the message says file, key and what is allowed). Errors go to
stderr as plain lines, never tracebacks. Heavy modules (Textual, Jinja2) are imported only
by the paths that need them, so ``--format json`` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .core.errors import EdaAdvisorError, InputError
from .core.terminal import echo, escape_unsafe_json, terminal_safe
from .quickargs import quick_parse

if TYPE_CHECKING:
    import argparse

    from .quickargs import Options

SUBCOMMANDS: dict[str, str] = {
    "schema": "edaadvisor.cli:schema_main",
    "check": "edaadvisor.adr.check:main",
    "kb": "edaadvisor.kbtools.cli:main",
    "compare": "edaadvisor.compare:main",
    "serve": "edaadvisor.serve:main",
    "mcp": "edaadvisor.mcp:main",
}
"""Subcommand -> ``module:function(argv) -> int``, imported only when used."""

FORMATS = ("markdown", "json", "text")


def build_parser() -> argparse.ArgumentParser:
    import argparse  # only for the command lines quickargs leaves to it

    from .options import add_knowledge_option

    parser = argparse.ArgumentParser(
        prog="edaadvisor",
        description="Decide whether event-driven architecture fits your system, and how. "
        "Without --answers, opens the interview.",
        epilog="Subcommands: 'edaadvisor schema' (JSON Schema of answers files), "
        "'edaadvisor check ADR.md...' (re-evaluate ADRs), 'edaadvisor kb lint|diff' "
        "(knowledge-base tools), 'edaadvisor compare A.yaml B.yaml...' (where answers differ), "
        "'edaadvisor serve' (the interview in a browser), "
        "'edaadvisor mcp' (MCP server for coding agents). "
        "Exit status: 0 ok, 1 check failed, 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"edaadvisor {__version__}")
    parser.add_argument(
        "--answers",
        "-a",
        type=Path,
        metavar="FILE",
        help="answers file (YAML, see docs/answers-file.md); without it the TUI opens",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="markdown",
        help="markdown: the ADR (default); json: the report; text: a summary",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="PATH",
        help="write to PATH (atomically) instead of stdout",
    )
    parser.add_argument(
        "--adr-dir",
        nargs="?",
        const=True,  # not a str, so argparse leaves it alone: True means "find the folder"
        type=Path,
        metavar="DIR",
        help="write an overview and one ADR per decided topic in DIR, in its naming convention "
        "(default DIR: the repository's ADR folder)",
    )
    parser.add_argument(
        "--single",
        action="store_true",
        help="with --adr-dir: write one concise record instead of the overview and topic records",
    )
    parser.add_argument(
        "--supersedes",
        metavar="N",
        help="with --adr-dir: mark record N (and the records written with it) superseded",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing --output file; with --adr-dir, rewrite the records that hold "
        "these answers in place",
    )
    parser.add_argument(
        "--template",
        metavar="NAME|PATH",
        default=None,
        help="ADR template: madr (default; adr-tools folders: nygard), nygard, or a Jinja2 file",
    )
    add_knowledge_option(
        parser, "layer a knowledge pack on the shipped knowledge (repeatable, applied in order)"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="QUESTION=VALUE",
        help="override one answer without editing the file (repeatable)",
    )
    parser.add_argument(
        "--interactive",
        "-i",
        action="store_true",
        help="open the TUI with the answers file filled in",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            return _load(SUBCOMMANDS[args[0]])(args[1:])
        return run(quick_parse(args) or build_parser().parse_args(args))
    except EdaAdvisorError as exc:
        for line in exc.lines:
            echo(f"edaadvisor: error: {line}", sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (``| head``); nothing left to say to it
        sys.stderr.close()
        return 0
    except OSError as exc:
        # a path the system refuses where no reader expected it (a name too long, a folder
        # we may not list): still one message, exit 2, as for any input we cannot use
        from .core.files import os_words

        where = f"{exc.filename}: " if exc.filename else ""
        echo(f"edaadvisor: error: {where}{os_words(exc, 'cannot use this path')}", sys.stderr)
        return 2


def _load(target: str) -> Callable[[list[str]], int]:
    module_name, _, function = target.partition(":")
    function_: Callable[[list[str]], int] = getattr(importlib.import_module(module_name), function)
    return function_


def run(args: Options) -> int:
    if args.answers is None:
        if args.overrides or args.interactive or args.format != "markdown":
            raise InputError.single(
                "--answers FILE is needed with --set, --format and --interactive; without "
                "it the interview opens (and --output / --adr-dir say where ctrl+s saves)"
            )
        return _open_tui(args)
    if args.interactive:
        # the TUI loads and validates the same files through the core, once
        return _open_tui(args)
    from .core.answers import load_answers_file
    from .core.knowledge import load_knowledge

    knowledge = load_knowledge(args.knowledge)
    answers_file = load_answers_file(args.answers, knowledge)
    if args.overrides:
        from .core.overrides import apply_overrides

        answers_file = apply_overrides(answers_file, args.overrides, knowledge)
    from .core.report import build_report

    # the text summary prints no what-if: it does not pay for the search
    report = build_report(knowledge, answers_file, what_if=args.format != "text")
    if args.adr_dir is not None or args.single or args.supersedes is not None:
        return _write_adr_dir(args, report)
    if args.format == "json":
        text = escape_unsafe_json(report.to_json())
    elif args.format == "text":
        from .textreport import render_text

        text = terminal_safe(render_text(report))
    else:
        # imported here, not at the top: the JSON path must never pay for Jinja2
        from .adr.write import render_single

        text = render_single(report, args.template, args.answers, args.output, args.force)
    if args.output is not None:
        from .core.files import write_file

        write_file(args.output, text, force=args.force)
        return 0
    sys.stdout.write(text)
    return 0


def _write_adr_dir(args: Options, report: Any) -> int:
    """``--adr-dir [DIR]``: the overview and topic records, in the folder's convention."""
    if args.adr_dir is None or args.format != "markdown" or args.output is not None:
        raise InputError.single(
            "--adr-dir writes the Markdown records (--single and --supersedes need it); it "
            f"cannot be combined with --output or --format {args.format}"
        )
    from .adr.write import write_adr_dir

    return write_adr_dir(args, report)


def _open_tui(args: Options) -> int:
    """Hand the parsed options to the TUI; imported here only, so other paths never load Textual."""
    tui = importlib.import_module("edaadvisor.tui.app")
    return int(tui.run_tui(args))


def schema_main(argv: list[str]) -> int:
    """``edaadvisor schema``: the answers file's JSON Schema, for editors."""
    import argparse
    import json

    from .core.answers import json_schema
    from .core.knowledge import load_knowledge

    parser = argparse.ArgumentParser(
        prog="edaadvisor schema", description="Print the JSON Schema of answers files."
    )
    from .options import add_knowledge_option

    add_knowledge_option(parser, "include the questions of a knowledge pack")
    args = parser.parse_args(argv)
    schema = json_schema(load_knowledge(args.knowledge))
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return 0
