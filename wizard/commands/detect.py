"""`torch-wizard detect`: this machine's hardware (or the profiles given), as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wizard.hardware.profile import GPU, VENDOR_WORDS, HardwareProfile, load_profile_list

if TYPE_CHECKING:
    from wizard.catalog.model import Catalog

_LABEL_WIDTH = 10


def run_detect(opts: argparse.Namespace) -> int:
    """Print the profile(s); a malformed --hardware file raises BadInput (exit 2)."""
    base = _index_base(opts)  # a bad --index-base fails before the probes
    notes: tuple[str, ...] = ()
    if opts.hardware:
        profiles = [p for path in opts.hardware for p in load_profile_list(path)]
    else:
        # Here, not at the top: the full-screen wizard's first frame uses format_profile
        # and does not wait for the probes' modules.
        from wizard.hardware.detect import detect

        detection = detect()
        profiles, notes = [detection.profile], detection.notes
        if opts.json and detection.profile.gpu_errors:
            from wizard.recommend import detection_failed, detection_way_out

            # On stderr as well, so that `detect --json > box.json` does not hide it.
            print(
                f"{detection_failed(detection.profile)}; the profile records that in "
                f"gpu_errors. {detection_way_out(detection.profile)}",
                file=sys.stderr,
            )
    if opts.json:
        if len(profiles) == 1:
            print(profiles[0].to_json())
        else:
            print(json.dumps([p.to_dict() for p in profiles], indent=2))
        return 0
    catalog = _catalog(opts.offline, base)
    blocks = [format_profile(p, notes) + "\n" + format_recommendation(p, catalog) for p in profiles]
    print("\n\n".join(blocks))
    for note in catalog.notes:
        print(f"\n({note})")
    return 0


def _index_base(opts: argparse.Namespace) -> str:
    from wizard.names import DEFAULT_INDEX_BASE

    if not opts.index_base:
        return DEFAULT_INDEX_BASE
    from wizard.plan import clean_index_base

    return clean_index_base(opts.index_base, opts.allow_insecure_index)[0]


def _catalog(offline: bool, base: str) -> Catalog:
    from wizard.session import load_catalog

    return load_catalog(offline, base)


def format_recommendation(profile: HardwareProfile, catalog: Catalog) -> str:
    """The build this machine should use, with the reasons and the ways out."""
    from wizard.platforms import platform_for
    from wizard.recommend import recommend

    platform = platform_for(profile.os, profile.arch)
    if platform is None:
        return f"{'PyTorch':<{_LABEL_WIDTH}}no PyTorch wheels for {profile.os} {profile.arch}"
    rec = recommend(profile, platform.name, catalog)
    backend = "PyPI's default build" if rec.backend == "default" else rec.backend
    if rec.torch is None:  # no release has wheels for it: the reason says which
        head = f"no torch release to install ({platform.name})"
    else:
        head = f"{backend}, torch {rec.torch} ({platform.name})"
    lines = [f"{'PyTorch':<{_LABEL_WIDTH}}{head}"]
    lines += [f"{'':<{_LABEL_WIDTH}}- {r}" for r in rec.reasons]
    lines += [f"{'':<{_LABEL_WIDTH}}> {w}" for w in rec.ways_out]
    others = [o for o in rec.options if o.backend != rec.backend]
    if others:
        lines.append(f"{'':<{_LABEL_WIDTH}}Other builds:")
        for o in others:
            mark = "fits" if o.fits else "does not fit"
            lines.append(f"{'':<{_LABEL_WIDTH}}  {o.backend:<8} {mark}: {o.reason}")
    return "\n".join(lines)


def format_profile(profile: HardwareProfile, notes: Sequence[str] = ()) -> str:
    """A short readable summary; `notes` say which vendor probes found nothing, and why."""
    lines: list[tuple[str, str]] = []
    if profile.source:
        lines.append(("Profile", profile.source))
    lines.append(("System", _system_line(profile)))
    if profile.python:
        lines.append(("Python", profile.python))
    cpu = [profile.cpu.brand or "unknown CPU"]
    if profile.cpu.cores:
        cpu.append(f"{profile.cpu.cores} logical cores")
    lines.append(("CPU", ", ".join(cpu)))
    if profile.memory_mb is not None:
        lines.append(("Memory", _gb(profile.memory_mb)))
    failed = "; ".join(f"{VENDOR_WORDS.get(v, v)}: {why}" for v, why in profile.gpu_errors)
    if not profile.gpus:
        found = f"unknown, detection failed ({failed})" if failed else "none detected"
        lines.append(("GPU", found))
    elif failed:
        lines.append(("GPU", f"others unknown, detection failed ({failed})"))
    for i, gpu in enumerate(profile.gpus):
        lines.append((f"GPU {i}" if len(profile.gpus) > 1 else "GPU", _gpu_line(gpu)))
    text = "\n".join(f"{label:<{_LABEL_WIDTH}}{value}" for label, value in lines)
    if notes:
        text += "\n" + "\n".join(notes)
    return text


def _system_line(profile: HardwareProfile) -> str:
    os_label = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}.get(
        profile.os, profile.os
    )
    parts = [f"{os_label} {profile.arch}"]
    if profile.libc:
        parts.append(profile.libc)
    if profile.wsl:
        parts.append("WSL")
    if profile.container:
        parts.append("in a container")
    return ", ".join(parts)


def _gb(mib: int) -> str:
    return f"{mib / 1024:.1f} GB"


def _gpu_line(gpu: GPU) -> str:
    name = gpu.label
    facts = []
    if gpu.memory_mb:
        facts.append(_gb(gpu.memory_mb))
    if gpu.compute_capability:
        sm = gpu.compute_capability.replace(".", "")
        facts.append(f"compute capability {gpu.compute_capability} (sm_{sm})")
    if gpu.gfx:
        facts.append(gpu.gfx)
    if gpu.integrated is not None:
        facts.append("integrated" if gpu.integrated else "discrete")
    if gpu.driver_version:
        facts.append(f"driver {gpu.driver_version}")
    if gpu.pci_id and not gpu.name:
        facts.append(f"PCI {gpu.pci_id}")
    return f"{name} ({', '.join(facts)})" if facts else name
