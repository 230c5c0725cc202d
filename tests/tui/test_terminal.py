"""Terminal robustness: huge sizes, a resize while uv locks, a dumb terminal, stdin closed."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e_helpers import console_script, profile
from tests.tui.conftest import press_until_step, ready, step_of, wait_until
from wizard.cli import main


async def test_a_huge_terminal_walks_the_recommended_path(wizard, project, canned_apply):
    app = wizard(profile="linux-rtx4090-driver580")
    async with app.run_test(size=(300, 100)) as pilot:
        await ready(pilot)
        assert await press_until_step(pilot, "Lock") == 5
        await wait_until(pilot, lambda: len(canned_apply) == 1)
        assert step_of(app) == "Lock"


async def test_resizing_while_uv_locks_still_writes_the_lock(
    wizard, project, fake_index, uv_environ
):
    app = wizard(profile="linux-cpu-only", offline=False, index_base=fake_index.base_url)
    fake_index.delay = 0.05  # keep uv busy while the terminal changes size
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        for size in ((80, 24), (200, 60), (60, 20), (100, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.05)
        await wait_until(pilot, lambda: (project / "uv.lock").exists(), timeout=60)
    assert "2.15.0+cpu" in (project / "uv.lock").read_text()


def test_a_dumb_terminal_is_told_to_use_plain(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    code = main(["-C", str(tmp_path), "--offline", "--hardware", profile("linux-cpu-only")])
    err = capsys.readouterr().err
    assert code == 2
    assert "TERM=dumb" in err and "--plain" in err
    assert list(tmp_path.iterdir()) == []


def test_yes_runs_with_stdin_closed(tmp_path):
    proc = subprocess.run(
        [
            console_script(),
            "--yes",
            "--no-lock",
            "--offline",
            "--hardware",
            profile("linux-cpu-only"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.close(0),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "pyproject.toml").exists()


def test_the_full_screen_wizard_with_stdin_closed_exits_2_at_once(tmp_path):
    proc = subprocess.run(
        [console_script(), "--offline", "--hardware", profile("linux-cpu-only")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.close(0),
        timeout=20,
    )
    assert proc.returncode == 2
    assert "--plain" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_plain_with_stdin_closed_exits_2_at_once(tmp_path):
    proc = subprocess.run(
        [console_script(), "--plain", "--offline", "--hardware", profile("linux-cpu-only")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.close(0),
        timeout=20,
    )
    assert proc.returncode == 2
    assert "--yes" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
