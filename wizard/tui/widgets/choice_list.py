"""One question's options as a list: arrows move, the highlighted option of a single choice is
the answer, Space (or a click) ticks options of a multiple choice. Enter is left to the screen
(it means Next), so the list never swallows it. Page Up and Page Down scroll the step, as they
do everywhere else: a person reading on must not change a single choice's answer by it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option as ListOption

from wizard.questions import Question

RECOMMENDED = "★ recommended"


def option_prompt(
    question: Question, index: int, chosen: bool, width: int = 76, *, highlighted: bool = False
) -> Content:
    """`(•) CUDA 13.0 (cu130)  ★ recommended` and, below, `✓ why it fits` or `✗ why not`,
    wrapped to `width` under the label. Under the cursor the detail takes the cursor's colours
    (muted or red text on the highlight bar is hard to read); the marks keep the meaning."""
    option = question.options[index]
    if question.kind == "multi":
        mark = "[x]" if chosen else "[ ]"
    else:
        mark = "(•)" if chosen else "( )"
    parts: list[Content | str] = [
        Content.styled(mark, "bold $text-accent" if chosen else "$foreground-muted"),
        " ",
    ]
    # A label too long for the list wraps under itself, not under the mark.
    width = max(width, 30)
    label_lines = textwrap.wrap(
        option.label, width, initial_indent="    ", subsequent_indent="    "
    ) or ["    "]
    last = len(label_lines[-1])  # the first line's mark and space are in its indent
    label_lines[0] = label_lines[0][4:]
    for i, text in enumerate(label_lines):
        parts += ["\n"] if i else []
        parts.append(Content.styled(text, "bold" if chosen else ""))
    if option.recommended:
        star = Content.styled(RECOMMENDED, "" if highlighted else "$text-success")
        fits_after = last + 2 + len(RECOMMENDED) <= width
        parts += ["  " if fits_after else "\n    ", star]
    fitness_matters = any(not o.fits for o in question.options)
    detail = option.detail
    if option.recommended and detail == "recommended":
        detail = ""  # the star says it already
    if not option.fits:
        text, style = f"✗ {detail or 'does not fit this machine'}", "$text-error"
    elif detail:
        text, style = (f"✓ {detail}" if fitness_matters else detail), "$foreground-muted"
    else:
        return Content.assemble(*parts)
    if highlighted:
        style = ""
    hang = "      " if text[:2] in ("✓ ", "✗ ") else "    "
    lines = textwrap.wrap(
        text,
        width,
        initial_indent="    ",
        subsequent_indent=hang,
        break_long_words=False,
        break_on_hyphens=False,
    )
    parts += ["\n", Content.styled("\n".join(lines), style)]
    return Content.assemble(*parts)


class ChoiceList(OptionList, inherit_bindings=False):
    """The options of one `Question`, showing which are chosen, recommended and fitting."""

    BINDINGS = [
        # Shown together in the key line: "↑/↓ Move".
        Binding("up", "cursor_up", "Move"),
        Binding("down", "cursor_down", "Move"),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "scroll_step(1)", "Page Down", show=False),
        Binding("pageup", "scroll_step(-1)", "Page Up", show=False),
        Binding("space", "toggle", "Tick/untick"),
    ]

    class Changed(Message):
        """The person changed the answer (not yet validated)."""

        def __init__(self, choice_list: ChoiceList, values: tuple[str, ...]) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.values = values

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    class Focused(Message):
        """The list got the focus: the explanation panel follows it."""

        def __init__(self, choice_list: ChoiceList) -> None:
            super().__init__()
            self.choice_list = choice_list

    def __init__(self, question: Question, values: Sequence[str], *, id: str | None = None) -> None:
        self.question = question
        self.values: tuple[str, ...] = tuple(values)
        self._shown_width = 0
        super().__init__(id=id)
        self.add_options(self._prompts())

    # --- what is shown ----------------------------------------------------------------------

    def _prompts(self) -> list[ListOption]:
        q = self.question
        return [
            ListOption(
                option_prompt(
                    q, i, o.value in self.values, self._width(), highlighted=i == self.highlighted
                ),
                id=f"option-{i}",
            )
            for i, o in enumerate(q.options)
        ]

    def _width(self) -> int:
        width = self.scrollable_content_region.width if self.is_mounted else 0
        return width or max(self.app.size.width - 6, 30)

    def _show_prompts(self) -> None:
        width = self._shown_width = self._width()
        for i, o in enumerate(self.question.options):
            self.replace_option_prompt_at_index(
                i,
                option_prompt(
                    self.question,
                    i,
                    o.value in self.values,
                    width,
                    highlighted=i == self.highlighted,
                ),
            )

    def on_resize(self) -> None:
        if self._width() != self._shown_width:
            self._show_prompts()

    def _index_of(self, value: str) -> int | None:
        for i, o in enumerate(self.question.options):
            if o.value == value:
                return i
        return None

    def show(self, question: Question, values: Sequence[str]) -> None:
        """Show a new version of the question (its options may have changed)."""
        same_options = [o.value for o in question.options] == [
            o.value for o in self.question.options
        ]
        highlighted = self.highlighted
        self.question = question
        self.values = tuple(values)
        if same_options:
            self._show_prompts()
        else:
            self.set_options(self._prompts())
            highlighted = self._start_index()
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = highlighted

    def _start_index(self) -> int | None:
        if not self.question.options:
            return None
        for v in self.values:
            i = self._index_of(v)
            if i is not None:
                return i
        return 0

    def on_mount(self) -> None:  # OptionList.on_mount runs too (Textual calls both)
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = self._start_index()

    # --- answering --------------------------------------------------------------------------

    def _set_values(self, values: tuple[str, ...]) -> None:
        if values == self.values:
            return
        self.values = values
        self._show_prompts()
        self.post_message(self.Changed(self, values))

    def _toggle(self, index: int) -> None:
        value = self.question.options[index].value
        if value in self.values:
            values = tuple(v for v in self.values if v != value)
        else:  # keep the options' order, whatever order they were ticked in
            wanted = set(self.values) | {value}
            values = tuple(o.value for o in self.question.options if o.value in wanted)
        self._set_values(values)

    def action_toggle(self) -> None:
        if self.highlighted is None:
            return
        if self.question.kind == "multi":
            self._toggle(self.highlighted)
        else:
            self._set_values((self.question.options[self.highlighted].value,))

    def action_scroll_step(self, direction: int) -> None:
        """Page Up/Down: scroll the step's body a page; the cursor and the answer stay."""
        container = self._step_body()
        if container is None:
            return
        if direction > 0:
            container.scroll_page_down(animate=False)
        else:
            container.scroll_page_up(animate=False)

    def _step_body(self) -> ScrollableContainer | None:
        """The scrolling body around the list (the list itself is as tall as its options)."""
        return next((a for a in self.ancestors if isinstance(a, ScrollableContainer)), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle":
            return self.question.kind == "multi"
        return True

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if self._options:
            self._show_prompts()

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._reveal(event.option_index)
        if self.question.kind == "select":
            self._set_values((self.question.options[event.option_index].value,))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.question.kind == "multi":
            self._toggle(event.option_index)
        else:
            self._set_values((self.question.options[event.option_index].value,))

    def _on_focus(self) -> None:
        self.post_message(self.Focused(self))

    def _reveal(self, index: int) -> None:
        """Scroll the step's body so the highlighted option shows (the list itself is not
        scrollable: it is as tall as its options)."""
        container = self._step_body()
        if container is None:
            return
        self._update_lines()
        try:
            y = self._index_to_line[index]
            height = self._heights[index]
        except (KeyError, AttributeError):
            return
        top = self.region.y - container.region.y + int(container.scroll_y)
        container.scroll_to_region(Region(0, top + y, 1, height), animate=False, immediate=True)
