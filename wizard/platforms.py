"""The target platforms a lock can serve, with the marker values Python really reports."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.errors import BadInput


@dataclass(frozen=True)
class TargetPlatform:
    """A platform a project can target, with its uv marker and wheel tags."""

    name: str  # linux-x86_64, ...
    os: str  # linux, macos, windows (profile values)
    arch: str  # x86_64, aarch64, arm64 (profile values)
    sys_platform: str  # linux, darwin, win32
    platform_machine: str  # x86_64, aarch64, AMD64, ARM64, arm64
    wheel_arch_suffixes: tuple[str, ...]  # endings of wheel platform tags
    label: str

    @property
    def marker(self) -> str:
        """The PEP 508 marker that is true on exactly this platform."""
        return (
            f"sys_platform == '{self.sys_platform}'"
            f" and platform_machine == '{self.platform_machine}'"
        )

    @property
    def other_marker(self) -> str:
        """The PEP 508 marker that is true everywhere but on this platform (PEP 508 has no
        `not`: each comparison is turned round instead)."""
        return (
            f"sys_platform != '{self.sys_platform}'"
            f" or platform_machine != '{self.platform_machine}'"
        )

    def matches_wheel_platform(self, platform_tag: str) -> bool:
        prefix = {"linux": ("manylinux", "linux"), "macos": ("macosx",), "windows": ("win",)}[
            self.os
        ]
        return platform_tag.startswith(prefix) and platform_tag.endswith(self.wheel_arch_suffixes)


PLATFORMS: dict[str, TargetPlatform] = {
    p.name: p
    for p in (
        TargetPlatform(
            "linux-x86_64", "linux", "x86_64", "linux", "x86_64", ("_x86_64",), "Linux x86_64"
        ),
        TargetPlatform(
            "linux-aarch64", "linux", "aarch64", "linux", "aarch64", ("_aarch64",), "Linux aarch64"
        ),
        TargetPlatform(
            "macos-arm64",
            "macos",
            "arm64",
            "darwin",
            "arm64",
            ("_arm64", "_universal2"),
            "macOS Apple Silicon",
        ),
        TargetPlatform(
            "macos-x86_64",
            "macos",
            "x86_64",
            "darwin",
            "x86_64",
            ("_x86_64", "_universal2"),
            "macOS Intel",
        ),
        TargetPlatform(
            "windows-x86_64",
            "windows",
            "x86_64",
            "win32",
            "AMD64",
            ("win_amd64",),
            "Windows x86_64",
        ),
        TargetPlatform(
            "windows-arm64", "windows", "arm64", "win32", "ARM64", ("win_arm64",), "Windows ARM64"
        ),
    )
}


def platform_named(name: str) -> TargetPlatform:
    try:
        return PLATFORMS[name]
    except KeyError:
        raise BadInput(
            f"Unknown target platform '{name}'.",
            "Use one of: " + ", ".join(PLATFORMS) + ".",
        ) from None


def platform_for(os_name: str, arch: str) -> TargetPlatform | None:
    """The target platform of a machine with this OS and architecture, if any."""
    arch = {"amd64": "x86_64", "x64": "x86_64", "arm64": "arm64", "aarch64": "aarch64"}.get(
        arch.lower(), arch.lower()
    )
    if os_name == "linux" and arch == "arm64":
        arch = "aarch64"
    if os_name in ("macos", "windows") and arch == "aarch64":
        arch = "arm64"
    for p in PLATFORMS.values():
        if p.os == os_name and p.arch == arch:
            return p
    return None
