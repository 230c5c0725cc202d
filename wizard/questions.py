"""The wizard's questions, described once and rendered by both front ends.

The full-screen wizard and `--plain` ask exactly these, in this order, with these defaults
and explanations; answers go back through `answer`, which validates and edits `Choices`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import BadInput
from wizard.plan import Choices, TargetChoice
from wizard.platforms import PLATFORMS, platform_for
from wizard.session import Facts
from wizard.steps import STEPS as STEPS  # re-exported: the order of the questions' steps

if TYPE_CHECKING:
    from wizard.recommend import Recommendation


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    detail: str = ""  # why it fits or not, in a few words
    fits: bool = True
    recommended: bool = False


@dataclass(frozen=True)
class Question:
    key: str  # "targets", "mode", "backend:<platform>", "variants", "torch", ...
    step: str  # one of STEPS
    title: str
    kind: str  # "select" (one value) or "multi" (several)
    options: tuple[Option, ...]
    default: tuple[str, ...]
    topic: str  # explain topic for the panel / "?" answer
    help: str  # one or two lines shown with the question


def targets_question(facts: Facts, choices: Choices) -> Question:
    # Which machine each platform is: this one, or the profile files given with --hardware.
    machines: dict[str, list[str]] = {}
    for profile in facts.profiles:
        tp = platform_for(profile.os, profile.arch)
        if tp is not None:
            name = Path(profile.source).name if profile.source else "this machine"
            machines.setdefault(tp.name, []).append(name)
    here = set(machines)
    options = []
    newest = facts.catalog.newest()
    for p in PLATFORMS.values():
        notes = [", ".join(machines[p.name])] if p.name in machines else []
        fits = True
        if not newest.has_wheels(p.name):
            last = next((r for r in facts.catalog.releases if r.has_wheels(p.name)), None)
            if last is None:
                notes.append("PyTorch publishes no wheels for it")
                fits = False
            else:
                notes.append(
                    f"no torch {newest.minor} wheels: the last are torch {last.minor}, "
                    "which every target would then get"
                )
        options.append(
            Option(p.name, p.label, "; ".join(notes), fits=fits, recommended=p.name in here)
        )
    return Question(
        "targets",
        "Targets",
        "Which platforms should the lock serve?",
        "multi",
        tuple(options),
        tuple(t.platform for t in choices.targets),
        "environments",
        "Every chosen platform must get wheels (tool.uv.required-environments). Add the "
        "machines your team, CI and servers use.",
    )


def _has_selectable_platform(choices: Choices) -> bool:
    """Selectable builds need a Linux or Windows target: macOS always takes PyPI's wheel."""
    return any(not t.platform.startswith("macos") for t in choices.targets)


def mode_question(facts: Facts, choices: Choices) -> Question:
    from wizard.session import fleet_variants

    selectable = _has_selectable_platform(choices)
    # Machines of one platform that need different builds (a fleet): extras are recommended.
    fleet = selectable and bool(
        fleet_variants(facts, choices.torch, choices.python, choices.targets)
    )
    options: tuple[Option, ...] = (
        Option(
            "markers",
            "One build per platform",
            "each platform gets its accelerator through markers; `uv sync` just works",
            recommended=not fleet,
        ),
        Option(
            "variants",
            "Selectable builds (extras)",
            (
                "the machines in the profiles need different builds of one platform; "
                if fleet
                else ""
            )
            + "e.g. `uv sync --extra cpu` or `--extra cu130`; uv keeps them apart with conflicts"
            if selectable
            else "needs a Linux or Windows target: macOS always takes PyPI's build",
            fits=selectable,
            recommended=fleet,
        ),
    )
    if facts.existing and facts.existing.targets:
        now = "variants" if facts.existing.variants else "markers"
        if not next(o for o in options if o.value == now).recommended:
            options = _mark_now(options, now)
    return Question(
        "mode",
        "Accelerators",
        "How should the build be chosen?",
        "select",
        options,
        ("variants" if choices.variants else "markers",),
        "markers-vs-extras",
        "Markers fit one kind of machine per platform; extras let each person or "
        "job pick a build of the same platform.",
    )


