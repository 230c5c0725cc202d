"""Accelerators: the build for each target, or builds people select as extras."""

from wizard.tui.screens.questions import QuestionsScreen


class AcceleratorsScreen(QuestionsScreen):
    STEP = "Accelerators"
    HEADING = "Which PyTorch build should each platform get?"
    TOPIC = "cpu-vs-cuda"
