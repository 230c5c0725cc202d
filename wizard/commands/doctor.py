"""`torch-wizard doctor`: check the project's environment against the hardware."""

from __future__ import annotations

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
        "architecture and the companions. Exit code 0 when healthy, 1 when not.",
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
        "device (up to 60 s)",
    )
    p.add_argument(
        "--hardware",
        metavar="FILE",
        help="check against this hardware profile instead of detecting the machine",
    )
    p.add_argument("--offline", action="store_true", help="use only the bundled catalog")
    return p


def _hardware(path: str | None) -> HardwareProfile:
    if path:
        from wizard.hardware.profile import load_profile

        return load_profile(path)
    from wizard.hardware.detect import detect_hardware

    return detect_hardware()


def run_doctor(args: list[str]) -> int:
    """Print the checklist (or JSON); 0 when healthy, 1 when not, BadInput (2) for bad input."""
    opts = _parser().parse_args(args)
    folder = Path(opts.project)
    if not folder.is_dir():
        raise BadInput(
            f"The project folder {folder} does not exist.", "Pass an existing folder with -C."
        )
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
    report = diagnose(folder.resolve(), profile, catalog, run=opts.run, setup=setup)
    if opts.json:
        print(json.dumps(report.to_dict(), indent=2))
        return report.exit_code
    for note in catalog.notes:
        print(note, file=sys.stderr)
    style = Style.for_stream(getattr(sys.stdout, "encoding", None), sys.stdout.isatty(), os.environ)
    print(report_text(report, style))
    return report.exit_code
