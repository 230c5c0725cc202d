"""A plan that cannot be made, said in the words of the wizard's steps (the full-screen
wizard's Review and `--plain`'s alike).

The core (wizard.plan) writes its message and way out for the command line: "Use --torch 2.2",
"Leave out --target macos-x86_64". Answering the questions, the same answer is changed on a
step, so each flag phrase the core uses becomes that step here ("choose torch 2.2 on the
Packages step"). A phrase not listed stays as the core wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from wizard.errors import WizardError
from wizard.platforms import PLATFORMS


class ScreenError(NamedTuple):
    """The error's text for the screen, and the steps it sends the person back to, in order."""

    text: str
    steps: tuple[str, ...]

    @property
    def topic(self) -> str | None:
        """The explanation for it: every plan error that names a step is about the answers
        not fitting one torch release, or (Targets alone) a platform without wheels."""
        if not self.steps:
            return None
        return "environments" if self.steps[0] == "Targets" else "one-release"


def _platform(match: re.Match[str]) -> str:
    platform = PLATFORMS.get(match["platform"])
    return platform.label if platform else match["platform"]


# (the core's phrase, its words for the screen, the step it names)
_REWRITES: tuple[tuple[str, Callable[[re.Match[str]], str], str], ...] = (
    (
        r"\(--torch or the project's requirement\)",
        lambda m: "(the torch release chosen on the Packages step)",
        "Packages",
    ),
    (
        r"(?P<u>[Uu])se --torch with one of (?P<list>\d[\w.]*(?:, \d[\w.]*)*)",
        lambda m: f"{_choose(m)} one of torch {m['list']} on the Packages step",
        "Packages",
    ),
    (
        r"(?P<u>[Uu])se --torch (?P<release>\d[\w.]*)",
        lambda m: f"{_choose(m)} torch {m['release']} on the Packages step",
        "Packages",
    ),
    (
        r"(?P<u>[Oo]r) --offline",
        lambda m: f"{m['u']} quit and run the wizard again with --offline",
        "",
    ),
    (
        r"(?P<u>[Ll])eave out --target (?P<platform>[\w-]+)",
        lambda m: f"{_case(m, 'untick')} {_platform(m)} on the Targets step",
        "Targets",
    ),
    (
        r"(?P<u>[Aa])dd one with --target PLATFORM",
        lambda m: f"{_case(m, 'tick')} one on the Targets step",
        "Targets",
    ),
    (
        r"(?P<u>[Cc])hoose another backend or target",
        lambda m: (
            f"{_choose(m)} another build on the Accelerators step or other targets on "
            "the Targets step"
        ),
        "Accelerators",
    ),
    (
        r"(?P<u>[Cc])hoose another build than (?P<build>[\w.]+(?: for [^,.]+)?)",
        lambda m: f"{_choose(m)} another build than {m['build']} on the Accelerators step",
        "Accelerators",
    ),
    (
        r"(?P<u>[Cc])hoose one of torch (?P<release>[\d.]+)'s builds",
        lambda m: f"{_choose(m)} one of torch {m['release']}'s builds on the Accelerators step",
        "Accelerators",
    ),
    (
        r"(?P<u>[Dd])rop the companion",
        lambda m: f"{_case(m, 'untick')} the companion on the Packages step",
        "Packages",
    ),
    (
        r"(?P<u>[Ll])eave out (?P<package>torchvision|torchaudio|torchao)",
        lambda m: f"{_case(m, 'untick')} {m['package']} on the Packages step",
        "Packages",
    ),
    (
        r"(?P<u>[Uu])se --python (?P<range>'[^']*')",
        lambda m: f"{_case(m, 'quit')} and run the wizard again with --python {m['range']}",
        "",
    ),
)


def _case(match: re.Match[str], word: str) -> str:
    """`word` capitalised like the phrase it replaces (a sentence's first word or not)."""
    return word.capitalize() if match["u"].isupper() else word


def _choose(match: re.Match[str]) -> str:
    return _case(match, "choose")


def for_screen(error: WizardError) -> ScreenError:
    """The error's message and way out with each command-line flag named by its step."""
    text = str(error)
    named = sorted(
        (match.start(), step)
        for pattern, _, step in _REWRITES
        if step
        for match in re.finditer(pattern, text)
    )
    for pattern, words, _ in _REWRITES:
        text = re.sub(pattern, words, text)
    return ScreenError(text, tuple(dict.fromkeys(step for _, step in named)))
