"""The report turned into what an ADR template needs: plain data, already worded and escaped.

Templates receive only dicts, lists and strings built here, never the core's objects, for two
reasons: a team's own template runs in Jinja2's sandbox with nothing to reach through, and the
wording (which is the hard part of a good ADR) is written and tested once, in Python, for every
template. Strings meant for the Markdown body are escaped; ``*_text`` twins carry the raw words.

This module holds what every record shares (title, date, provenance, sources, what-if lines,
the report's optional notes); ``records.py`` builds the overview, per-topic and single records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.engine import Decision
from ..core.errors import InputError
from ..core.model import Reference
from ..core.report import Report
from ..core.whatif import WhatIf
from .prose import VERDICT_WORDS, answer_label, clause, short_label
from .text import clean, md_escape, one_line, yaml_flow

GROUPS = ("recommend", "advise_against", "consider", "not_applicable")
DECIDED = ("recommend", "advise_against")
DOCS_URL = f"https://github.com/edaadvisor/edaadvisor/blob/v{__version__}/docs"
"""Where a reader of an ADR (in another repository) opens the project's own pages."""


class Source(dict[str, str]):
    """The answers file an ADR was written from: ``file`` (relative to the ADR) and ``digest``."""


def answers_source(answers: Path, adr_folder: Path | None) -> Source:
    """The answers file's path relative to the ADR's folder, with its digest, when both lie in
    one repository (a path out of the repository would mean nothing to a teammate); empty
    otherwise. Without a folder, only the digest (for comparing)."""
    try:
        data = answers.read_bytes()
    except OSError:
        return Source()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()[:16]
    if adr_folder is None:
        return Source(digest=digest)
    root = repository_root(adr_folder)
    if root is None or not answers.resolve().is_relative_to(root):
        return Source()
    relative = Path(os.path.relpath(answers.resolve(), adr_folder.resolve())).as_posix()
    return Source(file=relative, digest=digest)


def repository_root(folder: Path) -> Path | None:
    """The folder holding ``.git`` at or above ``folder``; None outside a repository."""
    here = folder.resolve()
    return next((c for c in (here, *here.parents) if (c / ".git").exists()), None)


def adr_title(report: Report) -> str:
    """The ADR's title as plain text: the answers file's ``adr.title``, else the outcome."""
    meta = report.answers_file.adr
    if meta.title and one_line(meta.title):
        return one_line(meta.title)
    subject = project_name(report) or "this system"
    verdict = report.decisions["event_driven"].verdict if "event_driven" in report.decisions else ""
    lead = {
        "recommend": "Adopt event-driven architecture for",
        "advise_against": "Do not adopt event-driven architecture for",
        "consider": "Weigh event-driven architecture for",
    }.get(verdict, "Event-driven architecture for")
    return f"{lead} {subject}"


def project_name(report: Report) -> str | None:
    """The project name on one line, or None when there is none (or nothing printable)."""
    return one_line(report.project or "") or None


def adr_date(report: Report) -> dt.date:
    """``adr.date``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else today."""
    if report.answers_file.adr.date:
        return report.answers_file.adr.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError.single(
                f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a whole number of seconds since 1970",
                "environment",
            ) from None
    return dt.date.today()


def provenance(
    report: Report, record: str, verdicts: dict[str, str], source: Source | None = None
) -> dict[str, Any]:
    """What ``edaadvisor check`` needs to re-evaluate one record: tool, knowledge, answers,
    the verdicts this record states, and the answers file it came from."""
    knowledge: dict[str, Any] = {
        "name": report.knowledge.name,
        "version": report.knowledge.version,
        "digest": report.knowledge.digest,
    }
    if report.knowledge.packs:
        knowledge["packs"] = [
            {"name": p.name, "version": p.version, "digest": p.digest}
            for p in report.knowledge.packs
        ]
    data: dict[str, Any] = {"version": __version__, "knowledge": knowledge, "record": record}
    if source:
        data["source"] = dict(source)
    data["answers"] = dict(report.answers)
    data["verdicts"] = verdicts
    return data


