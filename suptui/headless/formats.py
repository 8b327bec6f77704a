"""The output formats by name: one place for the command line's ``--format`` choices."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..engine import Event
from ..engine.recording import Header
from ..timeline.svg import timeline_svg
from .jsonl import jsonl_lines
from .summary import summary_lines
from .text import text_lines

Formatter = Callable[[Sequence[Event]], list[str]]


def svg_lines(events: Sequence[Event]) -> list[str]:
    """The timeline picture, up to the whole second after the last event (``render`` can set the window)."""
    return timeline_svg(events).splitlines()


FORMATS: dict[str, Formatter] = {
    "text": text_lines,
    "jsonl": jsonl_lines,
    "summary": summary_lines,
    "svg": svg_lines,
}


def render(events: Sequence[Event], fmt: str, *, until: int | None = None, title: str | None = None,
           header: Header | None = None) -> str:
    """The whole output of a run in format ``fmt``: one line per entry, each ending in a newline.

    ``until`` and ``title`` only matter to ``svg``, whose time axis runs from 0 to ``until``;
    ``header`` only to ``jsonl``, which is then a whole recording (its header line first).
    """
    if fmt == "svg":
        return timeline_svg(events, until, title=title)
    if fmt == "jsonl":
        return "".join(line + "\n" for line in jsonl_lines(events, header))
    return "".join(line + "\n" for line in FORMATS[fmt](events))
