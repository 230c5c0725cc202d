"""Regenerate screenshots/*.svg: each main step of the real full-screen wizard at 100x30.

    uv run python scripts/screenshots.py [OUT_DIR]     (default: screenshots/)

The output is deterministic, so tests/test_screenshots_fresh.py can tell when a screen changed
without the screenshots being regenerated:
- the hardware is a fixed profile (tests/fixtures/profiles/linux-rtx4090-driver550.json: an
  RTX 4090 on an old driver, so the screens have something to explain);
- the catalog is the bundled one (--offline) and the project folder is `my-project`, shown by
  its relative name;
- the Lock step's `uv lock` is replaced by a fixed report of what such a lock installs
  (screenshots must not reach the network, and uv's timings would change every run).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (100, 30)
PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "linux-rtx4090-driver550.json"
STEPS = ("Project", "Hardware", "Targets", "Accelerators", "Packages", "Review", "Lock", "Done")
REQUIREMENTS = "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.0+cu121\n"

# What a real lock of these builds downloads on Linux x86_64 (torch plus its CUDA libraries).
_DOWNLOAD = {"cpu": 187_000_000, "cu126": 2_650_000_000, "cu130": 2_900_000_000}


def _fixed_apply(
    facts: Any,
    prepared: Any,
    lock: bool = True,
    on_line: Callable[[str], None] | None = None,
    cancel: Any = None,
) -> Any:
    """`wizard.session.apply` without writing or running uv: a fixed, realistic lock report."""
    from wizard.lock import LockedPackage, LockReport, LockRun, TargetLock
    from wizard.session import Applied

    plan = prepared.plan
    release = facts.catalog.release(plan.torch_release) or facts.catalog.newest()
    targets = []
    for t in plan.targets:
        url = f"{plan.index_base}/{t.backend}"
        torch = LockedPackage("torch", f"{release.latest}+{t.backend}", t.backend, url)
        targets.append(
            TargetLock(
                t.platform,
                None,
                {"torch": torch},
                _DOWNLOAD.get(t.backend, 500_000_000),
                18,
                t.backend.startswith("cu"),
            )
        )
    if on_line:
        on_line("Resolved 18 packages")
    return Applied(True, lock, LockReport(tuple(targets)), LockRun(True, ""))


async def _capture(step: str, folder: Path) -> str:
    """Start the wizard, press Enter until `step` shows (and its work is done), export it."""
    from wizard.session import Request
    from wizard.tui.app import make_app

    app = make_app(Request(), folder=folder.name, hardware=[PROFILE.name], offline=True)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.state.ready)
        while getattr(app.screen, "STEP", "") != step:
            await pilot.press("enter")
            await pilot.pause()
        if step == "Lock":
            await _until(pilot, lambda: app.state.written)
        await pilot.pause(0.1)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        return app.export_screenshot(title=f"torch-wizard · {step}")


async def _until(pilot: Any, condition: Callable[[], bool], timeout: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the wizard did not get there in time")
        await pilot.pause(0.02)


def generate(out_dir: Path, steps: tuple[str, ...] = STEPS) -> list[Path]:
    """Write one SVG per step into `out_dir`; returns the files written."""
    import wizard.session

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    real_apply = wizard.session.apply
    wizard.session.apply = _fixed_apply  # type: ignore[assignment]
    cwd = os.getcwd()
    try:
        for step in steps:
            number = STEPS.index(step) + 1
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                folder = work / "my-project"
                folder.mkdir()
                shutil.copy(PROFILE, work / PROFILE.name)
                if step == "Project":  # the step has something to decide with a pip file
                    (folder / "requirements.txt").write_text(REQUIREMENTS)
                os.chdir(work)
                try:
                    svg = asyncio.run(_capture(step, folder))
                finally:
                    os.chdir(cwd)
            path = out_dir / f"{number}-{step.lower()}.svg"
            path.write_text(svg, encoding="utf-8")
            written.append(path)
    finally:
        wizard.session.apply = real_apply  # type: ignore[assignment]
    return written


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    for path in generate(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
