"""A wrong --index-base (every variant answers 403/404 for torch) is not a good read."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from wizard.catalog.model import load_bundled
from wizard.catalog.refresh import refresh_catalog, variants_to_query
from wizard.cli import main


@pytest.fixture
def pypi(fake_index, monkeypatch):
    monkeypatch.setenv("UV_DEFAULT_INDEX", fake_index.pypi_url)
    return fake_index


def _host(fake_index) -> str:
    return fake_index.base_url.removesuffix("/whl")


def test_a_base_where_no_variant_serves_torch_falls_back_and_says_so(pypi):
    bundled = load_bundled()
    n = len(variants_to_query(bundled))
    base = f"{_host(pypi)}/typo"
    catalog = refresh_catalog(bundled, base)
    assert catalog.origin == "bundled" and catalog.releases == bundled.releases
    assert catalog.notes[-1] == (
        f"{base} serves no torch on any of {n} variants: is it the base of a PyTorch index "
        f"(…/whl)? Using the bundled catalog of {bundled.snapshot}."
    )
    assert not any("variants answered" in note for note in catalog.notes)


def test_a_variant_url_given_as_the_base_says_which_base_to_give(pypi):
    bundled = load_bundled()
    catalog = refresh_catalog(bundled, f"{pypi.base_url}/cu130")
    assert catalog.origin == "bundled"
    assert catalog.notes[-1].startswith(f"{pypi.base_url}/cu130 serves no torch on any of ")
    assert (
        f"it looks like the cu130 index itself: give its base instead (--index-base "
        f"{pypi.base_url}). Using the bundled catalog of {bundled.snapshot}." in catalog.notes[-1]
    )


def test_one_variant_missing_stays_a_normal_read(pypi):
    bundled = load_bundled()
    newest = bundled.releases[0]
    extra = replace(newest, variants={**newest.variants, "cu999": frozenset({"linux-x86_64"})})
    bundled = replace(bundled, releases=(extra, *bundled.releases[1:]))
    n = len(variants_to_query(bundled))
    catalog = refresh_catalog(bundled, pypi.base_url)
    assert catalog.origin == "live"
    assert f"Read the PyTorch index at {pypi.base_url} ({n} of {n} variants answered)." in (
        catalog.notes
    )
    assert "cu999" not in catalog.newest().variants


def test_detect_with_a_mistyped_index_base_says_it_is_not_an_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi
) -> None:
    box = tmp_path / "box.json"
    box.write_text(json.dumps({"schema": 1, "os": "linux", "arch": "x86_64", "gpus": []}))
    base = f"{_host(pypi)}/typo"
    assert main(["detect", "--index-base", base, "--hardware", str(box)]) == 0
    out = capsys.readouterr().out
    assert "variants answered" not in out
    assert f"({base} serves no torch on any of " in out
    assert "is it the base of a PyTorch index (…/whl)? Using the bundled catalog of" in out
