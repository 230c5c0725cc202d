"""The Project step's migration question, shared by the full-screen wizard and `--plain`.

Which requirements files a project offers (those given with `--from`, then `requirements*.txt`
and pip-tools' `requirements*.in` in its folder), which of them is recommended, the question
both front ends ask, and what `--yes` says of the files it leaves alone (it migrates only
those given with --from: leaving out --from is how a script leaves them alone).
Neither Textual nor questionary is imported; `wizard.migrate` (which reads the files) and
`wizard.questions` only when they are needed.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.project import ExistingSetup
    from wizard.questions import Question

KEEP = ""  # the answer "leave the requirements files alone"
NOT_AVAILABLE = (
    "Migration is not available yet: the requirements files "
    "are left alone and the wizard starts from this machine."
)


def migration_available() -> bool:
    """Whether this version can migrate (wizard.migrate is there to import)."""
    import importlib.util  # here: `--yes` imports this module on every run

    try:
        return importlib.util.find_spec("wizard.migrate") is not None
    except (ImportError, ValueError):  # a module put in sys.modules by hand has no spec
        return "wizard.migrate" in sys.modules


# conda's environment files (`conda env export`, `conda env create -f`): YAML, not pip's format.
CONDA_FILES = ("environment.yml", "environment.yaml")


def find_requirement_files(folder: Path) -> tuple[Path, ...]:
    """requirements*.txt and requirements*.in in the project folder, requirements.in and
    requirements.txt first; pip-tools' source (.in) just before the file compiled from it
    (.txt): on a tie it is the recommendation, its loose ranges being the person's own."""
    found = [*folder.glob("requirements*.txt"), *folder.glob("requirements*.in")]
    found.sort(key=lambda p: (p.stem != "requirements", p.stem, p.suffix != ".in"))
    return tuple(p for p in found if p.is_file())


def find_conda_files(folder: Path) -> tuple[Path, ...]:
    """conda environment files in the project folder: found to be named, never read."""
    return tuple(folder / n for n in CONDA_FILES if (folder / n).is_file())


# What to do with a conda environment file's packages instead.
CONDA_WAY_OUT = (
    "put the lines of its `pip:` section into a requirements file and pass that with --from, "
    "or `uv add` the packages (conda's pytorch is torch)"
)


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def conda_note(names: Sequence[str]) -> str:
    """Why a conda environment file was not read, and the way to migrate its packages."""
    one = len(names) == 1
    return (
        f"{_and(names)} {'was' if one else 'were'} not read: conda environment files are not "
        f"migrated; {CONDA_WAY_OUT}."
    )


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def offered_files(folder: Path, migrate_from: Sequence[str] = ()) -> tuple[Path, ...]:
    """The files the Project step offers: those given with --from (not in the folder's list),
    then the folder's requirements*.txt."""
    found = find_requirement_files(folder)
    given = tuple(Path(f) for f in migrate_from if not any(_same(Path(f), p) for p in found))
    return given + found


def recommended_file(
    files: Sequence[Path],
    migrate_from: Sequence[str] = (),
    existing: ExistingSetup | None = None,
) -> Path | None:
    """The file to migrate from by default: the one given with --from, else the found file
    that includes the most of the others (the top of the `-r` chain, which migrates them all),
    unless pyproject.toml already has a torch setup (then the project is the source of truth)
    or this version cannot migrate yet."""
    if not migration_available():
        return None
    for name in migrate_from:
        for p in files:
            if _same(p, Path(name)):
                return p
    if existing and existing.targets:
        return None
    return top_of_includes(files)


def top_of_includes(files: Sequence[Path]) -> Path | None:
    """The file that requires (with -r, directly or through other files) the most of the
    others; the first one on a tie. A file that cannot be read includes nothing here (the
    Project step says why once it is chosen). A file read only through -c constrains, it
    does not require: it does not count."""
    if len(files) < 2:
        return files[0] if files else None
    from wizard.errors import WizardError
    from wizard.migrate import read_requirements

    keys = [p.resolve() for p in files]
    best, most = files[0], 0
    for path, key in zip(files, keys, strict=True):
        try:
            read = read_requirements([path])
        except WizardError:
            continue
        required = {f.path.resolve() for f in read if not f.constraints}
        count = sum(1 for k in keys if k != key and k in required)
        if count > most:
            best, most = path, count
    return best


def _what_it_gives(path: Path) -> str:
    """What migrating a file takes from it, in a few words."""
    if path.suffix == ".in":  # pip-tools' source: the person's own ranges
        return "take its own ranges (pip-tools' source) and any torch pin and index URLs"
    return "take its torch pin, builds and index URLs as the starting answers"


def shown_name(folder: Path, path: Path) -> str:
    """A file in the project folder by its name, any other by the path it was given as."""
    return path.name if path.parent.resolve() == folder.resolve() else str(path)


