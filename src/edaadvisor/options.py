"""Command-line options that several commands spell the same way.

Kept out of ``edaadvisor.cli`` so subcommands in other packages never import the top-level
parser (an import-linter contract forbids importing ``edaadvisor.cli``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_knowledge_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--knowledge DIR``, repeatable, as every command that loads knowledge spells it."""
    parser.add_argument(
        "--knowledge", "-k", type=Path, action="append", default=[], metavar="DIR",
        help=help_text,
    )  # fmt: skip
