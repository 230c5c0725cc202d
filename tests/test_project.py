"""wizard.project: a Plan written into pyproject.toml, changing only what the wizard owns."""

from __future__ import annotations

import difflib
import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.errors import BadInput, WorkFailed
from wizard.plan import TORCH_FAMILY, IndexSpec, Plan, SourceEntry, TargetChoice
from wizard.platforms import PLATFORMS
from wizard.project import (
    ExistingSetup,
    ProjectFile,
    parse_project,
    read_existing_setup,
    read_project,
    render_plan,
    unified_diff,
    write_atomically,
)

FIXTURES = Path(__file__).parent / "fixtures" / "pyprojects"
BASE = "https://download.pytorch.org/whl"
LINUX, MAC, WIN = (PLATFORMS[n] for n in ("linux-x86_64", "macos-arm64", "windows-x86_64"))
OWNED = (*TORCH_FAMILY, "pytorch-triton-rocm", "pytorch-triton-xpu")


# --- plans, built the way wizard.plan will build them ---------------------------------------


def markers_plan(
    targets: dict[str, str],
    packages: tuple[str, ...] = ("torch",),
    torch: str = ">=2.15,<2.16",
    **extra: object,
) -> Plan:
    """One accelerator per platform; 'default' means PyPI's wheel (no source entry)."""
    specs = {"torch": torch, "torchvision": ">=0.30,<0.31", "torchaudio": ">=2.11"}
    chosen = [(PLATFORMS[p], b) for p, b in targets.items()]
    variants = list(dict.fromkeys(b for _, b in chosen if b != "default"))
    entries = tuple(
        SourceEntry(f"pytorch-{b}", marker=p.marker) for p, b in chosen if b != "default"
    )
    return Plan(
        dependencies=tuple(f"{p}{specs[p]}" for p in packages),
        indexes=tuple(IndexSpec(f"pytorch-{v}", f"{BASE}/{v}") for v in variants),
        sources={p: entries for p in packages} if entries else {},
        required_environments=tuple(p.marker for p, _ in chosen),
        owned_packages=OWNED,
        **extra,  # type: ignore[arg-type]
    )


def extras_plan(variants: tuple[str, ...], packages: tuple[str, ...] = ("torch",)) -> Plan:
    """Selectable variants: one extra per variant, and a conflicts group between them."""
    return Plan(
        dependencies=(),
        optional_dependencies={v: tuple(f"{p}>=2.15" for p in packages) for v in variants},
        indexes=tuple(IndexSpec(f"pytorch-{v}", f"{BASE}/{v}") for v in variants),
        sources={
            p: tuple(SourceEntry(f"pytorch-{v}", extra=v) for v in variants) for p in packages
        },
        conflicts=(variants,),
        owned_packages=OWNED,
    )


THREE_TARGETS = {"linux-x86_64": "cu130", "macos-arm64": "default", "windows-x86_64": "cpu"}


def apply(text: str, plan: Plan, folder: str = "demo") -> str:
    return render_plan(parse_project(Path(folder), text.encode()), plan, folder)


def removed_lines(old: str, new: str) -> list[str]:
    """The lines of `old` that are not in `new` (deleted or replaced)."""
    a, b = old.splitlines(), new.splitlines()
    opcodes = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    return [
        a[i] for tag, i1, i2, _, _ in opcodes if tag in ("replace", "delete") for i in range(i1, i2)
    ]


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


# --- new projects ---------------------------------------------------------------------------


def test_new_project_gets_a_minimal_project_table(tmp_path: Path) -> None:
    folder = tmp_path / "My Project!"
    folder.mkdir()
    project = read_project(folder)
    assert not project.exists and project.original is None
    plan = Plan(
        dependencies=("torch>=2.15,<2.16",),
        indexes=(IndexSpec("pytorch-cpu", f"{BASE}/cpu"),),
        sources={"torch": (SourceEntry("pytorch-cpu"),)},
        owned_packages=OWNED,
    )
    text = render_plan(project, plan, folder.name)
    assert text == (
        "[project]\n"
        'name = "my-project"\n'
        'version = "0.1.0"\n'
        'requires-python = ">=3.11"\n'
        "dependencies = [\n"
        '    "torch>=2.15,<2.16",\n'
        "]\n"
        "\n"
        "[tool.uv.sources]\n"
        'torch = { index = "pytorch-cpu" }\n'
        "\n"
        "[[tool.uv.index]]\n"
        'name = "pytorch-cpu"\n'
        'url = "https://download.pytorch.org/whl/cpu"\n'
        "explicit = true\n"
    )
    assert apply(text, plan, folder.name) == text


def test_new_project_takes_requires_python_from_the_plan_or_the_default(tmp_path: Path) -> None:
    plan = markers_plan({"linux-x86_64": "cpu"}, requires_python=">=3.12")
    data = tomllib.loads(render_plan(read_project(tmp_path), plan, "x"))
    assert data["project"]["requires-python"] == ">=3.12"
    plan = markers_plan({"linux-x86_64": "cpu"})
    data = tomllib.loads(render_plan(read_project(tmp_path), plan, "x", ">=3.10"))
    assert data["project"]["requires-python"] == ">=3.10"


def test_markers_mode_with_three_targets(tmp_path: Path) -> None:
    plan = markers_plan(THREE_TARGETS, ("torch", "torchvision"))
    text = render_plan(read_project(tmp_path), plan, "demo")
    assert (
        "[tool.uv.sources]\n"
        "torch = [\n"
        '    { index = "pytorch-cu130", marker = "sys_platform == \'linux\' and '
        "platform_machine == 'x86_64'\" },\n"
        '    { index = "pytorch-cpu", marker = "sys_platform == \'win32\' and '
        "platform_machine == 'AMD64'\" },\n"
        "]\n"
    ) in text
    assert (
        "[tool.uv]\n"
        "required-environments = [\n"
        "    \"sys_platform == 'linux' and platform_machine == 'x86_64'\",\n"
        "    \"sys_platform == 'darwin' and platform_machine == 'arm64'\",\n"
        "    \"sys_platform == 'win32' and platform_machine == 'AMD64'\",\n"
        "]\n"
    ) in text
    data = tomllib.loads(text)
    assert data["project"]["dependencies"] == ["torch>=2.15,<2.16", "torchvision>=0.30,<0.31"]
    assert [i["name"] for i in data["tool"]["uv"]["index"]] == ["pytorch-cu130", "pytorch-cpu"]
    assert all(i["explicit"] is True for i in data["tool"]["uv"]["index"])
    assert data["tool"]["uv"]["sources"]["torchvision"] == data["tool"]["uv"]["sources"]["torch"]
    assert apply(text, plan) == text


