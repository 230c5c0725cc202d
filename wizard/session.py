"""One run of the wizard, shared by every front end: gather facts, decide, then apply.

Facts are gathered once (project file, hardware profiles, catalog); front ends edit a
`Choices`; `prepare` makes the plan and the diff; `apply` is the only code that writes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.errors import BadInput, WorkFailed
from wizard.names import DEFAULT_INDEX_BASE
from wizard.platforms import PLATFORMS, platform_for

if TYPE_CHECKING:
    import threading

    from wizard.catalog.model import Catalog
    from wizard.dependents import TorchRequirement
    from wizard.hardware.profile import HardwareProfile
    from wizard.lock import LockReport, LockRun, TargetLock
    from wizard.plan import Additions, Choices, Plan, TargetChoice
    from wizard.project import ExistingSetup, ProjectFile
    from wizard.recommend import Recommendation


@dataclass(frozen=True)
class Facts:
    """What the wizard knows before asking anything."""

    folder: Path
    project: ProjectFile
    existing: ExistingSetup | None
    profiles: tuple[HardwareProfile, ...]
    catalog: Catalog

    @property
    def requires_python(self) -> str | None:
        proj = self.project.data.get("project", {}) if self.project.exists else {}
        value = proj.get("requires-python")
        return value if isinstance(value, str) else None

    def profile_for(self, platform: str) -> HardwareProfile | None:
        """The first machine of this platform (the one its recommendation is made for)."""
        found = self.profiles_for(platform)
        return found[0] if found else None

    def profiles_for(self, platform: str) -> tuple[HardwareProfile, ...]:
        return tuple(p for p in self.profiles if platform_for(p.os, p.arch) == PLATFORMS[platform])

    @cached_property
    def pulled_companions(self) -> dict[str, list[str]]:
        """torchvision/torchaudio only other packages pull in (see indirect_companions)."""
        return indirect_companions(self)


def load_project(folder: Path) -> tuple[ProjectFile, ExistingSetup | None]:
    from wizard.project import read_existing_setup, read_project, refuse_virtual_root

    if folder.exists() and not folder.is_dir():
        raise BadInput(
            f"{folder} is a file, not a project folder.",
            "Pass the folder that holds (or will hold) pyproject.toml with -C.",
        )
    if not folder.is_dir():
        raise BadInput(
            f"The project folder {folder} does not exist.",
            "Create it first or pass an existing folder with -C.",
        )
    project = read_project(folder)
    refuse_virtual_root(project)
    if project.workspace_root is None or not project.exists:
        return project, read_existing_setup(project)
    # A member's targets live in the workspace root's required-environments.
    root = read_project(project.workspace_root)
    root_uv = root.data.get("tool", {}).get("uv", {}) if root.exists else {}
    data = {**project.data}
    tool = {**data.get("tool", {})}
    uv = {**tool.get("uv", {})}
    for key in ("required-environments", "environments"):
        if key in root_uv and key not in uv:
            uv[key] = root_uv[key]
    tool["uv"] = uv
    data["tool"] = tool
    return project, read_existing_setup(replace(project, data=data))


def check_python_flag(request: Request, project: ProjectFile) -> None:
    """--python sets requires-python for a new project; a project that has one keeps it."""
    table = project.data.get("project", {}) if project.exists else {}
    current = table.get("requires-python") if isinstance(table, dict) else None
    if not request.python or not isinstance(current, str):
        return
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    given = request.python.strip()
    try:
        same = SpecifierSet(current) == SpecifierSet(f">={given}" if given[:1].isdigit() else given)
    except InvalidSpecifier:
        same = False
    if not same:
        raise BadInput(
            f"--python is for a new project; pyproject.toml already has requires-python = "
            f"'{current}', which stays.",
            "Change requires-python in pyproject.toml, or leave out --python.",
        )


def load_profiles(files: Sequence[str]) -> tuple[HardwareProfile, ...]:
    from wizard.hardware.profile import load_profile_list

    if files:  # a file from `detect --json --hardware A --hardware B` holds several
        return tuple(p for f in files for p in load_profile_list(f))
    from wizard.hardware.detect import detect_hardware

    return (detect_hardware(),)


def channel_of(request: Request, existing: ExistingSetup | None) -> str:
    """--channel when given, else the project's channel, else stable."""
    return request.channel or (existing.channel if existing else "stable")


def load_catalog(
    offline: bool, index_base: str = DEFAULT_INDEX_BASE, channel: str = "stable"
) -> Catalog:
    from wizard.catalog.model import load_bundled, with_notes

    bundled = load_bundled()
    if offline:
        return with_notes(bundled, f"Offline: using the bundled catalog of {bundled.snapshot}.")
    from wizard.catalog.refresh import refresh_catalog

    return refresh_catalog(bundled, index_base, channel)


# --------------------------------------------------------------------------------------
# Choices


@dataclass(frozen=True)
class Request:
    """What the command line asked for; empty fields mean: recommend."""

    targets: tuple[str, ...] = ()
    variants: str | None = None
    torch: str | None = None
    companions: tuple[str, ...] = ()
    python: str | None = None
    index_base: str | None = None
    channel: str | None = None  # None: the project's channel, else stable
    lock_scope: str | None = None
    annotate: bool = False
    allow_insecure_index: bool = False
    # What a migration from requirements files adds besides torch (wizard.migrate).
    additions: Additions | None = None


def request_from_options(opts: Any) -> Request:
    from wizard.names import canonical_name

    return Request(
        targets=tuple(opts.target),
        variants=opts.variants,
        torch=opts.torch,
        companions=tuple(canonical_name(c) for c in opts.with_),  # TorchVision: torchvision
        python=opts.python,
        index_base=opts.index_base,
        channel=opts.channel,
        lock_scope=opts.lock_scope,
        annotate=opts.annotate,
        allow_insecure_index=opts.allow_insecure_index,
    )


