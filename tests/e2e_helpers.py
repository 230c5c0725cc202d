"""Running the installed `torch-wizard` console script the way a person would."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomllib

PROFILES = Path(__file__).parent / "fixtures" / "profiles"


def console_script() -> str:
    """The installed `torch-wizard` of the environment running the tests."""
    beside = Path(sys.executable).parent / "torch-wizard"
    found = str(beside) if beside.exists() else shutil.which("torch-wizard")
    assert found, "torch-wizard is not installed in the test environment"
    return found


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_wizard(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> Run:
    proc = subprocess.run(
        [console_script(), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def profile(name: str) -> str:
    return str(PROFILES / f"{name}.json")


def read_lock(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "uv.lock").read_text())


def locked(folder: Path, name: str) -> list[dict[str, Any]]:
    return [p for p in read_lock(folder)["package"] if p["name"] == name]


def wheel_names(pkg: dict[str, Any]) -> list[str]:
    return [w["url"].rsplit("/", 1)[-1] for w in pkg.get("wheels", [])]


def installs(
    folder: Path,
    platform: str,
    env: dict[str, str],
    extra: str | None = None,
    python: str = "3.12",
    package: str | None = None,
    group: str | None = None,
) -> dict[str, str]:
    """What uv itself says a platform installs from this lock: `uv export`, markers evaluated.

    An oracle independent of the wizard's own lock reader.
    """
    from packaging.requirements import Requirement

    from wizard.platforms import PLATFORMS

    cmd = [
        "uv",
        "export",
        "--frozen",
        "--no-hashes",
        "--format",
        "requirements-txt",
        "--no-emit-project",
        "--no-header",
        "--no-annotate",
    ]
    if extra:
        cmd += ["--extra", extra]
    if group:
        cmd += ["--group", group]
    if package:
        cmd += ["--package", package]
    out = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, check=True)
    p = PLATFORMS[platform]
    marker_env = {
        "sys_platform": p.sys_platform,
        "platform_machine": p.platform_machine,
        "platform_system": {"linux": "Linux", "macos": "Darwin", "windows": "Windows"}[p.os],
        "os_name": "nt" if p.os == "windows" else "posix",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    found: dict[str, str] = {}
    for line in out.stdout.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({**marker_env, "extra": ""}):
            (spec,) = req.specifier
            found[req.name] = spec.version
    return found
