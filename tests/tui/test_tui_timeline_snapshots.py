"""Snapshots of the timeline features at exact virtual times: the lanes for the lesson's bombs under
each strategy, the restart budget's gauge near its limit and at the give-up, predict mode scoring a
right and a wrong prediction, and compare mode.

Update after a deliberate change with ``pytest tests/tui --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from suptui.tui.comparescreen import CompareView
from suptui.tui.predictdraft import CRASH, GIVE_UP, RESTART
from suptui.tui.predictgrid import PredictGrid

from tests.support.tui import SIZE, advance, events, press, select, settle

# ---------------------------------------------------------------------------- lanes


@pytest.mark.parametrize(("tree", "t_ms"), [
    ("bombs", 5500),             # one_for_one: each crash restarts only its bomb; 4/5 used
    ("bombs_one_for_all", 6500),  # bomb1's crash stops and restarts all three, in one column
    ("bombs_reordered", 7500),    # rest_for_one, bomb3 first: at 5 s it takes bomb1 and bomb2 along
], ids=["one_for_one", "one_for_all", "rest_for_one"])
def test_lanes_beside_the_tree(snap_compare, app_factory, tree, t_ms) -> None:
    async def before(pilot: Pilot) -> None:
        await press(pilot, "t")
        await advance(pilot, t_ms)

    assert snap_compare(app_factory(tree), terminal_size=SIZE, run_before=before)


def test_gauge_near_the_limit(snap_compare, app_factory) -> None:
    """Full screen, t = 5.500, k on bomb3: a kill mark, and root's window is full: 5/5, the next
    restart inside it is one too many."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 5500)
        await select(pilot, "root/bomb3")
        await press(pilot, "k", "T")
        await settle(pilot)

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


def test_gauge_at_give_up(snap_compare, app_factory) -> None:
    """Full screen, t = 6.000: the sixth restart in 5 s; root's lane ends with the give-up mark, 6/5."""

    async def before(pilot: Pilot) -> None:
        await press(pilot, "T")
        await advance(pilot, 6000)

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


# ---------------------------------------------------------------------------- predict

LESSON_LIST = [("bomb1", 2, CRASH), ("bomb2", 3, CRASH), ("bomb1", 4, CRASH), ("bomb3", 5, CRASH)]
"""The lesson's one_for_one list, silent about 6 s."""
AT_SIX = [("bomb2", 6, CRASH), ("bomb1", 6, CRASH), ("bomb1", 6, RESTART), ("root", 6, GIVE_UP)]
"""…then at 6 s: bomb2 crashes (and is restarted), bomb1 crashes for good, root gives up."""


@pytest.mark.parametrize("marks", [LESSON_LIST + AT_SIX, LESSON_LIST], ids=["right", "wrong"])
def test_predict_scored(snap_compare, app_factory, marks) -> None:
    """``suptui bombs --predict``: the grid at t = 0, then Enter and the run to 11 s. All right; or the
    lesson's list, which misses the 6 s give-up. (The marks go straight into the grid: the keys that
    make them are tested one by one in test_tui_timeline_keys.)"""

    async def before(pilot: Pilot) -> None:
        await settle(pilot)
        grid = pilot.app.screen.query_one(PredictGrid)
        for name, second, kind in marks:
            grid.draft.toggle("root" if name == "root" else f"root/{name}", second, kind)
        await press(pilot, "enter")
        await advance(pilot, 11_000)

    app = app_factory("bombs", predict=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
    assert app.live.time.paused and app.live.clock.now_ms() == 11_000


# ---------------------------------------------------------------------------- compare


def test_compare_strategies(snap_compare, app_factory) -> None:
    """c on the reordered bombs at t = 1 s: one_for_one gives up at 6 s, one_for_all never lets bomb3
    explode, rest_for_one restarts bomb1 and bomb2 when bomb3 explodes at 5 s. Zooming out to 20 s
    runs them again; back to 10 s, the same picture. The live run is not touched."""
    seen: dict[str, object] = {}

    async def before(pilot: Pilot) -> None:
        app = pilot.app
        await advance(pilot, 1000)
        seen["events"] = len(events(app))
        await press(pilot, "c")
        await settle(pilot)
        view = app.screen.query_one(CompareView)
        seen["first"] = (view.until, [(run.strategy, run.as_written) for run in view.runs])
        await press(pilot, "greater_than_sign")  # 20 s: more than was run, so it runs again
        await settle(pilot)
        await press(pilot, "less_than_sign")  # back to 10 s: no new runs, the same picture
        seen["zoomed"] = (view.until, view.span_ms)

    app = app_factory("bombs_reordered")
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
    assert seen["first"] == (10_000, [("one_for_one", False), ("one_for_all", False), ("rest_for_one", True)])
    assert seen["zoomed"] == (20_000, 10_000)
    assert len(events(app)) == seen["events"] and app.live.clock.now_ms() == 1000
