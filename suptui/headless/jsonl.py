"""``--format jsonl``: the event stream as JSON Lines, a stable interface for other programs.

Each line is ``Event.to_dict()`` as is: ``t``, ``event``, ``path``, ``pid`` first, then every field of
the event (tracebacks included). Nothing is renamed or dropped, so the format follows the engine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..engine import Event


def jsonl_lines(events: Sequence[Event]) -> list[str]:
    """One JSON object per event, in stream order.

    ``json.dumps`` defaults (``", "`` and ``": "`` separators, ASCII escapes) keep every line plain
    ASCII; ``default=str`` turns an unexpected value an actor put in its start info into text rather
    than failing the whole run.
    """
    return [jsonl_line(event) for event in events]


def jsonl_line(event: Event) -> str:
    """One event's line (what a streaming run prints as the event happens)."""
    return json.dumps(event.to_dict(), default=str)
