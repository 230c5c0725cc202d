"""Helpers for driving the full-screen wizard with Textual's pilot.

Every app here plans for a fixed hardware profile in a folder named `my-project` (shown by its
relative name: the tests run from its parent), offline unless a test brings the fake index.
"""

from __future__ import annotations

import asyncio
import inspect
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e_helpers import PROFILES

pytest.importorskip("textual")

from textual.pilot import Pilot  # noqa: E402

from wizard.lock import LockedPackage, LockReport, LockRun, TargetLock  # noqa: E402
from wizard.session import Applied, Request  # noqa: E402
from wizard.tui.app import WizardApp, make_app  # noqa: E402

SMALL = (80, 24)
LARGE = (120, 36)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (Textual's pilot needs one; no plugin)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The parent of the project folder, made the current folder (paths show as relative)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def project(workdir: Path) -> Path:
    folder = workdir / "my-project"
    folder.mkdir()
    return folder


def profile_copy(workdir: Path, name: str) -> str:
    """The profile copied beside the project, so its path reads the same on every machine."""
    target = workdir / f"{name}.json"
    if not target.exists():
        shutil.copy(PROFILES / f"{name}.json", target)
    return target.name


@pytest.fixture
def wizard(workdir: Path, project: Path) -> Callable[..., WizardApp]:
    """`wizard(profile="linux-cpu-only", **make_app_kwargs)`: an offline app for `my-project`."""

    def build(
        profile: str | tuple[str, ...] = "linux-cpu-only",
        request: Request | None = None,
        **kwargs: Any,
    ) -> WizardApp:
        names = (profile,) if isinstance(profile, str) else profile
        kwargs.setdefault("offline", True)
        return make_app(
            request or Request(),
            folder="my-project",
            hardware=[profile_copy(workdir, n) for n in names],
            **kwargs,
        )

    return build


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 30) -> None:
    """Let the app run until `condition()` holds (workers post their results meanwhile)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        await pilot.pause(0.02)
    await pilot.pause()


async def ready(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, WizardApp)
    await wait_until(pilot, lambda: app.state.ready or app.state.failed is not None)
    await pilot.pause()


def step_of(app: Any) -> str:
    return getattr(app.screen, "STEP", "")


async def press_until_step(pilot: Pilot, step: str, key: str = "enter") -> int:
    """Press `key` until the wizard shows `step`; returns how many presses it took."""
    presses = 0
    while step_of(pilot.app) != step:
        await pilot.press(key)
        presses += 1
        await pilot.pause()
        assert presses < 10, f"never reached {step}"
    return presses


def screen_text(app: Any) -> str:
    """What the terminal shows, as plain text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip).rstrip() for strip in strips)


# --- a deterministic stand-in for `apply` (snapshots must not depend on uv's timings) -------


def canned_report(platform: str = "linux-x86_64") -> LockReport:
    torch = LockedPackage("torch", "2.15.0+cpu", "cpu", "https://download.pytorch.org/whl/cpu")
    return LockReport((TargetLock(platform, None, {"torch": torch}, 187_000_000, 12, False),))


@pytest.fixture
def canned_apply(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Replace `wizard.session.apply` with one that writes nothing and reports a fixed lock."""
    calls: list[Any] = []

    def fake_apply(
        facts: Any,
        prepared: Any,
        lock: bool = True,
        on_line: Callable[[str], None] | None = None,
        cancel: Any = None,
    ) -> Applied:
        calls.append(prepared)
        if on_line:
            on_line("Resolved 12 packages")
        run = LockRun(True, "Resolved 12 packages")
        return Applied(True, lock, canned_report() if lock else None, run if lock else None)

    monkeypatch.setattr("wizard.session.apply", fake_apply)
    yield calls


@pytest.fixture
def uv_environ(uv_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The `uv_env` settings applied to this process (the Lock step runs uv from here)."""
    import os

    for key in list(os.environ):
        if key not in uv_env:
            monkeypatch.delenv(key)
    for key, value in uv_env.items():
        monkeypatch.setenv(key, value)
    return uv_env
