"""detect_hardware: the probes together, on fake roots with fake tools; speed; JSON round trip."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wizard.hardware import amd, detect_hardware, load_profile
from wizard.hardware.detect import detect
from wizard.hardware.profile import GPU

from .fakes import FAKE_BIN, ROOTS

RTX_2080_SUPER = GPU(
    vendor="nvidia",
    name="NVIDIA GeForce RTX 2080 SUPER",
    memory_mb=8192,
    compute_capability="7.5",
    driver_version="550.127.05",
)


def test_linux_with_an_nvidia_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_NVIDIA_SMI_QUERY", "nvidia-smi-query-rtx2080super.csv")
    detection = detect(ROOTS / "linux-nvidia", str(FAKE_BIN), os_name="linux")
    profile = detection.profile
    assert profile.os == "linux"
    assert profile.gpus == (RTX_2080_SUPER,)
    assert profile.cpu.brand == "AMD EPYC"
    assert profile.memory_mb is not None
    assert detection.notes == (
        "AMD: nothing detected (rocminfo failed (exit code 1), no GPU in the KFD topology)",
        "Intel: nothing detected (no Intel display device on the PCI bus)",
    )


def test_linux_with_amd_gpus_from_rocminfo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_ROCMINFO", "rocminfo-4xmi300x.txt")
    profile = detect_hardware(ROOTS / "linux-780m", str(FAKE_BIN), os_name="linux")
    assert [g.gfx for g in profile.gpus] == ["gfx942"] * 4


def test_apu_from_the_kfd_topology_alone(tmp_path: Path) -> None:
    profile = detect_hardware(ROOTS / "linux-780m", str(tmp_path), os_name="linux")
    assert [(g.vendor, g.gfx) for g in profile.gpus] == [("amd", "gfx1103")]
    assert profile.cpu.brand == "AMD Ryzen 7 7840HS w/ Radeon 780M Graphics"


def test_intel_arc_from_sysfs(tmp_path: Path) -> None:
    profile = detect_hardware(ROOTS / "linux-arc-b580", str(tmp_path), os_name="linux")
    assert [g.name for g in profile.gpus] == [None, "Intel Arc B580"]


def test_hanging_tools_mean_not_detected_not_a_hang(
    monkeypatch: pytest.MonkeyPatch, empty_root: Path
) -> None:
    monkeypatch.setenv("FAKE_HANG", "1")
    start = time.monotonic()
    detection = detect(empty_root, str(FAKE_BIN), timeout=0.5, os_name="linux")
    assert time.monotonic() - start < 3.0
    assert detection.profile.gpus == ()
    assert "NVIDIA: nothing detected (nvidia-smi did not answer within 0.5 s)" in detection.notes


def test_a_probe_that_breaks_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, empty_root: Path, tmp_path: Path
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(amd, "probe_amd", broken)
    detection = detect(empty_root, str(tmp_path), os_name="linux")
    assert "AMD: nothing detected (the probe failed: RuntimeError)" in detection.notes


def test_windows_merges_nvidia_smi_with_the_video_controller_list(
    monkeypatch: pytest.MonkeyPatch, empty_root: Path
) -> None:
    monkeypatch.setenv("FAKE_POWERSHELL", "win32-videocontroller-handwritten-4gpu.txt")
    monkeypatch.setenv("FAKE_NVIDIA_SMI_QUERY", "nvidia-smi-query-rtx2080super.csv")
    profile = detect_hardware(empty_root, str(FAKE_BIN), os_name="windows")
    assert profile.os == "windows"
    assert profile.libc is None
    assert [(g.vendor, g.name) for g in profile.gpus] == [
        ("nvidia", "NVIDIA GeForce RTX 2080 SUPER"),  # nvidia-smi's details win
        ("amd", "AMD Radeon(TM) Graphics"),
        ("intel", "Intel Arc B580"),
    ]


def test_windows_without_working_nvidia_smi_keeps_the_listed_nvidia_name(
    monkeypatch: pytest.MonkeyPatch, empty_root: Path
) -> None:
    monkeypatch.setenv("FAKE_POWERSHELL", "win32-videocontroller-handwritten-4gpu.txt")
    profile = detect_hardware(empty_root, str(FAKE_BIN), os_name="windows")
    assert profile.gpus[0] == GPU(vendor="nvidia", name="NVIDIA GeForce RTX 4090")


def test_macos_apple_silicon(monkeypatch: pytest.MonkeyPatch, empty_root: Path) -> None:
    monkeypatch.setenv("FAKE_SYSCTL_BRAND", "Apple M3 Max")
    profile = detect_hardware(empty_root, str(FAKE_BIN), os_name="macos")
    assert profile.os == "macos"
    assert profile.gpus == (GPU(vendor="apple", name="Apple M3 Max", integrated=True),)


def test_intel_mac_has_no_apple_gpu(monkeypatch: pytest.MonkeyPatch, empty_root: Path) -> None:
    monkeypatch.setenv("FAKE_SYSCTL_BRAND", "Intel(R) Core(TM) i9-9880H CPU @ 2.30GHz")
    detection = detect(empty_root, str(FAKE_BIN), os_name="macos")
    assert detection.profile.gpus == ()
    assert detection.notes == ("Apple: nothing detected (not an Apple silicon Mac)",)


def test_json_round_trip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FAKE_NVIDIA_SMI_QUERY", "nvidia-smi-query-rtx2080super.csv")
    monkeypatch.setenv("FAKE_ROCMINFO", "rocminfo-rx7900xtx.txt")
    profile = detect_hardware(ROOTS / "linux-nvidia", str(FAKE_BIN), os_name="linux")
    path = tmp_path / "box.json"
    path.write_text(profile.to_json(), encoding="utf-8")
    loaded = load_profile(path)
    assert loaded.source == str(path)
    assert dataclasses.replace(loaded, source=None) == profile
    assert len(profile.gpus) == 2


def test_this_machine_round_trips(tmp_path: Path) -> None:
    profile = detect_hardware()
    path = tmp_path / "here.json"
    path.write_text(profile.to_json(), encoding="utf-8")
    assert dataclasses.replace(load_profile(path), source=None) == profile


# --------------------------------------------------------------------------------------------
# Speed: py-cpuinfo (over a second) is not even imported when /proc/cpuinfo names the CPU

_TIMED_DETECTION = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    start = time.monotonic()
    from wizard.hardware import detect_hardware
    profile = detect_hardware(Path(sys.argv[1]), os_name="linux")
    print(json.dumps({
        "seconds": time.monotonic() - start,
        "brand": profile.cpu.brand,
        "cpuinfo_imported": "cpuinfo" in sys.modules,
    }))
    """
)


