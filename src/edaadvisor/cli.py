"""The ``edaadvisor`` command: a thin layer that validates arguments and calls the library.

``edaadvisor``                         the interview (Textual TUI)
``edaadvisor --answers FILE``          the advice, non-interactively (CI and scripts)
``edaadvisor schema | check | kb``     editor schema, ADR drift check, knowledge-base tools

Exit status: 0 fine, 1 a check found something (drift, lint findings, a refused overwrite),
2 the input cannot be used (the message says file, key and what is allowed). Errors go to
stderr as plain lines, never tracebacks. Heavy modules (Textual, Jinja2) are imported only
by the paths that need them, so ``--format json`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .core.errors import EdaAdvisorError, InputError
from .core.terminal import echo, escape_unsafe_json, terminal_safe

SUBCOMMANDS: dict[str, str] = {
    "schema": "edaadvisor.cli:schema_main",
    "check": "edaadvisor.adr.check:main",
    "kb": "edaadvisor.kbtools.cli:main",
}
"""Subcommand -> ``module:function(argv) -> int``, imported only when used."""

FORMATS = ("markdown", "json", "text")


def add_knowledge_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--knowledge DIR``, repeatable, as every command that loads knowledge spells it."""
    parser.add_argument(
        "--knowledge", "-k", type=Path, action="append", default=[], metavar="DIR",
        help=help_text,
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edaadvisor",
        description="Decide whether event-driven architecture fits your system, and how. "
        "Without --answers, opens the interview.",
        epilog="Subcommands: 'edaadvisor schema' (JSON Schema of answers files), "
        "'edaadvisor check ADR.md...' (re-evaluate ADRs), 'edaadvisor kb lint|diff' "
        "(knowledge-base tools). Exit status: 0 ok, 1 check failed, 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"edaadvisor {__version__}")
    parser.add_argument(
        "--answers",
        "-a",
        type=Path,
        metavar="FILE",
        help="answers file (YAML, see CONTRACT.md); without it the TUI opens",
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
        help="write the ADR as the next NNNN-slug.md in DIR (default: the repository's ADR folder)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing --output file")
    parser.add_argument(
        "--template",
        metavar="NAME|PATH",
        default="madr",
        help="ADR template: madr (default), nygard, or a Jinja2 file",
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
        return run(build_parser().parse_args(args))
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


def run(args: argparse.Namespace) -> int:
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
        answers_file = apply_overrides(answers_file, args.overrides, knowledge)
    from .core.report import build_report

    report = build_report(knowledge, answers_file)
    if args.adr_dir is not None:
        return _write_adr_dir(args, report)
    if args.format == "json":
        text = escape_unsafe_json(report.to_json())
    elif args.format == "text":
        text = terminal_safe(render_text(report))
    else:
        # imported here, not at the top: the JSON path must never pay for Jinja2
        from .adr.render import render_adr

        text = render_adr(report, template=args.template)
    if args.output is not None:
        from .core.files import write_file

        write_file(args.output, text, force=args.force)
        return 0
    sys.stdout.write(text)
    return 0


def _write_adr_dir(args: argparse.Namespace, report: Any) -> int:
    """``--adr-dir [DIR]``: the ADR as the folder's next ``NNNN-slug.md``; prints its path."""
    from .adr.files import find_adr_dir, next_adr_path
    from .adr.render import adr_title, render_adr
    from .core.files import write_file

    if args.format != "markdown" or args.output is not None:
        raise InputError.single(
            "--adr-dir writes the Markdown ADR; it cannot be combined with --output or "
            f"--format {args.format}"
        )
    folder: Path | None = None if args.adr_dir is True else Path(args.adr_dir)
    if folder is None:
        folder = find_adr_dir(Path.cwd())
        if folder is None:
            raise InputError.single(
                "no ADR folder found from here up to the repository root (looked for "
                ".adr-dir, docs/decisions, doc/adr, docs/adr); name one: --adr-dir DIR"
            )
    elif not folder.is_dir():
        if folder.exists():
            raise InputError.single("is not a folder", str(folder))
        try:
            folder.mkdir(parents=True)  # a folder named explicitly is created, as `adr init` does
        except OSError as exc:
            raise InputError.single(
                f"cannot create the folder: {exc.strerror}", str(folder)
            ) from None
    number, path = next_adr_path(folder, adr_title(report))
    text = render_adr(report, template=args.template, number=number)
    shown = _shown_path(path)  # worked out first: once the ADR is written, nothing may fail
    write_file(path, text, force=False)
    echo(shown)
    return 0


def _shown_path(path: Path) -> str:
    """The written path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):  # elsewhere, or the working folder was removed
        return str(path)


def _open_tui(args: argparse.Namespace) -> int:
    """Hand the parsed options to the TUI; imported here only, so other paths never load Textual."""
    tui = importlib.import_module("edaadvisor.tui.app")
    return int(tui.run_tui(args))


def apply_overrides(answers_file: Any, overrides: list[str], knowledge: Any) -> Any:
    """Answers with each ``QUESTION=VALUE`` applied, validated like the file itself."""
    from .core.answers import validate_answers
    from .core.bounds import WORDS
    from .core.yamlsafe import parse_yaml

    changed = dict(answers_file.answers)
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise InputError.single(f"--set takes QUESTION=VALUE, got {item!r}")
        question = knowledge.questions.get(key.strip())
        try:
            # the same plain-data reader as answers files: no tags, bounded aliases, no crashes
            value = parse_yaml(raw, "--set").data if raw.strip() else None
        except InputError as exc:
            if any(WORDS in p.message for p in exc.problems):
                raise InputError.single(
                    f"the number is too large; {WORDS}", "--set", (key.strip(),)
                ) from None
            value = raw
        if question is not None and question.type == "enum" and raw.strip() in question.values:
            # a choice is a word, even one YAML would read as a bool or null ("no", "off")
            value = raw.strip()
        if value is None:
            changed.pop(key.strip(), None)
        else:
            changed[key.strip()] = value
    answers = validate_answers(changed, knowledge, source="--set")
    return answers_file.replace(answers=answers)


def render_text(report: Any) -> str:
    """A plain summary for terminals and logs: verdict and reason per topic, then red flags."""
    lines = [f"edaadvisor {__version__}: {report.project or 'advice'}", ""]
    width = max(len(t) for t in report.decisions)
    for topic, decision in report.decisions.items():
        lines.append(f"{topic:<{width}}  {decision.verdict:<14}  {decision.summary}")
    if report.evaluation.red_flags:
        lines += ["", "Red flags to watch:"]
        lines += [
            f"- {hit.flag.title}: {hit.flag.mitigation}" for hit in report.evaluation.red_flags
        ]
    if report.unanswered:
        lines += ["", "Unanswered: " + ", ".join(report.unanswered)]
    return "\n".join(lines) + "\n"


def schema_main(argv: list[str]) -> int:
    """``edaadvisor schema``: the answers file's JSON Schema, for editors."""
    import json

    from .core.answers import json_schema
    from .core.knowledge import load_knowledge

    parser = argparse.ArgumentParser(
        prog="edaadvisor schema", description="Print the JSON Schema of answers files."
    )
    add_knowledge_option(parser, "include the questions of a knowledge pack")
    args = parser.parse_args(argv)
    schema = json_schema(load_knowledge(args.knowledge))
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return 0
