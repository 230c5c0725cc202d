"""`torch-wizard --plain`: the wizard's questions as step-by-step prompts (questionary).

This module decides nothing. The questions, their order, defaults and validation come from
`wizard.questions`; the facts, plan, diff and the single write from `wizard.session`. Here they
are only rendered, answered and printed. Textual is never imported.

The flow talks to the person through an `Asker`, so tests answer programmatically and the
terminal gets `QuestionaryAsker`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from wizard.errors import BadInput
from wizard.questions import STEPS, Option, Question, answer, questions, recommendation_notes
from wizard.wrap import hanging_wrap

if TYPE_CHECKING:
    import questionary

    from wizard.migrate import Migration, RequirementsFile
    from wizard.plan import Choices
    from wizard.project import ExistingSetup
    from wizard.recommend import Recommendation
    from wizard.session import Applied, Facts, Prepared

EXPLAIN = "?"  # the answer that asks for the question's explanation
EXPLAIN_TITLE = "Explain this question…"
NO_CHANGES = "No changes were made."


class Say(Protocol):
    """Print a text, wrapped at words for the terminal (`raw`: as it is, e.g. a diff that is
    to be copied)."""

    def __call__(self, text: str = "", raw: bool = False) -> None: ...


class Asker(Protocol):
    """Whoever answers the questions: a person at a terminal, or a test."""

    def select(self, question: Question) -> list[str]:
        """The chosen option values (one for "select"), or [EXPLAIN] (possibly with others).

        Raises KeyboardInterrupt when the person gives up (Ctrl+C).
        """
        ...

    def confirm(self, text: str, default: bool) -> bool: ...


# --------------------------------------------------------------------------------------
# Rendering a Question for questionary


@dataclass(frozen=True)
class Shown:
    """One option as the prompt shows it."""

    value: str
    title: str
    description: str | None
    checked: bool  # pre-selected: the default


@dataclass(frozen=True)
class Prompt:
    """Everything questionary is given for one question (what the person sees)."""

    kind: str  # "select" or "checkbox"
    message: str
    instruction: str  # the question's help under it, then the keys
    options: tuple[Shown, ...]  # the question's options, in order; the Explain entry follows
    default: str | None  # select: the option the pointer starts on

    @property
    def defaults(self) -> tuple[str, ...]:
        if self.kind == "select":
            return () if self.default is None else (self.default,)
        return tuple(o.value for o in self.options if o.checked)


def option_title(option: Option) -> str:
    """The label with ★ for the recommendation and ✗ plus the reason when it does not fit."""
    title = option.label
    if option.recommended:
        title += "  ★ recommended"
    if not option.fits:
        title += f"  ✗ {option.detail}" if option.detail else "  ✗ does not fit this machine"
    return title


_DESCRIPTION = len("  Description: ")  # questionary's prefix of the highlighted choice's detail


def _shown(option: Option, checked: bool, width: int) -> Shown:
    """A choice as questionary draws it. Its lines do not wrap, so a title too long for the
    terminal ends in '…' and its rest shows under the list while the choice is highlighted,
    where the detail is wrapped by hand under its first line."""
    title = option_title(option)
    description = _description(option)
    room = max(width - 6, 30)  # questionary's pointer and tick box come first
    if len(title) > room:
        cut = title[: room - 1]
        cut = (cut[: cut.rfind(" ")] if " " in cut[len(option.label) // 2 :] else cut).rstrip()
        if "  ✗ " in cut:  # the label fits; its reason is shown whole under the list
            description = option.detail
        else:
            description = "; ".join(t for t in (title, description) if t)
        title = cut + "…"
    if description:
        lines = textwrap.wrap(
            description,
            max(width - 1, 30),
            initial_indent=" " * _DESCRIPTION,
            subsequent_indent=" " * _DESCRIPTION,
            break_long_words=False,
        )
        description = "\n".join(lines)[_DESCRIPTION:]
    return Shown(option.value, title, description, checked)


def _description(option: Option) -> str | None:
    """The detail of a fitting option, shown under the list while it is highlighted."""
    if not option.fits or not option.detail:
        return None  # a misfit's reason is in its title
    if option.recommended and option.detail == "recommended":
        return None  # the star says it already
    return option.detail


def render_question(question: Question, width: int = 80) -> Prompt:
    """The prompt for a question: title, help, options with their marks, the default."""
    multi = question.kind == "multi"
    keys = ("space ticks, Enter accepts" if multi else "arrows move, Enter accepts") + (
        f"; “{EXPLAIN_TITLE}” explains"
    )
    help_lines = textwrap.wrap(
        question.help, width=max(width - 4, 30), initial_indent="  ", subsequent_indent="  "
    )
    key_lines = textwrap.wrap(
        f"({keys})", width=max(width - 4, 30), initial_indent="  ", subsequent_indent="   "
    )
    instruction = "\n".join(["", *help_lines, *key_lines])
    defaults = set(question.default)
    options = tuple(_shown(o, multi and o.value in defaults, width) for o in question.options)
    default = None
    if not multi:
        values = [o.value for o in question.options]
        default = (
            question.default[0]
            if question.default and question.default[0] in values
            else (values[0] if values else None)
        )
    return Prompt("checkbox" if multi else "select", question.title, instruction, options, default)


def questionary_choices(
    prompt: Prompt,
) -> tuple[list[questionary.Choice], questionary.Choice | None]:
    """The questionary Choice list (options, a separator, the Explain entry) and the default."""
    import questionary

    choices: list[questionary.Choice] = [
        questionary.Choice(o.title, value=o.value, checked=o.checked, description=o.description)
        for o in prompt.options
    ]
    default = next((c for c in choices if c.value == prompt.default), None)
    choices += [questionary.Separator(), questionary.Choice(EXPLAIN_TITLE, value=EXPLAIN)]
    return choices, default


def in_default_order(question: Question, ticked: Sequence[str]) -> list[str]:
    """A checkbox reports its ticks in the options' order; keep the order of the answer it
    started from (e.g. `--target` order), so Enter on an unchanged list changes nothing."""
    kept = [v for v in question.default if v in ticked]
    return kept + [v for v in ticked if v not in kept]


def _inquirer_control(q: questionary.Question) -> Any:
    """The list control of a questionary select or checkbox (its choices and answer state)."""
    from questionary.prompts.common import InquirerControl

    return next(
        w.content
        for w in q.application.layout.find_all_windows()
        if isinstance(w.content, InquirerControl)
    )


def explain_is_no_tick(q: questionary.Question) -> None:
    """In a checkbox, the Explain entry is an action, never a tick: Space or Enter on it asks
    for the explanation (the answer is the ticks so far plus EXPLAIN, and the prompt's summary
    line says “Explain this question…” instead of counting it as a selection), and `a` (all) /
    `i` (invert) tick only the question's options."""
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.keys import Keys
    from questionary.prompts.common import Separator

    ic = _inquirer_control(q)
    options = [
        c.value
        for c in ic.choices
        if not isinstance(c, Separator) and not c.disabled and c.value != EXPLAIN
    ]
    bindings = q.application.key_bindings
    assert bindings is not None  # questionary's checkbox always has its own
    on_explain = Condition(lambda: ic.get_pointed_at().value == EXPLAIN)

    # prompt_toolkit calls the binding added last among those that match
    @bindings.add(" ", eager=True, filter=on_explain)
    @bindings.add(Keys.ControlM, eager=True, filter=on_explain)
    def _explain(event: Any) -> None:
        ticked = [v for v in ic.selected_options if v != EXPLAIN]
        ic.selected_options = [EXPLAIN]  # the summary line shows the entry's title, uncounted
        ic.is_answered = True
        event.app.exit(result=[*ticked, EXPLAIN])

    @bindings.add("a", eager=True)
    def _all(event: Any) -> None:
        everything = all(v in ic.selected_options for v in options)
        ic.selected_options = [] if everything else list(options)

    @bindings.add("i", eager=True)
    def _invert(event: Any) -> None:
        ic.selected_options = [v for v in options if v not in ic.selected_options]