def check_request(request: Request) -> None:
    """Reject bad flag values before anything slow happens."""
    if request.targets:
        from wizard.plan import parse_target

        parsed = [(text, parse_target(text)) for text in request.targets]
        seen: dict[str, str] = {}
        for text, target in parsed:
            if target.platform in seen:
                raise BadInput(
                    f"--target names {target.platform} twice ({seen[target.platform]}, {text}).",
                    "Give each platform once; for several builds of one platform use "
                    "--variants, e.g. --variants cpu,cu130.",
                )
            seen[target.platform] = text
        hand_picked = [text for text, target in parsed if target.backend != "auto"]
        if request.variants is not None and hand_picked:
            raise BadInput(
                f"--variants and --target {hand_picked[0]} both choose the build.",
                "Use --variants with --target PLATFORM (no =BACKEND), or leave out --variants.",
            )
    if request.variants is not None:
        _variants(request.variants)
    for c in request.companions:
        if c not in ("torchvision", "torchaudio", "torchao"):
            raise BadInput(
                f"'{c}' is not a companion package the wizard knows.",
                "Use --with torchvision, --with torchaudio or --with torchao.",
            )
    if request.python:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        spec = request.python.strip()
        try:
            python2 = SpecifierSet(f">={spec}" if spec[:1].isdigit() else spec).contains("2.7")
        except InvalidSpecifier:
            python2 = False  # the plan says what is wrong with it
        if python2:  # else "no wheels for Python 3.0" would be the first thing said
            raise BadInput(
                f"--python '{spec}' admits Python 2, and PyTorch publishes wheels only for "
                "Python 3.",
                "Use e.g. --python '>=3.11'.",
            )
        try:
            wanted = SpecifierSet(f">={spec}" if spec[:1].isdigit() else spec)
        except InvalidSpecifier:
            wanted = None
        pythons = [f"{major}.{minor}" for major in (3, 4) for minor in range(100)]
        if wanted is not None and not any(wanted.contains(v) for v in pythons):
            raise BadInput(
                f"--python '{spec}' admits no Python version.", "Use e.g. --python '>=3.11'."
            )
    if request.index_base:
        from wizard.plan import clean_index_base

        clean, _ = clean_index_base(request.index_base, request.allow_insecure_index)
        _refuse_a_variants_url(clean)


def _refuse_a_variants_url(base: str) -> None:
    """`--index-base .../whl/cu130` is one build's index, not the base the wizard puts each
    build's name under (it would write .../whl/cu130/cpu)."""
    from wizard.names import VARIANT

    parent, _, last = base.rstrip("/").rpartition("/")
    if not VARIANT.match(last) or "://" not in parent:
        return
    root, _, channel = parent.rpartition("/")
    flags = f"--index-base {parent}"
    if channel in ("nightly", "test") and "://" in root:
        flags = f"--index-base {root} --channel {channel}"
    raise BadInput(
        f"--index-base {base} is the {last} index itself, not the base of the PyTorch indexes.",
        f"Give the base instead ({flags}); the wizard adds each build's name to it.",
    )


def _variants(text: str) -> tuple[str, ...]:
    from wizard.plan import validate_backend

    items = tuple(dict.fromkeys(v.strip().lower() for v in text.split(",") if v.strip()))
    for v in items:
        if validate_backend(v) in ("auto", "default"):
            raise BadInput(
                f"'{v}' cannot be a selectable variant.",
                "Use concrete builds, e.g. --variants cpu,cu130.",
            )
    if len(items) < 2:
        raise BadInput(
            "--variants needs at least two builds to choose between.",
            "Use e.g. --variants cpu,cu130, or --target PLATFORM=BACKEND for one.",
        )
    return items


def initial_choices(facts: Facts, request: Request) -> Choices:
    """The flags, else what the project already has, else this machine's platform(s)."""
    from wizard.plan import Additions, Choices, TargetChoice, parse_target

    existing = facts.existing
    if request.targets:
        targets = tuple(parse_target(t) for t in request.targets)
    elif existing and existing.targets:
        targets = tuple(_kept_build(t, facts.catalog) for t in existing.targets)
    else:
        seen: dict[str, TargetChoice] = {}
        for p in facts.profiles:
            tp = platform_for(p.os, p.arch)
            if tp is not None:
                seen.setdefault(tp.name, TargetChoice(tp.name, "auto"))
        targets = tuple(seen.values()) or (TargetChoice("linux-x86_64", "auto"),)
    if request.variants is not None:
        variants = _variants(request.variants)
        if all(t.platform.startswith("macos") for t in targets):
            raise BadInput(
                "--variants needs a Linux or Windows target: macOS always takes PyPI's build.",
                "Add one with --target, e.g. --target linux-x86_64.",
            )
    elif request.targets and any(t.backend != "auto" for t in targets):
        variants = ()  # --target PLATFORM=BACKEND asks for one build per platform
    elif existing and existing.variants:
        variants = tuple(existing.variants)
    else:
        variants = fleet_variants(facts, request.torch, request.python, targets)
    # --with adds to what the project has (a companion goes by unticking it in the wizard)
    companions = (tuple(existing.companions) if existing else ()) + tuple(request.companions)
    companions += tuple(facts.pulled_companions) + group_companions(facts)
    channel = channel_of(request, existing)
    # A project moved to another channel leaves its torch range behind (>=2.16.0.dev0 is no
    # stable release).
    moved = existing is not None and channel != existing.channel
    torch_spec = request.torch or (existing.torch_spec if existing and not moved else None)
    if torch_spec is None and facts.catalog.origin == "live":
        torch_spec = _release_dependents_allow(facts, request.additions)
    index_base = request.index_base or (
        existing.index_base if existing and existing.index_base else DEFAULT_INDEX_BASE
    )
    # test and nightly lock only their targets: back on stable the default returns
    lock_scope = request.lock_scope or (existing.lock_scope if existing and not moved else "all")
    return Choices(
        targets=targets,
        variants=variants,
        torch=_release_of_spec(torch_spec),
        companions=tuple(dict.fromkeys(companions)),
        python=request.python,
        index_base=index_base,
        channel=channel,
        lock_scope=lock_scope,
        annotate=request.annotate,
        additions=request.additions or Additions(),
    )


def _kept_build(target: TargetChoice, catalog: Catalog) -> TargetChoice:
    """A platform the project's marker covers but its build never existed for (uv's guide:
    cu121 for `sys_platform == 'linux'`, which covers Linux aarch64) takes the recommendation."""
    from wizard.plan import TargetChoice

    if target.backend in ("auto", "default") or any(
        r.has(target.backend, target.platform) for r in catalog.releases
    ):
        return target
    return TargetChoice(target.platform, "auto")


