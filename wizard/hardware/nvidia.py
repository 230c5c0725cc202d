"""NVIDIA GPUs: the driver version from the kernel module, the GPUs from nvidia-smi.

The compute capability comes only from `nvidia-smi --query-gpu=compute_cap` (drivers from
about 510 on); older drivers reject that field and then it stays absent, never guessed from
the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from wizard.hardware.profile import GPU
from wizard.hardware.system import ProbeResult, ToolRun, find_tool, read_text, run_tool, tool_note

QUERY_FIELDS = ("name", "memory.total", "compute_cap", "driver_version")
QUERY_FIELDS_OLD_DRIVER = ("name", "memory.total", "driver_version")

# ---------------------------------------------------------------------------------------------
# Pure parsers


def parse_module_version(text: str | None) -> str | None:
    """/sys/module/nvidia/version holds just the driver version: "550.54.14"."""
    if not text:
        return None
    m = re.match(r"\s*(\d+\.\d+(?:\.\d+)*)\s*$", text)
    return m.group(1) if m else None


def parse_proc_driver_version(text: str | None) -> str | None:
    """/proc/driver/nvidia/version: "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14 ..."

    The open kernel modules say "NVIDIA UNIX Open Kernel Module for x86_64  575.57.08 ...".
    """
    if not text:
        return None
    m = re.search(r"Kernel Module(?:\s+for\s+\S+)?\s+(\d+\.\d+(?:\.\d+)*)", text)
    return m.group(1) if m else None


def _field_name(header: str) -> str:
    """'memory.total [MiB]' -> 'memory.total'."""
    return header.split("[", 1)[0].strip()


def _cell(value: str) -> str | None:
    value = value.strip()
    if not value or value.startswith("[") or value in ("N/A", "Not Supported"):
        return None  # "[N/A]", "[Not Supported]", "[Requested functionality ...]"
    return value


def _mib(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.match(r"(\d+)\s*(MiB)?$", value)
    return int(m.group(1)) if m else None


def parse_query_csv(text: str, fields: tuple[str, ...] = QUERY_FIELDS) -> list[GPU]:
    """Rows of `nvidia-smi --query-gpu=<fields> --format=csv[,noheader][,nounits]`.

    A header line, when present, decides the column order; units such as " MiB" are
    accepted. Lines that do not have one cell per field (an error message) are skipped.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    columns = list(fields)
    if lines and "name" in [_field_name(c) for c in lines[0].split(",")]:
        columns = [_field_name(c) for c in lines[0].split(",")]
        lines = lines[1:]
    gpus = []
    for line in lines:
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != len(columns):
            continue
        row = dict(zip(columns, cells, strict=True))
        cc = _cell(row.get("compute_cap", ""))
        if cc is not None and not re.fullmatch(r"\d+\.\d+", cc):
            cc = None
        gpus.append(
            GPU(
                vendor="nvidia",
                name=_cell(row.get("name", "")),
                memory_mb=_mib(_cell(row.get("memory.total", ""))),
                compute_capability=cc,
                driver_version=_cell(row.get("driver_version", "")),
            )
        )
    return gpus


def is_unknown_field_error(text: str) -> bool:
    """Old drivers answer `Field "compute_cap" is not a valid field to query.`"""
    return "is not a valid field to query" in text


@dataclass(frozen=True)
class SmiTable:
    """What the plain `nvidia-smi` table tells: driver, CUDA version, GPU names and memory."""

    driver_version: str | None
    cuda_version: str | None
    gpus: tuple[GPU, ...]


# "|   0  NVIDIA GeForce RTX 4090        On  |   00000000:01:00.0 Off |"  (drivers 525+)
# "|   0  GeForce RTX 306... WDDM  | 00000000:01:00.0 Off |"             (older, Windows)
_GPU_ROW = re.compile(r"^\|\s*(\d+)\s+(.+?)\s+(On|Off|WDDM|TCC|MCDM|N/A)\s*\|\s*[0-9A-Fa-f]+:")
_MEMORY = re.compile(r"(\d+)MiB\s*/\s*(\d+)MiB")


