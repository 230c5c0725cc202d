"""`torch-wizard doctor`: is the project's environment really what the hardware needs?

Reads the installed torch family from the environment's `*.dist-info` folders (torch is never
imported here), compares it with uv.lock and with the hardware, and turns every check into a
`Finding`, so the report reads as a checklist. `probe_runtime` is the one part that runs torch:
in the environment's own Python, in a child process with a time limit.

Finding codes:
  problems   no-torch-dependency, lock-corrupt, no-environment, not-installed, out-of-sync,
             cpu-build-with-gpu, cuda-newer-than-driver, arch-not-compiled, rocm-gfx-unsupported,
             companion-mismatch, gpu-build-without-gpu (another GPU goes unused),
             run-crashed, run-timeout, run-import-failed, run-device-failed,
             run-cuda-unavailable
  warnings   no-lock, lock-unreadable, not-in-lock, extra-package, platform-differs,
             project-not-editable, locked-build-differs (another platform's profile),
             duplicate-install, driver-unknown, arch-unknown, gfx-unknown,
             companion-unknown, triton-missing, gpu-build-without-gpu (no GPU at all),
             gpu-unused (the CPU build fits until the driver is upgraded),
             hardware-unknown, run-version-differs
  ok         environment, installed, in-sync, build-fits, driver-ok, arch-ok, gfx-ok,
             companion-ok, run-import, run-device, locked-for-platform

When the hardware profile is of another platform than the environment's wheels (a macOS
profile checked in a Linux environment), the installed build is not judged against that
machine: doctor says so, and checks what uv.lock installs on the profile's platform instead.

When nothing is installed yet (no environment, or no torch in it), the build checks judge the
torch `uv sync` would install from uv.lock, so a build that does not fit the machine (a 3 GB
CUDA build on a machine without a GPU) is named before the sync is recommended.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.parser import HeaderParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from packaging.version import InvalidVersion, Version

from wizard.catalog.model import Catalog, Release, minor_of
from wizard.errors import BadInput, WizardError, parse_version
from wizard.hardware.profile import GPU, VENDOR_WORDS, HardwareProfile
from wizard.lock import LockedPackage, project_entry, read_lock, wheel_fits
from wizard.names import canonical_name
from wizard.platforms import PLATFORMS, TargetPlatform, platform_for
from wizard.recommend import Recommendation, intel_runs_xpu, is_tegra, recommend

if TYPE_CHECKING:
    from wizard.project import ExistingSetup

Severity = Literal["problem", "warning", "ok"]

# The distributions the doctor reads (canonical names); nvidia-* are only counted.
FAMILY = (
    "torch",
    "torchvision",
    "torchaudio",
    "torchao",
    "triton",
    "pytorch-triton-rocm",
    "pytorch-triton-xpu",
)
# Wheels built against one torch release, with the same local label as torch.
PAIRED = ("torchvision", "torchaudio")
# What uv.lock is compared on (the packages wizard.lock reports).
LOCKED = ("torch", "torchvision", "torchaudio", "torchao")

RUN_TIMEOUT = 60.0
_RESULT_MARK = "@@torch-wizard-doctor@@"


@dataclass(frozen=True)
class Finding:
    """One line of the checklist: what is wrong (or right), why it matters, how to fix it."""

    code: str
    severity: Severity
    what: str
    why: str = ""
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity,
            "what": self.what,
            "why": self.why,
            "fix": self.fix,
        }


# --------------------------------------------------------------------------------------
# The environment and what is installed in it


@dataclass(frozen=True)
class Environment:
    path: Path
    site_packages: Path
    python: Path | None  # the interpreter, when present
    python_version: str | None  # "3.11.7"
    broken: str | None = None  # why its Python cannot start, when it cannot

    @property
    def python_minor(self) -> str | None:
        if not self.python_version:
            return None
        parts = self.python_version.split(".")
        return ".".join(parts[:2]) if len(parts) >= 2 else None


def environment_path(project: Path, environ: Mapping[str, str]) -> Path:
    """Where uv puts the project's environment: $UV_PROJECT_ENVIRONMENT or `.venv`."""
    configured = environ.get("UV_PROJECT_ENVIRONMENT")
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else project / path
    return project / ".venv"


def _pyvenv_version(folder: Path) -> str | None:
    try:
        text = (folder / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    # uv writes version_info; python -m venv writes version.
    return values.get("version_info") or values.get("version") or None


def find_environment(folder: Path) -> Environment | None:
    """The environment in `folder`, or None when there is none (no site-packages)."""
    if not folder.is_dir():
        return None
    version = _pyvenv_version(folder)
    candidates = sorted(folder.glob("lib/python3*/site-packages")) + sorted(
        folder.glob("lib/pypy3*/site-packages")
    )
    windows = folder / "Lib" / "site-packages"
    if windows.is_dir():
        candidates.append(windows)
    candidates = [c for c in candidates if c.is_dir()]
    if not candidates:
        return None
    site = candidates[-1]
    if version:
        minor = ".".join(version.split(".")[:2])
        site = next(
            (c for c in candidates if c.parent.name in (f"python{minor}", f"python{minor}t")), site
        )
    if version is None:
        found = re.fullmatch(r"python(3\.\d+)t?", site.parent.name)
        version = found.group(1) if found else None
    interpreters = (
        folder / "bin" / "python",
        folder / "bin" / "python3",
        folder / "Scripts" / "python.exe",
    )
    python = next((p for p in interpreters if p.exists()), None)
    broken = None if python else _missing_interpreter(interpreters)
    return Environment(folder, site, python, version, broken)


def _missing_interpreter(interpreters: Sequence[Path]) -> str:
    """Why an environment has no interpreter: a link to one that is gone, or none at all."""
    for link in (i for i in interpreters if i.is_symlink()):
        end = link
        for _ in range(40):  # python3 -> python -> /the/interpreter
            target = Path(os.readlink(end))
            target = target if target.is_absolute() else end.parent / target
            if not target.is_symlink():
                break
            end = target
        return f"its {link.name} points to {target}, which does not exist"
    return "it has no Python interpreter (bin/python)"


@dataclass(frozen=True)
class InstalledPackage:
    name: str  # canonical
    version: str  # with its local label: "2.15.0+cu130"
    installer: str | None = None  # "uv", "pip" (the INSTALLER file)
    url: str | None = None  # direct_url.json: where a direct install came from
    wheel_tags: tuple[str, ...] = ()  # the WHEEL file's Tag lines

    @property
    def label(self) -> str | None:
        """The local version label ("cu130"), None for a label-less build."""
        try:
            return Version(self.version).local
        except InvalidVersion:
            return None

    @property
    def public(self) -> str:
        try:
            return Version(self.version).public
        except InvalidVersion:
            return self.version

    def origin(self) -> str:
        """Where it came from, as far as the environment recorded it."""
        by = f"by {self.installer}" if self.installer else "installer not recorded"
        return f"{by}, from {self.url}" if self.url else by

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "label": self.label,
            "installer": self.installer,
            "url": self.url,
            "wheel_tags": list(self.wheel_tags),
        }


@dataclass(frozen=True)
class Installed:
    packages: Mapping[str, InstalledPackage]
    nvidia: tuple[str, ...] = ()  # nvidia-* distributions (PyPI's CUDA libraries)
    duplicates: tuple[str, ...] = ()  # names with more than one dist-info folder

    @property
    def torch(self) -> InstalledPackage | None:
        return self.packages.get("torch")


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _read_dist_info(folder: Path, fallback_name: str) -> InstalledPackage | None:
    text = _read_text(folder / "METADATA")
    if text is None:
        return None
    headers = HeaderParser().parsestr(text)
    name = canonical_name(str(headers.get("Name") or fallback_name))
    version = str(headers.get("Version") or "").strip()
    if not version:
        return None
    installer = (_read_text(folder / "INSTALLER") or "").strip() or None
    url = None
    direct = _read_text(folder / "direct_url.json")
    if direct:
        try:
            data = json.loads(direct)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("url"), str):
            url = data["url"]
    tags: tuple[str, ...] = ()
    wheel = _read_text(folder / "WHEEL")
    if wheel:
        tags = tuple(
            line.split(":", 1)[1].strip()
            for line in wheel.splitlines()
            if line.lower().startswith("tag:")
        )
    return InstalledPackage(name, version, installer, url, tags)


def read_installed(site_packages: Path) -> Installed:
    """The torch family installed in `site_packages`, from metadata alone."""
    packages: dict[str, InstalledPackage] = {}
    nvidia: list[str] = []
    duplicates: list[str] = []
    try:
        entries = sorted(site_packages.iterdir())
    except OSError:
        entries = []
    for entry in entries:
        if not entry.name.endswith(".dist-info") or not entry.is_dir():
            continue
        name = canonical_name(entry.name[: -len(".dist-info")].split("-", 1)[0])
        if name.startswith("nvidia-"):
            nvidia.append(name)
            continue
        if name not in FAMILY:
            continue
        pkg = _read_dist_info(entry, name)
        if pkg is None:
            continue
        if pkg.name in packages:
            duplicates.append(pkg.name)
            continue
        packages[pkg.name] = pkg
    return Installed(packages, tuple(sorted(set(nvidia))), tuple(sorted(set(duplicates))))


# --------------------------------------------------------------------------------------
# What uv.lock installs on this platform


@dataclass(frozen=True)
class LockedSet:
    """The torch family uv.lock installs on this platform, for one extra (or none)."""

    extra: str | None  # the variant extra, or the variant group when `kind` is "group"
    packages: Mapping[str, LockedPackage]
    kind: str = "extra"

    @property
    def torch(self) -> LockedPackage | None:
        return self.packages.get("torch")


@dataclass(frozen=True)
class LockState:
    path: Path
    sets: tuple[LockedSet, ...]  # those whose torch has a wheel for this platform
    extras: tuple[str, ...]  # the variant extras (extras that bring torch), or variant groups
    error: str | None = None
    variant_kind: str = "extra"  # "group": the variants are conflicting dependency groups
    corrupt: bool = False  # not TOML at all: every uv command stops at it
    groups: tuple[str, ...] = ()  # dependency groups with torch or a companion (read with it)
    sync_homes: tuple[tuple[str, str], ...] = ()  # see `homes_to_sync`, in uv.lock's order
    root_torch: bool = True  # the project's own entry asks for torch (dependency, extra, group)
    stale: tuple[str, ...] = ()  # how pyproject.toml's requirements changed since `uv lock`

    @property
    def current(self) -> bool:
        """Readable and made from pyproject.toml's requirements as they are now."""
        return not self.error and not self.stale


def _has_wheel(
    packages: Sequence[Mapping[str, Any]], pkg: LockedPackage, platform: TargetPlatform, python: str
) -> bool:
    """Whether uv.lock has a wheel of this package version for the platform (or an sdist)."""
    for entry in packages:
        if canonical_name(str(entry.get("name", ""))) != pkg.name:
            continue
        if entry.get("version") != pkg.version:
            continue
        wheels = entry.get("wheels") or []
        if not wheels and entry.get("sdist"):
            return True
        for w in wheels:  # a flat index in a folder records a `path`, a registry a `url`
            where = w.get("url") or w.get("filename") or w.get("path") or ""
            if wheel_fits(str(where), platform, python):
                return True
    return False


if sys.version_info >= (3, 11):
    import tomllib

    def _load_toml(text: str) -> dict[str, Any]:
        return tomllib.loads(text)

else:  # Python 3.10 has no tomllib

    def _load_toml(text: str) -> dict[str, Any]:
        import tomlkit

        data: dict[str, Any] = tomlkit.parse(text).unwrap()
        return data


# --------------------------------------------------------------------------------------
# Whether uv.lock is current: what it was locked from against pyproject.toml
#
# uv records the root project's requirements in [package.metadata]: `requires-dist` (an
# extra's requirements carry `extra == 'name'` in their marker, the name PEP 685 normalised),
# `provides-extras`, and `[package.metadata.requires-dev]` (groups, include-group expanded).
# It rewrites markers (python_version becomes python_full_version, a source's marker is
# joined in), sorts specifiers and splits a requirement once per source, so markers are not
# compared; names, extras, specifiers and the index a requirement comes from are.

# Keys of a requires-dist entry that come from a source other than an index: no specifier.
_DIRECT_SOURCE = ("url", "path", "directory", "git", "editable", "virtual")
_EXTRA_IN_MARKER = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")

# One dependency list's requirements: name -> {(extras, specifiers or None for a direct
# source)}, and name -> the index URLs it comes from.
Wants = dict[str, set[tuple[frozenset[str], frozenset[Any] | None]]]


