"""The full-screen wizard and `--plain` offer the same questions, options and defaults.

Both render `wizard.questions`; this compares what each front end actually shows for the same
hardware: for `--plain`, the questionary choices its renderer builds (titles, values, marks,
defaults); for the full-screen wizard, the question views on its step screens and the option
prompts their lists are built from (`wizard.tui.widgets.choice_list.option_prompt`).
"""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from questionary import Separator

from tests.e2e_helpers import PROFILES
from wizard.cli import _main_parser
from wizard.prompts import (
    EXPLAIN,
    in_default_order,
    questionary_choices,
    render_question,
    run_flow,
)
from wizard.questions import Question

HARDWARE = sorted(p.stem for p in PROFILES.glob("*.json"))
START = {  # the same command-line start for both front ends
    "recommended": [],
    "three-platforms": [
        "--target",
        "linux-x86_64",
        "--target",
        "windows-x86_64",
        "--target",
        "macos-arm64",
    ],
    "selectable-builds": ["--variants", "cpu,cu130"],
}
QUESTION_STEPS = ("Targets", "Accelerators", "Packages")


@dataclass(frozen=True)
class ShownOption:
    value: str
    label: str
    recommended: bool
    fits: bool
    detail: str  # why it fits or not, as shown


@dataclass(frozen=True)
class ShownQuestion:
    key: str
    title: str
    help: str
    kind: str  # "select" or "multi"
    options: tuple[ShownOption, ...]
    defaults: tuple[str, ...]


def _words(text: str) -> str:
    return " ".join(text.split())


def _options(folder: Path, hardware: str, start: str, *more: str):
    return _main_parser().parse_args(
        [
            "-C",
            str(folder),
            "--offline",
            "--hardware",
            str(PROFILES / f"{hardware}.json"),
            *START[start],
            *more,
        ]
    )


# --------------------------------------------------------------------------------------------
# What --plain shows
# --------------------------------------------------------------------------------------------


class _Recorder:
    """Presses Enter at every prompt, writing down what questionary was given."""

    def __init__(self) -> None:
        self.shown: list[ShownQuestion] = []

    def select(self, question: Question) -> list[str]:
        if len(self.shown) > 30:  # pressing Enter must get through; never loop forever
            raise AssertionError(f"asked too often; last: {self.shown[-1]}")
        prompt = render_question(question)
        choices, default = questionary_choices(prompt)
        real = [c for c in choices if not isinstance(c, Separator) and c.value != EXPLAIN]
        assert choices[-1].value == EXPLAIN  # the Explain entry, after the options
        options = []
        for c in real:
            title = c.title
            fits = "  ✗ " not in title
            label = title.split("  ★")[0].split("  ✗")[0]
            # a reason too long for the line ends in '…' and shows whole, wrapped, below
            detail = _words(c.description or ("" if fits else title.split("  ✗ ", 1)[1]))
            options.append(ShownOption(c.value, label, "★ recommended" in title, fits, detail))
        if prompt.kind == "checkbox":
            defaults = tuple(c.value for c in real if c.checked)
        else:
            defaults = () if default is None else (default.value,)
        help_text = "\n".join(prompt.instruction.splitlines()[1:-1])  # without the keys line
        self.shown.append(
            ShownQuestion(
                question.key,
                prompt.message,
                _words(help_text),
                "multi" if prompt.kind == "checkbox" else "select",
                tuple(options),
                defaults,
            )
        )
        return in_default_order(question, defaults) if prompt.kind == "checkbox" else list(defaults)

    def confirm(self, text: str, default: bool) -> bool:
        raise AssertionError(f"a dry run asked {text!r}")


def plain_shows(folder: Path, hardware: str, start: str) -> list[ShownQuestion]:
    recorder = _Recorder()
    code = run_flow(
        _options(folder, hardware, start, "--plain", "--dry-run"), recorder, io.StringIO()
    )
    assert code == 0
    return recorder.shown


# --------------------------------------------------------------------------------------------
# What the full-screen wizard shows
# --------------------------------------------------------------------------------------------


