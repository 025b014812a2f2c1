"""The crash-safe state file: every answer is on disk before the next question appears.

One JSON file in the user's state directory (``platformdirs.user_state_dir("edaadvisor")``,
or ``$EDAADVISOR_STATE_DIR`` so tests and sandboxes can point it elsewhere). Writes go to a
temporary file in the same directory, are flushed to disk, then renamed over the old file, so
a kill at any instant leaves either the previous state or the new one, never half of either.

A file that cannot be read (truncated by a full disk, edited by hand) is renamed aside rather
than deleted or fatal: the user keeps whatever is in it and gets a fresh interview.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.reading import read_limited

STATE_ENV = "EDAADVISOR_STATE_DIR"
STATE_FORMAT = 1
FILE_NAME = "interview.json"
LOCK_NAME = "interview.lock"
MAX_STATE_BYTES = 1024 * 1024


def state_dir() -> Path:
    override = os.environ.get(STATE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_state_dir

    return Path(user_state_dir("edaadvisor"))


@dataclass(frozen=True)
class Saved:
    """A state file that was read: its data and when it was written."""

    data: dict[str, Any]
    saved_at: str

    @property
    def answer_count(self) -> int:
        answers = self.data.get("answers")
        return len(answers) if isinstance(answers, dict) else 0


@dataclass(frozen=True)
class LoadResult:
    saved: Saved | None
    message: str | None = None
    """Set when a corrupt file was set aside: what happened and where the old file is now."""


class StateStore:
    """Reads and atomically writes the interview state file."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else state_dir()
        self.path = self.directory / FILE_NAME
        self._lock_fd: int | None = None

    def load(self) -> LoadResult:
        if not os.path.lexists(self.path):
            return LoadResult(None)
        try:
            # the shared reader: a FIFO or a link to /dev/zero here must not hang the TUI
            raw = read_limited(self.path, limit=MAX_STATE_BYTES, what="saved interview")
        except InputError as exc:
            return LoadResult(None, self._set_aside(exc.problems[0].message))
        try:
            # decoded here, not by read_text: bytes that are not UTF-8 (a torn write, a disk
            # error) raise UnicodeDecodeError, a ValueError, and are set aside like bad JSON
            document = json.loads(raw.decode("utf-8"))
            if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
                raise ValueError("not an edaadvisor state file of format 1")
            data = document["interview"]
            if not isinstance(data, dict):
                raise ValueError("'interview' is not a mapping")
            saved_at = str(document.get("saved_at", ""))
        except (ValueError, KeyError) as exc:
            return LoadResult(None, self._set_aside(exc))
        return LoadResult(Saved(data, saved_at))

    def lock(self) -> bool:
        """Hold the state file for this session; ``False`` when another session holds it.

        Two TUIs sharing the file would overwrite each other's answers on every keystroke.
        The lock is an advisory ``flock`` on a file beside it, released when the process ends.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks, as before
            return True
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return True  # a folder we cannot write: saving will say so itself
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def _set_aside(self, reason: Exception | str) -> str:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}{self.path.suffix}")
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            return f"The saved interview {self.path} is unreadable ({reason}) and stays: {exc}"
        return (
            f"The saved interview {self.path} could not be read ({reason}); "
            f"it was set aside as {aside} and a new interview starts."
        )

    def save(self, data: dict[str, Any]) -> None:
        """Replace the state file atomically with ``data``."""
        document = {
            "format": STATE_FORMAT,
            "saved_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "interview": data,
        }
        text = json.dumps(document, indent=1, ensure_ascii=False)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".interview-", suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                # the rename is only atomic if the data reached the disk before it
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
