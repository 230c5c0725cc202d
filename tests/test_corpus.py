"""A corpus of real-world shaped pyproject.toml files, edited and locked without loss.

Every project in tests/fixtures/corpus/ is copied to a temporary folder and handed to the
installed `torch-wizard --yes` (against the fake index, with the real `uv lock`). Then:

- exit 0; the file still parses; a BOM, CRLF line ends and the other files stay as they were;
- every line of the original that does not belong to the wizard (torch-family requirements,
  the pytorch-* indexes, the torch-family sources, required-environments / environments /
  conflicts, the variant extras, tool.uv's sources and index when written inline, a raised
  requires-python) is still there, in order;
- the data outside the wizard's parts reads back equal;
- uv itself (`uv export`) installs the expected torch build on each target, and every other
  dependency of the file;
- a second run with no choices changes neither pyproject.toml nor uv.lock, byte for byte.

The projects the wizard must refuse are checked apart: exit 2, one line on stderr, nothing
changed.

uv builds a project whose version is dynamic to learn its version: stand-ins for the build
backends (tests/fixtures/corpus_stubs.py) are offered to it through UV_FIND_LINKS. A case whose
file exposes a wizard bug is marked xfail(strict=True) with the bug as its reason.
"""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomllib
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.e2e_helpers import installs, profile, run_wizard
from tests.fixtures.corpus_stubs import build_backend_wheels

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
FAMILY = ("torch", "torchvision", "torchaudio", "torchao")
VARIANT = re.compile(r"^(cpu|cu\d{2,3}|rocm\d+(\.\d+)*|xpu)$")
BOM = b"\xef\xbb\xbf"

# --- the command lines ----------------------------------------------------------------------

THREE = ("--target", "linux-x86_64", "--target", "macos-arm64", "--target", "windows-x86_64=cu130")
THREE_TORCH = {
    "linux-x86_64": "2.15.0+cpu",
    "macos-arm64": "2.15.0",
    "windows-x86_64": "2.15.0+cu130",
}
THREE_PAIRED = {
    "linux-x86_64": "2.14.1+cpu",
    "macos-arm64": "2.14.1",
    "windows-x86_64": "2.14.1+cu130",
}
VARIANTS = ("--target", "linux-x86_64", "--variants", "cpu,cu130")
VARIANTS_TORCH = {"linux-x86_64[cpu]": "2.15.0+cpu", "linux-x86_64[cu130]": "2.15.0+cu130"}
VARIANTS_PAIRED = {"linux-x86_64[cpu]": "2.14.1+cpu", "linux-x86_64[cu130]": "2.14.1+cu130"}
VISION = ("--with", "torchvision")


@dataclass(frozen=True)
class Case:
    name: str  # the folder in tests/fixtures/corpus
    args: tuple[str, ...] = THREE
    expect: Mapping[str, str] = field(default_factory=lambda: THREE_TORCH)
    member: str = "."  # the folder -C points at, inside the project
    package: str | None = None  # the workspace member to export, when not the root
    companions: Mapping[str, str] = field(default_factory=dict)  # name -> version on Linux
    bug: str | None = None  # a known wizard bug: the case is xfail(strict)


