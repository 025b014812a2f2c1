"""``--format text``: the report as a plain one-screen summary for terminals and logs.

A renderer, so it lives outside the headless core (which renders nothing); it needs no
template engine, so the text path stays as light as the JSON one.
"""

from __future__ import annotations

from . import __version__
from .core.report import Report


def render_text(report: Report) -> str:
    """Conflicting answers, verdict and reason per topic, the assumptions they lean on, then
    red flags, checks and what is unanswered."""
    lines = [f"edaadvisor {__version__}: {report.project or 'advice'}", ""]
    if report.evaluation.conflicts:
        lines += ["Answers that contradict each other:"]
        lines += [f"- {hit.message}" for hit in report.evaluation.conflicts]
        lines.append("")
    width = max(len(t) for t in report.decisions)
    for topic, decision in report.decisions.items():
        lines.append(f"{topic:<{width}}  {decision.verdict:<14}  {decision.summary}")
    assumptions = [a for d in report.decisions.values() for a in d.assumptions]
    if assumptions:
        lines += ["", "Assumed where no answer was given:"]
        lines += [f"- {text}" for text in dict.fromkeys(a.description for a in assumptions)]
    if report.evaluation.red_flags:
        lines += ["", "Red flags to watch:"]
        lines += [
            f"- {hit.flag.title}: {hit.flag.mitigation}" for hit in report.evaluation.red_flags
        ]
    if report.evaluation.checks:
        lines += ["", "Safeguards in place, to check they cover these events:"]
        lines += [f"- {hit.flag.title}: {hit.flag.mitigation}" for hit in report.evaluation.checks]
    if report.unanswered:
        lines += ["", "Unanswered: " + ", ".join(report.unanswered)]
    return "\n".join(lines) + "\n"
