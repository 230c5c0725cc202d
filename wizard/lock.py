"""Run `uv lock` as one transaction with the pyproject edit, and read uv.lock into a report.

pyproject.toml and uv.lock change together or not at all: their bytes are kept before the
write and put back when uv fails, on Ctrl+C and on SIGTERM.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from wizard.errors import WizardError, WorkFailed
from wizard.names import canonical_name
from wizard.plan import Plan
from wizard.platforms import PLATFORMS, TargetPlatform

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPORTED = ("torch", "torchvision", "torchaudio", "torchao")

# Checks a lock's targets against the machines and the catalog (see session.hardware_check).
HardwareCheck = Callable[[list["TargetLock"]], list[str]]


# --------------------------------------------------------------------------------------
# Finding uv


def find_uv() -> list[str]:
    """The command that runs uv: $UV (set by uvx / uv run), PATH, then `python -m uv`."""
    env_uv = os.environ.get("UV")
    if env_uv and Path(env_uv).is_file():
        return [env_uv]
    on_path = shutil.which("uv")
    if on_path:
        return [on_path]
    import importlib.util

    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    raise WorkFailed(
        "uv was not found (not in $UV, on PATH, or as a Python module).",
        "Install it with `pip install uv` (or see https://docs.astral.sh/uv/), or run the "
        "wizard as `uvx torch-wizard`; or pass --no-lock to write pyproject.toml only.",
    )


# --------------------------------------------------------------------------------------
# The transaction


class Interrupted(WizardError):
    exit_code = 130


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


JOURNAL = ".torch-wizard-journal.json"  # wizard/cli.py checks for this name before importing


@contextmanager
def transaction(folder: Path, lock_folder: Path | None = None) -> Iterator[None]:
    """Put pyproject.toml and uv.lock back byte for byte if the block does not finish.

    `lock_folder` is the workspace root when the project is a member: its pyproject.toml
    and uv.lock belong to the transaction too. The old bytes are also kept in a journal
    file beside the project, so that a run killed outright (SIGKILL, power loss) is undone
    by the next run (`recover`).
    """
    from wizard.project import write_atomically

    files = [folder / "pyproject.toml", folder / "uv.lock"]
    if lock_folder is not None and lock_folder.resolve() != folder.resolve():
        files += [lock_folder / "pyproject.toml", lock_folder / "uv.lock"]
    saved = {f: (f.read_bytes() if f.exists() else None) for f in files}
    journal = folder / JOURNAL
    previous = hangup = None
    try:  # from the journal's first byte: a Ctrl+C at any moment takes the journal with it
        write_atomically(
            journal,
            json.dumps(
                {
                    "about": "torch-wizard was changing these files; the next run puts them back.",
                    "files": {
                        str(f.resolve() if f.exists() else f.absolute()): None
                        if data is None
                        else base64.b64encode(data).decode("ascii")
                        for f, data in saved.items()
                    },
                }
            ).encode("utf-8"),
        )
        try:
            previous = signal.signal(signal.SIGTERM, _raise_interrupt)
            # A closed terminal or SSH session (SIGHUP) puts the files back as well.
            hangup = signal.signal(signal.SIGHUP, _raise_interrupt) if _HUP else None
        except ValueError:  # not the main thread (the full-screen wizard's worker)
            previous = hangup = None
        yield
    except BaseException:
        _restore(saved)
        journal.unlink(missing_ok=True)
        raise
    else:
        journal.unlink(missing_ok=True)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if hangup is not None:
            signal.signal(signal.SIGHUP, hangup)


_HUP = hasattr(signal, "SIGHUP")  # not on Windows


def _restore(saved: Mapping[Path, bytes | None]) -> None:
    from wizard.project import write_atomically

    for f, data in saved.items():
        if data is None:
            f.unlink(missing_ok=True)
        elif not f.exists() or f.read_bytes() != data:
            write_atomically(f, data)


def recover(folder: Path) -> str | None:
    """Undo a run that was killed mid-transaction; returns what was done, in words."""
    journal = folder / JOURNAL
    if not journal.exists():
        return None
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["files"]
        saved = {Path(k): None if v is None else base64.b64decode(v) for k, v in entries.items()}
    except (OSError, ValueError, KeyError, TypeError):
        raise WorkFailed(
            f"{journal} is left from an interrupted run but cannot be read.",
            "Check pyproject.toml and uv.lock by hand, then delete that file.",
        ) from None
    _stop_left_over_lock(folder)
    _restore(saved)
    journal.unlink(missing_ok=True)
    return (
        "An earlier torch-wizard run was interrupted; pyproject.toml and uv.lock were put "
        "back as they were before it."
    )


def _stop_left_over_lock(folder: Path) -> None:
    """Stop the `uv lock` a killed run left behind (killing the wizard outright does not
    stop its child): it would otherwise write its uv.lock after the old files are back."""
    import psutil  # type: ignore[import-untyped]

    here = folder.resolve()
    for proc in psutil.process_iter():
        try:
            cmd = proc.cmdline()
            runs_uv = any(Path(part).name in ("uv", "uv.exe") for part in cmd[:3])
            if not runs_uv or "lock" not in cmd or "--directory" not in cmd:
                continue
            directory = cmd[cmd.index("--directory") + 1 :][:1]
            if not directory or (Path(proc.cwd()) / directory[0]).resolve() != here:
                continue
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except psutil.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        except (psutil.Error, OSError):
            continue  # gone already, or not ours to look at


@dataclass(frozen=True)
class LockRun:
    """One `uv lock` run: whether it worked, its output, and why it failed in one sentence."""

    ok: bool
    output: str
    explanation: str = ""
    cancelled: bool = False  # stopped through `cancel` (the person asked to stop)


def run_uv_lock(
    folder: Path,
    on_line: Callable[[str], None] | None = None,
    extra_args: tuple[str, ...] = (),
    cancel: threading.Event | None = None,
    credentials: Mapping[str, str] | None = None,
) -> LockRun:
    """Run `uv lock` in `folder`, streaming uv's output lines to `on_line`.

    Setting `cancel` (from another thread) stops uv; the run then reports `cancelled`.
    `credentials`: UV_INDEX_<NAME>_USERNAME/PASSWORD for this run (those already set win).
    """
    # An absolute folder: `recover` finds a uv lock left running by it.
    cmd = [*find_uv(), "lock", "--directory", str(folder.absolute()), *extra_args]
    env = dict(os.environ)
    for key, value in (credentials or {}).items():
        env.setdefault(key, value)
    env.setdefault("NO_COLOR", "1")
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        errors="replace",
    )
    # What reading the lock needs is imported while uv works, not after it.
    threading.Thread(target=_import_report_modules, daemon=True).start()
    finished = threading.Event()
    if cancel is not None:

        def stop_when_cancelled() -> None:
            while not finished.wait(0.05):
                if cancel.is_set():
                    proc.terminate()
                    return

        threading.Thread(target=stop_when_cancelled, daemon=True).start()
    lines: list[str] = []
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if on_line:
                on_line(line.rstrip("\n"))
        code = proc.wait()
    except BaseException:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    finally:
        finished.set()
    output = "\n".join(lines)
    if cancel is not None and cancel.is_set() and code != 0:
        return LockRun(False, output, "uv lock was stopped before it finished.", cancelled=True)
    if code == 0:
        return LockRun(True, output)
    return LockRun(False, output, explain_uv_error(output, _index_names(folder)))


def _index_names(folder: Path) -> dict[str, str]:
    """The project's [[tool.uv.index]] URLs and names (for the credentials' variables)."""
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
        entries = data.get("tool", {}).get("uv", {}).get("index", [])
        return {
            str(e["url"]).rstrip("/"): str(e["name"])
            for e in entries
            if isinstance(e, dict) and e.get("url") and e.get("name")
        }
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _import_report_modules() -> None:
    import packaging.markers
    import packaging.utils
    import packaging.version  # noqa: F401


def _readable(line: str) -> str:
    """uv's line without the marker sets it attaches to package names and splits."""
    import re

    line = re.sub(r"\{[^{}]*\}", "", line)
    line = re.sub(r" for split \(markers: .*?\)(?=:|$)", "", line)
    line = line.strip().removeprefix("error:").removeprefix("cause:").strip()
    return line if len(line) <= 300 else line[:297] + "..."


