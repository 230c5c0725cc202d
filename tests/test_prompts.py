"""`torch-wizard --plain`: the questions answered programmatically, then the files checked."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomlkit

from tests.e2e_helpers import PROFILES, locked, profile, run_wizard
from wizard.cli import _main_parser
from wizard.prompts import (
    EXPLAIN,
    EXPLAIN_TITLE,
    QuestionaryAsker,
    in_default_order,
    option_title,
    questionary_choices,
    render_question,
    run_flow,
)
from wizard.questions import Option, Question
from wizard.wrap import hanging_wrap

ROOT = Path(__file__).resolve().parent.parent
ENTER = None  # an answer that takes what the prompt offers when Enter is pressed


class Script:
    """An Asker that answers from a list, checking each question is the one expected.

    `answers`: (question key, values | ENTER | KeyboardInterrupt); once the list runs out every
    question gets Enter. `confirms`: True / False / KeyboardInterrupt; then the default.
    """

    def __init__(self, answers=(), confirms=()):
        self.answers = list(answers)
        self.confirms = list(confirms)
        self.asked: list[Question] = []
        self.confirmed: list[str] = []

    @property
    def keys(self) -> list[str]:
        return [q.key for q in self.asked]

    def select(self, question: Question) -> list[str]:
        self.asked.append(question)
        assert len(self.asked) < 40, f"asked too often; last: {question.key}"
        key, values = self.answers.pop(0) if self.answers else (question.key, ENTER)
        assert key == question.key, f"expected {key}, was asked {question.key}"
        if values is KeyboardInterrupt:
            raise KeyboardInterrupt
        if values is ENTER:  # what the rendered prompt starts with
            return in_default_order(question, render_question(question).defaults)
        return list(values)

    def confirm(self, text: str, default: bool) -> bool:
        self.confirmed.append(text)
        value = self.confirms.pop(0) if self.confirms else default
        if value is KeyboardInterrupt:
            raise KeyboardInterrupt
        return value


def options(folder: Path, *args: str, hardware: str = "linux-cpu-only"):
    return _main_parser().parse_args(
        ["--plain", "-C", str(folder), "--hardware", profile(hardware), *args]
    )


def plain(folder: Path, script: Script, *args: str, hardware: str = "linux-cpu-only"):
    out = io.StringIO()
    code = run_flow(options(folder, *args, hardware=hardware), script, out)
    return code, out.getvalue()


def pyproject(folder: Path) -> dict:
    return tomlkit.parse((folder / "pyproject.toml").read_text()).unwrap()


@pytest.fixture
def uv_environ(uv_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's environment becomes the hermetic one, for the `uv lock` apply runs."""
    for k in list(os.environ):
        if k not in uv_env:
            monkeypatch.delenv(k)
    for k, v in uv_env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")


# --------------------------------------------------------------------------------------------
# Rendering one question
# --------------------------------------------------------------------------------------------

BUILD = Question(
    "backend:linux-x86_64",
    "Accelerators",
    "Which build for Linux x86_64?",
    "select",
    (
        Option("cu126", "CUDA 12.6 (cu126)", "driver 550 runs CUDA 12.6", recommended=True),
        Option("cpu", "CPU (cpu)", "runs anywhere; about 200 MB"),
        Option("cu130", "CUDA 13.0 (cu130)", "CUDA 13.0 needs driver 580 or newer", fits=False),
    ),
    ("cu126",),
    "compute-capability",
    "The cu126 build of torch 2.14 fits this machine.",
)


def test_labels_mark_the_recommendation_and_say_why_an_option_does_not_fit():
    assert option_title(BUILD.options[0]) == "CUDA 12.6 (cu126)  ★ recommended"
    assert option_title(BUILD.options[1]) == "CPU (cpu)"
    assert option_title(BUILD.options[2]) == (
        "CUDA 13.0 (cu130)  ✗ CUDA 13.0 needs driver 580 or newer"
    )


def test_a_choice_too_long_for_the_terminal_ends_in_an_ellipsis_and_shows_whole_below():
    # questionary draws each choice on one line and cuts it at the edge of the terminal
    prompt = render_question(BUILD, width=40)
    cu130 = prompt.options[2]
    assert cu130.title == "CUDA 13.0 (cu130)  ✗ CUDA 13.0…"
    assert cu130.description == "CUDA 13.0 needs driver\n" + " " * 15 + "580 or newer"
    assert all(len(o.title) <= 40 - 6 for o in prompt.options)
    assert render_question(BUILD, width=100).options[2].description is None  # it fits


def test_a_select_starts_on_the_default_with_the_help_under_the_title():
    prompt = render_question(BUILD)
    assert prompt.kind == "select" and prompt.message == BUILD.title
    assert prompt.default == "cu126" and prompt.defaults == ("cu126",)
    assert "The cu126 build of torch 2.14 fits this machine." in prompt.instruction
    assert [o.value for o in prompt.options] == ["cu126", "cpu", "cu130"]
    assert prompt.options[1].description == "runs anywhere; about 200 MB"
    choices, default = questionary_choices(prompt)
    assert default is choices[0] and default.value == "cu126"
    assert choices[-1].value == EXPLAIN and choices[-1].title == EXPLAIN_TITLE


