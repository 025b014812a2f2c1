"""``edaadvisor kb lint [DIR ...]`` and ``edaadvisor kb diff OLD NEW --answers DIR``.

A DIR holding ``knowledge.yaml`` is a whole knowledge base (it replaces the shipped one); a DIR
holding ``pack.yaml`` is a pack layered on it. Exit status: 0 clean / no change, 1 findings /
changes (one line each), 2 the input cannot be read (the message says which file and why).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.terminal import echo
from .diff import diff_main
from .lint import lint_folders


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="edaadvisor kb",
        description="Knowledge-base tools: lint the knowledge and packs, diff their effect.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="lint|diff")
    lint = commands.add_parser(
        "lint",
        help="check the shipped knowledge plus the given packs",
        description="Check the shipped knowledge base plus pack folders for defects. "
        "Exit 0 clean, 1 with one line per finding, 2 when a folder cannot be read.",
    )
    lint.add_argument("folders", nargs="*", type=Path, metavar="DIR", help="pack folders")
    diff = commands.add_parser(
        "diff",
        help="which verdicts change between two versions of the knowledge",
        description="For every answers file in --answers DIR, the verdicts that differ "
        "between OLD and NEW. Exit 0 when none, 1 when some, 2 on bad input.",
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="knowledge folder or pack")
    diff.add_argument("new", type=Path, metavar="NEW", help="knowledge folder or pack")
    diff.add_argument(
        "--answers", "-a", type=Path, required=True, metavar="DIR", help="answers files"
    )
    args = parser.parse_args(argv)
    if args.command == "lint":
        findings = lint_folders(args.folders)
        for finding in findings:
            echo(str(finding))  # findings quote the packs' own ids and text
        defects = [f for f in findings if not f.note]
        if defects:
            print(f"{len(defects)} finding(s)", file=sys.stderr)
        return 1 if defects else 0
    return diff_main(args.old, args.new, args.answers)
