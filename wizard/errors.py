"""Errors the person can act on: one sentence, the way out, and an exit code."""

from __future__ import annotations


class WizardError(Exception):
    """A failure explained in plain words; the CLI prints it without a traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class BadInput(WizardError):
    """Input the wizard cannot use (a flag value, a file): exit 2, nothing written."""

    exit_code = 2


class WorkFailed(WizardError):
    """The work itself failed (a lock that was rolled back): exit 1."""

    exit_code = 1
