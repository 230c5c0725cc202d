"""pip requirements files -> the torch Choices and the project's other dependencies.

Reading follows pip's own rules (a trailing backslash continues a line; `#` starts a comment
only at the start of a line or after whitespace; options may stand beside a requirement;
`-r`/`-c` paths are relative to the file that names them). The requirements themselves are
read with packaging. Pure: no network, nothing written.

The rules:

* The torch family (torch, torchvision, torchaudio, torchao; `pytorch` and wheel URLs of
  them too) becomes the torch setup. The torch pin with its local label dropped is the torch
  version (a companion's pin names it when torch has none); the label (`+cu121`), else the
  PyTorch index or find-links URL (`/whl/cu121`, `torch_stable.html`), is the build.
* Targets: the --target flags; else the platforms the torch lines' markers select (linux,
  darwin and win32 stand for Linux x86_64, macOS arm64 and Windows x86_64; a platform_machine
  marker selects its own) plus the platforms of the hardware profiles; else Linux x86_64 when
  the files name a build. macOS always takes PyPI's build. A target the files name no build
  for gets the recommendation for its machine ("auto").
* A torch pin the catalog (live, else bundled) does not have is dropped, and the report says
  so. A build is kept when the catalog has it: for the pinned torch when the pin is kept; for
  the newest release when a pin was dropped (the project moves to current torch: torch
  2.1.0+cu121 does not become 2.5+cu121, cu121's last); for any release when there is no pin
  (the plan then takes the newest release that has it).
* Otherwise the report says so and proposes a build: the recommendation for the target's
  machine when a hardware profile describes it (it knows the driver and the GPU; the file
  does not): a --hardware profile does, the machine the wizard runs on only when it has a GPU
  of the build's kind (a laptop without one is not the CUDA box a +cu121 was written for);
  else the nearest build: the same CUDA or ROCm major version on the newest release
  that has one (a driver that ran cu121 runs every cu12x: cu126 on torch 2.14), else the
  smallest step up (cu117 -> cu126 where no cu11x is left); else the CPU build.
* torch's own dependencies (triton, pytorch-triton*, the nvidia-* CUDA libraries) are dropped:
  the chosen build brings the ones that match it. So are pip-compile's transitive pins.
* Everything else goes to [project].dependencies, or to a dependency group when it sits in a
  dev file (requirements-dev.txt -> dev, test-requirements.txt -> test, requirements/docs.txt
  -> docs, ...). A -c constraint joins the requirement it constrains. Non-PyTorch extra
  indexes become explicit [[tool.uv.index]] tables, never with their credentials.
* What uv needs written differently is rewritten (`-e git+URL#egg=x` -> `x @ git+URL`) or,
  when it needs the person (a local path, a find-links page, a constraint on an indirect
  dependency), reported with the command to run; a file with such lines is not deletable yet.
* `-e .` (the project itself): uv installs it only when pyproject.toml has a [build-system].
  A setup.py / setup.cfg project's install_requires are read as plain values (ast and
  configparser, never run) into the dependencies; its name, version and the [build-system]
  to add are reported, to be written by hand.
* Platforms the torch lines' markers leave out, or cover beside their main platform
  (sys_platform == "linux" is Linux aarch64 too), get PyPI's torch from a lock for every
  platform: the report says so, with the flags that keep them as pip had them.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from packaging.markers import Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from wizard.catalog.model import Catalog, Release
from wizard.errors import BadInput
from wizard.names import canonical_name
from wizard.plan import (
    DEFAULT_INDEX_BASE,
    TORCH_FAMILY,
    VARIANT,
    VARIANT_PATTERN,
    Additions,
    IndexSpec,
    clean_index_base,
    credential_env_names,
)
from wizard.platforms import PLATFORMS, TargetPlatform, platform_for

if TYPE_CHECKING:
    from wizard.hardware.profile import HardwareProfile
    from wizard.session import Request

# --------------------------------------------------------------------------------------------
# Facts about the format and about PyTorch's packages

# pip's own list of options a requirements file may hold (pip/_internal/req/req_file.py).
_SHORT = {
    "-r": "--requirement",
    "-c": "--constraint",
    "-e": "--editable",
    "-i": "--index-url",
    "-f": "--find-links",
}
_VALUED = (
    "--requirement",
    "--constraint",
    "--editable",
    "--index-url",
    "--extra-index-url",
    "--find-links",
    "--trusted-host",
    "--hash",
    "--only-binary",
    "--no-binary",
    "--use-feature",
    "--config-settings",
    "--global-option",
    "--install-option",
)
_FLAGS = ("--pre", "--no-index", "--prefer-binary", "--require-hashes")
_COMMENT = re.compile(r"(^|\s+)#.*$")
_VCS = ("git+", "hg+", "svn+", "bzr+")
_LABEL = re.compile(rf"^{VARIANT_PATTERN}(?:\.[a-z0-9.]+)?$")
# PyTorch's find-links pages: <base>/torch_stable.html, <base>/cu117/torch_stable.html,
# <base>/nightly/cu118/torch_nightly.html
_PAGE = re.compile(r"/(torch_stable|torch_nightly|torch)\.html$")
# Dependencies every torch build declares itself; a pin copied from `pip freeze` or
# pip-compile would fight the build the migration chooses.
_TORCH_OWN = re.compile(
    r"^(triton|pytorch-triton(-rocm|-xpu)?|nvidia-(cublas|cuda-cupti|cuda-nvrtc|cuda-runtime|"
    r"cudnn|cufft|cufile|curand|cusolver|cusparse|cusparselt|nccl|nvjitlink|nvshmem|nvtx)"
    r"(-cu\d+)?)$"
)
# A line that was meant to name a torch package, even when it cannot be read.
_TORCH_TEXT = re.compile(r"^(torch|pytorch|torchvision|torchaudio|torchao)\b(?![-_.\w])", re.I)
# conda's environment file (environment.yml): `dependencies:` and `channels:` open its lists.
_CONDA_KEYS = re.compile(r"^(dependencies|channels):\s*$", re.M)
_CREDENTIALS = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")
_PYPI_HOSTS = ("pypi.org", "pypi.python.org", "files.pythonhosted.org")
_HTTPS_HOSTS = (*_PYPI_HOSTS, "download.pytorch.org")
# Files whose requirements form a dependency group, by the word in their name.
_GROUPS = {
    "dev": "dev",
    "develop": "dev",
    "development": "dev",
    "test": "test",
    "tests": "test",
    "testing": "test",
    "lint": "lint",
    "docs": "docs",
    "doc": "docs",
    "typing": "typing",
}
# The platforms a marker such as sys_platform == 'linux' stands for (the others need a
# machine marker or a hardware profile).
_MAIN_PLATFORMS = ("linux-x86_64", "macos-arm64", "windows-x86_64")
_MAIN_OF = {"linux-aarch64": "linux-x86_64", "macos-x86_64": "macos-arm64"}
_MAIN_OF |= {"windows-arm64": "windows-x86_64"}

# What became of a line, as the report words it.
STATUS_WORDS = {
    "torch": "torch",  # part of the torch setup
    "kept": "kept",  # written as it was
    "rewritten": "rewritten",  # written the way uv needs it
    "included": "read",  # -r / -c: its lines follow
    "dropped": "dropped",  # not needed with uv, with the reason
    "note": "note",  # not written; a setting of the machine, with what to do
    "manual": "by hand",  # not written; needs the person, with how
    "unknown": "unknown",  # not understood
}
_BLOCKING = ("manual", "unknown")  # a file with such a line is not yet safe to delete


# --------------------------------------------------------------------------------------------
# Reading requirements files


@dataclass(frozen=True)
class Line:
    """One logical line of a requirements file: continuations joined, comment removed."""

    path: Path
    shown: str  # the file as the report names it
    number: int  # its first physical line, from 1
    text: str
    kind: str  # requirement, editable, include, constraints, option, unknown
    requirement: str | None = None  # PEP 508; URL and path lines as `name @ url` when named
    target: str | None = None  # the URL or path of a URL, path, editable or include line
    options: tuple[tuple[str, str | None], ...] = ()  # (--long-name, value)
    hashes: tuple[str, ...] = ()
    via: tuple[str, ...] = ()  # pip-compile's `# via` notes
    problem: str | None = None  # why it is not understood, or why it has no name

    @property
    def where(self) -> str:
        return f"{self.shown}:{self.number}"

    @property
    def short(self) -> str:
        """The line as the report shows it: hashes counted, not listed."""
        text = " ".join(t for t in self.text.split() if not t.startswith("--hash"))
        if not text:
            text = self.text
        elif self.hashes:
            text += f" (+{len(self.hashes)} hash{'es' if len(self.hashes) > 1 else ''})"
        text = _CREDENTIALS.sub(r"\1***@", text)  # shown in terminals and CI logs
        return text if len(text) <= 90 else text[:89] + "…"


@dataclass(frozen=True)
class RequirementsFile:
    path: Path
    shown: str
    lines: tuple[Line, ...]
    compiled: bool = False  # written by pip-compile or `uv pip compile` (`# via` notes)
    group: str | None = None  # the dependency group of a dev file
    constraints: bool = False  # read through -c: it pins, it does not require


def _decode(path: Path, raw: bytes) -> str:
    """Text as pip reads it: a BOM decides (PowerShell's `>` writes UTF-16), else UTF-8."""
    not_text = BadInput(
        f"{path} is not a text file, so it cannot be a requirements file.",
        "Pass the requirements file itself, e.g. --from requirements.txt.",
    )
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                raise not_text from None
            break
    else:
        if b"\x00" in raw:
            raise not_text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # pip falls back on the locale's encoding
    if "\x00" in text or any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        raise not_text
    return text


def _read_bytes(path: Path, named_by: str | None = None) -> bytes:
    by = f" ({named_by} includes it)" if named_by else ""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput(
            f"The requirements file {path} does not exist{by}.",
            "Check the path given to --from (relative paths start at the current "
            "folder; -r and -c at the including file).",
        ) from None
    except IsADirectoryError:
        raise BadInput(
            f"The requirements file {path} is a folder{by}.",
            "Pass the file itself, e.g. --from requirements.txt.",
        ) from None
    except OSError as e:
        raise BadInput(
            f"Cannot read the requirements file {path}{by} ({e.strerror or e}).",
            "Check the file's permissions.",
        ) from None


def _logical_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(first line number, text, is a comment line), continuations joined as pip joins them."""
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        comment = raw.lstrip().startswith("#")
        if raw.endswith("\\") and not comment:
            if not parts:
                start = number
            parts.append(raw[:-1])
            continue
        if parts:
            parts.append(" " + raw if comment else raw)
            yield start, "".join(parts), False
            parts = []
        else:
            yield number, raw, comment
    if parts:
        yield start, "".join(parts), False


def _split_args(line: str) -> tuple[str, str]:
    """pip's break_args_options: the requirement, then the options from the first `-` token."""
    tokens = line.split(" ")
    for i, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:i]).strip(), " ".join(tokens[i:]).strip()
    return line.strip(), ""


