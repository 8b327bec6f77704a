"""The process runtime: links, monitors, exit signals, timers, calls, honest kills, threads (§R5, §R12)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from suptui.engine import (
    Actor,
    ChildSpec,
    DownMsg,
    ExitMsg,
    NoProcess,
    RealClock,
    Runtime,
    VirtualClock,
)

from tests.support.harness import Harness, Sleeper


class Recorder(Actor):
    """Keeps every message it gets in a shared list; links/monitors on request."""

    trap_exit = True

    def __init__(self, inbox: list, trap: bool = True) -> None:
        self.inbox = inbox
        self.trap_exit = trap

    def handle_info(self, msg: Any) -> None:
        if isinstance(msg, tuple) and msg[:1] == ("link",):
            self.link(msg[1])
        elif isinstance(msg, tuple) and msg[:1] == ("monitor",):
            self.inbox.append(("ref", self.monitor(msg[1])))
        else:
            self.inbox.append(msg)

    def handle_call(self, request: Any, caller: Any) -> Any:
        return ("echo", request)


def spawn(rt: Runtime, cls: type[Actor], **args: Any):
    return rt.start(cls, args, path=f"p{len(args)}")


def test_a_trapping_linked_process_gets_the_exit_as_a_message(h: Harness) -> None:
    inbox: list = []
    watcher = spawn(h.rt, Recorder, inbox=inbox)
    worker = spawn(h.rt, Sleeper, exit_after=100, reason="boom")
    h.rt.send(watcher, ("link", worker))
    h.advance_to(100)
    assert inbox == [ExitMsg(worker, "boom")]


def test_a_non_trapping_linked_process_dies_with_the_same_reason(h: Harness) -> None:
    inbox: list = []
    bystander = spawn(h.rt, Recorder, inbox=inbox, trap=False)
    worker = spawn(h.rt, Sleeper, exit_after=100, reason="boom")
    h.rt.send(bystander, ("link", worker))
    gone = h.rt.when_dead(bystander)
    h.advance_to(100)
    assert h.rt.wait(gone) == "boom"
    assert h.rt.wait(h.rt.when_dead(bystander)) == "noproc"


def test_a_normal_exit_does_not_take_linked_processes_down(h: Harness) -> None:
    bystander = spawn(h.rt, Recorder, inbox=[], trap=False)
    worker = spawn(h.rt, Sleeper, exit_after=100)
    h.rt.send(bystander, ("link", worker))
    h.advance_to(200)
    assert h.rt.is_alive(bystander)


def test_kill_cannot_be_trapped_and_links_see_killed(h: Harness) -> None:
    inbox: list = []
    watcher = spawn(h.rt, Recorder, inbox=inbox)
    victim = spawn(h.rt, Recorder, inbox=[], trap=True)
    h.rt.send(watcher, ("link", victim))
    h.advance_to(0)
    h.rt.exit(victim, "kill")
    h.advance_to(0)
    assert not h.rt.is_alive(victim)
    assert inbox == [ExitMsg(victim, "killed")]


def test_monitors_report_down_and_noproc_for_the_already_dead(h: Harness) -> None:
    inbox: list = []
    watcher = spawn(h.rt, Recorder, inbox=inbox)
    worker = spawn(h.rt, Sleeper, exit_after=100, reason="boom")
    h.rt.send(watcher, ("monitor", worker))
    h.advance_to(100)
    h.rt.send(watcher, ("monitor", worker))
    h.advance_to(100)
    (_, ref1), down1, (_, ref2), down2 = inbox
    assert down1 == DownMsg(ref1, worker, "boom")
    assert down2 == DownMsg(ref2, worker, "noproc")


def test_timers_die_with_their_process(h: Harness) -> None:
    sup = h.start([ChildSpec("w", Sleeper, {"exit_after": 1000, "reason": "boom"})], max_restarts=10)
    h.advance_to(500)
    sup.terminate_child("w")
    sup.restart_child("w")  # the new process schedules its own timer for 1500
    h.advance_to(1400)
    assert not any(e.kind == "crash" for e in h.events)
    h.advance_to(1500)
    assert [e.t for e in h.events if e.kind == "crash"] == [1500]


def test_calls_get_replies_and_fail_cleanly_on_dead_processes(h: Harness) -> None:
    echo = spawn(h.rt, Recorder, inbox=[])
    assert h.rt.call_sync(echo, "hi") == ("echo", "hi")
    h.rt.exit(echo, "kill")
    with pytest.raises(NoProcess):
        h.rt.call_sync(echo, "hi")


def test_a_crashing_subscriber_never_stops_the_engine(h: Harness) -> None:
    def broken(_event: Any) -> None:
        raise RuntimeError("subscriber bug")

    h.rt.events.subscribe(broken)
    h.start([ChildSpec("w", Sleeper, {"exit_after": 100, "reason": "boom"})])
    h.advance_to(100)
    assert h.lines(since=100) == ["100 crash root/w boom", "100 start root/w restart"]
    assert h.rt.events.subscriber_errors == len(h.events)


class Spinner(Actor):
    """A hostile worker: its callback loops forever in pure Python and swallows Exception."""

    def init(self) -> None:
        self.send(self.pid, "spin")

    def handle_info(self, msg: Any) -> None:
        while True:
            try:
                sum(range(100))
            except Exception:  # hostile on purpose: swallows what it can
                continue


class CBlocker(Actor):
    """A hostile worker on its own thread that blocks inside C (time.sleep)."""

    dedicated_thread = True

    def init(self) -> None:
        self.send(self.pid, "block")

    def handle_info(self, msg: Any) -> None:
        time.sleep(30)


def test_a_callback_spinning_in_python_is_interrupted_after_a_kill() -> None:
    rt = Runtime(VirtualClock(), schedulers=2, kill_grace_ms=10, zombie_after_ms=5000)
    try:
        pid = rt.start(Spinner, path="spinner")
        time.sleep(0.05)  # let it start spinning on a real scheduler thread
        rt.kill(pid)
        deadline = time.monotonic() + 5
        while rt._busy_threads() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert rt._busy_threads() == 0
        echo = rt.start(Recorder, {"inbox": []}, path="r")
        assert rt.call_sync(echo, "still works") == ("echo", "still works")
    finally:
        rt.shutdown()


def test_a_thread_stuck_in_c_is_abandoned_and_reported_as_a_zombie() -> None:
    rt = Runtime(VirtualClock(), schedulers=1, kill_grace_ms=10, zombie_after_ms=100)
    events: list = []
    rt.events.subscribe(events.append)
    try:
        pid = rt.start(CBlocker, path="blocker")
        time.sleep(0.05)
        rt.kill(pid)
        deadline = time.monotonic() + 5
        while not any(e.kind == "zombie" for e in events) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [e.kind for e in events] == ["start", "kill", "crash", "zombie"]
        assert not rt.is_alive(pid)
    finally:
        rt.shutdown()


def test_no_thread_of_ours_is_left_after_shutdown() -> None:
    before = set(threading.enumerate())
    h = Harness(schedulers=3)
    h.start([ChildSpec("w", Sleeper)])
    h.close()
    assert set(threading.enumerate()) - before == set()
    assert h.rt.process_count() == 0


def test_real_clock_timers_fire_in_wall_time() -> None:
    rt = Runtime(RealClock())
    events: list = []
    rt.events.subscribe(events.append)
    try:
        started = time.monotonic()
        pid = rt.start(Sleeper, {"exit_after": 50, "reason": "boom"}, path="w")
        assert rt.when_dead(pid).result(timeout=5) == "boom"
        assert 0.04 <= time.monotonic() - started < 3.0
        assert 40 <= events[-1].t < 3000
    finally:
        rt.shutdown()


def test_the_dead_leave_nothing_behind(h: Harness) -> None:
    sup = h.start([ChildSpec("w", Sleeper)], max_restarts=10**6)
    for _ in range(500):
        h.rt.kill(h.rt.whereis("root/w"))
        h.advance_to(0)
    assert len(h.rt._procs) == 2  # the supervisor and its current child, nothing of the 500 dead
    assert sup.count_children()["active"] == 1


class Asker(Actor):
    """Calls another process and records the answer (or the error)."""

    def __init__(self, target: Any, answers: list, timeout_ms: float = 5000) -> None:
        self.target, self.answers, self.timeout_ms = target, answers, timeout_ms

    def init(self) -> None:
        self.send(self.pid, "ask")

    def handle_info(self, msg: Any):
        try:
            self.answers.append((yield from self.call(self.target, "hi", self.timeout_ms)))
        except Exception as exc:
            self.answers.append(type(exc).__name__)


class Silent(Actor):
    def handle_call(self, request: Any, caller: Any) -> Any:
        from suptui.engine import NOREPLY

        return NOREPLY


def test_processes_call_each_other_and_learn_of_death_and_timeouts(h: Harness) -> None:
    answers: list = []
    echo = spawn(h.rt, Recorder, inbox=[])
    h.rt.start(Asker, {"target": echo, "answers": answers}, path="a1")
    h.advance_to(0)
    h.rt.exit(echo, "kill")
    h.rt.start(Asker, {"target": echo, "answers": answers}, path="a2")
    silent = h.rt.start(Silent, path="s")
    h.rt.start(Asker, {"target": silent, "answers": answers, "timeout_ms": 300}, path="a3")
    h.advance_to(300)
    assert answers == [("echo", "hi"), "NoProcess", "TimeoutError"]


class SlowIO(Actor):
    """On its own thread, as for real I/O: every 100 ms of virtual time a 20 ms blocking call; crashes
    on the third."""

    dedicated_thread = True

    def init(self) -> None:
        time.sleep(0.02)
        self.ticks = 0
        self.send_after(100, "tick")

    def handle_info(self, msg: Any) -> None:
        time.sleep(0.02)
        self.ticks += 1
        if self.ticks == 3:
            raise RuntimeError("io failed")
        self.send_after(100, "tick")


class Ticker(Actor):
    """On the pool, always wanting time to move on (a timer every millisecond)."""

    def init(self) -> None:
        self.send_after(1, "tick")

    def handle_info(self, msg: Any) -> None:
        self.send_after(1, "tick")


def test_blocking_io_on_an_own_thread_holds_virtual_time_so_runs_replay_exactly() -> None:
    """Time waits for a callback on a dedicated thread as for one on the pool (it used to run ahead
    while the thread slept: the crash landed wherever the busy sibling had pushed the clock)."""
    runs = []
    for _ in range(2):
        h = Harness()
        try:
            h.start([ChildSpec("ticker", Ticker), ChildSpec("io", SlowIO)], max_restarts=10)
            h.advance_to(350)
            runs.append(h.lines(kinds=("start", "crash")))
        finally:
            h.close()
    assert runs[0] == runs[1] == ["0 start root/ticker", "0 start root/io", "0 start root",
                                  "300 crash root/io RuntimeError: io failed", "300 start root/io restart"]


def test_a_callback_blocking_forever_on_an_own_thread_lets_time_go_on_after_runaway_ms() -> None:
    """The bound on that wait: past ``runaway_ms`` of wall time the callback is detached, as on the pool."""
    rt = Runtime(VirtualClock(), schedulers=1, runaway_ms=100, kill_grace_ms=10, zombie_after_ms=100)
    try:
        rt.start(CBlocker, path="blocker")
        ticker = rt.start(Recorder, {"inbox": []}, path="r")
        started = time.monotonic()
        rt.clock.advance_to(1000)  # would wait 30 s for the blocked callback without the detach
        assert rt.clock.now_ms() == 1000 and time.monotonic() - started < 5
        assert rt.call_sync(ticker, "alive?") == ("echo", "alive?")
    finally:
        rt.shutdown()


def test_a_re_armed_timeout_holds_no_memory() -> None:
    """A process that cancels and re-arms a long timeout on every message (an idle timeout) keeps one
    live timer: the process forgets cancelled ones, and the clock drops them from its heap."""

    from suptui.engine import Actor, Runtime, VirtualClock

    class Idle(Actor):
        def init(self) -> None:
            self.timer = self.send_after(3_600_000, "idle")

        def handle_info(self, msg: Any) -> None:
            self.cancel_timer(self.timer)
            self.timer = self.send_after(3_600_000, "idle")

    clock = VirtualClock()
    with Runtime(clock, log_reports=False) as rt:
        pid = rt.start(Idle, path="idle")
        for _ in range(5000):
            rt.send(pid, "ping")
        rt.wait_idle()
        assert len(rt._procs[pid].timers) == 1
        assert len(clock._heap) < 2100
