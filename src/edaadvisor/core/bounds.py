"""The one bound on whole numbers, and safe words for values that break it.

Python refuses to turn an integer of more than 4,300 digits into text, and converting a long
base-60 or hexadecimal literal costs time that grows with its square. No answer, threshold or
version is anywhere near 18 digits, so every reader (YAML, ``--set``, the TUI's number field,
the state file) refuses whole numbers outside ``-10**18 < n < 10**18`` with the same words,
before anything converts, prints or encodes them.
"""

from __future__ import annotations

from typing import Any

MAX_DIGITS = 18
LIMIT = 10**MAX_DIGITS
WORDS = f"whole numbers have at most {MAX_DIGITS} digits"
MAX_LITERAL = 80
"""Longest integer literal (after removing ``_`` separators) that is converted at all: enough
for 18 decimal digits, 60 binary ones, or base 60 with separators, and cheap to convert."""


def too_large(value: Any) -> bool:
    """``value`` is an integer (not a bool) outside the bound."""
    return type(value) is int and not -LIMIT < value < LIMIT


def literal_too_long(text: str) -> bool:
    """A YAML integer literal too long to be worth converting (any base, any sign)."""
    return len(text) > MAX_LITERAL and len(text.replace("_", "")) > MAX_LITERAL


def show_number(value: int) -> str:
    """A huge integer in words, without converting it to decimal (which may be refused)."""
    if not too_large(value):
        return str(value)
    return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
