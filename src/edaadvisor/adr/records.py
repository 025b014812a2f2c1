"""The records an ADR run writes: an overview, one short record per decided topic, or one
concise single document (stdout, ``--output``, ``--single``).

Each record's context is plain data for the template (see ``context.py``). A topic's record
reads only the answers its decision read, weighs the real options from ``options.yaml`` with
their own pros and cons, and carries its own red flags and what-if lines, so no sentence
needs repeating and a reviewer reads one decision at a time.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..core.engine import Decision
from ..core.report import Report
from . import diagram
from .context import (
    DECIDED,
    GROUPS,
    Source,
    adr_date,
    adr_title,
    project_name,
    provenance,
    provenance_yaml,
    question_title,
    reason,
    reference_md,
    report_notes,
    revisit,
)
from .options import options_for
from .prose import VERDICT_WORDS, answer_label, describe_system, lower_first, short_label
from .text import Quoted, Unsaid, clean, md_escape, one_line, word_runs, yaml_block

KINDS = ("single", "overview", "topic")
# a sentence about these answers folds in another answer: keep that one beside it
_COMPANIONS = {
    "consistency": "consistency_lag_seconds",
    "workflow_participants": "compensation",
    "audit_history": "events_per_aggregate",
}


class Link(dict[str, Any]):
    """A record another record points to: ``label`` (ADR-0004), ``file``, ``title``."""


def record_title(report: Report, topic_id: str) -> str:
    """A topic record's title as plain text: it states the decision, as ADR titles do."""
    decision = report.decisions[topic_id]
    return options_for(decision.topic).titles.get(decision.verdict, decision.topic.title)


def decided(report: Report) -> list[str]:
    """Topics that get a record of their own: adopted or rejected, in report order."""
    return [t for t, d in report.decisions.items() if d.verdict in DECIDED]


def flag_homes(report: Report) -> dict[str, str]:
    """Red flag id -> the decided topic whose record shows it (the others: the overview)."""
    homes: dict[str, str] = {}
    for topic_id in decided(report):
        for flag in options_for(report.decisions[topic_id].topic).red_flags:
            homes.setdefault(flag, topic_id)
    return homes


def _base(
    report: Report, kind: str, record: str, verdicts: dict[str, str], source: Source | None
) -> dict[str, Any]:
    meta = report.answers_file.adr
    status = clean(meta.status or "proposed")
    deciders = [name for name in map(one_line, meta.deciders) if name]
    front: dict[str, Any] = {"status": Quoted(status), "date": adr_date(report)}
    if deciders:
        front["decision-makers"] = deciders
    prov = provenance(report, record, verdicts, source)
    knowledge = report.knowledge
    return {
        "kind": kind,
        "tool_version": __version__,
        "date": adr_date(report).isoformat(),
        "status": status,
        "status_title": status[:1].upper() + status[1:],
        "deciders": [md_escape(d) for d in deciders],
        "deciders_text": deciders,
        "project": md_escape(project_name(report) or "this system"),
        "project_text": project_name(report),
        "front_matter": yaml_block(front) + provenance_yaml(prov),
        "provenance": provenance_yaml(prov),
        "knowledge": {
            "name": knowledge.name,
            "version": knowledge.version,
            "digest": knowledge.digest,
            "short_digest": knowledge.digest[:12],
            "packs": [f"{p.name} {p.version}" for p in knowledge.packs],
        },
        "supersedes": [],
        "overview": None,
    }


def _flag(report: Report, hit: Any) -> dict[str, Any]:
    why, mitigation = clean(hit.flag.why), clean(hit.flag.mitigation)
    return {
        "text": f"{why} Mitigation: {mitigation}",
        "id": hit.flag.id,
        "title": clean(hit.flag.title),
        "why": clean(hit.flag.why),
        "mitigation": clean(hit.flag.mitigation),
        "references": [reference_md(r) for r in hit.flag.references],
    }


