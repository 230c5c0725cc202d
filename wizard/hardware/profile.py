"""The hardware profile: what a machine has, as detected or loaded from `detect --json`.

Fields that could not be detected are None (absent in JSON), never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.errors import BadInput

SCHEMA = 1
VENDORS = ("nvidia", "amd", "intel", "apple")


VENDOR_WORDS = {"nvidia": "NVIDIA", "amd": "AMD", "intel": "Intel", "apple": "Apple"}


@dataclass(frozen=True)
class GPU:
    """One GPU as the profile format describes it."""

    vendor: str  # nvidia, amd, intel, apple
    name: str | None = None
    memory_mb: int | None = None
    compute_capability: str | None = None  # NVIDIA, "8.9"
    driver_version: str | None = None  # NVIDIA / AMD driver
    gfx: str | None = None  # AMD, "gfx1100"
    integrated: bool | None = None  # Intel / AMD iGPU
    pci_id: str | None = None  # "8086:e20b"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @property
    def label(self) -> str:
        """Its name, else its vendor's: "NVIDIA GPU"."""
        return self.name or f"{VENDOR_WORDS.get(self.vendor, self.vendor)} GPU"


@dataclass(frozen=True)
class CPU:
    """The processor as the profile format describes it."""

    brand: str | None = None
    cores: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class HardwareProfile:
    """A machine: OS, CPU, memory, GPUs and drivers (the profile format of DESIGN.md)."""

    os: str  # linux, macos, windows
    arch: str  # x86_64, aarch64, arm64
    libc: str | None = None  # "glibc 2.36"
    wsl: bool | None = None
    container: bool | None = None
    python: str | None = None
    cpu: CPU = field(default_factory=CPU)
    memory_mb: int | None = None
    gpus: tuple[GPU, ...] = ()
    source: str | None = None  # file it was loaded from; not serialised
    # (vendor, what went wrong) for each vendor whose GPUs could not be detected (its tool is
    # there but failed): that vendor's GPUs are unknown, which is not the same as none.
    gpu_errors: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"schema": SCHEMA, "os": self.os, "arch": self.arch}
        for key in ("libc", "wsl", "container", "python"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        cpu = self.cpu.to_dict()
        if cpu:
            d["cpu"] = cpu
        if self.memory_mb is not None:
            d["memory_mb"] = self.memory_mb
        d["gpus"] = [g.to_dict() for g in self.gpus]
        if self.gpu_errors:
            d["gpu_errors"] = dict(self.gpu_errors)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def gpu_error(self, vendor: str) -> str | None:
        """Why this vendor's GPUs could not be detected (None: detected, or none there)."""
        return dict(self.gpu_errors).get(vendor)

    def gpus_of(self, vendor: str) -> tuple[GPU, ...]:
        return tuple(g for g in self.gpus if g.vendor == vendor)

    @property
    def nvidia_driver(self) -> str | None:
        for g in self.gpus_of("nvidia"):
            if g.driver_version:
                return g.driver_version
        return None

    def describe(self) -> str:
        """One line: 'Linux x86_64, AMD EPYC 7763, NVIDIA GeForce RTX 4090'."""
        parts = [f"{self.os.capitalize() if self.os != 'macos' else 'macOS'} {self.arch}"]
        if self.wsl:
            parts[0] += " (WSL)"
        if self.cpu.brand:
            parts.append(self.cpu.brand)
        # An Apple chip is the CPU and the GPU: its name once.
        names = counted_labels(g for g in self.gpus if g.name != self.cpu.brand)
        if names or not self.gpus:
            parts.append(", ".join(names) if names else "no GPU")
        return ", ".join(parts)


def counted_labels(gpus: Iterable[GPU]) -> list[str]:
    """Each kind of GPU once, with how many there are: ["8 × NVIDIA H100 80GB HBM3"]."""
    counts: dict[str, int] = {}
    for g in gpus:
        counts[g.label] = counts.get(g.label, 0) + 1
    return [f"{n} × {name}" if n > 1 else name for name, n in counts.items()]


def _expect(value: Any, types: type | tuple[type, ...], where: str, source: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise BadInput(
            f"{source}: '{where}' should be {_type_word(types)}, not {value!r}.",
            "Regenerate it with `torch-wizard detect --json`.",
        )
    if not isinstance(value, types):
        raise BadInput(
            f"{source}: '{where}' should be {_type_word(types)}, not {value!r}.",
            "Regenerate it with `torch-wizard detect --json`.",
        )
    return value


def _type_word(types: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "a whole number",
        bool: "true or false",
        dict: "an object",
        list: "a list",
    }
    seq = types if isinstance(types, tuple) else (types,)
    return " or ".join(names.get(t, t.__name__) for t in seq)


def _choices(values: tuple[str, ...]) -> str:
    """'linux, macos or windows'."""
    return f"{', '.join(values[:-1])} or {values[-1]}" if len(values) > 1 else values[0]


def _one_of(value: Any, where: str, values: tuple[str, ...], source: str) -> str:
    """A required field: one of `values`. Absent (or null) says it is missing."""
    hint = "Regenerate it with `torch-wizard detect --json`."
    if value is None:
        raise BadInput(f"{source}: '{where}' is missing; it must be {_choices(values)}.", hint)
    if value not in values:
        raise BadInput(f"{source}: '{where}' must be {_choices(values)}, not {value!r}.", hint)
    return str(value)


def profile_from_dict(data: Any, source: str = "hardware profile") -> HardwareProfile:
    """Build a profile from its JSON form; a wrong type is a BadInput naming the field."""
    hint = "Regenerate it with `torch-wizard detect --json`."
    if not isinstance(data, dict):
        raise BadInput(f"{source}: a hardware profile must be a JSON object.", hint)
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise BadInput(f"{source}: schema {schema!r} is not supported (expected {SCHEMA}).", hint)
    os_name = _one_of(data.get("os"), "os", ("linux", "macos", "windows"), source)
    arch = _one_of(data.get("arch"), "arch", ("x86_64", "aarch64", "arm64"), source)
    cpu_data = _expect(data.get("cpu"), dict, "cpu", source) or {}
    cpu = CPU(
        brand=_expect(cpu_data.get("brand"), str, "cpu.brand", source),
        cores=_expect(cpu_data.get("cores"), int, "cpu.cores", source),
    )
    gpus = []
    for i, g in enumerate(_expect(data.get("gpus"), list, "gpus", source) or []):
        where = f"gpus[{i}]"
        _expect(g, dict, where, source)
        vendor = _one_of(g.get("vendor"), f"{where}.vendor", VENDORS, source)
        # Version-like fields written as JSON numbers (8.9, 580) are read as the strings they
        # spell, the same for each of them.
        cc, driver = (
            str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
            for v in (g.get("compute_capability"), g.get("driver_version"))
        )
        gpus.append(
            GPU(
                vendor=vendor,
                name=_expect(g.get("name"), str, f"{where}.name", source),
                memory_mb=_expect(g.get("memory_mb"), int, f"{where}.memory_mb", source),
                compute_capability=_expect(cc, str, f"{where}.compute_capability", source),
                driver_version=_expect(driver, str, f"{where}.driver_version", source),
                gfx=_expect(g.get("gfx"), str, f"{where}.gfx", source),
                integrated=_expect(g.get("integrated"), bool, f"{where}.integrated", source),
                pci_id=_expect(g.get("pci_id"), str, f"{where}.pci_id", source),
            )
        )
    errors = _expect(data.get("gpu_errors"), dict, "gpu_errors", source) or {}
    for vendor, why in errors.items():
        _one_of(vendor, "gpu_errors", VENDORS, source)
        _expect(why, str, f"gpu_errors.{vendor}", source)
    return HardwareProfile(
        gpu_errors=tuple((str(v), str(w)) for v, w in errors.items()),
        os=os_name,
        arch=arch,
        libc=_expect(data.get("libc"), str, "libc", source),
        wsl=_expect(data.get("wsl"), bool, "wsl", source),
        container=_expect(data.get("container"), bool, "container", source),
        python=_expect(data.get("python"), str, "python", source),
        cpu=cpu,
        memory_mb=_expect(data.get("memory_mb"), int, "memory_mb", source),
        gpus=tuple(gpus),
        source=source,
    )


def load_profile(path: str | Path) -> HardwareProfile:
    """Read a profile written by `torch-wizard detect --json`."""
    return profile_from_dict(_read_json(path), source=str(path))


def load_profile_list(path: str | Path) -> tuple[HardwareProfile, ...]:
    """The profiles in a file: one object, or the array `detect --json --hardware A --hardware B`
    writes (each element as if given with its own --hardware)."""
    data = _read_json(path)
    if not isinstance(data, list):
        return (profile_from_dict(data, source=str(path)),)
    if not data:
        raise BadInput(
            f"{path}: the list of hardware profiles is empty.",
            "Create one with `torch-wizard detect --json > FILE`.",
        )
    return tuple(
        profile_from_dict(item, source=f"{path} [{i}]" if len(data) > 1 else str(path))
        for i, item in enumerate(data)
    )


def _read_json(path: str | Path) -> Any:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(
            f"Hardware profile {p} does not exist.",
            "Create one with `torch-wizard detect --json > FILE`.",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(
            f"Hardware profile {p} cannot be read ({exc.__class__.__name__}).",
            "Create one with `torch-wizard detect --json > FILE`.",
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"Hardware profile {p} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}).",
            "Create one with `torch-wizard detect --json > FILE`.",
        ) from None
    return data
