"""Text that is safe to print on a terminal: no control sequences, no bidi overrides.

Project names, deciders and file names come from files other people wrote. An escape sequence
in them could move the cursor, retitle the window or hide a line; a bidi override could make
``advise_against`` read as something else. Line breaks and tabs stay, so layout survives.
"""

from __future__ import annotations

import re

# C0 and C1 controls (except tab and newline), DEL, and the Unicode bidi controls: embeddings,
# overrides and isolates, the implicit marks, and the Arabic letter mark
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, json: bool = False) -> str:
    """``text`` without terminal control and bidi characters; in JSON text (where they can
    only stand inside strings) they are written as ``\\uXXXX`` escapes instead, losing nothing."""
    if json:
        return _UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return _UNSAFE.sub("", text)
