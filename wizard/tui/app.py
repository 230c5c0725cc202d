"""The full-screen wizard: `make_app` (shared by the CLI, the tests and the screenshot script)
and `run_tui`, which the CLI calls on a terminal.

The first screen shows at once; hardware detection and the index reads run in workers and
post messages. Nothing is written before the Review step's Enter: quitting or Ctrl+C before
then prints "No changes were made." (exit 0 for q, a decision like --plain's "no"; 130 for
Ctrl+C). q or Ctrl+C while `uv lock` runs interrupts the write: uv is stopped, both files are
put back, and the exit code is 130 (README: "130 interrupted (nothing was changed)").
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType

from wizard.errors import WizardError
from wizard.requirements_found import migration_available, offered_files
from wizard.session import (
    Prepared,
    Request,
    check_python_flag,
    check_request,
    dependents_requirements,
    load_catalog,
    load_profiles,
    load_project,
    request_from_options,
)
from wizard.steps import STEPS
from wizard.tui.messages import (
    CatalogFailed,
    CatalogLoaded,
    HardwareDetected,
    HardwareFailed,
    StateChanged,
)
from wizard.tui.screens.base import WIDE, StepScreen
from wizard.tui.state import (
    Settings,
    WizardState,
    has_decision,
    recommended_migration,
)

if TYPE_CHECKING:
    from wizard.catalog.model import Catalog
    from wizard.hardware.profile import HardwareProfile

NO_CHANGES = "No changes were made."

Detector = Callable[[], tuple[Sequence["HardwareProfile"], Sequence[str]]]
CatalogLoader = Callable[[], "Catalog"]

# Each step's screen, imported when it is first shown (the first frame needs only one of them).
# Lock is pushed with its own setup (start_lock).
_SCREENS = {
    "Project": ("wizard.tui.screens.project", "ProjectScreen"),
    "Hardware": ("wizard.tui.screens.hardware", "HardwareScreen"),
    "Targets": ("wizard.tui.screens.targets", "TargetsScreen"),
    "Accelerators": ("wizard.tui.screens.accelerators", "AcceleratorsScreen"),
    "Packages": ("wizard.tui.screens.packages", "PackagesScreen"),
    "Review": ("wizard.tui.screens.review", "ReviewScreen"),
    "Done": ("wizard.tui.screens.done", "DoneScreen"),
}


def step_screen(step: str) -> StepScreen:
    """A new screen for `step`, its module imported on first use."""
    from importlib import import_module

    module, name = _SCREENS[step]
    screen: StepScreen = getattr(import_module(module), name)()
    return screen


class WizardApp(App[None]):
    """Gathers the answers step by step; `state` holds them, the core decides."""

    CSS_PATH = "wizard.tcss"
    TITLE = "torch-wizard"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "interrupt", "Quit", show=False, priority=True),
        Binding("ctrl+t", "toggle_theme", "Light/dark"),
    ]

    def __init__(
        self,
        state: WizardState,
        *,
        detector: Detector | None = None,
        catalog_loader: CatalogLoader | None = None,
    ) -> None:
        super().__init__()
        self.state = state
        self.settings = state.settings
        self._detector = detector
        self._catalog_loader = catalog_loader
        self.explain_pref: bool | None = None  # None: shown when the terminal is wide
        self.prepared: Prepared | None = None
        self.farewell: list[str] = []  # printed after the screen closes
        self.farewell_to_stderr = False

    # --- start ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        # Only the first step is composed now: with nothing to decide on Project the wizard
        # opens on Hardware, and Back builds Project then (see go_back). It is pushed once
        # the app's start-up is over: Textual throws away any frame drawn during its start-up
        # batch, and a step pushed here was drawn in full there and then drawn again.
        first = step_screen("Project" if has_decision(self.state) else "Hardware")
        self.call_later(self.push_screen, first)
        # The workers start once the first frame is drawn: their threads would otherwise
        # compete with it for the interpreter.
        self.call_after_refresh(self._start_work)

    def _start_work(self) -> None:
        from wizard.cli import resume_gc

        resume_gc(freeze=True)  # the first frame is drawn: start-up is over
        if self.state.profiles is None:
            self._detect()
        if self.state.catalog is None:
            self.reload_catalog()

    def reload_catalog(self) -> None:
        """Read the catalog the answers need (again, when a requirements file names another
        channel or mirror than the one read)."""
        self.state.catalog_error = None
        self._read_catalog(self.state.catalog_key())

    @work(thread=True, exclusive=True, exit_on_error=False, group="detect")
    def _detect(self) -> None:
        try:
            if self._detector is not None:
                profiles, notes = self._detector()
            else:
                from wizard.hardware.detect import detect

                detection = detect()
                profiles, notes = (detection.profile,), detection.notes
        except WizardError as exc:
            self.post_message(HardwareFailed(str(exc)))
        except Exception as exc:  # noqa: BLE001 - detection must never crash the wizard
            self.post_message(
                HardwareFailed(
                    f"Hardware detection failed ({exc!r}). Use "
                    "--hardware FILE to describe the machine."
                )
            )
        else:
            self.post_message(HardwareDetected(tuple(profiles), tuple(notes)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="catalog")
    def _read_catalog(self, wanted: tuple[str, str]) -> None:
        try:
            if self._catalog_loader is not None:
                catalog = self._catalog_loader()
            else:
                base, channel = wanted
                catalog = load_catalog(self.settings.offline, base, channel)
                if catalog.origin == "live":
                    # Warm the cache the default choices read (off the UI thread).
                    dependents_requirements(self.state.project)
        except WizardError as exc:
            self.post_message(CatalogFailed(str(exc)))
        except Exception as exc:  # noqa: BLE001 - shown on the Hardware step
            self.post_message(CatalogFailed(f"The PyTorch catalog could not be read ({exc!r})."))
        else:
            self.post_message(CatalogLoaded(catalog, wanted))

    @on(HardwareDetected)
    def _hardware_detected(self, message: HardwareDetected) -> None:
        self.state.set_profiles(message.profiles, message.notes)
        self.broadcast()

    @on(HardwareFailed)
    def _hardware_failed(self, message: HardwareFailed) -> None:
        self.state.hardware_error = message.message
        self.broadcast()

    @on(CatalogLoaded)
    def _catalog_loaded(self, message: CatalogLoaded) -> None:
        if message.wanted is not None and message.wanted != self.state.catalog_key():
            return  # read for a requirements file no longer chosen; another read is on its way
        self.state.set_catalog(message.catalog, message.wanted)
        self.broadcast()

    @on(CatalogFailed)
    def _catalog_failed(self, message: CatalogFailed) -> None:
        self.state.catalog_error = message.message
        self.broadcast()

    def broadcast(self) -> None:
        """Tell every open step that the state changed."""
        for screen in self.screen_stack:
            screen.post_message(StateChanged())

    # --- moving between steps -------------------------------------------------------------

    def advance(self, step: str) -> None:
        self._reset_narrow_explanation()
        following = STEPS[STEPS.index(step) + 1]
        if following in _SCREENS:  # Review's Enter goes through start_lock instead
            self.push_screen(step_screen(following))

    def go_back(self) -> None:
        self._reset_narrow_explanation()
        if len(self.screen_stack) > 2:  # the default screen, then the first step
            self.pop_screen()
            return
        step = getattr(self.screen, "STEP", STEPS[0])
        if step != STEPS[0]:  # opened past Project: it is built now, Next builds this one again
            self.switch_screen(step_screen(STEPS[STEPS.index(step) - 1]))
        else:
            self.notify("This is the first step. q quits without writing anything.")

    def stop_lock(self) -> None:
        """Stop a running `uv lock` (the transaction puts both files back)."""
        from wizard.tui.screens.lock import LockScreen

        if isinstance(self.screen, LockScreen):
            self.screen.stop_lock()

    def start_lock(self, prepared: Prepared) -> None:
        """The Review step's confirmation: from here on files are written."""
        from wizard.tui.screens.lock import LockScreen

        self.prepared = prepared
        self.push_screen(LockScreen(prepared))

    # --- explanation panel ----------------------------------------------------------------

    def _reset_narrow_explanation(self) -> None:
        """On a narrow terminal the explanation covers the choices: each step opens without."""
        if self.size.width < WIDE:
            self.explain_pref = None

    def explain_visible(self, width: int, by_default: bool = True) -> bool:
        """The person's choice (? / F1), else beside the choices on a wide terminal, on the
        steps that show it by default."""
        if self.explain_pref is not None:
            return self.explain_pref
        return width >= WIDE and by_default

    def toggle_explanation(self, by_default: bool = True) -> None:
        self.explain_pref = not self.explain_visible(self.size.width, by_default)

    # --- leaving --------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_quit_wizard(self) -> None:
        self._leave(interrupted=False)

    def action_interrupt(self) -> None:
        self._leave(interrupted=True)

    def finish(self) -> None:
        self._leave(interrupted=False)

    def _leave(self, interrupted: bool) -> None:
        state = self.state
        if state.lock_running:
            # Stop uv; the lock screen quits once the files are put back (quit_stopped).
            state.quit_after_stop = True
            self.stop_lock()
            return
        if state.written:
            self.farewell = self._summary()
            self.exit(return_code=0)
        elif state.lock_error:
            self.farewell = [f"torch-wizard: {state.lock_error}"]
            self.farewell_to_stderr = True
            self.exit(return_code=1)
        else:
            self.quit_unchanged(interrupted)

    def quit_unchanged(self, interrupted: bool) -> None:
        """Leave with nothing written."""
        self.farewell = [NO_CHANGES]
        self.farewell_to_stderr = interrupted
        self.exit(return_code=130 if interrupted else 0)

    def quit_stopped(self, message: str) -> None:
        """Leave once q or Ctrl+C stopped `uv lock` and the files are put back: an interrupted
        write (130), said as the Lock step says it."""
        self.farewell = [message]
        self.farewell_to_stderr = True
        self.exit(return_code=130)

    def _summary(self) -> list[str]:
        """What was done and what to run next, for the terminal after the screen closes."""
        from wizard.report import lock_report_text

        state = self.state
        applied = state.applied
        lines = []
        if applied and applied.written:
            lock = " and uv.lock" if applied.locked else ""
            lines.append(f"Wrote pyproject.toml{lock} in {state.folder_shown}.")
        elif applied and applied.locked:
            lines.append(f"Wrote uv.lock in {state.folder_shown}.")
        if applied:
            lines.extend(applied.messages)
        if applied and applied.report is not None:
            lines += ["", lock_report_text(applied.report)]
        lines += ["", "Next:"]
        for step in state.next_commands(self.prepared):
            where = f"   (on {', '.join(step.machines)})" if step.machines else ""
            lines.append(f"  {step.command}{where}")
        if state.migration is not None:
            from wizard.migrate import deletion_text

            lines += ["", deletion_text(state.migration)]
        return lines