def _tui_option(value: str, prompt: str) -> tuple[ShownOption, bool]:
    """`(•) CUDA 12.6 (cu126)  ★ recommended` + `\\n    ✓ why` -> the option and whether chosen."""
    first, _, rest = prompt.partition("\n")
    mark, label = first[:3], first[4:]
    detail = _words(rest)  # the list wraps long details
    fits = not detail.startswith("✗ ")
    if detail.startswith(("✗ ", "✓ ")):
        detail = detail[2:]
    return (
        ShownOption(value, label.split("  ★")[0], "★ recommended" in label, fits, detail),
        mark in ("(•)", "[x]"),
    )


def tui_shows(folder: Path, hardware: str, start: str) -> list[ShownQuestion]:
    app_module = pytest.importorskip("wizard.tui.app")
    from textual.widgets import Static

    from wizard.tui.widgets.question_view import QuestionView

    app = app_module.make_app(_options(folder, hardware, start))
    shown: list[ShownQuestion] = []

    async def walk() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(200):
                if app.state.ready or app.state.failed:
                    break
                await pilot.pause(0.02)
            assert app.state.ready, app.state.failed
            seen: list[str] = []
            for _ in range(20):
                await pilot.pause()
                step = getattr(app.screen, "STEP", "")
                if step == "Review":
                    break
                if step in QUESTION_STEPS and step not in seen:
                    seen.append(step)
                    for view in app.screen.query(QuestionView):
                        shown.append(_from_view(view, Static))
                app.screen.action_next()  # what Enter and the Next button do
            assert seen == list(QUESTION_STEPS), seen

    asyncio.run(walk())
    return shown


def _from_view(view, static_type) -> ShownQuestion:
    title = str(view.query_one(".question-title", static_type).content)
    title = re.sub(r"\s+\([^()]*\)$", "", title)  # the keys hint after the title
    helps = view.query(".question-help")
    help_text = str(helps.first(static_type).content) if helps else ""
    choice_list = view.choice_list
    options, chosen = [], []
    for i, option in enumerate(choice_list.question.options):  # the value each line answers
        prompt = choice_list.get_option_at_index(i).prompt
        shown, is_chosen = _tui_option(option.value, str(getattr(prompt, "plain", prompt)))
        options.append(shown)
        if is_chosen:
            chosen.append(option.value)
    kind = "multi" if str(choice_list.get_option_at_index(0).prompt).startswith("[") else "select"
    return ShownQuestion(
        view.question.key, title, _words(help_text), kind, tuple(options), tuple(chosen)
    )


# --------------------------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------------------------


def _cases() -> list:
    """Every profile as recommended and with three platforms (their build questions depend on
    the hardware); the variants question depends only on the targets, so fewer of those."""
    cases = [pytest.param(h, s) for h in HARDWARE for s in ("recommended", "three-platforms")]
    cases += [
        pytest.param(h, "selectable-builds") for h in ("linux-cpu-only", "linux-rtx4090-driver580")
    ]
    return cases


@pytest.mark.parametrize(("hardware", "start"), _cases())
def test_tui_and_plain_offer_identical_questions_and_defaults(hardware, start, tmp_path):
    plain = plain_shows(tmp_path, hardware, start)
    tui = tui_shows(tmp_path, hardware, start)
    assert [q.key for q in tui] == [q.key for q in plain]
    for t, p in zip(tui, plain, strict=True):
        assert t == p, f"{p.key} differs"


@pytest.mark.parametrize("hardware", HARDWARE)
def test_plain_shows_every_question_of_the_core_with_its_defaults(hardware, tmp_path):
    """The --plain half on its own (runs even without the full-screen wizard)."""
    from wizard.questions import questions
    from wizard.session import (
        Facts,
        initial_choices,
        load_catalog,
        load_profiles,
        load_project,
        recommendations,
        request_from_options,
    )

    shown = plain_shows(tmp_path, hardware, "recommended")
    opts = _options(tmp_path, hardware, "recommended")
    project, existing = load_project(tmp_path)
    facts = Facts(tmp_path, project, existing, load_profiles(opts.hardware), load_catalog(True))
    choices = initial_choices(facts, request_from_options(opts))
    core = questions(facts, choices, recommendations(facts, choices))
    assert [q.key for q in shown] == [q.key for q in core]
    for s, q in zip(shown, core, strict=True):
        assert s.title == q.title and s.kind == q.kind and s.help == _words(q.help)
        assert [o.value for o in s.options] == [o.value for o in q.options]
        assert [(o.label, o.recommended, o.fits) for o in s.options] == [
            (o.label, o.recommended, o.fits) for o in q.options
        ]
        assert set(s.defaults) == set(q.default)


