"""Render the ADR: a report through a Jinja2 template (MADR 4, Nygard, or the team's own).

Every template, shipped or not, runs in Jinja2's sandbox over the plain data built by
``context.build_context``: a team's template cannot reach Python internals, and a template
that tries, or is simply broken, becomes one clear error (exit 2) naming the file and line,
never a traceback. Undefined names are errors too, so a typo does not silently print nothing.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from ..core.errors import InputError
from ..core.report import Report
from ..core.resources import templates_dir
from .context import adr_title, build_context
from .text import md_escape, yaml_block

SHIPPED = ("madr", "nygard")

__all__ = ["SHIPPED", "TemplateError", "adr_title", "render_adr"]


class TemplateError(InputError):
    """A template that cannot be read, compiled or rendered."""


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        autoescape=False,  # Markdown, not HTML: people's text is escaped for Markdown instead
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["yaml"] = yaml_block
    return env


def _source(template: str) -> tuple[str, str]:
    """(label for messages, template text) for a shipped name or a file path."""
    if template in SHIPPED:
        name = f"{template}.md.j2"
        return f"templates/{name}", templates_dir().joinpath(name).read_text(encoding="utf-8")
    path = Path(template)
    if not path.is_file():
        raise TemplateError.single(
            f"is neither a shipped template ({', '.join(SHIPPED)}) nor a file", template
        )
    try:
        return template, path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError.single("is not UTF-8 text", template) from None
    except OSError as exc:
        raise TemplateError.single(f"cannot be read: {exc.strerror}", template) from None


def render_adr(report: Report, *, template: str = "madr", number: int | None = None) -> str:
    """The ADR as Markdown text: same report, template and date give the same bytes."""
    label, source = _source(template)
    context = build_context(report, number=number)
    return render_source(source, context, label)


def render_source(source: str, context: dict[str, Any], label: str) -> str:
    env = _environment()
    try:
        code = _compiled(env, source, label)
        compiled = env.template_class.from_code(env, code, env.make_globals(None))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError.single(
            f"template syntax: {exc.message}", label, line=exc.lineno
        ) from None
    try:
        text = compiled.render(context)
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
    return text if text.endswith("\n") else text + "\n"


CODE_KEEP = 16
"""Compiled templates kept in the cache folder: the shipped ones and a few of a team's own."""


def _compiled(env: SandboxedEnvironment, source: str, label: str) -> CodeType:
    """The template compiled to Python code, from the user's cache folder when it is there.

    Compiling a template costs more than rendering it, and the same template is compiled on
    every run; so the code is kept (marshalled, as Python keeps ``.pyc`` files) under a key of
    everything it depends on: this file's environment, Jinja2's and Python's versions, the
    template's name and its full text. A missing, unreadable or stale entry is compiled anew.
    """
    import marshal
    import zlib

    from ..core.cache import cache_dir

    key = repr((1, jinja2.__version__, sys.version, label, source))
    folder = cache_dir()
    entry = folder / f"template-{zlib.crc32(key.encode()):08x}.code" if folder else None
    if entry is not None:
        try:
            stored_key, code = marshal.loads(entry.read_bytes())
            if stored_key == key and isinstance(code, CodeType):
                return code
        except (OSError, ValueError, EOFError, TypeError):
            pass  # compiled again below, and the entry replaced
    code = env.compile(source, name=label, filename=label)
    if entry is not None:
        _store(entry, marshal.dumps((key, code)))
    return code


def _store(entry: Path, data: bytes) -> None:
    import os
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".template-", dir=entry.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, entry)
        finally:
            Path(temp).unlink(missing_ok=True)
        kept = sorted(entry.parent.glob("template-*.code"), key=lambda p: p.stat().st_mtime_ns)
        for stale in kept[:-CODE_KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        return  # a folder we cannot write to only costs speed


def _template_line(exc: BaseException, label: str) -> int | None:
    """The template line a render error came from; Jinja2 puts template frames in tracebacks."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == label:
            line = frame.lineno
    return line
