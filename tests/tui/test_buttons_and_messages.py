"""What the screen offers matches what the keys do: warnings leave with the wrong answer, a
button shows only what its key does, the key line says how to leave the explanation, and
text keeps clear of the scrollbars."""

from __future__ import annotations

import threading

from tests.tui.conftest import SMALL, press_until_step, ready, screen_text, step_of, wait_until
from wizard.errors import WizardError
from wizard.tui.widgets.choice_list import ChoiceList
from wizard.tui.widgets.output_log import OutputLog, log_line

WARNING = "Fix this answer first"  # the title of the toast a wrong answer raises on Enter


def key_line(app) -> str:
    return screen_text(app).splitlines()[-1]


def button_row(app) -> str:
    return screen_text(app).splitlines()[-2]


async def untick_every_target(pilot) -> None:
    targets = pilot.app.screen.query_one("#choices-targets", ChoiceList)
    targets.focus()
    await pilot.pause()
    for value in targets.values:
        targets.highlighted = [o.value for o in targets.question.options].index(value)
        await pilot.press("space")
    await pilot.pause()
    assert targets.values == ()


async def warned_on_targets(pilot) -> None:
    """At Targets with nothing ticked, Enter: the step stays and warns."""
    await ready(pilot)
    await press_until_step(pilot, "Targets")
    await untick_every_target(pilot)
    await pilot.press("enter")
    await pilot.pause()
    assert step_of(pilot.app) == "Targets"
    assert WARNING in screen_text(pilot.app)


# --- 1. a wrong-answer warning does not outlive the wrong answer --------------------------------


