"""uv's output as it arrives, in a box that follows the newest line.

Each line wraps at the box's width (again when the width changes) with a hanging indent, one
column short of the scrollbar, so a long `  cause: Because …` stays one indented block instead
of running on at the margin (Textual's RichLog wraps at the margin and up to its scrollbar).
"""

from __future__ import annotations

import textwrap
from collections import deque

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content

from wizard.tui.widgets.wrapped_text import FitText
from wizard.wrap import breakable, joined


def log_line(line: str, width: int) -> list[str]:
    """One output line wrapped to `width`; its continuation lines two columns further in than
    its own indent (a third of the width at most), so each line of output reads as a block."""
    line = line.rstrip().expandtabs()
    width = max(width, 20)
    if len(line) <= width:
        return [line]
    body = line.lstrip(" ")
    lead = " " * min(len(line) - len(body), width // 3)
    hang = " " * min(len(lead) + 2, width // 3)
    wrapped = textwrap.wrap(
        breakable(body, width - len(hang)),
        width,
        initial_indent=lead,
        subsequent_indent=hang,
        break_on_hyphens=False,
    )
    return [joined(w) for w in wrapped] or [line]


class OutputLog(VerticalScroll):
    """The last `max_lines` lines written, wrapped for the width they are drawn at."""

    DEFAULT_CSS = """
    OutputLog {
        height: auto;
        max-height: 12;
        padding: 0 0 0 1;
        scrollbar-size-vertical: 1;
        /* No stable gutter: with one, Textual measures the auto height at the width without
           the gutter, and adds a row for a horizontal scrollbar there is none of. */
    }
    OutputLog > FitText {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, *, max_lines: int = 500, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: deque[str] = deque(maxlen=max_lines)
        self.display = False  # until uv says something

    def compose(self) -> ComposeResult:
        yield FitText(self._made_for)

    def write(self, line: str) -> None:
        following = self.scroll_y >= self.max_scroll_y
        self.lines.append(line)
        self.display = True
        self.query_one(FitText).set_make(self._made_for)
        if following:
            self.call_after_refresh(self.scroll_end, animate=False)

    def _made_for(self, width: int) -> Content:
        # One column short of the scrollbar (a margin would do it too, but the box's auto
        # height is measured without it: a line more at the narrower width then scrolled).
        width -= 1
        return Content("\n".join(w for line in self.lines for w in log_line(line, width)))
