"""Mutated YAML for fuzz tests: line edits that keep it almost valid, then a few flipped bytes.

Shared by the answers-file fuzzing (test_cli_errors.py) and the pack fuzzing
(test_prove_fuzz.py), so both explore the same kinds of damage.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

HOSTILE_SNIPPETS = [
    # numbers no reader may convert or print: past 18 digits, in every base YAML 1.1 knows
    "0x" + "f" * 5000,
    "0b" + "1" * 5000,
    "0o" + "7" * 2000,
    "1" + ":59" * 2000,
    "-" + "9" * 40,
    # terminal controls: ESC (an OSC title and a colour), a C1 CSI, bidi overrides
    '"\\e]0;pwned\\a\\e[31mred"',
    '"\\x9b2J"',
    '"\\u202eevil\\u2066"',
]
"""Values every fuzzer mixes in: the hostile input of issue 11."""


@st.composite
def mutated_text(
    draw: st.DrawFn,
    text: str,
    snippets: Sequence[str],
    *,
    lines_only: tuple[int, int] | None = None,
) -> bytes:
    """``text`` with 1-4 line edits (optionally only in a line range) and 0-2 flipped bytes."""
    lines = text.split("\n")
    lo, hi = lines_only or (0, len(lines) - 1)
    hi = max(lo, min(hi, len(lines) - 1))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["drop", "dup", "swap", "value", "key", "indent", "insert"]))
        i = draw(st.integers(lo, min(hi, len(lines) - 1)))
        if kind == "drop" and len(lines) > 1:
            del lines[i]
            hi = max(lo, hi - 1)
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(lo, min(hi, len(lines) - 1)))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(snippets))}"
        elif kind == "key" and ":" in lines[i]:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            key = draw(st.from_regex(r"[a-z_]{1,12}", fullmatch=True) | st.sampled_from(snippets))
            lines[i] = f"{indent}{key}:{lines[i].split(':', 1)[1]}"
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(0, 6)) + lines[i].lstrip()
        else:
            lines.insert(i, draw(st.sampled_from(snippets)))
    data = bytearray("\n".join(lines).encode("utf-8"))
    for _ in range(draw(st.integers(0, 2))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)
