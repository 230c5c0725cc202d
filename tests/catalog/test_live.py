"""The live index reader (wizard/catalog/live.py) and its cache, against the fake index."""

from __future__ import annotations

import json
import pickle
import socket
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fixtures.fake_index import FakeIndex
from wizard.catalog import cache as cache_mod
from wizard.catalog.cache import AnswerCache, cache_dir, url_without_credentials
from wizard.catalog.live import (
    IndexUnreachable,
    WheelFile,
    fetch_files,
    fetch_many,
    fetch_metadata_requires,
    parse_html,
    parse_json,
    wheel_file,
)


def by_name(files: list[WheelFile]) -> dict[str, WheelFile]:
    return {f.filename: f for f in files}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------------------------
# Reading project pages: JSON and HTML
# --------------------------------------------------------------------------------------------


def test_json_answer(fake_index: FakeIndex) -> None:
    files = by_name(fetch_files(fake_index.url("cu130"), "torch"))
    wheel = files["torch-2.15.0+cu130-cp312-cp312-manylinux_2_28_x86_64.whl"]
    assert wheel.project == "torch"
    assert (wheel.version, wheel.public_version, wheel.local) == ("2.15.0+cu130", "2.15.0", "cu130")
    assert wheel.python_tags == ("cp312",)
    assert wheel.abi_tags == ("cp312",)
    assert wheel.platform_tags == ("manylinux_2_28_x86_64",)
    assert (
        wheel.url
        == f"{fake_index.base_url}/cu130/torch-2.15.0%2Bcu130-cp312-cp312-manylinux_2_28_x86_64.whl"
    )
    assert wheel.size is not None and wheel.size > 0  # only PEP 691 JSON carries sizes
    assert wheel.requires_python == ">=3.11"
    assert wheel.sha256 is not None and len(wheel.sha256) == 64
    assert wheel.core_metadata and wheel.core_metadata_sha256
    assert fake_index.requests == ["/whl/cu130/torch/"]
    assert "application/vnd.pypi.simple.v1+json" in fake_index.request_headers[0]["Accept"]


def test_html_answer(fake_index: FakeIndex) -> None:
    fake_index.html_only = True
    files = by_name(fetch_files(fake_index.url("cu130"), "torch"))
    wheel = files["torch-2.15.0+cu130-cp312-cp312-manylinux_2_28_x86_64.whl"]
    assert wheel.size is None  # HTML has no sizes: proves the HTML path was taken
    assert wheel.version == "2.15.0+cu130"
    assert wheel.requires_python == ">=3.11"  # &gt; unescaped
    assert wheel.url.endswith(
        "/whl/cu130/torch-2.15.0%2Bcu130-cp312-cp312-manylinux_2_28_x86_64.whl"
    )
    assert wheel.sha256 is not None and len(wheel.sha256) == 64
    assert wheel.core_metadata and wheel.core_metadata_sha256


def test_json_and_html_agree(fake_index: FakeIndex) -> None:
    as_json = fetch_files(fake_index.url("rocm7.2"), "torch", use_cache=False)
    fake_index.html_only = True
    as_html = fetch_files(fake_index.url("rocm7.2"), "torch", use_cache=False)
    assert [replace(f, size=None) for f in as_json] == as_html
    assert len(as_json) == 14  # 2.14.0, 2.14.1 x cp310-314; 2.15.0 x cp311-314; linux x86_64


def test_label_less_macos_wheels(fake_index: FakeIndex) -> None:
    files = by_name(fetch_files(fake_index.url("cpu"), "torch"))
    mac = files["torch-2.15.0-cp312-none-macosx_14_0_arm64.whl"]
    assert (mac.version, mac.local) == ("2.15.0", None)
    assert mac.abi_tags == ("none",)
    assert mac.platform_tags == ("macosx_14_0_arm64",)
    win = files["torch-2.15.0+cpu-cp312-cp312-win_amd64.whl"]
    assert win.local == "cpu"


def test_plain_and_labelled_versions_side_by_side(fake_index: FakeIndex) -> None:
    files = fetch_files(fake_index.url("cpu"), "torchvision")
    assert {f.version for f in files} == {"0.29.0", "0.29.0+cpu", "0.29.1", "0.29.1+cpu"}
    plain_platforms = {f.platform_tags[0] for f in files if f.local is None}
    assert plain_platforms == {"manylinux_2_28_aarch64", "macosx_14_0_arm64"}
    labelled_platforms = {f.platform_tags[0] for f in files if f.local == "cpu"}
    assert labelled_platforms == {"manylinux_2_28_x86_64", "win_amd64"}


