"""Targets: which platforms the lock serves (this machine's pre-selected)."""

from wizard.tui.screens.questions import QuestionsScreen


class TargetsScreen(QuestionsScreen):
    STEP = "Targets"
    HEADING = "Which platforms will run this project?"
    TOPIC = "environments"