def _release_of_spec(spec: str | None) -> str | None:
    """'>=2.15,<2.16' (as an earlier run wrote it) -> '2.15'; other specs stay as they are."""
    if not spec:
        return None
    parts = [p.strip() for p in spec.split(",")]
    if len(parts) == 2 and parts[0].startswith(">=") and parts[1].startswith("<"):
        low, high = parts[0][2:], parts[1][1:]
        lp, hp = low.split("."), high.split(".")
        if len(lp) == 2 and len(hp) == 2 and lp[0] == hp[0] and int(hp[1]) == int(lp[1]) + 1:
            return low
    return spec


def fleet_variants(
    facts: Facts,
    torch: str | None,
    python: str | None,
    targets: Sequence[TargetChoice] | None = None,
) -> tuple[str, ...]:
    """Builds to offer as extras when machines of one platform need different ones.

    E.g. a CPU-only CI runner and a CUDA training box, both Linux x86_64: one build per
    platform cannot serve both, so each becomes a selectable extra.
    """
    from wizard.plan import lowest_python
    from wizard.recommend import recommend

    py = _python_for_builds(facts, lowest_python(facts.requires_python or python), torch)
    by_platform: dict[str, list[str]] = {}
    for profile in facts.profiles:
        tp = platform_for(profile.os, profile.arch)
        if tp is None or tp.os == "macos":
            continue
        if targets is not None and tp.name not in {t.platform for t in targets}:
            continue  # a machine of a platform the lock does not serve
        backend = recommend(profile, tp.name, facts.catalog, torch, py).backend
        if backend != "default" and backend not in by_platform.setdefault(tp.name, []):
            by_platform[tp.name].append(backend)
    if not any(len(b) > 1 for b in by_platform.values()):
        return ()
    return tuple(dict.fromkeys(b for backends in by_platform.values() for b in backends))


def fleet_note(facts: Facts, choices: Choices) -> str | None:
    """Say why the builds became extras when the machines of one platform differ."""
    fleet = fleet_variants(facts, choices.torch, choices.python, choices.targets)
    if not choices.variants or fleet != (choices.variants):
        return None
    return (
        "The machines in the hardware profiles need different builds on one platform, so each "
        "build is a selectable extra: " + ", ".join(choices.variants) + "."
    )


def recommendations(facts: Facts, choices: Choices) -> dict[str, Recommendation]:
    """The build for each target, as the plan will lock it. One torch release serves every
    target: when the choices need an older release than a target's own (an old driver on
    another machine, a build chosen by hand, a companion, the Python), that target's build
    is made again for the shared release."""
    from wizard.plan import TargetChoice, choose_release, lowest_python
    from wizard.recommend import recommend

    py = _python_for_builds(
        facts, lowest_python(facts.requires_python or choices.python), choices.torch
    )
    recs = {
        t.platform: recommend(
            facts.profile_for(t.platform), t.platform, facts.catalog, choices.torch, py
        )
        for t in choices.targets
    }

    def shared_release(choices: Choices) -> str | None:
        resolved = resolve_auto(facts, choices, recs)
        keep = lowest_python(facts.requires_python)
        try:
            return choose_release(resolved, facts.catalog, keep).minor
        except BadInput:
            pass
        if resolved.torch == choices.torch:
            return None  # the plan says why; the builds stay those of each target's release
        # A target that needs an older release (macOS Intel: torch 2.2) sets it for all; the
        # other 'auto' targets then take their build in that release (builds chosen by hand
        # must be in it).
        chosen = tuple(t for t in choices.targets if t.backend != "auto")
        if not chosen:
            found = facts.catalog.release(resolved.torch) if resolved.torch else None
            return found.minor if found else None
        try:
            aligned = replace(choices, torch=resolved.torch, targets=chosen)
            return choose_release(aligned, facts.catalog, keep).minor
        except BadInput:
            return None

    shared = shared_release(choices)

    def own(platform: str) -> str | None:
        """The release the others leave this target: its own build chosen by hand does not
        count, or going back to its question would recommend for that build's release."""
        mine = next(t for t in choices.targets if t.platform == platform)
        if mine.backend == "auto":
            return shared
        others = tuple(
            TargetChoice(t.platform, "auto") if t.platform == platform else t
            for t in choices.targets
        )
        return shared_release(replace(choices, targets=others))

    result = {}
    for platform, rec in recs.items():
        release = own(platform)
        if release is not None and rec.torch not in (None, release):
            rec = recommend(facts.profile_for(platform), platform, facts.catalog, release, py)
        result[platform] = rec
    return result


def _python_for_builds(facts: Facts, python: str | None, torch: str | None = None) -> str | None:
    """The Python the builds are chosen for: requires-python's lowest, unless no torch release
    (inside `torch`, the release asked for) has wheels for it (an old >=3.9 read from a
    partial mirror; torch 2.15 for a >=3.10 project): the plan then raises requires-python,
    so recommending for it would give a CPU build for no reason."""
    releases = facts.catalog.releases_matching(torch) or facts.catalog.releases
    if python and not any(python in r.python for r in releases):
        return None
    return python


def recommended_here(
    facts: Facts, recs: Mapping[str, Recommendation], variants: Sequence[str] = ()
) -> str | None:
    """The build recommended for this machine (the first profile), when it is a target; of
    selectable `variants` that lack it, the one that fits best (cpu beside rocm7.2 on an
    NVIDIA box)."""
    if not facts.profiles:
        return None
    here = platform_for(facts.profiles[0].os, facts.profiles[0].arch)
    rec = recs.get(here.name) if here is not None else None
    if rec is None:
        return None
    if variants and rec.backend not in variants:
        fitting = [o.backend for o in rec.options if o.fits and o.backend in variants]
        return fitting[0] if fitting else rec.backend
    return rec.backend


