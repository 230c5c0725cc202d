"""`torch-wizard doctor`: a uv.lock older than pyproject.toml, a broken .venv, a fleet's
extras, and a companion in a dependency group, on real locks uv writes against the fake index."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e_helpers import profile, run_wizard
from tests.test_doctor import PROFILES, doctor, make_env

START = '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
GPU_550 = PROFILES / "linux-rtx4090-driver550.json"
GPU_580 = PROFILES / "linux-rtx4090-driver580.json"
CPU_ONLY = PROFILES / "linux-cpu-only.json"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UV_PROJECT_ENVIRONMENT", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def locked_project(
    folder: Path, env: dict[str, str], base: str, *flags: str, toml: str = ""
) -> Path:
    """A project written and locked by `torch-wizard --yes` against the fake index."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(START + toml)
    result = run_wizard(["--yes", "-C", str(folder), "--index-base", base, *flags], folder, env)
    assert result.code == 0, result.err
    return folder


def uv_says_current(folder: Path, env: dict[str, str]) -> bool:
    """uv's own answer: `uv lock --check` succeeds only when uv.lock is current."""
    return (
        subprocess.run(
            ["uv", "lock", "--check"], cwd=folder, env=env, capture_output=True
        ).returncode
        == 0
    )


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "pyproject.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def installed_torchvision(folder: Path, version: str) -> None:
    """Say another version in the installed torchvision's METADATA. A new file: uv links the
    installed files to its cache, which an edit in place would change for every later sync."""
    site = next((folder / ".venv").glob("lib/python3*/site-packages"))
    meta = next(site.glob("torchvision-*.dist-info")) / "METADATA"
    text = re.sub(r"(?m)^Version: .*$", f"Version: {version}", meta.read_text())
    meta.unlink()
    meta.write_text(text)


def fix_lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("    Fix: ")]


# ------------------------------------------------------------------------------------------
# 1. A uv.lock older than pyproject.toml's requirements


def real_locks(tmp_path: Path, env: dict[str, str], base: str) -> dict[str, Path]:
    """Several projects the wizard writes and uv locks: a fleet's extras with explicit indexes,
    targets on two platforms with a companion, torch in an extra with a group's companion, and
    one with a hand-written dependency, an empty extra and a group that includes another."""
    hand = (
        'dependencies = ["numpy >= 1.0", "Requests ; python_version >= \'3.8\'"]\n'
        "\n[project.optional-dependencies]\nEmpty = []\n"
        '\n[dependency-groups]\ndev = ["pytest>=8", {include-group = "lint"}]\nlint = ["ruff"]\n'
    )
    return {
        "fleet": locked_project(
            tmp_path / "fleet", env, base, "--hardware", str(GPU_550), "--hardware", str(CPU_ONLY)
        ),
        "targets": locked_project(
            tmp_path / "targets",
            env,
            base,
            "--hardware",
            profile("linux-cpu-only"),
            "--target",
            "linux-x86_64=cu130",
            "--target",
            "windows-x86_64=cpu",
            "--with",
            "torchvision",
        ),
        "extra-and-group": locked_project(
            tmp_path / "eg",
            env,
            base,
            "--hardware",
            str(GPU_580),
            toml='\n[project.optional-dependencies]\ngpu = ["torch>=2.14"]\n'
            '\n[dependency-groups]\nvision = ["torchvision"]\n',
        ),
        "by-hand": locked_project(
            tmp_path / "hand", env, base, "--hardware", str(CPU_ONLY), toml=hand
        ),
    }


def test_a_fresh_lock_is_never_called_stale(tmp_path, capsys, uv_env, fake_index):
    for name, project in real_locks(tmp_path, uv_env, fake_index.base_url).items():
        assert uv_says_current(project, uv_env), name
        for hardware in (GPU_550, CPU_ONLY):
            code, out, _ = doctor(["-C", str(project), "--hardware", str(hardware)], capsys)
            assert "lock-stale" not in out and "uv.lock is older" not in out, (name, out)
            _, out, _ = doctor(["-C", str(project), "--json", "--hardware", str(hardware)], capsys)
            assert '"stale": []' in out, name