def overview_context(
    report: Report,
    *,
    kind: str = "overview",
    number: int | None = None,
    links: dict[str, Link] | None = None,
    source: Source | None = None,
) -> dict[str, Any]:
    """The overview (``kind="overview"``, linking each topic's record) or the single document."""
    verdicts = {t: d.verdict for t, d in report.decisions.items()}
    context = _base(report, kind, "overview" if kind == "overview" else "single", verdicts, source)
    links = links or {}
    homes = flag_homes(report) if kind == "overview" else {}
    _, conflicts = report_notes(report)
    title = adr_title(report)
    rows: list[dict[str, Any]] = []
    still_open: list[dict[str, Any]] = []
    not_applicable: list[dict[str, Any]] = []
    first_with = dict.fromkeys(
        word_runs(" ".join(describe_system(report.knowledge, report.answers))), "the context"
    )
    for topic_id, decision in report.decisions.items():
        entry: dict[str, Any] = {
            "id": topic_id,
            "title": decision.topic.title,
            "verdict": decision.verdict,
            "verdict_words": VERDICT_WORDS.get(decision.verdict, decision.verdict),
            "reason": _cell(reason(decision)),
            "same_as": None,
            "link": links.get(topic_id),
            "questions": [short_label(report.knowledge, q) for q in decision.unknown],
        }
        runs = word_runs(entry["reason"])
        owner = next((first_with[r] for r in sorted(runs) if r in first_with), None)
        if owner is not None:
            # two topics decided for one reason: say it once, then point back to it
            entry["same_as"] = owner
            entry["reason"] = (
                "as the context above says" if owner == "" else f"as for {lower_first(owner)}"
            )
        else:
            first_with.update(dict.fromkeys(runs, decision.topic.title))
        if decision.verdict in DECIDED:
            rows.append(entry)
        elif decision.verdict == "consider":
            still_open.append(entry)
        else:
            not_applicable.append(entry)
    subject = context["project"]
    context.update(
        number=number,
        title=md_escape(title),
        title_text=title,
        context=" ".join(describe_system(report.knowledge, report.answers)),
        problem=f"Which event-driven patterns, if any, should {subject} adopt, and which not?",
        rows=rows,
        diagrams=diagrams(report),
        open=still_open,
        not_applicable=not_applicable,
        conflicts=conflicts,
        # what the decided verdicts lean on, once per assumed answer; each topic's own record
        # repeats its own
        assumptions=_assumption_lines(report),
        red_flags=[_flag(report, h) for h in report.evaluation.red_flags if h.flag.id not in homes],
        possible_red_flags=[
            {
                "title": clean(p.flag.title),
                # the questions the flag itself reads; those of the topics it reads are
                # listed with those topics
                "unknown": ", ".join(
                    short_label(report.knowledge, q)
                    for q in ([q for q in p.unknown if q in p.flag.when.questions()] or p.unknown)
                ),
            }
            for p in report.evaluation.possible_red_flags
        ],
        # the names older custom templates use, kept so they still render
        topics=[{**r, "chosen": None} for r in rows + still_open + not_applicable],
        groups={
            g: [r for r in rows + still_open + not_applicable if r["verdict"] == g] for g in GROUPS
        },
    )
    return context


def _unsaid_flag(flag: dict[str, Any], said: Unsaid) -> dict[str, Any]:
    """A red flag without the sentences the record already says in other words' place."""
    why = flag["why"] if said.fresh(flag["why"]) else ""
    mitigation = flag["mitigation"] if said.fresh(flag["mitigation"]) else ""
    text = " ".join(p for p in (why, "Mitigation: " + mitigation if mitigation else "") if p)
    return {**flag, "why": why, "mitigation": mitigation, "text": text}


def diagrams(report: Report, which: tuple[str, ...] = ("saga", "flow")) -> list[dict[str, str]]:
    """Mermaid pictures (code, not prose) of the saga and the event flow, where they apply."""
    verdicts = {t: d.verdict for t, d in report.decisions.items()}
    broker = report.answers.get("broker")
    broker_label = answer_label(report.knowledge, "broker", broker) if broker else None
    style = diagram.saga_style(verdicts)
    found = []
    if "saga" in which:
        code = diagram.saga_diagram(report.answers, verdicts)
        caption = (
            "The saga under orchestration: one orchestrator drives every participant."
            if style == "orchestration"
            else "The saga under choreography: each participant reacts to the previous event."
        )
        if code:
            found.append({"caption": caption, "code": code})
    if "flow" in which:
        code = diagram.event_flow_diagram(report.answers, verdicts, broker_label)
        if code:
            found.append(
                {"caption": "How events flow, with the safety patterns adopted:", "code": code}
            )
    return found


def _cell(text: str) -> str:
    """Knowledge text inside a table cell: a pipe would end the cell."""
    return clean(text).replace("|", "\\|")


