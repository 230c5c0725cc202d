"""`torch-wizard doctor` and `detect`: what a person sees in the cases of the hands-on review."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.test_doctor import (
    CATALOG,
    PROFILES,
    TORCH_PROJECT,
    doctor,
    make_env,
    markers_project,
    printed_fixes,
    run_fix,
    wizard_project,
)
from wizard.cli import main

FAKE_BIN = Path(__file__).parent / "fixtures" / "bin"
FAKES = ("FAKE_HANG", "FAKE_NVIDIA_SMI_TABLE", "FAKE_NVIDIA_SMI_QUERY", "FAKE_NVIDIA_SMI_UNKNOWN")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UV_PROJECT_ENVIRONMENT", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name in FAKES:
        monkeypatch.delenv(name, raising=False)


def broken_nvidia_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake nvidia-smi first on PATH, answering like a machine whose driver is not loaded."""
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ.get('PATH', '')}")


# ------------------------------------------------------------------------------------------
# 1. A broken NVIDIA driver is "GPU detection failed", not "no GPU: go CPU"


def test_broken_nvidia_driver_is_a_detection_warning_not_cpu_advice(tmp_path, capsys, monkeypatch):
    broken_nvidia_driver(monkeypatch)
    project = wizard_project(
        tmp_path / "p", capsys, "--target", "linux-x86_64=cu130", profile="linux-rtx4090-driver580"
    )
    make_env(project, {"torch": "2.15.0+cu130"})
    code, out, _ = doctor(["-C", str(project)], capsys)
    assert "GPUs unknown (detection failed)" in out
    assert (
        "! NVIDIA GPU detection failed: nvidia-smi failed (exit code 9): NVIDIA-SMI has failed "
        "because it couldn't communicate with the NVIDIA driver." in out
    )
    assert "=cpu" not in out and "no NVIDIA GPU" not in out
    # detect --json keeps it in the profile (not "gpus": [] alone) and says so on stderr.
    assert main(["detect", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert "nvidia-smi failed (exit code 9)" in data["gpu_errors"]["nvidia"]
    assert "NVIDIA GPUs could not be detected (nvidia-smi failed (exit code 9)" in captured.err
    # That profile, checked elsewhere, still says the GPUs are unknown.
    box = tmp_path / "gpu-box.json"
    box.write_text(captured.out)
    code, out, _ = doctor(["-C", str(project), "--hardware", str(box)], capsys)
    assert "! NVIDIA GPU detection failed: nvidia-smi failed (exit code 9)" in out
    assert f"regenerate the profile there with `torch-wizard detect --json > {box}`" in out
    assert "=cpu" not in out


# ------------------------------------------------------------------------------------------
# 3. A fix that re-runs the wizard ends with the sync that installs torch's extra or group


def _project(folder: Path, capsys, extra_toml: str, *flags: str, profile: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n' + extra_toml
    )
    args = ["-C", str(folder), "--yes", "--no-lock", "--offline"]
    assert main([*args, "--hardware", str(PROFILES / f"{profile}.json"), *flags]) == 0
    capsys.readouterr()
    return folder


def test_rebuild_fix_syncs_the_group_or_extra_that_has_torch(tmp_path, capsys):
    group = _project(
        tmp_path / "g",
        capsys,
        '\n[dependency-groups]\nml = ["torch>=2.4"]\n',
        profile="linux-rtx4090-driver580",
    )
    make_env(group, {"torch": "2.15.0+cu130"})
    cpu_only = PROFILES / "linux-cpu-only.json"
    _, out, _ = doctor(["-C", str(group), "--hardware", str(cpu_only)], capsys)
    assert "    Fix: `torch-wizard --target linux-x86_64=cpu`, then `uv sync --group ml`\n" in out
    assert "then `uv sync`" not in out
    extra = _project(
        tmp_path / "e",
        capsys,
        '\n[project.optional-dependencies]\ngpu = ["torch>=2.4", "torchvision"]\n',
        profile="linux-rtx4090-driver580",
    )
    make_env(extra, {"torch": "2.15.0+cu130", "torchvision": "0.30.0+cu130"})
    old_driver = PROFILES / "linux-rtx4090-driver550.json"
    _, out, _ = doctor(["-C", str(extra), "--hardware", str(old_driver)], capsys)
    assert "then `uv sync --extra gpu`\n" in out and "then `uv sync`" not in out
    for command in printed_fixes(out):
        assert run_fix(command, extra, tmp_path, old_driver, capsys)[0] == 0


# ------------------------------------------------------------------------------------------
# 4. The sync alone when uv.lock is already right; never a sync of a build that does not fit


def test_cpu_torch_by_pip_beside_a_cuda_lock_needs_only_the_sync(tmp_path, capsys):
    project = markers_project(tmp_path, capsys)
    make_env(project, {"torch": "2.14.1+cpu"}, installer="pip")
    gpu = PROFILES / "linux-rtx4090-driver580.json"
    code, out, _ = doctor(["-C", str(project), "--hardware", str(gpu)], capsys)
    assert code == 1
    fixes = [ln for ln in out.splitlines() if ln.startswith("    Fix: ")]
    assert fixes == ["    Fix: `uv sync`", "    Fix: `uv sync`"], out
    # On a machine without a GPU, syncing would install the 3 GB build doctor refuses.
    cpu_only = PROFILES / "linux-cpu-only.json"
    code, out, _ = doctor(["-C", str(project), "--hardware", str(cpu_only)], capsys)
    assert "Fix: `uv sync`" not in out
    assert (
        "    Fix: `torch-wizard --target linux-x86_64=cpu --target windows-x86_64=cpu`, "
        "then `uv sync`\n" in out
    )


def test_companion_installed_by_hand_is_fixed_by_the_sync_when_the_lock_pairs_it(tmp_path, capsys):
    project = markers_project(tmp_path, capsys)
    make_env(project, {"torch": "2.14.1+cu130", "torchvision": "0.29.0+cpu"})
    gpu = PROFILES / "linux-rtx4090-driver580.json"
    _, out, _ = doctor(["-C", str(project), "--hardware", str(gpu)], capsys)
    assert "✗ torchvision 0.29.0+cpu does not fit torch 2.14.1+cu130" in out
    assert (
        "    Fix: `uv sync` (uv.lock pairs torchvision 0.29.1+cu130 with torch 2.14.1+cu130)\n"
        in out
    )
    assert "--with torchvision" not in out


# ------------------------------------------------------------------------------------------
# 5. `doctor -C DIR` prints fixes that act on DIR when copied from the current folder


def test_fixes_of_doctor_with_a_project_folder_name_that_folder(tmp_path, capsys, monkeypatch):
    project = wizard_project(tmp_path / "pcpu", capsys)
    make_env(project, {"torch": "2.15.0+cpu"})
    monkeypatch.chdir(tmp_path)
    gpu = PROFILES / "linux-rtx4090-driver580.json"
    code = main(["doctor", "--offline", "-C", "pcpu", "--hardware", str(gpu)])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "    Fix: `torch-wizard -C pcpu --target linux-x86_64=cu130`, "
        "then `uv --directory pcpu sync`\n" in out
    )
    # Run as printed from here, it changes pcpu and nothing here.
    before = sorted(p.name for p in tmp_path.iterdir())
    command = printed_fixes(out)[-1]
    import shlex

    args = shlex.split(command)[1:]
    assert main([*args, "--yes", "--no-lock", "--offline", "--hardware", str(gpu)]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert "/cu130" in (project / "pyproject.toml").read_text()
    # In the project's own folder: no -C.
    monkeypatch.chdir(project)
    main(["doctor", "--offline", "--hardware", str(gpu)])
    assert "`torch-wizard --target linux-x86_64=cu130`, then `uv sync`" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------
# 6. Ctrl+C during `doctor --run` ends the torch probe as well


def test_ctrl_c_during_run_ends_the_torch_probe(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from tests.test_doctor import fake_torch_env

    pidfile = tmp_path / "probe.pid"
    fake_torch_env(
        tmp_path,
        prelude=f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); "
        "time.sleep(60)",
    )
    doctor_proc = subprocess.Popen(
        [sys.executable, "-m", "wizard", "doctor", "--offline", "--run", "-C", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not (pidfile.is_file() and pidfile.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    probe = int(pidfile.read_text())
    doctor_proc.send_signal(signal.SIGINT)  # what Ctrl+C sends to the terminal's foreground job
    _, err = doctor_proc.communicate(timeout=20)
    assert doctor_proc.returncode == 130 and "Interrupted." in err
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(probe, 0)  # the probe of `import torch` is gone too


# ------------------------------------------------------------------------------------------
# 7. A GPU that a driver upgrade would put to use is not an all-clear


def test_cpu_build_on_a_gpu_that_needs_a_newer_driver_shows_the_way_out(tmp_path):
    import dataclasses

    from wizard.doctor import diagnose, report_text
    from wizard.hardware.profile import GPU, HardwareProfile

    only_newest = dataclasses.replace(CATALOG, releases=CATALOG.releases[:1])
    rtx5090 = GPU(
        "nvidia", "NVIDIA GeForce RTX 5090", compute_capability="12.0", driver_version="570.86.15"
    )
    machine = HardwareProfile(os="linux", arch="x86_64", python="3.11.7", gpus=(rtx5090,))
    (tmp_path / "pyproject.toml").write_text(TORCH_PROJECT)
    make_env(tmp_path, {"torch": "2.15.0+cpu"})
    report = diagnose(tmp_path, machine, only_newest, environ={})
    text = report_text(report)
    assert (
        "! torch 2.15.0+cpu is the CPU-only build: the best this machine can run now, but "
        "NVIDIA GeForce RTX 5090 goes unused." in text
    )
    assert "    Fix: Upgrade the NVIDIA driver to 580 or newer to use torch 2.15 with CUDA" in text
    assert "✓ torch 2.15.0+cpu is the CPU-only build" not in text


# ------------------------------------------------------------------------------------------
# 8. A project that does not depend on torch gets one finding: set it up


def test_project_without_torch_gets_one_finding_with_the_way_to_set_it_up(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["packaging"]\n'
    )
    (tmp_path / "uv.lock").write_text(
        'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "demo"\n'
        'version = "0.1.0"\nsource = { virtual = "." }\n'
        'dependencies = [{ name = "packaging" }]\n'
    )
    cpu_only = str(PROFILES / "linux-cpu-only.json")
    expected = (
        "✗ The project does not depend on torch (pyproject.toml names it nowhere).\n"
        "    Why: `uv sync` installs no torch for it, so nothing in the project can import "
        "torch.\n"
        "    Fix: `torch-wizard` (adds the torch build this machine needs and locks it), then "
        "`uv sync`\n\n1 problem, 0 warnings."
    )
    code, out, _ = doctor(["-C", str(tmp_path), "--hardware", cpu_only], capsys)
    assert code == 1 and expected in out
    assert "Not `uv sync` yet" not in out and "other platforms" not in out
    make_env(tmp_path, {})  # after `uv sync`: an environment without torch
    code, out, _ = doctor(["-C", str(tmp_path), "--hardware", cpu_only], capsys)
    assert code == 1 and expected in out
    assert "would remove torch" not in out


# ------------------------------------------------------------------------------------------
# 10. Identical GPUs are said once; a profile's fixes work for a profile


def test_eight_identical_gpus_are_named_once_and_the_fix_suits_a_profile(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_NVIDIA_SMI_TABLE", "nvidia-smi-8xrtx4090.txt")
    assert main(["detect", "--json"]) == 0
    box = tmp_path / "box.json"
    box.write_text(capsys.readouterr().out)
    assert len(json.loads(box.read_text())["gpus"]) == 8
    assert main(["detect", "--offline", "--hardware", str(box)]) == 0
    out = capsys.readouterr().out
    assert out.count("compute capability of NVIDIA GeForce RTX 4090 unknown") == 1, out
    project = wizard_project(tmp_path / "p", capsys, "--target", "linux-x86_64=cu130")
    make_env(project, {"torch": "2.15.0+cu130"})
    code, out, _ = doctor(["-C", str(project), "--hardware", str(box)], capsys)
    assert out.count("was not detected") == 1, out
    assert "! The compute capability of 8 × NVIDIA GeForce RTX 4090 was not detected.\n" in out
    assert (
        "    Fix: On that machine, run `torch-wizard doctor --run` to try it, or regenerate the "
        f"profile there with `torch-wizard detect --json > {box}`" in out
    )
    assert "1 problem, 2 warnings." in out  # driver 550 is too old for cu130: the problem


# ------------------------------------------------------------------------------------------
# 9. The array `detect --json --hardware A --hardware B` writes is read back by --hardware


def test_fleet_file_from_detect_is_accepted_by_detect_and_doctor(tmp_path, capsys):
    box, cpu = PROFILES / "linux-rtx4090-driver580.json", PROFILES / "linux-cpu-only.json"
    assert main(["detect", "--json", "--hardware", str(box), "--hardware", str(cpu)]) == 0
    fleet = tmp_path / "fleet.json"
    fleet.write_text(capsys.readouterr().out)
    assert main(["detect", "--json", "--hardware", str(fleet)]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(fleet.read_text())
    assert main(["detect", "--offline", "--hardware", str(fleet)]) == 0
    out = capsys.readouterr().out
    assert f"Profile   {fleet} [0]" in out and f"Profile   {fleet} [1]" in out
    # doctor checks one machine: a file of one is that machine; of two, a clear refusal.
    project = wizard_project(tmp_path / "p", capsys)
    make_env(project, {"torch": "2.15.0+cpu"})
    single = tmp_path / "one.json"
    single.write_text(json.dumps([json.loads(cpu.read_text())]))
    code, out, _ = doctor(["-C", str(project), "--hardware", str(single)], capsys)
    assert code == 0, out
    before = sorted(p.name for p in project.iterdir())
    code, out, err = doctor(["-C", str(project), "--hardware", str(fleet)], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"torch-wizard: {fleet} holds 2 hardware profiles; doctor checks one machine. Pass one "
        "machine's profile (`torch-wizard detect --json > FILE` on it).\n"
    )
    assert sorted(p.name for p in project.iterdir()) == before


# ------------------------------------------------------------------------------------------
# 13. Smaller ones


def test_version_fields_as_numbers_are_read_alike(tmp_path, capsys):
    data = json.loads((PROFILES / "linux-rtx4090-driver580.json").read_text())
    data["gpus"][0]["compute_capability"] = 8.9
    data["gpus"][0]["driver_version"] = 580
    box = tmp_path / "box.json"
    box.write_text(json.dumps(data))
    assert main(["detect", "--offline", "--hardware", str(box)]) == 0
    out = capsys.readouterr().out
    assert "compute capability 8.9 (sm_89), driver 580)" in out


def test_a_gpu_without_a_name_is_named_by_its_vendor_in_capitals(tmp_path, capsys):
    data = json.loads((PROFILES / "linux-rtx4090-driver580.json").read_text())
    del data["gpus"][0]["name"]
    box = tmp_path / "box.json"
    box.write_text(json.dumps(data))
    project = wizard_project(tmp_path / "p", capsys)
    make_env(project, {"torch": "2.15.0+cpu"})
    _, out, _ = doctor(["-C", str(project), "--hardware", str(box)], capsys)
    assert ", NVIDIA GPU (NVIDIA driver 580" in out
    assert "but this machine has NVIDIA GPU." in out