@dataclass
class _Homes:
    """The requirements of each dependency list ("" the main one, "extra X", "group Y")."""

    wants: dict[str, Wants] = field(default_factory=dict)
    indexes: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    unlisted_empty: bool = False  # a list without requirements may be missing (older uv.lock)
    # (home, name) whose index URL is not in pyproject.toml (uv.toml, UV_INDEX): not compared
    unknown_index: set[tuple[str, str]] = field(default_factory=set)

    def add(
        self, home: str, name: str, extras: frozenset[str], specs: frozenset[Any] | None
    ) -> None:
        self.wants.setdefault(home, {}).setdefault(name, set()).add((extras, specs))

    def add_index(self, home: str, name: str, url: str) -> None:
        self.indexes.setdefault(home, {}).setdefault(name, set()).add(_index_key(url))


_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _index_key(url: str) -> str:
    """An index URL in the form uv.lock records it, to compare two: without credentials,
    scheme and host lower case, no default port, `.` and `..` removed, escapes decoded, no
    trailing slash (uv writes `http://user:secret@host/x/` as `http://host/x/`)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return url.rstrip("/")
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme == "file" and host == "localhost":
        host = ""
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host += f":{port}"
    path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
    return urlunsplit((scheme, host, path, parts.query, parts.fragment)).rstrip("/")


def _index_url(url: str, project: Path) -> str:
    """pyproject.toml's index URL as an URL: a folder (`./wheels`) resolved against the
    project folder, as uv does (`file:///abs/project/wheels`, links not followed)."""
    if _URL_SCHEME.match(url):
        return url
    return Path(os.path.abspath(project / url)).as_uri()


def _env_index_names(environ: Mapping[str, str]) -> set[str]:
    """The indexes UV_INDEX names (`name=url ...`): they replace pyproject.toml's of that name
    when set, and may have been set or not when uv.lock was made."""
    return {
        m.group(1)
        for entry in environ.get("UV_INDEX", "").split()
        if (m := re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)=", entry))
    }


def _specifiers(text: str) -> frozenset[Any]:
    """The specifiers as a set, whatever their order and trailing zeros ("<3,>=2.14.0")."""
    from packaging.specifiers import SpecifierSet

    return frozenset(SpecifierSet(text))


def _index_sources(data: Mapping[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """tool.uv.sources (each name's list of sources) and the names with a non-index source."""
    uv = data.get("tool", {}).get("uv", {}) if isinstance(data.get("tool"), dict) else {}
    sources = uv.get("sources", {}) if isinstance(uv, dict) else {}
    found: dict[str, list[dict[str, Any]]] = {}
    direct: set[str] = set()
    for name, value in (sources if isinstance(sources, dict) else {}).items():
        entries = [
            s for s in (value if isinstance(value, list) else [value]) if isinstance(s, dict)
        ]
        found[canonical_name(name)] = entries
        if any("index" not in s for s in entries):
            direct.add(canonical_name(name))
    return found, direct


def _index_urls(data: Mapping[str, Any]) -> dict[str, str]:
    uv = data.get("tool", {}).get("uv", {}) if isinstance(data.get("tool"), dict) else {}
    indexes = uv.get("index", []) if isinstance(uv, dict) else []
    return {
        str(i["name"]): str(i["url"])
        for i in (indexes if isinstance(indexes, list) else [])
        if isinstance(i, dict) and "name" in i and "url" in i
    }


def _group_items(
    groups: Mapping[str, Any], name: str, seen: frozenset[str] = frozenset()
) -> list[str]:
    """A dependency group's requirements, include-group entries expanded (as uv.lock has them)."""
    items: list[str] = []
    for item in groups.get(name, []) if name not in seen else []:
        if isinstance(item, str):
            items.append(item)
        elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
            target = next(
                (g for g in groups if canonical_name(g) == canonical_name(item["include-group"])),
                "",
            )
            items += _group_items(groups, target, seen | {name})
    return items


def _declared_homes(
    data: Mapping[str, Any], project: Path, environ: Mapping[str, str]
) -> _Homes | None:
    """What pyproject.toml asks for, per dependency list; None when uv.lock cannot be compared
    with it (no [project] table, dependencies written by the build backend, a bad requirement)."""
    from packaging.requirements import InvalidRequirement, Requirement

    proj = data.get("project")
    if not isinstance(proj, dict) or {"dependencies", "optional-dependencies"} & set(
        proj.get("dynamic", [])
    ):
        return None
    lists: dict[str, list[str]] = {"": list(proj.get("dependencies", []))}
    for extra, items in (proj.get("optional-dependencies") or {}).items():
        lists[f"extra {canonical_name(extra)}"] = list(items)
    groups = data.get("dependency-groups") or {}
    for group in groups:
        lists[f"group {canonical_name(group)}"] = _group_items(groups, group)
    uv = data.get("tool", {}).get("uv", {}) if isinstance(data.get("tool"), dict) else {}
    legacy_dev = uv.get("dev-dependencies") if isinstance(uv, dict) else None
    if isinstance(legacy_dev, list):
        lists["group dev"] = lists.get("group dev", []) + legacy_dev
    sources, direct = _index_sources(data)
    from_env = _env_index_names(environ)
    urls = {n: u for n, u in _index_urls(data).items() if n not in from_env}
    homes = _Homes()
    for home, items in lists.items():
        homes.wants.setdefault(home, {})
        for item in items:
            try:
                req = Requirement(str(item))
            except InvalidRequirement:
                return None
            name = canonical_name(req.name)
            registry = not req.url and name not in direct
            extras = frozenset(canonical_name(e) for e in req.extras)
            homes.add(home, name, extras, _specifiers(str(req.specifier)) if registry else None)
            for source in sources.get(name, []) if registry else []:
                applies = all(
                    f"{kind} {canonical_name(str(source[kind]))}" == home
                    for kind in ("extra", "group")
                    if kind in source
                )
                if applies and str(source["index"]) in urls:
                    homes.add_index(home, name, _index_url(urls[str(source["index"])], project))
                elif applies:
                    homes.unknown_index.add((home, name))
    return homes


def _locked_homes(root: Mapping[str, Any]) -> _Homes:
    """What uv.lock was locked from: the root entry's [package.metadata], per dependency list.

    An extra or a group without requirements shows only in `provides-extras` and
    `requires-dev`, which older locks lack: then it is not listed at all.
    """
    metadata = root.get("metadata", {})
    homes = _Homes(wants={"": {}})
    entries: list[tuple[str, Mapping[str, Any]]] = []
    for entry in metadata.get("requires-dist", []):
        in_extras = _EXTRA_IN_MARKER.findall(str(entry.get("marker", "")))
        entries += [(f"extra {canonical_name(x)}", entry) for x in in_extras] or [("", entry)]
    for extra in metadata.get("provides-extras", []):
        homes.wants.setdefault(f"extra {canonical_name(extra)}", {})
    for group, items in metadata.get("requires-dev", {}).items():
        homes.wants.setdefault(f"group {canonical_name(group)}", {})
        entries += [(f"group {canonical_name(group)}", e) for e in items]
    for home, entry in entries:
        name = canonical_name(str(entry.get("name", "")))
        registry = not any(k in entry for k in _DIRECT_SOURCE)
        extras = frozenset(canonical_name(x) for x in entry.get("extras", []))
        homes.add(home, name, extras, _specifiers(entry.get("specifier", "")) if registry else None)
        if registry and entry.get("index"):
            homes.add_index(home, name, str(entry["index"]))
    if "provides-extras" not in metadata or "requires-dev" not in metadata:
        homes.unlisted_empty = True
    return homes


def _home_words(home: str) -> str:
    return f"the {home}" if home else "the dependencies"


def _requirement_words(wants: set[tuple[frozenset[str], frozenset[Any] | None]]) -> str:
    """ ">=2.14,<2.15"; "any version"; alternatives (a requirement listed twice) joined by "or"."""

    def words(spec: frozenset[Any]) -> str:
        lower_first = sorted(spec, key=lambda s: (not s.operator.startswith(">"), str(s)))
        return ",".join(map(str, lower_first)) or "any version"

    return " or ".join(sorted({words(spec) for _, spec in wants if spec is not None}))


def lock_differences(declared: _Homes, locked: _Homes) -> list[str]:
    """How pyproject.toml's requirements differ from those uv.lock was made from, in words."""
    out: list[str] = []
    for home in sorted(set(declared.wants) | set(locked.wants)):
        if home not in locked.wants:
            if declared.wants[home] or not locked.unlisted_empty:
                out.append(f"{_home_words(home)} is new")
            continue
        if home not in declared.wants:
            out.append(f"{_home_words(home)} was removed")
            continue
        want, have = declared.wants[home], locked.wants[home]
        where = f" in {_home_words(home)}" if home else ""
        for name in sorted(set(want) | set(have)):
            if name not in have:
                out.append(f"{name} was added{where}")
            elif name not in want:
                out.append(f"{name} was removed{where}")
            elif _direct(want[name]) or _direct(have[name]):
                continue  # a path, git or URL source: uv.lock records no specifier for it
            elif want[name] != have[name]:
                out.append(
                    f"{name}{where} is {_requirement_words(want[name])} in pyproject.toml, "
                    f"{_requirement_words(have[name])} in uv.lock"
                )
            elif (home, name) not in declared.unknown_index and declared.indexes.get(home, {}).get(
                name, set()
            ) != locked.indexes.get(home, {}).get(name, set()):
                out.append(f"{name}{where} comes from another index")
    return out


def _direct(wants: set[tuple[frozenset[str], frozenset[Any] | None]]) -> bool:
    return any(spec is None for _, spec in wants)


def _stale_lock(
    project: Path, root: Mapping[str, Any], environ: Mapping[str, str]
) -> tuple[str, ...]:
    """How pyproject.toml changed since uv.lock was made (empty: current, or it cannot tell)."""
    try:
        raw = (project / "pyproject.toml").read_bytes()
        data = _load_toml(raw.decode("utf-8").removeprefix("\ufeff"))
        declared = _declared_homes(data, project, environ)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError):
        return ()
    if declared is None:
        return ()
    return tuple(lock_differences(declared, _locked_homes(root)))


