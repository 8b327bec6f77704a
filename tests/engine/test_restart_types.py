"""Restart types against every kind of exit reason (docs/semantics.md R5.2, suite: restart types)."""

from __future__ import annotations

import pytest

from suptui.engine import ChildSpec

from tests.support.harness import Bomb, Harness, Sleeper

ORDERLY = ["normal", "shutdown", ("shutdown", "bye")]
ALL_REASONS = [*ORDERLY, "boom"]


def _one(h: Harness, restart: str, reason: object, strategy: str = "one_for_one"):
    spec = ChildSpec("w", Sleeper, {"exit_after": 1000, "reason": reason}, restart=restart)
    return h.start([spec], strategy, max_restarts=10)


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_permanent_child_is_restarted_on_any_reason(h: Harness, reason: object) -> None:
    sup = _one(h, "permanent", reason)
    h.advance_to(1000)
    starts = [e for e in h.events if e.kind == "start" and e.path == "root/w"]
    assert [s.get("restart") for s in starts] == [False, True]
    assert sup.flags()["stamps"] == [1]


@pytest.mark.parametrize("reason", ORDERLY)
def test_transient_child_orderly_exit_keeps_spec_without_restart(h: Harness, reason: object) -> None:
    sup = _one(h, "transient", reason)
    h.advance_to(5000)
    assert sup.which_children() == [("w", None, "worker")]
    assert sup.flags()["stamps"] == []
    shown = "{shutdown, bye}" if isinstance(reason, tuple) else reason
    assert h.lines(since=1) == [f"1000 exit root/w {shown}"]


def test_transient_child_abnormal_exit_is_restarted(h: Harness) -> None:
    sup = _one(h, "transient", "boom")
    h.advance_to(1000)
    assert sup.which_children()[0][1] is not None
    assert sup.flags()["stamps"] == [1]


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_temporary_child_is_never_restarted_and_is_removed(h: Harness, reason: object) -> None:
    sup = _one(h, "temporary", reason)
    h.advance_to(5000)
    assert sup.which_children() == []
    assert sup.flags()["stamps"] == []


@pytest.mark.parametrize("strategy", ["one_for_all", "rest_for_one"])
def test_temporary_bystander_is_stopped_and_dropped_by_a_group_restart(h: Harness, strategy: str) -> None:
    sup = h.start([ChildSpec("bomb", Bomb, {"bomb_time": 1000}),
                   ChildSpec("temp", Sleeper, restart="temporary")], strategy, max_restarts=10)
    h.advance_to(1000)
    assert [c[0] for c in sup.which_children()] == ["bomb"]
    assert "1000 terminate root/temp shutdown" in h.lines()


def test_transient_child_that_exited_normally_comes_back_in_a_group_restart(h: Harness) -> None:
    sup = h.start([ChildSpec("quitter", Sleeper, {"exit_after": 1000}, restart="transient"),
                   ChildSpec("bomb", Bomb, {"bomb_time": 1500})], "one_for_all", max_restarts=10)
    h.advance_to(1500)
    assert h.lines(since=1) == [
        "1000 exit root/quitter normal",
        "1500 crash root/bomb RuntimeError: bomb Exploded!",
        "1500 start root/quitter restart",
        "1500 start root/bomb restart",
    ]
    assert all(pid is not None for _, pid, _ in sup.which_children())


def test_killed_is_abnormal_so_a_transient_child_is_restarted(h: Harness) -> None:
    sup = h.start([ChildSpec("w", Sleeper, restart="transient")])
    pid = h.rt.whereis("root/w")
    assert h.rt.kill(pid)
    h.advance_to(0)
    assert h.lines(kinds=("kill", "crash")) == ["0 kill root/w", "0 crash root/w killed"]
    assert sup.which_children()[0][1] not in (None, pid)
