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
import re
import secrets
import stat
import time
from pathlib import Path

from .errors import EdaAdvisorError

_TEMP = re.compile(r"[0-9a-f]{12}\.tmp")


class OverwriteRefused(EdaAdvisorError):
    """The destination exists and ``force`` was not given; the file was left untouched."""

    exit_code = 1


class OutputError(EdaAdvisorError):
    """The destination cannot be written at all (no such folder, a folder, no permission)."""


STALE_SECONDS = 60
"""A temporary file of ours this old was left by a killed run; a live run renames its own
within milliseconds of creating it."""


def write_file(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; refuse to replace it unless ``force``."""
    where = str(path)
    parent = path.parent
    data = text.encode("utf-8")
    target = _stat(path, where)
    if target is not None and stat.S_ISDIR(target.st_mode):
        raise OutputError.single("is a folder; give the path of a file to write", where)
    folder = _stat(parent, where)
    if folder is None:
        raise OutputError.single(
            f"the folder {str(parent)!r} does not exist; create it first", where
        )
    if not stat.S_ISDIR(folder.st_mode):
        raise OutputError.single(f"{str(parent)!r} is not a folder", where)
    if target is not None and not stat.S_ISREG(target.st_mode):
        # replacing a device node or a pipe with a file breaks whatever uses it (/dev/null);
        # said before "pass --force", which would be advice that cannot work
        raise OutputError.single(
            "is not a regular file (a device, pipe or socket); --force replaces only files",
            where,
        )
    if target is not None and not force:
        raise _refused(where)
    _remove_stale_temps(parent, path.name)

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
        raise OutputError.single(os_words(exc, "cannot write here"), where) from None
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if force:
                os.replace(temp, path)
            else:
                _link_exclusive(temp, path, where)
        except OSError as exc:
            raise OutputError.single(os_words(exc, "cannot write"), where) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    _fsync_dir(parent)


def _stat(path: Path, where: str) -> os.stat_result | None:
    """``os.stat`` of ``path``, ``None`` when nothing is there; other failures are messages."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except PermissionError:
        raise OutputError.single(
            f"cannot look into {str(path.parent)!r}: permission denied", where
        ) from None
    except OSError as exc:
        raise OutputError.single(os_words(exc, "cannot write here"), where) from None


def os_words(exc: OSError, lead: str) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return (
            f"{lead}: the name is too long for the file system (a name in a path has at "
            "most 255 bytes)"
        )
    if exc.errno == errno.ENOENT:
        return f"{lead}: the folder no longer exists (was it, or the working folder, removed?)"
    return f"{lead}: {exc.strerror or exc}"


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Delete temporary files an earlier, killed write of ``name`` left behind."""
    prefix = f".{name}."
    now = time.time()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                rest = entry.name[len(prefix) :]
                if not (entry.name.startswith(prefix) and _TEMP.fullmatch(rest)):
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if (
                        stat.S_ISREG(info.st_mode)
                        and info.st_uid == os.getuid()
                        and now - info.st_mtime > STALE_SECONDS
                    ):
                        os.unlink(entry.path)
    except OSError:
        return  # only tidiness is lost


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
