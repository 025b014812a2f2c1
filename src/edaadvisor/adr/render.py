"""Render ADR records: a report through a Jinja2 template (MADR 4, Nygard, or the team's own).

One template file renders every kind of record (``kind``: overview, topic or single), so a
team's own template splits the same way as the shipped ones.

Every template, shipped or not, runs in Jinja2's sandbox over the plain data built by
``context.build_context``: a team's template cannot reach Python internals, and a template
that tries, or is simply broken, becomes one clear error (exit 2) naming the file and line,
never a traceback. Undefined names are errors too, so a typo does not silently print nothing.
"""

from __future__ import annotations

import functools
import traceback
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from ..core.errors import InputError
from ..core.reading import MAX_BYTES, read_limited
from ..core.report import Report
from ..core.resources import templates_dir
from ..core.terminal import terminal_safe
from . import precompiled
from .context import Source, adr_title
from .prose import lower_first
from .records import overview_context
from .sandbox import BoundedSandbox, LimitExceeded, render_bounded
from .text import markdown_safe, md_escape, yaml_block

SHIPPED = ("madr", "nygard")

__all__ = ["SHIPPED", "TemplateError", "adr_title", "render_adr", "render_context"]


class TemplateError(InputError):
    """A template that cannot be read, compiled or rendered."""


def _environment() -> SandboxedEnvironment:
    # bounded in work and output size too: a template can ask for gigabytes in one line
    env = BoundedSandbox(
        autoescape=False,  # Markdown, not HTML: people's text is escaped for Markdown instead
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=markdown_safe,  # the one place knowledge and people's text reach the ADR
    )
    env.filters["md"] = md_escape
    env.filters["yaml"] = yaml_block
    env.filters["lower_first"] = lower_first
    env.filters["capitalize_first"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    return env


def _source(template: str) -> tuple[str, str]:
    """(label for messages, template text) for a shipped name or a file path."""
    if template in SHIPPED:
        name = f"{template}.md.j2"
        return f"templates/{name}", templates_dir().joinpath(name).read_text(encoding="utf-8")
    path = Path(template)
    if not path.exists():
        raise TemplateError.single(
            f"is neither a shipped template ({', '.join(SHIPPED)}) nor a file", template
        )
    raw = read_limited(path, limit=MAX_BYTES, what="template", error=TemplateError)
    try:
        return template, raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError.single("is not UTF-8 text", template) from None


def render_adr(
    report: Report,
    *,
    template: str = "madr",
    number: int | None = None,
    source: Source | None = None,
) -> str:
    """The single concise ADR as Markdown: same report, template and date give the same bytes."""
    context = overview_context(report, kind="single", number=number, source=source)
    return render_context(context, template)


def render_context(context: dict[str, Any], template: str = "madr") -> str:
    """One record (overview, topic or single) from its context, through ``template``."""
    label, text = _source(template)
    if template not in SHIPPED:
        # check cannot know a team's layout, so it compares the verdicts, not the body
        mark = "  template: custom\n"
        context = {
            **context,
            "front_matter": context["front_matter"] + mark,
            "provenance": context["provenance"] + mark,
        }
    return render_source(text, context, label)


@functools.lru_cache(maxsize=8)
def _compiled(source: str, label: str) -> jinja2.Template:
    """The template compiled once per run: ``--adr-dir`` renders it for every record."""
    env = _environment()
    name = label.removeprefix("templates/").removesuffix(".md.j2")
    shipped = precompiled.namespace(name, source, label, env)
    if shipped is not None:  # compiled before release from this very text
        return env.template_class.from_module_dict(env, shipped, env.make_globals(None))
    try:
        code = env.compile(source, name=label, filename=label)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError.single(
            f"template syntax: {exc.message}", label, line=exc.lineno
        ) from None
    except (RecursionError, MemoryError, SyntaxError, ValueError) as exc:
        # Python's compiler gives up on nesting or constants past its own limits
        raise TemplateError.single(
            f"the template cannot be compiled: {type(exc).__name__}", label
        ) from None
    return env.template_class.from_code(env, code, env.make_globals(None))


def render_source(source: str, context: dict[str, Any], label: str) -> str:
    compiled = _compiled(source, label)
    try:
        text = render_bounded(compiled, context)
    except LimitExceeded as exc:
        raise TemplateError.single(
            f"the template asks for too much: {exc}; an ADR template needs far less",
            label,
            line=_template_line(exc, label),
        ) from None
    except SecurityError as exc:
        raise TemplateError.single(
            f"the template reached for something the sandbox forbids ({exc}); templates may only "
            "use the ADR data (see 'Custom templates' in the README)",
            label,
            line=_template_line(exc, label),
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError.single(
            f"{exc.message}; see 'Custom templates' in the README for the names a template can use",
            label,
            line=_template_line(exc, label),
        ) from None
    except Exception as exc:  # a user's template can fail in any way Python can
        raise TemplateError.single(
            f"rendering failed: {type(exc).__name__}: {exc}", label, line=_template_line(exc, label)
        ) from None
    text = terminal_safe(text)  # and a template's own text cannot carry controls either
    return text if text.endswith("\n") else text + "\n"


def _template_line(exc: BaseException, label: str) -> int | None:
    """The template line a render error came from; Jinja2 puts template frames in tracebacks."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == label:
            line = frame.lineno
    return line
