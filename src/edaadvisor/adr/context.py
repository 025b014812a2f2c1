"""The report turned into what an ADR template needs: plain data, already worded and escaped.

Templates receive only dicts, lists and strings built here, never the core's objects, for two
reasons: a team's own template runs in Jinja2's sandbox with nothing to reach through, and the
wording (which is the hard part of a good ADR) is written and tested once, in Python, for every
template. Strings meant for the Markdown body are escaped; ``*_text`` twins carry the raw words.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from .. import __version__
from ..core.engine import Decision, Finding
from ..core.errors import InputError
from ..core.model import Reference
from ..core.report import Report
from . import diagram
from .prose import (
    VERDICT_WORDS,
    answer_label,
    answers_phrase,
    clause,
    describe_system,
    lower_first,
)
from .text import Quoted, md_escape, one_line, yaml_block

GROUPS = ("recommend", "advise_against", "consider", "not_applicable")


def adr_title(report: Report) -> str:
    """The ADR's title as plain text: the answers file's ``adr.title``, else the outcome."""
    meta = report.answers_file.adr
    if meta.title and one_line(meta.title):
        return one_line(meta.title)
    subject = _project(report) or "this system"
    verdict = report.decisions["event_driven"].verdict if "event_driven" in report.decisions else ""
    lead = {
        "recommend": "Adopt event-driven architecture for",
        "advise_against": "Do not adopt event-driven architecture for",
        "consider": "Weigh event-driven architecture for",
    }.get(verdict, "Event-driven architecture for")
    return f"{lead} {subject}"


def _project(report: Report) -> str | None:
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


def provenance(report: Report) -> dict[str, Any]:
    """What ``edaadvisor check`` needs to re-evaluate the ADR: tool, knowledge, verdicts."""
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
    return {
        "version": __version__,
        "knowledge": knowledge,
        "answers": dict(report.answers),
        "verdicts": {t: d.verdict for t, d in report.decisions.items()},
    }


def reference_md(ref: Reference) -> str:
    """A citation as Markdown; knowledge text is trusted, but brackets would break the link."""
    if ref.section:
        return f'principle-event-driven.md, section "{ref.section}"'
    title = str(ref.title).replace("[", "(").replace("]", ")")
    return f"[{title}]({ref.url})"


def build_context(report: Report, *, number: int | None = None) -> dict[str, Any]:
    """Everything the templates use; documented for custom templates in the README."""
    knowledge = report.knowledge
    meta = report.answers_file.adr
    title = adr_title(report)
    date = adr_date(report).isoformat()
    status = meta.status or "proposed"
    deciders = [name for name in map(one_line, meta.deciders) if name]
    verdicts = {t: d.verdict for t, d in report.decisions.items()}
    topics = {t: _topic(report, d) for t, d in report.decisions.items()}

    front: dict[str, Any] = {"status": Quoted(status), "date": adr_date(report)}
    if deciders:
        front["decision-makers"] = deciders
    front["edaadvisor"] = provenance(report)

    subject = md_escape(_project(report) or "this system")
    broker = report.answers.get("broker")
    broker_label = answer_label(knowledge, "broker", broker) if broker else None
    diagrams = [
        {"caption": caption, "code": code}
        for caption, code in (
            (_saga_caption(verdicts), diagram.saga_diagram(report.answers, verdicts)),
            (
                "How events flow, with the safety patterns adopted above:",
                diagram.event_flow_diagram(report.answers, verdicts, broker_label),
            ),
        )
        if code
    ]
    return {
        "tool_version": __version__,
        "number": number,
        "title": md_escape(title),
        "title_text": title,
        "date": date,
        "status": status,
        "status_title": status.capitalize(),
        "deciders": [md_escape(d) for d in deciders],
        "deciders_text": deciders,
        "project": subject,
        "project_text": _project(report),
        "front_matter": yaml_block(front),
        "provenance": yaml_block({"edaadvisor": provenance(report)}),
        "knowledge": {
            "name": knowledge.name,
            "version": knowledge.version,
            "digest": knowledge.digest,
            "short_digest": knowledge.digest[:12],
            "packs": [f"{p.name} {p.version}" for p in knowledge.packs],
        },
        "context": " ".join(describe_system(knowledge, report.answers)),
        "problem": f"Which event-driven patterns, if any, should {subject} adopt, and which not?",
        "y_statement": _y_statement(report, subject),
        "drivers": _drivers(report, topics),
        "topics": list(topics.values()),
        "groups": {g: [t for t in topics.values() if t["verdict"] == g] for g in GROUPS},
        "consequences": _consequences(topics),
        "confirmation": _confirmation(topics),
        "diagrams": diagrams,
        "red_flags": [
            {
                "id": hit.flag.id,
                "title": hit.flag.title,
                "why": hit.flag.why,
                "mitigation": hit.flag.mitigation,
                "raised_by": _raised_by(report, hit.answers, hit.verdicts),
                "references": [reference_md(r) for r in hit.flag.references],
            }
            for hit in report.evaluation.red_flags
        ],
        "possible_red_flags": [
            {
                "title": p.flag.title,
                "unknown": ", ".join(_question_title(report, q) for q in p.unknown),
            }
            for p in report.evaluation.possible_red_flags
        ],
        "revisit": [
            {"title": t["title"], "changes": [_what_if_line(w) for w in t["what_if"]]}
            for t in topics.values()
            if t["what_if"]
        ],
        "unanswered": _unanswered(report),
        "rule_references": _rule_references(report),
    }


def _what_if_line(what_if: dict[str, str]) -> str:
    condition = clause(what_if["description"]).removeprefix("if ")
    return f"{VERDICT_WORDS.get(what_if['verdict'], what_if['verdict'])} if {condition}"


def _saga_caption(verdicts: dict[str, str]) -> str:
    style = diagram.saga_style(verdicts)
    if style == "orchestration":
        return "The saga under orchestration: one orchestrator drives every participant."
    return "The saga under choreography: each participant reacts to the previous one's event."


def _reason(decision: Decision) -> str:
    """The summary without the engine's list of unanswered ids: the ADR names those
    questions in words (``open_questions``)."""
    return decision.topic.default.summary if decision.strength is None else decision.summary


def _topic(report: Report, decision: Decision) -> dict[str, Any]:
    topic = decision.topic
    verdict = decision.verdict
    chosen = {"recommend": topic.adopt, "advise_against": topic.alternative}.get(verdict)
    return {
        "id": topic.id,
        "title": topic.title,
        "question": topic.question,
        "description": topic.description,
        "adopt": topic.adopt,
        "alternative": topic.alternative,
        "chosen": chosen,
        "verdict": verdict,
        "verdict_words": VERDICT_WORDS.get(verdict, verdict),
        "strength": decision.strength or "default",
        "summary": decision.summary,
        "because": clause(_reason(decision)),
        "basis": _basis(report, decision),
        "assessment": _assessment(decision),
        "open_questions": [_question_title(report, q) for q in decision.unknown],
        "pros": [clause(p) for p in topic.pros],
        "cons": [clause(c) for c in topic.cons],
        "confirmation": list(topic.confirmation),
        "references": [reference_md(r) for r in topic.references],
        "what_if": [
            {"verdict": w.verdict, "description": w.description}
            for w in report.what_if.get(topic.id, [])
        ],
    }


def _assessment(decision: Decision) -> str:
    """The verdict with every deciding rule's reasoning, and the rules it outweighed."""
    strength = f"{decision.strength} strength" if decision.strength else "the default"
    parts = [f"Assessment: {VERDICT_WORDS.get(decision.verdict, decision.verdict)} ({strength})."]
    parts += [f"`{f.rule.id}`: {f.rule.rationale}" for f in decision.deciding]
    if decision.overridden:
        outweighed = "; ".join(
            f"`{f.rule.id}` ({f.rule.strength}, {VERDICT_WORDS[f.rule.verdict]}): "
            f"{clause(f.rule.summary)}"
            for f in decision.overridden
        )
        parts.append(f"Outweighed: {outweighed}.")
    return " ".join(parts)


