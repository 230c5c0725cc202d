"""OS, architecture, CPU, memory, WSL, containers; and running tools with a time-out."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from wizard.hardware.apple import gpus_from_brand, parse_displays, probe_apple
from wizard.hardware.profile import GPU
from wizard.hardware.system import (
    arm_core_name,
    cgroup_says_container,
    count_processors,
    is_wsl,
    normalize_arch,
    normalize_os,
    parse_cpuinfo_brand,
    parse_meminfo_total_mb,
    parse_musl_loader,
    probe_system,
    run_tool,
)

from .fakes import FAKE_BIN, ROOTS


@pytest.mark.parametrize(
    ("sys_platform", "os_name"),
    [("linux", "linux"), ("darwin", "macos"), ("win32", "windows"), ("cygwin", "windows")],
)
def test_os_names(sys_platform: str, os_name: str) -> None:
    assert normalize_os(sys_platform) == os_name


@pytest.mark.parametrize(
    ("machine", "os_name", "arch"),
    [
        ("x86_64", "linux", "x86_64"),
        ("AMD64", "windows", "x86_64"),
        ("aarch64", "linux", "aarch64"),
        ("arm64", "linux", "aarch64"),
        ("arm64", "macos", "arm64"),
        ("ARM64", "windows", "arm64"),
        ("x86_64", "macos", "x86_64"),
        ("ppc64le", "linux", None),
    ],
)
def test_architectures(machine: str, os_name: str, arch: str | None) -> None:
    assert normalize_arch(machine, os_name) == arch


def test_x86_brand_is_the_model_name() -> None:
    cpuinfo = (ROOTS / "linux-780m" / "proc" / "cpuinfo").read_text()
    assert parse_cpuinfo_brand(cpuinfo) == "AMD Ryzen 7 7840HS w/ Radeon 780M Graphics"
    assert count_processors(cpuinfo) == 2


def test_raspberry_pi_brand_is_the_board_and_its_core() -> None:
    root = ROOTS / "linux-rpi4"
    cpuinfo = (root / "proc" / "cpuinfo").read_text()
    board = (root / "proc" / "device-tree" / "model").read_text()
    expected = "Raspberry Pi 4 Model B Rev 1.4 (ARM Cortex-A72)"
    assert parse_cpuinfo_brand(cpuinfo, board) == expected
    assert parse_cpuinfo_brand(cpuinfo) == expected  # the "Model" line says the same
    assert count_processors(cpuinfo) == 4


def test_graviton_brand_is_the_core_lscpu_names() -> None:
    cpuinfo = (ROOTS / "linux-graviton2" / "proc" / "cpuinfo").read_text()
    assert parse_cpuinfo_brand(cpuinfo) == "ARM Neoverse-N1"


def test_arm_core_codes() -> None:
    assert arm_core_name("0x41", "0xd4f") == "ARM Neoverse-V2"
    assert arm_core_name("0x41", "0xfff") is None
    assert arm_core_name("", "") is None


def test_cpuinfo_without_any_name() -> None:
    assert parse_cpuinfo_brand("processor\t: 0\nmodel\t\t: 17\n\n") is None


def test_meminfo() -> None:
    assert parse_meminfo_total_mb("MemTotal:       31988720 kB\nMemFree: 1 kB\n") == 31238
    assert parse_meminfo_total_mb("") is None


def test_wsl_from_kernel_or_environment() -> None:
    wsl_version = (ROOTS / "wsl" / "proc" / "version").read_text()
    assert is_wsl(wsl_version, {})
    assert is_wsl("Linux version 6.8.0-45-generic", {"WSL_DISTRO_NAME": "Ubuntu"})
    assert not is_wsl("Linux version 6.8.0-45-generic", {})
    assert not is_wsl(None, {})


def test_container_hints_in_cgroups() -> None:
    assert cgroup_says_container((ROOTS / "linux-docker" / "proc" / "1" / "cgroup").read_text())
    assert not cgroup_says_container("0::/\n")
    assert not cgroup_says_container(None)


def test_musl_loader_banner() -> None:
    assert parse_musl_loader("musl libc (x86_64)\nVersion 1.2.4\nDynamic Program Loader\n") == (
        "musl 1.2.4"
    )
    assert parse_musl_loader("") == "musl"


def test_system_probe_on_a_fake_linux_root() -> None:
    facts = probe_system(ROOTS / "linux-780m", os_name="linux", machine="x86_64", environ={})
    assert facts.os == "linux"
    assert facts.arch == "x86_64"
    assert facts.cpu.brand == "AMD Ryzen 7 7840HS w/ Radeon 780M Graphics"
    assert facts.cpu.cores == 2
    assert facts.memory_mb == 31238
    assert facts.wsl is False
    assert facts.container is False
    assert facts.libc is None  # a fake root does not say which libc it has


def test_system_probe_sees_wsl_and_docker() -> None:
    assert probe_system(ROOTS / "wsl", os_name="linux", environ={}).wsl is True
    docker = probe_system(ROOTS / "linux-docker", os_name="linux", environ={})
    assert docker.container is True
    assert docker.cpu.brand == "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"
    podman = probe_system(ROOTS / "linux-780m", os_name="linux", environ={"container": "podman"})
    assert podman.container is True


def test_this_machine_has_a_libc_when_it_is_linux() -> None:
    facts = probe_system()
    if facts.os == "linux":
        assert facts.libc is not None and facts.libc.split()[0] in ("glibc", "musl")


def test_macos_brand_comes_from_sysctl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SYSCTL_BRAND", "Apple M3 Max")
    facts = probe_system(os_name="macos", env_path=str(FAKE_BIN), machine="arm64")
    assert (facts.os, facts.arch, facts.cpu.brand, facts.libc) == (
        "macos",
        "arm64",
        "Apple M3 Max",
        None,
    )


# --------------------------------------------------------------------------------------------
# Apple


def test_apple_silicon_gpu_is_the_chip() -> None:
    assert gpus_from_brand("Apple M3 Max") == [
        GPU(vendor="apple", name="Apple M3 Max", integrated=True)
    ]
    assert gpus_from_brand("Intel(R) Core(TM) i9-9880H CPU @ 2.30GHz") == []
    assert gpus_from_brand(None) == []


def test_apple_probe(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FAKE_SYSCTL_BRAND", "Apple M2")
    assert probe_apple(str(FAKE_BIN)).gpus == (
        GPU(vendor="apple", name="Apple M2", integrated=True),
    )
    assert probe_apple(str(tmp_path)).note == "not an Apple silicon Mac"


def test_system_profiler_chipset_models() -> None:
    text = "Graphics/Displays:\n\n    Apple M1:\n\n      Chipset Model: Apple M1\n      Type: GPU\n"
    assert parse_displays(text) == ["Apple M1"]


# --------------------------------------------------------------------------------------------
# run_tool


def test_a_hanging_tool_is_stopped_at_the_time_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_HANG", "1")
    start = time.monotonic()
    run = run_tool(str(FAKE_BIN / "rocminfo"), [], timeout=0.3)
    assert time.monotonic() - start < 2.0
    assert run.timed_out and not run.ok and run.returncode is None


def test_a_tool_that_cannot_start(tmp_path: Path) -> None:
    run = run_tool(str(tmp_path / "missing"), [], timeout=1.0)
    assert run.returncode is None and not run.timed_out