def _long_name(token: str) -> str | None:
    """--extra-index -> --extra-index-url: optparse takes any unambiguous prefix."""
    known = (*_VALUED, *_FLAGS)
    if token in known:
        return token
    found = [k for k in known if k.startswith(token)]
    return found[0] if len(found) == 1 else None


def _parse_options(text: str) -> tuple[list[tuple[str, str | None]], str | None]:
    try:
        tokens = shlex.split(text)
    except ValueError as e:
        return [], f"its quoting cannot be read ({e})"
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        value: str | None = None
        if token.startswith("--"):
            name_text, eq, value = token.partition("=")
            name = _long_name(name_text)
            if name is None:
                return out, f"pip has no option {name_text}"
            if not eq:
                value = None
        elif token[:2] in _SHORT:
            name = _SHORT[token[:2]]
            value = token[2:] or None
        else:
            what = "option" if token.startswith("-") else "text after the options"
            return out, f"unexpected {what} {token!r}"
        if name in _VALUED and value is None:
            if i >= len(tokens):
                return out, f"{name} needs a value"
            value = tokens[i]
            i += 1
        elif name in _FLAGS and value:
            return out, f"{name} takes no value"
        out.append((name, value))
    return out, None


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text)) or text.startswith((*_VCS, "file:"))


def _looks_like_path(text: str) -> bool:
    return (
        text.startswith((".", "/", "~", "\\"))
        or bool(re.match(r"^[A-Za-z]:[\\/]", text))
        or text.endswith((".whl", ".tar.gz", ".zip"))
    )


def _name_from_url(url: str) -> str | None:
    """The project a URL names: `#egg=name`, else a wheel's or sdist's file name."""
    egg = re.search(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)", url)
    if egg:
        return egg.group(1)
    filename = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        if filename.endswith((".tar.gz", ".zip")):
            return str(parse_sdist_filename(filename)[0])
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return None


def _without_egg(url: str) -> str:
    parts = urlsplit(url)
    fragment = "&".join(f for f in parts.fragment.split("&") if f and not f.startswith("egg="))
    return urlunsplit(parts._replace(fragment=fragment))


def _requirement(args: str) -> tuple[str | None, str | None, str | None]:
    """(PEP 508 text, URL or path, problem) for the requirement part of a line."""
    named = re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@", args)
    if not named and (_looks_like_url(args) or _looks_like_path(args)):
        url, sep, marker = args.partition("; ")  # pip: after a URL, markers follow "; "
        url = url.strip()
        name = _name_from_url(url)
        if name is None:
            return None, url, "no project name"
        text = f"{name} @ {_without_egg(url)}" + (f" ; {marker.strip()}" if sep else "")
        try:
            Requirement(text)
        except InvalidRequirement as e:
            return None, url, str(e)
        return text, url, None
    try:
        req = Requirement(args)
    except InvalidRequirement as e:
        return None, None, _why_not(args, str(e))
    return args, req.url, None


def _why_not(text: str, error: str) -> str:
    if re.match(r"^(pip3?|python3?\s+-m\s+pip)\s+install\b", text):
        return "a shell command, not a requirement"
    variable = re.search(r"\$\{[A-Z0-9_]+\}", text)
    if variable:
        return (
            f"pip puts the environment variable {variable.group(0)} in when it installs; "
            "write the value itself"
        )
    if text.startswith(("<<<<<<<", "=======", ">>>>>>>")):
        return "a merge-conflict marker left in the file"
    single = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*([0-9][^=]*)$", text)
    if single:
        return f"one '=' is not a version operator (did you mean {single[1]}=={single[2]}?)"
    first = error.splitlines()[0] if error else "not a valid requirement"
    return f"not a valid requirement ({first})"


def _group_of(path: Path) -> str | None:
    """requirements-dev.txt, dev-requirements.txt, requirements/test.txt -> the group name."""
    stem = path.name.lower()
    for suffix in (".txt", ".in", ".pip"):
        stem = stem.removesuffix(suffix)
    words = [
        w
        for w in re.split(r"[-_.]", stem)
        if w not in ("requirements", "requirement", "reqs", "req")
    ]
    if path.parent.name.lower() == "requirements" and len(words) == 1:
        return _GROUPS.get(words[0])
    if len(words) == 1 and words[0] != stem:
        return _GROUPS.get(words[0])
    return None


def parse_requirements(
    path: Path, shown: str | None = None, constraints: bool = False
) -> RequirementsFile:
    """One requirements file, line by line (includes are lines; read_requirements follows them).

    A file that does not exist or is not text: BadInput.
    """
    text = _decode(path, _read_bytes(path))
    shown = shown or str(path)
    if _is_conda_environment(path, text):
        from wizard.requirements_found import CONDA_WAY_OUT

        raise BadInput(
            f"{shown} is a conda environment file, which is not migrated: torch-wizard "
            "reads pip requirements files.",
            CONDA_WAY_OUT[0].upper() + CONDA_WAY_OUT[1:] + ".",
        )
    lines: list[Line] = []
    compiled = False
    via_open = False  # collecting the names under a bare `# via`
    for number, raw, comment in _logical_lines(text):
        if comment:
            note = raw.strip().lstrip("#")
            if re.search(r"autogenerated by (pip-compile|uv)", note):
                compiled = True
            via = re.match(r"\s*via\b\s*(.*)$", note)
            last = lines[-1] if lines else None
            if via and last is not None and last.kind == "requirement":
                found = tuple(x for x in (via.group(1).strip(),) if x)
                lines[-1] = replace(last, via=last.via + found)
                via_open = not found
            elif via_open and last is not None and re.match(r"\s{2,}\S", note):
                lines[-1] = replace(last, via=last.via + (note.strip(),))
            else:
                via_open = False
            continue
        via_open = False
        stripped = _COMMENT.sub("", raw).strip()
        if not stripped:
            continue
        lines.append(_parse_line(path, shown, number, stripped))
    return RequirementsFile(path, shown, tuple(lines), compiled, _group_of(path), constraints)


def _is_conda_environment(path: Path, text: str) -> bool:
    """environment.yml and its kind: YAML with conda's top-level keys, which pip cannot read."""
    return path.suffix.lower() in (".yml", ".yaml") or bool(_CONDA_KEYS.search(text))


def _parse_line(path: Path, shown: str, number: int, text: str) -> Line:
    text = " ".join(text.split())
    args, option_text = _split_args(text)
    options, problem = _parse_options(option_text) if option_text else ([], None)
    hashes = tuple(v or "" for n, v in options if n == "--hash")
    base = Line(path, shown, number, text, "unknown", options=tuple(options), hashes=hashes)
    if problem:
        return replace(base, problem=problem)
    names = [n for n, _ in options]
    if args:
        requirement, target, problem = _requirement(args)
        if problem and target is None:
            return replace(base, problem=problem)
        return replace(
            base, kind="requirement", requirement=requirement, target=target, problem=problem
        )
    if "--editable" in names:
        value = dict(options)["--editable"] or ""
        requirement, target, problem = _requirement(value)
        if target is None and requirement is not None:  # `-e name`: pip wants a path or URL
            return replace(base, problem="-e needs a path or a URL")
        return replace(
            base, kind="editable", requirement=requirement, target=target or value, problem=problem
        )
    for name, kind in (("--requirement", "include"), ("--constraint", "constraints")):
        if name in names:
            return replace(base, kind=kind, target=dict(options)[name])
    if "--hash" in names:
        return replace(base, problem="--hash belongs after a requirement on the same line")
    return replace(base, kind="option")


def read_requirements(paths: Sequence[Path]) -> tuple[RequirementsFile, ...]:
    """The files given, and those they include with -r and -c, each once, in reading order."""
    if not paths:
        return ()
    root = paths[0].parent
    out: list[RequirementsFile] = []
    seen: set[Path] = set()

    def shown(p: Path) -> str:
        rel = os.path.relpath(p, root)
        return p.name if p.parent == root else (rel if not rel.startswith("..") else str(p))

    def visit(path: Path, constraints: bool, named_by: str | None) -> None:
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        if named_by is not None:
            _read_bytes(path, named_by)  # a missing include is named with its includer
        f = parse_requirements(path, shown(path), constraints)
        out.append(f)
        for line in f.lines:
            if (
                line.kind in ("include", "constraints")
                and line.target
                and not _looks_like_url(line.target)
            ):
                visit(
                    path.parent / line.target, constraints or line.kind == "constraints", line.where
                )

    for p in paths:
        visit(p, False, None)
    return tuple(out)


def compiled_pairs(files: Sequence[RequirementsFile]) -> tuple[tuple[Path, Path], ...]:
    """pip-tools' pairs half read: (compiled file, the file it was compiled from) where only
    one of the two is among `files` and the other is on disk (requirements.txt beside the
    requirements.in migrated, or the other way round)."""
    read = {f.path.resolve() for f in files}
    pairs: list[tuple[Path, Path]] = []
    for f in files:
        if f.compiled:
            pairs += [(f.path, s) for s in _compiled_from(f) if s.resolve() not in read]
            continue
        output = f.path.with_suffix(".txt")
        if f.path.suffix == ".in" and output.resolve() not in read and output.is_file():
            try:
                compiled = parse_requirements(output)
            except BadInput:
                continue
            if compiled.compiled and f.path.resolve() in {
                s.resolve() for s in _compiled_from(compiled)
            }:
                pairs.append((output, f.path))
    return tuple(pairs)


