"""AMD GPUs: the gfx architecture ROCm builds are made for, from rocminfo or the KFD in sysfs.

ROCm wheels list the gfx targets they contain (gfx1100, gfx942, ...), so the gfx name, not the
marketing name, decides whether a ROCm build runs on a card.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from wizard.hardware.profile import GPU
from wizard.hardware.system import ProbeResult, ToolRun, find_tool, read_text, run_tool, tool_note

AMD_PCI_VENDOR = 0x1002

# ---------------------------------------------------------------------------------------------
# Pure parsers

_AGENT = re.compile(r"^\s*\**\s*Agent\s+\d+\s*\**\s*$")
_GFX = re.compile(r"^gfx[0-9a-f]{3,4}$")


def _gfx(name: str | None) -> str | None:
    """'gfx942:sramecc+:xnack-' -> 'gfx942'; anything that is not a gfx name -> None."""
    if not name:
        return None
    base = name.strip().split(":", 1)[0].lower()
    return base if _GFX.match(base) and base != "gfx000" else None


def parse_rocminfo(text: str) -> list[GPU]:
    """The GPU agents of `rocminfo`: gfx name, marketing name, memory and PCI device id."""
    agents: list[dict[str, str]] = []
    coarse_pool = False
    for line in text.splitlines():
        if _AGENT.match(line):
            agents.append({})
            coarse_pool = False
            continue
        if not agents:
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        agent = agents[-1]
        if key == "Segment":
            coarse_pool = "GLOBAL" in value and "COARSE GRAINED" in value
        elif key == "Size" and coarse_pool:
            agent.setdefault("pool_kb", value)
            coarse_pool = False
        elif key in ("Name", "Marketing Name", "Device Type", "Chip ID"):
            agent.setdefault(key, value)
    gpus = []
    for agent in agents:
        if agent.get("Device Type", "").upper() != "GPU":
            continue
        gfx = _gfx(agent.get("Name"))
        if gfx is None:
            continue
        size = re.match(r"(\d+)", agent.get("pool_kb", ""))
        chip = re.search(r"\(0x([0-9a-fA-F]+)\)", agent.get("Chip ID", ""))
        gpus.append(
            GPU(
                vendor="amd",
                name=agent.get("Marketing Name") or None,
                memory_mb=int(size.group(1)) // 1024 if size and int(size.group(1)) else None,
                gfx=gfx,
                pci_id=f"1002:{int(chip.group(1), 16):04x}" if chip else None,
            )
        )
    return gpus


def parse_agent_enumerator(text: str) -> list[GPU]:
    """`rocm_agent_enumerator` prints one gfx name per agent; gfx000 is the CPU."""
    gfx_names = (_gfx(line) for line in text.splitlines())
    return [GPU(vendor="amd", gfx=g) for g in gfx_names if g]


def parse_kfd_properties(text: str) -> dict[str, int]:
    """A KFD topology node's `properties` file: one "key value" pair a line."""
    props: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and re.fullmatch(r"-?\d+", parts[1]):
            props[parts[0]] = int(parts[1])
    return props


def gfx_from_target_version(version: int) -> str | None:
    """KFD's gfx_target_version -> gfx name: 110000 -> gfx1100, 90402 -> gfx942, 90010 -> gfx90a.

    The kernel encodes major * 10000 + minor * 100 + stepping, and LLVM writes minor and
    stepping as one hex digit each (gfx90a is 9.0.10).
    """
    if version <= 0:
        return None
    major, minor, step = version // 10000, (version // 100) % 100, version % 100
    if minor > 15 or step > 15:
        return None
    return f"gfx{major}{minor:x}{step:x}"


def gpu_from_kfd_node(props: dict[str, int]) -> GPU | None:
    """A GPU node of the KFD topology (CPU nodes have gfx_target_version 0)."""
    gfx = gfx_from_target_version(props.get("gfx_target_version", 0))
    if gfx is None:
        return None
    vendor, device = props.get("vendor_id"), props.get("device_id")
    local_mem = props.get("local_mem_size", 0)
    return GPU(
        vendor="amd",
        gfx=gfx,
        memory_mb=local_mem // (1024 * 1024) if local_mem > 0 else None,
        pci_id=f"1002:{device:04x}" if vendor == AMD_PCI_VENDOR and device else None,
    )


# ---------------------------------------------------------------------------------------------
# Probe


def kfd_gpus(root: Path) -> list[GPU]:
    nodes = root / "sys" / "class" / "kfd" / "kfd" / "topology" / "nodes"
    try:
        node_dirs = sorted(
            (p for p in nodes.iterdir() if p.name.isdigit()), key=lambda p: int(p.name)
        )
    except OSError:
        return []
    found = (
        gpu_from_kfd_node(parse_kfd_properties(read_text(n / "properties") or ""))
        for n in node_dirs
    )
    return [g for g in found if g is not None]


def probe_amd(
    root: Path = Path("/"), env_path: str | None = None, timeout: float = 3.0
) -> ProbeResult:
    """AMD GPUs on Linux: rocminfo, else rocm_agent_enumerator, else the KFD topology."""
    gpus: list[GPU] = []
    rocminfo = find_tool("rocminfo", env_path)
    run: ToolRun | None = None
    if rocminfo is not None:
        run = run_tool(rocminfo, [], timeout)
        if run.ok:
            gpus = parse_rocminfo(run.stdout)
    if not gpus and not (run and run.timed_out):  # a hung ROCm stack would hang it too
        enumerator = find_tool("rocm_agent_enumerator", env_path)
        if enumerator is not None:
            enum_run = run_tool(enumerator, [], timeout)
            if enum_run.ok:
                gpus = parse_agent_enumerator(enum_run.stdout)
    if not gpus:
        gpus = kfd_gpus(root)
    if not gpus:
        why = tool_note("rocminfo", run, timeout) if rocminfo else "rocminfo not found"
        return ProbeResult((), f"{why}, no GPU in the KFD topology")
    driver = (read_text(root / "sys" / "module" / "amdgpu" / "version") or "").strip()
    if driver:
        gpus = [replace(g, driver_version=driver) for g in gpus]
    return ProbeResult(tuple(gpus))
