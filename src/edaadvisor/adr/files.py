"""Where a repository keeps its ADRs, how it names them, and claiming the next name safely.

The conventions are the ones teams already use: adr-tools records its folder in ``.adr-dir``
(default ``doc/adr``, Nygard's format, ``0001-record-architecture-decisions.md``); MADR
suggests ``docs/decisions``; log4brains names records ``YYYYMMDD-slug.md``. The search walks
up from the working directory but stops at the repository root (the first folder holding
``.git``), and a ``.adr-dir`` that points out of the repository is refused: only a folder the
user names on the command line may lie elsewhere.

Numbers are claimed, not guessed: a writer creates ``.edaadvisor-claim-N`` with
``O_CREAT | O_EXCL`` (which exactly one process can do), checks no record took N meanwhile,
writes its record and drops the claim; a clash moves it on to N + 1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
from pathlib import Path

from ..core.errors import InputError
from ..core.reading import read_limited, read_start
from ..core.record import Record
from .text import slugify

CONVENTIONAL = ("docs/decisions", "doc/adr", "docs/adr")
_NUMBERED = re.compile(r"^(\d+)-.*\.md$")
_DATED = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})-.*\.md$")
_CLAIM = re.compile(r"^\.edaadvisor-claim-(\d+)$")
_NYGARD_TITLE = re.compile(r"^# \d+\. ")
STALE_CLAIM_SECONDS = 600


class Convention(Record):
    """How the folder names and formats its records."""

    folder: Path
    template: str
    """``nygard`` for adr-tools folders, else ``madr``."""
    width: int = 4
    dated: str | None = None
    """``%Y%m%d`` or ``%Y-%m-%d`` when records are named by date (log4brains), else None."""


def find_adr_dir(start: Path) -> Path | None:
    """The ADR folder for ``start``: ``.adr-dir``, then the conventional folders, upward."""
    found = locate(start)
    return found[0] if found else None


def locate(start: Path) -> tuple[Path, str] | None:
    """(folder, how it was found) for ``start``; ``.adr-dir`` must stay inside the repository."""
    here = start.resolve()
    chain = (here, *here.parents)
    root = next((f for f in chain if (f / ".git").exists()), None)
    for folder in chain:
        marker = folder / ".adr-dir"
        if marker.is_file():
            try:
                # bounded: a marker is one short line, not a file to read gigabytes of
                named = read_limited(marker, limit=4096, what=".adr-dir file").decode().strip()
            except UnicodeDecodeError:
                named = ""
            if named:
                return _inside(folder, named, root or folder, marker), ".adr-dir"
        for candidate in CONVENTIONAL:
            if (folder / candidate).is_dir():
                return folder / candidate, candidate
        if folder == root:
            break
    return None


def _inside(base: Path, named: str, root: Path, marker: Path) -> Path:
    target = (base / named).resolve()
    if Path(named).is_absolute() or not target.is_relative_to(root.resolve()):
        raise InputError.single(
            f"names {named[:200]!r}, which is outside the repository; edaadvisor writes there "
            "only when you name the folder yourself (--adr-dir DIR)",
            str(marker),
        )
    return base / named


def detect(folder: Path, found_by: str = "") -> Convention:
    """The naming and format the folder's existing records follow."""
    names = _names(folder)
    dated = [n for n in names if _is_date(n)]
    numbered = [n for n in names if _NUMBERED.match(n) and n not in dated]
    date_format = None
    if dated and len(dated) >= len(numbered):
        date_format = "%Y-%m-%d" if re.match(r"^\d{4}-\d{2}-\d{2}-", dated[-1]) else "%Y%m%d"
    width = 4
    if numbered:
        highest = max(numbered, key=lambda n: int(_NUMBERED.match(n).group(1)))  # type: ignore[union-attr]
        width = len(highest.split("-", 1)[0])
    nygard = (
        found_by == ".adr-dir"
        or folder.resolve().parts[-2:] == ("doc", "adr")  # adr-tools' default folder
        or any(n.endswith("-record-architecture-decisions.md") for n in numbered)
        or (bool(numbered) and _first_line(folder / numbered[-1]).startswith("# ")
            and bool(_NYGARD_TITLE.match(_first_line(folder / numbered[-1]))))
    )  # fmt: skip
    return Convention(folder, "nygard" if nygard else "madr", width, date_format)


