"""Writing files people commit: atomically, and never over an existing file by accident.

An ADR or report is written to a temporary file in the destination folder, flushed to disk,
then moved into place in one step, so a reader (or a crash) never sees half a file. Without
``force`` the final step is a hard link, which the kernel refuses when the name already exists:
that closes the gap between "checked it does not exist" and "wrote it" that two concurrent
runs would otherwise race through.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from .errors import EdaAdvisorError


class OverwriteRefused(EdaAdvisorError):
    """The destination exists and ``force`` was not given; the file was left untouched."""

    exit_code = 1


class OutputError(EdaAdvisorError):
    """The destination cannot be written at all (no such folder, a folder, no permission)."""


def write_file(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; refuse to replace it unless ``force``."""
    where = str(path)
    parent = path.parent
    if path.is_dir():
        raise OutputError.single("is a folder; give the path of a file to write", where)
    if not parent.exists():
        raise OutputError.single(
            f"the folder {str(parent)!r} does not exist; create it first", where
        )
    if not parent.is_dir():
        raise OutputError.single(f"{str(parent)!r} is not a folder", where)
    if not force and path.exists():
        raise _refused(where)

    temp = parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        # O_EXCL: the random name is ours alone; mode 0o666 lets the umask decide, as for
        # any file the user creates (mkstemp would make it private to the user instead)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except PermissionError:
        raise OutputError.single(
            f"cannot create files in {str(parent)!r}: permission denied", where
        ) from None
    except OSError as exc:
        raise OutputError.single(f"cannot write here: {exc.strerror}", where) from None
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            if force:
                os.replace(temp, path)
            else:
                _link_exclusive(temp, path, where)
        except OSError as exc:
            raise OutputError.single(f"cannot write: {exc.strerror or exc}", where) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    _fsync_dir(parent)


def _link_exclusive(temp: Path, path: Path, where: str) -> None:
    """Move ``temp`` to ``path`` only if ``path`` does not exist, atomically where possible."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise _refused(where) from None
    except OSError as exc:
        # some file systems (FAT, a few network mounts) have no hard links; fall back to a
        # check-then-rename, which is still atomic for readers, only not against a racing writer
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if path.exists():
            raise _refused(where) from None
        os.replace(temp, path)


def _refused(where: str) -> OverwriteRefused:
    return OverwriteRefused.single(
        "already exists and was left untouched; pass --force to replace it", where
    )


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself; best effort, since not every platform can open a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
