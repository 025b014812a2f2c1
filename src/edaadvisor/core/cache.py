"""A cache of the validated, assembled knowledge base, keyed by its files' signature.

Parsing thirteen YAML files and validating them with pydantic costs more than everything else
``--format json`` does, and importing pydantic's model machinery alone costs half the budget.
So the first run validates and stores the result (plain records, pickled) with a signature:
every file's name, size and modification time, as Python checks its ``.pyc`` files. Later
runs list and stat the files and load the stored result when the signature matches; a changed
file, pack, tool version or runtime class changes it, so a stale entry is never used.

The cache lives in the user's cache folder (``EDAADVISOR_CACHE_DIR`` overrides it; set it to
an empty string to turn caching off). It is written by the user's own process into the user's
own folder, like Python's ``__pycache__``; an unreadable or corrupt entry is ignored and
rebuilt, and a folder we cannot write to only costs speed.
"""

from __future__ import annotations

import os
import pickle
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from .knowledge import Knowledge

FORMAT = 1
KEEP = 16
"""Entries kept: enough for a team switching between a few packs, bounded for everyone."""
_RUNTIME_MODULES = (
    "cache.py",
    "conditions.py",
    "knowledge.py",
    "model.py",
    "record.py",
    "schema.py",
)


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
    for module in _RUNTIME_MODULES:
        try:
            stat = (here / module).stat()
            modules.append((module, stat.st_size, stat.st_mtime_ns))
        except OSError:
            modules.append((module, -1, -1))
    return (FORMAT, __version__, sys.version_info[:2], tuple(modules), tuple(layers))


def _entry(folder: Path, key: Signature) -> Path:
    # a short name for the file; the full signature inside it is what decides a hit
    return folder / f"knowledge-{zlib.crc32(repr(key).encode()):08x}.pickle"


def load(key: Signature) -> Knowledge | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with _entry(folder, key).open("rb") as handle:
            stored_key, knowledge = pickle.load(handle)
    except Exception:  # an unreadable or stale entry of any kind is simply rebuilt
        return None
    from .knowledge import Knowledge

    if stored_key != key or not isinstance(knowledge, Knowledge):
        return None
    return knowledge


def store(key: Signature, knowledge: Knowledge) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        import tempfile

        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".knowledge-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((key, knowledge), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, _entry(folder, key))
        finally:
            Path(temp).unlink(missing_ok=True)
        # keep the entries of the last few knowledge/pack combinations, drop older ones
        entries = sorted(folder.glob("knowledge-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for stale in entries[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        return
