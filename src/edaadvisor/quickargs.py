"""Read the everyday command lines without importing argparse (whose import, with gettext,
costs a non-interactive run more than its own work).

``edaadvisor --answers FILE [--format F] [--output PATH] [--set Q=V]...`` and the like are
read here into the same namespace ``cli.build_parser().parse_args`` would give. Anything else
(help, version, abbreviations, ``--adr-dir``, repeated options, a value that looks like an
option, any mistake) returns ``None`` and argparse reads it as before, errors included. A test
holds the two readers to the same result on every command line this one accepts.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import argparse

    Options: TypeAlias = argparse.Namespace | SimpleNamespace
    """Parsed command-line options, from either reader."""

FORMATS = ("markdown", "json", "text")

# option -> (destination, kind); kind: "path", "format", "text", "flag", "paths", "texts"
_OPTIONS: dict[str, tuple[str, str]] = {
    "--answers": ("answers", "path"),
    "-a": ("answers", "path"),
    "--format": ("format", "format"),
    "-f": ("format", "format"),
    "--output": ("output", "path"),
    "-o": ("output", "path"),
    "--force": ("force", "flag"),
    "--template": ("template", "text"),
    "--knowledge": ("knowledge", "paths"),
    "-k": ("knowledge", "paths"),
    "--set": ("overrides", "texts"),
    "--interactive": ("interactive", "flag"),
    "-i": ("interactive", "flag"),
}
_DEFAULTS: dict[str, Any] = {
    "answers": None,
    "format": "markdown",
    "output": None,
    "adr_dir": None,
    "force": False,
    "template": None,
    "knowledge": [],
    "overrides": [],
    "interactive": False,
    "single": False,
    "supersedes": None,
}


def quick_parse(argv: list[str]) -> SimpleNamespace | None:
    """The parsed options, or ``None`` when argparse should read ``argv`` instead."""
    values: dict[str, Any] = {**_DEFAULTS, "knowledge": [], "overrides": []}
    seen: set[str] = set()
    index = 0
    while index < len(argv):
        token = argv[index]
        option, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        spec = _OPTIONS.get(option)
        if spec is None:
            return None
        dest, kind = spec
        if kind in ("path", "format", "text", "flag"):
            if dest in seen:
                return None  # argparse's last-one-wins is rare enough to leave to it
            seen.add(dest)
        if kind == "flag":
            if equals:
                return None
            values[dest] = True
            index += 1
            continue
        if equals:
            value = inline
            index += 1
        elif index + 1 < len(argv):
            value = argv[index + 1]
            index += 2
        else:
            return None
        if value.startswith("-") or (kind == "format" and value not in FORMATS):
            return None
        if kind in ("path", "paths"):
            if not value:
                return None
            if kind == "paths":
                values[dest].append(Path(value))
            else:
                values[dest] = Path(value)
        elif kind == "texts":
            values[dest].append(value)
        else:
            values[dest] = value
    return SimpleNamespace(**values)
