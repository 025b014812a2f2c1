"""Read the numbers people type: ``10k``, ``2M``, ``1,000,000``, ``1.5k``, ``250 000``.

Kept free of Textual so tests (and anything else) can import it cheaply. The parser is strict
on purpose: an ambiguous entry such as ``1,5`` is refused with a message rather than guessed,
because a wrong guess silently changes the advice.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext

from ..core.bounds import MAX_DIGITS, WORDS, too_large

SUFFIXES: dict[str, int] = {
    "k": 1_000,
    "m": 1_000_000,
    "b": 1_000_000_000,
    "g": 1_000_000_000,
}
"""Multipliers: ``k`` thousand, ``m`` million, ``b``/``g`` billion (case-insensitive)."""

_NUMBER = re.compile(
    r"""^(?P<sign>[-+]?)
        (?P<digits>\d+(?:[ _']\d{3})*|\d{1,3}(?:,\d{3})+)
        (?P<fraction>\.\d+)?
        \s*(?P<suffix>[a-z]?)$""",
    re.VERBOSE | re.IGNORECASE,
)


class NumberError(ValueError):
    """The text is not a whole number; ``str(error)`` says why, in words for the user."""


def parse_number(text: str) -> int:
    """The whole number ``text`` stands for.

    >>> parse_number("10k"), parse_number("2M"), parse_number("1,000,000")
    (10000, 2000000, 1000000)
    """
    cleaned = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not cleaned:
        raise NumberError("type a number (10k, 2M and 1,000,000 work too)")
    match = _NUMBER.match(cleaned)
    if match is None:
        raise NumberError(f"{text.strip()!r} is not a number; try 12, 10k, 2M or 1,000,000")
    digits = re.sub(r"[ _',]", "", match["digits"]).lstrip("0") or "0"
    fraction = (match["fraction"] or "").rstrip("0").rstrip(".")
    suffix = match["suffix"].lower()
    if suffix and suffix not in SUFFIXES:
        raise NumberError(f"unknown suffix {match['suffix']!r}; use k (thousand), M or B")
    if len(digits) > MAX_DIGITS:
        # checked before any arithmetic: thousands of digits cost time and cannot be shown
        raise NumberError(f"that number is too large; {WORDS}")
    if len(fraction) > 10:  # no suffix multiplies by more than 10**9
        raise NumberError(f"{text.strip()[:40]!r} is not a whole number")
    try:
        # exact: the default context's 28 significant digits would round silently
        with localcontext(prec=2 * MAX_DIGITS + 4):
            value = Decimal(digits + fraction) * SUFFIXES.get(suffix, 1)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise NumberError(f"{text.strip()!r} is not a number") from None
    if value != value.to_integral_value():
        raise NumberError(f"{text.strip()!r} is not a whole number")
    result = int(value)
    if too_large(result):
        raise NumberError(f"that number is too large; {WORDS}")
    return -result if match["sign"] == "-" else result


def format_number(value: int) -> str:
    """``2000000`` -> ``2,000,000``: how the TUI echoes a number back."""
    return f"{value:,}"