def _cause(lines: list[str]) -> str:
    """uv's "Because ..." sentence, with the lines it continues on (a list of the versions
    there are), up to its full stop: the first line alone can end in "are available:"."""
    start = next((i for i, ln in enumerate(lines) if ln.lower().startswith("because")), None)
    if start is None:
        return ""
    parts = [lines[start]]
    for line in lines[start + 1 : start + 8]:
        if parts[-1].endswith("."):
            break
        parts.append(line)
    text = " ".join(parts)
    return text if len(text) <= 400 else text[:397] + "..."


# uv's hints for an index that refused a request, e.g.
#   hint: An index URL (URL) could not be queried due to a lack of valid authentication
#         credentials (401 Unauthorized)
#   hint: An index (URL) returned a 403 Forbidden error. Check that the index URL is ...
_REFUSED = (
    r"an index url \((?P<url>[^)\s]+)\) could not be queried due to a lack of valid "
    r"authentication credentials \((?P<code>40[13])[^)]*\)"
    r"|an index \((?P<url2>[^)\s]+)\) returned a (?P<code2>40[13])\b"
)


def _refused(output: str) -> tuple[str, str] | None:
    """(index URL, HTTP status) of uv's hint that an index refused access."""
    import re

    m = re.search(_REFUSED, output, re.IGNORECASE)
    if m is None:
        if "401 unauthorized" in output.lower():
            return _first_url(output), "401"
        return None
    return (m.group("url") or m.group("url2") or "").rstrip("/"), m.group("code") or m.group(
        "code2"
    )


