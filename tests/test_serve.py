"""``edaadvisor serve`` without a browser: its refusals and warnings, run as a user runs them,
and the per-session command textual-serve starts. ``test_serve_browser.py`` drives the page."""

from __future__ import annotations

import argparse
import importlib.util
import socket
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli
from edaadvisor.serve import exposure_warning, public_url, session_command

needs_the_extra = pytest.mark.skipif(
    importlib.util.find_spec("textual_serve") is None,
    reason="the serve extra is not installed (the README's test command installs only [test])",
)

MISSING_EXTRA = (
    "import sys; sys.modules['textual_serve'] = None; "  # as if the extra were not installed
    "from edaadvisor.cli import main; sys.exit(main(['serve']))"
)


def test_without_the_extra_it_says_what_to_install(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", MISSING_EXTRA], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "pip install 'edaadvisor[serve]'" in result.stderr
    assert "Traceback" not in result.stderr


@needs_the_extra
def test_a_broken_answers_file_stops_it_before_it_listens(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nanswers:\n  consistency: maybe\n", encoding="utf-8")
    env = {"EDAADVISOR_STATE_DIR": str(tmp_path / "state")}
    result = run_cli("serve", "--answers", str(bad), env=env)
    assert result.returncode == 2
    assert run_cli("--answers", str(bad)).stderr == result.stderr
    assert not (tmp_path / "state").exists()  # no session folder for a server that never ran


@needs_the_extra
def test_another_address_is_served_only_with_a_warning(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    # the warning comes first, so a refused start still shows it (and nothing binds)
    result = run_cli("serve", "--host", "0.0.0.0", "--answers", str(bad))
    assert "warning: listening on 0.0.0.0: anyone who can reach port 8000" in result.stderr
    assert "write ADRs" in result.stderr
    assert exposure_warning("127.0.0.1", 8000) is None
    assert exposure_warning("::1", 8000) is None
    assert exposure_warning("localhost", 8000) is None
    assert exposure_warning("192.168.1.5", 8000) is not None


@needs_the_extra
def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"EDAADVISOR_STATE_DIR": str(tmp_path / "state")}
        result = run_cli("serve", "--port", str(port), env=env)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "interview is at" not in result.stdout


def test_bad_port_is_refused_by_the_parser() -> None:
    result = run_cli("serve", "--port", "70000")
    assert result.returncode == 2 and "not a port number" in result.stderr


def test_each_session_runs_this_interpreter_with_absolute_paths(tmp_path: Path) -> None:
    args = argparse.Namespace(
        answers=Path("examples/loyalty-points.yaml"),
        adr_dir=Path("docs/decisions"),
        template="nygard",
        knowledge=[EXAMPLES / "policy-pack"],
    )
    command = session_command(args, tmp_path)
    assert command[:4] == [sys.executable, "-m", "edaadvisor", "serve"]
    assert command[command.index("--session-root") + 1] == str(tmp_path)
    for option in ("--answers", "--adr-dir", "--knowledge"):
        assert Path(command[command.index(option) + 1]).is_absolute()
    assert command[command.index("--template") + 1] == "nygard"
    bare = argparse.Namespace(answers=None, adr_dir=True, template="madr", knowledge=[])
    assert "--adr-dir" in session_command(bare, tmp_path)


def test_public_url_is_an_address_a_browser_can_use() -> None:
    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url("::1", 8080) == "http://[::1]:8080"
    assert "0.0.0.0" not in public_url("0.0.0.0", 8000)