def provenance_yaml(data: dict[str, Any]) -> str:
    """The ``edaadvisor:`` mapping in one line per key: at most eight lines of front matter."""
    lines = ["edaadvisor:"] + [f"  {key}: {yaml_flow(value)}" for key, value in data.items()]
    return "\n".join(lines) + "\n"


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lowercase, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def reference_md(ref: Reference) -> str:
    """A citation as a Markdown link a reader can open: a principle's section in our docs,
    or a public source with an http(s) address; anything else stays plain text."""
    if ref.section:
        section = md_escape(ref.section)
        return f"[Principles: {section}]({DOCS_URL}/principles.md#{github_anchor(ref.section)})"
    title = md_escape(ref.title or ref.url or "source")
    url = str(ref.url or "")
    if re.fullmatch(r"https?://[^\s()<>]+", url):
        return f"[{title}]({url})"
    return title


def reason(decision: Decision) -> str:
    """The verdict's one-line reason, as a clause; the default's own wording when no rule fired."""
    # a fallback's own wording, without the "Undecided until ..." tail the open list repeats;
    # a verdict a required topic set keeps its summary, which says so
    text = (
        decision.topic.default.summary
        if decision.strength is None and decision.capped is None
        else decision.summary
    )
    return clause(text)


def what_if_line(report: Report, what_if: WhatIf) -> str:
    """``event consumers: 0 consumers`` (and the other answers changed): short and exact."""
    changes = " and ".join(
        f"{short_label(report.knowledge, qid)}: {answer_label(report.knowledge, qid, value)}"
        for qid, value in what_if.changes.items()
    )
    return md_escape(changes) if changes else clause(what_if.description)


def revisit(report: Report, topic_id: str) -> list[dict[str, Any]]:
    """What-if changes grouped by the verdict they would give, so no wording repeats."""
    grouped: dict[str, list[str]] = {}
    for item in report.what_if.get(topic_id, []):
        grouped.setdefault(item.verdict, []).append(what_if_line(report, item))
    return [
        {"verdict": v, "verdict_words": VERDICT_WORDS.get(v, v), "changes": lines}
        for v, lines in grouped.items()
    ]


def question_title(report: Report, qid: str) -> str:
    question = report.knowledge.questions.get(qid)
    return question.title if question else qid


def report_notes(report: Report) -> tuple[dict[str, list[str]], list[str]]:
    """Per-topic assumptions to confirm, and conflicting answers, when the report has them.

    The one place that reads these optional parts of the report: it reads the public JSON
    shape (``decisions.*.assumptions``, ``conflicts``), so an older report without them gives
    empty lists, and each item is worded from whatever it names (a sentence, the questions).
    """
    data = report.to_data()
    assumptions = {
        topic: [_note(item, report) for item in decision.get("assumptions") or []]
        for topic, decision in data["decisions"].items()
    }
    conflicts = [_note(item, report) for item in data.get("conflicts") or []]
    return assumptions, conflicts


def _note(item: Any, report: Report) -> str:
    if not isinstance(item, dict):
        return md_escape(item)
    text = next(
        (item[k] for k in ("sentence", "message", "description", "text", "why") if item.get(k)),
        "",
    )
    qid = item.get("question")
    if qid and "value" in item:
        label = answer_label(report.knowledge, qid, item["value"])
        assumed = f"{short_label(report.knowledge, qid)}: {label}"
        otherwise = item.get("otherwise")
        changes = (
            f"the verdict becomes {VERDICT_WORDS.get(str(otherwise), str(otherwise))}"
            if otherwise
            else item.get("if_false") or item.get("would_change") or ""
        )
        text = f"{assumed} (assumed){'; if not, ' + clause(str(changes)) if changes else ''}"
        return md_escape(text)
    questions = item.get("questions") or []
    if questions and not text:
        text = "contradicting answers: " + ", ".join(map(str, questions))
    return md_escape(text or clean(item))
