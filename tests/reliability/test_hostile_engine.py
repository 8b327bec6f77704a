"""Hostile workers against the engine's own machinery (issue: nothing a worker does can freeze,
hijack or silently end suptui): quiescence, the clock, waits, deaths, describe, fork, async.

Each tree is the reliability suite's usual one: a calm ticker (ticks every 100 ms) and the hostile
``h``, under a root that allows 100 restarts a second. The run must end (headless runs are bounded
by ``--until``, stops by a wall-clock bound), ``h``'s fate must be what OTP would make of it, and
the calm ticker must never be touched. Tight runtime limits (``conftest.TIGHT``) keep the wall time
small; nothing here sleeps to let time pass, virtual time is moved by the run itself.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from suptui.engine import Pacer
from suptui.engine.reasons import MAX_TEXT
from suptui.headless.runner import run_headless
from suptui.session import Session
from suptui.treefile import load_tree

from tests.support import hostile_engine_workers as workers
from tests.support.reliability import hostile_tree, lines, wait_for


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    workers.reset()
    yield
    workers.reset()


def _tree(tmp_path: Path, cls: str, **kwargs: str):
    path = hostile_tree(tmp_path, "X", **kwargs)
    text = path.read_text().replace("hostile_workers:X", f"hostile_engine_workers:{cls}")
    path.write_text(text)
    return load_tree(path)


def _calm_ticks_all_along(events, until: int) -> None:
    """The calm ticker was started at 0 and never touched: nothing froze time or hit a bystander."""
    calm = [e for e in events if e.path == "root/calm" and e.t < until]
    assert [(e.t, e.kind) for e in calm] == [(0, "start")]


def _timed(fn, limit_s: float):
    """Run ``fn`` on a helper thread; fail (instead of hanging the suite) if it takes over ``limit_s``."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit_s)
    assert not thread.is_alive(), f"still running after {limit_s} s: the run froze"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


# ---------------------------------------------------------------- 1. runs that never end


@pytest.mark.parametrize("cls", ["PollsItself", "SpinsThroughMailbox"])
def test_a_worker_that_keeps_itself_busy_cannot_freeze_virtual_time(cls: str, tmp_path: Path,
                                                                    tight_runtime) -> None:
    """Was: never quiescent, so virtual time stood still for ever (headless never ended)."""
    tree = _tree(tmp_path, cls)
    events = _timed(lambda: run_headless(tree, 5000), 30)
    assert lines(events, "root/h") == ["0 start root/h"]  # never crashed, never restarted
    _calm_ticks_all_along(events, 5000)


def test_the_app_clock_moves_and_pause_answers_while_a_worker_polls_itself(tmp_path: Path,
                                                                           tight_runtime) -> None:
    """Was: the pacer held the clock's lock while it waited for quiescence, and pausing (the UI
    thread) waited for that lock for ever."""
    session = Session(_tree(tmp_path, "PollsItself"))
    pacer = Pacer(session.clock, speed=16)
    session.begin()
    assert session.settle_start()
    pacer.start()
    try:
        assert wait_for(lambda: session.clock.now_ms() >= 1000, timeout=20), "virtual time is frozen"
        started = time.monotonic()
        pacer.set_paused(True)
        assert time.monotonic() - started < 1.0
        paused_at = session.clock.now_ms()
        assert wait_for(lambda: session.clock.now_ms() != paused_at, timeout=0.3) is False
    finally:
        pacer.close()
        _timed(lambda: session.stop(timeout=1.0), 15)


@pytest.mark.parametrize("cls", ["LoopsInInit", "BlocksInInit"])
def test_a_start_that_never_ends_is_bounded_by_until(cls: str, tmp_path: Path, tight_runtime) -> None:
    """Was: headless hung with no output; start-up and shutdown waited for ever."""
    tree = _tree(tmp_path, cls)
    events = _timed(lambda: run_headless(tree, 1000), 30)
    assert lines(events, "root/calm") == ["0 start root/calm"]
    assert lines(events, "root/h") == []
    assert [e for e in events if e.path == "root"] == []  # the root never finished starting


def test_a_child_whose_init_calls_its_own_supervisor_blocks_only_its_supervisor(tmp_path: Path,
                                                                                tight_runtime) -> None:
    """A deadlock in OTP too (supervisor calls wait for ever): the restart never finishes, the root
    is stuck in it. Virtual time goes on (the ticker ticks), and the run still ends and stops."""
    session = Session(_tree(tmp_path, "CallsItsSupervisorInInit"))
    try:
        assert session.start(timeout=10).status == "ok"
        _timed(lambda: session.run_until(2000), 20)
        assert session.clock.now_ms() == 2000
        calm = session.runtime.whereis("root/calm")
        assert calm is not None and "2000" not in (session.runtime.describe_state(calm) or "")
    finally:
        _timed(lambda: session.stop(timeout=0.5), 15)
    assert session.recorder is not None
    events = session.recorder.snapshot()
    assert lines([e for e in events if e.t < 2000], "root/h") == [
        "0 start root/h", "100 crash root/h RuntimeError: crash"]
    _calm_ticks_all_along(events, 2000)


def test_an_in_process_call_to_its_own_supervisor_times_out_as_in_otp(tmp_path: Path, tight_runtime) -> None:
    """``yield from self.call`` has a timeout: the restarted child's init fails with it at 1100 ms,
    and the supervisor (R4.6) tries again at once: each try is a restart, each times out a second later."""
    events = _timed(lambda: run_headless(_tree(tmp_path, "YieldsCallToSupervisorInInit"), 3000), 30)
    got = lines(events, "root/h")
    assert got[:3] == ["0 start root/h", "100 crash root/h RuntimeError: crash",
                       "1100 crash root/h TimeoutError: call to <0.1.0> timed out after 1000 ms"]
    _calm_ticks_all_along(events, 3000)


