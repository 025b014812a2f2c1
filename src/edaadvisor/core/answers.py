"""The answers file (CONTRACT.md section 1): read, validate, and describe it as a JSON Schema.

The ``answers`` mapping is checked against the knowledge base's questions, so a pack that adds
a question also teaches the validator (and the schema) about it. The pydantic model is built
from the questions; its errors are rewritten in the question's own terms ("one of: strong,
eventual") because people read them, and a misspelt id gets the closest real one suggested.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    create_model,
)

from .errors import InputError, KeyPath, Problem
from .knowledge import Knowledge
from .model import Question
from .yamlsafe import YamlDocument, load_yaml_file, parse_yaml

FORMAT_VERSION = 1
STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
Status = Literal["proposed", "accepted", "rejected", "deprecated", "superseded"]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class AdrMeta(BaseModel):
    """Optional metadata for the ADR; everything has a sensible default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: ShortText | None = None
    status: Status | None = None
    deciders: list[ShortText] = Field(default_factory=list, max_length=50)
    date: dt.date | None = None


@dataclass(frozen=True)
class AnswersFile:
    """A validated answers file. ``answers`` holds only the questions answered."""

    answers: dict[str, Any]
    project: str | None = None
    adr: AdrMeta = field(default_factory=AdrMeta)
    source: str = "<answers>"

    def to_data(self) -> dict[str, Any]:
        """The file's own shape again, for saving and for ADR provenance."""
        data: dict[str, Any] = {"version": FORMAT_VERSION}
        if self.project:
            data["project"] = self.project
        adr = self.adr.model_dump(exclude_defaults=True, mode="json")
        if adr:
            data["adr"] = adr
        data["answers"] = dict(self.answers)
        return data


SCHEMA_COMMENT = (
    "# yaml-language-server: $schema="
    "https://edaadvisor.dev/schema/answers-v1.schema.json\n"
)


