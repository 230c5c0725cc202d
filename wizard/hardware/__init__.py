"""Detect the machine: OS, CPU, memory and GPUs, as a frozen HardwareProfile."""

from wizard.hardware.detect import detect_hardware
from wizard.hardware.profile import CPU, GPU, HardwareProfile, load_profile, profile_from_dict

__all__ = ["CPU", "GPU", "HardwareProfile", "detect_hardware", "load_profile", "profile_from_dict"]
