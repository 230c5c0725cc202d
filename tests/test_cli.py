"""How the command line reads its words: subcommands and options in either order."""

from __future__ import annotations

import json

from tests.e2e_helpers import profile
from wizard.cli import main


def test_a_subcommand_after_the_folder_option_runs_that_subcommand(tmp_path, capsys):
    # git-style habit: `torch-wizard -C DIR doctor` is `torch-wizard doctor -C DIR`.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0.1.0"\n')
    code = main(
        [
            "-C",
            str(tmp_path),
            "doctor",
            "--json",
            "--offline",
            "--hardware",
            profile("linux-cpu-only"),
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert report["project"] == str(tmp_path.resolve())


def test_a_folder_named_like_a_subcommand_is_still_a_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "doctor").mkdir()
    code = main(["--yes", "--offline", "--dry-run", "-C", "doctor"])
    assert code == 0
    assert "Dry run: nothing was written." in capsys.readouterr().out


def test_an_option_the_subcommand_does_not_take_is_named(tmp_path, capsys):
    code = main(["--yes", "doctor", "-C", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Unrecognized arguments: --yes. See `torch-wizard doctor --help`." in err
    assert list(tmp_path.iterdir()) == []


def test_bad_input_with_json_gives_a_script_the_error_on_stdout(tmp_path, capsys):
    code = main(["--yes", "--json", "-C", str(tmp_path), "--target", "macos-arm64=cu130"])
    captured = capsys.readouterr()
    assert code == 2
    error = json.loads(captured.out)
    assert error["exit_code"] == 2
    assert "has no cu130 build for macOS Apple Silicon" in error["error"]
    assert error["error"] in captured.err
    code = main(["doctor", "--json", "-C", str(tmp_path / "missing")])
    assert code == 2
    assert json.loads(capsys.readouterr().out)["exit_code"] == 2


def test_the_collector_paused_for_start_up_is_on_again_when_the_work_runs(tmp_path, monkeypatch):
    # Start-up runs without the cyclic collector (bench/first_screen.py); every command turns
    # it back on before its own work, and a run leaves it as it found it.
    import gc

    from wizard.commands import apply

    seen = []
    real = apply.run_noninteractive

    def spy(opts):
        seen.append(gc.isenabled())
        return real(opts)

    monkeypatch.setattr(apply, "run_noninteractive", spy)
    assert main(["--yes", "--offline", "--dry-run", "-C", str(tmp_path)]) == 0
    assert seen == [True]
    assert gc.isenabled()
    assert main(["--bogus"]) == 2  # bad input ends before any work
    assert gc.isenabled()