def backend_options(facts: Facts, platform: str, rec: Recommendation | None) -> tuple[Option, ...]:
    release = facts.catalog.release(rec.torch) if rec and rec.torch else None
    release = release or facts.catalog.newest()
    seen: dict[str, Option] = {}
    if rec is not None:
        for o in rec.options:
            seen.setdefault(
                o.backend,
                Option(
                    o.backend, _backend_label(o.backend), o.reason, o.fits, o.backend == rec.backend
                ),
            )
        if rec.backend not in seen:
            seen[rec.backend] = Option(
                rec.backend, _backend_label(rec.backend), rec.summary, True, True
            )
    for v in release.variants_on(platform):
        seen.setdefault(
            v,
            Option(
                v,
                _backend_label(v),
                "no machine of this platform known" if rec is None or rec.hardware is None else "",
                True,
            ),
        )
    if platform in release.pypi:
        seen.setdefault(
            "default",
            Option("default", _backend_label("default"), f"PyPI's {release.pypi[platform]} build"),
        )
    return tuple(sorted(seen.values(), key=_rank))


def _rank(o: Option) -> tuple[bool, bool, tuple[int, str]]:
    return (not o.recommended, not o.fits, _backend_order(o.value))


def _older_build(facts: Facts, platform: str, backend: str) -> Option:
    """A build the project has that this question's release lacks (cu121: torch 2.5)."""
    last = next((r.minor for r in facts.catalog.releases if r.has(backend, platform)), None)
    detail = f"its last release is torch {last}, which every target then gets" if last else ""
    return Option(backend, _backend_label(backend), detail, last is not None)


def _mark_now(options: Sequence[Option], now: str) -> tuple[Option, ...]:
    """A re-run starts on the project's answer: say that it is what the file has now."""
    return tuple(
        replace(o, detail=(f"{o.detail}; " if o.detail else "") + "in pyproject.toml now")
        if o.value == now
        else o
        for o in options
    )


def _backend_order(value: str) -> tuple[int, str]:
    order = {"cpu": 0, "default": 5}
    if value.startswith("cu"):
        return (1, f"{1000 - int(value[2:]) if value[2:].isdigit() else 0:04d}")
    if value.startswith("rocm"):
        return (2, value)
    if value == "xpu":
        return (3, value)
    return (order.get(value, 9), value)


def _backend_label(value: str) -> str:
    if value == "cpu":
        return "CPU (cpu)"
    if value == "default":
        return "PyPI's default build (default)"
    if value == "xpu":
        return "Intel GPU (xpu)"
    if value.startswith("cu") and value[2:].isdigit():
        d = value[2:]
        return f"CUDA {d[:-1]}.{d[-1]} ({value})"
    if value.startswith("rocm"):
        return f"ROCm {value[4:]} ({value})"
    return value


def backend_question(
    facts: Facts, choices: Choices, target: TargetChoice, rec: Recommendation | None
) -> Question:
    options = backend_options(facts, target.platform, rec)
    now = next(
        (
            t.backend
            for t in (facts.existing.targets if facts.existing else ())
            if t.platform == target.platform
        ),
        None,
    )
    default = (
        target.backend if target.backend != "auto" else (rec.backend if rec else options[0].value)
    )
    if all(o.value != default for o in options):
        options = tuple(
            sorted((*options, _older_build(facts, target.platform, default)), key=_rank)
        )
    if now is not None and now != "auto" and (rec is None or now != rec.backend):
        options = _mark_now(options, now)
    label = PLATFORMS[target.platform].label
    help_text = rec.summary if rec else "No machine of this platform is known."
    if rec and rec.ways_out:
        help_text += " " + " ".join(rec.ways_out_in_wizard)
    topic = (
        "compute-capability"
        if default.startswith("cu")
        else (
            "rocm"
            if default.startswith("rocm")
            else "xpu"
            if default == "xpu"
            else "mps"
            if target.platform.startswith("macos")
            else "cpu-vs-cuda"
        )
    )
    return Question(
        f"backend:{target.platform}",
        "Accelerators",
        f"Which build for {label}?",
        "select",
        options,
        (default,),
        topic,
        help_text,
    )


