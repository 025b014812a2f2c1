"""``edaadvisor check ADR.md [...]``: do the decisions an ADR records still hold?

Each record edaadvisor writes carries its provenance (MADR: the front matter's ``edaadvisor:``
mapping; Nygard: the same YAML in an HTML comment at the end): the answers, the verdicts this
record states, the knowledge base and the answers file it came from. The check respects the
ADR lifecycle and the team's own word:

- a superseded, deprecated or rejected record is skipped (``superseded by ADR-0009`` too);
- a recorded override (``overrides: {outbox: {verdict: advise_against, reason: ...}}``)
  passes, with a note when the advice it overrides has changed since;
- drift is a verdict that no longer holds, an answers file edited since the record, or a body
  whose title or decision line no longer says what the provenance records.

Exit 0: everything holds. Exit 1: something drifted (each line says what changed, before and
after). Exit 2: an ADR cannot be read. ``--skip-unmarked`` passes over any file without our
provenance, whatever else it holds (pre-commit hands over every Markdown file it matches).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from ..core.answers import load_answers_file, validate_answers
from ..core.engine import Evaluation, evaluate
from ..core.errors import EdaAdvisorError, InputError, Problem
from ..core.knowledge import Knowledge, load_knowledge
from ..core.model import CAUTION_RANK
from ..core.terminal import echo
from ..core.yamlsafe import parse_yaml
from ..options import add_knowledge_option
from .context import answers_source, repository_root
from .files import locate
from .lifecycle import inactive, provenance_block, read_adr, status_of
from .options import options_for
from .prose import VERDICT_WORDS, answer_label, short_label
from .text import clean, md_escape


class NotAnEdaAdvisorAdr(InputError):
    """The file has no edaadvisor provenance at all (a hand-written ADR)."""


def read_provenance(path: Path) -> dict[str, Any]:
    """The ``edaadvisor:`` mapping embedded in the ADR at ``path``."""
    return _provenance(path, read_adr(path))


def _provenance(path: Path, text: str) -> dict[str, Any]:
    where = str(path)
    block = provenance_block(text)
    if block is None:
        raise NotAnEdaAdvisorAdr.single(
            "has no edaadvisor provenance (an 'edaadvisor:' mapping in the front matter, or an "
            "'<!-- edaadvisor provenance' comment); only ADRs written by edaadvisor can be checked",
            where,
        )
    source, line = block
    try:
        # the answers files' reader, not yaml.safe_load: an ADR comes from a pull request,
        # and safe_load expands alias bombs and recurses without bound on deep nesting
        data = parse_yaml(source, where).data
    except InputError as exc:
        last = line + source.count("\n")
        raise InputError([_in_provenance(p, line, last) for p in exc.problems]) from None
    found = data.get("edaadvisor") if isinstance(data, dict) else None
    if not isinstance(found, dict):
        raise InputError.single("'edaadvisor' is not a mapping", where, ("edaadvisor",), line)
    for key in ("answers", "verdicts"):
        if not isinstance(found.get(key), dict):
            raise InputError.single(
                f"'edaadvisor.{key}' is missing or not a mapping; the ADR cannot be re-evaluated",
                where,
                ("edaadvisor", key),
                line,
            )
    overrides = found.get("overrides", {})
    if not isinstance(overrides, dict) or not all(
        isinstance(o, dict) and o.get("verdict") in CAUTION_RANK for o in overrides.values()
    ):
        raise InputError.single(
            "'edaadvisor.overrides' maps a topic to {verdict, reason}; verdict is one of: "
            + ", ".join(CAUTION_RANK),
            where,
            ("edaadvisor", "overrides"),
            line,
        )
    return found


def _in_provenance(problem: Problem, first_line: int, last_line: int) -> Problem:
    """A problem in the provenance block, worded and numbered for the ADR file itself."""
    verb = "is" if problem.message.startswith("not ") else "has"
    return problem.replace(
        message=f"the provenance {verb} {problem.message}",
        line=min(first_line + (problem.line or 1) - 1, last_line),
    )


class Result:
    """What the check found in one record: drift lines (exit 1) and notes (still passing)."""

    def __init__(self, recorded: dict[str, Any]) -> None:
        self.recorded = recorded
        self.drift: list[str] = []
        self.notes: list[str] = []


def check_file(path: Path, knowledge: Knowledge) -> tuple[dict[str, Any], list[str]]:
    """The ADR's provenance and its drift lines; no lines when every verdict still holds."""
    result = check_text(path, read_adr(path), knowledge)
    return result.recorded, result.drift


