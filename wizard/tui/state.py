"""The one mutable state of a full-screen run: facts as they arrive, the request, the answers.

Screens read it and call its methods; every decision is made by the core (wizard.session,
wizard.questions). Nothing here writes a file: `apply` is called only by the Lock screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from wizard.errors import WizardError
from wizard.requirements_found import (  # noqa: F401 - the Project step's helpers, shared
    NOT_AVAILABLE,
    find_requirement_files,
    migration_available,
    recommended_file,
)
from wizard.session import (
    Facts,
    Prepared,
    Request,
    initial_choices,
    prepare,
    recommendations,
    recommended_here,
    resolve_auto,
)

if TYPE_CHECKING:
    from wizard.catalog.model import Catalog
    from wizard.hardware.profile import HardwareProfile
    from wizard.migrate import Migration, RequirementsFile
    from wizard.plan import Choices, Plan
    from wizard.project import ExistingSetup, ProjectFile
    from wizard.questions import Question
    from wizard.recommend import Recommendation
    from wizard.session import Applied


class NextCommand(NamedTuple):
    """A command for the Done step: what it does, and the machines it is for (a fleet)."""

    command: str
    what: str
    machines: tuple[str, ...] = ()


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
    """Every answer and fact of a full-screen wizard run (the screens read and change it)."""

    folder: Path
    project: ProjectFile
    existing: ExistingSetup | None
    request: Request  # the command line's request (before any migration)
    settings: Settings
    requirement_files: tuple[Path, ...] = ()
    migrate_from: Path | None = None  # the requirements file the person chose to migrate
    migrate_error: str | None = None
    migrated: Request | None = None  # `request` as the migration changed it
    migration_files: tuple[RequirementsFile, ...] | None = None  # the chosen file, read
    indexed: Request | None = None  # `request` with the channel and mirror the files name
    migration: Migration | None = None  # what each line became
    recommended: tuple[Path | None] | None = None  # the file recommended, once worked out
    catalog_wanted: tuple[str, str] | None = None  # (index base, channel) of `catalog`
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
    # Set while uv locks, when the person asked to quit (q or Ctrl+C): quit once the files
    # are back (exit 130), or with the summary if uv finished first.
    quit_after_stop: bool = False

    @property
    def folder_shown(self) -> str:
        """The folder as the person gave it (-C DIR), or its full path for the current one."""
        given = str(self.folder)
        return (
            given if given != "." and not self.folder.is_absolute() else str(self.folder.resolve())
        )

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
        return self.migrated or self.indexed or self.request

    def catalog_index_base(self) -> str:
        from wizard.plan import DEFAULT_INDEX_BASE

        request = self.effective_request
        existing = self.existing.index_base if self.existing else None
        return request.index_base or existing or DEFAULT_INDEX_BASE

    def catalog_key(self) -> tuple[str, str]:
        """Which catalog the answers need: (index base, channel), as the files may name them."""
        from wizard.session import channel_of

        return self.catalog_index_base(), channel_of(self.effective_request, self.existing)

    def set_profiles(self, profiles: Sequence[HardwareProfile], notes: Sequence[str] = ()) -> None:
        self.profiles = tuple(profiles)
        self.detect_notes = tuple(notes)
        self._assemble()

    def set_catalog(self, catalog: Catalog, wanted: tuple[str, str] | None = None) -> None:
        self.catalog = catalog
        self.catalog_wanted = wanted
        self.catalog_error = None
        self._assemble()

    def _assemble(self) -> None:
        if self.profiles is None or self.catalog is None or self.facts is not None:
            return
        self.facts = Facts(self.folder, self.project, self.existing, self.profiles, self.catalog)
        if self.migration_files is not None:
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

    def choose_migration(self, path: Path | None) -> bool:
        """Migrate from a requirements file (or stop migrating); restarts the answers if changed.

        The file is read now (a bad one is said on the Project step); the migration itself runs
        once the catalog and the hardware are known (it picks builds that exist and fit).
        Returns True when the file names another channel or mirror: the catalog must be read
        again (the caller starts that; until it arrives the answers wait).
        """
        if path == self.migrate_from:
            return False
        self.migrate_from = path
        self.migrate_error = None
        self.migrated = self.indexed = self.migration = self.migration_files = None
        if path is not None:
            self._read_migration()
        if self.facts is None:
            return False
        if self.catalog_wanted is not None and self.catalog_wanted != self.catalog_key():
            self.catalog = self.facts = self.choices = None
            return True
        if self.migration_files is not None:
            self._migrate()
        self._start_choices()
        return False

    def _read_migration(self) -> None:
        """wizard.migrate is imported only here; its absence is reported, not raised."""
        assert self.migrate_from is not None
        try:
            from wizard.migrate import index_settings, read_requirements
        except ImportError:
            self.migrate_error = NOT_AVAILABLE
            return
        try:
            files = read_requirements([self.migrate_from])
            self.indexed = index_settings(self.request, files)
        except WizardError as exc:
            self.migrate_error = str(exc)
            return
        self.migration_files = files

    def _migrate(self) -> None:
        assert self.migration_files is not None and self.catalog is not None
        from wizard.migrate import plan_migration

        try:
            self.migration = plan_migration(
                self.migration_files,
                self.catalog,
                self.profiles or (),
                self.indexed or self.request,
                self.project.data,
            )
        except WizardError as exc:
            self.migrate_error = str(exc)
            return
        self.migrated = self.migration.request

    # --- questions and answers -------------------------------------------------------------

    def recommendations(self) -> dict[str, Recommendation]:
        assert self.facts is not None and self.choices is not None
        return recommendations(self.facts, self.choices)

    def questions_for(self, step: str) -> list[Question]:
        from wizard.questions import questions  # the first step shown asks nothing

        if not self.ready:
            return []
        assert self.facts is not None and self.choices is not None
        return [
            q for q in questions(self.facts, self.choices, self.recommendations()) if q.step == step
        ]

    def answer(self, question: Question, values: Sequence[str]) -> None:
        """Record an answer; raises BadInput with the message to show."""
        from wizard.questions import answer

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

    def recommended_here(self) -> str | None:
        """The build recommended for this machine, once the facts are in."""
        if self.facts is None or self.choices is None:
            return None
        return recommended_here(self.facts, self.recommendations(), self.choices.variants)

    def next_commands(self, prepared: Prepared | None) -> list[NextCommand]:
        """The commands to run next, for the Done step and the farewell."""
        from wizard.report import cd_command, fleet_syncs, sync_extra
        from wizard.session import machine_extras

        plan = prepared.plan if prepared else None
        here = self.recommended_here()
        extra = sync_extra(plan, here) if plan else ""
        commands: list[NextCommand] = []
        cd = cd_command(self.folder)
        if cd:
            commands.append(NextCommand(cd, "the commands below run in the project"))
        if self.settings.no_lock:
            commands.append(NextCommand("uv lock", "solve the dependencies and write uv.lock"))
        what = "create .venv and install the locked packages"
        syncs = []
        if prepared is not None and self.facts is not None:
            syncs = fleet_syncs(
                prepared.plan, machine_extras(self.facts, prepared.choices, prepared.plan)
            )
        if syncs:
            commands += [NextCommand(command, what, tuple(names)) for command, names in syncs]
        else:
            commands.append(NextCommand(f"uv sync{extra}", what))
        snippet = _check_snippet(self, plan)
        commands.append(
            NextCommand(
                f'uv run python -c "{snippet}"',
                "check that torch imports and sees the accelerator"
                if "available" in snippet
                else "check that torch imports",
            )
        )
        commands.append(self._doctor_command())
        return commands

    def _doctor_command(self) -> NextCommand:
        """`torch-wizard doctor` against the hardware the plan was made for: each machine of a
        fleet on itself, the one --hardware profile (which may be another machine), or this
        machine."""
        profiles = self.profiles or ()
        if len(profiles) > 1:  # several --hardware files, or one that lists several machines
            return NextCommand(
                "torch-wizard doctor",
                "check that machine's environment against its hardware",
                tuple(
                    Path(p.source).name if p.source else f"machine {i + 1}"
                    for i, p in enumerate(profiles)
                ),
            )
        if self.settings.hardware:
            from wizard.report import doctor_command

            return NextCommand(
                doctor_command(self.folder, self.settings.hardware, len(profiles)),
                "check the environment against the machine in that profile",
            )
        return NextCommand(
            "torch-wizard doctor", "check the environment against this machine's hardware"
        )


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
            from wizard.report import chosen_extra

            backend = chosen_extra(plan, state.recommended_here()) or backend
    if backend == "xpu":
        check = "torch.xpu.is_available()"
    elif backend.startswith(("cu", "rocm")):
        check = "torch.cuda.is_available()"
    elif profiles and profiles[0].os == "macos":
        check = "torch.backends.mps.is_available()"
    else:
        return "import torch; print(torch.__version__)"
    return f"import torch; print(torch.__version__, {check})"


# --- whether the Project step has anything to ask (the app decides its first screen by it) ---


def recommended_migration(state: WizardState) -> Path | None:
    """The file to migrate from by default (wizard.requirements_found.recommended_file: the
    --from file, else the found file that includes the others), worked out once per run."""
    if state.recommended is None:
        state.recommended = (
            recommended_file(state.requirement_files, state.settings.migrate_from, state.existing),
        )
    return state.recommended[0]


def has_decision(state: WizardState) -> bool:
    """Whether the Project step asks or warns about anything (else the wizard starts past it)."""
    from wizard.requirements_found import find_conda_files

    return (
        bool(state.requirement_files)
        or bool(state.existing and state.existing.conflicts_found)
        or bool(find_conda_files(state.folder))
    )