def test_extras_mode_writes_extras_and_conflicts(tmp_path: Path) -> None:
    plan = extras_plan(("cpu", "cu130"))
    text = render_plan(read_project(tmp_path), plan, "demo")
    assert (
        "conflicts = [\n"
        "    [\n"
        '        { extra = "cpu" },\n'
        '        { extra = "cu130" },\n'
        "    ],\n"
        "]\n"
    ) in text
    data = tomllib.loads(text)
    assert data["project"]["dependencies"] == []
    assert data["project"]["optional-dependencies"] == {
        "cpu": ["torch>=2.15"],
        "cu130": ["torch>=2.15"],
    }
    assert data["tool"]["uv"]["sources"]["torch"] == [
        {"index": "pytorch-cpu", "extra": "cpu"},
        {"index": "pytorch-cu130", "extra": "cu130"},
    ]
    assert apply(text, plan) == text


# --- existing projects ----------------------------------------------------------------------


COMMENTED_OWNED_LINES = {
    '    "torch==2.4.1",  # pinned for the old GPU box',
    "    'torchvision>=0.19',",
    'torch = { index = "pytorch-cu121" }',
    'torchvision = { index = "pytorch-cu121" }',
    "[[tool.uv.index]]",
    'name = "pytorch-cu121"',
    'url = "https://download.pytorch.org/whl/cu121"',
    "explicit = true",
}


def test_existing_project_changes_only_the_owned_lines() -> None:
    old = fixture("commented.toml")
    plan = markers_plan(THREE_TARGETS, ("torch", "torchvision"))
    new = apply(old, plan)
    assert set(removed_lines(old, new)) <= COMMENTED_OWNED_LINES
    # every comment and every other table survives, in order
    kept = [line for line in old.splitlines() if line not in COMMENTED_OWNED_LINES]
    assert_subsequence(kept, new.splitlines())
    data, before = tomllib.loads(new), tomllib.loads(old)
    for key in ("build-system", "project"):
        assert {k: v for k, v in data[key].items() if k != "dependencies"} == {
            k: v for k, v in before[key].items() if k != "dependencies"
        }
    assert data["project"]["dependencies"] == [
        "numpy>=1.26",
        "torch>=2.15,<2.16",
        "pillow>=10",
        "torchvision>=0.30,<0.31",
        "rich",
    ]
    assert data["tool"]["uv"]["sources"]["helpers"] == {"path": "../helpers", "editable": True}
    assert [i["name"] for i in data["tool"]["uv"]["index"]] == [
        "internal",
        "pytorch-cu130",
        "pytorch-cpu",
    ]
    for key in ("ruff", "pytest", "hatch"):
        assert data["tool"][key] == before["tool"][key]
    # the replaced entry keeps its place and its comment
    assert '    "torch>=2.15,<2.16",  # pinned for the old GPU box\n' in new
    assert apply(new, plan) == new


def test_existing_project_diff_reads_well() -> None:
    old = fixture("commented.toml")
    new = apply(old, markers_plan({"linux-x86_64": "cu130"}))
    diff = unified_diff(old, new)
    assert diff.startswith("--- a/pyproject.toml\n+++ b/pyproject.toml\n")
    assert '-    "torch==2.4.1",  # pinned for the old GPU box\n' in diff
    assert '+    "torch>=2.15,<2.16",  # pinned for the old GPU box\n' in diff
    assert "-    'torchvision>=0.19',\n" in diff  # not planned any more: removed
    assert unified_diff(new, new) == ""


def test_crlf_file_stays_crlf() -> None:
    old = fixture("commented.toml").replace("\n", "\r\n")
    plan = markers_plan(THREE_TARGETS, ("torch", "torchvision"))
    new = apply(old, plan)
    assert new.count("\n") == new.count("\r\n")
    assert new == apply(old.replace("\r\n", "\n"), plan).replace("\n", "\r\n")
    assert apply(new, plan) == new
    assert "\r" not in unified_diff(old, new)


def test_switching_from_extras_to_markers_removes_the_old_extras_and_conflicts() -> None:
    old = fixture("extras.toml")
    assert apply(old, extras_plan(("cpu", "cu130"))) == old  # the same plan: no change
    new = apply(old, markers_plan({"linux-x86_64": "cu130", "windows-x86_64": "cu130"}))
    data = tomllib.loads(new)
    assert data["project"]["optional-dependencies"] == {"plots": ["matplotlib"]}
    assert data["project"]["dependencies"] == ["numpy", "torch>=2.15,<2.16"]
    assert data["tool"]["uv"]["conflicts"] == [[{"group": "lint"}, {"group": "docs"}]]
    assert [i["name"] for i in data["tool"]["uv"]["index"]] == ["pytorch-cu130"]
    assert all("extra" not in e for e in data["tool"]["uv"]["sources"]["torch"])
    assert data["dependency-groups"] == {"lint": ["ruff"], "docs": ["mkdocs"]}
    assert "cpu = [" not in new and "pytorch-cpu" not in new


def test_switching_from_markers_to_extras_and_back() -> None:
    start = fixture("commented.toml")
    markers = markers_plan(THREE_TARGETS, ("torch", "torchvision"))
    extras = extras_plan(("cpu", "cu130"), ("torch", "torchvision"))
    first = apply(start, markers)
    there = apply(first, extras)
    data = tomllib.loads(there)
    assert "required-environments" not in data["tool"]["uv"]
    assert data["project"]["optional-dependencies"]["cu130"] == ["torch>=2.15", "torchvision>=2.15"]
    assert data["project"]["optional-dependencies"]["docs"] == ["mkdocs>=1.6", "mkdocs-material"]
    back = apply(there, markers)
    # torch and torchvision left [project].dependencies on the way, so they come back last
    assert tomllib.loads(back)["project"]["dependencies"] == [
        "numpy>=1.26",
        "pillow>=10",
        "rich",
        "torch>=2.15,<2.16",
        "torchvision>=0.30,<0.31",
    ]
    assert_subsequence(
        [x for x in first.splitlines() if not x.startswith('    "torch')], back.splitlines()
    )
    assert apply(back, markers) == back


