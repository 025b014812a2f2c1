"""The shipped knowledge base, validated before release, for a user's very first run.

A first run on an empty cache would import pydantic's model machinery and validate every
knowledge file: three times a warm run's whole time, for a result that is the same for every
user of a release. So that result ships beside the package (``shipped-knowledge.json``, in the
cache's own JSON encoding: plain records, nothing that can run) with a digest of what it was
made from: the knowledge files' bytes, the modules that define and build its records, the
cache format and the tool's version. It is used only when that digest matches what is
installed; an edited knowledge file or module means validating as before.

``tools/refresh_generated.py`` writes the file, and ``tests/test_generated.py`` fails while it
is stale, as it does for the example ADRs.
"""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from . import cache

if TYPE_CHECKING:
    from .knowledge import Knowledge

SNAPSHOT = Path(__file__).resolve().parents[1] / "shipped-knowledge.json"
"""Beside the package's modules; a zip import has no such file, and validates instead."""


def digest(files: list[tuple[str, bytes]]) -> str:
    """What the snapshot was made from: knowledge bytes, record-building modules, versions."""
    here = Path(__file__).parent
    hasher = hashlib.sha256(f"{cache.FORMAT}\0{__version__}\0".encode())
    for name, raw in files:
        hasher.update(b"knowledge/" + name.encode() + b"\0" + raw + b"\0")
    for module in cache.RUNTIME_MODULES:
        try:
            source = (here / module).read_bytes()
        except OSError:
            source = b"missing"
        hasher.update(module.encode() + b"\0" + source + b"\0")
    return hasher.hexdigest()


def build(files: list[tuple[str, bytes]], knowledge: Knowledge) -> str:
    """The snapshot's text: a header line (format and digest), then the encoded knowledge."""
    header = json.dumps({"format": cache.FORMAT, "digest": digest(files)})
    body = json.dumps(cache.encode(knowledge), ensure_ascii=False, separators=(",", ":"))
    return f"{header}\n{body}\n"


def load(files: list[tuple[str, bytes]]) -> tuple[Knowledge, str] | None:
    """The shipped knowledge and its encoded text, or None when the snapshot is missing,
    unreadable or was made from anything other than ``files`` and these modules."""
    from .knowledge import Knowledge

    try:
        info = SNAPSHOT.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > cache.MAX_ENTRY_BYTES:
            return None
        header, body = SNAPSHOT.read_text(encoding="utf-8").split("\n", 1)
        if json.loads(header) != {"format": cache.FORMAT, "digest": digest(files)}:
            return None
        knowledge = cache.decode(body)
    except Exception:  # a missing or damaged snapshot only costs the validation it saves
        return None
    return (knowledge, body.rstrip("\n")) if isinstance(knowledge, Knowledge) else None


def build_current() -> str:
    """The snapshot of the knowledge base installed beside this module, validated now."""
    from .errors import KnowledgeError
    from .knowledge import _check, _read_bytes, _read_folders

    folders = _read_folders((), None)
    knowledge, problems = _check(folders)
    if problems:
        raise KnowledgeError(problems)
    return build(_read_bytes(folders[0])[0], knowledge)
