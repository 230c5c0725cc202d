"""Pilot tests: drive every step forward, back, with edits and cancels, and check the Choices
and the files that result."""

from __future__ import annotations

import shutil
import sys
import threading
from pathlib import Path

import pytest
import tomllib

from tests.tui.conftest import (
    LARGE,
    SMALL,
    press_until_step,
    ready,
    screen_text,
    step_of,
    wait_until,
)
from wizard.plan import TargetChoice
from wizard.questions import STEPS
from wizard.session import Request
from wizard.tui.app import make_app
from wizard.tui.widgets.choice_list import ChoiceList
from wizard.tui.widgets.diff_view import DiffView
from wizard.tui.widgets.explain_panel import ExplainPanel
from wizard.tui.widgets.keys import KeyBar, StepButton


def choice_list(app, key: str) -> ChoiceList:
    dom = "".join(c if c.isalnum() or c in "-_" else "-" for c in key)
    return app.screen.query_one(f"#choices-{dom}", ChoiceList)


def option_texts(widget: ChoiceList) -> list[str]:
    return [str(getattr(o.prompt, "plain", o.prompt)) for o in widget.options]


async def focus_question(pilot, key: str) -> ChoiceList:
    widget = choice_list(pilot.app, key)
    widget.focus()
    await pilot.pause()
    return widget


async def highlight(pilot, key: str, value: str) -> None:
    """Move the cursor of question `key` onto `value` with the arrow keys, as a person would."""
    widget = await focus_question(pilot, key)
    values = [o.value for o in widget.question.options]
    target = values.index(value)
    await pilot.press("home")
    for _ in range(target):
        await pilot.press("down")
    await pilot.pause()


# --- the recommended path -------------------------------------------------------------------


@pytest.mark.e2e
async def test_five_enters_write_pyproject_and_lock(wizard, project, fake_index, uv_environ):
    app = wizard(offline=False, index_base=fake_index.base_url)
    keys = 0
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        assert step_of(app) == "Hardware"  # nothing to decide on Project in an empty folder
        for _ in range(5):
            await pilot.press("enter")
            keys += 1
            await pilot.pause()
        assert step_of(app) == "Lock"
        await wait_until(
            pilot, lambda: app.state.written or app.state.lock_error is not None, timeout=120
        )
        assert app.state.lock_error is None
        assert "2.15.0+cpu" in screen_text(app)
        await pilot.press("enter")
        assert step_of(app) == "Done"
        await pilot.press("enter")
    assert keys <= 5
    assert app.return_code == 0
    assert "2.15.0+cpu" in "\n".join(app.farewell)
    pyproject = (project / "pyproject.toml").read_text()
    assert 'name = "pytorch-cpu"' in pyproject and f"{fake_index.base_url}/cpu" in pyproject
    lock = tomllib.loads((project / "uv.lock").read_text())
    torch = {
        p["version"]: p["source"].get("registry") for p in lock["package"] if p["name"] == "torch"
    }
    assert torch["2.15.0+cpu"] == f"{fake_index.base_url}/cpu"


async def test_enter_on_every_step_takes_the_recommendation(wizard, project, canned_apply):
    app = wizard(profile="linux-rtx4090-driver580")
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        presses = await press_until_step(pilot, "Lock")
        assert presses == 5
    (prepared,) = canned_apply
    assert prepared.plan.targets == (TargetChoice("linux-x86_64", "cu130"),)
    assert not (project / "pyproject.toml").exists()  # the stand-in writes nothing


async def test_first_screen_shows_before_detection_finishes(workdir, project):
    release = threading.Event()

    def slow_detection():
        release.wait(10)
        from tests.e2e_helpers import profile
        from wizard.hardware.profile import load_profile

        return (load_profile(profile("linux-cpu-only")),), ("NVIDIA: nothing detected (test)",)

    app = make_app(Request(), folder="my-project", offline=True, detector=slow_detection)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert step_of(app) == "Hardware"
        assert "detecting this machine's hardware" in screen_text(app)
        await pilot.press("enter")  # Enter while detecting: go on once it is done
        assert step_of(app) == "Hardware"
        assert "as soon as detection finishes" in screen_text(app)
        release.set()
        await wait_until(pilot, lambda: step_of(app) == "Targets")
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(app)
        assert "none detected" in text and "NVIDIA: nothing detected (test)" in text


