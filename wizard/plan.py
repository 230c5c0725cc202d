"""Choices -> Plan: the pure step that decides the whole torch configuration of a project.

A Plan is plain data; wizard.project turns it into pyproject.toml text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.errors import BadInput
from wizard.names import DEFAULT_INDEX_BASE as DEFAULT_INDEX_BASE
from wizard.names import TORCH_FAMILY as TORCH_FAMILY
from wizard.names import VARIANT as VARIANT
from wizard.names import VARIANT_PATTERN as VARIANT_PATTERN

if TYPE_CHECKING:
    from wizard.catalog.model import Catalog, Release

TRITON_PACKAGES = ("pytorch-triton-rocm", "pytorch-triton-xpu", "pytorch-triton")


@dataclass(frozen=True)
class TargetChoice:
    """One platform of the lock and the backend chosen for it."""

    platform: str  # a key of wizard.platforms.PLATFORMS
    backend: str  # auto, cpu, cuNNN, rocmX.Y, xpu, default


@dataclass(frozen=True)
class IndexSpec:
    """An explicit [[tool.uv.index]] the plan writes."""

    name: str  # pytorch-<variant>
    url: str
    explicit: bool = True


@dataclass(frozen=True)
class Additions:
    """What a migration brings besides torch: written once, then the person's own."""

    dependencies: tuple[str, ...] = ()  # added to [project].dependencies when absent
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # [dependency-groups]
    indexes: tuple[IndexSpec, ...] = ()  # non-PyTorch indexes kept from requirements files
    # the extras and own marker of a torch package's line ("torch[opt-einsum] ; python_version
    # >= '3.11'"), kept on the requirement the wizard writes for it
    torch_parts: Mapping[str, str] = field(default_factory=dict)
    # a setup.py / setup.cfg project's name and version, and its build system, for the new
    # [project] table (so that `uv sync` installs the project itself)
    project_name: str | None = None
    project_version: str | None = None
    setuptools_build: bool = False
    project_dynamic: tuple[str, ...] = ()  # [project] fields setup.py gives (entry points)


@dataclass(frozen=True)
class Choices:
    """Everything a person decides; front ends edit this and nothing else."""

    targets: tuple[TargetChoice, ...]
    variants: tuple[str, ...] = ()  # non-empty: selectable variants as extras with conflicts
    torch: str | None = None  # version spec as given ("2.15", ">=2.14"); None: newest fitting
    companions: tuple[str, ...] = ()  # torchvision, torchaudio, torchao
    python: str | None = None  # requires-python for a new project
    index_base: str = DEFAULT_INDEX_BASE
    channel: str = "stable"  # stable, test, nightly
    lock_scope: str = "all"  # all: lock for every platform; targets: tool.uv.environments
    annotate: bool = False
    additions: Additions = field(default_factory=Additions)  # from a migration
    # The target whose wheels end at `torch` (macOS Intel: 2.2) when the wizard chose that
    # release for it, not the person (--torch) or the project's requirement.
    torch_set_by: str | None = None


@dataclass(frozen=True)
class SourceEntry:
    """One entry of a package's [tool.uv.sources] list: the index, for a marker or an extra."""

    index: str
    marker: str | None = None
    extra: str | None = None