def test_stray_label(fake_index: FakeIndex) -> None:
    stray = [f for f in fetch_files(fake_index.url("cu130"), "torch") if f.local == "df56172"]
    assert len(stray) == 1
    assert (stray[0].version, stray[0].public_version) == ("2.14.0+df56172", "2.14.0")


def test_compressed_tag_sets_and_pure_wheels(fake_index: FakeIndex) -> None:
    files = by_name(fetch_files(fake_index.pypi_url, "nvidia-cudnn-cu13"))
    wheel = files[
        "nvidia_cudnn_cu13-9.13.0.50-py3-none-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl"
    ]
    assert wheel.project == "nvidia-cudnn-cu13"
    assert wheel.python_tags == ("py3",)
    assert wheel.platform_tags == ("manylinux_2_27_x86_64", "manylinux_2_28_x86_64")


def test_project_name_is_normalised(fake_index: FakeIndex) -> None:
    files = fetch_files(fake_index.url("rocm7.2") + "/", "PyTorch_Triton.ROCm")
    assert {f.project for f in files} == {"pytorch-triton-rocm"}
    assert {f.version for f in files} == {"3.6.0"}
    assert fake_index.requests == ["/whl/rocm7.2/pytorch-triton-rocm/"]


def test_nightly_and_test_channels(fake_index: FakeIndex) -> None:
    nightly = fetch_files(fake_index.url("nightly/cu130"), "torch")
    assert {f.version for f in nightly} == {"2.16.0.dev20261120+cu130"}
    assert {f.public_version for f in nightly} == {"2.16.0.dev20261120"}
    rc = fetch_files(fake_index.url("test/cu130"), "torch")
    assert {f.version for f in rc} == {"2.16.0+cu130"}


@pytest.mark.parametrize(
    ("index", "project"), [("cu132", "torchaudio"), ("cu130", "nope"), ("cu999", "torch")]
)
def test_missing_project_is_empty(fake_index: FakeIndex, index: str, project: str) -> None:
    assert fetch_files(fake_index.url(index), project) == []


# --------------------------------------------------------------------------------------------
# Failures
# --------------------------------------------------------------------------------------------


def test_closed_port_fails_fast() -> None:
    url = f"http://127.0.0.1:{closed_port()}/whl/cu130"
    started = time.monotonic()
    with pytest.raises(IndexUnreachable) as caught:
        fetch_files(url, "torch", timeout=5.0)
    assert time.monotonic() - started < 2.0
    assert caught.value.connection_failed
    assert "refused" in str(caught.value)
    assert f"{url}/torch/" in str(caught.value)


def test_server_error(fake_index: FakeIndex) -> None:
    fake_index.fail = True
    with pytest.raises(IndexUnreachable, match="HTTP 500") as caught:
        fetch_files(fake_index.url("cpu"), "torch")
    assert not caught.value.connection_failed


def test_invalid_url() -> None:
    with pytest.raises(IndexUnreachable, match="not a valid"):
        fetch_files("notascheme://x/whl", "torch")


