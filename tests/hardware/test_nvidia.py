"""NVIDIA: parsers on real nvidia-smi captures, and the probe against the fake nvidia-smi."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.hardware import nvidia
from wizard.hardware.nvidia import (
    QUERY_FIELDS_OLD_DRIVER,
    is_unknown_field_error,
    parse_module_version,
    parse_proc_driver_version,
    parse_proc_gpu_information,
    parse_query_csv,
    parse_smi_table,
    probe_nvidia,
)
from wizard.hardware.profile import GPU

from .fakes import FAKE_BIN, ROOTS, capture, copy_root

# --------------------------------------------------------------------------------------------
# The plain nvidia-smi table


def test_table_of_eight_rtx_4090() -> None:
    table = parse_smi_table(capture("nvidia-smi-8xrtx4090.txt"))
    assert table.driver_version == "550.127.05"
    assert table.cuda_version == "12.4"
    assert len(table.gpus) == 8
    assert set(table.gpus) == {
        GPU(
            vendor="nvidia",
            name="NVIDIA GeForce RTX 4090",
            memory_mb=24564,
            driver_version="550.127.05",
        )
    }


def test_table_of_four_a100() -> None:
    table = parse_smi_table(capture("nvidia-smi-4xa100.txt"))
    assert [g.name for g in table.gpus] == ["NVIDIA A100-SXM4-80GB"] * 4
    assert {g.memory_mb for g in table.gpus} == {81920}
    assert table.driver_version == "555.42.02"


def test_table_of_one_rtx_4070_with_display_attached() -> None:
    table = parse_smi_table(capture("nvidia-smi-rtx4070.txt"))
    assert table.gpus == (
        GPU(
            vendor="nvidia",
            name="NVIDIA GeForce RTX 4070",
            memory_mb=12282,
            driver_version="550.40.07",
        ),
    )


def test_wsl_table_names_the_windows_driver_and_an_unknown_cuda_version() -> None:
    table = parse_smi_table(capture("nvidia-smi-wsl-rtx3060.txt"))
    assert table.driver_version == "546.80"  # not the 545.46 of nvidia-smi itself
    assert table.cuda_version is None  # "CUDA Version: ERR!"
    assert [(g.name, g.memory_mb) for g in table.gpus] == [("NVIDIA GeForce RTX 3060 ...", 6144)]


@pytest.mark.parametrize(
    ("fixture", "driver", "names", "memory"),
    [
        ("nvidia-smi-driver610-umd.txt", "610.57.04", ["NVIDIA GeForce RTX 2080 ..."], 8192),
        ("nvidia-smi-driver610-b200.txt", "610.43.02", ["NVIDIA B200"] * 2, 183359),
    ],
)
def test_drivers_610_and_later_say_kmd_and_cuda_umd_version(
    fixture: str, driver: str, names: list[str], memory: int
) -> None:
    table = parse_smi_table(capture(fixture))
    assert table.driver_version == driver
    assert table.cuda_version == "13.3"
    assert [g.name for g in table.gpus] == names
    assert {g.memory_mb for g in table.gpus} == {memory}


def test_old_table_layout_reports_the_driver_not_the_tool_version() -> None:
    table = parse_smi_table(capture("nvidia-smi-snap-rtxpro.txt"))
    assert table.driver_version == "580.95.05"  # "NVIDIA-SMI 470.256.02" is the tool
    assert table.cuda_version == "13.0"
    assert [(g.name, g.memory_mb) for g in table.gpus] == [("NVIDIA RTX PRO ...", 8151)]


def test_processes_section_is_not_mistaken_for_gpus() -> None:
    table = parse_smi_table(capture("nvidia-smi-driver610-umd.txt"))
    assert len(table.gpus) == 1


def test_table_of_nothing() -> None:
    assert parse_smi_table("") == nvidia.SmiTable(None, None, ())


# --------------------------------------------------------------------------------------------
# --query-gpu CSV


def test_query_with_header_and_units() -> None:
    assert parse_query_csv(capture("nvidia-smi-query-rtx2080super.csv")) == [
        GPU(
            vendor="nvidia",
            name="NVIDIA GeForce RTX 2080 SUPER",
            memory_mb=8192,
            compute_capability="7.5",
            driver_version="610.57.04",
        )
    ]


def test_query_header_decides_the_column_order() -> None:
    gpus = parse_query_csv(capture("nvidia-smi-query-titanv-rtx5880ada.csv"))
    assert [(g.name, g.compute_capability, g.driver_version, g.memory_mb) for g in gpus] == [
        ("NVIDIA TITAN V", "7.0", "570.86.15", None),
        ("NVIDIA RTX 5880 Ada Generation", "8.9", "570.86.15", None),
    ]


def test_query_without_header_follows_the_fields_asked() -> None:
    text = "NVIDIA GeForce RTX 2080 SUPER, 8192, 610.57.04\n"
    assert parse_query_csv(text, QUERY_FIELDS_OLD_DRIVER) == [
        GPU(
            vendor="nvidia",
            name="NVIDIA GeForce RTX 2080 SUPER",
            memory_mb=8192,
            driver_version="610.57.04",
        )
    ]


def test_query_not_available_values_are_absent() -> None:
    gpus = parse_query_csv("NVIDIA A100-SXM4-80GB, [N/A], [N/A], 555.42.02\n")
    assert gpus == [GPU(vendor="nvidia", name="NVIDIA A100-SXM4-80GB", driver_version="555.42.02")]


def test_the_old_driver_error_is_recognised_and_parses_to_nothing() -> None:
    text = capture("nvidia-smi-compute-cap-rejected.txt")
    assert is_unknown_field_error(text)
    assert parse_query_csv(text) == []


# --------------------------------------------------------------------------------------------
# Kernel module files


def test_module_version_file() -> None:
    assert parse_module_version("550.127.05\n") == "550.127.05"
    assert parse_module_version("") is None
    assert parse_module_version("garbage\n") is None


@pytest.mark.parametrize(
    ("text", "version"),
    [
        (
            "NVRM version: NVIDIA UNIX x86_64 Kernel Module  515.76  Mon Sep 12 19:21:56 UTC 2022\n"
            "GCC version:  gcc version 7.5.0 (Ubuntu 7.5.0-3ubuntu1~18.04)\n",
            "515.76",
        ),
        (
            "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  575.57.08  Release Build  "
            "(dvs-builder@U16-I3-B03-4-3)  Tue May 20 2025\n",
            "575.57.08",
        ),
        (
            "NVRM version: NVIDIA UNIX Open Kernel Module for aarch64  580.65.06  Release Build\n",
            "580.65.06",
        ),
        ("", None),
    ],
)
def test_proc_driver_version(text: str, version: str | None) -> None:
    assert parse_proc_driver_version(text) == version


def test_proc_gpu_information() -> None:
    text = "Model: \t\t NVIDIA GeForce RTX 3090\nIRQ:   \t\t 156\nBus Type: \t PCIe\n"
    assert parse_proc_gpu_information(text) == GPU(vendor="nvidia", name="NVIDIA GeForce RTX 3090")


# --------------------------------------------------------------------------------------------
# The probe, with the fake nvidia-smi on PATH


def test_probe_reads_query_and_takes_the_driver_from_the_kernel_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAKE_NVIDIA_SMI_QUERY", "nvidia-smi-query-rtx2080super.csv")
    result = probe_nvidia(ROOTS / "linux-nvidia", str(FAKE_BIN))
    assert result.gpus == (
        GPU(
            vendor="nvidia",
            name="NVIDIA GeForce RTX 2080 SUPER",
            memory_mb=8192,
            compute_capability="7.5",
            driver_version="550.127.05",
        ),
    )


def test_probe_takes_the_driver_from_nvidia_smi_without_kernel_files(
    monkeypatch: pytest.MonkeyPatch, empty_root: Path
) -> None:
    monkeypatch.setenv("FAKE_NVIDIA_SMI_QUERY", "nvidia-smi-query-rtx2080super.csv")
    (gpu,) = probe_nvidia(empty_root, str(FAKE_BIN)).gpus
    assert gpu.driver_version == "610.57.04"


def test_old_driver_rejecting_compute_cap_is_asked_again_without_it(
    monkeypatch: pytest.MonkeyPatch, empty_root: Path
) -> None:
    monkeypatch.setenv("FAKE_NVIDIA_SMI_QUERY", "nvidia-smi-query-rtx2080super.csv")
    monkeypatch.setenv("FAKE_NVIDIA_SMI_UNKNOWN", "compute_cap")
    (gpu,) = probe_nvidia(empty_root, str(FAKE_BIN)).gpus
    assert gpu.name == "NVIDIA GeForce RTX 2080 SUPER"
    assert gpu.memory_mb == 8192
    assert gpu.compute_capability is None  # never guessed from the name


def test_probe_falls_back_to_the_table_of_several_gpus(
    monkeypatch: pytest.MonkeyPatch, empty_root: Path
) -> None:
    monkeypatch.setenv("FAKE_NVIDIA_SMI_UNKNOWN", "name")  # every query is refused
    monkeypatch.setenv("FAKE_NVIDIA_SMI_TABLE", "nvidia-smi-4xa100.txt")
    result = probe_nvidia(empty_root, str(FAKE_BIN))
    assert [g.name for g in result.gpus] == ["NVIDIA A100-SXM4-80GB"] * 4
    assert {g.driver_version for g in result.gpus} == {"555.42.02"}
    assert {g.compute_capability for g in result.gpus} == {None}


def test_no_nvidia_smi_and_no_driver(empty_root: Path, tmp_path: Path) -> None:
    result = probe_nvidia(empty_root, str(tmp_path))
    assert result.gpus == ()
    assert result.note == "nvidia-smi not found"


def test_driver_loaded_but_nvidia_smi_missing_says_so(tmp_path: Path) -> None:
    result = probe_nvidia(ROOTS / "linux-nvidia", str(tmp_path))
    assert result.gpus == ()
    assert result.note == "driver 550.127.05 is loaded but nvidia-smi not found"


def test_failing_nvidia_smi_is_not_detected(empty_root: Path) -> None:
    result = probe_nvidia(empty_root, str(FAKE_BIN))  # the fake "cannot reach the driver"
    assert result.gpus == ()
    assert result.note == "nvidia-smi failed (exit code 9)"


def test_procfs_names_gpus_when_nvidia_smi_is_missing(tmp_path: Path) -> None:
    root = copy_root("linux-nvidia", tmp_path)
    bus = root / "proc" / "driver" / "nvidia" / "gpus" / "0000:01:00.0"
    bus.mkdir(parents=True)
    (bus / "information").write_text("Model: \t\t NVIDIA GeForce RTX 4090\nIRQ: \t\t 186\n")
    result = probe_nvidia(root, str(tmp_path / "no-tools"))
    assert result.gpus == (
        GPU(vendor="nvidia", name="NVIDIA GeForce RTX 4090", driver_version="550.127.05"),
    )


def test_wsl_finds_nvidia_smi_in_usr_lib_wsl(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = copy_root("wsl", tmp_path)
    wsl_lib = root / "usr" / "lib" / "wsl" / "lib"
    wsl_lib.mkdir(parents=True)
    (wsl_lib / "nvidia-smi").symlink_to(FAKE_BIN / "nvidia-smi")
    monkeypatch.setenv("FAKE_NVIDIA_SMI_UNKNOWN", "name")
    monkeypatch.setenv("FAKE_NVIDIA_SMI_TABLE", "nvidia-smi-wsl-rtx3060.txt")
    empty_path = str(tmp_path / "no-tools")
    assert probe_nvidia(root, empty_path, wsl=False).gpus == ()
    (gpu,) = probe_nvidia(root, empty_path, wsl=True).gpus
    assert (gpu.name, gpu.driver_version, gpu.memory_mb) == (
        "NVIDIA GeForce RTX 3060 ...",
        "546.80",
        6144,
    )
