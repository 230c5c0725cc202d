"""Refresh the bundled catalog from the live index: what really exists wins.

Reads `<base>/<variant>/torch/` for each known variant (in parallel, cached) and PyPI's
torch page, and replaces the availability facts (versions, platforms, Python versions).
Facts the index cannot show (architecture lists, drivers, stable marks) stay bundled.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from wizard.catalog.model import Catalog, Release, minor_of, with_notes
from wizard.platforms import PLATFORMS

PYPI_SIMPLE = "https://pypi.org/simple"
COMPANIONS = ("torchvision", "torchaudio")


def pypi_simple_url() -> str:
    """The default index uv itself will use (UV_DEFAULT_INDEX / UV_INDEX_URL), else PyPI."""
    return (
        os.environ.get("UV_DEFAULT_INDEX") or os.environ.get("UV_INDEX_URL") or PYPI_SIMPLE
    ).rstrip("/")


def variants_to_query(catalog: Catalog, newest: int = 3) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for release in catalog.releases[:newest]:
        for v in release.variants:
            seen.setdefault(v)
    return tuple(seen)


def _platforms_of(tags: Iterable[str]) -> set[str]:
    found = set()
    for tag in tags:
        for p in PLATFORMS.values():
            if p.matches_wheel_platform(tag):
                found.add(p.name)
    return found


def _pythons_of(python_tags: Iterable[str], abi_tags: Iterable[str]) -> set[str]:
    abis = set(abi_tags)
    out = set()
    for tag in python_tags:
        if tag.startswith("cp3") and tag[3:].isdigit():
            if f"{tag}t" in abis and tag not in abis and "abi3" not in abis and "none" not in abis:
                continue  # free-threaded only
            out.add(f"3.{tag[3:]}")
    return out


def refresh_catalog(
    bundled: Catalog, index_base: str, channel: str = "stable", timeout: float = 4.0
) -> Catalog:
    """The bundled catalog updated from the live index; on failure, bundled with a note.

    A refresh that every index answered is kept (as the index answers are, for six hours),
    so the next run rebuilds the catalog from one small file instead of every page again.
    """
    from wizard.catalog.cache import AnswerCache

    cache = AnswerCache()
    key = _result_key(bundled, index_base, channel)
    cached = _result_from_json(bundled, cache.get(key))
    if cached is not None:
        return cached
    from wizard.catalog.live import IndexUnreachable, fetch_many
    from wizard.plan import index_url

    variants = variants_to_query(bundled)
    urls = {v: index_url(index_base, v, channel) for v in variants}
    pypi = pypi_simple_url()
    wanted = [(urls[v], "torch") for v in variants] + [(pypi, "torch")]
    wanted += [(urls["cpu"], c) for c in COMPANIONS if "cpu" in urls]
    answers = fetch_many(wanted, timeout=timeout)
    failures = [a for a in answers.values() if isinstance(a, IndexUnreachable)]
    torch_answers = {v: answers[(urls[v], "torch")] for v in variants}
    reachable = {v: a for v, a in torch_answers.items() if not isinstance(a, IndexUnreachable)}
    if not reachable:
        reason = str(failures[0]) if failures else "no answer"
        return with_notes(
            bundled,
            f"The PyTorch index could not be read ({reason}); using the "
            f"bundled catalog of {bundled.snapshot}.",
        )
    if not any(reachable.values()):  # every variant answered, none with torch (403/404)
        return with_notes(bundled, _not_an_index(index_base, variants, len(reachable), bundled))
    # variant -> minor -> (versions, {platform: pythons})
    seen: dict[str, dict[str, tuple[set[str], dict[str, set[str]]]]] = {}
    for variant, files in reachable.items():
        for f in files:
            if f.local not in (variant, None):
                continue  # a stray label such as +df56172
            try:
                minor = minor_of(f.public_version)
            except InvalidVersion:
                continue
            versions, plats = seen.setdefault(variant, {}).setdefault(minor, (set(), {}))
            versions.add(f.public_version)
            for plat in _platforms_of(f.platform_tags):
                plats.setdefault(plat, set()).update(_pythons_of(f.python_tags, f.abi_tags))
    pypi_files = answers.get((pypi, "torch"))
    pypi_seen: dict[str, set[str]] = {}
    if pypi_files is not None and not isinstance(pypi_files, IndexUnreachable):
        for f in pypi_files:
            try:
                minor = minor_of(f.public_version)
            except InvalidVersion:
                continue
            pypi_seen.setdefault(minor, set()).update(_platforms_of(f.platform_tags))
    releases = _merge(bundled, seen, pypi_seen, tuple(reachable), channel)
    companions = list(bundled.companions) + _live_pairings(answers, urls.get("cpu"), bundled)
    from wizard.catalog.cache import url_without_credentials

    shown = url_without_credentials(index_base)  # a password is never printed nor cached
    notes = [
        f"Read the PyTorch index at {shown} ({len(reachable)} of {len(variants)} variants "
        "answered)."
    ]
    if failures:
        notes.append(f"Some answers were missing ({failures[0]}); bundled facts fill the gaps.")
    refreshed = replace(
        bundled,
        releases=releases,
        companions=tuple(companions),
        origin="live",
        notes=bundled.notes + tuple(notes),
    )
    if not failures:
        cache.put(key, _result_to_json(refreshed))
    return refreshed


def _not_an_index(
    index_base: str, variants: tuple[str, ...], answered: int, bundled: Catalog
) -> str:
    """The note for a base under which no variant serves torch: it is not a PyTorch index's
    base (a typo, or one variant's own URL given as the base)."""
    from wizard.catalog.cache import url_without_credentials

    base = url_without_credentials(index_base).rstrip("/")
    where = (
        f"any of {len(variants)} variants"
        if answered == len(variants)
        else f"any of the {answered} variants that answered"
    )
    parent, _, last = base.rpartition("/")
    if last in variants and parent.rpartition("/")[2] in ("nightly", "test"):
        channel = parent.rpartition("/")[2]
        root = parent.rpartition("/")[0]
        fix = (
            f"it looks like the {channel} {last} index itself: give its base instead "
            f"(--index-base {root} --channel {channel})"
        )
    elif last in variants:
        fix = (
            f"it looks like the {last} index itself: give its base instead (--index-base {parent})"
        )
    else:
        fix = "is it the base of a PyTorch index (…/whl)?"
    return (
        f"{base} serves no torch on {where}: {fix}. Using the bundled catalog of "
        f"{bundled.snapshot}."
    ).replace("?.", "?")


# A refreshed catalog differs from the bundled one in its releases, companions and notes:
# those are kept, keyed by everything they were read from.


def _result_key(bundled: Catalog, index_base: str, channel: str) -> str:
    from wizard import __version__
    from wizard.catalog.cache import url_without_credentials as bare

    data = Path(__file__).parent / "data" / "pytorch.json"
    try:
        stamp = data.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return (
        f"torch-wizard-catalog:{__version__}:{bundled.snapshot}:{stamp}:{channel}:"
        f"{bare(index_base.rstrip('/'))}:{bare(pypi_simple_url())}"
    )


def _result_to_json(catalog: Catalog) -> dict[str, Any]:
    return {
        "releases": [
            {
                "minor": r.minor,
                "versions": list(r.versions),
                "python": list(r.python),
                "variants": {v: sorted(p) for v, p in r.variants.items()},
                "stable": list(r.stable),
                "experimental": list(r.experimental),
                "pypi": dict(r.pypi),
                "confidence": r.confidence,
                "sources": list(r.sources),
                "notes": r.notes,
                "python_by_target": [
                    [v, p, sorted(pys)] for (v, p), pys in r.python_by_target.items()
                ],
                "seen_live": r.seen_live,
            }
            for r in catalog.releases
        ],
        "companions": [dict(c) for c in catalog.companions],
        "notes": list(catalog.notes),
    }


def _result_from_json(bundled: Catalog, value: Any) -> Catalog | None:
    """The kept catalog, or None when there is none or it is not one (then: read again)."""
    if not isinstance(value, dict):
        return None
    try:
        releases = tuple(
            Release(
                minor=r["minor"],
                versions=tuple(r["versions"]),
                python=tuple(r["python"]),
                variants={v: frozenset(p) for v, p in r["variants"].items()},
                stable=tuple(r["stable"]),
                experimental=tuple(r["experimental"]),
                pypi=dict(r["pypi"]),
                confidence=r["confidence"],
                sources=tuple(r["sources"]),
                notes=r["notes"],
                python_by_target={(v, p): frozenset(pys) for v, p, pys in r["python_by_target"]},
                seen_live=bool(r["seen_live"]),
            )
            for r in value["releases"]
        )
        companions = tuple(dict(c) for c in value["companions"])
        notes = tuple(str(n) for n in value["notes"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if not releases:
        return None
    return replace(bundled, releases=releases, companions=companions, origin="live", notes=notes)


def _merge(
    bundled: Catalog,
    seen: Mapping[str, Mapping[str, tuple[set[str], Mapping[str, set[str]]]]],
    pypi_seen: Mapping[str, set[str]],
    queried: tuple[str, ...],
    channel: str,
) -> tuple[Release, ...]:
    minors: set[str] = set()
    for per_minor in seen.values():
        minors.update(per_minor)
    by_minor = {r.minor: r for r in bundled.releases}
    if channel != "stable":
        by_minor = {}  # test/nightly: only what the channel really has
    # A release the index and PyPI both lack does not exist there (a partial mirror).
    out: dict[str, Release] = {m: r for m, r in by_minor.items() if m in minors or m in pypi_seen}
    for minor in minors:
        base = by_minor.get(minor)
        variants: dict[str, frozenset[str]] = dict(base.variants) if base else {}
        versions: set[str] = set()
        python_by_target: dict[tuple[str, str], frozenset[str]] = {}
        pythons: set[str] = set()
        for v in queried:
            entry = seen.get(v, {}).get(minor)
            if entry is None:
                variants.pop(v, None)
                continue
            vs, plats = entry
            versions |= vs
            variants[v] = frozenset(plats)
            for plat, pys in plats.items():
                python_by_target[(v, plat)] = frozenset(pys)
                pythons |= pys
        if not variants:
            continue
        pypi = dict(base.pypi) if base else {}
        if minor in pypi_seen:
            pypi = {p: b for p, b in pypi.items() if p in pypi_seen[minor]}
            for p in pypi_seen[minor] - set(pypi):
                pypi[p] = "cpu" if p.startswith(("windows", "macos")) else "default"
        elif channel != "stable" or base is None:
            pypi = {}
        out[minor] = Release(
            minor=minor,
            versions=tuple(sorted(versions or (base.versions if base else ()), key=Version)),
            python=tuple(sorted(pythons, key=Version)) or (base.python if base else ()),
            variants=variants,
            stable=base.stable if base else (),
            experimental=base.experimental if base else (),
            pypi=pypi,
            confidence="seen on the live index",
            sources=(base.sources if base else ()) + ("live index",),
            notes=base.notes if base else "",
            python_by_target=python_by_target,
            seen_live=True,
        )
    return tuple(sorted(out.values(), key=lambda r: Version(r.minor), reverse=True))


def _live_pairings(
    answers: Mapping[tuple[str, str], object], cpu_url: str | None, bundled: Catalog
) -> list[dict[str, str | None]]:
    """torchvision/torchaudio pins read from the wheels' metadata (Requires-Dist torch==X)."""
    from wizard.catalog.live import IndexUnreachable, WheelFile, fetch_metadata_requires

    if cpu_url is None:
        return []
    from concurrent.futures import ThreadPoolExecutor

    rows: list[dict[str, str | None]] = []
    known = {(r.get("torch"), pkg) for r in bundled.companions for pkg in COMPANIONS if r.get(pkg)}
    wanted: list[tuple[str, str, WheelFile]] = []
    for pkg in COMPANIONS:
        files = answers.get((cpu_url, pkg))
        if files is None or isinstance(files, IndexUnreachable):
            continue
        assert isinstance(files, list)
        by_version: dict[str, WheelFile] = {}
        for f in files:
            if isinstance(f, WheelFile):
                by_version.setdefault(f.public_version, f)
        newest = sorted(by_version, key=Version, reverse=True)[:3]
        wanted += [(pkg, version, by_version[version]) for version in newest]

    def requires_of(wheel: WheelFile) -> list[str] | None:
        try:
            return fetch_metadata_requires(wheel, timeout=3.0)
        except (IndexUnreachable, OSError):
            return None

    if not wanted:
        return rows
    # One round trip for all of them, not one per file.
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        found = list(pool.map(requires_of, [w for _, _, w in wanted]))
    for (pkg, version, _), requires in zip(wanted, found, strict=True):
        if requires is not None:
            for req in requires:
                name, _, rest = req.partition("==")
                if name.strip().lower() == "torch" and rest:
                    torch = rest.split(";")[0].strip().split("+")[0]
                    if (torch, pkg) not in known:
                        rows.append({"torch": torch, pkg: version})
    return rows