async def test_detection_failure_is_shown_and_blocks_next(workdir, project):
    def broken():
        raise RuntimeError("probe exploded")

    app = make_app(Request(), folder="my-project", offline=True, detector=broken)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, lambda: app.state.failed is not None)
        await pilot.pause()
        assert "Hardware detection failed" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert step_of(app) == "Hardware"


# --- back keeps answers, edits change the choices --------------------------------------------


async def test_back_keeps_answers(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        assert step_of(app) == "Targets"
        await highlight(pilot, "targets", "macos-arm64")
        await pilot.press("space")
        await pilot.press("enter")
        assert step_of(app) == "Accelerators"
        await highlight(pilot, "backend:linux-x86_64", "cu130")
        await pilot.press("escape", "escape")
        assert step_of(app) == "Hardware"
        await pilot.press("enter")
        targets = choice_list(app, "targets")
        assert targets.values == ("linux-x86_64", "macos-arm64")
        await pilot.press("enter")
        assert choice_list(app, "backend:linux-x86_64").values == ("cu130",)
        assert app.state.choices.targets == (
            TargetChoice("linux-x86_64", "cu130"),
            TargetChoice("macos-arm64", "auto"),
        )


async def test_back_from_the_first_screen_shows_project(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        assert step_of(app) == "Hardware"  # nothing to decide on Project: opened past it
        await pilot.press("escape")
        assert step_of(app) == "Project"
        assert "Folder   my-project" in screen_text(app)
        await pilot.press("escape")
        assert step_of(app) == "Project"  # nothing before the first step
        await pilot.press("enter")
        assert step_of(app) == "Hardware"
        await pilot.press("enter")
        assert step_of(app) == "Targets"


async def test_project_step_names_a_hand_written_pytorch_index(wizard, project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0.1.0"\ndependencies = ["torch>=2.4"]\n\n'
        '[tool.uv.sources]\ntorch = { index = "pytorch" }\n\n'
        '[[tool.uv.index]]\nname = "pytorch"\n'
        'url = "https://download.pytorch.org/whl/cu126"\nexplicit = true\n'
    )
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        if step_of(app) != "Project":
            await pilot.press("escape")
        text = screen_text(app)
        # The source has no marker: its cu126 build is kept on every platform that has one.
        assert "Torch    set up (linux-x86_64 cu126, linux-aarch64 cu126," in text
        assert "torch comes from your index" in text
        assert "'pytorch' (https://download.pytorch.org/whl/cu126), which" in text
        assert "no PyTorch index set up yet" not in text


async def test_edits_reach_the_review_diff(wizard, project, canned_apply):
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Accelerators")
        await highlight(pilot, "backend:linux-x86_64", "cu130")
        await pilot.press("enter")
        await highlight(pilot, "torch", "2.14")
        widget = await focus_question(pilot, "companions")
        await pilot.press("home", "space")
        assert widget.values == ("torchvision",)
        await pilot.press("enter")
        assert step_of(app) == "Review"
        assert "Plan: torch 2.14" in screen_text(app)
        assert 'name = "pytorch-cu130"' in app.screen.query_one(DiffView).diff
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.state.written)
    choices = canned_apply[0].choices
    assert choices.targets == (TargetChoice("linux-x86_64", "cu130"),)
    assert choices.torch == "2.14" and choices.companions == ("torchvision",)
    assert any(d.startswith("torchvision") for d in canned_apply[0].plan.dependencies)


async def test_variants_mode_swaps_the_questions_and_validates(wizard, project):
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Accelerators")
        await highlight(pilot, "mode", "variants")
        await wait_until(pilot, lambda: bool(app.screen.query("#choices-variants")))
        variants = choice_list(app, "variants")
        assert app.state.choices.variants == variants.values
        assert len(variants.values) >= 2
        assert not app.screen.query("#choices-backend-linux-x86_64")
        variants.focus()
        await pilot.pause()
        while len(variants.values) > 1:  # untick down to one build
            index = [o.value for o in variants.question.options].index(variants.values[-1])
            variants.highlighted = index
            await pilot.press("space")
        assert "at least two builds" in screen_text(app)
        await pilot.press("enter")
        assert step_of(app) == "Accelerators"  # refused
        await highlight(pilot, "mode", "markers")
        await wait_until(pilot, lambda: bool(app.screen.query("#choices-backend-linux-x86_64")))
        assert app.state.choices.variants == ()


async def test_no_target_is_refused(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await focus_question(pilot, "targets")
        await pilot.press("home", "space")
        assert "Choose at least one target platform" in screen_text(app)
        await pilot.press("enter")
        assert step_of(app) == "Targets"
        await pilot.press("space", "enter")
        assert step_of(app) == "Accelerators"


async def test_options_that_do_not_fit_are_marked_but_selectable(wizard, project):
    app = wizard(profile="linux-rtx4090-driver550")
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Accelerators")
        options = option_texts(choice_list(app, "backend:linux-x86_64"))
        assert "★ recommended" in options[0]
        cu130 = next(o for o in options if "(cu130)" in o)
        assert "✗ CUDA 13.0 needs driver 580" in cu130
        await highlight(pilot, "backend:linux-x86_64", "cu130")
        assert app.state.choices.targets[0].backend == "cu130"


def test_a_long_label_wraps_under_itself_not_under_the_mark():
    from wizard.questions import Option, Question
    from wizard.tui.widgets.choice_list import option_prompt

    question = Question(
        "torch",
        "Packages",
        "Which torch release?",
        "select",
        (Option("", "The newest release that serves every target", recommended=True),),
        ("",),
        "releases",
        "",
    )
    assert option_prompt(question, 0, True, 40).plain.splitlines() == [
        "(•) The newest release that serves every",
        "    target  ★ recommended",
    ]
    assert option_prompt(question, 0, True, 30).plain.splitlines() == [
        "(•) The newest release that",
        "    serves every target",
        "    ★ recommended",
    ]


async def test_mouse_clicks_choose_and_go_on(wizard, project):
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await pilot.click("#next")
        assert step_of(app) == "Targets"
        targets = choice_list(app, "targets")
        row = [o.value for o in targets.question.options].index("windows-x86_64")
        line = targets._index_to_line[row]
        await pilot.click(targets, offset=(2, line))
        assert "windows-x86_64" in targets.values
        await pilot.click("#back")
        assert step_of(app) == "Hardware"


async def test_key_line_follows_the_step_and_its_keys_can_be_clicked(wizard, project):
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        bottom = screen_text(app).splitlines()[-1]
        assert bottom.startswith(" ⏎ Next  esc Back  ? Explain  q Quit")
        panel = app.screen.query_one(ExplainPanel)
        assert panel.display
        await pilot.click(KeyBar, offset=(bottom.index("Explain"), 0))
        await pilot.pause()
        assert not app.screen.query_one(ExplainPanel).display
        await press_until_step(pilot, "Review")
        await pilot.pause()
        assert screen_text(app).splitlines()[-1].startswith(" ⏎ Write & lock  esc Back")


async def test_buttons_take_the_focus_and_press_with_enter_or_space(wizard, project):
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        app.screen.query_one("#back", StepButton).focus()
        await pilot.pause()
        # the focused button's Enter is its own, and the key line says so
        assert screen_text(app).splitlines()[-1].startswith(" ⏎ Back  esc Back")
        app.screen.query_one("#next", StepButton).focus()
        await pilot.press("space")
        assert step_of(app) == "Targets"
        app.screen.query_one("#back", StepButton).focus()
        await pilot.press("enter")
        assert step_of(app) == "Hardware"
        await press_until_step(pilot, "Review")
        app.screen.query_one("#next", StepButton).focus()
        await pilot.pause()
        assert screen_text(app).splitlines()[-1].startswith(" ⏎ Write & lock  esc Back")


async def test_the_collector_paused_for_start_up_is_on_once_the_first_step_shows(wizard, project):
    import gc

    app = wizard()
    gc.disable()  # as torch-wizard's main() leaves it for start-up
    try:
        async with app.run_test(size=LARGE) as pilot:
            await ready(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


# --- the project step ------------------------------------------------------------------------


async def test_requirements_file_offers_migration(wizard, project):
    (project / "requirements.txt").write_text(
        "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.0+cu121\nnumpy\n"
    )
    app = wizard(profile="linux-rtx4090-driver580")
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        assert step_of(app) == "Project"
        options = option_texts(choice_list(app, "migrate"))
        assert options[0].startswith("(•) Migrate from requirements.txt  ★ recommended")
        await pilot.press("escape")
        assert step_of(app) == "Project"  # nothing before the first step
        await pilot.press("enter")
        assert step_of(app) == "Hardware"
        migrated = app.state.choices
        assert "numpy" in migrated.additions.dependencies  # from the requirements file
        assert migrated.targets[0].backend.startswith("cu")
        await pilot.press("escape")
        assert step_of(app) == "Project"
        await highlight(pilot, "migrate", "")  # leave the file alone: start from the machine
        assert app.state.migrate_from is None
        assert app.state.choices.additions.dependencies == ()
        await pilot.press("down")  # and back: the migration's answers again
        assert app.state.choices == migrated


REQUIREMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "requirements"
TALL = (96, 60)  # the whole line report on one screen, the explanation not beside it


async def test_migration_shows_what_each_line_became(wizard, project):
    shutil.copy(REQUIREMENTS / "torch-stable-cu117" / "requirements.txt", project)
    app = wizard(profile="linux-rtx4090-driver580")
    async with app.run_test(size=TALL) as pilot:
        await ready(pilot)
        assert step_of(app) == "Project"
        text = screen_text(app)
        assert "What each line of requirements.txt becomes" in text
        for line in (
            "3  -f https://download.pytorch.org/whl/torch_stable.html",
            "4  torch==1.13.1+cu117",
            "5  torchvision==0.14.1+cu117",
            "10  tensorboard==2.12.0",
        ):
            assert line in text
        assert "→ kept: [project].dependencies: numpy==1.24.4" in text
        assert "→ torch: the pin torch==1.13.1 is dropped" in text
        assert "! torch==1.13.1 is older than every release the catalog has" in text
        assert "the last step says what can be deleted" in text
        await highlight(pilot, "migrate", "")  # leave the file alone: the report goes
        assert "What each line" not in screen_text(app)


async def test_done_says_which_requirements_files_can_go(wizard, project, canned_apply):
    shutil.copy(REQUIREMENTS / "team-markers" / "requirements.txt", project)
    app = wizard(profile="linux-rtx4090-driver580")
    async with app.run_test(size=TALL) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert '3  torch==2.4.1+cu121; sys_platform == "linux"' in text
        assert "→ torch: torch 2.4.1, the label +cu121 names the build" in text
        assert "→ kept: [project].dependencies: pandas==2.2.3" in text
        await press_until_step(pilot, "Done")
        text = " ".join(screen_text(app).split())  # the sentence wraps
        assert (
            "The requirements files were left in place. Once `uv sync` works, these can be deleted"
        ) in text
        assert "still reads them): requirements.txt." in text
        await pilot.press("enter")
    assert any("these can be deleted" in line for line in app.farewell)
    assert (project / "requirements.txt").exists()


async def test_bad_requirements_file_is_one_sentence(wizard, project):
    (project / "requirements.txt").write_text("-r missing.txt\ntorch\n")
    app = wizard()
    async with app.run_test(size=TALL) as pilot:
        await ready(pilot)
        assert step_of(app) == "Project"
        text = " ".join(screen_text(app).split())
        assert "missing.txt does not exist (requirements.txt:1 includes it)" in text
        assert "Traceback" not in text and "What each line" not in text
        await pilot.press("enter")
        assert step_of(app) == "Hardware"  # the answers start from the machine
        assert app.state.choices.additions.dependencies == ()


async def test_nightly_file_reads_the_nightly_catalog(wizard, project):
    (project / "requirements.txt").write_text("torch\n")
    shutil.copy(REQUIREMENTS / "nightly" / "requirements.txt", project / "requirements-nightly.txt")
    app = wizard(profile="linux-rtx4090-driver580")
    async with app.run_test(size=TALL) as pilot:
        await ready(pilot)
        assert app.state.catalog_wanted[1] == "stable"
        nightly = app.state.requirement_files[1]
        assert nightly.name == "requirements-nightly.txt"
        await highlight(pilot, "migrate", str(nightly))
        await wait_until(pilot, lambda: app.state.ready and app.state.migration is not None)
        assert app.state.catalog_wanted[1] == "nightly"
        assert app.state.choices.channel == "nightly"
        assert "What each line of requirements-nightly.txt becomes" in screen_text(app)


async def test_migration_module_missing_is_said_not_raised(wizard, project, monkeypatch):
    (project / "requirements.txt").write_text("torch==2.1.0\n")
    monkeypatch.setitem(sys.modules, "wizard.migrate", None)  # import fails
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        options = option_texts(choice_list(app, "migrate"))
        assert "✗ migration is not available in this version yet" in options[0]
        assert "★ recommended" in options[-1]  # leaving the file alone
        await highlight(pilot, "migrate", str(app.state.requirement_files[0]))
        assert "Migration is not available yet" in screen_text(app)
        await pilot.press("enter")
        assert step_of(app) == "Hardware"


async def test_from_file_outside_the_folder_is_offered_first(wizard, project, workdir):
    (project / "requirements.txt").write_text("torch\n")
    (workdir / "gpu.txt").write_text("torch==2.1.0+cu121\n")
    app = wizard(migrate_from=["gpu.txt"])
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        question = choice_list(app, "migrate").question
        assert [o.label for o in question.options if o.recommended] == ["Migrate from gpu.txt"]
        assert app.state.migrate_from == Path("gpu.txt")


async def test_existing_setup_is_prefilled_and_second_run_changes_nothing(
    wizard, project, fake_index, uv_environ
):
    for run in (1, 2):
        app = wizard(
            offline=False,
            index_base=fake_index.base_url,
            request=Request(companions=("torchvision",)) if run == 1 else None,
        )
        async with app.run_test(size=LARGE) as pilot:
            await ready(pilot)
            if run == 2:
                assert app.state.choices.companions == ("torchvision",)
            await press_until_step(pilot, "Review")
            if run == 2:
                assert "already has this configuration" in screen_text(app)
            await pilot.press("enter")
            state = app.state
            await wait_until(
                pilot,
                lambda: state.written or bool(state.lock_error),  # noqa: B023
                timeout=120,
            )
            assert app.state.lock_error is None
            if run == 1:
                first = (project / "pyproject.toml").read_bytes()
            else:
                assert "already have this configuration" in screen_text(app)
            await pilot.press("q")
    assert (project / "pyproject.toml").read_bytes() == first


async def test_hand_written_setup_is_announced_and_prefilled(wizard, project):
    from tests.e2e_helpers import PROFILES

    handwritten = PROFILES.parent / "pyprojects" / "handwritten.toml"
    (project / "pyproject.toml").write_bytes(handwritten.read_bytes())
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        assert step_of(app) == "Project"  # a warning to read before anything else
        text = screen_text(app)
        assert "hand-written torch setup" in text and "Windows is 'win32'" in text
        await pilot.press("enter", "enter")
        assert step_of(app) == "Targets"
        assert choice_list(app, "targets").values == (
            "linux-x86_64",
            "linux-aarch64",
            "macos-arm64",
        )


# --- leaving before the lock writes nothing -------------------------------------------------


@pytest.mark.parametrize(("key", "code"), [("q", 0), ("ctrl+c", 130)])
async def test_leaving_before_lock_writes_nothing(wizard, project, key, code):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Review")
        await pilot.press(key)
    assert app.return_code == code
    assert app.farewell == ["No changes were made."]
    assert list(project.iterdir()) == []


def keep_me(project: Path) -> bytes:
    """A small existing pyproject.toml whose bytes a stopped or failed lock must keep."""
    (project / "pyproject.toml").write_text(
        '[project]\nname = "keep-me"\nversion = "0"\ndependencies = []\n'
    )
    return (project / "pyproject.toml").read_bytes()


@pytest.mark.e2e
async def test_lock_failure_puts_files_back_and_explains(
    wizard, project, fake_index, uv_environ, monkeypatch
):
    before = keep_me(project)
    app = wizard(offline=False, index_base=fake_index.base_url)
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Review")
        fake_index.fail = True  # uv cannot read the index now
        monkeypatch.setenv("UV_HTTP_RETRIES", "0")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.state.lock_error is not None, timeout=120)
        text = screen_text(app)
        assert "put back" in text
        assert (project / "pyproject.toml").read_bytes() == before
        assert not (project / "uv.lock").exists()
        await pilot.press("escape")  # back to Review to change answers
        assert step_of(app) == "Review"
        await pilot.press("q")
    assert app.return_code == 1
    assert "put back" in app.farewell[0]


@pytest.mark.e2e
async def test_escape_stops_uv_lock_and_puts_the_files_back(
    wizard, project, fake_index, uv_environ
):
    before = keep_me(project)
    app = wizard(offline=False, index_base=fake_index.base_url)
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Review")
        with fake_index.configured(delay=2.0):  # uv waits on every answer
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.state.lock_running)
            assert "Stop uv lock" in screen_text(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: not app.state.lock_running, timeout=30)
        assert app.screen.cancel.is_set() and app.state.lock_error is None
        assert "stopped" in screen_text(app) and "put back" in screen_text(app)
        assert (project / "pyproject.toml").read_bytes() == before
        assert not (project / "uv.lock").exists()
        await pilot.press("escape")  # and now Escape is Back again
        assert step_of(app) == "Review"
        await pilot.press("q")
    assert app.return_code == 0
    assert app.farewell == ["No changes were made."]


async def test_quitting_when_uv_has_just_finished_keeps_the_written_lock(
    wizard, project, monkeypatch
):
    release = threading.Event()

    def slow_apply(facts, prepared, lock=True, on_line=None, cancel=None):
        from tests.tui.conftest import canned_report
        from wizard.session import Applied

        on_line("Resolving dependencies")
        release.wait(10)  # finishes although a stop was asked for
        return Applied(True, True, canned_report())

    monkeypatch.setattr("wizard.session.apply", slow_apply)
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        await wait_until(pilot, lambda: "Resolving dependencies" in screen_text(app))
        await pilot.press("q")
        assert app.is_running and app.screen.cancel.is_set()
        release.set()
        await wait_until(pilot, lambda: not app.is_running)
    assert app.return_code == 0
    assert app.state.written
    assert app.farewell[0].startswith("Wrote pyproject.toml")


# --- explanation, size, colour, theme --------------------------------------------------------


async def test_explanation_beside_choices_when_wide_hidden_when_narrow(wizard, project):
    for size, shown in ((LARGE, True), (SMALL, False)):
        app = wizard()
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            await pilot.press("enter")
            panel = app.screen.query_one(ExplainPanel)
            assert panel.display is shown
            assert panel.topic == "environments"
            await pilot.press("question_mark")
            assert panel.display is not shown
            await pilot.press("f1")
            assert panel.display is shown


async def test_explanation_follows_the_focused_question(wizard, project):
    app = wizard(profile="linux-rtx4090-driver580")
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Accelerators")
        panel = app.screen.query_one(ExplainPanel)
        assert panel.topic == "markers-vs-extras"
        await pilot.press("tab")
        assert panel.topic == "compute-capability"
        assert any("RTX 4090" in note for note in panel.notes)
        assert "Compute capability" in screen_text(app)


async def test_small_terminal_gets_a_message(wizard, project):
    app = wizard()
    async with app.run_test(size=(60, 20)) as pilot:
        await ready(pilot)
        assert "Make the terminal at least 80x24 (it is 60x20 now)" in screen_text(app)
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert "Make the terminal" not in screen_text(app)
        assert "Step 2 of 8" in screen_text(app)


async def test_an_existing_torch_range_is_the_chosen_release_and_python_stays(wizard, project):
    # A hand-written project: Python 3.10 allowed, torch>=2.4. torch 2.15 has no 3.10 wheels,
    # so Enter through takes 2.14 as Hardware recommends, and requires-python stays.
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["numpy", "torch>=2.4"]\n'
    )
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Packages")
        assert "(•) torch>=2.4" in screen_text(app)
        await press_until_step(pilot, "Review")
        text = screen_text(app)
        assert "Plan: torch 2.14" in text
        assert "requires-python becomes" not in text
        assert app.screen.prepared.new_text.count('requires-python = ">=3.10"') == 1


