"""Bad input: one clear sentence and the way out, exit code 2, nothing changed on disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from tests.e2e_helpers import profile
from wizard.cli import main

PYPROJECTS = Path(__file__).parent / "fixtures" / "pyprojects"
GOOD = "[project]\nname = 'demo'\nversion = '1.0'\nrequires-python = '>=3.11'\ndependencies = []\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def run(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--yes", "--offline", "-C", str(folder), *args])
    err = capsys.readouterr().err
    return code, err


def one_sentence(err: str) -> None:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("torch-wizard: ")
    assert "Traceback" not in err


CASES = {
    "invalid-toml": ((PYPROJECTS / "invalid.toml").read_text(), (), "line"),
    "project-not-a-table": ("project = 'x'\n", (), "not a table"),
    "dependencies-not-a-list": (
        "[project]\nname = 'a'\ndependencies = 'torch'\n",
        (),
        "dependencies",
    ),
    "dependency-not-a-string": ("[project]\nname = 'a'\ndependencies = [1]\n", (), "dependencies"),
    "dynamic-dependencies": ((PYPROJECTS / "dynamic.toml").read_text(), (), "dynamic"),
    "poetry-only": ((PYPROJECTS / "poetry.toml").read_text(), (), "[project]"),
    "handwritten-conflicting-source": ((PYPROJECTS / "handwritten.toml").read_text(), (), "torch"),
    "unknown-platform": (GOOD, ("--target", "solaris-sparc"), "linux-x86_64"),
    "unknown-backend": (GOOD, ("--target", "linux-x86_64=cuda"), "cuNNN"),
    "one-variant": (GOOD, ("--variants", "cpu"), "at least two"),
    "auto-variant": (GOOD, ("--variants", "cpu,auto"), "variant"),
    "unknown-companion": (GOOD, ("--with", "torchtext"), "torchvision"),
    "bad-torch-spec": (GOOD, ("--torch", "banana"), "--torch"),
    "torch-that-does-not-exist": (GOOD, ("--torch", "1.0"), "release"),
    "insecure-index": (GOOD, ("--index-base", "http://mirror.example.com/whl"), "https"),
    "not-a-url-index": (GOOD, ("--index-base", "ftp://mirror/whl"), "http"),
    "unknown-channel": (GOOD, ("--channel", "beta"), "channel"),
    "variant-url-as-index-base": (
        GOOD,
        ("--index-base", "https://mirror.example.org/whl/nightly/cu130"),
        "is the cu130 index itself, not the base of the PyTorch indexes. Give the base instead "
        "(--index-base https://mirror.example.org/whl --channel nightly)",
    ),
    "unknown-flag": (GOOD, ("--frobnicate",), "--help"),
    "missing-hardware-file": (GOOD, ("--hardware", "/nonexistent/gpu.json"), "detect --json"),
    "missing-requirements-file": (
        GOOD,
        ("--from", "/nonexistent/requirements.txt"),
        "requirements",
    ),
    "bad-python-spec": (None, ("--python", "three"), "--python"),
    "python-2": (None, ("--python", "2.7"), "admits Python 2"),
    "python-empty-range": (None, ("--python", ">=3.12,<3.12"), "admits no Python version"),
    "python-for-an-existing-project": (
        GOOD,
        ("--python", ">=3.12"),
        "--python is for a new project; pyproject.toml already has requires-python",
    ),
    "requires-python-beyond-every-torch": (
        '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.16"\n',
        (),
        "which no torch release has wheels for",
    ),
    "requires-python-two-digit-minor": (
        '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.20"\n',
        (),
        "starts at Python 3.20, which no torch release",
    ),
    "no-torch-for-target": (
        GOOD,
        ("--target", "windows-arm64=cpu"),
        "No torch release has wheels for Windows ARM64. Leave out --target windows-arm64.",
    ),
    "platform-twice": (
        GOOD,
        ("--target", "linux-x86_64=cpu", "--target", "linux-x86_64=cu130"),
        "twice",
    ),
    "variants-and-a-chosen-build": (
        GOOD,
        ("--variants", "cpu,cu130", "--target", "linux-x86_64=cu126"),
        "both choose the build",
    ),
    "companion-without-that-build": (
        GOOD,
        ("--with", "torchaudio", "--target", "linux-x86_64=cu132"),
        "has no cu132 build",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_sentence_exit_2_and_nothing_written(name, tmp_path, capsys):
    text, args, word = CASES[name]
    if text is not None:
        (tmp_path / "pyproject.toml").write_text(text)
    before = snapshot(tmp_path)
    code, err = run(tmp_path, capsys, "--hardware", profile("linux-cpu-only"), *args)
    assert code == 2, err
    one_sentence(err)
    assert word.lower() in err.lower()
    assert snapshot(tmp_path) == before


def test_malformed_hardware_profile(tmp_path, capsys):
    bad = tmp_path / "gpu.json"
    bad.write_text('{"schema": 1, "os": "linux", "arch": "x86_64", "gpus": [{"vendor": 5}]}')
    work = tmp_path / "p"
    work.mkdir()
    code, err = run(work, capsys, "--hardware", str(bad))
    assert code == 2
    one_sentence(err)
    assert "gpus[0].vendor" in err
    assert list(work.iterdir()) == []


def test_binary_requirements_file(tmp_path, capsys):
    binary = tmp_path / "requirements.txt"
    binary.write_bytes(b"\x00\x01\x02\xff\xfe torch")
    work = tmp_path / "p"
    work.mkdir()
    code, err = run(work, capsys, "--hardware", profile("linux-cpu-only"), "--from", str(binary))
    assert code == 2
    one_sentence(err)
    assert list(work.iterdir()) == []


def test_missing_project_folder(tmp_path, capsys):
    code = main(
        [
            "--yes",
            "--offline",
            "-C",
            str(tmp_path / "nope"),
            "--hardware",
            profile("linux-cpu-only"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    one_sentence(err)
    assert "does not exist" in err


def test_project_folder_that_is_a_file(tmp_path, capsys):
    file = tmp_path / "notes.txt"
    file.write_text("x")
    code, err = run(file, capsys, "--hardware", profile("linux-cpu-only"))
    assert code == 2
    one_sentence(err)
    assert "is a file, not a project folder" in err
    assert file.read_text() == "x" and sorted(tmp_path.iterdir()) == [file]


def test_a_migrate_command_points_to_from(tmp_path, capsys):
    code = main(["migrate", "requirements.txt", "-C", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    one_sentence(err)
    assert "Use `torch-wizard --from requirements.txt`." in err
    assert list(tmp_path.iterdir()) == []
    # after options too (a folder named 'migrate' given to -C is still a folder)
    assert main(["-C", str(tmp_path), "migrate", "a.txt", "b.txt"]) == 2
    assert "Use `torch-wizard --from a.txt --from b.txt`." in capsys.readouterr().err


@pytest.mark.parametrize("error", [errno.EACCES, errno.EROFS, errno.ENOSPC])
def test_unwritable_folder_or_full_disk(error, tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(GOOD)
    before = snapshot(tmp_path)
    real_replace = os.replace

    def failing_replace(src, dst):  # the write's last step fails as the disk would
        if str(dst).endswith("pyproject.toml"):
            raise OSError(error, os.strerror(error))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    code, err = run(tmp_path, capsys, "--hardware", profile("linux-cpu-only"), "--no-lock")
    assert code in (1, 2), err
    one_sentence(err)
    assert snapshot(tmp_path) == before  # no temp file left behind either


def test_credentials_in_the_index_base_are_never_written(tmp_path, capsys):
    code = main(
        [
            "--yes",
            "--offline",
            "--no-lock",
            "-C",
            str(tmp_path),
            "--hardware",
            profile("linux-cpu-only"),
            "--index-base",
            "https://alice:s3cret@mirror.example.com/pytorch/whl",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    text = (tmp_path / "pyproject.toml").read_text()
    assert "s3cret" not in text and "alice" not in text
    assert 'url = "https://mirror.example.com/pytorch/whl/cpu"' in text
    assert "UV_INDEX_PYTORCH_CPU_USERNAME" in out and "UV_INDEX_PYTORCH_CPU_PASSWORD" in out
    assert "s3cret" not in out