def echo_names_the_ticks(q: questionary.Question, labels: Mapping[str, str]) -> None:
    """Once a checkbox is answered, its line names what was ticked (“[Linux x86_64, macOS
    Apple Silicon]”, “[none]”) where questionary says only “done (2 selections)”."""
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.keys import Keys
    from questionary import Choice

    ic = _inquirer_control(q)
    bindings = q.application.key_bindings
    assert bindings is not None
    not_on_explain = Condition(lambda: ic.get_pointed_at().value != EXPLAIN)

    @bindings.add(Keys.ControlM, eager=True, filter=not_on_explain)
    def _accept(event: Any) -> None:
        ticked = [v for v in ic.selected_options if v != EXPLAIN]
        names = ", ".join(labels.get(v, str(v)) for v in ticked) or "none"
        # questionary echoes a single selection as “[its title]”: make the names that one
        ic.choices.append(Choice(names, value=_ECHO))
        ic.selected_options = [_ECHO]
        ic.is_answered = True
        event.app.exit(result=ticked)


_ECHO = "\x00echo"  # the value of the one choice a checkbox's answered line shows


def echo_the_label(q: questionary.Question, labels: Mapping[str, str]) -> None:
    """Once a select is answered, its line shows the option's label ("CUDA 13.0 (cu130)"),
    not the whole choice line with its marks and reasons (cut at the terminal's edge)."""
    from prompt_toolkit.keys import Keys

    ic = _inquirer_control(q)
    bindings = q.application.key_bindings
    assert bindings is not None

    @bindings.add(Keys.ControlM, eager=True)
    def _accept(event: Any) -> None:
        choice = ic.get_pointed_at()
        if choice.value in labels:
            choice.title = labels[choice.value]
        ic.is_answered = True
        event.app.exit(result=choice.value)


