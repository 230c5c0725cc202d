"""Wrapping what the core prints to the width of a pane or terminal."""

from __future__ import annotations

from wizard.tui.widgets.diff_view import highlighted_diff
from wizard.wrap import hanging_wrap

TABLE = (
    "Target               torch         from   download\n"
    "Linux x86_64         2.14.1+cu126  cu126      6 kB\n"
    "macOS Apple Silicon  2.14.1        PyPI       6 kB\n"
    "Windows x86_64       2.14.1+cu130  cu130      6 kB"
)


def test_a_table_keeps_its_columns_in_a_narrow_pane():
    # 56 columns: the label column (21) is deeper than a third of the width, yet the rows
    # must not be pulled left one by one ("Linux x86_64 2.14.1+cu126  cu126").
    assert hanging_wrap(TABLE, 56) == TABLE


def test_a_plans_reasons_move_left_and_wrap_under_their_bullet():
    plan = (
        "  Linux x86_64           cu126\n"
        "                         - NVIDIA GeForce RTX 4090: the cu126 build of torch 2.14 "
        "fits (driver 550.54.15 runs CUDA 12.6)."
    )
    assert hanging_wrap(plan, 56).split("\n") == [
        "  Linux x86_64           cu126",
        "    - NVIDIA GeForce RTX 4090: the cu126 build of torch",
        "      2.14 fits (driver 550.54.15 runs CUDA 12.6).",
    ]


def test_a_wrapped_added_line_keeps_its_plus_sign():
    diff = (
        "--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1 +1 @@\n"
        '+torch = { index = "pytorch-cpu", marker = "sys_platform == \'linux\' and '
        "platform_machine == 'x86_64'\" }\n"
        ' name = "x"'
    )
    lines = highlighted_diff(diff, 50).plain.split("\n")
    added = lines[3:-1]
    assert len(added) > 1 and all(line.startswith("+") for line in added)
    assert all(line.startswith("+↪") for line in added[1:]) and added[0][1] != "↪"
    assert all(len(line) <= 50 for line in lines)
    assert lines[-1] == ' name = "x"'


def test_a_path_wider_than_the_pane_breaks_after_a_slash_under_its_label():
    line = "Profile    /work/main/tests/fixtures/profiles/linux-rtx4090-driver550.json"
    assert hanging_wrap(line, 56).split("\n") == [
        "Profile    /work/main/tests/fixtures/",
        "           profiles/linux-rtx4090-driver550.json",
    ]


def test_a_detection_note_wraps_under_its_text_not_under_the_vendor():
    note = "AMD: nothing detected (rocminfo not found, no GPU in the KFD topology)"
    assert hanging_wrap(note, 40).split("\n") == [
        "AMD: nothing detected (rocminfo not",
        "     found, no GPU in the KFD topology)",
    ]
