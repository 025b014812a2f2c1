"""``--format text``: the report as a plain one-screen summary for terminals and logs.

A renderer, so it lives outside the headless core (which renders nothing); it needs no
template engine, so the text path stays as light as the JSON one.
"""

from __future__ import annotations

from . import __version__
from .core.report import Report


def render_text(report: Report) -> str:
    """Verdict and reason per topic, then red flags and what is unanswered."""
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
