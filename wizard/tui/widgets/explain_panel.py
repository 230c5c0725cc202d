"""The explanation beside the choices: the core's teaching text for the focused question."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

from wizard import explain


def styled_explanation(text: str, width: int = 1000) -> Content:
    """The rendered topic with its title and section headings in bold (the '===' rule dropped:
    the bold title does its job on screen). Examples (kept verbatim by `render`) that are
    wider than the panel continue on an indented line instead of wrapping to the margin."""
    lines = []
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("    ") and len(line) > width:
            indent = " " * (len(line) - len(line.lstrip()) + 4)
            lines += textwrap.wrap(
                line,
                width,
                subsequent_indent=indent,
                drop_whitespace=True,
                break_long_words=False,
                break_on_hyphens=False,
            ) or [line]
        else:
            lines.append(line)
    parts: list[Content | str] = []
    for i, line in enumerate(lines):
        if i == 1 and line and set(line) == {"="}:
            continue
        if i == 0:
            parts.append(Content.styled(line, "bold $text-primary"))
        elif line in ("Sources:", "On this machine:"):
            parts.append(Content.styled(line, "bold"))
        else:
            parts.append(line)
        parts.append("\n")
    return Content.assemble(*parts[:-1])


class ExplainPanel(VerticalScroll):
    """Shows `explain.render(topic, notes, width)`, re-wrapped when its width changes."""

    DEFAULT_CSS = """
    ExplainPanel {
        border-left: vkey $primary 50%;
        padding: 0 1 0 2;
        background: $boost;
        scrollbar-gutter: stable;  /* the text keeps its width when the scrollbar appears */
    }
    ExplainPanel > Static {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.topic: str | None = None
        self.notes: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", markup=False)

    def show_topic(self, topic: str | None, notes: Sequence[str] = ()) -> None:
        if topic == self.topic and tuple(notes) == self.notes:
            return
        self.topic = topic
        self.notes = tuple(notes)
        self.scroll_home(animate=False)
        self._render_text()

    def _render_text(self) -> None:
        if not self.is_mounted:
            return
        static = self.query_one(Static)
        if self.topic is None:
            static.update("")
            return
        width = max(self.scrollable_content_region.width - 1, 30)  # a gap before the scrollbar
        text = explain.render(explain.topic_named(self.topic), self.notes, width)
        static.update(styled_explanation(text, width))

    def on_mount(self) -> None:
        self._render_text()

    def on_resize(self, event: Resize) -> None:
        self._render_text()
