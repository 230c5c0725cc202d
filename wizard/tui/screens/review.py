"""Review: the plan in words and the exact change to pyproject.toml. Enter confirms writing."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from wizard.errors import WizardError
from wizard.session import Prepared
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.diff_view import DiffView
from wizard.tui.widgets.wrapped_text import WrappedText
from wizard.ways_out import for_screen


class ReviewScreen(StepScreen):
    STEP = "Review"
    HEADING = "Check the change: nothing is written before you confirm"
    NEXT_LABEL = "Write & lock"
    TOPIC = "explicit-index"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Write & lock"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.prepared: Prepared | None = None
        self.error: str | None = None
        self.error_topic: str | None = None  # the explanation beside a plan that cannot be made

    def compose_body(self) -> ComposeResult:
        from wizard.report import plan_text

        try:
            self.prepared, recs = self.state.prepare()
        except WizardError as exc:
            error = for_screen(exc)  # the steps to go back to, not the command line's flags
            self.error, self.error_topic = error.text, error.topic
            yield Static(Content.styled(self.error, "bold $text-error"), id="review-error")
            yield Static("Go back (Escape) and change the answers.", markup=False)
            return
        prepared = self.prepared
        yield WrappedText(
            plan_text(prepared.plan, recs, in_wizard=True),
            first_line_style="bold $text-primary",
            id="plan",
        )
        if prepared.plan.credential_env:
            yield Static(
                "Set " + " and ".join(prepared.plan.credential_env) + " for the index "
                "credentials; they are not written to any file.",
                classes="warning",
                markup=False,
            )
        yield Static(
            Content.styled(self._change_heading(), "bold $text-primary"), id="change-heading"
        )
        if prepared.changed:
            yield DiffView(prepared.diff, id="diff")
        yield Static(self._promise(), id="promise", markup=False)

    def _promise(self) -> str:
        """What Enter will do, in words."""
        prepared = self.prepared
        assert prepared is not None
        no_lock = self.wizard.settings.no_lock
        has_lock = (self.state.folder / "uv.lock").exists()
        if not prepared.changed and (no_lock or has_lock):
            return (
                "Nothing will be written. Enter shows what uv.lock installs on each target."
                if has_lock
                else "Nothing will be written."
            )
        if not prepared.changed:
            return "Enter runs `uv lock` to write uv.lock; pyproject.toml stays as it is."
        if no_lock:
            return "Nothing has been written yet. Enter writes pyproject.toml (--no-lock)."
        return (
            "Nothing has been written yet. Enter writes pyproject.toml and runs `uv lock`; "
            "if uv fails, both files are put back as they were."
        )

    def _change_heading(self) -> str:
        prepared = self.prepared
        assert prepared is not None
        path = self.state.folder / "pyproject.toml"
        if not prepared.changed:
            return "pyproject.toml already has this configuration: nothing to change"
        verb = "created" if not self.state.project.exists else "changed"
        return f"The change to {path.name} ({verb})"

    def step_mounted(self) -> None:
        self.query_one("#body").focus()
        if self.error or self.prepared is None:
            # nothing to write: no Enter, no Write & lock button (see offers); the explanation
            # is about what went wrong, not about the indexes a plan would write
            self.show_explanation(self.error_topic)
            return
        no_lock = self.wizard.settings.no_lock
        has_lock = (self.state.folder / "uv.lock").exists()
        if not self.prepared.changed and (no_lock or has_lock):
            self.describe_next("Show the lock" if has_lock else "Finish")
        elif not self.prepared.changed:
            self.describe_next("Lock")
        elif no_lock:
            self.describe_next("Write")

    def offers(self, action: str) -> bool | None:
        if action == "next" and (self.error or self.prepared is None):
            return False  # nothing to write: neither the footer nor a button offers it
        return super().offers(action)

    def action_next(self) -> None:
        if self.error or self.prepared is None:
            self.notify(self.error or "", title="Cannot write this", severity="error")
            return
        self.wizard.start_lock(self.prepared)
