"""The answers file (docs/answers-file.md): read, validate, and describe it as a JSON Schema.

The ``answers`` mapping is checked against the knowledge base's questions, so a pack that adds
a question also teaches the validator (and the schema) about it. One pydantic-core schema,
built from the questions, does both jobs: ``pydantic_core.SchemaValidator`` validates with it
(fast, without importing pydantic's model machinery) and pydantic's JSON Schema generator turns
it into ``edaadvisor schema``. Its errors are rewritten in the question's own terms ("one of:
strong, eventual") because people read them, and a misspelt id gets the closest real one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bounds import WORDS, show_number, too_large
from .document import YamlDocument
from .errors import InputError, KeyPath, Problem
from .knowledge import Knowledge
from .model import Question
from .quickcheck import Unsure, plainly_valid
from .record import Record, field

if TYPE_CHECKING:
    from pydantic_core import SchemaValidator, ValidationError

FORMAT_VERSION = 1
STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
SCHEMA_ID = "https://edaadvisor.dev/schema/answers-v1.schema.json"
SCHEMA_COMMENT = f"# yaml-language-server: $schema={SCHEMA_ID}\n"


class AdrMeta(Record):
    """Optional metadata for the ADR; everything has a sensible default."""

    title: str | None = None
    status: str | None = None
    deciders: list[str] = field(default_factory=list)
    date: dt.date | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> AdrMeta:
        """Validate an ``adr:`` mapping on its own, as the answers file would; ``ValueError``
        (a pydantic-core ``ValidationError``) when it does not fit."""
        if not isinstance(data, Mapping):
            raise ValueError("'adr' is a mapping with title, status, deciders, date")
        from pydantic_core import SchemaValidator

        adr = SchemaValidator(_adr_schema()).validate_python(dict(data))
        return cls(
            adr.get("title"), adr.get("status"), list(adr.get("deciders", [])), adr.get("date")
        )

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.title:
            data["title"] = self.title
        if self.status:
            data["status"] = self.status
        if self.deciders:
            data["deciders"] = list(self.deciders)
        if self.date:
            data["date"] = self.date.isoformat()
        return data


class AnswersFile(Record):
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
        adr = self.adr.to_data()
        if adr:
            data["adr"] = adr
        data["answers"] = dict(self.answers)
        return data


def dump_answers(answers_file: AnswersFile) -> str:
    """The answers file as YAML text that ``--answers`` reads back to the same answers."""
    import yaml

    body = yaml.safe_dump(
        answers_file.to_data(), sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return SCHEMA_COMMENT + body


# -- the one schema: validation and JSON Schema ---------------------------------------------

_SHORT_TEXT: dict[str, Any] = {
    "type": "str", "strip_whitespace": True, "min_length": 1, "max_length": 200,
}  # fmt: skip


def _field(schema: dict[str, Any], *, required: bool = False, **doc: str) -> dict[str, Any]:
    """A typed-dict field; ``doc`` (title, description) goes into the JSON Schema."""
    return {"type": "typed-dict-field", "schema": schema, "required": required, "metadata": doc}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "nullable", "schema": schema}


def _question_schema(question: Question) -> dict[str, Any]:
    if question.type == "bool":
        return {"type": "bool", "strict": True}
    if question.type == "enum":
        return {"type": "literal", "expected": question.values}
    if question.type == "list":
        return {
            "type": "list",
            "items_schema": {"type": "literal", "expected": question.values},
            "max_length": len(question.values),
            "strict": True,
        }
    schema: dict[str, Any] = {"type": "int", "strict": True}
    if question.minimum is not None:
        schema["ge"] = question.minimum
    if question.maximum is not None:
        schema["le"] = question.maximum
    return schema


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


def _adr_schema() -> dict[str, Any]:
    fields = {
        "title": _field(_optional(_SHORT_TEXT), description="The ADR's title."),
        "status": _field(
            _optional(
                {
                    "type": "union",
                    "custom_error_type": "status",
                    "custom_error_message": "not a status",
                    "choices": [
                        {"type": "literal", "expected": list(STATUSES)},
                        # MADR's own form: "superseded by ADR-0009"
                        {"type": "str", "pattern": r"^superseded by \S", "max_length": 200},
                    ],
                }
            ),
            description="The ADR's status; default proposed.",
        ),
        "deciders": _field(
            {"type": "list", "items_schema": _SHORT_TEXT, "max_length": 50},
            description="Who makes the decision.",
        ),
        "date": _field(
            _optional({"type": "date"}),
            description="YYYY-MM-DD; default SOURCE_DATE_EPOCH when set, else today.",
        ),
    }
    return {"type": "typed-dict", "fields": fields, "extra_behavior": "forbid"}


def core_schema(knowledge: Knowledge) -> dict[str, Any]:
    """The pydantic-core schema of an answers file for this knowledge base."""
    answers = {
        q.id: _field(
            _optional(_question_schema(q)),
            title=q.title,
            description=f"{_first_paragraph(q.help)} Allowed: {q.domain_text()}.",
        )
        for q in knowledge.questions.values()
    }
    return {
        "type": "typed-dict",
        "extra_behavior": "forbid",
        "ref": "AnswersFile",
        "metadata": {"title": "edaadvisor answers file"},
        "fields": {
            "version": _field(
                {"type": "literal", "expected": [FORMAT_VERSION]},
                required=True,
                description="Answers-file format version; must be 1.",
            ),
            "project": _field(_optional(_SHORT_TEXT), description="The system under decision."),
            "adr": _field(_optional(_adr_schema()), description="Optional ADR metadata."),
            "answers": _field(
                {"type": "typed-dict", "fields": answers, "extra_behavior": "forbid"},
                description="Question id -> answer. Leave out what is not known.",
            ),
        },
    }


_VALIDATORS: dict[str, SchemaValidator] = {}
_SCHEMAS: dict[str, dict[str, Any]] = {}


def _schema(knowledge: Knowledge) -> dict[str, Any]:
    schema = _SCHEMAS.get(knowledge.digest)
    if schema is None:
        schema = _SCHEMAS[knowledge.digest] = core_schema(knowledge)
    return schema


def _validator(knowledge: Knowledge) -> SchemaValidator:
    validator = _VALIDATORS.get(knowledge.digest)
    if validator is None:
        # imported on first use: the TUI shows its first question before it validates anything
        from pydantic_core import SchemaValidator

        validator = _VALIDATORS[knowledge.digest] = SchemaValidator(core_schema(knowledge))
    return validator


def json_schema(knowledge: Knowledge) -> dict[str, Any]:
    """JSON Schema of the answers file: pydantic's generator over the validating schema."""
    from pydantic.json_schema import GenerateJsonSchema

    class _WithDocs(GenerateJsonSchema):
        # carry each field's title and description from the core schema's metadata
        def typed_dict_field_schema(self, schema: Any) -> Any:
            result = super().typed_dict_field_schema(schema)
            return {**result, **schema.get("metadata", {})}

        def typed_dict_schema(self, schema: Any) -> Any:
            result = super().typed_dict_schema(schema)
            return {**result, **schema.get("metadata", {})}

    schema: dict[str, Any] = _WithDocs().generate(core_schema(knowledge))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def load_answers_file(path: Path, knowledge: Knowledge) -> AnswersFile:
    """Read and validate an answers file; every problem is an ``InputError`` naming the file."""
    from .yamlsafe import load_yaml_file

    return parse_answers_document(load_yaml_file(path, what="answers file"), knowledge)


