"""The interview's footer: the screen's keys on one line, drawn by one widget.

Textual's ``Footer`` is a container with a widget per key, recomposed whenever the screen's
bindings are refreshed. On the interview's first screen those eight widgets were a sixth of
what the user waited for (styles, layout and a render each), and every answer that turned a
key on or off rebuilt them. This footer draws the same line itself, as Textual's compact
footer draws it (the same component styles, the command palette key on the right), and only
repaints when a key, its label or its enabled state changes. A click on a key presses it;
a disabled key rings the bell, as Textual's does.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.color import Color
from textual.css.styles import RenderStyles
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class FooterKey(NamedTuple):
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


class KeyFooter(Widget, can_focus=False):
    """The active screen's shown bindings (compact, palette key docked right)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer-key--item",
        "footer-key--hover",
        "footer-key--key",
        "footer-key--description",
        "footer-key--separator",
    }
    # the values of Textual's Footer and FooterKey rules, compact variant
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        width: 1fr;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer-key--item {
            background: $footer-item-background;
        }
        & > .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer-key--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.keys: tuple[FooterKey, ...] = ()
        """The keys shown, left to right; the command palette's is ``palette``."""
        self.palette: FooterKey | None = None
        self._spans: list[tuple[int, int, FooterKey]] = []
        """(first cell, end cell, key) of each key in the last line drawn, for the mouse."""
        self._hover: FooterKey | None = None
        self._looks: dict[tuple[Style, bool, bool], tuple[Style, Style, Style]] = {}

    def on_mount(self) -> None:
        # the keys are known when the screen mounts, so they are part of its first frame
        self._update_keys(self.screen)
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._update_keys(screen)

    def _update_keys(self, screen: Screen[object]) -> None:
        """Read the screen's active bindings; repaint (the size never changes) if they moved."""
        app = self.app
        active = screen.active_bindings
        keys: list[FooterKey] = []
        actions: set[str] = set()
        for _, binding, enabled, tooltip in active.values():
            # one key per action, the first bound, as Textual's footer shows them
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                display = app.get_key_display(binding)
                keys.append(FooterKey(binding.key, display, binding.description, enabled, tooltip))
        palette: FooterKey | None = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, _ = active[app.COMMAND_PALETTE_BINDING]
            palette = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                enabled,
                binding.tooltip or binding.description,
            )
        if (tuple(keys), palette) != (self.keys, self.palette):
            self.keys, self.palette = tuple(keys), palette
            self.refresh()

    # -- drawing ------------------------------------------------------------------------------

    def _layer(self, under: Style, name: str) -> Style:
        """``under`` with the component style ``name`` laid over it, as a child widget's
        background is laid over its parent's."""
        styles: RenderStyles = self.get_component_styles(name)
        background = Color.from_rich_color(under.bgcolor) if under.bgcolor else Color(0, 0, 0, 0)
        if styles.has_rule("background"):
            background += styles.background
        color = Color.from_rich_color(under.color) if under.color else Color(255, 255, 255, 0)
        if styles.has_rule("color"):
            color = styles.color
        style = under + styles.text_style
        return style + Style.from_color(
            (background + color).rich_color if (background.a or color.a) else None,
            background.rich_color if background.a else None,
        )

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks.clear()  # a new theme, or the CSS changed: new colours

    def _look(self, base: Style, hover: bool, enabled: bool) -> tuple[Style, Style, Style]:
        """The styles of a key (whole, key, description) over the footer's ``base``."""
        look = self._looks.get((base, hover, enabled))
        if look is None:
            item = self._layer(base, "footer-key--hover" if hover else "footer-key--item")
            if not enabled:
                item += Style(dim=True)
            look = (
                item,
                self._layer(item, "footer-key--key"),
                self._layer(item, "footer-key--description"),
            )
            self._looks[base, hover, enabled] = look
        return look

    def _key_text(self, key: FooterKey, base: Style) -> Text:
        item, key_style, description_style = self._look(base, key == self._hover, key.enabled)
        text = Text.assemble(
            (key.display, key_style),
            (" " + key.description, description_style) if key.description else "",
        )
        text.stylize_before(item)
        return text

    def render(self) -> Text:
        """The footer's line as text (what a selection or a test reads; render_line draws it)."""
        width = self.size.width
        base = self.rich_style
        line = Text(no_wrap=True, overflow="crop", end="")
        for key in self.keys:
            line.append_text(self._key_text(key, base))
            line.append(" ")
        if self.palette is not None:
            palette = self._key_text(self.palette, base)
            line.truncate(max(0, width - palette.cell_len - 2), pad=True)
            line.append("▏", self._layer(base, "footer-key--separator"))
            line.append_text(palette)
        line.truncate(width, pad=True)
        return line

    def render_line(self, y: int) -> Strip:
        # the line is built from segments here, with the styles render() gives its text, not
        # by rendering that text: a Text made into Content made into a Strip cost a millisecond
        # of the first frame, for one line whose every cell's style is known already
        width = self.size.width
        base = self.rich_style
        blank = Style.from_color(bgcolor=base.bgcolor)
        segments: list[Segment] = []
        spans: list[tuple[int, int, FooterKey]] = []
        x = 0

        def add(text: str, style: Style | None = None) -> None:
            # text with a style is selectable text (its offset); without, only background
            nonlocal x
            if style is None:
                segments.append(Segment(text, blank))
            else:
                segments.append(Segment(text, style + Style.from_meta({"offset": (x, 0)})))
            x += cell_len(text)

        def add_key(key: FooterKey) -> None:
            _, key_style, description_style = self._look(base, key == self._hover, key.enabled)
            first = x
            add(key.display, key_style)
            if key.description:
                add(" " + key.description, description_style)
            spans.append((first, x, key))

        for key in self.keys:
            add_key(key)
            # each key's right margin: the footer's background only, as the gap between
            # Textual's key widgets is (a text colour there would show under a dialog's tint)
            add(" ")
        line = Strip(segments)
        if self.palette is not None:
            palette_width = cell_len(self.palette.display) + (
                1 + cell_len(self.palette.description) if self.palette.description else 0
            )
            # docked right, after a thin rule, one cell from the edge
            start = max(0, width - palette_width - 2)
            line = line.crop(0, start).extend_cell_length(start, blank)
            spans = [(first, min(end, start), key) for first, end, key in spans if first < start]
            segments, x = [], start
            add("▏", self._layer(base, "footer-key--separator"))
            add_key(self.palette)
            line = Strip.join([line, Strip(segments)])
        self._spans = spans
        return line.crop(0, width).extend_cell_length(width, blank)

    # -- mouse --------------------------------------------------------------------------------

    def _key_at(self, x: int) -> FooterKey | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, key: FooterKey | None) -> None:
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip or None if key is not None else None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