def _names(folder: Path) -> list[str]:
    try:
        return sorted(e.name for e in folder.iterdir() if e.name.endswith(".md"))
    except OSError:
        return []


def _is_date(name: str) -> bool:
    match = _DATED.match(name)
    if not match:
        return False
    try:
        dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return False
    return True


def _first_line(path: Path) -> str:
    # through the one non-blocking reader: a FIFO named like a record must not hang the write
    head = read_start(path, 500).decode("utf-8", errors="replace")
    return head.split("\n", 1)[0].strip()


def record_number(name: str) -> int | None:
    """The number a numbered record's file name starts with."""
    match = _NUMBERED.match(name)
    return int(match.group(1)) if match and not _is_date(name) else None


def next_adr_number(directory: Path) -> int:
    """Highest number among the folder's records and live claims, plus one."""
    try:
        entries = [e.name for e in directory.iterdir()]
    except FileNotFoundError:
        return 1
    except OSError as exc:
        raise InputError.single(f"cannot list the folder: {exc.strerror}", str(directory)) from None
    numbers = [n for name in entries if (n := record_number(name)) is not None]
    numbers += [int(m.group(1)) for name in entries if (m := _CLAIM.match(name))]
    return max(numbers, default=0) + 1


def next_adr_path(directory: Path, title: str) -> tuple[int, Path]:
    """(number, path) of the next record in the folder's width (for callers that do not claim)."""
    convention = detect(directory)
    number = next_adr_number(directory)
    return number, directory / f"{number:0{convention.width}d}-{slugify(title)}.md"


class Claim(Record):
    number: int | None
    path: Path
    marker: Path | None

    def release(self) -> None:
        if self.marker is not None:
            with contextlib.suppress(FileNotFoundError):
                self.marker.unlink()


def claim(convention: Convention, slug: str, date: dt.date) -> Claim:
    """A record name nobody else holds: the next number (atomically), or a dated name."""
    folder = convention.folder
    if convention.dated:
        stem = f"{date.strftime(convention.dated)}-{slug}"
        for suffix in ("", *(f"-{i}" for i in range(2, 1000))):
            path = folder / f"{stem}{suffix}.md"
            marker = folder / f".edaadvisor-claim-{stem}{suffix}"
            if not path.exists() and _create(marker):
                if not path.exists():
                    return Claim(None, path, marker)
                marker.unlink()
        raise InputError.single(f"no free name for {stem}.md", str(folder))
    _drop_stale_claims(folder)
    number = next_adr_number(folder)
    for _ in range(10_000):
        marker = folder / f".edaadvisor-claim-{number}"
        if _create(marker):
            if not any(record_number(n) == number for n in _names(folder)):
                return Claim(number, folder / f"{number:0{convention.width}d}-{slug}.md", marker)
            marker.unlink()
        number += 1
    raise InputError.single("no free record number", str(folder))


def _create(marker: Path) -> bool:
    try:
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        return False
    except OSError as exc:
        raise InputError.single(
            f"cannot create files in the folder: {exc.strerror}", str(marker.parent)
        ) from None
    return True


def _drop_stale_claims(folder: Path) -> None:
    """Claims left by a writer that was killed would only leave gaps; clear old ones."""
    now = time.time()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if _CLAIM.match(entry.name):
            with contextlib.suppress(OSError):
                if now - entry.stat().st_mtime > STALE_CLAIM_SECONDS:
                    entry.unlink()
