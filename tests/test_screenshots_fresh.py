"""screenshots/*.svg match what scripts/screenshots.py makes from the current code.

When this fails, a screen changed: run `uv run python scripts/screenshots.py`, look at the new
SVGs, and commit them with the change.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("textual")

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "screenshots.py"
SHOTS = ROOT / "screenshots"


def _script():
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshots_are_fresh(tmp_path: Path) -> None:
    fresh = {p.name: p.read_text(encoding="utf-8") for p in _script().generate(tmp_path)}
    committed = {p.name: p.read_text(encoding="utf-8") for p in SHOTS.glob("*.svg")}
    hint = "Run `uv run python scripts/screenshots.py`, look at the SVGs, and commit them."
    assert sorted(committed) == sorted(fresh), f"Screenshots missing or extra. {hint}"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"These screens changed: {', '.join(stale)}. {hint}"


def test_generating_is_deterministic(tmp_path: Path) -> None:
    script = _script()
    steps = ("Hardware", "Lock")
    first = [p.read_text(encoding="utf-8") for p in script.generate(tmp_path / "a", steps)]
    second = [p.read_text(encoding="utf-8") for p in script.generate(tmp_path / "b", steps)]
    assert first == second
