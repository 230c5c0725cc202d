"""Plain text from the core (plans, reasons, reports) wrapped to the widget's width with
hanging indents, so a long reason under a column stays under that column."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

# What continuation lines align after: an indent plus a bullet, a label column
# ("Folder   /path"), or a line number column ("  12  torch==2.4.1").
_LEAD = re.compile(r"^(\s*(?:[-*>•›→✓✗★!] |[A-Z][\w ]{0,14}?\s{2,}|\d+\s{2,})?)")


def wrap_line(line: str, width: int) -> list[str]:
    """One line wrapped to `width`; continuation lines align after its indent and bullet.

    A column deeper than a third of the width (the plan's reasons on a narrow screen) moves
    left to a small indent, whether or not the line needs wrapping, so all stay alike."""
    lead = _LEAD.match(line).group(1)  # type: ignore[union-attr]
    body = line[len(lead) :]
    if len(lead) > width // 3:
        indent = min(len(lead) - len(lead.lstrip()), 4)
        lead = " " * indent + (lead.strip() + " " if lead.strip() else "")
    line = lead + body
    if len(line) <= width:
        return [line]
    # an indented line without a bullet or label continues a little further in
    hang = len(lead) + (2 if lead and not lead.strip() else 0)
    return textwrap.wrap(
        body,
        width,
        initial_indent=lead,
        subsequent_indent=" " * hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [lead]


def hanging_wrap(text: str, width: int) -> str:
    return "\n".join(w for line in text.split("\n") for w in wrap_line(line, width))


class WrappedText(Static):
    """A Static whose plain text is re-wrapped (hanging indents) when its width changes.
    `line_styles[i]` styles source line i and its continuation lines."""

    DEFAULT_CSS = """
    WrappedText {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(
        self,
        text: str = "",
        *,
        first_line_style: str = "",
        line_styles: Sequence[str] = (),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text
        self.line_styles = tuple(line_styles) or ((first_line_style,) if first_line_style else ())

    def on_mount(self) -> None:
        self.display = bool(self.text)
        self._show(self.size.width or self.app.size.width)

    def on_resize(self, event: Resize) -> None:
        self._show(event.size.width)

    def set_text(self, text: str, line_styles: Sequence[str] | None = None) -> None:
        self.text = text
        self.display = bool(text)
        if line_styles is not None:
            self.line_styles = tuple(line_styles)
        if self.is_mounted:
            self._show(self.size.width or self.app.size.width)

    def _show(self, width: int) -> None:
        width = max(width, 20)
        sources = [
            (i, w) for i, line in enumerate(self.text.split("\n")) for w in wrap_line(line, width)
        ]
        parts: list[Content | str] = []
        for n, (i, line) in enumerate(sources):
            if n:
                parts.append("\n")
            style = self.line_styles[i] if i < len(self.line_styles) else ""
            parts.append(Content.styled(line, style) if style else line)
        self.update(Content.assemble(*parts))