def resolve_auto(
    facts: Facts, choices: Choices, recs: dict[str, Recommendation] | None = None
) -> Choices:
    """Replace 'auto' backends with the recommendation; align torch when they need an older one."""
    from wizard.plan import TargetChoice

    recs = recs if recs is not None else recommendations(facts, choices)
    targets = tuple(
        TargetChoice(t.platform, recs[t.platform].backend) if t.backend == "auto" else t
        for t in choices.targets
    )
    torch, set_by = choices.torch, None
    if torch is None:
        newest = facts.catalog.newest().minor
        older: dict[str, list[str]] = {}
        for t in choices.targets:
            release = recs[t.platform].torch
            if t.backend == "auto" and release not in (None, newest):
                older.setdefault(release, []).append(t.platform)
        if older:
            from packaging.version import Version

            torch = min(older, key=Version)
            # The recommendations share that release: the target it is the last one for
            # (macOS Intel) set it, not the others aligned to it.
            current = facts.catalog.newest()
            set_by = next((p for p in older[torch] if not current.has_wheels(p)), older[torch][0])
    return replace(choices, targets=targets, torch=torch, torch_set_by=set_by)


# --------------------------------------------------------------------------------------
# Prepare and apply


@dataclass(frozen=True)
class FileChange:
    """A file the apply step rewrites: its text before and after."""

    path: Path
    old_text: str
    new_text: str

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text


@dataclass(frozen=True)
class Prepared:
    """The plan, and the exact text it gives pyproject.toml, ready to show and to write."""

    choices: Choices
    plan: Plan
    old_text: str
    new_text: str
    diff: str  # of every file that changes
    root: FileChange | None = None  # the workspace root, when the project is a member

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text or bool(self.root and self.root.changed)


def prepare(facts: Facts, choices: Choices) -> Prepared:
    from wizard.plan import make_plan
    from wizard.project import render_plan, unified_diff

    _refuse_own_extras_as_builds(facts, choices)
    plan = make_plan(choices, facts.catalog, facts.requires_python)
    optional = _optional_homes(facts, plan)
    if "torch" in optional:
        plan = replace(plan, torch_extras=tuple(optional["torch"]))
    grouped = _group_homes(facts, plan, optional)
    if "torch" in grouped:
        plan = replace(plan, torch_groups=tuple(grouped["torch"]))
    plan = replace(plan, companion_homes=companion_homes_of(plan, optional, grouped))
    extra_notes = [
        n
        for n in (
            fleet_note(facts, choices),
            optional_note(optional),
            group_note(grouped),
            indirect_companion_note(
                {k: v for k, v in facts.pulled_companions.items() if k in choices.companions}
            ),
            indirect_torch_note(facts),
            held_back_note(facts, choices),
            own_index_note(facts, plan),
            dropped_targets_note(facts, choices),
            extras_beside_builds_note(facts, choices),
            machines_note(facts, choices, plan),
            unfit_builds_note(facts, choices, plan),
            own_environments_note(facts, plan),
            replaced_setup_note(facts),
            dropped_conditions_note(facts, plan),
            poetry_note(facts),
            *compiled_notes(facts, plan),
        )
        if n
    ]
    if extra_notes:
        plan = replace(plan, notes=plan.notes + tuple(extra_notes))
    old = facts.project.original.decode("utf-8") if facts.project.original else ""
    root_change = None
    member_plan = plan
    if facts.project.workspace_root is not None:
        # uv reads required-environments and environments from the workspace root only;
        # the member keeps its dependency, sources and explicit indexes.
        member_plan = replace(plan, required_environments=(), environments=())
        root_change = _root_change(facts.project.workspace_root, plan)
    new = render_plan(facts.project, member_plan, facts.folder.resolve().name)
    diff = unified_diff(old, new)
    if root_change and root_change.changed:
        rel = os.path.relpath(root_change.path, facts.folder)
        diff += unified_diff(root_change.old_text, root_change.new_text, rel)
    return Prepared(choices, plan, old, new, diff, root_change)


def replaced_setup_note(facts: Facts) -> str | None:
    """Say what of the person's hand-written torch setup the plan replaces (a direct URL,
    a git source, an index with a mistaken marker)."""
    found = facts.existing.conflicts_found if facts.existing else ()
    if not found:
        return None
    said = " ".join(f.replace("the wizard would replace", "the plan replaces") for f in found)
    return f"Replaces what pyproject.toml had by hand: {said}"


def poetry_note(facts: Facts) -> str | None:
    """A Poetry project that has a [project] table too: uv reads only [project], so packages
    listed in [tool.poetry.dependencies] alone are not installed by uv, and Poetry's own torch
    source stays for Poetry."""
    tool = facts.project.data.get("tool", {}) if facts.project.exists else {}
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    listed = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
    if not isinstance(listed, dict) or not listed:
        return None
    from wizard.names import canonical_name
    from wizard.project import requirement_names

    project = facts.project.data.get("project", {})
    deps = project.get("dependencies", []) if isinstance(project, dict) else []
    have = requirement_names(deps if isinstance(deps, list) else []) | {"torch", "python"}
    have |= {"torchvision", "torchaudio", "torchao"}  # the plan writes those it owns
    missing = sorted(n for n in map(canonical_name, listed) if n not in have)
    if not missing:
        return None
    return (
        f"uv reads only [project]: {', '.join(missing[:5])}"
        + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        + " from [tool.poetry.dependencies] will not be installed by uv; move them to "
        "[project].dependencies (`uvx migrate-to-uv` does it)."
    )


def own_environments_note(facts: Facts, plan: Plan) -> str | None:
    """The person's own tool.uv.environments gives way to the targets' platforms: uv needs a
    torch wheel for every environment, and a broad one (sys_platform == 'linux') also means
    machines torch has no wheels for."""
    if not facts.project.exists:
        return None
    from wizard.project import persons_environments

    tool = facts.project.data.get("tool", {})
    mine = persons_environments(tool.get("uv", {}) if isinstance(tool, dict) else {})
    if not mine or list(plan.environments) == mine:
        return None
    return (
        "tool.uv.environments ("
        + " ; ".join(f"`{m}`" for m in mine)
        + ") becomes the targets' platforms: uv needs a torch wheel for every environment, "
        "and torch has wheels only for some machines of a platform."
    )


def machine_extras(facts: Facts, choices: Choices, plan: Plan) -> list[tuple[str, str]]:
    """With selectable builds and several machines: (machine, the extra it syncs) for each
    machine of a chosen target; 'any' for macOS, which takes PyPI's build."""
    if not choices.variants or len(facts.profiles) < 2:
        return []
    found = []
    for name, rec in machine_recommendations(facts, choices, plan.torch_release):
        if rec.platform.startswith("macos"):
            found.append((name, "any"))
            continue
        extra = (
            rec.backend
            if rec.backend in choices.variants
            else ("cpu" if "cpu" in choices.variants else None)
        )
        if extra:
            found.append((name, extra))
    return found