def test_a_multi_question_is_a_checkbox_with_its_defaults_ticked():
    q = Question(
        "companions",
        "Packages",
        "Which companion packages?",
        "multi",
        (Option("torchvision", "torchvision"), Option("torchaudio", "torchaudio")),
        ("torchaudio",),
        "one-release",
        "Paired per release.",
    )
    prompt = render_question(q)
    assert prompt.kind == "checkbox" and prompt.defaults == ("torchaudio",)
    choices, default = questionary_choices(prompt)
    assert default is None
    assert [(c.value, c.checked) for c in choices[:2]] == [
        ("torchvision", False),
        ("torchaudio", True),
    ]


def test_enter_on_an_unchanged_checkbox_keeps_the_order_it_started_with():
    q = Question(
        "targets",
        "Targets",
        "Which platforms?",
        "multi",
        tuple(Option(v, v) for v in ("linux-x86_64", "macos-arm64", "windows-x86_64")),
        ("windows-x86_64", "linux-x86_64"),
        "markers-vs-extras",
        "",
    )
    ticked = render_question(q).defaults  # the options' order, as questionary reports it
    assert ticked == ("linux-x86_64", "windows-x86_64")
    assert in_default_order(q, ticked) == ["windows-x86_64", "linux-x86_64"]
    assert in_default_order(q, ["linux-x86_64", "macos-arm64"]) == ["linux-x86_64", "macos-arm64"]


def test_the_newest_torch_option_with_an_empty_value_can_be_the_default():
    q = Question(
        "torch",
        "Packages",
        "Which torch release?",
        "select",
        (Option("", "The newest release", recommended=True), Option("2.14", "2.14")),
        ("",),
        "one-release",
        "",
    )
    choices, default = questionary_choices(render_question(q))
    assert default is choices[0] and default.value == ""


# --------------------------------------------------------------------------------------------
# The real checkbox, driven by keys through a pipe: the Explain entry is never a tick
# --------------------------------------------------------------------------------------------

PLATFORMS_Q = Question(
    "targets",
    "Targets",
    "Which platforms should the lock serve?",
    "multi",
    tuple(Option(v, v) for v in ("linux-x86_64", "macos-arm64", "windows-x86_64")),
    ("linux-x86_64",),
    "environments",
    "Every chosen platform must get wheels.",
)
DOWN, SPACE, ENTER_KEY = "\x1b[B", " ", "\r"


def press(question: Question, keys: str) -> tuple[list[str], str]:
    """The asker's answer, and the prompt's last line as the terminal shows it (ANSI removed)."""
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=40, columns=100), term="xterm")
    with create_pipe_input() as keyboard:
        keyboard.send_text(keys)
        values = QuestionaryAsker(input=keyboard, output=output).select(question)
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen.getvalue())
    last = [line for line in re.split(r"[\r\n]", text) if question.title in line][-1]
    return values, last


def test_an_answered_select_shows_the_label_not_the_marks_and_reasons():
    values, shown = press(BUILD, DOWN + DOWN + ENTER_KEY)  # to cu130, which does not fit
    assert values == ["cu130"]
    assert shown.endswith(f"{BUILD.title} CUDA 13.0 (cu130)"), shown
    values, shown = press(BUILD, ENTER_KEY)  # the recommendation
    assert values == ["cu126"] and shown.endswith(f"{BUILD.title} CUDA 12.6 (cu126)"), shown


@pytest.mark.parametrize("key", [ENTER_KEY, SPACE], ids=["enter", "space"])
def test_explain_in_a_checkbox_is_asked_for_not_counted_as_a_selection(key):
    values, shown = press(PLATFORMS_Q, DOWN + SPACE + DOWN + DOWN + key)  # tick macOS, to Explain
    assert values == ["linux-x86_64", "macos-arm64", EXPLAIN]  # two ticks, then the request
    assert shown.endswith(f"{PLATFORMS_Q.title} [{EXPLAIN_TITLE}]"), shown
    assert "selections" not in shown


def test_ticking_all_or_inverting_never_ticks_explain():
    values, shown = press(PLATFORMS_Q, "a" + ENTER_KEY)
    assert values == ["linux-x86_64", "macos-arm64", "windows-x86_64"]
    assert shown.endswith("[linux-x86_64, macos-arm64, windows-x86_64]"), shown
    values, shown = press(PLATFORMS_Q, "i" + ENTER_KEY)
    assert values == ["macos-arm64", "windows-x86_64"]
    assert shown.endswith("[macos-arm64, windows-x86_64]"), shown


def test_a_plain_enter_on_an_option_answers_with_the_ticks_and_names_them():
    values, shown = press(PLATFORMS_Q, DOWN + SPACE + ENTER_KEY)
    assert values == ["linux-x86_64", "macos-arm64"]
    assert shown.endswith(f"{PLATFORMS_Q.title} [linux-x86_64, macos-arm64]"), shown
    values, shown = press(PLATFORMS_Q, SPACE + ENTER_KEY)  # the default unticked: nothing left
    assert values == []
    assert shown.endswith(f"{PLATFORMS_Q.title} [none]"), shown


