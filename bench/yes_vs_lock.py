"""`torch-wizard --yes` end to end against the fake index, against `uv lock` alone on the
same resulting pyproject.toml. Also: `--yes --no-lock` and `detect --json` wall time and peak
memory, and the modules `--yes` imports.

Usage: uv run python bench/yes_vs_lock.py [--runs 11] [--latency S] [--cold]
Target: ratio at most 1.3. The floor for any Python front end is measured too: a Python
process that only writes the same pyproject.toml and runs uv lock.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, alternate, compile_bytecode, fake_index_env, report, wizard_command

from tests.fixtures.fake_index import serve

PROFILE = str(ROOT / "tests" / "fixtures" / "profiles" / "linux-rtx4090-driver580.json")


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def peak_of(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one child process."""
    code = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "wall = time.perf_counter() - t\n"
        "print(json.dumps([wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *cmd],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    wall, kb = json.loads(out)
    return wall, kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)  # the machine is noisy
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds the fake index waits before each answer (a real index "
        "is tens of milliseconds away; 0: the fastest possible uv lock)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="every run starts with empty uv and wizard caches, as the first run on a machine "
        "does (default: both warm, as a second run)",
    )
    args = parser.parse_args()
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="bench-yes-"))
    index = serve(work / "index")
    index.delay = args.latency
    print(f"fake index latency: {args.latency * 1000:.0f} ms per request")
    env = fake_index_env(index, work / "cache")
    wizard = wizard_command()
    uv = shutil.which("uv") or "uv"
    yes_cmd = [wizard, "--yes", "--index-base", index.base_url, "--hardware", PROFILE]

    def fresh(name: str) -> Path:
        folder = work / f"{name}{time.monotonic_ns()}"
        folder.mkdir()
        return folder

    # One run to produce the pyproject that `uv lock` alone will lock.
    reference = fresh("ref")
    subprocess.run(yes_cmd, cwd=reference, env=env, check=True, capture_output=True)
    pyproject = (reference / "pyproject.toml").read_bytes()

    def env_for(folder: Path) -> dict[str, str]:
        if not args.cold:
            return env
        return fake_index_env(index, folder.with_name(folder.name + "-cache"))

    def wizard_run() -> float:
        folder = fresh("w")
        return run(yes_cmd, folder, env_for(folder))

    def lock_run() -> float:
        folder = fresh("u")
        (folder / "pyproject.toml").write_bytes(pyproject)
        return run([uv, "lock"], folder, env_for(folder))

    floor_code = (
        "import subprocess, sys\n"
        "open('pyproject.toml', 'wb').write(open(sys.argv[1], 'rb').read())\n"
        "subprocess.run([sys.argv[2], 'lock'], check=True)\n"
    )
    (work / "resulting-pyproject.toml").write_bytes(pyproject)

    def floor_run() -> float:
        folder = fresh("f")
        cmd = [sys.executable, "-c", floor_code, str(work / "resulting-pyproject.toml"), uv]
        return run(cmd, folder, env_for(folder))

    # By default both sides start from a warm uv cache and a warm wizard cache, as a second
    # run would; uv revalidates its cached index pages, so the latency still counts for both.
    # With --cold both start empty: uv downloads pages and metadata, the wizard reads the
    # index for its catalog.
    print("caches:", "cold (empty for every run)" if args.cold else "warm")

    xs, ys = alternate(wizard_run, lock_run, args.runs)
    report("torch-wizard --yes (plan, write, lock)", xs, "uv lock alone", ys, 1.3)
    # The least any Python front end costs: start Python, write the same pyproject.toml,
    # run uv lock. Its ratio to uv alone is the floor for the target above.
    print()
    fs, ys = alternate(floor_run, lock_run, args.runs)
    report("Python: write the file + uv lock", fs, "uv lock alone", ys, 1.3)
    over_floor = statistics.median(xs) / statistics.median(fs)
    print(f"{'torch-wizard --yes against that':<40} {over_floor:8.2f}")

    print()
    for label, cmd in (
        ("torch-wizard --yes --no-lock", [*yes_cmd, "--no-lock"]),
        ("torch-wizard detect --json", [wizard, "detect", "--json"]),
    ):
        walls, peaks = [], []
        for _ in range(args.runs):
            wall, peak = peak_of(cmd, fresh("m"), env)
            walls.append(wall)
            peaks.append(peak)
        print(
            f"{label:<40} median {statistics.median(walls) * 1000:8.1f} ms, "
            f"peak {statistics.median(peaks):6.1f} MB"
        )

    code = (
        "import sys, json\n"
        "from wizard.cli import main\n"
        f"main(['--yes', '--no-lock', '--index-base', {index.base_url!r}, '--hardware', "
        f"{PROFILE!r}, '-C', {str(fresh('i'))!r}])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'textual', 'questionary', 'cpuinfo', 'rich', 'prompt_toolkit', 'tomlkit'})\n"
        "print(json.dumps([len(sys.modules), heavy]), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT
    )
    count, heavy = json.loads(proc.stderr.strip().splitlines()[-1])
    print(
        f"{'modules imported by --yes --no-lock':<40} {count} ({', '.join(heavy) or 'none'} "
        "of textual, questionary, cpuinfo, rich, prompt_toolkit, tomlkit)"
    )
    index.stop()


if __name__ == "__main__":
    main()
