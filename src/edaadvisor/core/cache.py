"""A cache of the validated, assembled knowledge base, keyed by its files' signature.

Parsing thirteen YAML files and validating them with pydantic costs more than everything else
``--format json`` does, and importing pydantic's model machinery alone costs half the budget.
So the first run validates and stores the result (plain records, as JSON) with a signature:
every file's name, size and modification time, as Python checks its ``.pyc`` files. Later
runs list and stat the files and load the stored result when the signature matches; a changed
file, pack, tool version or runtime class changes it, so a stale entry is never used.

The cache lives in the user's cache folder (``EDAADVISOR_CACHE_DIR`` overrides it; set it to
an empty string to turn caching off). It is written by the user's own process into the user's
own folder, like Python's ``__pycache__``; an unreadable or corrupt entry is ignored and
rebuilt, and a folder we cannot write to only costs speed.

The entries are JSON, not pickle: anyone who can write a file in the folder could otherwise run
code in the next edaadvisor. Decoding builds only the core's record classes, by name, from
plain values. A folder owned by someone else, or writable by others, is not used at all, since
its entries could still steer the advice.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .record import Record

if TYPE_CHECKING:
    from .knowledge import Knowledge

FORMAT = 2
KEEP = 16
"""Entries kept: enough for a team switching between a few packs, bounded for everyone."""
RUNTIME_MODULES = (
    "cache.py",
    "conditions.py",
    "knowledge.py",
    "model.py",
    "record.py",
    "schema.py",
)
"""The modules that define and build the cached records: a change to one invalidates entries
(and the shipped snapshot, ``shipped.py``)."""


def cache_dir() -> Path | None:
    configured = os.environ.get("EDAADVISOR_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    # the platforms' cache folders, as platformdirs knows them; importing it costs more than
    # this whole lookup is worth on every run
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "edaadvisor" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "edaadvisor"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "edaadvisor"


Signature = tuple[object, ...]


def signature(layers: list[tuple[str, tuple[tuple[str, int, int], ...]]]) -> Signature:
    """What a cached entry must match: the tool, the runtime classes and every knowledge file
    (name, size, modification time), checked the way Python checks its own ``.pyc`` files."""
    here = Path(__file__).parent
    modules: list[tuple[str, int, int]] = []
    for module in RUNTIME_MODULES:
        try:
            stat = (here / module).stat()
            modules.append((module, stat.st_size, stat.st_mtime_ns))
        except OSError:
            modules.append((module, -1, -1))
    return (FORMAT, __version__, sys.version_info[:2], tuple(modules), tuple(layers))


def _entry(folder: Path, key: Signature) -> Path:
    # a short name for the file; the full signature inside it is what decides a hit
    return folder / f"knowledge-{zlib.crc32(repr(key).encode()):08x}.json"


MAX_ENTRY_BYTES = 64 << 20


def _trusted(folder: Path) -> bool:
    """The folder is the user's own and nobody else may write into it."""
    if not hasattr(os, "getuid"):  # Windows: the profile folder's ACLs are the protection
        return folder.is_dir()
    try:
        info = os.stat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _tighten(folder: Path) -> bool:
    """Our own folder made group- or world-writable (an old version, a loose umask): take
    the write bits away, then drop every entry, since anyone could have written them."""
    try:
        info = os.stat(folder)
        if not hasattr(os, "getuid") or info.st_uid != os.getuid():
            return False
        os.chmod(folder, stat.S_IMODE(info.st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
        for entry in folder.glob("knowledge-*"):
            entry.unlink(missing_ok=True)
    except OSError:
        return False
    return _trusted(folder)


def load(key: Signature) -> Knowledge | None:
    folder = cache_dir()
    if folder is None or not _trusted(folder):
        return None
    from .knowledge import Knowledge

    try:
        fd = os.open(_entry(folder, key), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
                return None
            raw = handle.read(MAX_ENTRY_BYTES)
        stored = decode(raw)
        if stored.get("key") != repr(key):
            return None
        knowledge = stored["knowledge"]
    except Exception:  # an unreadable or stale entry of any kind is simply rebuilt
        return None
    return knowledge if isinstance(knowledge, Knowledge) else None


def store(key: Signature, knowledge: Knowledge, *, encoded: str | None = None) -> None:
    """Keep ``knowledge`` under ``key``; ``encoded`` is its ``encode``d JSON text when the
    caller has it already (the shipped snapshot), which saves encoding it again."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        if encoded is None:
            encoded = json.dumps(encode(knowledge), ensure_ascii=False, separators=(",", ":"))
        # encode({"key": ..., "knowledge": ...}), written out: a mapping is a "d" wrapper
        named = json.dumps(repr(key), ensure_ascii=False)
        text = f'{{"d":[["key",{named}],["knowledge",{encoded}]]}}'
    except (TypeError, ValueError):  # something that is not plain data: run uncached
        return
    try:
        import tempfile

        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(folder) and not _tighten(folder):
            return
        fd, temp = tempfile.mkstemp(prefix=".knowledge-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temp, _entry(folder, key))
        finally:
            Path(temp).unlink(missing_ok=True)
        # keep the entries of the last few knowledge/pack combinations, drop older ones
        entries = sorted(folder.glob("knowledge-*.json"), key=lambda p: p.stat().st_mtime_ns)
        for stale in [*entries[:-KEEP], *folder.glob("knowledge-*.pickle")]:
            stale.unlink(missing_ok=True)
    except OSError:
        return


# -- plain JSON for records -----------------------------------------------------------------
# Every JSON object written here is a tagged wrapper, so decoding never guesses:
# {"r": class, "v": [fields]} a core record, {"t": [...]} a tuple, {"d": [[key, value]...]}
# a mapping. Their contents are lists, so the parser's hook sees only wrappers.


def encode(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is list:
        return [encode(item) for item in value]
    if kind is tuple:
        return {"t": [encode(item) for item in value]}
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise TypeError("only text keys are cached")
        return {"d": [[k, encode(v)] for k, v in value.items()]}
    if isinstance(value, Record) and _records().get(kind.__name__) is kind:
        return {"r": kind.__name__, "v": [encode(getattr(value, f)) for f in kind.__fields__]}
    raise TypeError(f"{kind.__name__} is not cached")


def decode(text: str | bytes) -> Any:
    """The value ``encode`` turned into JSON text."""
    _RECORDS.clear()  # record classes imported since the last look count too
    return json.loads(text, object_hook=_decode_object)


def _decode_object(value: dict[str, Any]) -> Any:
    # called by the JSON parser for every object, innermost first, so fields are decoded
    if "d" in value:
        return dict(value["d"])
    if "t" in value:
        return tuple(value["t"])
    cls = _records()[value["r"]]
    fields = cls.__fields__
    record = cls.__new__(cls)
    # as pickle restores an object: straight into its __dict__, past the frozen __setattr__
    record.__dict__.update(zip(fields, value["v"], strict=True))
    return record


_RECORDS: dict[str, type[Record]] = {}


def _records() -> dict[str, type[Record]]:
    """The core's record classes by name: the only classes an entry can name."""
    if not _RECORDS:
        pending = list(Record.__subclasses__())
        while pending:
            cls = pending.pop()
            pending.extend(cls.__subclasses__())
            if cls.__module__.startswith("edaadvisor.core."):
                _RECORDS[cls.__name__] = cls
    return _RECORDS