# --------------------------------------------------------------------------------------------
# Wrapping the plan to the terminal
# --------------------------------------------------------------------------------------------

REASON = (
    "No GPU found: the CPU build (about 200 MB) instead of a CUDA build (about 3 GB) that "
    "could not use a GPU here."
)


def test_hanging_wrap_keeps_a_reason_in_its_column():
    line = f"  {'':<22} - {REASON}"
    wrapped = hanging_wrap(f"Plan: torch 2.15\n{line}", 90).split("\n")
    assert wrapped[0] == "Plan: torch 2.15"
    assert all(len(w) <= 90 for w in wrapped)
    assert wrapped[1].startswith(" " * 25 + "- No GPU found:")
    assert all(w.startswith(" " * 27) and w[27] != " " for w in wrapped[2:])
    assert " ".join(w.strip() for w in wrapped[1:]) == f"- {REASON}"
    assert hanging_wrap(line, 200) == line  # a line that fits is left alone


# --------------------------------------------------------------------------------------------
# The flow (bundled catalog, --dry-run: no uv needed)
# --------------------------------------------------------------------------------------------

BASIC = ["targets", "mode", "backend:linux-x86_64", "torch", "companions", "lock_scope"]


def test_enter_through_asks_every_question_in_order_and_shows_plan_and_diff(tmp_path):
    script = Script()
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0
    assert script.keys == BASIC
    assert script.confirmed == []  # a dry run asks nothing before writing: it writes nothing
    assert "[3/8] Targets" in out and "[6/8] Review" in out
    assert "Plan: torch 2.15" in out and "+[[tool.uv.index]]" in out
    assert '+name = "pytorch-cpu"' in out
    assert "Dry run: nothing was written." in out
    assert list(tmp_path.iterdir()) == []


def test_switching_to_selectable_builds_asks_which_builds_instead_of_one_per_platform(tmp_path):
    script = Script([("targets", ENTER), ("mode", ["variants"]), ("variants", ["cpu", "cu130"])])
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0
    assert script.keys == ["targets", "mode", "variants", "torch", "companions", "lock_scope"]
    assert "--extra cpu" in out or 'extra = "cpu"' in out


def test_adding_a_target_adds_a_question_for_its_build(tmp_path):
    script = Script([("targets", ["linux-x86_64", "windows-x86_64"])])
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0
    assert script.keys == [
        "targets",
        "mode",
        "backend:linux-x86_64",
        "backend:windows-x86_64",
        "torch",
        "companions",
        "lock_scope",
    ]
    assert "sys_platform == 'win32'" in out


def test_the_defaults_are_the_recommendation_for_this_hardware(tmp_path):
    script = Script()
    code, _ = plain(tmp_path, script, "--offline", "--dry-run", hardware="linux-rtx4090-driver550")
    assert code == 0
    build = script.asked[2]
    assert build.default == ("cu126",)
    assert "Upgrade the NVIDIA driver to 580" in render_question(build).instruction
    titles = [o.title for o in render_question(build).options]
    assert any(t.startswith("CUDA 13.0 (cu130)  ✗ ") and "580" in t for t in titles)


def test_selectable_builds_start_with_cpu_and_the_build_this_machine_can_run(tmp_path):
    # Driver 550 runs CUDA 12.6, not 13.0: switching to extras must not tick cu130 for it.
    script = Script([("targets", ENTER), ("mode", ["variants"])])
    code, out = plain(
        tmp_path, script, "--offline", "--dry-run", hardware="linux-rtx4090-driver550"
    )
    assert code == 0
    builds = script.asked[2]
    assert builds.key == "variants"
    assert builds.default == ("cpu", "cu126")
    titles = [o.title for o in render_question(builds).options]
    assert "CUDA 12.6 (cu126)  ★ recommended" in titles
    assert any(t.startswith("CUDA 13.0 (cu130)  ✗ ") and "580" in t for t in titles)
    diff = out[out.index("--- a/pyproject.toml") :]
    assert 'extra = "cu126"' in diff and "cu130" not in diff


def test_going_back_keeps_the_recommendation_of_a_build_chosen_by_hand(tmp_path):
    # Driver 550: cu126 of torch 2.14 is recommended. ROCm 7.2 (torch 2.15) chosen by hand,
    # then back to the questions: the hand choice must not turn the star into the CPU build.
    first = [("targets", ENTER), ("mode", ENTER), ("backend:linux-x86_64", ["rocm7.2"])]
    rest = [("torch", ENTER), ("companions", ENTER), ("lock_scope", ENTER)]
    again = [("targets", ENTER), ("mode", ENTER), ("backend:linux-x86_64", KeyboardInterrupt)]
    script = Script(first + rest + again, confirms=[False, True])  # not now; change answers
    code, out = plain(tmp_path, script, "--offline", hardware="linux-rtx4090-driver550")
    assert code == 130
    build = script.asked[-1]
    assert build.default == ("rocm7.2",)
    star = [o.value for o in build.options if o.recommended]
    assert star == ["cu126"]
    assert "your choice; the recommendation was cu126" in out
    rocm = next(o for o in build.options if o.value == "rocm7.2")
    assert not rocm.fits and rocm.detail.startswith("no AMD GPU here")
    assert list(tmp_path.iterdir()) == []


