"""Plain text from the core (plans, reasons, reports) wrapped to the widget's width with
hanging indents, so a long reason under a column stays under that column."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

from wizard.wrap import wrap_line


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
