"""The one mutable state of a full-screen run: facts as they arrive, the request, the answers.

Screens read it and call its methods; every decision is made by the core (wizard.session,
wizard.questions). Nothing here writes a file: `apply` is called only by the Lock screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import WizardError
from wizard.questions import Question, answer, questions
from wizard.session import (
    Facts,
    Prepared,
    Request,
    initial_choices,
    prepare,
    recommendations,
    resolve_auto,
)

if TYPE_CHECKING:
    from wizard.catalog.model import Catalog
    from wizard.hardware.profile import HardwareProfile
    from wizard.plan import Choices, Plan
    from wizard.project import ExistingSetup, ProjectFile
    from wizard.recommend import Recommendation
    from wizard.session import Applied


@dataclass
class Settings:
    """How this run was started (the command-line options that are not choices)."""

    folder: Path
    hardware: tuple[str, ...] = ()
    offline: bool = False
    index_base: str | None = None
    no_lock: bool = False
    migrate_from: tuple[str, ...] = ()


@dataclass
class WizardState:
    folder: Path
    project: ProjectFile
    existing: ExistingSetup | None
    request: Request  # the command line's request (before any migration)
    settings: Settings
    requirement_files: tuple[Path, ...] = ()
    migrate_from: Path | None = None  # the requirements file the person chose to migrate
    migrate_error: str | None = None
    migrated: Request | None = None  # `request` as the migration changed it
    profiles: tuple[HardwareProfile, ...] | None = None
    detect_notes: tuple[str, ...] = ()
    hardware_error: str | None = None
    catalog: Catalog | None = None
    catalog_error: str | None = None
    facts: Facts | None = None
    choices: Choices | None = None
    setup_error: str | None = None  # the answers could not be started from the facts
    applied: Applied | None = None
    lock_error: str | None = None
    lock_running: bool = False

    @property
    def folder_shown(self) -> str:
        """The folder as the person gave it (-C DIR), or its full path for the current one."""
        given = str(self.folder)
        return given if given != "." and not self.folder.is_absolute() else str(
            self.folder.resolve())

    @property
    def project_name(self) -> str:
        data = self.project.data.get("project")
        name = data.get("name") if isinstance(data, dict) else None
        return name if isinstance(name, str) else self.folder.resolve().name

    # --- facts ---------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self.facts is not None and self.choices is not None

    @property
    def failed(self) -> str | None:
        """Why the questions cannot be asked at all (detection or catalog failed)."""
        return self.hardware_error or self.catalog_error or self.setup_error

    @property
    def effective_request(self) -> Request:
        return self.migrated or self.request

    def catalog_index_base(self) -> str:
        from wizard.plan import DEFAULT_INDEX_BASE

        request = self.effective_request
        existing = self.existing.index_base if self.existing else None
        return request.index_base or existing or DEFAULT_INDEX_BASE

    def set_profiles(self, profiles: Sequence[HardwareProfile], notes: Sequence[str] = ()) -> None:
        self.profiles = tuple(profiles)
        self.detect_notes = tuple(notes)
        self._assemble()

    def set_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._assemble()

    def _assemble(self) -> None:
        if self.profiles is None or self.catalog is None or self.facts is not None:
            return
        self.facts = Facts(self.folder, self.project, self.existing, self.profiles, self.catalog)
        if self.migrate_from is not None:
            self._migrate()
        self._start_choices()

    def _start_choices(self) -> None:
        assert self.facts is not None
        try:
            self.choices = initial_choices(self.facts, self.effective_request)
            self.setup_error = None
        except WizardError as exc:
            self.choices = None
            self.setup_error = str(exc)

    # --- the Project step: migration -------------------------------------------------------

    def choose_migration(self, path: Path | None) -> None:
        """Migrate from a requirements file (or stop migrating); restarts the answers if changed.

        The migration runs once the catalog and the hardware are known (it picks builds that
        exist and fit); until then only the choice is recorded.
        """
        if path == self.migrate_from:
            return
        self.migrate_from = path
        self.migrate_error = None
        self.migrated = None
        if self.facts is not None:
            if path is not None:
                self._migrate()
            self._start_choices()

    def _migrate(self) -> None:
        """wizard.migrate is imported only here; its absence is reported, not raised."""
        assert self.migrate_from is not None
        try:
            from wizard.migrate import migrate_request
        except ImportError:
            self.migrate_error = ("Migration is not available yet: the requirements files "
                                  "are left alone and the wizard starts from this machine.")
            return
        try:
            self.migrated = migrate_request(self.request, [self.migrate_from],
                                            catalog=self.catalog, profiles=self.profiles or ())
        except WizardError as exc:
            self.migrate_error = str(exc)

    # --- questions and answers -------------------------------------------------------------

    def recommendations(self) -> dict[str, Recommendation]:
        assert self.facts is not None and self.choices is not None
        return recommendations(self.facts, self.choices)

    def questions_for(self, step: str) -> list[Question]:
        if not self.ready:
            return []
        assert self.facts is not None and self.choices is not None
        return [q for q in questions(self.facts, self.choices, self.recommendations())
                if q.step == step]

    def answer(self, question: Question, values: Sequence[str]) -> None:
        """Record an answer; raises BadInput with the message to show."""
        assert self.facts is not None and self.choices is not None
        self.choices = answer(self.choices, question, list(values), self.facts)

    # --- review, lock and what comes next --------------------------------------------------

    def prepare(self) -> tuple[Prepared, dict[str, Recommendation]]:
        """The plan and the diff for the current answers ('auto' resolved as --yes does)."""
        assert self.facts is not None and self.choices is not None
        recs = self.recommendations()
        resolved = resolve_auto(self.facts, self.choices, recs)
        return prepare(self.facts, resolved), recs

    @property
    def written(self) -> bool:
        return self.applied is not None

    def next_commands(self, prepared: Prepared | None) -> list[tuple[str, str]]:
        """(command, what it does) for the Done step."""
        plan = prepared.plan if prepared else None
        extra = f" --extra {plan.variants[0]}" if plan and plan.variants else ""
        commands = []
        if self.settings.no_lock:
            commands.append(("uv lock", "solve the dependencies and write uv.lock"))
        commands.append((f"uv sync{extra}", "create .venv and install the locked packages"))
        snippet = _check_snippet(self, plan)
        commands.append((f'uv run python -c "{snippet}"',
                         "check that torch imports and sees the accelerator"
                         if "available" in snippet else "check that torch imports"))
        commands.append(("torch-wizard doctor",
                         "check the environment against this machine's hardware"))
        return commands


def _check_snippet(state: WizardState, plan: Plan | None) -> str:
    """A one-line import check that asks about this machine's accelerator."""
    backend = ""
    profiles = state.profiles or ()
    if plan is not None and profiles:
        from wizard.platforms import platform_for

        here = platform_for(profiles[0].os, profiles[0].arch)
        for t in plan.targets:
            if here is not None and t.platform == here.name:
                backend = t.backend
        if plan.variants:
            backend = plan.variants[0]
    if backend == "xpu":
        check = "torch.xpu.is_available()"
    elif backend.startswith(("cu", "rocm")):
        check = "torch.cuda.is_available()"
    elif profiles and profiles[0].os == "macos":
        check = "torch.backends.mps.is_available()"
    else:
        return "import torch; print(torch.__version__)"
    return f"import torch; print(torch.__version__, {check})"


def find_requirement_files(folder: Path) -> tuple[Path, ...]:
    """requirements*.txt in the project folder, requirements.txt first."""
    found = sorted(folder.glob("requirements*.txt"), key=lambda p: (p.name != "requirements.txt",
                                                                     p.name))
    return tuple(p for p in found if p.is_file())
