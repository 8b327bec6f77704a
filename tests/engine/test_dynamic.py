"""DynamicSupervisor (docs/semantics.md R9.8)."""

from __future__ import annotations

import pytest

from suptui.engine import ChildSpec, DynamicSupervisor, SupervisorError, SupFlags

from tests.support.harness import Bomb, Failing, Harness, Sleeper, SlowStop


@pytest.fixture
def dyn(h: Harness):
    return h.start([], cls=DynamicSupervisor, max_children=3)


def test_children_are_anonymous_and_found_by_pid(h: Harness, dyn) -> None:
    a = dyn.start_child(ChildSpec("w", Sleeper))
    b = dyn.start_child(ChildSpec("w", Sleeper))
    assert dyn.which_children() == [(None, a, "worker"), (None, b, "worker")]
    assert [e.path for e in h.events if e.kind == "start"][-2:] == ["root/w", "root/w.2"]
    dyn.terminate_child(a)
    assert not h.rt.is_alive(a)
    with pytest.raises(SupervisorError, match="not_found"):
        dyn.terminate_child(a)
    with pytest.raises(SupervisorError):
        dyn.restart_child("w")


def test_max_children_counts_every_tracked_child(h: Harness, dyn) -> None:
    for _ in range(3):
        dyn.start_child(ChildSpec("w", Sleeper))
    with pytest.raises(SupervisorError, match="max_children"):
        dyn.start_child(ChildSpec("w", Sleeper))


def test_ignore_stores_nothing_and_failure_returns_the_reason(h: Harness, dyn) -> None:
    assert dyn.start_child(ChildSpec("i", Failing, {"mode": "ignore"})) is None
    with pytest.raises(SupervisorError, match="cannot start"):
        dyn.start_child(ChildSpec("f", Failing))
    assert dyn.which_children() == []


def test_restarts_follow_the_same_rules_and_intensity(h: Harness, dyn) -> None:
    dyn.start_child(ChildSpec("bomb", Bomb, {"bomb_time": 1000}))
    h.advance_to(3000)
    assert dyn.flags()["stamps"] == [3, 2, 1]
    h.advance_to(4000)
    assert not h.rt.is_alive(h.root)
    assert next(e for e in h.events if e.kind == "give_up").get("restarts") == [4, 3, 2, 1]


def test_significant_children_are_rejected(h: Harness, dyn) -> None:
    with pytest.raises(SupervisorError, match="bad_combination"):
        dyn.start_child(ChildSpec("s", Sleeper, restart="transient", significant=True))


def test_shutdown_signals_every_child_at_once(h: Harness, dyn) -> None:
    for n in range(3):
        dyn.start_child(ChildSpec(f"s{n}", SlowStop, {"stop_time": 300 * (n + 1)}, shutdown=700))
    h.rt.wait(h.rt.stop(h.root, "shutdown"))
    assert h.lines(kinds=("terminate",)) == [
        "300 terminate root/s0 shutdown", "600 terminate root/s1 shutdown", "700 terminate root/s2 killed"]


def test_shutdown_runs_one_timer_per_timeout_from_the_moment_the_signals_go_out(h: Harness) -> None:
    """A child with a short timeout behind slower siblings is killed at its own deadline (Elixir)."""
    dyn = h.start([], cls=DynamicSupervisor)
    dyn.start_child(ChildSpec("slow", SlowStop, {"stop_time": 3000}, shutdown=2000))
    dyn.start_child(ChildSpec("short", SlowStop, {"stop_time": 3000}, shutdown=100))
    dyn.start_child(ChildSpec("brutal", SlowStop, {"stop_time": 3000}, shutdown="brutal_kill"))
    dyn.start_child(ChildSpec("mid", SlowStop, {"stop_time": 200}, shutdown=500))
    dyn.start_child(ChildSpec("short2", SlowStop, {"stop_time": 3000}, shutdown=100))
    h.advance_to(1000)
    h.rt.wait(h.rt.stop(h.root, "shutdown"))
    assert h.lines(since=1000, kinds=("terminate", "exit")) == [
        "1000 terminate root/brutal killed",
        "1100 terminate root/short killed",
        "1100 terminate root/short2 killed",
        "1200 terminate root/mid shutdown",
        "3000 terminate root/slow killed",
        "3000 exit root shutdown",
    ]
    errors = {e.path: bool(e.get("shutdown_error")) for e in h.events if e.kind == "terminate"}
    assert errors == {"root/brutal": False, "root/short": True, "root/short2": True, "root/mid": False,
                      "root/slow": True}