def _width() -> int:
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


class QuestionaryAsker:
    """Asks at the terminal: `select` for one value, `checkbox` for several.

    `terminal`: prompt_toolkit's `input` / `output` for questionary (tests drive it with a pipe).
    """

    def __init__(self, **terminal: Any) -> None:
        self.terminal = terminal

    def select(self, question: Question) -> list[str]:
        prompt = render_question(question, _width())
        choices, default = questionary_choices(prompt)
        q = self._question(prompt, choices, default, {o.value: o.label for o in question.options})
        result = q.unsafe_ask()
        if result is None:  # questionary's own Ctrl+C handling
            raise KeyboardInterrupt
        return [result] if prompt.kind == "select" else in_default_order(question, result)

    def _question(
        self,
        prompt: Prompt,
        choices: list[questionary.Choice],
        default: questionary.Choice | None,
        labels: Mapping[str, str],
    ) -> questionary.Question:
        import questionary

        if prompt.kind == "select":
            q = questionary.select(
                prompt.message,
                choices,
                default=default,
                instruction=prompt.instruction,
                **self.terminal,
            )
            echo_the_label(q, labels)
            return q
        q = questionary.checkbox(
            prompt.message, choices, instruction=prompt.instruction, **self.terminal
        )
        explain_is_no_tick(q)
        echo_names_the_ticks(q, labels)
        return q

    def confirm(self, text: str, default: bool) -> bool:
        import questionary

        result = questionary.confirm(text, default=default, **self.terminal).unsafe_ask()
        if result is None:
            raise KeyboardInterrupt
        return bool(result)


# --------------------------------------------------------------------------------------
# The flow


def run_prompts(opts: argparse.Namespace) -> int:
    """`torch-wizard --plain` at a terminal."""
    from wizard.cli import interactive_terminal

    if not interactive_terminal():
        raise BadInput(
            "--plain needs a terminal to ask its questions; use --yes with a flag "
            "for every choice instead."
        )
    return run_flow(opts, QuestionaryAsker())


def run_flow(opts: argparse.Namespace, asker: Asker, out: TextIO | None = None) -> int:
    """Ask every question, show the plan and diff, confirm, apply, report."""
    out = out or sys.stdout

    def say(text: str = "", raw: bool = False) -> None:
        print(text if raw else hanging_wrap(text, _width()), file=out, flush=True)

    try:
        facts, choices, migration = _start(opts, say, asker)
        while True:
            choices = ask_questions(facts, choices, asker, say)
            prepared = _prepare(facts, choices, say)
            if prepared is None:  # the answers cannot make a plan: ask again or stop
                if asker.confirm("Change the answers?", True):
                    continue
                say(NO_CHANGES)
                return 2
            go = _review(facts, choices, prepared, opts, asker, say)
            if go is None:
                return 0
            if go:
                applied = _apply(facts, prepared, opts, say)
                if applied is not None:
                    break
                # uv lock failed and both files were put back: the same offer as a "no"
                say()
                if asker.confirm("Change the answers?", True):
                    continue
                say(NO_CHANGES)
                return 1
            if not asker.confirm("Change the answers?", True):
                say(NO_CHANGES)
                return 0
    except KeyboardInterrupt:
        say()
        say(NO_CHANGES)
        return 130
    _step(say, "Done")
    from wizard.report import applied_text, doctor_words
    from wizard.session import machine_extras, recommendations, recommended_here

    here = recommended_here(
        facts, recommendations(facts, prepared.choices), prepared.choices.variants
    )
    machines = machine_extras(facts, prepared.choices, prepared.plan)
    doctor = doctor_words(facts.folder, opts.hardware, len(facts.profiles))
    text = applied_text(
        facts.folder, prepared.plan, applied, not opts.no_lock, here, machines, doctor
    )
    if text:
        say(hanging_wrap(text.lstrip("\n"), _width()))
    if migration is not None:
        from wizard.migrate import deletion_text

        say()
        say(hanging_wrap(deletion_text(migration), _width()))
    return 0


