"""Where the shipped knowledge base and templates live, installed or in a source checkout.

The wheel carries ``knowledge/`` and ``templates/`` inside the package (hatch force-include).
When the package is a folder on disk (every pip install), they are its sub-folders and are read
as such: ``importlib.resources`` would find the same folders, but importing it (it pulls in
``tempfile``) costs more than the rest of a ``--format json`` run's own imports. Any other
loader (a zip import, a frozen app) goes through ``importlib.resources``. An editable install
or a plain checkout keeps them at the repository root instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # importing even the abc module runs importlib.resources' __init__, tempfile and all
    from importlib.resources.abc import Traversable

_PACKAGE = Path(__file__).resolve().parents[1]


def _resource_dir(name: str) -> Traversable:
    beside = _PACKAGE / name
    if beside.is_dir():
        return beside
    if not (_PACKAGE / "__init__.py").is_file():
        from importlib.resources import files

        packaged = files("edaadvisor").joinpath(name)
        if packaged.is_dir():
            return packaged
    return _PACKAGE.parents[1] / name


def knowledge_dir() -> Traversable:
    """The shipped knowledge base folder."""
    return _resource_dir("knowledge")


def templates_dir() -> Traversable:
    """The shipped ADR templates folder."""
    return _resource_dir("templates")
