"""A parsed YAML document: plain data plus where each key came from.

Kept apart from ``yamlsafe`` so code that only builds or inspects documents (validating the
TUI's answers, say) does not import PyYAML.
"""

from __future__ import annotations

from typing import Any

from .errors import KeyPath


class YamlDocument:
    """Plain data plus the 1-based line where each key path starts (filled while parsing)."""

    def __init__(self, data: Any, source: str, lines: dict[KeyPath, int] | None = None) -> None:
        self.data = data
        self.source = source
        self.lines: dict[KeyPath, int] = lines if lines is not None else {}

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]