def test_removing_torchvision_removes_its_requirement_and_source() -> None:
    with_vision = apply(
        fixture("commented.toml"), markers_plan(THREE_TARGETS, ("torch", "torchvision"))
    )
    without = apply(with_vision, markers_plan(THREE_TARGETS, ("torch",)))
    data = tomllib.loads(without)
    assert "torchvision" not in data["tool"]["uv"]["sources"]
    assert not any(d.startswith("torchvision") for d in data["project"]["dependencies"])
    assert set(data["tool"]["uv"]["sources"]) == {"helpers", "torch"}
    assert set(removed_lines(with_vision, without)) == {
        '    "torchvision>=0.30,<0.31",',
        "torchvision = [",
        '    { index = "pytorch-cu130", marker = "sys_platform == \'linux\' and '
        "platform_machine == 'x86_64'\" },",
        '    { index = "pytorch-cpu", marker = "sys_platform == \'win32\' and '
        "platform_machine == 'AMD64'\" },",
        "]",
    }


def test_all_default_backends_remove_the_sources_table_and_the_indexes() -> None:
    first = apply(fixture("extras.toml"), markers_plan({"linux-x86_64": "cpu"}))
    pypi = apply(first, markers_plan({"linux-x86_64": "default"}))
    data = tomllib.loads(pypi)
    assert "sources" not in data["tool"]["uv"] and "index" not in data["tool"]["uv"]
    assert "[tool.uv.sources]" not in pypi
    assert pypi.endswith('[dependency-groups]\nlint = ["ruff"]\ndocs = ["mkdocs"]\n')


def test_split_requirements_of_one_package_are_stable() -> None:
    plan = Plan(
        dependencies=(
            "torch>=2.15; sys_platform == 'darwin'",
            "torch>=2.15,<2.16; sys_platform != 'darwin'",
        ),
        owned_packages=OWNED,
    )
    old = (
        '[project]\nname = "x"\nversion = "1"\n'
        'dependencies = [\n    "torch",\n    "numpy",\n    "torch; extra == \'never\'",\n]\n'
    )
    new = apply(old, plan)
    assert tomllib.loads(new)["project"]["dependencies"] == [
        "torch>=2.15; sys_platform == 'darwin'",
        "numpy",
        # the person's own marker stays beside the wizard's
        "torch>=2.15,<2.16 ; extra == 'never' and (sys_platform != 'darwin')",
    ]
    assert apply(new, plan) == new


def test_equivalent_requirements_keep_their_spelling() -> None:
    old = '[project]\nname = "x"\nversion = "1"\ndependencies = ["Torch >= 2.15, < 2.16"]\n'
    plan = markers_plan({"linux-x86_64": "default"})
    assert tomllib.loads(apply(old, plan))["project"]["dependencies"] == ["Torch >= 2.15, < 2.16"]


def test_requires_python_changes_only_when_the_plan_sets_it() -> None:
    old = fixture("commented.toml")
    assert 'requires-python = ">=3.11"' in apply(old, markers_plan({"linux-x86_64": "cpu"}))
    raised = apply(old, markers_plan({"linux-x86_64": "cpu"}, requires_python=">=3.12"))
    assert removed_lines(old, raised).count('requires-python = ">=3.11"') == 1
    assert 'requires-python = ">=3.12"\n' in raised


def test_prerelease_is_written_when_planned_and_otherwise_the_persons() -> None:
    old = fixture("commented.toml")
    nightly = apply(old, markers_plan({"linux-x86_64": "cu130"}, prerelease="allow"))
    assert tomllib.loads(nightly)["tool"]["uv"]["prerelease"] == "allow"
    # A later plan without one leaves it: a hand-written "allow" looks just the same.
    stable = apply(nightly, markers_plan({"linux-x86_64": "cu130"}))
    assert tomllib.loads(stable)["tool"]["uv"]["prerelease"] == "allow"
    own = old.replace("package = true", 'package = true\nprerelease = "explicit"')
    assert 'prerelease = "explicit"' in apply(own, markers_plan({"linux-x86_64": "cu130"}))


def test_lock_scope_targets_writes_environments() -> None:
    plan = markers_plan(THREE_TARGETS, environments=(LINUX.marker, MAC.marker, WIN.marker))
    new = apply(fixture("commented.toml"), plan)
    assert tomllib.loads(new)["tool"]["uv"]["environments"][2] == WIN.marker
    assert (
        "environments" not in tomllib.loads(apply(new, markers_plan(THREE_TARGETS)))["tool"]["uv"]
    )


@pytest.mark.parametrize(
    ("name", "old"),
    [
        (
            "inline sources and index",
            '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch"]\n\n[tool.uv]\n'
            'sources = { torch = { index = "pytorch-cu121" }, lib = { path = "lib" } }\n'
            'index = [{ name = "pytorch-cu121", url = "https://download.pytorch.org/whl/cu121" }, '
            '{ name = "mine", url = "https://example.org/simple" }]\n',
        ),
        (
            "dotted keys",
            '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch"]\n'
            'optional-dependencies.docs = ["mkdocs"]\n\n[tool]\nuv.package = true\n'
            'uv.sources.lib = { path = "lib" }\n',
        ),
        (
            "a sub-table per source",
            '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch"]\n\n'
            '[tool.uv.sources.torch]\nindex = "pytorch-cu121"\n\n'
            '[tool.uv.sources.lib]\npath = "lib"\n',
        ),
        (
            "no newline at the end",
            '[project]\nname = "x"\nversion = "1"\ndependencies = []\n\n'
            "[tool.ruff]\nline-length = 99",
        ),
        (
            "tool.uv tables before [project]",
            '[tool.uv.sources]\nlib = { path = "lib" }\n\n[project]\nname = "x"\nversion = "1"\n',
        ),
        (
            "indented keys",
            '[project]\n  name = "x"\n  version = "1"\n  dependencies = [\n  "numpy",\n  ]\n\n'
            "[tool.uv]\n  package = false\n",
        ),
        (
            "tool.uv as an inline table",
            '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch"]\n\n[tool]\n'
            'uv = { package = true, index = [{ name = "pytorch-cu121", url = "https://x" }] }\n',
        ),
        (
            "dotted tool.uv keys before any table",
            'tool.uv.package = true\n\n[project]\nname = "x"\nversion = "1"\n',
        ),
        (
            "a multi-line string that looks like tables",
            '[project]\nname = "x"\nversion = "1"\n'
            'description = """\n[tool.uv]\nconflicts = 1\n"""\n'
            "dependencies = ['torch']\n",
        ),
        (
            "no [project] table",
            "# just settings so far\n[tool.ruff]\nline-length = 99\n",
        ),
    ],
)
def test_unusual_layouts(name: str, old: str) -> None:
    for plan in (
        markers_plan(THREE_TARGETS, ("torch", "torchvision")),
        extras_plan(("cpu", "xpu")),
    ):
        new = apply(old, plan)
        data = tomllib.loads(new)
        assert apply(new, plan) == new, name
        assert data["tool"]["uv"]["sources"]["torch"] == [
            {k: v for k, v in vars(e).items() if v is not None} for e in plan.sources["torch"]
        ]
        before = tomllib.loads(old)
        if "lib" in str(before):
            assert data["tool"]["uv"]["sources"]["lib"] == {"path": "lib"}
        if "ruff" in old:
            assert data["tool"]["ruff"] == before["tool"]["ruff"]


