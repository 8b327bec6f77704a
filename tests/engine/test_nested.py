"""Nested supervisors, escalation and auto-shutdown (docs/semantics.md §R7, §R8)."""

from __future__ import annotations

import pytest

from suptui.engine import ChildSpec, SupervisorClient, supervisor_spec

from tests.support.harness import Bomb, Harness, Sleeper


def test_a_sub_supervisor_giving_up_counts_once_in_its_parent(h: Harness) -> None:
    inner = supervisor_spec("inner", [ChildSpec("bomb", Bomb, {"bomb_time": 1000}), ChildSpec("s", Sleeper)],
                            max_restarts=1)
    root = h.start([inner], max_restarts=3)
    h.advance_to(2000)
    assert h.lines(since=2000) == [
        "2000 crash root/inner/bomb RuntimeError: bomb Exploded!",
        "2000 give_up root/inner",
        "2000 terminate root/inner/s shutdown",
        "2000 exit root/inner shutdown",
        "2000 start root/inner/bomb restart",
        "2000 start root/inner/s restart",
        "2000 start root/inner restart",
    ]
    assert root.flags()["stamps"] == [2]


def test_a_transient_sub_supervisor_that_gives_up_is_not_restarted(h: Harness) -> None:
    inner = supervisor_spec("inner", [ChildSpec("bomb", Bomb, {"bomb_time": 1000})], max_restarts=0,
                            restart="transient")
    root = h.start([inner, ChildSpec("s", Sleeper)])
    h.advance_to(5000)
    assert root.which_children()[1] == ("inner", None, "supervisor")
    assert root.flags()["stamps"] == []


def test_escalation_climbs_level_by_level(h: Harness) -> None:
    leaf = supervisor_spec("leaf", [ChildSpec("bomb", Bomb, {"bomb_time": 1000})], max_restarts=0)
    mid = supervisor_spec("mid", [leaf], max_restarts=0)
    h.start([mid], max_restarts=0)
    h.advance_to(1000)
    assert [f"{e.kind} {e.path}" for e in h.events if e.kind in ("give_up", "exit")] == [
        "give_up root/mid/leaf", "exit root/mid/leaf",
        "give_up root/mid", "exit root/mid",
        "give_up root", "exit root",
    ]


def test_a_restarted_sub_supervisor_loses_its_dynamically_added_children(h: Harness) -> None:
    root = h.start([supervisor_spec("inner", [ChildSpec("static", Sleeper)])])
    inner = SupervisorClient(h.rt, h.rt.whereis("root/inner"))
    inner.start_child(ChildSpec("added", Sleeper))
    h.rt.kill(inner.pid)
    h.advance_to(0)
    inner = SupervisorClient(h.rt, root.which_child("inner")[1])
    assert [c[0] for c in inner.which_children()] == ["static"]


def test_one_for_all_restarts_a_terminated_transient_sub_supervisor(h: Harness) -> None:
    sub = supervisor_spec("sub", [ChildSpec("x", Sleeper)], restart="transient")
    root = h.start([ChildSpec("bomb", Bomb, {"bomb_time": 1000}), sub], "one_for_all")
    root.terminate_child("sub")
    h.advance_to(1000)
    assert h.rt.whereis("root/sub") is not None and h.rt.whereis("root/sub/x") is not None


@pytest.mark.parametrize(("mode", "alive_after_first"),
                         [("any_significant", False), ("all_significant", True)])
def test_auto_shutdown_on_significant_children(h: Harness, mode: str, alive_after_first: bool) -> None:
    h.start([ChildSpec("a", Sleeper, {"exit_after": 1000}, restart="transient", significant=True),
             ChildSpec("b", Sleeper, {"exit_after": 2000}, restart="temporary", significant=True),
             ChildSpec("c", Sleeper)], auto_shutdown=mode)
    h.advance_to(1000)
    assert h.rt.is_alive(h.root) is alive_after_first
    h.advance_to(2000)
    assert not h.rt.is_alive(h.root)
    assert any(line.endswith("terminate root/c shutdown") for line in h.lines(kinds=("terminate",)))


def test_abnormal_exit_of_a_significant_transient_child_restarts_instead(h: Harness) -> None:
    h.start([ChildSpec("a", Sleeper, {"exit_after": 1000, "reason": "boom"}, restart="transient",
                       significant=True)], auto_shutdown="any_significant")
    h.advance_to(1000)
    assert h.rt.is_alive(h.root)


def test_bystanders_and_terminate_child_never_trigger_auto_shutdown(h: Harness) -> None:
    root = h.start([ChildSpec("bomb", Bomb, {"bomb_time": 1000}),
                    ChildSpec("sig", Sleeper, restart="transient", significant=True)],
                   "one_for_all", auto_shutdown="any_significant")
    h.advance_to(1000)
    assert h.rt.is_alive(h.root)
    root.terminate_child("sig")
    assert h.rt.is_alive(h.root)


def test_auto_shutdown_chains_up_through_significant_supervisors(h: Harness) -> None:
    inner = supervisor_spec("inner", [ChildSpec("q", Sleeper, {"exit_after": 500}, restart="transient",
                                                significant=True)],
                            auto_shutdown="any_significant", restart="transient", significant=True)
    h.start([inner, ChildSpec("other", Sleeper)], auto_shutdown="any_significant")
    h.advance_to(500)
    assert not h.rt.is_alive(h.root)
    assert h.lines(kinds=("exit",)) == ["500 exit root/inner/q normal", "500 exit root/inner shutdown",
                                        "500 exit root shutdown"]
