"""Hostile user workers from tree files (``worker = "tests.support.hostile_workers:Class"``), through
Session and through the headless runner: the supervisor does what OTP would, the event stream says so, and the
run ends cleanly (no process left, no thread of ours left but the zombies the stream reported).

Each case (hostile_cases.py) is one tree: a calm ticker and the hostile ``h``, under a root that allows
100 restarts per second (a one_for_one tree, so the ticker must never be touched). Times are exact:
the virtual clock is moved by the test; only the watchdog's decisions (runaway, kill, zombie) take
wall time, and the runtime's limits for them are tight (see ``conftest.TIGHT``).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from suptui.engine import Runtime, format_reason
from suptui.headless.runner import run_headless
from suptui.session import Session
from suptui.treefile import load_tree

from tests.support import hostile_workers
from tests.support.hostile_cases import CASES, UNTIL
from tests.support.reliability import check_stream, hostile_tree, lines, wait_for


def _left_behind(new_threads: set[threading.Thread]) -> list[str]:
    """Threads of ours still alive, except those the stream reported as zombies (abandoned by design)."""
    zombies = set(hostile_workers.BLOCKED_THREADS)
    return sorted(t.name for t in new_threads if t.is_alive() and t.name not in zombies)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_worker_through_a_session(name: str, tmp_path: Path, tight_runtime, suptui_threads) -> None:
    case = CASES[name]
    tree = load_tree(case.tree_file(tmp_path))
    if case.kill_when_blocked:
        tree = replace(tree, script=())  # the test kills it (the headless run keeps the scripted kill)
    session = Session(tree)
    try:
        result = session.start()
        assert result.status == ("error" if name == "raises_in_init" else "ok")
        if case.kill_when_blocked:
            _kill_once_blocked(session)
        session.run_until(UNTIL)
        if case.check_engine is not None:
            case.check_engine(session)
    finally:
        session.stop()
    assert session.recorder is not None
    events = session.recorder.snapshot()
    assert lines([e for e in events if e.t < UNTIL], "root/h") == case.expected
    if case.check is not None:
        case.check(events)
    check_stream(events)
    assert session.runtime.process_count() == 0
    assert wait_for(lambda: _left_behind(suptui_threads()) == [], timeout=3), _left_behind(suptui_threads())


def _kill_once_blocked(session: Session) -> None:
    session.run_until(100)
    assert hostile_workers.BLOCKED.wait(3)
    old = session.pid_of("root/h")
    assert session.kill("root/h").ok
    assert wait_for(lambda: session.pid_of("root/h") not in (None, old), timeout=3)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_worker_headless(name: str, tmp_path: Path, tight_runtime, suptui_threads) -> None:
    """The CLI's path: the same events before ``until``, and the run returns with everything stopped."""
    case = CASES[name]
    events = run_headless(load_tree(case.tree_file(tmp_path)), UNTIL)
    if case.headless is None:
        assert lines(events, "root/h") == case.expected
    else:
        assert lines(events, "root/h")[: len(case.headless)] == case.headless
    assert all(e.t < UNTIL for e in events)
    assert wait_for(lambda: _left_behind(suptui_threads()) == [], timeout=3), _left_behind(suptui_threads())


def test_the_users_own_threads_keep_sending_to_the_dead_pid_harmlessly(tmp_path: Path, tight_runtime) -> None:
    session = Session(load_tree(CASES["spawns_threads"].tree_file(tmp_path)))
    try:
        session.start()
        old = session.pid_of("root/h")
        session.run_until(UNTIL)
        new = session.pid_of("root/h")
        assert old is not None and new is not None and old != new and not session.runtime.is_alive(old)
        pings = wait_for(lambda: int(str(session.runtime.describe_state(new)).split()[0]) > 10, timeout=3)
        assert pings  # the replacement hears from its own threads; the old ones talk into the void
        assert sum(t.is_alive() for t in hostile_workers.SPAWNED) == 4
    finally:
        session.stop()
    assert session.runtime.process_count() == 0


# ---------------------------------------------------------------------------- faults found
# Each of these failed when written (reported with a repro); the engine fixes are in 7372c6e, except
# where a test is still marked xfail.


