"""Plan -> pyproject.toml: change only what the wizard owns, show the diff, write atomically.

tomllib validates and reads the file. The edits are made on the text, one key or table at a
time, with tomlkit rendering values and editing arrays in place: tomlkit's own table insertion
and removal move or drop the comments next to the tables. Every result is parsed again and
compared with the data the edit meant to produce before it is returned.
"""

from __future__ import annotations

import copy
import errno
import fnmatch
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.errors import BadInput, WorkFailed
from wizard.names import TORCH_FAMILY, VARIANT, canonical_name
from wizard.platforms import PLATFORMS, TargetPlatform

if TYPE_CHECKING:
    from wizard.plan import IndexSpec, Plan, SourceEntry, TargetChoice

ANNOTATION = "# torch-wizard:"  # starts every comment the wizard writes
TRITON_PREFIX = "pytorch-triton"  # pytorch-triton, pytorch-triton-rocm, pytorch-triton-xpu
# uv's prerelease modes the wizard writes for the nightly and test channels; removed with them.
INDEX_PATH = ("tool", "uv", "index")
_CHANNELS = ("nightly", "test")


# --- reading TOML ---------------------------------------------------------------------------


class _TomlError(Exception):
    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


if sys.version_info >= (3, 11):

    def _loads(text: str) -> dict[str, Any]:
        import tomllib  # only when there is a file to read: a new project needs none

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", str(e))
            if found is None:
                message = re.sub(r"\s*\(at end of document\)$", " at the end of the file", str(e))
                raise _TomlError(message, None, None) from None
            message = str(e)[: found.start()]
            raise _TomlError(message, int(found.group(1)), int(found.group(2))) from None

else:  # Python 3.10 has no tomllib; tomlkit's parser validates just as strictly.

    def _loads(text: str) -> dict[str, Any]:
        import tomlkit
        from tomlkit.exceptions import ParseError

        try:
            data: dict[str, Any] = tomlkit.parse(text).unwrap()
        except ParseError as e:
            message = re.sub(r"\s*at line \d+ col \d+$", "", str(e))
            raise _TomlError(message, e.line, e.col) from None
        return data


# --- the project file -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFile:
    """A project folder's pyproject.toml as read: the bytes to restore and the parsed data."""

    folder: Path
    exists: bool
    original: bytes | None
    data: Mapping[str, Any] = field(default_factory=dict)
    workspace_root: Path | None = None  # the uv workspace this project is a member of

    @property
    def path(self) -> Path:
        return self.folder / "pyproject.toml"

    @property
    def text(self) -> str:
        return "" if self.original is None else _decode(self.original)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadInput(
            f"pyproject.toml is not UTF-8 text (byte {e.start + 1} cannot be decoded).",
            "Save it as UTF-8, then run torch-wizard again.",
        ) from None


def read_project(folder: Path) -> ProjectFile:
    """Read and check the folder's pyproject.toml; a missing file is a new project."""
    path = folder / "pyproject.toml"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ProjectFile(folder, False, None, {}, _workspace_root(folder))
    except IsADirectoryError:
        raise BadInput(f"{path} is a folder, not a file.", "Remove or rename it.") from None
    except OSError as e:
        raise BadInput(
            f"Cannot read {path} ({e.strerror or e}).", "Check the file's permissions."
        ) from None
    parsed = parse_project(folder, raw)
    return ProjectFile(folder, True, raw, parsed.data, _workspace_root(folder))


def refuse_virtual_root(project: ProjectFile, command: str = "torch-wizard") -> None:
    """A workspace root without [project] has no dependencies of its own: torch belongs in
    the member that uses it (run there, the wizard also writes the root's settings; doctor
    checks the root's .venv against that member)."""
    workspace = _uv(project.data).get("workspace")
    if "project" in project.data or not isinstance(workspace, dict):
        return
    members = _torch_members(project.folder, workspace)
    where = (
        f"`{command} -C {members[0]}`"
        if len(members) == 1
        else f"`{command} -C <member>` in the member that uses torch ({', '.join(members)})"
        if members
        else f"`{command} -C <member>` in the member that will use torch"
    )
    doctor = command.endswith("doctor")
    raise BadInput(
        "pyproject.toml is a virtual workspace root (no [project] table): its members hold "
        "the dependencies, and torch is "
        + ("checked" if doctor else "configured")
        + " in the member that uses it.",
        f"Run {where}"
        + (
            " (it checks the workspace's .venv and uv.lock)."
            if doctor
            else "; the workspace's uv.lock and required environments are written here."
        ),
    )


def _torch_members(folder: Path, workspace: Mapping[str, Any]) -> list[str]:
    """The workspace members (relative folders) whose dependencies name a torch package."""
    found: list[str] = []
    for pattern in (
        workspace.get("members", []) if isinstance(workspace.get("members"), list) else []
    ):
        for member in sorted(folder.glob(str(pattern).strip("/").removeprefix("./"))):
            try:
                data = _loads(_decode((member / "pyproject.toml").read_bytes()))
            except (OSError, _TomlError, BadInput):
                continue
            project = data.get("project", {})
            deps = project.get("dependencies", []) if isinstance(project, dict) else []
            names = {_name_of(d) for d in deps if isinstance(d, str)}
            if any(_is_torch_family(n) for n in names):
                found.append(member.relative_to(folder).as_posix())
    return found


def parse_project(folder: Path, raw: bytes) -> ProjectFile:
    """Check pyproject.toml bytes held in memory (no workspace lookup)."""
    text = _decode(raw).removeprefix("\ufeff")
    try:
        data = _loads(text)
    except _TomlError as e:
        where = f"line {e.line}, column {e.column}: " if e.line is not None else ""
        raise BadInput(
            f"pyproject.toml is not valid TOML ({where}{e.message}).",
            "Fix the file (uv cannot read it either), then run torch-wizard again.",
        ) from None
    _check_shapes(data)
    return ProjectFile(folder, True, raw, data, None)


def _check_shapes(data: Mapping[str, Any]) -> None:
    """Refuse the layouts the wizard cannot edit, each with one sentence saying why."""
    fix = "Fix pyproject.toml, then run torch-wizard again."
    if not isinstance(data.get("tool", {}), dict):
        raise BadInput("The `tool` entry of pyproject.toml is not a table.", fix)
    _check_uv_shapes(data.get("tool", {}).get("uv", {}), fix)
    project = data.get("project")
    if project is None:
        if "poetry" in data.get("tool", {}):
            raise BadInput(
                "pyproject.toml has a [tool.poetry] table but no [project] table, and uv reads "
                "only the standard [project] table (PEP 621).",
                "Move the metadata to [project] (for example with `uvx migrate-to-uv`), "
                "then run torch-wizard again.",
            )
        return
    if not isinstance(project, dict):
        raise BadInput("The `project` entry of pyproject.toml is not a table.", fix)
    dynamic = project.get("dynamic", [])
    if isinstance(dynamic, list) and "dependencies" in dynamic:
        files = _dynamic_dependency_files(data)
        raise BadInput(
            "pyproject.toml declares its dependencies as dynamic (the build backend computes "
            "them), so the wizard cannot edit them.",
            f"Remove `dependencies` from [project].dynamic and from [tool.setuptools.dynamic], "
            f"then `torch-wizard {' '.join(f'--from {f}' for f in files)}` writes them into "
            "[project].dependencies."
            if files
            else "List them in [project].dependencies and remove `dependencies` from "
            "[project].dynamic, then run torch-wizard again.",
        )
    _check_requirements(project.get("dependencies", []), "[project].dependencies")
    extras = project.get("optional-dependencies", {})
    if not isinstance(extras, dict):
        raise BadInput("[project].optional-dependencies is not a table.", fix)
    for name, reqs in extras.items():
        _check_requirements(reqs, f"The extra '{name}'")


def _dynamic_dependency_files(data: Mapping[str, Any]) -> list[str]:
    """The requirements files setuptools reads dynamic dependencies from."""
    setuptools = data.get("tool", {}).get("setuptools", {})
    dynamic = setuptools.get("dynamic", {}) if isinstance(setuptools, dict) else {}
    found = dynamic.get("dependencies", {}) if isinstance(dynamic, dict) else {}
    files = found.get("file", []) if isinstance(found, dict) else []
    return [files] if isinstance(files, str) else [f for f in files if isinstance(f, str)]


def _check_uv_shapes(uv: object, fix: str) -> None:
    if not isinstance(uv, dict):
        raise BadInput("[tool.uv] in pyproject.toml is not a table.", fix)
    if not isinstance(uv.get("sources", {}), dict):
        raise BadInput("[tool.uv.sources] in pyproject.toml is not a table.", fix)
    indexes = uv.get("index", [])
    if isinstance(indexes, dict):
        raise BadInput(
            "tool.uv.index in pyproject.toml is a single table: uv needs [[tool.uv.index]], "
            "with two brackets.",
            fix,
        )
    if not isinstance(indexes, list) or not all(isinstance(i, dict) for i in indexes):
        raise BadInput("tool.uv.index in pyproject.toml is not a list of tables.", fix)
    if not isinstance(uv.get("conflicts", []), list):
        raise BadInput("tool.uv.conflicts in pyproject.toml is not a list.", fix)
    for key in ("environments", "required-environments"):
        value = uv.get(key, [])
        if not isinstance(value, str | list) or (
            isinstance(value, list) and not all(isinstance(m, str) for m in value)
        ):
            raise BadInput(f"tool.uv.{key} in pyproject.toml is not a list of markers.", fix)