def test_pyproject_edited_by_hand_after_the_lock_is_named_with_uv_lock_as_the_fix(
    tmp_path, capsys, uv_env, fake_index
):
    project = locked_project(
        tmp_path / "fleet",
        uv_env,
        fake_index.base_url,
        "--hardware",
        str(GPU_550),
        "--hardware",
        str(CPU_ONLY),
    )
    subprocess.run(["uv", "sync", "--extra", "cpu", "-q"], cwd=project, env=uv_env, check=True)
    # An extra's contents and torch's range changed, and a dependency was added, by hand.
    edit(project, 'cpu = [\n    "torch>=2.14,<2.15",', 'cpu = [\n    "torch>=2.15,<2.16",')
    edit(
        project,
        'requires-python = ">=3.11"\n',
        'requires-python = ">=3.11"\ndependencies = ["numpy"]\n',
    )
    assert not uv_says_current(project, uv_env)
    code, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert code == 1
    assert (
        "✗ uv.lock is older than pyproject.toml's requirements: numpy was added; torch in the "
        "extra cpu is >=2.15,<2.16 in pyproject.toml, >=2.14,<2.15 in uv.lock.\n" in out
    )
    assert "    Fix: `uv lock`, then `uv sync --extra cpu`\n" in out
    # The environment is not compared with the old lock ("matches uv.lock" would mislead).
    assert "uv.lock (extra" not in out and "out of sync" not in out
    # Without an environment, the old lock's torch build is not judged either.
    subprocess.run(["rm", "-rf", str(project / ".venv")], check=True)
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_550)], capsys)
    assert code == 1 and "uv.lock's torch" not in out
    assert "    Fix: `uv lock`, then `uv sync --extra cu126`\n" in out
    # `uv lock` makes it current again.
    subprocess.run(["uv", "lock", "-q"], cwd=project, env=uv_env, check=True)
    _, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_550)], capsys)
    assert "uv.lock is older" not in out and "uv.lock's torch 2.15" not in out


def test_a_group_and_an_index_changed_by_hand_make_the_lock_stale(
    tmp_path, capsys, uv_env, fake_index
):
    locks = real_locks(tmp_path, uv_env, fake_index.base_url)
    eg, targets = locks["extra-and-group"], locks["targets"]
    edit(eg, 'vision = ["torchvision', 'vision = ["pillow", "torchvision')
    edit(targets, "/whl/cu130", "/whl/cu126")
    for project, words in (
        (eg, "pillow was added in the group vision"),
        (targets, "torch comes from another index; torchvision comes from another index"),
    ):
        assert not uv_says_current(project, uv_env)
        _, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
        assert f"✗ uv.lock is older than pyproject.toml's requirements: {words}.\n" in out


# ------------------------------------------------------------------------------------------
# 2. A .venv whose python points to a removed interpreter


def test_venv_with_a_dangling_python_is_broken_without_run(tmp_path, capsys):
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        START + '\n[project.optional-dependencies]\ngpu = ["torch>=2.14"]\n'
        '\n[dependency-groups]\nvision = ["torchvision"]\n'
    )
    env = make_env(project, {"torch": "2.15.0+cpu"})
    python = env / "bin" / "python"
    python.unlink()
    python.symlink_to(tmp_path / "removed-python" / "bin" / "python3.11")
    (env / "bin" / "python3").symlink_to("python")
    code, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert code == 1
    assert (
        f"✗ The environment {env} is broken: its python points to "
        f"{tmp_path / 'removed-python' / 'bin' / 'python3.11'}, which does not exist.\n" in out
    )
    assert (
        f"    Fix: Remove {env}, then `uv sync --extra gpu --group vision` creates it anew\n" in out
    )
    assert f"✓ Environment {env}" not in out


def test_venv_from_another_machine_through_a_relative_link_is_broken(tmp_path):
    from tests.test_doctor import check, codes, linux

    project = tmp_path
    (project / "pyproject.toml").write_text(START + 'dependencies = ["torch"]\n')
    env = make_env(project, {"torch": "2.15.0+cpu"})
    (env / "bin" / "python").unlink()
    (env / "bin" / "python").symlink_to("../../elsewhere/python3")
    findings = check(project, linux())
    assert codes(findings, "problem") == ["environment-broken"]
    assert str(env / "bin" / ".." / ".." / "elsewhere" / "python3") in findings[0].what


# ------------------------------------------------------------------------------------------
# 3. A fleet project: the advice is this machine's extra