@dataclass(frozen=True)
class Plan:
    """The torch configuration of one project, exactly as it will be written."""

    dependencies: tuple[str, ...]  # PEP 508 strings for [project].dependencies
    optional_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    indexes: tuple[IndexSpec, ...] = ()
    sources: dict[str, tuple[SourceEntry, ...]] = field(default_factory=dict)
    conflicts: tuple[tuple[str, ...], ...] = ()  # each a group of extras that exclude each other
    required_environments: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()  # empty: do not restrict the lock
    requires_python: str | None = None  # for a new project, or when the torch needs a raise
    prerelease: str | None = None  # uv's prerelease mode, for nightly/test channels
    owned_packages: tuple[str, ...] = ()  # packages whose requirement and source the plan owns
    notes: tuple[str, ...] = ()  # what the plan does, in words
    annotate: bool = False
    # What the plan was made for (read by the lock report and the front ends, not written):
    targets: tuple[TargetChoice, ...] = ()
    variants: tuple[str, ...] = ()
    # The person's own extras that hold torch when [project].dependencies does not: torch
    # stays optional there (set by session.prepare from the project).
    torch_extras: tuple[str, ...] = ()
    torch_groups: tuple[str, ...] = ()  # the person's dependency groups that hold torch
    # The person's extras and groups that hold a companion torch's home does not (torch in
    # an extra, torchvision in a group): `uv sync` names them too.
    companion_homes: tuple[tuple[str, str], ...] = ()  # ("extra" | "group", name)
    torch_release: str = ""  # "2.15"
    index_base: str = DEFAULT_INDEX_BASE
    channel: str = "stable"
    credential_env: tuple[str, ...] = ()  # UV_INDEX_..._USERNAME/PASSWORD to set
    additions: Additions = field(default_factory=Additions)  # from a migration


# --------------------------------------------------------------------------------------
# Building a Plan

COMPANIONS = ("torchvision", "torchaudio", "torchao")
_PAIRED = ("torchvision", "torchaudio")  # wheels built against one torch release


def index_name(variant: str, channel: str = "stable") -> str:
    return f"pytorch-{variant}" if channel == "stable" else f"pytorch-{channel}-{variant}"


def index_url(base: str, variant: str, channel: str = "stable") -> str:
    base = base.rstrip("/")
    return f"{base}/{variant}" if channel == "stable" else f"{base}/{channel}/{variant}"


def credential_env_names(name: str) -> tuple[str, str]:
    """uv reads an index's credentials from UV_INDEX_<NAME>_USERNAME / _PASSWORD."""
    key = "".join(c if c.isalnum() else "_" for c in name).upper()
    return f"UV_INDEX_{key}_USERNAME", f"UV_INDEX_{key}_PASSWORD"


def clean_index_base(url: str, allow_insecure: bool = False) -> tuple[str, bool]:
    """The index base without credentials, and whether it had any.

    http:// is refused unless the host is this machine or the person allowed it.
    """
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(
            f"--index-base '{_redact(url)}' is not an http(s) URL.",
            "Use e.g. --index-base https://download.pytorch.org/whl.",
        )
    loopback = parts.hostname in ("localhost", "::1") or parts.hostname.startswith("127.")
    if parts.scheme == "http" and not loopback and not allow_insecure:
        raise BadInput(
            f"--index-base {_redact(url)} uses plain http, so anyone on the network could "
            "swap the wheels.",
            "Use https, or pass --allow-insecure-index if this network is trusted.",
        )
    had_credentials = bool(parts.username or parts.password)
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    return clean, had_credentials


