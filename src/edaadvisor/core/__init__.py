"""The headless core: knowledge, answers, engine and report. Never imports Textual or Jinja2.

Typical use as a library::

    from edaadvisor.core import load_knowledge, load_answers_file, build_report
    knowledge = load_knowledge()
    report = build_report(knowledge, load_answers_file(Path("answers.yaml"), knowledge))
    print(report.decisions["event_driven"].verdict)
"""

from typing import TYPE_CHECKING, Any

from .answers import AnswersFile, load_answers_file, parse_answers_text, validate_answers
from .engine import Decision, Evaluation, evaluate
from .errors import EdaAdvisorError, InputError, KnowledgeError
from .knowledge import Knowledge, load_knowledge

if TYPE_CHECKING:
    from .report import Report, build_report


def __getattr__(name: str) -> Any:
    # the report (and the what-if search behind it) loads when first asked for: the TUI
    # imports the core to start the interview, and needs neither before its first frame
    if name in ("Report", "build_report"):
        from . import report

        return getattr(report, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AnswersFile",
    "Decision",
    "EdaAdvisorError",
    "Evaluation",
    "InputError",
    "Knowledge",
    "KnowledgeError",
    "Report",
    "build_report",
    "evaluate",
    "load_answers_file",
    "load_knowledge",
    "parse_answers_text",
    "validate_answers",
]