def test_fleet_advice_is_the_extra_that_fits_this_machine(tmp_path, capsys, uv_env, fake_index):
    project = locked_project(
        tmp_path / "fleet",
        uv_env,
        fake_index.base_url,
        "--hardware",
        str(GPU_550),
        "--hardware",
        str(CPU_ONLY),
    )
    before = (project / "pyproject.toml").read_text()
    # No environment yet: each machine syncs its own extra; a newer driver still runs cu126
    # (the project's build), it is not sent to the CPU extra or to a rewrite of the project.
    for hardware, extra in ((GPU_550, "cu126"), (GPU_580, "cu126"), (CPU_ONLY, "cpu")):
        code, out, _ = doctor(["-C", str(project), "--hardware", str(hardware)], capsys)
        assert fix_lines(out) == [f"    Fix: `uv sync --extra {extra}`"], (hardware, out)
        assert f"✓ uv.lock's torch 2.14.1+{extra} (extra {extra})" in out
    # The CPU extra installed on the GPU box: the fix is its own extra, not a new variant.
    subprocess.run(["uv", "sync", "--extra", "cpu", "-q"], cwd=project, env=uv_env, check=True)
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 1 and fix_lines(out) == ["    Fix: `uv sync --extra cu126`"], out
    _, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert fix_lines(out) == [] and "0 problems, 0 warnings" in out
    # Without its uv.lock, the machine still gets its own extra from pyproject.toml.
    (project / "uv.lock").unlink()
    subprocess.run(["rm", "-rf", str(project / ".venv")], check=True)
    _, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert fix_lines(out) == ["    Fix: `uv sync --extra cpu`"], out
    assert (project / "pyproject.toml").read_text() == before


def test_fleet_fix_that_needs_another_torch_release_says_it_moves_every_machine(
    tmp_path, capsys, uv_env, fake_index
):
    project = locked_project(
        tmp_path / "fleet",
        uv_env,
        fake_index.base_url,
        "--hardware",
        str(GPU_580),
        "--hardware",
        str(CPU_ONLY),
    )
    _, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_550)], capsys)
    assert (
        "`torch-wizard --variants cu130,cpu,cu126 --torch 2.14` (moves every machine of the "
        "project to torch 2.14), then `uv sync --extra cu126`" in out
    )


# ------------------------------------------------------------------------------------------
# 4. torch in an extra, torchvision in a dependency group


def test_group_companion_of_an_extras_torch_is_read_from_the_lock(
    tmp_path, capsys, uv_env, fake_index
):
    project = real_locks(tmp_path, uv_env, fake_index.base_url)["extra-and-group"]
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert fix_lines(out) == ["    Fix: `uv sync --extra gpu --group vision`"], out
    subprocess.run(
        ["uv", "sync", "--extra", "gpu", "--group", "vision", "-q"],
        cwd=project,
        env={**uv_env, "VIRTUAL_ENV": ""},
        check=True,
    )
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 0, out
    assert "torchvision 0.29.1+cu130 is installed but not in uv.lock" not in out
    assert "✓ torch, torchvision match uv.lock (extra gpu)" in out
    assert "0 problems, 0 warnings." in out
    # A torchvision of another release is out of sync, and the sync names the group.
    installed_torchvision(project, "0.29.0+cu130")
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 1
    assert (
        "✗ torchvision 0.29.0+cu130 is installed, but uv.lock has 0.29.1+cu130 (extra gpu).\n"
        in out
    )
    assert "    Fix: `uv sync --extra gpu --group vision`\n" in out


# ------------------------------------------------------------------------------------------
# 5. Index URLs compared as uv records them in uv.lock


def test_an_index_url_with_credentials_is_not_a_stale_lock(tmp_path, capsys, uv_env, fake_index):
    project = locked_project(
        tmp_path / "p",
        uv_env,
        fake_index.base_url,
        "--hardware",
        str(GPU_580),
        "--with",
        "torchvision",
    )
    edit(project, 'url = "http://127.0.0.1', 'url = "http://user:secret@127.0.0.1')
    login = {
        **uv_env,
        "UV_DEFAULT_INDEX": uv_env["UV_DEFAULT_INDEX"].replace("://", "://user:secret@"),
        "VIRTUAL_ENV": "",
    }
    with fake_index.configured(auth=("user", "secret")):
        subprocess.run(["uv", "lock", "-q"], cwd=project, env=login, check=True)
        subprocess.run(["uv", "sync", "-q"], cwd=project, env=login, check=True)
        assert uv_says_current(project, login)
    assert "secret" not in (project / "uv.lock").read_text()  # uv records the URL without it
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert "uv.lock is older" not in out
    assert "✓ torch, torchvision match uv.lock, from " in out
    assert code == 0 and "0 problems, 0 warnings." in out, out
    # Another index behind the same login still is a change uv.lock has not seen.
    edit(project, "/whl/cu130", "/whl/cu126")
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 1 and (
        "✗ uv.lock is older than pyproject.toml's requirements: torch comes from another "
        "index; torchvision comes from another index.\n" in out
    )


