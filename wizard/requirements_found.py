"""The Project step's migration question, shared by the full-screen wizard and `--plain`.

Which requirements files a project offers (those given with `--from`, then `requirements*.txt`
in its folder), which of them is recommended, and the question both front ends ask. Neither
Textual nor questionary is imported; `wizard.migrate` (which reads the files) and
`wizard.questions` only when they are needed.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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
    try:
        return importlib.util.find_spec("wizard.migrate") is not None
    except (ImportError, ValueError):  # a module put in sys.modules by hand has no spec
        return "wizard.migrate" in sys.modules


def find_requirement_files(folder: Path) -> tuple[Path, ...]:
    """requirements*.txt in the project folder, requirements.txt first."""
    found = sorted(
        folder.glob("requirements*.txt"), key=lambda p: (p.name != "requirements.txt", p.name)
    )
    return tuple(p for p in found if p.is_file())


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
            "take its torch pin, builds and index URLs as the starting answers"
            if available
            else "migration is not available in this version yet",
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
    return Question(
        "migrate",
        "Project",
        "Migrate from pip?",
        "select",
        tuple(options),
        (str(current) if current else KEEP,),
        "explicit-index",
        "pip's --index-url and --extra-index-url serve every package; the wizard writes "
        "each PyTorch index as explicit, used only for the torch packages.",
    )
