"""``edaadvisor serve`` in a real browser: headless Chromium (Debian's ``chromium`` package)
driven by Playwright's Python API opens the page, answers with the keyboard, watches the live
verdict panel change, saves the ADR with ctrl+s and finds it on disk.

Reading the screen: textual-serve draws the terminal with xterm.js on a canvas (WebGL, else
2D), so there is no text in the DOM to read. Before the page's own script runs, an init script
puts a setter for ``terminal`` on ``Object.prototype``; textual-serve's client assigns its
xterm ``Terminal`` to ``this.terminal``, the setter keeps a reference in ``window.__term`` and
steps aside, and the test reads the screen from xterm's buffer, line by line, exactly as drawn.

Skipped, with the reason, when Playwright, textual-serve or a Chromium executable is missing;
``.ci/run`` installs all three, so CI runs it. ``EDAADVISOR_CHROMIUM`` names another Chromium;
``EDAADVISOR_SERVE_SCREENSHOT=docs/serve-interview.png`` also writes the README's screenshot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
pytest.importorskip(
    "textual_serve", reason="textual-serve is not installed (pip install 'edaadvisor[serve]')"
)


def _chromium() -> str | None:
    named = os.environ.get("EDAADVISOR_CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium()
if CHROMIUM is None:
    pytest.skip(
        "no Chromium to drive: apt-get install chromium (or set EDAADVISOR_CHROMIUM)",
        allow_module_level=True,
    )

HOOK = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    window.__term = value;
    Object.defineProperty(this, "terminal",
      {value, writable: true, configurable: true, enumerable: true});
  },
});
"""

SCREEN = """() => {
  const term = window.__term;
  if (!term) return null;
  const buffer = term.buffer.active, rows = [];
  for (let i = 0; i < term.rows; i++) rows.push(buffer.getLine(i).translateToString(true));
  return rows.join("\\n");
}"""

WAIT = 60.0
"""Seconds to wait for the browser or the app before failing: a bound, not a measurement."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(what: str, check: Callable[[], Any], show: Callable[[], str] | None = None) -> Any:
    """Poll ``check`` until it gives something true; fail with ``show()`` (the screen) if not."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}" + (f"; the screen:\n{show()}" if show else ""))


def _answered(text: str, count: int) -> bool:
    """The progress line says ``count`` questions are answered (of however many are shown)."""
    return re.search(rf"\b{count}/\d+ answered", text) is not None