def test_a_companion_without_a_build_for_the_chosen_one_is_marked_and_refused(tmp_path):
    # torchaudio 2.11.0 is not on the cu132 index: the question says so, the plan refuses.
    script = Script(
        [
            ("targets", ENTER),
            ("mode", ENTER),
            ("backend:linux-x86_64", ["cu132"]),
            ("torch", ENTER),
            ("companions", ["torchaudio"]),
            ("lock_scope", ENTER),
        ],
        confirms=[False],  # do not change the answers
    )
    code, out = plain(tmp_path, script, "--offline", hardware="linux-rtx4090-driver580")
    assert code == 2
    audio = next(o for o in script.asked[4].options if o.value == "torchaudio")
    assert not audio.fits and audio.detail.startswith("torchaudio 2.11.0 has no cu132 build")
    said = " ".join(out.split())
    assert "has no cu132 build" in said and "untick torchaudio on the Packages step" in said
    assert list(tmp_path.iterdir()) == []


def test_targets_name_the_profile_files_they_come_from_not_this_machine(tmp_path):
    script = Script([("targets", KeyboardInterrupt)])
    args = ("--offline", "--hardware", profile("macbook-m3-max"))
    plain(tmp_path, script, *args, hardware="windows-rtx3060")
    details = {o.value: o.detail for o in script.asked[0].options}
    assert details["windows-x86_64"] == "windows-rtx3060.json"
    assert details["macos-arm64"] == "macbook-m3-max.json"
    assert "this machine" not in " ".join(details.values())


def test_a_rerun_starts_on_the_projects_build_and_says_so(tmp_path):
    from wizard.cli import main

    cpu = ["--yes", "--no-lock", "--offline", "-C", str(tmp_path), "--hardware"]
    assert main([*cpu, profile("linux-cpu-only")]) == 0
    script = Script(
        [("targets", ENTER), ("mode", ENTER), ("backend:linux-x86_64", KeyboardInterrupt)]
    )
    plain(tmp_path, script, "--offline", hardware="linux-rtx4090-driver580")
    build = script.asked[2]
    assert build.default == ("cpu",)  # Enter keeps what the file has
    by = {o.value: o for o in build.options}
    assert by["cu130"].recommended
    assert by["cpu"].detail.endswith("; in pyproject.toml now")
    assert not by["cu130"].detail.endswith("in pyproject.toml now")


def test_a_rerun_marks_the_projects_mode_and_release_in_pyproject_now(tmp_path):
    from wizard.cli import main

    gpu = ["--yes", "--no-lock", "--offline", "-C", str(tmp_path), "--hardware"]
    assert main([*gpu, profile("linux-rtx4090-driver580"), "--variants", "cpu,cu130"]) == 0
    script = Script([("targets", ENTER), ("mode", ENTER), ("variants", ENTER)])
    script.answers.append(("torch", KeyboardInterrupt))
    plain(tmp_path, script, "--offline", hardware="linux-rtx4090-driver580")
    mode = {o.value: o for o in script.asked[1].options}
    assert script.asked[1].default == ("variants",)
    assert mode["markers"].recommended and "in pyproject.toml now" not in mode["markers"].detail
    assert mode["variants"].detail.endswith("; in pyproject.toml now")
    release = script.asked[3]
    assert release.default == ("2.15",)
    now = [o.value for o in release.options if o.detail.endswith("in pyproject.toml now")]
    assert now == ["2.15"]


def test_a_cpu_only_plan_shows_no_cuda_notes_beside_releases(tmp_path):
    script = Script([("targets", ENTER), ("mode", ENTER), ("backend:linux-x86_64", ENTER)])
    script.answers.append(("torch", KeyboardInterrupt))
    plain(tmp_path, script, "--offline", hardware="linux-cpu-only")
    details = " ".join(o.detail for o in script.asked[3].options)
    assert "CUDA" not in details and "cu126" not in details
    assert "Last torchaudio release pairs here" in details  # the release's other notes stay
    script = Script([("targets", ENTER), ("mode", ENTER), ("backend:linux-x86_64", ENTER)])
    script.answers.append(("torch", KeyboardInterrupt))
    plain(tmp_path, script, "--offline", hardware="linux-rtx4090-driver580")
    details = " ".join(o.detail for o in script.asked[3].options)
    assert "No CUDA 12 build: cu126 ended with 2.14" in details


def test_a_fleet_is_recommended_selectable_builds_with_each_machines_build(tmp_path):
    # Driver 550 and a CPU-only box, both Linux x86_64: one build per platform cannot serve both.
    script = Script([("targets", ENTER), ("mode", ENTER), ("variants", KeyboardInterrupt)])
    args = ("--offline", "--hardware", profile("linux-cpu-only"))
    plain(tmp_path, script, *args, hardware="linux-rtx4090-driver550")
    mode, builds = script.asked[1], script.asked[2]
    assert mode.default == ("variants",)
    assert [o.value for o in mode.options if o.recommended] == ["variants"]
    assert sorted(builds.default) == ["cpu", "cu126"]
    assert sorted(o.value for o in builds.options if o.recommended) == ["cpu", "cu126"]


