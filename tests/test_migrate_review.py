"""Findings of the hands-on review of `torch-wizard --from requirements.txt` (M6, M7, M9, M10):
what the person sees in the report, in pyproject.toml, and what `uv export` installs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import tomllib

from tests.e2e_helpers import installs, profile, run_wizard
from wizard.hardware.profile import CPU, GPU, HardwareProfile

FIXTURES = Path(__file__).parent / "fixtures" / "requirements"

# The machine the wizard runs on, as detection reports it (no source file): no GPU.
LAPTOP = HardwareProfile(os="linux", arch="x86_64", cpu=CPU("AMD EPYC 7763", 16), python="3.12.7")
# The same, with an NVIDIA GPU and a driver for CUDA 13.
GPU_BOX = HardwareProfile(
    os="linux",
    arch="x86_64",
    cpu=CPU("AMD EPYC 7763", 16),
    python="3.12.7",
    gpus=(
        GPU(
            "nvidia",
            "NVIDIA GeForce RTX 4090",
            24564,
            compute_capability="8.9",
            driver_version="580.95.05",
        ),
    ),
)


def run_here(
    folder: Path,
    text: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    detected: HardwareProfile = LAPTOP,
) -> tuple[str, dict[str, object]]:
    """`torch-wizard --yes --no-lock --offline --from requirements.txt` on a machine that
    detects as `detected` (when no --hardware is given): the report (one line) and
    pyproject.toml."""
    import wizard.hardware.detect as detect
    from wizard.cli import main

    monkeypatch.setattr(detect, "detect_hardware", lambda *a, **k: detected)
    (folder / "requirements.txt").write_text(text)
    argv = ["--yes", "--no-lock", "--offline", "-C", str(folder)]
    assert main([*argv, "--from", str(folder / "requirements.txt"), *args]) == 0
    out = " ".join(capsys.readouterr().out.split())
    return out, tomllib.loads((folder / "pyproject.toml").read_text())


def deps(data: dict[str, object]) -> list[str]:
    project = data["project"]
    assert isinstance(project, dict)
    return list(project["dependencies"])


def linux_index(data: dict[str, object]) -> str | None:
    """The index torch comes from on Linux x86_64 (None: PyPI)."""
    sources = data.get("tool", {}).get("uv", {}).get("sources", {}).get("torch", [])  # type: ignore[attr-defined]
    for entry in sources if isinstance(sources, list) else [sources]:
        if entry.get("marker") == LINUX:
            return str(entry["index"])
    return None


LINUX = "sys_platform == 'linux' and platform_machine == 'x86_64'"
TEAM = (
    "# CUDA on the Linux training boxes, MPS on our Macs.\n"
    "--extra-index-url https://download.pytorch.org/whl/cu121\n"
    'torch==2.1.0+cu121; sys_platform == "linux"\n'
    'torch==2.1.0; sys_platform == "darwin"\n'
    "numpy<2\n"
)


# --- M7: an outdated CUDA label on a machine without a GPU -----------------------------------


def test_an_outdated_cuda_label_stays_cuda_on_a_detected_machine_without_a_gpu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, data = run_here(tmp_path, TEAM, capsys, monkeypatch)
    assert linux_index(data) == "pytorch-cu126"
    assert "pytorch-cpu" not in str(data)
    assert "the nearest that is, cu126 (torch 2.14)" in out
    assert (
        "This machine (Linux x86_64, AMD EPYC 7763, no GPU) has no NVIDIA GPU, so it cannot use "
        "cu126; pass --target linux-x86_64=cpu for a build it can use" in out
    )
    assert "the recommendation for Linux x86_64, AMD EPYC 7763, no GPU is cpu" not in out


def test_a_current_and_an_outdated_cuda_label_are_treated_alike_on_that_machine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for label in ("cu126", "cu121"):
        folder = tmp_path / label
        folder.mkdir()
        _, data = run_here(folder, f"torch==2.14.1+{label}\n", capsys, monkeypatch)
        assert f"torch==2.14.1+cu126 ; {LINUX}" in deps(data), label


def test_a_detected_nvidia_machine_still_gets_its_recommendation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, data = run_here(tmp_path, TEAM, capsys, monkeypatch, detected=GPU_BOX)
    assert linux_index(data) == "pytorch-cu130"
    assert "the recommendation for Linux x86_64, AMD EPYC 7763, NVIDIA GeForce RTX 4090" in out
    assert "has no NVIDIA GPU" not in out


def test_a_cpu_profile_given_with_hardware_still_decides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, data = run_here(
        tmp_path, TEAM, capsys, monkeypatch, "--hardware", profile("linux-cpu-only")
    )
    assert linux_index(data) == "pytorch-cpu"
    assert "not a CUDA build" in out


# --- M10: markers naming only sys_platform -----------------------------------------------------

SPLIT = (
    "--extra-index-url https://download.pytorch.org/whl/cu126\n"
    'torch==2.14.1+cu126 ; sys_platform == "linux"\n'
    'torch==2.14.1 ; sys_platform == "darwin"\n'
    "numpy\n"
)


def test_platforms_the_markers_leave_out_are_said_to_get_pypi_torch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = run_here(tmp_path, SPLIT, capsys, monkeypatch, "--hardware", profile("linux-cpu-only"))
    assert (
        "The torch lines' markers (requirements.txt:2, requirements.txt:3) install no torch on "
        "Windows x86_64, but the lock serves every platform: there `uv sync` now installs "
        "torch 2.14.1 from PyPI, which pip did not. If it must stay without torch, pass "
        "--lock-scope targets" in out
    )
    assert (
        "requirements.txt:2's marker covers Linux aarch64 too, where pip installed the cu126 "
        "build; the wizard plans that marker for Linux x86_64 only, so Linux aarch64 now gets "
        "torch 2.14.1 from PyPI (cu130 build). To keep cu126 there, run again with "
        "--target linux-x86_64=cu126 --target macos-arm64=default --target linux-aarch64=cu126."
        in out
    )


def test_a_file_without_platform_markers_says_nothing_of_other_platforms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = run_here(tmp_path, "torch==2.14.1+cu126\n", capsys, monkeypatch)
    assert "install no torch on" not in out and "marker covers" not in out


def test_a_linux_marker_on_a_build_aarch64_never_had_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = run_here(
        tmp_path,
        'torch==2.14.1+rocm7.2 ; sys_platform == "linux"\n',
        capsys,
        monkeypatch,
        "--hardware",
        profile("linux-rx7900xtx"),
    )
    assert (
        "requirements.txt:1's marker covers Linux aarch64 too, but no PyTorch release has a "
        "rocm7.2 build for it, so pip installed none there" in out
    )


@pytest.mark.e2e
def test_the_suggested_targets_give_aarch64_the_build_pip_installed(
    tmp_path: Path, uv_env: dict[str, str], fake_index: object
) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "requirements.txt").write_text(SPLIT)
    base = fake_index.base_url  # type: ignore[attr-defined]
    common = ["--yes", "--index-base", base, "--hardware", profile("linux-cpu-only")]
    common += ["--from", "requirements.txt"]
    first = run_wizard([*common, "--dry-run"], project, uv_env)
    assert first.code == 0, first.err
    text = " ".join(first.out.split())
    found = re.search(r"run again with ((?:--target \S+ ?)+)\.", text)
    assert found, text
    run = run_wizard([*common, *found.group(1).split()], project, uv_env)
    assert run.code == 0, run.err
    assert installs(project, "linux-aarch64", uv_env)["torch"] == "2.14.1+cu126"
    assert installs(project, "linux-x86_64", uv_env)["torch"] == "2.14.1+cu126"
    assert installs(project, "macos-arm64", uv_env)["torch"] == "2.14.1"
    shutil.rmtree(project / ".venv", ignore_errors=True)


# --- M6: a setup.py / setup.cfg project ------------------------------------------------------

SETUP_PY = """from setuptools import setup, find_packages

