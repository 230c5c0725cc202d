"""Plain text from the core (plans, reasons, reports) wrapped to the widget's width with
hanging indents, so a long reason under a column stays under that column."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

from wizard.wrap import wrap_line


class FitText(Static):
    """Text made for the width it is drawn at by `make(width)`.

    The layout measures the height with the same function, and Textual sizes a widget before
    it draws it, so even the first frame shows the text wrapped for its real width (a text
    wrapped in a Resize handler is drawn once at a guessed width and again at the right one).
    """

    def __init__(
        self,
        make: Callable[[int], Content] | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._make = make
        self._made: tuple[int, Content] | None = None

    def set_make(self, make: Callable[[int], Content] | None) -> None:
        self._make = make
        self._made = None
        self.refresh(layout=True)

    def content_for(self, width: int) -> Content:
        if self._made is None or self._made[0] != width:
            made = self._make(width) if self._make is not None and width > 0 else Content("")
            self._made = (width, made)
        return self._made[1]

    def render(self) -> Content:
        return self.content_for(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.content_for(width).get_height(self.styles, width) if width else 0


class WrappedText(FitText):
    """Text whose lines wrap with hanging indents at the widget's width.
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
        super().__init__(self._wrapped, id=id, classes=classes)
        self.text = text
        self.text_for: Callable[[int], str] | None = None
        self.line_styles = tuple(line_styles) or ((first_line_style,) if first_line_style else ())
        self.display = bool(text)

    def set_text(self, text: str, line_styles: Sequence[str] | None = None) -> None:
        styles = self.line_styles if line_styles is None else tuple(line_styles)
        if text == self.text and styles == self.line_styles and self.text_for is None:
            return
        self.line_styles = styles
        self.text = text
        self.text_for = None
        self.display = bool(text)
        self.set_make(self._wrapped)

    def set_text_for(
        self, text_for: Callable[[int], str], line_styles: Sequence[str] | None = None
    ) -> None:
        """Text made for the width it is drawn at (a table that changes its layout when
        narrow), wrapped like set_text's."""
        self.text_for = text_for
        self.line_styles = self.line_styles if line_styles is None else tuple(line_styles)
        self.text = text_for(80)
        self.display = True
        self.set_make(self._wrapped)

    def _wrapped(self, width: int) -> Content:
        width = max(width, 20)
        text = self.text_for(width) if self.text_for is not None else self.text
        sources = [
            (i, w) for i, line in enumerate(text.split("\n")) for w in wrap_line(line, width)
        ]
        parts: list[Content | str] = []
        for n, (i, line) in enumerate(sources):
            if n:
                parts.append("\n")
            style = self.line_styles[i] if i < len(self.line_styles) else ""
            parts.append(Content.styled(line, style) if style else line)
        return Content.assemble(*parts)
