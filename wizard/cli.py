"""Command line: parse arguments, pick the front end, map failures to exit codes.

Imports are lazy so that `--yes` and `detect` never load Textual or questionary.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from wizard import __version__
from wizard.errors import ArgumentParser, BadInput, WizardError

SUBCOMMANDS = ("detect", "doctor", "explain")


def _main_parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="torch-wizard",
        description="Put the right PyTorch build into a uv project: detect the machine, choose "
        "targets and accelerators, write pyproject.toml and run `uv lock`.",
        epilog="Other commands: `torch-wizard detect [--json]`, `torch-wizard doctor [-C DIR]`, "
        "`torch-wizard explain [TOPIC]`.",
    )
    p.add_argument("--version", action="version", version=f"torch-wizard {__version__}")
    p.add_argument(
        "-C",
        "--project",
        metavar="DIR",
        default=".",
        help="project folder (default: the current folder)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--plain", action="store_true", help="step-by-step prompts instead of the full-screen UI"
    )
    mode.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="ask nothing: take the recommendation, adjusted by the flags below",
    )
    p.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="PLATFORM[=BACKEND]",
        help="a target platform and its backend (repeatable). PLATFORM: linux-x86_64, "
        "linux-aarch64, macos-arm64, macos-x86_64, windows-x86_64, windows-arm64. "
        "BACKEND: auto, cpu, cuNNN, rocmX.Y, xpu, default (PyPI's build)",
    )
    p.add_argument(
        "--variants",
        metavar="LIST",
        help="selectable variants as extras with conflicts, e.g. cpu,cu130",
    )
    p.add_argument(
        "--torch",
        metavar="SPEC",
        help="torch version (default: the newest that serves every target)",
    )
    p.add_argument(
        "--with",
        dest="with_",
        action="append",
        default=[],
        metavar="PKG",
        help="add a companion package: torchvision, torchaudio, torchao (repeatable; the "
        "project's own stay)",
    )
    p.add_argument("--python", metavar="SPEC", help="requires-python for a new project")
    p.add_argument(
        "--from",
        dest="from_",
        action="append",
        default=[],
        metavar="FILE",
        help="migrate from a pip requirements file (repeatable)",
    )
    p.add_argument(
        "--hardware",
        action="append",
        default=[],
        metavar="FILE",
        help="plan for the machine(s) in these profiles (repeatable)",
    )
    p.add_argument(
        "--index-base",
        metavar="URL",
        help="base of the PyTorch indexes, e.g. a mirror "
        "(default: https://download.pytorch.org/whl)",
    )
    p.add_argument(
        "--channel",
        choices=("stable", "test", "nightly"),
        default=None,
        help="stable, test or nightly builds (default: the project's channel, else stable)",
    )
    p.add_argument(
        "--allow-insecure-index",
        action="store_true",
        help="accept an http:// index base on a host other than this machine",
    )
    p.add_argument(
        "--lock-scope",
        choices=("all", "targets"),
        default=None,
        help="lock for every platform (all, the default) or only the chosen targets",
    )
    p.add_argument(
        "--annotate",
        action="store_true",
        help="write a one-line comment above each block the wizard owns",
    )
    p.add_argument("--offline", action="store_true", help="use only the bundled catalog")
    p.add_argument(
        "--no-lock", action="store_true", help="write pyproject.toml, do not run uv lock"
    )
    p.add_argument("--dry-run", action="store_true", help="print plan and diff, write nothing")
    p.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    return p


def _detect_parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="torch-wizard detect",
        description="This machine's hardware and the PyTorch builds it can run.",
    )
    p.add_argument("--json", action="store_true", help="print the hardware profile as JSON")
    p.add_argument(
        "--hardware",
        action="append",
        default=[],
        metavar="FILE",
        help="describe these profiles instead of this machine",
    )
    p.add_argument("--offline", action="store_true", help="use only the bundled catalog")
    p.add_argument(
        "--index-base",
        metavar="URL",
        help="base of the PyTorch indexes to read, e.g. a mirror "
        "(default: https://download.pytorch.org/whl)",
    )
    p.add_argument(
        "--allow-insecure-index",
        action="store_true",
        help="accept an http:// index base on a host other than this machine",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # Start-up (imports, reading the project) makes only objects that live as long as the
    # program: the cyclic collector finds nothing to free there, yet ran ~120 times before
    # the first screen (15 ms). It is paused until the work begins (resume_gc).
    paused = gc.isenabled()
    gc.disable()
    try:
        if set(args) & set(SUBCOMMANDS):
            args = _subcommand_first(args)
        if args and args[0] in SUBCOMMANDS:
            return _run_subcommand(args[0], args[1:])
        if "migrate" in args and _subcommand_first(args, ("migrate",))[0] == "migrate":
            # a command people expect; the wizard has --from. The files follow the word.
            after = args[args.index("migrate") + 1 :]
            named = next((after[:i] for i, a in enumerate(after) if a.startswith("-")), after)
            files = " ".join(f"--from {f}" for f in named)
            raise BadInput(
                "torch-wizard has no migrate command: the wizard migrates requirements files "
                "given with --from.",
                f"Use `torch-wizard {files or '--from requirements.txt'}`.",
            )
        return _run_wizard(_main_parser().parse_args(args))
    except WizardError as exc:
        print(f"torch-wizard: {exc}", file=sys.stderr)
        return _json_error(args, str(exc), exc.exit_code)
    except KeyboardInterrupt:
        print("\nInterrupted. No changes were made.", file=sys.stderr)
        return _json_error(args, "Interrupted. No changes were made.", 130)
    except BrokenPipeError:  # `torch-wizard ... | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if paused:
            gc.enable()


def _json_error(args: Sequence[str], message: str, code: int) -> int:
    """With --json a script reading stdout gets the error too; returns the exit code."""
    if "--json" in args:
        import json

        print(json.dumps({"error": message, "exit_code": code}, indent=2))
    return code


def resume_gc(freeze: bool = False) -> None:
    """Turn the cyclic collector back on once start-up is over. `freeze` (the full-screen
    wizard, a process of its own) also keeps the start-up objects out of later collections,
    so none of them pauses the screen to look through them all again."""
    if not gc.isenabled():
        if freeze:
            gc.freeze()
        gc.enable()


def _subcommand_first(args: list[str], names: Sequence[str] = SUBCOMMANDS) -> list[str]:
    """`torch-wizard -C DIR doctor` as `torch-wizard doctor -C DIR` (the subcommand's own
    parser then says which of the options it does not take)."""
    actions = _main_parser()._option_string_actions
    takes_value = False
    for i, arg in enumerate(args):
        if takes_value:
            takes_value = False
        elif arg in names:
            return [arg, *args[:i], *args[i + 1 :]]
        elif arg in actions and actions[arg].nargs != 0:
            takes_value = True
    return args


def interactive_terminal() -> bool:
    """Both ends on a terminal (a closed stdin or stdout is None in Python: not one)."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def _run_subcommand(name: str, args: list[str]) -> int:
    if name == "detect":
        opts = _detect_parser().parse_args(args)
        from wizard.commands.detect import run_detect

        resume_gc()
        return run_detect(opts)
    if name == "doctor":
        from wizard.commands.doctor import run_doctor

        resume_gc()
        return run_doctor(args)
    from wizard.commands.explain import run_explain

    resume_gc()
    return run_explain(args)


