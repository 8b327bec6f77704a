"""The runner: virtual time by default, wall time with ``realtime``; the tree is always shut down."""

from __future__ import annotations

import threading

from suptui.headless import run_headless
from suptui.treefile import load_tree


def test_the_virtual_run_is_instant_and_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    events = run_headless(load_tree("bombs_one_for_all"), 20_000)
    assert events[-1].t == 18_000
    leftover = [t for t in threading.enumerate() if t not in before and t.name.startswith("suptui")]
    assert leftover == []


def test_realtime_follows_the_wall_clock() -> None:
    """Half a second on the wall clock: the starts are in it, bomb1's crash at 2 s is not."""
    events = run_headless(load_tree("bombs"), 500, realtime=True)
    assert [event.path for event in events] == ["root/bomb1", "root/bomb2", "root/bomb3", "root"]
    assert all(event.t < 500 for event in events)
