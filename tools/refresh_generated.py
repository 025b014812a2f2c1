"""Rewrite the files generated from the knowledge base and the templates, after changing them.

    .venv/bin/python tools/refresh_generated.py [--check]

* ``src/edaadvisor/shipped-knowledge.json``: the shipped knowledge base as validated here, for a
  user's first run on an empty cache (``core/shipped.py``);
* ``src/edaadvisor/adr/precompiled/*.py``: the shipped ADR templates compiled by Jinja2, so a
  run renders without compiling them (``adr/precompiled.py``).

Both are used only while their digest matches what is installed, so a stale file costs speed,
never correctness; ``tests/test_generated.py`` fails while one is stale. ``--check`` writes
nothing and exits 1 if a file would change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import edaadvisor
from edaadvisor.adr import precompiled
from edaadvisor.core import shipped

CHECKOUT = Path(__file__).resolve().parents[1] / "src" / "edaadvisor"


def generated() -> dict[Path, str]:
    """Every generated file and the text it should hold now."""
    files: dict[Path, str] = {shipped.SNAPSHOT: shipped.build_current()}
    for name in precompiled.SHIPPED:
        files[precompiled.module_path(name)] = precompiled.build(name)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say what is stale")
    args = parser.parse_args(argv)
    if Path(edaadvisor.__file__).resolve().parent != CHECKOUT:
        # the files are made from the imported package: it must be this checkout's, or the
        # output would describe another version and land outside the repository
        print(
            f"error: this Python imports edaadvisor from {Path(edaadvisor.__file__).parent}, "
            f"not from {CHECKOUT}; use the checkout's editable install (pip install -e .)",
            file=sys.stderr,
        )
        return 2
    stale = 0
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale += 1
        print(f"{'stale' if args.check else 'wrote'}: {path}")
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
