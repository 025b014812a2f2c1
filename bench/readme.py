"""Write ``bench/run.py``'s output into README.md, between its two benchmark markers.

The README's benchmark figures are the bench's output itself: ``bench/run.py --readme``
replaces whatever stands between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` and
leaves the rest of the file alone. The file is replaced atomically.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def replace_section(text: str, section: str) -> str:
    """``text`` with the part between the markers replaced by ``section``."""
    head, found, rest = text.partition(START)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise SystemExit(f"README.md has no {START} ... {END} section to write into")
    return f"{head}{START}\n{section.rstrip()}\n{END}{tail}"


def write_section(readme: Path, section: str) -> None:
    updated = replace_section(readme.read_text(encoding="utf-8"), section)
    fd, temp = tempfile.mkstemp(prefix=".README-", dir=readme.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(updated)
        os.replace(temp, readme)
    finally:
        Path(temp).unlink(missing_ok=True)