def read_locked(
    project: Path,
    platform: TargetPlatform,
    python: str,
    environ: Mapping[str, str],
    workspace: Workspace | None = None,
) -> LockState | None:
    """What uv.lock installs here; None when the project has no uv.lock. A workspace member's
    uv.lock is the workspace root's, where the member has an entry of its own."""
    from wizard.plan import Plan, TargetChoice

    home, member = (workspace.root, workspace.member) if workspace else (project, None)
    path = home / "uv.lock"
    if not path.is_file():
        return None
    try:
        data = _load_toml(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # TOMLDecodeError and tomlkit's ParseError
        return LockState(path, (), (), f"uv.lock cannot be read ({exc})", corrupt=True)
    packages: list[dict[str, Any]] = data.get("package", [])
    root = project_entry(packages, member)
    if root is None:
        return LockState(path, (), (), "uv.lock has no entry for the project itself")

    def brings(deps: Sequence[Mapping[str, Any]], names: Sequence[str] = ("torch",)) -> bool:
        return any(canonical_name(str(d.get("name", ""))) in names for d in deps)

    def named(deps: Sequence[Mapping[str, Any]]) -> set[str]:
        return {canonical_name(str(d.get("name", ""))) for d in deps}

    extras = tuple(
        sorted(e for e, deps in root.get("optional-dependencies", {}).items() if brings(deps))
    )
    conflicting = _conflict_groups(data.get("conflicts"), str(root.get("name", "")))
    dev = {
        g: deps
        for g, deps in root.get("dev-dependencies", {}).items()
        if extras or not (brings(deps) and canonical_name(g) in conflicting)
    }
    variant_groups = tuple(sorted(set(root.get("dev-dependencies", {})) - set(dev)))
    # Groups with torch, or with a companion of torch in an extra (`uv sync --group` names both).
    groups = tuple(sorted(g for g, deps in dev.items() if brings(deps, LOCKED)))
    homes = homes_to_sync(
        named(root.get("dependencies", [])),
        {e: named(d) for e, d in root.get("optional-dependencies", {}).items()},
        {g: named(d) for g, d in dev.items()},
    )
    targets = (TargetChoice(platform.name, "default"),)

    def read(variants: tuple[str, ...], in_groups: bool = False) -> list[LockedSet]:
        plan = Plan(dependencies=(), targets=targets, variants=variants, torch_groups=groups)
        report = read_lock(home, plan, python, member, variant_groups=in_groups)
        kind = "group" if in_groups else "extra"
        return [LockedSet(t.extra, t.packages, kind) for t in report.targets]

    sets: list[LockedSet] = []
    beside = tuple(name for kind, name in homes if kind == "extra")
    try:
        if brings(root.get("dependencies", [])) or not (extras or variant_groups):
            sets += read(())
        if extras:
            sets += read(extras)
        if variant_groups:
            sets += read(variant_groups, in_groups=True)
        if beside:  # extras with companions only (`uv sync --extra vision` names them too)
            sets = _with_companions(sets, read(beside))
    except (WizardError, KeyError, TypeError, ValueError) as exc:
        return LockState(path, (), extras, f"uv.lock cannot be read ({exc})")
    fitting = tuple(
        s for s in sets if s.torch is not None and _has_wheel(packages, s.torch, platform, python)
    )
    root_torch = (
        brings(root.get("dependencies", []))
        or bool(extras)
        or any(brings(deps) for deps in root.get("dev-dependencies", {}).values())
    )
    stale = _stale_lock(project, root, environ)
    return LockState(
        path,
        fitting,
        extras or variant_groups,
        variant_kind="group" if variant_groups else "extra",
        groups=groups,
        sync_homes=homes,
        root_torch=root_torch,
        stale=stale,
    )


def _conflict_groups(conflicts: object, project: str) -> set[str]:
    """The dependency groups of `project` that tool.uv.conflicts (or uv.lock's `conflicts`)
    names: uv installs one of each set at a time, as it does variant extras."""
    found = set()
    for entries in conflicts if isinstance(conflicts, list) else []:
        for item in entries if isinstance(entries, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("group"), str):
                continue
            if canonical_name(str(item.get("package", project))) == canonical_name(project):
                found.add(canonical_name(item["group"]))
    return found


@dataclass(frozen=True)
class Workspace:
    """The uv workspace a project is a member of: its root holds uv.lock and .venv."""

    root: Path
    member: str  # the member's [project].name, its entry in uv.lock


def workspace_of(project: Path) -> Workspace | None:
    """The workspace of a member project (None for a project that is not one)."""
    from wizard.project import workspace_root_of

    root = workspace_root_of(project)
    if root is None:
        return None
    try:
        data = _load_toml((project / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = data.get("project", {}).get("name") if isinstance(data.get("project"), dict) else None
    return Workspace(root, str(name)) if isinstance(name, str) else None


def _with_companions(sets: Sequence[LockedSet], beside: Sequence[LockedSet]) -> list[LockedSet]:
    """Each set with the companions their own extras (torchvision in `vision`) install beside
    the same torch."""
    out = []
    for s in sets:
        packages = dict(s.packages)
        for extra in beside:
            if s.torch is not None and extra.torch is not None and extra.torch == s.torch:
                packages = {**extra.packages, **packages}
        out.append(LockedSet(s.extra, packages, s.kind))
    return out


def homes_to_sync(
    main: set[str], extras: Mapping[str, set[str]], groups: Mapping[str, set[str]]
) -> tuple[tuple[str, str], ...]:
    """The groups and extras `uv sync` names beside torch's extra, as the wizard's Next line
    does (report.sync_extra): torch's own group, then the first extra or group of each
    companion that torch's home does not hold. [project].dependencies needs no flag, and a
    package in an extra is not looked for in the groups (project.groups_holding)."""
    from wizard.plan import Plan
    from wizard.session import companion_homes_of

    wanted = [name for name in LOCKED if name not in main]
    in_extras = {n: [e for e, names in extras.items() if n in names] for n in wanted}
    in_groups = {
        n: [g for g, names in groups.items() if n in names] for n in wanted if not in_extras[n]
    }
    torch_group = tuple(in_groups.get("torch", [])[:1])
    plan = Plan(
        dependencies=(),
        torch_extras=tuple(in_extras.get("torch", [])),
        torch_groups=torch_group,
        owned_packages=LOCKED,
    )
    return tuple(("group", g) for g in torch_group) + companion_homes_of(plan, in_extras, in_groups)


@dataclass(frozen=True)
class ProjectSetup:
    """The torch setup pyproject.toml has, as the wizard reads it (for the fix commands)."""

    existing: ExistingSetup | None = None
    problem: str | None = None  # why torch-wizard cannot edit the file (uv can still read it)
    hint: str = ""


def _toml_readable(project: Path) -> bool:
    """Whether pyproject.toml (if any) is UTF-8 TOML, i.e. whether uv can read it at all."""
    try:
        raw = (project / "pyproject.toml").read_bytes()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        _load_toml(raw.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, ValueError):  # TOMLDecodeError and tomlkit's ParseError
        return False
    return True


def read_setup(project: Path) -> ProjectSetup:
    """Read pyproject.toml with the wizard's own reader.

    A file uv cannot read either (not TOML, not UTF-8, unreadable) raises the reader's
    BadInput: nothing can be checked or fixed before it is repaired. A file that is TOML but
    has a layout the wizard cannot edit is only noted (uv still syncs it).
    """
    from wizard.project import read_project, refuse_virtual_root
    from wizard.session import load_project

    try:
        read = read_project(project)
    except BadInput:
        read = None  # said below, as a note or as the reader's refusal
    if read is not None:
        refuse_virtual_root(read, "torch-wizard doctor")
    try:
        _, existing = load_project(project)
    except BadInput as exc:
        if not _toml_readable(project):
            raise
        return ProjectSetup(None, exc.message, exc.hint)
    return ProjectSetup(existing)


# --------------------------------------------------------------------------------------
# Which build is installed


def _release_for(catalog: Catalog, version: str) -> Release | None:
    """The catalog's release line of `version`; the newest when `version` is newer still."""
    try:
        minor = minor_of(version)
    except InvalidVersion:
        return None
    release = catalog.release(minor)
    if release is None and catalog.releases and Version(minor) > Version(catalog.newest().minor):
        return catalog.newest()
    return release


def build_variant(
    pkg: InstalledPackage,
    platform: TargetPlatform,
    catalog: Catalog,
    torch_version: str | None = None,
) -> str | None:
    """The build a package is: its label, or for a label-less wheel PyPI's build here.

    PyPI's Linux torch bundles CUDA (cu130 from torch 2.11 on), Windows' is CPU-only, macOS'
    includes MPS: the catalog's `pypi` map of the release says which.
    """
    if pkg.label:
        return pkg.label
    release = _release_for(catalog, torch_version or pkg.version)
    if release is None:
        return None
    return release.pypi.get(platform.name)


def _is_gpu(backend: str | None) -> bool:
    return bool(backend) and str(backend).startswith(("cu", "rocm", "xpu"))


def _build_words(variant: str | None, pkg: InstalledPackage, catalog: Catalog) -> str:
    if variant is None:
        return "a build the catalog does not know"
    source = "PyPI's " if not pkg.label else "the "
    if variant == "cpu":
        return f"{source}CPU-only build"
    if variant == "mps":
        return f"{source}build with Apple MPS"
    if variant.startswith("cu"):
        toolkit = catalog.cuda_toolkit(variant)
        return f"{source}CUDA {toolkit or variant[2:]} build ({variant})"
    if variant.startswith("rocm"):
        return f"{source}ROCm {variant[4:]} build"
    if variant == "xpu":
        return f"{source}Intel GPU (xpu) build"
    return f"{source}{variant} build"


def _gpu_names(gpus: Sequence[GPU]) -> str:
    return " and ".join(sorted({g.label for g in gpus}))


def _machine_words(profile: HardwareProfile) -> str:
    """'macOS arm64, Apple M3 Max': the platform, the CPU and the GPUs, each named once."""
    system = "macOS" if profile.os == "macos" else profile.os.capitalize()
    parts = [f"{system} {profile.arch}" + (" (WSL)" if profile.wsl else "")]
    if profile.cpu.brand:
        parts.append(profile.cpu.brand)
    names = list(dict.fromkeys(g.label for g in profile.gpus))
    shown = [n for n in names if n != profile.cpu.brand]
    if shown:
        parts.append(", ".join(shown))
    elif not names:
        parts.append("GPUs unknown (detection failed)" if profile.gpu_errors else "no GPU")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------
# The checks


@dataclass(frozen=True)
class Context:
    """Everything the checks look at; gathered once, then only read."""

    project: Path
    env_path: Path
    environment: Environment | None
    installed: Installed | None
    lock: LockState | None
    profile: HardwareProfile | None
    platform: TargetPlatform | None
    catalog: Catalog
    recommendation: Recommendation | None
    setup: ProjectSetup = field(default_factory=ProjectSetup)
    torch_homes: TorchHomes | None = None  # where pyproject.toml asks for torch
    machine_extra: str | None = None  # the variant extra whose build fits this machine

    @property
    def current_lock(self) -> LockState | None:
        """uv.lock, when it is readable and made from pyproject.toml as it is now."""
        return self.lock if self.lock is not None and self.lock.current else None

    @property
    def env_platform(self) -> TargetPlatform | None:
        """The platform the installed torch wheel was built for (None: unknown)."""
        torch = self.installed.torch if self.installed else None
        return _wheel_platform(torch.wheel_tags) if torch else None

    @property
    def foreign(self) -> bool:
        """The profile is of another platform than the environment's torch wheel."""
        torch = self.installed.torch if self.installed else None
        if torch is None or self.platform is None or not torch.wheel_tags:
            return False
        return not any(_tag_fits(t, self.platform) for t in torch.wheel_tags)


@dataclass(frozen=True)
class TorchHomes:
    """Where pyproject.toml asks for torch: the main dependencies, extras, groups."""

    main: bool
    extras: tuple[str, ...] = ()  # the variant extras, or the variant groups (`variant_kind`)
    groups: tuple[str, ...] = ()
    sync_homes: tuple[tuple[str, str], ...] = ()  # see `homes_to_sync`, in pyproject.toml's order
    variant_kind: str = "extra"
    variant_indexes: tuple[tuple[str, str], ...] = ()  # (variant, its torch index's URL)

    @property
    def any(self) -> bool:
        return self.main or bool(self.extras) or bool(self.groups)


def _requirement_name(item: object) -> str | None:
    if not isinstance(item, str):
        return None
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", item)
    return canonical_name(found.group(1)) if found else None


def read_torch_homes(project: Path) -> TorchHomes | None:
    """Where pyproject.toml asks for torch; None when it cannot be read as TOML."""
    try:
        raw = (project / "pyproject.toml").read_bytes()
        data = _load_toml(raw.decode("utf-8").removeprefix("\ufeff"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None

    def has_torch(items: object) -> bool:
        return "torch" in named(items)

    def named(items: object) -> set[str]:
        found = map(_requirement_name, items if isinstance(items, list) else [])
        return {n for n in found if n}

    proj = data.get("project") if isinstance(data.get("project"), dict) else {}
    assert isinstance(proj, dict)
    if "dependencies" in proj.get("dynamic", []) or "optional-dependencies" in proj.get(
        "dynamic", []
    ):
        return None  # written by the build backend: unknown here
    optional = proj.get("optional-dependencies")
    optional = optional if isinstance(optional, dict) else {}
    groups = data.get("dependency-groups")
    groups = groups if isinstance(groups, dict) else {}
    extras = tuple(e for e, d in optional.items() if has_torch(d))
    uv = data.get("tool", {}).get("uv", {}) if isinstance(data.get("tool"), dict) else {}
    conflicting = _conflict_groups(
        uv.get("conflicts") if isinstance(uv, dict) else None, str(proj.get("name", ""))
    )
    variant_groups = tuple(
        g
        for g, d in groups.items()
        if not extras and has_torch(d) and canonical_name(g) in conflicting
    )
    others = {g: d for g, d in groups.items() if g not in variant_groups}
    kind = "group" if variant_groups else "extra"
    return TorchHomes(
        has_torch(proj.get("dependencies")),
        extras or variant_groups,
        tuple(g for g, d in others.items() if has_torch(d)),
        homes_to_sync(
            named(proj.get("dependencies")),
            {e: named(d) for e, d in optional.items()},
            {g: named(d) for g, d in others.items()},
        ),
        kind,
        _variant_indexes(data, kind, extras or variant_groups),
    )


def _variant_indexes(
    data: Mapping[str, Any], kind: str, variants: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """Each variant's torch index URL, as tool.uv.sources names it (`extra = "gpu"`)."""
    sources, _ = _index_sources(data)
    urls = _index_urls(data)
    wanted = {canonical_name(v): v for v in variants}
    return tuple(
        (wanted[canonical_name(str(s[kind]))], urls[str(s["index"])])
        for s in sources.get("torch", [])
        if canonical_name(str(s.get(kind, ""))) in wanted and str(s.get("index")) in urls
    )


def _tag_fits(tag: str, platform: TargetPlatform) -> bool:
    platform_tag = tag.rsplit("-", 1)[-1]
    return platform_tag == "any" or any(
        platform.matches_wheel_platform(t) for t in platform_tag.split(".")
    )


def _wheel_platform(tags: Sequence[str]) -> TargetPlatform | None:
    for p in PLATFORMS.values():
        if any(_tag_fits(t, p) and not t.endswith("-any") for t in tags):
            return p
    return None


def _torch_flag(ctx: Context, backend: str, release: str | None) -> str:
    """` --torch R` when the project's torch range has no `backend` build here, but R has.

    The wizard keeps the project's range (its newest release) unless told otherwise, and stops
    with "no torch release matching ... serves every choice" when that release lacks the build.
    """
    if not release or backend == "auto" or ctx.platform is None:
        return ""
    spec = ctx.setup.existing.torch_spec if ctx.setup.existing else None
    try:
        matching = ctx.catalog.releases_matching(spec)
    except BadInput:
        matching = ()
    current = matching[0] if matching else None
    if current is not None and (
        current.minor == release or current.has(backend, ctx.platform.name)
    ):
        return ""
    # The catalog's releases are stable ones: a project on nightly or test moves off it too
    # (the wizard keeps the project's channel, where the release does not exist).
    channel = ctx.setup.existing.channel if ctx.setup.existing else "stable"
    return f" --torch {release}" + (" --channel stable" if channel != "stable" else "")


def _wizard_fix(ctx: Context, backend: str, release: str | None = None) -> str:
    """The torch-wizard run that gives this platform `backend` (of torch `release`).

    It keeps the project's other targets and their builds (a bare --target replaces them) and
    carries --torch when the build belongs to another release than the project's range.
    """
    platform = ctx.platform.name if ctx.platform else "PLATFORM"
    existing = ctx.setup.existing
    torch = _torch_flag(ctx, backend, release)
    if existing and existing.variants and backend not in ("default", "auto"):
        variants = list(existing.variants) + [v for v in (backend,) if v not in existing.variants]
        platforms = [t.platform for t in existing.targets]
        flags = ""  # the targets stay as they are, unless this platform is not among them
        if platform not in platforms:
            flags = "".join(f" --target {p}" for p in [*platforms, platform])
        # A fleet's machines share the torch release: another one moves them all.
        moves = f" (moves every machine of the project to torch {release})" if torch else ""
        return (
            f"`torch-wizard{flags} --variants {','.join(variants)}{torch}`{moves}, "
            f"then `{_sync_with(ctx, backend)}`"
        )
    targets = {t.platform: t.backend for t in existing.targets} if existing else {}
    targets[platform] = backend
    flags = " ".join(
        f"--target {p}" if b == "auto" else f"--target {p}={b}" for p, b in targets.items()
    )
    return f"`torch-wizard {flags}{torch}`, then `{_sync_command(ctx)}`"


def _locked_with(ctx: Context, backend: str) -> LockedSet | None:
    """The set of uv.lock that installs the `backend` build on this platform, if any."""
    lock = ctx.current_lock
    if lock is None or ctx.platform is None:
        return None
    for s in lock.sets:
        if s.torch is None:
            continue
        variant = _locked_variant(ctx, s.torch)
        if variant == backend or (
            backend == "default" and not InstalledPackage(s.torch.name, s.torch.version).label
        ):
            return s
    return None


def _switch_fix(ctx: Context, backend: str) -> str:
    """The command that puts `backend` into the environment: this machine's own, never one
    that moves the project's other machines (a fleet's extras stay as they are)."""
    if canonical_name(backend) in map(canonical_name, _variant_extras(ctx)):
        return f"`{_sync_command(ctx, [backend])}`"
    locked = _locked_with(ctx, backend)
    if locked is not None:  # uv.lock already has it: installing what it says is the fix
        return f"`{_sync_command(ctx, [locked.extra])}`"
    if _is_gpu(backend) and ctx.machine_extra and _fits_gpu(ctx, ctx.machine_extra):
        # Another build than the recommended one, but the project has it and it uses the GPU.
        return f"`{_sync_command(ctx, [ctx.machine_extra])}`"
    rec = ctx.recommendation
    release = rec.torch if rec and rec.backend == backend else None
    return _wizard_fix(ctx, backend, release)


def _variant_extras(ctx: Context) -> tuple[str, ...]:
    """The extras that bring torch (or the conflicting groups that do): uv.lock's when it is
    current, else pyproject.toml's."""
    return _variant_source(ctx)[0]


def _variant_kind(ctx: Context) -> str:
    """`extra`, or `group` when the variants are conflicting dependency groups."""
    return _variant_source(ctx)[1]


def _variant_source(ctx: Context) -> tuple[tuple[str, ...], str]:
    lock = ctx.current_lock
    if lock is not None:
        return lock.extras, lock.variant_kind
    homes = ctx.torch_homes
    if homes is not None:
        return homes.extras, homes.variant_kind
    return (ctx.lock.extras, ctx.lock.variant_kind) if ctx.lock else ((), "extra")


def _sync_homes(ctx: Context) -> tuple[tuple[str, str], ...]:
    """The groups and extras `uv sync` names beside torch's extra: pyproject.toml's, in the
    order the wizard names them, else uv.lock's."""
    if ctx.torch_homes is not None:
        return ctx.torch_homes.sync_homes
    return ctx.lock.sync_homes if ctx.lock is not None else ()


def _sync_extra(ctx: Context, prefer: Sequence[str | None] = ()) -> str | None:
    """The variant extra `uv sync` should name: the first of `prefer` the project has, else
    the one that fits this machine."""
    extras = _variant_extras(ctx)
    if not extras:
        return None
    # uv.lock names extras as PEP 685 normalises them ("rocm7-2" for rocm7.2)
    names = {canonical_name(e) for e in extras}
    return next(
        (p for p in (*prefer, ctx.machine_extra) if p and canonical_name(p) in names), extras[0]
    )


def _sync_command(ctx: Context, prefer: Sequence[str | None] = ()) -> str:
    return _sync_with(ctx, _sync_extra(ctx, prefer))


def _sync_with(ctx: Context, extra: str | None) -> str:
    """`uv sync` with the extra, torch's group and those of its companions (the wizard's words)."""
    flags = [f"--{_variant_kind(ctx)} {extra}"] if extra else []
    flags += [f"--{kind} {name}" for kind, name in _sync_homes(ctx)]
    return " ".join(["uv sync", *flags])


def _fits_gpu(ctx: Context, extra: str) -> bool:
    """Whether the build uv.lock has for `extra` uses a GPU (machine_extra fits this machine)."""
    lock = ctx.lock
    found = next((s for s in lock.sets if s.extra == extra), None) if lock else None
    return (
        found is not None and found.torch is not None and _is_gpu(_locked_variant(ctx, found.torch))
    )


def extra_for_machine(ctx: Context) -> str | None:
    """The variant extra of uv.lock whose torch build fits this machine: no problem found, a
    GPU build before the CPU one, no warning before one (the cu126 extra on a driver that
    runs CUDA 12.6 but not 13.0, the cpu extra on a machine without a GPU)."""
    lock = ctx.lock
    if lock is not None and lock.stale:
        return _extra_by_index(ctx)
    if lock is None or lock.error or ctx.profile is None or ctx.platform is None:
        return None
    ranked = []
    for s in lock.sets:
        if s.extra is None or s.torch is None:
            continue
        pkg = InstalledPackage(s.torch.name, s.torch.version)
        found = {f.severity for f in _judge_build(ctx, pkg, "", installed=False)}
        if "problem" not in found:
            gpu = _is_gpu(_locked_variant(ctx, s.torch))
            ranked.append(("warning" in found, not gpu, s.extra))
    return min(ranked)[2] if ranked else None


def _extra_by_index(ctx: Context) -> str | None:
    """The variant whose torch index in pyproject.toml serves the recommended build (its URL
    ends in it: .../whl/cu130), for a uv.lock made before the extras changed."""
    backend, homes = _wanted(ctx), ctx.torch_homes
    if not backend or homes is None:
        return None
    found = {v for v, url in homes.variant_indexes if url.rstrip("/").endswith(f"/{backend}")}
    return found.pop() if len(found) == 1 else None


def _extra_unknown(ctx: Context, prefer: Sequence[str | None]) -> bool:
    """uv.lock is stale, and which of the project's variants fits this machine cannot be told
    from pyproject.toml: the first one would be a guess (`uv lock`, then doctor names it)."""
    lock, extras = ctx.lock, _variant_extras(ctx)
    names = {canonical_name(e) for e in extras}
    known = any(p and canonical_name(p) in names for p in (*prefer, ctx.machine_extra))
    return bool(lock is not None and lock.stale and len(extras) > 1 and not known)


def _wanted(ctx: Context) -> str | None:
    return ctx.recommendation.backend if ctx.recommendation else None


# Findings on what uv.lock installs that make a plain `uv sync` the wrong first step.
_BLOCKS_SYNC = (
    "not-in-lock",
    "cpu-build-with-gpu",
    "gpu-build-without-gpu",
    "cuda-newer-than-driver",
    "arch-not-compiled",
    "rocm-gfx-unsupported",
)


def _sync_fix(ctx: Context, ahead: Sequence[Finding], prefer: Sequence[str | None] = ()) -> str:
    """`uv sync` to install what uv.lock has; the fix below first when that does not fit
    (it ends with the sync that fits, or a driver upgrade makes the lock fit)."""
    if any(f.code == "lock-corrupt" for f in ahead):
        return "Not `uv sync` yet: it stops at the broken uv.lock; follow the fix below first."
    if _extra_unknown(ctx, prefer):
        return (
            f"Not `uv sync` yet: which {_variant_kind(ctx)} fits this machine is told once "
            "uv.lock is current; follow the fix below first."
        )
    if any(f.code in _BLOCKS_SYNC and f.severity != "ok" for f in ahead):
        return (
            "Not `uv sync` yet: it would install uv.lock's build, which does not fit this "
            "machine; follow the fix below first."
        )
    return f"`{_sync_command(ctx, prefer)}`"


def check_environment(ctx: Context, ahead: Sequence[Finding] = ()) -> list[Finding]:
    """`ahead`: the findings on what uv.lock installs here (the sync waits for their fix)."""
    if ctx.environment is None:
        path, sync = ctx.env_path, _sync_fix(ctx, ahead, [_wanted(ctx)])
        dangling = path.is_symlink() and not path.exists()
        return [
            Finding(
                "no-environment",
                "problem",
                f"{path} is a link to {os.readlink(path)}, which does not exist."
                if dangling
                else f"{path} is not a Python environment (no site-packages)."
                if path.exists()
                else f"No environment at {path}.",
                "Nothing is installed for this project yet, so nothing it runs can import torch.",
                f"Remove the link {path} first (`uv sync` cannot create the environment where "
                f"it is). Then: {sync}"
                if dangling
                else sync,
            )
        ]
    env = ctx.environment
    if env.broken:
        return [
            Finding(
                "environment-broken",
                "problem",
                f"The environment {env.path} is broken: {env.broken}.",
                "Its Python was removed, or the environment was copied from another machine: "
                "nothing in the project can run, whatever is installed in it.",
                f"Remove {env.path}, then `{_sync_command(ctx, [_wanted(ctx)])}` creates it anew",
            )
        ]
    py = f"Python {env.python_version}" if env.python_version else "Python version unknown"
    return [Finding("environment", "ok", f"Environment {env.path} ({py}).")]


def check_installed(ctx: Context, ahead: Sequence[Finding] = ()) -> list[Finding]:
    """`ahead`: the findings on what uv.lock installs here (the sync waits for their fix)."""
    inst = ctx.installed
    if inst is None:
        return []
    out: list[Finding] = []
    site = ctx.environment.site_packages if ctx.environment else ctx.env_path
    for name in inst.duplicates:
        out.append(
            Finding(
                "duplicate-install",
                "warning",
                f"{name} has more than one .dist-info folder in {site}.",
                "Two installs overwrote each other; which files are loaded is anyone's guess.",
                f"`uv pip uninstall {name}`, then `{_sync_command(ctx)}`",
            )
        )
    torch = inst.torch
    if torch is None:
        out.append(
            Finding(
                "not-installed",
                "problem",
                "torch is not installed in the environment.",
                "`import torch` fails in this project.",
                _sync_fix(ctx, ahead, [_wanted(ctx)]),
            )
        )
        return out
    extra = f"; {len(inst.nvidia)} nvidia-* CUDA libraries" if inst.nvidia else ""
    others = ", ".join(
        f"{p.name} {p.version}" for n, p in sorted(inst.packages.items()) if n != "torch"
    )
    out.append(
        Finding(
            "installed",
            "ok",
            f"torch {torch.version} is installed ({torch.origin()}{extra})"
            + (f"; also {others}." if others else "."),
        )
    )
    if ctx.platform and ctx.foreign:
        env = ctx.env_platform
        built = f"{env.label} ({torch.wheel_tags[0]})" if env else torch.wheel_tags[0]
        out.append(
            Finding(
                "platform-differs",
                "warning",
                f"torch {torch.version} in this environment was built for {built}, but the "
                f"hardware profile is a {ctx.platform.label} machine: this environment cannot "
                f"run there, so it is not checked against that machine's hardware; what uv.lock "
                f"installs on {ctx.platform.label} is checked instead.",
                "An environment runs only on the platform its wheels were built for; the "
                "profile's machine gets its own from `uv sync` there.",
                "Run `torch-wizard doctor` on that machine, or pass this machine's profile "
                "(`torch-wizard detect --json`) with --hardware.",
            )
        )
    return out


def _add_platform_fix(ctx: Context) -> str:
    """Add the profile's platform to the project's targets, with the build it needs."""
    rec = ctx.recommendation
    if rec is None:
        return _wizard_fix(ctx, "auto")
    return _wizard_fix(ctx, rec.backend, rec.torch)


def _lock_words(s: LockedSet) -> str:
    return f" ({s.kind} {s.extra})" if s.extra else ""


def check_lock(ctx: Context) -> list[Finding]:
    """The environment against uv.lock; with no environment, whether uv.lock serves this
    platform at all (the build checks then judge what it installs)."""
    inst = ctx.installed
    if ctx.platform is None:
        return []
    lock = ctx.lock
    if lock is None:
        if inst is None:
            return []  # nothing to compare; `uv sync` locks first
        return [
            Finding(
                "no-lock",
                "warning",
                "The project has no uv.lock, so the environment cannot be compared with it.",
                "Without a lock, every `uv sync` may install another torch build.",
                "`torch-wizard` (writes the configuration and runs `uv lock`), or `uv lock`",
            )
        ]
    if lock.corrupt:
        return [
            Finding(
                "lock-corrupt",
                "problem",
                f"{lock.error}: it is not valid TOML.",
                "`uv lock`, `uv sync` and `uv run` all stop at it, so nothing can be installed "
                "or run in this project.",
                f"Put {lock.path} back from version control, or delete it; then `uv lock`",
            )
        ]
    if lock.error:
        return [
            Finding(
                "lock-unreadable",
                "warning",
                f"{lock.error}.",
                "What `uv sync` installs here cannot be checked."
                if inst is None
                else "The environment cannot be compared with the lock.",
                "`uv lock`",
            )
        ]
    if lock.stale:
        return [_stale_finding(ctx, lock.stale)]
    if not lock.sets:
        return [
            Finding(
                "not-in-lock",
                "warning",
                f"uv.lock installs no torch on {ctx.platform.label}.",
                "`uv sync` would install no torch here: the lock was made for other platforms."
                if inst is None
                else "`uv sync` would remove torch here, or the lock was made for other platforms.",
                _add_platform_fix(ctx),
            )
        ]
    if inst is None:
        return []  # check_build judges the torch uv.lock installs here
    if ctx.foreign:  # the environment is another platform's: compare nothing with it
        locked = ", ".join(
            f"{s.torch.version}{_lock_words(s)}"
            + (f" from {s.torch.index}" if s.torch.index else "")
            for s in lock.sets
            if s.torch
        )
        return [
            Finding(
                "locked-for-platform",
                "ok",
                f"uv.lock installs torch {locked} on {ctx.platform.label}.",
            )
        ]
    torch = inst.torch
    if torch is None:
        return []  # check_installed already says so, with the sync command
    installed_v = parse_version(torch.version)
    match = next(
        (s for s in lock.sets if s.torch and parse_version(s.torch.version) == installed_v), None
    )
    if match is None:
        locked = ", ".join(f"{s.torch.version}{_lock_words(s)}" for s in lock.sets if s.torch)
        prefer = [torch.label, ctx.recommendation.backend if ctx.recommendation else None]
        why = (
            "The environment is not what the project specifies: results differ from the "
            "machines that follow the lock."
        )
        fix = f"`{_sync_command(ctx, prefer)}`"
        # `uv sync` installs uv.lock's build: when that does not fit this machine, the fix is
        # the one for that build (a lock that fits), not the sync.
        extra = _sync_extra(ctx, prefer)
        synced = next((s for s in lock.sets if s.extra == extra and s.torch), None)
        if synced is not None and synced.torch is not None and ctx.profile is not None:
            pkg = InstalledPackage(synced.torch.name, synced.torch.version)
            judged = _judge_build(
                ctx, pkg, f"uv.lock's torch {pkg.version}{_lock_words(synced)}", installed=False
            )
            blocking = [f for f in judged if f.code in _BLOCKS_SYNC and f.severity != "ok"]
            if blocking:
                why += f" But a plain `uv sync` is not the fix: {blocking[0].what}"
                fix = blocking[0].fix
        return [
            Finding(
                "out-of-sync",
                "problem",
                f"torch {torch.version} is installed, but uv.lock has {locked} for "
                f"{ctx.platform.label}.",
                why,
                fix,
            )
        ]
    out: list[Finding] = []
    same = ["torch"]
    for name in LOCKED:
        if name == "torch":
            continue
        have = inst.packages.get(name)
        want = match.packages.get(name)
        if want is None and have is None:
            continue
        if want is None and have is not None:
            out.append(
                Finding(
                    "extra-package",
                    "warning",
                    f"{name} {have.version} is installed but not in uv.lock.",
                    "It was installed by hand; `uv sync` removes it, and nothing keeps it paired "
                    "with torch.",
                    f"`uv add {name}` (or `torch-wizard --with {name}`) to keep it, or "
                    f"`{_sync_command(ctx, [match.extra])}` to remove it",
                )
            )
        elif want is not None and (
            have is None or parse_version(have.version) != parse_version(want.version)
        ):
            now = f"{have.version} is installed" if have else "is not installed"
            out.append(
                Finding(
                    "out-of-sync",
                    "problem",
                    f"{name} {now}, but uv.lock has {want.version}{_lock_words(match)}.",
                    "The environment is not what the project specifies.",
                    f"`{_sync_command(ctx, [match.extra])}`",
                )
            )
        else:
            same.append(name)
    index = f", from {match.torch.index}" if match.torch and match.torch.index else ""
    out.insert(
        0,
        Finding(
            "in-sync",
            "ok",
            f"{', '.join(same)} {'matches' if len(same) == 1 else 'match'} uv.lock"
            f"{_lock_words(match)}{index}.",
        ),
    )
    return out


def _stale_finding(ctx: Context, differences: Sequence[str]) -> Finding:
    shown = "; ".join(differences[:3]) + (
        f"; and {len(differences) - 3} more" if len(differences) > 3 else ""
    )
    torch = ctx.installed.torch if ctx.installed else None
    prefer = [torch.label if torch else None, _wanted(ctx)]
    then = (
        f"`torch-wizard doctor` (it names the {_variant_kind(ctx)} that fits this machine once "
        "uv.lock is current)"
        if _extra_unknown(ctx, prefer)
        else f"`{_sync_command(ctx, prefer)}`"
    )
    return Finding(
        "lock-stale",
        "problem",
        f"uv.lock is older than pyproject.toml's requirements: {shown}.",
        "uv.lock installs what the project asked for before, and `uv lock` may change its torch "
        "build, so "
        + (
            "the environment is not compared with it."
            if ctx.installed is not None
            else "the build it installs here is not judged until it is locked again."
        ),
        f"`uv lock`, then {then}",
    )


def _locked_for_sync(ctx: Context) -> LockedSet | None:
    """What `uv sync` (with the extra doctor names) installs from uv.lock on this platform."""
    lock = ctx.current_lock
    if lock is None:
        return None
    extra = _sync_extra(ctx, [_wanted(ctx)])
    return next((s for s in lock.sets if s.extra == extra and s.torch), None)


def check_build(ctx: Context) -> list[Finding]:
    """The installed build against the hardware: GPU use, driver, kernels, gfx.

    With nothing installed, the same checks judge the torch `uv sync` would install from
    uv.lock, before that sync downloads it.
    """
    inst, platform, profile = ctx.installed, ctx.platform, ctx.profile
    if platform is None or profile is None:
        return []
    torch = inst.torch if inst else None
    if torch is None:
        locked = _locked_for_sync(ctx)
        if locked is None or locked.torch is None:
            return []
        pkg = InstalledPackage(locked.torch.name, locked.torch.version)
        subject = f"uv.lock's torch {pkg.version}{_lock_words(locked)}"
        return _judge_build(ctx, pkg, subject, installed=False)
    if ctx.foreign:
        return _check_locked_build(ctx)
    return _judge_build(ctx, torch, f"torch {torch.version}", installed=True)


def _judge_build(
    ctx: Context, torch: InstalledPackage, subject: str, *, installed: bool
) -> list[Finding]:
    """`torch` (installed, or what uv.lock would install: `installed`) against the hardware.

    `subject` names it in the findings: "torch 2.15.0+cu130", "uv.lock's torch 2.15.0+cu130".
    """
    platform, profile, rec = ctx.platform, ctx.profile, ctx.recommendation
    assert platform is not None and profile is not None
    cat = ctx.catalog
    variant = build_variant(torch, platform, cat)
    words = _build_words(variant, torch, cat)
    nvidia = tuple(g for g in profile.gpus_of("nvidia") if not is_tegra(g, cat))
    amd, intel = profile.gpus_of("amd"), profile.gpus_of("intel")
    wanted = rec.backend if rec else None
    out: list[Finding] = []
    if variant is None:
        return [
            Finding(
                "build-unknown",
                "warning",
                f"{subject} is {words}; it cannot be checked.",
                "The catalog has no facts about this release.",
                "Run without --offline to read the live index.",
            )
        ]
    if variant == "cpu" and _is_gpu(wanted):
        gpus = _gpu_names(nvidia or amd or intel)
        assert wanted is not None
        return [
            Finding(
                "cpu-build-with-gpu",
                "problem",
                f"{subject} is {words}, but this machine has {gpus}.",
                "Everything runs on the CPU; the GPU is never used."
                + (f" {rec.reasons[0]}" if rec and rec.reasons else f" The {wanted} build fits."),
                _switch_fix(ctx, wanted),
            )
        ]
    if variant == "cpu" and profile.gpu_errors and not _is_gpu(wanted):
        return []  # whether a GPU build would fit is unknown: check_hardware says why
    if variant == "cpu" and rec is not None and rec.ways_out and (nvidia or amd or intel):
        # The CPU build is what fits now, but the GPU could be used: not an all-clear.
        gpus = _gpu_names(nvidia or amd or intel)
        return [
            Finding(
                "gpu-unused",
                "warning",
                f"{subject} is {words}: the best this machine can run now, but {gpus} goes unused.",
                " ".join(rec.reasons) if rec.reasons else "",
                " ".join(rec.ways_out),
            )
        ]
    if variant in ("cpu", "mps"):
        return [
            Finding(
                "build-fits",
                "ok",
                f"{subject} is {words}, which is what this machine can use.",
            )
        ]
    vendor = (
        "nvidia"
        if variant.startswith("cu")
        else "amd"
        if variant.startswith("rocm")
        else "intel"
        if variant == "xpu"
        else None
    )
    targets = {"nvidia": nvidia, "amd": amd, "intel": intel}.get(vendor or "", ())
    if not targets and vendor and profile.gpu_error(vendor):
        return []  # this vendor's GPUs are unknown, not absent: check_hardware says why
    if not targets:
        other = nvidia or amd or intel
        gpu_word = VENDOR_WORDS.get(vendor or "", "")
        if other and _is_gpu(wanted):
            assert wanted is not None
            return [
                Finding(
                    "gpu-build-without-gpu",
                    "problem",
                    f"{subject} is {words}, but this machine has no {gpu_word} GPU; "
                    f"it has {_gpu_names(other)}.",
                    "torch runs on the CPU only and the GPU this machine has goes unused.",
                    _switch_fix(ctx, wanted),
                )
            ]
        size = cat.sizes_mb.get("pypi-linux-cuda", 3000) / 1000
        cpu_mb = cat.sizes_mb.get("cpu", 200)
        return [
            Finding(
                "gpu-build-without-gpu",
                "warning",
                f"{subject} is {words}, but this machine has no {gpu_word} GPU.",
                f"It runs on the CPU only, after a download of about {size:.0f} GB of GPU "
                f"libraries; the CPU build is about {cpu_mb} MB."
                if installed
                else f"`uv sync` would download about {size:.0f} GB of GPU libraries this machine "
                f"cannot use, and torch would run on the CPU only; the CPU build is about "
                f"{cpu_mb} MB.",
                _switch_fix(ctx, "cpu"),
            )
        ]
    if variant.startswith("cu"):
        out += _check_cuda(ctx, torch, subject, variant, words, nvidia)
    elif variant.startswith("rocm"):
        out += _check_rocm(ctx, torch, subject, variant, words, amd, installed)
    else:
        runs = tuple(g for g in intel if intel_runs_xpu(g, cat))
        if runs:
            out.append(
                Finding("build-fits", "ok", f"{subject} is {words}, for {_gpu_names(runs)}.")
            )
        else:
            out.append(
                Finding(
                    "gpu-build-without-gpu",
                    "warning",
                    f"{subject} is {words}, but {_gpu_names(intel)} is not among the "
                    "Intel GPUs it supports (Arc, Core Ultra with Arc graphics, Data Center GPU "
                    "Max).",
                    "torch runs on the CPU only.",
                    _switch_fix(ctx, "cpu"),
                )
            )
        if installed:
            out += _check_triton(ctx, variant)
    return out


def _locked_variant(ctx: Context, pkg: LockedPackage) -> str | None:
    """The build of a locked torch on the profile's platform: its label, or PyPI's build."""
    assert ctx.platform is not None
    label = InstalledPackage(pkg.name, pkg.version).label
    if label:
        return label
    release = _release_for(ctx.catalog, pkg.version)
    return release.pypi.get(ctx.platform.name) if release else None


def _check_locked_build(ctx: Context) -> list[Finding]:
    """For another platform's profile: does what uv.lock installs there fit that machine?"""
    rec, platform, lock = ctx.recommendation, ctx.platform, ctx.current_lock
    assert platform is not None and ctx.profile is not None
    if rec is None or lock is None or not lock.sets:
        return []  # check_lock already says why the lock cannot be checked
    pypi = ""
    release = ctx.catalog.release(rec.torch) if rec.torch else None
    if release is not None:
        pypi = release.pypi.get(platform.name, "")
    wanted = {rec.backend} | ({pypi, "default"} if rec.backend == "default" and pypi else set())
    builds = []
    for s in lock.sets:
        assert s.torch is not None
        variant = _locked_variant(ctx, s.torch)
        pkg = InstalledPackage(s.torch.name, s.torch.version)
        words = _build_words(variant, pkg, ctx.catalog)
        if variant in wanted:
            return [
                Finding(
                    "build-fits",
                    "ok",
                    f"On {platform.label}, uv.lock installs torch {s.torch.version}"
                    f"{_lock_words(s)}, {words}: the build recommended for "
                    f"{_gpu_names(ctx.profile.gpus) if ctx.profile.gpus else 'that machine'}.",
                )
            ]
        builds.append(f"torch {s.torch.version}{_lock_words(s)}, {words}")
    gpus = tuple(g for g in ctx.profile.gpus if g.vendor != "apple")
    wanted_words = "PyPI's build" if rec.backend == "default" else f"the {rec.backend} build"
    return [
        Finding(
            "locked-build-differs",
            "problem" if _is_gpu(rec.backend) else "warning",
            f"On {platform.label}, uv.lock installs {'; '.join(builds)}, but "
            f"{_gpu_names(gpus) if gpus else 'the machine in the profile'} needs "
            f"{wanted_words}.",
            rec.reasons[0] if rec.reasons else "",
            _switch_fix(ctx, rec.backend),
        )
    ]


def _fallback_fix(ctx: Context, blocked: str) -> str:
    """How to get a build that runs, when the installed `blocked` one does not."""
    rec = ctx.recommendation
    if rec and rec.backend != blocked and _is_gpu(rec.backend):
        return _switch_fix(ctx, rec.backend)
    if rec and rec.ways_out:
        return " ".join(rec.ways_out)
    return _switch_fix(ctx, "cpu") + " (no GPU build fits)"


def _check_cuda(
    ctx: Context,
    torch: InstalledPackage,
    subject: str,
    variant: str,
    words: str,
    gpus: tuple[GPU, ...],
) -> list[Finding]:
    assert ctx.profile is not None and ctx.platform is not None
    cat, profile = ctx.catalog, ctx.profile
    out: list[Finding] = []
    os_name = "windows" if profile.wsl else ctx.platform.os
    needed = cat.min_driver(variant, os_name)
    toolkit = cat.cuda_toolkit(variant) or variant[2:]
    driver = profile.nvidia_driver
    have, need = parse_version(driver), parse_version(needed)
    if needed is None:
        out.append(
            Finding(
                "driver-unknown",
                "warning",
                f"The catalog does not know which driver {variant} needs.",
                "The driver cannot be checked.",
                "",
            )
        )
    elif have is None:
        out.append(
            Finding(
                "driver-unknown",
                "warning",
                f"The NVIDIA driver version was not detected; {words} needs {needed} or newer.",
                "With an older driver, torch.cuda.is_available() is False and torch runs on the "
                "CPU.",
                "Check with `nvidia-smi`, or run `torch-wizard doctor --run`."
                if ctx.profile.source is None
                else _try_it_fix(ctx, "`nvidia-smi` there shows the driver"),
            )
        )
    elif need is not None and have < need:
        way = _fallback_fix(ctx, variant)
        out.append(
            Finding(
                "cuda-newer-than-driver",
                "problem",
                f"{subject} is {words}, which needs NVIDIA driver {needed} or newer; "
                f"this machine has {driver}.",
                "CUDA cannot start with a driver older than its toolkit needs: "
                "torch.cuda.is_available() is False and everything runs on the CPU.",
                f"Upgrade the NVIDIA driver to {needed} or newer; or {way}",
            )
        )
    else:
        out.append(
            Finding(
                "driver-ok", "ok", f"Driver {driver} runs CUDA {toolkit} (needs {needed} or newer)."
            )
        )
    minor = minor_of(torch.version)
    for g, count in _alike(gpus):
        name = g.name or "the NVIDIA GPU"
        if count > 1:
            name = f"{count} × {name}"
        if not g.compute_capability:
            out.append(
                Finding(
                    "arch-unknown",
                    "warning",
                    f"The compute capability of {name} was not detected.",
                    "Whether the build has kernels for "
                    + ("them" if count > 1 else "it")
                    + " cannot be checked.",
                    _try_it_fix(ctx, "a driver from about 510 on reports it"),
                )
            )
            continue
        sm = "sm_" + g.compute_capability.replace(".", "")
        support = cat.arch_support(minor, variant, ctx.platform.name, g.compute_capability)
        if support is None:
            out.append(
                Finding(
                    "arch-unknown",
                    "warning",
                    f"The architecture list of torch {minor} {variant} is not in the "
                    f"catalog; {sm} ({name}) cannot be checked.",
                    "A build without kernels for the GPU fails at the first operation on it.",
                    _try_it_fix(ctx, ""),
                )
            )
        elif not support.ok:
            built = ", ".join("sm_" + a.replace(".", "") for a in support.arch_list)
            out.append(
                Finding(
                    "arch-not-compiled",
                    "problem",
                    f"{name} ({sm}) has no kernels in {subject}: it is built for {built}.",
                    "Every operation on the GPU fails with 'no kernel image is available for "
                    "execution on the device'.",
                    _fallback_fix(ctx, variant),
                )
            )
        else:
            out.append(Finding("arch-ok", "ok", f"{name} ({sm}) runs {support.how} of {subject}."))
    if not any(f.severity == "problem" for f in out):
        out.insert(
            0,
            Finding("build-fits", "ok", f"{subject} is {words}, for {_gpu_names(gpus)}."),
        )
    return out


def _alike(gpus: Sequence[GPU]) -> list[tuple[GPU, int]]:
    """Identical GPUs once, with their count (eight of the same card are one line)."""
    counts: dict[GPU, int] = {}
    for g in gpus:
        counts[g] = counts.get(g, 0) + 1
    return list(counts.items())


def _try_it_fix(ctx: Context, how: str) -> str:
    """Try the build on the machine: `doctor --run` here; for a profile, on its machine."""
    if ctx.profile is None or ctx.profile.source is None:
        return "Run `torch-wizard doctor --run` to try it."
    return (
        "On that machine, run `torch-wizard doctor --run` to try it, or regenerate the "
        f"profile there with `torch-wizard detect --json > {ctx.profile.source}`"
        + (f" ({how})." if how else ".")
    )


def _check_rocm(
    ctx: Context,
    torch: InstalledPackage,
    subject: str,
    variant: str,
    words: str,
    gpus: tuple[GPU, ...],
    installed: bool = True,
) -> list[Finding]:
    out: list[Finding] = []
    known = ctx.catalog.rocm_gfx.get(variant)
    for g, count in _alike(gpus):
        name = g.name or "the AMD GPU"
        if count > 1:
            name = f"{count} × {name}"
        if not g.gfx:
            out.append(
                Finding(
                    "gfx-unknown",
                    "warning",
                    f"The gfx architecture of {name} was not detected.",
                    "Whether the ROCm build supports it cannot be checked.",
                    "Install the ROCm tools (rocminfo), or run `torch-wizard doctor --run`."
                    if ctx.profile is None or ctx.profile.source is None
                    else _try_it_fix(ctx, "with the ROCm tools (rocminfo) installed"),
                )
            )
        elif known is None:
            out.append(
                Finding(
                    "gfx-unknown",
                    "warning",
                    f"The catalog has no gfx list for {variant}; {g.gfx} ({name}) "
                    "cannot be checked.",
                    "",
                    _try_it_fix(ctx, ""),
                )
            )
        elif g.gfx not in known:
            out.append(
                Finding(
                    "rocm-gfx-unsupported",
                    "problem",
                    f"{name} ({g.gfx}) is not among the architectures of {words}: "
                    f"{', '.join(sorted(known, key=lambda x: (len(x), x)))}.",
                    "ROCm has no code for this GPU: torch does not see it, or fails at the first "
                    "operation on it.",
                    _fallback_fix(ctx, variant),
                )
            )
        else:
            out.append(Finding("gfx-ok", "ok", f"{name} ({g.gfx}) is supported by {variant}."))
    if any(f.severity == "problem" for f in out):
        return out  # its own triton matters only once the build runs here
    out.insert(
        0,
        Finding("build-fits", "ok", f"{subject} is {words}, for {_gpu_names(gpus)}."),
    )
    return out + (_check_triton(ctx, variant) if installed else [])


def _check_triton(ctx: Context, variant: str) -> list[Finding]:
    """ROCm and XPU builds take their own triton package from their index."""
    assert ctx.installed is not None
    package = ctx.catalog.triton.get("rocm" if variant.startswith("rocm") else variant)
    if not package or package in ctx.installed.packages:
        return []
    return [
        Finding(
            "triton-missing",
            "warning",
            f"{package} is not installed beside the {variant} build of torch.",
            "torch.compile needs it; without it, compiling a model fails.",
            _wizard_fix(ctx, variant) + f" (the wizard adds {package} with its index)",
        )
    ]


def _with_fix(ctx: Context, name: str) -> str:
    """`torch-wizard --with ...`, naming every companion the project has (--with replaces them)."""
    existing = ctx.setup.existing
    have = list(existing.companions) if existing else []
    names = have + [name] if name not in have else have
    return "`torch-wizard " + " ".join(f"--with {n}" for n in names) + "`"


def _locked_pair(
    ctx: Context, name: str, torch: InstalledPackage, expected: str | None
) -> LockedSet | None:
    """The uv.lock set that has the installed torch and a `name` paired with it, if any."""
    lock = ctx.current_lock
    if lock is None or ctx.foreign:
        return None
    for s in lock.sets:
        want = s.packages.get(name)
        if s.torch is None or want is None:
            continue
        if parse_version(s.torch.version) != parse_version(torch.version):
            continue
        got = InstalledPackage(name, want.version)
        if expected is not None and parse_version(got.public) != parse_version(expected):
            continue
        if got.label != torch.label:
            continue
        return s
    return None


def check_companions(ctx: Context) -> list[Finding]:
    inst, platform = ctx.installed, ctx.platform
    if inst is None or inst.torch is None or platform is None:
        return []
    torch = inst.torch
    platform = ctx.env_platform or platform if ctx.foreign else platform
    torch_variant = build_variant(torch, platform, ctx.catalog)
    out: list[Finding] = []
    for name in PAIRED:
        pkg = inst.packages.get(name)
        if pkg is None:
            continue
        expected = ctx.catalog.companion_for(torch.version, name)
        variant = build_variant(pkg, platform, ctx.catalog, torch.version)
        problems = []
        if expected is not None and parse_version(pkg.public) != parse_version(expected):
            problems.append(f"torch {torch.public} pairs with {name} {expected}")
        if variant != torch_variant and variant is not None and torch_variant is not None:
            problems.append(f"it is the {variant} build while torch is the {torch_variant} build")
        if problems:
            pair = f"{name} {expected}" if expected else f"the {name} release"
            fix = (
                f"{_with_fix(ctx, name)} (pairs {pair} with torch {torch.public}), "
                f"then `{_sync_command(ctx)}`"
            )
            locked = _locked_pair(ctx, name, torch, expected)
            if locked is not None:  # uv.lock already pairs them: installing it is the fix
                fix = f"`{_sync_command(ctx, [locked.extra])}` (uv.lock pairs {name} " + (
                    f"{locked.packages[name].version} with torch {torch.version})"
                )
            out.append(
                Finding(
                    "companion-mismatch",
                    "problem",
                    f"{name} {pkg.version} does not fit torch {torch.version}: "
                    + "; ".join(problems)
                    + ".",
                    f"{name}'s compiled operators are built against one torch release and build; "
                    f"a mismatch fails at import (e.g. 'operator {name}::nms does not exist') or "
                    "at the first call.",
                    fix,
                )
            )
        elif expected is None:
            out.append(
                Finding(
                    "companion-unknown",
                    "warning",
                    f"The catalog does not know which {name} pairs with torch {torch.public}; "
                    f"{pkg.version} is installed.",
                    "A mismatched pair fails at import or at the first call.",
                    "Run without --offline to read the pairing from the live index, or "
                    "`torch-wizard doctor --run`.",
                )
            )
        else:
            out.append(
                Finding(
                    "companion-ok",
                    "ok",
                    f"{name} {pkg.version} is paired with torch {torch.version}.",
                )
            )
    return out


def check_project(ctx: Context) -> list[Finding]:
    """pyproject.toml that uv reads but the wizard cannot edit: its fixes need it repaired."""
    if ctx.setup.problem is None:
        return []
    return [
        Finding(
            "project-not-editable",
            "warning",
            ctx.setup.problem,
            "torch-wizard cannot change this pyproject.toml, so the fixes below that run "
            "torch-wizard stop at it until it is repaired.",
            ctx.setup.hint,
        )
    ]


def check_hardware(ctx: Context) -> list[Finding]:
    if ctx.profile is None:
        return [
            Finding(
                "hardware-unknown",
                "warning",
                "The hardware was not detected.",
                "The build cannot be checked against the GPU.",
                "Pass a profile with --hardware FILE.",
            )
        ]
    out = []
    for vendor, why in ctx.profile.gpu_errors:
        label = VENDOR_WORDS.get(vendor, vendor)
        tool = {"nvidia": "`nvidia-smi`", "amd": "`rocminfo`"}.get(vendor, "the driver's tool")
        again = (
            f"then regenerate the profile there with `torch-wizard detect --json > "
            f"{ctx.profile.source}`"
            if ctx.profile.source
            else "then run `torch-wizard doctor` again"
        )
        out.append(
            Finding(
                "hardware-unknown",
                "warning",
                f"{label} GPU detection failed: {why.rstrip('.')}.",
                f"Whether this machine has {label} GPUs is unknown, so the build is not judged "
                "against them (a driver that is not loaded also keeps torch from using the GPU).",
                f"Load or reinstall the {label} driver until {tool} lists the GPUs; {again}.",
            )
        )
    if ctx.platform is None:
        return out + [
            Finding(
                "hardware-unknown",
                "warning",
                f"{ctx.profile.os} {ctx.profile.arch} is not a platform PyTorch "
                "publishes wheels for.",
                "The build cannot be checked.",
                "",
            )
        ]
    return out


def check_no_torch(ctx: Context) -> list[Finding]:
    """The project does not depend on torch: one finding, with the way to set it up."""
    torch = ctx.installed.torch if ctx.installed else None
    return [
        Finding(
            "no-torch-dependency",
            "problem",
            "The project does not depend on torch (pyproject.toml names it nowhere).",
            "`uv sync` installs no torch for it"
            + (
                f" and removes the torch {torch.version} installed by hand"
                if torch is not None
                else ""
            )
            + ", so nothing in the project can import torch.",
            "`torch-wizard` (adds the torch build this machine needs and locks it), then `uv sync`",
        )
    ]


def diagnose_context(ctx: Context) -> list[Finding]:
    """Every check, in checklist order (pure: reads only `ctx`)."""
    # What uv.lock installs, against the hardware, comes first: the sync that the environment
    # (or a missing torch) calls for waits for the fix when that does not fit this machine.
    homes, lock = ctx.torch_homes, ctx.lock
    if (
        homes is not None
        and not homes.any
        and (lock is None or not lock.current or not (lock.sets or lock.root_torch))
    ):
        # Nothing asks for torch (not even through another package in uv.lock).
        return check_project(ctx) + check_hardware(ctx) + check_no_torch(ctx)
    ahead = check_lock(ctx) + check_build(ctx)
    if ctx.environment is None:
        return check_project(ctx) + check_environment(ctx, ahead) + check_hardware(ctx) + ahead
    return (
        check_project(ctx)
        + check_environment(ctx)
        + check_hardware(ctx)
        + check_installed(ctx, ahead)
        + ahead
        + check_companions(ctx)
    )


# --------------------------------------------------------------------------------------
# Running torch (--run)


@dataclass(frozen=True)
class DeviceCheck:
    device: str  # cpu, cuda:0, mps, xpu:0
    name: str | None
    ok: bool
    detail: str  # the result, or the error

    def to_dict(self) -> dict[str, Any]:
        return {"device": self.device, "name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class RuntimeResult:
    """What importing torch in the environment's Python showed."""

    failure: str | None  # None, "timeout", "crash", "import", "no-python"
    seconds: float
    version: str | None = None
    cuda: str | None = None  # torch.version.cuda
    hip: str | None = None
    cuda_available: bool | None = None
    devices: tuple[DeviceCheck, ...] = ()
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "failure": self.failure,
            "seconds": round(self.seconds, 2),
            "torch_version": self.version,
            "cuda_version": self.cuda,
            "hip_version": self.hip,
            "cuda_available": self.cuda_available,
            "devices": [d.to_dict() for d in self.devices],
            "error": self.error,
        }


# The child: plain Python that prints one marked JSON line, whatever happens after import.
PROBE = r"""
import json, sys, traceback
MARK = "@@torch-wizard-doctor@@"
out = {"devices": []}
def emit():
    sys.stdout.write("\n" + MARK + json.dumps(out) + "\n")
    sys.stdout.flush()
try:
    import torch
except BaseException as exc:
    out["import_error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    emit()
    raise SystemExit(0)
out["version"] = str(getattr(torch, "__version__", ""))
out["cuda"] = getattr(torch.version, "cuda", None)
out["hip"] = getattr(torch.version, "hip", None)
def check(device, name):
    entry = {"device": device, "name": name, "ok": False}
    try:
        x = torch.arange(6, dtype=torch.float32, device=device).reshape(2, 3)
        value = float((x @ x.T).sum().item())
        entry["ok"] = value == 83.0
        entry["detail"] = "a 2x3 matrix product gives %g (expected 83)" % value
    except BaseException as exc:
        entry["detail"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    out["devices"].append(entry)
    emit()
try:
    out["cuda_available"] = bool(torch.cuda.is_available())
except BaseException as exc:
    out["cuda_available"] = False
    out["cuda_error"] = str(exc)
emit()
check("cpu", "CPU")
if out["cuda_available"]:
    for i in range(torch.cuda.device_count()):
        try:
            name = torch.cuda.get_device_name(i)
        except BaseException:
            name = None
        check("cuda:%d" % i, name)
mps = getattr(getattr(torch, "backends", None), "mps", None)
try:
    if mps is not None and mps.is_available():
        check("mps", "Apple MPS")
except BaseException:
    pass
xpu = getattr(torch, "xpu", None)
try:
    if xpu is not None and xpu.is_available():
        for i in range(xpu.device_count()):
            check("xpu:%d" % i, xpu.get_device_name(i))
except BaseException:
    pass
out["done"] = True
emit()
"""


def _last_lines(text: str, count: int = 3) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-count:])


def parse_probe_output(stdout: str) -> dict[str, Any] | None:
    """The last JSON blob the child printed, or None."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(_RESULT_MARK):
            try:
                data = json.loads(line[len(_RESULT_MARK) :])
            except json.JSONDecodeError:
                continue
            return data if isinstance(data, dict) else None
    return None


def _stop(proc: subprocess.Popen[str]) -> None:
    """Kill the child and everything it started."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def probe_runtime(python: Path | None, cwd: Path, timeout: float = RUN_TIMEOUT) -> RuntimeResult:
    """Import torch in `python` (isolated mode) and try a tiny tensor on each device."""
    if python is None:
        return RuntimeResult("no-python", 0.0, error="the environment has no Python interpreter")
    start = time.monotonic()
    try:
        # Its own session, so that a time-out ends whatever the import started as well.
        proc = subprocess.Popen(
            [str(python), "-I", "-c", PROBE],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        return RuntimeResult(
            "crash",
            time.monotonic() - start,
            error=f"{python} could not be started ({exc.strerror or exc})",
        )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except BaseException as exc:  # a time-out, or Ctrl+C: the child's own session never sees it
        _stop(proc)
        if not isinstance(exc, subprocess.TimeoutExpired):
            proc.wait()
            raise
        try:
            stdout, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            stdout = ""
        seconds = time.monotonic() - start
        return _result_from(
            parse_probe_output(stdout or ""), "timeout", seconds, f"no answer within {timeout:g} s"
        )
    seconds = time.monotonic() - start
    data = parse_probe_output(stdout)
    if data is not None and "import_error" in data:
        return RuntimeResult("import", seconds, error=str(data["import_error"]))
    if data is None or not data.get("done"):
        code = proc.returncode
        how = f"exit code {code}"
        if code < 0:
            try:
                how = f"signal {signal.Signals(-code).name}"
            except ValueError:
                how = f"signal {-code}"
        detail = _last_lines(stderr) or _last_lines(stdout)
        return _result_from(
            data, "crash", seconds, f"Python stopped with {how}" + (f": {detail}" if detail else "")
        )
    return _result_from(data, None, seconds, "")


def _result_from(
    data: Mapping[str, Any] | None, failure: str | None, seconds: float, error: str
) -> RuntimeResult:
    if data is None:
        return RuntimeResult(failure, seconds, error=error)
    devices = tuple(
        DeviceCheck(
            str(d.get("device")),
            d.get("name") if isinstance(d.get("name"), str) else None,
            bool(d.get("ok")),
            str(d.get("detail", "")),
        )
        for d in data.get("devices", [])
        if isinstance(d, dict)
    )

    def text(key: str) -> str | None:
        value = data.get(key)
        return str(value) if value is not None else None

    available = data.get("cuda_available")
    return RuntimeResult(
        failure,
        seconds,
        text("version"),
        text("cuda"),
        text("hip"),
        bool(available) if available is not None else None,
        devices,
        error,
    )


def _device_fix(ctx: Context, device: str) -> str:
    reinstall = "`uv sync --reinstall-package torch`"
    inst, platform = ctx.installed, ctx.platform
    if device == "cpu" or inst is None or inst.torch is None or platform is None:
        return reinstall
    variant = build_variant(inst.torch, platform, ctx.catalog) or ""
    return (
        f"Check the driver (`nvidia-smi`, `rocminfo`) and the findings above; or "
        f"{_fallback_fix(ctx, variant)}"
    )


def runtime_findings(result: RuntimeResult, ctx: Context) -> list[Finding]:
    """The --run checks, as findings (pure)."""
    where = ctx.environment.python if ctx.environment else None
    sync = f"`{_sync_command(ctx)}`"
    if result.failure == "no-python":
        return [
            Finding(
                "run-crashed",
                "problem",
                "The environment has no Python interpreter.",
                "Nothing in the project can run.",
                sync,
            )
        ]
    if result.failure == "import":
        return [
            Finding(
                "run-import-failed",
                "problem",
                f"`import torch` fails in {where}: {result.error}",
                "Nothing in the project that uses torch can run.",
                f"{sync}; if it still fails, `uv sync --reinstall-package torch`",
            )
        ]
    out: list[Finding] = []
    if result.failure in ("timeout", "crash"):
        code = "run-timeout" if result.failure == "timeout" else "run-crashed"
        verb = "did not answer" if code == "run-timeout" else "crashed"
        stage = "while importing torch" if result.version is None else "while trying the devices"
        out.append(
            Finding(
                code,
                "problem",
                f"Python in the environment {verb} {stage} ({result.error}).",
                "A torch that hangs or crashes here does the same in the project.",
                "Check the GPU driver (`nvidia-smi`, `rocminfo`); "
                f"then {sync} or `uv sync --reinstall-package torch`",
            )
        )
        if result.version is None:
            return out
    out.append(
        Finding(
            "run-import",
            "ok",
            f"`import torch` works: {result.version}"
            + (f", CUDA {result.cuda}" if result.cuda else "")
            + (f", HIP {result.hip}" if result.hip else "")
            + f"; torch.cuda.is_available() is {result.cuda_available}"
            + f" ({result.seconds:.1f} s).",
        )
    )
    inst = ctx.installed
    if inst and inst.torch and parse_version(result.version) != parse_version(inst.torch.version):
        out.append(
            Finding(
                "run-version-differs",
                "warning",
                f"Python imports torch {result.version}, but the environment's metadata says "
                f"{inst.torch.version}.",
                "Another torch shadows the installed one (a folder named torch, or a broken "
                "install).",
                "`uv sync --reinstall-package torch`",
            )
        )
    for d in result.devices:
        label = f"{d.device} ({d.name})" if d.name and d.name != "CPU" else d.device
        if d.ok:
            out.append(Finding("run-device", "ok", f"{label}: {d.detail}."))
        else:
            out.append(
                Finding(
                    "run-device-failed",
                    "problem",
                    f"{label}: a tiny tensor operation fails: {d.detail}",
                    "Work on this device fails the same way.",
                    _device_fix(ctx, d.device),
                )
            )
    has_nvidia = bool(ctx.profile and ctx.profile.gpus_of("nvidia"))
    if result.cuda and result.cuda_available is False and has_nvidia:
        out.append(
            Finding(
                "run-cuda-unavailable",
                "problem",
                f"torch {result.version} is built with CUDA {result.cuda}, but "
                "torch.cuda.is_available() is False.",
                "torch cannot reach the GPU (driver too old or not loaded, or no device visible: "
                "check CUDA_VISIBLE_DEVICES); everything runs on the CPU.",
                "Check `nvidia-smi`; upgrade the NVIDIA driver if it is older than the build "
                "needs.",
            )
        )
    return out


# --------------------------------------------------------------------------------------
# The whole diagnosis


@dataclass(frozen=True)
class DoctorReport:
    project: Path
    env_path: Path
    environment: Environment | None
    installed: Installed | None
    lock: LockState | None
    profile: HardwareProfile | None
    platform: TargetPlatform | None
    recommendation: Recommendation | None
    findings: tuple[Finding, ...]
    runtime: RuntimeResult | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "problem")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def healthy(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1

    def to_dict(self) -> dict[str, Any]:
        env = self.environment
        rec = self.recommendation
        lock_sets = self.lock.sets if self.lock else ()
        return {
            "project": str(self.project),
            "healthy": self.healthy,
            "exit_code": self.exit_code,
            "counts": {
                s: sum(1 for f in self.findings if f.severity == s)
                for s in ("problem", "warning", "ok")
            },
            "environment": None
            if env is None
            else {
                "path": str(env.path),
                "site_packages": str(env.site_packages),
                "python": str(env.python) if env.python else None,
                "python_version": env.python_version,
            },
            "platform": self.platform.name if self.platform else None,
            "hardware": self.profile.to_dict() if self.profile else None,
            "recommended": None
            if rec is None
            else {
                "backend": rec.backend,
                "torch": rec.torch,
                "reasons": list(rec.reasons),
                "ways_out": list(rec.ways_out),
            },
            "installed": None
            if self.installed is None
            else {
                "packages": {n: p.to_dict() for n, p in sorted(self.installed.packages.items())},
                "nvidia_packages": len(self.installed.nvidia),
            },
            "lock": None
            if self.lock is None
            else {
                "path": str(self.lock.path),
                "extras": list(self.lock.extras),
                "error": self.lock.error,
                "stale": list(self.lock.stale),
                "targets": [
                    {
                        "extra": s.extra,
                        "packages": {
                            n: {"version": p.version, "index": p.index}
                            for n, p in s.packages.items()
                        },
                    }
                    for s in lock_sets
                ],
            },
            "runtime": self.runtime.to_dict() if self.runtime else None,
            "notes": list(self.notes),
            "findings": [f.to_dict() for f in self.findings],
        }


def _paired_releases(catalog: Catalog, existing: ExistingSetup | None) -> str | None:
    """A torch range of the releases the project's torchvision/torchaudio are paired with.

    The recommendation (and so every fix) stays inside it: the wizard refuses a torch release
    that a companion of the project has no release for.
    """
    companions = [c for c in (existing.companions if existing else ()) if c in PAIRED]
    if not companions or not catalog.releases:
        return None
    paired = [r for r in catalog.releases if all(catalog.companion_spec(r, c) for c in companions)]
    if not paired or paired[0] is catalog.releases[0]:
        return None
    newer = catalog.releases[catalog.releases.index(paired[0]) - 1]
    return f"<{newer.minor}"


def _recommendation(
    profile: HardwareProfile | None,
    platform: str,
    catalog: Catalog,
    existing: ExistingSetup | None,
    python: str,
) -> Recommendation:
    """The build for `platform` in the torch release the project uses.

    The project's torch requirement bounds the release, as a re-run of the wizard keeps it
    (and so every fix stays in it, without --torch). Only when that range has no build that
    uses the machine's GPU but another release has one, or when the catalog knows no release
    in it, is the recommendation the newest release that serves (the fix then carries --torch).
    """
    paired = _paired_releases(catalog, existing)
    if profile is not None:  # identical GPUs are named once in the reasons
        profile = replace(profile, gpus=tuple(dict.fromkeys(profile.gpus)))

    def wider() -> Recommendation:
        return recommend(profile, platform, catalog, paired, python=python)

    own_spec = existing.torch_spec if existing else None
    if not own_spec:
        return wider()
    try:
        spec = ",".join(s for s in (own_spec, paired) if s)
        own = recommend(profile, platform, catalog, spec, python=python)
    except BadInput:  # not a range the catalog can read: judge by the newest release
        return wider()
    if own.torch is None:
        return wider()
    if not _is_gpu(own.backend):
        free = wider()
        if _is_gpu(free.backend):
            return free
    return own


def _pinned_python(project: Path) -> str | None:
    """The minor version in the project's .python-version ("3.11", "cpython@3.11.7"), if any."""
    text = _read_text(project / ".python-version") or ""
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            found = re.search(r"(?<![\d.])(3\.\d+)", line)
            return found.group(1) if found else None
    return None


def gather(
    project: Path,
    profile: HardwareProfile | None,
    catalog: Catalog,
    environ: Mapping[str, str] | None = None,
    setup: ProjectSetup | None = None,
) -> Context:
    """Read the environment, the lock and the recommendation (reads files; runs nothing).

    Raises BadInput when pyproject.toml cannot be read at all (see `read_setup`).
    """
    setup = read_setup(project) if setup is None else setup
    environ = os.environ if environ is None else environ
    workspace = workspace_of(project)  # uv keeps a member's .venv and uv.lock at the root
    env_path = environment_path(workspace.root if workspace else project, environ)
    environment = find_environment(env_path)
    installed = read_installed(environment.site_packages) if environment else None
    platform = platform_for(profile.os, profile.arch) if profile else None
    # With no environment yet, the Python `uv sync` would create it with: the project's pin.
    python = (environment.python_minor if environment else _pinned_python(project)) or (
        ".".join(profile.python.split(".")[:2]) if profile and profile.python else "3.12"
    )
    lock = read_locked(project, platform, python, environ, workspace) if platform else None
    rec = None
    if platform is not None and platform.name in PLATFORMS:
        rec = _recommendation(profile, platform.name, catalog, setup.existing, python)
    ctx = Context(
        project,
        env_path,
        environment,
        installed,
        lock,
        profile,
        platform,
        catalog,
        rec,
        setup,
        read_torch_homes(project),
    )
    return replace(ctx, machine_extra=extra_for_machine(ctx))


def diagnose(
    project: Path,
    profile: HardwareProfile | None,
    catalog: Catalog,
    *,
    run: bool = False,
    run_timeout: float = RUN_TIMEOUT,
    environ: Mapping[str, str] | None = None,
    setup: ProjectSetup | None = None,
    fix_dir: str | None = None,
) -> DoctorReport:
    """Every check on the project's environment; with `run`, also import torch in it.

    `fix_dir`: the project folder as the person named it (-C DIR), when it is not the current
    folder: every command in a fix then acts on it (see `in_folder`).
    """
    ctx = gather(project, profile, catalog, environ, setup)
    findings = diagnose_context(ctx)
    runtime = None
    env = ctx.environment
    if run and env is not None and not env.broken and ctx.installed and ctx.installed.torch:
        runtime = probe_runtime(env.python, project, run_timeout)
        findings += runtime_findings(runtime, ctx)
    if fix_dir:
        findings = [replace(f, fix=in_folder(f.fix, fix_dir)) for f in findings]
    return DoctorReport(
        project,
        ctx.env_path,
        ctx.environment,
        ctx.installed,
        ctx.lock,
        ctx.profile,
        ctx.platform,
        ctx.recommendation,
        tuple(findings),
        runtime,
        catalog.notes,
    )


_TW_COMMAND = re.compile(r"`torch-wizard(?=[ `])(?! detect)")
_UV_COMMAND = re.compile(r"`uv (?=[a-z])")


def in_folder(fix: str, folder: str) -> str:
    """The fix's commands made to act on `folder` (copied as printed, from the current folder):
    `torch-wizard -C DIR ...`, `uv --directory DIR ...`."""
    import shlex

    quoted = shlex.quote(folder)
    fix = _TW_COMMAND.sub(lambda _: f"`torch-wizard -C {quoted}", fix)
    return _UV_COMMAND.sub(lambda _: f"`uv --directory {quoted} ", fix)


# --------------------------------------------------------------------------------------
# The checklist as text


@dataclass(frozen=True)
class Style:
    """How the checklist is drawn: Unicode marks or ASCII, with or without colour."""

    unicode: bool = True
    color: bool = False

    @classmethod
    def for_stream(cls, encoding: str | None, isatty: bool, environ: Mapping[str, str]) -> Style:
        plain = "NO_COLOR" in environ or environ.get("TERM") == "dumb"
        utf8 = (encoding or "").lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
        return cls(unicode=utf8 and not plain, color=isatty and not plain)

    def mark(self, severity: Severity) -> str:
        sign = (
            {"ok": "✓", "warning": "!", "problem": "✗"}
            if self.unicode
            else {"ok": "+", "warning": "!", "problem": "x"}
        )[severity]
        if not self.color:
            return sign
        colour = {"ok": "32", "warning": "33", "problem": "31"}[severity]
        return f"\x1b[{colour};1m{sign}\x1b[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def report_text(report: DoctorReport, style: Style | None = None) -> str:
    """The checklist a person reads."""
    style = style or Style()
    lines = [f"torch-wizard doctor: {report.project}"]
    if report.profile is not None:
        hw = _machine_words(report.profile)
        driver = report.profile.nvidia_driver
        lines.append(f"  Machine      {hw}" + (f" (NVIDIA driver {driver})" if driver else ""))
    env = report.environment
    torch_pkg = report.installed.torch if report.installed else None
    built = _wheel_platform(torch_pkg.wheel_tags) if torch_pkg else None
    foreign = (
        torch_pkg is not None
        and report.platform is not None
        and bool(torch_pkg.wheel_tags)
        and not any(_tag_fits(t, report.platform) for t in torch_pkg.wheel_tags)
    )
    about = [f"Python {env.python_version}"] if env and env.python_version else []
    if foreign and built is not None:
        about.append(f"torch built for {built.label}")
    lines.append(f"  Environment  {report.env_path}" + (f" ({', '.join(about)})" if about else ""))
    rec = report.recommendation
    if rec is not None:
        torch = f" (torch {rec.torch})" if rec.torch else ""
        where = f" for {report.platform.label}" if foreign and report.platform else ""
        lines.append(f"  Recommended  {rec.backend}{torch}{where}")
    lines.append("")
    for f in report.findings:
        lines.append(f"{style.mark(f.severity)} {f.what}")
        if f.severity != "ok":
            if f.why:
                lines.append(f"    Why: {f.why}")
            if f.fix:
                lines.append(f"    Fix: {f.fix}")
    lines.append("")
    problems, warnings = len(report.problems), len(report.warnings)
    verdict = (
        "The environment fits this machine."
        if report.healthy
        else "The environment needs attention."
    )
    if foreign and report.platform is not None:
        verdict = (
            f"This environment is for {built.label if built else 'another platform'}; what "
            f"uv.lock installs on {report.platform.label} fits the machine in the profile."
            if report.healthy
            else "The project needs attention for the machine in the profile."
        )
    lines.append(f"{_plural(problems, 'problem')}, {_plural(warnings, 'warning')}. {verdict}")
    return "\n".join(lines)
