"""The MCP server: the tools, resources and interview prompt, registered on the SDK's MCPServer.

Tool functions are thin: they call ``tools.Advisor`` and turn an ``EdaAdvisorError`` (bad
answers, a path outside the working directory, an unreadable ADR) into an error result, which
the SDK returns as ``is_error`` with the same lines the CLI prints. Anything else a tool
raises is the SDK's to catch: the call fails, the server keeps serving. Arguments and results
carry JSON Schemas (the ``answers`` argument is the answers file's own schema), so a host
shows the agent what to send and the client checks what comes back.
"""

# No ``from __future__ import annotations`` here: the SDK reads the tools' signatures,
# whose types are local names (Answers, Packs), and needs them evaluated.
import argparse
import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, WithJsonSchema

from .. import __version__
from ..core.answers import json_schema
from ..core.errors import EdaAdvisorError
from .explain import RULES_URI, topic_catalogue, topic_rules_markdown
from .tools import AdrCheck, Advisor, DraftAdr, Explanation, NextQuestions, WrittenAdr

T = TypeVar("T")

INSTRUCTIONS = """\
edaadvisor decides whether event-driven architecture fits a system, and which patterns \
(event sourcing, CQRS, sagas, outbox, DLQ, ...) to adopt, from a short questionnaire. Verdicts \
are deterministic and explained: each names the rules and answers behind it. Interview the \
user with next_questions (a few questions at a time) until it reports done, then call advise \
or explain, and draft_adr / write_adr for the decision record. Answers are a JSON object of \
question id -> value. The 'interview' prompt has the full procedure."""

INTERVIEW = """\
You are running edaadvisor's architecture interview{about}. Goal: a deterministic, explained \
verdict on event-driven architecture and its patterns, and an ADR the team can commit.

1. Keep the answers as a JSON object of question id -> value, starting from {{}} (or from the \
repository's answers file, if it has one).
2. Call next_questions with the answers. Ask the user the first two or three questions it \
returns, in that order, in plain words: use each question's help, example and allowed values. \
Never guess an answer the user did not give; if they do not know, leave the question out.
3. Add the answers the user gave (exactly the allowed values: numbers as numbers, true/false, \
enum values as listed) and call next_questions again. If a call comes back as an error, it \
names the answer and what is allowed: fix that answer and retry.
4. Stop asking when next_questions reports done (no question left could change a verdict), \
or when the user wants to stop; unanswered questions are reported as what could still change \
the advice.
5. Call advise and summarise the verdicts, the red flags and what would change each verdict. \
Use explain for a topic the user asks about; quote its reasons, do not invent your own.
6. Offer draft_adr to show the decision record, and write_adr to write it into the \
repository's ADR folder."""


def _tool_call(call: Callable[[], T]) -> T:
    """Run one tool's work; the user's mistakes become tool errors with the CLI's words.

    The error result is returned, not raised as a ``ToolError``: the SDK would put "Error
    executing tool NAME: " before the first line. A ``CallToolResult`` passes through as is.
    """
    try:
        return call()
    except EdaAdvisorError as exc:
        text = "\n".join(exc.lines)
        return cast(T, CallToolResult(content=[TextContent(type="text", text=text)], is_error=True))


def answers_schema(advisor: Advisor) -> dict[str, Any]:
    """The ``answers`` argument's schema: the answers mapping, or a whole answers file."""
    whole = {k: v for k, v in json_schema(advisor.knowledge).items() if not k.startswith("$")}
    mapping = whole["properties"]["answers"]
    return {
        "description": "Question id -> answer (leave out what is not known), as in an answers "
        "file's 'answers:'; or a whole answers file with version, project, adr and answers.",
        "anyOf": [mapping, whole],
    }


