"""Stopping children: shutdown specs, reverse order, timeouts and kills (docs/semantics.md §R6)."""

from __future__ import annotations

from typing import Any

from suptui.engine import Actor, ChildSpec, DownMsg, ExitMsg

from tests.support.harness import Harness, Sleeper, SlowStop


def _stop_root(h: Harness) -> None:
    h.rt.wait(h.rt.stop(h.root, "shutdown"))


def test_children_stop_in_reverse_start_order_with_shutdown(h: Harness) -> None:
    h.start([ChildSpec(n, Sleeper) for n in ("a", "b", "c")])
    _stop_root(h)
    assert h.lines(kinds=("terminate", "exit")) == [
        "0 terminate root/c shutdown", "0 terminate root/b shutdown", "0 terminate root/a shutdown",
        "0 exit root shutdown"]


def test_a_trapping_child_gets_its_terminate_and_the_time_it_needs(h: Harness) -> None:
    h.start([ChildSpec("slow", SlowStop, {"stop_time": 300}, shutdown=1000), ChildSpec("b", Sleeper)])
    h.advance_to(100)
    _stop_root(h)
    assert h.lines(kinds=("terminate", "exit")) == [
        "100 terminate root/b shutdown", "400 terminate root/slow shutdown", "400 exit root shutdown"]


def test_a_child_too_slow_to_stop_is_killed_at_its_timeout_and_reported(h: Harness) -> None:
    h.start([ChildSpec("slow", SlowStop, {"stop_time": 2000}, shutdown=500)])
    _stop_root(h)
    terminate = next(e for e in h.events if e.kind == "terminate")
    assert (terminate.t, terminate.get("reason"), terminate.get("shutdown_error")) == (500, "killed", True)


def test_brutal_kill_does_not_wait_for_terminate(h: Harness) -> None:
    h.start([ChildSpec("slow", SlowStop, {"stop_time": 2000}, shutdown="brutal_kill")])
    _stop_root(h)
    terminate = next(e for e in h.events if e.kind == "terminate")
    assert (terminate.t, terminate.get("reason"), terminate.get("shutdown_error")) == (0, "killed", None)


def test_infinity_waits_as_long_as_it_takes(h: Harness) -> None:
    h.start([ChildSpec("slow", SlowStop, {"stop_time": 60_000}, shutdown="infinity")])
    _stop_root(h)
    assert h.lines(kinds=("terminate",)) == ["60000 terminate root/slow shutdown"]


def test_zero_timeout_still_sends_shutdown_first_then_kills(h: Harness) -> None:
    h.start([ChildSpec("slow", SlowStop, {"stop_time": 10}, shutdown=0),
             ChildSpec("plain", Sleeper, shutdown=0)])
    _stop_root(h)
    assert h.lines(kinds=("terminate",)) == [
        "0 terminate root/plain shutdown", "0 terminate root/slow killed"]


def test_shutdown_time_is_the_sum_of_sequential_timeouts(h: Harness) -> None:
    h.start([ChildSpec(n, SlowStop, {"stop_time": 10_000}, shutdown=500) for n in ("a", "b", "c")])
    _stop_root(h)
    assert [e.t for e in h.events if e.kind == "terminate"] == [500, 1000, 1500]


def test_a_child_exiting_by_itself_during_shutdown_keeps_its_own_reason(h: Harness) -> None:
    h.start([ChildSpec("quitter", Sleeper, {"exit_after": 200, "reason": "done"}, restart="temporary"),
             ChildSpec("slow", SlowStop, {"stop_time": 1000}, shutdown=5000)])
    _stop_root(h)
    assert h.lines(kinds=("terminate", "crash", "exit")) == [
        "200 crash root/quitter done",
        "1000 terminate root/slow shutdown",
        "1000 exit root shutdown",
    ]


class _Watcher(Actor):
    """Links to and monitors ``target`` (a path), trapping exits; writes what it hears to ``heard``."""

    trap_exit = True

    def __init__(self, target: str, heard: list) -> None:
        self.target, self.heard = target, heard

    def init(self) -> None:
        pid = self.runtime.whereis(self.target)
        self.context.link(pid)
        self.context.monitor(pid)

    def handle_info(self, msg: Any) -> None:
        if isinstance(msg, DownMsg):
            self.heard.append(("DOWN", msg.reason))
        elif isinstance(msg, ExitMsg):
            self.heard.append(("EXIT", msg.reason))


class _Fickle(Actor):
    """A trap_exit that changes its answer each time it is read (hostile code)."""

    reads = 0

    def __init__(self) -> None:
        pass

    @property  # type: ignore[override]
    def trap_exit(self) -> bool:  # type: ignore[override]
        type(self).reads += 1
        return type(self).reads % 2 == 0


def test_a_stopped_childs_other_links_and_monitors_still_hear_of_its_end(h: Harness) -> None:
    """The supervisor's own monitor and link are the only ones a stop may skip (docs/semantics.md R6)."""
    heard: list = []
    sup = h.start([ChildSpec("a", Sleeper),
                   ChildSpec("watch", _Watcher, {"target": "root/a", "heard": heard})])
    sup.terminate_child("a")
    h.rt.wait_idle()
    assert sorted(heard) == [("DOWN", "shutdown"), ("EXIT", "shutdown")]
    assert h.lines(kinds=("terminate",)) == ["0 terminate root/a shutdown"]
    sup.restart_child("a")
    h.rt.wait(h.rt.stop(h.root, "shutdown"))
    assert h.lines(kinds=("terminate",))[-2:] == ["0 terminate root/watch shutdown",
                                                  "0 terminate root/a shutdown"]


def test_a_child_whose_trap_exit_keeps_changing_is_still_stopped_for_good(h: Harness) -> None:
    sup = h.start([ChildSpec("fickle", _Fickle, shutdown=500)])
    for attempt in range(4):  # each stop reads trap_exit at a different parity
        sup.terminate_child("fickle")
        h.advance_to(h.clock.now_ms() + 1000)
        assert h.rt.whereis("root/fickle") is None, attempt
        assert h.rt.process_count() == 1, attempt  # the supervisor alone: nothing left behind unlinked
        sup.restart_child("fickle")