# --- annotations ----------------------------------------------------------------------------


def test_annotations_are_written_once_and_stay_stable() -> None:
    plan = extras_plan(("cpu", "cu130"))
    annotated = Plan(**{**vars(plan), "annotate": True})
    once = apply(fixture("extras.toml"), annotated)
    assert (
        "# torch-wizard: PyTorch CUDA 13.0 builds, for the extra cu130\n[[tool.uv.index]]" in once
    )
    assert "# torch-wizard: PyTorch CPU-only builds, for the extra cpu\n[[tool.uv.index]]" in once
    assert (
        "# torch-wizard: the extras cpu and cu130 exclude each other; choose one with "
        "`uv sync --extra cpu`\nconflicts = [" in once
    )
    assert apply(once, annotated) == once
    assert apply(once, plan) == once  # annotate off: earlier comments are left alone


def test_annotations_follow_the_blocks_they_describe() -> None:
    plan = markers_plan(THREE_TARGETS, annotate=True)
    first = apply(fixture("commented.toml"), plan)
    assert first.count("# torch-wizard:") == 3
    assert (
        "# torch-wizard: the lock must have wheels for Linux x86_64, macOS Apple Silicon and "
        "Windows x86_64\nrequired-environments" in first
    )
    second = apply(first, markers_plan({"linux-x86_64": "cu128"}))  # not annotated
    assert "CPU-only" not in second and "CUDA 13.0" not in second  # removed with their tables
    assert "CUDA 12.8" not in second  # annotate off: no new comments
    # an earlier comment stays, but does not keep describing platforms that are gone
    assert "# torch-wizard: the lock must have wheels for Linux x86_64\nrequired-env" in second
    assert second.count("# torch-wizard:") == 1


# --- reading an existing setup back ---------------------------------------------------------


def test_read_back_a_hand_written_setup() -> None:
    setup = read_existing_setup(parse_project(Path("x"), fixture("handwritten.toml").encode()))
    assert setup == ExistingSetup(
        # `sys_platform == 'linux'` covers both Linux platforms; 'windows' matches nothing
        targets=(
            TargetChoice("linux-x86_64", "cu132"),
            TargetChoice("linux-aarch64", "cu132"),
            TargetChoice("macos-arm64", "default"),
        ),
        variants=(),
        torch_spec=">=2.14,<2.15",
        companions=("torchaudio",),
        index_base="https://mirror.example.org/pytorch/whl",
        channel="nightly",
        lock_scope="targets",
        conflicts_found=(
            "In the torch source, the marker sys_platform == 'windows' is never true; "
            "Windows is 'win32'.",
            "The torchaudio source points at a git repository "
            "(https://github.com/pytorch/audio); the wizard would replace it with a PyTorch index.",
        ),
        own_index=("torch-cuda", "https://mirror.example.org/pytorch/whl/nightly/cu132/"),
    )


def test_read_back_what_the_wizard_wrote(tmp_path: Path) -> None:
    plan = markers_plan(THREE_TARGETS, ("torch", "torchaudio"))
    text = render_plan(read_project(tmp_path), plan, "demo")
    setup = read_existing_setup(parse_project(tmp_path, text.encode()))
    assert setup is not None
    assert setup.targets == tuple(TargetChoice(p, b) for p, b in THREE_TARGETS.items())
    assert (setup.torch_spec, setup.companions) == (">=2.15,<2.16", ("torchaudio",))
    assert (setup.index_base, setup.channel, setup.lock_scope) == (BASE, "stable", "all")
    assert setup.conflicts_found == () and setup.variants == ()

    extras = read_existing_setup(parse_project(tmp_path, fixture("extras.toml").encode()))
    assert extras is not None and extras.variants == ("cpu", "cu130")
    assert extras.torch_spec == ">=2.15"


def test_read_back_other_markers_and_indexes() -> None:
    text = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch @ https://e.org/t.whl"]\n'
        "[tool.uv.sources]\ntorch = [\n"
        '  { index = "cuda", marker = "platform_system == \'Windows\'" },\n'
        '  { index = "mine", marker = "platform_system == \'Linux\'" },\n'
        '  { index = "gone", marker = "sys_platform == \'darwin\'" },\n'
        "]\n"
        '[[tool.uv.index]]\nname = "cuda"\nurl = "https://download.pytorch.org/whl/cu126"\n'
        '[[tool.uv.index]]\nname = "mine"\nurl = "https://pypi.example.org/simple"\n'
    )
    setup = read_existing_setup(parse_project(Path("x"), text.encode()))
    assert setup is not None
    assert dict((t.platform, t.backend) for t in setup.targets) == {
        "linux-x86_64": "auto",
        "linux-aarch64": "auto",
        "macos-arm64": "auto",  # a broad marker: not macOS Intel (last wheels: torch 2.2)
        "windows-x86_64": "cu126",  # nor Windows ARM64 (no wheels)
    }
    assert setup.torch_spec is None
    assert [c.split(" ")[:4] for c in setup.conflicts_found] == [
        ["The", "torch", "source", "uses"],
        ["The", "torch", "source", "names"],
        ["torch", "is", "required", "from"],
    ]


def test_no_torch_means_no_existing_setup() -> None:
    text = '[project]\nname = "x"\nversion = "1"\ndependencies = ["numpy"]\n'
    assert read_existing_setup(parse_project(Path("x"), text.encode())) is None