def _compiled_from(f: RequirementsFile) -> list[Path]:
    """The files a compiled file was compiled from: its `# via -r FILE` notes name them (pip-
    compile and uv write them), else the .in of the same name (`--no-annotate`)."""
    named = {v[2:].strip() for line in f.lines for v in line.via if v.startswith("-r ")}
    paths = [f.path.parent / n for n in sorted(named)] or [f.path.with_suffix(".in")]
    return [p for p in paths if p.is_file()]


# --------------------------------------------------------------------------------------------
# URLs: PyTorch's indexes, other indexes, credentials


@dataclass(frozen=True)
class TorchIndex:
    """A PyTorch index or find-links page named by a file."""

    base: str  # <base> of <base>[/nightly|/test]/<variant>
    channel: str
    variant: str | None  # None: the all-variants torch_stable.html page


def pytorch_index(url: str) -> TorchIndex | None:
    """download.pytorch.org/whl/cu121, .../nightly/cpu, .../torch_stable.html, mirrors."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = _PAGE.sub("", parts.path.rstrip("/"))
    page = path != parts.path.rstrip("/")
    segments = [s for s in path.split("/") if s]
    official = parts.hostname == "download.pytorch.org"
    if not official and "torch" not in (parts.hostname + parts.path).lower():
        return None
    variant = segments.pop() if segments and VARIANT.match(segments[-1]) else None
    if variant is None and not page:
        return None
    channel = "stable"
    if segments and segments[-1] in ("nightly", "test"):
        channel = segments.pop()
    # Credentials stay in the base: the plan writes it without them and says which
    # UV_INDEX_* variables to set instead.
    base = urlunsplit((parts.scheme, parts.netloc, "/" + "/".join(segments), "", ""))
    return TorchIndex(base.rstrip("/"), channel, variant)


def _is_pypi(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in _PYPI_HOSTS


def _clean_url(url: str) -> tuple[str, bool]:
    """The URL without credentials (user:token@, ${VAR}@), and whether it had any."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, False
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=netloc)), True


def _index_name(url: str, taken: set[str]) -> str:
    host = (urlsplit(url).hostname or "index").removeprefix("www.")
    name = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-") or "index"
    if name.startswith("pytorch-"):  # pytorch-* names belong to the wizard's own indexes
        name = "index-" + name
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}-{n}", n + 1
    taken.add(unique)
    return unique


# --------------------------------------------------------------------------------------------
# Torch versions and builds


def _label(version: str) -> str | None:
    try:
        local = Version(version).local
    except InvalidVersion:
        return None
    m = _LABEL.match(local or "")
    return m.group(1) if m else None


def _odd_labels(req: Requirement) -> list[str]:
    """Local labels of a pin that are no PyTorch build's (`+cu126x`): they name no build."""
    out = []
    for s in req.specifier:
        try:
            local = Version(s.version.removesuffix(".*")).local
        except InvalidVersion:
            continue
        if local and not _LABEL.match(local):
            out.append(local)
    return out


def _labels(req: Requirement) -> list[str]:
    return [b for s in req.specifier if (b := _label(s.version.removesuffix(".*")))]


def _public_spec(req: Requirement) -> SpecifierSet:
    """The specifier with local labels dropped: `==2.4.1+cu121` -> `==2.4.1`."""
    items = []
    for s in req.specifier:
        version = s.version
        if "+" in version and not version.endswith(".*"):
            version = version.split("+", 1)[0]
        op = "==" if s.operator == "===" else s.operator
        items.append(f"{op}{version}")
    return SpecifierSet(",".join(items))


def _spec_text(spec: SpecifierSet) -> str | None:
    """What --torch takes: `==2.14.1` -> 2.14.1, `==2.14.*` -> 2.14, ranges as they are."""
    items = list(spec)
    if not items:
        return None
    if len(items) == 1 and items[0].operator == "==":
        version = items[0].version
        return version[:-2] if version.endswith(".*") else version
    return str(spec)


def _older(version: str, minor: str) -> bool:
    try:
        return Version(version.removesuffix(".*")) < Version(minor)
    except InvalidVersion:
        return False


def _family(build: str) -> str:
    if build.startswith("cu"):
        return "cuda"
    if build.startswith("rocm"):
        return "rocm"
    return build


def _toolkit(build: str) -> Version:
    """cu121 -> 12.1, cu92 -> 9.2, rocm6.2 -> 6.2."""
    if build.startswith("cu") and build[2:].isdigit():
        return Version(f"{build[2:-1]}.{build[-1]}")
    try:
        return Version(build.removeprefix("rocm"))
    except InvalidVersion:
        return Version("0")


def nearest_build(
    wanted: str, platform: str, releases: Sequence[Release]
) -> tuple[str, Release] | None:
    """The build closest to one the catalog no longer has, and the release that has it.

    The same toolkit major first, on the newest release that has one (the driver that ran
    the old build runs it); else the smallest step up; else the newest below. None when the
    platform has no build of that kind at all.
    """
    family = _family(wanted)
    if family in ("cpu", "xpu"):
        return next(((wanted, r) for r in releases if r.has(wanted, platform)), None)
    candidates = [(v, r) for r in releases for v in r.variants_on(platform) if _family(v) == family]
    if not candidates:
        return None
    old = _toolkit(wanted)

    def newest(pairs: Iterable[tuple[str, Release]]) -> Release:
        return max((r for _, r in pairs), key=lambda r: Version(r.minor))

    same = [(v, r) for v, r in candidates if _toolkit(v).major == old.major]
    if same:
        release = newest(same)
        builds = [v for v, r in same if r is release]
        up = sorted((v for v in builds if _toolkit(v) >= old), key=_toolkit)
        return (up[0] if up else max(builds, key=_toolkit)), release
    higher = [(v, r) for v, r in candidates if _toolkit(v) > old]
    pool = higher or candidates
    pick = (min if higher else max)((v for v, _ in pool), key=_toolkit)
    return pick, newest((v, r) for v, r in pool if v == pick)


# --------------------------------------------------------------------------------------------
# The migration


@dataclass(frozen=True)
class LineOutcome:
    """What one line became."""

    line: Line
    status: str  # a key of STATUS_WORDS
    became: str

    @property
    def where(self) -> str:
        return self.line.where


@dataclass(frozen=True)
class TargetOutcome:
    """The build a target platform gets, and why."""

    platform: str
    wanted: str | None  # the build the file named (None: it named none)
    backend: str  # what goes into --target: auto, default, cpu, cu126, ...
    why: str


@dataclass(frozen=True)
class Migration:
    request: Request  # the request with the migration's answers filled in
    files: tuple[RequirementsFile, ...]
    outcomes: tuple[LineOutcome, ...]
    targets: tuple[TargetOutcome, ...]
    torch: str | None  # the torch version kept from the pins, if any
    additions: Additions
    warnings: tuple[str, ...]
    deletable: tuple[Path, ...]  # files every line of which was migrated
    keep: tuple[tuple[Path, tuple[int, ...]], ...]  # files with lines left to handle
    # (compiled file, the file it was compiled from) where only one of the two was migrated
    compiled: tuple[tuple[Path, Path], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [str(f.path) for f in self.files],
            "lines": [
                {
                    "file": o.line.shown,
                    "line": o.line.number,
                    "text": o.line.short,
                    "status": o.status,
                    "became": o.became,
                }
                for o in self.outcomes
            ],
            "targets": [
                {"platform": t.platform, "wanted": t.wanted, "backend": t.backend, "why": t.why}
                for t in self.targets
            ],
            "torch": self.torch,
            "dependencies": list(self.additions.dependencies),
            "groups": {k: list(v) for k, v in self.additions.groups.items()},
            "indexes": [{"name": i.name, "url": i.url} for i in self.additions.indexes],
            "warnings": list(self.warnings),
            "deletable": [str(p) for p in self.deletable],
            "keep": [{"file": str(p), "lines": list(n)} for p, n in self.keep],
            "compiled": [{"file": str(o), "from": str(s)} for o, s in self.compiled],
        }