def test_a_flat_index_in_a_folder_of_the_project_is_not_a_stale_lock(
    tmp_path, capsys, uv_env, fake_index
):
    project = tmp_path / "p"
    (project / "wheels").mkdir(parents=True)
    shutil.copy(fake_index.world.files("pypi", "ruff")[0].path, project / "wheels")
    flat = (
        'dependencies = ["ruff"]\n\n[[tool.uv.index]]\nname = "local"\nurl = "./wheels"\n'
        'format = "flat"\n\n[tool.uv.sources]\nruff = { index = "local" }\n'
    )
    locked_project(project, uv_env, fake_index.base_url, "--hardware", str(GPU_580), toml=flat)
    assert f'index = "{(project / "wheels").as_uri()}"' in (project / "uv.lock").read_text()
    subprocess.run(["uv", "sync", "-q"], cwd=project, env={**uv_env, "VIRTUAL_ENV": ""}, check=True)
    # The same folder written other ways, each locked again by uv.
    before = "./wheels"
    for url in ("./wheels", (project / "wheels").as_uri(), "../p/./wheels", "wheels/"):
        edit(project, f'url = "{before}"', f'url = "{url}"')
        before = url
        subprocess.run(["uv", "lock", "-q"], cwd=project, env=uv_env, check=True)
        code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
        assert "uv.lock is older" not in out, (url, out)
        assert code == 0 and "0 problems, 0 warnings." in out, (url, out)
    # Moved to another folder, the lock names the old one: uv and doctor both say lock again.
    moved = tmp_path / "moved"
    shutil.copytree(project, moved, ignore=shutil.ignore_patterns(".venv"))
    assert not uv_says_current(moved, uv_env)
    code, out, _ = doctor(["-C", str(moved), "--hardware", str(GPU_580)], capsys)
    assert (
        "✗ uv.lock is older than pyproject.toml's requirements: ruff comes from another index.\n"
        in out
    )


# ------------------------------------------------------------------------------------------
# 6. Companions in extras of their own (not the variant extras that bring torch)

TORCH_AND_EXTRAS = (
    'dependencies = ["torch"]\n\n[project.optional-dependencies]\n'
    'vision = ["torchvision"]\naudio = ["torchaudio"]\n'
)
GROUP_AND_EXTRA = (
    '\n[project.optional-dependencies]\nvision = ["torchvision"]\n'
    '\n[dependency-groups]\nml = ["torch"]\n'
)


