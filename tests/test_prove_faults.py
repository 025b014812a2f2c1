"""Faults a user meets: a kill mid-write, a full disk, a folder that cannot take the file.

The promises under test (README, ``core/files.py``, ``tui/state.py``):

* a file edaadvisor writes is either the old complete file or the new complete file, whatever
  instant the process dies at; a failure that is reported leaves no temporary file behind;
* an unusable destination is one plain line on stderr and exit 2, never a traceback;
* the interview's state file survives a kill, and a state file that cannot be read is set aside
  with a message instead of crashing the app.

Kills are real: a small driver process patches one step of the write to ``SIGKILL`` itself, so
no ``finally`` or ``atexit`` runs, exactly as when the machine loses power or the OOM killer
strikes. Reported failures run in-process (``cli.main`` with ``capsys``), which is faster and
fails the test on any exception that would have been a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, REPO
from edaadvisor.cli import main
from edaadvisor.core import files as files_module
from edaadvisor.core import load_knowledge
from edaadvisor.tui import state as state_module
from edaadvisor.tui.state import StateStore

ORDER = str(EXAMPLES / "order-fulfilment.yaml")
LOYALTY = str(EXAMPLES / "loyalty-points.yaml")
ERROR = "edaadvisor: error: "
OLD = "the previous ADR, complete\n" * 50
_KNOWLEDGE = load_knowledge()


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``edaadvisor ARGV`` in-process: (status, stdout, stderr); argparse exits become status."""
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return status, out, err


