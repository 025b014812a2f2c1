"""A footer that is rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes all its key widgets whenever the screen's bindings are
refreshed, which happens on every focus change: in the interview that is every answer, and a
dozen new widgets to style, lay out and render each time, for keys that are almost always the
same. This footer remembers what it last showed (each key, its label, whether it is enabled)
and skips the rebuild when nothing differs.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class QuietFooter(Footer):
    """``Footer``, rebuilt only when its keys, their labels or their enabled state change."""

    _shown: tuple[object, ...] | None = None

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        # the keys are known when the screen composes, so they are part of its first frame;
        # Footer waits for the first bindings signal and adds them a frame (and a layout) later
        self.set_reactive(Footer._bindings_ready, True)

    def on_mount(self) -> None:
        self._shown = self._keys(self.screen)

    def _keys(self, screen: Screen[object]) -> tuple[object, ...]:
        active = screen.active_bindings
        # in the order the footer shows them; the palette key has its own place at the end,
        # wherever the focused widget's bindings put it in the mapping
        shown = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in active.values()
            if binding.show
        )
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return shown, palette[1:] if palette is not None else None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = self._keys(screen)
            if keys == self._shown and self._bindings_ready:
                return
            self._shown = keys
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if self.compact and isinstance(widget, FooterKey):
                # born compact: binding ``compact`` after mounting restyles every key again
                widget.add_class("-compact", update=False)
            yield widget
