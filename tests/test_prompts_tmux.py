"""`torch-wizard --plain` in a real terminal (tmux), answered by keystrokes as a person would."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e_helpers import console_script, profile

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

QUESTIONS = (
    "Which platforms should the lock serve?",
    "How should the build be chosen?",
    "Which build for Linux x86_64?",
    "Which torch release?",
    "Which companion packages?",
    "Which platforms should the lock solve for?",
)


class Terminal:
    """One command in a detached tmux session on a private server (so it gets our env)."""

    def __init__(self, socket: Path, cwd: Path, env: dict[str, str], command: list[str]):
        self.socket = socket
        self.env = env
        line = f'{shlex.join(command)}; echo "[exit $?]"; sleep 600'
        self._tmux(
            "new-session", "-d", "-s", "wizard", "-x", "110", "-y", "50", "-c", str(cwd), line
        )

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "wizard")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear; the screen:\n{screen}")
            time.sleep(0.1)

    def press(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "wizard", *keys)

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-S", str(self.socket), "kill-server"], env=self.env, capture_output=True
        )


@pytest.fixture
def terminal(tmp_path_factory, uv_env, fake_index):
    """Start `torch-wizard --plain` for the CPU-only Linux profile in an empty folder."""
    folder = tmp_path_factory.mktemp("project")
    sockets = tmp_path_factory.mktemp("tmux")
    env = dict(uv_env, UV_HTTP_RETRIES="0", TERM="xterm-256color")
    env["TORCH_WIZARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("wcache"))
    command = [
        console_script(),
        "--plain",
        "--index-base",
        fake_index.base_url,
        "--hardware",
        profile("linux-cpu-only"),
    ]
    term = Terminal(sockets / "sock", folder, env, command)
    term.folder = folder
    yield term
    term.close()


def test_pressing_enter_through_the_prompts_writes_and_locks_the_cpu_build(terminal):
    for title in QUESTIONS:
        terminal.wait_for(title)
        terminal.wait_for("Explain this question…")
        terminal.press("Enter")
    terminal.wait_for("Write pyproject.toml and run uv lock?")
    assert not (terminal.folder / "pyproject.toml").exists()  # nothing before the yes
    terminal.press("Enter")
    screen = terminal.wait_for("[exit ", timeout=120)
    assert "[exit 0]" in screen, screen
    assert "+[[tool.uv.index]]" in screen  # the diff was shown before the question
    written = (terminal.folder / "pyproject.toml").read_text()
    assert "torch>=2.15,<2.16" in written and 'index = "pytorch-cpu"' in written
    assert "2.15.0+cpu" in (terminal.folder / "uv.lock").read_text()
    assert "Next: `uv sync`" in screen


def test_ctrl_c_at_the_second_question_changes_nothing(terminal):
    terminal.wait_for(QUESTIONS[0])
    terminal.wait_for("Explain this question…")
    terminal.press("Enter")
    terminal.wait_for(QUESTIONS[1])
    terminal.press("C-c")
    screen = terminal.wait_for("[exit ")
    assert "No changes were made." in screen
    assert "[exit 130]" in screen
    assert "Traceback" not in screen
    assert list(terminal.folder.iterdir()) == []


def test_explain_in_the_platforms_checkbox_is_not_a_selection(terminal):
    terminal.wait_for(QUESTIONS[0])
    terminal.wait_for("Explain this question…")
    terminal.press("Down", "Space")  # tick Linux aarch64 beside this machine's Linux x86_64
    terminal.press(*["Down"] * 5, "Enter")  # past the other four platforms to Explain
    screen = terminal.wait_for(f"{QUESTIONS[0]} [Explain this question…]")
    assert "selections" not in screen
    terminal.wait_for("Sources:")  # the explanation, then the question again, ticks kept
    deadline = time.monotonic() + 30
    while "Explain this question…" not in terminal.screen().rsplit("Sources:", 1)[1]:
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.1)
    terminal.press("Enter")
    screen = terminal.wait_for(f"{QUESTIONS[0]} [Linux x86_64, Linux aarch64]")
    terminal.wait_for(QUESTIONS[1])
    terminal.press("C-c")
    screen = terminal.wait_for("[exit ")
    assert "[exit 130]" in screen and "Explain this question…," not in screen