def _timed_detection(root: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _TIMED_DETECTION, str(root)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_fake_root_with_model_name_does_not_import_py_cpuinfo() -> None:
    result = _timed_detection(ROOTS / "linux-780m")
    assert result["brand"] == "AMD Ryzen 7 7840HS w/ Radeon 780M Graphics"
    assert result["cpuinfo_imported"] is False


@pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or "model name" not in Path("/proc/cpuinfo").read_text(errors="replace"),
    reason="needs a Linux machine whose /proc/cpuinfo has a model name",
)
def test_this_machine_is_detected_fast_without_py_cpuinfo() -> None:
    result = _timed_detection(Path("/"))
    assert result["cpuinfo_imported"] is False
    assert isinstance(result["seconds"], float) and result["seconds"] < 1.0


def test_py_cpuinfo_is_the_last_resort(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "proc").mkdir(parents=True)
    (root / "proc" / "cpuinfo").write_text("processor\t: 0\n\n")
    result = _timed_detection(root)
    assert result["cpuinfo_imported"] is True


def test_a_machine_in_words_names_an_apple_chip_once() -> None:
    profiles = Path(__file__).parent.parent / "fixtures" / "profiles"
    assert load_profile(str(profiles / "macbook-m3-max.json")).describe() == (
        "macOS arm64, Apple M3 Max"
    )
    assert load_profile(str(profiles / "linux-cpu-only.json")).describe().endswith(", no GPU")
