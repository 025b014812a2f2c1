"""Where a repository keeps its ADRs, and the next ``NNNN-slug.md`` name in that folder.

The conventions are the ones teams already use: adr-tools records its folder in ``.adr-dir``;
MADR suggests ``docs/decisions``; ``doc/adr`` is adr-tools' default and ``docs/adr`` a common
variant. The search walks up from the working directory but stops at the repository root (the
first folder holding ``.git``), so an unrelated folder above the repository is never chosen.
"""

from __future__ import annotations

import re
from pathlib import Path

from .text import slugify

CONVENTIONAL = ("docs/decisions", "doc/adr", "docs/adr")
_NUMBERED = re.compile(r"^(\d{4,})-.*\.md$")


def find_adr_dir(start: Path) -> Path | None:
    """The ADR folder for ``start``: ``.adr-dir``, then the conventional folders, upward."""
    here = start.resolve()
    for folder in (here, *here.parents):
        marker = folder / ".adr-dir"
        if marker.is_file():
            try:
                named = marker.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                named = ""
            if named:
                return folder / named
        for candidate in CONVENTIONAL:
            if (folder / candidate).is_dir():
                return folder / candidate
        if (folder / ".git").exists():
            break
    return None


def next_adr_number(directory: Path) -> int:
    """Highest ``NNNN-`` number among the folder's Markdown files, plus one."""
    if not directory.is_dir():
        return 1
    numbers = [
        int(match.group(1))
        for entry in directory.iterdir()
        if (match := _NUMBERED.match(entry.name))
    ]
    return max(numbers, default=0) + 1


def next_adr_path(directory: Path, title: str) -> tuple[int, Path]:
    """(number, path) of the next ADR: four digits, a dash, the title's lowercase slug."""
    number = next_adr_number(directory)
    return number, directory / f"{number:04d}-{slugify(title)}.md"
