"""Apple silicon: the GPU is part of the chip, so the chip's name is the GPU's name.

macOS wheels on PyPI include MPS; Intel Macs have no Apple GPU (their AMD or Intel GPUs are
not used by PyTorch).
"""

from __future__ import annotations

from wizard.hardware.profile import GPU
from wizard.hardware.system import ProbeResult, read_sysctl


def gpus_from_brand(brand: str | None) -> list[GPU]:
    """`sysctl -n machdep.cpu.brand_string` -> "Apple M3 Max" -> one Apple GPU of that name."""
    if brand and brand.strip().startswith("Apple"):
        return [GPU(vendor="apple", name=" ".join(brand.split()), integrated=True)]
    return []


def parse_displays(text: str) -> list[str]:
    """The "Chipset Model:" names of `system_profiler SPDisplaysDataType`."""
    names = []
    for line in text.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep and key == "Chipset Model" and value.strip():
            names.append(value.strip())
    return names


def probe_apple(env_path: str | None = None, timeout: float = 3.0) -> ProbeResult:
    """The Apple GPU of this Mac (macOS only)."""
    brand = read_sysctl("machdep.cpu.brand_string", env_path, timeout)
    gpus = gpus_from_brand(brand)
    return ProbeResult(tuple(gpus), None if gpus else "not an Apple silicon Mac")
