"""What `--yes` says about choices it keeps or cannot serve (offline, in process: no lock)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import tomllib

from tests.e2e_helpers import profile
from wizard.cli import main
from wizard.questions import Question

PASCAL = {
    "os": "linux",
    "arch": "x86_64",
    "python": "3.12.7",
    "gpus": [
        {
            "vendor": "nvidia",
            "name": "NVIDIA GeForce GTX 1080",
            "compute_capability": "6.1",
            "driver_version": "580.95.05",
        }
    ],
}


def yes(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--yes", "--offline", "-C", str(folder), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def configured_for_cpu(folder: Path, capsys: pytest.CaptureFixture[str]) -> bytes:
    """A project an earlier run configured on a machine without a GPU."""
    code, _, err = yes(folder, capsys, "--no-lock", "--hardware", profile("linux-cpu-only"))
    assert code == 0, err
    return (folder / "pyproject.toml").read_bytes()


def test_a_build_kept_from_the_project_is_not_called_the_persons_choice(tmp_path, capsys):
    configured_for_cpu(tmp_path, capsys)
    code, out, _ = yes(
        tmp_path, capsys, "--dry-run", "--hardware", profile("linux-rtx4090-driver580")
    )
    assert code == 0
    assert "your choice" not in out
    assert "kept from pyproject.toml; for this machine the recommendation is cu130" in out
    assert "> --target linux-x86_64=cu130 switches to it." in out


def test_the_way_out_for_a_gpu_the_kept_release_cannot_use_works(tmp_path, capsys):
    configured_for_cpu(tmp_path, capsys)
    pascal = tmp_path.parent / "pascal.json"
    pascal.write_text(json.dumps(PASCAL))
    code, out, _ = yes(tmp_path, capsys, "--dry-run", "--hardware", str(pascal))
    assert code == 0
    assert "no CUDA build of torch 2.15 fits" in out
    assert "of any torch release" not in out  # torch 2.14 has one
    way = "--torch 2.14 --target linux-x86_64=cu126"
    assert f"torch 2.14 has the cu126 build for this machine ({way})." in out
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--hardware", str(pascal), *way.split())
    assert code == 0, err
    assert "Plan: torch 2.14" in out and "the cu126 build of torch 2.14 fits" in out


def test_a_backend_the_kept_release_lacks_names_the_release_that_has_it(tmp_path, capsys):
    before = configured_for_cpu(tmp_path, capsys)
    code, _, err = yes(tmp_path, capsys, "--target", "linux-x86_64=cu126")
    assert code == 2
    assert "No torch release matching '2.15' (--torch or the project's requirement)" in err
    assert "torch 2.15 has no cu126 build for Linux x86_64" in err
    assert "Use --torch 2.14 (torch 2.14 serves them all)" in err
    assert "companion" not in err  # there is none to drop
    assert (tmp_path / "pyproject.toml").read_bytes() == before
    code, _, err = yes(
        tmp_path, capsys, "--no-lock", "--torch", "2.14", "--target", "linux-x86_64=cu126"
    )
    assert code == 0, err


def test_a_cuda_build_for_macos_is_refused_before_anything_is_written(tmp_path, capsys):
    code, _, err = yes(tmp_path, capsys, "--target", "macos-arm64=cu130")
    assert code == 2
    assert "torch 2.15 has no cu130 build for macOS Apple Silicon" in err
    assert "Choose another backend or target." in err
    assert list(tmp_path.iterdir()) == []
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--target", "macos-arm64=cpu")
    assert code == 0, err
    assert "macOS Apple Silicon: the cpu build from pytorch-cpu." in out


def test_an_old_python_gets_the_newest_torch_with_wheels_for_it(tmp_path, capsys):
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--python", ">=3.9")
    assert code == 0, err
    assert "Plan: torch 2.8" in out
    assert "torch 2.15 has no wheels for Python 3.9; torch 2.8 is the newest that does." in out
    assert '+requires-python = ">=3.9"' in out and '"torch>=2.8,<2.9"' in out


def test_a_python_no_release_serves_is_refused_with_the_way_out(tmp_path, capsys):
    code, _, err = yes(tmp_path, capsys, "--python", ">=3.9", "--torch", "2.15")
    assert code == 2
    assert "torch 2.15 has no wheels for Python 3.9" in err
    assert "Use --torch 2.8 (torch 2.8 serves them all), or use --python '>=3.11'." in err
    assert "backend" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_pinned_release_the_catalog_lacks_lists_the_ones_it_has(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1"\nrequires-python = ">=3.10"\n'
        'dependencies = ["torch==2.3.1"]\n'
    )
    code, _, err = yes(tmp_path, capsys, "--dry-run")
    assert code == 2
    assert "No torch release the catalog knows matches '==2.3.1'" in err
    assert "(--torch or the project's requirement)" in err
    assert "Use --torch with one of 2.15, 2.14," in err and "2.4, 2.2." in err


def test_every_target_gives_its_reason_for_the_release_the_plan_locks(tmp_path, capsys):
    # The Linux machine's old driver holds the whole lock to torch 2.14; the Windows
    # machine's reason must then be about 2.14 too, not the 2.15 it would get alone.
    code, out, err = yes(
        tmp_path,
        capsys,
        "--dry-run",
        "--hardware",
        profile("linux-rtx4090-driver550"),
        "--hardware",
        profile("windows-rtx3060"),
    )
    assert code == 0, err
    assert "Plan: torch 2.14" in out
    assert "RTX 3060: the cu130 build of torch 2.14 fits" in out
    assert "the cu130 build of torch 2.15 fits" not in out


def test_a_chosen_build_that_cannot_run_here_is_flagged(tmp_path, capsys):
    code, out, err = yes(
        tmp_path,
        capsys,
        "--dry-run",
        "--hardware",
        profile("linux-rtx4090-driver550"),
        "--torch",
        "2.15",
        "--target",
        "linux-x86_64=cu132",
    )
    assert code == 0, err
    assert (
        "! cu132 does not fit this machine: CUDA 13.2 needs driver 580 or newer; "
        "this machine has 550.54.15." in out
    )


def test_a_build_for_a_gpu_vendor_the_machine_lacks_is_flagged(tmp_path, capsys):
    # An NVIDIA machine: ROCm and xpu builds would only use its CPU.
    code, out, err = yes(
        tmp_path,
        capsys,
        "--dry-run",
        "--hardware",
        profile("linux-rtx4090-driver580"),
        "--target",
        "linux-x86_64=rocm7.2",
    )
    assert code == 0, err
    assert "your choice; the recommendation was cu130" in out
    assert (
        "! rocm7.2 does not fit this machine: no AMD GPU here: it would run on the CPU, "
        "with ROCm libraries it cannot use." in " ".join(out.split())
    )


def test_the_next_steps_start_in_the_project_folder(tmp_path, capsys, monkeypatch):
    project = tmp_path / "my project"
    project.mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, err = yes(project, capsys, "--no-lock")
    assert code == 0, err
    assert "Next: `cd 'my project'`, then `uv lock`, then `uv sync`." in out
    monkeypatch.chdir(project)
    code, out, err = yes(project, capsys, "--no-lock", "--torch", "2.14")
    assert code == 0, err
    assert "Next: `uv lock`, then `uv sync`." in out


def test_with_selectable_builds_the_next_step_syncs_the_one_for_this_machine(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, err = yes(
        tmp_path,
        capsys,
        "--no-lock",
        "--hardware",
        profile("windows-rtx3060"),
        "--variants",
        "cpu,cu130",
    )
    assert code == 0, err
    assert "`uv sync --extra cu130`" in out


def test_a_hand_written_torch_index_that_is_replaced_is_named(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["torch>=2.4"]\n\n'
        '[[tool.uv.index]]\nname = "pytorch"\nurl = "https://download.pytorch.org/whl/cu121"\n'
        "explicit = true\n\n"
        '[tool.uv.sources]\ntorch = { index = "pytorch" }\n'
    )
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--hardware", profile("linux-cpu-only"))
    assert code == 0, err
    assert (
        "torch came from your index 'pytorch' (https://download.pytorch.org/whl/cu121); the "
        "plan's indexes replace it and nothing uses it now" in out
    )


def test_a_nightly_plan_says_its_range_is_open(tmp_path, capsys):
    # The nightly range (>=2.15.0.dev0) takes the newest dev build the index has.
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--channel", "nightly")
    assert code == 0, err
    assert "Plan: torch 2.15 or newer (nightly channel)" in out
    assert "* torch nightly builds (>=2.15.0.dev0) on every target." in out
    assert "(2.15.0) on every target" not in out


def test_a_companion_that_holds_torch_back_is_named(tmp_path, capsys):
    code, out, err = yes(
        tmp_path,
        capsys,
        "--dry-run",
        "--with",
        "torchvision",
        "--hardware",
        profile("linux-rtx4090-driver580"),
    )
    assert code == 0, err
    assert "Plan: torch 2.14" in out
    assert "* Not torch 2.15: no torchvision release is paired with torch 2.15." in out


def test_targets_left_out_of_target_flags_are_said_to_go(tmp_path, capsys):
    three = ("--target", "linux-x86_64=cpu", "--target", "windows-x86_64=cpu")
    code, _, err = yes(tmp_path, capsys, "--no-lock", *three, "--target", "macos-arm64")
    assert code == 0, err
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--target", "macos-arm64")
    assert code == 0, err
    assert (
        "* Linux x86_64, Windows x86_64: no longer targets; their sources and indexes go "
        "from pyproject.toml." in out
    )


def test_torch_in_a_persons_extra_beside_selectable_builds_is_explained(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "gx"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = []\n\n[project.optional-dependencies]\ngpu = ["torch>=2.10"]\n'
    )
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--variants", "cpu,cu130")
    assert code == 0, err
    assert (
        "torch in your own extra 'gpu' stays as written: `uv sync --extra gpu` alone installs "
        "PyPI's build; add a build's extra to get the chosen one (`uv sync --extra gpu "
        "--extra cpu`)." in " ".join(out.split())
    )


def test_switching_to_selectable_builds_does_not_say_the_build_was_kept(tmp_path, capsys):
    configured_for_cpu(tmp_path, capsys)
    rtx = ("--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--variants", "cpu,cu130", *rtx)
    assert code == 0, err
    assert "selectable: cpu, cu130" in out
    assert "the cu130 build of torch 2.15 fits" in out
    assert "kept from pyproject.toml" not in out and "switches to it" not in out


def test_a_fleet_plan_says_which_extra_each_machine_syncs(tmp_path, capsys):
    fleet = ("linux-rtx4090-driver550", "linux-cpu-only")
    code, out, err = yes(
        tmp_path, capsys, "--dry-run", *(a for n in fleet for a in ("--hardware", profile(n)))
    )
    assert code == 0, err
    assert (
        "Each machine's extra: linux-rtx4090-driver550.json: `uv sync --extra cu126`; "
        "linux-cpu-only.json: `uv sync --extra cpu`." in " ".join(out.split())
    )


def test_a_fleets_next_command_names_each_machines_extra(tmp_path, capsys):
    fleet = ("linux-rtx4090-driver550", "linux-cpu-only", "macbook-m3-max")
    hardware = [a for n in fleet for a in ("--hardware", profile(n))]
    code, out, err = yes(tmp_path, capsys, "--no-lock", *hardware)
    assert code == 0, err
    assert (
        "then `uv lock`, then on each machine `uv sync --extra cu126` "
        "(linux-rtx4090-driver550.json) or `uv sync --extra cpu` (linux-cpu-only.json, "
        "macbook-m3-max.json)." in " ".join(out.split())
    )


def test_a_fleets_extras_come_from_the_machines_of_the_chosen_targets(tmp_path, capsys):
    fleet = ("windows-rtx3060", "linux-rtx4090-driver550", "linux-cpu-only")
    code, out, err = yes(
        tmp_path,
        capsys,
        "--dry-run",
        "--target",
        "linux-x86_64",
        "--target",
        "macos-arm64",
        *(a for n in fleet for a in ("--hardware", profile(n))),
    )
    assert code == 0, err
    assert "selectable: cu126, cpu" in out  # not the Windows box's cu130


def test_an_exact_pin_per_platform_keeps_the_persons_extras_and_python_marker(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "k"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
        "dependencies = [\"torch[opt-einsum]==2.14.1 ; python_version >= '3.11'\", "
        "\"torchvision>=0.20; python_version >= '3.12'\"]\n"
    )
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver550"))
    code, _, err = yes(tmp_path, capsys, *gpu)
    assert code == 0, err
    deps = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["dependencies"]
    linux = "sys_platform == 'linux' and platform_machine == 'x86_64'"
    others = "sys_platform != 'linux' or platform_machine != 'x86_64'"
    assert deps == [
        f"torch[opt-einsum]==2.14.1+cu126 ; python_version >= '3.11' and ({linux})",
        f"torch[opt-einsum]==2.14.1 ; python_version >= '3.11' and ({others})",
        f"torchvision==0.29.1+cu126 ; python_version >= '3.12' and ({linux})",
        f"torchvision==0.29.1 ; python_version >= '3.12' and ({others})",
    ]
    written = (tmp_path / "pyproject.toml").read_bytes()
    code, out, err = yes(tmp_path, capsys, *gpu)  # a second run changes nothing
    assert code == 0, err
    assert "Nothing to change." in out
    assert (tmp_path / "pyproject.toml").read_bytes() == written


def test_with_adds_a_companion_to_the_projects_own(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["torch", "torchvision", "pillow"]\n'
    )
    code, _, err = yes(tmp_path, capsys, "--no-lock", "--with", "TorchAudio")
    assert code == 0, err
    deps = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["dependencies"]
    assert [d.split(">")[0].split("=")[0] for d in deps] == [
        "torch",
        "torchvision",
        "pillow",
        "torchaudio",
    ]


def test_a_fleet_file_from_detect_plans_for_each_of_its_machines(tmp_path, capsys):
    from wizard.cli import main

    fleet = tmp_path / "fleet.json"
    code = main(
        ["detect", "--json", "--offline"]
        + [
            a
            for n in ("linux-rtx4090-driver550", "linux-cpu-only")
            for a in ("--hardware", profile(n))
        ]
    )
    assert code == 0
    fleet.write_text(capsys.readouterr().out)
    project = tmp_path / "p"
    project.mkdir()
    code, out, err = yes(project, capsys, "--dry-run", "--hardware", str(fleet))
    assert code == 0, err
    assert "selectable: cu126, cpu" in out
    assert "fleet.json [0]: `uv sync --extra cu126`; fleet.json [1]: `uv sync --extra cpu`" in (
        " ".join(out.split())
    )


def test_explain_with_a_fleet_file_says_it_speaks_of_one_machine(tmp_path, capsys):
    from wizard.cli import main

    fleet = tmp_path / "fleet.json"
    two = [json.loads(Path(profile(n)).read_text()) for n in ("linux-cpu-only", "macbook-m3-max")]
    fleet.write_text(json.dumps(two))
    assert main(["explain", "cpu-vs-cuda", "--hardware", str(fleet)]) == 2
    assert "holds 2 hardware profiles; explain speaks of one machine" in capsys.readouterr().err


def test_an_intel_mac_beside_a_gpu_box_takes_both_to_torch_2_2(tmp_path, capsys):
    targets = ("--target", "linux-x86_64", "--target", "macos-x86_64")
    gpu = ("--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, "--dry-run", *targets, *gpu)
    assert code == 0, err  # it said: torch 2.2 has no cu130 build (--torch or the project's)
    assert "Plan: torch 2.2" in out
    assert "the cu121 build of torch 2.2 fits" in out
    assert "Linux x86_64: the cu121 build from pytorch-cu121." in out


def test_an_intel_mac_beside_a_build_torch_2_2_lacks_names_the_mac_not_a_flag(tmp_path, capsys):
    targets = ("--target", "macos-x86_64", "--target", "linux-x86_64=cu130")
    code, out, err = yes(tmp_path, capsys, "--dry-run", *targets)
    assert code == 2 and out == ""
    assert err == (
        "torch-wizard: macOS Intel has no torch after 2.2, and torch 2.2 has no cu130 build for "
        "Linux x86_64. Choose one of torch 2.2's builds (Linux x86_64: cpu, cu118, cu121, "
        "rocm5.6, rocm5.7), or leave out --target macos-x86_64.\n"
    )  # it said: no torch release matching '2.2' (--torch or the project's requirement)
    assert not (tmp_path / "pyproject.toml").exists()


def test_a_projects_double_equals_release_stays_a_pin_of_its_first_version(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["torch==2.14"]\n'
    )
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu)
    assert code == 0, err
    assert "torch 2.14.0 (pinned) on every target." in out
    deps = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["dependencies"]
    # PEP 440: ==2.14 is 2.14.0; it was loosened to >=2.14,<2.15 (2.14.1 would install).
    assert deps[0].startswith("torch==2.14.0+cu130 ;"), deps


@pytest.mark.parametrize("spec", ["2.*", "2"])
def test_a_major_version_wildcard_takes_its_newest_release_line(tmp_path, capsys, spec):
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu, "--torch", spec)
    assert code == 0, err  # '2.*' was "not a torch version or version range"
    assert "Plan: torch 2.15" in out
    deps = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["dependencies"]
    assert deps == ["torch>=2.15,<2.16"]


def test_selectable_builds_this_machine_cannot_use_are_said_and_not_synced(tmp_path, capsys):
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver550"))
    code, out, err = yes(tmp_path, capsys, *gpu, "--variants", "cu130,rocm7.2,cpu")
    assert code == 0, err
    assert (
        "This machine cannot use the cu130 extra (CUDA 13.0 needs driver 580 or newer; this "
        "machine has 550.54.15) or the rocm7.2 extra (no AMD GPU here: it would run on the CPU, "
        "with ROCm libraries it cannot use); here use `uv sync --extra cpu`."
        in " ".join(out.split())
    )
    assert "then `uv lock`, then `uv sync --extra cpu`." in out  # it said --extra cu130


def test_selectable_builds_that_all_fit_get_no_warning(tmp_path, capsys):
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver550"))
    code, out, err = yes(tmp_path, capsys, *gpu, "--variants", "cpu,cu126")
    assert code == 0, err
    assert "cannot use" not in out
    assert "then `uv lock`, then `uv sync --extra cu126`." in out


def test_a_build_named_like_the_persons_own_extra_is_refused(tmp_path, capsys):
    original = (
        '[project]\nname = "x"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = []\n\n[project.optional-dependencies]\ncpu = ["numpy"]\n'
    )
    (tmp_path / "pyproject.toml").write_text(original)
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu, "--variants", "cpu,cu130")
    assert code == 2, out  # torch went into the person's cpu extra beside numpy
    assert err == (
        "torch-wizard: pyproject.toml has its own extra 'cpu' (numpy), and the selectable cpu "
        "build needs that name. Rename your extra, or choose builds without cpu.\n"
    )
    assert (tmp_path / "pyproject.toml").read_text() == original
    code, out, err = yes(tmp_path, capsys, *gpu, "--variants", "cu126,cu130")
    assert code == 0, err


UV_GUIDE_CU121 = """[project]
name = "guide"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["torch>=2.1.0", "torchvision>=0.16.0"]

