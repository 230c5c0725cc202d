"""The catalog: what PyTorch publishes, as plain frozen data with queries.

Loaded from the bundled data file (`data/pytorch.json`, every fact with its source) and,
when the index is reachable, refreshed from it (wizard.catalog.refresh).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from wizard.errors import BadInput


def _v(text: str) -> Version:
    return Version(text)


def minor_of(version: str) -> str:
    """'2.15.0+cu130' -> '2.15'."""
    v = _v(version)
    return f"{v.major}.{v.minor}"


@dataclass(frozen=True)
class Release:
    """One torch release line (2.15): its patch versions and where each variant exists."""

    minor: str
    versions: tuple[str, ...]  # ascending
    python: tuple[str, ...]  # "3.11", ...
    variants: Mapping[str, frozenset[str]]  # variant -> platform names with wheels
    stable: tuple[str, ...] = ()
    experimental: tuple[str, ...] = ()
    pypi: Mapping[str, str] = field(default_factory=dict)  # platform -> build PyPI ships
    confidence: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""
    # (variant, platform) -> Python versions, when the live index told us
    python_by_target: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    seen_live: bool = False

    @property
    def latest(self) -> str:
        return self.versions[-1]

    def variants_on(self, platform: str) -> tuple[str, ...]:
        return tuple(v for v, plats in self.variants.items() if platform in plats)

    def has_wheels(self, platform: str) -> bool:
        """Any build of this release for `platform`: PyPI's or one of the variants'."""
        return platform in self.pypi or any(platform in p for p in self.variants.values())

    def has(self, variant: str, platform: str, python: str | None = None) -> bool:
        if variant == "default":
            return platform in self.pypi
        if platform not in self.variants.get(variant, frozenset()):
            return False
        if python is None:
            return True
        pys = self.python_by_target.get((variant, platform))
        return python in (pys if pys is not None else self.python)

    def pythons_for(self, variant: str, platform: str) -> frozenset[str]:
        return self.python_by_target.get((variant, platform), frozenset(self.python))


@dataclass(frozen=True)
class ArchRow:
    """The GPU architectures a range of releases of some CUDA variants is compiled for."""

    variants: tuple[str, ...]
    first: str  # release minor, inclusive
    last: str | None  # inclusive; None: open
    platforms: str  # "x86" (linux x86_64 and windows) or "aarch64"
    sm: tuple[str, ...]  # "7.5", ...
    ptx: str | None

    def covers_release(self, minor: str) -> bool:
        v = _v(minor)
        return _v(self.first) <= v and (self.last is None or v <= _v(self.last))


@dataclass(frozen=True)
class ArchSupport:
    """Whether a build has kernels for a GPU, and how."""

    ok: bool
    how: str  # "cubin sm_86", "PTX 12.0 (JIT)", "" when not ok
    arch_list: tuple[str, ...]
    ptx: str | None


@dataclass(frozen=True)
class Catalog:
    """The facts about PyTorch releases: bundled, or refreshed from the live index."""

    releases: tuple[Release, ...]  # newest first
    cuda: Mapping[str, tuple[str, str, str]]  # variant -> (toolkit, linux min, windows min)
    arch_rows: tuple[ArchRow, ...]
    rocm_gfx: Mapping[str, frozenset[str]]
    triton: Mapping[str, str]  # "rocm"/"xpu" -> package
    companions: tuple[Mapping[str, str | None], ...]
    tegra_cc: frozenset[str]
    tegra_words: tuple[str, ...]
    xpu_words: tuple[str, ...]
    sizes_mb: Mapping[str, int]
    macos_x86_64_last: str
    sources: Mapping[str, str]
    snapshot: str
    compiled_against_torch: frozenset[str] = frozenset()
    # (package, version) -> the variants whose index lacks that companion build
    companion_gaps: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    origin: str = "bundled"  # "bundled" or "live"
    notes: tuple[str, ...] = ()

    # -- releases -------------------------------------------------------------------
    def newest(self) -> Release:
        return self.releases[0]

    def release(self, minor: str) -> Release | None:
        for r in self.releases:
            if r.minor == minor:
                return r
        return None

    def releases_matching(self, spec: str | None) -> tuple[Release, ...]:
        """Releases (newest first) with at least one version inside `spec`."""
        if not spec:
            return self.releases
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        text = spec.strip()
        if text and text[0].isdigit():  # '2.15' and '2' are release lines, '2.*' is one too
            text = f"=={text}.*" if text.count(".") <= 1 and "*" not in text else f"=={text}"
        try:
            s = SpecifierSet(text)
        except InvalidSpecifier:
            raise BadInput(
                f"'{spec}' is not a torch version or version range.",
                "Use e.g. --torch 2.15, --torch 2.14.1 or --torch '>=2.14,<2.16'.",
            ) from None
        return tuple(
            r for r in self.releases if any(s.contains(v, prereleases=True) for v in r.versions)
        )

    # -- CUDA ------------------------------------------------------------------------
    def min_driver(self, variant: str, os_name: str) -> str | None:
        info = self.cuda.get(variant)
        if info is None:
            return None
        return info[2] if os_name == "windows" else info[1]

    def cuda_toolkit(self, variant: str) -> str | None:
        info = self.cuda.get(variant)
        return info[0] if info else None

    def arch_support(
        self, minor: str, variant: str, platform: str, capability: str
    ) -> ArchSupport | None:
        """Kernels for compute capability `capability` in this build; None when unknown."""
        family = "aarch64" if platform.endswith("aarch64") else "x86"
        rows = [r for r in self.arch_rows if variant in r.variants and r.platforms == family]
        row = next((r for r in rows if r.covers_release(minor)), None)
        if row is None and rows and variant in self.cuda:
            # A release newer than the data: the newest row of that variant applies.
            newest = max(rows, key=lambda r: _v(r.first))
            if _v(minor) > _v(newest.first):
                row = newest
        if row is None:
            return None
        try:
            cap = _v(capability)
        except InvalidVersion:
            return None
        same_major = [sm for sm in row.sm if _v(sm).major == cap.major and _v(sm) <= cap]
        if same_major:
            best = max(same_major, key=_v)
            return ArchSupport(True, f"sm_{best.replace('.', '')} kernels", row.sm, row.ptx)
        if row.ptx is not None and _v(row.ptx) <= cap:
            return ArchSupport(
                True, f"PTX {row.ptx} compiled at first use (slower start)", row.sm, row.ptx
            )
        return ArchSupport(False, "", row.sm, row.ptx)

    # -- companions ------------------------------------------------------------------
    def companion_for(self, torch_version: str, package: str) -> str | None:
        public = str(_v(torch_version).public)
        for row in self.companions:
            if row.get("torch") == public:
                return row.get(package)
        return None

    def companion_missing(self, release: Release, package: str, variant: str) -> str | None:
        """The paired version of `package` when the `variant` index has no build of it."""
        for torch_version in release.versions:
            version = self.companion_for(torch_version, package)
            if version and variant in self.companion_gaps.get((package, version), ()):
                return version
        return None

    def companion_spec(self, release: Release, package: str) -> str | None:
        """A requirement range for `package` paired with this torch release, or None."""
        versions = [self.companion_for(v, package) for v in release.versions]
        known = sorted({v for v in versions if v}, key=_v)
        if not known:
            return None
        low, high = _v(known[0]), _v(known[-1])
        if package == "torchaudio" and low == high:
            return f"=={low}"
        return f">={low.major}.{low.minor},<{high.major}.{high.minor + 1}"


def _release_from(d: Mapping[str, Any]) -> Release:
    return Release(
        minor=d["torch"],
        versions=tuple(sorted(d["versions"], key=_v)),
        python=tuple(d["python"]),
        variants={k: frozenset(v) for k, v in d["variants"].items()},
        stable=tuple(d.get("stable", ())),
        experimental=tuple(d.get("experimental", ())),
        pypi=dict(d.get("pypi", {})),
        confidence=d.get("confidence", ""),
        sources=tuple(d.get("sources", ())),
        notes=d.get("notes", ""),
    )


def catalog_from_data(data: Mapping[str, Any]) -> Catalog:
    releases = sorted(
        (_release_from(r) for r in data["releases"]), key=lambda r: _v(r.minor), reverse=True
    )
    cuda = {
        k: (v["toolkit"], v["min_driver"]["linux"], v["min_driver"]["windows"])
        for k, v in data["cuda"].items()
        if not k.startswith("_")
    }
    rows = []
    for r in data["cuda_arch"]["rows"]:
        first, _, last = r["releases"].partition("-")
        rows.append(
            ArchRow(
                tuple(r["variants"]), first, last or None, r["platforms"], tuple(r["sm"]), r["ptx"]
            )
        )
    return Catalog(
        releases=tuple(releases),
        cuda=cuda,
        arch_rows=tuple(rows),
        rocm_gfx={k: frozenset(v) for k, v in data["rocm_gfx"].items() if not k.startswith("_")},
        triton={k: v for k, v in data["triton"].items() if not k.startswith("_")},
        companions=tuple(data["companions"]["rows"]),
        tegra_cc=frozenset(data["tegra"]["compute_capabilities"]),
        tegra_words=tuple(data["tegra"]["name_words"]),
        xpu_words=tuple(data["intel_xpu"]["name_words"]),
        sizes_mb={k: v for k, v in data["sizes_mb"].items() if not k.startswith("_")},
        macos_x86_64_last=data["macos_x86_64_last"],
        compiled_against_torch=frozenset(
            data.get("compiled_against_torch", {}).get("packages", ())
        ),
        companion_gaps={
            (r["package"], r["version"]): frozenset(r["variants"])
            for r in data.get("companion_gaps", {}).get("rows", ())
        },
        sources=dict(data["sources"]),
        snapshot=data["snapshot"],
    )


def load_bundled() -> Catalog:
    """The catalog shipped with the package (milliseconds: one small JSON file)."""
    text = (Path(__file__).parent / "data" / "pytorch.json").read_text("utf-8")
    return catalog_from_data(json.loads(text))


def with_notes(catalog: Catalog, *notes: str) -> Catalog:
    return replace(catalog, notes=catalog.notes + tuple(notes))
