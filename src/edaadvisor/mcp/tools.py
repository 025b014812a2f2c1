"""What the MCP tools do, over the core and the ADR code, without the SDK.

Each tool takes JSON arguments and returns JSON-ready data; anything wrong with the
arguments is an ``EdaAdvisorError`` whose lines name the argument (``answers.services: ...``)
where the CLI names the file. ``server`` turns those into tool errors. The work itself is the
CLI's: answers are validated by the core's ``validate_answers`` / ``parse_answers_document``,
the report is ``Report.to_data`` (the ``--format json`` document), the ADR is ``render_adr``,
``write_adr`` runs the CLI's own ``--adr-dir`` code and ``check_adr`` the CLI's ``check_file``.

Paths: every path a tool is given (ADR folder, ADR file, template, knowledge pack) must lie
inside the server's working directory once symlinks are resolved. An agent works in one
repository; nothing it sends should reach outside it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# pydantic reads nested TypedDicts (the tools' output schemas) only in this spelling on 3.11
from typing_extensions import TypedDict

from ..core.answers import AnswersFile, parse_answers_document, validate_answers
from ..core.document import YamlDocument
from ..core.engine import Evaluation, evaluate
from ..core.errors import EdaAdvisorError, InputError, KeyPath, Problem
from ..core.knowledge import Knowledge, load_knowledge
from ..core.model import Question
from ..core.report import Report, build_report

ANSWERS = "answers"
"""The argument every tool reads answers from, and so the start of every answers key path."""


# -- result shapes (the SDK publishes them as each tool's output schema) ---------------------


class Choice(TypedDict):
    value: str
    label: str
    help: str


class AskedQuestion(TypedDict):
    id: str
    question: str
    help: str
    example: str
    type: str
    allowed: str
    """What is allowed, in the words error messages use."""
    choices: list[Choice]
    minimum: int | None
    maximum: int | None
    unit: str
    section: str
    could_change: list[str]
    """Topics whose verdict this answer could still change."""
    could_raise: list[str]
    """Red flags this answer could still raise."""


class NextQuestions(TypedDict):
    done: bool
    """True when no question that could change a verdict is left to ask."""
    remaining: int
    answered: int
    questions: list[AskedQuestion]


class Explanation(TypedDict):
    topic: str
    title: str
    verdict: str
    strength: str | None
    rules: list[str]
    text: str
    references: list[str]


class AdrDocument(TypedDict):
    name: str
    text: str


class DraftAdr(TypedDict):
    template: str
    split: bool
    """Whether ``documents`` holds one record per topic; False means one document."""
    documents: list[AdrDocument]


class WrittenAdr(TypedDict):
    folder: str
    written: list[str]


class AdrCheck(TypedDict):
    source: str
    holds: bool
    verdicts: int
    drift: list[str]


# -- arguments ---------------------------------------------------------------------------------


def at_argument(problems: Sequence[Problem], prefix: KeyPath = ()) -> list[Problem]:
    """Problems re-addressed to a tool argument: no file, the key path under ``prefix``."""
    return [p.replace(source=None, line=None, key_path=(*prefix, *p.key_path)) for p in problems]


def argument_error(argument: str, message: str) -> InputError:
    return InputError.single(message, None, (argument,))


MAX_VALUES = 2_000
"""Values in one ``answers`` argument. An answers file holds a few dozen; the bound keeps a
call that sends a hundred thousand unknown keys from taking seconds to list them all."""


def read_answers(data: Any, knowledge: Knowledge) -> AnswersFile:
    """``answers``: question id -> value, or a whole answers file (it has ``version``).

    Validated by the core exactly as the CLI validates a file; the messages are the CLI's,
    addressed to the argument: ``answers.services: 0 is not allowed; ...``.
    """
    if not isinstance(data, Mapping):
        raise argument_error(ANSWERS, "is a mapping of question id to answer")
    _bounded(data)
    if "version" in data:
        try:
            return parse_answers_document(YamlDocument(dict(data), ANSWERS), knowledge)
        except InputError as exc:
            raise InputError(at_argument(exc.problems, (ANSWERS,))) from None
    try:
        answers = validate_answers(data, knowledge, source=ANSWERS)
    except InputError as exc:
        raise InputError(at_argument(exc.problems)) from None
    return AnswersFile(answers=answers, source=ANSWERS)


def _bounded(data: Any) -> None:
    """Refuse, as the YAML reader does for files, answers nested too deep or too many."""
    from ..core.yamlsafe import MAX_DEPTH

    pending: list[tuple[Any, KeyPath]] = [(data, (ANSWERS,))]
    seen = 0
    while pending:
        value, path = pending.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise argument_error(
                ANSWERS, f"holds more than {MAX_VALUES:,} values; answers hold one per question"
            )
        if len(path) > MAX_DEPTH:
            raise InputError.single(f"nested more than {MAX_DEPTH} levels deep", None, path[:4])
        if isinstance(value, Mapping):
            pending.extend((v, (*path, str(k))) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend((v, (*path, i)) for i, v in enumerate(value))


def inside(raw: Any, argument: str, cwd: Path) -> Path:
    """``raw`` as a path inside ``cwd`` (symlinks resolved), or an error naming ``argument``."""
    if not isinstance(raw, str) or not raw.strip():
        raise argument_error(argument, "is a path (a non-empty string)")
    if "\x00" in raw:
        raise argument_error(argument, "holds a NUL character; no path does")
    try:
        path = (cwd / raw).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a symlink loop (< 3.13)
        raise argument_error(argument, f"cannot be resolved: {exc}") from None
    if not path.is_relative_to(cwd):
        raise argument_error(
            argument,
            f"{raw[:200]!r} lies outside the server's working directory {str(cwd)!r}; "
            "tools only read and write inside it",
        )
    return path


class Advisor:
    """The tools, over one working directory and the knowledge packs the server was given."""

    def __init__(self, packs: Sequence[Path] = ()) -> None:
        # the process's own working directory: the CLI code write_adr runs resolves against it
        self.cwd = Path.cwd().resolve()
        self.packs = list(packs)
        self.knowledge = load_knowledge(self.packs)
        """The server's knowledge, loaded once: a broken ``--knowledge`` pack stops start-up."""

    def knowledge_for(self, packs: Sequence[str] | None) -> Knowledge:
        """The server's knowledge, with the call's own packs layered on top."""
        if not packs:
            return self.knowledge
        if isinstance(packs, str) or not isinstance(packs, Sequence):
            raise argument_error("knowledge_packs", "is a list of folder paths")
        folders = [
            inside(p, f"knowledge_packs[{i}]", self.cwd).relative_to(self.cwd)
            for i, p in enumerate(packs)
        ]
        return load_knowledge([*self.packs, *folders])

    def report(self, answers: Any, packs: Sequence[str] | None = None) -> Report:
        knowledge = self.knowledge_for(packs)
        return build_report(knowledge, read_answers(answers, knowledge))

    # -- tools ---------------------------------------------------------------------------------

    def next_questions(self, answers: Any, packs: Sequence[str] | None = None) -> NextQuestions:
        knowledge = self.knowledge_for(packs)
        given = read_answers(answers, knowledge).answers
        evaluation = evaluate(knowledge, given)
        asked = [
            _asked(question, evaluation) for question in worth_asking(knowledge, given, evaluation)
        ]
        return {
            "done": not asked,
            "remaining": len(asked),
            "answered": len(given),
            "questions": asked,
        }

    def advise(self, answers: Any, packs: Sequence[str] | None = None) -> dict[str, Any]:
        return self.report(answers, packs).to_data()

    def explain(self, answers: Any, topic: Any, packs: Sequence[str] | None = None) -> Explanation:
        report = self.report(answers, packs)
        if not isinstance(topic, str) or topic not in report.decisions:
            import difflib

            known = list(report.decisions)
            close = difflib.get_close_matches(str(topic), known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
            raise argument_error("topic", f"{str(topic)[:80]!r} is not a topic; {hint}")
        from .explain import explain_topic

        return explain_topic(report, topic)

    def draft_adr(
        self,
        answers: Any,
        template: str | None = None,
        split: bool = False,
        packs: Sequence[str] | None = None,
    ) -> DraftAdr:
        report = self.report(answers, packs)
        chosen = self._template(template)
        from ..adr.render import adr_title, render_adr
        from ..adr.text import slugify

        if split:
            from ..adr.write import draft_records

            # the overview and one record per decided topic, as --adr-dir writes them
            return {
                "template": template or "madr",
                "split": True,
                "documents": [
                    {"name": name, "text": text} for name, text in draft_records(report, chosen)
                ],
            }
        text = render_adr(report, template=chosen)
        name = f"{slugify(adr_title(report))}.md"
        return {
            "template": template or "madr",
            "split": False,
            "documents": [{"name": name, "text": text}],
        }

    def _template(self, template: str | None) -> str:
        from ..adr.render import SHIPPED

        if template is None or template in SHIPPED:
            return template or "madr"
        # relative, so a message names the file as the agent gave it
        return str(inside(template, "template", self.cwd).relative_to(self.cwd))

    def write_adr(
        self, answers: Any, adr_dir: str | None = None, packs: Sequence[str] | None = None
    ) -> WrittenAdr:
        from ..adr.files import find_adr_dir

        report = self.report(answers, packs)
        if adr_dir is not None:
            folder: Path | None = inside(adr_dir, "adr_dir", self.cwd)
        else:
            found = find_adr_dir(self.cwd)
            folder = None if found is None else found.resolve()
            if folder is not None and not folder.is_relative_to(self.cwd):
                raise argument_error(
                    "adr_dir",
                    f"the repository's ADR folder {str(found)!r} lies outside the server's "
                    f"working directory {str(self.cwd)!r}; name a folder inside it",
                )
        # None: no folder found; the CLI's code says so in its own words
        written = _cli_write_adr_dir(report, folder)
        shown = folder.relative_to(self.cwd) if folder is not None else Path(".")
        return {"folder": str(shown), "written": written}

    def check_adr(self, path_or_text: Any, packs: Sequence[str] | None = None) -> AdrCheck:
        from ..adr.check import check_file

        knowledge = self.knowledge_for(packs)
        if not isinstance(path_or_text, str) or not path_or_text.strip():
            raise argument_error("path_or_text", "is an ADR's path, or its Markdown text")
        if "\n" not in path_or_text:
            # relative, as a person would type it: messages name the file that way
            path = inside(path_or_text, "path_or_text", self.cwd).relative_to(self.cwd)
            recorded, drift = check_file(path, knowledge)
            source = str(path)
        else:
            from ..core.reading import MAX_BYTES

            if len(path_or_text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
                raise argument_error(
                    "path_or_text", f"is larger than {MAX_BYTES // 1024} KiB; is it an ADR?"
                )
            recorded, drift = _check_text(path_or_text, knowledge)
            source = "path_or_text"
        return {
            "source": source,
            "holds": not drift,
            "verdicts": len(recorded["verdicts"]),
            "drift": [line.strip() for line in drift],
        }


def worth_asking(
    knowledge: Knowledge, given: Mapping[str, Any], evaluation: Evaluation
) -> list[Question]:
    """Visible unanswered questions whose answer could change a verdict, in interview order.

    "Could change" is the engine's own account (each decision's ``unknown``): a rule that
    would beat the standing verdict is waiting for that answer. Visibility is the
    interview's: a question is asked unless its ``visible_when`` is false for these answers.
    """
    wanted = {q for decision in evaluation.decisions.values() for q in decision.unknown}
    return [
        question
        for qid, question in knowledge.questions.items()
        if qid in wanted and qid not in given and _visible(question, given)
    ]


def _visible(question: Question, answers: Mapping[str, Any]) -> bool:
    return question.visible_when is None or question.visible_when.evaluate(answers, {}) is not False


def _asked(question: Question, evaluation: Evaluation) -> AskedQuestion:
    return {
        "id": question.id,
        "question": question.title,
        "help": question.help.strip(),
        "example": question.example,
        "type": question.type,
        "allowed": question.domain_text(),
        "choices": [{"value": c.value, "label": c.label, "help": c.help} for c in question.choices],
        "minimum": question.minimum,
        "maximum": question.maximum,
        "unit": question.unit,
        "section": question.section,
        "could_change": [t for t, d in evaluation.decisions.items() if question.id in d.unknown],
        "could_raise": [
            p.flag.id for p in evaluation.possible_red_flags if question.id in p.unknown
        ],
    }


def _cli_write_adr_dir(report: Report, folder: Path | None) -> list[str]:
    """The library's ``--adr-dir`` writer the CLI calls, so the files are exactly what the
    CLI writes (overview and one record per decided topic, in the folder's convention).

    It prints each path it wrote, relative to the working directory; the lines are captured
    to become the result (the transport keeps stdout's descriptor for itself while serving).
    """
    from ..adr.write import write_adr_dir

    # the CLI's defaults for everything but the folder: no answers file beside the record,
    # the folder's own template, the split records, never over an existing record
    args = argparse.Namespace(
        adr_dir=True if folder is None else folder,
        answers=None,
        template=None,
        single=False,
        supersedes=None,
        force=False,
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        write_adr_dir(args, report)
    return [line for line in printed.getvalue().splitlines() if line.strip()]


def _check_text(text: str, knowledge: Knowledge) -> tuple[dict[str, Any], list[str]]:
    """``check_file`` on ADR text: written to a private temporary file and checked there,
    with the file's name in any message replaced by the argument's."""
    from ..adr.check import check_file

    with tempfile.TemporaryDirectory(prefix="edaadvisor-mcp-") as folder:
        path = Path(folder) / "ADR.md"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            return check_file(path, knowledge)
        except EdaAdvisorError as exc:
            where = str(path)
            raise InputError(
                [
                    p.replace(source=(p.source or "").replace(where, "path_or_text") or None)
                    for p in exc.problems
                ]
            ) from None
