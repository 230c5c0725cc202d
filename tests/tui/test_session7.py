"""The full-screen wizard after the seventh hands-on review: page keys read on without changing
an answer, q while uv locks is an interruption (130, said as Escape says it), a refused answer
is readable at 80x24, a plan that cannot be made is explained and sends the person to a step,
and Done's `doctor` names the hardware the plan was made for."""

from __future__ import annotations

import threading

import pytest

from tests.tui.conftest import (
    LARGE,
    SMALL,
    press_until_step,
    ready,
    screen_text,
    step_of,
    wait_until,
)
from wizard.session import Request
from wizard.tui.app import make_app
from wizard.tui.widgets.choice_list import ChoiceList

STOPPED = "uv lock was stopped, so pyproject.toml and uv.lock were put back as they were."


def words(text: str) -> str:
    """The text with its line breaks and indents as single spaces (wrapping aside)."""
    return " ".join(text.split())


def choices(app, key: str) -> ChoiceList:
    return app.screen.query_one(f"#choices-{key}", ChoiceList)


async def tick_only(pilot, key: str, wanted: set[str]) -> None:
    """Tick exactly `wanted` in the multiple choice `key`, with Space as a person does."""
    widget = choices(pilot.app, key)
    widget.focus()
    values = [o.value for o in widget.question.options]
    for value in values:
        if (value in widget.values) != (value in wanted):
            widget.highlighted = values.index(value)
            await pilot.press("space")
    await pilot.pause()
    assert set(widget.values) == wanted


async def pick(pilot, key: str, value: str) -> None:
    """Move the cursor of the single choice `key` onto `value` with the arrow keys."""
    widget = choices(pilot.app, key)
    widget.focus()
    values = [o.value for o in widget.question.options]
    await pilot.press("home", *["down"] * values.index(value))
    await pilot.pause()
    assert widget.values == (value,)


# --- 1. Page Down reads on; it does not answer -------------------------------------------------


async def test_page_down_on_a_choice_list_scrolls_the_step_and_keeps_the_answer(wizard, project):
    (project / "requirements.txt").write_text("torch==2.14.0\nnumpy>=1.26\nrequests\n")
    app = wizard()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        table = "What each line of requirements.txt becomes"
        await wait_until(pilot, lambda: table in screen_text(app))
        body = app.screen.query_one("#body")
        assert body.max_scroll_y > 0  # the table runs below the screen
        assert isinstance(app.focused, ChoiceList)  # on Migrate / Leave
        chosen = app.state.migrate_from
        assert chosen is not None
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.state.migrate_from == chosen
        assert "(•) Migrate from requirements.txt" in screen_text(app)
        assert body.scroll_y > 0
        assert "The file stays where it is" in screen_text(app)  # the table's end, read on
        await pilot.press("pageup")
        await pilot.pause()
        assert app.state.migrate_from == chosen and body.scroll_y == 0


# --- 2. q while uv locks: interrupted, said as Escape says it ------------------------------------


@pytest.mark.parametrize("key", ["q", "ctrl+c"])
async def test_quitting_while_uv_locks_exits_130_and_says_uv_was_stopped(
    wizard, project, monkeypatch, key
):
    def apply_until_stopped(facts, prepared, lock=True, on_line=None, cancel=None):
        from wizard.lock import LockRun
        from wizard.session import LockFailed

        on_line("Resolving dependencies")
        cancel.wait(10)
        raise LockFailed(LockRun(False, "", "", cancelled=True))

    monkeypatch.setattr("wizard.session.apply", apply_until_stopped)
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        await wait_until(pilot, lambda: "Resolving dependencies" in screen_text(app))
        await pilot.press(key)
        await wait_until(pilot, lambda: not app.is_running)
    assert app.return_code == 130
    assert app.farewell == [STOPPED]
    assert app.farewell_to_stderr
    assert list(project.iterdir()) == []


async def test_q_after_a_stopped_lock_is_a_decision_and_exits_0(wizard, project, monkeypatch):
    """Escape stopped uv; back on Review, q leaves by choice with nothing written (as --plain's
    "no" does): 0, not 130."""
    release = threading.Event()

    def apply_until_stopped(facts, prepared, lock=True, on_line=None, cancel=None):
        from wizard.lock import LockRun
        from wizard.session import LockFailed

        on_line("Resolving dependencies")
        release.wait(10)
        raise LockFailed(LockRun(False, "", "", cancelled=True))

    monkeypatch.setattr("wizard.session.apply", apply_until_stopped)
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        await wait_until(pilot, lambda: "Resolving dependencies" in screen_text(app))
        await pilot.press("escape")
        release.set()
        await wait_until(pilot, lambda: not app.state.lock_running)
        assert STOPPED in words(screen_text(app))
        await pilot.press("escape")
        assert step_of(app) == "Review"
        await pilot.press("q")
    assert app.return_code == 0
    assert app.farewell == ["No changes were made."]


# --- 3. a refused answer is readable at 80x24 ----------------------------------------------------


