"""Which PyTorch build fits a machine: the rules of DESIGN.md "Choosing a backend".

A CUDA variant fits when the driver is new enough, the build has kernels for every GPU's
compute capability, and the variant exists for the torch release, the platform and Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from packaging.version import Version

from wizard.catalog.model import Catalog, Release
from wizard.errors import parse_version
from wizard.hardware.profile import GPU, VENDOR_WORDS, HardwareProfile, counted_labels
from wizard.platforms import PLATFORMS, platform_for


@dataclass(frozen=True)
class Option:
    """One backend for a target on one torch release, and whether it fits the hardware."""

    backend: str  # cpu, cu130, rocm7.2, xpu, default
    fits: bool
    reason: str
    stable: bool = True


@dataclass(frozen=True)
class Recommendation:
    """The build for one platform, why, and the ways out when it is not the obvious one."""

    platform: str
    backend: str
    torch: str | None  # the release line the backend is for ("2.15"); None: nothing serves it
    reasons: tuple[str, ...]
    options: tuple[Option, ...] = ()
    ways_out: tuple[str, ...] = ()  # when the newest torch cannot use the GPU
    warnings: tuple[str, ...] = ()
    hardware: str | None = None  # the machine it was made for, in words

    @property
    def summary(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def ways_out_in_wizard(self) -> tuple[str, ...]:
        """The ways out for a person answering the wizard's questions, where the release and
        the build are questions: without the flags that take them on the command line."""
        return tuple(_FLAGS.sub(".", w) for w in self.ways_out)


# The flags that take a way out, as `_with_flags` writes them at its end.
_FLAGS = re.compile(r" \((--[^()]*)\)\.$")


def _with_flags(text: str, flags: str) -> str:
    """`Use torch 2.14 with cu126 (--torch 2.14 --target linux-x86_64=cu126).`"""
    return f"{text} ({flags})."


def _python_minor(python: str | None) -> str | None:
    v = parse_version(python)
    return f"{v.major}.{v.minor}" if v else None


def _cuda_key(variant: str) -> Version:
    digits = variant[2:]
    return Version(f"{digits[:-1]}.{digits[-1]}") if digits.isdigit() else Version("0")


def _rocm_key(variant: str) -> Version:
    return parse_version(variant[4:]) or Version("0")


def is_tegra(gpu: GPU, catalog: Catalog) -> bool:
    name = gpu.name or ""
    return any(w.lower() in name.lower() for w in catalog.tegra_words) or (
        gpu.compute_capability in catalog.tegra_cc and "nvidia" == gpu.vendor and not name
    )


def intel_runs_xpu(gpu: GPU, catalog: Catalog) -> bool:
    name = gpu.name or ""
    return any(w.lower() in name.lower() for w in catalog.xpu_words)


def _gpu_word(gpus: tuple[GPU, ...]) -> str:
    """Each kind of GPU once, with how many there are: "8 × NVIDIA GeForce RTX 4090"."""
    return " and ".join(counted_labels(sorted(gpus, key=lambda g: g.label)))


def _kinds(gpus: tuple[GPU, ...]) -> tuple[GPU, ...]:
    """One GPU of each kind (name and architecture): identical cards are checked once."""
    seen: dict[tuple[str, str | None, str | None, str | None], GPU] = {}
    for g in gpus:
        seen.setdefault((g.vendor, g.name, g.compute_capability, g.gfx), g)
    return tuple(seen.values())


@dataclass(frozen=True)
class _Context:
    """What a recommendation is worked out from: the catalog, platform, Python and releases."""

    catalog: Catalog
    platform: str
    os_name: str
    python: str | None
    releases: tuple[Release, ...]
    limited: bool = False  # releases narrowed by a torch requirement


def _cuda_option(
    ctx: _Context,
    release: Release,
    variant: str,
    gpus: tuple[GPU, ...],
    driver: str | None,
    wsl: bool,
) -> Option:
    cat = ctx.catalog
    stable = variant in release.stable or variant not in release.experimental
    if not release.has(variant, ctx.platform, ctx.python):
        return Option(
            variant,
            False,
            f"no torch {release.minor} {variant} wheels for "
            f"{PLATFORMS[ctx.platform].label} and Python {ctx.python}",
            stable,
        )
    # The GPU first: a driver upgrade does not help a GPU the build has no kernels for.
    arch_reasons: list[str] = []
    for g in _kinds(gpus):
        if not g.compute_capability:
            arch_reasons.append(f"compute capability of {g.label} unknown")
            continue
        support = cat.arch_support(release.minor, variant, ctx.platform, g.compute_capability)
        sm = "sm_" + g.compute_capability.replace(".", "")
        if support is None:
            arch_reasons.append(f"architecture list of {variant} unknown for {sm}")
        elif not support.ok:
            built = ", ".join("sm_" + a.replace(".", "") for a in support.arch_list)
            return Option(
                variant,
                False,
                f"no kernels for {sm} ({g.label}); "
                f"torch {release.minor} {variant} is built for {built}",
                stable,
            )
        elif support.how == f"{sm} kernels":
            arch_reasons.append(f"it has {sm} kernels")
        else:
            arch_reasons.append(f"{sm} runs {support.how}")
    arch_reasons = list(dict.fromkeys(arch_reasons))  # two kinds can read the same
    needed = cat.min_driver(variant, "windows" if wsl else ctx.os_name)
    toolkit = cat.cuda_toolkit(variant)
    d = parse_version(driver)
    if needed and d is not None and d < Version(needed):
        return Option(
            variant,
            False,
            f"CUDA {toolkit} needs driver {needed} or newer; this machine has {driver}",
            stable,
        )
    if needed and d is None:
        reasons = [f"driver not detected: CUDA {toolkit} needs {needed} or newer"]
    else:
        reasons = [f"driver {driver} runs CUDA {toolkit}, which needs {needed}"]
    reasons += arch_reasons
    return Option(variant, True, "; ".join(reasons), stable)


def _pick_cuda(release: Release, fitting: list[Option]) -> Option:
    pypi = release.pypi.get("linux-x86_64")

    def rank(o: Option) -> tuple[int, int, Version]:
        return (1 if o.stable else 0, 1 if o.backend == pypi else 0, _cuda_key(o.backend))

    return max(fitting, key=rank)


def _recommend_nvidia(
    ctx: _Context, gpus: tuple[GPU, ...], profile: HardwareProfile, extra_reasons: list[str]
) -> Recommendation:
    driver = profile.nvidia_driver
    wsl = bool(profile.wsl)
    who = _gpu_word(gpus)
    newest = ctx.releases[0] if ctx.releases else None
    first_blockers: list[Option] = []
    for release in ctx.releases:
        cuda = [v for v in release.variants_on(ctx.platform) if v.startswith("cu")]
        options = [_cuda_option(ctx, release, v, gpus, driver, wsl) for v in cuda]
        fitting = [o for o in options if o.fits]
        if release is newest:
            first_blockers = [o for o in options if not o.fits]
        if not fitting:
            continue
        best = _pick_cuda(release, fitting)
        reasons = [
            f"{who}: the {best.backend} build of torch {release.minor} fits ({best.reason})."
        ] + extra_reasons
        newer = [o for o in fitting if _cuda_key(o.backend) > _cuda_key(best.backend)]
        if newer:  # say why not the newest that fits
            reasons.append(
                f"{newer[-1].backend} fits too but is marked experimental for torch "
                f"{release.minor}."
                if not newer[-1].stable
                else f"{newer[-1].backend} fits too; {best.backend} is the most tested: "
                + (
                    "PyPI's own torch for Linux is built with it."
                    if ctx.platform.startswith("linux")
                    else "it is PyTorch's default CUDA version (PyPI's Linux torch is built "
                    "with it; PyPI's torch for Windows is CPU-only)."
                    if ctx.os_name == "windows"
                    else "it is PyTorch's default CUDA version (PyPI's Linux torch is built "
                    "with it)."
                )
            )
        ways_out: list[str] = []
        if newest is not None and release is not newest:
            reasons.append(f"No CUDA build of torch {newest.minor} fits this machine.")
            ways_out = _ways_out(ctx, newest, first_blockers)
        if not best.stable:
            reasons.append(f"{best.backend} is marked experimental for torch {release.minor}.")
        all_options = tuple(options) + _cpu_default_options(ctx, release, gpus, driver, wsl)
        return Recommendation(
            ctx.platform,
            best.backend,
            release.minor,
            tuple(reasons),
            all_options,
            tuple(ways_out),
            hardware=profile.describe(),
        )
    top = ctx.releases[0] if ctx.releases else None
    scope = "any torch release in the catalog"
    if ctx.limited and ctx.releases:
        first, last = ctx.releases[-1].minor, ctx.releases[0].minor
        scope = f"torch {last}" if first == last else f"torch {first} to {last}"
    reasons = (
        [f"{who}: no CUDA build of {scope} fits; the CPU build is the one that runs."]
        + [o.reason for o in first_blockers[:3]]
        + extra_reasons
    )
    return Recommendation(
        ctx.platform,
        "cpu",
        top.minor if top else None,
        tuple(reasons),
        tuple(first_blockers) + (_cpu_default_options(ctx, top, gpus, driver, wsl) if top else ()),
        ways_out=tuple(_ways_out(ctx, top, first_blockers)) if top else (),
        hardware=profile.describe(),
    )


def _ways_out(ctx: _Context, newest: Release, blockers: list[Option]) -> list[str]:
    """How to get the newest release's CUDA builds. (Staying on an older release is the
    recommendation itself, or, when --torch asks for the newest, a way out `recommend` adds.)"""
    cat = ctx.catalog
    out = []
    driver_blocked = [o for o in blockers if "needs driver" in o.reason]
    if driver_blocked:
        need = min(
            (cat.min_driver(o.backend, ctx.os_name) or "0" for o in driver_blocked),
            key=lambda s: Version(s),
        )
        out.append(
            f"Upgrade the NVIDIA driver to {need} or newer to use torch {newest.minor} "
            f"with CUDA ({', '.join(o.backend for o in driver_blocked)})."
        )
    arch_blocked = [o for o in blockers if "no kernels" in o.reason]
    if arch_blocked and not driver_blocked:
        out.append(
            f"torch {newest.minor} has no kernels for this GPU; newer releases will not "
            "bring them back."
        )
    return out


def _cpu_default_options(
    ctx: _Context,
    release: Release | None,
    gpus: tuple[GPU, ...] = (),
    driver: str | None = None,
    wsl: bool = False,
) -> tuple[Option, ...]:
    if release is None:
        return ()
    opts = []
    if release.has("cpu", ctx.platform, ctx.python):
        mb = ctx.catalog.sizes_mb.get("cpu")
        opts.append(Option("cpu", True, f"runs anywhere; about {mb} MB" if mb else "runs anywhere"))
    pypi = release.pypi.get(ctx.platform)
    if pypi:
        what = {"cpu": "CPU-only", "mps": "CPU + Apple MPS"}.get(pypi, f"CUDA ({pypi})")
        fits, reason = True, f"PyPI's own torch for this platform: {what}"
        if pypi.startswith("cu") and gpus:
            cuda = _cuda_option(ctx, release, pypi, gpus, driver, wsl)
            fits = cuda.fits
            reason += f"; {cuda.reason}"
        elif pypi.startswith("cu"):
            big = ctx.catalog.sizes_mb.get("pypi-linux-cuda", 3000)
            reason += (
                f"; without an NVIDIA GPU it runs on the CPU and still downloads about "
                f"{big / 1000:.0f} GB of CUDA libraries"
            )
        opts.append(Option("default", fits, reason))
    return tuple(opts)


def _plain(
    ctx: _Context,
    backend: str,
    release: Release | None,
    reasons: list[str],
    profile: HardwareProfile | None,
    warnings: tuple[str, ...] = (),
    ways_out: tuple[str, ...] = (),
) -> Recommendation:
    options = _cpu_default_options(ctx, release)
    return Recommendation(
        ctx.platform,
        backend,
        release.minor if release else None,
        tuple(reasons),
        options,
        ways_out,
        warnings,
        hardware=profile.describe() if profile else None,
    )


def recommend(
    profile: HardwareProfile | None,
    platform: str,
    catalog: Catalog,
    torch_spec: str | None = None,
    python: str | None = None,
) -> Recommendation:
    """The backend for one target platform, with reasons in plain words and the alternatives.

    `profile` is the machine of that platform (None: no machine known, e.g. a CI target).
    """
    tp = PLATFORMS[platform]
    py = _python_minor(python) or (_python_minor(profile.python) if profile else None)
    releases = tuple(r for r in catalog.releases_matching(torch_spec) if r.has_wheels(platform))
    limited = torch_spec is not None and len(releases) < len(catalog.releases)
    rec = _recommend_in(_Context(catalog, platform, tp.os, py, releases, limited), profile)
    if limited:
        free = recommend(profile, platform, catalog, None, python)
        if free.backend != rec.backend and free.torch:
            how = f"--torch {free.torch} --target {platform}={free.backend}"
            rec = replace(
                rec,
                ways_out=(
                    *rec.ways_out,
                    _with_flags(
                        f"torch {free.torch} has the {free.backend} build for this machine", how
                    ),
                ),
            )
    return _with_other_vendors(rec, profile, catalog)


_NO_GPU_FOR = {  # a build for a GPU vendor this machine has none of
    "cu": (
        "nvidia",
        "no NVIDIA GPU here: it would run on the CPU, with CUDA libraries it cannot use",
    ),
    "rocm": ("amd", "no AMD GPU here: it would run on the CPU, with ROCm libraries it cannot use"),
    "xpu": ("intel", "no Intel GPU here: it would run on the CPU"),
}


def _with_other_vendors(
    rec: Recommendation, profile: HardwareProfile | None, catalog: Catalog
) -> Recommendation:
    """On a known machine, the release's builds for GPU vendors it has none of do not fit,
    and say so (a ROCm build on an NVIDIA machine would only use the CPU)."""
    release = catalog.release(rec.torch) if rec.torch and rec.hardware else None
    if profile is None or release is None:
        return rec
    vendors = {g.vendor for g in profile.gpus}
    known = {o.backend for o in rec.options} | {rec.backend}
    extra = []
    for v in release.variants_on(rec.platform):
        kind = next((k for k in _NO_GPU_FOR if v.startswith(k)), None)
        if v in known or kind is None or _NO_GPU_FOR[kind][0] in vendors:
            continue
        vendor = _NO_GPU_FOR[kind][0]
        if profile.gpu_error(vendor):
            why = f"{VENDOR_WORDS[vendor]} GPUs could not be detected: whether it fits is unknown"
            extra.append(Option(v, False, why))
            continue
        extra.append(Option(v, False, _NO_GPU_FOR[kind][1]))
    options = rec.options
    if release.pypi.get(rec.platform, "").startswith("cu") and not (
        "nvidia" in vendors or profile.gpu_error("nvidia")
    ):
        # PyPI's CUDA build is the cu130 build: it fits no better than that one does here.
        options = tuple(replace(o, fits=False) if o.backend == "default" else o for o in options)
    return replace(rec, options=options + tuple(extra))


def _recommend_in(ctx: _Context, profile: HardwareProfile | None) -> Recommendation:
    """The recommendation among ctx.releases; an older release when the newest has no
    wheels for the Python."""
    py, releases = ctx.python, ctx.releases
    if py:
        usable = tuple(r for r in releases if py in r.python)
        if usable and usable[0] is not releases[0]:
            note = (
                f"torch {releases[0].minor} has no wheels for Python {py}; "
                f"torch {usable[0].minor} is the newest that does."
            )
            rec = recommend_for(replace(ctx, releases=usable), profile)
            return Recommendation(
                rec.platform,
                rec.backend,
                rec.torch,
                rec.reasons + (note,),
                rec.options,
                rec.ways_out,
                rec.warnings,
                rec.hardware,
            )
    return recommend_for(ctx, profile)


def _no_release(ctx: _Context, profile: HardwareProfile | None) -> Recommendation:
    """No release (that the torch requirement allows) has wheels for the platform: say so,
    and which release was the last to have them when the bundled catalog knows it."""
    label = PLATFORMS[ctx.platform].label
    scope = "the torch requirement allows" if ctx.limited else "in the catalog"
    reason = f"No torch release {scope} has wheels for {label}"
    if ctx.platform == "macos-x86_64":
        reason += (
            f": the last that does is torch {ctx.catalog.macos_x86_64_last} (per the bundled "
            "catalog)"
        )
        if not ctx.limited:
            reason += ", which the index read does not list"
    reason += "."
    return _plain(
        ctx,
        "cpu",
        None,
        [reason],
        profile,
        warnings=(reason + " The lock will fail for this target.",),
    )


def detection_failed(profile: HardwareProfile) -> str:
    """Which vendors' GPUs could not be detected, and why ("" when all were)."""
    return "; ".join(
        f"{VENDOR_WORDS.get(v, v)} GPUs could not be detected ({why.strip().rstrip('.')})"
        for v, why in profile.gpu_errors
    )


