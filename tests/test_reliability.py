"""Nothing is ever lost: kill the wizard at many moments and find either the old files or the
new ones, never a mix or a fragment."""

from __future__ import annotations

import base64
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e_helpers import console_script, profile

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ORIGINAL = (
    "# my project\n[project]\nname = 'demo'\nversion = '1.0'\nrequires-python = '>=3.11'\n"
    "dependencies = ['numpy>=2']  # keep\n"
)
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
KILL_POINTS = 14  # per signal


@pytest.fixture
def env(uv_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = dict(uv_env)
    e["TORCH_WIZARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("wcache"))
    return e


def _args(base: str) -> list[str]:
    return [
        "--yes",
        "--index-base",
        base,
        "--hardware",
        profile("linux-cpu-only"),
        "--target",
        "linux-x86_64=cu130",
        "--target",
        "windows-x86_64=cpu",
    ]


def _old_state(folder: Path, env: dict[str, str], base: str) -> None:
    (folder / "pyproject.toml").write_text(ORIGINAL)
    subprocess.run(
        [console_script(), "--yes", "--index-base", base, "--hardware", profile("linux-cpu-only")],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
    )


def _state(folder: Path) -> tuple[bytes, bytes | None]:
    lock = folder / "uv.lock"
    return (folder / "pyproject.toml").read_bytes(), lock.read_bytes() if lock.exists() else None


def test_killed_at_any_moment_leaves_the_old_or_the_new_files(tmp_path, env, fake_index):
    base = fake_index.base_url
    template = tmp_path / "template"
    template.mkdir()
    _old_state(template, env, base)
    old = _state(template)
    done = tmp_path / "done"
    shutil.copytree(template, done)
    t0 = time.perf_counter()
    subprocess.run(
        [console_script(), *_args(base)], cwd=done, env=env, check=True, capture_output=True
    )
    full = time.perf_counter() - t0
    new = _state(done)
    assert new != old
    fake_index.delay = 0.01  # widen the window in which uv is running
    outcomes = {"old": 0, "new": 0}
    tried = 0
    for sig in SIGNALS:
        for i in range(KILL_POINTS):
            folder = tmp_path / f"{sig.name}-{i}"
            shutil.copytree(template, folder)
            proc = subprocess.Popen(
                [console_script(), *_args(base)],
                cwd=folder,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            time.sleep(full * 1.6 * i / KILL_POINTS)
            proc.send_signal(sig)
            proc.wait(timeout=60)
            if sig == signal.SIGKILL:
                # Killed outright: the next run of the wizard finds the journal and undoes it.
                from wizard.lock import recover

                recover(folder)
            state = _state(folder)
            assert state in (old, new), f"{sig.name} at point {i}: a mix of old and new"
            assert not (folder / ".torch-wizard-journal.json").exists()
            outcomes["old" if state == old else "new"] += 1
            tried += 1
    print(f"kill points tried: {tried}, outcomes: {outcomes}")
    assert tried == len(SIGNALS) * KILL_POINTS
    # The kill points must really straddle the run: some end old, some new.
    assert outcomes["old"] and outcomes["new"], outcomes


def test_ctrl_c_during_the_lock_with_json_prints_the_error_as_json(tmp_path, env, fake_index):
    import json

    _old_state(tmp_path, env, fake_index.base_url)
    old = _state(tmp_path)
    fake_index.delay = 0.2  # uv is still locking when the signal comes
    proc = subprocess.Popen(
        [console_script(), *_args(fake_index.base_url), "--json"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not (tmp_path / ".torch-wizard-journal.json").exists():  # the lock has begun
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    # A script reading stdout got nothing at all; it now gets the error as --json promises.
    assert json.loads(out) == {"error": "Interrupted. No changes were made.", "exit_code": 130}
    assert _state(tmp_path) == old


def test_next_run_undoes_a_run_killed_outright(tmp_path, env, fake_index):
    _old_state(tmp_path, env, fake_index.base_url)
    old = _state(tmp_path)
    # Simulate the moment after the new pyproject.toml was written, uv still running.
    from wizard.lock import JOURNAL, transaction

    with pytest.raises(SystemExit), transaction(tmp_path):
        (tmp_path / "pyproject.toml").write_text("[project]\nname = 'half'\n")
        journal = (tmp_path / JOURNAL).read_bytes()
        raise SystemExit  # restored by the transaction itself
    assert _state(tmp_path) == old
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'half'\n")
    (tmp_path / JOURNAL).write_bytes(journal)  # as a SIGKILL would leave it
    r = subprocess.run(
        [
            console_script(),
            "--yes",
            "--dry-run",
            "--offline",
            "--hardware",
            profile("linux-cpu-only"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "An earlier torch-wizard run was interrupted" in r.stderr
    assert _state(tmp_path) == old


def test_uvs_reason_is_kept_whole_when_it_continues_on_the_next_lines():
    from wizard.lock import explain_uv_error

    output = (
        "Using CPython 3.11.7 interpreter at: /usr/bin/python3\n"
        "error: No solution found when resolving dependencies for split (markers: "
        "platform_machine == 'arm64' and sys_platform == 'darwin'):\n"
        "  cause: Because torch{sys_platform == 'darwin'}==2.15.0+cu130 has no "
        "`sys_platform == 'darwin'`-compatible wheels and only the following versions of "
        "torch{sys_platform == 'darwin'} are available:\n"
        "             torch{sys_platform == 'darwin'}<2.15\n"
        "             torch{sys_platform == 'darwin'}==2.15.0+cu130\n"
        "         we can conclude that torch{sys_platform == 'darwin'}>=2.15 cannot be used.\n"
        "         And because your project depends on torch>=2.15, we can conclude that "
        "your project's requirements are unsatisfiable.\n"
    )
    message = explain_uv_error(output)
    assert message.endswith(
        "are available: torch<2.15 torch==2.15.0+cu130 we can conclude that torch>=2.15 "
        "cannot be used."
    )
    assert message.startswith("The version requirements cannot all be met: Because torch")


def test_recovery_stops_the_uv_lock_a_killed_run_left_running(tmp_path):
    # Killing the wizard outright does not stop its `uv lock`; the next run must stop it
    # before putting the old files back, or its uv.lock lands on the old pyproject.toml.
    import json
    import sys

    from wizard.lock import JOURNAL, recover

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'new'\n")
    old = b"[project]\nname = 'old'\n"
    (tmp_path / JOURNAL).write_text(
        json.dumps(
            {
                "files": {
                    str((tmp_path / "pyproject.toml").resolve()): base64.b64encode(old).decode(),
                    str((tmp_path / "uv.lock").absolute()): None,
                }
            }
        )
    )
    # Stands in for uv (a program named uv): writes uv.lock when it finishes, as uv would.
    uv = tmp_path / "bin" / "uv"
    uv.parent.mkdir()
    uv.write_text(
        f"#!{sys.executable}\nimport pathlib, sys, time\ntime.sleep(3)\n"
        "folder = sys.argv[sys.argv.index('--directory') + 1]\n"
        "pathlib.Path(folder, 'uv.lock').write_text('late lock')\n"
    )
    uv.chmod(0o755)
    # As an earlier wizard started it: `--directory .` from inside the project.
    left = subprocess.Popen([str(uv), "lock", "--directory", "."], cwd=tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    unrelated = subprocess.Popen([str(uv), "lock", "--directory", str(other)], cwd=other)
    not_uv = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", "lock", "--directory", "."],
        cwd=tmp_path,
    )
    try:
        time.sleep(0.3)
        assert recover(tmp_path)
        assert left.wait(timeout=15) is not None
        time.sleep(3.5)
        assert (tmp_path / "pyproject.toml").read_bytes() == old
        assert not (tmp_path / "uv.lock").exists()
        # A lock of another folder is left to finish.
        assert unrelated.wait(timeout=5) == 0
        assert (other / "uv.lock").read_text() == "late lock"
        assert not_uv.poll() is None  # and a program that is not uv
    finally:
        for proc in (left, unrelated, not_uv):
            proc.kill()
            proc.wait()


def test_ctrl_c_just_after_the_journal_is_written_takes_the_journal_with_it(tmp_path, monkeypatch):
    from wizard.lock import JOURNAL, transaction

    (tmp_path / "pyproject.toml").write_text(ORIGINAL)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt  # the signal arrives while the handlers are being set

    monkeypatch.setattr(signal, "signal", interrupted)
    with pytest.raises(KeyboardInterrupt), transaction(tmp_path):
        pass
    # The journal stayed (the kill test caught it once in ~60 SIGINTs): the next run then
    # said an earlier run was interrupted.
    assert not (tmp_path / JOURNAL).exists()
    assert (tmp_path / "pyproject.toml").read_text() == ORIGINAL