CASES = [
    Case("hatch-vcs-dynamic-version"),
    Case("poetry-and-pep621-mixed", VARIANTS, VARIANTS_TORCH),
    Case("pdm-backend", (*THREE, *VISION), THREE_PAIRED, companions={"torchvision": "0.29.1+cpu"}),
    Case("setuptools-scm", ("--target", "linux-x86_64=cu130"), {"linux-x86_64": "2.15.0+cu130"}),
    Case("maturin"),
    Case("scikit-build-core", VARIANTS, VARIANTS_TORCH),
    Case("flit"),
    # torchvision sits in the `all` extra: it gets the paired range there and stays optional
    Case(
        "lightning-style-extras",
        (*THREE, *VISION),
        {"linux-x86_64[all]": "2.14.1+cpu", **THREE_PAIRED},
        companions={"torchvision": "0.29.1+cpu"},
    ),
    # torchvision in the test extra: torch 2.14, the newest with a paired torchvision
    Case("huggingface-style-many-extras", VARIANTS, VARIANTS_PAIRED),
    Case("ruff-mypy-pytest-config-heavy"),
    Case("comments-everywhere", VARIANTS, VARIANTS_TORCH),
    Case("inline-tables-everywhere"),
    Case(
        "crlf-windows",
        ("--target", "windows-x86_64=cu130", "--target", "linux-x86_64"),
        {"windows-x86_64": "2.15.0+cu130", "linux-x86_64": "2.15.0+cpu"},
    ),
    Case("bom-utf8"),
    Case("bom-and-crlf-notepad"),
    Case("uv-with-existing-indexes", VARIANTS, VARIANTS_TORCH),
    Case("uv-dependency-groups"),
    Case("uv-workspace-root"),
    Case("uv-workspace-member", member="apps/train", package="train"),
    Case(
        "existing-handwritten-torch-cpu",
        THREE,
        THREE_PAIRED,
        companions={"torchvision": "0.29.1+cpu"},
    ),
    # extras cpu and cu126 for Linux and Windows become cpu and cu130 for Linux and macOS
    Case(
        "earlier-torch-wizard-run",
        ("--target", "linux-x86_64", "--target", "macos-arm64", "--variants", "cpu,cu130"),
        {**VARIANTS_PAIRED, "macos-arm64[cpu]": "2.14.1"},
        companions={"torchvision": "0.29.1+cpu"},
    ),
    Case("tool-uv-sources-git-and-path"),
    # torch 2.15 has no Python 3.10 wheels: 2.14 keeps the project's requires-python
    Case("requires-python-310", THREE, THREE_PAIRED),
    Case("long-dependency-list-with-markers"),
    Case("optional-dependencies-with-self-reference", VARIANTS, VARIANTS_TORCH),
    Case("scripts-and-entry-points"),
    Case("dynamic-readme-and-version"),
    Case("multiline-strings-that-look-like-tables"),
    Case("dotted-keys"),
    Case("array-of-tables-elsewhere", VARIANTS, VARIANTS_TORCH),
    Case("no-trailing-newline"),
    Case("hatch-envs-and-matrix"),
    Case("setuptools-dynamic-attr-version"),
    Case("pixi-and-uv"),
    Case("uv-heavy-settings"),
    Case("tabs-indentation", VARIANTS, VARIANTS_TORCH),
    Case("literal-strings-single-quotes"),
    # torch 2.4.1 is not on the (fake) index: the person asks for 2.14
    Case(
        "pinned-old-torch-with-companions",
        (*THREE, "--torch", "2.14"),
        THREE_PAIRED,
        companions={"torchvision": "0.29.1+cpu", "torchaudio": "2.11.0+cpu"},
    ),
    Case("uv-init-app"),
    Case("uv-init-lib", (*THREE, *VISION), THREE_PAIRED, companions={"torchvision": "0.29.1+cpu"}),
    # torch stays in the project's own `torch` extra (and torchvision in `vision`)
    Case("torch-only-in-gpu-extra", THREE, {f"{k}[torch]": v for k, v in THREE_PAIRED.items()}),
    Case(
        "rocm-workstation",
        ("--target", "linux-x86_64=rocm7.2", "--target", "windows-x86_64=cpu"),
        {"linux-x86_64": "2.15.0+rocm7.2", "windows-x86_64": "2.15.0+cpu"},
        companions={"pytorch-triton-rocm": "3.6.0"},
    ),
    Case(
        "xpu-intel-arc",
        ("--target", "linux-x86_64=xpu", "--target", "macos-arm64"),
        {"linux-x86_64": "2.15.0+xpu", "macos-arm64": "2.15.0"},
        companions={"pytorch-triton-xpu": "3.6.0"},
    ),
    Case("whitespace-and-blank-lines"),
    Case(
        "unusual-table-order",
        ("--target", "linux-x86_64", "--target", "macos-arm64", "--torch", "2.15"),
        {"linux-x86_64": "2.15.0+cpu", "macos-arm64": "2.15.0"},
    ),
    Case("uv-prerelease-allow"),
    Case(
        "uv-environments-handwritten",
        ("--target", "linux-x86_64", "--target", "macos-arm64"),
        {"linux-x86_64": "2.15.0+cpu", "macos-arm64": "2.15.0"},
    ),
    Case("intel-mac-split-torch-pins"),
    Case("uv-inline-sources-and-index", VARIANTS, VARIANTS_TORCH),
    Case("uv-dotted-sources"),
    Case("headers-with-spaces-and-quotes"),
]

