"""The change to pyproject.toml: a unified diff with the TOML inside it highlighted."""

from __future__ import annotations

from textual.content import Content
from textual.events import Resize
from textual.highlight import highlight
from textual.widgets import Static


def diff_lines(diff: str) -> list[tuple[Content, Content]]:
    """(gutter, text) per diff line: the +/- gutter coloured and the TOML highlighted, in
    theme colours (light and dark both work; the signs keep the meaning without colour)."""
    lines = diff.rstrip("\n").split("\n")
    bodies = [
        line[1:] if line[:1] in "+- " and not line.startswith(("+++", "---")) else ""
        for line in lines
    ]
    toml = highlight("\n".join(bodies), language="toml").split("\n", allow_blank=True)
    out: list[tuple[Content, Content]] = []
    for i, line in enumerate(lines):
        if line.startswith(("+++", "---")):
            out.append((Content(""), Content.styled(line, "bold")))
        elif line.startswith("@@"):
            out.append((Content(""), Content.styled(line, "$text-accent")))
        elif line[:1] == "+":
            out.append(
                (
                    Content.styled("+", "bold $text-success"),
                    toml[i] if i < len(toml) else Content(line[1:]),
                )
            )
        elif line[:1] == "-":
            out.append(
                (Content.styled("-", "bold $text-error"), Content.styled(line[1:], "$text-error"))
            )
        else:
            out.append((Content(" "), Content.styled(line[1:], "$foreground-muted")))
    return out


def highlighted_diff(diff: str, width: int = 1000) -> Content:
    """The whole diff; lines longer than `width` continue under their text, their +/- sign
    repeated in the gutter (a continuation of an added line is not an unchanged line) and a
    "↪" after it (nor is it a line of its own)."""
    parts: list[Content | str] = []
    for n, (gutter, text) in enumerate(diff_lines(diff)):
        if n:
            parts.append("\n")
        line = gutter + text
        if line.cell_length <= width or width < 10:
            parts.append(line)
            continue
        pieces = text.wrap(width - 2) if gutter.plain else line.wrap(width)
        for k, piece in enumerate(pieces):
            if k:
                parts.append("\n")
            # "↪" marks where a line goes on: a wrapped piece is not a line of the file
            cont = Content.styled("↪", "$text-muted") if k else Content("")
            parts.append(gutter + cont + piece if gutter.plain else piece)
    return Content.assemble(*parts)


class DiffView(Static):
    DEFAULT_CSS = """
    DiffView {
        width: 1fr;
        height: auto;
        padding: 0 1;
        background: $surface;
    }
    """

    def __init__(self, diff: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.diff = diff

    def on_mount(self) -> None:
        self._show(self.content_region.width or self.app.size.width)

    def on_resize(self, event: Resize) -> None:
        self._show(self.content_region.width)

    def _show(self, width: int) -> None:
        self.update(highlighted_diff(self.diff, width) if self.diff else "")