_CHECK_TOOL = {"nvidia": "nvidia-smi", "amd": "rocminfo"}


def detection_way_out(profile: HardwareProfile) -> str:
    """How to get the GPUs detected: fix the driver, then detect again ("" when all were)."""
    if not profile.gpu_errors:
        return ""
    drivers = " and ".join(dict.fromkeys(VENDOR_WORDS.get(v, v) for v, _ in profile.gpu_errors))
    tools = [f"`{_CHECK_TOOL[v]}`" for v, _ in profile.gpu_errors if v in _CHECK_TOOL]
    check = f" ({' and '.join(tools)} should list the GPUs)" if tools else ""
    again = (
        f"run `torch-wizard detect --json` again on that machine (this profile: {profile.source})"
        if profile.source
        else "run `torch-wizard detect` again"
    )
    return f"Fix the {drivers} driver{check}, then {again}."


def _with_detection_failures(rec: Recommendation, machine: HardwareProfile) -> Recommendation:
    """A machine whose GPUs of some vendor could not be detected: that is not "no GPU"."""
    failed = detection_failed(machine)
    if not failed or any(r.startswith(failed) for r in rec.reasons):
        return rec
    if rec.backend == "cpu":
        note = f"{failed}: the CPU build is the choice until they are."
    else:
        note = f"{failed}; this plan is for the GPUs that were."
    return replace(
        rec,
        reasons=(*rec.reasons, note),
        ways_out=(*rec.ways_out, detection_way_out(machine)),
    )


