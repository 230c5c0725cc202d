"""Intel GPUs from the PCI bus (Linux sysfs) or Win32_VideoController (Windows).

PyTorch's xpu builds serve Arc A/B-series cards, Data Center GPU Max/Flex and the Arc iGPUs of
Core Ultra chips, so the PCI device id matters more than the name the OS shows. On Windows
the video controller list also names NVIDIA and AMD cards; NVIDIA details still come from
nvidia-smi.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wizard.hardware.profile import GPU
from wizard.hardware.system import ProbeResult, find_tool, read_text, run_tool, tool_note

INTEL_PCI_VENDOR = 0x8086
PCI_VENDORS = {0x10DE: "nvidia", 0x1002: "amd", 0x1022: "amd", 0x8086: "intel"}

# Device ids: Linux include/drm/intel/pciids.h (INTEL_DG2_IDS, INTEL_ATS_M_IDS, INTEL_PVC_IDS,
# INTEL_BMG_IDS, INTEL_MTL_IDS, INTEL_ARL_*_IDS, INTEL_LNL_IDS); names: the pci.ids database.
_NAMES: dict[int, str] = {
    0x5690: "Intel Arc A770M",
    0x5691: "Intel Arc A730M",
    0x5692: "Intel Arc A550M",
    0x5693: "Intel Arc A370M",
    0x5694: "Intel Arc A350M",
    0x56A0: "Intel Arc A770",
    0x56A1: "Intel Arc A750",
    0x56A2: "Intel Arc A580",
    0x56A5: "Intel Arc A380",
    0x56A6: "Intel Arc A310",
    0x56B0: "Intel Arc Pro A30M",
    0x56B1: "Intel Arc Pro A40/A50",
    0x56C0: "Intel Data Center GPU Flex 170",
    0x56C1: "Intel Data Center GPU Flex 140",
    0x0BD5: "Intel Data Center GPU Max 1550",
    0x0BD6: "Intel Data Center GPU Max 1550",
    0x0BD7: "Intel Data Center GPU Max 1350",
    0x0BD8: "Intel Data Center GPU Max 1350",
    0x0BD9: "Intel Data Center GPU Max 1100",
    0x0BDA: "Intel Data Center GPU Max 1100",
    0x0BDB: "Intel Data Center GPU Max 1100",
    0xE20B: "Intel Arc B580",
    0xE20C: "Intel Arc B570",
    0x7D55: "Intel Arc Graphics (Meteor Lake)",
    0x7DD5: "Intel Arc Graphics (Meteor Lake)",
    0x7D51: "Intel Arc Graphics (Arrow Lake)",
    0x7DD1: "Intel Arc Graphics (Arrow Lake)",
}


@dataclass(frozen=True)
class _Family:
    ids: frozenset[int]
    name: str
    integrated: bool


def _ids(*parts: int | range) -> frozenset[int]:
    out: set[int] = set()
    for p in parts:
        out.update(p if isinstance(p, range) else (p,))
    return frozenset(out)


_FAMILIES = (
    _Family(_ids(range(0x4F80, 0x4F89), range(0x5690, 0x56C0)), "Intel Arc A-series GPU", False),
    _Family(_ids(0x56C0, 0x56C1, 0x56C2), "Intel Data Center GPU Flex", False),
    _Family(_ids(0x0B69, 0x0B6E, range(0x0BD0, 0x0BDC)), "Intel Data Center GPU Max", False),
    _Family(_ids(range(0xE202, 0xE217), range(0xE220, 0xE224)), "Intel Arc B-series GPU", False),
    _Family(_ids(0x7D40, 0x7D45, 0x7D55, 0x7D60, 0x7DD5), "Intel Graphics (Meteor Lake)", True),
    _Family(_ids(0x7D41, 0x7D51, 0x7D67, 0x7DD1, 0xB640), "Intel Graphics (Arrow Lake)", True),
    _Family(_ids(0x6420, 0x64A0, 0x64B0), "Intel Arc Graphics (Lunar Lake)", True),
)


def intel_gpu(device_id: int, name: str | None = None) -> GPU:
    """An Intel GPU from its PCI device id; an unknown id keeps its pci_id and no name."""
    family = next((f for f in _FAMILIES if device_id in f.ids), None)
    known = _NAMES.get(device_id) or (family.name if family else None)
    return GPU(
        vendor="intel",
        name=known or name,
        integrated=family.integrated if family else None,
        pci_id=f"8086:{device_id:04x}",
    )


# ---------------------------------------------------------------------------------------------
# Linux: the PCI bus in sysfs


@dataclass(frozen=True)
class PciDevice:
    address: str
    vendor: int
    device: int
    pci_class: int

    @property
    def is_display(self) -> bool:
        return self.pci_class >> 16 == 0x03  # base class 03: display controller

    @property
    def pci_id(self) -> str:
        return f"{self.vendor:04x}:{self.device:04x}"


def parse_pci_device(
    address: str, class_text: str | None, vendor_text: str | None, device_text: str | None
) -> PciDevice | None:
    """The `class`, `vendor` and `device` files of /sys/bus/pci/devices/<address>/ ("0x8086")."""
    try:
        return PciDevice(
            address,
            int(vendor_text or "", 16),
            int(device_text or "", 16),
            int(class_text or "", 16),
        )
    except ValueError:
        return None


def pci_display_devices(root: Path) -> list[PciDevice]:
    devices_dir = root / "sys" / "bus" / "pci" / "devices"
    try:
        entries = sorted(devices_dir.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        dev = parse_pci_device(
            entry.name,
            read_text(entry / "class"),
            read_text(entry / "vendor"),
            read_text(entry / "device"),
        )
        if dev is not None and dev.is_display:
            found.append(dev)
    return found


def probe_intel(root: Path = Path("/")) -> ProbeResult:
    """Intel display devices on the PCI bus (Linux)."""
    gpus = [intel_gpu(d.device) for d in pci_display_devices(root) if d.vendor == INTEL_PCI_VENDOR]
    return ProbeResult(tuple(gpus), None if gpus else "no Intel display device on the PCI bus")


# ---------------------------------------------------------------------------------------------
# Windows: Win32_VideoController

POWERSHELL_ARGS = (
    "-NoProfile",
    "-NonInteractive",
    "-Command",
    "Get-CimInstance Win32_VideoController | Format-List Name,AdapterCompatibility,PNPDeviceID",
)


@dataclass(frozen=True)
class VideoController:
    name: str | None
    vendor: str | None  # nvidia, amd, intel; None for virtual and basic display adapters
    device_id: int | None


def _vendor_of(compat: str, pnp: str, name: str) -> tuple[str | None, int | None]:
    ids = re.search(r"PCI\\VEN_([0-9A-Fa-f]{4})&DEV_([0-9A-Fa-f]{4})", pnp)
    if ids:
        vendor = PCI_VENDORS.get(int(ids.group(1), 16))
        return vendor, int(ids.group(2), 16) if vendor else None
    text = f"{compat} {name}".lower()
    if "nvidia" in text:
        return "nvidia", None
    if "advanced micro devices" in text or "amd" in text.split() or "ati technologies" in text:
        return "amd", None
    if "intel" in text:
        return "intel", None
    return None, None


def parse_video_controllers(text: str) -> list[VideoController]:
    """`Get-CimInstance Win32_VideoController | Format-List ...` (or `fl *`) output."""
    records: list[dict[str, str]] = [{}]
    for line in text.splitlines():
        if not line.strip():
            if records[-1]:
                records.append({})
            continue
        m = re.match(r"^(\w+)\s*:\s?(.*)$", line)
        if m:
            records[-1].setdefault(m.group(1), m.group(2).strip())
    controllers = []
    for rec in records:
        name = rec.get("Name") or rec.get("Caption") or None
        if name is None:
            continue
        vendor, device = _vendor_of(
            rec.get("AdapterCompatibility", ""), rec.get("PNPDeviceID", ""), name
        )
        controllers.append(VideoController(name, vendor, device))
    return controllers


def gpus_from_video_controllers(controllers: Iterable[VideoController]) -> list[GPU]:
    gpus = []
    for c in controllers:
        if c.vendor == "intel":
            gpus.append(
                intel_gpu(c.device_id, c.name)
                if c.device_id is not None
                else GPU(vendor="intel", name=c.name)
            )
        elif c.vendor is not None:
            gpus.append(GPU(vendor=c.vendor, name=c.name))
    return gpus


def probe_windows_video(env_path: str | None = None, timeout: float = 3.0) -> ProbeResult:
    """Every vendor's GPUs as Windows lists them (PowerShell's Win32_VideoController)."""
    shell = find_tool("powershell", env_path) or find_tool("pwsh", env_path)
    if shell is None:
        return ProbeResult((), "PowerShell not found")
    run = run_tool(shell, POWERSHELL_ARGS, timeout)
    if not run.ok:
        return ProbeResult((), tool_note("PowerShell", run, timeout))
    gpus = gpus_from_video_controllers(parse_video_controllers(run.stdout))
    return ProbeResult(tuple(gpus), None if gpus else "Windows lists no GPU")