def variants_question(
    facts: Facts, choices: Choices, recs: Mapping[str, Recommendation] | None = None
) -> Question:
    """Builds people can pick as extras. Offered first: CPU and the build recommended for
    each known machine; a build a known machine cannot run says why, as in the build question."""
    if recs is None:
        from wizard.session import recommendations

        recs = recommendations(facts, replace(choices, variants=()))
    newest = facts.catalog.newest()
    known = [
        r
        for t in choices.targets
        if (r := recs.get(t.platform)) is not None and r.hardware is not None
    ]
    # The newest release's builds, and those of the release a known machine needs (driver 550
    # runs no build of the newest release but cu126 of an older one).
    releases = [
        newest,
        *(rel for r in known if r.torch and (rel := facts.catalog.release(r.torch))),
    ]
    values: dict[str, None] = {}
    for t in choices.targets:
        if not t.platform.startswith("macos"):
            for release in releases:
                for v in release.variants_on(t.platform):
                    values.setdefault(v)
    # A build is marked when no known machine that was asked about it can run it; in a
    # fleet each machine counts, and a machine's own build names the machine.
    from wizard.session import machine_recommendations

    machines = machine_recommendations(facts, choices, choices.torch)
    fleet_machines = len(machines) > 1
    unfit: dict[str, str] = {}
    fit: set[str] = set()
    for r in [*known, *(r for _, r in machines)] if fleet_machines else known:
        for o in r.options:
            if o.fits or o.backend == r.backend:
                fit.add(o.backend)
            else:
                unfit.setdefault(o.backend, o.reason)
    for v in fit:
        unfit.pop(v, None)
    whose: dict[str, list[str]] = {}
    for name, r in machines if fleet_machines else ():
        whose.setdefault(r.backend, []).append(name)
    from wizard.session import fleet_variants

    # A fleet (machines of one platform needing different builds): each machine's build;
    # else the build of each known machine besides CPU.
    fleet = [
        v
        for v in fleet_variants(facts, choices.torch, choices.python, choices.targets)
        if v in values
    ]
    recommended = fleet or [r.backend for r in known if r.backend in values and r.backend != "cpu"]
    options = tuple(
        Option(
            v,
            _backend_label(v),
            unfit.get(v, "") or (f"for {', '.join(whose[v])}" if v in whose else ""),
            v not in unfit,
            v in recommended,
        )
        for v in sorted(values, key=_backend_order)
    )
    # Besides CPU: the build each known machine runs; with none (a machine without a GPU),
    # PyPI's own CUDA build, for the other machines that will pick it.
    cuda = sorted((v for v in values if v.startswith("cu")), key=_backend_order)
    pypi_cuda = newest.pypi.get("linux-x86_64", "")
    first = recommended or ([pypi_cuda] if pypi_cuda in values else cuda[:1])
    default = choices.variants or tuple(
        dict.fromkeys(v for v in (*(() if fleet else ("cpu",)), *first) if v in values)
    )
    return Question(
        "variants",
        "Accelerators",
        "Which builds should people be able to pick?",
        "multi",
        options,
        default,
        "conflicts",
        "Each becomes an extra (`uv sync --extra NAME`); uv's conflicts keep two "
        "from being installed together."
        + (
            " macOS always takes PyPI's build."
            if any(t.platform.startswith("macos") for t in choices.targets)
            else ""
        ),
    )


