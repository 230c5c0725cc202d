"""The step crumb: every step of the wizard, the current one highlighted."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from wizard.steps import STEPS


class Crumb(Static):
    """`Project › Hardware › [Targets] › …`: done steps ticked by colour, the current one reversed.

    The current step is shown in reverse video, so it stays visible without colour (NO_COLOR).
    """

    DEFAULT_CSS = """
    Crumb {
        width: 1fr;
        height: 1;
        padding: 0 0 0 1;
        background: $panel;
        color: $foreground-muted;
    }
    """

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(self.crumb_content(current), id=id)
        self.current = current

    @staticmethod
    def crumb_content(current: str) -> Content:
        here = STEPS.index(current)
        parts: list[Content | str] = []
        for i, step in enumerate(STEPS):
            if i:
                parts.append(Content.styled(" › ", "$foreground-muted"))
            if i == here:
                parts.append(Content.styled(step, "bold reverse $accent"))
            elif i < here:
                parts.append(Content.styled(step, "$text-success"))
            else:
                parts.append(Content.styled(step, "$foreground-muted"))
        return Content.assemble(*parts)
