"""A question as the person sees it: title, one or two lines of help, the options, any error."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wizard.questions import Question
from wizard.tui.widgets.choice_list import ChoiceList


class QuestionView(Vertical):
    DEFAULT_CSS = """
    QuestionView {
        height: auto;
        margin: 0 0 1 0;
    }
    QuestionView > .question-title {
        text-style: bold;
        color: $text-primary;
    }
    QuestionView > .question-help {
        color: $foreground-muted;
    }
    QuestionView > .question-error {
        display: none;
        color: $text-error;
        text-style: bold;
    }
    QuestionView.-invalid > .question-error {
        display: block;
    }
    """

    def __init__(self, question: Question, values: Sequence[str]) -> None:
        super().__init__(id=f"question-{_dom_id(question.key)}", classes="question")
        self.question = question
        self._values = tuple(values)
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        q = self.question
        hint = "  (Space ticks, several allowed)" if q.kind == "multi" else ""
        yield Static(q.title + hint, classes="question-title", markup=False)
        if q.help:
            yield Static(q.help, classes="question-help", markup=False)
        yield ChoiceList(q, self._values, id=f"choices-{_dom_id(q.key)}")
        yield Static("", classes="question-error", markup=False)

    @property
    def choice_list(self) -> ChoiceList:
        return self.query_one(ChoiceList)

    def show(self, question: Question, values: Sequence[str]) -> None:
        self.question = question
        self._values = tuple(values)
        help_widget = self.query(".question-help")
        if help_widget:
            help_widget.first(Static).update(question.help)
        self.choice_list.show(question, values)

    def set_error(self, message: str | None) -> None:
        self.error = message
        self.query_one(".question-error", Static).update(message or "")
        self.set_class(message is not None, "-invalid")


def _dom_id(key: str) -> str:
    """'backend:linux-x86_64' -> 'backend-linux-x86_64' (ids allow letters, digits, - and _)."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in key)
