"""SVG snapshots of every step at 80x24 and 120x36 (tests/tui/__snapshots__/).

Deterministic: a fixed hardware profile, the bundled catalog (offline), a folder named
`my-project` shown by its relative name, and a stand-in for the lock (no uv timings).
Update with `pytest tests/tui/test_snapshots.py --snapshot-update` after looking at the
report of what changed.
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import LARGE, SMALL, press_until_step, ready
from wizard.questions import STEPS

SIZES = {"80x24": SMALL, "120x36": LARGE}
GPU_BOX = "linux-rtx4090-driver550"  # a machine with something to explain: an old driver


def goto(step: str, *keys: str):
    async def run_before(pilot) -> None:
        await ready(pilot)
        await press_until_step(pilot, step)
        await pilot.press(*keys)
        if step in ("Lock", "Done"):
            await pilot.pause(0.1)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("step", STEPS)
def test_step(step, size, snap_compare, wizard, project, canned_apply):
    if step == "Project":
        (project / "requirements.txt").write_text(
            "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.0+cu121\n"
        )
    app = wizard(profile=GPU_BOX)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=goto(step))


def test_too_small(snap_compare, wizard, project):
    assert snap_compare(wizard(), terminal_size=(60, 20), run_before=goto("Hardware"))


def test_explanation_at_80_columns(snap_compare, wizard, project):
    app = wizard(profile=GPU_BOX)
    assert snap_compare(
        app, terminal_size=SMALL, run_before=goto("Accelerators", "tab", "question_mark")
    )


def test_light_theme(snap_compare, wizard, project):
    app = wizard(profile=GPU_BOX)
    assert snap_compare(app, terminal_size=SMALL, run_before=goto("Accelerators", "ctrl+t"))


def test_lock_failure(snap_compare, wizard, project, monkeypatch):
    from wizard.lock import LockRun
    from wizard.session import LockFailed

    def failing_apply(facts, prepared, lock=True, on_line=None, cancel=None):
        on_line("error: Failed to fetch: `https://download.pytorch.org/whl/cu126/torch/`")
        raise LockFailed(
            LockRun(
                False,
                "error",
                "uv could not reach the PyTorch index "
                "(https://download.pytorch.org/whl/cu126). Check the network "
                "or use --index-base with a mirror.",
            )
        )

    monkeypatch.setattr("wizard.session.apply", failing_apply)
    assert snap_compare(wizard(profile=GPU_BOX), terminal_size=SMALL, run_before=goto("Lock"))


def test_hardware_while_detecting(snap_compare, workdir, project):
    """The first screen, before the probes have answered (they give up when the app closes)."""
    import time

    from wizard.session import Request
    from wizard.tui.app import make_app

    def slow_detection():
        from textual.worker import get_current_worker

        while not get_current_worker().is_cancelled:  # until the app closes
            time.sleep(0.02)
        raise RuntimeError("the app closed first")

    app = make_app(Request(), folder="my-project", offline=True, detector=slow_detection)

    async def first_frame(pilot) -> None:
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=first_frame)
