"""`torch-wizard doctor`: check the project's environment against the hardware."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from wizard.errors import ArgumentParser, BadInput
from wizard.hardware.profile import HardwareProfile


def _parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="torch-wizard doctor",
        description="Check that the project's environment holds the PyTorch build this "
        "machine needs: the installed packages against uv.lock, the driver, the GPU's "
        "architecture and the companions (with no environment yet, what uv.lock would "
        "install). Exit code 0 when healthy, 1 when not, 2 for bad input.",
    )
    p.add_argument(
        "-C",
        "--project",
        metavar="DIR",
        default=".",
        help="project folder (default: the current folder)",
    )
    p.add_argument("--json", action="store_true", help="the findings as JSON on stdout")
    p.add_argument(
        "--run",
        action="store_true",
        help="also import torch in the environment and try a tiny tensor on each "
        "device of this machine (up to 60 s; not with --hardware)",
    )
    p.add_argument(
        "--hardware",
        metavar="FILE",
        action="append",
        help="check against this hardware profile instead of detecting the machine "
        "(not with --run, which tries this machine)",
    )
    p.add_argument("--offline", action="store_true", help="use only the bundled catalog")
    return p


def _hardware(paths: list[str] | None) -> HardwareProfile:
    if paths and len(paths) > 1:
        raise BadInput(
            f"--hardware names {len(paths)} profiles; doctor checks one machine at a time.",
            "Run `torch-wizard doctor --hardware FILE` once per profile.",
        )
    path = paths[0] if paths else None
    if path:
        from wizard.hardware.profile import load_profile_list

        profiles = load_profile_list(path)
        if len(profiles) > 1:
            raise BadInput(
                f"{path} holds {len(profiles)} hardware profiles; doctor checks one machine.",
                "Pass one machine's profile (`torch-wizard detect --json > FILE` on it).",
            )
        return profiles[0]
    from wizard.hardware.detect import detect_hardware

    return detect_hardware()


def _enclosing_project(folder: Path) -> Path | None:
    """The nearest folder above `folder` with a pyproject.toml (where uv would look)."""
    return next((p for p in folder.resolve().parents if (p / "pyproject.toml").is_file()), None)


def _check_input(opts: argparse.Namespace) -> Path:
    """The project folder; BadInput (exit 2, nothing read or written) when there is none to
    check, or when the flags ask for two machines at once."""
    if opts.run and opts.hardware:
        # --run imports torch here; judging that against another machine's profile mixes two
        # machines (a driver that is not this one's, GPUs this one does not have).
        raise BadInput(
            "--run tries torch on this machine, not on the machine in the --hardware profile.",
            "Leave out --hardware to check this machine with --run, or drop --run to check the "
            "project against the profile.",
        )
    folder = Path(opts.project)
    if not folder.is_dir():
        raise BadInput(
            f"The project folder {folder} does not exist.", "Pass an existing folder with -C."
        )
    if not (folder / "pyproject.toml").is_file():
        # `uv sync` (every fix doctor prints) needs a project: say so rather than recommend it.
        import shlex

        here = folder.resolve() == Path.cwd().resolve()
        setup = "`torch-wizard`" if here else f"`torch-wizard -C {shlex.quote(str(folder))}`"
        parent = _enclosing_project(folder)
        other = (
            f"check the project above it with `torch-wizard doctor -C {shlex.quote(str(parent))}`"
            if parent
            else "pass the project's folder with -C"
        )
        raise BadInput(
            f"No pyproject.toml in {folder.resolve()}, so there is no project to check.",
            f"Run {setup} first to set up PyTorch there, or {other}.",
        )
    return folder


def run_doctor(args: list[str]) -> int:
    """Print the checklist (or JSON); 0 when healthy, 1 when not, BadInput (2) for bad input."""
    opts = _parser().parse_args(args)
    folder = _check_input(opts)
    from wizard.doctor import RUN_TIMEOUT, Style, diagnose, read_setup, report_text

    # First: a pyproject.toml that uv cannot read either stops here with the reader's error
    # (exit 2), before anything slow; the setup also names the mirror the project uses.
    setup = read_setup(folder)
    profile = _hardware(opts.hardware)
    from wizard.plan import DEFAULT_INDEX_BASE
    from wizard.session import load_catalog

    existing = setup.existing
    base = existing.index_base if existing and existing.index_base else None
    catalog = load_catalog(opts.offline, base or DEFAULT_INDEX_BASE)
    if opts.run and not opts.json:
        print(
            f"Importing torch in the project's environment (up to {RUN_TIMEOUT:.0f} s)...",
            file=sys.stderr,
        )
    # Fixes are copied and run from the current folder: they name the project's folder when
    # it is another one.
    here = folder.resolve() == Path.cwd().resolve()
    report = diagnose(
        folder.resolve(),
        profile,
        catalog,
        run=opts.run,
        setup=setup,
        fix_dir=None if here else str(folder),
    )
    if opts.json:
        print(json.dumps(report.to_dict(), indent=2))
        return report.exit_code
    for note in catalog.notes:
        print(note, file=sys.stderr)
    style = Style.for_stream(getattr(sys.stdout, "encoding", None), sys.stdout.isatty(), os.environ)
    print(report_text(report, style))
    return report.exit_code