def recommend_for(ctx: _Context, profile: HardwareProfile | None) -> Recommendation:
    cat, platform = ctx.catalog, ctx.platform
    newest = ctx.releases[0] if ctx.releases else None
    if newest is None:
        return _no_release(ctx, profile)
    if platform == "macos-x86_64":
        reasons = [
            f"Intel Macs: PyPI's macOS x86_64 wheels end with torch "
            f"{cat.macos_x86_64_last}; the default build is CPU-only."
        ]
        return _plain(ctx, "default", newest, reasons, profile)
    if platform.startswith("macos"):
        chip = profile.gpus_of("apple")[0].name if profile and profile.gpus_of("apple") else None
        reasons = [
            f"{chip + ': ' if chip else ''}PyPI's macOS wheel includes Apple's MPS "
            "backend; no other index is needed."
        ]
        return _plain(ctx, "default", newest, reasons, profile)
    machine = (
        profile
        if profile and platform_for(profile.os, profile.arch) == PLATFORMS[platform]
        else None
    )
    if machine is None:
        reasons = [
            "No hardware is known for this target: the CPU build (about "
            f"{cat.sizes_mb.get('cpu', 200)} MB) is the safe choice; pick a GPU build "
            "if its machines have one."
        ]
        return _plain(ctx, "cpu", newest, reasons, None)
    return _with_detection_failures(_for_machine(ctx, newest, machine), machine)