def dump_answers(answers_file: AnswersFile) -> str:
    """The answers file as YAML text that ``--answers`` reads back to the same answers."""
    import yaml

    body = yaml.safe_dump(
        answers_file.to_data(), sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return SCHEMA_COMMENT + body


def _field_type(question: Question) -> Any:
    if question.type == "bool":
        return StrictBool | None
    if question.type == "enum":
        return Literal[tuple(question.values)] | None
    return Annotated[int, Field(strict=True, ge=question.minimum, le=question.maximum)] | None


_MODEL_CACHE: dict[str, type[BaseModel]] = {}


def _build_model(questions: list[Question]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        q.id: (_field_type(q), Field(default=None, title=q.title, description=_describe(q)))
        for q in questions
    }
    answers_model = create_model(
        "Answers",
        __config__=ConfigDict(extra="forbid"),
        __doc__="Question id -> answer. Leave a question out when the answer is not known.",
        **fields,
    )
    return create_model(
        "AnswersFile",
        __config__=ConfigDict(extra="forbid", title="edaadvisor answers file"),
        __doc__="The answers that edaadvisor --answers reads (format version 1).",
        version=(Literal[1], Field(description="Answers-file format version; must be 1.")),
        project=(ShortText | None, Field(default=None, description="The system under decision.")),
        adr=(AdrMeta | None, Field(default=None, description="Optional ADR metadata.")),
        answers=(answers_model, Field(default_factory=dict)),
    )


def _describe(question: Question) -> str:
    text = question.help.strip().split("\n\n")[0]
    return f"{text} Allowed: {question.domain_text()}."


def answers_model(knowledge: Knowledge) -> type[BaseModel]:
    """The pydantic model of an answers file for this knowledge base."""
    model = _MODEL_CACHE.get(knowledge.digest)
    if model is None:
        model = _MODEL_CACHE[knowledge.digest] = _build_model(list(knowledge.questions.values()))
    return model


def json_schema(knowledge: Knowledge) -> dict[str, Any]:
    """JSON Schema of the answers file, generated from the pydantic model."""
    schema = answers_model(knowledge).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://edaadvisor.dev/schema/answers-v1.schema.json"
    return schema


def load_answers_file(path: Path, knowledge: Knowledge) -> AnswersFile:
    """Read and validate an answers file; every problem is an ``InputError`` naming the file."""
    return parse_answers_document(load_yaml_file(path, what="answers file"), knowledge)


def parse_answers_text(text: str, source: str, knowledge: Knowledge) -> AnswersFile:
    return parse_answers_document(parse_yaml(text, source), knowledge)


def parse_answers_document(doc: YamlDocument, knowledge: Knowledge) -> AnswersFile:
    data = doc.data
    if data is None:
        raise InputError.single("is empty; an answers file starts with 'version: 1'", doc.source)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        raise InputError.single(
            f"is {kind}; an answers file is a mapping with 'version: 1' and 'answers:'",
            doc.source,
            line=1,
        )
    problems = _version_problems(doc)
    if problems:
        raise InputError(problems)
    data = {key: value for key, value in data.items()}
    answers = data.get("answers")
    if answers is None:
        data["answers"] = {}
    elif isinstance(answers, dict):
        # null means "don't know", the same as leaving the question out
        data["answers"] = {k: v for k, v in answers.items() if v is not None}
    try:
        validated = answers_model(knowledge).model_validate(data)
    except ValidationError as exc:
        raise InputError(_explain(exc, doc, knowledge)) from None
    answered = validated.answers.model_dump(exclude_none=True)  # type: ignore[attr-defined]
    ordered = {qid: answered[qid] for qid in knowledge.questions if qid in answered}
    return AnswersFile(
        answers=ordered,
        project=validated.project,  # type: ignore[attr-defined]
        adr=validated.adr or AdrMeta(),  # type: ignore[attr-defined]
        source=doc.source,
    )


def validate_answers(
    answers: Mapping[str, Any], knowledge: Knowledge, source: str = "answers"
) -> dict[str, Any]:
    """Check a bare ``question -> value`` mapping (the TUI's and ``--set``'s path)."""
    doc = YamlDocument({"version": FORMAT_VERSION, "answers": dict(answers)}, source)
    return parse_answers_document(doc, knowledge).answers


def _version_problems(doc: YamlDocument) -> list[Problem]:
    if "version" not in doc.data:
        return [
            Problem(
                f"'version' is required: add 'version: {FORMAT_VERSION}' at the top",
                doc.source,
                ("version",),
                1,
            )
        ]
    version = doc.data["version"]
    # exactly the integer 1: not true, not 1.0, not "1"
    if type(version) is not int or version != FORMAT_VERSION:
        return [
            Problem(
                f"version {version!r} is not supported; this edaadvisor reads answers "
                f"files of version {FORMAT_VERSION}",
                doc.source,
                ("version",),
                doc.line_of(("version",)),
            )
        ]
    return []


def _explain(exc: ValidationError, doc: YamlDocument, knowledge: Knowledge) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[KeyPath] = set()
    for err in exc.errors():
        path: KeyPath = tuple(p for p in err["loc"] if isinstance(p, str | int))
        if err["type"] == "invalid_key" and path:
            # a key YAML read as a number or boolean (`1:`, `true:`) is still a key, not an index
            path = (*path[:-1], str(err.get("input", path[-1])).lower())
        if path in seen:
            continue
        seen.add(path)
        problems.append(
            Problem(_message(err, path, knowledge), doc.source, path, doc.line_of(path))
        )
    return problems


def _message(err: Any, path: KeyPath, knowledge: Knowledge) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind in ("extra_forbidden", "invalid_key"):
        return _unknown_key(path, knowledge)
    if len(path) == 2 and path[0] == "answers" and isinstance(path[1], str):
        question = knowledge.questions[path[1]]
        return f"{_show(value)} is not allowed; {question.id} takes {question.domain_text()}"
    if path == ("answers",):
        return "'answers' is a mapping of question id to answer"
    if path == ("adr",):
        return "'adr' is a mapping with title, status, deciders, date"
    if path == ("adr", "status"):
        return f"{_show(value)} is not a status; allowed: {', '.join(STATUSES)}"
    if path == ("adr", "date"):
        return f"{_show(value)} is not a date; write it as YYYY-MM-DD"
    if path[:2] == ("adr", "deciders") and len(path) == 2:
        return "'deciders' is a list of names"
    return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {_show(value)})"


def _unknown_key(path: KeyPath, knowledge: Knowledge) -> str:
    key = str(path[-1])
    if path[:-1] == ("answers",):
        candidates = list(knowledge.questions)
        what = "question"
    elif path[:-1] == ("adr",):
        candidates = list(AdrMeta.model_fields)
        what = "ADR field"
    else:
        candidates = ["version", "project", "adr", "answers"]
        what = "top-level key"
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(candidates)}"
    return f"unknown {what} {key!r}{hint}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:60])
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)