def one_clear_line(err: str, *words: str) -> None:
    """What the README promises for bad input: one line, our prefix, no Python in sight."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(ERROR), err
    for word in words:
        assert word in lines[0], err


def rendered(capsys: pytest.CaptureFixture[str], answers: str = ORDER) -> str:
    status, out, err = run_main(["--answers", answers], capsys)
    assert status == 0, err
    return out


class _PatchedOs:
    """``os`` for one module only, with one function replaced: the rest of the process (pytest,
    the knowledge cache) keeps the real ``os``, so only the step under test misbehaves."""

    def __init__(self, **replaced: Any) -> None:
        self._replaced = replaced

    def __getattr__(self, name: str) -> Any:
        return self._replaced.get(name, getattr(os, name))


# --- kills between the temporary write and the rename ----------------------------------------

KILL_DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    from edaadvisor.core import files

    step = sys.argv[1]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    class PatchedOs:
        def __getattr__(self, name):
            return die if name == step else getattr(os, name)

    if step == "fsync_dir":
        files._fsync_dir = die  # after the rename: the new file is in place
    else:
        files.os = PatchedOs()
    from edaadvisor.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)

# (step the process dies at, --force?, what the target must hold afterwards)
KILL_POINTS = [
    ("fsync", True, "old"),  # temp file written, not yet on disk or renamed
    ("replace", True, "old"),  # the rename itself never happens
    ("fsync_dir", True, "new"),  # renamed, folder entry not yet flushed
    ("fsync", False, "absent"),
    ("link", False, "absent"),  # no --force: the final step is a hard link
    ("fsync_dir", False, "new"),
]


@pytest.mark.parametrize(("step", "force", "expect"), KILL_POINTS)
def test_a_kill_at_any_step_leaves_the_old_or_the_new_complete_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], step: str, force: bool, expect: str
) -> None:
    new = rendered(capsys)
    target = tmp_path / "adr.md"
    if force:
        target.write_text(OLD)
    argv = ["--answers", ORDER, "--output", str(target), *(["--force"] if force else [])]
    proc = subprocess.run(
        [sys.executable, "-c", KILL_DRIVER, step, *argv],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    if expect == "absent":
        assert not target.exists(), "a half-made file must never take the name"
    else:
        assert target.read_text() == {"old": OLD, "new": new}[expect]
    # whatever a hard kill leaves behind is a hidden temporary file, never a visible ADR
    visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert visible == (["adr.md"] if expect != "absent" else [])
    for leftover in tmp_path.glob(".adr.md.*.tmp"):
        assert leftover.read_text() in ("", new)


# --- failures that are reported: one line, nothing half-written, nothing left behind -------------


def _enospc_fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
    """A file whose write fills the disk half-way, as a real ``ENOSPC`` does."""
    handle = os.fdopen(fd, *args, **kwargs)

    class Full:
        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            handle.close()

        def write(self, data: bytes) -> int:
            handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str) -> Any:
            return getattr(handle, name)

    return Full()


def _raise(code: int) -> Any:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("patch", "force", "words"),
    [
        ({"fdopen": _enospc_fdopen}, False, ["No space left on device"]),
        ({"fdopen": _enospc_fdopen}, True, ["No space left on device"]),
        ({"fsync": _raise(errno.ENOSPC)}, True, ["No space left on device"]),
        ({"fsync": _raise(errno.EIO)}, False, ["Input/output error"]),
        ({"replace": _raise(errno.EROFS)}, True, ["Read-only file system"]),
        ({"link": _raise(errno.EROFS)}, False, ["Read-only file system"]),
        ({"open": _raise(errno.EACCES)}, False, ["permission denied"]),
        ({"open": _raise(errno.EROFS)}, True, ["Read-only file system"]),
        ({"open": _raise(errno.EDQUOT)}, False, ["quota exceeded"]),
    ],
    ids=[
        "enospc-write-new", "enospc-write-force", "enospc-fsync", "eio-fsync", "erofs-rename",
        "erofs-link", "read-only-folder-simulated", "erofs-open", "quota",
    ],
)
def test_a_write_that_fails_is_one_line_and_leaves_nothing_behind(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    patch: dict[str, Any],
    force: bool,
    words: list[str],
) -> None:
    target = tmp_path / "adr.md"
    if force:
        target.write_text(OLD)
    monkeypatch.setattr(files_module, "os", _PatchedOs(**patch))
    argv = ["--answers", ORDER, "--output", str(target), *(["--force"] if force else [])]
    status, out, err = run_main(argv, capsys)
    assert status == 2 and out == ""
    one_clear_line(err, str(target), *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["adr.md"] if force else [])
    if force:
        assert target.read_text() == OLD, "the old file is untouched by a failed replacement"


@pytest.mark.parametrize(
    ("make", "where", "words"),
    [
        (lambda t: None, "missing/adr.md", ["does not exist"]),
        (lambda t: (t / "folder").mkdir(), "folder", ["is a folder"]),
        (lambda t: (t / "file.txt").write_text("x"), "file.txt/adr.md", ["is not a folder"]),
        (lambda t: None, "missing/deeper/adr.md", ["does not exist"]),
    ],
    ids=["missing-parent", "path-is-a-folder", "parent-is-a-file", "missing-grandparent"],
)
def test_output_to_an_unusable_path_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, where: str, words: list[str]
) -> None:
    make(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    status, out, err = run_main(["--answers", ORDER, "--output", str(tmp_path / where)], capsys)
    assert status == 2 and out == ""
    one_clear_line(err, *words)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize(
    ("make", "where", "words"),
    [
        (lambda t: (t / "file.txt").write_text("x"), "file.txt", ["is not a folder"]),
        (lambda t: (t / "file.txt").write_text("x"), "file.txt/adr", ["cannot create the folder"]),
    ],
    ids=["adr-dir-is-a-file", "adr-dir-under-a-file"],
)
def test_adr_dir_that_cannot_be_a_folder_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, where: str, words: list[str]
) -> None:
    make(tmp_path)
    status, out, err = run_main(["--answers", ORDER, "--adr-dir", str(tmp_path / where)], capsys)
    assert status == 2 and out == ""
    one_clear_line(err, *words)
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_read_only_adr_folder_simulated_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # root (as in CI containers) writes through chmod 555, so the kernel's refusal is simulated
    folder = tmp_path / "docs" / "decisions"
    folder.mkdir(parents=True)
    monkeypatch.setattr(files_module, "os", _PatchedOs(open=_raise(errno.EACCES)))
    status, out, err = run_main(["--answers", ORDER, "--adr-dir", str(folder)], capsys)
    assert status == 2 and out == ""
    one_clear_line(err, "permission denied", str(folder))
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_adr_folder_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "docs" / "decisions"
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "edaadvisor", "--answers", ORDER, "--adr-dir", str(folder)],
            capture_output=True, text=True, timeout=60,
        )
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(ERROR) and "permission denied" in proc.stderr
    assert list(folder.iterdir()) == []


def test_a_real_process_reports_a_full_disk_without_a_traceback(tmp_path: Path) -> None:
    """The user-visible version of the ENOSPC case: stderr as a terminal shows it."""
    code = textwrap.dedent(
        """
        import errno, os, sys
        from edaadvisor.core import files

        class PatchedOs:
            def __getattr__(self, name):
                if name == "fsync":
                    def full(fd):
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    return full
                return getattr(os, name)

        files.os = PatchedOs()
        from edaadvisor.cli import main
        sys.exit(main(sys.argv[1:]))
        """
    )
    target = tmp_path / "adr.md"
    proc = subprocess.run(
        [sys.executable, "-c", code, "--answers", ORDER, "--output", str(target)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        f"{ERROR}{target}: cannot write: No space left on device\n"
    )
    assert list(tmp_path.iterdir()) == []


# --- the interview's state file ------------------------------------------------------------

TUI_DRIVER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    sys.path.insert(0, sys.argv[1])
    from test_tui_app import answer, make_app
    from edaadvisor.core import load_knowledge
    from edaadvisor.tui import state

    kill_on = sys.argv[2]  # die while saving the first state that holds this answer
    real_replace = os.replace

    def replace(src, dst):
        with open(src, encoding="utf-8") as handle:
            if kill_on and f'"{kill_on}":' in handle.read():  # the answer, not the position
                os.kill(os.getpid(), signal.SIGKILL)  # temp file written, rename not done
        real_replace(src, dst)

    class PatchedOs:
        def __getattr__(self, name):
            return replace if name == "replace" else getattr(os, name)

    state.os = PatchedOs()

    async def interview():
        app = make_app(load_knowledge())
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for value in (6, 3, False, "eventual", 5):
                await answer(pilot, app, value)
            # mid-interview, app still running: the power goes
            os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(interview())
    """
)