# name -> (arguments, a word the one-line refusal must contain)
REFUSED = {
    # dependencies = { file = ["requirements.txt"] }: the build backend computes them
    "refused-dynamic-dependencies-setuptools": (THREE, "dynamic"),
    # Poetry 1.x: [tool.poetry] and no [project], which is all uv reads
    "refused-poetry-1-only": (THREE, "[project]"),
    # the classic hand-written mistake sys_platform == 'windows'; --yes without --target
    "refused-handwritten-windows-marker": ((), "win32"),
    # extras computed by the backend, and variants asked for as extras
    "refused-dynamic-optional-dependencies-with-variants": (VARIANTS, "dynamic"),
    # two [tool.ruff] tables pasted together: not valid TOML
    "refused-duplicate-table": (THREE, "TOML"),
}


def test_the_corpus_is_complete() -> None:
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert folders == {c.name for c in CASES} | set(REFUSED)
    assert len(CASES) >= 30


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_backend_wheels(tmp_path_factory.mktemp("build-backends"))


@pytest.fixture
def env(
    uv_env: dict[str, str], backends: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    e = dict(uv_env)
    e["TORCH_WIZARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("wcache"))
    e["UV_HTTP_RETRIES"] = "0"
    e["UV_FIND_LINKS"] = str(backends)  # the build backends of dynamic-version projects
    return e


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- which lines belong to the wizard -------------------------------------------------------


def _line_states(text: str) -> list[tuple[bool, int]]:
    """Per line: does it start outside any string, and its bracket depth change (code only)."""
    out: list[tuple[bool, int]] = []
    state = ""  # "", '"', "'", '"""', "'''"
    i, start_clean, delta = 0, True, 0
    while i < len(text):
        c = text[i]
        if c == "\n":
            if state in ('"', "'"):
                state = ""
            out.append((start_clean, delta))
            start_clean, delta = state == "", 0
            i += 1
            continue
        if state == "":
            if text.startswith('"""', i) or text.startswith("'''", i):
                state, i = text[i : i + 3], i + 3
                continue
            if c in "\"'":
                state = c
            elif c == "#":
                j = text.find("\n", i)
                i = len(text) if j < 0 else j
                continue
            elif c in "[{":
                delta += 1
            elif c in "]}":
                delta -= 1
        elif state in ('"', '"""') and c == "\\":
            i += 1 if text.startswith("\n", i + 1) else 2  # a line-ending backslash
            continue
        elif text.startswith(state, i):
            if len(state) == 3:  # up to two more quotes belong to the string
                while text.startswith(state[0], i + 3):
                    i += 1
            i += len(state)
            state = ""
            continue
        i += 1
    out.append((start_clean, delta))
    return out


def _header(line: str) -> tuple[tuple[str, ...], bool] | None:
    s = line.strip()
    if not s.startswith("["):
        return None
    node: Any = tomllib.loads(s)
    path: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        ((k, node),) = node.items()
        path.append(k)
        if isinstance(node, list):
            return tuple(path), True
    return tuple(path), False


_NAMES = r"(torch|torchvision|torchaudio|torchao|pytorch[-_]triton[-_a-z]*)"
_TORCH_REQUIREMENT = re.compile(r"""["']\s*""" + _NAMES + r"""\s*(?=[\s<>=!~;\[(@,"'])""", re.I)
_TORCH_KEY = re.compile(r"""^\s*["']?""" + _NAMES + r"""["']?\s*=""", re.I)
_CONFLICTS = re.compile(r"""^\s*["']?conflicts["']?\s*=""")


def _mentions_torch(line: str) -> bool:
    """A torch-family requirement or key, or a comment the wizard wrote."""
    return (
        _TORCH_REQUIREMENT.search(line) is not None
        or _TORCH_KEY.match(line) is not None
        or line.lstrip().startswith("# torch-wizard:")
    )


_OWNED_UV_KEY = re.compile(
    r"""^\s*["']?(required-environments|environments|conflicts|sources|index)["']?\s*="""
)
_SOURCE_KEY = re.compile(r"""^\s*["']?([A-Za-z0-9._-]+)["']?\s*=""")


def owned_lines(text: str, rp_changed: bool) -> set[int]:
    """The line numbers of the parts of a pyproject.toml text that the wizard owns."""
    lines = text.split("\n")
    states = _line_states(text)
    owned: set[int] = set()
    section: tuple[tuple[str, ...], bool] = ((), False)
    depth = value_start = 0
    value_owner = False  # the current multi-line value is owned
    sections: list[tuple[int, tuple[tuple[str, ...], bool]]] = [(0, section)]
    for n, line in enumerate(lines):
        clean, delta = states[n]
        if clean and depth == 0:
            head = _header(line)
            if head is not None:
                section = head
                sections.append((n, head))
            else:
                key_line = line.strip() and not line.strip().startswith("#")
                value_start = n
                value_owner = bool(key_line) and (
                    (section[0] == ("tool", "uv") and _OWNED_UV_KEY.match(line) is not None)
                    or (
                        section[0] == ("tool",)
                        and re.match(r"""^\s*["']?uv["']?\s*=""", line) is not None
                    )
                    or (
                        section[0] == ("tool", "uv", "sources")
                        and (m := _SOURCE_KEY.match(line)) is not None
                        and canonicalize_name(m.group(1)) in FAMILY
                    )
                    or (
                        section[0] == ("project", "optional-dependencies")
                        and (m := _SOURCE_KEY.match(line)) is not None
                        and VARIANT.match(m.group(1)) is not None
                    )
                    or re.match(r"^\s*(project\.)?dependencies\s*=\s*\[\s*\]", line) is not None
                    or (
                        rp_changed
                        and re.match(r"^\s*(project\.)?requires-python\s*=", line) is not None
                    )
                )
        in_conflicts = value_owner and _CONFLICTS.match(lines[value_start]) is not None
        if (value_owner and not (in_conflicts and "group" in line)) or _mentions_torch(line):
            owned.add(n)
        depth += delta
        if depth == 0 and value_owner:
            value_owner = False
            # the blank lines after an owned value go with it
            k = n + 1
            while k < len(lines) and not lines[k].strip():
                owned.add(k)
                k += 1
    # the [[tool.uv.index]] tables of PyTorch indexes: header to last key, and blank lines after
    sections.append((len(lines), ((), False)))
    for (start, (path, is_array)), (end, _) in zip(sections, sections[1:], strict=False):
        if path != ("tool", "uv", "index") or not is_array:
            continue
        body = lines[start:end]
        if not any(re.match(r"""^\s*name\s*=\s*["']pytorch-""", b) for b in body):
            continue
        last = max(k for k, b in enumerate(body) if b.strip() and not b.strip().startswith("#"))
        owned.update(range(start, start + last + 1))
        k = start + last + 1
        while k < end and not lines[k].strip():
            owned.add(k)
            k += 1
    return owned


def missing_lines(kept: list[str], new: list[str]) -> list[str]:
    """The kept lines that are not found, in order, in the new text (empty: all there)."""
    at = 0
    for n, line in enumerate(kept):
        try:
            at = new.index(line, at) + 1
        except ValueError:
            return kept[n:]
    return []


# --- the data outside the wizard's parts ----------------------------------------------------


def _family(req: str) -> bool:
    return canonicalize_name(Requirement(req).name) in FAMILY or Requirement(req).name.startswith(
        "pytorch-triton"
    )


def unowned(data: Mapping[str, Any]) -> dict[str, Any]:
    d = copy.deepcopy(dict(data))
    project = d.get("project", {})
    project.pop("requires-python", None)  # compared apart: the wizard may raise it
    if "dependencies" in project:
        project["dependencies"] = [r for r in project["dependencies"] if not _family(r)]
    extras = project.get("optional-dependencies", {})
    for name in list(extras):
        extras[name] = [r for r in extras[name] if not _family(r)]
        if not extras[name] and VARIANT.match(name):
            del extras[name]
    if "optional-dependencies" in project and not extras:
        del project["optional-dependencies"]
    uv = d.get("tool", {}).get("uv", {})
    for key in ("required-environments", "environments"):
        uv.pop(key, None)
    if "conflicts" in uv:
        uv["conflicts"] = [
            g
            for g in uv["conflicts"]
            if not all(isinstance(i, dict) and VARIANT.match(i.get("extra", "")) for i in g)
        ]
        if not uv["conflicts"]:
            del uv["conflicts"]
    if "index" in uv:
        uv["index"] = [i for i in uv["index"] if not i.get("name", "").startswith("pytorch-")]
        if not uv["index"]:
            del uv["index"]
    sources = uv.get("sources", {})
    for name in list(sources):
        if canonicalize_name(name) in FAMILY or name.startswith("pytorch-triton"):
            del sources[name]
    if "sources" in uv and not sources:
        del uv["sources"]
    if "tool" in d and "uv" in d["tool"] and not uv:
        del d["tool"]["uv"]
    if "tool" in d and not d["tool"]:
        del d["tool"]
    return d


def _other_dependencies(data: Mapping[str, Any]) -> set[str]:
    """The non-torch dependencies that Linux x86_64 with Python 3.12 installs."""
    local = {
        canonicalize_name(k)
        for k, v in data.get("tool", {}).get("uv", {}).get("sources", {}).items()
        if isinstance(v, dict) and ("path" in v or "workspace" in v)
    }
    marker_env = {
        **default_environment(),
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "os_name": "posix",
        "python_version": "3.12",
        "python_full_version": "3.12.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }
    found = set()
    for r in data.get("project", {}).get("dependencies", []):
        req = Requirement(r)
        name = canonicalize_name(req.name)
        if _family(r) or name in local:
            continue
        if req.marker is None or req.marker.evaluate(marker_env):
            found.add(name)
    return found


# --- the test -------------------------------------------------------------------------------


def _params() -> list[Any]:
    return [
        pytest.param(
            c,
            id=c.name,
            marks=[pytest.mark.xfail(strict=True, raises=AssertionError, reason=c.bug)]
            if c.bug
            else [],
        )
        for c in CASES
    ]


def _decode(raw: bytes) -> str:
    return raw.removeprefix(BOM).decode().replace("\r\n", "\n")


def assert_kept(original: bytes, after: bytes, name: str) -> dict[str, Any]:
    """Everything of the original outside the wizard's parts is still there; the new data."""
    assert after.startswith(BOM) == original.startswith(BOM), f"{name}: the BOM changed"
    if b"\r\n" in original:
        assert b"\n" not in after.replace(b"\r\n", b""), f"{name}: CRLF line ends were not kept"
    else:
        assert b"\r" not in after
    old_text, new_text = _decode(original), _decode(after)
    old_data, new_data = tomllib.loads(old_text), tomllib.loads(new_text)
    # every line outside the wizard's parts is still there, in order
    rp = [d.get("project", {}).get("requires-python") for d in (old_data, new_data)]
    owned = owned_lines(old_text, rp[0] != rp[1])
    kept = [ln for n, ln in enumerate(old_text.split("\n")) if n not in owned]
    lost = missing_lines(kept, new_text.split("\n"))
    assert not lost, f"{name}: first line lost or moved: {lost[0]!r}\n--- new file:\n{new_text}"
    # and so is the data
    assert unowned(new_data) == unowned(old_data), f"{name}:\n{new_text}"
    if rp[0] != rp[1]:
        assert rp[1] == ">=3.11"
    return old_data


IGNORE = shutil.ignore_patterns(".ruff_cache", "__pycache__", ".mypy_cache", ".pytest_cache")


@pytest.mark.parametrize("case", _params())
def test_corpus_file_is_edited_and_locked_without_loss(
    case: Case, tmp_path: Path, env: dict[str, str], fake_index: Any
) -> None:
    root = tmp_path / case.name
    shutil.copytree(CORPUS / case.name, root, ignore=IGNORE)
    folder = root / case.member
    before = snapshot(root)

    r = run_wizard(
        [
            "--yes",
            "--index-base",
            fake_index.base_url,
            "--hardware",
            profile("linux-cpu-only"),
            "-C",
            str(folder),
            *case.args,
        ],
        tmp_path,
        env,
    )
    assert r.code == 0, r.err

    # the project's pyproject.toml (and a workspace root's) changed only in the wizard's parts;
    # every other file is untouched, and uv.lock is new
    after = snapshot(root)
    edited = {str(Path(case.member, "pyproject.toml")), "pyproject.toml"}
    assert {k for k in after if k not in edited} == {k for k in before if k not in edited} | {
        "uv.lock"
    }
    assert all(after[k] == v for k, v in before.items() if k not in edited)
    old_data = assert_kept(
        before[str(Path(case.member, "pyproject.toml"))],
        after[str(Path(case.member, "pyproject.toml"))],
        "the project",
    )
    if case.member != ".":
        assert_kept(before["pyproject.toml"], after["pyproject.toml"], "the workspace root")

    # what uv installs on each target
    assert (root / "uv.lock").exists()
    checked_linux = False
    for key, version in case.expect.items():
        platform, _, extra = key.partition("[")
        got = installs(root, platform, env, extra=extra.rstrip("]") or None, package=case.package)
        assert got.get("torch") == version, (key, got)
        if platform == "linux-x86_64" and not checked_linux:
            checked_linux = True
            for name, v in case.companions.items():
                assert got.get(name) == v, (name, got)
            missing = _other_dependencies(old_data) - {canonicalize_name(n) for n in got}
            assert not missing, f"no longer installed on Linux: {missing}"

    # a second run with no choices changes nothing
    r = run_wizard(["--yes", "--index-base", fake_index.base_url, "-C", str(folder)], tmp_path, env)
    assert r.code == 0, r.err
    again = snapshot(root)
    for name in (*edited, "uv.lock"):
        assert again.get(name) == after.get(name), f"the second run changed {name}"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_corpus_file_the_wizard_must_refuse(
    name: str, tmp_path: Path, env: dict[str, str], fake_index: Any
) -> None:
    args, word = REFUSED[name]
    root = tmp_path / name
    shutil.copytree(CORPUS / name, root, ignore=IGNORE)
    before = snapshot(root)
    r = run_wizard(
        [
            "--yes",
            "--index-base",
            fake_index.base_url,
            "--hardware",
            profile("linux-cpu-only"),
            "-C",
            str(root),
            *args,
        ],
        tmp_path,
        env,
    )
    assert r.code == 2, r.err
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1, r.err
    assert word in lines[0] and "Traceback" not in r.err
    assert snapshot(root) == before
