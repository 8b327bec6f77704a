"""Snapshots of the timeline features at exact virtual times: the lanes for the lesson's bombs under
each strategy, the restart budget's gauge near its limit and at the give-up, predict mode scoring a
right and a wrong prediction, and compare mode.

Update after a deliberate change with ``pytest tests/tui --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from tui_helpers import SIZE, advance, press, select, settle

from suptui.tui.predictdraft import CRASH, GIVE_UP, RESTART
from suptui.tui.predictgrid import PredictGrid

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


async def predict(pilot: Pilot, marks: list[tuple[str, int, str]]) -> None:
    """p, then the marks put straight into the grid (the keys that do it are tested one by one in
    test_tui_timeline_keys; pressing forty of them here would only cost time)."""
    await press(pilot, "p")
    grid = pilot.app.screen.query_one(PredictGrid)
    for name, second, kind in marks:
        grid.draft.toggle("root" if name == "root" else f"root/{name}", second, kind)
    grid.move(4, 3)  # the cursor on bomb3 at 5 s
    await settle(pilot)


def test_predict_grid(snap_compare, app_factory) -> None:
    """p: the tree at t = 0 with its timers, and the lesson's list marked in the grid."""

    async def before(pilot: Pilot) -> None:
        await predict(pilot, LESSON_LIST)

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("marks", [LESSON_LIST + AT_SIX, LESSON_LIST], ids=["right", "wrong"])
def test_predict_scored(snap_compare, app_factory, marks) -> None:
    """Enter, then the run to 11 s: all right; or the lesson's list, which misses the 6 s give-up."""

    async def before(pilot: Pilot) -> None:
        await predict(pilot, marks)
        await press(pilot, "enter")
        await advance(pilot, 11_000)

    app = app_factory("bombs")
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
    assert app.live.time.paused and app.live.clock.now_ms() == 11_000


# ---------------------------------------------------------------------------- compare


def test_compare_strategies(snap_compare, app_factory) -> None:
    """c on the reordered bombs: one_for_one gives up at 6 s, one_for_all never lets bomb3 explode,
    rest_for_one restarts bomb1 and bomb2 when bomb3 explodes at 5 s."""

    async def before(pilot: Pilot) -> None:
        await press(pilot, "c")
        await settle(pilot)

    assert snap_compare(app_factory("bombs_reordered"), terminal_size=SIZE, run_before=before)