def _redact(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.username or parts.password:
        return url.replace(parts.netloc, parts.netloc.rsplit("@", 1)[-1])
    return url


def _family(backend: str) -> str:
    if backend.startswith("cu"):
        return "cuda"
    if backend.startswith("rocm"):
        return "rocm"
    return backend  # cpu, xpu, default


def _triton_for(catalog: Catalog, backend: str, channel: str, platform: str) -> str | None:
    """The triton package a build needs from its own index (it is not on PyPI)."""
    fam = _family(backend)
    if fam == "cuda" and channel == "nightly" and platform.startswith("linux"):
        return catalog.triton.get("nightly-cuda")
    return catalog.triton.get(fam)


def validate_backend(backend: str) -> str:
    b = backend.strip().lower()
    ok = (
        b in ("auto", "cpu", "xpu", "default")
        or (b.startswith("cu") and b[2:].isdigit() and len(b) >= 4)
        or (b.startswith("rocm") and all(p.isdigit() for p in b[4:].split(".")) and b[4:])
    )
    if not ok:
        raise BadInput(
            f"'{backend}' is not a backend.",
            "Use auto, cpu, cuNNN (e.g. cu130), rocmX.Y (e.g. rocm7.2), xpu or "
            "default (PyPI's build).",
        )
    return b


def parse_target(text: str) -> TargetChoice:
    """'linux-x86_64=cu130' -> TargetChoice; the backend defaults to auto."""
    from wizard.platforms import platform_named

    name, _, backend = text.partition("=")
    platform = platform_named(name.strip().lower())
    return TargetChoice(platform.name, validate_backend(backend or "auto"))


def _refuse_missing_companions(
    choices: Choices, catalog: Catalog, release: Release, paired: list[str]
) -> None:
    """A paired companion the chosen build's index does not have would fail `uv lock`
    (torchaudio 2.11.0 has no cu132 build): say so before writing anything."""
    from wizard.platforms import PLATFORMS

    wanted: list[tuple[str, str | None]] = [(v, None) for v in choices.variants] or [
        (t.backend, t.platform) for t in choices.targets
    ]
    for pkg in paired:
        for variant, platform in wanted:
            version = catalog.companion_missing(release, pkg, variant)
            if version is None:
                continue
            where = f" for {PLATFORMS[platform].label}" if platform else ""
            raise BadInput(
                f"{pkg} {version}, the release paired with torch {release.minor}, has no "
                f"{variant} build (the {variant} index does not publish it).",
                f"Choose another build than {variant}{where}, or leave out {pkg}.",
            )


def _exact_pins(
    exact: str, companions: Sequence[str], catalog: Catalog
) -> tuple[dict[str, str], list[str]]:
    """torch's pin and each paired companion's ({package: version}), and the companions
    with no pin (torchao: its own requirement on torch decides)."""
    pins = {"torch": exact}
    unpinned = []
    for pkg in companions:
        pinned = catalog.companion_for(exact, pkg) if pkg in _PAIRED else None
        if pinned:
            pins[pkg] = pinned
        else:
            unpinned.append(pkg)
    return pins, unpinned


def _pinned_extra(
    exact: str,
    variant: str,
    having: Sequence[TargetChoice],
    choices: Choices,
    catalog: Catalog,
    everywhere: bool,
) -> tuple[str, ...]:
    """A selectable build's requirements for an exact pin: the build's label where its index
    serves it (`==2.14.0` alone also matches stray builds such as 2.14.0+df56172 there), the
    same pin from PyPI on the other platforms the lock serves (`everywhere`)."""
    from wizard.platforms import PLATFORMS

    markers = [PLATFORMS[t.platform].marker for t in having]
    on = markers[0] if len(markers) == 1 else " or ".join(f"({m})" for m in markers)
    others = " and ".join(f"({PLATFORMS[t.platform].other_marker})" for t in having)
    if len(having) == 1:
        others = PLATFORMS[having[0].platform].other_marker
    pins, unpinned = _exact_pins(exact, choices.companions, catalog)
    reqs = []
    for pkg, version in pins.items():
        reqs.append(f"{pkg}=={version}+{variant} ; {on}")
        if everywhere:
            reqs.append(f"{pkg}=={version} ; {others}")
    return (*reqs, *unpinned)


def _version_text(spec: str | None) -> str:
    """The version a '--torch' spec names without its '==': '==2.15' is 2.15.0 exactly (PEP
    440 pads it), while a bare '2.15' is the release line."""
    text = (spec or "").strip()
    if not text.startswith("=="):
        return text
    text = text.removeprefix("==").strip()
    parts = text.split(".")
    return f"{text}.0" if len(parts) == 2 and all(p.isdigit() for p in parts) else text


def _exact_version(spec: str | None) -> str | None:
    """'2.14.1', '==2.14.1' -> '2.14.1'; '==2.14' -> '2.14.0'; ranges, release lines -> None."""
    text = _version_text(spec)
    parts = text.split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return text
    return None


def _spec_for_release(release: Release, torch_spec: str | None, channel: str) -> str:
    # '2.14.1', '2.14.*' and their '==' spellings (as a re-run reads them back) stay exact.
    text = _version_text(torch_spec)
    if channel == "nightly":
        # one nightly build by date (2.16.0.dev20261120), else the newest of the line
        dated = text[:1].isdigit() and ".dev" in text and text.split(".dev")[1].isdigit()
        return f"=={text}" if dated else f">={release.minor}.0.dev0"
    if text[:1].isdigit() and text.count(".") >= 2:
        return f"=={text}"
    major, minor = release.minor.split(".")
    return f">={release.minor},<{major}.{int(minor) + 1}"


def release_problems(
    release: Release, choices: Choices, catalog: Catalog, partial_variants: bool = False
) -> list[str]:
    """Why this torch release cannot serve the choices (empty: it can). `partial_variants`:
    a selectable build needs to exist for one of the platforms only (the others take PyPI's
    torch with that extra), as when a fleet's Linux AMD box and Windows NVIDIA box meet."""
    from wizard.platforms import PLATFORMS

    problems = []
    for t in choices.targets:
        label = PLATFORMS[t.platform].label
        wanted = choices.variants if choices.variants and t.backend != "default" else (t.backend,)
        for backend in wanted:
            # With selectable variants macOS takes PyPI's torch whichever is chosen.
            if backend == "default" or (choices.variants and t.platform.startswith("macos")):
                if t.platform not in release.pypi and not release.has("cpu", t.platform):
                    problems.append(f"torch {release.minor} has no wheels for {label}")
            elif partial_variants and choices.variants:
                if t.platform not in release.pypi and not release.has("cpu", t.platform):
                    problems.append(f"torch {release.minor} has no wheels for {label}")
            elif not release.has(backend, t.platform):
                problems.append(f"torch {release.minor} has no {backend} build for {label}")
    if partial_variants and choices.variants:
        for variant in choices.variants:
            if not any(
                release.has(variant, t.platform)
                for t in choices.targets
                if not t.platform.startswith("macos")
            ):
                problems.append(f"torch {release.minor} has no {variant} build for any target")
    for pkg in choices.companions:
        if pkg in _PAIRED and catalog.companion_spec(release, pkg) is None:
            problems.append(f"no {pkg} release is paired with torch {release.minor}")
    python = lowest_python(choices.python)
    if python and python not in release.python:
        problems.append(f"torch {release.minor} has no wheels for Python {python}")
    return problems


def _minor_key(minor: str) -> tuple[int, ...]:
    return tuple(int(p) for p in minor.split("."))


def lowest_python(spec: str | None) -> str | None:
    """The lowest Python minor a requires-python range (or a bare '3.11') admits."""
    if not spec:
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        s = SpecifierSet(spec if not spec[0].isdigit() else f">={spec}")
    except InvalidSpecifier:
        return None
    for major, minors in ((3, 100), (4, 100)):
        for minor in range(minors):
            if s.contains(f"{major}.{minor}.0") or s.contains(f"{major}.{minor}.99"):
                return f"{major}.{minor}"
    return None


def choose_release(choices: Choices, catalog: Catalog, keep_python: str | None = None) -> Release:
    """The newest torch release (inside --torch) that serves every target and companion; of
    those, the newest with wheels for `keep_python` (the lowest Python the project's
    requires-python allows) when one has them, so that requires-python need not change."""
    candidates = catalog.releases_matching(choices.torch)
    if not candidates:
        known = ", ".join(r.minor for r in catalog.releases)
        where = "the PyTorch index has" if catalog.origin == "live" else "the catalog knows"
        raise BadInput(
            f"No torch release {where} matches '{choices.torch}' (--torch or the project's "
            "requirement).",
            f"Use --torch with one of {known}"
            + (
                ", or --offline for the bundled catalog's releases."
                if catalog.origin == "live"
                else "."
            ),
        )
    first_problems: list[str] = []
    serving = []
    for release in candidates:
        problems = release_problems(release, choices, catalog)
        if not problems:
            serving.append(release)
        elif not first_problems:
            first_problems = problems
    if not serving and choices.variants:
        # No release has every selectable build on every platform: one that has each on
        # some platform will do; the others take PyPI's torch with that extra (plan notes).
        serving = [r for r in candidates if not release_problems(r, choices, catalog, True)]
    if serving:
        keeps = [r for r in serving if keep_python in r.python]
        return keeps[0] if keep_python and keeps else serving[0]
    from wizard.platforms import PLATFORMS

    for t in choices.targets:
        if not any(r.has_wheels(t.platform) for r in catalog.releases):
            raise BadInput(
                f"No torch release has wheels for {PLATFORMS[t.platform].label}.",
                f"Leave out --target {t.platform}.",
            )
    ways = []
    if choices.torch:
        other = next(
            (
                r
                for r in catalog.releases
                if r not in candidates and not release_problems(r, choices, catalog)
            ),
            None,
        )
        if other is not None:
            ways.append(f"use --torch {other.minor} (torch {other.minor} serves them all)")
    if any(
        " build for " in p or (" wheels for " in p and " for Python " not in p)
        for p in first_problems
    ):
        ways.append("choose another backend or target")
    if any(" is paired with " in p for p in first_problems):
        ways.append("drop the companion")
    if any(" wheels for Python " in p for p in first_problems):
        newest = (candidates or catalog.releases)[0]
        ways.append(f"use --python '>={min(newest.python, key=_minor_key)}'")
    if choices.torch_set_by:
        raise _held_back(choices, candidates[0], first_problems[0], ways)
    matching = f" matching '{choices.torch}' (--torch or the project's requirement)"
    raise BadInput(
        f"No torch release{matching if choices.torch else ''} serves every choice: "
        f"{first_problems[0]}.",
        ", or ".join(ways)[:1].upper() + ", or ".join(ways)[1:] + "."
        if ways
        else "Choose other targets.",
    )


def _held_back(choices: Choices, release: Release, problem: str, ways: list[str]) -> BadInput:
    """A target's last release (macOS Intel: 2.2) lacks what the other choices need."""
    from wizard.platforms import PLATFORMS

    holder = choices.torch_set_by
    assert holder is not None
    if " build for " in problem:
        builds = [
            f"{PLATFORMS[t.platform].label}: {', '.join(release.variants_on(t.platform))}"
            for t in choices.targets
            if t.platform != holder and release.variants_on(t.platform)
        ]
        ways = [f"choose one of torch {release.minor}'s builds ({'; '.join(builds)})"]
    ways = [w for w in ways if w != "choose another backend or target"]
    way = ", or ".join([*ways, f"leave out --target {holder}"])
    return BadInput(
        f"{PLATFORMS[holder].label} has no torch after {release.minor}, and {problem}.",
        way[:1].upper() + way[1:] + ".",
    )


def make_plan(
    choices: Choices, catalog: Catalog, existing_requires_python: str | None = None
) -> Plan:
    """The whole torch configuration for these choices (pure; raises BadInput when impossible).

    Every backend must be concrete here: resolve "auto" with the recommendation first.
    """
    from wizard.platforms import PLATFORMS

    for t in choices.targets:
        if t.backend == "auto":
            raise ValueError("resolve 'auto' backends before planning")
    if not choices.targets:
        raise BadInput("No target platform was chosen.", "Add one with --target PLATFORM.")
    keep_python = lowest_python(existing_requires_python)
    newest_python = max(
        (p for r in catalog.releases for p in r.python), key=_minor_key, default=None
    )
    if keep_python and newest_python and _minor_key(keep_python) > _minor_key(newest_python):
        # uv would try to lock for a Python no torch wheel is built for, and fail.
        newest = catalog.newest()
        low, high = min(newest.python, key=_minor_key), max(newest.python, key=_minor_key)
        raise BadInput(
            f"requires-python '{existing_requires_python}' starts at Python {keep_python}, "
            f"which no torch release has wheels for (torch {newest.minor}: Python {low} to "
            f"{high}).",
            f"Lower requires-python in pyproject.toml, e.g. to '>={low}'.",
        )
    release = choose_release(choices, catalog, keep_python)
    channel = choices.channel
    torch_req = "torch" + _spec_for_release(release, choices.torch, channel)
    pinned = _exact_version(choices.torch)
    if channel == "nightly":  # the range is open: the newest dev build wins
        first = f"torch nightly builds ({torch_req.removeprefix('torch')}) on every target."
    elif pinned:
        first = f"torch {pinned} (pinned) on every target."
    else:
        first = f"torch {release.minor} ({release.latest}) on every target."
    notes: list[str] = [first]
    newest = catalog.releases_matching(choices.torch)[0]
    # (an exact pin says why itself: "torch 2.14.0 (pinned)")
    aligned = newest is release and release is not catalog.newest() and not pinned
    if aligned:  # a release line the wizard aligned to: a companion's, or a machine's
        newest = catalog.newest()
    if newest is not release:  # say why the newest release was passed over
        why = release_problems(newest, choices, catalog)
        if aligned:  # a machine's reason is in its recommendation already
            why = [w for w in why if " build for " not in w and " wheels for " not in w]
        if why:
            notes.append(f"Not torch {newest.minor}: {why[0]}.")
        elif keep_python and keep_python not in newest.python:
            notes.append(
                f"Not torch {newest.minor}: it has no wheels for Python {keep_python}, which "
                f"requires-python allows; raise requires-python to "
                f">={min(newest.python, key=_minor_key)} to use it."
            )
    companion_reqs: list[str] = []
    for pkg in choices.companions:
        spec = catalog.companion_spec(release, pkg) if pkg in _PAIRED else None
        companion_reqs.append(pkg + (spec or ""))
        if pkg in _PAIRED:
            exact_pin = _exact_version(choices.torch)
            pin = catalog.companion_for(exact_pin, pkg) if exact_pin else None
            if pin:  # the file gets `pkg==pin+label`: the note names that version
                notes.append(f"{pkg} {pin} is the release paired with torch {exact_pin}.")
            else:
                notes.append(f"{pkg}{spec} is the release paired with torch {release.minor}.")
        else:
            notes.append(f"{pkg} from PyPI, unpinned: its own requirement on torch decides.")
    paired = [pkg for pkg in choices.companions if pkg in _PAIRED]
    torch_pkgs = ["torch", *paired]
    if channel == "stable":
        _refuse_missing_companions(choices, catalog, release, paired)

    indexes: dict[str, IndexSpec] = {}
    sources: dict[str, list[SourceEntry]] = {}
    deps: list[str] = []
    extras: dict[str, tuple[str, ...]] = {}
    conflicts: tuple[tuple[str, ...], ...] = ()

    def use_index(variant: str) -> str:
        name = index_name(variant, channel)
        indexes.setdefault(name, IndexSpec(name, index_url(choices.index_base, variant, channel)))
        return name

    def add_source(pkg: str, entry: SourceEntry) -> None:
        sources.setdefault(pkg, []).append(entry)

    def backend_on(t: TargetChoice) -> str:
        # PyPI has no test or nightly builds: macOS then takes the channel's cpu index.
        if t.backend == "default" and channel != "stable":
            return "cpu"
        return t.backend

    triton_markers: dict[str, list[str]] = {}
    if not choices.variants:
        exact = _exact_version(choices.torch)
        deps = [] if exact else [torch_req, *companion_reqs]
        if exact:
            # An exact pin carries each target's label: on a PyTorch index `==2.14.0` also
            # matches stray builds such as 2.14.0+df56172.
            pins, unpinned = _exact_pins(exact, choices.companions, catalog)
            deps += unpinned
            for t in choices.targets:
                b = backend_on(t)
                label = "" if b == "default" else f"+{b}"
                for pkg, version in pins.items():
                    deps.append(f"{pkg}=={version}{label} ; {PLATFORMS[t.platform].marker}")
            if choices.lock_scope != "targets" and channel == "stable":
                # The lock serves every platform: the others get the same pin from PyPI,
                # or they would install the project without torch.
                others = " and ".join(
                    f"({PLATFORMS[t.platform].other_marker})" for t in choices.targets
                )
                if len(choices.targets) == 1:
                    others = PLATFORMS[choices.targets[0].platform].other_marker
                for pkg, version in pins.items():
                    deps.append(f"{pkg}=={version} ; {others}")
        for t in choices.targets:
            marker = PLATFORMS[t.platform].marker
            backend = backend_on(t)
            if backend == "default":
                notes.append(
                    f"{PLATFORMS[t.platform].label}: PyPI's torch "
                    f"({release.pypi.get(t.platform, 'default')} build)."
                )
                continue
            name = use_index(backend)
            for pkg in torch_pkgs:
                add_source(pkg, SourceEntry(name, marker=marker))
            triton = _triton_for(catalog, backend, channel, t.platform)
            if triton:
                add_source(triton, SourceEntry(name, marker=marker))
                triton_markers.setdefault(triton, []).append(marker)
            notes.append(f"{PLATFORMS[t.platform].label}: the {backend} build from {name}.")
    else:
        non_mac = [t for t in choices.targets if not t.platform.startswith("macos")]
        mac = [t for t in choices.targets if t.platform.startswith("macos")]
        exact = _exact_version(choices.torch)
        for variant in choices.variants:
            extras[variant] = (torch_req, *companion_reqs)
            name = use_index(variant)
            having = [t for t in non_mac if release.has(variant, t.platform)]
            if exact and having:
                extras[variant] = _pinned_extra(
                    exact,
                    variant,
                    having,
                    choices,
                    catalog,
                    everywhere=len(having) < len(non_mac)
                    or bool(mac)
                    or (choices.lock_scope != "targets" and channel == "stable"),
                )
            # Only on the targets that have the build: elsewhere (macOS, a platform the
            # build skips, one outside the targets) PyPI's torch serves the extra.
            where = " or ".join(f"({PLATFORMS[t.platform].marker})" for t in having)
            if len(having) == 1:
                where = PLATFORMS[having[0].platform].marker
            if len(having) < len(non_mac):
                for t in non_mac:
                    if t not in having:
                        pypi = release.pypi.get(t.platform, "cpu")
                        notes.append(
                            f"{PLATFORMS[t.platform].label}: torch {release.minor} has no "
                            f"{variant} build; there `--extra {variant}` installs PyPI's torch "
                            f"({pypi} build)."
                        )
            for pkg in torch_pkgs:
                add_source(pkg, SourceEntry(name, marker=where or None, extra=variant))
            triton = _triton_for(catalog, variant, channel, "linux-x86_64")
            linux = [PLATFORMS[t.platform].marker for t in having if t.platform.startswith("linux")]
            if triton and linux:
                # Required where its source applies: on the Linux targets that have the build
                # (elsewhere uv would look for it on PyPI, which does not have it).
                on = linux[0] if len(linux) == 1 else " or ".join(f"({m})" for m in linux)
                add_source(triton, SourceEntry(name, marker=on, extra=variant))
                extras[variant] = (*extras[variant], f"{triton} ; {on}")
        if mac and channel != "stable":
            name = use_index("cpu")
            for pkg in torch_pkgs:
                for t in mac:
                    add_source(pkg, SourceEntry(name, marker=PLATFORMS[t.platform].marker))
        conflicts = (tuple(choices.variants),)
        notes.append(
            "Selectable builds: "
            + ", ".join(f"`uv sync --extra {v}`" for v in choices.variants)
            + " (one at a time)."
        )
        if mac:
            notes.append("macOS takes PyPI's torch whichever extra is chosen.")
    for triton, markers in triton_markers.items():
        marker = markers[0] if len(markers) == 1 else " or ".join(f"({m})" for m in markers)
        deps.append(f"{triton} ; {marker}")

    targets_markers = tuple(PLATFORMS[t.platform].marker for t in choices.targets)
    requires_python = _requires_python(release, choices, existing_requires_python, notes)
    base_clean, had_credentials = clean_index_base(choices.index_base, allow_insecure=True)
    cred_env: list[str] = []
    if had_credentials:
        for name in indexes:
            cred_env.extend(credential_env_names(name))
        notes.append(
            "The index credentials are not written to any file: set "
            + ", ".join(cred_env)
            + " in the environment."
        )
    if base_clean != choices.index_base.rstrip("/"):
        indexes = {
            n: IndexSpec(n, i.url.replace(choices.index_base.rstrip("/"), base_clean))
            for n, i in indexes.items()
        }
    lock_only_targets = choices.lock_scope == "targets" or channel != "stable"
    if channel != "stable" and choices.lock_scope != "targets":
        notes.append(
            f"The lock covers only the chosen targets (tool.uv.environments): {channel} "
            "builds exist only on the PyTorch index, so other platforms could not "
            "resolve torch from PyPI."
        )
    elif lock_only_targets:
        notes.append("The lock covers only the chosen targets (tool.uv.environments).")
    return Plan(
        dependencies=tuple(deps),
        optional_dependencies=extras,
        indexes=tuple(indexes.values()),
        sources={k: tuple(v) for k, v in sources.items()},
        conflicts=tuple(tuple(g) for g in conflicts),
        required_environments=targets_markers,
        environments=targets_markers if lock_only_targets else (),
        requires_python=requires_python,
        prerelease=None,
        owned_packages=("torch", *COMPANIONS, *TRITON_PACKAGES),
        notes=tuple(notes),
        annotate=choices.annotate,
        targets=choices.targets,
        variants=choices.variants,
        torch_release=release.minor,
        index_base=base_clean,
        channel=channel,
        credential_env=tuple(cred_env),
        additions=choices.additions,
    )


def _requires_python(
    release: Release, choices: Choices, existing: str | None, notes: list[str]
) -> str | None:
    """requires-python for a new project, or a raise when the release lacks the lowest Python."""
    from packaging.version import Version

    lowest = min(release.python, key=Version)
    if existing is None and not choices.python:
        return f">={lowest}"
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if existing is None:
        if choices.python:
            try:
                spec = SpecifierSet(
                    choices.python if not choices.python[0].isdigit() else f">={choices.python}"
                )
            except InvalidSpecifier:
                raise BadInput(
                    f"--python '{choices.python}' is not a version range.",
                    "Use e.g. --python '>=3.11'.",
                ) from None
            return str(spec)
        return f">={lowest}"
    try:
        spec = SpecifierSet(existing)
    except InvalidSpecifier:
        return None
    if spec.contains(Version(lowest)) and not _admits_below(spec, lowest):
        return None
    if _admits_below(spec, lowest):
        notes.append(
            f"requires-python becomes >={lowest}: torch {release.minor} has no wheels "
            f"for older Python versions."
        )
        return f">={lowest}"
    return None


def _admits_below(spec: object, lowest: str) -> bool:
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    assert isinstance(spec, SpecifierSet)
    low = Version(lowest)
    candidates = [Version(f"3.{m}") for m in range(8, low.minor)] if low.major == 3 else []
    return any(spec.contains(c) for c in candidates)
