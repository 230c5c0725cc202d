"""Hardware: what was detected, filled in as the probes and the index reads finish, and what it
means for PyTorch (the core's recommendation for each target, with its reasons)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult

from wizard.tui.messages import StateChanged
from wizard.tui.screens.base import StepScreen
from wizard.tui.state import WizardState
from wizard.tui.widgets.wrapped_text import WrappedText

if TYPE_CHECKING:
    from wizard.recommend import Recommendation

_TOPIC_BY_VENDOR = {"nvidia": "driver", "amd": "rocm", "intel": "xpu", "apple": "mps"}


def project_line(state: WizardState) -> str:
    """One line saying which project this is about (the Project step may have been passed)."""
    if not state.project.exists:
        return (
            f"Project: {state.project_name}, new, in {state.folder_shown} (pyproject.toml "
            "will be created)"
        )
    return (
        f"Project: {state.project_name}, in {state.folder_shown} (pyproject.toml is edited "
        "in place)"
    )


class HardwareScreen(StepScreen):
    STEP = "Hardware"
    HEADING = "What this machine has, and what it means for PyTorch"
    TOPIC = "cpu-vs-cuda"

    def __init__(self) -> None:
        super().__init__()
        self.waiting_to_advance = False

    def heading(self) -> str:
        if len(self.state.profiles or ()) > 1:
            return "What the machines have, and what it means for PyTorch"
        return self.HEADING

    def compose_body(self) -> ComposeResult:
        # One text for the whole step (a widget each costs the first frame its styling).
        text, styles = self._sections()
        yield WrappedText(text, line_styles=styles, id="hardware")

    def step_mounted(self) -> None:
        self.query_one("#body").focus()
        self._show()

    def on_state_changed(self, message: StateChanged) -> None:
        self._show()
        state = self.state
        if self.waiting_to_advance and (state.ready or state.failed):
            self.waiting_to_advance = False
            if state.ready:
                self.wizard.advance(self.STEP)
            else:
                self.set_status("")

    def _show(self) -> None:
        self.query_one("#hardware", WrappedText).set_text(*self._sections())
        state = self.state
        if state.profiles is not None and not state.hardware_error:
            vendors = [g.vendor for p in state.profiles for g in p.gpus]
            topic = next(
                (_TOPIC_BY_VENDOR[v] for v in vendors if v in _TOPIC_BY_VENDOR), "cpu-vs-cuda"
            )
            self.show_explanation(topic)
        if state.setup_error:
            self.set_status(state.setup_error)

    def _sections(self) -> tuple[str, list[str]]:
        """The project, the machine, what it means for PyTorch and the catalog: the lines of
        each, a blank line between them, and each line's style."""
        state = self.state
        heading = "bold $text-primary"
        sections: list[tuple[str, list[str]]] = [(project_line(state), ["$foreground-muted"])]
        if state.hardware_error:
            sections.append((state.hardware_error, ["$text-error"]))
        elif state.profiles is None:
            sections.append(("… detecting this machine's hardware", ["$foreground-muted"]))
        else:
            from wizard.commands.detect import format_profile

            title = (
                "This machine"
                if not self.wizard.settings.hardware
                else (
                    "The machine in the profile"
                    if len(state.profiles) == 1
                    else "The machines in the profiles"
                )
            )
            text = "\n\n".join(
                format_profile(p, state.detect_notes if i == 0 else ())
                for i, p in enumerate(state.profiles)
            )
            sections.append((f"{title}\n{text}", [heading]))
        meaning = self._meaning()
        if meaning[0]:
            sections.append(meaning)
        if state.catalog_error:
            sections.append((state.catalog_error, ["$text-error"]))
        elif state.catalog is None:
            where = (
                "the bundled catalog"
                if self.wizard.settings.offline
                else state.catalog_index_base()
            )
            sections.append((f"… reading what PyTorch publishes ({where})", ["$foreground-muted"]))
        else:
            lines = [
                "PyTorch catalog",
                f"Newest release: torch {state.catalog.newest().latest}",
                *state.catalog.notes,
            ]
            sections.append(("\n".join(lines), [heading]))
        texts: list[str] = []
        styles: list[str] = []
        for text, section_styles in sections:
            if texts:
                styles.append("")  # the blank line between sections
            count = text.count("\n") + 1
            styles += (section_styles + [""] * count)[:count]
            texts.append(text)
        return "\n\n".join(texts), styles

    def _meaning(self) -> tuple[str, list[str]]:
        """The core's recommendation for each target, as lines and their styles."""
        state = self.state
        if not state.ready:
            return "", []
        lines, styles = ["What it means for PyTorch"], ["bold $text-primary"]
        for who, rec in self._for_each_machine():
            build = "PyPI's build" if rec.backend == "default" else f"the {rec.backend} build"
            torch = f" of torch {rec.torch}" if rec.torch else ""
            lines.append(f"★ {who}: {build}{torch}")
            styles.append("bold $text-success")
            for reason in rec.reasons:
                lines.append(f"  - {reason}")
                styles.append("")
            for way in rec.ways_out_in_wizard:
                lines.append(f"  › {way}")
                styles.append("$text-warning")
            for warning in rec.warnings:
                lines.append(f"  ! {warning}")
                styles.append("$text-warning")
        from wizard.session import fleet_note

        assert state.facts is not None and state.choices is not None  # state.ready
        fleet = fleet_note(state.facts, state.choices)
        if fleet:  # the lines above are the first machine's; the others need other builds
            lines.append(f"★ {fleet}")
            styles.append("bold $text-success")
        return "\n".join(lines), styles

    def _for_each_machine(self) -> list[tuple[str, Recommendation]]:
        from wizard.session import what_each_gets

        state = self.state
        assert state.facts is not None and state.choices is not None
        return what_each_gets(state.facts, state.choices, state.recommendations())

    def action_next(self) -> None:
        state = self.state
        if state.failed:
            self.notify(state.failed, title="Cannot go on", severity="error")
            return
        if not state.ready:
            self.waiting_to_advance = True
            self.set_status("Going on as soon as detection finishes…")
            return
        super().action_next()
