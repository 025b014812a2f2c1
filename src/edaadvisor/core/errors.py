"""Errors the core raises for input a person can fix.

Every error here renders as one or more lines of the form ``file:line: key.path: what is wrong``
so the CLI and the TUI show the same words. Nothing in this module formats tracebacks: an
``EdaAdvisorError`` reaching the user is always a problem with their files, never with ours.
"""

from __future__ import annotations

from typing import Self

from .record import Record

KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    """``("answers", "services")`` -> ``answers.services``; list indexes as ``[2]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        # a key with control or line-break characters would split or garble the message line
        name = part if part.isprintable() else repr(part)
        text += f".{name}" if text else name
    return text


class Problem(Record):
    """One thing wrong with one place in one file."""

    message: str
    source: str | None = None
    key_path: KeyPath = ()
    line: int | None = None

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        key = format_key_path(self.key_path)
        parts = [p for p in (where, key) if p]
        text = ": ".join([*parts, self.message])
        if text.isprintable():
            return text
        # an id or value from the file may hold control characters or line breaks; the
        # message must stay one readable line
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class EdaAdvisorError(Exception):
    """Base of every error that is the user's to fix; ``exit_code`` is the CLI's status."""

    exit_code: int = 2

    def __init__(self, problems: list[Problem] | None = None, exit_code: int | None = None):
        self.problems: list[Problem] = list(problems or [])
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(str(self))

    @classmethod
    def single(
        cls,
        message: str,
        source: str | None = None,
        key_path: KeyPath = (),
        line: int | None = None,
    ) -> Self:
        return cls([Problem(message, source, key_path, line)])

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @property
    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class InputError(EdaAdvisorError):
    """An answers file, ADR or option the user gave is not acceptable."""


class KnowledgeError(EdaAdvisorError):
    """A knowledge base file (shipped or a pack) is broken."""