def _step(say: Say, name: str) -> None:
    say()
    say(f"[{STEPS.index(name) + 1}/{len(STEPS)}] {name}")


def _start(
    opts: argparse.Namespace, say: Say, asker: Asker
) -> tuple[Facts, Choices, Migration | None]:
    """Project, hardware and catalog, read once; the migration from `--from` files, or from the
    requirements file chosen at the Project step (shown as `--yes` shows it); the starting
    answers."""
    from wizard.plan import DEFAULT_INDEX_BASE
    from wizard.session import (
        Facts,
        channel_of,
        check_python_flag,
        check_request,
        initial_choices,
        load_catalog,
        load_profiles,
        load_project,
        request_from_options,
    )

    say("torch-wizard: a few questions, then the change to review. Ctrl+C quits without changes.")
    request = request_from_options(opts)
    check_request(request)
    folder = Path(opts.project)
    project, existing = load_project(folder)
    check_python_flag(request, project)
    _step(say, "Project")
    where = folder.resolve()
    if project.exists:
        say(f"  {where / 'pyproject.toml'} (edited in place; comments and other tables stay)")
    else:
        say(f"  {where} (no pyproject.toml yet: a new one will be written)")
    if existing and existing.conflicts_found:
        say(
            "  Note: its hand-written torch setup will be replaced: "
            + "; ".join(existing.conflicts_found)
        )
    files: tuple[RequirementsFile, ...] = ()
    if opts.from_:
        # As `--yes` does: read first (a bad file fails before anything slow); the channel and
        # mirror the files name decide which catalog to read, and the catalog the migration.
        from wizard.migrate import read_requirements

        files = read_requirements([Path(f) for f in opts.from_])
    else:  # the full-screen wizard's Project question, when the folder has requirements files
        files = ask_migration(folder, existing, asker, say)
    if files:
        from wizard.migrate import index_settings

        request = index_settings(request, files)
    profiles = load_profiles(opts.hardware)
    _step(say, "Hardware")
    for p in profiles:
        say(f"  {p.describe()}" + (f"  (from {p.source})" if p.source else ""))
    base = request.index_base or (existing.index_base if existing and existing.index_base else None)
    catalog = load_catalog(opts.offline, base or DEFAULT_INDEX_BASE, channel_of(request, existing))
    for note in catalog.notes:
        say(f"  {note}")
    migration = None
    if files:
        from wizard.migrate import migration_text, plan_migration

        migration = plan_migration(files, catalog, profiles, request, project.data)
        request = migration.request
        say()
        say(migration_text(migration, _width()), raw=True)  # wrapped for its columns
    facts = Facts(folder, project, existing, profiles, catalog)
    choices = initial_choices(facts, request)
    if len(profiles) > 1:  # what each machine gets (one machine: its build question says it)
        _say_each_machine(facts, choices, say)
    return facts, choices, migration


def _say_each_machine(facts: Facts, choices: Choices, say: Say) -> None:
    from wizard.session import recommendations, what_each_gets

    say()
    say("  What it means for PyTorch")
    for who, rec in what_each_gets(facts, choices, recommendations(facts, choices)):
        build = "PyPI's build" if rec.backend == "default" else f"the {rec.backend} build"
        torch = f" of torch {rec.torch}" if rec.torch else ""
        say(f"  ★ {who}: {build}{torch}: {rec.summary}")


def ask_migration(
    folder: Path, existing: ExistingSetup | None, asker: Asker, say: Say
) -> tuple[RequirementsFile, ...]:
    """The Project step's "Migrate from pip?" (the full-screen wizard's question, options and
    default: wizard.requirements_found); the chosen file read as `--from FILE` reads it.

    Nothing is asked without requirements files. A file that cannot be read is said and the
    question asked again (leaving the files alone is always an answer)."""
    from wizard.requirements_found import (
        KEEP,
        NOT_AVAILABLE,
        conda_note,
        find_conda_files,
        migration_question,
        offered_files,
        recommended_file,
        shown_name,
    )

    files = offered_files(folder)
    recommend = recommended_file(files, (), existing)
    question = migration_question(folder, files, recommend, recommend, existing)
    if question is None:
        conda = find_conda_files(folder)
        if conda:  # nothing to ask, but the file is not passed over in silence
            say(f"  Found {conda_note([p.name for p in conda])}")
        return ()
    say(f"  Found {', '.join(shown_name(folder, p) for p in files)}")
    while True:
        values = asker.select(question)
        if EXPLAIN in values:
            from wizard.explain import render, topic_named

            say()
            say(render(topic_named(question.topic), (), width=_width()), raw=True)
            continue
        value = values[0] if values else KEEP
        option = next((o for o in question.options if o.value == value), None)
        if option is None:
            say(f"  {value!r} is not one of the choices.")
            continue
        if value == KEEP:
            return ()
        if not option.fits:
            say(f"  {NOT_AVAILABLE}")
            return ()
        from wizard.errors import WizardError
        from wizard.migrate import read_requirements

        try:
            return read_requirements([Path(value)])
        except WizardError as exc:
            say(f"  {exc.message}" + (f" {exc.hint}" if exc.hint else ""))
            question = replace(question, default=(KEEP,))