def what_each_gets(
    facts: Facts, choices: Choices, recs: Mapping[str, Recommendation]
) -> list[tuple[str, Recommendation]]:
    """Each target's recommendation, by the platform's name; with several machines, each
    machine's own (in the release they share), named by its profile, then the targets no
    machine is known for (the Hardware step of both front ends)."""
    if len(facts.profiles) < 2:
        return [(PLATFORMS[p].label, rec) for p, rec in recs.items()]
    release = next((r.torch for r in recs.values() if r.torch), None)
    machines = machine_recommendations(facts, choices, release)
    named = [(f"{name} ({PLATFORMS[rec.platform].label})", rec) for name, rec in machines]
    known = {rec.platform for _, rec in machines}
    return named + [(PLATFORMS[p].label, r) for p, r in recs.items() if p not in known]


def machine_recommendations(
    facts: Facts, choices: Choices, torch: str | None
) -> list[tuple[str, Recommendation]]:
    """Each machine of a chosen target (its profile file's name) and its own recommendation
    in `torch`: a fleet's machines of one platform each get theirs."""
    from wizard.plan import lowest_python
    from wizard.recommend import recommend

    py = _python_for_builds(facts, lowest_python(facts.requires_python or choices.python), torch)
    found = []
    for i, profile in enumerate(facts.profiles):
        tp = platform_for(profile.os, profile.arch)
        if tp is None or tp.name not in {t.platform for t in choices.targets}:
            continue
        name = Path(profile.source).name if profile.source else f"machine {i + 1}"
        found.append((name, recommend(profile, tp.name, facts.catalog, torch, py)))
    return found


def machines_note(facts: Facts, choices: Choices, plan: Plan) -> str | None:
    """With selectable builds and several machines, which extra each machine syncs."""
    parts = [
        f"{name}: any (macOS takes PyPI's build)"
        if extra == "any"
        else f"{name}: `uv sync --extra {extra}`"
        for name, extra in machine_extras(facts, choices, plan)
    ]
    return "Each machine's extra: " + "; ".join(parts) + "." if parts else None


def unfit_builds_note(facts: Facts, choices: Choices, plan: Plan) -> str | None:
    """Selectable builds asked for (--variants) on one machine: the ones it cannot use."""
    if not choices.variants or len(facts.profiles) != 1 or not plan.torch_release:
        return None
    profile = facts.profiles[0]
    here = platform_for(profile.os, profile.arch)
    if here is None or here.name not in {t.platform for t in plan.targets}:
        return None
    from wizard.recommend import recommend

    rec = recommend(profile, here.name, facts.catalog, plan.torch_release)
    unfit = [o for o in rec.options if o.backend in choices.variants and not o.fits]
    if not unfit:
        return None
    said = " or ".join(f"the {o.backend} extra ({o.reason})" for o in unfit)
    best = recommended_here(facts, {here.name: rec}, choices.variants)
    if best not in choices.variants or best in {o.backend for o in unfit}:
        return f"This machine cannot use {said}; none of the extras fits it."
    return f"This machine cannot use {said}; here use `uv sync --extra {best}`."


def extras_beside_builds_note(facts: Facts, choices: Choices) -> str | None:
    """With selectable builds, torch in one of the person's own extras (a library's `torch`
    extra) stays as written and gets no index: alone, that extra installs PyPI's build."""
    if not choices.variants or not facts.project.exists:
        return None
    from wizard.project import extras_holding, groups_holding

    names = ["torch", "torchvision", "torchaudio"]
    extras = extras_holding(facts.project.data, names)
    homes = [("extra", extras), ("group", groups_holding(facts.project.data, names, extras))]
    kind, held = next(((k, h) for k, h in homes if h), ("", {}))
    if not held:
        return None
    name, keys = next(iter(held.items()))
    here = recommended_here(facts, recommendations(facts, choices), choices.variants)
    build = here if here in choices.variants else choices.variants[0]
    own = f"your own {kind} '{keys[0]}'"
    return (
        f"{name} in {own} stays as written: `uv sync --{kind} {keys[0]}` alone installs PyPI's "
        f"build; add a build's extra to get the chosen one (`uv sync --{kind} {keys[0]} "
        f"--extra {build}`)."
    )


def dropped_targets_note(facts: Facts, choices: Choices) -> str | None:
    """Say which of the project's targets the plan no longer serves (only the diff showed it)."""
    if not facts.existing:
        return None
    kept = {t.platform for t in choices.targets}
    gone = [PLATFORMS[t.platform].label for t in facts.existing.targets if t.platform not in kept]
    if not gone:
        return None
    one = len(gone) == 1
    return (
        f"{', '.join(gone)}: no longer {'a target; its' if one else 'targets; their'} sources "
        "and indexes go from pyproject.toml."
    )


def own_index_note(facts: Facts, plan: Plan) -> str | None:
    """torch's source named a hand-written index that the plan no longer uses."""
    own = facts.existing.own_index if facts.existing else None
    if own is None or any(i.name == own[0] for i in plan.indexes):
        return None
    name, url = own
    return (
        f"torch came from your index '{name}'{f' ({url})' if url else ''}; the plan's "
        f"indexes replace it and nothing uses it now: delete its [[tool.uv.index]] block if "
        "nothing else needs it."
    )


def _root_change(root: Path, plan: Plan) -> FileChange:
    from wizard.plan import Plan
    from wizard.project import read_project, render_plan

    project = read_project(root)
    root_plan = Plan(
        dependencies=(),
        required_environments=plan.required_environments,
        environments=plan.environments,
        annotate=plan.annotate,
    )
    old = project.original.decode("utf-8") if project.original else ""
    return FileChange(root / "pyproject.toml", old, render_plan(project, root_plan, root.name))