def _credentials_hint(url: str, indexes: Mapping[str, str]) -> str:
    from wizard.plan import credential_env_names

    name = indexes.get(url.rstrip("/"))
    user, password = credential_env_names(name) if name else ("UV_INDEX_<NAME>_USERNAME", "")
    if not name:
        return (
            "set UV_INDEX_<NAME>_USERNAME and UV_INDEX_<NAME>_PASSWORD, <NAME> being the "
            "index's name in pyproject.toml in capitals"
        )
    return f"set {user} and {password}"


def _python_download(output: str) -> str | None:
    """The Python version uv failed to download ("3.15.2"), when that is what failed."""
    import re

    for line in output.splitlines():
        if "failed to download" in line.lower():
            m = re.search(r"cpython-(\d+\.\d+(?:\.\d+)?)", line)
            if m:
                return m.group(1)
    return None


def explain_uv_error(output: str, indexes: Mapping[str, str] | None = None) -> str:
    """uv's failure in one plain sentence.

    `indexes`: the project's index URLs and names, to name the variables that take an
    index's credentials.
    """
    import re

    text = output.lower()
    lines = [
        _readable(ln)
        for ln in output.splitlines()
        if ln.strip() and not ln.lower().lstrip().startswith(("using ", "resolved "))
    ]
    cause = _cause(lines)
    detail = cause or next((ln for ln in lines if ln), "")
    if "failed to parse `uv.lock`" in text or "the lockfile at `uv.lock`" in text:
        where = re.search(r"toml parse error at (line \d+, column \d+)", text)
        why = f" (TOML parse error at {where.group(1)})" if where else ""
        if "unsupported schema version" in text:
            why = " (it was written by another uv version)"
        return (
            f"uv could not read the existing uv.lock{why}; delete uv.lock and run again: "
            "uv writes a new one."
        )
    python = _python_download(output)
    if python is not None:
        from urllib.parse import urlsplit

        host = urlsplit(_first_url(output)).netloc
        minor = ".".join(python.split(".")[:2])
        return (
            f"uv could not download Python {python}{' from ' + host if host else ''}; "
            f"install Python {minor} on this machine, or lower requires-python in "
            "pyproject.toml to a Python it has, or set UV_PYTHON_INSTALL_MIRROR to a "
            "mirror of python-build-standalone that can be reached."
        )
    if "no interpreter found for python" in text:
        wanted = re.search(r"no interpreter found for python (\S+)", text)
        spec = wanted.group(1) if wanted else ""
        return (
            f"uv found no Python {spec} on this machine and may not download one; install "
            "it, or lower requires-python in pyproject.toml to a Python this machine has."
        )
    refused = _refused(output)
    if refused is not None and refused[1] == "401":
        url = refused[0]
        return (
            f"The index {url or 'uv names above'} refused access (401 Unauthorized): "
            f"{_credentials_hint(url, indexes or {})} to its user name and password (in the "
            "environment, never in pyproject.toml) and run again."
        )
    if "returned a 403" in text or "returned a 404" in text:
        missing = next((ln for ln in lines if "there are no versions of" in ln.lower()), "")
        if missing:
            return (
                f"A package is not on the index it is pinned to: {missing} (the index "
                "answered 403/404, as PyTorch's does for a package it does not carry)."
            )
    if refused is not None:  # 403: refused, or (PyTorch's way) a package it lacks
        url = refused[0]
        found = re.search(
            r"because (\S+) was not found in the package registry", output, re.IGNORECASE
        )
        package = found.group(1) if found else "the package"
        return (
            f"The index {url} answered 403 Forbidden for {package}: it refused access, or "
            f"does not carry {package} (PyTorch's indexes answer 403 for a package they "
            f"lack). If it needs a login, {_credentials_hint(url, indexes or {})}; "
            f"otherwise check that {package} is on that index."
        )
    if any(
        s in text
        for s in (
            "connection refused",
            "tcp connect error",
            "dns error",
            "failed to fetch",
            "error sending request",
            "timed out",
        )
    ):
        url = _first_url(output)
        return (
            f"uv could not reach the package index{' ' + url if url else ''}; check the "
            "network and the index settings (--index-base for PyTorch's indexes, "
            "UV_DEFAULT_INDEX or [[tool.uv.index]] for the others)."
        )
    if (
        "required-environments" in text
        or "matching platform tag" in text
        or ("has no wheels" in text)
    ):
        return (
            "A target has no matching wheel: some package has no build for one of the "
            f"chosen platforms or Python versions ({detail})."
        )
    if "no solution found" in text or "unsatisfiable" in text:
        return f"The version requirements cannot all be met: {detail}"
    if "failed to parse" in text:
        return f"uv could not read pyproject.toml: {detail}"
    return f"uv lock failed: {detail}"


