"""Regenerate docs/tui-interview.svg, the README's screenshot of the interview.

Run ``python docs/tui_screenshot.py`` from the repository root. It drives the real app with
Textual's Pilot on the bundled order-fulfilment example, with a throwaway state directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "order-fulfilment.yaml"


async def main() -> None:
    from textual.widgets import OptionList

    from edaadvisor.tui.app import AdvisorApp, load_inputs

    args = argparse.Namespace(answers=EXAMPLE, knowledge=[], overrides=[])
    knowledge, answers = load_inputs(args)
    app = AdvisorApp(knowledge, answers, options=args)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.jump_to("workflow_participants")
        await pilot.pause()
        topics = app.screen.query_one("#topics", OptionList)
        topics.highlighted = list(knowledge.topics).index("orchestration")
        await pilot.pause()
        app.save_screenshot("tui-interview.svg", path=str(HERE))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as state:
        os.environ["EDAADVISOR_STATE_DIR"] = state
        asyncio.run(main())
