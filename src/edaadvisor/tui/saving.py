"""Saving the ADR and the answers file from the TUI, never over an existing file unasked.

Where the ADR goes follows the CLI's options: ``--output PATH``, else ``--adr-dir`` (the
given folder, or the repository's ADR folder when given bare), else a dialog proposing the
repository's ADR folder and its next number. An existing file is replaced only after a
confirm dialog, and then through ``write_file(force=True)``, which writes atomically.

Rendering, ADR numbering and safe writing belong to ``edaadvisor.adr`` and
``edaadvisor.core.files``; they, and the report they render, are imported on first use so
the interview starts without Jinja2 or the what-if search.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from ..core.answers import dump_answers, parse_answers_text
from ..core.errors import EdaAdvisorError
from .session import Interview
from .state import StateStore

if TYPE_CHECKING:
    from ..core.report import Report
    from ..quickargs import Options

ANSWERS_DEFAULT = Path("edaadvisor-answers.yaml")
ADR_FALLBACK_DIR = Path("docs/adr")

_NUMBERED = re.compile(r"^(\d{1,6})-")


def number_from_name(path: Path) -> int | None:
    """``0007-use-events.md`` -> 7: a user who edits the proposed name keeps its number."""
    match = _NUMBERED.match(path.name)
    return int(match[1]) if match else None


class SaveMixin(App[int]):
    """The app's save actions; needs ``session`` and ``options`` from the app."""

    session: Interview
    options: Options
    store: StateStore

    # -- rendering ----------------------------------------------------------------------------

    def report(self) -> Report:
        from ..core.report import build_report

        report = build_report(self.session.knowledge, self.session.answers_file())
        return report

    def render_adr_text(self, report: Report, *, number: int | None) -> str:
        from ..adr.render import render_adr

        template = getattr(self.options, "template", None) or "madr"
        return render_adr(report, template=template, number=number)

    def adr_title(self, report: Report) -> str:
        from ..adr.render import adr_title

        return adr_title(report)

    # -- ADR ----------------------------------------------------------------------------------

    def action_save_adr(self) -> None:
        self._save_adr()

    @work(exclusive=True, group="save")
    async def _save_adr(self) -> None:
        try:
            report = self.report()
            title = self.adr_title(report)
            target, number, force = await self._adr_target(title)
            if target is None:
                return
            text = self.render_adr_text(report, number=number)
        except EdaAdvisorError as exc:
            self.notify("\n".join(exc.lines), title="ADR not written", severity="error")
            return
        await self.write_safely(target, text, "ADR", force=force)

    async def _adr_target(self, title: str) -> tuple[Path | None, int | None, bool]:
        """Where the ADR goes, its number, and whether ``--force`` allows replacing it."""
        output: Path | None = getattr(self.options, "output", None)
        if output is not None:
            return output, None, bool(getattr(self.options, "force", False))
        adr_dir: Path | bool | None = getattr(self.options, "adr_dir", None)
        if adr_dir is not None:
            # a bare --adr-dir (True, or Path("") from older parsers) means "find the folder"
            find = adr_dir is True or adr_dir == Path("")
            directory = _find_adr_dir() if find else Path(str(adr_dir))
            if directory is not None:
                number, path = _next_adr_path(directory, title)
                return path, number, False
            self.notify("No ADR folder found in this repository; choose where to write it.")
        from .screens.dialogs import PathScreen

        proposal, proposed_number = _propose(title)
        chosen = await self.push_screen_wait(
            PathScreen(
                "Save the ADR",
                "Write the ADR to this file (the repository's ADR folder and next number "
                "are proposed):",
                proposal,
            )
        )
        if chosen is None:
            return None, None, False
        if chosen == proposal:
            return chosen, proposed_number, False
        return chosen, number_from_name(chosen), False

    # -- answers ------------------------------------------------------------------------------

    def action_save_answers(self) -> None:
        self._save_answers()

    @work(exclusive=True, group="save")
    async def _save_answers(self) -> None:
        from .screens.dialogs import PathScreen

        proposal = getattr(self.options, "answers", None) or ANSWERS_DEFAULT
        chosen = await self.push_screen_wait(
            PathScreen(
                "Save the answers",
                "Write an answers file; 'edaadvisor --answers FILE' gives the same ADR again:",
                proposal,
            )
        )
        if chosen is None:
            return
        text = dump_answers(self.session.answers_file())
        try:
            # what --answers would say about this file, before it exists: never save one it refuses
            parse_answers_text(text, str(chosen), self.session.knowledge)
        except EdaAdvisorError as exc:
            self.notify("\n".join(exc.lines), title="Not saved", severity="error")
            return
        if await self.write_safely(chosen, text, "answers file"):
            # everything is in the user's own file now: the next start need not offer a
            # resume (any further answer writes the state file again)
            self.store.clear()

    # -- writing ------------------------------------------------------------------------------

    async def write_safely(
        self, target: Path, text: str, what: str, *, force: bool = False
    ) -> bool:
        """Write ``text``; ask before replacing an existing file. True when written."""
        from ..core.files import OverwriteRefused, write_file
        from .screens.dialogs import ConfirmScreen

        for _attempt in range(2):
            if not force and target.exists():
                replace = await self.push_screen_wait(
                    ConfirmScreen(
                        "Replace the file?",
                        f"{target} already exists. Replace it with this {what}?",
                        "Replace",
                        "Keep it",
                    )
                )
                if not replace:
                    self.notify(f"{target} was left untouched.", title=f"{what} not written")
                    return False
                force = True
            try:
                # a folder named on the command line or typed in the dialog is created, as
                # ``--adr-dir DIR`` does; write_file itself refuses a missing folder
                target.parent.mkdir(parents=True, exist_ok=True)
                write_file(target, text, force=force)
            except OverwriteRefused:
                continue  # created between our check and the write: ask about the new one
            except (EdaAdvisorError, OSError) as exc:
                lines = exc.lines if isinstance(exc, EdaAdvisorError) else [str(exc)]
                self.notify("\n".join(lines), title=f"{what} not written", severity="error")
                return False
            self.notify(f"{what[0].upper()}{what[1:]} written to {target}", title="Saved")
            return True
        return False


def _find_adr_dir() -> Path | None:
    from ..adr.files import find_adr_dir

    found: Path | None = find_adr_dir(Path.cwd())
    return found


def _next_adr_path(directory: Path, title: str) -> tuple[int, Path]:
    from ..adr.files import next_adr_path

    return next_adr_path(directory, title)


def _propose(title: str) -> tuple[Path, int | None]:
    """The repository's ADR folder and next number, or ``docs/adr/0001-...`` without one."""
    directory = _find_adr_dir() or ADR_FALLBACK_DIR
    number, path = _next_adr_path(directory, title)
    return _relative(path), number


def _relative(path: Path) -> Path:
    """Shown relative to the working directory when below it: shorter to read and edit."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
