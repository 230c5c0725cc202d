"""`torch-wizard explain [TOPIC] [--json]`: the teaching texts, for reading and teaching.

Imports stay light: no hardware detection here. A caller that knows the machine passes
`machine_notes_for` to `explain`, which asks it only for the topic being shown.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TextIO

from wizard.errors import ArgumentParser
from wizard.explain import TOPICS, Topic, render, topic_named

MachineNotesFor = Callable[[str], list[str]]

_PROG = "torch-wizard explain"


def _parser() -> ArgumentParser:
    topics = textwrap.fill("Topics: " + ", ".join(TOPICS) + ".", width=78, break_on_hyphens=False)
    p = ArgumentParser(
        prog=_PROG,
        add_help=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The explanations behind every choice the wizard offers.\n"
        "Without a topic, list the topics.",
        epilog=topics,
    )
    p.add_argument("topic", nargs="?", metavar="TOPIC", help="the topic to show")
    p.add_argument("--json", action="store_true", help="print the topic (or the list) as JSON")
    p.add_argument(
        "--hardware",
        metavar="FILE",
        help="say what the topic means for the machine in this profile (default: this machine)",
    )
    p.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    return p


def run_explain(args: list[str]) -> int:
    """Entry point used by wizard.cli for `torch-wizard explain ...`: notes for this machine."""
    return explain(args, machine_notes_for=_this_machine)


def _profile_notes(path: str) -> MachineNotesFor:
    from wizard.catalog.model import load_bundled
    from wizard.errors import BadInput
    from wizard.hardware.profile import load_profile_list
    from wizard.machine_notes import machine_notes

    profiles = load_profile_list(path)
    if len(profiles) > 1:
        raise BadInput(
            f"{path} holds {len(profiles)} hardware profiles; explain speaks of one machine.",
            "Pass one machine's profile (`torch-wizard detect --json > FILE` on it).",
        )
    profile = profiles[0]
    return lambda topic: machine_notes(topic, profile, load_bundled())


def _this_machine(topic: str) -> list[str]:
    """Facts about the machine the topic depends on (detection is fast; catalog bundled)."""
    from wizard.catalog.model import load_bundled
    from wizard.hardware.detect import detect_hardware
    from wizard.machine_notes import machine_notes

    return machine_notes(topic, detect_hardware(), load_bundled())


def explain(
    args: Sequence[str],
    machine_notes_for: MachineNotesFor | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the command; `machine_notes_for(topic_name)` supplies the "On this machine:" notes."""
    out = sys.stdout if out is None else out
    parser = _parser()
    opts = parser.parse_args(list(args))
    if opts.help:
        out.write(parser.format_help())
        return 0
    if opts.topic is None:
        out.write(_topic_list_json() if opts.json else _topic_list())
        return 0
    topic = topic_named(opts.topic)
    if opts.hardware:
        machine_notes_for = _profile_notes(opts.hardware)
    notes = list(machine_notes_for(topic.name)) if machine_notes_for is not None else []
    if opts.json:
        out.write(_topic_json(topic, notes))
    else:
        out.write(render(topic, notes, width=_width()))
    return 0


def _width() -> int:
    return max(40, min(80, shutil.get_terminal_size((80, 24)).columns))


def _topic_list() -> str:
    column = max(len(name) for name in TOPICS) + 2
    lines = ["Topics (torch-wizard explain TOPIC):", ""]
    lines += [f"  {t.name.ljust(column)}{t.summary}" for t in TOPICS.values()]
    return "\n".join(lines) + "\n"


def _topic_list_json() -> str:
    topics = [{"name": t.name, "title": t.title, "summary": t.summary} for t in TOPICS.values()]
    return json.dumps({"topics": topics}, indent=2, ensure_ascii=False) + "\n"


def _topic_json(topic: Topic, notes: list[str]) -> str:
    data: dict[str, object] = dict(asdict(topic))
    data["sources"] = list(topic.sources)
    data["key_facts"] = list(topic.key_facts)
    data["machine_notes"] = notes
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
