"""`torch-wizard doctor`: fake environments (metadata only) against fake hardware and real locks.

The locks in fixtures/doctor/ were written by uv against the fake index. One slow test runs the
real CPU torch that pip installs from this machine's disk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

from wizard.catalog import load_bundled
from wizard.cli import main
from wizard.doctor import (
    Finding,
    RuntimeResult,
    Style,
    diagnose,
    find_environment,
    gather,
    probe_runtime,
    read_installed,
    report_text,
    runtime_findings,
)
from wizard.hardware.profile import GPU, HardwareProfile

CATALOG = load_bundled()
FIXTURES = Path(__file__).parent / "fixtures"
LOCKS = FIXTURES / "doctor"
PROFILES = FIXTURES / "profiles"

# ------------------------------------------------------------------------------------------
# Machines


def linux(*gpus: GPU, python: str = "3.11.7") -> HardwareProfile:
    return HardwareProfile(os="linux", arch="x86_64", python=python, gpus=gpus)


def windows(*gpus: GPU) -> HardwareProfile:
    return HardwareProfile(os="windows", arch="x86_64", python="3.11.7", gpus=gpus)


def nvidia(
    name: str = "NVIDIA GeForce RTX 4090", cc: str = "8.9", driver: str | None = "580.95.05"
) -> GPU:
    return GPU("nvidia", name, compute_capability=cc, driver_version=driver)


RTX4090 = nvidia()
RTX4090_OLD_DRIVER = nvidia(driver="550.54.15")
GTX1080TI = nvidia("NVIDIA GeForce GTX 1080 Ti", "6.1")
RX7900XTX = GPU("amd", "Radeon RX 7900 XTX", gfx="gfx1100")
RX5700XT = GPU("amd", "Radeon RX 5700 XT", gfx="gfx1010")

# ------------------------------------------------------------------------------------------
# Fake environments: dist-info folders with METADATA and nothing else


def make_env(
    project: Path,
    packages: dict[str, str],
    *,
    folder: str = ".venv",
    python: str = "3.11.7",
    installer: str = "uv",
    nvidia_libs: int = 0,
    windows_layout: bool = False,
    wheel_tag: str = "cp311-cp311-manylinux_2_28_x86_64",
) -> Path:
    env = project / folder
    minor = ".".join(python.split(".")[:2])
    site = (
        env / "Lib" / "site-packages"
        if windows_layout
        else (env / "lib" / f"python{minor}" / "site-packages")
    )
    site.mkdir(parents=True, exist_ok=True)
    (env / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion_info = {python}\n")
    bindir = env / ("Scripts" if windows_layout else "bin")
    bindir.mkdir(exist_ok=True)
    (bindir / ("python.exe" if windows_layout else "python")).write_text("")
    for name, version in packages.items():
        add_dist(site, name, version, installer=installer, wheel_tag=wheel_tag)
    for i in range(nvidia_libs):
        add_dist(site, f"nvidia-lib{i}-cu13", "13.0.1", installer=installer)
    return env


def add_dist(
    site: Path,
    name: str,
    version: str,
    installer: str = "uv",
    wheel_tag: str = "cp311-cp311-manylinux_2_28_x86_64",
    direct_url: str | None = None,
) -> Path:
    dist = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\nSummary: test\n\nLong text.\n"
    )
    (dist / "INSTALLER").write_text(f"{installer}\n")
    (dist / "WHEEL").write_text(f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {wheel_tag}\n")
    if direct_url:
        (dist / "direct_url.json").write_text(json.dumps({"url": direct_url, "archive_info": {}}))
    return dist


TORCH_PROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["torch"]\n'


def project_with(tmp_path: Path, lock: str | None, packages: dict[str, str], **kw: object) -> Path:
    """The lock with the pyproject.toml it was made from (doctor calls any other one stale)."""
    (tmp_path / "pyproject.toml").write_text(TORCH_PROJECT)
    if lock:
        shutil.copy(LOCKS / f"{lock}.uv.lock", tmp_path / "uv.lock")
        shutil.copy(LOCKS / f"{lock}.pyproject.toml", tmp_path / "pyproject.toml")
    make_env(tmp_path, packages, **kw)  # type: ignore[arg-type]
    return tmp_path


def check(project: Path, profile: HardwareProfile | None, **kw: object) -> list[Finding]:
    return list(diagnose(project, profile, CATALOG, environ={}, **kw).findings)  # type: ignore[arg-type]


def codes(findings: list[Finding], severity: str | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity == severity]


def one(findings: list[Finding], code: str) -> Finding:
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [(f.code, f.what) for f in findings]
    return found[0]


def doctor(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`torch-wizard doctor --offline ARGS`, run (as people do) in the -C project's folder when
    it has a pyproject.toml; test_doctor_review checks the fixes of `-C DIR` from elsewhere."""
    folder = Path(args[args.index("-C") + 1]) if "-C" in args else None
    here = Path.cwd()
    if folder is not None and (folder / "pyproject.toml").is_file():
        os.chdir(folder)
    try:
        code = main(["doctor", "--offline", *args])
    finally:
        os.chdir(here)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _no_outside_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UV_PROJECT_ENVIRONMENT", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


CU130_PAIR = {"torch": "2.14.1+cu130", "torchvision": "0.29.1+cu130"}
CPU_PAIR = {"torch": "2.14.1+cpu", "torchvision": "0.29.1+cpu"}

# ------------------------------------------------------------------------------------------
# Finding the environment and reading it


