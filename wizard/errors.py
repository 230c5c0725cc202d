"""Errors the person can act on: one sentence, the way out, and an exit code."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from packaging.version import Version


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


def parse_version(text: str | None) -> Version | None:
    """A PEP 440 version, or None for absent or unparsable text (drivers, labels)."""
    if not text:
        return None
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text)
    except InvalidVersion:
        return None


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports bad input as one sentence with exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise BadInput(f"{message[0].upper()}{message[1:]}.", f"See `{self.prog} --help`.")