def _for_machine(ctx: _Context, newest: Release, machine: HardwareProfile) -> Recommendation:
    cat, platform = ctx.catalog, ctx.platform
    nvidia = tuple(g for g in machine.gpus_of("nvidia") if not is_tegra(g, cat))
    tegra = tuple(g for g in machine.gpus_of("nvidia") if is_tegra(g, cat))
    amd = machine.gpus_of("amd")
    intel = machine.gpus_of("intel")
    others = [g for g in amd + intel if g.vendor != "nvidia"]
    if nvidia:
        extra = []
        if others:
            extra.append(
                f"Also found {_gpu_word(tuple(others))}; the NVIDIA card is used "
                "because one lock can use one accelerator per platform."
            )
        return _recommend_nvidia(ctx, nvidia, machine, extra)
    if tegra:
        reasons = [
            f"{_gpu_word(tegra)} is a Jetson (Tegra) GPU: PyTorch's aarch64 CUDA wheels "
            "are built for server Arm (SBSA) GPUs, not Jetson; NVIDIA publishes JetPack "
            "builds for it. The CPU build runs here."
        ]
        return _plain(ctx, "cpu", newest, reasons, machine)
    if amd:
        return _recommend_amd(ctx, amd, machine)
    xpu_gpus = tuple(g for g in intel if intel_runs_xpu(g, cat))
    if xpu_gpus:
        for release in ctx.releases:
            if release.has("xpu", platform, ctx.python):
                reasons = [
                    f"{_gpu_word(xpu_gpus)}: Intel GPUs of the Arc and Data Center "
                    f"families run the xpu build of torch {release.minor}."
                ]
                opts = (Option("xpu", True, "Intel GPU build (with pytorch-triton-xpu)"),)
                return Recommendation(
                    platform,
                    "xpu",
                    release.minor,
                    tuple(reasons),
                    opts + _cpu_default_options(ctx, release),
                    hardware=machine.describe(),
                )
    if intel:
        reasons = [
            f"{_gpu_word(intel)} is not among the Intel GPUs PyTorch's xpu build "
            "supports (Arc, Core Ultra with Arc graphics, Data Center GPU Max); the CPU "
            "build runs here."
        ]
        return _plain(ctx, "cpu", newest, reasons, machine)
    mb = cat.sizes_mb.get("cpu", 200)
    big = cat.sizes_mb.get("pypi-linux-cuda", 3000)
    failed = detection_failed(machine)
    if failed:  # the GPUs are unknown, which is not the same as none
        reasons = [f"{failed}: the CPU build (about {mb} MB) is the choice until they are."]
        return _plain(ctx, "cpu", newest, reasons, machine, ways_out=(detection_way_out(machine),))
    reasons = [
        f"No GPU found: the CPU build (about {mb} MB) instead of a CUDA build (about "
        f"{big / 1000:.0f} GB) that could not use a GPU here."
    ]
    return _plain(ctx, "cpu", newest, reasons, machine)


