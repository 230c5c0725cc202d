"""Time to the first drawn screen of `torch-wizard` in tmux, against a minimal Textual app.

Usage: uv run python bench/first_screen.py [--runs 21] [--profile]
Target: ratio at most 1.3.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, alternate, compile_bytecode, report, wizard_command

MINIMAL = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("minimal-ready")
Minimal().run()
"""


def first_screen(command: str, expect: str, cwd: Path) -> float:
    name = f"bench{time.monotonic_ns()}"
    start = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", "-c", str(cwd), command],
        check=True,
    )
    try:
        while True:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if expect in screen:
                return time.perf_counter() - start
            if time.perf_counter() - start > 30:
                raise SystemExit(f"'{expect}' never appeared:\n{screen}")
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)  # the machine is noisy
    parser.add_argument("--expect", default="Hardware", help="text on the wizard's first screen")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="start with --hardware FILE (the first frame then shows the profile) instead of "
        "detecting the machine in a worker, as a plain `torch-wizard` does",
    )
    args = parser.parse_args()
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="bench-first-"))
    minimal = work / "minimal.py"
    minimal.write_text(MINIMAL)
    profile = ROOT / "tests" / "fixtures" / "profiles" / "linux-cpu-only.json"
    # --offline: the index read happens after the first frame either way; offline, the
    # figures do not depend on this machine's network.
    wizard = f"{shlex.quote(wizard_command())} --offline -C {shlex.quote(str(work))}"
    if args.profile:
        wizard += f" --hardware {shlex.quote(str(profile))}"
    print("torch-wizard command:", wizard)
    plain = f"{shlex.quote(sys.executable)} {shlex.quote(str(minimal))}"
    # A session that outlives the measured ones keeps the tmux server up: otherwise a
    # new-session can race the server's exit after the previous kill-session.
    keeper = f"bench-keeper{time.monotonic_ns()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", keeper, "sleep 3600"], check=True)
    try:
        _measure(args, wizard, plain, work)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", keeper], capture_output=True)


def _measure(args: argparse.Namespace, wizard: str, plain: str, work: Path) -> None:
    first_screen(wizard, args.expect, work)  # warm the file cache
    first_screen(plain, "minimal-ready", work)
    xs, ys = alternate(
        lambda: first_screen(wizard, args.expect, work),
        lambda: first_screen(plain, "minimal-ready", work),
        args.runs,
    )
    report("torch-wizard first screen", xs, "minimal Textual app", ys, 1.3)


if __name__ == "__main__":
    main()
