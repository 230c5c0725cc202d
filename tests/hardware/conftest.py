"""Every hardware test starts with the fake tools silent and no hints from the host."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.hardware import system

from .fakes import FAKE_VARIABLES


@pytest.fixture(autouse=True)
def _no_fake_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in FAKE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_py_cpuinfo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake roots without a CPU name must not ask py-cpuinfo about the real machine (and wait
    a second for it); test_detect checks the real fallback in a subprocess."""
    monkeypatch.setattr(system, "_brand_from_py_cpuinfo", lambda timeout: None)


@pytest.fixture
def empty_root(tmp_path: Path) -> Path:
    """A root with no /proc and no /sys: nothing to find there."""
    root = tmp_path / "root"
    root.mkdir()
    return root