def migration_question(
    folder: Path,
    files: Sequence[Path],
    recommend: Path | None,
    current: Path | None,
    existing: ExistingSetup | None = None,
) -> Question | None:
    """Offer "Migrate from <file>" for each requirements file found; None when there are none.

    `current`: the file the answer starts on (None: leaving the files alone)."""
    from wizard.questions import Option, Question

    if not files:
        return None
    available = migration_available()
    options = [
        Option(
            str(p),
            f"Migrate from {shown_name(folder, p)}",
            _what_it_gives(p) if available else "migration is not available in this version yet",
            fits=available,
            recommended=p == recommend,
        )
        for p in files
    ]
    options.append(
        Option(
            KEEP,
            "Leave the requirements files alone",
            "start from this machine"
            if not existing or not existing.targets
            else "start from pyproject.toml's setup",
            recommended=recommend is None,
        )
    )
    conda = [p.name for p in find_conda_files(folder)]
    return Question(
        "migrate",
        "Project",
        "Migrate from pip?",
        "select",
        tuple(options),
        (str(current) if current else KEEP,),
        "explicit-index",
        "pip's --index-url and --extra-index-url serve every package; the wizard writes "
        "each PyTorch index as explicit, used only for the torch packages."
        + (f" {conda_note(conda)}" if conda else ""),
    )


# --------------------------------------------------------------------------------------------
# --yes: the files it leaves alone, said with the command that migrates them


@dataclass(frozen=True)
class FoundFiles:
    """The requirements files `--yes` found in the project folder and left alone: it migrates
    only files given with --from, so every answer has a flag; it says so with that flag."""

    files: tuple[Path, ...]  # requirements files not given with --from, as offered
    recommended: Path | None  # the one the Project step recommends migrating from
    conda: tuple[Path, ...]  # conda environment files, never read
    notes: tuple[str, ...]  # one sentence each, with the exact command

    def to_dict(self) -> dict[str, Any]:
        return {
            "found": [str(p) for p in self.files],
            "recommended": str(self.recommended) if self.recommended else None,
            "not_read": [str(p) for p in self.conda],
            "notes": list(self.notes),
        }


def found_for_yes(
    folder: Path,
    migrate_from: Sequence[str],
    existing: ExistingSetup | None,
    mode: str = "--yes",
) -> FoundFiles:
    """The requirements files (without --from) and conda files `--yes` (or `mode`: --dry-run)
    leaves alone, with a sentence for each kind: what was not read and the exact command that
    migrates it."""
    files = () if migrate_from else find_requirement_files(folder)
    recommended = recommended_file(files, (), existing)
    conda = find_conda_files(folder)
    notes = [_not_migrated_note(folder, files, recommended, mode)] if files else []
    if conda:
        notes.append(conda_note([p.name for p in conda]))
    return FoundFiles(files, recommended, conda, tuple(notes))


def _not_migrated_note(
    folder: Path, files: Sequence[Path], recommended: Path | None, mode: str
) -> str:
    """One sentence: the requirements files --yes did not migrate, why, and the command."""
    if not migration_available():
        return NOT_AVAILABLE
    one = len(files) == 1
    why = (
        f"pyproject.toml already has a torch setup, which {mode} keeps"
        if recommended is None
        else f"{mode} reads requirements files only when they are given with --from"
    )
    top = recommended or top_of_includes(files) or files[0]
    which = "" if one else f" ({top.name} is the one to start from)"
    others = _not_reached(top, files)
    if others:  # the command leaves them out: say how to add them
        more = " ".join(f"--from {shlex.quote(_from_here(p))}" for p in others)
        which = f" ({top.name} is the one to start from; add `{more}` for the rest)"
    return (
        f"{_and([p.name for p in files])} {'was' if one else 'were'} not migrated: {why}; "
        f"to migrate {'it' if one else 'them'}, run `{_from_command(folder, mode, top)}`{which}."
    )


def _not_reached(top: Path, files: Sequence[Path]) -> list[Path]:
    """The files `--from top` does not migrate: neither included by it (-r) nor its pip-tools
    pair (the requirements.txt compiled from requirements.in)."""
    from wizard.errors import WizardError
    from wizard.migrate import compiled_pairs, read_requirements

    try:
        read = read_requirements([top])
    except WizardError:
        return []
    reached = {f.path.resolve() for f in read if not f.constraints}
    reached |= {p.resolve() for pair in compiled_pairs(read) for p in pair}
    return [p for p in files if p.resolve() not in reached]


def _from_command(folder: Path, mode: str, path: Path) -> str:
    """`torch-wizard --yes --from FILE` as it works from the current folder."""
    here = folder.resolve() == Path.cwd().resolve()
    project = "" if here else f" -C {shlex.quote(_from_here(folder))}"
    return f"torch-wizard{project} {mode} --from {shlex.quote(_from_here(path))}"


def _from_here(path: Path) -> str:
    """The path relative to the current folder when it is under it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        rel = ".."
    return str(path.resolve()) if rel.startswith("..") else rel
