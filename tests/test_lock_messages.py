# ruff: noqa: E501  (uv's output is kept verbatim, long lines and all)
"""uv's failures in one sentence with the way out, from uv 0.13.9's real output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard.lock import explain_uv_error, run_uv_lock

# `uv lock` with a uv.lock cut off in the middle of a table header.
CORRUPT_LOCK = """\
Using CPython 3.11.7 interpreter at: /root/.pyenv/versions/3.11.7/bin/python3
error: Failed to parse `uv.lock`
  cause: TOML parse error at line 3, column 11
           |
         3 | [[package]
           |           ^
         unclosed array table, expected `]`
"""

# requires-python = ">=3.12" with no such Python installed, and no network.
PYTHON_DOWNLOAD = """\
error: Request failed after 3 retries in 7.9s
  cause: Failed to download `https://github.com/astral-sh/python-build-standalone/releases/download/20261110/cpython-3.15.2%2B20261110-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz`
  cause: error sending request for url (https://github.com/astral-sh/python-build-standalone/releases/download/20261110/cpython-3.15.2%2B20261110-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz)
  cause: client error (Connect)
  cause: dns error
  cause: error resolving DNS
  cause: failed to lookup address information: Name or service not known
"""

# The same with UV_PYTHON_DOWNLOADS=never.
NO_PYTHON = """\
error: No interpreter found for Python >=3.15 in managed installations or search path

hint: A managed Python download is available for Python >=3.15, but Python downloads are set to 'never'
"""

# torch pinned to an index that asks for a login (401), with or without wrong credentials.
UNAUTHORIZED = """\
Using CPython 3.11.7 interpreter at: /root/.pyenv/versions/3.11.7/bin/python3
error: No solution found when resolving dependencies
  cause: Because torch was not found in the package registry and your project depends on torch>=2.15,<2.16, we can conclude that your project's requirements are unsatisfiable.

hint: An index URL (http://127.0.0.1:18699/whl/cpu) could not be queried due to a lack of valid authentication credentials (401 Unauthorized)
"""

# The same index answering 403 Forbidden to everything.
FORBIDDEN = """\
Using CPython 3.11.7 interpreter at: /root/.pyenv/versions/3.11.7/bin/python3
error: No solution found when resolving dependencies
  cause: Because torch was not found in the package registry and your project depends on torch>=2.15,<2.16, we can conclude that your project's requirements are unsatisfiable.

hint: An index (http://127.0.0.1:18699/whl/cpu) returned a 403 Forbidden error. Check that the index URL is correct and the credentials are valid.
"""

INDEXES = {"http://127.0.0.1:18699/whl/cpu": "pytorch-cpu"}


def test_a_corrupt_uv_lock_is_named_with_the_way_out():
    assert explain_uv_error(CORRUPT_LOCK) == (
        "uv could not read the existing uv.lock (TOML parse error at line 3, column 11); "
        "delete uv.lock and run again: uv writes a new one."
    )


def test_a_corrupt_uv_lock_from_the_real_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for key in [k for k in os.environ if k.startswith("UV_") and k != "UV"]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n'
    )
    (tmp_path / "uv.lock").write_text('version = 1\nrequires-python = ">=3.10"\n[[package]\n')
    run = run_uv_lock(tmp_path)
    assert not run.ok
    assert run.explanation.startswith("uv could not read the existing uv.lock (TOML parse error")
    assert run.explanation.endswith("delete uv.lock and run again: uv writes a new one.")
    assert "pyproject.toml" not in run.explanation


def test_a_failed_python_download_is_not_an_unreachable_package_index():
    message = explain_uv_error(PYTHON_DOWNLOAD)
    assert message == (
        "uv could not download Python 3.15.2 from github.com; install Python 3.15 on this "
        "machine, or lower requires-python in pyproject.toml to a Python it has, or set "
        "UV_PYTHON_INSTALL_MIRROR to a mirror of python-build-standalone that can be reached."
    )
    assert "--index-base" not in message and "package index" not in message


def test_no_python_and_no_downloads():
    assert explain_uv_error(NO_PYTHON) == (
        "uv found no Python >=3.15 on this machine and may not download one; install it, or "
        "lower requires-python in pyproject.toml to a Python this machine has."
    )


def test_an_index_asking_for_a_login_is_not_a_version_conflict():
    message = explain_uv_error(UNAUTHORIZED, INDEXES)
    assert message == (
        "The index http://127.0.0.1:18699/whl/cpu refused access (401 Unauthorized): set "
        "UV_INDEX_PYTORCH_CPU_USERNAME and UV_INDEX_PYTORCH_CPU_PASSWORD to its user name and "
        "password (in the environment, never in pyproject.toml) and run again."
    )
    # Without the project's index names: the pattern of the variables.
    assert "UV_INDEX_<NAME>_USERNAME and UV_INDEX_<NAME>_PASSWORD" in explain_uv_error(UNAUTHORIZED)


def test_an_index_answering_403_refused_access_or_lacks_the_package():
    message = explain_uv_error(FORBIDDEN, INDEXES)
    assert message.startswith(
        "The index http://127.0.0.1:18699/whl/cpu answered 403 Forbidden for torch: it refused "
        "access, or does not carry torch"
    )
    assert "UV_INDEX_PYTORCH_CPU_USERNAME and UV_INDEX_PYTORCH_CPU_PASSWORD" in message
    assert "cannot all be met" not in message


def test_run_uv_lock_names_the_variables_of_the_projects_index(tmp_path: Path):
    from wizard.lock import _index_names

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0"\n\n[[tool.uv.index]]\nname = "pytorch-cpu"\n'
        'url = "http://127.0.0.1:18699/whl/cpu/"\nexplicit = true\n'
    )
    assert _index_names(tmp_path) == INDEXES


WHEEL = "torch-2.14.1+cu130-cp312-cp312-manylinux_2_28_x86_64.whl"
PATH_SOURCE_LOCK = f"""version = 1
requires-python = ">=3.11"

[[package]]
name = "demo"
version = "0.1.0"
source = {{ virtual = "." }}
dependencies = [{{ name = "torch" }}, {{ name = "torchvision" }}]

[[package]]
name = "torch"
version = "2.14.1+cu130"
source = {{ path = "{WHEEL}" }}
wheels = [{{ filename = "{WHEEL}" }}]

[[package]]
name = "torchvision"
version = "0.29.1+cu130"
source = {{ registry = "https://download.pytorch.org/whl/cu130" }}
dependencies = [{{ name = "torch" }}]
wheels = [{{ url = "https://download.pytorch.org/whl/cu130/torchvision-0.29.1%2Bcu130-cp312-cp312-manylinux_2_28_x86_64.whl" }}]
"""


def test_a_torch_wheel_from_a_local_path_is_named_by_its_file(tmp_path: Path):
    from wizard.lock import index_label, read_lock

    (tmp_path / "uv.lock").write_text(PATH_SOURCE_LOCK)
    report = read_lock(tmp_path, None, "3.12")  # it raised IndexError in index_label
    target = report.targets[0]
    assert target.torch is not None and target.torch.index == WHEEL
    # The local wheel is found (it said "torch has no wheel"), and the cu130 torchvision
    # beside the +cu130 torch is no "different torch builds".
    assert report.warnings == ()
    assert index_label(WHEEL) == WHEEL and index_label("") == "(unknown)"