def build_server(advisor: Advisor) -> MCPServer[Any]:
    """An MCPServer with edaadvisor's tools, resources and prompt over ``advisor``."""
    server: MCPServer[Any] = MCPServer(
        "edaadvisor",
        title="edaadvisor",
        description="Explained, deterministic advice on event-driven architecture, and its ADR.",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )
    # Any, not dict: a list or a string gets the core's message, not pydantic's
    Answers = Annotated[Any, WithJsonSchema(answers_schema(advisor))]
    Packs = Annotated[
        list[str] | None,
        Field(description="Knowledge pack folders (inside the working directory) to layer on."),
    ]
    reading = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)

    @server.tool(annotations=reading)
    async def next_questions(answers: Answers, knowledge_packs: Packs = None) -> NextQuestions:
        """The questions still worth asking, in interview order: visible, unanswered, and able
        to change a verdict ('could_change' names the topics). 'done' is true when none is
        left. Ask the user a few at a time, add their answers, and call again."""
        return _tool_call(lambda: advisor.next_questions(answers, knowledge_packs))

    @server.tool(annotations=reading)
    async def advise(answers: Answers, knowledge_packs: Packs = None) -> dict[str, Any]:
        """The full report, as `edaadvisor --format json` prints it: per topic the verdict,
        summary, deciding rules and answers, unknown questions, assumptions and what-if; red
        flags and possible red flags."""
        return _tool_call(lambda: advisor.advise(answers, knowledge_packs))

    @server.tool(annotations=reading)
    async def explain(
        answers: Answers,
        topic: Annotated[str, Field(description="A topic id, e.g. event_sourcing.")],
        knowledge_packs: Packs = None,
    ) -> Explanation:
        """One topic's reasoning in plain sentences: the verdict, the rules and answers behind
        it, what it outweighed, what could still change it, and the sources."""
        return _tool_call(lambda: advisor.explain(answers, topic, knowledge_packs))

    @server.tool(annotations=reading)
    async def draft_adr(
        answers: Answers,
        template: Annotated[
            str | None,
            Field(description="madr (default), nygard, or a Jinja2 template file's path."),
        ] = None,
        split: Annotated[
            bool,
            Field(
                description="Ask for one record per decided topic. Returned as 'split' in the "
                "result: false means the renderer made one document."
            ),
        ] = False,
        knowledge_packs: Packs = None,
    ) -> DraftAdr:
        """The ADR as Markdown, returned and not written (write_adr writes it)."""
        return _tool_call(lambda: advisor.draft_adr(answers, template, split, knowledge_packs))

    @server.tool(
        annotations=ToolAnnotations(
            read_only_hint=False,
            destructive_hint=False,
            idempotent_hint=False,
            open_world_hint=False,
        )
    )
    async def write_adr(
        answers: Answers,
        adr_dir: Annotated[
            str | None,
            Field(
                description="The ADR folder, inside the working directory; default: the "
                "repository's own (.adr-dir, docs/decisions, doc/adr, docs/adr)."
            ),
        ] = None,
        knowledge_packs: Packs = None,
    ) -> WrittenAdr:
        """Write the ADR into the repository's ADR folder as its next numbered record, exactly
        as `edaadvisor --answers FILE --adr-dir` does. Never overwrites; refuses folders
        outside the server's working directory."""
        return _tool_call(lambda: advisor.write_adr(answers, adr_dir, knowledge_packs))

    @server.tool(annotations=reading)
    async def check_adr(
        path_or_text: Annotated[
            str,
            Field(
                description="An ADR file's path (inside the working directory), or the ADR's "
                "Markdown text (anything with a line break is read as text)."
            ),
        ],
        knowledge_packs: Packs = None,
    ) -> AdrCheck:
        """Does an ADR written by edaadvisor still hold? Re-evaluates its recorded answers with
        the current knowledge base, as `edaadvisor check` does; 'drift' says what changed."""
        return _tool_call(lambda: advisor.check_adr(path_or_text, knowledge_packs))

    _add_resources(server, advisor)

    @server.prompt(title="Architecture interview")
    def interview(
        project: Annotated[str | None, Field(description="The system under decision.")] = None,
    ) -> str:
        """How to interview the user with next_questions, a few questions at a time, and when
        to stop."""
        name = " ".join(str(project or "").split())[:200]
        return INTERVIEW.format(about=f" for {name}" if name else "")

    return server


def _add_resources(server: MCPServer[Any], advisor: Advisor) -> None:
    knowledge = advisor.knowledge

    @server.resource(
        "edaadvisor://schema/answers",
        name="answers-schema",
        title="Answers file JSON Schema",
        description="The JSON Schema of answers files (what `edaadvisor schema` prints).",
        mime_type="application/schema+json",
    )
    def answers_file_schema() -> str:
        return json.dumps(json_schema(knowledge), indent=2, ensure_ascii=False) + "\n"

    @server.resource(
        "edaadvisor://topics",
        name="topics",
        title="Topic catalogue",
        description="Every topic the advisor decides: what it asks, its default, its rules.",
        mime_type="application/json",
    )
    def topics() -> str:
        return json.dumps(topic_catalogue(knowledge), indent=2, ensure_ascii=False) + "\n"

    for topic in knowledge.topics.values():
        server.resource(
            RULES_URI.format(topic=topic.id),
            name=f"rules-{topic.id}",
            title=f"Rules: {topic.title}",
            description=f"The knowledge base's rules for {topic.id}, as Markdown.",
            mime_type="text/markdown",
        )(_rules_reader(advisor, topic.id))


def _rules_reader(advisor: Advisor, topic_id: str) -> Callable[[], str]:
    def read() -> str:
        return topic_rules_markdown(advisor.knowledge, topic_id)

    read.__name__ = f"rules_{topic_id}"
    return read


def serve(argv: list[str]) -> int:
    """``edaadvisor mcp``: load the knowledge (a broken pack stops here, exit 2), then serve."""
    from ..options import add_knowledge_option

    parser = argparse.ArgumentParser(
        prog="edaadvisor mcp",
        description="Serve edaadvisor to coding agents over the Model Context Protocol (stdio).",
    )
    add_knowledge_option(parser, "layer a knowledge pack on the shipped knowledge (repeatable)")
    args = parser.parse_args(argv)
    server = build_server(Advisor(args.knowledge))
    import anyio

    from .transport import run_stdio

    try:
        anyio.run(run_stdio, server)
    except* (BrokenPipeError, ConnectionResetError):
        pass  # the host stopped reading: there is no one left to answer, as for `| head`
    return 0
