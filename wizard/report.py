"""Plain-text rendering of plans and lock reports, shared by `--yes` and `--plain`."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.lock import LockReport, index_label
from wizard.plan import Plan
from wizard.platforms import PLATFORMS
from wizard.recommend import Recommendation

if TYPE_CHECKING:
    from wizard.session import Applied


def size_text(n: int) -> str:
    if n >= 1_000_000_000:
        return f"{n / 1_000_000_000:.1f} GB"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.0f} MB"
    if n >= 1000:
        return f"{n / 1000:.0f} kB"
    return f"{n} B"


def plan_text(
    plan: Plan, recs: Mapping[str, Recommendation] | None = None, kept: Collection[str] = ()
) -> str:
    """The plan in words; `kept`: the platforms whose build was kept from pyproject.toml."""
    lines = [
        f"Plan: torch {plan.torch_release}"
        + (f" ({plan.channel} channel)" if plan.channel != "stable" else "")
    ]
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
            if t.platform in kept:
                lines.append(
                    f"  {'':<22} - kept from pyproject.toml; for this machine the "
                    f"recommendation is {rec.backend}: {rec.summary}"
                )
                if rec.torch == plan.torch_release:
                    lines.append(
                        f"  {'':<22} > --target {t.platform}={rec.backend} switches to it."
                    )
            else:
                lines.append(
                    f"  {'':<22} - your choice; the recommendation was {rec.backend}: {rec.summary}"
                )
            unfit = next((o for o in rec.options if o.backend == t.backend and not o.fits), None)
            if unfit is not None:
                lines.append(
                    f"  {'':<22} ! {t.backend} will not run on this machine: {unfit.reason}."
                )
    for note in plan.notes:
        lines.append(f"  * {note}")
    return "\n".join(lines)


def lock_report_text(report: LockReport) -> str:
    rows: list[tuple[str, str, str, str]] = []
    notes: list[tuple[int, str]] = []
    for t in report.targets:
        label = PLATFORMS[t.platform].label + (f" [{t.extra}]" if t.extra else "")
        torch = t.torch
        rows.append(
            (
                label,
                torch.version if torch else "(none)",
                index_label(torch.index) if torch else "",
                size_text(t.download_bytes),
            )
        )
        others = ", ".join(f"{n} {p.version}" for n, p in t.packages.items() if n != "torch")
        if others:
            notes.append((len(rows) - 1, others))
        if t.cuda_from_pypi:
            notes.append((len(rows) - 1, "includes CUDA libraries (nvidia-* wheels) from PyPI"))
    header = ("Target", "torch", "from", "download")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(r: tuple[str, str, str, str]) -> str:
        return (
            f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]:>{widths[3]}}"
        ).rstrip()

    out = [line(header), "-" * (sum(widths) + 6)]
    for i, r in enumerate(rows):
        out.append(line(r))
        out.extend(f"{'':<{widths[0]}}  {text}" for j, text in notes if j == i)
    if report.warnings:
        out.append("")
        out.extend(f"warning: {w}" for w in report.warnings)
    return "\n".join(out)


def applied_text(folder: Path, plan: Plan, applied: Applied, lock: bool) -> str:
    """What `apply` did, the lock report and the next step (shared by `--yes` and `--plain`)."""
    parts = list(applied.messages)
    if applied.written:
        locked = " and uv.lock" if applied.locked else ""
        parts.append(f"\nWrote {folder / 'pyproject.toml'}{locked}.")
    elif applied.locked:
        parts.append("\nWrote uv.lock (pyproject.toml already had this configuration).")
    if applied.report is not None:
        parts.append("\n" + lock_report_text(applied.report))
    if plan.credential_env:
        parts.append(
            "\nSet "
            + " and ".join(plan.credential_env)
            + " for the index credentials (they were not written to any file)."
        )
    if lock and applied.report is not None:
        chosen = plan.variants or plan.torch_extras
        extra = f" --extra {chosen[0]}" if chosen else ""
        parts.append(f"\nNext: `uv sync{extra}`, then `torch-wizard doctor`.")
    return "\n".join(parts)