async def test_enter_on_a_refused_answer_keeps_its_message_readable(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Targets")
        await tick_only(pilot, "targets", set())
        await pilot.press("enter")
        await pilot.pause()
        assert step_of(app) == "Targets"
        text = screen_text(app)
        message = "Choose at least one target platform. Select this machine's platform if unsure."
        assert message in words(text)  # whole, not cut off under a toast
        assert words(text).count("Choose at least one target platform") == 1
        assert "Fix this answer first" in text.splitlines()[-2]  # beside the buttons


# --- 4 and 6. a plan that cannot be made: its explanation, and the steps to change --------------


async def reach_impossible_review(pilot) -> None:
    """Linux and macOS Intel (whose torch ended with 2.2), torchvision, torch 2.15: Review."""
    await ready(pilot)
    await press_until_step(pilot, "Targets")
    await tick_only(pilot, "targets", {"linux-x86_64", "macos-x86_64"})
    await pilot.press("enter")
    await press_until_step(pilot, "Packages")
    await tick_only(pilot, "companions", {"torchvision"})
    await pick(pilot, "torch", "2.15")
    await pilot.press("enter")
    await pilot.pause()
    assert step_of(pilot.app) == "Review"
    assert "Write & lock" not in screen_text(pilot.app)  # no plan


async def test_the_review_error_explains_the_release_not_the_indexes(wizard, project):
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await reach_impossible_review(pilot)
        text = screen_text(app)
        assert "Explicit indexes and dependency confusion" not in text
        assert "One torch release on every target" in text


async def test_the_review_error_names_the_steps_not_the_flags(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await reach_impossible_review(pilot)
        text = words(screen_text(app))
        assert "torch 2.15 has no cpu build for macOS Intel" in text
        assert "(the torch release chosen on the Packages step)" in text
        assert "Choose torch 2.2 on the Packages step" in text
        assert "--torch" not in text and "--target" not in text


async def test_a_target_without_torch_is_refused_on_the_targets_step(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Targets")
        await tick_only(pilot, "targets", {"linux-x86_64", "windows-arm64"})
        await pilot.press("enter")
        await pilot.pause()
        # It went on, ★-recommended a build for it, and failed only at Review.
        assert step_of(app) == "Targets"
        text = words(screen_text(app))
        assert "PyTorch publishes no wheels for Windows ARM64. Untick Windows ARM64." in text


# --- 5. doctor against the hardware the plan was made for ---------------------------------------


async def run_to_done(app):
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        await wait_until(pilot, lambda: app.state.written)
        await pilot.press("enter")
        assert step_of(app) == "Done"
        text = screen_text(app)
        await pilot.press("enter")
    return text, "\n".join(app.farewell)


async def test_done_checks_against_the_hardware_file_the_plan_was_made_for(
    wizard, project, canned_apply
):
    text, farewell = await run_to_done(wizard())
    command = "torch-wizard doctor --hardware ../linux-cpu-only.json"
    assert command in text and command in farewell
    assert "check the environment against the machine in that profile" in text
    assert "this machine's hardware" not in text
    assert "  cd my-project" in farewell  # the path is read from the project folder
    assert (project / "../linux-cpu-only.json").is_file()


async def test_done_asks_each_machine_of_a_fleet_to_check_itself(wizard, project, canned_apply):
    text, farewell = await run_to_done(wizard(profile=("linux-cpu-only", "macbook-m3-max")))
    assert (
        "on linux-cpu-only.json, macbook-m3-max.json: check that machine's environment "
        "against its hardware" in text
    )
    assert "  torch-wizard doctor   (on linux-cpu-only.json, macbook-m3-max.json)" in farewell
    assert "this machine's hardware" not in text


async def test_done_checks_this_machine_when_it_was_detected(workdir, project, canned_apply):
    from tests.e2e_helpers import PROFILES
    from wizard.hardware.profile import load_profile

    profile = load_profile(PROFILES / "linux-cpu-only.json")
    app = make_app(Request(), folder="my-project", offline=True, detector=lambda: ([profile], []))
    text, farewell = await run_to_done(app)
    assert "check the environment against this machine's hardware" in text
    assert "  torch-wizard doctor\n" in farewell + "\n"


# --- Session 7: the Hardware step of a fleet -------------------------------------------------


async def test_a_fleets_hardware_step_says_what_each_machine_gets(wizard, project):
    fleet = ("linux-rtx4090-driver550", "linux-rtx4090-driver580", "linux-rx7900xtx")
    app = wizard(fleet)
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        assert step_of(app) == "Hardware"
        text, _ = app.screen._sections()
    # Only the first machine's build was said, beside "each build is a selectable extra".
    assert "★ linux-rtx4090-driver550.json (Linux x86_64): the cu126 build of torch 2.14" in text
    assert "★ linux-rtx4090-driver580.json (Linux x86_64): the cu130 build of torch 2.14" in text
    assert "★ linux-rx7900xtx.json (Linux x86_64): the rocm7.2 build of torch 2.14" in text


async def test_a_lone_conda_file_opens_the_project_step_to_say_it_was_not_read(wizard, project):
    (project / "environment.yml").write_text("name: ml\ndependencies:\n  - pytorch=2.1.2\n")
    app = wizard()
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        # The wizard opened on Hardware and never mentioned the file.
        assert step_of(app) == "Project"
        text = words(app.screen.query_one("#project-summary").render().plain)
        assert "environment.yml was not read: conda environment files are not migrated" in text