def _first_url(text: str) -> str:
    for word in text.replace("`", " ").split():
        if word.startswith(("http://", "https://")):
            return word.rstrip(".,:)")
    return ""


# --------------------------------------------------------------------------------------
# Reading uv.lock


def project_entry(
    packages: list[dict[str, Any]], member: str | None = None
) -> dict[str, Any] | None:
    """The lock's entry for the project itself (or for a workspace member, by name)."""
    for p in packages:
        if member is not None:
            if canonical_name(p["name"]) == canonical_name(member):
                return p
        elif (
            p.get("source", {}).get("editable") == "." or p.get("source", {}).get("virtual") == "."
        ):
            return p
    return None


def torch_dependents(folder: Path) -> list[str]:
    """Packages in an existing uv.lock that require torch (empty when there is no lock)."""
    return dependents_of(folder, ("torch",)).get("torch", [])


def dependents_of(folder: Path, names: tuple[str, ...]) -> dict[str, list[str]]:
    """For each of `names`, the packages in an existing uv.lock that require it (only the
    names some package requires; empty when there is no lock)."""
    path = folder / "uv.lock"
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, set[str]] = {}
    packages = data.get("package", [])
    root = project_entry(packages)
    for pkg in packages:
        if pkg is root:
            continue
        for d in pkg.get("dependencies", []):
            wanted = canonical_name(d.get("name", ""))
            if wanted in names:
                out.setdefault(wanted, set()).add(pkg["name"])
    return {k: sorted(v) for k, v in out.items()}


