"""The headless core: knowledge, answers, engine and report. Never imports Textual or Jinja2.

Typical use as a library::

    from edaadvisor.core import load_knowledge, load_answers_file, build_report
    knowledge = load_knowledge()
    report = build_report(knowledge, load_answers_file(Path("answers.yaml"), knowledge))
    print(report.decisions["event_driven"].verdict)
"""

from .answers import AnswersFile, load_answers_file, parse_answers_text, validate_answers
from .engine import Decision, Evaluation, evaluate
from .errors import EdaAdvisorError, InputError, KnowledgeError
from .knowledge import Knowledge, load_knowledge
from .report import Report, build_report

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
