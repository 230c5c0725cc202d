"""Shared pieces of the benchmark scripts (run by hand, not by the test suite)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def wizard_command() -> str:
    beside = Path(sys.executable).parent / "torch-wizard"
    return str(beside) if beside.exists() else "torch-wizard"


def alternate(
    a: Callable[[], float], b: Callable[[], float], runs: int
) -> tuple[list[float], list[float]]:
    """Run a and b alternately so that drift on the machine hits both sides alike."""
    xs, ys = [], []
    for _ in range(runs):
        xs.append(a())
        ys.append(b())
    return xs, ys


def report(
    name_a: str, xs: list[float], name_b: str, ys: list[float], target: float | None
) -> None:
    ma, mb = statistics.median(xs), statistics.median(ys)
    print(f"{name_a:<40} median {ma * 1000:8.1f} ms  (runs: {len(xs)})")
    print(f"{name_b:<40} median {mb * 1000:8.1f} ms  (runs: {len(ys)})")
    ratio = ma / mb if mb else float("inf")
    verdict = "" if target is None else ("  OK" if ratio <= target else f"  over {target}")
    print(f"{'ratio':<40} {ratio:8.2f}{verdict}")


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def compile_bytecode() -> None:
    """Write the wizard's .pyc files first, as a second run of an installed wizard finds them.
    The tmux server keeps the environment it started with: with PYTHONDONTWRITEBYTECODE set
    there, every measured run would compile the modules changed since the last import."""
    import compileall

    compileall.compile_dir(ROOT / "wizard", quiet=1)


def fake_index_env(index: object, cache: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("UV_") and k != "PYTHONDONTWRITEBYTECODE"
    }  # a user's Python caches bytecode
    env.update(
        UV_DEFAULT_INDEX=index.pypi_url,
        UV_CACHE_DIR=str(cache),  # type: ignore[attr-defined]
        UV_PYTHON_DOWNLOADS="never",
        UV_NO_PROGRESS="1",
        TORCH_WIZARD_CACHE_DIR=str(cache / "wizard"),
    )
    return env