@dataclass(frozen=True)
class LockedPackage:
    """A package of the torch family as uv.lock pins it for one target."""

    name: str
    version: str
    variant: str  # local label ("cu130", "cpu"), or "pypi" for a label-less PyPI build
    index: str  # registry URL it comes from


@dataclass(frozen=True)
class TargetLock:
    """What one target (or one variant extra) will install."""

    platform: str
    extra: str | None  # the variant extra, in variants mode
    packages: Mapping[str, LockedPackage]  # torch-family packages that install
    download_bytes: int
    wheel_count: int
    cuda_from_pypi: bool  # nvidia-* wheels come along (PyPI's CUDA build)
    warnings: tuple[str, ...] = ()

    @property
    def torch(self) -> LockedPackage | None:
        return self.packages.get("torch")


@dataclass(frozen=True)
class LockReport:
    """What uv.lock gives every target, with the warnings about it."""

    targets: tuple[TargetLock, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": [
                {
                    "platform": t.platform,
                    "extra": t.extra,
                    "packages": {
                        n: {"version": p.version, "variant": p.variant, "index": p.index}
                        for n, p in t.packages.items()
                    },
                    "download_bytes": t.download_bytes,
                    "wheels": t.wheel_count,
                    "warnings": list(t.warnings),
                }
                for t in self.targets
            ],
            "warnings": list(self.warnings),
        }


def _env_for(platform: TargetPlatform, python: str, extra: str) -> dict[str, str]:
    return {
        "sys_platform": platform.sys_platform,
        "platform_machine": platform.platform_machine,
        "platform_system": {"linux": "Linux", "macos": "Darwin", "windows": "Windows"}[platform.os],
        "os_name": "nt" if platform.os == "windows" else "posix",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": extra,
    }


def _marker_true(marker: str | None, env: dict[str, str]) -> bool:
    if not marker:
        return True
    from packaging.markers import InvalidMarker, Marker

    try:
        return Marker(marker).evaluate(env)
    except (InvalidMarker, Exception):  # an unknown marker variable: count it as applying
        return True


def wheel_fits(url: str, platform: TargetPlatform, python: str) -> bool:
    """Whether a wheel (its URL or file name) installs on this platform and Python."""
    from urllib.parse import unquote

    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    filename = unquote(url.rsplit("/", 1)[-1].split("#", 1)[0])
    try:
        _, _, _, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return False
    py = "cp" + python.replace(".", "")
    minor = int(python.split(".")[1])
    for tag in tags:
        plat_ok = tag.platform == "any" or platform.matches_wheel_platform(tag.platform)
        if tag.interpreter in (py, "py3", f"py{python.replace('.', '')}") or (
            tag.abi == "abi3"
            and tag.interpreter.startswith("cp3")
            and int(tag.interpreter[3:] or 0) <= minor
        ):
            py_ok = tag.abi in (py, "abi3", "none") or tag.abi == f"{py}"
        else:
            py_ok = False
        if plat_ok and py_ok:
            return True
    return False


def _lowest_python(requires_python: str | None) -> str:
    from packaging.specifiers import SpecifierSet

    spec = SpecifierSet(requires_python or "")
    for minor in range(8, 20):
        if spec.contains(f"3.{minor}.0") or spec.contains(f"3.{minor}.99"):
            return f"3.{minor}"
    return "3.12"


