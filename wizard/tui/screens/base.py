"""The small base every step stands on: crumb, title, body, explanation panel, buttons, footer.

Next pushes the following step, Back and Escape pop this one; answers live in the app's
WizardState, so popping never loses them. The Back and Next buttons show exactly what Escape
and Enter do: a key the step refuses has no button (`offers`), and a button is named after
its key (`describe_back`, `describe_next`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from wizard.steps import STEPS
from wizard.tui.messages import StateChanged
from wizard.tui.widgets.crumb import Crumb
from wizard.tui.widgets.explain_panel import ExplainPanel
from wizard.tui.widgets.keys import KeyBar, StepButton

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp
    from wizard.tui.state import WizardState

MIN_WIDTH, MIN_HEIGHT = 80, 24
WIDE = 100  # from this width the explanation sits beside the choices by default
BACK_TO_STEP = "Back to the step"  # what ? and Escape do while the explanation covers the step


class StepScreen(Screen[None]):
    """One step of the wizard. Subclasses set STEP and HEADING and compose the body."""

    STEP: ClassVar[str] = ""
    HEADING: ClassVar[str] = ""
    EXPLAIN_BY_DEFAULT: ClassVar[bool] = True  # the panel beside the body on a wide terminal
    NEXT_LABEL: ClassVar[str] = "Next"
    TOPIC: ClassVar[str | None] = None

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next"),
        Binding("escape", "back", "Back"),
        Binding("question_mark,f1", "toggle_explain", "Explain", key_display="?"),
        Binding("q", "app.quit_wizard", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__(id=f"step-{self.STEP.lower()}")
        self._back_label = "Back"  # what Escape does when the explanation does not cover the step
        self._labels: tuple[str, str] = ("Back", "Explain")  # Escape's and ?'s, as shown

    @property
    def wizard(self) -> WizardApp:
        from wizard.tui.app import WizardApp

        assert isinstance(self.app, WizardApp)
        return self.app

    @property
    def state(self) -> WizardState:
        return self.wizard.state

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The size classes are set before the widgets exist: setting them later restyles all.
        self._fit_classes(self.app.size.width, self.app.size.height)
        yield Crumb(self.STEP, id="crumb")
        number = STEPS.index(self.STEP) + 1
        yield Static(
            f"Step {number} of {len(STEPS)} · {self.heading()}", id="heading", markup=False
        )
        with Horizontal(id="main"):
            with VerticalScroll(id="body"):
                yield from self.compose_body()
            yield ExplainPanel(id="explain")
        with Horizontal(id="buttons"):
            yield StepButton("Back", id="back")
            yield Static(id="status", markup=False)
            yield StepButton(self.NEXT_LABEL, primary=True, id="next")
        yield KeyBar()
        if self.has_class("-too-small"):
            yield Static(id="too-small", markup=False)  # else mounted when it is needed

    def heading(self) -> str:
        return self.HEADING

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO: subclasses use step_mounted.
        self._fit(self.app.size.width, self.app.size.height)
        self.show_explanation(self.TOPIC)
        self.step_mounted()
        if self.has_class("-too-small"):
            self._fit(self.app.size.width, self.app.size.height)  # what it focused waits
        self.refresh_bindings()  # the buttons follow what step_mounted set up

    def step_mounted(self) -> None:
        """What a step does once its widgets are there (focus, first content)."""

    def on_screen_resume(self) -> None:
        # Every message (a wrong answer, "cannot go on") is about the step it was shown on.
        self.app.clear_notifications()
        self._fit(self.app.size.width, self.app.size.height)
        self.refresh_bindings()

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Too small, only the size message shows: no key may act on the hidden step
        # (Enter on Review would write the files); q and Ctrl+C still quit.
        if self.has_class("-too-small"):
            return False
        return self._allowed(action)

    def _allowed(self, action: str) -> bool | None:
        if action == "back" and self.explanation_covers() and self.escape_closes_explanation():
            return True  # Escape returns to the step
        return self.offers(action)

    def offers(self, action: str) -> bool | None:
        """Whether the step offers `action` ("next", "back") now: False hides its key in the
        key line and its button; None shows both dimmed. Subclasses add their conditions."""
        if action == "back" and self.STEP == STEPS[0]:
            return False  # nothing before the first step: no "esc Back", no Back button
        return True

    def refresh_bindings(self) -> None:
        super().refresh_bindings()
        self.sync_buttons()

    def sync_buttons(self) -> None:
        """Show the Back and Next buttons only when their keys act, disabled when the key
        line shows the key dimmed: a button never offers what its key refuses."""
        buttons = self.query("#buttons StepButton")
        if not buttons:
            return  # not composed yet
        moved = False
        for button in buttons.results(StepButton):
            allowed = self._allowed("back" if button.id == "back" else "next")
            shown = allowed is not False
            button.display = shown
            button.disabled = allowed is None
            moved = moved or (button.has_focus and not shown)
        if moved and self.is_current:  # the focus leaves a button that went away
            self.set_focus(None)
            self.focus_next()

    def _fit(self, width: int, height: int) -> None:
        """Too small: one readable sentence instead of a squashed wizard, and no key acts on
        the hidden widgets (the focus is put back when the terminal is large enough)."""
        was_small = self.has_class("-too-small")
        small = self._fit_classes(width, height)
        if small and self.focused is not None:
            self._focus_before_small = self.focused
            self.set_focus(None)
        elif was_small and not small:
            before = getattr(self, "_focus_before_small", None)
            if before is not None and before.is_attached:
                before.focus()
        if small != was_small:
            self.refresh_bindings()
        self._show_labels()
        if small:
            if not self.query("#too-small"):
                self.mount(Static(id="too-small", markup=False))
            self.query_one("#too-small", Static).update(
                f"Make the terminal at least {MIN_WIDTH}x{MIN_HEIGHT} "
                f"(it is {width}x{height} now).\n\nq quits; nothing has been written."
                if not self.state.written
                else f"Make the terminal at least {MIN_WIDTH}x{MIN_HEIGHT} "
                f"(it is {width}x{height} now)."
            )

    def _fit_classes(self, width: int, height: int) -> bool:
        """Set the classes the layout follows; True when the terminal is too small."""
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        self.set_class(self.wizard.explain_visible(width, self.EXPLAIN_BY_DEFAULT), "-show-explain")
        self.set_class(width < WIDE, "-narrow")
        return small

    # --- explanation panel ----------------------------------------------------------------

    def show_explanation(self, topic: str | None, notes: tuple[str, ...] = ()) -> None:
        self.query_one(ExplainPanel).show_topic(topic, notes)

    def explanation_covers(self) -> bool:
        """On a narrow terminal the explanation, when shown, takes the step's place."""
        return self.has_class("-narrow") and self.has_class("-show-explain")

    def escape_closes_explanation(self) -> bool:
        """Whether Escape, while the explanation covers the step, returns to the step (Lock
        says no while uv works: Escape stops it)."""
        return True

    def _show_labels(self) -> None:
        """Name Escape and ? in the key line (and on the Back button) for what they do now:
        with the explanation covering the step both return to it."""
        covers = self.explanation_covers()
        back = BACK_TO_STEP if covers and self.escape_closes_explanation() else self._back_label
        labels = (back, BACK_TO_STEP if covers else "Explain")
        if labels == self._labels:
            return
        self._labels = labels
        self._describe_action("back", labels[0])
        self._describe_action("toggle_explain", labels[1])
        self.query_one("#back", StepButton).label = labels[0]
        self.refresh_bindings()

    def action_toggle_explain(self) -> None:
        self.wizard.toggle_explanation(self.EXPLAIN_BY_DEFAULT)
        shown = self.wizard.explain_visible(self.app.size.width, self.EXPLAIN_BY_DEFAULT)
        self.set_class(shown, "-show-explain")
        self._show_labels()
        panel = self.query_one(ExplainPanel)
        if shown and self.has_class("-narrow"):
            # the panel covers the choices: keys scroll it, not a list nobody sees
            self._focus_before_panel = self.focused
            panel.focus()
        elif not shown and self.focused is panel:
            before = getattr(self, "_focus_before_panel", None)
            if before is not None and before.is_attached:
                before.focus()
            else:
                self.focus_next()

    # --- navigation -----------------------------------------------------------------------

    def action_next(self) -> None:
        """Accept what is shown and go on (subclasses check first)."""
        self.wizard.advance(self.STEP)

    def action_back(self) -> None:
        """Escape or the Back button: back to the step from the explanation covering it,
        else to the step before."""
        if self.explanation_covers() and self.escape_closes_explanation():
            self.action_toggle_explain()
            return
        self.back()

    def back(self) -> None:
        self.wizard.go_back()

    @on(StepButton.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(StepButton.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    def describe_next(self, label: str) -> None:
        """Name what Enter does here, on the Next button and in the footer."""
        self._describe_action("next", label)
        self.query_one("#next", StepButton).label = label
        self.refresh_bindings()

    def describe_back(self, label: str) -> None:
        """Name what Escape does here, on the Back button and in the footer."""
        self._back_label = label
        self._show_labels()

    def _describe_action(self, action: str, label: str) -> None:
        # Bindings are copied per screen instance, so this changes only this screen's footer.
        key_to_bindings = self._bindings.key_to_bindings
        for key, bindings in key_to_bindings.items():
            key_to_bindings[key] = [
                replace(b, description=label) if b.action == action else b for b in bindings
            ]

    def set_status(self, text: str, *, warning: bool = False) -> None:
        """The line between the buttons; a warning (why Enter did not go on) stands out."""
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(warning, "-warning")

    def on_state_changed(self, message: StateChanged) -> None:
        """Facts arrived or answers changed elsewhere."""
