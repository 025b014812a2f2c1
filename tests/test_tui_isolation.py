"""The headless paths never load Textual: scripts and CI pay only for what they use."""

from __future__ import annotations

import subprocess
import sys

from conftest import EXAMPLES, REPO

PROBE = """
import runpy, sys
sys.argv = ["edaadvisor", *sys.argv[1:]]
try:
    runpy.run_module("edaadvisor", run_name="__main__")
except SystemExit as exc:
    code = exc.code
print("TEXTUAL" if "textual" in sys.modules else "NO-TEXTUAL", code, file=sys.stderr)
"""


def test_json_report_does_not_import_textual() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            "--answers",
            str(EXAMPLES / "order-fulfilment.yaml"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.stdout.startswith("{"), proc.stderr
    assert proc.stderr.strip().endswith("NO-TEXTUAL 0"), proc.stderr


def test_core_imports_without_textual() -> None:
    code = (
        "import sys, edaadvisor.core, edaadvisor.tui.numbers, edaadvisor.tui.session, "
        "edaadvisor.tui.state; print('textual' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
