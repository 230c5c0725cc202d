"""Paths of the captured tool outputs, fake roots and fake tools used by the hardware tests."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CAPTURES = FIXTURES / "hardware"
ROOTS = CAPTURES / "roots"
FAKE_BIN = FIXTURES / "bin"

FAKE_VARIABLES = (
    "FAKE_HANG",
    "FAKE_NVIDIA_SMI_TABLE",
    "FAKE_NVIDIA_SMI_QUERY",
    "FAKE_NVIDIA_SMI_UNKNOWN",
    "FAKE_ROCMINFO",
    "FAKE_AGENT_ENUMERATOR",
    "FAKE_SYSCTL_BRAND",
    "FAKE_POWERSHELL",
    "WSL_DISTRO_NAME",
    "WSL_INTEROP",
    "container",
)


def capture(name: str) -> str:
    """A captured tool output from tests/fixtures/hardware."""
    return (CAPTURES / name).read_text(encoding="utf-8")


def copy_root(name: str, destination: Path) -> Path:
    """A writable copy of a fake root, for tests that add files to it."""
    target = destination / name
    shutil.copytree(ROOTS / name, target)
    return target