def _settled(screen: Callable[[], str], needle: str) -> bool:
    """The screen shows ``needle`` and stays the same for a moment (drawing has finished)."""
    first = screen()
    if needle not in first:
        return False
    time.sleep(0.5)
    return screen() == first


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """``edaadvisor serve`` on a free loopback port; yields (url, ADR folder, state dir)."""
    port = _free_port()
    adr_dir, state = tmp_path / "adr", tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update({"EDAADVISOR_STATE_DIR": str(state), "SOURCE_DATE_EPOCH": "1764547200"})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edaadvisor",
            "serve",
            "--port",
            str(port),
            "--adr-dir",
            str(adr_dir),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def listening() -> bool:
        if process.poll() is not None:
            pytest.fail(
                f"edaadvisor serve exited: {process.stdout.read() if process.stdout else ''}"
            )
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        _wait_for("the server to listen", listening)
        yield f"http://127.0.0.1:{port}/", adr_dir, state
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_interview_in_a_browser(server: tuple[str, Path, Path], tmp_path: Path) -> None:
    url, adr_dir, state = server
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # root in a container has no user namespaces for Chromium's sandbox
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            # the page asks Google for a web font; nothing outside this machine is reachable
            page.route("**/fonts.googleapis.com/**", lambda route: route.abort())
            page.add_init_script(HOOK)
            page.goto(url)

            def screen() -> str:
                return str(page.evaluate(SCREEN) or "")

            def verdict_row(text: str, topic: str = "Event-driven architecture") -> str:
                row = next((r for r in text.splitlines() if topic in r), "")
                # the row in the right-hand panel: "? Event-driven architecture"
                return row.split("│")[-2].strip() if row.count("│") >= 2 else row.strip()

            # the first question is drawn first, the live verdict panel just after it
            first = _wait_for(
                "the first question and the verdict panel",
                lambda: (
                    _settled(screen, "How many independently deployed services")
                    and "? Event-driven architecture" in screen()
                    and screen()
                ),
                screen,
            )
            before = verdict_row(first)
            assert before.startswith("? Event-driven architecture"), first
            # keys go to xterm's hidden textarea, as when a person clicks into the page
            page.focus(".xterm-helper-textarea")

            # numbers, typed; then a yes/no, chosen with the keyboard
            cqrs = verdict_row(first, "CQRS")
            assert cqrs.startswith("? CQRS"), first
            page.keyboard.type("6")
            page.keyboard.press("Enter")
            _wait_for("the second question", lambda: _answered(screen(), 1), screen)
            page.keyboard.type("3")
            page.keyboard.press("Enter")
            _wait_for("the third question", lambda: _answered(screen(), 2), screen)
            page.keyboard.press("Enter")  # the highlighted choice: the first one, "Yes" (CRUD)
            after = _wait_for(
                "the verdict panel to change",
                lambda: verdict_row(screen(), "CQRS") != cqrs and verdict_row(screen(), "CQRS"),
                screen,
            )
            assert after.startswith("✘"), screen()  # plain CRUD: one model serves reads

            # each session keeps its own state file, below the server's session root
            (state_file,) = _wait_for(
                "the session's state file",
                lambda: list((state / "serve").glob("*/session-*/interview.json")),
            )
            saved = json.loads(state_file.read_text(encoding="utf-8"))["interview"]["answers"]
            assert saved == {"services": 6, "teams": 3, "crud_only": True}

            # the README's picture: the next question, and the verdicts the answer moved
            _wait_for(
                "the fourth question",
                lambda: _answered(screen(), 3) and _settled(screen, "answered"),
                screen,
            )
            shot = tmp_path / "serve-interview.png"
            page.screenshot(path=str(shot))
            assert shot.read_bytes().startswith(b"\x89PNG")
            target = os.environ.get("EDAADVISOR_SERVE_SCREENSHOT")
            if target:
                shutil.copyfile(shot, target)

            page.keyboard.press("Control+s")
            (adr,) = _wait_for("the ADR on disk", lambda: list(adr_dir.glob("0001-*.md")), screen)
            text = adr.read_text(encoding="utf-8")
            assert "services: 6" in text and "crud_only: true" in text
            _wait_for("the saved notice", lambda: "written to" in screen(), screen)

        finally:
            browser.close()


def test_two_browser_sessions_never_share_a_state_file(
    server: tuple[str, Path, Path],
) -> None:
    url, _adr_dir, state = server
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            pages = [browser.new_page(viewport={"width": 1200, "height": 800}) for _ in range(2)]
            for page, answer in zip(pages, ("3", "9"), strict=True):
                page.route("**/fonts.googleapis.com/**", lambda route: route.abort())
                page.add_init_script(HOOK)
                page.goto(url)
                _wait_for(
                    "the first question and the verdict panel",
                    lambda p=page: "? Event-driven architecture" in str(p.evaluate(SCREEN) or ""),
                )
                page.focus(".xterm-helper-textarea")
                page.keyboard.type(answer)
                page.keyboard.press("Enter")

            def both_saved() -> list[int] | None:
                found = []
                for path in (state / "serve").glob("*/session-*/interview.json"):
                    answers = json.loads(path.read_text(encoding="utf-8"))["interview"]["answers"]
                    found.append(answers.get("services"))
                return sorted(found) if len(found) == 2 and None not in found else None

            assert _wait_for("two state files", both_saved) == [3, 9]
        finally:
            browser.close()