# --- reading: refusals ----------------------------------------------------------------------


def read_fixture(tmp_path: Path, name: str) -> ProjectFile:
    (tmp_path / "pyproject.toml").write_bytes((FIXTURES / name).read_bytes())
    return read_project(tmp_path)


def test_invalid_toml_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as e:
        read_fixture(tmp_path, "invalid.toml")
    assert e.value.exit_code == 2
    assert e.value.message.startswith("pyproject.toml is not valid TOML (line 3, column 14: ")
    assert e.value.hint


def test_dynamic_dependencies_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="dependencies as dynamic"):
        read_fixture(tmp_path, "dynamic.toml")


def test_poetry_only_project_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"no \[project\] table") as e:
        read_fixture(tmp_path, "poetry.toml")
    assert "migrate-to-uv" in e.value.hint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('project = "x"\n', "is not a table"),
        ('[project]\nname = "x"\ndependencies = "torch"\n', "not a list of strings"),
        ('[project]\nname = "x"\ndependencies = ["torch >="]\n', "not a valid requirement"),
        ('[project]\nname = "x"\n[tool.uv]\nindex = "x"\n', "not a list of tables"),
        # without a [project] table (a new project's first pyproject.toml) just the same
        ('[tool.uv]\nindex = "https://x"\n', "not a list of tables"),
        ('[tool.uv.index]\nurl = "https://x"\n', r"a single table: uv needs \[\[tool.uv.index\]\]"),
        ("[tool.uv]\nsources = 5\n", r"\[tool.uv.sources\] in pyproject.toml is not a table"),
        ("tool = 5\n", "The `tool` entry of pyproject.toml is not a table"),
        ("[tool]\nuv = 5\n", r"\[tool.uv\] in pyproject.toml is not a table"),
        (b"\xff\xfe".decode("latin-1"), "not UTF-8"),
    ],
)
def test_shapes_the_wizard_cannot_edit(tmp_path: Path, text: str, message: str) -> None:
    raw = text.encode("latin-1" if message == "not UTF-8" else "utf-8")
    (tmp_path / "pyproject.toml").write_bytes(raw)
    with pytest.raises(BadInput, match=message):
        read_project(tmp_path)


def test_dependencies_setuptools_reads_from_a_file_point_to_migrating_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "dyn"\nversion = "0.1.0"\ndynamic = ["dependencies"]\n\n'
        '[tool.setuptools.dynamic]\ndependencies = {file = ["requirements.txt"]}\n'
    )
    with pytest.raises(BadInput) as caught:
        read_project(tmp_path)
    assert caught.value.hint == (
        "Remove `dependencies` from [project].dynamic and from [tool.setuptools.dynamic], then "
        "`torch-wizard --from requirements.txt` writes them into [project].dependencies."
    )


def test_dynamic_optional_dependencies_refuse_extras_only() -> None:
    text = '[project]\nname = "x"\nversion = "1"\ndynamic = ["optional-dependencies"]\n'
    project = parse_project(Path("x"), text.encode())
    render_plan(project, markers_plan({"linux-x86_64": "cpu"}), "x")
    with pytest.raises(BadInput, match="optional dependencies as dynamic"):
        render_plan(project, extras_plan(("cpu", "cu130")), "x")


def test_workspace_member_is_reported(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "root"\nversion = "1"\n\n[tool.uv.workspace]\n'
        'members = ["packages/*"]\nexclude = ["packages/legacy"]\n'
    )
    for name in ("app", "legacy"):
        (tmp_path / "packages" / name).mkdir(parents=True)
    (tmp_path / "other").mkdir()
    assert read_project(tmp_path / "packages" / "app").workspace_root == tmp_path.resolve()
    assert read_project(tmp_path / "packages" / "legacy").workspace_root is None
    assert read_project(tmp_path / "other").workspace_root is None
    assert read_project(tmp_path).workspace_root is None


def test_bom_is_kept(tmp_path: Path) -> None:
    old = "\ufeff" + fixture("extras.toml")
    (tmp_path / "pyproject.toml").write_bytes(old.encode())
    new = render_plan(read_project(tmp_path), markers_plan({"linux-x86_64": "cpu"}), "x")
    assert new.startswith("\ufeff[project]")


# --- writing --------------------------------------------------------------------------------


