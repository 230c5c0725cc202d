"""The Project step's migration question: the same in both front ends, the file that includes
the others recommended, and a `--from` file that cannot be read refused before the screen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.e2e_helpers import profile
from tests.test_prompts_migration_offer import GPU_REQUIREMENTS, write_layered
from tests.test_question_parity import _from_view, _Recorder
from tests.tui.conftest import SMALL, profile_copy, ready, screen_text, step_of
from tests.tui.test_flow import TALL, choice_list, option_texts
from wizard.cli import _main_parser, main
from wizard.errors import BadInput
from wizard.prompts import run_flow
from wizard.tui.widgets.question_view import QuestionView


def plain_migrate_question(workdir: Path):
    recorder = _Recorder()
    opts = _main_parser().parse_args(
        [
            "--plain",
            "--dry-run",
            "--offline",
            "-C",
            "my-project",
            "--hardware",
            profile_copy(workdir, "linux-cpu-only"),
        ]
    )
    assert run_flow(opts, recorder, io.StringIO()) == 0
    assert recorder.shown[0].key == "migrate"
    return recorder.shown[0]


@pytest.mark.parametrize("layout", ["one-file", "layered"])
async def test_both_front_ends_offer_the_same_migration_and_default(
    wizard, project, workdir, layout
):
    if layout == "layered":
        write_layered(project)
    else:
        (project / "requirements.txt").write_text(GPU_REQUIREMENTS)
    plain = plain_migrate_question(workdir)
    app = wizard()
    async with app.run_test(size=TALL) as pilot:
        await ready(pilot)
        assert step_of(app) == "Project"
        (view,) = app.screen.query(QuestionView)
        tui = _from_view(view, Static)
    assert tui == plain
    recommended = [o.label for o in plain.options if o.recommended]
    top = "requirements-dev.txt" if layout == "layered" else "requirements.txt"
    assert recommended == [f"Migrate from {top}"]
    assert plain.defaults == (f"my-project/{top}",)


async def test_the_file_that_includes_the_others_is_recommended_and_migrates_them_all(
    wizard, project
):
    write_layered(project)
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        options = option_texts(choice_list(app, "migrate"))
        assert options[0].startswith("( ) Migrate from requirements.txt\n")
        assert options[1].startswith("(•) Migrate from requirements-dev.txt  ★ recommended")
        assert app.state.migrate_from == Path("my-project/requirements-dev.txt")
        migration = app.state.migration
        assert migration is not None
        assert [p.name for p in migration.deletable] == [
            "requirements-dev.txt",
            "requirements.txt",
            "base.txt",
            "constraints.txt",
        ]
        assert app.state.choices.additions.groups == {"dev": ("pytest", "ruff")}


# --- C: a --from file that cannot be read ----------------------------------------------------


def test_make_app_refuses_a_missing_from_file(wizard, project):
    with pytest.raises(BadInput) as refused:
        wizard(migrate_from=["nope.txt"])
    assert "The requirements file nope.txt does not exist" in str(refused.value)


@pytest.mark.parametrize("name", ["nope.txt", "bad-include.txt"])
def test_every_front_end_refuses_a_bad_from_file_before_asking(
    name, workdir, project, capsys, monkeypatch
):
    (workdir / "bad-include.txt").write_text("-r missing.txt\ntorch\n")
    monkeypatch.setattr("wizard.cli.interactive_terminal", lambda: True)
    monkeypatch.setenv("TERM", "xterm-256color")

    def no_screen(*args, **kwargs):
        raise AssertionError("the full-screen wizard opened")

    monkeypatch.setattr("wizard.tui.app.WizardApp.run", no_screen)
    hardware = ["--hardware", profile("linux-cpu-only")]
    errors = {}
    for front_end in (["--yes"], ["--plain"], []):
        args = [*front_end, "--offline", "-C", "my-project", *hardware, "--from", name]
        assert main(args) == 2, front_end
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("torch-wizard: "), err
        errors[" ".join(front_end) or "full-screen"] = err
    assert len(set(errors.values())) == 1, errors
    assert "does not exist" in errors["full-screen"]
    assert "--from" in errors["full-screen"]  # the way out
    assert list(project.iterdir()) == []


async def test_a_from_file_that_exists_still_opens_on_the_project_step(wizard, project, workdir):
    (workdir / "gpu.txt").write_text(GPU_REQUIREMENTS)
    app = wizard(migrate_from=["gpu.txt"])
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        assert step_of(app) == "Project"
        assert "Found    gpu.txt" in screen_text(app)