def test_a_bad_answer_is_explained_and_the_question_asked_again(tmp_path):
    script = Script(
        [
            ("targets", []),
            ("targets", ["linux-x86_64"]),
            ("mode", ["variants"]),
            ("variants", ["cpu"]),
            ("variants", ["cpu", "cu130"]),
        ]
    )
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0
    assert "Choose at least one target platform. Select this machine's platform" in out
    assert "Pick at least two builds to choose between." in out
    assert script.keys[:5] == ["targets", "targets", "mode", "variants", "variants"]


def test_question_mark_shows_the_explanation_and_asks_again(tmp_path):
    script = Script(
        [
            ("targets", [EXPLAIN]),
            ("targets", ENTER),
            ("mode", ENTER),
            ("backend:linux-x86_64", [EXPLAIN]),
        ]
    )
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0
    from wizard.explain import topic_named

    assert topic_named("environments").title in out
    assert topic_named("cpu-vs-cuda").title in out
    assert "On this machine:" in out  # the build's explanation says what was found here
    assert script.keys[:5] == [
        "targets",
        "targets",
        "mode",
        "backend:linux-x86_64",
        "backend:linux-x86_64",
    ]


class ExplainEach(Script):
    """Asks for the explanation once at every question, then takes Enter; keeps, per question
    asked, the output printed between its Explain answer and the next prompt."""

    def __init__(self, out: io.StringIO):
        super().__init__()
        self.out = out
        self.explained: set[str] = set()
        self.pending: str | None = None  # the question whose explanation comes next
        self.shown: dict[str, str] = {}

    def select(self, question: Question) -> list[str]:
        if self.pending is not None:
            self.shown[self.pending] = self.out.getvalue()[self.start :]
            self.pending = None
        if question.key not in self.explained:
            self.explained.add(question.key)
            self.pending, self.start = question.key, len(self.out.getvalue())
            self.asked.append(question)
            return [EXPLAIN]
        return super().select(question)


def titles_shown(text: str) -> list[str]:
    """The explanations' titles in the text: a line underlined with '='."""
    lines = text.split("\n")
    return [a for a, b in zip(lines, lines[1:], strict=False) if b and set(b) == {"="}]


# The explanation each question of the spec should show, by question key.
TOPIC_OF = {
    "targets": "environments",  # which platforms the lock serves and must have wheels for
    "mode": "markers-vs-extras",
    "variants": "conflicts",
    "torch": "one-release",
    "companions": "one-release",
    "lock_scope": "environments",
}
TOPIC_CASES = [  # (start, hardware, the build questions' topics)
    ([], "linux-cpu-only", {"backend:linux-x86_64": "cpu-vs-cuda"}),
    ([], "linux-rtx4090-driver580", {"backend:linux-x86_64": "compute-capability"}),
    ([], "linux-rx7900xtx", {"backend:linux-x86_64": "rocm"}),
    ([], "linux-arc-b580", {"backend:linux-x86_64": "xpu"}),
    ([], "macbook-m3-max", {"backend:macos-arm64": "mps"}),
    (["--variants", "cpu,cu130"], "linux-cpu-only", {}),
]


@pytest.mark.parametrize(
    "start, hardware, builds",
    TOPIC_CASES,
    ids=[f"{h}{'-variants' if s else ''}" for s, h, _ in TOPIC_CASES],
)
@pytest.mark.parametrize("key", ["targets", "others"])
def test_explain_shows_each_questions_own_topic(tmp_path, start, hardware, builds, key):
    from wizard.explain import topic_named

    out = io.StringIO()
    script = ExplainEach(out)
    code = run_flow(
        options(tmp_path, "--offline", "--dry-run", *start, hardware=hardware), script, out
    )
    assert code == 0, out.getvalue()
    asked = list(dict.fromkeys(script.keys))
    assert set(script.shown) == set(asked)  # every question of the spec was explained
    expected = {**TOPIC_OF, **builds}
    checked = ["targets"] if key == "targets" else [k for k in asked if k != "targets"]
    for k in checked:
        assert titles_shown(script.shown[k]) == [topic_named(expected[k]).title], k


def test_explaining_a_multi_question_keeps_what_was_ticked(tmp_path):
    script = Script([("targets", ["linux-x86_64", "windows-x86_64", EXPLAIN])])
    code, _ = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0
    assert script.asked[1].key == "targets"
    assert render_question(script.asked[1]).defaults == ("linux-x86_64", "windows-x86_64")