# ---------------------------------------------------------------- 3, 7. deaths that cannot be cut short


def test_a_reason_nested_without_end_is_still_a_whole_death(tmp_path: Path, tight_runtime) -> None:
    """Was: formatting the reason recursed without end in the middle of the death: links, the
    supervisor and the event were skipped and everything waited for ever."""
    events = _timed(lambda: run_headless(_tree(tmp_path, "StopsWithDeepReason"), 250), 30)
    crash = next(e for e in events if e.kind == "crash" and e.path == "root/h")
    assert crash.t == 100 and crash.get("reason").startswith("{wrapped, {wrapped, ")
    assert len(crash.get("reason")) <= MAX_TEXT
    assert lines(events, "root/h")[1:] == [
        crash_line(crash), "100 start root/h restart",
        "200 crash root/h " + crash.get("reason"), "200 start root/h restart"]
    _calm_ticks_all_along(events, 250)


def crash_line(event) -> str:
    return f"{event.t} crash {event.path} {event.get('reason')}"


def test_an_exception_whose_str_raises_a_base_exception_is_a_crash(tmp_path: Path, tight_runtime) -> None:
    """Was: the crash event was lost and the process shown running for ever."""
    events = _timed(lambda: run_headless(_tree(tmp_path, "RaisesUnprintableBase"), 150), 30)
    assert lines(events, "root/h") == [
        "0 start root/h", "100 crash root/h RaisingStr: <unprintable RaisingStr>", "100 start root/h restart"]


# ---------------------------------------------------------------- 4, 5, 11. user code on the wrong thread


def test_a_match_function_that_raises_is_the_waiting_process_s_crash(tmp_path: Path, tight_runtime) -> None:
    """Was: it ran on the timer's (here: the run's own) thread, and the run failed with every event lost."""
    events = _timed(lambda: run_headless(_tree(tmp_path, "BadMatch"), 150), 30)
    got = lines(events, "root/h")
    assert got[0] == "0 start root/h" and got[1].startswith("100 crash root/h ZeroDivisionError")
    assert got[2] == "100 start root/h restart"
    tb = next(e for e in events if e.kind == "crash").get("traceback")
    assert "yield self.receive(lambda msg: 1 / 0)" in tb  # it surfaced in the worker's own code
    _calm_ticks_all_along(events, 150)


def test_a_worker_cannot_move_the_clock(tmp_path: Path, tight_runtime) -> None:
    session = Session(_tree(tmp_path, "MovesTheClock"))
    try:
        session.start()
        session.run_until(150)
        assert session.clock.now_ms() == 150
    finally:
        session.stop()
    assert session.recorder is not None
    crash = next(e for e in session.recorder.snapshot() if e.kind == "crash")
    assert (crash.t, crash.path) == (100, "root/h")
    assert crash.get("reason").startswith("ClockMoveRefused: a process cannot move the clock")


def test_an_async_def_callback_is_a_clear_crash(tmp_path: Path, tight_runtime) -> None:
    """Was: init silently returned a coroutine and the worker was shown running."""
    events = _timed(lambda: run_headless(_tree(tmp_path, "AsyncInit", root="max_restarts = 0"), 100), 30)
    crash = next(e for e in events if e.kind == "crash" and e.path == "root/h")
    assert crash.get("phase") == "init"
    assert "TypeError: init is an async def" in crash.get("reason")


# ---------------------------------------------------------------- 6. describe never on the caller's thread


def test_describe_state_runs_on_the_process_s_thread_with_the_caller_free(tmp_path: Path,
                                                                         tight_runtime) -> None:
    session = Session(_tree(tmp_path, "DescribesSlowly"))
    try:
        session.start()
        h = session.runtime.whereis("root/h")
        assert h is not None
        future = session.runtime.describe_state_async(h)
        assert wait_for(lambda: workers.DESCRIBED_ON, timeout=5)
        assert workers.DESCRIBED_ON[0] != threading.get_ident()
        assert not future.done()  # still describing: the caller decides how long to wait
        started = time.monotonic()
        assert session.runtime.describe_state(h, timeout=0.05) == "(no answer: the process is busy)"
        assert time.monotonic() - started < 1.0
        workers.STOP.set()
        assert future.result(timeout=5) == "slow"
    finally:
        session.stop()


def test_describe_state_raising_system_exit_is_only_a_note(tmp_path: Path, tight_runtime) -> None:
    session = Session(_tree(tmp_path, "DescribesWithSystemExit"))
    try:
        session.start()
        h = session.runtime.whereis("root/h")
        assert h is not None
        answer = session.runtime.describe_state_async(h).result(timeout=5)
        assert answer is not None and answer.startswith("(describe_state failed")
        assert session.runtime.is_alive(h)
    finally:
        session.stop()


# ---------------------------------------------------------------- 10. fork


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_never_runs_the_engine_s_loops(tmp_path: Path, tight_runtime) -> None:
    """Was: the child returned into the scheduler loop and outlived the run (a pipe never closed)."""
    events = _timed(lambda: run_headless(_tree(tmp_path, "Forks"), 200), 30)
    assert lines(events, "root/h") == ["0 start root/h"]
    assert len(workers.FORKED) == 1

    def reaped() -> tuple[int, int] | None:
        pid, status = os.waitpid(workers.FORKED[0], os.WNOHANG)
        return (pid, status) if pid else None

    result = wait_for(reaped, timeout=10)
    assert result, "the forked child is still running"
    assert os.waitstatus_to_exitcode(result[1]) == 0
