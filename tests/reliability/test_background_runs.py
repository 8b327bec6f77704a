"""Work the app runs off its UI thread (the ``c`` comparison: three headless runs, each with its own
runtime and threads) stops when its screen closes or the app quits, and quitting waits for it:
found by the monkey, which quit with a comparison of big.toml still running on a worker thread."""

from __future__ import annotations

import asyncio
import threading
import time

from suptui.headless import run_headless
from suptui.timeline.geometry import ZOOM_LEVELS_MS
from suptui.treefile import load_tree
from suptui.tui import comparescreen
from suptui.tui.app import SuptuiApp
from suptui.tui.compare import run_strategies

from tests.support.reliability import key_event
from tests.support.tui import SIZE, press


def test_a_cancelled_headless_run_stops_between_timers_and_shuts_down() -> None:
    before = set(threading.enumerate())
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    events = run_headless(load_tree("bombs"), 60_000, cancelled=cancelled)
    assert max(event.t for event in events) < 6000  # the full run goes on to the 6 s give-up
    assert [t for t in set(threading.enumerate()) - before if t.name.startswith("suptui")] == []


def test_cancelled_comparison_runs_come_back_early() -> None:
    assert run_strategies(load_tree("bombs"), 10_000, cancelled=lambda: True) == []
    assert [run.strategy for run in run_strategies(load_tree("bombs"), 10_000)] == [
        "one_for_one", "one_for_all", "rest_for_one"]


async def comparison_running(pilot) -> bool:
    """Type ``c`` with the lanes zoomed out to a minute (a minute of big.toml's restarts takes a while to
    run, three times) and wait (bounded) for its worker thread to be under way. (``pilot.press``
    would wait for the worker to finish.)"""
    app: SuptuiApp = pilot.app
    app.timeline.span_ms = ZOOM_LEVELS_MS[-1]
    assert app._driver is not None
    app._driver.send_message(key_event(app, "c"))
    for _ in range(500):
        if app.background.running:
            return True
        await pilot.pause(0.002)
    return False


async def test_quitting_during_a_comparison_leaves_no_thread_behind(app_factory, suptui_threads) -> None:
    """Escape and q typed at once: the comparison is cancelled, and quitting waits for it to stop."""
    app = app_factory("big")
    async with app.run_test(size=SIZE) as pilot:
        assert await comparison_running(pilot)  # big takes a while: the runs are still going
        assert app._driver is not None
        for key in ("escape", "q"):
            app._driver.send_message(key_event(app, key))
        for _ in range(1000):
            if app.return_value is not None:
                break
            await pilot.pause(0.005)
    assert app.return_value == 0
    assert app.background.running == 0
    assert [t.name for t in suptui_threads() if t.is_alive()] == []


async def test_closing_the_comparison_cancels_its_runs(app_factory, monkeypatch) -> None:
    """A stand-in for the runs that only ends when told to: Escape must tell it."""
    told = threading.Event()

    def runs_until_cancelled(tree, until, seed=0, cancelled=None):
        while not cancelled():
            time.sleep(0.001)
        told.set()
        return []

    monkeypatch.setattr(comparescreen, "run_strategies", runs_until_cancelled)
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        assert await comparison_running(pilot)
        await press(pilot, "escape")
        assert await asyncio.to_thread(told.wait, 5)
        await press(pilot, "q")
    assert app.return_value == 0 and app.background.running == 0
