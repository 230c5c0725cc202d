"""Project: which folder, new or existing, and whether to migrate from requirements files.

With nothing to decide (no requirements files, no hand-written torch setup to warn about) the
wizard opens on Hardware with this step behind it, so Back still shows it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from wizard.questions import Option, Question
from wizard.tui.messages import StateChanged
from wizard.tui.screens.base import StepScreen
from wizard.tui.state import WizardState
from wizard.tui.widgets.choice_list import ChoiceList
from wizard.tui.widgets.question_view import QuestionView
from wizard.tui.widgets.wrapped_text import WrappedText

KEEP = ""  # the answer "leave the requirements files alone"


def migration_question(state: WizardState) -> Question | None:
    """Offer "Migrate from <file>" for each requirements file found; None when there are none."""
    if not state.requirement_files:
        return None
    recommend = recommended_migration(state)
    available = migration_available()
    options = [
        Option(str(p), f"Migrate from {_shown(state, p)}",
               "take its torch pin, builds and index URLs as the starting answers"
               if available else "migration is not available in this version yet",
               fits=available, recommended=p == recommend)
        for p in state.requirement_files
    ]
    options.append(Option(KEEP, "Leave the requirements files alone",
                          "start from this machine" if not state.existing or
                          not state.existing.targets else "start from pyproject.toml's setup",
                          recommended=recommend is None))
    current = str(state.migrate_from) if state.migrate_from else KEEP
    return Question("migrate", "Project", "Migrate from pip?", "select", tuple(options),
                    (current,), "explicit-index",
                    "pip's --extra-index-url pools indexes; the wizard writes each PyTorch index "
                    "as explicit, used only for the torch packages.")


def _shown(state: WizardState, path: Path) -> str:
    return path.name if path.parent.resolve() == state.folder.resolve() else str(path)


def migration_available() -> bool:
    try:
        return importlib.util.find_spec("wizard.migrate") is not None
    except (ImportError, ValueError):  # a module put in sys.modules by hand has no spec
        return "wizard.migrate" in sys.modules


def recommended_migration(state: WizardState) -> Path | None:
    """The file to migrate from by default: the one given with --from, else the first found,
    unless pyproject.toml already has a torch setup (then the project is the source of truth)
    or this version cannot migrate yet."""
    if not migration_available():
        return None
    for name in state.settings.migrate_from:
        for p in state.requirement_files:
            if p.resolve() == Path(name).resolve():
                return p
    if state.existing and state.existing.targets:
        return None
    return state.requirement_files[0] if state.requirement_files else None


def has_decision(state: WizardState) -> bool:
    """Whether the Project step asks or warns about anything (else the wizard starts past it)."""
    return bool(state.requirement_files) or bool(
        state.existing and state.existing.conflicts_found)


class ProjectScreen(StepScreen):
    STEP = "Project"
    HEADING = "Which project?"
    TOPIC = "indexes"

    def compose_body(self) -> ComposeResult:
        yield WrappedText(self._summary(), id="project-summary")
        state = self.state
        if state.existing and state.existing.conflicts_found:
            found = "\n".join(f"  • {c}" for c in state.existing.conflicts_found)
            yield Static("pyproject.toml has a hand-written torch setup that the wizard will "
                         f"replace:\n{found}\nThe Review step shows the exact change before "
                         "anything is written.", id="project-conflicts", classes="warning",
                         markup=False)
        q = migration_question(state)
        if q is not None:
            yield QuestionView(q, q.default)
        yield Static("", id="migrate-note", classes="warning", markup=False)

    def step_mounted(self) -> None:
        self._show_migration_note()
        views = list(self.query(QuestionView))
        if views:
            views[0].choice_list.focus()
            self.show_explanation(views[0].question.topic)

    def _summary(self) -> str:
        state = self.state
        lines = [f"Folder   {state.folder_shown}"]
        project = state.project
        if not project.exists:
            lines.append(f"Project  {state.project_name}, new: pyproject.toml will be created")
        else:
            lines.append(f"Project  {state.project_name}: pyproject.toml is edited in place; "
                         "comments and other tables stay as they are")
            existing = state.existing
            if existing and existing.targets:
                builds = ", ".join(f"{t.platform} {t.backend}" for t in existing.targets)
                lines.append(f"Torch    set up by an earlier run ({builds}"
                             + (f", torch {existing.torch_spec}" if existing.torch_spec else "")
                             + "): those answers are filled in")
            elif not (existing and existing.conflicts_found):
                lines.append("Torch    no PyTorch index set up yet")
        if project.workspace_root is not None:
            lines.append(f"Workspace  member of the uv workspace at {project.workspace_root}")
        lock = state.folder / "uv.lock"
        lines.append("Lock     uv.lock exists; it will be updated" if lock.exists()
                     else "Lock     uv.lock will be written by `uv lock`")
        if state.requirement_files:
            names = ", ".join(p.name for p in state.requirement_files)
            lines.append(f"Found    {names}")
        return "\n".join(lines)

    @on(ChoiceList.Changed)
    def _migration_changed(self, event: ChoiceList.Changed) -> None:
        value = event.values[0] if event.values else KEEP
        self.state.choose_migration(Path(value) if value else None)
        self._show_migration_note()

    def on_state_changed(self, message: StateChanged) -> None:
        self._show_migration_note()  # the migration runs once the catalog has arrived

    def _show_migration_note(self) -> None:
        note = self.query_one("#migrate-note", Static)
        error = self.state.migrate_error
        note.update(error or "")
        note.display = bool(error)