async def test_no_key_acts_on_a_step_hidden_by_the_size_message(wizard, project):
    # Review hidden behind "Make the terminal at least 80x24": Enter must not write and lock.
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Review")
        focused = app.screen.focused
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert "q quits; nothing has been written." in screen_text(app)
        for key in ("enter", "space", "tab", "escape", "enter"):
            await pilot.press(key)
        await pilot.pause()
        assert list(project.iterdir()) == []
        assert not app.state.written
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert "Step 6 of 8" in screen_text(app)
        assert app.screen.focused is focused
        await pilot.press("q")
    assert list(project.iterdir()) == []


async def test_no_color_is_respected(wizard, project, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        assert app.no_color
        assert any(type(f).__name__ in ("Monochrome", "NoColor") for f in app._filters)


async def test_ctrl_t_switches_light_and_dark(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is dark


async def test_crumb_shows_every_step(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        crumb = screen_text(app).splitlines()[0]
        assert [s for s in STEPS if s in crumb] == list(STEPS)


def test_bad_hardware_file_is_bad_input_before_the_screen(workdir, project):
    from wizard.errors import BadInput

    (workdir / "bad.json").write_text("{")
    with pytest.raises(BadInput):
        make_app(Request(), folder="my-project", hardware=["bad.json"], offline=True)


def test_run_tui_without_a_terminal_says_what_to_use(tmp_path: Path):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "wizard", "-C", str(tmp_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "--yes" in proc.stderr and "--plain" in proc.stderr


async def test_lock_step_explains_the_lock_not_the_targets(wizard, project, canned_apply):
    app = wizard(profile="linux-rtx4090-driver580")
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        await wait_until(pilot, lambda: app.state.written)
        panel = app.screen.query_one(ExplainPanel)
        assert panel.display
        assert panel.topic == "one-release"
        text = screen_text(app)
        assert "One torch release on every target" in text
        assert "Which platforms the lock covers" not in text


async def test_hardware_step_says_a_fleet_gets_selectable_builds(wizard, project):
    # Two Linux machines needing different builds: the first one's recommendation alone would
    # hide the CPU-only box.
    app = wizard(profile=("linux-rtx4090-driver550", "linux-cpu-only"))
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        text = " ".join(app.screen.query_one("#hardware").render().plain.split())
        assert "★ linux-rtx4090-driver550.json (Linux x86_64): the cu126 build of torch" in text
        assert "★ linux-cpu-only.json (Linux x86_64): the cpu build of torch" in text
        assert "so each build is a selectable extra: cu126, cpu." in text
        assert "What the machines have" in screen_text(app)  # not "this machine"


async def test_done_step_gives_each_machine_of_a_fleet_its_sync_command(wizard, project):
    app = wizard(profile=("linux-rtx4090-driver550", "linux-cpu-only"), no_lock=True)
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        await wait_until(pilot, lambda: app.state.written)
        await pilot.press("enter")
        assert step_of(app) == "Done"
        text = " ".join(screen_text(app).split())
        assert "uv sync --extra cu126 on linux-rtx4090-driver550.json: create .venv" in text
        assert "uv sync --extra cpu on linux-cpu-only.json: create .venv" in text
        await pilot.press("enter")
    farewell = "\n".join(app.farewell)
    assert "  uv sync --extra cu126   (on linux-rtx4090-driver550.json)" in farewell
    assert "  uv sync --extra cpu   (on linux-cpu-only.json)" in farewell
