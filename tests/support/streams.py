"""Checks on a whole event stream, shared by the engine and reliability tests."""

from __future__ import annotations

from collections import Counter

from suptui.engine import Event


def check_stream(events: list[Event]) -> None:
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert [e.t for e in events] == sorted(e.t for e in events)
    ends: Counter[str] = Counter()
    ended: set[str] = set()
    for e in events:
        assert e.pid not in ended or e.kind == "zombie", f"event after the end of {e.pid}: {e}"
        if e.kind in ("crash", "exit", "terminate"):
            ends[e.pid] += 1
            ended.add(e.pid)
    starts = Counter(e.pid for e in events if e.kind == "start")
    for pid, count in starts.items():
        assert count == 1
        assert ends[pid] == 1, f"{pid} started but ended {ends[pid]} times"