def test_no_environment_is_a_problem_with_uv_sync_as_the_fix(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(TORCH_PROJECT)
    findings = check(tmp_path, linux())
    f = one(findings, "no-environment")
    assert f.severity == "problem" and f.fix == "`uv sync`"
    assert str(tmp_path / ".venv") in f.what
    code, out, _ = doctor(
        ["-C", str(tmp_path), "--hardware", str(PROFILES / "linux-cpu-only.json")], capsys
    )
    assert code == 1 and "uv sync" in out


def test_folder_without_pyproject_is_bad_input_not_uv_sync(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    profile = str(PROFILES / "linux-cpu-only.json")
    code, out, err = doctor(["-C", str(empty), "--hardware", profile], capsys)
    sentence = (
        f"No pyproject.toml in {empty}, so there is no project to check. Run "
        f"`torch-wizard -C {empty}` first to set up PyTorch there, or pass the project's folder "
        "with -C."
    )
    assert (code, out, err) == (2, "", f"torch-wizard: {sentence}\n")
    code, out, err = doctor(["-C", str(empty), "--json", "--hardware", profile], capsys)
    assert code == 2 and json.loads(out) == {"error": sentence, "exit_code": 2}
    assert list(empty.iterdir()) == []
    # Inside a project's subfolder, the way out names the project above it.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    code, out, err = doctor(["-C", str(empty), "--hardware", profile], capsys)
    assert code == 2 and out == ""
    assert err.endswith(
        f"or check the project above it with `torch-wizard doctor -C {tmp_path}`.\n"
    )
    assert list(empty.iterdir()) == []


def test_folder_without_pyproject_in_the_current_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = doctor([], capsys)
    assert code == 2
    assert "Run `torch-wizard` first to set up PyTorch there" in err
    assert list(tmp_path.iterdir()) == []


NOT_YET = (
    "Not `uv sync` yet: it would install uv.lock's build, which does not fit this machine; "
    "follow the fix below first."
)


def locked_project(tmp_path: Path, lock: str = "markers") -> Path:
    """A project with uv.lock and no environment yet (uv.lock has the cp311 wheels)."""
    shutil.copy(LOCKS / f"{lock}.pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(LOCKS / f"{lock}.uv.lock", tmp_path / "uv.lock")
    return tmp_path


def markers_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Set up by the wizard for Linux cu130 and Windows cpu on torch 2.14, with that uv.lock."""
    project = wizard_project(
        tmp_path / "p",
        capsys,
        "--target",
        "linux-x86_64=cu130",
        "--target",
        "windows-x86_64=cpu",
        "--torch",
        "2.14",
        "--with",
        "torchvision",
    )
    shutil.copy(LOCKS / "markers.uv.lock", project / "uv.lock")
    return project


def test_no_environment_checks_the_cuda_lock_before_recommending_uv_sync(tmp_path, capsys):
    # The project is locked to cu130 for Linux; this machine has no GPU.
    project = markers_project(tmp_path, capsys)
    (project / ".python-version").write_text("3.11\n")  # what `uv sync` creates .venv with
    before = tree(project)
    cpu_only = PROFILES / "linux-cpu-only.json"
    code, out, _ = doctor(["-C", str(project), "--hardware", str(cpu_only)], capsys)
    assert code == 1
    assert (
        f"✗ No environment at {project / '.venv'}.\n"
        "    Why: Nothing is installed for this project yet, so nothing it runs can import torch.\n"
        f"    Fix: {NOT_YET}\n"
        "! uv.lock's torch 2.14.1+cu130 is the CUDA 13.0 build (cu130), but this machine has no "
        "NVIDIA GPU.\n"
        "    Why: `uv sync` would download about 3 GB of GPU libraries this machine cannot use, "
        "and torch would run on the CPU only; the CPU build is about 200 MB.\n"
        "    Fix: `torch-wizard --target linux-x86_64=cpu --target windows-x86_64=cpu`, "
        "then `uv sync`\n" in out
    )
    assert "Fix: `uv sync`" not in out
    assert tree(project) == before  # doctor writes nothing
    # The printed way out works, and locks the CPU build for Linux.
    code, text = run_fix(printed_fixes(out)[0], project, tmp_path, cpu_only, capsys)
    assert code == 0, text
    assert "/whl/cpu" in (tmp_path / "fix-0" / "pyproject.toml").read_text()
    # On the GPU machine the lock was made for, the same project only needs the sync.
    gpu = PROFILES / "linux-rtx4090-driver580.json"
    code, out, _ = doctor(["-C", str(project), "--hardware", str(gpu)], capsys)
    assert code == 1
    assert "    Fix: `uv sync`\n" in out
    assert (
        "✓ uv.lock's torch 2.14.1+cu130 is the CUDA 13.0 build (cu130), for NVIDIA GeForce "
        "RTX 4090." in out
    )


def test_no_environment_judges_the_locked_build_like_an_installed_one(tmp_path):
    project = locked_project(tmp_path)
    findings = check(project, linux())
    assert codes(findings, "problem") == ["no-environment"]
    assert one(findings, "no-environment").fix == NOT_YET
    f = one(findings, "gpu-build-without-gpu")
    assert (
        f.severity == "warning"
        # the project's Windows target stays
        and f.fix
        == "`torch-wizard --target linux-x86_64=cpu --target windows-x86_64=cpu`, then `uv sync`"
    )
    # The driver and the GPU's kernels, as for an installed build.
    findings = check(project, linux(RTX4090_OLD_DRIVER))
    f = one(findings, "cuda-newer-than-driver")
    assert f.what == (
        "uv.lock's torch 2.14.1+cu130 is the CUDA 13.0 build (cu130), which needs NVIDIA driver "
        "580 or newer; this machine has 550.54.15."
    )
    assert f.fix.startswith("Upgrade the NVIDIA driver to 580 or newer; or `torch-wizard")
    assert one(findings, "no-environment").fix == NOT_YET
    f = one(check(project, linux(GTX1080TI)), "arch-not-compiled")
    assert "has no kernels in uv.lock's torch 2.14.1+cu130" in f.what
    f = one(check(project, linux(RX7900XTX)), "gpu-build-without-gpu")
    assert f.severity == "problem" and "linux-x86_64=rocm7.2" in f.fix
    findings = check(project, linux(RTX4090))
    assert one(findings, "no-environment").fix == "`uv sync`"
    assert codes(findings, "problem") == ["no-environment"] and codes(findings, "warning") == []
    assert codes(findings) == ["no-environment", "build-fits", "driver-ok", "arch-ok"]


def test_no_environment_in_a_variants_project_syncs_the_extra_that_fits(tmp_path):
    project = locked_project(tmp_path, "variants")
    findings = check(project, linux(RTX4090))
    assert one(findings, "no-environment").fix == "`uv sync --extra cu130`"
    assert "(extra cu130)" in one(findings, "build-fits").what
    findings = check(project, linux())
    assert one(findings, "no-environment").fix == "`uv sync --extra cpu`"
    # No extra fits an AMD GPU: the one `uv sync --extra cpu` installs is judged.
    findings = check(project, linux(RX7900XTX))
    assert one(findings, "no-environment").fix == NOT_YET
    assert "uv.lock's torch 2.14.1+cpu (extra cpu)" in one(findings, "cpu-build-with-gpu").what


def test_torch_missing_waits_for_the_lock_to_fit(tmp_path):
    project_with(tmp_path, "markers", {"torchvision": "0.29.1+cu130"})
    findings = check(tmp_path, linux())
    assert one(findings, "not-installed").fix == NOT_YET
    assert one(findings, "gpu-build-without-gpu").severity == "warning"


def test_no_environment_uses_the_python_uv_sync_would_use(tmp_path):
    # uv.lock has only cp311 wheels; this machine's own Python is 3.12, the project pins 3.11.
    project = locked_project(tmp_path)
    machine = linux(python="3.12.7")
    assert codes(check(project, machine), "warning") == ["not-in-lock"]
    for pin in ("3.11\n", "cpython@3.11.7\n", "# pinned\ncpython-3.11.7-linux-x86_64-gnu\n"):
        (project / ".python-version").write_text(pin)
        assert codes(check(project, machine), "warning") == ["gpu-build-without-gpu"], pin


def test_uv_project_environment_relative_to_the_project(tmp_path):
    project_with(tmp_path, None, {"torch": "2.14.1+cpu"}, folder="envs/cpu")
    assert codes(check(tmp_path, linux()), "problem") == ["no-environment"]
    report = diagnose(tmp_path, linux(), CATALOG, environ={"UV_PROJECT_ENVIRONMENT": "envs/cpu"})
    assert report.environment is not None
    assert report.environment.path == tmp_path / "envs" / "cpu"
    assert report.healthy


def test_uv_project_environment_absolute(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    make_env(elsewhere, {"torch": "2.14.1+cpu"}, folder="env")
    (tmp_path / "p").mkdir()
    report = diagnose(
        tmp_path / "p", linux(), CATALOG, environ={"UV_PROJECT_ENVIRONMENT": str(elsewhere / "env")}
    )
    assert report.installed and report.installed.torch
    assert report.installed.torch.version == "2.14.1+cpu"


def test_windows_layout_is_found(tmp_path):
    env = make_env(
        tmp_path, {"torch": "2.14.1+cpu"}, windows_layout=True, wheel_tag="cp311-cp311-win_amd64"
    )
    found = find_environment(env)
    assert found is not None
    assert found.site_packages == env / "Lib" / "site-packages"
    assert found.python == env / "Scripts" / "python.exe"
    assert found.python_version == "3.11.7"


def test_reads_versions_labels_installer_and_origin_from_metadata_only(tmp_path):
    env = make_env(
        tmp_path,
        {
            "torch": "2.15.0+cu130",
            "torchvision": "0.30.0+cu130",
            "torchaudio": "2.11.0+cu130",
            "triton": "3.6.0",
            "pytorch-triton-rocm": "3.6.0",
            "numpy": "2.3.0",
        },
        nvidia_libs=3,
    )
    site = env / "lib" / "python3.11" / "site-packages"
    add_dist(
        site,
        "torchao",
        "0.15.0",
        installer="pip",
        direct_url="file:///wheels/torchao-0.15.0-py3-none-any.whl",
    )
    installed = read_installed(site)
    assert set(installed.packages) == {
        "torch",
        "torchvision",
        "torchaudio",
        "torchao",
        "triton",
        "pytorch-triton-rocm",
    }
    torch = installed.packages["torch"]
    assert (torch.version, torch.label, torch.installer) == ("2.15.0+cu130", "cu130", "uv")
    assert torch.wheel_tags == ("cp311-cp311-manylinux_2_28_x86_64",)
    assert installed.packages["triton"].label is None
    ao = installed.packages["torchao"]
    assert ao.installer == "pip" and ao.url == "file:///wheels/torchao-0.15.0-py3-none-any.whl"
    assert "from file:///wheels" in ao.origin()
    assert len(installed.nvidia) == 3


def test_metadata_version_wins_over_the_folder_name(tmp_path):
    site = tmp_path / "site"
    dist = add_dist(site, "torch", "2.14.1+cpu")
    dist.rename(site / "torch-0.0.0.dist-info")
    assert read_installed(site).packages["torch"].version == "2.14.1+cpu"


def test_two_dist_info_folders_for_torch_are_a_warning(tmp_path):
    env = make_env(tmp_path, {"torch": "2.14.1+cpu"})
    add_dist(env / "lib" / "python3.11" / "site-packages", "torch", "2.14.0+cpu")
    f = one(check(tmp_path, linux()), "duplicate-install")
    assert f.severity == "warning" and "uv pip uninstall torch" in f.fix


def test_torch_missing_is_not_installed(tmp_path):
    project_with(tmp_path, "markers", {"torchvision": "0.29.1+cu130"})
    f = one(check(tmp_path, linux(RTX4090)), "not-installed")
    assert f.severity == "problem" and f.fix == "`uv sync`"


def test_torch_missing_in_a_variants_project_syncs_the_recommended_extra(tmp_path):
    project_with(tmp_path, "variants", {})
    f = one(check(tmp_path, linux(RTX4090)), "not-installed")
    assert f.fix == "`uv sync --extra cu130`"
    f = one(check(tmp_path, linux()), "not-installed")
    assert f.fix == "`uv sync --extra cpu`"


# ------------------------------------------------------------------------------------------
# Against uv.lock


def test_healthy_cuda_machine_reads_as_a_checklist_of_ok(tmp_path, capsys):
    project_with(tmp_path, "markers", CU130_PAIR, nvidia_libs=2)
    findings = check(tmp_path, linux(RTX4090))
    assert codes(findings, "problem") == [] and codes(findings, "warning") == []
    assert codes(findings) == [
        "environment",
        "installed",
        "in-sync",
        "build-fits",
        "driver-ok",
        "arch-ok",
        "companion-ok",
    ]
    assert "https://download.pytorch.org/whl/cu130" in one(findings, "in-sync").what
    code, out, _ = doctor(
        ["-C", str(tmp_path), "--hardware", str(PROFILES / "linux-rtx4090-driver580.json")], capsys
    )
    assert code == 0, out
    assert "0 problems, 0 warnings" in out


def test_lock_with_several_torch_versions_picks_this_platforms(tmp_path):
    # markers.uv.lock: Linux 2.14.1+cu130, Windows 2.14.1+cpu, macOS 2.14.1 (PyPI).
    project_with(tmp_path, "markers", CPU_PAIR, wheel_tag="cp311-cp311-win_amd64")
    findings = check(tmp_path, windows())
    assert "extra" not in one(findings, "in-sync").what
    assert codes(findings, "problem") == []
    project_with(tmp_path, "markers", CPU_PAIR)
    f = one(check(tmp_path, linux(RTX4090)), "out-of-sync")
    assert "2.14.1+cu130" in f.what and f.fix == "`uv sync`"


def test_installed_version_differs_from_the_lock(tmp_path, capsys):
    project_with(tmp_path, "markers", {"torch": "2.14.0+cu130", "torchvision": "0.29.0+cu130"})
    f = one(check(tmp_path, linux(RTX4090)), "out-of-sync")
    assert f.severity == "problem"
    assert "2.14.0+cu130 is installed" in f.what and "2.14.1+cu130" in f.what
    assert f.fix == "`uv sync`"
    code, _, _ = doctor(
        ["-C", str(tmp_path), "--hardware", str(PROFILES / "linux-rtx4090-driver580.json")], capsys
    )
    assert code == 1


def test_companion_out_of_sync_with_the_lock(tmp_path):
    project_with(tmp_path, "markers", {"torch": "2.14.1+cu130", "torchvision": "0.29.0+cu130"})
    findings = check(tmp_path, linux(RTX4090))
    f = one(findings, "out-of-sync")
    assert f.what.startswith("torchvision 0.29.0+cu130 is installed, but uv.lock has 0.29.1+cu130")
    assert "torch matches uv.lock" in one(findings, "in-sync").what


def test_companion_in_lock_but_not_installed(tmp_path):
    project_with(tmp_path, "markers", {"torch": "2.14.1+cu130"})
    f = one(check(tmp_path, linux(RTX4090)), "out-of-sync")
    assert "torchvision is not installed" in f.what


def test_package_installed_by_hand_is_a_warning(tmp_path):
    project_with(tmp_path, "markers", {**CU130_PAIR, "torchaudio": "2.11.0+cu130"})
    findings = check(tmp_path, linux(RTX4090))
    f = one(findings, "extra-package")
    assert f.severity == "warning" and "torchaudio" in f.what
    assert codes(findings, "problem") == []


def test_variants_lock_names_the_installed_extra(tmp_path):
    project_with(tmp_path, "variants", CU130_PAIR)
    findings = check(tmp_path, linux(RTX4090))
    assert "(extra cu130)" in one(findings, "in-sync").what
    assert codes(findings, "problem") == []
    project_with(tmp_path, "variants", CPU_PAIR)
    assert "(extra cpu)" in one(check(tmp_path, linux()), "in-sync").what


def test_variants_out_of_sync_syncs_the_installed_extra(tmp_path):
    project_with(tmp_path, "variants", {"torch": "2.14.0+cu130", "torchvision": "0.29.0+cu130"})
    f = one(check(tmp_path, linux(RTX4090)), "out-of-sync")
    assert "2.14.1+cpu (extra cpu)" in f.what and "2.14.1+cu130 (extra cu130)" in f.what
    assert f.fix == "`uv sync --extra cu130`"


def test_no_lock_is_a_warning_only(tmp_path, capsys):
    project_with(tmp_path, None, {"torch": "2.14.1+cpu"})
    findings = check(tmp_path, linux())
    assert one(findings, "no-lock").severity == "warning"
    code, _, _ = doctor(
        ["-C", str(tmp_path), "--hardware", str(PROFILES / "linux-cpu-only.json")], capsys
    )
    assert code == 0


def test_lock_without_torch_for_this_platform(tmp_path):
    project_with(tmp_path, "markers", CU130_PAIR)
    lock = tmp_path / "uv.lock"
    # Drop every torch wheel for Linux x86_64: the lock then serves this platform nothing.
    lock.write_text(
        "\n".join(
            ln
            for ln in lock.read_text().splitlines()
            if not ("manylinux_2_28_x86_64" in ln and "torch" in ln)
        )
    )
    assert one(check(tmp_path, linux(RTX4090)), "not-in-lock").severity == "warning"


def test_a_lock_that_is_not_toml_is_a_problem(tmp_path):
    project_with(tmp_path, None, CU130_PAIR)
    (tmp_path / "uv.lock").write_text("version = [")
    # uv lock, uv sync and uv run all stop at it (it was a warning, and exit 0)
    assert one(check(tmp_path, linux(RTX4090)), "lock-corrupt").severity == "problem"


# ------------------------------------------------------------------------------------------
# Against the hardware


def test_cpu_build_on_a_gpu_machine(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cpu"})
    f = one(check(tmp_path, linux(RTX4090)), "cpu-build-with-gpu")
    assert f.severity == "problem"
    assert "NVIDIA GeForce RTX 4090" in f.what and "CPU" in f.what
    assert f.fix == "`torch-wizard --target linux-x86_64=cu130`, then `uv sync`"


def test_cpu_build_with_an_old_driver_points_at_the_build_that_fits(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cpu"})
    f = one(check(tmp_path, linux(RTX4090_OLD_DRIVER)), "cpu-build-with-gpu")
    assert "linux-x86_64=cu126" in f.fix


def test_cpu_build_in_a_variants_project_syncs_the_gpu_extra(tmp_path):
    project_with(tmp_path, "variants", CPU_PAIR)
    f = one(check(tmp_path, linux(RTX4090)), "cpu-build-with-gpu")
    assert f.fix == "`uv sync --extra cu130`"


def test_windows_pypi_build_is_cpu_only(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0"}, wheel_tag="cp311-cp311-win_amd64")
    f = one(check(tmp_path, windows(RTX4090)), "cpu-build-with-gpu")
    assert "PyPI's CPU-only build" in f.what
    assert "windows-x86_64=cu130" in f.fix


def test_cpu_build_on_a_machine_without_gpu_is_fine(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cpu"})
    findings = check(tmp_path, linux())
    assert "cpu-build-with-gpu" not in codes(findings)
    assert one(findings, "build-fits").severity == "ok"


def test_cuda_build_newer_than_the_driver(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cu130"})
    f = one(check(tmp_path, linux(RTX4090_OLD_DRIVER)), "cuda-newer-than-driver")
    assert f.severity == "problem"
    assert "580" in f.what and "550.54.15" in f.what
    assert f.fix.startswith("Upgrade the NVIDIA driver to 580 or newer")
    assert "linux-x86_64=cu126" in f.fix
    findings = check(tmp_path, linux(RTX4090))
    assert "cuda-newer-than-driver" not in codes(findings)
    assert one(findings, "driver-ok").severity == "ok"


def test_cu126_build_runs_on_the_old_driver(tmp_path):
    project_with(tmp_path, None, {"torch": "2.14.1+cu126"})
    findings = check(tmp_path, linux(RTX4090_OLD_DRIVER))
    assert codes(findings, "problem") == []
    assert "driver-ok" in codes(findings)


def test_pypi_linux_build_is_cuda_13_from_torch_2_11(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0"}, nvidia_libs=4)
    f = one(check(tmp_path, linux(RTX4090_OLD_DRIVER)), "cuda-newer-than-driver")
    assert "PyPI's CUDA 13.0 build (cu130)" in f.what
    # torch 2.10 from PyPI is CUDA 12.8, which driver 550 runs.
    project_with(tmp_path, None, {"torch": "2.10.0"})
    assert "cuda-newer-than-driver" not in codes(check(tmp_path, linux(RTX4090_OLD_DRIVER)))


def test_windows_driver_minimum_applies_under_wsl(tmp_path):
    project_with(tmp_path, None, {"torch": "2.14.1+cu126"})
    wsl = HardwareProfile(
        os="linux", arch="x86_64", wsl=True, python="3.11.7", gpus=(nvidia(driver="527.41"),)
    )
    # cu126 needs 525.60.13 on Linux but 528.33 on Windows, whose driver WSL uses.
    assert one(check(tmp_path, wsl), "cuda-newer-than-driver").severity == "problem"


def test_undetected_driver_is_a_warning(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cu130"})
    f = one(check(tmp_path, linux(nvidia(driver=None))), "driver-unknown")
    assert f.severity == "warning"


def test_pascal_gpu_has_no_kernels_in_cu130(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cu130"})
    f = one(check(tmp_path, linux(GTX1080TI)), "arch-not-compiled")
    assert f.severity == "problem"
    assert "sm_61" in f.what and "sm_75" in f.what
    assert "linux-x86_64=cu126" in f.fix
    project_with(tmp_path, None, {"torch": "2.14.1+cu126"})
    findings = check(tmp_path, linux(GTX1080TI))
    assert "arch-not-compiled" not in codes(findings)
    assert "sm_61" in one(findings, "arch-ok").what


def test_unknown_compute_capability_is_a_warning(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cu130"})
    findings = check(tmp_path, linux(nvidia(cc=None)))  # type: ignore[arg-type]
    assert one(findings, "arch-unknown").severity == "warning"


def test_rocm_build_without_the_gpus_gfx(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+rocm7.2", "pytorch-triton-rocm": "3.6.0"})
    f = one(check(tmp_path, linux(RX5700XT)), "rocm-gfx-unsupported")
    assert f.severity == "problem" and "gfx1010" in f.what and "gfx1100" in f.what
    findings = check(tmp_path, linux(RX7900XTX))
    assert codes(findings, "problem") == [] and codes(findings, "warning") == ["no-lock"]
    assert "gfx-ok" in codes(findings)


def test_rocm_build_without_its_triton(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+rocm7.2"})
    f = one(check(tmp_path, linux(RX7900XTX)), "triton-missing")
    assert f.severity == "warning" and "pytorch-triton-rocm" in f.what


def test_cuda_build_on_a_machine_without_gpu_is_a_warning(tmp_path, capsys):
    project_with(tmp_path, None, {"torch": "2.15.0+cu130"})
    f = one(check(tmp_path, linux()), "gpu-build-without-gpu")
    assert f.severity == "warning"
    assert f.fix == "`torch-wizard --target linux-x86_64=cpu`, then `uv sync`"
    code, _, _ = doctor(
        ["-C", str(tmp_path), "--hardware", str(PROFILES / "linux-cpu-only.json")], capsys
    )
    assert code == 0


def test_cuda_build_on_an_amd_machine_leaves_the_gpu_unused(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cu130"})
    f = one(check(tmp_path, linux(RX7900XTX)), "gpu-build-without-gpu")
    assert f.severity == "problem" and "rocm7.2" in f.fix


def test_macos_pypi_build_has_mps(tmp_path):
    mac = HardwareProfile(
        os="macos", arch="arm64", python="3.11.7", gpus=(GPU("apple", "Apple M3 Max"),)
    )
    project_with(
        tmp_path,
        "variants",
        {"torch": "2.14.1", "torchvision": "0.29.1"},
        wheel_tag="cp311-none-macosx_14_0_arm64",
    )
    findings = check(tmp_path, mac)
    assert codes(findings, "problem") == [], findings
    assert "MPS" in one(findings, "build-fits").what
    assert "(extra cpu)" in one(findings, "in-sync").what


def test_profile_of_another_platform_than_the_wheels(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cpu"}, wheel_tag="cp311-cp311-win_amd64")
    assert one(check(tmp_path, linux()), "platform-differs").severity == "warning"


# ------------------------------------------------------------------------------------------
# Companions


def test_torchvision_of_another_release(tmp_path):
    project_with(tmp_path, None, {"torch": "2.14.1+cu130", "torchvision": "0.28.0+cu130"})
    f = one(check(tmp_path, linux(RTX4090)), "companion-mismatch")
    assert f.severity == "problem" and "pairs with torchvision 0.29.1" in f.what
    assert "torch-wizard --with torchvision" in f.fix


def test_torchvision_of_another_build(tmp_path):
    project_with(tmp_path, None, {"torch": "2.14.1+cu130", "torchvision": "0.29.1+cpu"})
    f = one(check(tmp_path, linux(RTX4090)), "companion-mismatch")
    assert "cpu build while torch is the cu130 build" in f.what


def test_pypi_torchvision_beside_a_cpu_torch_on_linux(tmp_path):
    # PyPI's Linux torchvision is built against PyPI's CUDA torch.
    project_with(tmp_path, None, {"torch": "2.14.1+cpu", "torchvision": "0.29.1"})
    f = one(check(tmp_path, linux()), "companion-mismatch")
    assert "cu130 build while torch is the cpu build" in f.what


def test_torchaudio_in_maintenance_pairs_with_newer_torch(tmp_path):
    project_with(tmp_path, None, {"torch": "2.14.1+cpu", "torchaudio": "2.11.0+cpu"})
    findings = check(tmp_path, linux())
    assert "companion-mismatch" not in codes(findings)
    assert "torchaudio 2.11.0+cpu" in one(findings, "companion-ok").what


def test_unknown_pairing_is_a_warning(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cpu", "torchvision": "0.30.0+cpu"})
    assert one(check(tmp_path, linux()), "companion-unknown").severity == "warning"


# ------------------------------------------------------------------------------------------
# Output and exit codes


def test_json_shape(tmp_path, capsys):
    project_with(tmp_path, "markers", {"torch": "2.14.1+cpu", "torchvision": "0.29.1+cpu"})
    code, out, _ = doctor(
        [
            "-C",
            str(tmp_path),
            "--json",
            "--hardware",
            str(PROFILES / "linux-rtx4090-driver580.json"),
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 1 == data["exit_code"]
    assert data["healthy"] is False
    assert set(data) >= {
        "project",
        "healthy",
        "exit_code",
        "counts",
        "environment",
        "platform",
        "hardware",
        "recommended",
        "installed",
        "lock",
        "runtime",
        "findings",
    }
    assert data["platform"] == "linux-x86_64"
    assert data["recommended"]["backend"] == "cu130"
    assert data["installed"]["packages"]["torch"]["label"] == "cpu"
    assert data["lock"]["targets"][0]["packages"]["torch"]["version"] == "2.14.1+cu130"
    assert data["runtime"] is None
    for f in data["findings"]:
        assert set(f) == {"code", "severity", "what", "why", "fix"}
        assert f["severity"] in ("problem", "warning", "ok")
    found = {f["code"] for f in data["findings"] if f["severity"] == "problem"}
    assert found == {"out-of-sync", "cpu-build-with-gpu"}
    assert data["counts"]["problem"] == 2


def test_text_checklist_marks_and_ascii_fallback(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cu130"})
    report = diagnose(tmp_path, linux(RTX4090_OLD_DRIVER), CATALOG, environ={})
    text = report_text(report, Style(unicode=True))
    assert "✓ Environment" in text and "✗ torch 2.15.0+cu130" in text and "! The project" in text
    assert "    Fix: Upgrade the NVIDIA driver to 580 or newer" in text
    assert text.rstrip().endswith("The environment needs attention.")
    plain = report_text(report, Style(unicode=False))
    assert plain.isascii()
    assert "+ Environment" in plain and "x torch 2.15.0+cu130" in plain
    coloured = report_text(report, Style(unicode=True, color=True))
    assert "\x1b[31;1m✗\x1b[0m" in coloured


@pytest.mark.parametrize(
    ("encoding", "isatty", "environ", "expected"),
    [
        ("utf-8", True, {}, Style(unicode=True, color=True)),
        ("UTF-8", False, {}, Style(unicode=True, color=False)),
        ("cp1252", True, {}, Style(unicode=False, color=True)),
        ("ascii", False, {}, Style(unicode=False, color=False)),
        ("utf-8", True, {"NO_COLOR": "1"}, Style(unicode=False, color=False)),
        ("utf-8", True, {"TERM": "dumb"}, Style(unicode=False, color=False)),
        (None, False, {}, Style(unicode=False, color=False)),
    ],
)
def test_style_follows_the_terminal(encoding, isatty, environ, expected):
    assert Style.for_stream(encoding, isatty, environ) == expected


def test_no_color_prints_ascii_through_the_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    project_with(tmp_path, None, {"torch": "2.15.0+cpu"})
    code, out, _ = doctor(
        ["-C", str(tmp_path), "--hardware", str(PROFILES / "linux-cpu-only.json")], capsys
    )
    assert code == 0 and out.isascii() and "\x1b" not in out


def test_missing_project_folder_is_bad_input(tmp_path, capsys):
    code, _, err = doctor(["-C", str(tmp_path / "nope")], capsys)
    assert code == 2 and "does not exist" in err


def test_bad_hardware_profile_is_bad_input(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(TORCH_PROJECT)
    (tmp_path / "bad.json").write_text('{"os": "plan9", "arch": "x86_64"}')
    code, _, err = doctor(["-C", str(tmp_path), "--hardware", str(tmp_path / "bad.json")], capsys)
    assert code == 2 and "plan9" in err


def test_unknown_flag_is_bad_input(tmp_path, capsys):
    code, _, err = doctor(["--frobnicate"], capsys)
    assert code == 2 and "frobnicate" in err


def test_detects_the_machine_without_hardware_flag(tmp_path, capsys, monkeypatch):
    import wizard.hardware.detect as detect

    monkeypatch.setattr(detect, "detect_hardware", lambda *a, **k: linux(RTX4090))
    project_with(tmp_path, None, {"torch": "2.15.0+cpu"})
    code, out, _ = doctor(["-C", str(tmp_path)], capsys)
    assert code == 1 and "RTX 4090" in out


def test_doctor_modules_import_no_front_end():
    code = (
        "import sys, json, wizard.doctor, wizard.commands.doctor; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('textual', 'questionary', 'rich', 'cpuinfo', 'torch'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []


# ------------------------------------------------------------------------------------------
# --run with a fake torch module in a real (tiny) virtual environment

FAKE_TORCH = """
{prelude}
__version__ = {version!r}
float32 = "float32"


class version:
    cuda = {cuda!r}
    hip = None


class _T:
    def __init__(self, rows):
        self.rows = rows

    def reshape(self, r, c):
        flat = [x for row in self.rows for x in row]
        return _T([flat[i * c:(i + 1) * c] for i in range(r)])

    @property
    def T(self):
        return _T([list(col) for col in zip(*self.rows)])

    def __matmul__(self, other):
        return _T([[sum(a * b for a, b in zip(row, col)) for col in zip(*other.rows)]
                   for row in self.rows])

    def sum(self):
        return _T([[sum(sum(r) for r in self.rows)]])

    def item(self):
        return self.rows[0][0]


def arange(n, dtype=None, device="cpu"):
    if str(device).startswith("cuda") and {cuda_fails!r}:
        raise RuntimeError("CUDA error: no kernel image is available for execution on the device")
    return _T([[float(i) for i in range(n)]])


class cuda:
    @staticmethod
    def is_available():
        return {available!r}

    @staticmethod
    def device_count():
        return 1

    @staticmethod
    def get_device_name(i):
        return "NVIDIA GeForce GTX 1080 Ti"
"""


def fake_torch_env(
    project: Path,
    *,
    version: str = "2.15.0+cu130",
    cuda: str | None = "13.0",
    available: bool = True,
    cuda_fails: bool = False,
    prelude: str = "",
) -> Path:
    (project / "pyproject.toml").write_text(TORCH_PROJECT)
    env = project / ".venv"
    venv.EnvBuilder(symlinks=True, with_pip=False).create(env)
    found = find_environment(env)
    assert found is not None
    add_dist(found.site_packages, "torch", version)
    (found.site_packages / "torch").mkdir()
    (found.site_packages / "torch" / "__init__.py").write_text(
        FAKE_TORCH.format(
            prelude=prelude, version=version, cuda=cuda, available=available, cuda_fails=cuda_fails
        )
    )
    return env


def test_run_reports_each_device(tmp_path):
    fake_torch_env(tmp_path, version="2.14.1+cu126", cuda="12.6", cuda_fails=True)
    report = diagnose(tmp_path, linux(GTX1080TI), CATALOG, run=True, environ={})
    assert report.runtime is not None and report.runtime.failure is None
    assert report.runtime.cuda_available is True
    assert [d.device for d in report.runtime.devices] == ["cpu", "cuda:0"]
    findings = list(report.findings)
    assert "CUDA 12.6" in one(findings, "run-import").what
    assert one(findings, "run-device").what.startswith("cpu: a 2x3 matrix product gives 83")
    f = one(findings, "run-device-failed")
    assert "cuda:0 (NVIDIA GeForce GTX 1080 Ti)" in f.what and "no kernel image" in f.what
    assert report.exit_code == 1
    data = report.to_dict()["runtime"]
    assert data["devices"][1] == {
        "device": "cuda:0",
        "name": "NVIDIA GeForce GTX 1080 Ti",
        "ok": False,
        "detail": data["devices"][1]["detail"],
    }


def test_run_cuda_build_that_cannot_reach_the_gpu(tmp_path):
    fake_torch_env(tmp_path, available=False)
    findings = check(tmp_path, linux(RTX4090), run=True)
    assert one(findings, "run-cuda-unavailable").severity == "problem"
    # Without an NVIDIA GPU, a CUDA build that sees no GPU is expected.
    assert "run-cuda-unavailable" not in codes(check(tmp_path, linux(), run=True))


def test_run_import_failure_is_a_finding(tmp_path):
    fake_torch_env(
        tmp_path, prelude="raise ImportError('libcudnn.so.9: cannot open shared object file')"
    )
    f = one(check(tmp_path, linux(RTX4090), run=True), "run-import-failed")
    assert f.severity == "problem" and "libcudnn.so.9" in f.what


def this_machine(monkeypatch: pytest.MonkeyPatch, profile: HardwareProfile) -> None:
    """What detection finds on "this machine" (--run checks this machine: no --hardware)."""
    import wizard.hardware.detect as detect

    monkeypatch.setattr(detect, "detect_hardware", lambda *a, **k: profile)


def test_run_crash_is_a_finding_not_a_traceback(tmp_path, capsys, monkeypatch):
    fake_torch_env(tmp_path, prelude="import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    f = one(check(tmp_path, linux(RTX4090), run=True), "run-crashed")
    assert f.severity == "problem" and "SIGSEGV" in f.what
    this_machine(monkeypatch, linux(RTX4090))
    code, out, err = doctor(["-C", str(tmp_path), "--run"], capsys)
    assert code == 1 and "Traceback" not in out + err
    assert "Python in the environment crashed while importing torch" in out


RUN_WITH_PROFILE = (
    "torch-wizard: --run tries torch on this machine, not on the machine in the --hardware "
    "profile. Leave out --hardware to check this machine with --run, or drop --run to check "
    "the project against the profile.\n"
)


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a folder): to prove nothing changed."""
    return {
        str(p.relative_to(folder)): (None if p.is_dir() or p.is_symlink() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


def test_run_with_a_hardware_profile_is_bad_input(tmp_path, capsys, monkeypatch):
    # This machine's CUDA torch sees no GPU; the profile is another machine, with an RTX 4090
    # and driver 580. Judging the one against the other blamed a driver that is not this one.
    fake_torch_env(tmp_path, available=False)
    before = tree(tmp_path)
    profile = str(PROFILES / "linux-rtx4090-driver580.json")
    code, out, err = doctor(["-C", str(tmp_path), "--run", "--hardware", profile], capsys)
    assert (code, out, err) == (2, "", RUN_WITH_PROFILE)
    code, out, err = doctor(["-C", str(tmp_path), "--hardware", profile, "--run", "--json"], capsys)
    assert code == 2 and err == RUN_WITH_PROFILE
    assert json.loads(out) == {
        "error": RUN_WITH_PROFILE.removeprefix("torch-wizard: ").strip(),
        "exit_code": 2,
    }
    assert tree(tmp_path) == before
    # Each half alone does what it says: the profile checks the project (no import here) ...
    code, out, _ = doctor(["-C", str(tmp_path), "--hardware", profile], capsys)
    assert code == 0 and "import torch" not in out
    # ... and --run judges this machine's import against this machine.
    this_machine(monkeypatch, linux())
    code, out, _ = doctor(["-C", str(tmp_path), "--run"], capsys)
    assert "torch.cuda.is_available() is False" in out
    assert "run-cuda-unavailable" not in out and "upgrade the NVIDIA driver" not in out
    this_machine(monkeypatch, linux(RTX4090))
    code, out, _ = doctor(["-C", str(tmp_path), "--run"], capsys)
    assert code == 1 and "upgrade the NVIDIA driver" in out


def test_run_time_out_is_a_finding(tmp_path):
    # The import starts a child that holds the output pipe: it is ended too.
    fake_torch_env(
        tmp_path,
        prelude="import subprocess, time; subprocess.Popen(['sleep', '30']); time.sleep(30)",
    )
    start = time.monotonic()
    findings = check(tmp_path, linux(RTX4090), run=True, run_timeout=1.0)
    assert time.monotonic() - start < 10
    f = one(findings, "run-timeout")
    assert f.severity == "problem" and "within 1 s" in f.what


def test_run_without_an_interpreter(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cpu"})
    (tmp_path / ".venv" / "bin" / "python").unlink()
    ctx = gather(tmp_path, linux(), CATALOG, environ={})
    result = probe_runtime(None, tmp_path)
    assert codes(runtime_findings(result, ctx)) == ["run-crashed"]


def test_runtime_version_differs_from_metadata(tmp_path):
    project_with(tmp_path, None, {"torch": "2.15.0+cpu"})
    ctx = gather(tmp_path, linux(), CATALOG, environ={})
    result = RuntimeResult(None, 1.0, version="2.13.0+cpu", cuda_available=False)
    assert one(runtime_findings(result, ctx), "run-version-differs").severity == "warning"


# ------------------------------------------------------------------------------------------
# The real CPU torch that pip installs from this machine's disk


def _has_torch(folder: Path) -> bool:
    found = find_environment(folder)
    return bool(found and found.python and "torch" in read_installed(found.site_packages).packages)


@pytest.fixture(scope="session")
def real_torch_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with PyTorch 2.13.0+cpu, built once per session (or taken from
    $TORCH_WIZARD_TEST_TORCH_VENV)."""
    configured = os.environ.get("TORCH_WIZARD_TEST_TORCH_VENV")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("real-torch") / "venv"
    if _has_torch(folder):
        return folder
    python = shutil.which("python3.11")
    if python is None:
        pytest.skip("python3.11 is not on PATH, so the CPU torch wheel cannot be installed")
    steps = [
        [python, "-m", "venv", "--clear", str(folder)],
        # +cpu: only the CPU wheel that lies on disk matches; never PyPI's multi-GB CUDA build.
        [
            str(folder / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--only-binary",
            ":all:",
            "torch==2.13.0+cpu",
        ],
    ]
    for step in steps:
        try:
            proc = subprocess.run(
                step, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            pytest.skip(f"`{' '.join(step[-2:])}` did not finish in 15 minutes")
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            pytest.skip(
                f"could not install the CPU torch wheel (`pip install torch==2.13.0+cpu`"
                f" failed: {' | '.join(tail)})"
            )
    return folder


@pytest.mark.slow
def test_real_cpu_torch_runs(real_torch_venv, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", str(real_torch_venv))
    (tmp_path / "pyproject.toml").write_text(TORCH_PROJECT)
    this_machine(monkeypatch, linux())
    code, out, _ = doctor(["-C", str(tmp_path), "--run", "--json"], capsys)
    data = json.loads(out)
    runtime = data["runtime"]
    assert runtime["failure"] is None, runtime
    assert runtime["torch_version"] == "2.13.0+cpu"
    assert runtime["cuda_available"] is False
    assert runtime["cuda_version"] is None
    cpu = runtime["devices"][0]
    assert cpu["device"] == "cpu" and cpu["ok"] is True, cpu
    assert data["installed"]["packages"]["torch"]["installer"] == "pip"
    assert code == 0, data["findings"]


# ------------------------------------------------------------------------------------------
# Every fix doctor prints is a command that works


def wizard_project(
    folder: Path, capsys: pytest.CaptureFixture[str], *flags: str, profile: str = "linux-cpu-only"
) -> Path:
    """A project as `torch-wizard --yes` writes it for a profile (pyproject.toml only)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
    )
    args = ["-C", str(folder), "--yes", "--no-lock", "--offline"]
    code = main([*args, "--hardware", str(PROFILES / f"{profile}.json"), *flags])
    capsys.readouterr()
    assert code == 0
    return folder


def printed_fixes(out: str) -> list[str]:
    """The torch-wizard commands in the Fix lines of doctor's checklist."""
    import re

    found = []
    for line in out.splitlines():
        if line.startswith("    Fix: "):
            found += re.findall(r"`(torch-wizard(?: [^`]*)?)`", line)
    return [c for c in found if c.split()[1:2] not in (["doctor"], ["detect"])]


def run_fix(
    command: str, project: Path, tmp_path: Path, profile: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """Run a printed fix, as --yes --no-lock --offline, in a copy of the project."""
    import shlex

    copy = tmp_path / f"fix-{len(list(tmp_path.glob('fix-*')))}"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".venv"))
    args = shlex.split(command)[1:]
    code = main(
        [*args, "-C", str(copy), "--yes", "--no-lock", "--offline", "--hardware", str(profile)]
    )
    out, err = capsys.readouterr()
    return code, out + err


def test_cpu_build_fix_carries_the_release_of_the_build_that_fits(tmp_path, capsys):
    project = wizard_project(tmp_path / "p", capsys)
    assert "torch>=2.15,<2.16" in (project / "pyproject.toml").read_text()
    make_env(project, {"torch": "2.15.0+cpu"})
    old_driver = PROFILES / "linux-rtx4090-driver550.json"
    code, out, _ = doctor(["-C", str(project), "--hardware", str(old_driver)], capsys)
    assert code == 1
    assert "Recommended  cu126 (torch 2.14)" in out
    assert "    Fix: `torch-wizard --target linux-x86_64=cu126 --torch 2.14`, then `uv sync`" in out
    # The project has no uv.lock yet, so `torch-wizard` (which locks) is printed as well.
    assert printed_fixes(out) == [
        "torch-wizard",
        "torch-wizard --target linux-x86_64=cu126 --torch 2.14",
    ]
    code, text = run_fix(printed_fixes(out)[1], project, tmp_path, old_driver, capsys)
    assert code == 0, text
    written = (tmp_path / "fix-0" / "pyproject.toml").read_text()
    assert "torch>=2.14,<2.15" in written and "/cu126" in written
    # With a new driver the build of the project's own release fits: no --torch.
    new_driver = PROFILES / "linux-rtx4090-driver580.json"
    _, out, _ = doctor(["-C", str(project), "--hardware", str(new_driver)], capsys)
    assert "    Fix: `torch-wizard --target linux-x86_64=cu130`, then `uv sync`" in out


def test_recommendation_is_for_the_projects_torch_release(tmp_path, capsys):
    # Set up with --torch 2.14: doctor recommends torch 2.14's build, not the newest release's.
    project = wizard_project(tmp_path / "p", capsys, "--torch", "2.14")
    assert "torch>=2.14,<2.15" in (project / "pyproject.toml").read_text()
    make_env(project, {"torch": "2.14.1+cpu"})
    cpu_only = str(PROFILES / "linux-cpu-only.json")
    code, out, _ = doctor(["-C", str(project), "--hardware", cpu_only], capsys)
    assert "  Recommended  cpu (torch 2.14)\n" in out
    assert "torch 2.15" not in out
    _, out, _ = doctor(["-C", str(project), "--json", "--hardware", cpu_only], capsys)
    assert json.loads(out)["recommended"]["torch"] == "2.14"
    gpu = str(PROFILES / "linux-rtx4090-driver580.json")
    code, out, _ = doctor(["-C", str(project), "--hardware", gpu], capsys)
    assert code == 1
    assert "  Recommended  cu130 (torch 2.14)\n" in out
    assert (
        "    Why: Everything runs on the CPU; the GPU is never used. NVIDIA GeForce RTX 4090: "
        "the cu130 build of torch 2.14 fits" in out
    )
    assert "    Fix: `torch-wizard --target linux-x86_64=cu130`, then `uv sync`\n" in out
    assert "torch 2.15" not in out
    # A requirement written by hand, with no PyTorch index: the same release.
    hand = tmp_path / "hand"
    hand.mkdir()
    (hand / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\ndependencies = ["torch>=2.14,<2.15"]\n'
    )
    _, out, _ = doctor(["-C", str(hand), "--hardware", cpu_only], capsys)
    assert "  Recommended  cpu (torch 2.14)\n" in out
    # A range the catalog has no release in: the newest release, as without a requirement.
    (hand / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\ndependencies = ["torch>=9"]\n'
    )
    _, out, _ = doctor(["-C", str(hand), "--hardware", cpu_only], capsys)
    assert "  Recommended  cpu (torch 2.15)\n" in out


def test_fix_keeps_the_projects_other_targets(tmp_path, capsys):
    project = wizard_project(
        tmp_path / "p", capsys, "--target", "linux-x86_64=cpu", "--target", "macos-arm64"
    )
    make_env(project, {"torch": "2.15.0+cpu"})
    profile = PROFILES / "linux-rx7900xtx.json"
    _, out, _ = doctor(["-C", str(project), "--hardware", str(profile)], capsys)
    fixes = printed_fixes(out)
    assert fixes[1:] == ["torch-wizard --target linux-x86_64=rocm7.2 --target macos-arm64=default"]
    assert run_fix(fixes[1], project, tmp_path, profile, capsys)[0] == 0
    written = (tmp_path / "fix-0" / "pyproject.toml").read_text()
    assert "sys_platform == 'darwin'" in written and "/rocm7.2" in written


def _drop_linux_torch_wheels(lock: Path) -> None:
    lock.write_text(
        "\n".join(
            ln
            for ln in lock.read_text().splitlines()
            if not ("manylinux_2_28_x86_64" in ln and "torch" in ln)
        )
    )


VISION = ("--with", "torchvision")  # the fixture locks have torchvision

# What the environment holds, how the project was written, and which lock it has.
FIX_SCENARIOS = {
    "cpu": ({"torch": "2.15.0+cpu"}, (), None),
    "cu130": ({"torch": "2.15.0+cu130"}, ("--target", "linux-x86_64=cu130"), None),
    "rocm": ({"torch": "2.15.0+rocm7.2"}, ("--target", "linux-x86_64=rocm7.2"), None),
    "xpu": ({"torch": "2.15.0+xpu"}, ("--target", "linux-x86_64=xpu"), None),
    "companion": (
        {"torch": "2.14.1+cu126", "torchvision": "0.28.0+cu126", "torchaudio": "2.11.0+cu126"},
        ("--target", "linux-x86_64=cu126", "--torch", "2.14", "--with", "torchvision"),
        None,
    ),
    "variants": (CPU_PAIR, ("--variants", "cpu,cu130", "--torch", "2.14", *VISION), "variants"),
    "markers": (
        CPU_PAIR,
        (
            "--target",
            "linux-x86_64=cu130",
            "--target",
            "windows-x86_64=cpu",
            "--torch",
            "2.14",
            *VISION,
        ),
        "markers",
    ),
    "not-in-lock": (
        CU130_PAIR,
        (
            "--target",
            "linux-x86_64=cu130",
            "--target",
            "windows-x86_64=cpu",
            "--torch",
            "2.14",
            *VISION,
        ),
        "drop",
    ),
    # No environment yet: what uv.lock would install is judged before `uv sync`.
    "no-environment": (
        None,
        (
            "--target",
            "linux-x86_64=cu130",
            "--target",
            "windows-x86_64=cpu",
            "--torch",
            "2.14",
            *VISION,
        ),
        "markers",
    ),
}
FIX_PROFILES = sorted(p.name for p in PROFILES.glob("*.json"))


def fix_scenario(scenario: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    packages, flags, lock = FIX_SCENARIOS[scenario]
    project = wizard_project(folder, capsys, *flags)
    if lock:
        shutil.copy(LOCKS / f"{'markers' if lock == 'drop' else lock}.uv.lock", project / "uv.lock")
        if lock == "drop":
            _drop_linux_torch_wheels(project / "uv.lock")
    if packages is None:
        (project / ".python-version").write_text("3.11\n")  # the lock's wheels are cp311
    else:
        make_env(project, packages)
    return project


@pytest.mark.parametrize("profile", FIX_PROFILES)
@pytest.mark.parametrize("scenario", sorted(FIX_SCENARIOS))
def test_every_fix_doctor_prints_works(scenario, profile, tmp_path, capsys):
    project = fix_scenario(scenario, tmp_path / "p", capsys)
    _, text, _ = doctor(["-C", str(project), "--hardware", str(PROFILES / profile)], capsys)
    for command in printed_fixes(text):
        result, output = run_fix(command, project, tmp_path, PROFILES / profile, capsys)
        assert result == 0, f"`{command}` failed for {scenario} on {profile}:\n{output}"


def test_the_fix_runs_cover_every_kind_of_fix(tmp_path, capsys):
    """The matrix above prints (and so runs) each finding's torch-wizard command."""
    seen = set()
    for scenario in FIX_SCENARIOS:
        project = fix_scenario(scenario, tmp_path / scenario, capsys)
        for profile in FIX_PROFILES:
            args = ["-C", str(project), "--json", "--hardware", str(PROFILES / profile)]
            _, out, _ = doctor(args, capsys)
            seen |= {f["code"] for f in json.loads(out)["findings"] if "`torch-wizard" in f["fix"]}
    assert seen >= {
        "no-lock",
        "cpu-build-with-gpu",
        "gpu-build-without-gpu",
        "cuda-newer-than-driver",
        "triton-missing",
        "companion-mismatch",
        "not-in-lock",
        "locked-build-differs",
    }, seen


# ------------------------------------------------------------------------------------------
# A pyproject.toml that cannot be read


def test_invalid_pyproject_stops_doctor_with_the_wizards_error(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("[project\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = doctor(
        ["-C", str(tmp_path), "--hardware", str(PROFILES / "linux-cpu-only.json")], capsys
    )
    assert code == 2 and out == ""
    assert "Recommended" not in err and "uv sync" not in err
    assert err.startswith("torch-wizard: pyproject.toml is not valid TOML (line 1, column 9")
    assert len(err.strip().splitlines()) == 1
    # The same sentence and way out as the main command's.
    assert main(["-C", str(tmp_path), "--yes", "--dry-run", "--offline"]) == 2
    assert capsys.readouterr().err == err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    code, out, err = doctor(["-C", str(tmp_path), "--json"], capsys)
    assert code == 2 and "not valid TOML" in err
    assert json.loads(out) == {"error": err.removeprefix("torch-wizard: ").strip(), "exit_code": 2}


def test_pyproject_the_wizard_cannot_edit_is_only_a_warning(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\ndynamic = ["dependencies"]\n'
    )
    make_env(tmp_path, {"torch": "2.15.0+cpu"})
    code, out, _ = doctor(
        ["-C", str(tmp_path), "--hardware", str(PROFILES / "linux-cpu-only.json")], capsys
    )
    assert code == 0
    assert "! pyproject.toml declares its dependencies as dynamic" in out
    assert "fixes below that run torch-wizard" in out


# ------------------------------------------------------------------------------------------
# A profile of another platform than the environment's


def test_macos_profile_in_a_linux_environment_is_not_approved(tmp_path, capsys):
    project = markers_project(tmp_path, capsys)
    make_env(project, {"torch": "2.14.1+cu130", "torchvision": "0.29.1+cu130"})
    mac = PROFILES / "macbook-m3-max.json"
    code, out, _ = doctor(["-C", str(project), "--hardware", str(mac)], capsys)
    assert "  Machine      macOS arm64, Apple M3 Max\n" in out
    assert "(Python 3.11.7, torch built for Linux x86_64)" in out
    assert "  Recommended  default (torch 2.14) for macOS Apple Silicon" in out  # the project's
    assert "which is what this machine can use" not in out
    assert "The environment fits this machine" not in out
    assert (
        "! torch 2.14.1+cu130 in this environment was built for Linux x86_64 "
        "(cp311-cp311-manylinux_2_28_x86_64), but the hardware profile is a macOS Apple "
        "Silicon machine: this environment cannot run there" in out
    )
    # Nothing is compared between the Linux environment and the macOS lock entries.
    assert "out-of-sync" not in out and "but uv.lock has" not in out
    assert "✓ uv.lock installs torch 2.14.1 from https://pypi.org/simple on macOS" in out
    assert (
        "✓ On macOS Apple Silicon, uv.lock installs torch 2.14.1, PyPI's build with Apple MPS: "
        "the build recommended for Apple M3 Max." in out
    )
    assert out.rstrip().endswith(
        "This environment is for Linux x86_64; what uv.lock installs on macOS Apple Silicon "
        "fits the machine in the profile."
    )
    assert code == 0


def test_windows_profile_checks_what_the_lock_installs_there(tmp_path, capsys):
    project = markers_project(tmp_path, capsys)
    make_env(project, CU130_PAIR)
    profile = PROFILES / "windows-rtx3060.json"
    code, out, _ = doctor(["-C", str(project), "--hardware", str(profile)], capsys)
    assert code == 1
    assert (
        "✗ On Windows x86_64, uv.lock installs torch 2.14.1+cpu, the CPU-only build, but "
        "NVIDIA GeForce RTX 3060 needs the cu130 build." in out
    )
    # torch 2.14, the project's release, has the cu130 build for Windows: no --torch.
    assert (
        "    Fix: `torch-wizard --target linux-x86_64=cu130 --target windows-x86_64=cu130`, "
        "then `uv sync`" in out
    )
    fix = printed_fixes(out)[0]
    assert run_fix(fix, project, tmp_path, profile, capsys)[0] == 0
    assert "The project needs attention for the machine in the profile." in out