def test_write_atomically_keeps_mode_bits(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("old\n")
    path.chmod(0o640)
    write_atomically(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["pyproject.toml"]


def test_write_atomically_creates_a_new_file(tmp_path: Path) -> None:
    write_atomically(tmp_path / "pyproject.toml", b"[project]\n")
    assert (tmp_path / "pyproject.toml").read_bytes() == b"[project]\n"


def test_write_atomically_writes_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "pyproject.toml"
    target.write_text("old\n")
    link = tmp_path / "pyproject.toml"
    link.symlink_to(target)
    write_atomically(link, b"new\n")
    assert link.is_symlink() and target.read_bytes() == b"new\n"
    assert sorted(os.listdir(tmp_path / "real")) == ["pyproject.toml"]


@pytest.mark.parametrize(
    ("failing", "code", "error"),
    [
        ("replace", errno.ENOSPC, WorkFailed),
        ("fsync", errno.EIO, WorkFailed),
        ("open", errno.EACCES, BadInput),
        ("open", errno.EROFS, BadInput),
    ],
)
def test_write_atomically_failure_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, code: int, error: type
) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("old\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(error) as e:
        write_atomically(path, b"new\n")
    monkeypatch.undo()
    assert "nothing was changed" in e.value.message
    assert path.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["pyproject.toml"]


# --- property: any file, any plan -----------------------------------------------------------


def assert_subsequence(needles: list[str], haystack: list[str]) -> None:
    it = iter(haystack)
    for line in needles:
        assert any(line == h for h in it), f"lost or moved: {line!r}"


@st.composite
def pyprojects(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A pyproject.toml with foreign tables, keys and comments, and the lines that must survive.

    The surviving lines carry a unique number so that each one can be found again.
    """
    counter = iter(range(10_000))

    def note() -> str:
        return f"# note {next(counter)}"

    def foreign_value() -> str:
        n = next(counter)
        return draw(
            st.sampled_from(
                [str(n), f'"text {n}"', "true", f'["a{n}", "b{n}"]', f"{n}.5", f"'lit {n}'"]
            )
        )

    def foreign_table(header: str) -> list[tuple[str, bool]]:
        lines = []
        if draw(st.booleans()):
            lines.append((note(), True))
        lines.append((header, True))
        for _ in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                lines.append((note(), True))
            n = next(counter)
            kind = draw(st.sampled_from(["plain", "string", "array", "dotted"]))
            if kind == "string":  # text that looks like TOML inside a multi-line string
                lines += [
                    (f'key{n} = """', True),
                    (f"[fake.table{n}]", True),
                    (f"dependencies = [{n}]", True),
                    ('"""', True),
                ]
            elif kind == "array":
                lines += [
                    (f"key{n} = [", True),
                    (f'    "x{n}",  {note()}', True),
                    (f"    {note()}", True),
                    (f"    {{ a = {n} }},", True),
                    ("]", False),
                ]
            else:
                trailing = f"  {note()}" if draw(st.booleans()) else ""
                key = f"sub{n}.key{n}" if kind == "dotted" else f"key{n}"
                lines.append((f"{key} = {foreign_value()}{trailing}", True))
        return lines

    others = ["numpy>=1", "requests", "pillow", "rich>=13"]
    family = ["torch==2.4.1", "torchvision", "torchaudio>=2"]
    deps = draw(st.permutations(draw(st.lists(st.sampled_from(others + family), unique=True))))
    project = [("[project]", True), ('name = "demo"', True), ('version = "0.1.0"', True)]
    if draw(st.booleans()):
        project.append(("dependencies = [", False))
        for d in deps:
            if draw(st.booleans()):
                project.append((f"    {note()}", True))
            project.append((f'    "{d}",', d in others))
        project.append(("]", False))
    else:
        project.append(("dependencies = [" + ", ".join(f'"{d}"' for d in deps) + "]", False))

    blocks = [project]
    extras = []
    if draw(st.booleans()):
        extras.append(('docs = ["mkdocs>=1.6"]', True))
    earlier = draw(st.booleans())  # extras an earlier run wrote, with their conflicts group
    if earlier:
        extras += [('cpu = ["torch>=2.4"]', False), ('cu121 = ["torch>=2.4"]', False)]
    if extras:
        blocks.append([("[project.optional-dependencies]", extras[0][1]), *extras])
    for header in draw(
        st.lists(
            st.sampled_from(
                [
                    "[tool.ruff]",
                    "[tool.black]",
                    "[tool.pytest.ini_options]",
                    "[tool.hatch.build]",
                    "[project.urls]",
                    "[build-system]",
                    "[tool.coverage.run]",
                    "[dependency-groups]",
                ]
            ),
            unique=True,
        )
    ):
        blocks.append(foreign_table(header))
    if earlier or draw(st.booleans()):
        uv = foreign_table("[tool.uv]")
        if draw(st.booleans()):
            uv.append(("required-environments = [\"sys_platform == 'linux'\"]", False))
        if earlier:
            uv.append(('conflicts = [[{ extra = "cpu" }, { extra = "cu121" }]]', False))
        blocks.append(uv)
    if draw(st.booleans()):
        sources = []
        if draw(st.booleans()):
            sources.append(('lib = { path = "../lib" }', True))
        if draw(st.booleans()):
            sources.append(('torch = { index = "pytorch-cu121" }', False))
        if draw(st.booleans()):
            sources.append((note(), True))
        # a table the wizard empties goes, unless something of someone else's is left in it
        blocks.append([("[tool.uv.sources]", any(keep for _, keep in sources)), *sources])
    for name in draw(
        st.lists(st.sampled_from(["internal", "pytorch-cu121", "pytorch-cpu"]), unique=True)
    ):
        ours = name.startswith("pytorch-")
        block = [(note(), True)] if draw(st.booleans()) else []
        block += [
            ("[[tool.uv.index]]", not ours),
            (f'name = "{name}"', not ours),
            (f'url = "https://example.org/{name}"', not ours),
        ]
        if draw(st.booleans()):
            block.append((note(), True))
        blocks.append(block)

    lines: list[tuple[str, bool]] = []
    for block in draw(st.permutations(blocks)):
        if lines and draw(st.booleans()):
            lines.append(("", False))
        lines += block
    text = "\n".join(line for line, _ in lines) + "\n"
    return text, [line for line, keep in lines if keep]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    packages = (
        "torch",
        *draw(st.lists(st.sampled_from(["torchvision", "torchaudio"]), unique=True)),
    )
    if draw(st.booleans()):
        variants = draw(
            st.lists(
                st.sampled_from(["cpu", "cu126", "cu130", "rocm7.2", "xpu"]),
                min_size=2,
                max_size=3,
                unique=True,
            )
        )
        return extras_plan(tuple(variants), packages)
    platforms = draw(st.lists(st.sampled_from(sorted(PLATFORMS)), min_size=1, unique=True))
    backends = st.sampled_from(["default", "cpu", "cu126", "cu130", "rocm7.2", "xpu"])
    targets = {p: draw(backends) for p in platforms}
    return markers_plan(
        targets,
        packages,
        annotate=draw(st.booleans()),
        prerelease=draw(st.sampled_from([None, "allow"])),
    )


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays repeatable
    suppress_health_check=[HealthCheck.too_slow],
)
@given(pyprojects(), plans(), plans(), st.booleans())
def test_any_file_keeps_its_foreign_lines_and_a_second_apply_changes_nothing(
    generated: tuple[str, list[str]], plan: Plan, other: Plan, crlf: bool
) -> None:
    old, keep = generated
    if crlf:
        old = old.replace("\n", "\r\n")
    new = apply(old, plan)
    assert_subsequence(keep, new.replace("\r\n", "\n").splitlines())
    assert (new.count("\n") == new.count("\r\n")) if crlf else "\r" not in new
    data = tomllib.loads(new)
    others = [d for d in tomllib.loads(old)["project"]["dependencies"] if not d.startswith("torch")]
    assert [d for d in data["project"]["dependencies"] if not d.startswith("torch")] == others
    assert apply(new, plan) == new
    # another plan, then this one again: the foreign lines still survive and it settles
    switched = apply(new, other)
    assert_subsequence(keep, switched.replace("\r\n", "\n").splitlines())
    back = apply(switched, plan)
    assert_subsequence(keep, back.replace("\r\n", "\n").splitlines())
    assert apply(back, plan) == back


def test_new_arrays_follow_the_files_indentation() -> None:
    old = '[project]\n\tname = "x"\n\tversion = "1"\n\tdependencies = [\n\t\t"numpy",\n\t]\n'
    new = apply(old, markers_plan({"linux-x86_64": "cpu", "windows-x86_64": "cpu"}))
    assert '\tdependencies = [\n\t\t"numpy",\n\t\t"torch>=2.15,<2.16",\n\t]\n' in new
    assert 'torch = [\n\t{ index = "pytorch-cpu"' in new


def test_exact_pins_per_target_are_stable_and_read_back_without_labels() -> None:
    pins = tuple(
        f"torch==2.14.0+{b} ; {PLATFORMS[p].marker}"
        for p, b in (("linux-x86_64", "cu130"), ("windows-x86_64", "cpu"))
    ) + (f"torch==2.14.0 ; {MAC.marker}",)
    base = markers_plan(THREE_TARGETS)
    plan = Plan(**{**vars(base), "dependencies": pins})
    new = apply(fixture("commented.toml"), plan)
    assert tomllib.loads(new)["project"]["dependencies"][1:4] == list(pins)
    assert apply(new, plan) == new
    setup = read_existing_setup(parse_project(Path("x"), new.encode()))
    assert setup is not None and setup.torch_spec == "==2.14.0"


def test_the_module_imports_no_user_interface() -> None:
    code = (
        "import sys, wizard.project; print(sorted({'textual', 'questionary'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- a migration's additions -----------------------------------------------------------------


def with_additions(plan: Plan, **fields: object) -> Plan:
    from wizard.plan import Additions

    return Plan(**{**vars(plan), "additions": Additions(**fields)})  # type: ignore[arg-type]


PRIVATE = IndexSpec("pypi-example-com", "https://pypi.example.com/simple")


def test_additions_in_a_new_project_come_after_torch(tmp_path: Path) -> None:
    plan = with_additions(
        markers_plan({"linux-x86_64": "cpu"}),
        dependencies=("numpy==2.3.0", 'rich; python_version >= "3.8"'),
        groups={"dev": ("pytest==8.3.4", "ruff==0.8.0")},
        indexes=(PRIVATE,),
    )
    text = render_plan(read_project(tmp_path), plan, "demo")
    data = tomllib.loads(text)
    assert data["project"]["dependencies"] == [
        "torch>=2.15,<2.16",
        "numpy==2.3.0",
        'rich; python_version >= "3.8"',
    ]
    assert data["dependency-groups"] == {"dev": ["pytest==8.3.4", "ruff==0.8.0"]}
    assert data["tool"]["uv"]["index"] == [
        {"name": "pytorch-cpu", "url": f"{BASE}/cpu", "explicit": True},
        {"name": "pypi-example-com", "url": "https://pypi.example.com/simple", "explicit": True},
    ]
    # [dependency-groups] sits right after [project], before the tool tables
    assert text.index("[dependency-groups]") < text.index("[tool.uv")
    assert apply(text, plan) == text


def test_additions_change_nothing_the_file_already_has() -> None:
    old = (
        "# keep me\n"
        "[project]\n"
        'name = "demo"\n'
        'version = "1.0"\n'
        "dependencies = [\n"
        '    "PyYAML>=5",  # the project\'s own pin wins\n'
        '    "torch>=2.15,<2.16",\n'
        "]\n"
        "\n"
        "[project.optional-dependencies]\n"
        'serve = ["fastapi"]\n'
        "\n"
        "[dependency-groups]\n"
        "dev = [\n"
        '    { include-group = "lint" },\n'
        '    "pytest>=8",\n'
        "]\n"
        'lint = ["ruff"]\n'
        "\n"
        "[[tool.uv.index]]\n"
        'name = "internal"  # renamed by hand\n'
        'url = "https://pypi.example.com/simple/"\n'
        "explicit = true\n"
    )
    base = markers_plan({"linux-x86_64": "default"})
    plan = with_additions(
        base,
        dependencies=("pyyaml==6.0.2", "tqdm"),
        groups={"Dev": ("pytest==8.3.4", "pre-commit"), "docs": ("mkdocs",)},
        indexes=(PRIVATE,),
    )
    new = apply(old, plan)
    assert removed_lines(old, new) == []
    data = tomllib.loads(new)
    assert data["project"]["dependencies"] == ["PyYAML>=5", "torch>=2.15,<2.16", "tqdm"]
    assert data["dependency-groups"] == {
        "dev": [{"include-group": "lint"}, "pytest>=8", "pre-commit"],
        "lint": ["ruff"],
        "docs": ["mkdocs"],
    }
    assert [i["name"] for i in data["tool"]["uv"]["index"]] == ["internal"]
    assert apply(new, plan) == new
    # a later run without a migration leaves them all in place: they are the project's now
    assert apply(new, base) == new


def test_additions_do_not_add_the_torch_family() -> None:
    plan = with_additions(markers_plan({"linux-x86_64": "cu130"}),
                          dependencies=("torchvision==0.29.1", "numpy"))  # fmt: skip
    data = tomllib.loads(apply(GOOD_PROJECT, plan))
    assert data["project"]["dependencies"] == ["torch>=2.15,<2.16", "numpy"]


GOOD_PROJECT = '[project]\nname = "demo"\nversion = "1.0"\ndependencies = []\n'


@pytest.mark.parametrize(
    "groups",
    ["[dependency-groups]\ndev = 'pytest'\n", "dependency-groups = ['pytest']\n"],
)
def test_dependency_groups_that_are_not_lists_are_refused_only_when_edited(groups: str) -> None:
    plan = markers_plan({"linux-x86_64": "cpu"})
    text = groups + GOOD_PROJECT
    assert tomllib.loads(apply(text, plan))["dependency-groups"] == tomllib.loads(text)[
        "dependency-groups"]  # fmt: skip
    with pytest.raises(BadInput, match=r"\[dependency-groups\]"):
        apply(text, with_additions(plan, groups={"dev": ("pytest",)}))


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(pyprojects(), plans(), st.data())
def test_any_file_takes_a_migrations_additions_once(
    generated: tuple[str, list[str]], plan: Plan, data: st.DataObject
) -> None:
    old, keep = generated
    deps = data.draw(st.lists(st.sampled_from(["numpy==2.3.0", "tqdm", "Rich>=13", "scipy"]),
                              unique=True))  # fmt: skip
    dev = data.draw(st.lists(st.sampled_from(["pytest==8.3.4", "ruff", "numpy"]), unique=True))
    indexes = data.draw(st.sampled_from([(), (PRIVATE,)]))
    migrated = with_additions(plan, dependencies=tuple(deps),
                              groups={"migrated-dev": tuple(dev)} if dev else {},
                              indexes=indexes)  # fmt: skip
    new = apply(old, migrated)
    assert_subsequence(keep, new.splitlines())
    after = tomllib.loads(new)
    before = tomllib.loads(old)
    present = {d.split("=")[0].split(">")[0].lower() for d in after["project"]["dependencies"]}
    assert {d.split("=")[0].split(">")[0].lower() for d in deps} <= present
    for d in before["project"]["dependencies"]:  # the project's own pins are never replaced
        if not d.startswith("torch"):
            assert d in after["project"]["dependencies"]
    if dev:
        assert after["dependency-groups"]["migrated-dev"] == dev
    if indexes:
        assert PRIVATE.name in [i["name"] for i in after["tool"]["uv"]["index"]]
    assert apply(new, migrated) == new
    assert apply(new, plan) == apply(apply(new, plan), plan)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays repeatable
    suppress_health_check=[HealthCheck.too_slow],
)
@given(pyprojects(), plans(), st.booleans())
def test_removing_the_wizards_configuration_returns_the_original(
    generated: tuple[str, list[str]], plan: Plan, crlf: bool
) -> None:
    old, _ = generated
    if "torch" in old or "pytorch-" in old or "[tool.uv" in old:
        return  # only files the wizard has not configured yet can be restored exactly
    if "dependencies = [\n]" in old:
        return  # an empty multi-line list comes back as `[]`: the same TOML, other bytes
    if plan.prerelease:
        return  # a prerelease setting, once written, is the person's: removal keeps it
    if crlf:
        old = old.replace("\n", "\r\n")
    configured = apply(old, plan)
    removal = Plan(dependencies=(), owned_packages=plan.owned_packages)
    back = apply(configured, removal)

    # Every line comes back, in order; only blank lines between tables may differ (a table
    # inserted between two others is set apart by one, and which one is not recorded).
    # Known limit: a table the wizard added and then emptied stays, as an empty header, when a
    # comment ended up under it (the comment might be the person's, so it is not deleted).
    def lines(text: str) -> list[str]:
        return [ln for ln in text.splitlines() if ln.strip() and ln not in _EMPTIED_HEADERS]

    assert lines(back) == lines(old)
    assert _without_empty_tables(tomllib.loads(back)) == _without_empty_tables(tomllib.loads(old))
    assert ("\r\n" in back) == crlf


_EMPTIED_HEADERS = ("[project.optional-dependencies]", "[tool.uv]", "[tool.uv.sources]")


def _without_empty_tables(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = _without_empty_tables(value)
            if not value:
                continue
        out[key] = value
    return out


# --- the person's extras and markers ------------------------------------------------------


def test_a_rewritten_requirement_keeps_its_extras_and_marker_as_written() -> None:
    old = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = [\n'
        "    \"torch[opt-einsum]>=2.4 ; python_version >= '3.11'\",  # einsum matters\n"
        '    "numpy",\n]\n'
    )
    new = apply(old, markers_plan({"linux-x86_64": "cu130"}))
    assert tomllib.loads(new)["project"]["dependencies"] == [
        "torch[opt-einsum]>=2.15,<2.16 ; python_version >= '3.11'",
        "numpy",
    ]
    assert "# einsum matters" in new
    assert apply(new, markers_plan({"linux-x86_64": "cu130"})) == new


def test_a_companion_in_the_persons_extra_stays_optional_with_the_paired_range() -> None:
    old = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch", "numpy"]\n\n'
        '[project.optional-dependencies]\nvision = ["torchvision[scipy]", "pillow"]\n'
    )
    plan = markers_plan({"linux-x86_64": "cu130"}, ("torch", "torchvision"))
    new = apply(old, plan)
    data = tomllib.loads(new)["project"]
    assert data["dependencies"] == ["torch>=2.15,<2.16", "numpy"]
    assert data["optional-dependencies"]["vision"] == ["torchvision[scipy]>=0.30,<0.31", "pillow"]
    assert set(tomllib.loads(new)["tool"]["uv"]["sources"]) == {"torch", "torchvision"}
    assert apply(new, plan) == new


def test_torch_only_in_the_persons_extras_stays_there_in_each() -> None:
    old = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["numpy"]\n\n'
        "[project.optional-dependencies]\n"
        'gpu = ["torch>=2.4"]\nall = ["x[gpu]", "torch"]\n'
    )
    new = apply(old, markers_plan({"linux-x86_64": "cu130"}))
    data = tomllib.loads(new)["project"]
    assert data["dependencies"] == ["numpy"]
    assert data["optional-dependencies"] == {
        "gpu": ["torch>=2.15,<2.16"],
        "all": ["x[gpu]", "torch>=2.15,<2.16"],
    }