def _recommend_amd(
    ctx: _Context, gpus: tuple[GPU, ...], profile: HardwareProfile
) -> Recommendation:
    cat = ctx.catalog
    gfxs = {g.gfx for g in gpus if g.gfx}
    who = _gpu_word(gpus)
    if not gfxs:
        reasons = [
            f"{who}: its gfx architecture was not detected (ROCm tools absent), so no "
            "ROCm build can be checked; the CPU build is the safe choice."
        ]
        return _plain(ctx, "cpu", ctx.releases[0], reasons, profile)
    newest = ctx.releases[0]
    for release in ctx.releases:
        rocm = sorted(
            (v for v in release.variants_on(ctx.platform) if v.startswith("rocm")),
            key=_rocm_key,
            reverse=True,
        )
        options = []
        for v in rocm:
            known = cat.rocm_gfx.get(v)
            if known is None:
                options.append(Option(v, False, f"the gfx list of {v} is not known"))
            elif gfxs <= known:
                options.append(Option(v, True, f"{v} is built for {', '.join(sorted(gfxs))}"))
            else:
                missing = ", ".join(sorted(gfxs - known))
                options.append(Option(v, False, f"{v} is not built for {missing}"))
        fitting = [o for o in options if o.fits]
        if fitting:
            best = fitting[0]
            reasons = [
                f"{who}: the {best.backend} build of torch {release.minor} fits "
                f"({best.reason}; the newest ROCm build for it)."
            ]
            if release is not newest:
                reasons.append(f"No ROCm build of torch {newest.minor} supports it.")
            return Recommendation(
                ctx.platform,
                best.backend,
                release.minor,
                tuple(reasons),
                tuple(options) + _cpu_default_options(ctx, release),
                hardware=profile.describe(),
            )
    gfx = ", ".join(sorted(gfxs))
    reasons = [
        f"{who} ({gfx}) is not in the architecture list of any ROCm build of PyTorch; "
        "the CPU build runs here. (Setting HSA_OVERRIDE_GFX_VERSION to a supported "
        "target is an unofficial workaround that sometimes works.)"
    ]
    if ctx.platform != "linux-x86_64":
        reasons = [
            f"{who}: PyTorch publishes ROCm builds for Linux x86_64 only; the CPU build runs here."
        ]
    return _plain(ctx, "cpu", newest, reasons, profile)
