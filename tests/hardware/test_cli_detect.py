"""`torch-wizard detect`: JSON and text output, --hardware files, bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.commands.detect import format_profile
from wizard.hardware.profile import CPU, GPU, HardwareProfile

from .fakes import FAKE_BIN

GPU_BOX = {
    "schema": 1,
    "os": "linux",
    "arch": "x86_64",
    "libc": "glibc 2.36",
    "wsl": False,
    "python": "3.12.7",
    "cpu": {"brand": "AMD EPYC 7763", "cores": 16},
    "memory_mb": 128000,
    "gpus": [
        {
            "vendor": "nvidia",
            "name": "NVIDIA GeForce RTX 4090",
            "memory_mb": 24564,
            "compute_capability": "8.9",
            "driver_version": "580.95.05",
        },
        {"vendor": "amd", "name": "Radeon RX 7900 XTX", "gfx": "gfx1100"},
    ],
}
LAPTOP = {
    "schema": 1,
    "os": "macos",
    "arch": "arm64",
    "cpu": {"brand": "Apple M3 Max"},
    "gpus": [{"vendor": "apple", "name": "Apple M3 Max"}],
}


def _write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_json_of_one_profile_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = _write(tmp_path, "gpu-box.json", GPU_BOX)
    assert main(["detect", "--json", "--hardware", box]) == 0
    assert json.loads(capsys.readouterr().out) == GPU_BOX


def test_json_of_several_profiles_is_a_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box, laptop = _write(tmp_path, "a.json", GPU_BOX), _write(tmp_path, "b.json", LAPTOP)
    assert main(["detect", "--json", "--hardware", box, "--hardware", laptop]) == 0
    assert json.loads(capsys.readouterr().out) == [GPU_BOX, LAPTOP]


def test_text_summary_of_a_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    box = _write(tmp_path, "gpu-box.json", GPU_BOX)
    assert main(["detect", "--hardware", box]) == 0
    out = capsys.readouterr().out
    assert f"Profile   {box}" in out
    assert "System    Linux x86_64, glibc 2.36" in out
    assert "CPU       AMD EPYC 7763, 16 logical cores" in out
    assert "Memory    125.0 GB" in out
    assert (
        "GPU 0     NVIDIA GeForce RTX 4090 (24.0 GB, compute capability 8.9 (sm_89), "
        "driver 580.95.05)" in out
    )
    assert "GPU 1     Radeon RX 7900 XTX (gfx1100)" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON (line 1, column 2"),
        (
            '{"schema": 1, "os": "linux", "arch": "x86_64", "memory_mb": "lots"}',
            "'memory_mb' should be a whole number, not 'lots'.",
        ),
        ('{"os": "beos", "arch": "x86_64"}', "'os' must be linux, macos or windows, not 'beos'."),
        # a missing field says it is missing (not "must be linux, macos or windows, not None")
        ("{}", "'os' is missing; it must be linux, macos or windows."),
        ('{"os": null, "arch": "x86_64"}', "'os' is missing; it must be linux, macos or windows."),
        ('{"os": "linux"}', "'arch' is missing; it must be x86_64, aarch64 or arm64."),
        (
            '{"os": "linux", "arch": "x86_64", "gpus": [{"name": "RTX 4090"}]}',
            "'gpus[0].vendor' is missing; it must be nvidia, amd, intel or apple.",
        ),
    ],
)
def test_malformed_profile_is_one_sentence_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["detect", "--hardware", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("torch-wizard: ") and str(bad) in captured.err
    assert message in captured.err
    assert "`torch-wizard detect --json" in captured.err  # the way out
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err
    # The same sentence wherever a profile is read: the wizard's --hardware.
    assert (
        main(["-C", str(tmp_path), "--yes", "--dry-run", "--offline", "--hardware", str(bad)]) == 2
    )
    assert capsys.readouterr().err == captured.err


def test_missing_profile_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", "--json", "--hardware", str(tmp_path / "nope.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_detect_this_machine_with_fake_tools_on_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_NVIDIA_SMI_QUERY", "nvidia-smi-query-rtx2080super.csv")
    assert main(["detect", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    nvidia = [g for g in data["gpus"] if g["vendor"] == "nvidia"]
    assert [(g["name"], g["compute_capability"]) for g in nvidia] == [
        ("NVIDIA GeForce RTX 2080 SUPER", "7.5")
    ]


def test_text_summary_says_what_was_not_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tools at all
    assert main(["detect"]) == 0
    out = capsys.readouterr().out
    assert "System    " in out
    if "GPU       none detected" in out:
        assert "NVIDIA: nothing detected (" in out


def test_format_profile_of_unnamed_gpus_and_notes() -> None:
    profile = HardwareProfile(
        os="windows",
        arch="x86_64",
        wsl=False,
        cpu=CPU(),
        gpus=(
            GPU(vendor="intel", pci_id="8086:a780"),
            GPU(vendor="intel", name="Intel Arc B580", integrated=False),
        ),
    )
    text = format_profile(profile, ["AMD: nothing detected (none listed by Windows)"])
    assert text.splitlines() == [
        "System    Windows x86_64",
        "CPU       unknown CPU",
        "GPU 0     Intel GPU (PCI 8086:a780)",
        "GPU 1     Intel Arc B580 (discrete)",
        "AMD: nothing detected (none listed by Windows)",
    ]


def test_format_profile_of_a_wsl_container_without_gpu() -> None:
    profile = HardwareProfile(
        os="linux",
        arch="aarch64",
        wsl=True,
        container=True,
        memory_mb=16384,
        cpu=CPU(brand="ARM Neoverse-N1", cores=4),
    )
    assert format_profile(profile).splitlines() == [
        "System    Linux aarch64, WSL, in a container",
        "CPU       ARM Neoverse-N1, 4 logical cores",
        "Memory    16.0 GB",
        "GPU       none detected",
    ]


def test_detect_reads_the_index_given_as_a_mirror(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_index, monkeypatch
) -> None:
    monkeypatch.setenv("TORCH_WIZARD_CACHE_DIR", str(tmp_path / "cache"))
    box = _write(tmp_path, "gpu-box.json", GPU_BOX)
    assert main(["--index-base", fake_index.base_url, "detect", "--hardware", box]) == 0
    out = capsys.readouterr().out
    assert f"Read the PyTorch index at {fake_index.base_url}" in out
    assert "download.pytorch.org" not in out
    assert any(path.startswith("/whl/") for path in fake_index.requests)


def test_detect_refuses_a_bad_index_base_before_probing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["detect", "--index-base", "ftp://mirror/whl"]) == 2
    err = capsys.readouterr().err
    assert "is not an http(s) URL" in err and len(err.strip().splitlines()) == 1