setup(
    name="detector-lib",
    version="1.4.2",
    packages=find_packages(),
    install_requires=["numpy>=1.24", "pillow", "torch>=2.0"],
)
"""
EDITABLE = "--extra-index-url https://download.pytorch.org/whl/cu126\ntorch==2.14.1+cu126\n-e .\n"
BUILD = (
    'a [build-system] with requires = ["setuptools>=61"] and build-backend = '
    '"setuptools.build_meta"'
)


def test_a_setup_py_projects_metadata_is_read_and_what_to_copy_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "setup.py").write_text(SETUP_PY)
    out, data = run_here(
        tmp_path, EDITABLE, capsys, monkeypatch, "--hardware", profile("linux-cpu-only")
    )
    assert "numpy>=1.24" in deps(data) and "pillow" in deps(data)
    assert not [d for d in deps(data) if d.startswith("torch>=2.0")]
    assert "dropped: the project itself" not in out
    assert (
        "rewritten: the project itself, read from setup.py (not run); install_requires "
        "numpy>=1.24, pillow go to [project].dependencies; torch>=2.0 is the torch setup's; "
        'pyproject.toml gets its name "detector-lib" and version "1.4.2" and ' + BUILD + ", so "
        "`uv sync` installs it, editable" in out
    )
    written = data
    assert (written["project"]["name"], written["project"]["version"]) == ("detector-lib", "1.4.2")
    assert written["build-system"] == {
        "requires": ["setuptools>=61"],
        "build-backend": "setuptools.build_meta",
    }
    assert "can be deleted" in out


def test_a_setup_cfg_projects_metadata_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    (tmp_path / "setup.cfg").write_text(
        "[metadata]\nname = detector-lib\nversion = 1.4.2\n\n"
        "[options]\ninstall_requires =\n    numpy>=1.24\n    pillow\n    torch>=2.0\n"
    )
    out, data = run_here(
        tmp_path, EDITABLE, capsys, monkeypatch, "--hardware", profile("linux-cpu-only")
    )
    assert "numpy>=1.24" in deps(data) and "pillow" in deps(data)
    assert 'gets its name "detector-lib" and version "1.4.2"' in out
    assert "read from setup.py and setup.cfg (not run)" in out


def test_metadata_that_is_computed_is_to_be_copied_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\nimport pathlib\n"
        "setup(name='detector-lib', version=open('VERSION').read().strip(),\n"
        "      install_requires=pathlib.Path('deps.txt').read_text().split())\n"
    )
    out, _ = run_here(
        tmp_path, EDITABLE, capsys, monkeypatch, "--hardware", profile("linux-cpu-only")
    )
    assert (
        "version and install_requires are not written as plain values in setup.py (computed "
        "when it runs): copy them by hand (install_requires into [project].dependencies)" in out
    )
    assert 'pyproject.toml gets its name "detector-lib" and a [build-system]' in out
    assert "can be deleted" not in out


def test_a_project_without_a_build_system_is_not_said_to_be_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = run_here(
        tmp_path, EDITABLE, capsys, monkeypatch, "--hardware", profile("linux-cpu-only")
    )
    assert (
        "dropped: the project itself: pyproject.toml has no [build-system], so `uv sync` "
        "installs its dependencies but not the project" in out
    )
    assert "dropped: the project itself: `uv sync` installs it" not in out


def test_a_packaged_project_is_installed_by_uv_sync(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "d"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = []\n'
        '\n[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    out, _ = run_here(
        tmp_path, EDITABLE, capsys, monkeypatch, "--hardware", profile("linux-cpu-only")
    )
    assert "dropped: the project itself: `uv sync` installs it, editable" in out


@pytest.mark.e2e
def test_a_setup_py_projects_dependencies_are_installed(
    tmp_path: Path, uv_env: dict[str, str], fake_index: object
) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "setup.py").write_text(SETUP_PY)
    (project / "requirements.txt").write_text(EDITABLE)
    base = fake_index.base_url  # type: ignore[attr-defined]
    run = run_wizard(
        ["--yes", "--index-base", base, "--hardware", profile("linux-cpu-only")]
        + ["--from", "requirements.txt"],
        project,
        uv_env,
    )
    assert run.code == 0, run.err
    found = installs(project, "linux-x86_64", uv_env)
    assert found["torch"] == "2.14.1+cu126"
    assert "numpy" in found and "pillow" in found


# --- M9: notes that match what is written ------------------------------------------------------


def test_an_exact_pin_names_the_paired_companion_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, data = run_here(
        tmp_path,
        "torch==2.14.1+cu126\ntorchvision==0.29.1+cu126\n",
        capsys,
        monkeypatch,
        "--hardware",
        profile("linux-rtx4090-driver550"),
    )
    assert f"torchvision==0.29.1+cu126 ; {LINUX}" in deps(data)
    assert "torchvision 0.29.1 is the release paired with torch 2.14.1." in out
    assert "torchvision>=0.29,<0.30 is the release paired" not in out


def test_a_build_no_release_has_is_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = run_here(tmp_path, "torch==2.14.1+cu999\n", capsys, monkeypatch)
    assert "cu999 (requirements.txt:1, torch +cu999): no PyTorch release has a cu999 build" in out
    assert "is not built for torch 2.14.1" not in out


def test_a_label_that_is_no_build_is_said_with_what_was_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = run_here(
        tmp_path,
        "torch==2.14.1+cu126x\n",
        capsys,
        monkeypatch,
        "--hardware",
        profile("linux-rtx4090-driver550"),
    )
    assert (
        "requirements.txt:1: +cu126x is not a PyTorch build label (those are cpu, cuNNN, "
        "rocmX.Y, xpu), so it names no build; used instead: Linux x86_64: the recommendation, "
        "cu126 (torch 2.14) for Linux x86_64" in out
    )


def test_an_unreadable_torch_line_is_not_called_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = run_here(tmp_path, "torch>=>2\nnumpy\n", capsys, monkeypatch)
    assert "No line names torch" not in out
    assert (
        "The torch line (requirements.txt:1) was not understood: the wizard chose the torch "
        "release itself" in out
    )


def test_setup_py_entry_points_and_extras_stay_dynamic_and_python_requires_is_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # setuptools ignores setup()'s entry_points and extras_require once [project] exists,
    # unless [project] lists them as dynamic: the console script would be lost
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\n"
        "setup(name='det', version='1.0', python_requires='>=3.11', install_requires=['numpy'],\n"
        "      extras_require={'dev': ['pytest']},\n"
        "      entry_points={'console_scripts': ['det=det:main']})\n"
    )
    out, data = run_here(
        tmp_path,
        "torch==2.15.0\n-e .\n",
        capsys,
        monkeypatch,
        "--hardware",
        profile("linux-cpu-only"),
    )
    project = data["project"]
    assert isinstance(project, dict)
    assert project["dynamic"] == ["scripts", "gui-scripts", "entry-points", "optional-dependencies"]
    assert project["requires-python"] == ">=3.11"
    assert (
        "its entry_points and extras_require stay in setup.py (pyproject.toml lists them as "
        "dynamic); python_requires >=3.11 becomes requires-python" in out
    )
