"""The report: everything a renderer needs, and its JSON form (docs/report.md describes it).

``build_report`` is the one entry point both the CLI and the TUI use; the JSON document is a
stable public shape: keys may be added, never renamed. Output is deterministic: keys follow
the knowledge base's order and nothing depends on the clock or the file system.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from .answers import AnswersFile
from .engine import Decision, Evaluation, Finding, evaluate
from .knowledge import Knowledge
from .record import Record, field
from .whatif import WhatIf, search_what_if

REPORT_VERSION = 1


class Report(Record):
    knowledge: Knowledge
    answers_file: AnswersFile
    evaluation: Evaluation
    what_if: dict[str, list[WhatIf]] = field(default_factory=dict)
    """Topic -> counterfactuals, smallest first; filled by the what-if analysis."""
    what_if_complete: bool = True
    """False when the search stopped at its work budget (a very large knowledge pack)."""

    @property
    def answers(self) -> dict[str, Any]:
        return self.answers_file.answers

    @property
    def project(self) -> str | None:
        return self.answers_file.project

    @property
    def decisions(self) -> dict[str, Decision]:
        return self.evaluation.decisions

    @property
    def unanswered(self) -> list[str]:
        return [q for q in self.knowledge.questions if q not in self.answers]

    def to_data(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "tool": {"name": "edaadvisor", "version": __version__},
            "knowledge": knowledge_data(self.knowledge),
            "project": self.project,
            "answers": dict(self.answers),
            "unanswered": self.unanswered,
            "conflicts": [
                {"id": c.conflict.id, "questions": c.questions, "message": c.message}
                for c in self.evaluation.conflicts
            ],
            # the typical answers some verdict relies on (each decision says which and why)
            "what_if_complete": self.what_if_complete,
            "assumed": {
                q: v
                for q, v in self.evaluation.assumed.items()
                if any(a.question == q for d in self.decisions.values() for a in d.assumptions)
            },
            "decisions": {
                t: {**decision_data(d), "what_if": what_if_data(self.what_if.get(t, []))}
                for t, d in self.decisions.items()
            },
            "red_flags": [
                {
                    "id": hit.flag.id,
                    "title": hit.flag.title,
                    "why": hit.flag.why,
                    "mitigation": hit.flag.mitigation,
                    "answers": hit.answers,
                    "verdicts": hit.verdicts,
                    "references": [str(r) for r in hit.flag.references],
                }
                for hit in self.evaluation.red_flags
            ],
            "possible_red_flags": [
                {"id": p.flag.id, "title": p.flag.title, "unknown": p.unknown}
                for p in self.evaluation.possible_red_flags
            ],
            "checks": [
                {
                    "id": hit.flag.id,
                    "safeguard": hit.flag.safeguard,
                    "title": hit.flag.title,
                    "check": hit.flag.mitigation,
                }
                for hit in self.evaluation.checks
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_data(), indent=2, ensure_ascii=False) + "\n"


def knowledge_data(knowledge: Knowledge) -> dict[str, Any]:
    return {
        "name": knowledge.name,
        "version": knowledge.version,
        "digest": knowledge.digest,
        "packs": [
            {
                "name": p.name,
                "version": p.version,
                "digest": p.digest,
                # what the pack contributes, so a reader sees which advice is local policy
                "rules": _layer_items(knowledge, p.source, "rule"),
                "red_flags": _layer_items(knowledge, p.source, "red_flag"),
            }
            for p in knowledge.packs
        ],
    }


def _layer_items(knowledge: Knowledge, source: str, kind: str) -> list[str]:
    prefix = f"{source}/"
    return [
        key.split(":", 1)[1]
        for key, where in knowledge.origin.items()
        if key.startswith(f"{kind}:") and where.startswith(prefix)
    ]


def decision_data(decision: Decision) -> dict[str, Any]:
    return {
        "title": decision.topic.title,
        "verdict": decision.verdict,
        "summary": decision.summary,
        "strength": decision.strength,
        "rules": decision.rules,
        "answers": decision.answers,
        "verdicts": decision.verdicts_read,
        "unknown": decision.unknown,
        "assumptions": [
            {
                "question": a.question,
                "value": a.value,
                "otherwise": a.otherwise,
                "description": a.description,
            }
            for a in decision.assumptions
        ],
        "conditional": (
            None
            if decision.capped is None
            else {
                "requires": decision.capped.topic,
                "requires_verdict": decision.capped.topic_verdict,
                "verdict": decision.capped.before,
                "unless": decision.capped.unless,
            }
        ),
        "explanation": [_finding_data(f) for f in decision.deciding],
        "overridden": [_finding_data(f) for f in decision.overridden],
    }


def what_if_data(items: list[WhatIf]) -> list[dict[str, Any]]:
    return [
        {"changes": item.changes, "verdict": item.verdict, "description": item.description}
        for item in items
    ]


def _finding_data(finding: Finding) -> dict[str, Any]:
    rule = finding.rule
    return {
        "rule": rule.id,
        "verdict": rule.verdict,
        "strength": rule.strength,
        "summary": rule.summary,
        "rationale": rule.rationale,
        "answers": finding.answers,
        "verdicts": finding.verdicts,
        "references": [str(r) for r in rule.references],
    }


def build_report(
    knowledge: Knowledge, answers_file: AnswersFile, *, what_if: bool = True
) -> Report:
    """Evaluate ``answers_file`` against ``knowledge``, with what would change each decision
    (``what_if=False`` skips that search, for outputs that do not print it)."""
    evaluation = evaluate(knowledge, answers_file.answers)
    if not what_if:
        return Report(knowledge, answers_file, evaluation)
    changes, complete = search_what_if(
        knowledge, answers_file.answers, evaluation.verdicts, assumed=evaluation.assumed
    )
    return Report(knowledge, answers_file, evaluation, changes, complete)