def read_lock(
    folder: Path,
    plan: Plan | None = None,
    python: str | None = None,
    member: str | None = None,
    hardware: HardwareCheck | None = None,
    variant_groups: bool = False,
) -> LockReport:
    """What each target (and each variant extra) installs according to uv.lock.

    `member`: the workspace member whose dependencies count (default: the root project).
    `variant_groups`: the plan's variants are conflicting dependency groups, not extras.
    """
    data = tomllib.loads((folder / "uv.lock").read_text(encoding="utf-8"))
    packages: list[dict[str, Any]] = data.get("package", [])
    py = python or _lowest_python(data.get("requires-python"))
    root = project_entry(packages, member)
    if root is None:
        raise WorkFailed("uv.lock has no entry for the project itself.", "Run `uv lock` again.")
    project = canonical_name(root["name"])
    by_name: dict[str, list[dict[str, Any]]] = {}
    for p in packages:
        by_name.setdefault(canonical_name(p["name"]), []).append(p)

    def lookup(dep: Mapping[str, Any]) -> dict[str, Any] | None:
        cands = by_name.get(canonical_name(dep["name"]), [])
        if "version" in dep:
            cands = [c for c in cands if c.get("version") == dep["version"]]
        if "source" in dep:
            cands = [c for c in cands if c.get("source") == dep["source"]] or cands
        return cands[0] if cands else None

    targets = plan.targets if plan else ()
    platforms = [t.platform for t in targets] or list(_platforms_in_lock(data))
    extras: list[str | None] = [None]
    if plan and (plan.variants or plan.torch_extras):
        extras = list(plan.variants or plan.torch_extras)
    results = []
    for name in platforms:
        tp = PLATFORMS[name]
        for extra in extras:
            # uv.lock names extras as PEP 685 normalises them: "rocm7.2" is "rocm7-2".
            normal = canonical_name(extra) if extra else ""
            # uv marks what an extra (or a conflicting group) brings: extra == 'extra-4-demo-cpu'
            kind = "group" if variant_groups else "extra"
            encoded = f"{kind}-{len(project)}-{project}-{normal}" if extra else ""
            env = _env_for(tp, py, encoded)
            seen: set[tuple[str, str, str]] = set()
            chosen: dict[str, dict[str, Any]] = {}
            stack: list[dict[str, Any]] = []
            deps = list(root.get("dependencies", []))
            for group in plan.torch_groups if plan else ():  # uv.lock: [package.dev-dependencies]
                deps += root.get("dev-dependencies", {}).get(canonical_name(group), [])
            if extra:
                table = "dev-dependencies" if variant_groups else "optional-dependencies"
                deps += root.get(table, {}).get(normal, [])
            # A companion in an extra or group of its own is synced beside torch's home.
            for kind, home in plan.companion_homes if plan else ():
                table = "optional-dependencies" if kind == "extra" else "dev-dependencies"
                deps += root.get(table, {}).get(canonical_name(home), [])
            stack.extend(deps)
            while stack:
                dep = stack.pop()
                if not _marker_true(dep.get("marker"), env):
                    continue
                pkg = lookup(dep)
                if pkg is None:
                    continue
                key = (pkg["name"], pkg.get("version", ""), str(pkg.get("source")))
                extras_of_dep = dep.get("extra", [])
                for e in extras_of_dep:
                    stack.extend(pkg.get("optional-dependencies", {}).get(e, []))
                if key in seen:
                    continue
                seen.add(key)
                chosen.setdefault(canonical_name(pkg["name"]), pkg)
                stack.extend(pkg.get("dependencies", []))
            results.append(_target_lock(name, extra, chosen, tp, py))
    warnings = _report_warnings(results, plan)
    if hardware is not None:
        warnings += hardware(results)
    return LockReport(tuple(results), tuple(warnings))


def _platforms_in_lock(data: Mapping[str, Any]) -> list[str]:
    envs = data.get("required-markers") or data.get("supported-markers") or []
    found = []
    for p in PLATFORMS.values():
        if any(_marker_true(m, _env_for(p, "3.12", "")) for m in envs):
            found.append(p.name)
    return found or ["linux-x86_64"]


