"""The same hostile workers in the app (Pilot, manual clock): the app stays up, its log says what
happened, nothing in it is an internal error, and ``q`` still quits with every thread of ours gone
(except the zombies the log reported)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.support import hostile_workers
from tests.support.hostile_cases import CASES, UNTIL
from tests.support.reliability import internal_errors
from tests.support.tui import SIZE, advance, press, select, settle


async def wait_for_log(pilot, text: str, timeout: float = 3.0) -> bool:
    """Some lines come from wall-clock decisions (the watchdog's): drain until one shows."""
    deadline = time.monotonic() + timeout
    while True:
        await settle(pilot)
        if any(text in line.text for line in pilot.app.event_log.lines):
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("name", list(CASES))
async def test_hostile_worker_in_the_app(name: str, tmp_path: Path, tight_runtime, app_factory,
                                         suptui_threads) -> None:
    case = CASES[name]
    app = app_factory(str(case.tree_file(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        if case.kill_when_blocked:
            await advance(pilot, 100)
            assert await asyncio.to_thread(hostile_workers.BLOCKED.wait, 3)
            await select(pilot, "root/h")
            await press(pilot, "k")
            assert await wait_for_log(pilot, "h restarted")
        await advance(pilot, UNTIL)
        if "root/h" in app.model.nodes:
            await select(pilot, "root/h")  # the details pane asks the hostile worker to describe itself
        for text in case.log_says:
            assert await wait_for_log(pilot, text), (text, [line.text for line in app.event_log.lines])
        assert app.is_running
        assert internal_errors(app) == []
        if case.check_engine is not None:
            assert app.live is not None
            case.check_engine(app.live.session)  # the engine agrees (and a killed callback has let go)
        await pilot.press("q")
    assert app.return_value == 0
    zombies = set(hostile_workers.BLOCKED_THREADS)
    assert [t.name for t in suptui_threads() if t.is_alive() and t.name not in zombies] == []
