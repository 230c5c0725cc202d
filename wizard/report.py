"""Plain-text rendering of plans and lock reports, shared by `--yes` and `--plain`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
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


def _pinned(plan: Plan) -> bool:
    """torch is pinned to one version (a nightly build by date, say)."""
    reqs = [*plan.dependencies, *(r for rs in plan.optional_dependencies.values() for r in rs)]
    return any(r.replace(" ", "").startswith("torch==") for r in reqs)


def plan_text(
    plan: Plan,
    recs: Mapping[str, Recommendation] | None = None,
    kept: Collection[str] = (),
    in_wizard: bool = False,
    migrated: Collection[str] = (),
) -> str:
    """The plan in words; `kept`: the platforms whose build was kept from pyproject.toml,
    `migrated`: those whose build the requirements files named (--yes --from).
    `in_wizard`: for a person answering questions, so the ways out name no flags."""
    lines = [
        f"Plan: torch {plan.torch_release}"
        + (" or newer" if plan.channel == "nightly" and not _pinned(plan) else "")
        + (f" ({plan.channel} channel)" if plan.channel != "stable" else "")
    ]
    for t in plan.targets:
        label = PLATFORMS[t.platform].label
        if t.backend == "default" and plan.channel != "stable":
            # PyPI has no test or nightly builds: the plan takes the channel's cpu index.
            mps = (
                " (its macOS wheel includes Apple's MPS backend)"
                if t.platform.startswith("macos")
                else ""
            )
            lines.append(f"  {label:<22} cpu ({plan.channel})")
            lines.append(
                f"  {'':<22} - PyPI has no {plan.channel} builds: the {plan.channel} cpu "
                f"index serves this platform{mps}."
            )
            continue
        if plan.variants and not t.platform.startswith("macos"):
            backend = "selectable: " + ", ".join(plan.variants)
        else:
            backend = "PyPI's build" if t.backend == "default" else t.backend
        lines.append(f"  {label:<22} {backend}")
        rec = (recs or {}).get(t.platform)
        selectable = bool(plan.variants) and not t.platform.startswith("macos")
        if selectable and rec and rec.backend not in plan.variants:
            # No build of this platform was chosen by hand or kept: the extras are the choice.
            lines.append(f"  {'':<22} - for this machine the recommendation is {rec.backend}.")
            continue
        if rec and (rec.backend == t.backend or selectable) and rec.reasons:
            for r in rec.reasons:
                lines.append(f"  {'':<22} - {r}")
            for w in rec.ways_out_in_wizard if in_wizard else rec.ways_out:
                lines.append(f"  {'':<22} > {w}")
        elif rec and rec.backend != t.backend and rec.backend:
            if t.platform in kept or t.platform in migrated:
                source = (
                    "kept from pyproject.toml"
                    if t.platform in kept
                    else "as the requirements files had it"
                )
                lines.append(
                    f"  {'':<22} - {source}; for this machine the "
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
                lines.append(f"  {'':<22} ! {t.backend} does not fit this machine: {unfit.reason}.")
    for note in plan.notes:
        lines.append(f"  * {note}")
    return "\n".join(lines)


def lock_report_text(report: LockReport, width: int | None = None) -> str:
    """The table of what each target installs; narrower than `width`, one target per two
    lines ("Linux x86_64 [cu126]" / "  2.14.1+cu126 from cu126, 1 kB")."""
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

    if width is None or sum(widths) + 6 <= width:
        out = [line(header), "-" * (sum(widths) + 6)]
        for i, r in enumerate(rows):
            out.append(line(r))
            out.extend(f"{'':<{widths[0]}}  {text}" for j, text in notes if j == i)
    else:
        out = []
        for i, r in enumerate(rows):
            source = f" from {r[2]}" if r[2] else ""
            out += [r[0], f"  {r[1]}{source}, {r[3]}"]
            out.extend(f"  {text}" for j, text in notes if j == i)
    if report.warnings:
        out.append("")
        out.extend(f"warning: {w}" for w in report.warnings)
    return "\n".join(out)


def chosen_extra(plan: Plan, here: str | None = None) -> str | None:
    """The extra to install: of selectable builds the one recommended for this machine
    (`here`), else the first; None when torch is not in an extra."""
    chosen = plan.variants or plan.torch_extras
    if not chosen:
        return None
    return here if here in chosen else chosen[0]


def sync_extra(plan: Plan, here: str | None = None) -> str:
    """What `uv sync` needs for it: ' --extra cu130', ' --group ml', ' --extra gpu --group
    vision' (torchvision in a group of its own), or ''."""
    extra = chosen_extra(plan, here)
    if extra:
        own = f" --extra {extra}"
    else:
        own = f" --group {plan.torch_groups[0]}" if plan.torch_groups else ""
    return own + _companion_flags(plan)


