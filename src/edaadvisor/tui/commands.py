"""Command palette entries for the questions: "Jump to: <question>" for every visible one.

The app's other actions (save ADR, save answers, review, theme) are system commands declared
on the app itself; this provider adds the one that depends on the interview's state.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider

if TYPE_CHECKING:
    from .app import AdvisorApp


class QuestionCommands(Provider):
    """Fuzzy search over the visible questions' titles and ids."""

    async def search(self, query: str) -> Hits:
        app = cast("AdvisorApp", self.app)
        matcher = self.matcher(query)
        for question in app.session.visible():
            text = f"Jump to: {question.title}"
            score = max(matcher.match(text), matcher.match(f"Jump to: {question.id}"))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.jump_to, question.id),
                    help=f"{question.section} · {question.id}",
                )
