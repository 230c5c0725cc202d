"""Text from the core (plans, reasons, reports) wrapped with hanging indents, so a long
reason under a column stays under that column: for the full-screen wizard's widgets and for
the `--plain` prompts alike."""

from __future__ import annotations

import re
import textwrap

# What continuation lines align after: an indent plus a bullet, a label column
# ("Folder   /path"), a short label ("AMD: nothing detected (…)"), or a line number column
# ("  12  torch==2.4.1").
_BULLETS = "-*>•›→✓✗★!"
_LEAD = re.compile(
    rf"^(\s*(?:[{_BULLETS}] |[A-Z][\w ]{{0,14}}?\s{{2,}}|[A-Z]\w{{0,9}}: |\d+\s{{2,}})?)"
)
_SIZE = re.compile(r"(\d) (?=[kMG]?B\b)")  # a number and its unit: "200 MB"
_SOFT = "\x00"  # where a long word may break: removed, with the space after it, once wrapped
_SLASH = re.compile(r"(?<!/)/(?=[^/])")  # a '/' inside a path, not the one in '://'


def breakable(text: str, room: int) -> str:
    """Words wider than `room` (a URL or a path in a narrow pane) may break after a '/', where
    the terminal would cut them at any letter ('…/whl/cp' then 'u'); pass what textwrap
    made of it through `joined`."""
    return " ".join(
        _SLASH.sub("/" + _SOFT + " ", word) if len(word) > room else word
        for word in text.split(" ")
    )


def joined(line: str) -> str:
    """A wrapped line of `breakable` text: the pieces of a word on one line joined again."""
    return line.replace(_SOFT + " ", "").replace(_SOFT, "")


def wrap_line(line: str, width: int) -> list[str]:
    """One line wrapped to `width`; continuation lines align after its indent and bullet.

    A column deeper than a third of the width (the plan's reasons on a narrow screen) moves
    left to a small indent, whether or not the line needs wrapping, so all stay alike; a
    label column (a table's rows) stays where it is, so the rows stay aligned."""
    lead = _LEAD.match(line).group(1)  # type: ignore[union-attr]
    body = line[len(lead) :]
    label = lead.strip()[:1] not in ("", *_BULLETS)  # a table's or a plan's label column
    if len(lead) > width // 3 and not label:
        indent = min(len(lead) - len(lead.lstrip()), 4)
        lead = " " * indent + (lead.strip() + " " if lead.strip() else "")
    line = lead + body
    if len(line) <= width:
        return [line]
    body = _SIZE.sub("\\1\u00a0", body)  # a number keeps its unit: "3 GB"
    body = breakable(body, width - max(len(lead), 4))
    # an indented line without a bullet or label continues a little further in
    hang = len(lead) + (2 if lead and not lead.strip() else 0)
    wrapped = textwrap.wrap(
        body,
        width,
        initial_indent=lead,
        subsequent_indent=" " * hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [lead]
    return [joined(w).replace("\u00a0", " ") for w in wrapped]


def hanging_wrap(text: str, width: int) -> str:
    return "\n".join(w for line in text.split("\n") for w in wrap_line(line, width))
