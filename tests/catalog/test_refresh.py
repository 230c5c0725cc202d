"""The live index overrides the bundled catalog; an unreachable one falls back and says so."""

from __future__ import annotations

import pytest

from wizard.catalog.model import load_bundled
from wizard.catalog.refresh import refresh_catalog
from wizard.session import load_catalog


@pytest.fixture
def pypi(fake_index, monkeypatch):
    monkeypatch.setenv("UV_DEFAULT_INDEX", fake_index.pypi_url)
    return fake_index


def test_live_index_decides_which_releases_and_pythons_exist(pypi):
    catalog = refresh_catalog(load_bundled(), pypi.base_url)
    assert catalog.origin == "live"
    assert [r.minor for r in catalog.releases] == ["2.15", "2.14"]
    newest = catalog.newest()
    assert newest.versions == ("2.15.0",)
    assert newest.python == ("3.11", "3.12", "3.13", "3.14")  # no cp310 wheels for 2.15
    assert newest.has("cpu", "macos-arm64") and not newest.has("cu130", "macos-arm64")
    assert not newest.has("cu126", "linux-x86_64")  # cu126 ended with 2.14
    assert catalog.release("2.14").has("cu126", "linux-x86_64")
    # Facts the index cannot show stay bundled.
    assert catalog.arch_support("2.15", "cu130", "linux-x86_64", "6.1").ok is False


def test_stray_labels_do_not_become_variants(pypi):
    catalog = refresh_catalog(load_bundled(), pypi.base_url)
    assert "df56172" not in catalog.release("2.14").variants


def test_nightly_channel_reads_the_nightly_indexes(pypi):
    catalog = refresh_catalog(load_bundled(), pypi.base_url, "nightly")
    assert [r.minor for r in catalog.releases] == ["2.16"]
    assert catalog.newest().versions == ("2.16.0.dev20261120",)


def test_unreachable_index_falls_back_to_the_bundled_data_and_says_so():
    bundled = load_bundled()
    catalog = refresh_catalog(bundled, "http://127.0.0.1:9/whl", timeout=1.0)
    assert catalog.origin == "bundled"
    assert catalog.releases == bundled.releases
    assert "could not be read" in catalog.notes[0] and bundled.snapshot in catalog.notes[0]


def test_offline_asks_no_index(pypi):
    pypi.requests.clear()
    catalog = load_catalog(offline=True, index_base=pypi.base_url)
    assert catalog.origin == "bundled" and pypi.requests == []
    assert "Offline" in catalog.notes[0]


def test_a_second_read_comes_from_the_cache(pypi):
    refresh_catalog(load_bundled(), pypi.base_url)
    pypi.requests.clear()
    refresh_catalog(load_bundled(), pypi.base_url)
    assert not [r for r in pypi.requests if r.endswith("/torch/")]


def test_a_second_read_rebuilds_the_same_catalog_from_one_kept_file(pypi):
    first = refresh_catalog(load_bundled(), pypi.base_url)
    pypi.requests.clear()
    second = refresh_catalog(load_bundled(), pypi.base_url)
    assert pypi.requests == []  # not even the kept index answers were needed
    assert second == first


def test_the_kept_catalog_is_per_index_and_channel(pypi):
    stable = refresh_catalog(load_bundled(), pypi.base_url)
    nightly = refresh_catalog(load_bundled(), pypi.base_url, "nightly")
    assert [r.minor for r in stable.releases] == ["2.15", "2.14"]
    assert [r.minor for r in nightly.releases] == ["2.16"]
    elsewhere = refresh_catalog(load_bundled(), "http://127.0.0.1:9/whl", timeout=1.0)
    assert elsewhere.origin == "bundled"


def test_a_partial_answer_is_not_kept(pypi, monkeypatch):
    import wizard.catalog.live as live

    real = live.fetch_files

    def flaky(index_url, project, *args, **kwargs):
        if "/cu130" in index_url:
            raise live.IndexUnreachable(index_url, "a server error")
        return real(index_url, project, *args, **kwargs)

    monkeypatch.setattr(live, "fetch_files", flaky)
    partial = refresh_catalog(load_bundled(), pypi.base_url)
    assert any("Some answers were missing" in n for n in partial.notes)
    monkeypatch.setattr(live, "fetch_files", real)
    whole = refresh_catalog(load_bundled(), pypi.base_url)
    assert not any("Some answers were missing" in n for n in whole.notes)
    assert whole.newest().has("cu130", "linux-x86_64")


def test_a_damaged_kept_catalog_is_read_again(pypi, wizard_cache_dir):
    first = refresh_catalog(load_bundled(), pypi.base_url)
    for f in (wizard_cache_dir / "index").glob("*.json"):
        text = f.read_text()
        if '"releases"' in text:
            f.write_text(text.replace('"releases"', '"releasez"'))
    assert refresh_catalog(load_bundled(), pypi.base_url) == first
