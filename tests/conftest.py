"""Fixtures shared by every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.fake_index import FakeIndex, serve

# --------------------------------------------------------------------------------------------
# Isolation from the machine
# --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def wizard_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test gets its own, empty torch-wizard cache folder (never the user's)."""
    folder = tmp_path_factory.mktemp("wizard-cache")
    monkeypatch.setenv("TORCH_WIZARD_CACHE_DIR", str(folder))
    return folder


# --------------------------------------------------------------------------------------------
# The fake PyTorch index and fake PyPI (tests/fixtures/fake_index.py)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeIndex]:
    """The fake index, built and started once per session.

    ``.base_url`` (``http://127.0.0.1:PORT/whl``, what ``--index-base`` takes), ``.pypi_url``,
    ``.url("nightly/cu130")``, ``.requests`` (paths asked). Knobs ``delay``, ``fail``,
    ``html_only``, ``auth`` are reset before and after every test that uses it.
    """
    index = serve(tmp_path_factory.mktemp("fake-index"))
    yield index
    index.stop()


@pytest.fixture(autouse=True)
def _reset_fake_index(request: pytest.FixtureRequest) -> Iterator[None]:
    if "fake_index" not in request.fixturenames:
        yield
        return
    index: FakeIndex = request.getfixturevalue("fake_index")
    index.reset()
    yield
    index.reset()


@pytest.fixture(scope="session")
def _uv_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uv-cache")


@pytest.fixture
def uv_env(
    fake_index: FakeIndex, _uv_cache_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """An environment for running the real ``uv lock`` hermetically against the fake index.

    PyPI is the fake PyPI, the cache is private to the session, no Python is downloaded, and no
    ``UV_*`` setting or uv config file from the outside applies.
    """
    empty_config = tmp_path_factory.mktemp("no-uv-config")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("UV_")
        and k not in ("VIRTUAL_ENV", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
    }
    env.update(
        UV_DEFAULT_INDEX=fake_index.pypi_url,
        UV_CACHE_DIR=str(_uv_cache_dir),
        UV_PYTHON_DOWNLOADS="never",
        UV_NO_PROGRESS="1",
        XDG_CONFIG_HOME=str(empty_config),  # no user-level uv.toml
        XDG_CONFIG_DIRS=str(empty_config),  # no system-level uv.toml
    )
    return env