def test_selectable_builds_with_only_macos_are_refused_before_any_question(tmp_path, capsys):
    from wizard.cli import main

    code = main(
        [
            "--yes",
            "--offline",
            "-C",
            str(tmp_path),
            "--variants",
            "cpu,cu130",
            "--hardware",
            str(PROFILES / "macbook-m3-max.json"),
        ]
    )
    assert code == 2
    assert "--variants needs a Linux or Windows target" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def _facts_and_choices(tmp_path, *args):
    from wizard.session import (
        Facts,
        initial_choices,
        load_catalog,
        load_profiles,
        load_project,
        request_from_options,
    )

    opts = _main_parser().parse_args(["--offline", "-C", str(tmp_path), *args])
    project, existing = load_project(tmp_path)
    facts = Facts(tmp_path, project, existing, load_profiles(opts.hardware), load_catalog(True))
    return facts, initial_choices(facts, request_from_options(opts))


def _question(facts, choices, key: str) -> Question:
    from wizard.questions import questions
    from wizard.session import recommendations

    return next(
        q for q in questions(facts, choices, recommendations(facts, choices)) if q.key == key
    )


def test_a_companion_another_package_needs_is_ticked_and_says_why(tmp_path):
    from wizard.questions import companions_question

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "d"\nversion = "0"\ndependencies = ["vision-models"]\n'
    )
    # an earlier lock in which vision-models pulls torchvision in
    (tmp_path / "uv.lock").write_text(
        'version = 1\n\n[[package]]\nname = "d"\nversion = "0"\nsource = { virtual = "." }\n'
        'dependencies = [{ name = "vision-models" }]\n\n'
        '[[package]]\nname = "vision-models"\nversion = "0.9.0"\n'
        'dependencies = [{ name = "torchvision" }]\n'
    )
    facts, choices = _facts_and_choices(
        tmp_path, "--hardware", str(PROFILES / "linux-cpu-only.json")
    )
    assert "torchvision" in choices.companions
    question = companions_question(facts, choices)
    (vision,) = [o for o in question.options if o.value == "torchvision"]
    assert vision.detail.startswith("vision-models needs it")
    (audio,) = [o for o in question.options if o.value == "torchaudio"]
    assert "needs it" not in audio.detail


def test_a_release_without_a_build_chosen_by_hand_is_marked_in_the_release_question(tmp_path):
    # Windows with cu126 chosen by hand: torch 2.15 has no cu126 build, so picking it cannot
    # work; the question says so before the Review step does.
    windows = ["--hardware", str(PROFILES / "windows-rtx3060.json")]
    facts, choices = _facts_and_choices(tmp_path, *windows, "--target", "windows-x86_64=cu126")
    by_value = {o.value: o for o in _question(facts, choices, "torch").options}
    assert not by_value["2.15"].fits
    assert by_value["2.15"].detail == "has no cu126 build for Windows x86_64"
    assert by_value["2.14"].fits
    assert by_value["2.14"].detail == ""  # no catalog note to read as a ✓ reason
    # With the build left to the wizard, every release can serve the target.
    facts, auto = _facts_and_choices(tmp_path, *windows)
    assert all(o.fits for o in _question(facts, auto, "torch").options)


def test_the_recommended_build_as_an_answer_still_follows_the_release(tmp_path):
    from wizard.questions import answer

    facts, choices = _facts_and_choices(
        tmp_path, "--hardware", str(PROFILES / "linux-rtx4090-driver550.json")
    )
    question = _question(facts, choices, "backend:linux-x86_64")
    recommended = next(o.value for o in question.options if o.recommended)
    assert recommended == "cu126"
    kept = answer(choices, question, [recommended], facts)
    assert [t.backend for t in kept.targets] == ["auto"]  # a later torch 2.15 re-recommends
    own = answer(choices, question, ["cpu"], facts)
    assert [t.backend for t in own.targets] == ["cpu"]