[tool.uv.sources]
torch = [{ index = "pytorch-cu121", marker = "sys_platform == 'linux' or sys_platform == 'win32'" }]
torchvision = [
  { index = "pytorch-cu121", marker = "sys_platform == 'linux' or sys_platform == 'win32'" },
]

[[tool.uv.index]]
name = "pytorch-cu121"
url = "https://download.pytorch.org/whl/cu121"
explicit = true
"""


def test_uv_guides_cu121_markers_keep_cu121_where_it_exists(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(UV_GUIDE_CU121)
    gpu = ("--dry-run", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu)
    # It was refused: the marker covers Linux aarch64, which never had a cu121 build.
    assert code == 0, err
    assert "Plan: torch 2.5" in out
    assert "Linux x86_64: the cu121 build from pytorch-cu121." in out
    assert "Windows x86_64: the cu121 build from pytorch-cu121." in out
    assert "Linux aarch64: the cpu build from pytorch-cpu." in out


def test_a_wildcard_torch_spec_stays_on_a_rerun(tmp_path, capsys):
    cpu = ("--no-lock", "--hardware", profile("linux-cpu-only"))
    code, _, err = yes(tmp_path, capsys, *cpu, "--torch", "2.14.*")
    assert code == 0, err
    written = (tmp_path / "pyproject.toml").read_bytes()
    assert b'"torch==2.14.*"' in written
    code, out, err = yes(tmp_path, capsys, *cpu)
    assert code == 0, err
    assert "Nothing to change." in out
    assert (tmp_path / "pyproject.toml").read_bytes() == written


def test_replacing_a_hand_written_url_source_is_said_in_the_plan(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["torch"]\n\n[tool.uv.sources]\n# our patched torch build\n'
        'torch = { url = "https://artifacts.example.com/torch-2.15.0+custom-cp311-none-any.whl" }\n'
    )
    cpu = ("--dry-run", "--hardware", profile("linux-cpu-only"))
    code, _, err = yes(tmp_path, capsys, *cpu)
    assert code == 2 and "pass --target to replace it" in err
    code, out, err = yes(tmp_path, capsys, *cpu, "--target", "linux-x86_64=cpu")
    assert code == 0, err
    assert (
        "Replaces what pyproject.toml had by hand: The torch source points at a direct URL "
        "(https://artifacts.example.com/torch-2.15.0+custom-cp311-none-any.whl); the plan "
        "replaces it with a PyTorch index." in " ".join(out.split())
    )


def test_selectable_builds_keep_torchs_own_extras_and_marker(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["torch[opt-einsum]>=2.4 ; python_version >= \'3.11\'", "numpy"]\n'
    )
    args = ("--no-lock", "--variants", "cpu,cu130", "--target", "linux-x86_64")
    code, _, err = yes(tmp_path, capsys, *args)
    assert code == 0, err
    project = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == ["numpy"]
    for extra in ("cpu", "cu130"):
        assert project["optional-dependencies"][extra] == [
            "torch[opt-einsum]>=2.15,<2.16 ; python_version >= '3.11'"
        ]
    written = (tmp_path / "pyproject.toml").read_bytes()
    code, out, err = yes(tmp_path, capsys, "--no-lock")  # a re-run changes nothing
    assert code == 0, err
    assert (tmp_path / "pyproject.toml").read_bytes() == written


def asked_questions(folder: Path, *machines: str, mode: str | None = None) -> list[Question]:
    """The questions both front ends ask for this project and these profiles (`mode`: the
    answer to "How should the build be chosen?" first)."""
    from wizard.catalog.model import load_bundled
    from wizard.questions import answer, questions
    from wizard.session import (
        Facts,
        Request,
        initial_choices,
        load_profiles,
        load_project,
        recommendations,
    )

    project, existing = load_project(folder)
    profiles = load_profiles([profile(m) for m in machines])
    facts = Facts(folder, project, existing, profiles, load_bundled())
    choices = initial_choices(facts, Request())
    if mode is not None:
        question = next(q for q in questions(facts, choices, {}) if q.key == "mode")
        choices = answer(choices, question, [mode], facts)
    return questions(facts, choices, recommendations(facts, choices))


def test_the_build_question_offers_the_projects_older_build_and_starts_on_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text(UV_GUIDE_CU121)
    asked = asked_questions(tmp_path, "linux-rtx4090-driver580")
    linux = next(q for q in asked if q.key == "backend:linux-x86_64")
    # No option was cu121, so neither front end had an answer selected.
    assert linux.default == ("cu121",)
    cu121 = next(o for o in linux.options if o.value == "cu121")
    assert cu121.detail == (
        "its last release is torch 2.5, which every target then gets; in pyproject.toml now"
    )
    assert [o.value for o in linux.options].index("cu121") < [o.value for o in linux.options].index(
        "rocm7.2"
    )  # among the builds that fit, before those that do not


def test_an_extras_project_switched_to_one_build_per_platform_starts_on_the_recommendation(
    tmp_path, capsys
):
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, _, err = yes(tmp_path, capsys, *gpu, "--variants", "cpu,cu130")
    assert code == 0, err
    asked = asked_questions(tmp_path, "linux-rtx4090-driver580", mode="markers")
    linux = next(q for q in asked if q.key == "backend:linux-x86_64")
    # It started on PyPI's build, "in pyproject.toml now", which the file never had.
    assert linux.default == ("cu130",)
    assert not any("in pyproject.toml now" in o.detail for o in linux.options)


def test_a_virtual_workspace_root_points_to_the_member_that_uses_torch(tmp_path, capsys):
    root = (
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\n'
        "core = { workspace = true }\n"
    )
    (tmp_path / "pyproject.toml").write_text(root)
    for name, deps in (("trainer", '"torch>=2.14", "torchvision", "core"'), ("core", "")):
        member = tmp_path / "packages" / name
        member.mkdir(parents=True)
        (member / "pyproject.toml").write_text(
            f'[project]\nname = "{name}"\nversion = "0.1.0"\ndependencies = [{deps}]\n'
        )
    code, out, err = yes(tmp_path, capsys, "--no-lock", "--hardware", profile("linux-cpu-only"))
    # It gave the root a [project] with torch and left the member's torchvision unpaired.
    assert code == 2, out
    assert "pyproject.toml is a virtual workspace root (no [project] table)" in err
    assert "Run `torch-wizard -C packages/trainer`;" in err
    assert (tmp_path / "pyproject.toml").read_text() == root
    member = str(tmp_path / "packages" / "trainer")
    code, out, err = yes(Path(member), capsys, "--no-lock", "--hardware", profile("linux-cpu-only"))
    assert code == 0, err


UV_GUIDE_EXTRAS = """[project]
name = "guide-extras"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = []

