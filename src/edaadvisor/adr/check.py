"""``edaadvisor check ADR.md [...]``: do the verdicts an ADR recorded still hold?

Each ADR written by edaadvisor carries its answers and verdicts (MADR: the front matter's
``edaadvisor:`` mapping; Nygard: the same YAML in an HTML comment at the end). The check
re-evaluates those answers with the current knowledge base and compares verdict by verdict.
Exit 0: every verdict holds. Exit 1: one drifted (the per-topic diff says which, and why it
is now different). Exit 2: an ADR cannot be read. Pre-commit passes every staged Markdown file,
so ``--skip-unmarked`` lets hand-written ADRs without provenance pass quietly.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

from ..cli import add_knowledge_option
from ..core.answers import validate_answers
from ..core.engine import evaluate
from ..core.errors import EdaAdvisorError, InputError, Problem
from ..core.knowledge import Knowledge, load_knowledge
from ..core.reading import MAX_BYTES, read_limited
from ..core.terminal import echo
from ..core.yamlsafe import parse_yaml
from .prose import VERDICT_WORDS

_FRONT = re.compile(r"\A(?:\ufeff)?---\r?\n(.*?)\r?\n---\r?\n", re.S)
_OPENER = "<!--"
_MARK = "edaadvisor provenance"


class NotAnEdaAdvisorAdr(InputError):
    """The file has no edaadvisor provenance at all (a hand-written ADR)."""


def read_provenance(path: Path) -> dict[str, Any]:
    """The ``edaadvisor:`` mapping embedded in the ADR at ``path``."""
    where = str(path)
    # an ADR is a few kilobytes; the cap and the checks keep /dev/zero or a FIFO from hanging
    raw = read_limited(path, limit=MAX_BYTES, what="file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError.single("is not UTF-8 text", where) from None
    blocks: list[tuple[str, int]] = []
    if front := _FRONT.match(text):
        blocks.append((front.group(1), 2))
    for block, line in chain(blocks, _comment_blocks(text)):
        try:
            # the answers files' reader, not yaml.safe_load: an ADR comes from a pull request,
            # and safe_load expands alias bombs and recurses without bound on deep nesting
            data = parse_yaml(block, where).data
        except InputError as exc:
            last = line + block.count("\n")
            raise InputError([_in_provenance(p, line, last) for p in exc.problems]) from None
        if isinstance(data, dict) and "edaadvisor" in data:
            found = data["edaadvisor"]
            if not isinstance(found, dict):
                raise InputError.single(
                    "'edaadvisor' is not a mapping", where, ("edaadvisor",), line
                )
            for key in ("answers", "verdicts"):
                if not isinstance(found.get(key), dict):
                    raise InputError.single(
                        f"'edaadvisor.{key}' is missing or not a mapping; the ADR cannot be "
                        "re-evaluated",
                        where,
                        ("edaadvisor", key),
                        line,
                    )
            return found
    raise NotAnEdaAdvisorAdr.single(
        "has no edaadvisor provenance (an 'edaadvisor:' mapping in the front matter, or an "
        "'<!-- edaadvisor provenance' comment); only ADRs written by edaadvisor can be checked",
        where,
    )


def _comment_blocks(text: str) -> Iterator[tuple[str, int]]:
    """(body, first line) of each ``<!-- edaadvisor provenance ...`` comment, in one pass.

    A regular expression retried from every opener is quadratic on a file of openers that
    never close; here each character is looked at a bounded number of times.
    """
    pos = 0
    line, counted = 1, 0
    while (start := text.find(_OPENER, pos)) >= 0:
        mark = start + len(_OPENER)
        while mark < len(text) and text[mark].isspace():
            mark += 1
        if not text.startswith(_MARK, mark):
            pos = start + len(_OPENER)
            continue
        body = text.find("\n", mark) + 1
        end = text.find("-->", body) if body else -1
        if end < 0:
            return  # no later opener can close either
        line += text.count("\n", counted, body)
        counted = body
        yield text[body:end], line
        pos = end + 3


def _in_provenance(problem: Problem, first_line: int, last_line: int) -> Problem:
    """A problem in the provenance block, worded and numbered for the ADR file itself.

    libyaml puts "unexpected end" one line past the text; here that line would be the closing
    ``---`` or ``-->``, so the number stops at the block's last line.
    """
    verb = "is" if problem.message.startswith("not ") else "has"
    return problem.replace(
        message=f"the provenance {verb} {problem.message}",
        line=min(first_line + (problem.line or 1) - 1, last_line),
    )


def check_file(path: Path, knowledge: Knowledge) -> tuple[dict[str, Any], list[str]]:
    """The ADR's provenance and its drift lines; no lines when every verdict still holds."""
    recorded = read_provenance(path)
    answers = validate_answers(recorded["answers"], knowledge, source=f"{path}: edaadvisor")
    evaluation = evaluate(knowledge, answers)
    drift: list[str] = []
    for topic, before in recorded["verdicts"].items():
        decision = evaluation.decisions.get(topic)
        if decision is None:
            drift.append(f"  {topic}: recorded {before!r}; the knowledge base has no such topic")
        elif decision.verdict != before:
            rules = ", ".join(decision.rules) or "the topic's default"
            drift.append(
                f"  {topic}: {VERDICT_WORDS.get(str(before), before)} -> "
                f"{VERDICT_WORDS[decision.verdict]} ({rules}: {decision.summary})"
            )
    for topic, decision in evaluation.decisions.items():
        if topic not in recorded["verdicts"]:
            drift.append(f"  {topic}: new topic, now {VERDICT_WORDS[decision.verdict]}")
    return recorded, drift


