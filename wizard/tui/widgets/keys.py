"""The key line and the Back/Next buttons of every step.

Both are one line of text. Textual's Footer and Button do more (a widget per key, a style
for every button variant), and parsing, matching and drawing that made up a third of the
time to the first frame; see bench/first_screen.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """The keys the focused step offers now (` ⏎ Next  esc Back  ? Explain …`), redrawn when
    its bindings change; clicking a key presses it. The step's Back and Next buttons follow the
    same bindings (StepScreen.sync_buttons): a button shows only what its key does."""

    DEFAULT_CSS = """
    KeyBar {
        width: 1fr;
        height: 1;
        dock: bottom;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self) -> None:
        super().__init__(markup=False)
        self._spans: list[tuple[int, int, str, bool]] = []  # start, end, key, enabled

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._show()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._show()

    def _show(self) -> None:
        # (keys shown, description, enabled, the key a click presses); two keys of one widget
        # that do the same thing are shown together: `esc/? Back to the step`.
        items: list[tuple[list[str], str, bool, str, object]] = []
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = self.app.get_key_display(binding)
            last = items[-1] if items else None
            if last and (last[1], last[2], last[4]) == (binding.description, enabled, node):
                last[0].append(shown)
                continue
            items.append(([shown], binding.description, enabled, binding.key, node))
        parts: list[Content | str] = []
        spans: list[tuple[int, int, str, bool]] = []
        at = 0
        for keys, description, enabled, press, _node in items:
            key = f" {'/'.join(keys)} "
            words = f"{description} "
            dim = "" if enabled else " dim"
            parts.append(Content.styled(key, f"bold $footer-key-foreground{dim}"))
            parts.append(Content.styled(words, f"$footer-description-foreground{dim}"))
            end = at + len(key) + len(words)
            spans.append((at, end, press, enabled))
            at = end
        self._spans = spans
        self.update(Content.assemble(*parts))

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                event.stop()
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return


class StepButton(Static, can_focus=True):
    """A one-line button: Enter, space or a click sends `StepButton.Pressed`."""

    DEFAULT_CSS = """
    StepButton {
        width: auto;
        min-width: 8;
        height: 1;
        padding: 0 1;
        text-align: center;
        text-style: bold;
        color: $button-foreground;
        background: $surface;
        pointer: pointer;
        &:focus {
            text-style: $button-focus-text-style;
            background-tint: $foreground 5%;
        }
        &:hover {
            background: $surface-darken-1;
        }
        &.-primary {
            color: $button-color-foreground;
            background: $primary;
            &:hover {
                background: $primary-darken-2;
            }
        }
        &:disabled {
            text-opacity: 0.6;
            pointer: not-allowed;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "press", "Press"),  # the key line names it after the button
        Binding("space", "press", "Press", show=False),
    ]

    class Pressed(Message):
        def __init__(self, button: StepButton) -> None:
            super().__init__()
            self.button = button

        @property
        def control(self) -> StepButton:
            return self.button

    def __init__(self, label: str, *, primary: bool = False, id: str | None = None) -> None:
        super().__init__(label, markup=False, id=id, classes="-primary" if primary else None)
        self._label = label
        self._name_enter(label)

    @property
    def label(self) -> str:
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        self._label = label
        self.update(label)
        self._name_enter(label)
        if self.has_focus:
            self.screen.refresh_bindings()

    def _name_enter(self, label: str) -> None:
        """With the focus here, the key line says what Enter does: `⏎ Back`, `⏎ Write & lock`."""
        # Bindings are copied per widget, so this names only this button's Enter.
        keys = self._bindings.key_to_bindings
        keys["enter"] = [replace(b, description=label) for b in keys.get("enter", [])]

    def action_press(self) -> None:
        if not self.disabled and self.display:
            self.post_message(self.Pressed(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_press()
