"""The fake PyTorch index itself: its wheels are real, its pages speak PEP 503 / 691, and the
real ``uv lock`` accepts it."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.fixtures.fake_index import FakeIndex

JSON = "application/vnd.pypi.simple.v1+json"


def get(url: str, accept: str = "text/html") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers.get("Content-Type", ""), e.read()


def test_world_is_built_quickly_and_fully(fake_index: FakeIndex) -> None:
    world = fake_index.world
    assert world.build_seconds < 5
    names = {w.filename for p in world.wheels.values() for files in p.values() for w in files}
    for expected in (
        "torch-2.15.0+cu130-cp312-cp312-manylinux_2_28_x86_64.whl",
        "torch-2.15.0+cpu-cp312-cp312-win_amd64.whl",
        "torch-2.15.0-cp312-none-macosx_14_0_arm64.whl",
        "torchvision-0.29.1+cu130-cp312-cp312-manylinux_2_28_x86_64.whl",
        "pytorch_triton_rocm-3.6.0-cp312-cp312-linux_x86_64.whl",
        "torch-2.14.0+df56172-cp312-cp312-manylinux_2_28_x86_64.whl",
        "torch-2.16.0.dev20261120+rocm7.2-cp312-cp312-manylinux_2_28_x86_64.whl",
        "pytorch_triton_rocm-3.7.0+git1234abcd-cp312-cp312-linux_x86_64.whl",
        "torch-2.16.0+xpu-cp313-cp313-win_amd64.whl",
        "numpy-2.3.0-py3-none-any.whl",
    ):
        assert expected in names
    assert not any(n.startswith("torch-2.15.0+cu126") for n in names)  # no CUDA 12 for 2.15
    assert not any(n.startswith("torch-2.15.0") and "cp310" in n for n in names)
    assert not any(n.startswith("torchvision-0.30") for n in names)
    assert world.files("cu132", "torchaudio") is None
    assert world.files("rocm7.2", "torch") and all(
        "x86_64" in w.filename for w in world.files("rocm7.2", "torch") or []
    )


def test_stub_wheel_is_a_real_wheel(fake_index: FakeIndex) -> None:
    wheel = fake_index.world.wheel(
        "rocm7.2", "torch-2.14.1+rocm7.2-cp312-cp312-manylinux_2_28_x86_64.whl"
    )
    assert wheel is not None
    with zipfile.ZipFile(wheel.path) as zf:
        names = zf.namelist()
        info = "torch-2.14.1+rocm7.2.dist-info"
        assert {"torch/__init__.py", f"{info}/METADATA", f"{info}/WHEEL", f"{info}/RECORD"} <= set(
            names
        )
        metadata = zf.read(f"{info}/METADATA").decode()
        assert "Version: 2.14.1+rocm7.2" in metadata
        assert 'Requires-Dist: pytorch-triton-rocm==3.6.0; platform_system == "Linux"' in metadata
        assert "Tag: cp312-cp312-manylinux_2_28_x86_64" in zf.read(f"{info}/WHEEL").decode()
        for line in zf.read(f"{info}/RECORD").decode().splitlines():
            path, digest, size = line.split(",")
            if digest:
                data = zf.read(path)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
                assert digest == "sha256=" + expected.decode() and int(size) == len(data)
    assert metadata.encode() == wheel.metadata


def test_html_page(fake_index: FakeIndex) -> None:
    status, content_type, body = get(f"{fake_index.base_url}/cu130/torch/")
    assert status == 200 and content_type.startswith("text/html")
    page = body.decode()
    assert (
        'href="/whl/cu130/torch-2.15.0%2Bcu130-cp312-cp312-manylinux_2_28_x86_64.whl#sha256='
        in page
    )
    assert 'data-requires-python="&gt;=3.11"' in page
    assert 'data-core-metadata="sha256=' in page and 'data-dist-info-metadata="sha256=' in page


def test_json_page_and_files(fake_index: FakeIndex) -> None:
    status, content_type, body = get(f"{fake_index.pypi_url}/torch/", JSON)
    assert status == 200 and content_type == JSON
    doc = json.loads(body)
    assert doc["meta"]["api-version"] == "1.1" and doc["name"] == "torch"
    entry = next(
        f
        for f in doc["files"]
        if f["filename"] == "torch-2.15.0-cp312-cp312-manylinux_2_28_x86_64.whl"
    )
    assert entry["requires-python"] == ">=3.11"
    _, _, wheel = get(fake_index.root_url + entry["url"])
    assert hashlib.sha256(wheel).hexdigest() == entry["hashes"]["sha256"]
    assert len(wheel) == entry["size"]
    _, _, metadata = get(fake_index.root_url + entry["url"] + ".metadata")
    assert hashlib.sha256(metadata).hexdigest() == entry["core-metadata"]["sha256"]
    assert b"Requires-Dist: nvidia-cuda-runtime==13.0.96" in metadata
    fake_index.html_only = True
    assert get(f"{fake_index.pypi_url}/torch/", JSON)[1].startswith("text/html")


def test_project_lists(fake_index: FakeIndex) -> None:
    assert b'href="torchaudio/"' in get(f"{fake_index.base_url}/cu130/")[2]
    assert b'href="pytorch-triton-rocm/"' in get(f"{fake_index.base_url}/nightly/rocm7.2/")[2]
    names = {p["name"] for p in json.loads(get(f"{fake_index.pypi_url}/", JSON)[2])["projects"]}
    assert {"torch", "numpy", "torchmetrics", "nvidia-cudnn-cu13"} <= names


def test_unknown_is_forbidden(fake_index: FakeIndex) -> None:
    assert get(f"{fake_index.base_url}/cu132/torchaudio/")[0] == 403
    assert get(f"{fake_index.base_url}/cu999/torch/")[0] == 403
    assert get(f"{fake_index.base_url}/cpu/torch-9.9.9-py3-none-any.whl")[0] == 403


def test_knobs_and_request_log(fake_index: FakeIndex) -> None:
    fake_index.fail = True
    assert get(f"{fake_index.base_url}/cpu/torch/")[0] == 500
    fake_index.fail = False
    with fake_index.configured(delay=0.3):
        started = time.monotonic()
        assert get(f"{fake_index.base_url}/cpu/torch/")[0] == 200
        assert time.monotonic() - started >= 0.3
    assert fake_index.delay == 0
    assert fake_index.requests == ["/whl/cpu/torch/", "/whl/cpu/torch/"]


# --------------------------------------------------------------------------------------------
# The real uv
# --------------------------------------------------------------------------------------------

needs_uv = pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")


def uv(args: list[str], project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["uv", *args], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )


@needs_uv
def test_real_uv_lock(fake_index: FakeIndex, uv_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f"""\
[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["torch>=2.15,<2.16"]

[[tool.uv.index]]
name = "pytorch-cpu"
url = "{fake_index.base_url}/cpu"
explicit = true

[tool.uv.sources]
torch = [{{ index = "pytorch-cpu", marker = "sys_platform == 'linux'" }}]
"""
    )
    started = time.monotonic()
    result = uv(["lock"], tmp_path, uv_env)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    lock = (tmp_path / "uv.lock").read_text()
    assert 'version = "2.15.0+cpu"' in lock
    assert f'source = {{ registry = "{fake_index.base_url}/cpu" }}' in lock
    assert (
        f"{fake_index.base_url}/cpu/torch-2.15.0%2Bcpu-cp312-cp312-manylinux_2_28_x86_64.whl"
        in lock
    )
    assert (
        f"{fake_index.pypi_url.removesuffix('/simple')}/files/torch-2.15.0-cp312-none-macosx_14_0_arm64.whl"
        in lock
    )
    assert "nvidia" not in lock  # Linux takes the CPU build, so no CUDA wheels
    assert "/whl/cpu/torch/" in fake_index.requests and "/pypi/simple/torch/" in fake_index.requests
    assert elapsed < 30


@needs_uv
def test_real_uv_sync_installs_stub(
    fake_index: FakeIndex, uv_env: dict[str, str], tmp_path: Path
) -> None:
    fake_index.html_only = True  # as download.pytorch.org
    (tmp_path / "pyproject.toml").write_text(
        f"""\
[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["torch==2.14.1", "torchvision", "pytorch-triton-rocm; sys_platform == 'linux'"]

[[tool.uv.index]]
name = "pytorch-rocm7-2"
url = "{fake_index.base_url}/rocm7.2"
explicit = true

[tool.uv.sources]
torch = [{{ index = "pytorch-rocm7-2", marker = "sys_platform == 'linux'" }}]
torchvision = [{{ index = "pytorch-rocm7-2", marker = "sys_platform == 'linux'" }}]
pytorch-triton-rocm = [{{ index = "pytorch-rocm7-2", marker = "sys_platform == 'linux'" }}]
"""
    )
    result = uv(["sync"], tmp_path, uv_env)
    assert result.returncode == 0, result.stderr
    assert "torch==2.14.1+rocm7.2" in result.stderr
    assert "pytorch-triton-rocm==3.6.0" in result.stderr
    probe = (
        "import torch, torchvision;"
        "print(torch.__version__, torch.version.hip, torchvision.__version__)"
    )
    result = uv(["run", "--no-sync", "python", "-c", probe], tmp_path, uv_env)
    assert result.stdout.split() == ["2.14.1+rocm7.2", "7.2", "0.29.1+rocm7.2"], result.stderr
