"""AMD: rocminfo captures, the KFD topology, and the probe's order of sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.hardware.amd import (
    gfx_from_target_version,
    gpu_from_kfd_node,
    kfd_gpus,
    parse_agent_enumerator,
    parse_kfd_properties,
    parse_rocminfo,
    probe_amd,
)
from wizard.hardware.profile import GPU

from .fakes import FAKE_BIN, ROOTS, capture, copy_root

RX_7900_XTX = GPU(
    vendor="amd", name="Radeon RX 7900 XTX", memory_mb=24560, gfx="gfx1100", pci_id="1002:744c"
)


def test_rocminfo_of_a_7900_xtx_skips_the_cpu_agent() -> None:
    assert parse_rocminfo(capture("rocminfo-rx7900xtx.txt")) == [RX_7900_XTX]


def test_rocminfo_of_four_mi300x() -> None:
    gpus = parse_rocminfo(capture("rocminfo-4xmi300x.txt"))
    assert (
        gpus
        == [
            GPU(
                vendor="amd",
                name="AMD Instinct MI300X",
                memory_mb=196592,
                gfx="gfx942",
                pci_id="1002:74a1",
            )
        ]
        * 4
    )


def test_rocminfo_without_agents() -> None:
    assert parse_rocminfo("ROCk module is NOT loaded, possibly no GPU devices\n") == []


def test_agent_enumerator_leaves_out_the_cpu() -> None:
    text = capture("rocm_agent_enumerator-rx7900xtx.txt")
    assert parse_agent_enumerator(text) == [GPU(vendor="amd", gfx="gfx1100")]


@pytest.mark.parametrize(
    ("version", "gfx"),
    [
        (110000, "gfx1100"),
        (110003, "gfx1103"),
        (110501, "gfx1151"),
        (120001, "gfx1201"),
        (100300, "gfx1030"),
        (90402, "gfx942"),
        (90010, "gfx90a"),
        (90008, "gfx908"),
        (90500, "gfx950"),
        (0, None),
        (91600, None),  # a minor above 15 cannot be written as one hex digit
    ],
)
def test_gfx_target_version(version: int, gfx: str | None) -> None:
    assert gfx_from_target_version(version) == gfx


def test_kfd_nodes_of_a_780m() -> None:
    nodes = ROOTS / "linux-780m" / "sys" / "class" / "kfd" / "kfd" / "topology" / "nodes"
    cpu = parse_kfd_properties((nodes / "0" / "properties").read_text())
    gpu = parse_kfd_properties((nodes / "1" / "properties").read_text())
    assert cpu["gfx_target_version"] == 0
    assert gpu_from_kfd_node(cpu) is None
    assert gpu_from_kfd_node(gpu) == GPU(
        vendor="amd", memory_mb=512, gfx="gfx1103", pci_id="1002:15bf"
    )
    assert kfd_gpus(ROOTS / "linux-780m") == [gpu_from_kfd_node(gpu)]


def test_probe_prefers_rocminfo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_ROCMINFO", "rocminfo-rx7900xtx.txt")
    assert probe_amd(ROOTS / "linux-780m", str(FAKE_BIN)).gpus == (RX_7900_XTX,)


def test_probe_uses_the_agent_enumerator_when_rocminfo_fails(
    monkeypatch: pytest.MonkeyPatch, empty_root: Path
) -> None:
    monkeypatch.setenv("FAKE_AGENT_ENUMERATOR", "rocm_agent_enumerator-rx7900xtx.txt")
    assert probe_amd(empty_root, str(FAKE_BIN)).gpus == (GPU(vendor="amd", gfx="gfx1100"),)


def test_probe_reads_the_kfd_topology_without_rocm_tools(tmp_path: Path) -> None:
    result = probe_amd(ROOTS / "linux-780m", str(tmp_path))
    assert [g.gfx for g in result.gpus] == ["gfx1103"]


def test_probe_adds_the_amdgpu_dkms_driver_version(tmp_path: Path) -> None:
    root = copy_root("linux-780m", tmp_path)
    (root / "sys" / "module" / "amdgpu").mkdir(parents=True)
    (root / "sys" / "module" / "amdgpu" / "version").write_text("6.8.5\n")
    (gpu,) = probe_amd(root, str(tmp_path / "no-tools")).gpus
    assert gpu.driver_version == "6.8.5"


def test_nothing_amd(empty_root: Path, tmp_path: Path) -> None:
    result = probe_amd(empty_root, str(tmp_path))
    assert result.gpus == ()
    assert result.note == "rocminfo not found, no GPU in the KFD topology"
