"""The teaching texts (`wizard.explain`) and `torch-wizard explain`."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.commands.explain import explain
from wizard.errors import BadInput
from wizard.explain import TOPICS, Topic, render, topic_named

EXPECTED_TOPICS = [
    "indexes",
    "explicit-index",
    "pypi-default",
    "cpu-vs-cuda",
    "driver",
    "compute-capability",
    "rocm",
    "xpu",
    "mps",
    "markers-vs-extras",
    "environments",
    "conflicts",
    "one-release",
    "mirrors",
    "indirect",
    "channels",
]

# Facts the brief names for each topic: they must be key facts, so the tests below hold the
# text to them.
REQUIRED_FACTS = {
    "indexes": ["2.15.0+cu130"],
    "explicit-index": ["torchtriton", "--extra-index-url", "December 25 and December 30, 2022"],
    "pypi-default": ["about 3 GB", "CUDA 13.0 since torch 2.11", "CPU-only", "MPS"],
    "cpu-vs-cuda": ["about 200 MB", "about 3 GB"],
    "driver": [">= 580", ">= 525", "528.33", "CUDA UMD Version", "cu126 was last in 2.14"],
    "compute-capability": ["sm_61", "sm_70", "sm_100/sm_120", "no kernel image is available"],
    "rocm": ["gfx1100", "gfx1103", "pytorch-triton-rocm"],
    "xpu": ["pytorch-triton-xpu", "Data Center GPU Max", "Core Ultra"],
    "mps": ["MPS", "torch 2.2"],
    "markers-vs-extras": ["'win32', never 'windows'", "'AMD64' or 'ARM64' on Windows"],
    "environments": ["tool.uv.environments", "tool.uv.required-environments"],
    "conflicts": ["extra == 'extra-<len>-<project>-<extra>'"],
    "one-release": ["torch>=2.15,<2.16", "torch 2.14 with torchvision 0.29"],
    "mirrors": ["UV_INDEX_PYTORCH_CU130_USERNAME", "UV_INDEX_PYTORCH_CU130_PASSWORD"],
    "indirect": ["direct dependencies"],
    "channels": ["<base>/test/<variant>", "<base>/nightly/<variant>", "torch>=2.16.0.dev0"],
}

VAGUE = {"gpu", "cuda", "torch", "pytorch", "index", "fast", "faster", "slow", "big", "small"}
MARKETING = (
    "seamless",
    "blazing",
    "effortless",
    "revolutionary",
    "cutting-edge",
    "powerful",
    "best-in-class",
    "amazing",
    "world-class",
    "supercharge",
)

NOTE = "Your RTX 3060 is sm_86, covered by every current CUDA build"


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_topics_are_the_ones_the_cli_documents_in_order() -> None:
    assert list(TOPICS) == EXPECTED_TOPICS
    assert all(name == topic.name for name, topic in TOPICS.items())


@pytest.mark.parametrize("name", list(TOPICS))
def test_topic_is_well_formed(name: str) -> None:
    topic = TOPICS[name]
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", topic.name)
    assert topic.title and "\n" not in topic.title
    assert topic.summary and "\n" not in topic.summary and len(topic.summary) <= 58
    assert 2 <= len(topic.text.split("\n\n")) <= 6
    assert topic.sources and all(s.strip() for s in topic.sources)
    assert len(topic.key_facts) >= 3
    lowered = topic.text.lower()
    assert not [w for w in MARKETING if w in lowered]


@pytest.mark.parametrize("name", list(TOPICS))
def test_key_facts_are_specific_and_in_the_text(name: str) -> None:
    topic = TOPICS[name]
    for fact in topic.key_facts:
        assert len(fact) >= 3 and fact.lower() not in VAGUE, fact
        assert fact in topic.text, fact
    assert set(REQUIRED_FACTS[name]) <= set(topic.key_facts)


@pytest.mark.parametrize("width", [80, 60])
@pytest.mark.parametrize("name", list(TOPICS))
def test_every_topic_renders_with_its_key_facts_on_one_line(name: str, width: int) -> None:
    topic = TOPICS[name]
    out = render(topic, width=width)
    assert out.startswith(topic.title + "\n")
    for fact in topic.key_facts:
        assert fact in out, fact
    for source in topic.sources:
        assert _squash(source) in _squash(out)
    assert "Sources:" in out
    assert "On this machine:" not in out
    # Wrapped to the width, except example lines and facts kept whole.
    for line in out.splitlines():
        if len(line) > width:
            assert line.startswith("    ") or any(f in line for f in topic.key_facts), line
    if width == 80:
        assert max(len(line) for line in out.splitlines()) <= 80


def test_a_url_wider_than_a_narrow_panel_breaks_after_a_slash() -> None:
    # The explanation panel beside the choices is about 34 columns wide: the CPU index URL
    # (36) breaks after a '/', not at whatever letter the terminal reaches ('…/cp', 'u').
    out = render(TOPICS["cpu-vs-cuda"], width=34)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 34
    first = next(i for i, line in enumerate(lines) if "https://download.pytorch.org/" in line)
    assert lines[first].endswith("https://download.pytorch.org/")
    assert lines[first + 1].startswith("whl/cpu is about 200 MB")
    assert "https://download.pytorch.org/whl/cpu" in render(TOPICS["cpu-vs-cuda"], width=60)


def test_text_is_kept_word_for_word_when_wrapped() -> None:
    for topic in TOPICS.values():
        body = render(topic).split("\nSources:\n")[0]
        assert _squash(topic.text) in _squash(body.split("\n", 2)[2])


def test_example_paragraphs_are_kept_verbatim() -> None:
    out = render(TOPICS["markers-vs-extras"], width=40)
    assert '      { index = "pytorch-cu130", marker = "sys_platform == \'win32\'" },' in out


def test_machine_notes_appear_between_text_and_sources() -> None:
    long_note = "A note long enough to be wrapped " * 5
    out = render(TOPICS["compute-capability"], [NOTE, long_note])
    assert "On this machine:\n  - " + NOTE + "\n" in out
    assert out.index("no kernel image") < out.index("On this machine:") < out.index("Sources:")
    notes_block = out.split("On this machine:\n")[1].split("\n\nSources:")[0]
    assert all(len(line) <= 80 for line in notes_block.splitlines())
    assert notes_block.splitlines()[2].startswith("    ")


def test_topic_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TOPICS["driver"].name = "other"  # type: ignore[misc]
    assert isinstance(TOPICS["driver"], Topic)


def test_topic_named_forgives_case_and_separators() -> None:
    assert topic_named("driver") is TOPICS["driver"]
    assert topic_named(" Markers_vs_Extras ") is TOPICS["markers-vs-extras"]
    assert topic_named("one release") is TOPICS["one-release"]


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("drivers", "driver"),
        ("markers", "markers-vs-extras"),
        ("conflict", "conflicts"),
        ("explicit", "explicit-index"),
    ],
)
def test_unknown_topic_suggests_the_closest(typed: str, suggested: str) -> None:
    with pytest.raises(BadInput) as err:
        topic_named(typed)
    assert err.value.message == f"Unknown topic '{typed}'."
    assert f"Did you mean '{suggested}'?" in err.value.hint
    assert all(name in err.value.hint for name in TOPICS)


def test_unknown_topic_exits_2_with_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "nope"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("torch-wizard: Unknown topic 'nope'. ")
    assert "Traceback" not in captured.err


def test_explain_without_topic_lists_every_topic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    assert [row.split()[0] for row in rows] == EXPECTED_TOPICS
    for topic in TOPICS.values():
        assert topic.summary in out
    # Summaries start in one column, and the list fits in 80 columns.
    starts = {row.index(TOPICS[row.split()[0]].summary) for row in rows}
    assert len(starts) == 1
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize(("columns", "width"), [("80", 80), ("200", 80), ("50", 50)])
def test_explain_topic_prints_the_rendered_topic(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, columns: str, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert main(["explain", "driver", "--hardware", PROFILE_3060]) == 0
    notes = ["Your driver is 581.57.", "It runs torch 2.15's cu130 and cu132 (need 580)."]
    assert capsys.readouterr().out == render(TOPICS["driver"], notes, width=width)


PROFILE_3060 = str(Path(__file__).parent / "fixtures" / "profiles" / "windows-rtx3060.json")


def test_explain_says_what_a_topic_means_for_a_given_machine(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "compute-capability", "--hardware", PROFILE_3060]) == 0
    out = capsys.readouterr().out
    assert "Your NVIDIA GeForce RTX 3060 is sm_86: every CUDA build of torch 2.15" in out
    old_card = Path(__file__).parent / "fixtures" / "profiles" / "linux-rtx4090-driver550.json"
    assert main(["explain", "driver", "--hardware", str(old_card)]) == 0
    out = capsys.readouterr().out
    assert "It is too old for cu130 and cu132 (need 580)." in out


def test_explain_topic_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "mirrors", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    topic = TOPICS["mirrors"]
    assert data == {
        "name": topic.name,
        "title": topic.title,
        "summary": topic.summary,
        "text": topic.text,
        "sources": list(topic.sources),
        "key_facts": list(topic.key_facts),
        "machine_notes": [],
    }


def test_explain_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["name"] for t in data["topics"]] == EXPECTED_TOPICS
    assert data["topics"][0]["summary"] == TOPICS["indexes"].summary


def test_explain_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--help"]) == 0
    out = capsys.readouterr().out
    assert "torch-wizard explain" in out and "--json" in out
    assert "channels" in out
    assert "compute-capability" in out  # topic names are not split at hyphens


def test_bad_flag_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "driver", "--wide"]) == 2
    err = capsys.readouterr().err
    assert "--wide" in err and len(err.strip().splitlines()) == 1


def test_machine_notes_callback_is_asked_only_for_the_topic_shown() -> None:
    asked: list[str] = []

    def notes_for(name: str) -> list[str]:
        asked.append(name)
        return [NOTE]

    out = io.StringIO()
    assert explain(["compute-capability"], machine_notes_for=notes_for, out=out) == 0
    assert asked == ["compute-capability"]
    assert "On this machine:\n  - " + NOTE in out.getvalue()

    out = io.StringIO()
    assert explain(["compute-capability", "--json"], machine_notes_for=notes_for, out=out) == 0
    assert json.loads(out.getvalue())["machine_notes"] == [NOTE]

    asked.clear()
    assert explain([], machine_notes_for=notes_for, out=io.StringIO()) == 0
    assert asked == []


def test_core_module_loads_no_ui_libraries() -> None:
    code = (
        "import sys, wizard.explain, wizard.commands.explain\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'questionary'))\n"
        "bad += sorted(m for m in sys.modules if m.startswith('wizard.hardware'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