def torch_question(
    facts: Facts, choices: Choices, recs: Mapping[str, Recommendation] | None = None
) -> Question:
    options = [
        Option("", "The newest release that serves every target", "recommended", recommended=True)
    ]
    from wizard.plan import release_problems

    # A build chosen by hand must exist in the release; 'auto' ones follow the release.
    chosen = replace(choices, targets=tuple(t for t in choices.targets if t.backend != "auto"))
    releases = facts.catalog.releases[:6]
    problems = {r.minor: release_problems(r, chosen, facts.catalog) for r in releases}
    marked = any(problems.values())
    cuda = _uses_cuda(choices, recs or {})
    for r in releases:
        why_not = problems[r.minor]
        # With releases marked ✗, a note beside a fitting one would read as a ✓ reason.
        note = "" if marked else _release_note(r.notes, cuda)
        options.append(
            Option(
                r.minor,
                f"torch {r.minor} ({r.latest})",
                why_not[0].replace(f"torch {r.minor} has", "has") if why_not else note,
                fits=not why_not,
            )
        )
    if choices.torch and all(o.value != choices.torch for o in options):
        # The project's own requirement (torch>=2.4): offered, and chosen until changed.
        spec = choices.torch
        label = f"torch{spec}" if spec[:1] in "<>=!~" else f"torch {spec}"
        options.insert(1, Option(spec, label, "as the project asks now: the newest inside it"))
    existing = facts.existing
    if existing and existing.torch_spec:
        from wizard.session import _release_of_spec

        now = _release_of_spec(existing.torch_spec)
        if now in {o.value for o in options[1:]} and now == choices.torch:
            options = list(_mark_now(options, now))
    return Question(
        "torch",
        "Packages",
        "Which torch release?",
        "select",
        tuple(options),
        (choices.torch or "",),
        "one-release",
        "One release on every target, so results match across machines.",
    )


def _uses_cuda(choices: Choices, recs: Mapping[str, Recommendation]) -> bool:
    """Whether a CUDA build may be in the plan (chosen, recommended, PyPI's, or selectable)."""
    backends = [
        (recs[t.platform].backend if t.platform in recs else "")
        if t.backend == "auto"
        else t.backend
        for t in choices.targets
    ]
    return any(b.startswith("cu") or b == "default" for b in [*backends, *choices.variants])


def _release_note(notes: str, cuda: bool) -> str:
    """A release's first note, leaving out CUDA facts for a plan without CUDA builds."""
    sentences = [n.strip().rstrip(".") for n in notes.split(". ") if n.strip()]
    if not cuda:
        sentences = [n for n in sentences if "CUDA" not in n and not re.search(r"\bcu\d", n)]
    return sentences[0] if sentences else ""


def companions_question(
    facts: Facts, choices: Choices, recs: Mapping[str, Recommendation] | None = None
) -> Question:
    pulled = facts.pulled_companions
    releases = facts.catalog.releases_matching(choices.torch)

    def build_of(t: TargetChoice) -> str | None:
        if t.backend != "auto":
            return t.backend
        rec = (recs or {}).get(t.platform)
        return rec.backend if rec else None

    builds = choices.variants or tuple(b for t in choices.targets if (b := build_of(t)))

    def missing(name: str) -> str | None:
        """Why a paired companion cannot come with the chosen builds (no such build)."""
        for variant in builds if releases else ():
            version = facts.catalog.companion_missing(releases[0], name, variant)
            if version:
                return f"{name} {version} has no {variant} build: choose another build to use it"
        return None

    def detail(name: str, text: str) -> str:
        if name in pulled:
            text = f"{', '.join(pulled[name])} needs it: ticked so that it comes from torch's index"
        paired = next((r for r in releases if facts.catalog.companion_spec(r, name)), None)
        if releases and paired is not releases[0]:
            newest = releases[0].minor
            text += f"; no release is paired with torch {newest} yet, so ticking it means " + (
                f"torch {paired.minor}" if paired else "no torch release the catalog knows"
            )
        return text

    def paired(name: str, text: str) -> Option:
        why_not = missing(name)
        return Option(name, name, why_not or detail(name, text), fits=why_not is None)

    options = (
        paired("torchvision", "image models and transforms; paired per release"),
        paired("torchaudio", "audio; in maintenance since 2.11"),
        Option("torchao", "torchao", "quantization and sparsity; from PyPI"),
    )
    return Question(
        "companions",
        "Packages",
        "Which companion packages?",
        "multi",
        options,
        choices.companions,
        "one-release",
        "torchvision and torchaudio come from torch's index, in the release paired with it; "
        "torchao from PyPI.",
    )


