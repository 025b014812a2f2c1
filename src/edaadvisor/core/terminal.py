"""Text that reaches a terminal: people's and packs' words, stripped of control characters.

An answers file, a pack or a file name can hold ESC (ANSI colours, OSC sequences that retitle
the window or write the clipboard), C1 controls such as U+009B (a one-character CSI on many
terminals) and bidirectional overrides that make a line read differently from its bytes. Every
line the CLI prints passes through ``terminal_safe``; the TUI uses it for text it displays. Line
breaks and tabs stay, so layout does not change.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
"""C0 but tab and newline, DEL, C1, and the bidi marks, embeddings, overrides and isolates."""


def terminal_safe(text: str) -> str:
    """``text`` without the characters that a terminal would act on instead of showing."""
    return UNSAFE.sub("", text)


def escape_unsafe_json(text: str) -> str:
    """JSON text with those characters written as ``\\uXXXX``: the same data, nothing raw.

    ``json.dumps`` escapes C0 itself, so what is left can only sit inside strings, where the
    escape means the same character.
    """
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(text: str, file: TextIO | None = None) -> None:
    """Print one line (or several) of text that may hold anyone's words."""
    print(terminal_safe(text), file=file if file is not None else sys.stdout)
