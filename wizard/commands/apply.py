"""`torch-wizard --yes` / `--dry-run`: the whole job without questions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.session import (
    Facts,
    LockFailed,
    apply,
    channel_of,
    check_python_flag,
    check_request,
    initial_choices,
    load_catalog,
    load_profiles,
    load_project,
    machine_extras,
    prepare,
    recommendations,
    recommended_here,
    request_from_options,
    resolve_auto,
)

if TYPE_CHECKING:
    from wizard.migrate import Migration, RequirementsFile


def run_noninteractive(opts: argparse.Namespace) -> int:
    request = request_from_options(opts)
    check_request(request)
    folder = Path(opts.project)
    project, existing = load_project(folder)
    check_python_flag(request, project)
    if existing and existing.conflicts_found and not request.targets:
        from wizard.errors import BadInput

        raise BadInput(
            "pyproject.toml has a hand-written torch setup the wizard would overwrite: "
            + existing.conflicts_found[0],
            "Fix or remove it, or pass --target to replace it.",
        )
    requirement_files: tuple[RequirementsFile, ...] = ()
    if opts.from_:
        # Read first (bad files fail before anything slow); the channel and mirror the files
        # name decide which catalog to read, and the catalog decides the migration.
        from wizard.migrate import index_settings, read_requirements

        requirement_files = read_requirements([Path(f) for f in opts.from_])
        request = index_settings(request, requirement_files)
    from wizard.requirements_found import found_for_yes

    mode = "--yes" if opts.yes else "--dry-run"
    found = found_for_yes(folder, opts.from_, existing, mode)
    profiles = load_profiles(opts.hardware)
    base = request.index_base or (existing.index_base if existing and existing.index_base else None)
    from wizard.plan import DEFAULT_INDEX_BASE

    catalog = load_catalog(opts.offline, base or DEFAULT_INDEX_BASE, channel_of(request, existing))
    migration: Migration | None = None
    if requirement_files:
        from wizard.migrate import plan_migration

        migration = plan_migration(requirement_files, catalog, profiles, request, project.data)
        request = migration.request
    facts = Facts(folder, project, existing, profiles, catalog)
    choices = initial_choices(facts, request)
    recs = recommendations(facts, choices)
    choices = resolve_auto(facts, choices, recs)
    prepared = prepare(facts, choices)
    out = sys.stderr if opts.json else sys.stdout
    from wizard.report import applied_text, plan_text

    for note in catalog.notes:
        print(note, file=out)
    if migration is not None:
        from wizard.migrate import migration_text

        print(migration_text(migration) + "\n", file=out)
    kept = [t.platform for t in existing.targets] if existing and not request.targets else []
    migrated = [t.platform for t in migration.targets if t.wanted] if migration else []
    print(plan_text(prepared.plan, recs, kept, migrated=migrated), file=out)
    print(file=out)
    print(prepared.diff or "pyproject.toml already has this configuration.", file=out)
    result: dict[str, Any] = {
        "project": str(folder.resolve()),
        "dry_run": bool(opts.dry_run),
        "changed": prepared.changed,
        "plan": _plan_json(prepared, recs),
        "diff": prepared.diff,
        "written": False,
        "locked": False,
        "lock": None,
        "catalog": {"origin": catalog.origin, "notes": list(catalog.notes)},
        "requirements": found.to_dict(),
    }
    if migration is not None:
        result["migration"] = migration.to_dict()
    if opts.dry_run:
        print("\nDry run: nothing was written.", file=out)
        _print_notes(found.notes, out)
        return _finish(opts, result, 0)
    lock = not opts.no_lock

    def stream(line: str) -> None:
        print(f"  uv: {line}", file=sys.stderr)

    try:
        applied = apply(facts, prepared, lock=lock, on_line=stream)
    except LockFailed as exc:
        result["error"] = exc.message
        print(f"torch-wizard: {exc.message}", file=sys.stderr)
        _finish(opts, result, 1)
        return 1
    result["written"] = applied.written
    result["locked"] = applied.locked
    if applied.report is not None:
        result["lock"] = applied.report.to_dict()
    here = recommended_here(facts, recs, prepared.choices.variants)
    machines = machine_extras(facts, prepared.choices, prepared.plan)
    from wizard.report import doctor_words

    doctor = doctor_words(folder, opts.hardware, len(facts.profiles))
    text = applied_text(folder, prepared.plan, applied, lock, here, machines, doctor)
    if text:
        print(text, file=out)
    if migration is not None:
        from wizard.migrate import deletion_text

        print("\n" + deletion_text(migration), file=out)
    _print_notes(found.notes, out)
    return _finish(opts, result, 0)


def _print_notes(notes: tuple[str, ...], out: Any) -> None:
    """Last, where the person looks: the requirements and conda files that were not read."""
    if notes:
        print("\n" + "\n".join(notes), file=out)


def _plan_json(prepared: Any, recs: Any) -> dict[str, Any]:
    plan = prepared.plan
    return {
        "torch": plan.torch_release,
        "channel": plan.channel,
        "dependencies": list(plan.dependencies),
        "targets": [
            {
                "platform": t.platform,
                "backend": t.backend,
                "recommended": recs[t.platform].backend if t.platform in recs else None,
                "reasons": list(recs[t.platform].reasons) if t.platform in recs else [],
                "ways_out": list(recs[t.platform].ways_out) if t.platform in recs else [],
            }
            for t in plan.targets
        ],
        "variants": list(plan.variants),
        "indexes": [{"name": i.name, "url": i.url} for i in plan.indexes],
        "notes": list(plan.notes),
        "credential_env": list(plan.credential_env),
    }


def _finish(opts: argparse.Namespace, result: dict[str, Any], code: int) -> int:
    if opts.json:
        print(json.dumps(result, indent=2))
    return code