def next_sync(folder: Path, env: dict[str, str], base: str, toml: str) -> str:
    """The `uv sync` command the wizard's Next line names for a project it writes and locks."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(START + toml)
    result = run_wizard(
        ["--yes", "-C", str(folder), "--index-base", base, "--hardware", str(GPU_580)],
        folder,
        env,
    )
    assert result.code == 0, result.err
    found = re.search(r"Next: `(uv sync[^`]*)`", result.out)
    assert found, result.out
    return found.group(1)


@pytest.mark.parametrize(
    ("toml", "wizard_says", "matched"),
    [
        (
            TORCH_AND_EXTRAS,
            "uv sync --extra vision --extra audio",
            "torch, torchvision, torchaudio",
        ),
        (GROUP_AND_EXTRA, "uv sync --group ml --extra vision", "torch, torchvision"),
    ],
    ids=["torch-with-two-extras", "group-with-an-extra"],
)
def test_companions_in_extras_are_read_from_the_lock_and_synced_as_the_wizard_says(
    tmp_path, capsys, uv_env, fake_index, toml, wizard_says, matched
):
    project = tmp_path / "p"
    sync = next_sync(project, uv_env, fake_index.base_url, toml)
    assert sync == wizard_says
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert fix_lines(out) == [f"    Fix: `{sync}`"], out
    subprocess.run(
        [*sync.split(), "-q"], cwd=project, env={**uv_env, "VIRTUAL_ENV": ""}, check=True
    )
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert "is installed but not in uv.lock" not in out
    assert f"✓ {matched} match uv.lock, from " in out
    assert code == 0 and "0 problems, 0 warnings." in out, out
    # A torchvision of another release is out of sync, and the sync names the extra.
    installed_torchvision(project, "0.29.0+cu130")
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 1
    assert "✗ torchvision 0.29.0+cu130 is installed, but uv.lock has 0.29.1+cu130.\n" in out
    assert f"    Fix: `{sync}`\n" in out


def test_a_fleets_variant_extras_hold_the_companion_so_its_own_extra_is_not_named(
    tmp_path, capsys, uv_env, fake_index
):
    project = locked_project(
        tmp_path / "fleet",
        uv_env,
        fake_index.base_url,
        "--hardware",
        str(GPU_580),
        "--hardware",
        str(CPU_ONLY),
        "--with",
        "torchvision",
        toml='\n[project.optional-dependencies]\nvision = ["torchvision"]\n',
    )
    _, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert fix_lines(out) == ["    Fix: `uv sync --extra cpu`"], out


def test_an_index_that_uv_index_names_is_not_compared(
    tmp_path, capsys, uv_env, fake_index, monkeypatch
):
    """UV_INDEX="name=url" replaces pyproject.toml's index of that name; it may or may not
    have been set when uv.lock was made, so that index says nothing about the lock's age."""
    project = locked_project(
        tmp_path / "p", uv_env, fake_index.base_url, "--hardware", str(GPU_580), "--torch", "2.14"
    )
    other = f"pytorch-cu130={fake_index.url('cu126')}"
    subprocess.run(["uv", "lock", "-q"], cwd=project, env={**uv_env, "UV_INDEX": other}, check=True)
    assert uv_says_current(project, {**uv_env, "UV_INDEX": other})
    monkeypatch.setenv("UV_INDEX", other)
    _, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert "uv.lock is older" not in out
    assert "✓ uv.lock's torch 2.14.1+cu126" in out, out


# ------------------------------------------------------------------------------------------
# Session 7: a workspace member's .venv and uv.lock are the workspace root's


def test_a_workspace_member_is_checked_against_the_roots_environment_and_lock(
    tmp_path, capsys, uv_env, fake_index
):
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    member = locked_project(
        tmp_path / "packages" / "trainer",
        uv_env,
        fake_index.base_url,
        "--hardware",
        str(GPU_580),
        "--with",
        "torchvision",
        toml="dependencies = []\n\n[tool.uv]\npackage = false\n",
    )
    assert (tmp_path / "uv.lock").exists() and not (member / "uv.lock").exists()
    subprocess.run(["uv", "sync", "-q"], cwd=member, env=uv_env, check=True)
    code, out, _ = doctor(["-C", str(member), "--hardware", str(GPU_580)], capsys)
    # It looked for packages/trainer/.venv and found no environment and no uv.lock.
    assert f"Environment  {tmp_path / '.venv'} (Python" in out
    assert "✓ torch, torchvision match uv.lock" in out
    assert "older than pyproject.toml" not in out
    assert code == 0, out


