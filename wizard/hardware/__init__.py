"""Detect the machine: OS, CPU, memory and GPUs, as a frozen HardwareProfile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wizard.hardware.profile import CPU, GPU, HardwareProfile, load_profile, profile_from_dict

if TYPE_CHECKING:
    from wizard.hardware.detect import detect_hardware

__all__ = ["CPU", "GPU", "HardwareProfile", "detect_hardware", "load_profile", "profile_from_dict"]


def __getattr__(name: str) -> Any:
    # The probes load only when detection runs: `--hardware FILE` never needs them.
    if name == "detect_hardware":
        from wizard.hardware.detect import detect_hardware

        return detect_hardware
    raise AttributeError(name)
