"""The one way files people hand us are read: regular files only, size-checked first.

A path can name a FIFO (opening it for reading waits for a writer, forever), ``/dev/zero``
(reading it never ends), a sparse file of gigabytes or a folder. ``read_limited`` opens without
blocking, asks the opened descriptor what it is (so a rename between the check and the read
changes nothing), refuses anything but a regular file, refuses a file over the limit by its
size, and still reads at most ``limit + 1`` bytes in case the file grows meanwhile.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import EdaAdvisorError, InputError

MAX_BYTES = 1024 * 1024
"""Answers files and knowledge files are a few kilobytes; a megabyte is a mistake or an attack."""

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _article(what: str) -> str:
    return "an" if what[:1].lower() in "aeiou" else "a"


def read_limited(
    path: Path | str,
    *,
    limit: int,
    what: str = "file",
    error: type[EdaAdvisorError] = InputError,
) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them, or ``error``."""
    source = str(path)
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise error.single(f"no such {what}", source) from None
    except PermissionError:
        raise error.single(f"cannot read the {what}: permission denied", source) from None
    except OSError as exc:
        raise error.single(f"cannot read the {what}: {exc.strerror or exc}", source) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error.single(f"is a folder, not {_article(what)} {what}", source)
        if not stat.S_ISREG(info.st_mode):
            raise error.single(
                f"is not a regular file (a device, pipe or socket); give {_article(what)} "
                f"{what}",
                source,
            )
        if info.st_size > limit:
            raise error.single(_too_big(what, limit), source)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise error.single(f"cannot read the {what}: {exc.strerror or exc}", source) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > limit:
        raise error.single(_too_big(what, limit), source)
    return raw


def _too_big(what: str, limit: int) -> str:
    size = f"{limit // 1024} KiB" if limit >= 1024 else f"{limit} bytes"
    return f"the {what} is larger than {size}; is it the right file?"


def read_start(path: Path | str, size: int) -> bytes:
    """The first ``size`` bytes of the regular file at ``path``, or ``b""`` for anything else.

    For peeking at a file's kind (the first line of a record), never for its content: a FIFO,
    a device, a folder or a file that cannot be opened reads as empty, without blocking.
    """
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return os.read(fd, size)
    except OSError:
        return b""
    finally:
        os.close(fd)
