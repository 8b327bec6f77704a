"""Snapshots of the playground at exact virtual times: byte-stable, because only the test moves time.

Update after a deliberate change with ``pytest tests/tui --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.support.tui import SIZE, SMALL, advance, press, select, settle

# ---------------------------------------------------------------------------- the lesson's bombs


def test_bombs_initial(snap_compare, app_factory) -> None:
    """t = 0: three bombs running under one_for_one, the root selected, budget 0/5."""
    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x36", "80x24"])
def test_bombs_first_crash(snap_compare, app_factory, size) -> None:
    """t = 2.000: bomb1 crashed and was restarted alone; it flashes, the budget reads 1/5."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 2000)

    assert snap_compare(app_factory("bombs"), terminal_size=size, run_before=before)


def test_bombs_kill_bomb2(snap_compare, app_factory) -> None:
    """t = 2.500, k on bomb2: a kill line, bomb2 killed, restarted alone (one_for_one)."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 2500)
        await select(pilot, "root/bomb2")
        await press(pilot, "k")

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


def test_bombs_one_for_all_next_crash(snap_compare, app_factory) -> None:
    """2 on the root at t = 0 switches to one_for_all; at 2.000 bomb1's crash restarts all three."""

    async def before(pilot: Pilot) -> None:
        await press(pilot, "2")
        await advance(pilot, 2000)
        await select(pilot, "root/bomb2")

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


def test_bombs_give_up_banner(snap_compare, app_factory) -> None:
    """t = 6.000: the sixth restart in 5 s is one too many; the root gives up, the banner says why."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 6000)

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


# ---------------------------------------------------------------------------- screens and pickers


def test_help_screen(snap_compare, app_factory) -> None:
    """? lists every key by section, from the same bindings as the footer and the palette."""
    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=settle, press=["question_mark"])


def test_exit_reason_picker(snap_compare, app_factory) -> None:
    """x on bomb1 offers the four exit reasons, each with what it means for restart types."""

    async def before(pilot: Pilot) -> None:
        await select(pilot, "root/bomb1")
        await press(pilot, "x")

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


def test_confirm_kill_root(snap_compare, app_factory) -> None:
    """k on the root asks first, with Cancel focused."""

    async def before(pilot: Pilot) -> None:
        await press(pilot, "k")

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


def test_filter(snap_compare, app_factory) -> None:
    """/ bomb2 at t = 3.500 filters the tree and the log together."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 3500)
        await press(pilot, "slash")
        pilot.app.query_one("#filter", Input).cursor_blink = False
        await press(pilot, *"bomb2")

    assert snap_compare(app_factory("bombs"), terminal_size=SIZE, run_before=before)


# ---------------------------------------------------------------------------- other trees


def test_nested_tree(snap_compare, app_factory) -> None:
    """nested at t = 3.000: handlers gave up, web restarted it (one_for_all); metrics kept counting."""

    async def before(pilot: Pilot) -> None:
        await advance(pilot, 3000)
        await select(pilot, "root/metrics")

    assert snap_compare(app_factory("nested"), terminal_size=SIZE, run_before=before)