def test_slow_server_honours_timeout(fake_index: FakeIndex) -> None:
    fake_index.delay = 3.0
    started = time.monotonic()
    with pytest.raises(IndexUnreachable, match=r"no answer within 0\.3 s") as caught:
        fetch_files(fake_index.url("cpu"), "torch", timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert caught.value.connection_failed


def test_fetch_many_slow_costs_one_timeout(fake_index: FakeIndex) -> None:
    fake_index.delay = 3.0
    variants = [
        "cpu",
        "cu126",
        "cu130",
        "cu132",
        "rocm7.2",
        "xpu",
        "nightly/cpu",
        "test/cpu",
        "nightly/xpu",
        "test/xpu",
    ]
    asks = [(fake_index.url(v), p) for v in variants for p in ("torch", "torchvision")]
    assert len(asks) == 20
    started = time.monotonic()
    results = fetch_many(asks, timeout=0.5)  # 8 workers
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, elapsed  # one 0.5 s time-out, not twenty (10 s)
    assert set(results) == set(asks)
    assert all(isinstance(r, IndexUnreachable) for r in results.values())
    assert all(f"{i}/{p}/" in str(results[(i, p)]) for i, p in asks)


def test_fetch_many_in_parallel_with_enough_workers(fake_index: FakeIndex) -> None:
    fake_index.delay = 0.4
    asks = [
        (fake_index.url(v), "torch") for v in ("cpu", "cu126", "cu130", "cu132", "rocm7.2", "xpu")
    ]
    started = time.monotonic()
    results = fetch_many(asks, timeout=5.0, max_workers=8)
    elapsed = time.monotonic() - started
    assert elapsed < 1.5, elapsed  # serial would take 2.4 s
    assert all(isinstance(r, list) and r for r in results.values())


def test_fetch_many_mixed_answers(fake_index: FakeIndex) -> None:
    dead = f"http://127.0.0.1:{closed_port()}/whl/cpu"
    asks = [
        (fake_index.url("cu130"), "torch"),
        (fake_index.url("cu132"), "torchaudio"),  # 403: not there
        (fake_index.url("cu130"), "torch"),  # duplicate: asked once
        (dead, "torch"),
        (dead, "torchvision"),
    ]
    results = fetch_many(asks, timeout=2.0)
    assert len(results) == 4
    torch = results[(fake_index.url("cu130"), "torch")]
    assert isinstance(torch, list) and torch
    assert results[(fake_index.url("cu132"), "torchaudio")] == []
    assert isinstance(results[(dead, "torch")], IndexUnreachable)
    assert isinstance(results[(dead, "torchvision")], IndexUnreachable)
    assert fake_index.requests.count("/whl/cu130/torch/") == 1
    assert fetch_many([]) == {}


# --------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------


def test_metadata_requires_pairs_torchvision_with_torch(fake_index: FakeIndex) -> None:
    files = by_name(fetch_files(fake_index.url("cu130"), "torchvision"))
    wheel = files["torchvision-0.29.1+cu130-cp312-cp312-manylinux_2_28_x86_64.whl"]
    assert fetch_metadata_requires(wheel) == ["numpy", "torch==2.14.1", "pillow>=5.3.0,!=8.3.*"]
    asked = f"/whl/cu130/{wheel.filename.replace('+', '%2B')}.metadata"
    assert fake_index.requests[-1] == asked
    # cached: no second request
    assert fetch_metadata_requires(wheel) == ["numpy", "torch==2.14.1", "pillow>=5.3.0,!=8.3.*"]
    assert fake_index.requests.count(asked) == 1


def test_metadata_requires_with_markers_from_html(fake_index: FakeIndex) -> None:
    fake_index.html_only = True
    wheel = fetch_files(fake_index.url("rocm7.2"), "torch")[0]
    assert fetch_metadata_requires(wheel) == [
        'pytorch-triton-rocm==3.6.0; platform_system == "Linux"'
    ]


def test_metadata_not_advertised_is_skipped(fake_index: FakeIndex) -> None:
    wheel = replace(fetch_files(fake_index.url("cpu"), "torch")[0], core_metadata=False)
    fake_index.requests.clear()
    assert fetch_metadata_requires(wheel) == []
    assert fake_index.requests == []


def test_metadata_hash_mismatch(fake_index: FakeIndex) -> None:
    wheel = replace(fetch_files(fake_index.url("cpu"), "torch")[0], core_metadata_sha256="0" * 64)
    with pytest.raises(IndexUnreachable, match="does not match"):
        fetch_metadata_requires(wheel, use_cache=False)


def test_metadata_missing_file_is_empty(fake_index: FakeIndex) -> None:
    wheel = fetch_files(fake_index.url("cpu"), "torch")[0]
    gone = replace(wheel, url=wheel.url.replace("torch-", "torch-0-"), core_metadata_sha256=None)
    assert fetch_metadata_requires(gone) == []


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def test_cache_hit_makes_no_request(fake_index: FakeIndex, wizard_cache_dir: Path) -> None:
    first = fetch_files(fake_index.url("xpu"), "torch")
    second = fetch_files(fake_index.url("xpu"), "torch")
    assert first == second
    assert fake_index.requests == ["/whl/xpu/torch/"]
    assert list((wizard_cache_dir / "index").glob("*.json"))
    fetch_files(fake_index.url("xpu"), "torch", use_cache=False)
    assert fake_index.requests == ["/whl/xpu/torch/"] * 2


def test_empty_answer_is_cached_too(fake_index: FakeIndex) -> None:
    assert fetch_files(fake_index.url("cu132"), "torchaudio") == []
    assert fetch_files(fake_index.url("cu132"), "torchaudio") == []
    assert fake_index.requests == ["/whl/cu132/torchaudio/"]


def test_failures_are_not_cached(fake_index: FakeIndex) -> None:
    fake_index.fail = True
    with pytest.raises(IndexUnreachable):
        fetch_files(fake_index.url("cpu"), "torch")
    fake_index.fail = False
    assert fetch_files(fake_index.url("cpu"), "torch")
    assert len(fake_index.requests) == 2


def test_expired_cache_refetches(fake_index: FakeIndex, tmp_path: Path) -> None:
    now = [1_000_000.0]
    store = AnswerCache(tmp_path, clock=lambda: now[0])
    fetch_files(fake_index.url("cpu"), "torchaudio", cache=store)
    now[0] += 5 * 3600
    fetch_files(fake_index.url("cpu"), "torchaudio", cache=store)
    assert len(fake_index.requests) == 1  # 5 h old: still fresh
    now[0] += 2 * 3600
    fetch_files(fake_index.url("cpu"), "torchaudio", cache=store)
    assert len(fake_index.requests) == 2  # 7 h old: expired (default limit 6 h)


def test_unwritable_cache_folder_is_skipped(
    fake_index: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TORCH_WIZARD_CACHE_DIR", str(blocker / "cache"))
    assert fetch_files(fake_index.url("cpu"), "torch")
    assert fetch_files(fake_index.url("cpu"), "torch")
    assert len(fake_index.requests) == 2


def test_corrupt_cache_entry_is_ignored(fake_index: FakeIndex, tmp_path: Path) -> None:
    store = AnswerCache(tmp_path)
    url = f"{fake_index.url('cpu')}/torch/"
    store.path_for(url).parent.mkdir(parents=True, exist_ok=True)
    store.path_for(url).write_text("{not json")
    assert fetch_files(fake_index.url("cpu"), "torch", cache=store)
    store.put(url, [{"filename": "x"}])  # wrong shape
    assert fetch_files(fake_index.url("cpu"), "torch", cache=store)
    assert len(fake_index.requests) == 2


def test_cache_dir_choice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TORCH_WIZARD_CACHE_DIR", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "x"
    monkeypatch.delenv("TORCH_WIZARD_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cache_mod.sys, "platform", "linux")
    assert cache_dir() == tmp_path / "xdg" / "torch-wizard"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "torch-wizard"
    monkeypatch.setattr(cache_mod.sys, "platform", "darwin")
    assert cache_dir() == Path.home() / "Library" / "Caches" / "torch-wizard"
    monkeypatch.setattr(cache_mod.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert cache_dir() == tmp_path / "local" / "torch-wizard" / "Cache"
    monkeypatch.setattr(sys, "platform", sys.platform)  # restored by monkeypatch anyway


# --------------------------------------------------------------------------------------------
# Credentials
# --------------------------------------------------------------------------------------------

SECRET = "s3cr3t/pw"  # "/" must be quoted in a URL
QUOTED = "s3cr3t%2Fpw"


def with_login(url: str, password: str = QUOTED) -> str:
    return url.replace("http://", f"http://alice:{password}@")


def test_credentials_sent_as_basic_auth(fake_index: FakeIndex, wizard_cache_dir: Path) -> None:
    fake_index.auth = ("alice", SECRET)
    index_url = with_login(fake_index.url("cu130"))
    files = fetch_files(index_url, "torchvision")
    assert files
    assert fake_index.request_headers[0]["Authorization"].startswith("Basic ")
    # file URLs on the index's host carry the login, so metadata can be read too
    assert files[0].url.startswith(f"http://alice:{QUOTED}@127.0.0.1:")
    assert fetch_metadata_requires(files[0])
    # neither the cache nor the repr holds the password
    for entry in wizard_cache_dir.rglob("*.json"):
        text = entry.read_text()
        assert SECRET not in text and QUOTED not in text and "alice" not in text
    assert QUOTED not in repr(files[0])
    # from the cache, the login is restored
    again = fetch_files(index_url, "torchvision")
    assert again == files
    assert fake_index.requests.count("/whl/cu130/torchvision/") == 1


@pytest.mark.parametrize("trouble", ["wrong-password", "server-error", "closed-port", "slow"])
def test_credentials_never_in_errors(fake_index: FakeIndex, trouble: str) -> None:
    fake_index.auth = ("alice", "other")
    index_url = with_login(fake_index.url("cpu"))
    if trouble == "server-error":
        fake_index.fail = True
    elif trouble == "closed-port":
        index_url = with_login(f"http://127.0.0.1:{closed_port()}/whl/cpu")
    elif trouble == "slow":
        fake_index.delay = 2.0
    with pytest.raises(IndexUnreachable) as caught:
        fetch_files(index_url, "torch", timeout=0.3)
    error = caught.value
    shown = " ".join([str(error), repr(error), error.url, error.reason, *map(str, error.args)])
    assert SECRET not in shown and QUOTED not in shown and "alice" not in shown
    if trouble == "wrong-password":
        assert "HTTP 401" in str(error)
    many = fetch_many([(index_url, "torch")], timeout=0.3)
    assert "alice" not in str(many[(index_url, "torch")])


def test_url_without_credentials() -> None:
    assert url_without_credentials("https://u:p@host:8080/a?b#c") == "https://host:8080/a?b#c"
    assert url_without_credentials("https://host/a") == "https://host/a"


# --------------------------------------------------------------------------------------------
# Parsing odd pages
# --------------------------------------------------------------------------------------------


def test_html_odd_links_are_skipped() -> None:
    page = b"""<html><head><base href="https://files.example/pkgs/"></head><body>
    <a>no href</a>
    <a href="torch-2.15.0.tar.gz">torch-2.15.0.tar.gz</a>
    <a href="torch-latest.whl">torch-latest.whl</a>
    <a href="README">README</a>
    <a href="torch-2.x-cp312-cp312-linux_x86_64.whl">bad version</a>
    <a href="sub/torch-2.15.0%2Bcpu-cp312-cp312-linux_x86_64.whl#md5=abc" data-core-metadata="true">
      torch-2.15.0+cpu-cp312-cp312-linux_x86_64.whl
    <a href="/torch-2.15.0-cp312-none-macosx_14_0_arm64.whl#sha256=ABCD" data-yanked="">
    </body></html>"""
    files = parse_html(page, "https://index.example/simple/torch/")
    assert [f.filename for f in files] == [
        "torch-2.15.0+cpu-cp312-cp312-linux_x86_64.whl",
        "torch-2.15.0-cp312-none-macosx_14_0_arm64.whl",
    ]
    assert (
        files[0].url
        == "https://files.example/pkgs/sub/torch-2.15.0%2Bcpu-cp312-cp312-linux_x86_64.whl"
    )
    assert files[0].sha256 is None and files[0].core_metadata
    assert files[1].url == "https://files.example/torch-2.15.0-cp312-none-macosx_14_0_arm64.whl"
    assert files[1].sha256 == "abcd" and not files[1].core_metadata


def test_json_odd_entries_are_skipped() -> None:
    doc = {
        "meta": {"api-version": "1.0"},
        "files": [
            "junk",
            {"filename": "torch-2.15.0.tar.gz", "url": "a"},
            {"filename": "torch-x.whl", "url": "b"},
            {"filename": 3, "url": "c"},
            {
                "filename": "torch-2.15.0+cu130-cp312-cp312-win_amd64.whl",
                "url": "../../files/torch-2.15.0%2Bcu130-cp312-cp312-win_amd64.whl#sha256=ff",
                "hashes": {"sha256": "FF"},
                "size": True,
                "dist-info-metadata": {"sha256": "ee"},
            },
        ],
    }
    files = parse_json(json.dumps(doc).encode(), "https://i.example/whl/cu130/torch/")
    assert len(files) == 1
    assert (
        files[0].url == "https://i.example/whl/files/torch-2.15.0%2Bcu130-cp312-cp312-win_amd64.whl"
    )
    assert (files[0].sha256, files[0].size, files[0].core_metadata_sha256) == ("ff", None, "ee")
    with pytest.raises(ValueError):
        parse_json(b'{"projects": []}', "https://i.example/")
    with pytest.raises(ValueError):
        parse_json(b"<html>", "https://i.example/")


def test_wheel_file_round_trip() -> None:
    wheel = wheel_file("torch-2.15.0+xpu-cp313-cp313-win_amd64.whl", "https://u:p@h/x.whl", size=5)
    assert wheel is not None
    data = wheel.to_json()
    assert data["url"] == "https://h/x.whl"
    assert WheelFile.from_json(json.loads(json.dumps(data))) == replace(
        wheel, url="https://h/x.whl"
    )
    with pytest.raises(ValueError):
        WheelFile.from_json({"filename": "x"})
    assert wheel_file("not-a-wheel.zip", "u") is None


def test_index_unreachable_is_readable_and_picklable() -> None:
    error = IndexUnreachable("https://bob:pw@h/whl/cpu/torch/", "no answer within 5 s")
    assert (
        str(error)
        == "Could not read the package index at https://h/whl/cpu/torch/: no answer within 5 s."
    )
    again = pickle.loads(pickle.dumps(error))
    assert (again.url, again.reason) == (error.url, error.reason)