def _check_requirements(reqs: object, where: str) -> None:
    fix = "Fix pyproject.toml, then run torch-wizard again."
    if not isinstance(reqs, list) or not all(isinstance(r, str) for r in reqs):
        raise BadInput(f"{where} in pyproject.toml is not a list of strings.", fix)
    if not reqs:
        return
    from packaging.requirements import InvalidRequirement, Requirement

    for r in reqs:
        try:
            Requirement(r)
        except InvalidRequirement as e:
            raise BadInput(
                f"{where} has an entry that is not a valid requirement: {r!r} ({e}).", fix
            ) from None


def workspace_root_of(folder: Path) -> Path | None:
    """The root of the uv workspace this folder is a member of (None: it is not one)."""
    return _workspace_root(folder)


def _workspace_root(folder: Path) -> Path | None:
    """The nearest parent folder whose [tool.uv.workspace] members include this folder."""
    here = folder.resolve()
    for parent in here.parents:
        try:
            data = _loads(_decode((parent / "pyproject.toml").read_bytes()))
        except (OSError, _TomlError, BadInput):
            continue
        workspace = data.get("tool", {}).get("uv", {}).get("workspace")
        if not isinstance(workspace, dict):
            continue
        relative = here.relative_to(parent).as_posix()

        def matches(patterns: object, relative: str = relative) -> bool:
            return isinstance(patterns, list) and any(
                isinstance(p, str)
                and fnmatch.fnmatchcase(relative, p.strip("/").removeprefix("./"))
                for p in patterns
            )

        if matches(workspace.get("members")) and not matches(workspace.get("exclude")):
            return parent
        return None  # uv stops at the nearest workspace root
    return None


# --- the layout of a TOML text --------------------------------------------------------------


class _LayoutError(Exception):
    """The text could not be split into tables and keys (it always can after tomllib)."""


@dataclass
class _Entry:
    """A `key = value` line of the file: where it starts and ends, and where its value is."""

    key: tuple[str, ...]
    start: int  # start of its line
    key_start: int
    value_start: int
    value_end: int
    end: int  # after the newline that ends its (last) line


@dataclass
class _Section:
    """A table of the file (`[tool.uv]`): its header, its entries and where its body is."""

    path: tuple[str, ...]  # () for the keys before the first table
    is_array: bool  # an [[array.of.tables]] element
    start: int  # start of the header line
    body_start: int  # after the header line
    end: int  # start of the next header line, or the end of the text
    entries: list[_Entry]


_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?"
    r"|[A-Za-z0-9_+\-.:]+"
)


def _skip_ws(t: str, i: int) -> int:
    while i < len(t) and t[i] in " \t":
        i += 1
    return i


def _skip_blank(t: str, i: int) -> int:
    """Skip whitespace, newlines and comments (inside arrays)."""
    while i < len(t):
        if t[i] in " \t\r\n":
            i += 1
        elif t[i] == "#":
            i = _line_end(t, i)
        else:
            break
    return i


def _line_end(t: str, i: int) -> int:
    j = t.find("\n", i)
    return len(t) if j < 0 else j + 1


def _skip_string(t: str, i: int) -> int:
    quote = t[i]
    if t.startswith(quote * 3, i):
        j = i + 3
        while True:
            if quote == '"' and t[j] == "\\":
                j += 2
            elif t.startswith(quote * 3, j):
                k = j
                while k < len(t) and t[k] == quote and k - j < 5:
                    k += 1
                return k
            else:
                j += 1
    j = i + 1
    while t[j] != quote:
        if t[j] == "\n":
            raise _LayoutError("newline in a string")
        j += 2 if quote == '"' and t[j] == "\\" else 1
    return j + 1


def _parse_key(t: str, i: int) -> tuple[tuple[str, ...], int]:
    parts: list[str] = []
    while True:
        i = _skip_ws(t, i)
        if t[i] == '"':
            j = _skip_string(t, i)
            parts.append(str(_loads("k = " + t[i:j])["k"]))
        elif t[i] == "'":
            j = _skip_string(t, i)
            parts.append(t[i + 1 : j - 1])
        else:
            m = _BARE.match(t, i)
            if m is None:
                raise _LayoutError(f"no key at offset {i}")
            j = m.end()
            parts.append(m.group())
        i = _skip_ws(t, j)
        if i < len(t) and t[i] == ".":
            i += 1
            continue
        return tuple(parts), i


def _skip_value(t: str, i: int) -> int:
    c = t[i]
    if c in "\"'":
        return _skip_string(t, i)
    if c in "[{":
        close = "]" if c == "[" else "}"
        i = _skip_blank(t, i + 1)
        while t[i] != close:
            if c == "{":
                _, i = _parse_key(t, i)
                if t[i] != "=":
                    raise _LayoutError("no '=' in an inline table")
                i = _skip_blank(t, i + 1)
            i = _skip_blank(t, _skip_value(t, i))
            if t[i] == ",":
                i = _skip_blank(t, i + 1)
            elif t[i] != close:
                raise _LayoutError(f"unexpected {t[i]!r} in a value")
        return i + 1
    m = _SCALAR.match(t, i)
    if m is None:
        raise _LayoutError(f"no value at offset {i}")
    return m.end()


def _scan(t: str) -> tuple[list[_Section], list[tuple[int, int]]]:
    """The tables and keys of a TOML text with their offsets, and its comment lines."""
    sections = [_Section((), False, 0, 0, len(t), [])]
    comments: list[tuple[int, int]] = []
    i = 0
    try:
        while i < len(t):
            line_start = i
            j = _skip_ws(t, i)
            if j >= len(t):
                break
            if t[j] == "\n" or t.startswith("\r\n", j):
                i = _line_end(t, j)
            elif t[j] == "#":
                i = _line_end(t, j)
                comments.append((line_start, i))
            elif t[j] == "[":
                is_array = t.startswith("[[", j)
                path, k = _parse_key(t, j + (2 if is_array else 1))
                if not t.startswith("]]" if is_array else "]", k):
                    raise _LayoutError("unclosed table header")
                i = _line_end(t, k)
                sections[-1].end = line_start
                sections.append(_Section(path, is_array, line_start, i, len(t), []))
            else:
                key, k = _parse_key(t, j)
                if t[k] != "=":
                    raise _LayoutError(f"no '=' after a key at offset {k}")
                value_start = _skip_ws(t, k + 1)
                value_end = _skip_value(t, value_start)
                i = _line_end(t, value_end)
                sections[-1].entries.append(_Entry(key, line_start, j, value_start, value_end, i))
    except IndexError:
        raise _LayoutError("unexpected end of text") from None
    return sections, comments


class _Layout:
    def __init__(self, text: str) -> None:
        self.text = text
        self.sections, self.comments = _scan(text)

    def table(self, path: tuple[str, ...]) -> _Section | None:
        return next((s for s in self.sections if s.path == path and not s.is_array), None)

    def entries(self) -> Iterable[tuple[_Section, _Entry, tuple[str, ...]]]:
        """Every key outside arrays of tables, with its full path."""
        for s in self.sections:
            if not s.is_array:
                for e in s.entries:
                    yield s, e, s.path + e.key

    def index_tables(self) -> list[tuple[_Section, object]]:
        """The [[tool.uv.index]] tables with their names."""
        found = []
        for s in self.sections:
            if s.is_array and s.path == ("tool", "uv", "index"):
                name = next((self.value(e) for e in s.entries if e.key == ("name",)), None)
                found.append((s, name))
        return found

    def value(self, entry: _Entry) -> object:
        return _loads("v = " + self.text[entry.value_start : entry.value_end])["v"]


# --- rendering values -----------------------------------------------------------------------


_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_TO_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _toml_str(s: str) -> str:
    """A TOML basic string, escaped as tomlkit escapes it (without importing tomlkit)."""
    return '"' + _TO_ESCAPE.sub(lambda m: _ESCAPES.get(m[0], f"\\u{ord(m[0]):04x}"), s) + '"'


def _key_text(key: Iterable[str]) -> str:
    return ".".join(k if _BARE.fullmatch(k) else _toml_str(k) for k in key)


def _inline(value: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{_key_text([k])} = {_render(v, '')}" for k, v in value.items()) + " }"


def _render(value: object, indent: str, depth: int = 1) -> str:
    """A value in the style uv writes: arrays one item per line, inline tables with spaces."""
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return _inline(value)
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = indent * depth
        items = "".join(f"{inner}{_render(v, indent, depth + 1)},\n" for v in value)
        return "[\n" + items + indent * (depth - 1) + "]"
    raise TypeError(f"cannot render {value!r}")


def _indent_unit(text: str) -> str:
    """The indentation the file's multi-line arrays use; uv's four spaces when there are none."""
    for m in re.finditer(r"^([ \t]*)[^\n#]*=[ \t]*\[[ \t]*\r?\n([ \t]+)[^\s\]#]", text, re.M):
        key_indent, item_indent = m.groups()
        if item_indent.startswith(key_indent) and len(item_indent) > len(key_indent):
            return item_indent[len(key_indent) :]
    return "    "


def _inline_table() -> Any:
    import tomlkit

    return tomlkit.inline_table()


def _item(value_text: str) -> Any:
    """A tomlkit item that keeps the formatting of its text."""
    import tomlkit

    return tomlkit.parse("v = " + value_text)["v"]


