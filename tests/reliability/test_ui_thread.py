"""The app never runs a worker's code on its UI thread, and never waits on it (issue 11, class 6).

The details pane and the predict grid show what a worker says about its state (``describe_state``).
A worker whose description blocks must not freeze the app, and one whose description raises
``SystemExit`` must not end it: the question goes to the process's own thread, the pane shows the
last answer (or ``…``) meanwhile, and ``(no answer: busy)`` once the time limit has passed.

These tests never call ``wait_idle`` while the slow worker is busy (it would wait for it): they let
the app run and read what it shows.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from suptui.tui.app import SuptuiApp
from suptui.tui.describe import BUSY, WAITING
from suptui.tui.predictgrid import PredictGrid
from suptui.tui.predictscreen import PredictScreen

from tests.support.tui import advance, settle

WORKERS = '''
import threading
import time

from suptui.engine import Actor

CALLED_ON = []
SLEPT = []


class SlowToDescribe(Actor):
    def describe_state(self):
        CALLED_ON.append(threading.current_thread().name)
        time.sleep(10)
        SLEPT.append(True)
        return "finally"


class ExitsWhenDescribed(Actor):
    def describe_state(self):
        CALLED_ON.append(threading.current_thread().name)
        raise SystemExit(0)
'''

TREE = '''\
max_restarts = 100
[[children]]
id = "slow"
worker = "describers:SlowToDescribe"
[[children]]
id = "other"
worker = "sleeper"
[[children]]
id = "quits"
worker = "describers:ExitsWhenDescribed"
'''


def tree_file(tmp_path: Path) -> str:
    (tmp_path / "describers.py").write_text(WORKERS)
    source = tmp_path / "describers.toml"
    source.write_text(TREE)
    return str(source)


def details_text(app: SuptuiApp) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.query_one("#details-text", Static).content)
    return console.export_text()


async def wait_until(pilot, check: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Let the app run (its own 30 Hz drain included) until ``check()`` holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            return False
        await pilot.pause(0.01)
    return True


def called_on() -> list[str]:
    import describers  # the tree's worker module, imported by the loader from tmp_path

    return describers.CALLED_ON


def slept() -> bool:
    """The slow description has returned (10 s after it was first asked)."""
    import describers

    return bool(describers.SLEPT)


async def test_a_worker_whose_description_blocks_does_not_freeze_the_app(tmp_path: Path, app_factory) -> None:
    app = app_factory(tree_file(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await advance(pilot, 10)
        app.select_node("root/slow")
        await pilot.pause()
        assert f"state     {WAITING}" in details_text(app)  # asked; nothing known yet
        for _ in range(25):  # off the slow worker and back onto it: each landing redraws the pane
            await pilot.press("down")
            assert app.tree_view.cursor_path == "root/other"
            await pilot.press("up")
            assert app.tree_view.cursor_path == "root/slow"
        # All 50 keys were handled while the description was still asleep: the UI never waited on
        # it (even a bounded 0.5 s wait per landing would have taken longer than its 10 s).
        assert not slept()
        assert await wait_until(pilot, lambda: f"state     {BUSY}" in details_text(app)), details_text(app)
        await pilot.press("space")
        assert await wait_until(pilot, lambda: "PAUSED" in app.status_text)
        assert threading.main_thread().name not in called_on()
        assert app.is_running


async def test_a_worker_whose_description_raises_system_exit_does_not_end_the_app(
        tmp_path: Path, app_factory) -> None:
    app = app_factory(tree_file(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await advance(pilot, 10)
        app.select_node("root/quits")
        failed = "state     (describe_state failed"
        assert await wait_until(pilot, lambda: failed in details_text(app)), details_text(app)
        assert app.is_running
        assert called_on() and threading.main_thread().name not in called_on()
        await pilot.press("up", "down")  # asked again on landing: the same answer, still running
        assert app.is_running and app.tree_view.cursor_path == "root/quits"
        assert await wait_until(pilot, lambda: len(called_on()) >= 2)
        assert app.is_running and failed in details_text(app)
        await pilot.press("q")
    assert app.return_value == 0


async def test_the_predict_grid_opens_with_a_busy_worker_marked_busy(tmp_path: Path, app_factory) -> None:
    app = app_factory(tree_file(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PredictScreen)
                                and bool(app.screen.query(PredictGrid)))  # pushed, then composed
        timers = {row.path: row.timer for row in app.screen.query_one(PredictGrid).draft.rows}
        assert timers["root/slow"] == BUSY
        assert timers["root/other"] != BUSY  # a built-in worker answers at once
        assert timers["root/quits"].startswith("(describe_state failed")
        assert app.is_running
