"""What a reviewer reads in an ADR record: its prose words, and sentences it says twice.

Front matter, the provenance comment, code blocks and link targets are not prose; table rows
and list items are. Words are counted as ``wc -w`` would count them in the rendered text.
"""

from __future__ import annotations

import re
from collections import Counter

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_TARGET = re.compile(r"\]\([^)]*\)")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019.,/-]*")


def prose(text: str) -> str:
    text = _FRONT.sub("", text, count=1)
    text = _COMMENT.sub("", text)
    text = _FENCE.sub("", text)
    return _TARGET.sub("]", text)


def words(text: str) -> list[str]:
    return [w.strip(".,").lower() for w in _WORD.findall(prose(text))]


def word_count(text: str) -> int:
    return len(words(text))


def repeated_sequences(text: str, n: int = 8) -> list[str]:
    """Every run of ``n`` words that appears more than once in the record's prose.

    A run stays within one line (a paragraph, a list item, a heading, a table row): a heading
    followed by a list item is not a sentence, however the words line up.
    """
    runs: Counter[str] = Counter()
    for line in prose(text).splitlines():
        found = [w.strip(".,").lower() for w in _WORD.findall(line)]
        runs.update(" ".join(found[i : i + n]) for i in range(len(found) - n + 1))
    return sorted(run for run, count in runs.items() if count > 1)


def front_matter_lines(text: str) -> list[str]:
    match = _FRONT.match(text)
    return match.group(0).splitlines()[1:-1] if match else []