def lock_scope_question(choices: Choices) -> Question:
    options = (
        Option(
            "all", "Every platform", "the lock also works on machines not listed", recommended=True
        ),
        Option("targets", "Only the chosen targets", "faster, smaller lock (tool.uv.environments)"),
    )
    return Question(
        "lock_scope",
        "Packages",
        "Which platforms should the lock solve for?",
        "select",
        options,
        (choices.lock_scope,),
        "environments",
        "Either way the chosen targets must get wheels.",
    )


def questions(facts: Facts, choices: Choices, recs: Mapping[str, Recommendation]) -> list[Question]:
    """Every question, in the order both front ends ask them."""
    qs = [targets_question(facts, choices), mode_question(facts, choices)]
    if choices.variants:
        qs.append(variants_question(facts, choices, recs))
    else:
        for t in choices.targets:
            qs.append(backend_question(facts, choices, t, recs.get(t.platform)))
    qs += [
        torch_question(facts, choices, recs),
        companions_question(facts, choices, recs),
        lock_scope_question(choices),
    ]
    return qs


def answer(
    choices: Choices, question: Question, values: Sequence[str], facts: Facts | None = None
) -> Choices:
    """Apply an answer to the choices; bad answers raise BadInput with the way out."""
    allowed = {o.value for o in question.options}
    for v in values:
        if v not in allowed:
            raise BadInput(
                f"'{v}' is not an answer to “{question.title}”.",
                "Choose one of: " + ", ".join(sorted(a or "(newest)" for a in allowed)) + ".",
            )
    key = question.key
    if key == "targets":
        if not values:
            raise BadInput(
                "Choose at least one target platform.", "Select this machine's platform if unsure."
            )
        empty = [o.label for o in question.options if o.value in values and not o.fits]
        if empty:  # uv lock would fail: required-environments it cannot serve
            named = " and ".join(empty)
            raise BadInput(f"PyTorch publishes no wheels for {named}.", f"Untick {named}.")
        # The chosen platforms keep their order and answers; new ones follow, in list order.
        kept = tuple(t for t in choices.targets if t.platform in values)
        added = tuple(
            TargetChoice(v, "auto") for v in values if v not in {t.platform for t in kept}
        )
        changed = replace(choices, targets=kept + added)
        if changed.variants and not _has_selectable_platform(changed):
            changed = replace(changed, variants=())
        return changed
    if key == "mode":
        if values[0] == "markers":
            return replace(choices, variants=())
        if choices.variants:
            return choices
        if not _has_selectable_platform(choices):
            raise BadInput(
                "Selectable builds need a Linux or Windows target.",
                "macOS always takes PyPI's build; add another target or choose "
                "one build per platform.",
            )
        if facts is None:
            raise ValueError("switching to variants needs the facts for the default builds")
        return replace(choices, variants=variants_question(facts, choices).default)
    if key.startswith("backend:"):
        platform = key.split(":", 1)[1]
        # The recommended build stays 'auto': it follows a later change of release, as when
        # the question is passed; another build is the person's own and stays as chosen.
        recommended = any(o.recommended and o.value == values[0] for o in question.options)
        backend = "auto" if recommended else values[0]
        targets = tuple(
            TargetChoice(t.platform, backend) if t.platform == platform else t
            for t in choices.targets
        )
        return replace(choices, targets=targets)
    if key == "variants":
        if len(values) < 2:
            raise BadInput(
                "Pick at least two builds to choose between.",
                "Or choose 'One build per platform' above.",
            )
        return replace(choices, variants=tuple(values))
    if key == "torch":
        return replace(choices, torch=values[0] or None)
    if key == "companions":
        return replace(choices, companions=tuple(values))
    if key == "lock_scope":
        return replace(choices, lock_scope=values[0])
    raise ValueError(f"unknown question {key}")


def recommendation_notes(question: Question, recs: Mapping[str, Recommendation]) -> tuple[str, ...]:
    """What the recommendation found on this machine, shown with a build question's
    explanation by both front ends (no command-line flags: the wizard asks instead)."""
    if not question.key.startswith("backend:"):
        return ()
    rec = recs.get(question.key.split(":", 1)[1])
    if rec is None or rec.hardware is None:
        return ()
    return (rec.hardware, *rec.reasons, *rec.ways_out_in_wizard, *rec.warnings)