def _run_wizard(opts: argparse.Namespace) -> int:
    from pathlib import Path

    if (Path(opts.project) / ".torch-wizard-journal.json").exists():
        from wizard.lock import recover  # only then: it is slow to import

        message = recover(Path(opts.project))
        if message:
            print(message, file=sys.stderr)
    if opts.yes or opts.dry_run and not opts.plain:
        from wizard.commands.apply import run_noninteractive

        resume_gc()
        return run_noninteractive(opts)
    if opts.json:
        raise BadInput(
            "--json goes with --yes: the questions are asked at the terminal.",
            "Use `torch-wizard --yes --json` with a flag for every choice.",
        )
    if opts.plain:
        from wizard.prompts import run_prompts

        resume_gc()
        plain_code: int = run_prompts(opts)
        return plain_code
    if os.environ.get("TERM") == "dumb":
        raise BadInput(
            "This terminal (TERM=dumb) cannot show the full-screen wizard.",
            "Use `--plain` for step-by-step prompts, or `--yes` with flags for every choice.",
        )
    if not interactive_terminal():
        raise BadInput(
            "torch-wizard needs a terminal to ask its questions (so does --plain).",
            "Use `--yes` with a flag for every choice, or `--yes --dry-run` to see the plan.",
        )
    from wizard.tui.app import run_tui

    code: int = run_tui(opts)
    return code
