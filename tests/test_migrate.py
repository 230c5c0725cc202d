"""wizard.migrate: pip requirements files become a uv project's torch setup and dependencies.

Unit tests of the parser on tricky lines and of the mapping rules (bundled catalog, no
network); then every fixture in tests/fixtures/requirements/ (modelled on real projects'
files) migrated by the installed `torch-wizard --yes --from`, locked by the real `uv lock`
against the fake index, and checked per target with `uv export`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomllib

from tests.e2e_helpers import installs, profile, run_wizard
from wizard.catalog.model import load_bundled
from wizard.errors import BadInput
from wizard.hardware.profile import load_profile
from wizard.migrate import (
    Line,
    Migration,
    deletion_text,
    index_settings,
    migrate,
    migration_text,
    nearest_build,
    parse_requirements,
    pytorch_index,
    read_requirements,
)
from wizard.session import Request

FIXTURES = Path(__file__).parent / "fixtures" / "requirements"
CATALOG = load_bundled()


def write(folder: Path, text: str, name: str = "requirements.txt") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def lines(folder: Path, text: str) -> list[Line]:
    return list(parse_requirements(write(folder, text)).lines)


def plan(folder: Path, text: str, *profiles: str, **request: object) -> Migration:
    hardware = [load_profile(profile(p)) for p in profiles]
    return migrate(Request(**request), [write(folder, text)], CATALOG, hardware)  # type: ignore[arg-type]


def outcome(m: Migration, number: int) -> tuple[str, str]:
    (o,) = [o for o in m.outcomes if o.line.number == number]
    return o.status, o.became


# --- reading: pip's format, line by line ----------------------------------------------------


def test_continuations_join_and_keep_the_first_line_number(tmp_path: Path) -> None:
    (line,) = lines(
        tmp_path,
        "\n\nnumpy==2.3.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via torch\n",
    )
    assert line.number == 3
    assert line.requirement == "numpy==2.3.0"
    assert line.hashes == ("sha256:aa", "sha256:bb")
    assert line.short == "numpy==2.3.0 (+2 hashes)"


def test_a_comment_line_ends_a_continuation_as_pip_does(tmp_path: Path) -> None:
    (line,) = lines(tmp_path, 'rich; python_version >= "3.8" \\\n    # a note\n')
    assert line.requirement == 'rich; python_version >= "3.8"'


def test_hash_sign_starts_a_comment_only_after_whitespace(tmp_path: Path) -> None:
    found = lines(tmp_path, "-e git+https://h.example/r.git#egg=clip  # the model\nnumpy # n\n")
    assert found[0].requirement == "clip @ git+https://h.example/r.git"
    assert found[1].requirement == "numpy"


def test_option_spellings(tmp_path: Path) -> None:
    found = lines(
        tmp_path,
        "-i https://a.example/simple\n-ihttps://b.example/simple\n"
        "--index-url=https://c.example/simple\n--extra-index https://d.example/simple\n"
        "--pre --prefer-binary\n",
    )
    assert [x.options for x in found] == [
        (("--index-url", "https://a.example/simple"),),
        (("--index-url", "https://b.example/simple"),),
        (("--index-url", "https://c.example/simple"),),
        (("--extra-index-url", "https://d.example/simple"),),  # optparse takes a prefix
        (("--pre", None), ("--prefer-binary", None)),
    ]


def test_options_beside_a_requirement(tmp_path: Path) -> None:
    (line,) = lines(
        tmp_path, "torch==1.7.1+cpu -f https://download.pytorch.org/whl/torch_stable.html\n"
    )
    assert line.kind == "requirement" and line.requirement == "torch==1.7.1+cpu"
    assert line.options == (("--find-links", "https://download.pytorch.org/whl/torch_stable.html"),)


def test_urls_and_paths_are_named_the_way_uv_reads_them(tmp_path: Path) -> None:
    found = lines(
        tmp_path,
        "https://download.pytorch.org/whl/cu118/torch-2.0.1%2Bcu118-cp310-cp310-linux_x86_64.whl\n"
        "https://files.example/pkg/demo-1.2.tar.gz ; python_version >= '3.9'\n"
        "git+https://github.com/crowsonkb/k-diffusion.git\n"
        "-e git+https://github.com/openai/CLIP.git@main#egg=clip&subdirectory=src\n"
        "./vendor/tool-1.0-py3-none-any.whl\n"
        "-e .\n",
    )
    assert found[0].requirement == (
        "torch @ https://download.pytorch.org/whl/cu118/torch-2.0.1%2Bcu118-cp310-cp310-"
        "linux_x86_64.whl"
    )
    assert found[1].requirement == (
        "demo @ https://files.example/pkg/demo-1.2.tar.gz ; python_version >= '3.9'"
    )
    assert found[2].requirement is None and found[2].problem == "no project name"
    assert found[3].kind == "editable"
    assert (
        found[3].requirement
        == "clip @ git+https://github.com/openai/CLIP.git@main#subdirectory=src"
    )
    assert found[4].target == "./vendor/tool-1.0-py3-none-any.whl"
    assert (found[5].kind, found[5].target) == ("editable", ".")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("pip install tqdm", "shell command"),
        ("<<<<<<< HEAD", "merge-conflict"),
        ("pandas=2.2.3", "did you mean pandas==2.2.3"),
        ("--frobnicate", "no option --frobnicate"),
        ('--index-url "https://x', "quoting"),
        ("--index-url", "needs a value"),
        ("--hash=sha256:00", "after a requirement"),
        ("-e numpy", "path or a URL"),
        ("torch==${TORCH_VERSION}", "environment variable ${TORCH_VERSION}"),
        ("numpy >= 1.0 extra words", "not a valid requirement"),
    ],
)
def test_lines_that_are_not_understood_say_why(tmp_path: Path, text: str, why: str) -> None:
    (line,) = lines(tmp_path, text + "\n")
    assert line.kind == "unknown"
    assert line.problem is not None and why in line.problem


def test_encodings_pip_reads(tmp_path: Path) -> None:
    utf16 = tmp_path / "ps.txt"  # PowerShell's `pip freeze > requirements.txt`
    utf16.write_bytes(b"\xff\xfe" + "numpy==2.3.0\r\ntorch==2.14.1+cpu\r\n".encode("utf-16-le"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfrequests\n")
    assert [x.requirement for x in parse_requirements(utf16).lines] == [
        "numpy==2.3.0",
        "torch==2.14.1+cpu",
    ]
    assert [x.requirement for x in parse_requirements(bom).lines] == ["requests"]


def test_files_that_cannot_be_read_are_bad_input(tmp_path: Path) -> None:
    binary = tmp_path / "requirements.txt"
    binary.write_bytes(b"\x00\x01\x02 torch")
    with pytest.raises(BadInput, match="not a text file"):
        read_requirements([binary])
    with pytest.raises(BadInput, match="does not exist"):
        read_requirements([tmp_path / "nope.txt"])
    with pytest.raises(BadInput, match="is a folder"):
        read_requirements([tmp_path])
    main = write(tmp_path, "-r missing/base.txt\n", "req.txt")
    with pytest.raises(BadInput, match=r"req.txt:1 includes it"):
        read_requirements([main])


def test_includes_are_relative_to_the_including_file_and_read_once(tmp_path: Path) -> None:
    main = write(tmp_path, "-r reqs/base.txt\n-c reqs/pins.txt\nnumpy\n")
    write(tmp_path, "-r ../requirements.txt\n-r more.txt\nrich\n", "reqs/base.txt")
    write(tmp_path, "pandas\n", "reqs/more.txt")
    write(tmp_path, "numpy==2.3.0\n", "reqs/pins.txt")
    files = read_requirements([main])
    assert [f.shown for f in files] == [
        "requirements.txt",
        "reqs/base.txt",
        "reqs/more.txt",
        "reqs/pins.txt",
    ]
    assert [f.constraints for f in files] == [False, False, False, True]


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("requirements.txt", None),
        ("requirements-dev.txt", "dev"),
        ("requirements_dev.txt", "dev"),
        ("dev-requirements.txt", "dev"),
        ("test-requirements.txt", "test"),
        ("requirements/tests.txt", "test"),
        ("requirements/docs.in", "docs"),
        ("requirements-gpu.txt", None),
        ("requirements/base.txt", None),
    ],
)
def test_dev_files_become_dependency_groups(tmp_path: Path, name: str, group: str | None) -> None:
    assert parse_requirements(write(tmp_path, "pytest\n", name)).group == group


PT = "https://download.pytorch.org/whl"
SJTU = "https://mirror.sjtu.edu.cn/pytorch-wheels"


@pytest.mark.parametrize(
    ("url", "found"),
    [
        (f"{PT}/cu121", (PT, "stable", "cu121")),
        (f"{PT}/nightly/cpu/", (PT, "nightly", "cpu")),
        (f"{PT}/torch_stable.html", (PT, "stable", None)),
        (f"{PT}/cu117/torch_stable.html", (PT, "stable", "cu117")),
        (f"{PT}/test/rocm6.2.4", (PT, "test", "rocm6.2.4")),
        (f"{SJTU}/cu126", (SJTU, "stable", "cu126")),
        ("https://pypi.example.com/simple", None),
        ("https://data.pyg.org/whl/torch-2.4.0+cu121.html", None),
        ("./wheels", None),
    ],
)
def test_pytorch_indexes_are_recognised(
    url: str, found: tuple[str, str, str | None] | None
) -> None:
    got = pytorch_index(url)
    assert (None if got is None else (got.base, got.channel, got.variant)) == found


# --- the rules for builds the catalog no longer has -----------------------------------------


@pytest.mark.parametrize(
    ("wanted", "platform", "nearest"),
    [
        ("cu121", "linux-x86_64", ("cu126", "2.14")),  # same CUDA major, newest release with it
        ("cu117", "linux-x86_64", ("cu118", "2.7")),
        ("cu102", "linux-x86_64", ("cu118", "2.7")),  # CUDA 10 is gone: the smallest step up
        ("cu121", "linux-aarch64", ("cu126", "2.14")),
        ("cu140", "linux-x86_64", ("cu132", "2.15")),  # newer than any: the newest below
        ("rocm6.2", "linux-x86_64", ("rocm6.3", "2.9")),
        ("rocm5.4", "linux-x86_64", ("rocm5.6", "2.2")),
        ("rocm6.2", "windows-x86_64", None),  # no ROCm on Windows at all
        ("xpu", "linux-aarch64", None),
    ],
)
def test_nearest_build(wanted: str, platform: str, nearest: tuple[str, str] | None) -> None:
    got = nearest_build(wanted, platform, CATALOG.releases)
    assert (None if got is None else (got[0], got[1].minor)) == nearest


def test_a_build_the_catalog_has_for_the_pinned_torch_is_kept(tmp_path: Path) -> None:
    m = plan(
        tmp_path, "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.4.1+cu121\n"
    )
    assert m.request.targets == ("linux-x86_64=cu121",)
    assert m.request.torch == "2.4.1"
    assert not m.warnings


def test_a_pin_older_than_the_catalog_proposes_the_nearest_current_build(tmp_path: Path) -> None:
    m = plan(
        tmp_path, "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.0+cu121\n"
    )
    assert m.request.targets == ("linux-x86_64=cu126",)
    assert m.request.torch is None  # the plan takes the newest torch that has cu126: 2.14
    text = " ".join(m.warnings)
    assert "torch==2.1.0 is older than every release the catalog has" in text
    assert "cu121" in text and "cu126 (torch 2.14)" in text
    assert "runs on the driver that ran the old build" in text


def test_a_pinned_torch_without_the_build_gets_the_nearest_build_of_that_torch(
    tmp_path: Path,
) -> None:
    m = plan(tmp_path, "torch==2.14.1+cu121\n")
    assert m.request.torch == "2.14.1"
    assert m.request.targets == ("linux-x86_64=cu126",)
    assert "cu121 (requirements.txt:1, torch +cu121) is not built for torch 2.14.1" in m.warnings[0]


def test_a_known_machine_gets_its_recommendation_instead(tmp_path: Path) -> None:
    m = plan(
        tmp_path,
        "-f https://download.pytorch.org/whl/torch_stable.html\ntorch==1.13.1+cu117\n",
        "linux-rtx4090-driver580",
    )
    assert m.request.targets == ("linux-x86_64=cu130",)
    assert any("the recommendation for" in w and "RTX 4090" in w for w in m.warnings)
    cpu_box = plan(tmp_path, "torch==1.13.1+cu117\n", "linux-cpu-only")
    assert cpu_box.request.targets == ("linux-x86_64=cpu",)
    assert any("not a CUDA build" in w for w in cpu_box.warnings)


def test_no_build_named_means_the_recommendation(tmp_path: Path) -> None:
    m = plan(tmp_path, "torch>=2.0\nnumpy\n", "linux-rtx4090-driver580")
    assert m.request.targets == ("linux-x86_64=auto",)
    assert m.request.torch == ">=2.0"
    assert "cu130" in m.targets[0].why


def test_markers_become_per_target_builds_and_macos_takes_pypi(tmp_path: Path) -> None:
    m = plan(
        tmp_path,
        "--extra-index-url https://download.pytorch.org/whl/cu126\n"
        'torch==2.14.1+cu126; sys_platform == "linux"\n'
        'torch==2.14.1; sys_platform == "darwin"\n'
        'torch==2.14.1+cpu; platform_system == "Windows"\n',
    )
    assert m.request.targets == (
        "linux-x86_64=cu126",
        "macos-arm64=default",
        "windows-x86_64=cpu",
    )
    assert m.request.torch == "2.14.1"


def test_flags_win_over_the_files(tmp_path: Path) -> None:
    m = plan(
        tmp_path, "torch==2.14.1+cu126\n", targets=("linux-x86_64=cpu", "macos-arm64"), torch="2.15"
    )
    assert m.request.targets == ("linux-x86_64=cpu", "macos-arm64=default")
    assert m.request.torch == "2.15"


def test_companion_pins_name_the_torch_and_labels_go(tmp_path: Path) -> None:
    m = plan(tmp_path, "torchvision==0.29.1+cu130\ntorchaudio\n")
    assert m.request.torch == "2.14.1"
    assert m.request.companions == ("torchvision", "torchaudio")
    assert m.request.targets == ("linux-x86_64=cu130",)
    assert not m.additions.dependencies


def test_channel_and_mirror_come_from_the_index_urls(tmp_path: Path) -> None:
    nightly = write(
        tmp_path,
        "--pre\n--index-url https://download.pytorch.org/whl/nightly/cu130\ntorch\n",
        "nightly.txt",
    )
    mirror = write(
        tmp_path,
        "--extra-index-url https://mirror.sjtu.edu.cn/pytorch-wheels/cu126\ntorch\n",
        "mirror.txt",
    )
    plain = write(tmp_path, "--extra-index-url http://10.0.0.5/pytorch/cu126\ntorch\n", "http.txt")
    assert index_settings(Request(), read_requirements([nightly])).channel == "nightly"
    got = index_settings(Request(), read_requirements([mirror]))
    assert got.index_base == "https://mirror.sjtu.edu.cn/pytorch-wheels"
    assert (
        index_settings(
            Request(index_base="https://x.example/whl"), read_requirements([mirror])
        ).index_base
        == "https://x.example/whl"
    )
    assert index_settings(Request(), read_requirements([plain])).index_base is None
    m = migrate(Request(), [plain], CATALOG)
    assert "plain http" in outcome(m, 1)[1]


def test_private_index_is_explicit_and_its_credentials_go_nowhere(tmp_path: Path) -> None:
    m = plan(
        tmp_path,
        "--extra-index-url https://deploy:s3cr3t@pypi.example.com/simple\n"
        "--extra-index-url https://${PIP_USER}:${PIP_TOKEN}@gitlab.example.com/api/v4/"
        "projects/7/packages/pypi/simple\nrequests\n",
    )
    assert [(i.name, i.url, i.explicit) for i in m.additions.indexes] == [
        ("pypi-example-com", "https://pypi.example.com/simple", True),
        (
            "gitlab-example-com",
            "https://gitlab.example.com/api/v4/projects/7/packages/pypi/simple",
            True,
        ),
    ]
    words = repr(m.request) + json.dumps(m.to_dict())
    assert "s3cr3t" not in words and "PIP_TOKEN" not in words
    text = " ".join(m.warnings)
    assert "UV_INDEX_PYPI_EXAMPLE_COM_USERNAME and UV_INDEX_PYPI_EXAMPLE_COM_PASSWORD" in text
    assert "dependency-confusion" in text


def test_what_each_option_becomes(tmp_path: Path) -> None:
    m = plan(
        tmp_path,
        "--index-url https://pypi.tuna.tsinghua.edu.cn/simple\n"  # 1
        "--extra-index-url https://pypi.org/simple\n"  # 2
        "--trusted-host pypi.tuna.tsinghua.edu.cn\n"  # 3
        "--trusted-host download.pytorch.org\n"  # 4
        "--require-hashes\n"  # 5
        "--no-binary :all:\n"  # 6
        "--pre\n"  # 7
        "--no-index\n"  # 8
        "-f ./wheels\n"  # 9
        "-r https://example.com/req.txt\n"  # 10
        "torch\n",
    )
    assert [outcome(m, n)[0] for n in range(1, 11)] == [
        "note",
        "dropped",
        "note",
        "dropped",
        "dropped",
        "note",
        "note",
        "manual",
        "manual",
        "manual",
    ]
    assert "UV_DEFAULT_INDEX=https://pypi.tuna.tsinghua.edu.cn/simple" in outcome(m, 1)[1]
    assert "UV_INSECURE_HOST=pypi.tuna.tsinghua.edu.cn" in outcome(m, 3)[1]


def test_other_requirements_dependencies_groups_and_constraints(tmp_path: Path) -> None:
    write(tmp_path, "numpy\npyyaml>=6.0\n", "requirements.txt")
    write(tmp_path, "numpy==2.3.0\nurllib3<2\n", "constraints.txt")
    dev = write(
        tmp_path,
        "-r requirements.txt\n-c constraints.txt\npytest==8.3.4\nnumpy\n"
        "torch-scatter==2.1.2+pt24cu121\n",
        "requirements-dev.txt",
    )
    m = migrate(Request(), [dev], CATALOG)
    assert m.additions.dependencies == ("numpy==2.3.0", "pyyaml>=6.0")
    assert dict(m.additions.groups) == {"dev": ("pytest==8.3.4", "torch-scatter==2.1.2")}
    by_place = {(o.line.shown, o.line.number): o.status for o in m.outcomes}
    assert by_place[("requirements-dev.txt", 4)] == "dropped"  # numpy is a main dependency
    assert by_place[("requirements-dev.txt", 5)] == "rewritten"  # the PyG label goes
    assert by_place[("constraints.txt", 1)] == "kept"  # folded into numpy
    assert by_place[("constraints.txt", 2)] == "manual"  # constraint-dependencies by hand
    assert [p.name for p, _ in m.keep] == ["constraints.txt"]
    assert "No line names torch" in m.warnings[0]


def test_compiled_pins_keep_only_direct_requirements(tmp_path: Path) -> None:
    m = migrate(Request(), [FIXTURES / "pip-compile-hashes" / "requirements.txt"], CATALOG)
    assert m.additions.dependencies == ("numpy==2.3.0", "tqdm==4.67.1")
    dropped = [o.line.requirement for o in m.outcomes if o.status == "dropped"]
    assert "sympy==1.13.1" in dropped and "triton==3.2.0" in dropped
    assert "nvidia-cudnn-cu12==9.5.1.17" in dropped


def test_editables_and_local_paths(tmp_path: Path) -> None:
    m = plan(
        tmp_path,
        "-e .\n-e ./libs/core\n./vendor/tool-1.0-py3-none-any.whl\n"
        "-e git+https://github.com/openai/CLIP.git@main#egg=clip\n"
        "certifi @ file:///croot/certifi_1700501669400/work/certifi\n",
    )
    assert [o.status for o in m.outcomes] == [
        "dropped",
        "manual",
        "manual",
        "rewritten",
        "rewritten",
    ]
    assert m.additions.dependencies == (
        "clip @ git+https://github.com/openai/CLIP.git@main",
        "certifi",
    )
    assert "uv add --editable ./libs/core" in outcome(m, 2)[1]


def test_the_report_names_every_line_and_what_can_be_deleted(tmp_path: Path) -> None:
    m = migrate(Request(), [FIXTURES / "messy" / "requirements.txt"], CATALOG)
    text = migration_text(m)
    for n in (3, 4, 6, 8, 9, 10, 13):
        assert f"requirements.txt:{n} " in text
    assert "not understood and not migrated: requirements.txt:3, requirements.txt:4" in text
    assert "dropped: scipy is already listed at requirements.txt:5" in text
    assert all(len(line) <= 100 for line in text.splitlines() if not line.startswith("  requ"))
    assert "Keep requirements.txt until lines 3, 4, 6, 8, 9, 10, 13 are handled" in deletion_text(m)


# --- every fixture, migrated and locked end to end -------------------------------------------


@dataclass
class Case:
    files: tuple[str, ...]
    hardware: str
    torch: dict[str, str]  # platform -> torch version it installs
    installs: dict[str, str] = field(default_factory=dict)  # more packages, on the first target
    absent: tuple[str, ...] = ()  # packages no target installs
    statuses: dict[str, str] = field(default_factory=dict)  # "file:line" -> status
    output: tuple[str, ...] = ()  # words the report must say
    keep: tuple[str, ...] = ()  # files the summary says to keep for now
    dev: tuple[str, ...] = ()  # the dev group written


CASES: dict[str, Case] = {
    "sd-webui": Case(
        ("requirements_versions.txt",),
        "linux-rtx4090-driver580",
        {"linux-x86_64": "2.15.0+cu130"},
        {
            "pillow": "9.5.0",
            "numpy": "1.26.2",
            "transformers": "4.30.2",
            "kornia": "0.6.7",
            "gitpython": "3.1.32",
            "pytorch-lightning": "1.9.4",
            "open-clip-torch": "2.20.0",
        },
        statuses={"requirements_versions.txt:26": "torch"},
        output=("the recommendation for the machine decides",),
    ),
    "yolov5": Case(
        ("requirements.txt",),
        "linux-cpu-only",
        {"linux-x86_64": "2.14.1+cpu"},
        {
            "torchvision": "0.29.1+cpu",
            "opencv-python": "4.10.0.84",
            "ultralytics": "8.3.40",
            "seaborn": "0.13.2",
            "pillow": "11.0.0",
            "pyyaml": "6.0.2",
        },
        absent=("nvidia-cuda-runtime",),
    ),
    "torch-stable-cu117": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver550",
        {"linux-x86_64": "2.14.1+cu126"},
        {
            "torchvision": "0.29.1+cu126",
            "torchaudio": "2.11.0+cu126",
            "numpy": "1.24.4",
            "opencv-python": "4.7.0.72",
            "tqdm": "4.65.0",
            "tensorboard": "2.12.0",
        },
        statuses={"requirements.txt:3": "torch", "requirements.txt:4": "torch"},
        output=(
            "torch==1.13.1 is older than every release",
            "cu117",
            "the recommendation for Linux x86_64",
            "is cu126.",
        ),
    ),
    "ci-cpu": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver580",  # the file's cpu build is kept
        {"linux-x86_64": "2.14.1+cpu"},
        {"torchvision": "0.29.1+cpu", "numpy": "2.3.0", "pytest": "8.3.4"},
        statuses={"requirements.txt:2": "torch", "requirements.txt:3": "dropped"},
        output=("pip took every package from it",),
    ),
    "rocm": Case(
        ("requirements.txt",),
        "linux-rx7900xtx",
        {"linux-x86_64": "2.14.1+rocm7.2"},
        {
            "pytorch-triton-rocm": "3.6.0",
            "torchvision": "0.29.1+rocm7.2",
            "numpy": "1.26.4",
            "pyyaml": "6.0.2",
        },
        statuses={"requirements.txt:6": "dropped"},  # pytorch-triton-rocm==3.1.0
        output=("rocm6.2", "rocm7.2"),
    ),
    "team-markers": Case(
        ("requirements.txt",),
        "macbook-m3-max",  # no machine for Linux: the nearest build
        {"linux-x86_64": "2.14.1+cu126", "macos-arm64": "2.14.1"},
        {"torchvision": "0.29.1+cu126", "numpy": "1.26.4", "pandas": "2.2.3"},
        output=(
            "the nearest that is, cu126 (torch 2.14)",
            "runs on the driver that ran the old build",
        ),
    ),
    "pip-compile-hashes": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver550",
        {"linux-x86_64": "2.14.1+cu126"},
        {"numpy": "2.3.0", "tqdm": "4.67.1"},
        absent=("sympy", "jinja2", "setuptools", "triton"),
        statuses={
            "requirements.txt:9": "dropped",
            "requirements.txt:34": "kept",
            "requirements.txt:41": "dropped",
            "requirements.txt:60": "torch",
        },
        output=("hashes dropped", "pinned only because torch needs it"),
    ),
    "includes": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver580",
        {"linux-x86_64": "2.14.1+cu130"},
        {
            "torchvision": "0.29.1+cu130",
            "numpy": "2.3.0",
            "fastapi": "0.115.5",
            "rich": "13.9.4",
            "requests": "2.32.3",
            "pandas": "2.2.3",
            "pyyaml": "6.0.2",
        },
        statuses={
            "requirements.txt:3": "included",
            "requirements.txt:4": "included",
            "base.txt:1": "included",
            "common/io.txt:2": "kept",
            "constraints.txt:2": "torch",
            "constraints.txt:4": "kept",
            "constraints.txt:5": "manual",
        },
        output=("folded into base.txt:2 (numpy==2.3.0)",),
        keep=("constraints.txt",),
    ),
    "dev-group": Case(
        ("requirements.txt", "requirements-dev.txt"),
        "linux-rtx4090-driver580",
        {"linux-x86_64": "2.14.1+cu130"},
        {"transformers": "4.47.0", "torchmetrics": "1.6.0", "pytest": "8.3.4"},
        dev=("pytest==8.3.4", "ruff==0.8.0", "pre-commit==4.0.1"),
    ),
    "compvis-editable": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver580",
        {"linux-x86_64": "2.14.1+cu130"},
        {
            "torchvision": "0.29.1+cu130",
            "clip": "1.0",
            "taming-transformers": "0.0.1",
            "albumentations": "0.4.3",
            "kornia": "0.6",
            "torchmetrics": "0.6.0",
        },
        statuses={
            "requirements.txt:13": "rewritten",
            "requirements.txt:14": "rewritten",
            "requirements.txt:15": "manual",
            "requirements.txt:16": "manual",
            "requirements.txt:17": "dropped",
        },
        output=("uv add --editable ./vendor/ldm-extras",),
        keep=("requirements.txt",),
    ),
    "private-mirror": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver550",
        {"linux-x86_64": "2.14.1+cu126"},
        {"requests": "2.32.3", "rich": "13.9.4"},
        statuses={"requirements.txt:2": "kept", "requirements.txt:3": "note"},
        output=(
            "UV_INDEX_PYPI_EXAMPLE_COM_USERNAME",
            "UV_INDEX_PYPI_EXAMPLE_COM_PASSWORD",
            "dependency-confusion",
        ),
    ),
    "nightly": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver580",
        {"linux-x86_64": "2.16.0.dev20261120+cu130"},
        {"pytorch-triton": "3.7.0+git1234abcd", "numpy": "2.3.0"},
        statuses={"requirements.txt:2": "torch", "requirements.txt:3": "torch"},
    ),
    "messy": Case(
        ("requirements.txt",),
        "linux-cpu-only",
        {"linux-x86_64": "2.14.1+cpu"},
        {
            "numpy": "2.3.0",
            "scipy": "1.14.1",
            "pillow": "11.0.0",
            "rich": "13.9.4",
            "requests": "2.32.3",
        },
        statuses={f"requirements.txt:{n}": "unknown" for n in (3, 4, 6, 8, 9, 10, 13)},
        output=(
            "requirements.txt:9",
            "did you mean pandas==2.2.3?",
            "not understood and not migrated",
        ),
        keep=("requirements.txt",),
    ),
    "windows-cuda": Case(
        ("requirements.txt",),
        "windows-rtx3060",
        {"windows-x86_64": "2.14.1+cu126"},
        {"torchaudio": "2.11.0+cu126", "pywin32": "306", "colorama": "0.4.6"},
    ),
    "colab-wheel-urls": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver580",
        {"linux-x86_64": "2.14.1+cu130"},
        {"torchvision": "0.29.1+cu130", "numpy": "1.26.4", "matplotlib": "3.8.4"},
        statuses={"requirements.txt:2": "torch", "requirements.txt:3": "torch"},
        output=("the URL becomes a version from the PyTorch index", "cu118"),
    ),
    "pyg": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver580",
        {"linux-x86_64": "2.15.0+cu130"},
        {"torch-geometric": "2.5.3", "torch-scatter": "2.1.2", "torch-sparse": "0.6.18"},
        statuses={"requirements.txt:3": "manual", "requirements.txt:6": "rewritten"},
        output=("torch 2.4.0+cu121", "compiled against one torch build"),
        keep=("requirements.txt",),
    ),
    "conda-freeze": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver550",
        {"linux-x86_64": "2.14.1+cu126"},
        {
            "certifi": "2024.8.30",
            "idna": "3.10",
            "requests": "2.32.3",
            "numpy": "1.26.4",
            "charset-normalizer": "3.4.0",
        },
        absent=("nvidia-cublas-cu12", "triton"),
        statuses={
            "requirements.txt:1": "rewritten",
            "requirements.txt:5": "dropped",
            "requirements.txt:10": "dropped",
        },
        output=("conda's `pip freeze`",),
    ),
    "powershell-freeze": Case(
        ("requirements.txt",),
        "windows-rtx3060",
        {"windows-x86_64": "2.14.1+cpu"},
        {"numpy": "2.3.0", "requests": "2.32.3", "tqdm": "4.67.1"},
    ),
    "china-mirror": Case(
        ("requirements.txt",),
        "linux-rtx4090-driver550",
        {"linux-x86_64": "2.14.1+cu126"},
        {"transformers": "4.47.0"},
        statuses={
            "requirements.txt:2": "note",
            "requirements.txt:3": "note",
            "requirements.txt:4": "torch",
        },
        output=("--index-base", "wins over this mirror", "UV_DEFAULT_INDEX="),
    ),
    "xpu-arc": Case(
        ("requirements.txt",),
        "linux-arc-b580",
        {"linux-x86_64": "2.14.1+xpu"},
        {"pytorch-triton-xpu": "3.6.0", "numpy": "2.3.0"},
        statuses={"requirements.txt:5": "dropped"},
    ),
}


@pytest.fixture
def env(uv_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = dict(uv_env)
    e["TORCH_WIZARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("wcache"))
    e["UV_HTTP_RETRIES"] = "0"
    return e


def local_git_repos(folder: Path, requirements: Path) -> None:
    """github.com is out of reach: serve the VCS requirements from local repositories."""
    text = requirements.read_text()
    for owner, name, branch, project in (
        ("CompVis", "taming-transformers", "master", "taming-transformers"),
        ("openai", "CLIP", "main", "clip"),
    ):
        repo = folder / owner / f"{name}.git"
        (repo / "src").mkdir(parents=True)
        (repo / "pyproject.toml").write_text(
            f'[project]\nname = "{project}"\nversion = "{"1.0" if project == "clip" else "0.0.1"}"'
            '\ndependencies = []\n[build-system]\nrequires = ["hatchling"]\n'
            'build-backend = "hatchling.build"\n'
        )
        git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
        subprocess.run([*git, "init", "-q", "-b", branch], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "stub"], check=True)
    requirements.write_text(text.replace("https://github.com/", f"file://{folder}/"))


def installed(folder: Path, platform: str, env: dict[str, str]) -> dict[str, str]:
    """`installs` (what `uv export` says a platform installs), also for VCS requirements.

    `uv export` writes those as `name @ git+...`, without a version: it comes from uv.lock.
    """
    try:
        return installs(folder, platform, env)
    except ValueError:  # a `name @ URL` line has no version to unpack
        pass
    from packaging.requirements import Requirement

    from wizard.platforms import PLATFORMS

    lock = {
        p["name"]: p["version"] for p in tomllib.loads((folder / "uv.lock").read_text())["package"]
    }
    out = subprocess.run(
        [
            "uv",
            "export",
            "--frozen",
            "--no-hashes",
            "--no-emit-project",
            "--no-header",
            "--no-annotate",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    p = PLATFORMS[platform]
    system = {"linux": "Linux", "macos": "Darwin", "windows": "Windows"}[p.os]
    marker_env = {
        "sys_platform": p.sys_platform,
        "platform_machine": p.platform_machine,
        "platform_system": system,
        "python_version": "3.12",
        "extra": "",
        "python_full_version": "3.12.0",
        "os_name": "nt" if p.os == "windows" else "posix",
    }
    found = {}
    for line in out.splitlines():
        if line.strip() and not line.startswith(("#", "-", " ")):
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate(marker_env):
                found[req.name] = next((x.version for x in req.specifier), lock[req.name])
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("name", list(CASES))
def test_fixture_migrates_and_locks(
    name: str, tmp_path: Path, env: dict[str, str], fake_index: object
) -> None:
    case = CASES[name]
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    if name == "compvis-editable":
        local_git_repos(tmp_path / "git", project / "requirements.txt")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    base = fake_index.base_url  # type: ignore[attr-defined]
    args = ["--yes", "--json", "--index-base", base, "--hardware", profile(case.hardware)]
    for f in case.files:
        args += ["--from", f]
    run = run_wizard(args, project, env)
    assert run.code == 0, run.err
    result = run.json()
    report = result["migration"]

    # The requirements files are left as they were.
    assert {p: p.read_bytes() for p in before} == before
    # Each target installs the torch build expected, and the rest of the requirements.
    for platform, version in case.torch.items():
        got = installed(project, platform, env)
        assert got.get("torch") == version, (platform, got)
    first = installed(project, next(iter(case.torch)), env)
    for package, version in case.installs.items():
        assert first.get(package) == version, (package, first)
    everywhere = {p for platform in case.torch for p in installed(project, platform, env)}
    assert not everywhere & set(case.absent)
    # Every line is reported once, with its file and number.
    places = [(line["file"], line["line"]) for line in report["lines"]]
    files = read_requirements([project / f for f in case.files])
    assert sorted(places) == sorted((f.shown, x.number) for f in files for x in f.lines)
    statuses = {f"{line['file']}:{line['line']}": line["status"] for line in report["lines"]}
    for where, status in case.statuses.items():
        assert statuses.get(where) == status, (where, statuses.get(where))
    said = " ".join(run.err.split())  # the report wraps long lines
    for words in case.output:
        assert words in said, words
    assert [Path(k["file"]).name for k in report["keep"]] == list(case.keep)
    assert "The requirements files were left in place" in run.err
    doc = tomllib.loads((project / "pyproject.toml").read_text())
    if case.dev:
        assert doc["dependency-groups"]["dev"] == list(case.dev)
    # No credentials in any file the wizard wrote.
    for written in ("pyproject.toml", "uv.lock"):
        assert "s3cr3t" not in (project / written).read_text()


@pytest.mark.e2e
def test_private_index_is_written_explicit_and_a_second_run_changes_nothing(
    tmp_path: Path, env: dict[str, str], fake_index: object
) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "private-mirror", project)
    base = fake_index.base_url  # type: ignore[attr-defined]
    args = [
        "--yes",
        "--index-base",
        base,
        "--hardware",
        profile("linux-rtx4090-driver550"),
        "--from",
        "requirements.txt",
    ]
    first = run_wizard(args, project, env)
    assert first.code == 0, first.err
    doc = tomllib.loads((project / "pyproject.toml").read_text())
    assert {
        "name": "pypi-example-com",
        "url": "https://pypi.example.com/simple",
        "explicit": True,
    } in doc["tool"]["uv"]["index"]
    assert doc["project"]["dependencies"][-2:] == ["requests==2.32.3", "rich==13.9.4"]
    pyproject, lock = (project / "pyproject.toml").read_bytes(), (project / "uv.lock").read_bytes()
    second = run_wizard(args, project, env)
    assert second.code == 0, second.err
    assert "Nothing to change." in second.out
    assert (project / "pyproject.toml").read_bytes() == pyproject
    assert (project / "uv.lock").read_bytes() == lock


@pytest.mark.e2e
def test_dry_run_reports_the_migration_and_writes_nothing(
    tmp_path: Path, env: dict[str, str], fake_index: object
) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "team-markers", project)
    base = fake_index.base_url  # type: ignore[attr-defined]
    run = run_wizard(
        [
            "--dry-run",
            "--index-base",
            base,
            "--hardware",
            profile("macbook-m3-max"),
            "--from",
            "requirements.txt",
        ],
        project,
        env,
    )
    assert run.code == 0, run.err
    assert "requirements.txt:3" in run.out and "cu126" in run.out
    assert sorted(p.name for p in project.iterdir()) == ["requirements.txt"]


def test_a_projects_own_requirement_stays_and_the_differing_pin_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.cli import main

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "m"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["numpy>=1.26", "rich"]\n'
    )
    write(tmp_path, "torch==2.14.1\nnumpy<2\nrich\nrequests\n")
    args = ["--yes", "--no-lock", "--offline", "--json", "-C", str(tmp_path)]
    args += ["--from", str(tmp_path / "requirements.txt"), "--hardware", profile("linux-cpu-only")]
    assert main(args) == 0
    captured = capsys.readouterr()
    text = " ".join(captured.err.split())
    assert (
        "by hand: [project].dependencies already has numpy>=1.26, which stays (not written: "
        "change it by hand if numpy<2 is what the project needs)" in text
    )
    assert "kept: [project].dependencies already has rich" in text
    assert "Keep requirements.txt until line 2 is handled" in text
    assert "can be deleted" not in text
    deps = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "numpy>=1.26" in deps and "rich" in deps and "requests" in deps
    assert not [d for d in deps if d.startswith("numpy<")]
    migrated = json.loads(captured.out)["migration"]["dependencies"]
    assert "requests" in migrated and not [d for d in migrated if d.startswith("numpy")]


def test_torch_lines_keep_their_extras_and_python_markers_give_way_to_requires_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.cli import main

    write(
        tmp_path,
        "--extra-index-url https://download.pytorch.org/whl/cu126\n"
        'torch[opt-einsum]==2.14.1+cu126 ; python_version >= "3.11"\n'
        'torchvision==0.29.1+cu126; python_version >= "3.12"\n',
    )
    args = ["--yes", "--no-lock", "--offline", "-C", str(tmp_path)]
    args += ["--from", str(tmp_path / "requirements.txt")]
    args += ["--hardware", profile("linux-rtx4090-driver550")]
    assert main(args) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert 'keeps [opt-einsum], python_version >= "3.11" gives way to requires-python' in text
    deps = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["dependencies"]
    linux = "sys_platform == 'linux' and platform_machine == 'x86_64'"
    # on every Python requires-python allows: a torch line for 3.11+ only would leave 3.10 a
    # torch from PyPI (pulled in by torchvision), not the cu126 build
    assert f"torch[opt-einsum]==2.14.1+cu126 ; {linux}" in deps
    assert f"torchvision==0.29.1+cu126 ; {linux}" in deps
    written = (tmp_path / "pyproject.toml").read_bytes()
    assert main(args) == 0  # a second run changes nothing
    assert (tmp_path / "pyproject.toml").read_bytes() == written
