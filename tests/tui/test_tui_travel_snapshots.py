"""Snapshots of a replay and of a moment in the past: byte-stable, because the recording is a
virtual-clock run and the wall clock is frozen.

Update after a deliberate change with ``pytest tests/tui --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.support.replay import record, settle_replay
from tests.support.tui import SIZE, advance, press


def test_replay_at_the_end(snap_compare, replay_factory) -> None:
    """A recording of bombs to 6.5 s: the REPLAY badge, the root gave up (banner), the log's last lines,
    the lanes beside the tree; nothing runs."""

    async def before(pilot: Pilot) -> None:
        await settle_replay(pilot)
        await pilot.press("t")
        await settle_replay(pilot)

    assert snap_compare(replay_factory(record("bombs", 6500)), terminal_size=SIZE, run_before=before)


def test_replay_a_moment_in_the_past(snap_compare, replay_factory) -> None:
    """g 4: the tree at 4.000 s (bomb1 restarted twice, bomb2 once), the PAST mark, the log's line of
    the moment highlighted and what came after dimmed, the lanes ending at 4 s."""

    async def before(pilot: Pilot) -> None:
        await settle_replay(pilot)
        await pilot.press("t", "g", "4", "enter")
        await settle_replay(pilot)

    assert snap_compare(replay_factory(record("bombs", 6500)), terminal_size=SIZE, run_before=before)


def test_live_run_paused_in_its_past(snap_compare, app_factory) -> None:
    """A live run at 4.5 s, then [ twice: paused, the tree at 2.500 s, the PAST mark of 4.500 s."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 4500)
        await press(pilot, "left_square_bracket", "left_square_bracket")
        await pilot.pause()

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)
