"""The core never imports a front end, and `--yes` never loads Textual or questionary."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = [
    "wizard.cli",
    "wizard.plan",
    "wizard.project",
    "wizard.lock",
    "wizard.recommend",
    "wizard.session",
    "wizard.questions",
    "wizard.report",
    "wizard.explain",
    "wizard.catalog.model",
    "wizard.catalog.refresh",
    "wizard.catalog.live",
    "wizard.hardware.detect",
    "wizard.commands.apply",
    "wizard.commands.detect",
    "wizard.doctor",
    "wizard.commands.doctor",
    "wizard.migrate",
    "wizard.requirements_found",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_front_end(module):
    code = (
        f"import sys, json, {module}; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('textual', 'questionary', 'rich', 'cpuinfo'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []


def test_yes_dry_run_loads_no_front_end(tmp_path):
    code = (
        "import sys, json\n"
        "from wizard.cli import main\n"
        f"rc = main(['--yes', '--dry-run', '--offline', '-C', {str(tmp_path)!r}, "
        "'--hardware', 'tests/fixtures/profiles/linux-cpu-only.json'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'questionary', 'cpuinfo'))\n"
        "print(json.dumps({'rc': rc, 'loaded': loaded}), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    result = json.loads(proc.stderr.strip().splitlines()[-1])
    assert result == {"rc": 0, "loaded": []}, proc.stderr
