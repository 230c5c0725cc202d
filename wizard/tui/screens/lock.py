"""Lock: write pyproject.toml and run `uv lock` in a worker, showing uv's output live, then the
per-target lock report. A failed lock has already put the files back; Back returns to Review.

Escape (the button beside it: Stop uv lock) while uv works stops it (the files are put back,
Back is possible again); q and Ctrl+C stop it too and then quit (exit 130) with the same words
("uv lock was stopped, so pyproject.toml and uv.lock were put back as they were.").
Once the files are written there is no going back, so no Back button; Next shows only then."""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message

from wizard.errors import WizardError
from wizard.session import Applied, Prepared
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.output_log import OutputLog
from wizard.tui.widgets.wrapped_text import WrappedText


class LockScreen(StepScreen):
    STEP = "Lock"
    HEADING = "pyproject.toml, uv lock, and what each target installs"
    # What uv lock makes of the plan: one universal lock, where each target may get its own
    # versions, and the report below shows that each got the one torch release
    # ("environments", which platforms the lock covers, is the Targets step's topic).
    TOPIC = "one-release"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next"),
    ]

    class Output(Message):
        """One line of uv's output."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class Finished(Message):
        def __init__(self, applied: Applied) -> None:
            super().__init__()
            self.applied = applied

    class Failed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, prepared: Prepared) -> None:
        super().__init__()
        self.prepared = prepared
        self.cancel = threading.Event()

    def compose_body(self) -> ComposeResult:
        no_lock = self.wizard.settings.no_lock
        yield WrappedText(
            "… writing pyproject.toml"
            if no_lock
            else "… writing pyproject.toml and running `uv lock`",
            id="lock-status",
        )
        yield OutputLog(id="uv-output", max_lines=500)
        yield WrappedText("", first_line_style="bold $text-primary", id="lock-report")

    def step_mounted(self) -> None:
        self.state.lock_running = True
        self.state.lock_error = None
        self.describe_back("Stop uv lock")
        self.set_status("uv is working… Escape stops it (the files are put back)")
        self._apply()

    def _show_status(self, text: str, style: str = "") -> None:
        """The sentence above uv's output; a long one continues under its text, after the mark."""
        lines = text.count("\n") + 1
        self.query_one("#lock-status", WrappedText).set_text(text, [style] * lines)

    def stop_lock(self) -> None:
        """Ask the worker to stop uv (once); the Failed message follows."""
        if not self.state.lock_running or self.cancel.is_set():
            return
        self.cancel.set()
        self._show_status("… stopping uv lock and putting the files back")
        self.set_status("Stopping…")
        self.refresh_bindings()  # Stop uv lock is done: dimmed

    @work(thread=True, exclusive=True, exit_on_error=False, group="lock")
    def _apply(self) -> None:
        from wizard.session import apply

        state = self.state
        assert state.facts is not None
        try:
            applied = apply(
                state.facts,
                self.prepared,
                lock=not self.wizard.settings.no_lock,
                on_line=lambda line: self.post_message(self.Output(line)),
                cancel=self.cancel,
            )
        except WizardError as exc:
            self.post_message(self.Failed(exc.message))
        except Exception as exc:  # noqa: BLE001 - shown on screen; the transaction restored
            self.post_message(
                self.Failed(
                    f"The lock step failed unexpectedly ({exc!r}); "
                    "pyproject.toml and uv.lock were put back."
                )
            )
        else:
            self.post_message(self.Finished(applied))

    @on(Output)
    def _output(self, message: Output) -> None:
        self.query_one(OutputLog).write(message.line)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        from wizard.report import lock_report_text

        state = self.state
        state.lock_running = False
        state.applied = message.applied
        applied = message.applied
        if applied.written and applied.locked:
            words = ["Wrote pyproject.toml and uv.lock."]
        elif applied.written:
            words = ["Wrote pyproject.toml."]
            if self.wizard.settings.no_lock:
                words.append("uv lock was not run (--no-lock): run `uv lock` when ready.")
        elif applied.locked:
            words = ["pyproject.toml already had this configuration; uv.lock is updated."]
        else:
            words = [
                "pyproject.toml and uv.lock already have this configuration: nothing was changed."
            ]
        self._show_status("✓ " + " ".join(words), "bold $text-success")
        self.query_one(OutputLog).display = False  # done: the report says what matters
        if applied.report is not None:
            report = applied.report
            self.query_one("#lock-report", WrappedText).set_text_for(
                lambda width: "What each target installs\n" + lock_report_text(report, width)
            )
        self.describe_back("Back")  # not offered: the files are written (see offers)
        self.set_status("Done: Enter for the next commands")
        if state.quit_after_stop:  # uv finished before it could be stopped
            self.wizard.finish()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        state = self.state
        state.lock_running = False
        self.describe_back("Back")
        if self.cancel.is_set():
            if state.quit_after_stop:
                self.wizard.quit_stopped(message.message)
                return
        else:
            state.lock_error = message.message
        self._show_status("✗ " + message.message, "$text-error")
        self.set_status("Escape: back to change the answers · q: quit")
        self.refresh_bindings()

    def offers(self, action: str) -> bool | None:
        state = self.state
        if action == "next":
            return state.written  # not while uv works, not after it failed
        if action == "back":
            if state.lock_running:  # Escape stops uv; once asked, it is stopping
                return None if self.cancel.is_set() else True
            return not state.written  # written: nothing to go back to
        return super().offers(action)

    def escape_closes_explanation(self) -> bool:
        return not self.state.lock_running  # while uv works, Escape stops it

    def action_next(self) -> None:
        if self.state.written:
            super().action_next()

    def back(self) -> None:
        if self.state.lock_running:
            self.stop_lock()
        elif not self.state.written:
            self.wizard.go_back()
