"""The explanation beside the choices: the core's teaching text for the focused question."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content

from wizard import explain
from wizard.tui.widgets.wrapped_text import FitText


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
    """Shows `explain.render(topic, notes, width)`, wrapped for the width it is drawn at."""

    DEFAULT_CSS = """
    ExplainPanel {
        border-left: vkey $primary 50%;
        padding: 0 1 0 2;
        background: $boost;
        scrollbar-gutter: stable;  /* the text keeps its width when the scrollbar appears */
    }
    ExplainPanel:focus {  /* Tab reached it: the arrow keys scroll it now */
        border-left: vkey $accent;
        background-tint: $foreground 3%;
    }
    ExplainPanel > FitText {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.topic: str | None = None
        self.notes: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield FitText(self._made_for)

    def show_topic(self, topic: str | None, notes: Sequence[str] = ()) -> None:
        if topic == self.topic and tuple(notes) == self.notes:
            return
        self.topic = topic
        self.notes = tuple(notes)
        self.scroll_home(animate=False)
        if self.is_mounted:
            self.query_one(FitText).set_make(self._made_for)

    def _made_for(self, width: int) -> Content:
        if self.topic is None:
            return Content("")
        width = max(width - 1, 30)  # a gap before the scrollbar, for a line that can break
        text = explain.render(explain.topic_named(self.topic), self.notes, width)
        return styled_explanation(text, width)