def _run_with_deadline(fn: Callable[[], Any], seconds: float) -> tuple[bool, Any]:
    """Run ``fn`` on a daemon thread; (finished, result). A hang leaves the thread behind, not the test."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:
            box["result"] = exc

    thread = threading.Thread(target=target, name="test-deadline", daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), box.get("result")


def test_an_exception_that_cannot_be_printed_is_still_a_crash(tmp_path: Path, tight_runtime) -> None:
    """Was: swallowed as "engine error while running" — no crash event, no restart, a zombie-ish process."""
    tree = load_tree(hostile_tree(tmp_path, "RaisesUnprintable"))
    events = run_headless(tree, 120)
    assert lines(events, "root/h")[:3] == [
        "0 start root/h", "50 crash root/h Unprintable: <unprintable Unprintable>", "50 start root/h restart"]


def test_an_unprintable_exception_in_a_restart_cannot_crash_the_supervisor(tmp_path: Path,
                                                                           tight_runtime) -> None:
    """Was: the child's init runs inline on the supervisor's thread, so the supervisor itself crashed."""
    tree = load_tree(hostile_tree(tmp_path, "RaisesUnprintable", "args = { in_init = true }",
                                  root="max_restarts = 3\nmax_seconds = 5"))
    events = run_headless(tree, 120)
    assert [e.get("phase") for e in events if e.kind == "crash" and e.path == "root/h"] == [
        None, "init", "init", "init"]
    assert [(e.kind, e.get("reason")) for e in events if e.path == "root" and e.kind != "start"] == [
        ("give_up", "reached_max_restart_intensity"), ("exit", "shutdown")]


def test_a_reason_that_cannot_be_printed_still_ends_the_process(tmp_path: Path, tight_runtime) -> None:
    """Was: the process was left half dead (no event, links never fired) and the virtual clock hung."""
    tree = load_tree(hostile_tree(tmp_path, "StopsUnprintably"))
    finished, events = _run_with_deadline(lambda: run_headless(tree, 120), 2)
    assert finished, "run_headless hung"
    assert [line.split()[:2] for line in lines(events, "root/h")] == [
        ["0", "start"], ["50", "crash"], ["50", "start"], ["100", "crash"], ["100", "start"]]


def test_a_python_loop_killed_during_shutdown_does_not_outlive_it(tmp_path: Path, monkeypatch,
                                                                   suptui_threads) -> None:
    """Was: shutdown closed the watchdog at once, so the killed loop's thread spun forever (and the
    shutdown waited 1 s on it). The kill grace is longer than the rest of the shutdown here."""
    monkeypatch.setattr("suptui.session.Runtime",
                        functools.partial(Runtime, kill_grace_ms=200, zombie_after_ms=300, runaway_ms=100))
    session = Session(load_tree(hostile_tree(tmp_path, "IgnoresShutdown", "shutdown = 100")))
    session.start()
    session.run_until(UNTIL)
    session.stop()
    assert session.recorder is not None
    assert [e.get("reason") for e in session.recorder.snapshot() if e.path == "root/h"][-1] == "killed"
    assert wait_for(lambda: not suptui_threads(), timeout=0.5), [t.name for t in suptui_threads()]


def test_a_thread_stuck_in_c_at_shutdown_is_reported_as_a_zombie(tmp_path: Path, tight_runtime) -> None:
    """Was: never reported (watchdog closed first), and the shutdown stalled 1 s joining the thread."""
    session = Session(load_tree(hostile_tree(tmp_path, "BlocksInC", "shutdown = 100")))
    session.start()
    session.run_until(UNTIL)
    assert hostile_workers.BLOCKED.wait(3)
    started = time.monotonic()
    session.stop()
    stalled = time.monotonic() - started
    assert session.recorder is not None
    zombies = [(e.path, e.get("thread")) for e in session.recorder.snapshot() if e.kind == "zombie"]
    assert zombies == [("root/h", hostile_workers.BLOCKED_THREADS[0])]
    assert stalled < 0.9  # bounded by the zombie delay (100 ms here), not by a 1 s join


def test_a_process_that_calls_itself_exits_at_once(tmp_path: Path, tight_runtime) -> None:
    """Was: it waited for its own answer (forever without a timeout); gen_server exits with calling_self."""
    events = run_headless(load_tree(hostile_tree(tmp_path, "CallsItself", 'restart = "temporary"')), 200)
    crash = [(e.t, e.get("reason")) for e in events if e.kind == "crash" and e.path == "root/h"]
    assert len(crash) == 1 and crash[0][0] == 50 and "calling_self" in crash[0][1]


def test_a_worker_on_its_own_thread_does_not_make_virtual_time_run_ahead(tmp_path: Path,
                                                                          tight_runtime) -> None:
    tree = load_tree(hostile_tree(tmp_path, "StartsOnItsOwnThread"))
    runs = [[(e.t, e.kind, e.path) for e in run_headless(tree, 2000) if e.kind == "start"] for _ in range(2)]
    assert runs[0] == runs[1] == [(0, "start", "root/calm"), (0, "start", "root/h"), (0, "start", "root")]


def test_reason_formatting_of_a_failed_root_start_is_one_line(tmp_path: Path, tight_runtime) -> None:
    """What the CLI and the app show when the root cannot start: OTP's nested reason, on one line."""
    session = Session(load_tree(hostile_tree(tmp_path, "RaisesInInit")))
    try:
        result = session.start()
    finally:
        session.stop()
    assert format_reason(result.reason) == "{shutdown, {failed_to_start_child, h, ValueError: init refused}}"