def topic_context(
    report: Report,
    topic_id: str,
    *,
    number: int | None = None,
    overview: Link | None = None,
    source: Source | None = None,
) -> dict[str, Any]:
    """One decided topic's record."""
    decision = report.decisions[topic_id]
    topic = decision.topic
    options = options_for(topic)
    chosen = options.chosen(decision.verdict) or options.options[0]
    context = _base(report, "topic", topic_id, {topic_id: decision.verdict}, source)
    assumptions, _ = report_notes(report)
    title = record_title(report, topic_id)
    homes = flag_homes(report)
    others: list[dict[str, Any]] = [
        {"name": o.name, "pros": [clean(p) for p in o.pros], "cons": [clean(c) for c in o.cons]}
        for o in options.options
        if o is not chosen
    ]
    situation = _topic_situation(report, decision)
    entry: dict[str, Any] = {
        "id": topic_id,
        "title": topic.title,
        "verdict": decision.verdict,
        "verdict_words": VERDICT_WORDS.get(decision.verdict, decision.verdict),
        "question": clean(topic.question),
        "chosen": chosen.name,
        "because": reason(decision),
        "drivers": _drivers(decision),
        "options": [o.name for o in options.options],
        "others": others,
        "good": [clean(p) for p in chosen.pros],
        "bad": [clean(c) for c in chosen.cons],
        "confirmation": _confirmation(decision),
        "red_flags": [],
        "revisit": revisit(report, topic_id),
        "assumptions": assumptions.get(topic_id, []),
        "open_questions": [question_title(report, q) for q in decision.unknown],
        "sources": _sources(decision),
        "rules": decision.rules,
    }
    said = Unsaid(
        situation, entry["because"], *entry["drivers"],
    )  # fmt: skip
    if not said.fresh(entry["question"]):
        entry["question"] = ""  # a rule's rationale already asks it in its own words
    said = Unsaid(
        situation, entry["because"], *entry["drivers"], entry["question"], *entry["confirmation"],
        *entry["good"], *entry["bad"], *(x for o in others for x in [*o["pros"], *o["cons"]]),
    )  # fmt: skip
    for hit in report.evaluation.red_flags:
        if homes.get(hit.flag.id) == topic_id:
            entry["red_flags"].append(_unsaid_flag(_flag(report, hit), said))
    context.update(
        number=number,
        title=md_escape(title),
        title_text=title,
        context=situation,
        problem=entry["question"],
        topic=entry,
        overview=overview,
        topics=[entry],
        groups={g: [entry] if g == decision.verdict else [] for g in GROUPS},
        red_flags=entry["red_flags"],
        diagrams=diagrams(report, ("saga",))
        if topic_id in ("choreography", "orchestration")
        else [],
    )
    return context


def _topic_situation(report: Report, decision: Decision) -> str:
    """The system as far as this decision is concerned: only the answers it read."""
    read = set(decision.answers)
    read |= {_COMPANIONS[q] for q in read if q in _COMPANIONS}
    answers = {q: v for q, v in report.answers.items() if q in read}
    sentences = describe_system(report.knowledge, answers)
    for topic_id, verdict in decision.verdicts_read.items():
        other = report.knowledge.topics.get(topic_id)
        name = other.title if other else topic_id
        sentences.append(f"{name} is {VERDICT_WORDS.get(verdict, verdict)} for this system.")
    return " ".join(sentences) or "No answer bears on this decision; the default stands."


def _drivers(decision: Decision) -> list[str]:
    lines = [clean(f.rule.rationale) for f in decision.deciding]
    lines += [
        f"Outweighed ({VERDICT_WORDS[f.rule.verdict]}): {lower_first(clean(f.rule.summary))}"
        for f in decision.overridden
    ]
    return lines


def _confirmation(decision: Decision) -> list[str]:
    if decision.verdict == "recommend":
        return [clean(c) for c in decision.topic.confirmation]
    adopt = lower_first(clean(decision.topic.adopt))
    return [f"Design reviews reject {adopt} unless a later ADR supersedes this one."]


def _sources(decision: Decision) -> list[str]:
    """Each source once: the deciding rules' references, then the topic's own."""
    refs = [r for f in decision.deciding for r in f.rule.references] + decision.topic.references
    return list(dict.fromkeys(reference_md(r) for r in refs))


def _assumption_lines(report: Report) -> list[str]:
    """``replay needed: no (assumed); otherwise event-driven architecture worth considering``:
    one line per assumed answer, naming every decided topic whose verdict it would change."""
    changes: dict[str, list[str]] = {}
    for decision in report.decisions.values():
        if decision.verdict not in DECIDED:
            continue
        for assumption in decision.assumptions:
            words = VERDICT_WORDS.get(assumption.otherwise, assumption.otherwise)
            changes.setdefault(assumption.question, []).append(
                f"{lower_first(decision.topic.title)} {words}"
            )
    lines = []
    for question, effects in changes.items():
        value = report.evaluation.assumed.get(question)
        label = answer_label(report.knowledge, question, value)
        lines.append(
            md_escape(
                f"{short_label(report.knowledge, question)}: {label} (assumed); otherwise "
                + ", ".join(effects)
            )
        )
    return lines