def _basis(report: Report, decision: Decision) -> str:
    """Which rules decided, from which answers: the sentence that makes a verdict checkable."""
    if not decision.deciding:
        return "No rule applied to these answers, so the knowledge base's default stands."
    parts = []
    for finding in decision.deciding:
        parts.append(f"`{finding.rule.id}` from {_finding_inputs(report, finding)}")
    return "Decided by " + "; and ".join(parts) + "."


def _finding_inputs(report: Report, finding: Finding) -> str:
    return _raised_by(report, finding.answers, finding.verdicts) or "no answers"


def _raised_by(report: Report, answers: dict[str, Any], verdicts: dict[str, str]) -> str:
    parts = []
    if answers:
        parts.append(answers_phrase(report.knowledge, answers))
    for topic, verdict in verdicts.items():
        title = report.knowledge.topics[topic].title if topic in report.knowledge.topics else topic
        parts.append(f"{lower_first(title)} {VERDICT_WORDS.get(verdict, verdict)}")
    return "; ".join(parts)


def _question_title(report: Report, qid: str) -> str:
    question = report.knowledge.questions.get(qid)
    return question.title if question else qid


def _y_statement(report: Report, subject: str) -> str:
    decision = report.decisions.get("event_driven")
    if decision is None:
        return ""
    topic = decision.topic
    head = f'In the context of {subject}, facing the question "{topic.question}",'
    adopt, alternative = lower_first(topic.adopt), lower_first(topic.alternative)
    because = clause(_reason(decision))
    pro = clause(topic.pros[0]) if topic.pros else "its benefits"
    con = clause(topic.cons[0]) if topic.cons else "its costs"
    if decision.verdict == "recommend":
        return (
            f"{head} we decided for {adopt} and against {alternative}, so that {pro}, "
            f"accepting the cost: {con}."
        )
    if decision.verdict == "advise_against":
        return (
            f"{head} we decided for {alternative} and against {adopt}, because {because}, "
            f"accepting that we forgo the benefit: {pro}."
        )
    if decision.verdict == "consider":
        return f"{head} we have not yet decided between {adopt} and {alternative}: {because}."
    return f"{head} no decision is needed: {because}."