def test_the_persons_broad_environments_become_the_targets_and_the_plan_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.e2e_helpers import profile
    from wizard.cli import main

    text = (
        '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["torch"]\n\n[tool.uv]\n# we only support linux and mac\n'
        "environments = [\"sys_platform == 'linux'\", \"sys_platform == 'darwin'\"]\n"
    )
    (tmp_path / "pyproject.toml").write_text(text)
    args = ["--yes", "--no-lock", "--offline", "-C", str(tmp_path)]
    args += ["--hardware", profile("linux-cpu-only")]
    assert main(args) == 0
    said = " ".join(capsys.readouterr().out.split())
    # uv needs a torch wheel for every environment: Linux on other machines has none
    assert "tool.uv.environments (`sys_platform == 'linux'` ; `sys_platform == 'darwin'`) " in said
    assert "becomes the targets' platforms" in said
    written = (tmp_path / "pyproject.toml").read_text()
    uv = tomllib.loads(written)["tool"]["uv"]
    # sys_platform == 'darwin' is Apple Silicon here: macOS Intel would hold torch at 2.2
    platforms = [m.split("'")[1::2] for m in uv["environments"]]
    assert platforms == [["linux", "x86_64"], ["linux", "aarch64"], ["darwin", "arm64"]]
    assert "# we only support linux and mac" in written
    assert tomllib.loads(written)["project"]["dependencies"] == ["torch>=2.15,<2.16"]
    assert main(args) == 0  # a second run changes nothing
    assert "Nothing to change." in capsys.readouterr().out
