"""``edaadvisor compare A.yaml B.yaml [...]``: where the team disagrees, and what it changes.

A thin shell over :mod:`edaadvisor.core.compare`: it loads and validates the answers files the
way ``--answers`` does (same messages, exit 2), renders the comparison as a one-screen text
summary, Markdown for the meeting notes, or JSON (keys are only ever added), and with
``--merge OUT.yaml`` writes the answers everyone agrees on, atomically and never over an
existing file without ``--force``. Exit status: 0 when the verdicts agree, 1 when they differ
(or ``--merge`` would overwrite a file), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .core.compare import Comparison, TopicDispute, compare, merge_answers
from .core.errors import EdaAdvisorError, InputError
from .core.terminal import escape_unsafe_json, terminal_safe
from .options import add_knowledge_option

FORMATS = ("text", "markdown", "json")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edaadvisor compare",
        description="Compare two or more answers files: the questions answered differently, "
        "the differences that decide each differing verdict, and those that change nothing. "
        "Exit 0 when the verdicts agree, 1 when they differ, 2 on bad input.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="answers files")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text", help="default: text")
    parser.add_argument(
        "--merge",
        type=Path,
        metavar="OUT.yaml",
        help="write one answers file with the agreed answers; disputed ones stay unanswered",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing --merge file")
    add_knowledge_option(parser, "layer a knowledge pack (repeatable, applied in order)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if len(args.files) < 2:
        raise InputError.single("compare needs at least two answers files")
    from .core.answers import AnswersFile, dump_answers, load_answers_file
    from .core.knowledge import load_knowledge

    knowledge = load_knowledge(args.knowledge)
    files: list[AnswersFile] = []
    problems = []
    for path in args.files:
        # every file's problems at once: a workshop fixes them in one round
        try:
            files.append(load_answers_file(path, knowledge))
        except EdaAdvisorError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    comparison = compare(knowledge, files)
    if args.merge is not None:
        from .core.files import write_file

        merged = merge_answers(files, source=str(args.merge))
        write_file(args.merge, dump_answers(merged), force=args.force)
        kept, disputed = len(merged.answers), len(comparison.differences)
        print(
            terminal_safe(
                f"{args.merge}: {kept} agreed answers kept, {disputed} disputed left open"
            ),
            file=sys.stderr,
        )
    if args.format == "json":
        text = json.dumps(comparison.to_data(), indent=2, ensure_ascii=False) + "\n"
        sys.stdout.write(escape_unsafe_json(text))
    else:
        render = render_markdown if args.format == "markdown" else render_text
        sys.stdout.write(terminal_safe(render(comparison)))
    return 0 if comparison.agree else 1


def show(value: Any) -> str:
    """An answer as the answers file spells it."""
    if value is None:
        return "(unanswered)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _grouped(labels: list[str], values: list[str]) -> str:
    """``eventual: Alice, Carol · strong: Bob``: who said what, in first-seen order."""
    groups: dict[str, list[str]] = {}
    for label, value in zip(labels, values, strict=True):
        groups.setdefault(value, []).append(label)
    return " · ".join(f"{value}: {', '.join(who)}" for value, who in groups.items())


def _participants_line(comparison: Comparison) -> str:
    """``Alice (alice.yaml) · bob.yaml``: each label, with its file where that adds anything."""
    parts = []
    for p in comparison.participants:
        name = Path(p.answers_file.source).name
        parts.append(
            p.label if p.label == name or f"({name})" in p.label else f"{p.label} ({name})"
        )
    return " · ".join(parts)


def _causes_text(comparison: Comparison, dispute: TopicDispute, limit: int = 4) -> str:
    """The distinct smallest causes, fewest answers first, then in questionnaire order."""
    order = {q: i for i, q in enumerate(comparison.knowledge.questions)}
    sets = sorted(
        {tuple(c.questions) for c in dispute.causes},
        key=lambda qs: (len(qs), [order[q] for q in qs]),
    )
    shown = "; ".join(" + ".join(qs) for qs in sets[:limit])
    return shown + (f"; and {len(sets) - limit} more" if len(sets) > limit else "")


def render_text(comparison: Comparison) -> str:
    """One screen: who said what, which differences decide which verdicts, what to skip."""
    labels = [p.label for p in comparison.participants]
    topics = len(comparison.knowledge.topics)
    lines = [f"Compared {len(labels)} answers files: {_participants_line(comparison)}", ""]
    width = max((len(d.question) for d in comparison.differences), default=0)
    width = max([width, *(len(d.topic) for d in comparison.disputes)])
    if comparison.differences:
        lines.append(f"Answered differently ({len(comparison.differences)}):")
        for d in comparison.differences:
            lines.append(
                f"  {d.question:<{width}}  {_grouped(labels, [show(v) for v in d.values])}"
            )
    else:
        lines.append("Every question is answered alike.")
    lines.append("")
    if comparison.disputes:
        lines.append(
            f"Verdicts that differ ({len(comparison.disputes)} of {topics} topics), "
            "and the answers that decide them:"
        )
        for dispute in comparison.disputes:
            lines.append(f"  {dispute.topic:<{width}}  {_grouped(labels, dispute.verdicts)}")
            lines.append(f"  {'':<{width}}  decided by: {_causes_text(comparison, dispute)}")
    else:
        lines.append(f"The verdicts agree on all {topics} topics.")
    if comparison.no_effect:
        lines += [
            "",
            "Answered differently, changing nothing (skip these): "
            + ", ".join(comparison.no_effect),
        ]
    return "\n".join(lines) + "\n"


def render_markdown(comparison: Comparison) -> str:
    """The same, as Markdown tables for the meeting notes; people's text is escaped."""
    from .adr.text import md_escape

    labels = [md_escape(p.label) for p in comparison.participants]
    head = "| {} | " + " | ".join(labels) + " |"
    rule = "|---|" + "---|" * len(labels)
    lines = ["# Where the answers differ", ""]
    lines += [
        "Compared: "
        + ", ".join(
            f"{label} (`{Path(p.answers_file.source).name}`)"
            for label, p in zip(labels, comparison.participants, strict=True)
        )
        + ".",
        "",
        "## Answered differently",
        "",
    ]
    if comparison.differences:
        lines += [head.format("question"), rule]
        lines += [
            f"| `{d.question}` | " + " | ".join(md_escape(show(v)) for v in d.values) + " |"
            for d in comparison.differences
        ]
    else:
        lines.append("Every question is answered alike.")
    lines += ["", "## Verdicts that differ, and the answers that decide them", ""]
    if comparison.disputes:
        lines += [head.format("topic") + " decided by |", rule + "---|"]
        for dispute in comparison.disputes:
            title = md_escape(comparison.knowledge.topics[dispute.topic].title)
            pairs: dict[str, list[str]] = {}
            for c in dispute.causes:
                key = " + ".join(f"`{q}`" for q in c.questions)
                pairs.setdefault(key, []).append(f"{labels[c.base]} → {labels[c.target]}")
            causes = "; ".join(f"{key} ({', '.join(who)})" for key, who in pairs.items())
            verdicts = " | ".join(v.replace("_", " ") for v in dispute.verdicts)
            lines.append(f"| {title} | {verdicts} | {causes} |")
    else:
        lines.append(f"None: the verdicts agree on all {len(comparison.knowledge.topics)} topics.")
    if comparison.no_effect:
        lines += ["", "## Answered differently, changing nothing", ""]
        lines += [f"- `{q}`" for q in comparison.no_effect]
    return "\n".join(lines) + "\n"
