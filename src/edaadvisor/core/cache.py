"""A cache of the validated, assembled knowledge base, keyed by the digest of its files.

Parsing thirteen YAML files and validating them with pydantic costs more than everything else
``--format json`` does, and importing pydantic's model machinery alone costs half the budget.
So the first run validates and stores the result (plain dataclasses, pickled); later runs
read the files' bytes, hash them, and load the stored result when nothing changed. A changed
file, pack, tool version or runtime class changes the key, so a stale entry is never used.

The cache lives in the user's cache folder (``EDAADVISOR_CACHE_DIR`` overrides it; set it to
an empty string to turn caching off). It is written by the user's own process into the user's
own folder, like Python's ``__pycache__``; an unreadable or corrupt entry is ignored and
rebuilt, and a folder we cannot write to only costs speed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from .knowledge import Knowledge

FORMAT = 1
KEEP = 16
"""Entries kept: enough for a team switching between a few packs, bounded for everyone."""
_RUNTIME_MODULES = ("conditions.py", "model.py", "knowledge.py", "schema.py", "cache.py")


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


def cache_key(layers: list[tuple[str, str]]) -> str:
    """Digest of every layer's label and content, the tool, and the runtime classes' code."""
    here = Path(__file__).parent
    key = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version_info[:2]}".encode())
    for module in _RUNTIME_MODULES:
        try:
            stat = (here / module).stat()
            key.update(f"\0{module}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        except OSError:
            key.update(f"\0{module}:?".encode())
    for label, digest in layers:
        key.update(f"\0{label}\0{digest}".encode())
    return key.hexdigest()


def load(key: str) -> Knowledge | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"knowledge-{key}.pickle").open("rb") as handle:
            knowledge = pickle.load(handle)
    except Exception:  # an unreadable or stale entry of any kind is simply rebuilt
        return None
    from .knowledge import Knowledge

    return knowledge if isinstance(knowledge, Knowledge) else None


def store(key: str, knowledge: Knowledge) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        import tempfile

        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".knowledge-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(knowledge, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, folder / f"knowledge-{key}.pickle")
        finally:
            Path(temp).unlink(missing_ok=True)
        # keep the entries of the last few knowledge/pack combinations, drop older ones
        entries = sorted(folder.glob("knowledge-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for stale in entries[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        return
