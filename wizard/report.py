"""Plain-text rendering of plans and lock reports, shared by `--yes` and `--plain`."""

from __future__ import annotations

from collections.abc import Mapping

from wizard.lock import LockReport
from wizard.plan import Plan
from wizard.platforms import PLATFORMS
from wizard.recommend import Recommendation


def size_text(n: int) -> str:
    if n >= 1_000_000_000:
        return f"{n / 1_000_000_000:.1f} GB"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.0f} MB"
    if n >= 1000:
        return f"{n / 1000:.0f} kB"
    return f"{n} B"


def plan_text(plan: Plan, recs: Mapping[str, Recommendation] | None = None) -> str:
    lines = [f"Plan: torch {plan.torch_release}"
             + (f" ({plan.channel} channel)" if plan.channel != "stable" else "")]
    for t in plan.targets:
        label = PLATFORMS[t.platform].label
        if plan.variants and not t.platform.startswith("macos"):
            backend = "selectable: " + ", ".join(plan.variants)
        else:
            backend = "PyPI's build" if t.backend == "default" else t.backend
        lines.append(f"  {label:<22} {backend}")
        rec = (recs or {}).get(t.platform)
        if rec and rec.backend == t.backend and rec.reasons:
            for r in rec.reasons:
                lines.append(f"  {'':<22} - {r}")
            for w in rec.ways_out:
                lines.append(f"  {'':<22} > {w}")
        elif rec and rec.backend != t.backend and rec.backend:
            lines.append(f"  {'':<22} - your choice; the recommendation was {rec.backend}: "
                         f"{rec.summary}")
    for note in plan.notes:
        lines.append(f"  * {note}")
    return "\n".join(lines)


def lock_report_text(report: LockReport) -> str:
    header = f"{'Target':<28} {'torch':<18} {'from':<24} {'download':>9}"
    rows = [header, "-" * len(header)]
    for t in report.targets:
        label = PLATFORMS[t.platform].label + (f" [{t.extra}]" if t.extra else "")
        torch = t.torch
        version = torch.version if torch else "(none)"
        source = _index_name(torch.index) if torch else ""
        others = ", ".join(f"{n} {p.version}" for n, p in t.packages.items() if n != "torch")
        rows.append(f"{label:<28} {version:<18} {source:<24} {size_text(t.download_bytes):>9}")
        if others:
            rows.append(f"{'':<28} {others}")
        if t.cuda_from_pypi:
            rows.append(f"{'':<28} includes CUDA libraries (nvidia-* wheels) from PyPI")
    if report.warnings:
        rows.append("")
        rows.extend(f"warning: {w}" for w in report.warnings)
    return "\n".join(rows)


def _index_name(url: str) -> str:
    url = url.rstrip("/")
    if "pypi.org" in url or url.endswith("/simple"):
        return "PyPI"
    parts = url.split("/")
    return "/".join(parts[-2:]) if parts[-2] in ("nightly", "test") else parts[-1]
