"""Intel: PCI ids in sysfs, the Windows video controller list, and the name table."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.hardware.intel import (
    VideoController,
    gpus_from_video_controllers,
    intel_gpu,
    parse_pci_device,
    parse_video_controllers,
    pci_display_devices,
    probe_intel,
    probe_windows_video,
)
from wizard.hardware.profile import GPU

from .fakes import FAKE_BIN, ROOTS, capture


@pytest.mark.parametrize(
    ("device_id", "name", "integrated"),
    [
        (0xE20B, "Intel Arc B580", False),
        (0xE20C, "Intel Arc B570", False),
        (0xE212, "Intel Arc B-series GPU", False),
        (0x56A0, "Intel Arc A770", False),
        (0x56BD, "Intel Arc A-series GPU", False),
        (0x0BD5, "Intel Data Center GPU Max 1550", False),
        (0x0BDA, "Intel Data Center GPU Max 1100", False),
        (0x56C0, "Intel Data Center GPU Flex 170", False),
        (0x7D55, "Intel Arc Graphics (Meteor Lake)", True),
        (0x7DD5, "Intel Arc Graphics (Meteor Lake)", True),
        (0x7D45, "Intel Graphics (Meteor Lake)", True),
        (0x7D51, "Intel Arc Graphics (Arrow Lake)", True),
        (0x64A0, "Intel Arc Graphics (Lunar Lake)", True),
    ],
)
def test_known_device_ids(device_id: int, name: str, integrated: bool) -> None:
    gpu = intel_gpu(device_id)
    assert (gpu.name, gpu.integrated, gpu.pci_id) == (name, integrated, f"8086:{device_id:04x}")


def test_unknown_device_id_keeps_only_the_pci_id() -> None:
    assert intel_gpu(0xA780) == GPU(vendor="intel", pci_id="8086:a780")


def test_pci_files() -> None:
    dev = parse_pci_device("0000:03:00.0", "0x030000\n", "0x8086\n", "0xe20b\n")
    assert dev is not None and dev.is_display and dev.pci_id == "8086:e20b"
    audio = parse_pci_device("0000:00:1f.3", "0x040380\n", "0x8086\n", "0x7a50\n")
    assert audio is not None and not audio.is_display
    assert parse_pci_device("x", None, "0x8086", "0xe20b") is None


def test_desktop_with_arc_b580_and_an_unlisted_igpu() -> None:
    assert len(pci_display_devices(ROOTS / "linux-arc-b580")) == 2
    assert probe_intel(ROOTS / "linux-arc-b580").gpus == (
        GPU(vendor="intel", pci_id="8086:a780"),
        GPU(vendor="intel", name="Intel Arc B580", integrated=False, pci_id="8086:e20b"),
    )


def test_core_ultra_laptop_igpu_and_not_its_npu() -> None:
    assert probe_intel(ROOTS / "linux-core-ultra-155h").gpus == (
        GPU(
            vendor="intel",
            name="Intel Arc Graphics (Meteor Lake)",
            integrated=True,
            pci_id="8086:7d55",
        ),
    )


def test_no_pci_bus(empty_root: Path) -> None:
    result = probe_intel(empty_root)
    assert result.gpus == ()
    assert result.note == "no Intel display device on the PCI bus"


# --------------------------------------------------------------------------------------------
# Windows


def test_format_list_star_of_an_intel_uhd() -> None:
    assert parse_video_controllers(capture("win32-videocontroller-uhd-fl.txt")) == [
        VideoController("Intel(R) UHD Graphics", "intel", 0x9BC4)
    ]


def test_wmi_listing_without_name_uses_caption_and_adapter_compatibility() -> None:
    assert parse_video_controllers(capture("win32-videocontroller-gtx1660-wmi.txt")) == [
        VideoController("NVIDIA GeForce GTX 1660", "nvidia", None)
    ]


def test_four_adapters_in_the_probe_s_own_format() -> None:
    controllers = parse_video_controllers(capture("win32-videocontroller-handwritten-4gpu.txt"))
    assert controllers == [
        VideoController("NVIDIA GeForce RTX 4090", "nvidia", 0x2684),
        VideoController("Intel(R) Arc(TM) B580 Graphics", "intel", 0xE20B),
        VideoController("Microsoft Basic Display Adapter", None, None),
        VideoController("AMD Radeon(TM) Graphics", "amd", 0x13C0),
    ]
    assert gpus_from_video_controllers(controllers) == [
        GPU(vendor="nvidia", name="NVIDIA GeForce RTX 4090"),
        GPU(vendor="intel", name="Intel Arc B580", integrated=False, pci_id="8086:e20b"),
        GPU(vendor="amd", name="AMD Radeon(TM) Graphics"),
    ]


def test_unlisted_intel_id_on_windows_keeps_the_name_windows_gives() -> None:
    gpus = gpus_from_video_controllers([VideoController("Intel(R) UHD Graphics", "intel", 0x9BC4)])
    assert gpus == [GPU(vendor="intel", name="Intel(R) UHD Graphics", pci_id="8086:9bc4")]


def test_windows_probe_with_fake_powershell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_POWERSHELL", "win32-videocontroller-handwritten-4gpu.txt")
    result = probe_windows_video(str(FAKE_BIN))
    assert [g.vendor for g in result.gpus] == ["nvidia", "intel", "amd"]


def test_windows_probe_without_powershell(tmp_path: Path) -> None:
    assert probe_windows_video(str(tmp_path)).note == "PowerShell not found"