[project.optional-dependencies]
cpu = ["torch>=2.14"]
cu126 = ["torch>=2.14"]

[tool.uv]
conflicts = [[{ extra = "cpu" }, { extra = "cu126" }]]

[tool.uv.sources]
torch = [
  { index = "pytorch-cpu", extra = "cpu" },
  { index = "pytorch-cu126", extra = "cu126" },
]

[[tool.uv.index]]
name = "pytorch-cpu"
url = "https://download.pytorch.org/whl/cpu"
explicit = true

[[tool.uv.index]]
name = "pytorch-cu126"
url = "https://download.pytorch.org/whl/cu126"
explicit = true
"""


def test_uv_guides_extras_without_markers_stay_on_every_platform(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(UV_GUIDE_EXTRAS)
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu)
    assert code == 0, err
    # It kept Linux x86_64 only: `uv sync --extra cu126` on Windows then got PyPI's CPU torch.
    assert re.search(r"Windows x86_64\s+selectable: cpu, cu126", out), out
    doc = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    cu126 = next(s for s in doc["tool"]["uv"]["sources"]["torch"] if s["extra"] == "cu126")
    assert "sys_platform == 'win32'" in cu126["marker"]
    assert "sys_platform == 'linux' and platform_machine == 'x86_64'" in cu126["marker"]


def test_a_migrated_pin_is_neither_your_choice_nor_explained_by_a_companion(tmp_path, capsys):
    (tmp_path / "requirements.txt").write_text(
        "--extra-index-url https://download.pytorch.org/whl/cu126\n"
        "torch==2.14.0+cu126\ntorchvision\nnumpy\n"
    )
    gpu = ("--dry-run", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu, "--from", str(tmp_path / "requirements.txt"))
    assert code == 0, err
    text = " ".join(out.split())
    assert "your choice" not in text  # nobody chose it: requirements.txt pinned it
    assert (
        "- as the requirements files had it; for this machine the recommendation is cu130" in text
    )
    assert "torch 2.14.0 (pinned) on every target." in text
    assert "Not torch 2.15" not in text  # the pin is the reason, not torchvision


def test_a_platform_condition_the_targets_replace_is_said(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        "dependencies = []\n\n[project.optional-dependencies]\n"
        'train = ["torch>=2.3; platform_system != \'Darwin\'", "numpy"]\n'
    )
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu)
    assert code == 0, err
    # The condition went from the file and nothing said so: macOS now gets torch with train.
    assert (
        "their platform conditions go: `torch ; platform_system != 'Darwin'` (in the extra "
        "train). Locking only the targets keeps torch off other platforms" in " ".join(out.split())
    )
    code, out, err = yes(tmp_path, capsys, *gpu)  # a re-run: nothing more goes
    assert code == 0 and "Nothing to change." in out and "conditions go" not in out


def test_an_earlier_runs_pins_per_platform_are_not_called_dropped_conditions(tmp_path, capsys):
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, _, err = yes(tmp_path, capsys, *gpu, "--torch", "2.14.0", "--with", "torchvision")
    assert code == 0, err
    code, out, err = yes(tmp_path, capsys, *gpu)
    assert code == 0 and "Nothing to change." in out and "conditions go" not in out


def test_a_fleets_builds_question_marks_each_build_for_the_machines_that_run_it(tmp_path):
    names = ("linux-rtx4090-driver550", "linux-rtx4090-driver580", "linux-rx7900xtx")
    asked = asked_questions(tmp_path, *names)
    builds = {o.value: o for o in next(q for q in asked if q.key == "variants").options}
    # cu130 was ★ and ✗ "needs driver 580; this machine has 550" at once (the first machine's).
    assert builds["cu130"].fits and builds["cu130"].recommended
    assert builds["cu130"].detail == "for linux-rtx4090-driver580.json"
    assert builds["cu126"].detail == "for linux-rtx4090-driver550.json"
    assert builds["rocm7.2"].fits and builds["rocm7.2"].detail == "for linux-rx7900xtx.json"
    assert not builds["xpu"].fits


def test_a_poetry_project_with_a_project_table_is_told_what_uv_will_not_install(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "po"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\n'
        'torch = { version = "^2.1", source = "pytorch" }\nnumpy = "^1.26"\ntqdm = "*"\n'
    )
    code, out, err = yes(tmp_path, capsys, "--dry-run", "--hardware", profile("linux-cpu-only"))
    assert code == 0, err
    # Only torch went to [project]; numpy and tqdm were lost for uv without a word.
    assert (
        "uv reads only [project]: numpy, tqdm from [tool.poetry.dependencies] will not be "
        "installed by uv" in " ".join(out.split())
    )


def test_a_build_extra_that_also_lists_another_package_is_still_a_build(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        UV_GUIDE_EXTRAS.replace('cpu = ["torch>=2.14"]', 'cpu = ["torch>=2.14", "numpy"]')
    )
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu)
    # It was refused: "its own extra 'cpu' (numpy) ... Rename your extra".
    assert code == 0, err
    doc = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert doc["project"]["optional-dependencies"]["cpu"] == ["torch>=2.14,<2.15", "numpy"]


def test_the_refusal_names_the_build_as_the_wizard_spells_it(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = []\n\n[project.optional-dependencies]\nrocm7_2 = ["numpy"]\n'
    )
    code, _, err = yes(tmp_path, capsys, "--no-lock", "--variants", "cpu,rocm7.2")
    assert code == 2
    assert "its own extra 'rocm7_2' (numpy), and the selectable rocm7.2 build" in err
    assert "choose builds without rocm7.2." in err


@pytest.mark.parametrize(
    "targets",
    [("macos-x86_64", "linux-x86_64"), ("linux-x86_64", "macos-x86_64")],
    ids=["mac-first", "mac-last"],
)
def test_the_intel_mac_is_named_whatever_the_order_of_targets(tmp_path, capsys, targets):
    flags = [a for t in targets for a in ("--target", t)]
    code, _, err = yes(tmp_path, capsys, "--dry-run", *flags, "--variants", "cpu,cu130")
    assert code == 2
    # With the Mac first it said "Linux x86_64 has no torch after 2.2".
    assert err.startswith("torch-wizard: macOS Intel has no torch after 2.2, and torch 2.2 has no")
    assert err.rstrip().endswith("or leave out --target macos-x86_64.")


def test_a_virtual_root_with_two_torch_members_names_both_in_one_sentence(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    for name, deps in (("app", '"torch>=2.14"'), ("lib", '"torchvision"')):
        member = tmp_path / "packages" / name
        member.mkdir(parents=True)
        (member / "pyproject.toml").write_text(
            f'[project]\nname = "{name}"\nversion = "0.1.0"\ndependencies = [{deps}]\n'
        )
    code, _, err = yes(tmp_path, capsys, "--no-lock", "--hardware", profile("linux-cpu-only"))
    assert code == 2
    # It ran the commands together: "Run `torch-wizard -C packages/app` `torch-wizard -C ...`".
    assert (
        "Run `torch-wizard -C <member>` in the member that uses torch (packages/app, "
        "packages/lib);" in err
    )


def test_a_release_that_raises_requires_python_is_recommended_for_the_raised_python(
    tmp_path, capsys
):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n'
    )
    gpu = ("--no-lock", "--hardware", profile("linux-rtx4090-driver580"))
    code, out, err = yes(tmp_path, capsys, *gpu, "--torch", "2.15")
    assert code == 0, err
    # torch 2.15 has no Python 3.10 wheels, but the plan raises requires-python to 3.11: the
    # RTX 4090 got the CPU build ("no torch 2.15 cu130 wheels for ... Python 3.10").
    assert re.search(r"Linux x86_64\s+cu130\n", out), out
    assert "requires-python becomes >=3.11" in out and "does not fit" not in out