def _drivers(report: Report, topics: dict[str, dict[str, Any]]) -> list[str]:
    """The answers that mattered: read by a deciding rule, with the topics they decided."""
    used: dict[str, list[str]] = {}
    for topic_id, decision in report.decisions.items():
        for qid in decision.answers:
            used.setdefault(qid, []).append(topics[topic_id]["title"])
    lines = []
    for qid in report.answers:  # interview order reads better than rule order
        if qid in used:
            label = answer_label(report.knowledge, qid, report.answers[qid])
            decided = ", ".join(lower_first(t) for t in used[qid])
            lines.append(f"{_question_title(report, qid)} **{label}** (decides: {decided})")
    return lines


def _consequences(topics: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    good: list[str] = []
    bad: list[str] = []
    for t in topics.values():
        name = lower_first(t["title"])
        if t["verdict"] == "recommend":
            good += [f"{p} ({name})" for p in t["pros"]]
            bad += [f"{c} ({name})" for c in t["cons"]]
        elif t["verdict"] == "advise_against":
            good += [f"without {name} we avoid this: {c}" for c in t["cons"]]
            bad += [f"without {name} we forgo this: {p}" for p in t["pros"]]
    return {"good": good, "bad": bad}


def _confirmation(topics: dict[str, dict[str, Any]]) -> list[str]:
    """How the team verifies each adoption holds, and that each rejection stays rejected."""
    lines = [
        f"{t['title']}: {lower_first(c)}"
        for t in topics.values()
        if t["verdict"] == "recommend"
        for c in t["confirmation"]
    ]
    lines += [
        f"{t['title']}: design reviews reject {lower_first(t['adopt'])} "
        "unless a later ADR supersedes this one."
        for t in topics.values()
        if t["verdict"] == "advise_against"
    ]
    return lines


def _unanswered(report: Report) -> list[str]:
    """Unanswered questions, each with the verdicts its answer could still change."""
    affects: dict[str, list[str]] = {}
    for decision in report.decisions.values():
        for qid in decision.unknown:
            affects.setdefault(qid, []).append(lower_first(decision.topic.title))
    lines = []
    for qid in report.unanswered:
        if qid in affects:
            lines.append(
                f"{_question_title(report, qid)} (could change: {', '.join(affects[qid])})"
            )
        else:
            lines.append(f"{_question_title(report, qid)} (would not change any verdict)")
    return lines


def _rule_references(report: Report) -> list[str]:
    lines = []
    for decision in report.decisions.values():
        for finding in decision.deciding:
            refs = "; ".join(reference_md(r) for r in finding.rule.references)
            lines.append(f"`{finding.rule.id}` ({lower_first(decision.topic.title)}): {refs}")
    return lines
