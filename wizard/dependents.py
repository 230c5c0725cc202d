"""What the project's other dependencies require of torch, read from their published metadata.

uv applies [tool.uv.sources] only to direct dependencies, so the wizard makes torch direct; the
range it writes must still satisfy packages that pull torch in (torchmetrics, lightning, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from wizard.names import canonical_name

TORCH_NAMES = ("torch", "torchvision", "torchaudio")


@dataclass(frozen=True)
class TorchRequirement:
    dependent: str  # "torchmetrics 1.6.0"
    package: str  # torch, torchvision, torchaudio
    specifier: str  # ">=2.0.0"


def direct_requirements(dependencies: Sequence[object]) -> list[Requirement]:
    found = []
    for d in dependencies:
        if not isinstance(d, str):
            continue
        try:
            req = Requirement(d)
        except InvalidRequirement:
            continue
        if canonical_name(req.name) not in TORCH_NAMES and not req.url:
            found.append(req)
    return found


def torch_requirements(
    dependencies: Sequence[object], index_url: str, timeout: float = 4.0
) -> list[TorchRequirement]:
    """For each direct dependency, its newest allowed release's requirements on torch.

    Network trouble means no answer for that package (the lock then says what conflicts).
    """
    from wizard.catalog.live import IndexUnreachable, WheelFile, fetch_many, fetch_metadata_requires

    reqs = direct_requirements(dependencies)
    if not reqs:
        return []
    answers = fetch_many([(index_url, r.name) for r in reqs], timeout=timeout)
    out: list[TorchRequirement] = []
    for req in reqs:
        files = answers.get((index_url, req.name))
        if not isinstance(files, list):
            continue
        best: WheelFile | None = None
        for f in files:
            if not f.core_metadata:
                continue
            try:
                version = Version(f.public_version)
            except InvalidVersion:
                continue
            if version.is_prerelease or not req.specifier.contains(version):
                continue
            if best is None or version > Version(best.public_version):
                best = f
        if best is None:
            continue
        try:
            requires = fetch_metadata_requires(best, timeout=timeout)
        except (IndexUnreachable, OSError):
            continue
        for line in requires:
            try:
                dep = Requirement(line)
            except InvalidRequirement:
                continue
            if dep.marker is not None and "extra" in str(dep.marker):
                continue  # only what the package always needs
            name = canonical_name(dep.name)
            if name in TORCH_NAMES and str(dep.specifier):
                out.append(
                    TorchRequirement(f"{req.name} {best.public_version}", name, str(dep.specifier))
                )
    return out


def allowed_by(requirements: Sequence[TorchRequirement], version: str) -> bool:
    return all(
        SpecifierSet(r.specifier).contains(version, prereleases=True)
        for r in requirements
        if r.package == "torch"
    )