def test_the_plan_is_wrapped_to_the_terminal_with_hanging_indents(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    code, out = plain(tmp_path, Script(), "--offline", "--dry-run")
    assert code == 0
    plan = out.split("[6/8] Review\n")[1].split("\n\n")[0].split("\n")
    assert plan[0] == "Plan: torch 2.15"
    assert all(len(line) <= 100 for line in plan), plan
    at = next(i for i, line in enumerate(plan) if "No GPU found" in line)
    assert plan[at].startswith(" " * 25 + "- No GPU found: the CPU build (about 200 MB)")
    # the terminal used to break it at column 100, the rest at column 0: "(about" / " 3 GB)"
    rest = plan[at + 1]
    assert rest.startswith(" " * 27) and rest[27] != " ", plan
    assert f"{plan[at].strip()} {rest.strip()}" == f"- {REASON}"
    assert not re.search(r"\d$", plan[at])  # a size keeps its unit: never "3" / "GB"


REQUIREMENTS = (
    "--index-url https://download.pytorch.org/whl/cu121\n"
    "torch==2.1.0+cu121\n"
    "torchvision==0.16.0+cu121\n"
)


def yes_output(folder: Path, capsys, *args: str) -> str:
    from wizard.cli import main

    capsys.readouterr()
    assert main(["--yes", "-C", str(folder), "--hardware", profile("linux-cpu-only"), *args]) == 0
    return capsys.readouterr().out


def test_from_requirements_shows_the_migration_before_the_questions(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # as wide as --yes prints it
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    req = str(tmp_path / "requirements.txt")
    code, out = plain(tmp_path, Script(), "--offline", "--dry-run", "--from", req)
    assert code == 0
    before, questions = out.split("[3/8] Targets")
    assert "Migration from requirements.txt:" in before
    assert "requirements.txt:2  torch==2.1.0+cu121" in before
    assert "warning: torch==2.1.0 is older than every release" in before
    assert "the pin is dropped" in before
    assert "warning: cu121 (requirements.txt:2, torch +cu121) is not built" in before
    # the same report as --yes prints, from the same core text
    yes = yes_output(tmp_path, capsys, "--offline", "--dry-run", "--from", req)
    report = yes[yes.index("Migration from") : yes.index("\n\nPlan: ")]
    assert report in before
    assert "Dry run: nothing was written." in questions
    assert "requirements files were left in place" not in out  # nothing was written
    monkeypatch.setenv("COLUMNS", "80")
    code, out = plain(tmp_path, Script(), "--offline", "--dry-run", "--from", req)
    report = out.split("Migration from")[1].split("[3/8] Targets")[0]
    assert max(len(line) for line in report.split("\n")) <= 80


def test_from_requirements_says_what_can_be_deleted_after_writing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    req = str(tmp_path / "requirements.txt")
    code, out = plain(tmp_path, Script(), "--offline", "--no-lock", "--from", req)
    assert code == 0, out
    done = out.split("[8/8] Done")[1]
    note = done[done.index("The requirements files were left in place.") :].rstrip()
    assert all(len(line) <= 80 for line in note.split("\n")), note  # wrapped to the terminal
    assert " ".join(note.split()) == (
        "The requirements files were left in place. Once `uv sync` works, these can be "
        "deleted (if no Dockerfile or CI script still reads them): requirements.txt."
    )
    assert "torchvision" in pyproject(tmp_path)["project"]["dependencies"][1]


def test_ctrl_c_at_a_question_changes_nothing(tmp_path):
    script = Script([("targets", ENTER), ("mode", KeyboardInterrupt)])
    code, out = plain(tmp_path, script, "--offline")
    assert code == 130
    assert out.rstrip().endswith("No changes were made.")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_at_the_confirmation_changes_nothing(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    before = (tmp_path / "pyproject.toml").read_bytes()
    script = Script(confirms=[KeyboardInterrupt])
    code, out = plain(tmp_path, script, "--offline")
    assert code == 130 and "No changes were made." in out
    assert script.confirmed == ["Write pyproject.toml and run uv lock?"]
    assert (tmp_path / "pyproject.toml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]


def test_declining_then_not_changing_the_answers_writes_nothing(tmp_path):
    script = Script(confirms=[False, False])
    code, out = plain(tmp_path, script, "--offline")
    assert code == 0
    assert script.confirmed == ["Write pyproject.toml and run uv lock?", "Change the answers?"]
    assert "No changes were made." in out
    assert list(tmp_path.iterdir()) == []


def test_declining_and_changing_the_answers_starts_again_from_them(tmp_path):
    script = Script(
        [*[(k, ENTER) for k in BASIC[:4]], ("companions", ["torchvision"]), ("lock_scope", ENTER)],
        confirms=[False, True, False, False],
    )
    code, _ = plain(tmp_path, script, "--offline")
    assert code == 0
    assert script.keys == BASIC + BASIC
    again = script.asked[len(BASIC) :]
    assert again[2].default == ("cpu",)  # the answer given, no longer "auto"
    assert again[4].default == ("torchvision",)
    assert list(tmp_path.iterdir()) == []


IMPOSSIBLE = [
    ("targets", ENTER),
    ("mode", ENTER),
    ("backend:linux-x86_64", ["cu132"]),
    ("torch", ["2.10"]),
    ("companions", ENTER),
    ("lock_scope", ENTER),
]


def test_answers_that_make_no_plan_are_explained_and_can_be_changed(tmp_path):
    script = Script(
        [*IMPOSSIBLE, *[(k, ENTER) for k in BASIC[:3]], ("torch", [""])],
        confirms=[True, False, False],
    )
    code, out = plain(tmp_path, script, "--offline")
    said = " ".join(out.split())
    assert "These answers cannot be written: " in said and "no cu132 build" in said
    # In the steps' words, as the full-screen wizard says it (it named --torch).
    assert "(the torch release chosen on the Packages step)" in said and "--torch" not in said
    assert script.confirmed[0] == "Change the answers?"
    assert script.keys == BASIC + BASIC
    assert script.asked[len(BASIC) + 3].default == ("2.10",)  # starts from the answers given
    assert script.confirmed[1] == "Write pyproject.toml and run uv lock?"  # now it works
    assert code == 0 and list(tmp_path.iterdir()) == []


def test_answers_that_make_no_plan_and_are_not_changed_exit_2(tmp_path):
    script = Script(IMPOSSIBLE, confirms=[False])
    code, out = plain(tmp_path, script, "--offline")
    assert code == 2 and out.rstrip().endswith("No changes were made.")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ui", [["--plain"], []], ids=["plain", "full-screen"])
def test_json_goes_with_yes_in_either_front_end(tmp_path, capsys, ui):
    from wizard.cli import main

    code = main([*ui, "--json", "-C", str(tmp_path), "--offline"])
    assert code == 2
    assert "--json goes with --yes" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_without_a_terminal_plain_says_to_use_yes(tmp_path):
    r = run_wizard(
        ["--plain", "--offline", "--hardware", profile("linux-cpu-only")],
        tmp_path,
        dict(os.environ),
    )
    assert r.code == 2
    assert "--yes" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_plain_never_imports_textual(tmp_path):
    code = (
        "import sys, json\n"
        "from wizard.cli import _main_parser\n"
        "from wizard.prompts import run_flow\n"
        "class FirstQuestion:\n"
        "    seen = None\n"
        "    def select(self, q):\n"
        "        self.seen = q.key\n"
        "        raise KeyboardInterrupt\n"
        "    def confirm(self, text, default):\n"
        "        raise AssertionError(text)\n"
        "asker = FirstQuestion()\n"
        f"opts = _main_parser().parse_args(['--plain', '--offline', '-C', {str(tmp_path)!r}, "
        f"'--hardware', {profile('linux-cpu-only')!r}])\n"
        "rc = run_flow(opts, asker)\n"
        "import wizard.prompts  # the real asker's module too\n"
        "print(json.dumps({'rc': rc, 'seen': asker.seen, 'textual': sorted(m for m in "
        "sys.modules if m.split('.')[0] == 'textual')}), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    result = json.loads(proc.stderr.strip().splitlines()[-1])
    assert result == {"rc": 130, "seen": "targets", "textual": []}, proc.stderr


# --------------------------------------------------------------------------------------------
# End to end: the fake index and the real `uv lock`
# --------------------------------------------------------------------------------------------


def test_enter_through_writes_the_cpu_build_and_locks_it(
    tmp_path, fake_index, uv_environ, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # the next commands then need no `cd`
    script = Script()
    code, out = plain(tmp_path, script, "--index-base", fake_index.base_url)
    assert code == 0, out
    assert script.keys == BASIC
    assert script.confirmed == ["Write pyproject.toml and run uv lock?"]
    assert "2.15.0+cpu" in (tmp_path / "uv.lock").read_text()
    assert {"version": "2.15.0+cpu", "registry": f"{fake_index.base_url}/cpu"} in [
        {"version": t["version"], "registry": t["source"]["registry"]}
        for t in locked(tmp_path, "torch")
    ]
    assert pyproject(tmp_path)["tool"]["uv"]["index"] == [
        {"name": "pytorch-cpu", "url": f"{fake_index.base_url}/cpu", "explicit": True}
    ]
    assert "[7/8] Lock" in out and "  uv: " in out  # uv's lines streamed
    assert "[8/8] Done" in out and "2.15.0+cpu" in out.split("[8/8] Done")[1]
    # doctor checks against the profile the plan was made for, not this machine
    cpu = str(PROFILES / "linux-cpu-only.json")
    assert f"Next: `uv sync`, then `torch-wizard doctor --hardware {cpu}`." in " ".join(out.split())


@pytest.mark.parametrize("hardware", ["linux-rtx4090-driver550", "windows-rtx3060"])
def test_pressing_enter_throughout_writes_what_yes_writes(
    hardware, tmp_path, fake_index, uv_environ
):
    asked, yes = tmp_path / "a" / "proj", tmp_path / "b" / "proj"  # same project name
    asked.mkdir(parents=True)
    yes.mkdir(parents=True)
    code, out = plain(asked, Script(), "--index-base", fake_index.base_url, hardware=hardware)
    assert code == 0, out
    from wizard.cli import main

    assert (
        main(
            [
                "--yes",
                "-C",
                str(yes),
                "--index-base",
                fake_index.base_url,
                "--hardware",
                profile(hardware),
            ]
        )
        == 0
    )
    for name in ("pyproject.toml", "uv.lock"):
        assert (asked / name).read_text() == (yes / name).read_text()
    if hardware == "linux-rtx4090-driver550":
        assert "2.14.1+cu126" in [t["version"] for t in locked(asked, "torch")]


def test_selectable_builds_become_extras(tmp_path, fake_index, uv_environ, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script = Script([("targets", ENTER), ("mode", ["variants"]), ("variants", ["cpu", "cu130"])])
    code, out = plain(tmp_path, script, "--index-base", fake_index.base_url)
    assert code == 0, out
    doc = pyproject(tmp_path)
    assert set(doc["project"]["optional-dependencies"]) >= {"cpu", "cu130"}
    versions = {t["version"] for t in locked(tmp_path, "torch")}
    assert versions >= {"2.15.0+cpu", "2.15.0+cu130"}
    assert "Next: `uv sync --extra cpu`" in out


def test_a_second_run_with_the_same_answers_changes_nothing(tmp_path, fake_index, uv_environ):
    assert plain(tmp_path, Script(), "--index-base", fake_index.base_url)[0] == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    script = Script()
    code, out = plain(tmp_path, script, "--index-base", fake_index.base_url)
    assert code == 0, out
    assert script.confirmed == []  # nothing to write, nothing to ask
    assert "pyproject.toml already has this configuration." in out
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_no_lock_writes_only_pyproject(tmp_path, fake_index, uv_environ):
    script = Script()
    code, out = plain(tmp_path, script, "--index-base", fake_index.base_url, "--no-lock")
    assert code == 0, out
    assert script.confirmed == ["Write pyproject.toml (without locking)?"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]


def test_a_failed_lock_puts_the_project_back(tmp_path, fake_index, uv_environ, capsys):
    original = b'[project]\nname = "keep"\nversion = "1"\n# a comment\n'
    (tmp_path / "pyproject.toml").write_bytes(original)
    script = Script(confirms=[True, False])
    with fake_index.configured(fail=True):
        code, out = plain(tmp_path, script, "--offline", "--index-base", fake_index.base_url)
    assert code == 1
    assert "put back as they were" in " ".join(capsys.readouterr().err.split())
    assert script.confirmed == ["Write pyproject.toml and run uv lock?", "Change the answers?"]
    assert out.rstrip().endswith("No changes were made.")
    assert (tmp_path / "pyproject.toml").read_bytes() == original
    assert not (tmp_path / "uv.lock").exists()


def test_after_a_failed_lock_the_answers_can_be_changed(tmp_path, fake_index, uv_environ, capsys):
    class IndexBackAfterFailure(Script):
        def confirm(self, text: str, default: bool) -> bool:
            if text == "Change the answers?":
                fake_index.fail = False  # the index works again for the second try
            return super().confirm(text, default)

    script = IndexBackAfterFailure(
        [*[(k, ENTER) for k in BASIC[:4]], ("companions", ["torchvision"]), ("lock_scope", ENTER)],
        confirms=[True, True, True],
    )
    with fake_index.configured(fail=True):
        code, out = plain(tmp_path, script, "--offline", "--index-base", fake_index.base_url)
    assert "put back as they were" in " ".join(capsys.readouterr().err.split())
    assert script.confirmed == [
        "Write pyproject.toml and run uv lock?",
        "Change the answers?",
        "Write pyproject.toml and run uv lock?",
    ]
    assert script.keys == BASIC + BASIC
    assert script.asked[len(BASIC) + 4].default == ("torchvision",)  # from the answers given
    assert code == 0, out
    assert "[8/8] Done" in out
    assert "2.14.1+cpu" in [t["version"] for t in locked(tmp_path, "torch")]  # with torchvision


def test_plain_text_wraps_at_words_for_the_terminal_but_the_diff_stays_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    code, out = plain(tmp_path, Script(), "--offline", "--dry-run", hardware="windows-rtx3060")
    lines = out.splitlines()
    diff = [ln for ln in lines if ln[:1] in "+-@" or ln.startswith(" ") and "=" in ln]
    said = [ln for ln in lines if ln not in diff]
    assert [ln for ln in said if len(ln) > 60] == []
    assert "windows-rtx3060.json)" in out  # the profile's path, whole on its line
    assert any(len(ln) > 60 for ln in diff)  # the markers line, as it is written


def test_a_refused_ticking_is_asked_again_with_the_persons_ticks(tmp_path):
    ticks = ["linux-x86_64", "macos-arm64", "windows-arm64", "windows-x86_64"]
    script = Script([("targets", ticks), ("targets", [t for t in ticks if t != "windows-arm64"])])
    code, out = plain(tmp_path, script, "--offline", "--dry-run")
    assert code == 0
    assert "PyTorch publishes no wheels for Windows ARM64. Untick Windows ARM64." in out
    # It asked again with only the recommendation ticked: the other ticks were lost.
    assert script.asked[1].key == "targets"
    assert set(render_question(script.asked[1]).defaults) == set(ticks)


def test_a_fleets_hardware_step_says_what_each_machine_gets(tmp_path):
    fleet = ("--hardware", profile("linux-rx7900xtx"))  # beside the CPU-only profile
    code, out = plain(tmp_path, Script(), "--offline", "--dry-run", *fleet)
    assert code == 0
    said = " ".join(out.split("[3/8] Targets")[0].split())
    # Only the machines were listed; the reasons of the AMD box were never said.
    assert "★ linux-cpu-only.json (Linux x86_64): the cpu build of torch 2.15: No GPU found" in said
    assert (
        "★ linux-rx7900xtx.json (Linux x86_64): the rocm7.2 build of torch 2.15: Radeon RX 7900 "
        "XTX: the rocm7.2 build of torch 2.15 fits" in said
    )
