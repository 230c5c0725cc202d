"""`torch-wizard --yes` end to end: the installed command, the fake index, the real `uv lock`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import tomllib

from tests.e2e_helpers import installs, locked, profile, run_wizard

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(uv_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = dict(uv_env)
    e["TORCH_WIZARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("wcache"))
    e["UV_HTTP_RETRIES"] = "0"
    return e


def yes(tmp_path: Path, env: dict[str, str], base: str, *args: str) -> tuple[int, str, str]:
    r = run_wizard(["--yes", "--index-base", base, *args], tmp_path, env)
    return r.code, r.out, r.err


def pyproject(folder: Path) -> dict:
    return tomllib.loads((folder / "pyproject.toml").read_text())


def test_cpu_only_linux_gets_the_cpu_build_not_pypis_cuda_one(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--json", "--hardware", profile("linux-cpu-only")
    )
    assert code == 0, err
    (target,) = json.loads(out)["lock"]["targets"]
    assert target["platform"] == "linux-x86_64"
    assert target["packages"]["torch"]["version"] == "2.15.0+cpu"
    assert target["packages"]["torch"]["index"] == f"{fake_index.base_url}/cpu"
    # What uv itself installs on Linux x86_64: the +cpu build and no CUDA libraries.
    linux = installs(tmp_path, "linux-x86_64", env)
    assert linux["torch"] == "2.15.0+cpu"
    assert not [name for name in linux if name.startswith("nvidia")]
    doc = pyproject(tmp_path)
    assert doc["tool"]["uv"]["index"] == [
        {"name": "pytorch-cpu", "url": f"{fake_index.base_url}/cpu", "explicit": True}
    ]
    assert "Linux x86_64" in err and "2.15.0+cpu" in err


def test_cpu_only_report_shows_no_cuda_libraries(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-cpu-only")
    )
    assert code == 0, err
    assert "Wrote pyproject.toml and uv.lock." in out
    assert "2.15.0+cpu" in out
    assert "includes CUDA libraries" not in out


def test_linux_cuda_machine_locks_the_cuda_build(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-rtx4090-driver580")
    )
    assert code == 0, err
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.15.0+cu130"
    assert "cu130" in out


def test_old_driver_gets_the_newest_torch_that_fits(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-rtx4090-driver550")
    )
    assert code == 0, err
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.14.1+cu126"
    assert "Upgrade the NVIDIA driver to 580" in out


def test_windows_cuda_has_the_win32_marker(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("windows-rtx3060")
    )
    assert code == 0, err
    text = (tmp_path / "pyproject.toml").read_text()
    assert "sys_platform == 'win32'" in text and "'windows'" not in text
    assert installs(tmp_path, "windows-x86_64", env)["torch"] == "2.15.0+cu130"


def test_macos_takes_pypis_wheel(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("macbook-m3-max")
    )
    assert code == 0, err
    assert installs(tmp_path, "macos-arm64", env)["torch"] == "2.15.0"
    (torch,) = [t for t in locked(tmp_path, "torch") if t["version"] == "2.15.0"]
    assert torch["source"]["registry"] == fake_index.pypi_url
    assert "index" not in pyproject(tmp_path)["tool"]["uv"]


def test_rocm_sources_its_triton_from_the_rocm_index(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-rx7900xtx")
    )
    assert code == 0, err
    linux = installs(tmp_path, "linux-x86_64", env)
    assert linux["torch"] == "2.15.0+rocm7.2"
    assert linux["pytorch-triton-rocm"] == "3.6.0"
    (triton,) = locked(tmp_path, "pytorch-triton-rocm")
    assert triton["source"]["registry"] == f"{fake_index.base_url}/rocm7.2"
    deps = pyproject(tmp_path)["project"]["dependencies"]
    assert any(d.startswith("pytorch-triton-rocm") and "linux" in d for d in deps)


def test_xpu_sources_its_triton_from_the_xpu_index(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-arc-b580")
    )
    assert code == 0, err
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.15.0+xpu"
    (triton,) = locked(tmp_path, "pytorch-triton-xpu")
    assert triton["source"]["registry"] == f"{fake_index.base_url}/xpu"


def test_one_lock_for_linux_cuda_macos_and_windows_cpu(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        "--target",
        "linux-x86_64=cu130",
        "--target",
        "macos-arm64",
        "--target",
        "windows-x86_64=cpu",
        "--hardware",
        profile("linux-cpu-only"),
        "--json",
    )
    assert code == 0, err
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.15.0+cu130"
    assert installs(tmp_path, "macos-arm64", env)["torch"] == "2.15.0"
    assert installs(tmp_path, "windows-x86_64", env)["torch"] == "2.15.0+cpu"
    report = {t["platform"]: t for t in __import__("json").loads(out)["lock"]["targets"]}
    assert report["linux-x86_64"]["packages"]["torch"]["version"] == "2.15.0+cu130"
    assert report["macos-arm64"]["packages"]["torch"]["version"] == "2.15.0"
    assert report["windows-x86_64"]["packages"]["torch"]["version"] == "2.15.0+cpu"
    envs = pyproject(tmp_path)["tool"]["uv"]["required-environments"]
    assert len(envs) == 3


def test_variants_become_extras_with_conflicts(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        "--target",
        "linux-x86_64",
        "--variants",
        "cpu,cu130",
        "--hardware",
        profile("linux-cpu-only"),
        "--json",
    )
    assert code == 0, err
    doc = pyproject(tmp_path)
    assert set(doc["project"]["optional-dependencies"]) == {"cpu", "cu130"}
    assert doc["tool"]["uv"]["conflicts"] == [[{"extra": "cpu"}, {"extra": "cu130"}]]
    assert installs(tmp_path, "linux-x86_64", env, extra="cpu")["torch"] == "2.15.0+cpu"
    assert installs(tmp_path, "linux-x86_64", env, extra="cu130")["torch"] == "2.15.0+cu130"
    targets = __import__("json").loads(out)["lock"]["targets"]
    by_extra = {t["extra"]: t["packages"]["torch"]["version"] for t in targets}
    assert by_extra == {"cpu": "2.15.0+cpu", "cu130": "2.15.0+cu130"}


def test_dry_run_writes_nothing(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--dry-run", "--hardware", profile("linux-cpu-only")
    )
    assert code == 0, err
    assert "+++ b/pyproject.toml" in out or "+++ pyproject.toml" in out
    assert list(tmp_path.iterdir()) == []


def test_json_output_is_the_documented_shape(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--json", "--hardware", profile("linux-cpu-only")
    )
    assert code == 0, err
    data = __import__("json").loads(out)
    assert set(data) >= {
        "project",
        "dry_run",
        "changed",
        "plan",
        "diff",
        "written",
        "locked",
        "lock",
        "catalog",
    }
    assert data["written"] and data["locked"] and data["plan"]["torch"] == "2.15"
    (target,) = data["lock"]["targets"]
    assert target["platform"] == "linux-x86_64"
    assert target["packages"]["torch"]["variant"] == "cpu"
    assert target["download_bytes"] > 0


def test_failed_lock_puts_both_files_back(tmp_path, env, fake_index):
    original = (
        b"[project]\nname = 'demo'\nversion = '1.0'\nrequires-python = '>=3.11'\n"
        b"dependencies = []\n"
    )
    (tmp_path / "pyproject.toml").write_bytes(original)
    (tmp_path / "uv.lock").write_bytes(b"# an old lock\n")
    code, out, err = yes(
        tmp_path, env, "http://127.0.0.1:9/whl", "--hardware", profile("linux-cpu-only")
    )
    assert code == 1
    assert (tmp_path / "pyproject.toml").read_bytes() == original
    assert (tmp_path / "uv.lock").read_bytes() == b"# an old lock\n"
    assert "put back" in err
    assert "Traceback" not in err


def test_existing_project_keeps_every_other_byte_and_a_second_run_is_a_no_op(
    tmp_path, env, fake_index
):
    original = (Path(__file__).parent / "fixtures" / "commented_pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(original)
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-cpu-only")
    )
    assert code == 0, err
    after = (tmp_path / "pyproject.toml").read_text()
    for line in original.splitlines():
        if "torch" not in line:
            assert line in after.splitlines()
    lock_before = (tmp_path / "uv.lock").read_bytes()
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-cpu-only")
    )
    assert code == 0, err
    assert (tmp_path / "pyproject.toml").read_text() == after
    assert (tmp_path / "uv.lock").read_bytes() == lock_before
    assert "already has this configuration" in out


def _all(folder: Path) -> list[dict]:
    from tests.e2e_helpers import read_lock

    return read_lock(folder)["package"]


def test_torch_pulled_in_by_another_package_locks_the_cpu_build(tmp_path, env, fake_index):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "metrics"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["torchmetrics>=1.5"]\n'
    )
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-cpu-only")
    )
    assert code == 0, err
    linux = installs(tmp_path, "linux-x86_64", env)
    assert linux["torch"] == "2.15.0+cpu"
    assert linux["torchmetrics"] == "1.6.0"
    assert not [n for n in linux if n.startswith("nvidia")]
    assert "torch becomes a direct dependency" in out
    # A second run names the package it came through, read from the lock.
    doc = pyproject(tmp_path)
    assert doc["project"]["dependencies"][0] == "torchmetrics>=1.5"


def test_nightly_channel_locks_a_nightly_build_on_each_target(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        "--channel",
        "nightly",
        "--target",
        "linux-x86_64=cu130",
        "--target",
        "macos-arm64",
        "--target",
        "windows-x86_64=cpu",
    )
    assert code == 0, err
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.16.0.dev20261120+cu130"
    assert installs(tmp_path, "linux-x86_64", env)["pytorch-triton"] == "3.7.0+git1234abcd"
    assert installs(tmp_path, "macos-arm64", env)["torch"] == "2.16.0.dev20261120"
    assert installs(tmp_path, "windows-x86_64", env)["torch"] == "2.16.0.dev20261120+cpu"
    doc = pyproject(tmp_path)
    assert any(d.startswith("torch>=2.16.0.dev0") for d in doc["project"]["dependencies"])
    assert [i["url"] for i in doc["tool"]["uv"]["index"]] == [
        f"{fake_index.base_url}/nightly/cu130",
        f"{fake_index.base_url}/nightly/cpu",
    ]
    assert doc["tool"]["uv"]["environments"] == doc["tool"]["uv"]["required-environments"]


def test_a_nightly_project_goes_back_to_stable_with_channel_stable(tmp_path, env, fake_index):
    nightly = ("--target", "linux-x86_64=cu130", "--channel", "nightly")
    code, _, err = yes(tmp_path, env, fake_index.base_url, *nightly)
    assert code == 0, err
    # Re-run without --channel: the project's channel stays.
    code, out, err = yes(tmp_path, env, fake_index.base_url, "--dry-run")
    assert code == 0, err
    assert "pyproject.toml already has this configuration." in out
    # --channel stable: the nightly range and indexes go, a stable release comes in.
    code, out, err = yes(tmp_path, env, fake_index.base_url, "--channel", "stable")
    assert code == 0, err
    doc = pyproject(tmp_path)
    assert "torch>=2.15,<2.16" in doc["project"]["dependencies"]
    assert not any("triton" in d for d in doc["project"]["dependencies"])
    assert "environments" not in doc["tool"]["uv"]  # nightly's lock limit goes with it
    assert [i["url"] for i in doc["tool"]["uv"]["index"]] == [f"{fake_index.base_url}/cu130"]
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.15.0+cu130"


def test_test_channel_locks_the_release_candidate(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--channel", "test", "--target", "linux-x86_64=rocm7.2"
    )
    assert code == 0, err
    linux = installs(tmp_path, "linux-x86_64", env)
    assert linux["torch"] == "2.16.0+rocm7.2"
    assert linux["pytorch-triton-rocm"] == "3.7.0"


def _workspace(root: Path) -> Path:
    (root / "packages" / "trainer").mkdir(parents=True)
    (root / "packages" / "utils").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "ws-root"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = []\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    )
    (root / "packages" / "utils" / "pyproject.toml").write_text(
        '[project]\nname = "utils"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["numpy"]\n'
    )
    member = root / "packages" / "trainer"
    (member / "pyproject.toml").write_text(
        '[project]\nname = "trainer"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["utils"]\n\n[tool.uv.sources]\nutils = { workspace = true }\n'
    )
    return member


def test_workspace_member_run_from_its_folder_names_the_files_from_there(tmp_path, env, fake_index):
    member = _workspace(tmp_path)
    args = ["--yes", "--index-base", fake_index.base_url, "--target", "linux-x86_64=cpu"]
    r = run_wizard(args, member, env)
    assert r.code == 0, r.err
    # It said "(in .)" after the names.
    assert "Wrote pyproject.toml, ../../pyproject.toml and ../../uv.lock.\n" in r.out


def test_workspace_member_configures_torch_once(tmp_path, env, fake_index):
    member = _workspace(tmp_path)
    r = run_wizard(
        [
            "--yes",
            "-C",
            str(member),
            "--index-base",
            fake_index.base_url,
            "--target",
            "linux-x86_64=cpu",
            "--target",
            "macos-arm64",
        ],
        tmp_path,
        env,
    )
    assert r.code == 0, r.err
    assert (tmp_path / "uv.lock").exists() and not (member / "uv.lock").exists()
    # Every file written is named, the root's too.
    assert f"Wrote pyproject.toml, ../../pyproject.toml and ../../uv.lock (in {member})." in r.out
    member_doc = tomllib.loads((member / "pyproject.toml").read_text())
    root_doc = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    utils_doc = tomllib.loads((tmp_path / "packages" / "utils" / "pyproject.toml").read_text())
    assert member_doc["tool"]["uv"]["sources"]["torch"]["index"] == "pytorch-cpu"
    assert member_doc["tool"]["uv"]["sources"]["utils"] == {"workspace": True}
    assert len(root_doc["tool"]["uv"]["required-environments"]) == 2
    assert "torch" not in str(utils_doc) and "index" not in root_doc["tool"]["uv"]
    linux = installs(tmp_path, "linux-x86_64", env, package="trainer")
    assert linux["torch"] == "2.15.0+cpu" and linux["numpy"] == "2.3.0"
    assert installs(tmp_path, "macos-arm64", env, package="trainer")["torch"] == "2.15.0"
    # Run again from the member with no flags: the setup is read back, nothing changes.
    before = [(p, p.read_bytes()) for p in tmp_path.rglob("*.to*") if p.is_file()]
    r = run_wizard(["--yes", "-C", str(member), "--index-base", fake_index.base_url], tmp_path, env)
    assert r.code == 0, r.err
    assert "already has this configuration" in r.out
    assert [(p, p.read_bytes()) for p, _ in before] == before


def test_workspace_failed_lock_restores_the_root_too(tmp_path, env, fake_index):
    member = _workspace(tmp_path)
    files = [tmp_path / "pyproject.toml", member / "pyproject.toml"]
    before = [f.read_bytes() for f in files]
    r = run_wizard(
        [
            "--yes",
            "-C",
            str(member),
            "--index-base",
            "http://127.0.0.1:9/whl",
            "--target",
            "linux-x86_64=cpu",
            "--target",
            "macos-arm64",
        ],
        tmp_path,
        env,
    )
    assert r.code == 1
    assert [f.read_bytes() for f in files] == before
    assert not (tmp_path / "uv.lock").exists()


def test_report_warns_about_a_cuda_build_for_a_machine_without_nvidia(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        "--json",
        "--hardware",
        profile("linux-cpu-only"),
        "--target",
        "linux-x86_64=cu130",
    )
    assert code == 0, err
    warnings = json.loads(out)["lock"]["warnings"]
    assert any(
        "is a CUDA build, but the machine" in w and "no NVIDIA GPU" in w for w in warnings
    ), warnings


def test_report_warns_when_the_driver_is_too_old_for_the_locked_build(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        "--json",
        "--hardware",
        profile("linux-rtx4090-driver550"),
        "--target",
        "linux-x86_64=cu130",
    )
    assert code == 0, err
    warnings = json.loads(out)["lock"]["warnings"]
    assert any(
        "needs NVIDIA driver 580 or newer; the machine has 550.54.15" in w for w in warnings
    ), warnings


def test_packages_built_against_torch_get_a_warning(tmp_path, capsys):
    from wizard.cli import main

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["xformers>=0.0.30", "numpy"]\n'
    )
    assert (
        main(
            [
                "--yes",
                "--dry-run",
                "--offline",
                "-C",
                str(tmp_path),
                "--hardware",
                profile("linux-cpu-only"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "xformers comes from PyPI" in out and "with the cpu build" in out


def test_annotate_explains_each_owned_block_and_stays_stable(tmp_path, capsys):
    from wizard.cli import main

    args = [
        "--yes",
        "--no-lock",
        "--offline",
        "-C",
        str(tmp_path),
        "--annotate",
        "--hardware",
        profile("linux-rtx4090-driver580"),
        "--target",
        "linux-x86_64",
        "--target",
        "windows-x86_64=cpu",
    ]
    assert main(args) == 0
    first = (tmp_path / "pyproject.toml").read_text()
    assert "# torch-wizard: PyTorch CUDA 13.0 builds" in first
    assert "# torch-wizard: the lock must have wheels for Linux x86_64 and Windows x86_64" in first
    assert main(args) == 0
    assert (tmp_path / "pyproject.toml").read_text() == first
    # Without --annotate the comments stay as they are.
    assert main(args[:5] + args[6:]) == 0
    assert (tmp_path / "pyproject.toml").read_text() == first
    capsys.readouterr()


def test_a_target_with_a_backend_switches_a_variants_project_to_markers(tmp_path, capsys):
    from wizard.cli import main

    base = [
        "--yes",
        "--no-lock",
        "--offline",
        "-C",
        str(tmp_path),
        "--hardware",
        profile("linux-cpu-only"),
    ]
    assert main([*base, "--target", "linux-x86_64", "--variants", "cpu,cu130"]) == 0
    assert "conflicts" in (tmp_path / "pyproject.toml").read_text()
    assert main([*base, "--target", "linux-x86_64=cu130"]) == 0
    doc = pyproject(tmp_path)
    assert "conflicts" not in doc["tool"]["uv"] and "optional-dependencies" not in doc["project"]
    assert doc["tool"]["uv"]["sources"]["torch"]["index"] == "pytorch-cu130"
    capsys.readouterr()


def test_a_fleet_whose_linux_machines_differ_gets_selectable_builds(tmp_path, env, fake_index):
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        "--json",
        "--hardware",
        profile("linux-cpu-only"),
        "--hardware",
        profile("linux-rtx4090-driver580"),
        "--hardware",
        profile("macbook-m3-max"),
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["plan"]["variants"] == ["cpu", "cu130"]
    assert any("need different builds on one platform" in n for n in data["plan"]["notes"])
    assert installs(tmp_path, "linux-x86_64", env, extra="cpu")["torch"] == "2.15.0+cpu"
    assert installs(tmp_path, "linux-x86_64", env, extra="cu130")["torch"] == "2.15.0+cu130"
    assert installs(tmp_path, "macos-arm64", env, extra="cu130")["torch"] == "2.15.0"
    # The CUDA extra has a machine that runs it: no warning about it.
    assert not [w for w in data["lock"]["warnings"] if "[cu130]" in w], data["lock"]["warnings"]


def test_torch_range_follows_what_the_dependents_require(tmp_path, env, fake_index):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "legacy"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["legacy-vision>=1.0", "torchmetrics"]\n'
    )
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--json", "--hardware", profile("linux-cpu-only")
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["plan"]["torch"] == "2.14"  # legacy-vision 1.2.0 requires torch<2.15
    assert any("legacy-vision 1.2.0 needs torch<2.15,>=2.4" in n for n in data["plan"]["notes"])
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.14.1+cpu"


@pytest.mark.parametrize("how", ["bare torch in pyproject.toml", "migration"])
def test_a_direct_torch_without_a_range_follows_what_the_other_packages_require(
    tmp_path, env, fake_index, how
):
    args = ["--json", "--hardware", profile("linux-cpu-only")]
    if how == "migration":
        (tmp_path / "requirements.txt").write_text(
            "--extra-index-url https://download.pytorch.org/whl/cpu\ntorch\nlegacy-vision==1.2.0\n"
        )
        args += ["--from", str(tmp_path / "requirements.txt")]
    else:
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "legacy"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
            'dependencies = ["torch", "legacy-vision==1.2.0"]\n'
        )
    code, out, err = yes(tmp_path, env, fake_index.base_url, *args)
    assert code == 0, err  # the lock succeeded: torch 2.15 would not
    data = json.loads(out)
    assert data["plan"]["torch"] == "2.14"
    assert (
        "torch 2.14, not 2.15: legacy-vision 1.2.0 needs torch<2.15,>=2.4." in data["plan"]["notes"]
    )
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.14.1+cpu"


def test_torch_in_an_extra_only_stays_optional_and_is_reported_with_it(tmp_path, env, fake_index):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["numpy"]\n\n[project.optional-dependencies]\ngpu = ["torch>=2.4"]\n'
    )
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-rtx4090-driver580")
    )
    assert code == 0, err
    doc = pyproject(tmp_path)["project"]
    assert doc["dependencies"] == ["numpy"]
    assert doc["optional-dependencies"]["gpu"] == ["torch>=2.15,<2.16"]
    # uv's own view: torch only with the extra, and then the CUDA build from the index
    assert "torch" not in installs(tmp_path, "linux-x86_64", env)
    assert installs(tmp_path, "linux-x86_64", env, extra="gpu")["torch"] == "2.15.0+cu130"
    # the wizard's report and advice say the same
    assert "Linux x86_64 [gpu]" in out and "2.15.0+cu130" in out
    assert "`uv sync --extra gpu`" in out
    assert "Kept optional" in out and "becomes a direct dependency" not in out


def test_a_companion_pulled_in_by_another_package_becomes_direct(tmp_path, env, fake_index):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "detector"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["vision-models"]\n'
    )
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        "--json",
        "--hardware",
        profile("linux-rtx4090-driver580"),
    )
    assert code == 0, err
    data = json.loads(out)
    # torchvision has no release for torch 2.15, so the pair is 2.14 with 0.29
    assert data["plan"]["torch"] == "2.14"
    assert any(
        n.startswith("torchvision (through vision-models) becomes a direct dependency")
        for n in data["plan"]["notes"]
    ), data["plan"]["notes"]
    doc = pyproject(tmp_path)
    assert "torchvision>=0.29,<0.30" in doc["project"]["dependencies"]
    assert set(doc["tool"]["uv"]["sources"]) == {"torch", "torchvision"}
    linux = installs(tmp_path, "linux-x86_64", env)
    assert (linux["torch"], linux["torchvision"]) == ("2.14.1+cu130", "0.29.1+cu130")
    assert not data["lock"]["warnings"]


def test_the_report_warns_when_a_companion_comes_from_another_index():
    from wizard.lock import LockedPackage, TargetLock, _mixed_indexes

    base = "https://download.pytorch.org/whl"
    target = TargetLock(
        "linux-x86_64",
        None,
        {
            "torch": LockedPackage("torch", "2.14.1+cu130", "cu130", f"{base}/cu130"),
            "torchvision": LockedPackage(
                "torchvision", "0.29.1", "pypi", "https://pypi.org/simple"
            ),
            "torchaudio": LockedPackage("torchaudio", "2.11.0+cu130", "cu130", f"{base}/cu130/"),
        },
        0,
        0,
        False,
    )
    (warning,) = _mixed_indexes(target)
    assert warning.startswith(
        "Linux x86_64: torchvision 0.29.1 comes from PyPI but torch 2.14.1+cu130 from the "
        "cu130 index"
    )
    assert "`torch-wizard --with torchvision`" in warning


def test_an_exact_pin_keeps_torch_on_the_platforms_that_are_not_targets(tmp_path, env, fake_index):
    # The lock serves every platform: a Linux-only CUDA setup must not leave macOS and Windows
    # without torch (the pin carries the target's label, so each target has its own line).
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "pinned"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["torch==2.14.0", "numpy"]\n'
    )
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-rtx4090-driver580")
    )
    assert code == 0, err
    assert "torch 2.14.0 (pinned) on every target." in out
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.14.0+cu130"
    assert installs(tmp_path, "macos-arm64", env)["torch"] == "2.14.0"
    assert installs(tmp_path, "windows-x86_64", env)["torch"] == "2.14.0"


def test_a_fleet_whose_builds_exist_on_one_platform_only_is_planned(tmp_path, env, fake_index):
    # A Windows NVIDIA box, a Linux AMD box and a Linux CPU box: the builds become extras, and
    # rocm7.2 exists for Linux only. Windows takes PyPI's torch with that extra instead of the
    # whole plan being refused ("torch 2.15 has no rocm7.2 build for Windows x86_64").
    fleet = ("windows-rtx3060", "linux-rx7900xtx", "linux-cpu-only")
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        *(a for name in fleet for a in ("--hardware", profile(name))),
    )
    assert code == 0, err
    assert "Windows x86_64: torch 2.15 has no rocm7.2 build; there `--extra rocm7.2` installs" in (
        " ".join(out.split())
    )
    # The report reads uv's normalised extra name (rocm7-2) for the rocm7.2 extra.
    assert re.search(r"Linux x86_64 \[rocm7\.2\]\s+2\.15\.0\+rocm7\.2", out), out
    assert installs(tmp_path, "linux-x86_64", env, extra="rocm7.2")["torch"] == "2.15.0+rocm7.2"
    assert installs(tmp_path, "windows-x86_64", env, extra="rocm7.2")["torch"] == "2.15.0"
    assert installs(tmp_path, "windows-x86_64", env, extra="cu130")["torch"] == "2.15.0+cu130"
    # Each extra is some machine's: no warning that the AMD box cannot run the cu130 one.
    assert "warning: Linux x86_64 [cu130]" not in out
    # doctor on the AMD box names the extra that fits it (uv.lock spells it rocm7-2).
    r = run_wizard(["doctor", "--hardware", profile("linux-rx7900xtx")], tmp_path, env)
    assert "Fix: `uv sync --extra rocm7.2`" in r.out, r.out


def test_a_release_the_index_lacks_is_said_to_be_missing_there(tmp_path, env, fake_index):
    # The bundled catalog knows torch 2.3; the index (a partial mirror here) does not have it.
    code, _, err = yes(tmp_path, env, fake_index.base_url, "--dry-run", "--torch", "2.3")
    assert code == 2
    assert "No torch release the PyTorch index has matches '2.3'" in err
    assert "or --offline for the bundled catalog's releases." in err
    assert list(tmp_path.iterdir()) == []


def test_torch_in_a_dependency_group_stays_there_with_its_companions(tmp_path, env, fake_index):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "grp"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["numpy"]\n\n[dependency-groups]\nml = ["torch>=2.10", "torchvision"]\n'
    )
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-rtx4090-driver580")
    )
    assert code == 0, err
    doc = pyproject(tmp_path)
    assert doc["project"]["dependencies"] == ["numpy"]  # not made required
    assert doc["dependency-groups"]["ml"] == ["torch>=2.14,<2.15", "torchvision>=0.29,<0.30"]
    assert "Kept in their dependency groups, with the new range" in out
    assert "Next: `uv sync --group ml`" in out
    assert re.search(r"Linux x86_64\s+2\.14\.1\+cu130\s+cu130", out), out
    linux = installs(tmp_path, "linux-x86_64", env, group="ml")
    assert (linux["torch"], linux["torchvision"]) == ("2.14.1+cu130", "0.29.1+cu130")
    assert "torch" not in installs(tmp_path, "linux-x86_64", env)  # only with the group
    r = run_wizard(["doctor", "--hardware", profile("linux-rtx4090-driver580")], tmp_path, env)
    assert "Fix: `uv sync --group ml`" in r.out, r.out


def test_torch_in_an_extra_and_torchvision_in_a_group_are_both_synced(tmp_path, env, fake_index):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "split"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = []\n\n[project.optional-dependencies]\ngpu = ["torch>=2.14"]\n\n'
        '[dependency-groups]\nvision = ["torchvision"]\n'
    )
    code, out, err = yes(
        tmp_path, env, fake_index.base_url, "--hardware", profile("linux-rtx4090-driver580")
    )
    assert code == 0, err
    assert "Next: `uv sync --extra gpu --group vision`" in out  # it said `uv sync --extra gpu`
    assert re.search(r"\n\s+torchvision 0\.29\.1\+cu130\n", out), out  # in the lock table too
    # doctor checks against the profile the plan was made for (it said plain `doctor`)
    gpu = profile("linux-rtx4090-driver580")
    assert f", then `torch-wizard doctor --hardware {gpu}`." in out
    both = installs(tmp_path, "linux-x86_64", env, extra="gpu", group="vision")
    assert (both["torch"], both["torchvision"]) == ("2.14.1+cu130", "0.29.1+cu130")
    assert "torchvision" not in installs(tmp_path, "linux-x86_64", env, extra="gpu")


def test_an_old_requires_python_the_index_has_no_wheels_for_still_gets_the_gpu_build(
    tmp_path, env, fake_index
):
    # The index has no wheels for Python 3.9 (a partial mirror): the plan raises requires-python,
    # so the build is chosen for the Python it raises to, not "CPU: no cu130 for 3.9".
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p39"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = []\n'
    )
    code, out, err = yes(
        tmp_path,
        env,
        fake_index.base_url,
        "--dry-run",
        "--hardware",
        profile("linux-rtx4090-driver580"),
    )
    assert code == 0, err
    assert re.search(r"Linux x86_64\s+cu130", out), out
    assert "requires-python becomes >=3.11" in out


def test_selectable_builds_with_an_exact_pin_lock_each_extras_own_build(tmp_path, env, fake_index):
    # `==2.14.0` alone matches the index's stray 2.14.0+df56172 build too
    args = ("--variants", "cpu,cu130", "--torch", "2.14.0", "--target", "linux-x86_64")
    code, out, err = yes(tmp_path, env, fake_index.base_url, *args)
    assert code == 0, err
    assert "df56172" not in out
    assert installs(tmp_path, "linux-x86_64", env, extra="cpu")["torch"] == "2.14.0+cpu"
    assert installs(tmp_path, "linux-x86_64", env, extra="cu130")["torch"] == "2.14.0+cu130"
    assert installs(tmp_path, "macos-arm64", env, extra="cu130")["torch"] == "2.14.0"
    written = (tmp_path / "pyproject.toml").read_bytes()
    code, out, err = yes(tmp_path, env, fake_index.base_url)  # a re-run keeps the pin
    assert code == 0, err
    assert "Nothing to change." in out
    assert (tmp_path / "pyproject.toml").read_bytes() == written


def test_a_lock_out_of_date_with_an_unchanged_pyproject_is_locked_again(tmp_path, env, fake_index):
    code, _, err = yes(tmp_path, env, fake_index.base_url, "--target", "linux-x86_64=cu130")
    assert code == 0, err
    # By hand: the build switched to cpu in pyproject.toml, uv.lock left as it was.
    text = (tmp_path / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(
        text.replace("/cu130", "/cpu").replace("pytorch-cu130", "pytorch-cpu")
    )
    code, out, err = yes(tmp_path, env, fake_index.base_url, "--target", "linux-x86_64=cpu")
    assert code == 0, err
    assert "Wrote uv.lock (pyproject.toml already had this configuration)." in out
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.15.0+cpu"
    assert "planned cpu, but the lock has" not in out
    code, out, err = yes(tmp_path, env, fake_index.base_url, "--target", "linux-x86_64=cpu")
    assert code == 0, err
    assert "Nothing to change." in out


def test_a_nightly_build_by_date_is_pinned_and_kept(tmp_path, env, fake_index):
    args = ("--channel", "nightly", "--torch", "2.16.0.dev20261120")
    code, out, err = yes(tmp_path, env, fake_index.base_url, *args, "--target", "linux-x86_64")
    assert code == 0, err
    assert "Plan: torch 2.16 (nightly channel)" in out  # not "or newer"
    assert pyproject(tmp_path)["project"]["dependencies"] == ["torch==2.16.0.dev20261120"]
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.16.0.dev20261120+cpu"
    code, out, err = yes(tmp_path, env, fake_index.base_url)
    assert code == 0, err
    assert "Nothing to change." in out


def test_index_credentials_reach_uv_lock_and_are_never_printed_or_stored(
    tmp_path, env, fake_index, tmp_path_factory
):
    secret_env = dict(env)
    secret_env["TORCH_WIZARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("secret-cache"))
    # uv's own default index (the fake PyPI) is behind the same login
    secret_env["UV_DEFAULT_INDEX"] = env["UV_DEFAULT_INDEX"].replace("://", "://alice:s3cret@")
    # another host name for the index: uv must get its login from the wizard, not reuse
    # the default index's one for the same host
    base = fake_index.base_url.replace("://127.0.0.1", "://alice:s3cret@localhost")
    project = tmp_path / "p"
    project.mkdir()
    with fake_index.configured(auth=("alice", "s3cret")):
        code, out, err = yes(project, secret_env, base, "--target", "linux-x86_64=cpu")
    assert code == 0, err
    assert "s3cret" not in out + err
    assert "UV_INDEX_PYTORCH_CPU_USERNAME" in out  # for the next uv runs
    assert "Linux x86_64  2.15.0+cpu" in out
    stored = [p.read_text(errors="replace") for p in project.rglob("*") if p.is_file()]
    stored += [
        p.read_text(errors="replace")
        for p in Path(secret_env["TORCH_WIZARD_CACHE_DIR"]).rglob("*")
        if p.is_file()
    ]
    assert not [s for s in stored if "s3cret" in s]


def test_macos_on_a_nightly_plan_is_said_plainly_and_back_on_stable_takes_pypi(
    tmp_path, env, fake_index
):
    targets = ("--target", "linux-x86_64", "--target", "macos-arm64", "--no-lock")
    code, out, err = yes(tmp_path, env, fake_index.base_url, "--channel", "nightly", *targets)
    assert code == 0, err
    assert "macOS Apple Silicon    cpu (nightly)" in out
    assert "PyPI's macOS wheel includes" not in out  # PyPI has no nightly builds
    code, out, err = yes(tmp_path, env, fake_index.base_url, "--no-lock")  # a re-run
    assert code == 0, err
    assert "Nothing to change." in out and "kept from pyproject.toml" not in out
    code, out, err = yes(tmp_path, env, fake_index.base_url, "--channel", "stable", "--no-lock")
    assert code == 0, err
    assert "macOS Apple Silicon    PyPI's build" in out
    sources = pyproject(tmp_path)["tool"]["uv"]["sources"]["torch"]
    assert "darwin" not in str(sources)  # macOS takes PyPI's wheel again


@pytest.mark.parametrize(
    ("requirement", "written"),
    [
        # `and` binds tighter than `or`: the person's marker keeps its own parentheses
        (
            "torch==2.14.1 ; python_version >= '3.12' or implementation_name == 'cpython'",
            "torch==2.14.1+cu126 ; (python_version >= '3.12' or implementation_name == "
            "'cpython') and (sys_platform == 'linux' and platform_machine == 'x86_64')",
        ),
        # a platform condition gives way to the targets (the plan gave Linux a build that
        # a darwin-only line never installed)
        ("torch ; sys_platform == 'darwin'", "torch>=2.14,<2.15"),
    ],
)
def test_the_persons_marker_on_torch_is_kept_so_that_it_still_means_what_it_said(
    tmp_path, env, fake_index, requirement, written
):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["{requirement}"]\n'
    )
    gpu = ("--hardware", profile("linux-rtx4090-driver550"))
    code, out, err = yes(tmp_path, env, fake_index.base_url, *gpu)
    assert code == 0, err  # uv lock succeeded
    assert pyproject(tmp_path)["project"]["dependencies"][0] == written
    assert installs(tmp_path, "linux-x86_64", env)["torch"] == "2.14.1+cu126"


def test_a_fleets_closing_line_asks_each_machine_to_run_doctor(tmp_path, env, fake_index):
    fleet = ("linux-rtx4090-driver580", "macbook-m3-max")
    hardware = [a for name in fleet for a in ("--hardware", profile(name))]
    code, out, err = yes(tmp_path, env, fake_index.base_url, *hardware)
    assert code == 0, err
    # It said plain `torch-wizard doctor`: run here, it judged this machine against the plan.
    assert "then `torch-wizard doctor` on each machine." in out