def check_text(path: Path, text: str, knowledge: Knowledge) -> Result:
    recorded = _provenance(path, text)
    result = Result(recorded)
    answers = validate_answers(recorded["answers"], knowledge, source=f"{path}: edaadvisor")
    evaluation = evaluate(knowledge, answers)
    overrides: dict[str, dict[str, Any]] = recorded.get("overrides") or {}
    _answers_file(path, recorded, knowledge, result)
    for topic, before in recorded["verdicts"].items():
        decision = evaluation.decisions.get(topic)
        if decision is None:
            result.drift.append(
                f"  {topic}: recorded {clean(before)!r}; the knowledge base has no such topic"
            )
            continue
        if topic in overrides:
            _override(topic, str(before), overrides[topic], decision.verdict, result)
        elif decision.verdict != before:
            rules = ", ".join(decision.rules) or "the topic's default"
            result.drift.append(
                f"  {topic}: {VERDICT_WORDS.get(str(before), clean(before))} -> "
                f"{VERDICT_WORDS[decision.verdict]} ({rules}: {decision.summary})"
            )
    if recorded.get("record") in ("overview", "single", None):
        for topic, decision in evaluation.decisions.items():
            if topic not in recorded["verdicts"]:
                result.drift.append(f"  {topic}: new topic, now {VERDICT_WORDS[decision.verdict]}")
    if recorded.get("template") != "custom":
        result.drift += _body(text, recorded, evaluation, overrides)
    if result.drift:
        result.drift[:0] = _knowledge_change(recorded, knowledge)
    return result


def _override(topic: str, before: str, override: dict[str, Any], now: str, result: Result) -> None:
    reason = clean(override.get("reason") or "no reason recorded")
    stated = f"{topic}: overridden as {VERDICT_WORDS[override['verdict']]} ({reason})"
    if now != before:
        result.notes.append(
            f"  {stated}; the advice it overrides changed since: "
            f"{VERDICT_WORDS.get(before, clean(before))} -> {VERDICT_WORDS[now]}; "
            "check that the reason still holds"
        )
    elif now == override["verdict"]:
        result.notes.append(f"  {stated}; the advice now agrees, so the override can go")


def _answers_file(
    path: Path, recorded: dict[str, Any], knowledge: Knowledge, result: Result
) -> None:
    """Drift when the answers file beside the record no longer says what the record used."""
    source = recorded.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("file"), str):
        return
    answers_path = path.parent / source["file"]
    root = repository_root(path.parent)
    if root is None or not answers_path.resolve().is_relative_to(root):
        # a record from a pull request does not get to make check read files elsewhere
        result.notes.append(
            f"  answers file {clean(source['file'])} is outside the repository; not compared"
        )
        return
    if not answers_path.is_file():
        result.notes.append(f"  answers file {clean(source['file'])} not found; not compared")
        return
    if answers_source(answers_path, None).get("digest") == source.get("digest"):
        return
    try:
        now = load_answers_file(answers_path, knowledge).answers
    except EdaAdvisorError as exc:
        result.drift.append(
            f"  answers: {clean(source['file'])} can no longer be read: {exc.lines[0]}"
        )
        return
    then = recorded["answers"]
    changed = [
        f"{short_label(knowledge, q)} {_label(knowledge, q, then.get(q))} -> "
        f"{_label(knowledge, q, now.get(q))}"
        for q in dict.fromkeys([*then, *now])
        if then.get(q) != now.get(q)
    ]
    if changed:
        result.drift.append(
            f"  answers: {clean(source['file'])} changed since this record: " + "; ".join(changed)
        )
        # and what the edited answers would decide, for the verdicts this record states
        edited = evaluate(knowledge, now).decisions
        for topic, before in recorded["verdicts"].items():
            decision = edited.get(topic)
            if decision is not None and decision.verdict != before:
                result.drift.append(
                    f"  {topic}, with the edited answers: "
                    f"{VERDICT_WORDS.get(str(before), clean(before))} -> "
                    f"{VERDICT_WORDS[decision.verdict]} ({', '.join(decision.rules) or 'default'})"
                )


def _label(knowledge: Knowledge, qid: str, value: Any) -> str:
    return "unanswered" if value is None else answer_label(knowledge, qid, value)


