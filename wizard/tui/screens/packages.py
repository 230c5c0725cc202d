"""Packages: the torch release, companion packages, and what the lock solves for."""

from wizard.tui.screens.questions import QuestionsScreen


class PackagesScreen(QuestionsScreen):
    STEP = "Packages"
    HEADING = "Which torch, and which companion packages?"
    TOPIC = "one-release"