def compiled_notes(facts: Facts, plan: Plan) -> list[str]:
    """Warn about dependencies built against one torch build that the plan may not match."""
    deps = (
        facts.project.data.get("project", {}).get("dependencies", [])
        if (facts.project.exists)
        else []
    )
    if not deps:
        return []
    from packaging.requirements import InvalidRequirement, Requirement

    from wizard.names import canonical_name

    compiled = {canonical_name(n) for n in facts.catalog.compiled_against_torch}
    found = []
    for d in deps:
        try:
            name = canonical_name(Requirement(d).name)
        except InvalidRequirement:
            continue
        if name in compiled and name not in plan.sources:
            found.append(name)
    builds = sorted(
        {t.backend for t in plan.targets if t.backend not in ("default",)} | set(plan.variants)
    )
    if not found or not builds:
        return []
    return [
        f"{', '.join(found)} come{'s' if len(found) == 1 else ''} from PyPI, where "
        "wheels are built against PyPI's default torch; with the "
        f"{', '.join(builds)} build{'s' if len(builds) > 1 else ''} a compiled extension "
        "may fail to load. Check that project's install notes for wheels matching the "
        "build (see `torch-wizard explain indirect`)."
    ]


def _dependents_torch(facts: Facts, additions: Additions | None = None) -> list[TorchRequirement]:
    found = dependents_torch(facts.project)
    if additions is not None:
        # A migration's other requirements (legacy-vision needs torch<2.15) bind it as well.
        from wizard.project import requirement_names

        named = _direct_names(facts.project)
        more = [
            d
            for d in (*additions.dependencies, *(r for g in additions.groups.values() for r in g))
            if not requirement_names([d]) & named
        ]
        if more:
            from wizard.catalog.refresh import pypi_simple_url
            from wizard.dependents import torch_requirements

            found += torch_requirements(more, pypi_simple_url())
    return found


def dependents_torch(project: ProjectFile) -> list[TorchRequirement]:
    """The torch requirements of the project's other dependencies (unless the project gives
    torch a version range of its own).

    Reads their metadata from the default index (cached): a front end can call this in a
    worker first, so that choosing the defaults later finds the answers in the cache.
    """
    deps = project.data.get("project", {}).get("dependencies", []) if project.exists else []
    if not deps or _own_torch_range(project):
        return []  # the person's own range stands
    return dependents_requirements(project)


def _own_torch_range(project: ProjectFile) -> bool:
    """Whether a requirement of the project gives torch a version (`torch>=2.4`, not `torch`)."""
    from packaging.requirements import InvalidRequirement, Requirement

    from wizard.names import canonical_name

    for item in _requirements(project):
        try:
            req = Requirement(item)
        except InvalidRequirement:
            continue
        if canonical_name(req.name) == "torch" and req.specifier:
            return True
    return False


def _requirements(project: ProjectFile) -> list[str]:
    """The requirements of [project].dependencies, the person's own extras and groups (uv
    applies sources to groups too)."""
    if not project.exists:
        return []
    table = project.data.get("project", {})
    extras = table.get("optional-dependencies", {})
    groups = project.data.get("dependency-groups", {})
    lists = [table.get("dependencies", []) or []]
    lists += list(extras.values()) if isinstance(extras, dict) else []
    lists += list(groups.values()) if isinstance(groups, dict) else []
    return [r for items in lists if isinstance(items, list) for r in items if isinstance(r, str)]


def dependents_requirements(project: ProjectFile) -> list[TorchRequirement]:
    """What the project's other direct dependencies require of torch, torchvision and
    torchaudio, from their published metadata (cached)."""
    deps = project.data.get("project", {}).get("dependencies", []) if project.exists else []
    if not deps:
        return []
    from wizard.catalog.refresh import pypi_simple_url
    from wizard.dependents import direct_requirements, torch_requirements

    if not direct_requirements(deps):
        return []
    return torch_requirements(deps, pypi_simple_url())


def _direct_names(project: ProjectFile) -> set[str]:
    """The packages [project].dependencies, the person's own extras and groups name."""
    reqs = _requirements(project)
    if not reqs:
        return set()  # a new project: nothing to parse (packaging's parsers cost ~20 ms)
    from wizard.project import requirement_names

    return requirement_names(reqs)


def indirect_companions(facts: Facts) -> dict[str, list[str]]:
    """torchvision and torchaudio that only other packages pull in: name -> those packages.

    uv applies [tool.uv.sources] to direct dependencies only, so such a companion would come
    from PyPI, built for PyPI's torch rather than the chosen build. Read from an existing
    uv.lock, and (with a live catalog) from the direct dependencies' published metadata.
    """
    from wizard.lock import dependents_of

    direct = _direct_names(facts.project)
    lock_folder = facts.project.workspace_root or facts.folder
    found = {
        name: through
        for name, through in dependents_of(lock_folder, ("torchvision", "torchaudio")).items()
        if name not in direct
    }
    if facts.catalog.origin == "live":
        for r in dependents_requirements(facts.project):
            if r.package in ("torchvision", "torchaudio") and r.package not in direct:
                via = found.setdefault(r.package, [])
                name = r.dependent.split()[0]
                if name not in via:
                    via.append(name)
    return found


def indirect_companion_note(found: Mapping[str, list[str]]) -> str | None:
    if not found:
        return None
    parts = [f"{name} (through {', '.join(via)})" for name, via in found.items()]
    verb = "become direct dependencies" if len(parts) > 1 else "becomes a direct dependency"
    return (
        f"{' and '.join(parts)} {verb}: uv applies [tool.uv.sources] only to direct "
        "dependencies, and PyPI's copy is built for PyPI's torch, not for the build chosen here."
    )


def _release_dependents_allow(facts: Facts, additions: Additions | None = None) -> str | None:
    """The newest torch release every dependent allows, when that is not the newest one."""
    found = _dependents_torch(facts, additions)
    if not found:
        return None
    from wizard.dependents import allowed_by

    for release in facts.catalog.releases:
        if any(allowed_by(found, v) for v in reversed(release.versions)):
            return None if release is facts.catalog.newest() else release.minor
    return None


def _optional_homes(facts: Facts, plan: Plan) -> dict[str, list[str]]:
    """Planned packages that stay in the person's own extras (see project.extras_holding)."""
    if not facts.project.exists:
        return {}
    from wizard.project import extras_holding

    return extras_holding(facts.project.data, plan.dependencies)


