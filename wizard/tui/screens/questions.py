"""A step made of the core's questions (Targets, Accelerators, Packages).

The questions come from wizard.questions for this step, in order; each answer goes back through
`questions.answer`, and the step re-reads its questions (switching to selectable builds
replaces the per-platform questions with the variants one).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from wizard.errors import BadInput
from wizard.questions import Question, recommendation_notes
from wizard.tui.messages import StateChanged
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.choice_list import ChoiceList
from wizard.tui.widgets.question_view import QuestionView

FIX_FIRST = "Fix this answer first (see the message under it)"


class QuestionsScreen(StepScreen):
    INTRO = ""

    def __init__(self) -> None:
        super().__init__()
        self._warned = False  # Enter said "Fix this answer first"; it goes with the error

    def compose_body(self) -> ComposeResult:
        if self.INTRO:
            yield Static(self.INTRO, id="intro", markup=False)
        for q in self.state.questions_for(self.STEP):
            yield QuestionView(q, q.default)

    def step_mounted(self) -> None:
        views = list(self.query(QuestionView))
        if views:
            views[0].choice_list.focus()
            self._explain(views[0].question)

    # --- answers --------------------------------------------------------------------------

    @on(ChoiceList.Changed)
    async def _answered(self, event: ChoiceList.Changed) -> None:
        view = next(a for a in event.choice_list.ancestors if isinstance(a, QuestionView))
        try:
            self.state.answer(view.question, event.values)
        except BadInput as exc:
            view.set_error(str(exc))
            return
        view.set_error(None)
        await self._refresh_questions(keep_focus=view.question.key)
        self._withdraw_warning()

    def _withdraw_warning(self) -> None:
        """Every answer is acceptable again: the warning Enter raised about one goes."""
        if self._warned and not any(v.error for v in self.query(QuestionView)):
            self._warned = False
            self.set_status("")

    async def _refresh_questions(self, keep_focus: str | None = None) -> None:
        """Show the questions as they are now; rebuild if the set of questions changed."""
        fresh = self.state.questions_for(self.STEP)
        views = list(self.query(QuestionView))
        if [q.key for q in fresh] == [v.question.key for v in views]:
            for q, v in zip(fresh, views, strict=True):
                if v.error is None:
                    v.show(q, q.default)
            return
        body = self.query_one("#body")
        await body.remove_children(QuestionView)
        await body.mount_all(QuestionView(q, q.default) for q in fresh)
        for v in self.query(QuestionView):
            if v.question.key == keep_focus:
                v.choice_list.focus()
        self._withdraw_warning()  # the wrong question may have gone (variants → markers)

    def on_state_changed(self, message: StateChanged) -> None:
        self.run_worker(self._refresh_questions(), exclusive=True, group="refresh")

    # --- explanation follows the focus ----------------------------------------------------

    @on(ChoiceList.Focused)
    def _focused(self, event: ChoiceList.Focused) -> None:
        self._explain(event.choice_list.question)

    def _explain(self, question: Question) -> None:
        self.show_explanation(question.topic, self._notes(question))

    def _notes(self, question: Question) -> tuple[str, ...]:
        """What the recommendation found on this machine, for a build question."""
        if not question.key.startswith("backend:") or not self.state.ready:
            return ()
        return recommendation_notes(question, self.state.recommendations())

    # --- next -----------------------------------------------------------------------------

    def action_next(self) -> None:
        invalid = [v for v in self.query(QuestionView) if v.error]
        if invalid:
            # The answer's own message says what is wrong, under the list: bring it into view
            # and say why Enter did not go on beside the buttons (a toast would repeat the
            # message over it on a small terminal).
            invalid[0].choice_list.focus()
            invalid[0].query_one(".question-error").scroll_visible(animate=False)
            self.set_status(FIX_FIRST, warning=True)
            self._warned = True
            return
        super().action_next()
