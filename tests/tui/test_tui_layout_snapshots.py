"""Snapshots of the layout's modes (issue 14 items 2, 5, 10): the give-up at 80x24, the lanes with
the details and log below, projector mode, and the light theme.

Update after a deliberate change with ``pytest tests/tui/test_tui_layout_snapshots.py
--snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.support.tui import SIZE, SMALL, advance, press


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x36", "80x24"])
def test_layout_give_up_with_lanes(snap_compare, app_factory, size) -> None:
    """t = 6.000 with lanes: tree and lanes as tall as the tree, details and log below, the give-up
    line wrapped whole; at 80x24 the footer starts with help and quit."""

    async def before(pilot: Pilot) -> None:
        await press(pilot, "t")
        await advance(pilot, 6000)

    assert snap_compare(app_factory("bombs"), terminal_size=size, run_before=before)


def test_layout_projector_crash(snap_compare, app_factory) -> None:
    """Projector mode at t = 4.000: the log first and tallest, crash lines bold reversed, bomb1's
    row flashing."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 4000)

    app = app_factory("bombs")
    app.projector = True
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_layout_light_theme_restarts(snap_compare, app_factory) -> None:
    """textual-light at t = 4.000: restart lines in the theme's warning text colour, readable."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 4000)

    app = app_factory("bombs")
    app.theme = "textual-light"  # before it runs: a theme switched during the run races the snapshot
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
