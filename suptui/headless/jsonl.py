"""``--format jsonl``: a run as a recording (docs/protocol.md), a stable interface for other programs.

The first line is the recording's header (protocol version, suptui version, title, clock, the tree's
skeleton); then one line per event, ``Event.to_json()`` as is: ``t``, ``event``, ``path``, ``pid``
first, then the kind's own fields (tracebacks included). Nothing is renamed or dropped here, so the
format is the protocol's, and ``suptui replay`` reads it back.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine import Event
from ..engine.recording import Header, event_line


def jsonl_lines(events: Sequence[Event], header: Header | None = None) -> list[str]:
    """The header's line (if given), then one JSON object per event, in stream order (no newlines).

    Every line is plain ASCII (non-ASCII text is escaped), so it survives any pipe or terminal.
    """
    lines = [header.to_json()] if header is not None else []
    lines.extend(jsonl_line(event) for event in events)
    return lines


def jsonl_line(event: Event) -> str:
    """One event's line, without its newline (what a streaming run prints as the event happens)."""
    return event_line(event)[:-1]
