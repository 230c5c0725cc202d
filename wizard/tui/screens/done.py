"""Done: the commands to run next. Enter (or q) leaves; they are printed again on exit."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.wrapped_text import WrappedText


class DoneScreen(StepScreen):
    STEP = "Done"
    HEADING = "Done: what to run next"
    NEXT_LABEL = "Quit"
    TOPIC = "indexes"
    EXPLAIN_BY_DEFAULT = False  # the commands need the width to stay on one line each

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Quit"),
    ]

    def compose_body(self) -> ComposeResult:
        state = self.state
        written = "pyproject.toml" + ("" if self.wizard.settings.no_lock else " and uv.lock")
        yield Static(
            Content.styled(f"✓ {written} in {state.folder_shown} are ready.", "bold $text-success"),
            id="done-summary",
        )
        lines, styles = ["Next"], ["bold $text-primary"]
        for step in state.next_commands(self.wizard.prepared):
            where = f"on {', '.join(step.machines)}: " if step.machines else ""
            lines += [f"  {step.command}", f"      {where}{step.what}"]
            styles += ["bold $text-accent", "$foreground-muted"]
        yield WrappedText("\n".join(lines), line_styles=styles, id="next-commands")
        plan = self.wizard.prepared.plan if self.wizard.prepared else None
        if plan and plan.credential_env:
            yield Static(
                "Set " + " and ".join(plan.credential_env) + " before `uv sync`.",
                classes="warning",
                markup=False,
            )
        if state.migration is not None:
            from wizard.migrate import deletion_text

            yield WrappedText(deletion_text(state.migration), id="deletion")
        yield Static("These commands are printed again when the wizard closes.", markup=False)

    def step_mounted(self) -> None:
        self.query_one("#body").focus()

    def action_next(self) -> None:
        self.wizard.finish()