def parse_smi_table(text: str) -> SmiTable:
    """The plain `nvidia-smi` output; drivers 610+ print "KMD Version" / "CUDA UMD Version"."""
    driver = re.search(r"(?:Driver|KMD) Version:\s*(\d+\.\d+(?:\.\d+)*)", text)
    cuda = re.search(r"CUDA (?:UMD )?Version:\s*(\d+\.\d+)", text)
    gpus: list[GPU] = []
    for line in text.splitlines():
        row = _GPU_ROW.match(line)
        if row:
            gpus.append(GPU(vendor="nvidia", name=row.group(2).strip()))
            continue
        mem = _MEMORY.search(line)
        if mem and gpus and gpus[-1].memory_mb is None:
            gpus[-1] = replace(gpus[-1], memory_mb=int(mem.group(2)))
    driver_version = driver.group(1) if driver else None
    gpus = [replace(g, driver_version=driver_version) for g in gpus]
    return SmiTable(driver_version, cuda.group(1) if cuda else None, tuple(gpus))


def parse_proc_gpu_information(text: str) -> GPU | None:
    """/proc/driver/nvidia/gpus/<bus>/information: "Model: \t\t NVIDIA GeForce RTX 4090"."""
    m = re.search(r"^Model:\s*(.+?)\s*$", text, re.MULTILINE)
    return GPU(vendor="nvidia", name=m.group(1)) if m else None


# ---------------------------------------------------------------------------------------------
# Probe


def driver_from_kernel(root: Path) -> str | None:
    """The loaded kernel module's version (absent on WSL, where the Windows driver serves)."""
    return parse_module_version(
        read_text(root / "sys" / "module" / "nvidia" / "version")
    ) or parse_proc_driver_version(read_text(root / "proc" / "driver" / "nvidia" / "version"))


def find_nvidia_smi(root: Path, env_path: str | None, wsl: bool) -> str | None:
    tool = find_tool("nvidia-smi", env_path)
    if tool is None and wsl:
        wsl_smi = root / "usr" / "lib" / "wsl" / "lib" / "nvidia-smi"
        if wsl_smi.is_file():
            tool = str(wsl_smi)
    return tool


def probe_nvidia(
    root: Path = Path("/"),
    env_path: str | None = None,
    timeout: float = 3.0,
    wsl: bool = False,
) -> ProbeResult:
    """NVIDIA GPUs with name, memory, compute capability and driver version."""
    kernel_driver = driver_from_kernel(root)
    gpus: list[GPU] = []
    run: ToolRun | None = None
    smi = find_nvidia_smi(root, env_path, wsl)
    if smi is not None:
        gpus, run = _query(smi, timeout)
        if not gpus and not run.timed_out:
            run = run_tool(smi, [], timeout)
            if run.ok:
                gpus = list(parse_smi_table(run.stdout).gpus)
    if not gpus:
        gpus = _from_procfs(root)
    if not gpus:
        why = tool_note("nvidia-smi", run if smi else None, timeout)
        note = f"driver {kernel_driver} is loaded but {why}" if kernel_driver else why
        failed = None
        if kernel_driver or (smi is not None and run is not None and not run.ok):
            # The tool (or the kernel module) is there but could not list the GPUs: a driver
            # that is not loaded, a hang. That is "unknown", not "no NVIDIA GPU".
            said = _first_line(run.stdout + "\n" + run.stderr) if run is not None else ""
            failed = note + (f": {said}" if said else "")
        return ProbeResult((), note, failed)
    if kernel_driver:
        gpus = [replace(g, driver_version=kernel_driver) for g in gpus]
    return ProbeResult(tuple(gpus))


def _first_line(text: str, limit: int = 160) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."


def _query(smi: str, timeout: float) -> tuple[list[GPU], ToolRun]:
    run = ToolRun(None)
    for fields in (QUERY_FIELDS, QUERY_FIELDS_OLD_DRIVER):
        run = run_tool(
            smi, [f"--query-gpu={','.join(fields)}", "--format=csv,noheader,nounits"], timeout
        )
        if run.ok:
            return parse_query_csv(run.stdout, fields), run
        if run.timed_out or not is_unknown_field_error(run.stdout + run.stderr):
            break
    return [], run


def _from_procfs(root: Path) -> list[GPU]:
    gpus_dir = root / "proc" / "driver" / "nvidia" / "gpus"
    try:
        buses = sorted(p for p in gpus_dir.iterdir() if p.is_dir())
    except OSError:
        return []
    found = (parse_proc_gpu_information(read_text(b / "information") or "") for b in buses)
    return [g for g in found if g is not None]
