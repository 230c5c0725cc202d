"""Review findings on the recommendation texts: identical GPUs once, GPUs whose detection
failed are not "no GPU", and a platform without wheels never reads "torch None"."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from packaging.version import Version

from wizard.catalog import load_bundled
from wizard.cli import main
from wizard.hardware.profile import profile_from_dict
from wizard.recommend import recommend

CATALOG = load_bundled()
BROKEN = (
    "nvidia-smi failed (exit code 9): NVIDIA-SMI has failed because it couldn't communicate "
    "with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."
)


def _box(gpus: list[dict[str, object]], **extra: object) -> dict[str, object]:
    return {"schema": 1, "os": "linux", "arch": "x86_64", "python": "3.12.7", "gpus": gpus, **extra}


RTX4090 = {"vendor": "nvidia", "name": "NVIDIA GeForce RTX 4090", "driver_version": "580.95.05"}


def _detect(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: object) -> str:
    path = tmp_path / "box.json"
    path.write_text(json.dumps(data))
    assert main(["detect", "--offline", "--hardware", str(path)]) == 0
    return capsys.readouterr().out


# R1 -----------------------------------------------------------------------------------------


def test_eight_identical_gpus_are_named_once_with_their_count():
    rec = recommend(profile_from_dict(_box([RTX4090] * 8)), "linux-x86_64", CATALOG)
    assert rec.backend == "cu130"
    assert rec.reasons[0].startswith("8 × NVIDIA GeForce RTX 4090: the cu130 build")
    text = " ".join(rec.reasons) + " ".join(o.reason for o in rec.options)
    assert rec.reasons[0].count("compute capability of NVIDIA GeForce RTX 4090 unknown") == 1
    assert "RTX 4090 unknown; compute capability" not in text


def test_detect_says_each_kind_of_gpu_once(tmp_path, capsys):
    out = _detect(tmp_path, capsys, _box([RTX4090] * 8))
    reason = next(line for line in out.splitlines() if "the cu130 build" in line)
    assert "- 8 × NVIDIA GeForce RTX 4090: the cu130 build of torch 2.15 fits" in reason
    assert reason.count("compute capability of NVIDIA GeForce RTX 4090 unknown") == 1


def test_a_gpu_without_a_name_is_named_by_its_vendor_in_capitals():
    nameless = {"vendor": "nvidia", "driver_version": "580.95.05"}
    rec = recommend(profile_from_dict(_box([nameless])), "linux-x86_64", CATALOG)
    assert rec.reasons[0].startswith("NVIDIA GPU: the cu130 build")
    assert "compute capability of NVIDIA GPU unknown" in rec.reasons[0]
    amd = recommend(profile_from_dict(_box([{"vendor": "amd"}])), "linux-x86_64", CATALOG)
    assert amd.reasons[0].startswith("AMD GPU: its gfx architecture was not detected")
    assert "nvidia GPU" not in " ".join(rec.reasons) and "amd GPU" not in amd.reasons[0]


def test_a_nameless_gpu_without_kernels_is_named_by_its_vendor():
    pascal = {"vendor": "nvidia", "compute_capability": "6.1", "driver_version": "580.95.05"}
    rec = recommend(profile_from_dict(_box([pascal])), "linux-x86_64", CATALOG)
    blocked = [o.reason for o in rec.options if "no kernels" in o.reason]
    assert blocked and all("(NVIDIA GPU)" in r for r in blocked)
    assert not any("(None)" in r for r in blocked)


# R2 -----------------------------------------------------------------------------------------


def test_failed_gpu_detection_is_not_no_gpu():
    # As `detect` finds this machine (no profile file).
    profile = replace(profile_from_dict(_box([], gpu_errors={"nvidia": BROKEN})), source=None)
    rec = recommend(profile, "linux-x86_64", CATALOG)
    assert rec.backend == "cpu"
    assert rec.reasons[0].startswith(
        "NVIDIA GPUs could not be detected (nvidia-smi failed (exit code 9): NVIDIA-SMI has "
        "failed because it couldn't communicate with the NVIDIA driver."
    )
    assert rec.reasons[0].endswith("the CPU build (about 200 MB) is the choice until they are.")
    assert not any("No GPU found" in r for r in rec.reasons)
    assert rec.ways_out == (
        "Fix the NVIDIA driver (`nvidia-smi` should list the GPUs), then run "
        "`torch-wizard detect` again.",
    )
    cu130 = next(o for o in rec.options if o.backend == "cu130")
    assert "could not be detected" in cu130.reason and "no NVIDIA GPU here" not in cu130.reason


def test_detect_says_the_gpus_could_not_be_detected_once(tmp_path, capsys):
    out = _detect(tmp_path, capsys, _box([], gpu_errors={"nvidia": BROKEN}))
    assert "No GPU found" not in out
    assert out.count("NVIDIA GPUs could not be detected (") == 1
    assert "the CPU build (about 200 MB) is the choice until they are." in out
    assert (
        "> Fix the NVIDIA driver (`nvidia-smi` should list the GPUs), then run `torch-wizard "
        f"detect --json` again on that machine (this profile: {tmp_path / 'box.json'})." in out
    )


def test_failed_detection_beside_a_detected_gpu_is_said_too():
    intel = {"vendor": "intel", "name": "Intel UHD Graphics 770", "integrated": True}
    profile = profile_from_dict(_box([intel], gpu_errors={"nvidia": BROKEN}))
    rec = recommend(profile, "linux-x86_64", CATALOG)
    assert rec.backend == "cpu"
    assert rec.reasons[-1].startswith("NVIDIA GPUs could not be detected (")
    assert rec.reasons[-1].endswith("the CPU build is the choice until they are.")
    assert rec.ways_out[-1].startswith("Fix the NVIDIA driver")


# R3 -----------------------------------------------------------------------------------------


def test_windows_arm64_without_wheels_never_says_torch_none(tmp_path, capsys):
    data = {"schema": 1, "os": "windows", "arch": "arm64", "python": "3.12.7", "gpus": []}
    rec = recommend(profile_from_dict(data), "windows-arm64", CATALOG)
    assert rec.torch is None
    assert rec.reasons == ("No torch release in the catalog has wheels for Windows ARM64.",)
    out = _detect(tmp_path, capsys, data)
    assert "torch None" not in out
    assert "PyTorch   no torch release to install (windows-arm64)" in out
    assert "- No torch release in the catalog has wheels for Windows ARM64." in out


def test_macos_intel_without_old_releases_names_the_last_that_had_wheels():
    newer = tuple(r for r in CATALOG.releases if Version(r.minor) >= Version("2.14"))
    live = replace(CATALOG, releases=newer)  # what a live index without old releases gives
    data = {"schema": 1, "os": "macos", "arch": "x86_64", "gpus": []}
    rec = recommend(profile_from_dict(data), "macos-x86_64", live)
    assert rec.torch is None
    assert rec.reasons == (
        f"No torch release in the catalog has wheels for macOS Intel: the last that does is "
        f"torch {CATALOG.macos_x86_64_last} (per the bundled catalog), which the index read "
        "does not list.",
    )
    limited = recommend(profile_from_dict(data), "macos-x86_64", CATALOG, torch_spec="2.15")
    assert limited.reasons[0].startswith(
        "No torch release the torch requirement allows has wheels for macOS Intel: the last "
        "that does is torch 2.2"
    )


# Session 7: PyPI's CUDA build is marked like the cu130 build it is -----------------------------


@pytest.mark.parametrize(
    "gpus",
    [[], [{"vendor": "amd", "name": "Radeon RX 7900 XTX", "gfx": "gfx1100"}]],
    ids=["no-gpu", "amd"],
)
def test_pypis_cuda_build_does_not_fit_a_machine_without_an_nvidia_gpu(gpus):
    rec = recommend(profile_from_dict(_box(gpus)), "linux-x86_64", CATALOG)
    marks = {o.backend: o.fits for o in rec.options}
    # It was ✓ beside a ✗ cu130, though it is the same 3 GB CUDA build.
    assert marks["default"] is False and marks["cu130"] is False
    on_gpu = recommend(profile_from_dict(_box([RTX4090])), "linux-x86_64", CATALOG)
    assert {o.backend: o.fits for o in on_gpu.options}["default"] is True
    unknown = recommend(None, "linux-x86_64", CATALOG)  # no machine known: nothing ruled out
    assert {o.backend: o.fits for o in unknown.options}["default"] is True


def test_the_machine_line_counts_identical_gpus():
    h100 = {"vendor": "nvidia", "name": "NVIDIA H100 80GB HBM3", "driver_version": "580.95.05"}
    box = profile_from_dict(_box([h100] * 8, cpu={"brand": "AMD EPYC 9654"}))
    # It listed "NVIDIA H100 80GB HBM3" eight times.
    assert box.describe() == "Linux x86_64, AMD EPYC 9654, 8 × NVIDIA H100 80GB HBM3"
