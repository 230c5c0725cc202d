"""The operating system, CPU and memory; and the two primitives every probe uses.

Pure parsers take file contents or tool output and return data; the probes below them read
`<root>/proc`, `<root>/sys` and run tools with a time-out, so tests can point them at a fake
root and fake tools. A missing, failing or hanging source means "not detected", never an error.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.hardware.profile import CPU, GPU

# ---------------------------------------------------------------------------------------------
# Running tools and reading files


@dataclass(frozen=True)
class ToolRun:
    """What a tool printed; returncode is None when it could not start or was stopped."""

    returncode: int | None
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass(frozen=True)
class ProbeResult:
    """The GPUs one vendor probe found, and why it found none (for the summary)."""

    gpus: tuple[GPU, ...] = ()
    note: str | None = None
    # Set when the vendor's tool is there but failed (a driver not loaded, a hang): the GPUs
    # are unknown, not absent. What went wrong, for the profile's gpu_errors.
    failed: str | None = None


def find_tool(name: str, env_path: str | None = None) -> str | None:
    """The tool's full path on `env_path` (default: $PATH), or None."""
    return shutil.which(name, path=env_path)


def run_tool(path: str, args: Sequence[str], timeout: float) -> ToolRun:
    """Run a tool; a hang is cut after `timeout` seconds together with any children it spawned."""
    try:
        proc = subprocess.Popen(  # a tool found on PATH, no shell
            [path, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            # Its own process group on POSIX, so that a kill also reaches its children;
            # no console window flashing up on Windows.
            start_new_session=os.name == "posix",
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except (OSError, ValueError):
        return ToolRun(None)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        try:
            proc.communicate(timeout=1.0)
        except (subprocess.TimeoutExpired, ValueError, OSError):
            pass
        return ToolRun(None, timed_out=True)
    return ToolRun(proc.returncode, out or "", err or "")


def _kill(proc: subprocess.Popen[str]) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass


def read_text(path: Path) -> str | None:
    """A small sysfs/procfs file's text, or None when it is absent or unreadable."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def tool_note(tool: str, run: ToolRun | None, timeout: float) -> str:
    """Why a tool gave nothing, in a few words."""
    if run is None:
        return f"{tool} not found"
    if run.timed_out:
        return f"{tool} did not answer within {timeout:g} s"
    if run.returncode is None:
        return f"{tool} could not be started"
    return f"{tool} failed (exit code {run.returncode})"


# ---------------------------------------------------------------------------------------------
# Pure parsers


def normalize_os(sys_platform: str) -> str:
    """sys.platform -> the profile's os: linux, macos, windows."""
    if sys_platform.startswith("linux"):
        return "linux"
    if sys_platform == "darwin":
        return "macos"
    if sys_platform in ("win32", "cygwin", "msys"):
        return "windows"
    return sys_platform


def normalize_arch(machine: str, os_name: str) -> str | None:
    """platform.machine() -> x86_64, aarch64 (Linux) or arm64 (macOS, Windows); else None."""
    m = machine.strip().lower()
    if m in ("x86_64", "amd64", "x64", "em64t"):
        return "x86_64"
    if m in ("aarch64", "arm64", "armv8", "armv8l", "aarch64_be"):
        return "aarch64" if os_name == "linux" else "arm64"
    return None


def _cpuinfo_fields(text: str) -> list[dict[str, str]]:
    """/proc/cpuinfo as one dict per blank-line-separated block (keys lower-cased)."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        key, sep, value = line.partition(":")
        if sep:
            current.setdefault(key.strip().lower(), value.strip())
    if current:
        blocks.append(current)
    return blocks


# What lscpu prints for the "CPU implementer" / "CPU part" codes of aarch64 cpuinfo
# (util-linux sys-utils/lscpu-arm.c); only the cores people run PyTorch on.
_ARM_IMPLEMENTERS: Mapping[int, tuple[str, Mapping[int, str]]] = {
    0x41: (
        "ARM",
        {
            0xD03: "Cortex-A53",
            0xD05: "Cortex-A55",
            0xD07: "Cortex-A57",
            0xD08: "Cortex-A72",
            0xD0B: "Cortex-A76",
            0xD0C: "Neoverse-N1",
            0xD40: "Neoverse-V1",
            0xD41: "Cortex-A78",
            0xD42: "Cortex-A78AE",
            0xD49: "Neoverse-N2",
            0xD4F: "Neoverse-V2",
            0xD84: "Neoverse-V3",
        },
    ),
    0x4E: ("NVIDIA", {0x004: "Carmel"}),
    0x61: ("Apple", {}),
    0xC0: ("Ampere", {0xAC3: "Ampere-1", 0xAC4: "Ampere-1a"}),
}


def arm_core_name(implementer: str, part: str) -> str | None:
    """'0x41', '0xd0c' -> 'ARM Neoverse-N1' (as lscpu names it), or None when unknown."""
    try:
        impl, prt = int(implementer, 16), int(part, 16)
    except ValueError:
        return None
    vendor = _ARM_IMPLEMENTERS.get(impl)
    if vendor is None:
        return None
    core = vendor[1].get(prt)
    return f"{vendor[0]} {core}" if core else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(value.replace("\x00", " ").split())
    return text or None


def parse_cpuinfo_brand(cpuinfo: str, board: str | None = None) -> str | None:
    """The CPU's name from /proc/cpuinfo, or None.

    x86 has "model name". aarch64 usually has only implementer/part codes, sometimes
    "Hardware"/"Model" lines; `board` is the device-tree model (a Raspberry Pi, a Jetson).
    """
    blocks = _cpuinfo_fields(cpuinfo)
    merged: dict[str, str] = {}
    for block in blocks:
        for key, value in block.items():
            merged.setdefault(key, value)
    brand = _clean(merged.get("model name")) or _clean(merged.get("cpu model"))
    if brand:
        return brand
    core = arm_core_name(merged.get("cpu implementer", ""), merged.get("cpu part", ""))
    model = merged.get("model", "")  # x86's "model" is a number; the Raspberry Pi's a name
    board_name = model if re.search(r"[A-Za-z]", model) else None
    machine = _clean(board) or _clean(board_name) or _clean(merged.get("hardware"))
    if machine and core:
        return f"{machine} ({core})"
    return machine or core


def count_processors(cpuinfo: str) -> int | None:
    """Logical CPUs listed in /proc/cpuinfo ("processor : N" lines), or None."""
    n = sum(1 for line in cpuinfo.splitlines() if re.match(r"processor\s*:", line))
    return n or None


def parse_meminfo_total_mb(meminfo: str) -> int | None:
    """MemTotal of /proc/meminfo, in MiB."""
    m = re.search(r"^MemTotal:\s*(\d+)\s*kB", meminfo, re.MULTILINE)
    return int(m.group(1)) // 1024 if m else None


def is_wsl(proc_version: str | None, environ: Mapping[str, str]) -> bool:
    """WSL kernels say "microsoft" in /proc/version; WSL sets WSL_DISTRO_NAME."""
    if environ.get("WSL_DISTRO_NAME") or environ.get("WSL_INTEROP"):
        return True
    return proc_version is not None and "microsoft" in proc_version.lower()


_CONTAINER_CGROUP = re.compile(r"docker|kubepods|containerd|libpod|lxc|crio|garden")


def cgroup_says_container(cgroup: str | None) -> bool:
    """cgroup v1 paths name the container runtime ("/docker/<id>", "/kubepods/...")."""
    return cgroup is not None and _CONTAINER_CGROUP.search(cgroup) is not None


def parse_musl_loader(output: str) -> str:
    """`/lib/ld-musl-*.so.1` prints "musl libc (x86_64)\\nVersion 1.2.4" -> 'musl 1.2.4'."""
    m = re.search(r"Version\s+(\d+(?:\.\d+)+)", output)
    return f"musl {m.group(1)}" if m else "musl"


# ---------------------------------------------------------------------------------------------
# Probes


@dataclass(frozen=True)
class SystemFacts:
    os: str
    arch: str | None
    libc: str | None
    wsl: bool | None
    container: bool | None
    python: str
    cpu: CPU
    memory_mb: int | None


def probe_system(
    root: Path = Path("/"),
    env_path: str | None = None,
    timeout: float = 3.0,
    os_name: str | None = None,
    machine: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> SystemFacts:
    """OS, architecture, libc, WSL, container, Python, CPU and memory of this machine."""
    os_name = os_name or normalize_os(sys.platform)
    env = os.environ if environ is None else environ
    arch = normalize_arch(machine if machine is not None else platform.machine(), os_name)
    python = platform.python_version()
    if os_name == "linux":
        cpuinfo = read_text(root / "proc" / "cpuinfo") or ""
        board = read_text(root / "proc" / "device-tree" / "model") or read_text(
            root / "sys" / "firmware" / "devicetree" / "base" / "model"
        )
        brand = parse_cpuinfo_brand(cpuinfo, board)
        cores = count_processors(cpuinfo) or os.cpu_count()
        memory = parse_meminfo_total_mb(read_text(root / "proc" / "meminfo") or "")
        wsl: bool | None = is_wsl(read_text(root / "proc" / "version"), env)
        container: bool | None = (
            (root / ".dockerenv").exists()
            or (root / "run" / ".containerenv").exists()
            or bool(env.get("container"))
            or cgroup_says_container(read_text(root / "proc" / "1" / "cgroup"))
        )
        libc = _linux_libc(root, env_path, timeout)
    else:
        brand = _brand_from_os(os_name, env_path, timeout)
        cores = os.cpu_count()
        memory = None
        wsl = False if os_name == "windows" else None
        container = None
        libc = None
    if not brand:
        brand = _brand_from_py_cpuinfo(timeout)
    if memory is None:
        memory = _memory_from_psutil()
    return SystemFacts(
        os=os_name,
        arch=arch,
        libc=libc,
        wsl=wsl,
        container=container,
        python=python,
        cpu=CPU(brand=brand, cores=cores),
        memory_mb=memory,
    )


def _linux_libc(root: Path, env_path: str | None, timeout: float) -> str | None:
    if root == Path("/"):
        try:
            version = os.confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36", instant
        except (ValueError, OSError, AttributeError):
            version = None
        if version:
            return version
        name, ver = platform.libc_ver()
        if name == "glibc" and ver:
            return f"glibc {ver}"
    loaders = sorted((root / "lib").glob("ld-musl-*.so.1"))
    if loaders:
        run = run_tool(str(loaders[0]), [], timeout) if root == Path("/") else None
        return parse_musl_loader((run.stderr + run.stdout) if run else "")
    return None


def read_sysctl(name: str, env_path: str | None, timeout: float) -> str | None:
    """`sysctl -n NAME` on macOS (also the PATH-less /usr/sbin/sysctl)."""
    tool = find_tool("sysctl", env_path)
    if tool is None and env_path is None and Path("/usr/sbin/sysctl").exists():
        tool = "/usr/sbin/sysctl"
    if tool is None:
        return None
    run = run_tool(tool, ["-n", name], timeout)
    return _clean(run.stdout) if run.ok else None


def _brand_from_os(os_name: str, env_path: str | None, timeout: float) -> str | None:
    if os_name == "macos":
        return read_sysctl("machdep.cpu.brand_string", env_path, timeout)
    if os_name == "windows" and sys.platform == "win32":
        import winreg

        key_path = r"HARDWARE\DESCRIPTION\System\CentralProcessor\0"
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key_path) as key:
                value, _ = winreg.QueryValueEx(key, "ProcessorNameString")
        except OSError:
            return None
        return _clean(str(value))
    return None


def _brand_from_py_cpuinfo(timeout: float) -> str | None:
    """Last resort: py-cpuinfo takes over a second, so only when no fast source named the CPU."""
    found: list[str | None] = []

    def work() -> None:
        try:
            import cpuinfo  # type: ignore[import-untyped]

            found.append(_clean(str(cpuinfo.get_cpu_info().get("brand_raw") or "")))
        except Exception:  # a third-party probe must not break detection
            found.append(None)

    # A daemon thread: if py-cpuinfo hangs, detection still returns and the process can exit.
    thread = threading.Thread(target=work, name="py-cpuinfo", daemon=True)
    thread.start()
    thread.join(max(timeout, 2.0))
    return found[0] if found else None


def _memory_from_psutil() -> int | None:
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        return None
    try:
        return int(psutil.virtual_memory().total) // (1024 * 1024)
    except (OSError, RuntimeError, AttributeError):
        return None