def _interrupted_interview(tmp_path: Path, kill_on: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "EDAADVISOR_STATE_DIR": str(tmp_path / "state"),
        "SOURCE_DATE_EPOCH": "1796083200",
    }
    return subprocess.run(
        [sys.executable, "-c", TUI_DRIVER, str(REPO / "tests"), kill_on],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )


@pytest.mark.parametrize(
    ("kill_on", "survivors"),
    [
        ("", {"services": 6, "teams": 3, "crud_only": False, "consistency": "eventual",
             "consistency_lag_seconds": 5}),
        # killed while writing the 5th answer: the 4 before it are on disk, complete
        ("consistency_lag_seconds",
         {"services": 6, "teams": 3, "crud_only": False, "consistency": "eventual"}),
    ],
    ids=["killed-between-questions", "killed-inside-a-state-write"],
)
async def test_the_state_file_survives_a_kill_and_a_fresh_app_offers_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kill_on: str, survivors: dict[str, Any]
) -> None:
    from edaadvisor.tui.screens.dialogs import ConfirmScreen
    from edaadvisor.tui.screens.interview import InterviewScreen
    from test_tui_app import make_app

    proc = _interrupted_interview(tmp_path, kill_on)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    state = tmp_path / "state" / "interview.json"
    saved = json.loads(state.read_text())  # complete JSON, not a torn write
    assert saved["interview"]["answers"] == survivors

    monkeypatch.setenv("EDAADVISOR_STATE_DIR", str(tmp_path / "state"))
    app = make_app(load_knowledge())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "a fresh start offers to resume"
        await pilot.press("enter")  # "Resume" has focus
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert app.session.answers == survivors


async def test_a_state_file_that_is_not_utf8_is_set_aside_and_the_app_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from edaadvisor.tui.screens.interview import InterviewScreen
    from test_tui_app import make_app

    monkeypatch.setenv("EDAADVISOR_STATE_DIR", str(tmp_path / "state"))
    store = StateStore()
    store.directory.mkdir(parents=True)
    garbage = b'{"format": 1, "interview": {"answers": {"services": \xff\xfe'
    store.path.write_bytes(garbage)
    app = make_app(load_knowledge())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen), "a fresh interview, not a crash"
        shown = [n.message for n in app._notifications]
        assert any("set aside" in m for m in shown), shown
    (aside,) = store.directory.glob("interview.corrupt-*.json")
    assert aside.read_bytes() == garbage, "the user's data is kept, byte for byte"


def test_a_state_path_that_is_a_folder_is_a_message_not_a_crash(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    store.path.mkdir()
    result = store.load()
    assert result.saved is None and result.message and str(store.path) in result.message


def test_a_state_write_that_fails_leaves_the_previous_state_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore(tmp_path)
    store.save({"answers": {"services": 3}})
    monkeypatch.setattr(state_module, "os", _PatchedOs(fsync=_raise(errno.ENOSPC)))
    with pytest.raises(OSError):
        store.save({"answers": {"services": 4}})
    assert [p.name for p in tmp_path.iterdir()] == ["interview.json"]
    assert store.load().saved.data == {"answers": {"services": 3}}  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda s: s.encode("utf-8")))
@example(b"\xff\xfe{")
@example(b'{"format": 1, "interview": {"answers": []}}')
@example(b'{"format": 1, "interview": []}')
def test_any_state_file_bytes_load_or_are_set_aside(raw: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        store = StateStore(Path(folder))
        store.path.write_bytes(raw)
        result = store.load()
        if result.saved is None:
            assert result.message and "set aside" in result.message
            (aside,) = Path(folder).glob("interview.corrupt-*.json")
            assert aside.read_bytes() == raw
        else:
            assert isinstance(result.saved.data, dict)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12,
)
QUESTION_IDS = st.sampled_from(["services", "consistency", "broker", "crud_only", "pii"])


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "answers": st.dictionaries(QUESTION_IDS | st.text(max_size=8), JSON, max_size=5)
            | JSON,
            "dont_know": st.lists(QUESTION_IDS | JSON, max_size=4) | JSON,
            "adr": JSON | st.fixed_dictionaries({}, optional={"title": JSON, "deciders": JSON}),
            "project": JSON,
            "current": QUESTION_IDS | JSON,
            "source": JSON,
        },
    )
)
@example({"dont_know": [["services"]]})
def test_any_saved_interview_data_resumes_without_crashing(data: dict[str, Any]) -> None:
    from edaadvisor.tui.session import Interview

    interview, dropped = Interview.from_state(_KNOWLEDGE, data)
    assert dropped >= 0
    assert all(q in _KNOWLEDGE.questions for q in interview.answers)

