"""The installed `torch-wizard` in a real terminal (tmux), keys pressed as a person would.

The wizard runs against the fake index with a fixed hardware profile; `uv lock` is real.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tomllib

from tests.e2e_helpers import console_script, profile

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Terminal:
    """A detached tmux session on its own server (so it gets exactly our environment)."""

    def __init__(self, env: dict[str, str], width: int = 100, height: int = 30) -> None:
        self.socket = f"torch-wizard-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.size = (width, height)

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout

    def start(self, command: str, cwd: Path) -> None:
        width, height = self.size
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "wizard",
            "-x",
            str(width),
            "-y",
            str(height),
            "-c",
            str(cwd),
            command,
        )

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "wizard", "-S", "-200")

    def press(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "wizard", key)
            time.sleep(0.15)

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{text}")
            time.sleep(0.1)

    def wait_text(self, text: str, timeout: float = 60) -> str:
        return self.wait_for(lambda screen: text in screen, repr(text), timeout)

    def stop(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            env=self.env,
            capture_output=True,
            timeout=30,
        )


@pytest.fixture
def terminal(
    uv_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Terminal]:
    env = dict(uv_env)
    env["TORCH_WIZARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("wcache"))
    env["UV_HTTP_RETRIES"] = "0"
    env["TERM"] = "xterm-256color"
    env.pop("NO_COLOR", None)
    term = Terminal(env)
    yield term
    term.stop()


def run_wizard(terminal: Terminal, folder: Path, exit_file: Path, base_url: str) -> None:
    args = [console_script(), "--index-base", base_url, "--hardware", profile("linux-cpu-only")]
    command = f"{shlex.join(args)}; echo $? > {shlex.quote(str(exit_file))}; sleep 60"
    terminal.start(f"sh -c {shlex.quote(command)}", folder)


def exit_code(exit_file: Path, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while not exit_file.exists() or not exit_file.read_text().strip():
        assert time.monotonic() < deadline, "the wizard did not exit"
        time.sleep(0.1)
    return int(exit_file.read_text())


def test_enter_through_the_recommended_path_writes_the_lock(terminal, tmp_path, fake_index):
    folder = tmp_path / "my-project"
    folder.mkdir()
    exit_file = tmp_path / "exit-code"
    run_wizard(terminal, folder, exit_file, fake_index.base_url)
    terminal.wait_text("Step 2 of 8")
    for step in range(3, 7):  # Hardware, Targets, Accelerators, Packages: Enter each
        terminal.press("Enter")
        terminal.wait_text(f"Step {step} of 8")
    assert not any(folder.iterdir()), "nothing is written before the Review's Enter"
    terminal.press("Enter")  # the fifth key: write and lock
    screen = terminal.wait_text("What each target installs", timeout=120)
    assert "2.15.0+cpu" in screen
    terminal.press("Enter")
    terminal.wait_text("Step 8 of 8")
    terminal.press("Enter")
    assert exit_code(exit_file) == 0
    assert "uv sync" in terminal.screen()  # the next commands stay in the terminal

    pyproject = tomllib.loads((folder / "pyproject.toml").read_text())
    assert pyproject["tool"]["uv"]["index"] == [
        {"name": "pytorch-cpu", "url": f"{fake_index.base_url}/cpu", "explicit": True}
    ]
    lock = (folder / "uv.lock").read_text()
    assert "2.15.0+cpu" in lock
    torch = [p for p in tomllib.loads(lock)["package"] if p["name"] == "torch"]
    assert {p["version"]: p["source"]["registry"] for p in torch}["2.15.0+cpu"] == (
        f"{fake_index.base_url}/cpu"
    )


def test_ctrl_c_midway_writes_nothing(terminal, tmp_path, fake_index):
    folder = tmp_path / "my-project"
    folder.mkdir()
    exit_file = tmp_path / "exit-code"
    run_wizard(terminal, folder, exit_file, fake_index.base_url)
    terminal.wait_text("Step 2 of 8")
    terminal.press("Enter")
    terminal.wait_text("Step 3 of 8")
    terminal.press("Space", "Enter")  # an edit (no target: refused), then on
    terminal.press("Space", "Enter")
    terminal.wait_text("Step 4 of 8")
    terminal.press("C-c")
    assert exit_code(exit_file) == 130
    assert "No changes were made." in terminal.screen()
    assert list(folder.iterdir()) == []
