"""Machine-specific sentences for the teaching texts ("your RTX 3060 is sm_86, ...").

Computed from the hardware profile and the catalog, so each fact stays in the data file.
"""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from wizard.catalog.model import Catalog
from wizard.hardware.profile import HardwareProfile
from wizard.platforms import platform_for
from wizard.recommend import intel_runs_xpu, recommend


def machine_notes(topic: str, profile: HardwareProfile, catalog: Catalog) -> list[str]:
    tp = platform_for(profile.os, profile.arch)
    if tp is None:
        return [f"PyTorch publishes no wheels for {profile.os} {profile.arch}."]
    release = catalog.newest()
    cuda = sorted((v for v in release.variants_on(tp.name) if v.startswith("cu")), key=lambda v: v)
    notes: list[str] = []
    nvidia = profile.gpus_of("nvidia")
    if topic == "compute-capability":
        for g in nvidia:
            if not g.compute_capability:
                notes.append(f"The compute capability of your {g.name} was not detected.")
                continue
            sm = "sm_" + g.compute_capability.replace(".", "")
            fits: list[str] = []
            misses: list[str] = []
            for v in cuda:
                support = catalog.arch_support(release.minor, v, tp.name, g.compute_capability)
                if support is not None:
                    (fits if support.ok else misses).append(v)
            line = f"Your {g.name} is {sm}"
            if fits and not misses:
                line += f": every CUDA build of torch {release.minor} has kernels for it"
            elif fits:
                line += (
                    f": torch {release.minor}'s {', '.join(fits)} have kernels for it, "
                    f"{', '.join(misses)} do not"
                )
            else:
                line += f": no CUDA build of torch {release.minor} has kernels for it"
            notes.append(line + ".")
        if not nvidia:
            notes.append("No NVIDIA GPU was found on this machine.")
    elif topic == "driver":
        driver = profile.nvidia_driver
        if not driver:
            notes.append("No NVIDIA driver was found on this machine.")
        else:
            os_name = "windows" if profile.wsl else profile.os
            # Builds grouped by the driver they need: "cu130 and cu132 (need 580)".
            ok: dict[str | None, list[str]] = {}
            too_old: dict[str | None, list[str]] = {}
            for v in cuda:
                need = catalog.min_driver(v, os_name)
                try:
                    runs = need is None or Version(driver) >= Version(need)
                except InvalidVersion:
                    continue
                (ok if runs else too_old).setdefault(need, []).append(v)
            notes.append(
                f"Your driver is {driver}"
                + (" (the Windows driver, seen from WSL)" if profile.wsl else "")
                + "."
            )
            if ok:
                notes.append(f"It runs torch {release.minor}'s {_by_driver(ok)}.")
            if too_old:
                notes.append(f"It is too old for {_by_driver(too_old)}.")
    elif topic == "rocm":
        for g in profile.gpus_of("amd"):
            if not g.gfx:
                notes.append(f"The gfx target of your {g.name or 'AMD GPU'} was not detected.")
                continue
            builds = [
                v
                for v in release.variants_on(tp.name)
                if v.startswith("rocm") and g.gfx in catalog.rocm_gfx.get(v, frozenset())
            ]
            notes.append(
                f"Your {g.name or 'AMD GPU'} is {g.gfx}: "
                + (
                    f"built into torch {release.minor}'s {', '.join(builds)}."
                    if builds
                    else f"no ROCm build of torch {release.minor} includes it."
                )
            )
        if not profile.gpus_of("amd"):
            notes.append("No AMD GPU was found on this machine.")
    elif topic == "xpu":
        intel = profile.gpus_of("intel")
        for g in intel:
            name = g.name or f"Intel GPU {g.pci_id or ''}".strip()
            notes.append(
                f"Your {name} "
                + (
                    "runs the xpu build."
                    if intel_runs_xpu(g, catalog)
                    else "is not one the xpu build supports."
                )
            )
        if not intel:
            notes.append("No Intel GPU was found on this machine.")
    elif topic == "mps":
        apple = profile.gpus_of("apple")
        notes.append(
            f"Your {apple[0].name} has MPS in PyPI's macOS wheel."
            if apple
            else "This is not an Apple Silicon Mac."
        )
    if topic in ("cpu-vs-cuda", "pypi-default", "indexes"):
        rec = recommend(profile, tp.name, catalog)
        backend = "PyPI's default build" if rec.backend == "default" else rec.backend
        notes.append(
            f"For this machine ({tp.label}) the wizard recommends {backend}: {rec.summary}"
        )
    return notes


def _by_driver(groups: dict[str | None, list[str]]) -> str:
    """{"580": ["cu130", "cu132"], "525.60.13": ["cu126"]} -> "cu130 and cu132 (need 580),
    cu126 (needs 525.60.13)"."""
    parts = []
    for need, builds in groups.items():
        names = builds[0] if len(builds) == 1 else ", ".join(builds[:-1]) + " and " + builds[-1]
        if need is None:
            parts.append(names)
        else:
            parts.append(f"{names} ({'needs' if len(builds) == 1 else 'need'} {need})")
    return ", ".join(parts)