def _edit_value_text(old: str, edit: Callable[[Any], None]) -> str:
    """Edit a value's text with tomlkit, which keeps comments and layout inside arrays."""
    import tomlkit

    doc = tomlkit.parse("v = " + old + "\n")
    edit(doc["v"])
    new = doc.as_string()
    if not (new.startswith("v = ") and new.endswith("\n")):
        raise _LayoutError("tomlkit changed the layout around a value")
    return new[len("v = ") : -1]


# --- requirements ---------------------------------------------------------------------------


# The distribution name that starts a PEP 508 requirement, and what may follow it.
_REQUIREMENT_NAME = re.compile(
    r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?=[\[(<>=!~;@]|$)"
)


def _name_of(requirement: str) -> str:
    """The canonical name a requirement is for (packaging parses what the pattern does not
    take, and raises InvalidRequirement for what is not a requirement)."""
    found = _REQUIREMENT_NAME.match(requirement)
    if found is not None:
        return canonical_name(found[1])
    from packaging.requirements import Requirement

    return canonical_name(Requirement(requirement).name)


def _same_requirement(a: str, b: str) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(a) == Requirement(b)
    except InvalidRequirement:
        return a == b


def _is_torch_family(name: str) -> bool:
    name = canonical_name(name)
    return name in TORCH_FAMILY or name.startswith(TRITON_PREFIX)


@dataclass(frozen=True)
class _Merge:
    """The new requirement list, and for each old entry what takes its place."""

    result: list[str]
    replaced: list[list[str]]  # one list per old entry: [old] kept, [] removed, else new
    appended: list[str]


def _merge_requirements(old: list[str], planned: Iterable[str], owned: set[str]) -> _Merge:
    """Owned packages' entries are replaced in place, pairwise in order; others stay."""
    wanted: dict[str, list[str]] = {}
    for r in planned:
        wanted.setdefault(_name_of(r), []).append(r)
    last_old: dict[str, int] = {}
    for i, r in enumerate(old):
        last_old[_name_of(r)] = i
    used: dict[str, int] = {}
    replaced: list[list[str]] = []
    for i, r in enumerate(old):
        name = _name_of(r)
        if name not in owned:
            replaced.append([r])
            continue
        mine = wanted.get(name, [])
        n = used.get(name, 0)
        here = mine[n : n + 1]
        if last_old[name] == i:
            here = mine[n:]
        used[name] = n + len(here)
        if here:
            here = [_with_kept_parts(h, r) for h in here]
        if here and _same_requirement(here[0], r):
            here = [r, *here[1:]]
        replaced.append(here)
    appended = [r for name, rs in wanted.items() if name not in last_old for r in rs]
    return _Merge([r for rs in replaced for r in rs] + appended, replaced, appended)


def extras_holding(
    data: Mapping[str, Any], planned: Iterable[str], wizard_extras: set[str] | None = None
) -> dict[str, list[str]]:
    """Planned packages that [project].dependencies lacks but the person's own extras name:
    package -> those extras. Such a package stays optional (`torchvision` only in a `vision`
    extra is not made required); its range is updated where it is."""
    if wizard_extras is None:
        wizard_extras = _wizard_extras(data)
    project = data.get("project", {})
    if not isinstance(project, dict):
        return {}
    deps = project.get("dependencies", [])
    required = {_name_of(r) for r in deps if isinstance(r, str)}
    found: dict[str, list[str]] = {}
    extras = project.get("optional-dependencies", {})
    for name in (_name_of(r) for r in planned):
        if name in required:
            continue
        for key, reqs in extras.items() if isinstance(extras, dict) else ():
            if canonical_name(key) in wizard_extras or not isinstance(reqs, list):
                continue
            if any(isinstance(r, str) and _name_of(r) == name for r in reqs):
                found.setdefault(name, []).append(key)
    return found


def groups_holding(
    data: Mapping[str, Any], planned: Iterable[str], in_extras: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """Planned packages that neither [project].dependencies nor the person's extras name but
    a [dependency-groups] group does: package -> those groups. Such a package stays in its
    group (torch only in an `ml` group is not made required); its range is updated there.
    uv applies [tool.uv.sources] to groups too."""
    project = data.get("project", {})
    groups = data.get("dependency-groups", {})
    if not isinstance(project, dict) or not isinstance(groups, dict):
        return {}
    required = {_name_of(r) for r in project.get("dependencies", []) if isinstance(r, str)}
    found: dict[str, list[str]] = {}
    for name in (_name_of(r) for r in planned):
        if name in required or name in in_extras:
            continue
        for key, reqs in groups.items():
            if isinstance(reqs, list) and any(
                isinstance(r, str) and _name_of(r) == name for r in reqs
            ):
                found.setdefault(name, []).append(key)
    return found


def _with_kept_parts(new: str, old: str) -> str:
    """The wizard's requirement with the extras and the marker the person's own one had:
    `torch[opt-einsum] ; python_version >= '3.11'` keeps both when its range is replaced. A
    wizard requirement with a platform marker of its own (an exact pin per target) gets the
    person's marker beside it: `... ; python_version >= '3.11' and (sys_platform == ...)`."""
    parts = _kept_parts(old)
    if parts is None:
        return new
    extras, marker = parts
    found = _REQUIREMENT_NAME.match(new)
    if found is None or "[" in new or "@" in new:
        return new  # the wizard's own requirement already has them (or is a URL)
    text, _, ours = new.partition(";")
    text, ours = text.rstrip(), ours.strip()
    if extras:
        text = text[: found.end(1)] + "[" + ",".join(extras) + "]" + text[found.end(1) :]
    # The targets decide the platforms: the person's platform conditions give way to them.
    marker = without_platform_parts(marker) if marker else None
    if ours and marker:
        own = f"({marker})" if _top_level_or(marker) else marker
        marker = f"{own} and ({ours})"
    elif ours:
        marker = ours
    return f"{text} ; {marker}" if marker else text


def _top_level_or(marker: str) -> bool:
    """Whether `or` joins parts of the marker outside parentheses (and binds looser than an
    `and` put after it)."""
    depth, quote = 0, ""
    for i, ch in enumerate(marker):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif depth == 0 and marker.startswith(" or ", i):
            return True
    return False


_PLATFORM_VARIABLES = {"sys_platform", "platform_machine", "platform_system", "os_name"}
_MARKER_VARIABLE = re.compile(
    r"\b(python_version|python_full_version|sys_platform|platform_machine|platform_system|"
    r"os_name|platform_release|platform_version|platform_python_implementation|"
    r"implementation_name|implementation_version|extra|dependency_groups)\b"
)


def without_platform_parts(marker: str) -> str | None:
    """A marker without its `and`-ed parts that name only the platform (those are the
    wizard's per target): "python_version >= '3.11' and (sys_platform == 'linux')" ->
    "python_version >= '3.11'"; None when nothing else is left. A marker that `or` joins at
    the top is one part."""
    if _top_level_or(marker):
        return None if _platform_only(marker) else marker.strip()
    conjuncts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(marker):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and marker.startswith(" and ", i):
            conjuncts.append(marker[start:i])
            start = i + 5
    conjuncts.append(marker[start:])
    kept = [c.strip() for c in conjuncts if not _platform_only(c)]
    return " and ".join(kept) or None


def dropped_conditions(
    data: Mapping[str, Any], owned: Iterable[str], planned: Iterable[str]
) -> list[str]:
    """The platform conditions the person put on packages the plan owns, which a rewrite
    drops (the targets decide the platforms): "`torch ; platform_system != 'Darwin'` (in the
    extra train)". Markers the `planned` requirements have (an earlier run's) are not."""
    written = " ".join(planned)
    project = data.get("project", {})
    if not isinstance(project, dict):
        return []
    names = {canonical_name(n) for n in owned}
    lists = [("", project.get("dependencies", []))]
    extras = project.get("optional-dependencies", {})
    lists += (
        [(f" (in the extra {k})", v) for k, v in extras.items()] if isinstance(extras, dict) else []
    )
    found = []
    for where, reqs in lists:
        for req in reqs if isinstance(reqs, list) else []:
            parts = _kept_parts(req) if isinstance(req, str) and _name_of(req) in names else None
            marker = parts[1] if parts else None
            if (
                marker
                and without_platform_parts(marker) != marker.strip()
                and marker.strip() not in written
            ):
                found.append(f"`{_name_of(req)} ; {marker}`{where}")
    return found


def _platform_only(marker: str) -> bool:
    strings = re.sub(r"'[^']*'|\"[^\"]*\"", "", marker)
    names = set(_MARKER_VARIABLE.findall(strings))
    return bool(names) and names <= _PLATFORM_VARIABLES


def _kept_parts(requirement: str) -> tuple[tuple[str, ...], str | None] | None:
    """The extras and marker of a requirement the wizard would rewrite (None: none, or not a
    version requirement)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(requirement)
    except InvalidRequirement:
        return None
    if req.url or not (req.extras or req.marker):
        return None
    # The marker as the person wrote it (packaging would re-quote it).
    marker = requirement.split(";", 1)[1].strip() if req.marker else None
    return tuple(sorted(req.extras)), marker


def _set_requirements(path: tuple[str, ...], merge: _Merge, indent: str) -> _SetValue:
    """Set a requirement list to the merge's result, keeping the old array's layout."""
    return _SetValue(
        path, merge.result, _render(merge.result, indent), _merged_array_text(merge, indent)
    )


def _merged_array_text(merge: _Merge, indent: str) -> Callable[[str], str]:
    """An edit of the old array's text that keeps its layout, its comments and kept entries."""

    def edit(old_text: str) -> str:
        # An empty array has no layout to keep (and needs no tomlkit: a new project's case).
        if not merge.replaced and "#" not in old_text and not _loads("v = " + old_text)["v"]:
            return _render(merge.result, indent)
        old_items = _item(old_text)
        if len(old_items) != len(merge.replaced) or not (old_items or "#" in old_text):
            return _render(merge.result, indent)
        if not merge.result and "#" not in old_text:
            return "[]"

        def apply(array: Any) -> None:
            for i in reversed(range(len(merge.replaced))):
                here = merge.replaced[i]
                if here == [array[i]]:
                    continue
                if not here:
                    del array[i]
                    continue
                if here[0] != array[i]:
                    array[i] = here[0]
                for k, r in enumerate(here[1:]):
                    array.insert(i + 1 + k, r)
            for r in merge.appended:
                array.append(r)

        return _edit_value_text(old_text, apply)

    return edit


# --- the edit, as operations on the data and on the text ------------------------------------


class _Op:
    def on_data(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def on_text(self, text: str) -> str:
        raise NotImplementedError


def _walk(data: dict[str, Any], path: tuple[str, ...], create: bool) -> dict[str, Any] | None:
    node = data
    for k in path:
        if k not in node:
            if not create:
                return None
            node[k] = {}
        node = node[k]
    return node


_SETUPTOOLS_BUILD = {"requires": ["setuptools>=61"], "build-backend": "setuptools.build_meta"}


@dataclass
class _AddProject(_Op):
    """A minimal [project] table for a file that has none (with a setup.py project's name,
    version and a setuptools [build-system], when a migration read them)."""

    name: str
    requires_python: str
    version: str = "0.1.0"
    setuptools_build: bool = False
    dynamic: tuple[str, ...] = ()

    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "requires-python": self.requires_python,
            "dependencies": [],
        }
        if self.dynamic:
            fields["dynamic"] = list(self.dynamic)
        return fields

    def on_data(self, data: dict[str, Any]) -> None:
        data["project"] = self.fields()
        if self.setuptools_build and "build-system" not in data:
            data["build-system"] = dict(_SETUPTOOLS_BUILD)

    def on_text(self, text: str) -> str:
        table = "[project]\n" + "".join(
            f"{k} = {_render(v, '    ')}\n" for k, v in self.fields().items()
        )
        if self.setuptools_build and "[build-system]" not in text:
            table += (
                '\n[build-system]\nrequires = ["setuptools>=61"]\n'
                'build-backend = "setuptools.build_meta"\n'
            )
        if not text.strip():
            return table
        if _Layout(text).sections[0].entries:  # keys before any table: [project] goes last
            return _append_at_end(text, table)
        return table + "\n" + text


@dataclass
class _SetValue(_Op):
    """Set a key to a value (in the data and in the text)."""

    path: tuple[str, ...]
    value: Any
    text: str
    edit: Callable[[str], str] | None = None  # edits the old value's text instead

    def on_data(self, data: dict[str, Any]) -> None:
        node = _walk(data, self.path[:-1], create=True)
        assert node is not None
        node[self.path[-1]] = copy.deepcopy(self.value)

    def on_text(self, text: str) -> str:
        return _set_text(text, self.path, self.text, self.edit)


@dataclass
class _DeleteValue(_Op):
    """Remove a key (in the data and in the text)."""

    path: tuple[str, ...]

    def on_data(self, data: dict[str, Any]) -> None:
        node = _walk(data, self.path[:-1], create=False)
        if node is not None:
            node.pop(self.path[-1], None)

    def on_text(self, text: str) -> str:
        return _delete_text(text, self.path)


@dataclass
class _PruneTable(_Op):
    """Remove a table the edit emptied, unless comments are left in it."""

    path: tuple[str, ...]

    def on_data(self, data: dict[str, Any]) -> None:
        pass  # an empty table and no table read the same once normalised

    def on_text(self, text: str) -> str:
        layout = _Layout(text)
        section = layout.table(self.path)
        if section is None or section.entries:
            return text
        if any(section.body_start <= c < section.end for c, _ in layout.comments):
            return text
        if any(s.path[: len(self.path)] == self.path and s is not section for s in layout.sections):
            return text  # its sub-tables keep it
        return _remove_section(text, section)


@dataclass
class _RemoveIndex(_Op):
    """Remove one [[tool.uv.index]] table by its name."""

    name: str

    def on_data(self, data: dict[str, Any]) -> None:
        uv = _walk(data, ("tool", "uv"), create=False)
        if uv is not None and isinstance(uv.get("index"), list):
            uv["index"] = [i for i in uv["index"] if i.get("name") != self.name]
            if not uv["index"]:
                del uv["index"]

    def on_text(self, text: str) -> str:
        layout = _Layout(text)
        for section, name in reversed(layout.index_tables()):
            if name == self.name:
                text = _remove_section(text, section)
        if _inline_holder(_Layout(text), INDEX_PATH) is None:
            return text

        def drop(array: Any) -> None:
            for i in reversed(range(len(array))):
                if array[i].get("name") == self.name:
                    del array[i]

        return _edit_inline_array(text, INDEX_PATH, drop)


@dataclass
class _PutIndex(_Op):
    """Add an index, or update the name, url and explicit flag of the one with its name."""

    spec: IndexSpec
    exists: bool

    def fields(self) -> dict[str, Any]:
        f: dict[str, Any] = {"name": self.spec.name, "url": self.spec.url}
        if self.spec.explicit:
            f["explicit"] = True
        return f

    def on_data(self, data: dict[str, Any]) -> None:
        uv = _walk(data, ("tool", "uv"), create=True)
        assert uv is not None
        indexes = uv.setdefault("index", [])
        if not self.exists:
            indexes.append(self.fields())
        for i in indexes:
            if i.get("name") == self.spec.name:
                i.update(self.fields())
                if not self.spec.explicit:
                    i.pop("explicit", None)

    def on_text(self, text: str) -> str:
        layout = _Layout(text)
        tables = layout.index_tables()
        if _inline_holder(layout, INDEX_PATH) is not None:
            return _edit_inline_array(text, INDEX_PATH, self._edit_inline)
        if self.exists:
            for section, name in reversed(tables):
                if name == self.spec.name:
                    text = self._update_table(text, section)
            return text
        table = "[[tool.uv.index]]\n" + "".join(
            f"{k} = {_render(v, '')}\n" for k, v in self.fields().items()
        )
        if tables:
            return _insert_table_after(text, tables[-1][0], table)
        if any(full in (("tool",), ("tool", "uv")) for _, _, full in layout.entries()):
            # tool.uv is an inline table: the index goes inside it
            return _set_text(text, INDEX_PATH, f"[{_inline(self.fields())}]", None)
        return _append_at_end(text, table)

    def _update_table(self, text: str, section: _Section) -> str:
        fields = self.fields()
        for key in ("name", "url", "explicit"):
            layout = _Layout(text)
            current = next(s for s in layout.sections if s.is_array and s.start == section.start)
            entry = next((e for e in current.entries if e.key == (key,)), None)
            if key not in fields:
                if entry is not None:
                    text = _cut(text, entry.start, entry.end)
            elif entry is None:
                text = _insert_entry(text, current, (key,), _render(fields[key], ""))
            elif layout.value(entry) != fields[key]:
                text = (
                    text[: entry.value_start] + _render(fields[key], "") + text[entry.value_end :]
                )
        return text

    def _edit_inline(self, array: Any) -> None:
        fields = self.fields()
        if not self.exists:
            array.append(_item(_inline(fields)))
            return
        for i in range(len(array)):
            if array[i].get("name") == self.spec.name:
                table = array[i]
                for k, v in fields.items():
                    if table.get(k) != v:
                        table[k] = v
                if not self.spec.explicit and "explicit" in table:
                    del table["explicit"]


# --- text surgery ---------------------------------------------------------------------------


def _cut(text: str, start: int, end: int) -> str:
    """Remove text[start:end] together with any wizard comment lines right above it."""
    while start > 0:
        above = text.rfind("\n", 0, start - 1) + 1
        if not text[above:start].lstrip().startswith(ANNOTATION):
            break
        start = above
    return text[:start] + text[end:]


def _append_at_end(text: str, table: str) -> str:
    if not text:
        return table
    if not text.endswith("\n"):
        text += "\n"
    if not text.endswith("\n\n"):
        text += "\n"
    return text + table


def _insert_table_after(text: str, section: _Section, table: str) -> str:
    """Put a new table right after a section's last key, before comments of what follows."""
    at = section.entries[-1].end if section.entries else section.body_start
    before = "" if text[:at].endswith("\n") else "\n"
    after = "" if at >= len(text) or text[at] == "\n" else "\n"
    return text[:at] + before + "\n" + table + after + text[at:]


def _insert_table_before(text: str, section: _Section, table: str) -> str:
    at = section.start
    while at > 0:  # the comment lines right above a header belong to it
        above = text.rfind("\n", 0, at - 1) + 1
        if not text[above:at].lstrip().startswith("#"):
            break
        at = above
    before = "" if at == 0 or text[:at].endswith("\n\n") else "\n"
    return text[:at] + before + table + "\n" + text[at:]


def _insert_entry(text: str, section: _Section, key: tuple[str, ...], value_text: str) -> str:
    if section.entries:
        last = section.entries[-1]
        indent = text[last.start : last.key_start]
        at = last.end
    else:
        indent, at = "", section.body_start
    before = "" if at == 0 or text[:at].endswith("\n") else "\n"
    return text[:at] + before + f"{indent}{_key_text(key)} = {value_text}\n" + text[at:]


def _remove_section(text: str, section: _Section) -> str:
    """Remove a table: its header and keys, but not the comments after its last key."""
    start = section.start
    end = section.entries[-1].end if section.entries else section.body_start
    if start == 0 or text[:start].endswith("\n\n"):
        while end < len(text) and text[end] == "\n":  # the blank lines after it go too
            end = _line_end(text, end)
    at_end = end >= len(text)
    text = _cut(text, start, end)
    if at_end:  # no blank lines left dangling at the end of the file
        text = text.rstrip("\n") + "\n" if text.strip() else ""
    return text


def _inline_holder(layout: _Layout, path: tuple[str, ...]) -> tuple[_Entry, tuple[str, ...]] | None:
    """The key whose value holds `path` (as itself or inside inline tables), and the rest."""
    for _, entry, full in layout.entries():
        rest = path[len(full) :]
        if full == path[: len(full)] and _contains(layout.value(entry), rest):
            return entry, rest
    return None


def _edit_inline_array(text: str, path: tuple[str, ...], edit: Callable[[Any], None]) -> str:
    """Edit an array written inline; an array left empty is removed."""
    found = _inline_holder(_Layout(text), path)
    assert found is not None
    entry, rest = found

    def change(node: Any) -> None:
        parents = [node]
        for k in rest:
            parents.append(parents[-1][k])
        edit(parents[-1])
        if rest and len(parents[-1]) == 0:
            del parents[-2][rest[-1]]

    new = _edit_value_text(text[entry.value_start : entry.value_end], change)
    if not rest and len(_item(new)) == 0:
        return _cut(text, entry.start, entry.end)
    return text[: entry.value_start] + new + text[entry.value_end :]


def _set_text(
    text: str, path: tuple[str, ...], value_text: str, edit: Callable[[str], str] | None
) -> str:
    """Set a key wherever it is written, or add it to its table (made when missing)."""
    layout = _Layout(text)
    for _, entry, full in layout.entries():
        old = text[entry.value_start : entry.value_end]
        if full == path:
            new = edit(old) if edit is not None else value_text
            return text[: entry.value_start] + new + text[entry.value_end :]
        if full == path[: len(full)]:  # inside an inline table

            def put(node: Any, rest: tuple[str, ...] = path[len(full) :]) -> None:
                for k in rest[:-1]:
                    if k not in node:
                        node[k] = _inline_table()
                    node = node[k]
                node[rest[-1]] = _item(value_text)

            return text[: entry.value_start] + _edit_value_text(old, put) + text[entry.value_end :]
    if _has_descendants(layout, path):
        text = _delete_text(text, path)
        layout = _Layout(text)
    parent = path[:-1]
    section = layout.table(parent)
    if section is not None:
        return _insert_entry(text, section, path[-1:], value_text)
    siblings = [
        (s, e)
        for s, e, full in layout.entries()
        if full[: len(parent)] == parent and len(s.path) < len(parent)
    ]
    if siblings:  # the parent table is written with dotted keys: add one more
        s, e = siblings[-1]
        key = e.key[: len(parent) - len(s.path)] + path[-1:]
        return _insert_entry(text, _Section(s.path, False, 0, 0, 0, [e]), key, value_text)
    table = f"[{_key_text(parent)}]\n{_key_text(path[-1:])} = {value_text}\n"
    return _insert_new_table(text, layout, parent, table)


def _has_descendants(layout: _Layout, path: tuple[str, ...]) -> bool:
    return any(
        len(full) > len(path) and full[: len(path)] == path for _, _, full in layout.entries()
    ) or any(s.path[: len(path)] == path for s in layout.sections)


def _delete_text(text: str, path: tuple[str, ...]) -> str:
    """Remove a key wherever it is written: as a key, inside an inline table, or as tables."""
    while True:
        layout = _Layout(text)
        for _, entry, full in layout.entries():
            if full[: len(path)] == path:
                text = _cut(text, entry.start, entry.end)
                break
            rest = path[len(full) :]
            if full == path[: len(full)] and _contains(layout.value(entry), rest):

                def drop(node: Any, rest: tuple[str, ...] = rest) -> None:
                    for k in rest[:-1]:
                        node = node[k]
                    del node[rest[-1]]

                old = text[entry.value_start : entry.value_end]
                text = (
                    text[: entry.value_start]
                    + _edit_value_text(old, drop)
                    + text[entry.value_end :]
                )
                break
        else:
            tables = [s for s in layout.sections if s.path[: len(path)] == path]
            if not tables:
                return text
            text = _remove_section(text, tables[-1])


def _contains(value: object, path: tuple[str, ...]) -> bool:
    for k in path:
        if not isinstance(value, dict) or k not in value:
            return False
        value = value[k]
    return True


def _insert_new_table(text: str, layout: _Layout, path: tuple[str, ...], table: str) -> str:
    """Place a new table where a person would look for it."""
    if path == ("project", "optional-dependencies"):
        project = layout.table(("project",))
        if project is not None:
            return _insert_table_after(text, project, table)
    if path == ("dependency-groups",):
        project_tables = [s for s in layout.sections if s.path[:1] == ("project",)]
        if project_tables:
            return _insert_table_after(text, project_tables[-1], table)
    if path == ("tool", "uv"):
        below = [s for s in layout.sections if s.path[:2] == path and len(s.path) > 2]
        if below:
            return _insert_table_before(text, below[0], table)
    if path == ("tool", "uv", "sources"):
        uv = layout.table(("tool", "uv"))
        if uv is not None:
            return _insert_table_after(text, uv, table)
    return _append_at_end(text, table)


# --- from a Plan to operations --------------------------------------------------------------


def _project_name(folder_name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", folder_name).strip("-._")
    return canonical_name(name) if name else "project"


def _source_value(entries: tuple[SourceEntry, ...]) -> dict[str, str] | list[dict[str, str]]:
    values = [
        {k: v for k, v in (("index", e.index), ("marker", e.marker), ("extra", e.extra)) if v}
        for e in entries
    ]
    return values[0] if len(values) == 1 else values


def own_extras_named(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, list[str]]:
    """The person's own extras (not builds: an earlier run's, or any extra a torch source
    names, numpy beside torch in it or not) that have one of these names: extra -> the
    packages it holds besides the torch family."""
    extras = data.get("project", {}).get("optional-dependencies", {})
    if not isinstance(extras, dict):
        return {}
    wanted = {canonical_name(n) for n in names}
    torch_sources = _source_entries(_uv(data).get("sources", {}).get("torch"))
    wizards = _wizard_extras(data) | {
        canonical_name(str(e["extra"])) for e in torch_sources if "extra" in e
    }
    return {
        key: [_name_of(r) for r in reqs if not _is_torch_family(_name_of(r))]
        for key, reqs in extras.items()
        if canonical_name(key) in wanted - wizards
        and isinstance(reqs, list)
        and any(isinstance(r, str) and not _is_torch_family(_name_of(r)) for r in reqs)
    }


def _conflict_extras(data: Mapping[str, Any]) -> set[str]:
    """Extras that a tool.uv.conflicts group names."""
    found: set[str] = set()
    for group in _uv(data).get("conflicts", []):
        for item in group if isinstance(group, list) else []:
            if isinstance(item, dict) and isinstance(item.get("extra"), str):
                found.add(canonical_name(item["extra"]))
    return found


def _uv(data: Mapping[str, Any]) -> dict[str, Any]:
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return uv if isinstance(uv, dict) else {}


def _kept_range_ops(
    path: tuple[str, ...],
    table: Mapping[str, Any],
    holding: Mapping[str, list[str]],
    plan: Plan,
    owned: set[str],
    indent: str,
) -> list[_Op]:
    """The new ranges of planned packages in the lists of `table` that hold them (the
    person's extras or dependency groups), each list edited in place."""
    ops: list[_Op] = []
    for key in dict.fromkeys(k for keys in holding.values() for k in keys):
        old = list(table[key])
        names = {_name_of(r) for r in old if isinstance(r, str)}
        kept = [r for r in plan.dependencies if _name_of(r) in names and _name_of(r) in holding]
        merge = _merge_requirements(old, kept, owned & names)
        if merge.result != old:
            ops.append(_set_requirements(path + (key,), merge, indent))
    return ops


def _wizard_extras(data: Mapping[str, Any]) -> set[str]:
    """Extras an earlier run wrote: only torch-family packages, and named in conflicts."""
    extras = data.get("project", {}).get("optional-dependencies", {})
    named = _conflict_extras(data)
    return {
        canonical_name(k)
        for k, reqs in extras.items()
        if reqs and all(_is_torch_family(_name_of(r)) for r in reqs) and canonical_name(k) in named
    }


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def _operations(
    data: Mapping[str, Any], plan: Plan, folder_name: str, python: str, indent: str
) -> list[_Op]:
    ops: list[_Op] = []
    owned: set[str] = {canonical_name(p) for p in plan.owned_packages}
    owned |= {_name_of(r) for r in plan.dependencies}
    owned |= {_name_of(r) for rs in plan.optional_dependencies.values() for r in rs}
    owned |= {canonical_name(p) for p in plan.sources}

    project = data.get("project")
    if project is None:
        # A new file gets a [project] table; an existing one only when the plan puts something
        # in it (a virtual workspace root keeps having none).
        fills = plan.dependencies or plan.optional_dependencies or plan.additions.dependencies
        if not data or fills:
            add = plan.additions
            ops.append(
                _AddProject(
                    _project_name(add.project_name or folder_name),
                    plan.requires_python or python,
                    add.project_version or "0.1.0",
                    add.setuptools_build,
                    add.project_dynamic,
                )
            )
        project = {"dependencies": []}
    elif plan.requires_python and project.get("requires-python") != plan.requires_python:
        ops.append(
            _SetValue(
                ("project", "requires-python"),
                plan.requires_python,
                _toml_str(plan.requires_python),
            )
        )

    old_deps = list(project.get("dependencies", []))
    extras: dict[str, list[str]] = dict(project.get("optional-dependencies", {}))
    wizard_extras = _wizard_extras(data)
    in_extras = extras_holding({**data, "project": project}, plan.dependencies, wizard_extras)
    in_groups = groups_holding({**data, "project": project}, plan.dependencies, in_extras)
    held = in_extras.keys() | in_groups.keys()
    required = [r for r in plan.dependencies if _name_of(r) not in held]
    parts = plan.additions.torch_parts
    if parts:  # a migration's torch lines had extras or markers of their own
        present = {_name_of(r) for r in old_deps if isinstance(r, str)}
        required = [
            _with_kept_parts(r, parts[_name_of(r)])
            if _name_of(r) in parts and _name_of(r) not in present
            else r
            for r in required
        ]
    merge = _with_additions(
        _merge_requirements(old_deps, required, owned), plan.additions.dependencies, owned
    )
    if merge.result != old_deps:
        ops.append(_set_requirements(("project", "dependencies"), merge, indent))

    # [project.optional-dependencies]
    by_name = {canonical_name(k): k for k in extras}
    planned = {canonical_name(k) for k in plan.optional_dependencies}
    extras_path = ("project", "optional-dependencies")
    # The person's own extras and groups that name a planned package get its new range there.
    ops += _kept_range_ops(extras_path, extras, in_extras, plan, owned, indent)
    groups = data.get("dependency-groups", {}) if in_groups else {}
    ops += _kept_range_ops(("dependency-groups",), groups, in_groups, plan, owned, indent)
    # Selectable builds move torch out of [project].dependencies: its own extras and marker
    # (torch[opt-einsum] ; python_version >= '3.11') go with it into each build's extra.
    left = {_name_of(r) for r in required}
    moving = {
        _name_of(r): r
        for r in old_deps
        if isinstance(r, str) and _name_of(r) in owned - left and _kept_parts(r) is not None
    }
    for name, reqs in plan.optional_dependencies.items():
        key = by_name.get(canonical_name(name), name)
        old = list(extras.get(key, []))
        there = {_name_of(r) for r in old if isinstance(r, str)}
        reqs = tuple(
            _with_kept_parts(r, moving[_name_of(r)])
            if _name_of(r) in moving and _name_of(r) not in there
            else r
            for r in reqs
        )
        mine = owned | (
            {_name_of(r) for r in old} if canonical_name(key) in wizard_extras else set()
        )
        merge = _merge_requirements(old, reqs, mine)
        if key not in extras or merge.result != old:
            ops.append(_set_requirements(extras_path + (key,), merge, indent))
    stale = [k for k in extras if canonical_name(k) in wizard_extras - planned]
    ops += [_DeleteValue(extras_path + (k,)) for k in stale]
    if stale:
        ops.append(_PruneTable(extras_path))

    # [tool.uv] keys
    uv = _uv(data)
    uv_ops = _uv_key_values(uv, plan, wizard_extras | planned)
    for key, value in uv_ops.items():
        path = ("tool", "uv", key)
        if value is None:
            ops.append(_DeleteValue(path))
        else:
            ops.append(_SetValue(path, value, _render(value, indent)))

    # [tool.uv.sources]
    sources: dict[str, Any] = dict(uv.get("sources", {}))
    keys_of: dict[str, list[str]] = {}
    for k in sources:
        keys_of.setdefault(canonical_name(k), []).append(k)
    deleted_source = False
    wanted: dict[str, tuple[str, tuple[SourceEntry, ...]]] = {
        canonical_name(k): (k, v) for k, v in plan.sources.items() if v
    }
    for name in [*wanted, *sorted(owned - set(wanted))]:
        keys = keys_of.get(name, [])
        if name in wanted:
            key, entries = wanted[name]
            value = _source_value(entries)
            if not keys or sources[keys[0]] != value:
                ops.append(
                    _SetValue(
                        ("tool", "uv", "sources", keys[0] if keys else key),
                        value,
                        _render(value, indent),
                    )
                )
            keys = keys[1:]
        ops += [_DeleteValue(("tool", "uv", "sources", k)) for k in keys]
        deleted_source = deleted_source or bool(keys)
    if deleted_source:
        ops.append(_PruneTable(("tool", "uv", "sources")))

    # [[tool.uv.index]]
    names = {i.name for i in plan.indexes}
    existing = {i.get("name"): i for i in uv.get("index", [])}
    for name in existing:
        if isinstance(name, str) and name.startswith("pytorch-") and name not in names:
            ops.append(_RemoveIndex(name))
    for spec in plan.indexes:
        old_index = existing.get(spec.name)
        if old_index is None:
            ops.append(_PutIndex(spec, exists=False))
        elif old_index.get("url") != spec.url or bool(old_index.get("explicit")) != spec.explicit:
            ops.append(_PutIndex(spec, exists=True))
    ops += _addition_ops(data, plan, indent)
    if any(isinstance(op, _DeleteValue) and op.path[:2] == ("tool", "uv") for op in ops):
        ops.append(_PruneTable(("tool", "uv")))
    return ops


def _with_additions(merge: _Merge, additions: Iterable[str], owned: set[str]) -> _Merge:
    """A migration's requirements appended, for the packages the list does not name yet."""
    present = {_name_of(r) for r in merge.result} | owned
    new = [r for r in additions if _name_of(r) not in present]
    if not new:
        return merge
    return _Merge(merge.result + new, merge.replaced, merge.appended + new)


def requirement_names(items: Iterable[object]) -> set[str]:
    """The packages a list of requirements names (what is not a requirement, such as a group's
    {include-group = ...} table, names none)."""
    from packaging.requirements import InvalidRequirement

    names = set()
    for item in items:
        if isinstance(item, str):
            try:
                names.add(_name_of(item))
            except InvalidRequirement:
                continue
    return names


def _addition_ops(data: Mapping[str, Any], plan: Plan, indent: str) -> list[_Op]:
    """A migration's dependency groups and indexes, for what the file does not have yet.

    A group that exists gets only the packages it does not name; an index that exists by name
    or by URL is left as it is. Applying the same additions again changes nothing.
    """
    ops: list[_Op] = []
    groups = data.get("dependency-groups", {})
    if plan.additions.groups and not isinstance(groups, dict):
        raise _not_groups()
    keys = {canonical_name(k): k for k in groups} if isinstance(groups, dict) else {}
    for name, reqs in plan.additions.groups.items():
        key = keys.get(canonical_name(name))
        if key is not None and not isinstance(groups[key], list):
            raise _not_groups()
        if key is None:
            value = list(dict.fromkeys(reqs))
            ops.append(_SetValue(("dependency-groups", name), value, _render(value, indent)))
            continue
        old = list(groups[key])
        present = requirement_names(old)
        new = [r for r in dict.fromkeys(reqs) if _name_of(r) not in present]
        if new:
            merge = _Merge(old + new, [[r] for r in old], new)
            ops.append(_set_requirements(("dependency-groups", key), merge, indent))
    indexes = [i for i in _uv(data).get("index", []) if isinstance(i, dict)]
    names = {i.get("name") for i in indexes} | {i.name for i in plan.indexes}
    urls = {str(i.get("url", "")).rstrip("/") for i in indexes}
    for spec in plan.additions.indexes:
        if spec.name in names or spec.url.rstrip("/") in urls:
            continue
        names.add(spec.name)
        urls.add(spec.url.rstrip("/"))
        ops.append(_PutIndex(spec, exists=False))
    return ops


def _not_groups() -> BadInput:
    return BadInput(
        "[dependency-groups] in pyproject.toml is not a table of lists, so the migrated "
        "development requirements cannot be added to it.",
        "Fix pyproject.toml, then run torch-wizard again.",
    )


def _uv_key_values(uv: Mapping[str, Any], plan: Plan, our_extras: set[str]) -> dict[str, Any]:
    """The tool.uv keys to set (a value) or remove (None); unchanged ones are left out."""
    changes: dict[str, Any] = {}
    for key, wanted in (
        ("environments", plan.environments),
        ("required-environments", plan.required_environments),
    ):
        if list(wanted) != _as_list(uv.get(key)) and (wanted or key in uv):
            changes[key] = list(wanted) or None

    def ours(group: object) -> bool:
        return (
            isinstance(group, list)
            and bool(group)
            and all(
                isinstance(i, dict)
                and set(i) == {"extra"}
                and isinstance(i["extra"], str)
                and canonical_name(i["extra"]) in our_extras
                for i in group
            )
        )

    old = list(uv.get("conflicts", []))
    new_groups = [[{"extra": e} for e in group] for group in plan.conflicts]
    conflicts: list[Any] = []
    placed = False
    for group in old:
        if not ours(group):
            conflicts.append(group)
        elif not placed:
            conflicts += new_groups
            placed = True
    if not placed:
        conflicts += new_groups
    if conflicts != old:
        changes["conflicts"] = conflicts or None

    # prerelease is the person's setting unless the plan needs one (it is never removed:
    # a hand-written `prerelease = "allow"` looks exactly like one the wizard would write).
    if plan.prerelease is not None and uv.get("prerelease") != plan.prerelease:
        changes["prerelease"] = plan.prerelease
    return changes


# --- annotations ----------------------------------------------------------------------------


def _platform_env(p: TargetPlatform) -> dict[str, str]:
    system = {"linux": "Linux", "macos": "Darwin", "windows": "Windows"}[p.os]
    return {
        "sys_platform": p.sys_platform,
        "platform_machine": p.platform_machine,
        "platform_system": system,
        "os_name": "nt" if p.os == "windows" else "posix",
    }


def _platforms_of(marker: object) -> list[TargetPlatform]:
    """The target platforms on which a marker is true (all of them for no marker)."""
    if marker is None:
        return list(PLATFORMS.values())
    if not isinstance(marker, str):
        return []
    from packaging.markers import InvalidMarker, Marker

    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return []
    return [p for p in PLATFORMS.values() if parsed.evaluate(_platform_env(p))]


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _describe_variant(variant: str) -> str:
    """'cu130' -> 'CUDA 13.0', in the words PyTorch's install page uses."""
    if m := re.fullmatch(r"cu(\d+)(\d)", variant):
        return f"CUDA {m.group(1)}.{m.group(2)}"
    if variant.startswith("rocm"):
        return "ROCm " + variant[4:]
    return {"cpu": "CPU-only", "xpu": "Intel GPU (XPU)"}.get(variant, variant)


def _annotations(plan: Plan) -> tuple[dict[str, str], dict[str, str]]:
    """The comment above each index table (by name) and above each tool.uv key."""
    index_notes: dict[str, str] = {}
    for spec in plan.indexes:
        parts = spec.url.rstrip("/").split("/")
        channel = f" {parts[-2]}" if len(parts) > 1 and parts[-2] in _CHANNELS else ""
        users = [e for es in plan.sources.values() for e in es if e.index == spec.name]
        extras = sorted({e.extra for e in users if e.extra})
        labels = [
            p.label
            for p in PLATFORMS.values()
            if any(e.marker and p in _platforms_of(e.marker) for e in users)
        ]
        who = ""
        if extras:
            who = f", for the extra{'s' if len(extras) > 1 else ''} {_words(extras)}"
        elif labels:
            who = f", for {_words(labels)}"
        note = f"PyTorch{channel} {_describe_variant(parts[-1])} builds{who}"
        index_notes[spec.name] = f"{ANNOTATION} {note}"
    key_notes: dict[str, str] = {}
    if plan.conflicts:
        extras = [e for group in plan.conflicts for e in group]
        key_notes["conflicts"] = (
            f"{ANNOTATION} the extras {_words(extras)} exclude each other; "
            f"choose one with `uv sync --extra {extras[0]}`"
        )
    for key, markers, what in (
        ("required-environments", plan.required_environments, "the lock must have wheels for"),
        ("environments", plan.environments, "lock only for"),
    ):
        labels = [p.label for p in PLATFORMS.values() if any(m == p.marker for m in markers)]
        if labels:
            key_notes[key] = f"{ANNOTATION} {what} {_words(labels)}"
    return index_notes, key_notes


def _annotate(text: str, plan: Plan) -> str:
    """Keep the wizard's comments true: add them (when asked), update them, drop orphans."""
    if not plan.annotate and ANNOTATION not in text:
        return text  # none to add, update or drop
    index_notes, key_notes = _annotations(plan)
    layout = _Layout(text)
    anchors: dict[int, str | None] = {}  # line start -> the comment it should have
    for section, name in layout.index_tables():
        anchors[section.start] = index_notes.get(name) if isinstance(name, str) else None
    uv = layout.table(("tool", "uv"))
    for entry in uv.entries if uv is not None else []:
        if entry.key in (("conflicts",), ("required-environments",), ("environments",)):
            anchors[entry.start] = key_notes.get(entry.key[0])
    edits: list[tuple[int, int, str]] = []
    noted: set[int] = set()
    for start, end in layout.comments:
        if not text[start:end].lstrip().startswith(ANNOTATION):
            continue
        if end not in anchors:
            edits.append((start, end, ""))  # an orphan of an earlier run
            continue
        noted.add(end)
        note = anchors[end]
        # kept even when annotate is off, but never left saying something false
        if note is not None and text[start:end] != _note_line(text, end, note):
            edits.append((start, end, _note_line(text, end, note)))
    if plan.annotate:
        for at, note in anchors.items():
            if note is not None and at not in noted:
                edits.append((at, at, _note_line(text, at, note)))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _note_line(text: str, anchor: int, note: str) -> str:
    indent = text[anchor : _skip_ws(text, anchor)]
    return f"{indent}{note}\n"


# --- render_plan ----------------------------------------------------------------------------


def _normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    """Data with the tables an edit may leave empty or remove treated alike."""
    out = copy.deepcopy(dict(data))
    for path in (
        ("project", "optional-dependencies"),
        ("tool", "uv", "sources"),
        ("tool", "uv"),
        ("tool",),
    ):
        parent = _walk(out, path[:-1], create=False)
        if parent is not None and parent.get(path[-1]) == {}:
            del parent[path[-1]]
    return out


def render_plan(
    project: ProjectFile, plan: Plan, folder_name: str, default_requires_python: str = ">=3.11"
) -> str:
    """The new pyproject.toml text: the old one with only the wizard's parts changed."""
    original = project.text
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    text = original.removeprefix(bom)
    crlf = "\r\n" in text and "\n" not in text.replace("\r\n", "")
    if crlf:
        text = text.replace("\r\n", "\n")
    data = copy.deepcopy(dict(project.data))
    dynamic = data.get("project", {}).get("dynamic", [])
    if plan.optional_dependencies and "optional-dependencies" in dynamic:
        raise BadInput(
            "pyproject.toml declares its optional dependencies as dynamic, so the wizard cannot "
            "write the variants as extras.",
            "Remove `optional-dependencies` from [project].dynamic, or choose one accelerator "
            "per platform instead of selectable variants.",
        )
    ops = _operations(data, plan, folder_name, default_requires_python, _indent_unit(text))
    try:
        for op in ops:
            op.on_data(data)
            text = op.on_text(text)
        if ops or plan.annotate or ANNOTATION in text:
            annotated = _annotate(text, plan)
            if _loads(annotated) == _loads(text):
                text = annotated
        result = _loads(text)
    except (_LayoutError, _TomlError) as e:
        raise _cannot_edit(str(e)) from None
    if _normalised(result) != _normalised(data):
        raise _cannot_edit("the edited file does not read back as planned")
    if crlf:
        text = text.replace("\n", "\r\n")
    return bom + text


def _cannot_edit(reason: str) -> BadInput:
    return BadInput(
        f"The wizard cannot edit this pyproject.toml safely ({reason}); nothing was written.",
        "Please report this with the file; meanwhile `--dry-run` shows the plan to copy by hand.",
    )


def unified_diff(old: str, new: str, path: str = "pyproject.toml") -> str:
    """The change as a unified diff, with CRLF shown as plain line ends."""
    old_lines = old.replace("\r\n", "\n").splitlines(keepends=True)
    new_lines = new.replace("\r\n", "\n").splitlines(keepends=True)
    out = []
    import difflib

    for line in difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# --- reading an existing setup back ---------------------------------------------------------


@dataclass(frozen=True)
class ExistingSetup:
    """The torch setup already in pyproject.toml, so that a re-run starts from it."""

    targets: tuple[TargetChoice, ...]
    variants: tuple[str, ...]
    torch_spec: str | None
    companions: tuple[str, ...]
    index_base: str | None
    channel: str
    lock_scope: str
    conflicts_found: tuple[str, ...]  # hand-written parts the wizard would overwrite
    own_index: tuple[str, str] | None = None  # (name, url): torch's hand-written index


@dataclass(frozen=True)
class _IndexUrl:
    """A PyTorch-style index URL taken apart: its base, channel and variant."""

    base: str
    channel: str
    variant: str


def _pytorch_index(url: object) -> _IndexUrl | None:
    """Split `<base>[/nightly|/test]/<variant>`; None for other indexes."""
    if not isinstance(url, str):
        return None
    parts = url.rstrip("/").split("/")
    if len(parts) < 2 or not VARIANT.match(parts[-1]):
        return None
    if parts[-2] in _CHANNELS:
        return _IndexUrl("/".join(parts[:-2]), parts[-2], parts[-1])
    return _IndexUrl("/".join(parts[:-1]), "stable", parts[-1])


_MARKER_MISTAKES = {
    ("sys_platform", "windows"): "Windows is 'win32'",
    ("sys_platform", "win"): "Windows is 'win32'",
    ("sys_platform", "win64"): "Windows is 'win32'",
    ("sys_platform", "macos"): "macOS is 'darwin'",
    ("sys_platform", "osx"): "macOS is 'darwin'",
    ("platform_system", "windows"): "it is 'Windows'",
    ("platform_system", "win32"): "it is 'Windows'",
    ("platform_system", "darwin"): "it is 'Darwin'",
    ("platform_system", "linux"): "it is 'Linux'",
}
_COMPARISON = re.compile(r"\b(sys_platform|platform_system)\s*==\s*(['\"])(.*?)\2")


def _marker_mistakes(marker: str) -> list[str]:
    found = []
    for m in _COMPARISON.finditer(marker):
        variable, value = m.group(1), m.group(3)
        # sys_platform values are lower case; platform_system's are capitalised
        why = _MARKER_MISTAKES.get(
            (variable, value.lower() if variable == "sys_platform" else value)
        )
        if why is not None:
            found.append(f"the marker {variable} == '{value}' is never true; {why}")
    return found


def _source_entries(value: object) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def read_existing_setup(project: ProjectFile) -> ExistingSetup | None:
    """Read back the torch setup in the file, written by the wizard or by hand."""
    data = project.data
    uv = _uv(data)
    proj = data.get("project", {})
    requirements = list(proj.get("dependencies", []))
    for reqs in proj.get("optional-dependencies", {}).values():
        requirements += reqs
    family = [r for r in requirements if _is_torch_family(_name_of(r))]
    sources: dict[str, list[dict[str, Any]]] = {
        canonical_name(k): _source_entries(v)
        for k, v in uv.get("sources", {}).items()
        if _is_torch_family(k)
    }
    urls = {i.get("name"): i.get("url") for i in uv.get("index", [])}
    torch_indexes = [u for n, u in urls.items() if isinstance(n, str) and n.startswith("pytorch-")]
    if not family and not sources and not torch_indexes:
        return None

    found: list[str] = []
    for name, entries in sources.items():
        for entry in entries:
            found += _source_problems(name, entry, urls)
    from packaging.requirements import Requirement

    for r in family:
        req = Requirement(r)
        if req.url:
            found.append(
                f"{req.name} is required from a direct URL ({req.url}); the wizard "
                "would replace it with a version from a PyTorch index."
            )

    main = sources.get("torch") or next(iter(sources.values()), [])
    marker_entries = [e for e in main if "extra" not in e]
    extra_entries = [e for e in main if "extra" in e]

    def variant_of(entry: Mapping[str, Any]) -> _IndexUrl | None:
        return _pytorch_index(urls.get(entry.get("index")))

    from wizard.plan import TargetChoice

    targets = _target_platforms(uv, main)
    # No torch source and no required-environments: nobody chose PyPI's build for these
    # platforms (the wizard writes required-environments for its targets); recommend. With
    # selectable builds only (sources per extra), no one build was chosen per platform either.
    unchosen = (not main and not _as_list(uv.get("required-environments"))) or (
        bool(extra_entries) and not marker_entries
    )
    choices = []
    for p in targets:
        backend = "auto" if unchosen else "default"
        chosen = next((e for e in marker_entries if p in _platforms_of(e.get("marker"))), None)
        if chosen is not None:
            parsed = variant_of(chosen)
            backend = parsed.variant if parsed is not None else "auto"
        choices.append(TargetChoice(p.name, backend))
    variants: list[str] = []
    for e in extra_entries:
        parsed = variant_of(e)
        v = parsed.variant if parsed is not None else str(e["extra"])
        if v not in variants:
            variants.append(v)

    used = [variant_of(e) for e in main] + [_pytorch_index(u) for u in torch_indexes]
    first = next((u for u in used if u is not None), None)
    if first is not None and first.channel != "stable":
        # PyPI has no test or nightly builds, so the wizard gives macOS the channel's cpu
        # index for PyPI's build: read back, that is PyPI's build (back on stable, PyPI's).
        choices = [
            TargetChoice(t.platform, "default")
            if t.platform.startswith("macos") and t.backend == "cpu"
            else t
            for t in choices
        ]
    torch_reqs = [r for r in requirements if _name_of(r) == "torch"]
    spec = _specifier_text(torch_reqs[0]) if torch_reqs else None
    present = {_name_of(r) for r in family} | set(sources)
    companions = tuple(c for c in TORCH_FAMILY if c != "torch" and c in present)
    return ExistingSetup(
        targets=tuple(choices),
        variants=tuple(variants),
        torch_spec=spec,
        companions=companions,
        index_base=first.base if first else None,
        channel=first.channel if first else "stable",
        lock_scope="targets" if _as_list(uv.get("environments")) else "all",
        conflicts_found=tuple(found),
        own_index=next(
            (
                (str(e["index"]), str(urls.get(e["index"], "")))
                for e in main
                if isinstance(e.get("index"), str) and not e["index"].startswith("pytorch-")
            ),
            None,
        ),
    )


def _target_platforms(uv: Mapping[str, Any], entries: list[dict[str, Any]]) -> list[TargetPlatform]:
    """required-environments, else environments, else the platforms the markers name."""
    markers: list[str | None] = [
        *(_as_list(uv.get("required-environments")) or _as_list(uv.get("environments")))
    ]
    if not markers:
        markers = [e["marker"] for e in entries if isinstance(e.get("marker"), str)]
        if any("marker" not in e for e in entries):
            # A source without a marker (uv's guide: `{ index = "pytorch-cu126", extra =
            # "cu126" }`) applies on every platform: a re-run keeps it there.
            markers.append(None)
    # In the file's order, so that a re-run writes the targets back exactly as they were.
    ordered: dict[str, TargetPlatform] = {}
    for m in markers:
        found = _platforms_of(m)
        # A broad marker (sys_platform == 'darwin') means the platforms that have current
        # wheels: macOS Intel (last wheels: torch 2.2) would hold every target back.
        current = [p for p in found if p.name not in _NO_CURRENT_WHEELS]
        for p in current or found:
            ordered.setdefault(p.name, p)
    return list(ordered.values())


_NO_CURRENT_WHEELS = ("macos-x86_64", "windows-arm64")


def persons_environments(uv: Mapping[str, Any]) -> list[str]:
    """tool.uv.environments as the person wrote it (the wizard writes one exact platform
    marker per target), [] when there is none or it is the wizard's."""
    markers = _as_list(uv.get("environments"))
    exact = {p.marker for p in PLATFORMS.values()}
    return markers if any(m not in exact for m in markers) else []


def _source_problems(
    name: str, entry: Mapping[str, Any], urls: Mapping[object, object]
) -> list[str]:
    where = f"The {name} source"
    problems = []
    for kind, words in (
        ("git", "a git repository"),
        ("path", "a local path"),
        ("url", "a direct URL"),
        ("workspace", "a workspace member"),
    ):
        if kind in entry:
            target = "" if entry[kind] is True else f" ({entry[kind]})"
            problems.append(
                f"{where} points at {words}{target}; the wizard would replace it "
                "with a PyTorch index."
            )
    index = entry.get("index")
    if isinstance(index, str):
        if index not in urls:
            problems.append(
                f"{where} names the index '{index}', which no [[tool.uv.index]] defines."
            )
        elif _pytorch_index(urls[index]) is None:
            problems.append(
                f"{where} uses the index '{index}' ({urls[index]}), which is not a "
                "PyTorch-style <base>/<variant> index; the wizard would replace it."
            )
    marker = entry.get("marker")
    if isinstance(marker, str):
        from packaging.markers import InvalidMarker, Marker

        try:
            Marker(marker)
        except InvalidMarker:
            problems.append(f"{where} has a marker that is not valid: {marker}.")
        for mistake in _marker_mistakes(marker):
            problems.append(f"In the {name} source, {mistake}.")
    return problems


def _specifier_text(requirement: str) -> str | None:
    """The version part as written ('>=2.15,<2.16'), without the name, extras and marker.

    A pin's local label goes too: `==2.14.0+cu130` is the torch version 2.14.0.
    """
    from packaging.requirements import Requirement

    req = Requirement(requirement)
    if req.url or not req.specifier:
        return None
    m = re.match(r"\s*[A-Za-z0-9._-]+\s*(\[[^\]]*\])?\s*\(?([^;@)]*)", requirement)
    spec = "".join(m.group(2).split()) if m else str(req.specifier)
    return re.sub(r"(==[^,+]+)\+[A-Za-z0-9.]+", r"\1", spec)


# --- writing --------------------------------------------------------------------------------


def write_atomically(path: Path, data: bytes) -> None:
    """Replace a file in one step (a reader never sees half a file), keeping its mode.

    A symlink stays a link: its target is replaced.
    """
    target = path.resolve() if path.is_symlink() else path
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    tmp = target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as e:
        raise _write_error(target, e) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        os.replace(tmp, target)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise _write_error(target, e) from None
    if os.name == "posix":  # make the rename itself durable
        try:
            dir_fd = os.open(target.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def _write_error(path: Path, e: OSError) -> BadInput | WorkFailed:
    reason = e.strerror or str(e)
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BadInput(
            f"Cannot write {path}: {reason}; nothing was changed.",
            "Check that the folder is writable, or use --dry-run to see the change.",
        )
    if e.errno == errno.ENOSPC:
        return WorkFailed(
            f"Cannot write {path}: the disk is full; nothing was changed.",
            "Free some space, then run torch-wizard again.",
        )
    return WorkFailed(
        f"Cannot write {path}: {reason}; nothing was changed.",
        "Run torch-wizard again once the problem is fixed.",
    )