def make_app(
    opts_or_request: argparse.Namespace | Request | None = None,
    *,
    folder: Path | str | None = None,
    hardware: Sequence[str] | None = None,
    offline: bool | None = None,
    index_base: str | None = None,
    no_lock: bool | None = None,
    migrate_from: Sequence[str] | None = None,
    profiles: Sequence[HardwareProfile] | None = None,
    detector: Detector | None = None,
    catalog_loader: CatalogLoader | None = None,
) -> WizardApp:
    """The wizard for the CLI's options, or for a Request plus keyword settings (tests).

    Reads pyproject.toml, any --hardware files and any --from files now (fast, and a bad file
    is exit 2 before the screen opens); detection and the index reads happen in workers once
    the app runs.
    """
    if isinstance(opts_or_request, argparse.Namespace):
        opts = opts_or_request
        request = request_from_options(opts)
        settings = Settings(
            Path(opts.project),
            tuple(opts.hardware),
            bool(opts.offline),
            opts.index_base,
            bool(opts.no_lock),
            tuple(opts.from_),
        )
    else:
        request = opts_or_request or Request()
        settings = Settings(Path("."))
    if folder is not None:
        settings.folder = Path(folder)
    if hardware is not None:
        settings.hardware = tuple(str(h) for h in hardware)
    if offline is not None:
        settings.offline = offline
    if index_base is not None:
        settings.index_base = index_base
        request = replace(request, index_base=index_base)
    if no_lock is not None:
        settings.no_lock = no_lock
    if migrate_from is not None:
        settings.migrate_from = tuple(migrate_from)

    check_request(request)
    project, existing = load_project(settings.folder)
    check_python_flag(request, project)
    if settings.migrate_from and migration_available():
        # As --yes and --plain do: a --from file that is missing or not a requirements file
        # (or includes one) is exit 2 before the screen opens, not a note on the Project step.
        from wizard.migrate import read_requirements

        read_requirements([Path(f) for f in settings.migrate_from])
    state = WizardState(
        settings.folder,
        project,
        existing,
        request,
        settings,
        requirement_files=offered_files(settings.folder, settings.migrate_from),
    )
    if profiles is not None:
        state.set_profiles(profiles)
    elif settings.hardware:
        state.set_profiles(load_profiles(settings.hardware))
    first = recommended_migration(state)
    if first is not None:
        state.choose_migration(first)
    return WizardApp(state, detector=detector, catalog_loader=catalog_loader)


def run_tui(opts: argparse.Namespace) -> int:
    """Run the full-screen wizard; returns the exit code (0, 1 lock failed, 130 Ctrl+C)."""
    app = make_app(opts)
    # Textual writes each frame from its own thread. While the UI thread is busy (the
    # steps after the first frame, the workers' results), that thread waits up to the
    # switch interval (5 ms) for the interpreter each time it wakes: the first frame then
    # reached the terminal ~25 ms after it was drawn. 1 ms keeps frames and keys prompt.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        app.run()
    finally:
        sys.setswitchinterval(interval)
    out = sys.stderr if app.farewell_to_stderr else sys.stdout
    for line in app.farewell:
        print(line, file=out)
    code = app.return_code
    return code if code is not None else 0