def _target_lock(
    platform: str,
    extra: str | None,
    chosen: Mapping[str, dict[str, Any]],
    tp: TargetPlatform,
    py: str,
) -> TargetLock:
    from packaging.version import Version

    total = 0
    count = 0
    missing: list[str] = []
    for name, pkg in chosen.items():
        wheels = pkg.get("wheels", [])
        # a registry's wheel has a url, a flat index's in a folder a path, a local one its name
        fit = next(
            (
                w
                for w in wheels
                if wheel_fits(w.get("url") or w.get("path") or w.get("filename", ""), tp, py)
            ),
            None,
        )
        if fit is not None:
            total += int(fit.get("size", 0) or 0)
            count += 1
        elif wheels or not pkg.get("sdist"):
            missing.append(name)
    family = {}
    for name in REPORTED:
        found = chosen.get(name)
        if found is None:
            continue
        version = found.get("version", "")
        local = Version(version).local if version else None
        source = found.get("source", {})
        where = next((source[k] for k in _WHERE if isinstance(source.get(k), str)), "")
        family[name] = LockedPackage(name, version, local or "pypi", where)
    warnings = []
    label = tp.label + (f" [{extra}]" if extra else "")
    if "torch" not in family:
        warnings.append(f"{label}: torch is not installed for this target.")
    for name in missing:
        if name in REPORTED:
            warnings.append(f"{label}: {name} has no wheel for this platform and Python {py}.")
    cuda_from_pypi = any(n.startswith("nvidia-") for n in chosen)
    return TargetLock(platform, extra, family, total, count, cuda_from_pypi, tuple(warnings))


def _report_warnings(results: list[TargetLock], plan: Plan | None) -> list[str]:
    from packaging.version import Version

    warnings: list[str] = []
    releases = {Version(t.torch.version).public for t in results if t.torch}
    minors = {".".join(v.split(".")[:2]) for v in releases}
    if len(minors) > 1:
        warnings.append(
            "Different torch releases on different targets: " + ", ".join(sorted(releases)) + "."
        )
    if plan is not None and not plan.variants:  # (a torch extra still has the planned build)
        wanted = {t.platform: t.backend for t in plan.targets}
        for t in results:
            backend = wanted.get(t.platform)
            if t.torch is None or backend is None:
                continue
            label = PLATFORMS[t.platform].label
            if backend not in ("default",) and t.torch.variant not in (backend, "pypi"):
                warnings.append(
                    f"{label}: planned {backend}, but the lock has torch {t.torch.version}."
                )
            if backend == "cpu" and t.cuda_from_pypi:
                warnings.append(
                    f"{label}: planned the CPU build, but the lock pulls CUDA (nvidia-*) wheels."
                )
    for t in results:
        warnings.extend(t.warnings)
        warnings.extend(_mixed_indexes(t))
    return warnings


def _mixed_indexes(t: TargetLock) -> list[str]:
    """A companion from another index than torch: built for another torch build."""
    torch = t.torch
    if torch is None:
        return []
    label = PLATFORMS[t.platform].label + (f" [{t.extra}]" if t.extra else "")
    out = []
    for name in ("torchvision", "torchaudio"):
        pkg = t.packages.get(name)
        # another index with the same build label (a local wheel, a mirror) is the same build
        if (
            pkg is not None
            and pkg.index.rstrip("/") != torch.index.rstrip("/")
            and pkg.variant != torch.variant
        ):
            out.append(
                f"{label}: {name} {pkg.version} comes from {_index_words(pkg.index)} but torch "
                f"{torch.version} from {_index_words(torch.index)}, so they are built for "
                f"different torch builds. Make {name} a direct dependency "
                f"(`torch-wizard --with {name}`)."
            )
    return out


# Where a locked package comes from, in the order uv.lock's `source` may say it.
_WHERE = ("registry", "url", "path", "directory", "editable", "git")


def index_label(url: str) -> str:
    """An index as the report names it: PyPI, or its variant (cu130, nightly/cu130); a file or
    folder by its last part."""
    url = url.rstrip("/")
    if "pypi.org" in url or url.endswith("/simple"):
        return "PyPI"
    parts = url.split("/")
    if len(parts) > 1 and parts[-2] in ("nightly", "test"):
        return "/".join(parts[-2:])
    return parts[-1] or "(unknown)"


def _index_words(url: str) -> str:
    label = index_label(url)
    if label == "PyPI" or "/" not in url.rstrip("/"):  # PyPI, or a local file by its name
        return label
    return f"the {label} index"
