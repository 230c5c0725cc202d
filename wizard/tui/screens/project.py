"""Project: which folder, new or existing, and whether to migrate from requirements files.

With nothing to decide (no requirements files, no hand-written torch setup to warn about) the
wizard opens on Hardware with this step behind it, so Back still shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from wizard.questions import Question
from wizard.requirements_found import KEEP, conda_note, find_conda_files
from wizard.requirements_found import migration_question as shared_migration_question
from wizard.tui.messages import StateChanged
from wizard.tui.screens.base import StepScreen
from wizard.tui.state import (  # noqa: F401 - has_decision: part of this step's story
    WizardState,
    has_decision,
    recommended_migration,
)
from wizard.tui.widgets.choice_list import ChoiceList
from wizard.tui.widgets.question_view import QuestionView
from wizard.tui.widgets.wrapped_text import WrappedText

if TYPE_CHECKING:
    from wizard.migrate import Migration

# How the outcome of a line is coloured, by its status (wizard.migrate.STATUS_WORDS).
_STATUS_STYLES = {
    "torch": "$text-primary",
    "kept": "$text-success",
    "rewritten": "$text-accent",
    "included": "$foreground-muted",
    "dropped": "$foreground-muted",
    "note": "$text-warning",
    "manual": "bold $text-warning",
    "unknown": "bold $text-error",
}


def migration_question(state: WizardState) -> Question | None:
    """Offer "Migrate from <file>" for each requirements file found; None when there are none
    (the question `--plain` asks too: wizard.requirements_found.migration_question)."""
    return shared_migration_question(
        state.folder,
        state.requirement_files,
        recommended_migration(state),
        state.migrate_from,
        state.existing,
    )


def migration_lines(migration: Migration) -> tuple[str, list[str]]:
    """Each line as written (by its number) and what it became; then the targets, warnings."""
    from wizard.migrate import STATUS_WORDS

    files = list(dict.fromkeys(o.line.shown for o in migration.outcomes))
    heading = (
        "What each line becomes" if len(files) != 1 else f"What each line of {files[0]} becomes"
    )
    lines, styles = [heading], ["bold $text-primary"]
    width = max((len(str(o.line.number)) for o in migration.outcomes), default=1)
    shown = None
    for o in migration.outcomes:
        if len(files) > 1 and o.line.shown != shown:
            shown = o.line.shown
            lines.append(shown)
            styles.append("bold")
        lines.append(f"  {o.line.number:>{width}}  {o.line.short}")
        styles.append("")
        lines.append(f"  {'':>{width}}  → {STATUS_WORDS.get(o.status, o.status)}: {o.became}")
        styles.append(_STATUS_STYLES.get(o.status, ""))
    for t in migration.targets:
        if t.why + "." not in migration.warnings:
            lines.append(f"• {t.why}")
            styles.append("")
    for warning in migration.warnings:
        lines.append(f"! {warning}")
        styles.append("$text-warning")
    lines.append("The file stays where it is; the last step says what can be deleted.")
    styles.append("$foreground-muted")
    return "\n".join(lines), styles


class ProjectScreen(StepScreen):
    STEP = "Project"
    HEADING = "Which project?"
    TOPIC = "indexes"

    def compose_body(self) -> ComposeResult:
        yield WrappedText(self._summary(), id="project-summary")
        state = self.state
        if state.existing and state.existing.conflicts_found:
            found = "\n".join(f"  • {c}" for c in state.existing.conflicts_found)
            yield Static(
                "pyproject.toml has a hand-written torch setup that the wizard will "
                f"replace:\n{found}\nThe Review step shows the exact change before "
                "anything is written.",
                id="project-conflicts",
                classes="warning",
                markup=False,
            )
        q = migration_question(state)
        if q is not None:
            yield QuestionView(q, q.default)
        yield Static("", id="migrate-note", classes="warning", markup=False)
        yield WrappedText(id="migration-lines")

    def step_mounted(self) -> None:
        self._show_migration()
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
            lines.append(
                f"Project  {state.project_name}: pyproject.toml is edited in place; "
                "comments and other tables stay as they are"
            )
            existing = state.existing
            own = existing.own_index if existing else None
            if existing and existing.targets:
                builds = ", ".join(f"{t.platform} {t.backend}" for t in existing.targets)
                lines.append(
                    ("Torch    set up by an earlier run (" if own is None else "Torch    set up (")
                    + builds
                    + (f", torch {existing.torch_spec}" if existing.torch_spec else "")
                    + "): those answers are filled in"
                    + (
                        f"; torch comes from your index '{own[0]}' ({own[1]}), which the plan's "
                        "indexes replace"
                        if own
                        else ""
                    )
                )
            elif own:
                lines.append(
                    f"Torch    from your index '{own[0]}' ({own[1]}); the plan's indexes replace it"
                )
            elif not (existing and existing.conflicts_found):
                lines.append("Torch    no PyTorch index set up yet")
        if project.workspace_root is not None:
            lines.append(f"Workspace  member of the uv workspace at {project.workspace_root}")
        lock = state.folder / "uv.lock"
        lines.append(
            "Lock     uv.lock exists; it will be updated"
            if lock.exists()
            else "Lock     uv.lock will be written by `uv lock`"
        )
        if state.requirement_files:
            names = ", ".join(p.name for p in state.requirement_files)
            lines.append(f"Found    {names}")
        conda = find_conda_files(state.folder)
        if conda and not state.requirement_files:  # else the question's help says it
            lines.append(f"Found    {conda_note([p.name for p in conda])}")
        return "\n".join(lines)

    @on(ChoiceList.Changed)
    def _migration_changed(self, event: ChoiceList.Changed) -> None:
        value = event.values[0] if event.values else KEEP
        if self.state.choose_migration(Path(value) if value else None):
            self.wizard.reload_catalog()  # the file names another channel or mirror
        self.wizard.broadcast()

    def on_state_changed(self, message: StateChanged) -> None:
        self._show_migration()  # the migration runs once the catalog has arrived

    def _show_migration(self) -> None:
        state = self.state
        note = self.query_one("#migrate-note", Static)
        error = state.migrate_error
        note.update(error or "")
        note.display = bool(error)
        table = self.query_one("#migration-lines", WrappedText)
        if state.migration is not None:
            table.set_text(*migration_lines(state.migration))
        elif state.migration_files is not None and not error and not state.failed:
            table.set_text(
                "… reading what PyTorch publishes, then what each line becomes",
                ["$foreground-muted"],
            )
        else:
            table.set_text("")