def _env(platform: TargetPlatform, python: str) -> dict[str, str]:
    system = {"linux": "Linux", "macos": "Darwin", "windows": "Windows"}[platform.os]
    return {
        "sys_platform": platform.sys_platform,
        "platform_machine": platform.platform_machine,
        "platform_system": system,
        "os_name": "nt" if platform.os == "windows" else "posix",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


def _applies(marker: Marker | None, platform: TargetPlatform, python: str = "3.12") -> bool:
    if marker is None:
        return True
    try:
        return bool(marker.evaluate(_env(platform, python)))
    except (UndefinedComparison, UndefinedEnvironmentName):  # let such a line through
        return True


def _covered_by(marker: Marker | None) -> list[str] | None:
    """Every platform a platform marker selects; None when it selects all or none."""
    chosen = [p.name for p in PLATFORMS.values() if _applies(marker, p)]
    if not chosen or len(chosen) == len(PLATFORMS):
        return None
    return chosen


def _words(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _no_build(wanted: str, platform: str, pool: Sequence[Release], every: Sequence[Release]) -> str:
    """Why a platform gets no `wanted` build: no release has one, or none the pin allows."""
    if not any(r.has(wanted, platform) for r in every):
        return f"no PyTorch release has a {wanted} build for it"
    releases = ", ".join(r.minor for r in pool[:3]) + ("…" if len(pool) > 3 else "")
    return f"torch {releases} has no {wanted} build for it"


def _platforms_of(marker: Marker | None) -> list[str] | None:
    """The platforms a platform marker selects; None when it selects on something else."""
    chosen = [p.name for p in PLATFORMS.values() if _applies(marker, p)]
    if not chosen or len(chosen) == len(PLATFORMS):
        return None
    main = [p for p in chosen if p in _MAIN_PLATFORMS]
    return main or chosen


@dataclass
class _TorchLine:
    line: Line
    req: Requirement
    name: str  # torch, torchvision, ...


def index_settings(request: Request, files: Sequence[RequirementsFile]) -> Request:
    """The channel and index base the files ask for (needed before the catalog is read)."""
    indexes = _torch_indexes(files)
    channel = request.channel  # --channel wins; else a test or nightly index in the files
    if channel is None:
        channel = next((i.channel for _, i in indexes if i.channel != "stable"), None)
    base = request.index_base
    if base is None:
        mirror = next((i.base for _, i in indexes if i.base != DEFAULT_INDEX_BASE), None)
        if mirror is not None and _usable_mirror(mirror, request):
            base = mirror
    return replace(request, channel=channel, index_base=base)


def _usable_mirror(base: str, request: Request) -> bool:
    try:
        clean_index_base(base, request.allow_insecure_index)
    except BadInput:
        return False
    return True


def _torch_indexes(files: Sequence[RequirementsFile]) -> list[tuple[Line, TorchIndex]]:
    found = []
    for f in files:
        for line in f.lines:
            for name, value in line.options:
                if name in ("--index-url", "--extra-index-url", "--find-links") and value:
                    parsed = pytorch_index(value)
                    if parsed is not None:
                        found.append((line, parsed))
    return found


class _Planner:
    """One migration: reads every line once, decides the torch setup, words every outcome."""

    def __init__(
        self,
        files: Sequence[RequirementsFile],
        catalog: Catalog,
        profiles: Sequence[HardwareProfile],
        request: Request,
        project: Mapping[str, Any] | None = None,
    ) -> None:
        self.files = tuple(files)
        self.project = project or {}
        self.catalog = catalog
        self.profiles = tuple(profiles)
        self.request = request
        self.settings = index_settings(request, files)
        self.outcomes: dict[tuple[Path, int], LineOutcome] = {}
        self.warnings: list[str] = []
        self.torch_indexes = _torch_indexes(files)
        self.targets: list[TargetOutcome] = []
        # platforms a torch line's marker covers beside its main one: (the line, the build
        # pip installed there, why the catalog has none (None: it has))
        self.skipped: dict[str, tuple[str, str, str | None]] = {}
        self.from_setup: list[_Wanted] = []  # a setup.py project's install_requires
        self.setup_project: tuple[str | None, str | None] | None = None  # its name, version
        self.setup_dynamic: tuple[str, ...] = ()
        self.setup_python: str | None = None

    # -- helpers ----------------------------------------------------------------------------
    def say(self, line: Line, status: str, became: str) -> None:
        """Record what a line became; the first word on a line stands."""
        self.outcomes.setdefault((line.path, line.number), LineOutcome(line, status, became))

    def profile_for(self, platform: str) -> HardwareProfile | None:
        for p in self.profiles:
            if platform_for(p.os, p.arch) == PLATFORMS[platform]:
                return p
        return None

    def python_for(self, platform: str) -> str:
        profile = self.profile_for(platform)
        try:
            v = Version(profile.python) if profile and profile.python else None
        except InvalidVersion:
            v = None
        return f"{v.major}.{v.minor}" if v else "3.12"

    def ordered(self) -> list[LineOutcome]:
        return [
            self.outcomes[(line.path, line.number)]
            for f in self.files
            for line in f.lines
            if (line.path, line.number) in self.outcomes
        ]

    # -- the whole migration ------------------------------------------------------------------
    def run(self) -> Migration:
        torch_lines, others = self.sort_lines()
        torch, companions = self.torch_setup(torch_lines)
        additions = self.other_requirements(others, has_torch=bool(torch_lines))
        additions = replace(
            additions, indexes=tuple(self.indexes()), torch_parts=self.torch_parts(torch_lines)
        )
        if self.setup_project is not None:
            name, version = self.setup_project
            additions = replace(
                additions,
                project_name=name,
                project_version=version,
                setuptools_build=True,
                project_dynamic=self.setup_dynamic,
            )
        self.options()
        for f in self.files:
            for line in f.lines:
                if line.kind == "unknown":
                    self.say(line, "unknown", f"not understood: {line.problem}")
        unknown = [o.where for o in self.ordered() if o.status == "unknown"]
        if unknown:
            self.warnings.append(
                f"{len(unknown)} line{'s were' if len(unknown) > 1 else ' was'} not understood "
                f"and not migrated: {', '.join(unknown)}."
            )
        targets = tuple(f"{t.platform}={t.backend}" for t in self.targets)
        request = replace(
            self.settings,
            targets=targets or self.request.targets,
            torch=self.request.torch or torch,
            companions=tuple(dict.fromkeys((*self.request.companions, *companions))),
            additions=additions,
            python=self.request.python or self.setup_python,
        )
        deletable, keep = self.leftovers()
        return Migration(
            request,
            self.files,
            tuple(self.ordered()),
            tuple(self.targets),
            torch,
            additions,
            tuple(self.warnings),
            deletable,
            keep,
            compiled_pairs(self.files),
        )

    def leftovers(self) -> tuple[tuple[Path, ...], tuple[tuple[Path, tuple[int, ...]], ...]]:
        deletable: list[Path] = []
        keep: list[tuple[Path, tuple[int, ...]]] = []
        for f in self.files:
            open_lines = tuple(
                o.line.number
                for o in self.ordered()
                if o.line.path == f.path and o.status in _BLOCKING
            )
            if open_lines:
                keep.append((f.path, open_lines))
            else:
                deletable.append(f.path)
        return tuple(deletable), tuple(keep)

    def sort_lines(self) -> tuple[list[_TorchLine], list[tuple[RequirementsFile, Line]]]:
        """The torch-family lines apart from the other requirements; includes worded."""
        torch_lines: list[_TorchLine] = []
        others: list[tuple[RequirementsFile, Line]] = []
        for f in self.files:
            for line in f.lines:
                if line.kind in ("include", "constraints"):
                    self.include(line)
                elif line.kind in ("requirement", "editable"):
                    torch = self.torch_line(line)
                    if torch is not None:
                        torch_lines.append(torch)
                    else:
                        others.append((f, line))
        # The torch lines of dev files count only when the main files have none.
        group_of = {f.path: f.group for f in self.files}
        main = [t for t in torch_lines if group_of[t.line.path] is None]
        if main and len(main) < len(torch_lines):
            for t in torch_lines:
                if group_of[t.line.path] is not None:
                    self.say(
                        t.line, "dropped", "the torch setup comes from the main requirements files"
                    )
            torch_lines = main
        return torch_lines, others

    def include(self, line: Line) -> None:
        target = line.target or ""
        what = "constraints from" if line.kind == "constraints" else "the requirements in"
        if _looks_like_url(target):
            self.say(
                line,
                "manual",
                f"{what} a URL are not fetched: download {target} and add it with another --from",
            )
        else:
            self.say(line, "included", f"{what} {target}: its lines are listed in turn")

    def torch_line(self, line: Line) -> _TorchLine | None:
        if line.requirement is None:
            return None
        req = Requirement(line.requirement)
        name: str = canonical_name(req.name)
        if name == "pytorch":  # the PyPI placeholder that only says "install torch"
            name = "torch"
        if name not in TORCH_FAMILY:
            return None
        if req.url:
            # A wheel URL such as .../cu118/torch-2.0.1%2Bcu118-cp310-...whl gives a version.
            filename = unquote(urlsplit(req.url).path.rsplit("/", 1)[-1])
            marker = f" ; {req.marker}" if req.marker else ""
            try:
                version = parse_wheel_filename(filename)[1]
                req = Requirement(f"{name}=={version}{marker}")
            except (InvalidWheelFilename, InvalidVersion):
                req = Requirement(f"{name}{marker}")
        return _TorchLine(line, req, name)

    def torch_parts(self, torch_lines: list[_TorchLine]) -> dict[str, str]:
        """Per package, the extras its lines give: "torch[opt-einsum]". Their markers are not
        kept: the targets take the platforms, requires-python the Pythons (a torch line for
        some Pythons only would leave the others a torch from PyPI, pulled in by its
        companions, not the chosen build)."""
        found: dict[str, str] = {}
        for name in dict.fromkeys(t.name for t in torch_lines):
            extras = sorted({e for t in torch_lines if t.name == name for e in t.req.extras})
            if extras:
                found[name] = f"{name}[{','.join(extras)}]"
        return found

    # -- the torch setup ----------------------------------------------------------------------
    def torch_setup(self, torch_lines: list[_TorchLine]) -> tuple[str | None, list[str]]:
        """Each target's build (self.targets), the torch version kept, the companions."""
        companions = list(dict.fromkeys(t.name for t in torch_lines if t.name != "torch"))
        spec, allowed, dropped = self.torch_version(torch_lines)
        self.also_covered(torch_lines, allowed, dropped)
        for platform in self.platforms(torch_lines):
            tp = PLATFORMS[platform]
            applying = [
                t for t in torch_lines if _applies(t.req.marker, tp, self.python_for(platform))
            ]
            self.targets.append(self.target(platform, applying, spec, allowed, dropped))
        for t in torch_lines:
            self.say(t.line, "torch", self.torch_words(t, spec))
        self.uncovered(torch_lines, spec)
        for t in torch_lines:
            for odd in _odd_labels(t.req):
                mine = [o for o in self.targets if _applies(t.req.marker, PLATFORMS[o.platform])]
                used = "; ".join(
                    f"{PLATFORMS[o.platform].label}: "
                    + (
                        f"the recommendation, {rec}"
                        if o.backend == "auto" and (rec := self.recommendation(o.platform, spec))
                        else _build_words(o.backend)
                    )
                    for o in mine
                )
                self.warnings.append(
                    f"{t.line.where}: +{odd} is not a PyTorch build label (those are cpu, "
                    f"cuNNN, rocmX.Y, xpu), so it names no build"
                    + (f"; used instead: {used}" if used else "")
                    + "."
                )
        garbled = [
            line.where
            for f in self.files
            for line in f.lines
            if line.kind == "unknown" and _TORCH_TEXT.match(line.text)
        ]
        if not torch_lines and garbled:
            self.warnings.append(
                f"The torch line ({', '.join(garbled)}) was not understood: the wizard chose "
                "the torch release itself, with the build each target needs; check it is the "
                "one the project needs (--torch VERSION to choose another)."
            )
        elif not torch_lines:
            self.warnings.append(
                "No line names torch: the wizard adds it, with the build each target needs."
            )
        return spec, companions

    def platforms(self, torch_lines: list[_TorchLine]) -> list[str]:
        """--target flags, else the platforms the markers name plus the machines' platforms.

        A file without markers describes the machine it ran on: without a hardware profile
        that is Linux x86_64 when the file names a build, else the wizard's own default.
        """
        from wizard.plan import parse_target

        if self.request.targets:
            return list(dict.fromkeys(parse_target(t).platform for t in self.request.targets))
        found: dict[str, None] = {}
        for t in torch_lines:
            for p in _platforms_of(t.req.marker) or ():
                found.setdefault(p)
        for profile in self.profiles:
            tp = platform_for(profile.os, profile.arch)
            if tp is not None:
                found.setdefault(tp.name)
        if not found and self.wanted_build(torch_lines)[0] is not None:
            found.setdefault("linux-x86_64")
        return list(found)

    def also_covered(
        self, torch_lines: list[_TorchLine], allowed: tuple[Release, ...], dropped: str | None
    ) -> None:
        """The other platforms a torch line's platform marker covers beside the one the wizard
        plans for it (sys_platform == "linux" is Linux aarch64 too, where pip installed the
        +cu126 the line names), each with the build pip installed there and whether the
        catalog has it. uncovered() says what they get now."""
        for t in torch_lines:
            for p in _covered_by(t.req.marker) or ():
                if p in _MAIN_PLATFORMS or p.startswith("macos") or p in self.skipped:
                    continue
                tp = PLATFORMS[p]
                applying = [
                    x for x in torch_lines if _applies(x.req.marker, tp, self.python_for(p))
                ]
                wanted, _ = self.wanted_build(applying)
                if wanted is None:  # pip took PyPI's torch there, as the lock does now
                    continue
                pool = self.catalog.releases if dropped else allowed
                if any(r.has(wanted, p) for r in pool):
                    self.skipped[p] = (t.line.where, wanted, None)
                else:
                    self.skipped[p] = (
                        t.line.where,
                        wanted,
                        _no_build(wanted, p, pool, self.catalog.releases),
                    )

    def uncovered(self, torch_lines: list[_TorchLine], spec: str | None) -> None:
        """Say what the platforms outside the targets get that pip did not install there: a
        lock for every platform gives each of them torch from PyPI, also where the torch
        lines' markers installed none, or another build."""
        if not torch_lines or self.request.lock_scope == "targets" or self.request.targets:
            return
        if (self.settings.channel or "stable") != "stable":
            return  # a test or nightly lock covers only the targets
        targets = [t.platform for t in self.targets]
        releases = self.matching(spec) if spec else self.catalog.releases[:1]
        none = [
            p
            for p, tp in PLATFORMS.items()
            if p not in targets
            and not any(_applies(t.req.marker, tp) for t in torch_lines)
            and any(p in r.pypi for r in releases)  # else the lock has no torch there either
        ]
        pin = f" {spec}" if spec else ""
        words = []
        if none:
            markers = ", ".join(dict.fromkeys(t.line.where for t in torch_lines if t.req.marker))
            words.append(
                f"The torch lines' markers ({markers}) install no torch on "
                f"{_words([PLATFORMS[p].label for p in none])}, but the lock serves every "
                f"platform: there `uv sync` now installs torch{pin} from PyPI, which pip did "
                f"not. If {'it' if len(none) == 1 else 'they'} must stay without torch, pass "
                "--lock-scope targets to lock only "
                f"for {_words([PLATFORMS[p].label for p in targets])} (`uv sync` then refuses "
                "the other platforms)."
            )
        for p, (where, wanted, missing) in self.skipped.items():
            if p in targets:
                continue
            label = PLATFORMS[p].label
            pypi = next((r.pypi[p] for r in releases if p in r.pypi), None)
            gets = f"torch{pin} from PyPI" + (f" ({pypi} build)" if pypi else "")
            if missing:
                words.append(
                    f"{where}'s marker covers {label} too, but {missing}, so pip installed "
                    f"none there; it gets {gets}."
                )
                continue
            flags = " ".join(f"--target {t.platform}={t.backend}" for t in self.targets)
            words.append(
                f"{where}'s marker covers {label} too, where pip installed the {wanted} build; "
                f"the wizard plans that marker for {PLATFORMS[_MAIN_OF[p]].label} only, so "
                f"{label} now gets {gets}. To keep {wanted} there, run again with {flags} "
                f"--target {p}={wanted}."
            )
        if words:
            self.warnings.append(" ".join(words))

    def torch_version(
        self, torch_lines: list[_TorchLine]
    ) -> tuple[str | None, tuple[Release, ...], str | None]:
        """The torch spec kept, the releases it allows, and the pin dropped (if one was)."""
        specs = [
            s for s in (_public_spec(t.req) for t in torch_lines if t.name == "torch") if str(s)
        ]
        distinct = list(dict.fromkeys(str(s) for s in specs))
        spec: SpecifierSet | None = specs[0] if specs else None
        if len(distinct) > 1:
            joined = SpecifierSet(",".join(distinct))
            if self.matching(_spec_text(joined)):
                spec = joined
            else:
                self.warnings.append(
                    f"The torch lines pin different versions ({', '.join(distinct)}); one lock "
                    f"holds one torch release, so the first pin ({spec}) is the one kept."
                )
        if spec is None:
            spec = self.spec_from_companions(torch_lines)
        text = _spec_text(spec) if spec is not None else None
        if spec is None or text is None:
            return None, self.catalog.releases, None
        allowed = self.paired(torch_lines, self.matching(text))
        if allowed:
            return text, allowed, None
        known = self.catalog.releases
        span = f"{known[-1].minor} to {known[0].minor}" if known else "none"
        older = bool(known) and all(
            not s.operator.startswith("=") or _older(s.version, known[-1].minor) for s in spec
        )
        what = "older than every release" if older else "not a release"
        self.warnings.append(
            f"torch{spec} is {what} the catalog has ({span}): the pin is dropped, and the "
            "newest torch that has each target's build is used."
        )
        return None, self.catalog.releases, str(spec)

    def matching(self, text: str | None) -> tuple[Release, ...]:
        try:
            return self.catalog.releases_matching(text)
        except BadInput:
            return ()

    def spec_from_companions(self, torch_lines: list[_TorchLine]) -> SpecifierSet | None:
        """No torch pin: a pinned torchvision or torchaudio names the torch it was built for."""
        for t in torch_lines:
            for pin in self.companion_pins(t):
                torches = {r.get("torch") for r in self.catalog.companions if r.get(t.name) == pin}
                if len(torches) == 1:
                    return SpecifierSet(f"=={torches.pop()}")
        return None

    def companion_pins(self, t: _TorchLine) -> list[str]:
        if t.name not in ("torchvision", "torchaudio"):
            return []
        return [s.version for s in _public_spec(t.req) if s.operator == "=="]

    def paired(
        self, torch_lines: list[_TorchLine], allowed: tuple[Release, ...]
    ) -> tuple[Release, ...]:
        """The releases a companion's pin also allows (a pin the catalog lacks narrows none)."""
        for t in torch_lines:
            for pin in self.companion_pins(t):
                torches = {r.get("torch") for r in self.catalog.companions if r.get(t.name) == pin}
                narrowed = tuple(r for r in allowed if torches & set(r.versions))
                if narrowed:
                    allowed = narrowed
                elif torches and allowed:
                    self.warnings.append(
                        f"{t.line.where}: {t.name}=={pin} is paired with torch "
                        f"{', '.join(sorted(str(x) for x in torches))}, which the torch pin "
                        f"excludes; the wizard pairs {t.name} with the torch it keeps."
                    )
        return allowed

    def wanted_build(self, applying: list[_TorchLine]) -> tuple[str | None, str]:
        """The build the lines name for a platform, and where the file says so."""
        for t in sorted(applying, key=lambda t: t.name != "torch"):
            labels = _labels(t.req)
            if labels:
                return labels[0], f"{t.line.where}, {t.name} +{labels[0]}"
        variants = list(dict.fromkeys(i.variant for _, i in self.torch_indexes if i.variant))
        if not variants:
            return None, ""
        line = next(line for line, i in self.torch_indexes if i.variant == variants[0])
        return variants[0], f"{line.where}, the {variants[0]} index"

    def target(
        self,
        platform: str,
        applying: list[_TorchLine],
        spec: str | None,
        allowed: tuple[Release, ...],
        dropped: str | None,
    ) -> TargetOutcome:
        label = PLATFORMS[platform].label
        wanted, source = self.wanted_build(applying)
        flagged = next(
            (
                t.split("=", 1)[1].strip().lower()
                for t in self.request.targets
                if "=" in t and t.split("=", 1)[0].strip().lower() == platform
            ),
            "auto",
        )
        if flagged != "auto":
            return TargetOutcome(platform, wanted, flagged, f"{label}: {flagged}, as --target asks")
        if platform.startswith("macos"):
            why = f"{label}: PyPI's build (Apple's MPS included)"
            if wanted and wanted != "cpu":
                why += f"; macOS has no {wanted} build"
            return TargetOutcome(platform, wanted, "default", why)
        if wanted is None:
            why = (
                f"{label}: the files name no build (pip took PyPI's), so the recommendation "
                "for the machine decides"
            )
            rec = self.recommendation(platform, spec)
            return TargetOutcome(platform, None, "auto", why + (f": {rec}" if rec else ""))
        # A dropped pin moves the project to current torch: the old build stays only if the
        # newest release has it (else torch 2.1.0+cu121 would land on 2.5, cu121's last).
        if any(r.has(wanted, platform) for r in (allowed[:1] if dropped else allowed)):
            return TargetOutcome(platform, wanted, wanted, f"{label}: {wanted}, as {source} says")
        return self.proposal(platform, wanted, source, spec if not dropped else None, allowed)

    def recommendation(self, platform: str, spec: str | None) -> str | None:
        from wizard.recommend import recommend

        profile = self.profile_for(platform)
        if profile is None:
            return None
        rec = recommend(profile, platform, self.catalog, spec, self.python_for(platform))
        if rec.torch is None:
            return None
        return f"{rec.backend} (torch {rec.torch}) for {profile.describe()}"

    def proposal(
        self,
        platform: str,
        wanted: str,
        source: str,
        spec: str | None,
        allowed: tuple[Release, ...],
    ) -> TargetOutcome:
        """A build the catalog has, for a target whose old build it no longer has."""
        from wizard.recommend import recommend

        label = PLATFORMS[platform].label
        newest = allowed[0].minor if allowed else "?"
        pins = f"torch {spec}" if spec else f"torch {newest} (the newest)"
        gone = f"{wanted} ({source}) is not built for {pins} on {label}"
        if not any(r.has(wanted, p) for r in self.catalog.releases for p in PLATFORMS):
            gone = f"{wanted} ({source}): no PyTorch release has a {wanted} build"
        profile = self.profile_for(platform)
        if profile is not None and _describes(profile, wanted):
            rec = recommend(profile, platform, self.catalog, spec, self.python_for(platform))
            if rec.torch is not None:
                # The release is the plan's to choose (companions can hold it back).
                why = f"{gone}: the recommendation for {profile.describe()} is {rec.backend}"
                if _family(rec.backend) != _family(wanted):
                    why += (
                        f", not a {_family(wanted).upper()} build; pass --target "
                        f"{platform}=BUILD to choose another"
                    )
                self.warnings.append(why + ".")
                return TargetOutcome(platform, wanted, rec.backend, why)
        near = nearest_build(wanted, platform, allowed)
        if near is None:
            why = f"{gone}, nor any {_family(wanted).upper()} build: the cpu build instead"
            self.warnings.append(why + ".")
            return TargetOutcome(platform, wanted, "cpu", why)
        build, release = near
        why = f"{gone}: the nearest that is, {build} (torch {release.minor})"
        if build == wanted:
            why = f"{gone}: {wanted} stays, with torch {release.minor}, the newest that has it"
        need = self.catalog.min_driver(build, PLATFORMS[platform].os)
        if _family(build) == "cuda" and _toolkit(build).major == _toolkit(wanted).major:
            why += ", runs on the driver that ran the old build"
        elif need:
            why += f", needs NVIDIA driver {need} or newer"
        if profile is not None and not _describes(profile, wanted):
            # The machine running the wizard is not the one the label was written for (a
            # laptop migrating the training boxes' file): the label decides, as +cu126 would.
            from wizard.hardware.profile import VENDOR_WORDS

            vendor = VENDOR_WORDS[_VENDORS[_family(wanted)]]
            why += (
                f". This machine ({profile.describe()}) has no {vendor} "
                f"GPU, so it cannot use {build}; pass --target {platform}=cpu for a build it can "
                "use, or --hardware with the profile of the machines the file was written for"
            )
        self.warnings.append(why + ".")
        return TargetOutcome(platform, wanted, build, why)

    def torch_words(self, t: _TorchLine, spec: str | None) -> str:
        if t.name == "torch":
            pin = str(_public_spec(t.req))
            if spec:
                parts = [f"torch {spec}"]
            elif pin:
                parts = [f"the pin torch{pin} is dropped (not in the catalog)"]
            else:
                parts = ["torch, unpinned: the plan chooses the release"]
        else:
            parts = [f"{t.name}, the release paired with the torch chosen"]
        if _labels(t.req):
            parts.append(f"the label +{_labels(t.req)[0]} names the build")
        from wizard.project import without_platform_parts

        own = without_platform_parts(str(t.req.marker)) if t.req.marker else None
        if t.req.extras:
            parts.append(f"keeps [{','.join(sorted(t.req.extras))}]")
        if own:
            parts.append(f"{own} gives way to requires-python")
        if t.line.target:
            parts.append("the URL becomes a version from the PyTorch index")
        mine = [o for o in self.targets if _applies(t.req.marker, PLATFORMS[o.platform])]
        if mine:
            parts.append(
                "; ".join(f"{PLATFORMS[o.platform].label}: {_build_words(o.backend)}" for o in mine)
            )
        if t.line.hashes:
            parts.append("hashes dropped (uv.lock records its own)")
        return ", ".join(parts)

    # -- options and indexes --------------------------------------------------------------------
    def options(self) -> None:
        channel = self.settings.channel or "stable"
        for f in self.files:
            for line in f.lines:
                if line.kind == "option":
                    for name, value in line.options:
                        self.option(line, name, value or "", channel)

    def option(self, line: Line, name: str, value: str, channel: str) -> None:
        if name in ("--index-url", "--extra-index-url", "--find-links"):
            return  # indexes() words these
        if name == "--pre":
            if channel != "stable":
                self.say(
                    line, "torch", f"pre-releases: torch comes from PyTorch's {channel} channel"
                )
            else:
                self.say(
                    line,
                    "note",
                    "not written: uv takes a pre-release only for a "
                    'requirement that names one; add `prerelease = "allow"` under '
                    "[tool.uv] if the project needs more",
                )
        elif name == "--trusted-host":
            host = value.split(":")[0]
            if host in _HTTPS_HOSTS:
                self.say(line, "dropped", f"not needed: {host} is served over https")
            else:
                self.say(
                    line,
                    "note",
                    f"not written (a setting of the machine): if {host} "
                    f"needs it, set UV_INSECURE_HOST={host} where uv runs",
                )
        elif name == "--require-hashes":
            self.say(
                line, "dropped", "uv.lock records the hash of every file and `uv sync` checks them"
            )
        elif name == "--prefer-binary":
            self.say(line, "dropped", "uv prefers wheels already")
        elif name in ("--only-binary", "--no-binary"):
            self.say(
                line,
                "note",
                f"not written: uv's setting is `{name[2:]}` under "
                "[tool.uv], if the project still needs it",
            )
        elif name == "--no-index":
            self.say(
                line,
                "manual",
                "uv has no project setting to install without an index: "
                "use `uv sync --offline` with a filled cache, or a local "
                "[[tool.uv.index]]",
            )
        elif name == "--use-feature":
            self.say(line, "dropped", "a pip feature switch")
        else:
            self.say(
                line,
                "note",
                f"not written: {name} is a pip build option; uv's is "
                "`config-settings` under [tool.uv]",
            )

    def indexes(self) -> list[IndexSpec]:
        out: list[IndexSpec] = []
        taken: set[str] = set()
        for f in self.files:
            for line in f.lines:
                for name, value in line.options:
                    if name in ("--index-url", "--extra-index-url", "--find-links") and value:
                        spec = self.index(line, name, value, taken)
                        if spec is not None and all(s.url != spec.url for s in out):
                            out.append(spec)
        return out

    def index(self, line: Line, name: str, url: str, taken: set[str]) -> IndexSpec | None:
        """Word an index option; a non-PyTorch extra index becomes an explicit index."""
        torch = pytorch_index(url)
        if torch is not None:
            self.say(line, "torch", self.torch_index_words(name, torch))
            return None
        if name == "--find-links":
            kind = "page" if _looks_like_url(url) else "folder"
            self.say(
                line,
                "manual",
                f"not written: a find-links {kind}; uv reads one as a "
                '[[tool.uv.index]] with `format = "flat"` plus a [tool.uv.sources] entry '
                "for each package taken from it" + _torch_page_note(url),
            )
            return None
        if _is_pypi(url):
            self.say(line, "dropped", "PyPI is uv's default index")
            return None
        clean, had_credentials = _clean_url(url)
        if name == "--index-url":
            self.say(
                line,
                "note",
                f"not written: {clean} replaces PyPI for every package; "
                f"uv does that where UV_DEFAULT_INDEX={clean} is set (a setting of the "
                "machine, such as a company proxy)",
            )
            return None
        index = _index_name(clean, taken)
        host = urlsplit(clean).hostname or clean
        became = (
            f"[[tool.uv.index]] {index} ({clean}), explicit: used only by packages "
            "whose [tool.uv.sources] entry names it"
        )
        self.warnings.append(
            f"{line.where}: pip's --extra-index-url let {host} and PyPI both answer for every "
            "package, which is how dependency-confusion attacks work (the December 2022 "
            f"torchtriton one used exactly this). The index is kept as `{index}`, explicit: "
            f'add `NAME = {{ index = "{index}" }}` under [tool.uv.sources] for each package '
            f"that comes from {host}."
        )
        if had_credentials:
            user, password = credential_env_names(index)
            became += "; its credentials are not written"
            self.warnings.append(
                f"{line.where}: the credentials in the URL of {host} were not written to any "
                f"file: set {user} and {password} where uv runs."
            )
        self.say(line, "kept", became)
        return IndexSpec(index, clean, explicit=True)

    def torch_index_words(self, option: str, torch: TorchIndex) -> str:
        what = (
            f"PyTorch's {torch.variant} index"
            if torch.variant
            else ("PyTorch's page of every build")
        )
        if torch.channel != "stable":
            what = f"PyTorch's {torch.channel} {torch.variant or ''} index".replace("  ", " ")
        builds = sorted({t.backend for t in self.targets if t.backend not in ("default", "auto")})
        words = (
            f"{what}: each build in use gets an explicit pytorch-<build> index, used only "
            "for the torch packages" + (f" ({', '.join(builds)})" if builds else "")
        )
        if option == "--index-url":
            words += "; pip took every package from it, uv takes the others from PyPI"
        if torch.base != DEFAULT_INDEX_BASE:
            mirror, had_credentials = _clean_url(torch.base)
            if self.request.index_base:
                given = _clean_url(self.request.index_base)[0]
                words += f"; --index-base {given} wins over this mirror"
            elif self.settings.index_base == torch.base:
                words += f"; the mirror {mirror} becomes the index base"
                if had_credentials:
                    words += " (its credentials are not written)"
            else:
                words += (
                    f"; the mirror {mirror} uses plain http, so it is not used: pass "
                    "--index-base with --allow-insecure-index to use it"
                )
        return words

    # -- everything else ----------------------------------------------------------------------
    def other_requirements(
        self, lines: list[tuple[RequirementsFile, Line]], has_torch: bool
    ) -> Additions:
        main: list[_Wanted] = []
        groups: dict[str, list[_Wanted]] = {}
        constraints: list[_Wanted] = []
        for f, line in lines:
            wanted = self.wanted(f, line, has_torch)
            if wanted is None:
                continue
            if f.constraints:
                constraints.append(wanted)
            elif f.group:
                groups.setdefault(f.group, []).append(wanted)
            else:
                main.append(wanted)
        main.extend(self.from_setup)  # after the files' own lines, which win
        self.fold_constraints(constraints, [*main, *(w for g in groups.values() for w in g)])
        seen: dict[tuple[str, str], Line] = {}
        dependencies = self.place(main, "[project].dependencies", seen)
        placed_groups = {}
        for name, items in groups.items():
            reqs = self.place(items, f"[dependency-groups] {name}", seen)
            if reqs:
                placed_groups[name] = tuple(reqs)
        compiled = {canonical_name(n) for n in self.catalog.compiled_against_torch}
        built = [
            Requirement(r).name
            for r in dependencies
            if canonical_name(Requirement(r).name) in compiled
        ]
        if built and has_torch:
            self.warnings.append(
                f"{', '.join(built)} {'is' if len(built) == 1 else 'are'} compiled against one "
                "torch build and now come from PyPI, built for PyPI's torch: check the "
                "project's install notes for wheels matching the build chosen here."
            )
        return Additions(tuple(dependencies), placed_groups)

    def wanted(self, f: RequirementsFile, line: Line, has_torch: bool) -> _Wanted | None:
        """The requirement a line adds, with how it was rewritten; None when it adds none."""
        if line.kind == "editable":
            return self.editable(line)
        if line.requirement is None:
            self.say(line, "manual", _unnamed(line))
            return None
        req = Requirement(line.requirement)
        name = canonical_name(req.name)
        marker = f" ; {req.marker}" if req.marker else ""
        if has_torch and _TORCH_OWN.match(name):
            self.say(
                line,
                "dropped",
                "a dependency of torch itself: the chosen build brings the matching one",
            )
            return None
        if f.compiled and line.via and not any(v.startswith(("-r", "-c")) for v in line.via):
            self.say(
                line,
                "dropped",
                f"pinned only because {', '.join(line.via)} needs it; uv.lock pins it again",
            )
            return None
        if req.url and req.url.startswith("file:"):
            path = Path(unquote(urlsplit(req.url).path))
            if not path.exists():
                return _Wanted(
                    line,
                    Requirement(req.name + marker),
                    [
                        "the file: URL points into a build folder of the machine that wrote the "
                        "file (conda's `pip freeze`), so only the name is kept"
                    ],
                )
            self.say(line, "manual", f"a local file: add it with `uv add {path}` (a path source)")
            return None
        if line.target and not _looks_like_url(line.target):
            self.say(
                line, "manual", f"a local path: add it with `uv add {line.target}` (a path source)"
            )
            return None
        notes = []
        if line.target and not line.text.startswith(req.name):
            notes.append("written as `name @ URL`, the form uv reads")
        if any(s.operator in ("==", "===") and "+" in s.version for s in req.specifier):
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            req = Requirement(f"{req.name}{extras}{_public_spec(req)}{marker}")
            notes.append("local label dropped: such builds are not on PyPI")
        return _Wanted(line, req, notes)

    def editable(self, line: Line) -> _Wanted | None:
        target = line.target or ""
        if not _looks_like_url(target):
            folder = (line.path.parent / target).resolve()
            if target.rstrip("/\\") == "." or folder == line.path.parent.parent.resolve():
                self.project_itself(line, folder)
            else:
                self.say(
                    line,
                    "manual",
                    f"a local package: add it with `uv add --editable "
                    f"{target}` (an editable path source)",
                )
            return None
        if line.requirement is None:
            self.say(line, "manual", _unnamed(line))
            return None
        return _Wanted(
            line,
            Requirement(line.requirement),
            [
                "written as `name @ URL`; editable dropped, as uv installs a VCS package as a "
                "regular one"
            ],
        )

    def project_itself(self, line: Line, folder: Path) -> None:
        """`-e .`: uv installs the project itself only when pyproject.toml makes it a package
        (a [build-system], or tool.uv.package = true); a setup.py / setup.cfg project's
        metadata is read (never run) and what the wizard does not write is said."""
        pyproject = _read_toml(folder / "pyproject.toml")
        uv = pyproject.get("tool", {}).get("uv", {}) if isinstance(pyproject, dict) else {}
        if "build-system" in pyproject or (isinstance(uv, dict) and uv.get("package") is True):
            self.say(line, "dropped", "the project itself: `uv sync` installs it, editable")
            return
        meta = _setup_metadata(folder)
        build = (
            '[build-system] with requires = ["setuptools>=61"] and build-backend = '
            '"setuptools.build_meta"'
        )
        if meta is None or "project" in pyproject:
            self.say(
                line,
                "dropped",
                "the project itself: pyproject.toml has no [build-system], so `uv sync` "
                "installs its dependencies but not the project; if it is a package, add a "
                f"{build} (or another backend's) and `uv sync` installs it, editable",
            )
            return
        found = [f"read from {meta.shown} (not run)"]
        if meta.requires is not None:
            family = [r for r in meta.requires if canonical_name(r.name) in TORCH_FAMILY]
            kept = [r for r in meta.requires if r not in family]
            self.from_setup.extend(_Wanted(line, r, [f"from {meta.shown}"]) for r in kept)
            if kept:
                found.append(
                    "install_requires "
                    + ", ".join(str(r) for r in kept)
                    + " go to [project].dependencies"
                )
            if family:
                found.append(", ".join(str(r) for r in family) + " is the torch setup's")
        # The new [project] table takes the name and version, and a setuptools [build-system]
        # makes the project a package that `uv sync` installs.
        self.setup_project = (meta.name, meta.version)
        self.setup_dynamic = meta.dynamic
        self.setup_python = meta.python_requires
        if meta.dynamic:
            found.append(
                "its "
                + _words(
                    [
                        key
                        for key, field in (
                            ("entry_points", "entry-points"),
                            ("extras_require", "optional-dependencies"),
                        )
                        if field in meta.dynamic
                    ]
                )
                + f" stay in {meta.shown} (pyproject.toml lists them as dynamic)"
            )
        if meta.python_requires:
            found.append(f"python_requires {meta.python_requires} becomes requires-python")
        unread = [k for k in ("name", "version", "install_requires") if k in meta.unread]
        if unread:
            found.append(
                f"{_words(unread)} {'is' if len(unread) == 1 else 'are'} not written as plain "
                f"values in {meta.shown} (computed when it runs): copy "
                f"{'it' if len(unread) == 1 else 'them'} by hand"
                + (
                    " (install_requires into [project].dependencies)"
                    if "install_requires" in unread
                    else ""
                )
            )
        written = [
            f"{k} {_toml_text(v)}" for k, v in (("name", meta.name), ("version", meta.version)) if v
        ]
        found.append(
            "pyproject.toml gets "
            + (f"its {' and '.join(written)} and " if written else "")
            + f"a {build}, so `uv sync` installs it, editable"
        )
        self.say(
            line, "manual" if unread else "rewritten", "the project itself, " + "; ".join(found)
        )

    def fold_constraints(self, constraints: list[_Wanted], requirements: list[_Wanted]) -> None:
        """A constraint's pin joins the requirements of the same package; others are reported."""
        for con in constraints:
            name = canonical_name(con.req.name)
            hits = [
                w
                for w in requirements
                if canonical_name(w.req.name) == name
                and (con.req.marker is None or str(con.req.marker) == str(w.req.marker))
            ]
            if not hits:
                self.say(
                    con.line,
                    "manual",
                    f"constrains {con.req.name}, which no file requires "
                    "directly: uv reads such pins from `constraint-dependencies` under "
                    "[tool.uv] (not written)",
                )
                continue
            for w in hits:
                w.req.specifier &= con.req.specifier
                w.notes.append(f"with the pin from {con.line.where}")
            self.say(
                con.line,
                "kept",
                "folded into " + ", ".join(f"{w.line.where} ({w.req})" for w in hits),
            )

    def projects_own(self, req: Requirement, where: str) -> str | None:
        """The requirement pyproject.toml already has for this package in `where` (the
        dependencies or a group), which the migration leaves as it is."""
        table = self.project.get("project", {})
        if where == "[project].dependencies":
            items = table.get("dependencies", []) if isinstance(table, dict) else []
        else:
            groups = self.project.get("dependency-groups", {})
            name = where.removeprefix("[dependency-groups] ")
            items = groups.get(name, []) if isinstance(groups, dict) else []
        for item in items if isinstance(items, list) else ():
            try:
                if isinstance(item, str) and canonical_name(Requirement(item).name) == (
                    canonical_name(req.name)
                ):
                    return str(Requirement(item))
            except InvalidRequirement:
                continue
        return None

    def place(
        self, items: list[_Wanted], where: str, seen: dict[tuple[str, str], Line]
    ) -> list[str]:
        out = []
        for w in items:
            key = (canonical_name(w.req.name), str(w.req.marker or ""))
            if key in seen:
                self.say(w.line, "dropped", f"{w.req.name} is already listed at {seen[key].where}")
                continue
            seen[key] = w.line
            theirs = self.projects_own(w.req, where)
            if theirs is not None:
                self.say(
                    w.line,
                    "kept" if theirs == str(w.req) else "manual",
                    f"{where} already has {theirs}"
                    + (
                        ""
                        if theirs == str(w.req)
                        else f", which stays (not written: change it by hand if {w.req} is "
                        "what the project needs)"
                    ),
                )
                continue
            out.append(str(w.req))
            notes = list(w.notes)
            if w.line.hashes:
                notes.append("hashes dropped: uv.lock records the hash of every file")
            rewritten = any(not n.startswith(("with the pin", "hashes")) for n in w.notes)
            self.say(
                w.line,
                "rewritten" if rewritten else "kept",
                f"{where}: {w.req}" + "".join(f"; {n}" for n in notes),
            )
        return out


@dataclass(frozen=True)
class _SetupMetadata:
    """What setup.py / setup.cfg say as plain values (read with ast and configparser)."""

    shown: str  # "setup.py", "setup.cfg" or "setup.py and setup.cfg"
    name: str | None
    version: str | None
    requires: list[Requirement] | None  # None: not readable
    unread: tuple[str, ...]  # fields given, but not as plain values
    # [project] fields setup.py keeps giving (setuptools ignores its entry_points and
    # extras_require once [project] exists, unless they are listed as dynamic)
    dynamic: tuple[str, ...] = ()
    python_requires: str | None = None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _toml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _setup_py(path: Path) -> tuple[dict[str, object], set[str]] | None:
    """The plain-value keywords of setup.py's setup() call (the file is parsed, never run),
    and the keywords it gives otherwise; None without a setup() call (or a readable file)."""
    import ast

    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if called != "setup":
            continue
        values: dict[str, object] = {}
        other: set[str] = set()
        for kw in node.keywords:
            if kw.arg is None:  # setup(**config): every field may be in it
                other |= {"name", "version", "install_requires"}
                continue
            try:
                values[kw.arg] = ast.literal_eval(kw.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                other.add(kw.arg)
        return values, other
    return None


def _setup_cfg(path: Path) -> tuple[dict[str, object], set[str]] | None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not parser.read(path, encoding="utf-8"):
            return None
    except (configparser.Error, UnicodeDecodeError):
        return None
    values: dict[str, object] = {}
    other: set[str] = set()
    for section, key, out in (
        ("metadata", "name", "name"),
        ("metadata", "version", "version"),
        ("options", "install_requires", "install_requires"),
    ):
        text = parser.get(section, key, fallback=None)
        if text is None:
            continue
        text = text.strip()
        if text.startswith(("attr:", "file:")):  # setuptools computes these when it runs
            other.add(out)
        elif out == "install_requires":
            values[out] = [
                x.strip() for x in text.splitlines() if x.strip() and not x.strip().startswith("#")
            ]
        else:
            values[out] = text
    return values, other


def _setup_metadata(folder: Path) -> _SetupMetadata | None:
    """A setup.py / setup.cfg project's name, version and install_requires, as plain values;
    None when the folder has neither file."""
    read = [
        (name, got)
        for name, reader in (("setup.py", _setup_py), ("setup.cfg", _setup_cfg))
        if (folder / name).is_file() and (got := reader(folder / name)) is not None
    ]
    if not read and not (folder / "setup.py").is_file():
        return None
    values: dict[str, object] = {}
    other: set[str] = set()
    for _, (v, o) in reversed(read):  # setup.py's keywords win over setup.cfg's
        values.update(v)
        other |= o
    other -= values.keys()
    if not read:  # a setup.py without a setup() call that can be found
        other = {"name", "version", "install_requires"}
    shown = " and ".join(n for n, _ in read) or "setup.py"
    name = values.get("name")
    version = values.get("version")
    raw = values.get("install_requires", [])
    requires: list[Requirement] | None = []
    if isinstance(raw, str):
        raw = raw.splitlines()
    if isinstance(raw, list | tuple) and all(isinstance(r, str) for r in raw):
        try:
            requires = [Requirement(r) for r in raw if r.strip()]
        except InvalidRequirement:
            requires, other = None, other | {"install_requires"}
    else:
        requires, other = None, other | {"install_requires"}
    if name is not None and not isinstance(name, str):
        name, other = None, other | {"name"}
    if version is not None and not isinstance(version, str):
        version, other = None, other | {"version"}
    unread = tuple(k for k in ("name", "version", "install_requires") if k in other)
    given = values.keys() | other
    dynamic = (("scripts", "gui-scripts", "entry-points") if "entry_points" in given else ()) + (
        ("optional-dependencies",) if "extras_require" in given else ()
    )
    python = values.get("python_requires")
    python_requires = python.strip() if isinstance(python, str) and python.strip() else None
    return _SetupMetadata(shown, name, version, requires, unread, dynamic, python_requires)


@dataclass
class _Wanted:
    line: Line
    req: Requirement
    notes: list[str] = field(default_factory=list)


# The GPU vendor a build family runs on, as the report names it.
_VENDORS = {"cuda": "nvidia", "rocm": "amd", "xpu": "intel"}


def _describes(profile: HardwareProfile, wanted: str) -> bool:
    """Whether a machine's recommendation stands for the machines a build label was written
    for. A profile given with --hardware does (the person chose it). The machine the wizard
    runs on (detected: no source) does only when it has a GPU of the label's kind: a laptop
    without an NVIDIA GPU does not describe the CUDA boxes a +cu121 names."""
    if profile.source is not None:
        return True
    vendor = _VENDORS.get(_family(wanted))
    return vendor is None or bool(profile.gpus_of(vendor))


def _build_words(backend: str) -> str:
    return {"default": "PyPI's build", "auto": "the build recommended for the machine"}.get(
        backend, backend
    )


def _unnamed(line: Line) -> str:
    return (
        f"not written: uv needs the project's name for a URL; `uv add {line.target or ''}` finds it"
    )


def _torch_page_note(url: str) -> str:
    m = re.search(r"torch-(\d+\.\d+\.\d+(?:\+\w+)?)", unquote(url))
    if not m:
        return ""
    return (
        f". It serves builds for torch {m.group(1)}: pick the page that matches the torch "
        "this project now locks"
    )


def plan_migration(
    files: Sequence[RequirementsFile],
    catalog: Catalog,
    profiles: Sequence[HardwareProfile] = (),
    request: Request | None = None,
    project: Mapping[str, Any] | None = None,
) -> Migration:
    """What the requirements files become: the request's answers, additions, a line report.
    `project`: pyproject.toml's content, whose own requirements stay as they are."""
    from wizard.session import Request

    return _Planner(files, catalog, profiles, request or Request(), project).run()


def migrate(
    request: Request,
    paths: Sequence[Path],
    catalog: Catalog | None = None,
    profiles: Sequence[HardwareProfile] = (),
) -> Migration:
    """Read the files and plan the migration (with the bundled catalog when none is given)."""
    from wizard.catalog.model import load_bundled

    files = read_requirements(paths)
    return plan_migration(files, catalog or load_bundled(), profiles, request)


def migrate_request(
    request: Request,
    paths: Sequence[Path],
    catalog: Catalog | None = None,
    profiles: Sequence[HardwareProfile] = (),
) -> Request:
    """The request with the migration's answers: targets, torch, companions, additions."""
    return migrate(request, paths, catalog, profiles).request


# --------------------------------------------------------------------------------------------
# The report


def migration_text(migration: Migration, columns: int = 100) -> str:
    """The line report: each line as written, then what it became; targets and warnings after
    (wrapped to `columns`)."""
    import textwrap

    out = ["Migration from " + ", ".join(f.shown for f in migration.files) + ":"]
    width = max((len(o.where) for o in migration.outcomes), default=0)
    indent = " " * (width + 6)
    for o in migration.outcomes:
        out.append(f"  {o.where:<{width}}  {o.line.short}")
        out.extend(
            textwrap.wrap(
                f"{STATUS_WORDS[o.status]}: {o.became}",
                columns,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
                break_on_hyphens=False,
                break_long_words=False,
            )
        )
    for t in migration.targets:
        if t.why + "." not in migration.warnings:
            out.extend(
                textwrap.wrap(
                    t.why,
                    columns,
                    initial_indent="  * ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                    break_long_words=False,
                )
            )
    for w in migration.warnings:
        out.extend(
            textwrap.wrap(
                w,
                columns,
                initial_indent="warning: ",
                subsequent_indent="  ",
                break_on_hyphens=False,
                break_long_words=False,
            )
        )
    return "\n".join(out)


def deletion_text(migration: Migration) -> str:
    """What can go once the project works, and what must stay for now."""
    parts = ["The requirements files were left in place."]
    if migration.deletable:
        names = ", ".join(_shown(migration, p) for p in migration.deletable)
        parts.append(
            f"Once `uv sync` works, these can be deleted (if no Dockerfile or CI "
            f"script still reads them): {names}."
        )
    for path, numbers in migration.keep:
        many = len(numbers) > 1
        parts.append(
            f"Keep {_shown(migration, path)} until line{'s' if many else ''} "
            f"{', '.join(str(n) for n in numbers)} {'are' if many else 'is'} handled "
            "(see above)."
        )
    parts += [_compiled_text(migration, output, source) for output, source in migration.compiled]
    return " ".join(p for p in parts if p)


def _compiled_text(migration: Migration, output: Path, source: Path) -> str:
    """The other half of a pip-tools pair, once the half that was migrated can go."""
    out, src = _shown(migration, output), _shown(migration, source)
    if source in migration.deletable:  # the .in was migrated: the .txt made from it is done
        return f"{out} was compiled from {src}: uv.lock takes its place, so it can go too."
    if output in migration.deletable:
        return (
            f"{src}, which {out} was compiled from, was not migrated: `--from {src}` keeps its "
            f"own ranges instead of {out}'s exact pins; otherwise it can go too."
        )
    return ""


def _shown(migration: Migration, path: Path) -> str:
    """A file as the report names it; one beside a migrated file by the same folder."""
    found = next((f.shown for f in migration.files if f.path == path), None)
    if found is not None:
        return found
    beside = next((f for f in migration.files if f.path.parent == path.parent), None)
    return str(Path(beside.shown).parent / path.name) if beside else str(path)
