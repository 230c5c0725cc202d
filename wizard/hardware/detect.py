"""Detect this machine: run the vendor probes side by side and assemble a HardwareProfile.

Each probe bounds its own tool calls with a time-out, so detection takes about as long as the
slowest tool (well under a second on a machine without GPU tools) and never hangs.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from wizard.hardware import amd, apple, intel, nvidia
from wizard.hardware.profile import CPU, VENDOR_WORDS, HardwareProfile
from wizard.hardware.system import (
    ProbeResult,
    SystemFacts,
    is_wsl,
    normalize_arch,
    normalize_os,
    probe_system,
    read_text,
)


@dataclass(frozen=True)
class Detection:
    """The profile, plus one line per vendor that found nothing and why ("nvidia-smi not found")."""

    profile: HardwareProfile
    notes: tuple[str, ...] = ()


def detect(
    root: Path = Path("/"),
    env_path: str | None = None,
    timeout: float = 3.0,
    os_name: str | None = None,
) -> Detection:
    """Probe this machine (or a fake `root` and tools on `env_path`, for tests)."""
    os_name = os_name or normalize_os(sys.platform)
    wsl = os_name == "linux" and is_wsl(read_text(root / "proc" / "version"), os.environ)
    probes: dict[str, Callable[[], ProbeResult]] = {}
    if os_name == "linux":
        probes["nvidia"] = lambda: nvidia.probe_nvidia(root, env_path, timeout, wsl)
        probes["amd"] = lambda: amd.probe_amd(root, env_path, timeout)
        probes["intel"] = lambda: intel.probe_intel(root)
    elif os_name == "windows":
        probes["nvidia"] = lambda: nvidia.probe_nvidia(root, env_path, timeout)
        probes["windows"] = lambda: intel.probe_windows_video(env_path, timeout)

    with ThreadPoolExecutor(max_workers=len(probes) + 1, thread_name_prefix="probe") as pool:
        system_future = pool.submit(probe_system, root, env_path, timeout, os_name)
        futures = {name: pool.submit(fn) for name, fn in probes.items()}
        facts = _system_result(system_future, os_name)
        results = {name: _probe_result(f) for name, f in futures.items()}

    if os_name == "macos":
        chip = tuple(apple.gpus_from_brand(facts.cpu.brand))
        results["apple"] = ProbeResult(chip, None if chip else "not an Apple silicon Mac")
    if "windows" in results:
        results = _merge_windows(results)

    gpus = tuple(g for r in results.values() for g in r.gpus)
    notes = tuple(
        f"{VENDOR_WORDS[name]}: nothing detected ({r.note})"
        for name, r in results.items()
        if not r.gpus and r.note and name in VENDOR_WORDS
    )
    errors = tuple((name, r.failed) for name, r in results.items() if not r.gpus and r.failed)
    profile = HardwareProfile(
        gpu_errors=errors,
        os=facts.os,
        arch=facts.arch or platform.machine().lower(),
        libc=facts.libc,
        wsl=facts.wsl,
        container=facts.container,
        python=facts.python,
        cpu=facts.cpu,
        memory_mb=facts.memory_mb,
        gpus=gpus,
    )
    return Detection(profile, notes)


def detect_hardware(
    root: Path = Path("/"),
    env_path: str | None = None,
    timeout: float = 3.0,
    os_name: str | None = None,
) -> HardwareProfile:
    """This machine's hardware profile; anything that could not be detected is left out."""
    return detect(root, env_path, timeout, os_name).profile


def _system_result(future: Future[SystemFacts], os_name: str) -> SystemFacts:
    try:
        return future.result()
    except Exception:  # detection reports what it can, it never crashes
        return SystemFacts(
            os=os_name,
            arch=normalize_arch(platform.machine(), os_name),
            libc=None,
            wsl=None,
            container=None,
            python=platform.python_version(),
            cpu=CPU(cores=os.cpu_count()),
            memory_mb=None,
        )


def _probe_result(future: Future[ProbeResult]) -> ProbeResult:
    try:
        return future.result()
    except Exception as exc:  # one broken probe must not hide the others
        note = f"the probe failed: {exc.__class__.__name__}"
        return ProbeResult((), note, note)


def _merge_windows(results: dict[str, ProbeResult]) -> dict[str, ProbeResult]:
    """Windows lists every vendor's cards; NVIDIA's details come from nvidia-smi when it ran."""
    listed = results.pop("windows")
    merged: dict[str, ProbeResult] = {}
    for vendor in ("nvidia", "amd", "intel"):
        own = results.get(vendor, ProbeResult())
        if own.gpus:
            merged[vendor] = own
            continue
        from_list = tuple(g for g in listed.gpus if g.vendor == vendor)
        merged[vendor] = ProbeResult(
            from_list, own.note or listed.note or "none listed by Windows", own.failed
        )
    return merged