def test_doctor_at_a_virtual_workspace_root_points_to_the_member(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    member = tmp_path / "packages" / "trainer"
    member.mkdir(parents=True)
    (member / "pyproject.toml").write_text(START + 'dependencies = ["torch"]\n')
    code, out, err = doctor(["-C", str(tmp_path), "--hardware", str(GPU_580)], capsys)
    # It said "The project does not depend on torch" with `torch-wizard` (refused there) as fix.
    assert code == 2, out
    assert "Run `torch-wizard doctor -C packages/trainer` (it checks the workspace's" in err


# ------------------------------------------------------------------------------------------
# Review of session 7: real uv projects the wizard did not write


def groups_project(folder: Path, env: dict[str, str], base: str) -> Path:
    """Selectable builds as conflicting dependency groups (uv's pattern), locked by uv."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        START + "dependencies = []\n\n[dependency-groups]\n"
        'cpu = ["torch>=2.15,<2.16"]\n'
        'gpu = ["torch>=2.15,<2.16", {include-group = "common"}]\ncommon = ["numpy"]\n'
        '\n[tool.uv]\nconflicts = [[{ group = "cpu" }, { group = "gpu" }]]\n'
        '\n[tool.uv.sources]\ntorch = [{ index = "pytorch-cpu", group = "cpu" }, '
        '{ index = "pytorch-cu130", group = "gpu" }]\n'
        f'\n[[tool.uv.index]]\nname = "pytorch-cpu"\nurl = "{base}/cpu"\nexplicit = true\n'
        f'\n[[tool.uv.index]]\nname = "pytorch-cu130"\nurl = "{base}/cu130"\nexplicit = true\n'
    )
    subprocess.run(["uv", "lock", "-q"], cwd=folder, env=env, check=True)
    return folder


def test_conflicting_dependency_groups_are_variants_synced_one_at_a_time(
    tmp_path, capsys, uv_env, fake_index
):
    project = groups_project(tmp_path / "p", uv_env, fake_index.base_url)
    sync_env = {**uv_env, "VIRTUAL_ENV": ""}
    # No environment: the GPU machine syncs the gpu group (it said `uv sync --group cpu`).
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert fix_lines(out) == ["    Fix: `uv sync --group gpu`"], out
    assert "✓ uv.lock's torch 2.15.0+cu130 (group gpu) is the CUDA 13.0 build" in out
    # The cpu group synced on a CPU-only machine is what uv.lock has for it.
    subprocess.run(["uv", "sync", "--group", "cpu", "-q"], cwd=project, env=sync_env, check=True)
    code, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert "✓ torch matches uv.lock (group cpu)" in out
    assert code == 0 and "0 problems, 0 warnings." in out, out
    # On the GPU machine, the fix is the other group, and it works.
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 1 and fix_lines(out) == ["    Fix: `uv sync --group gpu`"], out
    subprocess.run(["uv", "sync", "--group", "gpu", "-q"], cwd=project, env=sync_env, check=True)
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 0 and "✓ torch matches uv.lock (group gpu)" in out, out


def test_a_renamed_variant_extra_is_told_from_its_index_not_from_the_old_lock(
    tmp_path, capsys, uv_env, fake_index
):
    project = locked_project(
        tmp_path / "fleet",
        uv_env,
        fake_index.base_url,
        "--hardware",
        str(CPU_ONLY),
        "--hardware",
        str(GPU_580),
    )
    edit(project, "cu130 = [", "gpu = [")
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text().replace('extra = "cu130"', 'extra = "gpu"')
    )
    assert not uv_says_current(project, uv_env)
    # It said `uv lock`, then `uv sync --extra cpu` (the first extra) on the GPU machine.
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 1 and fix_lines(out) == [
        "    Fix: `uv sync --extra gpu`",
        "    Fix: `uv lock`, then `uv sync --extra gpu`",
    ], out
    # An index that does not name the build: no guess, doctor names the extra after `uv lock`.
    edit(project, "/whl/cu130", "/whl/nvidia")
    _, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert (
        "    Fix: `uv lock`, then `torch-wizard doctor` (it names the extra that fits this "
        "machine once uv.lock is current)\n" in out
    )
    assert "--extra cpu" not in out, out


def test_a_uv_lock_that_is_not_toml_is_a_problem_with_a_fix_that_works(
    tmp_path, capsys, uv_env, fake_index
):
    project = locked_project(
        tmp_path / "p", uv_env, fake_index.base_url, "--hardware", str(GPU_580)
    )
    subprocess.run(["uv", "sync", "-q"], cwd=project, env={**uv_env, "VIRTUAL_ENV": ""}, check=True)
    lock = project / "uv.lock"
    lock.write_text(lock.read_text() + "garbage = [\n")
    assert subprocess.run(["uv", "lock"], cwd=project, env=uv_env, capture_output=True).returncode
    # It said "! uv.lock cannot be read" with `uv lock` (which fails) and exit 0.
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert code == 1, out
    assert f"    Fix: Put {lock} back from version control, or delete it; then `uv lock`\n" in out
    shutil.rmtree(project / ".venv")
    _, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_580)], capsys)
    assert "    Fix: Not `uv sync` yet: it stops at the broken uv.lock;" in out
    lock.unlink()
    subprocess.run(["uv", "lock", "-q"], cwd=project, env=uv_env, check=True)


def test_a_nightly_projects_fix_to_a_stable_release_names_the_stable_channel(
    tmp_path, capsys, uv_env, fake_index
):
    project = locked_project(
        tmp_path / "p",
        uv_env,
        fake_index.base_url,
        "--channel",
        "nightly",
        "--hardware",
        str(GPU_580),
    )
    _, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_550)], capsys)
    found = re.search(r"`(torch-wizard [^`]*)`, then `uv sync`", out)
    assert found, out
    # It said `torch-wizard --target linux-x86_64=cu126 --torch 2.14`, which exits 2 there.
    assert found.group(1).endswith(" --torch 2.14 --channel stable"), out
    flags = found.group(1).split()[1:]
    hardware = ["--index-base", fake_index.base_url, "--hardware", str(GPU_550)]
    result = run_wizard(["--yes", "-C", str(project), *hardware, *flags], project, uv_env)
    assert result.code == 0, result.err
    subprocess.run(["uv", "sync", "-q"], cwd=project, env={**uv_env, "VIRTUAL_ENV": ""}, check=True)
    code, out, _ = doctor(["-C", str(project), "--hardware", str(GPU_550)], capsys)
    assert code == 0 and "0 problems, 0 warnings." in out, out


def test_torch_from_a_flat_index_in_a_folder_of_the_project_is_in_the_lock(
    tmp_path, capsys, uv_env, fake_index
):
    project = tmp_path / "p"
    (project / "wheels").mkdir(parents=True)
    wheel = next(
        f.path
        for f in fake_index.world.files("cpu", "torch")
        if f.path.name == "torch-2.15.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
    )
    shutil.copy(wheel, project / "wheels")
    (project / "pyproject.toml").write_text(
        START + 'dependencies = ["torch==2.15.0+cpu"]\n\n[[tool.uv.index]]\nname = "local"\n'
        'url = "./wheels"\nformat = "flat"\nexplicit = true\n\n'
        '[tool.uv.sources]\ntorch = { index = "local" }\n'
    )
    subprocess.run(["uv", "lock", "-q"], cwd=project, env=uv_env, check=True)
    subprocess.run(["uv", "sync", "-q"], cwd=project, env={**uv_env, "VIRTUAL_ENV": ""}, check=True)
    before = (project / "pyproject.toml").read_text()
    # It said "uv.lock installs no torch on Linux x86_64", with a fix that rewrites the index.
    code, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert "installs no torch" not in out and fix_lines(out) == [], out
    assert "✓ torch matches uv.lock" in out
    assert code == 0 and "0 problems, 0 warnings." in out, out
    assert (project / "pyproject.toml").read_text() == before


def test_a_venv_link_to_a_missing_folder_is_removed_before_the_sync(
    tmp_path, capsys, uv_env, fake_index
):
    project = locked_project(
        tmp_path / "p", uv_env, fake_index.base_url, "--hardware", str(CPU_ONLY)
    )
    venv = project / ".venv"
    venv.symlink_to(tmp_path / "gone")
    sync_env = {**uv_env, "VIRTUAL_ENV": ""}
    assert subprocess.run(["uv", "sync"], cwd=project, env=sync_env, capture_output=True).returncode
    # It said only `uv sync`, which fails on the link ("failed to create directory").
    code, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert code == 1
    assert f"✗ {venv} is a link to {tmp_path / 'gone'}, which does not exist.\n" in out
    assert fix_lines(out) == [
        f"    Fix: Remove the link {venv} first (`uv sync` cannot create the environment where "
        "it is). Then: `uv sync`"
    ], out
    venv.unlink()
    subprocess.run(["uv", "sync", "-q"], cwd=project, env=sync_env, check=True)
    code, out, _ = doctor(["-C", str(project), "--hardware", str(CPU_ONLY)], capsys)
    assert code == 0, out


def test_two_hardware_profiles_are_refused_not_the_last_one_checked(tmp_path, capsys):
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text(START + 'dependencies = ["torch"]\n')
    before = sorted(p.name for p in project.iterdir())
    args = ["-C", str(project), "--hardware", str(GPU_580), "--hardware", str(CPU_ONLY)]
    code, out, err = doctor(args, capsys)
    assert (code, out) == (2, "")
    assert err == (
        "torch-wizard: --hardware names 2 profiles; doctor checks one machine at a time. Run "
        "`torch-wizard doctor --hardware FILE` once per profile.\n"
    )
    assert sorted(p.name for p in project.iterdir()) == before