def _knowledge_note(recorded: dict[str, Any], knowledge: Knowledge) -> str:
    was = recorded.get("knowledge") or {}
    if not isinstance(was, dict) or was.get("digest") == knowledge.digest:
        return ""
    then = f"{was.get('name')} {was.get('version')}"
    return f" (written with {then}, checked with {knowledge.name} {knowledge.version})"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="edaadvisor check",
        description="Re-evaluate the answers recorded in ADRs written by edaadvisor; exit 1 "
        "when a verdict no longer holds, 2 when an ADR cannot be read.",
    )
    parser.add_argument("adrs", nargs="+", type=Path, metavar="ADR.md")
    add_knowledge_option(
        parser, "layer a knowledge pack, as when the ADRs were written (repeatable)"
    )
    parser.add_argument(
        "--skip-unmarked",
        action="store_true",
        help="pass over Markdown files without edaadvisor provenance (for pre-commit)",
    )
    args = parser.parse_args(argv)
    knowledge = load_knowledge(args.knowledge)
    status = 0
    for path in args.adrs:
        try:
            recorded, drift = check_file(path, knowledge)
        except NotAnEdaAdvisorAdr as exc:
            if args.skip_unmarked:
                continue
            _errors(exc)
            status = 2
            continue
        except EdaAdvisorError as exc:
            _errors(exc)
            if not args.knowledge and "packs" in _quiet_knowledge(path):
                echo(
                    f"edaadvisor check: note: {path} was written with knowledge packs; "
                    "pass them with --knowledge DIR",
                    sys.stderr,
                )
            status = 2
            continue
        if drift:
            # recorded topics and verdicts are the ADR author's text: stripped like any other
            echo(f"{path}: drifted{_knowledge_note(recorded, knowledge)}")
            echo("\n".join(drift))
            status = max(status, 1)
        else:
            echo(f"{path}: {len(recorded['verdicts'])} verdicts still hold")
    return status


def _quiet_knowledge(path: Path) -> dict[str, Any]:
    try:
        knowledge = read_provenance(path).get("knowledge")
    except EdaAdvisorError:
        return {}
    return knowledge if isinstance(knowledge, dict) else {}


def _errors(exc: EdaAdvisorError) -> None:
    for line in exc.lines:
        echo(f"edaadvisor check: error: {line}", sys.stderr)