def ask_questions(facts: Facts, choices: Choices, asker: Asker, say: Say) -> Choices:
    """Ask every question of `wizard.questions` in order, recomputing them after each answer.

    The next question is the first one not answered yet, so an answer that changes later
    questions (switching to variants, adding a target) is followed, never skipped.
    """
    from wizard.session import recommendations

    answered: set[str] = set()
    step = None
    while True:
        recs = recommendations(facts, choices)
        pending = [q for q in questions(facts, choices, recs) if q.key not in answered]
        if not pending:
            return choices
        question = pending[0]
        if question.step != step:
            step = question.step
            _step(say, step)
        choices = _ask_one(facts, choices, question, recs, asker, say)
        answered.add(question.key)


def _ask_one(
    facts: Facts,
    choices: Choices,
    question: Question,
    recs: Mapping[str, Recommendation],
    asker: Asker,
    say: Say,
) -> Choices:
    """Ask until the answer is valid; `?` shows the explanation and asks again."""
    from wizard.explain import render, topic_named

    while True:
        values = asker.select(question)
        if EXPLAIN in values:
            say()
            say(
                render(
                    topic_named(question.topic),
                    recommendation_notes(question, recs),
                    width=_width(),
                )
            )
            ticked = tuple(v for v in values if v != EXPLAIN)
            if question.kind == "multi" and ticked:  # ask again with the same ticks
                question = replace(question, default=ticked)
            continue
        try:
            return answer(choices, question, values, facts)
        except BadInput as exc:
            say(f"  {exc.message}" + (f" {exc.hint}" if exc.hint else ""))
            if question.kind == "multi":  # the person unticks what was refused, nothing more
                question = replace(question, default=tuple(values))


def _prepare(facts: Facts, choices: Choices, say: Say) -> Prepared | None:
    from wizard.session import prepare, resolve_auto

    try:
        return prepare(facts, resolve_auto(facts, choices))
    except BadInput as exc:
        from wizard.ways_out import for_screen

        say()
        say(f"These answers cannot be written: {for_screen(exc).text}")
        return None


def _review(
    facts: Facts,
    asked: Choices,
    prepared: Prepared,
    opts: argparse.Namespace,
    asker: Asker,
    say: Say,
) -> bool | None:
    """Show the plan and the diff; True: go ahead, False: not now, None: nothing to ask."""
    from wizard.report import plan_text
    from wizard.session import recommendations

    _step(say, "Review")
    say(
        hanging_wrap(
            plan_text(prepared.plan, recommendations(facts, asked), in_wizard=True), _width()
        )
    )
    say()
    say(
        prepared.diff.rstrip("\n")
        if prepared.diff
        else "pyproject.toml already has this configuration.",
        raw=True,
    )
    if opts.dry_run:
        say()
        say("Dry run: nothing was written.")
        return None
    lock = not opts.no_lock
    lock_missing = lock and not (facts.folder / "uv.lock").exists()
    if not prepared.changed and not lock_missing:
        return True  # apply only reads the lock and reports
    say()
    if prepared.changed:
        question = (
            "Write pyproject.toml and run uv lock?"
            if lock
            else "Write pyproject.toml (without locking)?"
        )
    else:
        question = "Run uv lock?"
    return asker.confirm(question, True)


def _apply(facts: Facts, prepared: Prepared, opts: argparse.Namespace, say: Say) -> Applied | None:
    """Write and lock (the session's single writer), streaming uv's lines; None if it failed."""
    from wizard.session import LockFailed, apply

    lock = not opts.no_lock
    if lock:  # uv lock runs even when pyproject.toml is unchanged (uv.lock may be stale)
        _step(say, "Lock")

    def stream(line: str) -> None:
        say(f"  uv: {line}")

    try:
        return apply(facts, prepared, lock=lock, on_line=stream)
    except LockFailed as exc:
        print(hanging_wrap(f"torch-wizard: {exc.message}", _width()), file=sys.stderr, flush=True)
        return None