def _body(
    text: str, recorded: dict[str, Any], evaluation: Evaluation, overrides: dict[str, Any]
) -> list[str]:
    """Drift when the title or decision line was edited away from the recorded verdict."""
    record = recorded.get("record")
    lines: list[str] = []
    if isinstance(record, str) and record in evaluation.decisions and record not in overrides:
        verdict = str(recorded["verdicts"].get(record))
        options = options_for(evaluation.decisions[record].topic)
        chosen = options.chosen(verdict)
        said = re.search(r'^Chosen option: "(.*?)"', text, re.M)
        if chosen is not None and (said is None or said.group(1) != chosen.name):
            found = f'"{said.group(1)}"' if said else "no decision line"
            lines.append(
                f"  body: the decision line says {clean(found)}; the record's verdict "
                f'({VERDICT_WORDS.get(verdict, verdict)}) chooses "{chosen.name}"'
            )
        title = re.search(r"^# (?:\d+\. )?(.*)$", text, re.M)
        expected = md_escape(options.titles.get(verdict, ""))
        if expected and (title is None or title.group(1).strip() != expected):
            lines.append(f"  body: the title no longer says {expected!r}")
    elif record in ("overview", "single"):
        rows = dict(re.findall(r"^\| ([^|\n]+?) \| ([^|\n]+?) \|", text, re.M))
        for topic, verdict in recorded["verdicts"].items():
            decision = evaluation.decisions.get(topic)
            if (
                decision is None
                or topic in overrides
                or verdict not in ("recommend", "advise_against")
            ):
                continue
            said = rows.get(decision.topic.title)
            if said != VERDICT_WORDS[verdict]:
                lines.append(
                    f"  body: the {decision.topic.title} row says {clean(said or 'nothing')!r}; "
                    f"the record's verdict is {VERDICT_WORDS[verdict]}"
                )
    return lines


def _knowledge_change(recorded: dict[str, Any], knowledge: Knowledge) -> list[str]:
    was = recorded.get("knowledge")
    if not isinstance(was, dict):
        return []
    if was.get("digest") == knowledge.digest and was.get("version") == knowledge.version:
        return []
    name, version, digest = (clean(was.get(k, "?")) for k in ("name", "version", "digest"))
    if version != knowledge.version or name != knowledge.name:
        return [f"  knowledge: {name} {version} -> {knowledge.name} {knowledge.version}"]
    return [
        f"  knowledge: {name} {version}, content changed (digest {digest[:12]} -> "
        f"{knowledge.digest[:12]})"
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="edaadvisor check",
        description="Re-evaluate the answers recorded in ADRs written by edaadvisor; exit 1 "
        "when a decision no longer holds, 2 when an ADR cannot be read. Superseded, "
        "deprecated and rejected records are skipped.",
    )
    parser.add_argument(
        "adrs",
        nargs="*",
        type=Path,
        metavar="ADR.md",
        help="records to check (default: every record in the repository's ADR folder, as "
        "the pre-commit hook runs it; files without provenance are passed over)",
    )
    add_knowledge_option(
        parser, "layer a knowledge pack, as when the ADRs were written (repeatable)"
    )
    parser.add_argument(
        "--skip-unmarked",
        action="store_true",
        help="pass over files without edaadvisor provenance, whatever they hold (pre-commit)",
    )
    args = parser.parse_args(argv)
    if not args.adrs:
        found = locate(Path.cwd())
        if found is None:
            echo(
                "edaadvisor check: no ADR folder here (.adr-dir, docs/decisions, doc/adr, "
                "docs/adr); nothing to check"
            )
            return 0
        here = Path.cwd().resolve()
        args.adrs = [
            p.relative_to(here) if p.is_relative_to(here) else p
            for p in sorted(found[0].resolve().glob("*.md"))
        ]
        args.skip_unmarked = True
    knowledge = load_knowledge(args.knowledge)
    status = 0
    for path in args.adrs:
        shown = clean(path)
        try:
            text = read_adr(path)
            if args.skip_unmarked and provenance_block(text) is None:
                continue
            state = status_of(text)
            if inactive(state):
                echo(f"{shown}: skipped ({state})")
                continue
            result = check_text(path, text, knowledge)
        except EdaAdvisorError as exc:
            _errors(exc)
            status = 2
            continue
        if result.drift:
            echo(f"{shown}: drifted")
            echo("\n".join(result.drift))
            status = max(status, 1)
        else:
            overridden = len(result.recorded.get("overrides") or {})
            held = len(result.recorded["verdicts"]) - overridden
            plural = "verdict still holds" if held == 1 else "verdicts still hold"
            team = f", {overridden} overridden by the team" if overridden else ""
            echo(f"{shown}: {held} {plural}{team}")
        if result.notes:
            echo("\n".join(result.notes))
    return status


def _errors(exc: EdaAdvisorError) -> None:
    for line in exc.lines:
        echo(f"edaadvisor check: error: {clean(line)}", sys.stderr)