class _Busy(SlowStop):
    """Traps exits; a ``work`` message keeps it busy ``stop_time`` ms, then it stops with ``reason``."""

    def __init__(self, stop_time: int = 300, reason: object = "normal") -> None:
        super().__init__(stop_time)
        self.reason = reason

    def handle_info(self, msg: object):
        if msg == "work":
            yield self.sleep(self.stop_time)
            self.stop(self.reason)

    def terminate(self, reason: object) -> None:
        return None


def test_a_child_that_ends_by_itself_during_shutdown_keeps_its_own_reason(h: Harness, dyn) -> None:
    busy = dyn.start_child(ChildSpec("busy", _Busy, {"stop_time": 300, "reason": ("shutdown", "done")},
                                     restart="transient", shutdown=1000))
    dyn.start_child(ChildSpec("slow", SlowStop, {"stop_time": 600}, shutdown=1000))
    h.rt.send(busy, "work")
    h.advance_to(100)
    h.rt.wait(h.rt.stop(h.root, "shutdown"))
    assert h.lines(kinds=("terminate", "exit")) == [
        "300 terminate root/busy {shutdown, done}", "700 terminate root/slow shutdown",
        "700 exit root shutdown"]
    assert not any(e.get("shutdown_error") for e in h.events)


def test_only_one_for_one(h: Harness) -> None:
    result = h.rt.wait(h.rt.spawn(DynamicSupervisor, {"flags": SupFlags("one_for_all")}, path="d"))
    assert result.reason == ("supervisor_data", ("invalid_strategy", "one_for_all"))


def test_a_transient_child_that_exits_normally_is_forgotten_and_frees_its_slot(h: Harness) -> None:
    dyn = h.start([], cls=DynamicSupervisor, max_children=1)
    dyn.start_child(ChildSpec("q", Sleeper, {"exit_after": 100}, restart="transient"))
    h.advance_to(200)
    assert dyn.which_children() == []
    assert dyn.start_child(ChildSpec("s", Sleeper)) is not None


def test_terminate_child_forgets_a_permanent_child_as_elixir_does(h: Harness) -> None:
    """A dynamic child has no id: once terminated nothing could start it again, so it is not kept
    (it used to linger as ``(None, None, "worker")`` and count towards ``max_children``)."""
    dyn = h.start([], cls=DynamicSupervisor, max_children=1)
    pid = dyn.start_child(ChildSpec("w", Sleeper))
    dyn.terminate_child(pid)
    assert dyn.which_children() == []
    assert dyn.count_children()["specs"] == 0
    assert dyn.start_child(ChildSpec("w", Sleeper)) is not None  # max_children is free again


def test_a_new_child_that_reuses_a_free_name_is_not_a_restart(h: Harness, dyn) -> None:
    """A pool hands out ``root/w`` again once it is free: each new connection is a new child, not a
    restart of the old one (it used to be reported ``restart: true`` every time)."""
    first = dyn.start_child(ChildSpec("w", Sleeper))
    dyn.terminate_child(first)
    dyn.start_child(ChildSpec("w", Sleeper))
    starts = [e for e in h.events if e.kind == "start" and e.path == "root/w"]
    assert [e.restart for e in starts] == [False, False]