def _companion_flags(plan: Plan) -> str:
    return "".join(f" --{kind} {name}" for kind, name in plan.companion_homes)


def fleet_syncs(plan: Plan, machines: Sequence[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """With selectable builds and machines that need different extras: each `uv sync` command
    and the machines (profile files) it is for; [] when one command serves them all."""
    by_command: dict[str, list[str]] = {}
    for name, extra in machines:
        if extra == "any" and plan.variants:  # macOS takes PyPI's build with any of them
            extra = "cpu" if "cpu" in plan.variants else plan.variants[0]
        by_command.setdefault(f"uv sync --extra {extra}{_companion_flags(plan)}", []).append(name)
    return list(by_command.items()) if len(by_command) > 1 else []


def sync_text(plan: Plan, here: str | None, machines: Sequence[tuple[str, str]] = ()) -> str:
    """`uv sync …` for the closing line: one command, or each machine's."""
    syncs = fleet_syncs(plan, machines)
    if not syncs:
        return f"`uv sync{sync_extra(plan, here)}`"
    each = " or ".join(f"`{command}` ({', '.join(names)})" for command, names in syncs)
    return f"on each machine {each}"


def cd_command(folder: Path) -> str | None:
    """`cd my-project` when the project is not the current folder (the next commands run
    there); None when it is."""
    import os
    import shlex

    target, here = folder.resolve(), Path.cwd().resolve()
    if target == here:
        return None
    relative = os.path.relpath(target, here)
    return f"cd {shlex.quote(str(target) if relative.startswith('..') else relative)}"


def doctor_command(folder: Path, hardware: Sequence[str], machines: int) -> str:
    """`torch-wizard doctor` as the next commands run it (in the project folder): against the
    one --hardware profile the plan was made for (which may be another machine); a fleet's
    machines each check themselves with the plain command."""
    if machines > 1 or not hardware:
        return "torch-wizard doctor"
    import shlex

    return f"torch-wizard doctor --hardware {shlex.quote(from_project(folder, hardware[0]))}"


def doctor_words(folder: Path, hardware: Sequence[str], machines: int) -> str:
    """The closing line's doctor step: "`torch-wizard doctor --hardware box.json`", or for a
    fleet "`torch-wizard doctor` on each machine"."""
    command = f"`{doctor_command(folder, hardware, machines)}`"
    return command + (" on each machine" if machines > 1 else "")


def from_project(folder: Path, file: str) -> str:
    """`file` as the next commands reach it: they run in the project folder (after any `cd`).
    Relative when it is in the project or beside it, else its full path."""
    import os

    path = Path(file).resolve()
    relative = os.path.relpath(path, folder.resolve())
    return str(path) if relative.startswith(os.path.join(os.pardir, os.pardir)) else relative


def applied_text(
    folder: Path,
    plan: Plan,
    applied: Applied,
    lock: bool,
    here: str | None = None,
    machines: Sequence[tuple[str, str]] = (),
    doctor: str = "`torch-wizard doctor`",
) -> str:
    """What `apply` did, the lock report and the next steps (shared by `--yes` and `--plain`);
    `here`: the build recommended for this machine; `machines`: each machine's extra (a fleet);
    `doctor`: the doctor step in words (doctor_words)."""
    parts = list(applied.messages)
    if applied.files:  # a workspace member: the root's files too
        import os

        names = [os.path.relpath(f, folder) for f in applied.files]
        shown = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        where = "" if folder.resolve() == Path.cwd().resolve() else f" (in {folder})"
        parts.append(f"\nWrote {shown}{where}.")
    elif applied.written:
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
    cd = cd_command(folder)
    first = f"`{cd}`, then " if cd else ""
    if lock and applied.report is not None:
        sync = sync_text(plan, here, machines)
        parts.append(f"\nNext: {first}{sync}, then {doctor}.")
    elif applied.written and not lock:
        parts.append(f"\nNext: {first}`uv lock`, then {sync_text(plan, here, machines)}.")
    return "\n".join(parts)