def parse_answers_text(text: str, source: str, knowledge: Knowledge) -> AnswersFile:
    from .yamlsafe import parse_yaml

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
        # the TUI and the state file hand over numbers no YAML reader has bounded
        huge = [
            Problem(
                f"{show_number(v)} is too large; {WORDS}",
                doc.source,
                ("answers", str(k)),
                doc.line_of(("answers", str(k))),
            )
            for k, v in data["answers"].items()
            if too_large(v)
        ]
        if huge:
            raise InputError(huge)
    try:
        # a plainly valid file needs no pydantic-core (its import is most of a JSON run);
        # whatever quickcheck is unsure of, pydantic-core decides and explains
        validated = plainly_valid(_schema(knowledge), data)
    except Unsure:
        validator = _validator(knowledge)
        from pydantic_core import ValidationError

        try:
            validated = validator.validate_python(data)
        except ValidationError as exc:
            raise InputError(_explain(exc, doc, knowledge)) from None
    answered = validated.get("answers", {})
    repeated = [
        Problem(
            f"{q} names a choice twice; list each of "
            f"{', '.join(knowledge.questions[q].values)} at most once",
            doc.source,
            ("answers", q),
            doc.line_of(("answers", q)),
        )
        for q, value in answered.items()
        if isinstance(value, list) and len(set(value)) != len(value)
    ]
    if repeated:
        raise InputError(repeated)
    ordered = {
        q: _canonical(knowledge.questions[q], answered[q])
        for q in knowledge.questions
        if answered.get(q) is not None
    }
    adr = validated.get("adr") or {}
    return AnswersFile(
        answers=ordered,
        project=validated.get("project"),
        adr=AdrMeta(
            adr.get("title"), adr.get("status"), list(adr.get("deciders", [])), adr.get("date")
        ),
        source=doc.source,
    )


def _canonical(question: Question, value: Any) -> Any:
    """A list answer in the order of the question's choices: the same safeguards, however a
    file lists them, give the same report, ADR and comparison."""
    if question.type == "list" and isinstance(value, list):
        return [v for v in question.values if v in value]
    return value


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
                f"version {_show(version)} is not supported; this edaadvisor reads answers "
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
    if len(path) == 3 and path[0] == "answers" and str(path[1]) in knowledge.questions:
        question = knowledge.questions[str(path[1])]
        return f"{_show(value)} is not allowed; {question.id} takes {question.domain_text()}"
    if path == ("answers",):
        return "'answers' is a mapping of question id to answer"
    if path == ("adr",):
        return "'adr' is a mapping with title, status, deciders, date"
    if path == ("adr", "status"):
        return (
            f"{_show(value)} is not a status; allowed: {', '.join(STATUSES)}, "
            "or 'superseded by ...'"
        )
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
        candidates = ["title", "status", "deciders", "date"]
        what = "ADR field"
    else:
        candidates = ["version", "project", "adr", "answers"]
        what = "top-level key"
    import difflib  # only a misspelt key pays for it

    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(candidates)}"
    return f"unknown {what} {key!r}{hint}"


def _show(value: Any) -> str:
    if type(value) is int:
        return show_number(value)
    if isinstance(value, str):
        return repr(value[:60])
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)