async def test_the_warning_goes_once_the_answer_is_fixed(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await warned_on_targets(pilot)
        await pilot.press("space")  # a target again: the answer is fine now
        await pilot.pause()
        assert WARNING not in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert step_of(app) == "Accelerators"
        assert WARNING not in screen_text(app)
        assert "Choose at least one target platform" not in screen_text(app)


async def test_the_warning_stays_with_its_step(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await warned_on_targets(pilot)
        await pilot.press("escape")  # leave with the answer still wrong
        await pilot.pause()
        assert step_of(app) == "Hardware"
        assert WARNING not in screen_text(app)


# --- 2. a button shows only what its key does --------------------------------------------------


async def test_the_first_step_has_no_back_button(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        assert "Back" in button_row(app)  # Hardware: Back shows Project
        await pilot.press("escape")
        await pilot.pause()
        assert step_of(app) == "Project"
        assert "Back" not in button_row(app) and "Next" in button_row(app)
        assert "esc" not in key_line(app)


async def test_review_that_cannot_make_a_plan_offers_no_write(wizard, project, monkeypatch):
    def no_plan(self):
        raise WizardError("No torch release serves every choice.")

    monkeypatch.setattr("wizard.tui.state.WizardState.prepare", no_plan)
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Review")
        await pilot.pause()
        assert "No torch release serves every choice." in screen_text(app)
        assert "Write & lock" not in button_row(app) and "Back" in button_row(app)
        assert "Write & lock" not in key_line(app) and "esc Back" in key_line(app)


UV_FAILURE = (
    "Using CPython 3.12.7",
    "error: No solution found when resolving dependencies for split (markers: "
    "platform_machine == 'x86_64' and sys_platform == 'linux')",
    "  cause: Because only torchaudio{platform_machine == 'x86_64' and sys_platform == "
    "'linux'}<=2.11.0+cpu is available and your project depends on torchaudio"
    "{platform_machine == 'x86_64' and sys_platform == 'linux'}>=2.12, we can conclude that "
    "your project's requirements are unsatisfiable.",
)


def failing_apply(facts, prepared, lock=True, on_line=None, cancel=None):
    from wizard.lock import LockRun, explain_uv_error
    from wizard.session import LockFailed

    for line in UV_FAILURE:
        on_line(line)
    output = "\n".join(UV_FAILURE)
    raise LockFailed(LockRun(False, output, explain_uv_error(output)))


async def at_a_failed_lock(pilot) -> None:
    """Enter through to Lock, whose uv lock (failing_apply) fails."""
    await ready(pilot)
    await press_until_step(pilot, "Lock")
    await wait_until(pilot, lambda: pilot.app.state.lock_error is not None)


async def test_a_failed_lock_offers_back_not_next(wizard, project, monkeypatch):
    monkeypatch.setattr("wizard.session.apply", failing_apply)
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await at_a_failed_lock(pilot)
        assert "Back" in button_row(app) and "Next" not in button_row(app)
        assert key_line(app).startswith(" esc Back")
        await pilot.click("#back")
        assert step_of(app) == "Review"


async def test_a_written_lock_offers_next_not_back(wizard, project, canned_apply):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        await wait_until(pilot, lambda: app.state.written)
        assert "Next" in button_row(app) and "Back" not in button_row(app)
        assert "esc" not in key_line(app)
        await pilot.press("escape")
        assert step_of(app) == "Lock"
        await pilot.press("enter")
        assert step_of(app) == "Done"


async def test_while_uv_works_the_button_beside_next_stops_it(wizard, project, monkeypatch):
    release = threading.Event()

    def slow_apply(facts, prepared, lock=True, on_line=None, cancel=None):
        from wizard.lock import LockRun
        from wizard.session import LockFailed

        on_line("Resolving dependencies")
        release.wait(10)
        raise LockFailed(LockRun(False, "", "", cancelled=True))

    monkeypatch.setattr("wizard.session.apply", slow_apply)
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Lock")
        await wait_until(pilot, lambda: "Resolving dependencies" in screen_text(app))
        assert "Stop uv lock" in button_row(app) and "Next" not in button_row(app)
        assert "esc Stop uv lock" in key_line(app)
        await pilot.click("#back")
        assert app.screen.cancel.is_set()
        release.set()
        await wait_until(pilot, lambda: not app.state.lock_running)
        assert "Back" in button_row(app) and "Next" not in button_row(app)


# --- 3. the explanation covering a narrow step says how to get back ---------------------------


async def test_the_covering_explanation_says_how_to_get_back(wizard, project):
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Targets")
        assert "? Explain" in key_line(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Which platforms should the lock serve?" not in screen_text(app)
        assert "esc/? Back to the step" in key_line(app)
        assert "Explain" not in key_line(app)
        await pilot.press("escape")  # back to the step, not to the step before
        await pilot.pause()
        assert step_of(app) == "Targets"
        assert "Which platforms should the lock serve?" in screen_text(app)
        assert "? Explain" in key_line(app) and "esc Back" in key_line(app)
        await pilot.press("question_mark")
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Which platforms should the lock serve?" in screen_text(app)
        await pilot.press("escape")
        assert step_of(app) == "Hardware"


# --- 4. text keeps one column clear of a scrollbar ---------------------------------------------


def clear_of_scrollbar(app, widget, text_right: int) -> list[str]:
    """The rows of `widget` whose text reaches the column just left of its scrollbar."""
    rows = screen_text(app).splitlines()[widget.region.y : widget.region.bottom]
    return [r for r in rows if len(r) > text_right and r[text_right] != " "]


async def test_text_stops_one_column_short_of_the_scrollbar(wizard, project):
    app = wizard(profile="linux-rtx4090-driver550")  # a long reason under the build question
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await press_until_step(pilot, "Accelerators")
        body = app.screen.query_one("#body")
        assert body.max_scroll_y > 0  # the scrollbar shows
        scrollbar = body.scrollable_content_region.right
        assert clear_of_scrollbar(app, body, scrollbar - 1) == []


async def test_uv_output_wraps_with_a_hanging_indent_clear_of_the_scrollbar(
    wizard, project, monkeypatch
):
    monkeypatch.setattr("wizard.session.apply", failing_apply)
    app = wizard()
    async with app.run_test(size=SMALL) as pilot:
        await at_a_failed_lock(pilot)
        box = app.screen.query_one(OutputLog).scrollable_content_region
        rows = [r[box.x : box.right] for r in screen_text(app).splitlines()[box.y : box.bottom]]
        start = next(i for i, r in enumerate(rows) if r.startswith("  cause: Because"))
        cause = rows[start + 1 : start + 4]
        assert cause and all(r.startswith("    ") and r[4] != " " for r in cause)
        assert all(r[-1:] in ("", " ") for r in rows)  # nothing touches the scrollbar
        # the failure sentence above the box continues under its text, after the mark
        status = screen_text(app).splitlines()
        first = next(i for i, r in enumerate(status) if r.startswith(" ✗ uv lock failed"))
        assert status[first + 1].startswith("   ") and status[first + 1][3] != " "


def test_a_log_line_continues_two_columns_in_from_its_indent():
    line = "  cause: Because only torchaudio<=2.11.0+cpu is available and your project needs it"
    assert log_line(line, 40) == [
        "  cause: Because only",
        "    torchaudio<=2.11.0+cpu is available",
        "    and your project needs it",
    ]
    assert log_line("error: " + "x " * 20, 20)[1].startswith("  x")
