"""The output formats by name: one place for the command line's ``--format`` choices."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..engine import Event
from .jsonl import jsonl_lines
from .summary import summary_lines
from .text import text_lines

Formatter = Callable[[Sequence[Event]], list[str]]

FORMATS: dict[str, Formatter] = {
    "text": text_lines,
    "jsonl": jsonl_lines,
    "summary": summary_lines,
}


def render(events: Sequence[Event], fmt: str) -> str:
    """The whole output of a run in format ``fmt``: one line per entry, each ending in a newline."""
    return "".join(line + "\n" for line in FORMATS[fmt](events))