def _group_homes(
    facts: Facts, plan: Plan, optional: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """Planned packages that stay in the person's dependency groups (project.groups_holding)."""
    if not facts.project.exists:
        return {}
    from wizard.project import groups_holding

    return groups_holding(facts.project.data, plan.dependencies, optional)


def dropped_conditions_note(facts: Facts, plan: Plan) -> str | None:
    """A platform condition the person put on torch gives way to the targets: say so."""
    if not facts.project.exists:
        return None
    from wizard.project import dropped_conditions

    planned = [*plan.dependencies, *(r for rs in plan.optional_dependencies.values() for r in rs)]
    found = dropped_conditions(facts.project.data, plan.owned_packages, planned)
    if not found:
        return None
    return (
        "The targets decide where the torch packages install, so their platform conditions go: "
        + "; ".join(found[:3])
        + ". Locking only the targets keeps torch off other platforms (lock scope: targets)."
    )


def _refuse_own_extras_as_builds(facts: Facts, choices: Choices) -> None:
    """A selectable build named like the person's own extra (cpu = ["numpy"]) would put
    torch into it, and a later run could no longer tell the two apart."""
    if not choices.variants or not facts.project.exists:
        return
    from wizard.project import own_extras_named

    clash = own_extras_named(facts.project.data, choices.variants)
    if clash:
        from wizard.names import canonical_name

        name, packages = next(iter(clash.items()))
        build = next(v for v in choices.variants if canonical_name(v) == canonical_name(name))
        raise BadInput(
            f"pyproject.toml has its own extra '{name}' ({', '.join(packages)}), and the "
            f"selectable {build} build needs that name.",
            f"Rename your extra, or choose builds without {build}.",
        )


def companion_homes_of(
    plan: Plan, optional: Mapping[str, list[str]], grouped: Mapping[str, list[str]]
) -> tuple[tuple[str, str], ...]:
    """The first extra or group of each companion that torch's own home does not cover."""
    torch_home = {("extra", e) for e in plan.torch_extras} | {
        ("group", g) for g in plan.torch_groups[:1]
    }
    homes: list[tuple[str, str]] = []
    for name in plan.owned_packages:
        if name == "torch":
            continue
        found = [("extra", e) for e in optional.get(name, [])] + [
            ("group", g) for g in grouped.get(name, [])
        ]
        if found and not torch_home & set(found) and found[0] not in homes:
            homes.append(found[0])
    return tuple(homes)


def group_note(grouped: Mapping[str, list[str]]) -> str | None:
    return _kept_note(grouped, "group", "Kept in their dependency groups, with the new range")


def group_companions(facts: Facts) -> tuple[str, ...]:
    """torchvision and torchaudio that the person's dependency groups name: they get the
    paired release and torch's index like the required ones."""
    groups = facts.project.data.get("dependency-groups", {}) if facts.project.exists else {}
    from wizard.project import requirement_names

    names: set[str] = set()
    for reqs in groups.values() if isinstance(groups, dict) else ():
        names |= requirement_names(reqs if isinstance(reqs, list) else [])
    return tuple(c for c in ("torchvision", "torchaudio") if c in names)


def optional_note(optional: Mapping[str, list[str]]) -> str | None:
    return _kept_note(optional, "extra", "Kept optional, with the new range where they are")


def _kept_note(homes: Mapping[str, list[str]], kind: str, lead: str) -> str | None:
    """Where the person's extras or groups keep planned packages, and how to install them."""
    if not homes:
        return None
    parts = [
        f"{name} in the {kind}{'s' if len(keys) > 1 else ''} {', '.join(repr(k) for k in keys)}"
        for name, keys in homes.items()
    ]
    first = next(iter(homes.values()))[0]
    return (
        f"{lead}: "
        + "; ".join(parts)
        + f" (install with `uv sync --{kind} {first}`; [tool.uv.sources] applies there too)."
    )


def held_back_note(facts: Facts, choices: Choices) -> str | None:
    """Why torch is not the newest release when the project's own requirements (or a
    migration's) hold it back; torch pulled in only indirectly says it in indirect_torch_note."""
    if facts.catalog.origin != "live" or choices.torch is None or _indirect_torch(facts):
        return None
    from wizard.dependents import allowed_by

    newest = facts.catalog.newest()
    found = [r for r in _dependents_torch(facts, choices.additions) if r.package == "torch"]
    blockers = [r for r in found if not any(allowed_by([r], v) for v in newest.versions)]
    if not blockers or choices.torch == newest.minor:
        return None
    needs = "; ".join(f"{r.dependent} needs torch{r.specifier}" for r in blockers)
    return f"torch {choices.torch}, not {newest.minor}: {needs}."


def _indirect_torch(facts: Facts) -> bool:
    """torch is not a requirement of the project, only other packages pull it in."""
    if not facts.project.exists:
        return False
    deps = facts.project.data.get("project", {}).get("dependencies", []) or []
    names = _direct_names(facts.project)
    return bool(deps) and bool(names) and "torch" not in names


def indirect_torch_note(facts: Facts) -> str | None:
    """When torch only arrives through other packages, say why it becomes direct."""
    if not _indirect_torch(facts):
        return None  # no other packages, or torch is direct (required or in an extra)
    from wizard.lock import torch_dependents

    through = torch_dependents(facts.folder)
    via = f" (it comes in through {', '.join(through)})" if through else ""
    wanted = (
        [r for r in _dependents_torch(facts) if r.package == "torch"]
        if (facts.catalog.origin == "live")
        else []
    )
    needs = (
        (
            " The release allows what they require: "
            + "; ".join(f"{r.dependent} needs torch{r.specifier}" for r in wanted)
            + "."
        )
        if wanted
        else ""
    )
    return (
        "torch becomes a direct dependency" + via + ": uv applies [tool.uv.sources] only "
        "to direct dependencies, so without it the PyTorch index would be ignored and "
        "PyPI's build installed." + needs
    )


@dataclass(frozen=True)
class Applied:
    """What the apply step did: written, locked, and the lock report."""

    written: bool
    locked: bool
    report: LockReport | None = None
    lock_run: LockRun | None = None
    messages: tuple[str, ...] = field(default_factory=tuple)
    files: tuple[Path, ...] = ()  # what was written, when more than pyproject.toml and uv.lock


def _credentials(prepared: Prepared) -> dict[str, str]:
    """UV_INDEX_<NAME>_USERNAME/PASSWORD for the wizard's own `uv lock`, from an --index-base
    with a user name and password (never written to a file)."""
    from urllib.parse import unquote, urlsplit

    names = prepared.plan.credential_env
    parts = urlsplit(prepared.choices.index_base)
    if not names or not (parts.username or parts.password):
        return {}
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    return {name: user if name.endswith("_USERNAME") else password for name in names}


def apply(
    facts: Facts,
    prepared: Prepared,
    lock: bool = True,
    on_line: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Applied:
    """Write pyproject.toml and run uv lock as one transaction (the only writer).

    Setting `cancel` stops uv lock; the files are put back and LockFailed says so.
    """
    from wizard.lock import run_uv_lock, transaction
    from wizard.project import write_atomically

    pyproject = facts.folder / "pyproject.toml"
    lock_folder = facts.project.workspace_root or facts.folder
    lock_file = lock_folder / "uv.lock"
    member = _project_name(prepared.new_text) if facts.project.workspace_root else None

    def write_all() -> None:
        if prepared.old_text != prepared.new_text:
            write_atomically(pyproject, prepared.new_text.encode("utf-8"))
        if prepared.root and prepared.root.changed:
            write_atomically(prepared.root.path, prepared.root.new_text.encode("utf-8"))

    if not prepared.changed and not lock:
        return Applied(False, False, messages=("Nothing to change.",))
    if not prepared.changed and lock_file.exists():
        # pyproject.toml has the plan; uv.lock may still be out of date with it (edited by
        # hand since): uv lock rewrites it only then.
        before = lock_file.read_bytes()
        with transaction(facts.folder, lock_folder):
            run = run_uv_lock(
                facts.folder, on_line, cancel=cancel, credentials=_credentials(prepared)
            )
            if not run.ok:
                raise LockFailed(run)
        report = _safe_report(lock_folder, prepared.plan, member, facts)
        if lock_file.read_bytes() == before:
            return Applied(False, False, report, messages=("Nothing to change.",))
        return Applied(False, True, report, run)
    # A workspace member: the root's pyproject.toml and uv.lock are written too.
    files: tuple[Path, ...] = ()
    if facts.project.workspace_root is not None:
        root = (prepared.root.path,) if prepared.root and prepared.root.changed else ()
        changed = (pyproject,) if prepared.old_text != prepared.new_text else ()
        files = changed + root + ((lock_file,) if lock else ())
    if not lock:
        with transaction(facts.folder, lock_folder):
            write_all()
        return Applied(True, False, files=files)
    with transaction(facts.folder, lock_folder):
        write_all()
        run = run_uv_lock(facts.folder, on_line, cancel=cancel, credentials=_credentials(prepared))
        if not run.ok:
            raise LockFailed(run)
    return Applied(
        prepared.changed,
        True,
        _safe_report(lock_folder, prepared.plan, member, facts),
        run,
        files=files,
    )


def _project_name(text: str) -> str | None:
    from wizard.project import parse_project

    try:
        name = parse_project(Path("."), text.encode("utf-8")).data.get("project", {}).get("name")
    except BadInput:
        return None
    return name if isinstance(name, str) else None


def hardware_check(facts: Facts) -> Callable[[list[TargetLock]], list[str]]:
    """Warnings for builds a target's machine cannot run, and for unpaired companions."""

    def check(targets: list[TargetLock]) -> list[str]:

        out: list[str] = []
        for t in targets:
            torch = t.torch
            if torch is None:
                continue
            label = PLATFORMS[t.platform].label + (f" [{t.extra}]" if t.extra else "")
            cuda = torch.variant.startswith("cu") or t.cuda_from_pypi
            problems = (
                [
                    _cuda_problem(facts, p, torch.version, torch.variant)
                    for p in facts.profiles_for(t.platform)
                ]
                if cuda
                else []
            )
            # A selectable extra needs one machine that can run it; a platform's only build
            # must suit every machine of that platform. A fleet's extras are each some
            # machine's (the plan lists which): no warning for the others.
            fleet = t.extra and len(facts.profiles) > 1
            if problems and not fleet and (all(problems) if t.extra else any(problems)):
                out.append(f"{label}: " + next(p for p in problems if p))
            for name in ("torchvision", "torchaudio"):
                pkg = t.packages.get(name)
                if pkg is None:
                    continue
                paired = facts.catalog.companion_for(torch.version, name)
                public = pkg.version.split("+")[0]
                # Patch releases of a companion serve the same torch line (0.29.1 ~ 0.29.2).
                if paired and paired.split(".")[:2] != public.split(".")[:2]:
                    out.append(
                        f"{label}: {name} {public} with torch "
                        f"{torch.version.split('+')[0]}; the release paired with it is "
                        f"{paired}."
                    )
        return out

    return check


def _cuda_problem(facts: Facts, profile: HardwareProfile, version: str, variant: str) -> str:
    """Why a machine cannot run this CUDA build ("" when it can, as far as is known)."""
    from packaging.version import InvalidVersion, Version

    if not profile.gpus_of("nvidia"):
        return (
            f"torch {version} is a CUDA build, but the machine ({profile.describe()}) has no "
            "NVIDIA GPU."
        )
    driver = profile.nvidia_driver
    need = facts.catalog.min_driver(variant, profile.os)
    try:
        too_old = bool(driver and need and Version(driver) < Version(need))
    except InvalidVersion:
        too_old = False
    if too_old:
        return f"torch {version} needs NVIDIA driver {need} or newer; the machine has {driver}."
    return ""


def _safe_report(
    folder: Path, plan: Plan, member: str | None = None, facts: Facts | None = None
) -> LockReport | None:
    from wizard.lock import read_lock

    try:
        return read_lock(
            folder, plan, member=member, hardware=hardware_check(facts) if facts else None
        )
    except (OSError, ValueError, KeyError) as exc:  # a lock uv wrote but we cannot read
        raise WorkFailed(f"uv.lock was written but could not be read ({exc}).") from None


class LockFailed(WorkFailed):
    def __init__(self, run: LockRun) -> None:
        super().__init__(
            "uv lock was stopped, so pyproject.toml and uv.lock were put back as they were."
            if run.cancelled
            else "uv lock failed, so pyproject.toml and uv.lock were put back as they were. "
            f"{run.explanation}",
            "",
        )
        self.run = run
