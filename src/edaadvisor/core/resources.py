"""Where the shipped knowledge base and templates live, installed or in a source checkout.

The wheel carries ``knowledge/`` and ``templates/`` inside the package (hatch force-include),
read through ``importlib.resources``. In an editable install or a plain checkout they sit at
the repository root instead, so we fall back to that one well-known place.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def _resource_dir(name: str) -> Traversable:
    packaged = files("edaadvisor").joinpath(name)
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / name
    return checkout


def knowledge_dir() -> Traversable:
    """The shipped knowledge base folder."""
    return _resource_dir("knowledge")


def templates_dir() -> Traversable:
    """The shipped ADR templates folder."""
    return _resource_dir("templates")
