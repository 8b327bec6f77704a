"""The supervisor API: start/terminate/restart/delete child, introspection, set_strategy (§R9)."""

from __future__ import annotations

import pytest

from suptui.engine import ChildSpec, SupervisorError

from tests.support.harness import Bomb, Failing, Harness, Sleeper


def _errors(call) -> object:
    with pytest.raises(SupervisorError) as err:
        call()
    return err.value.reason


def test_full_static_lifecycle_and_its_error_replies(h: Harness) -> None:
    sup = h.start([])
    pid = sup.start_child(ChildSpec("w", Sleeper))
    assert h.rt.is_alive(pid)
    assert _errors(lambda: sup.start_child(ChildSpec("w", Sleeper))) == ("already_started", pid)
    assert _errors(lambda: sup.restart_child("w")) == "running"
    assert _errors(lambda: sup.delete_child("w")) == "running"
    sup.terminate_child("w")
    assert not h.rt.is_alive(pid)
    assert _errors(lambda: sup.start_child(ChildSpec("w", Sleeper))) == "already_present"
    new_pid = sup.restart_child("w")
    assert h.rt.is_alive(new_pid) and new_pid != pid
    sup.terminate_child("w")
    sup.terminate_child("w")  # ok even when not running
    sup.delete_child("w")
    for call in (sup.terminate_child, sup.restart_child, sup.delete_child, sup.get_childspec):
        assert _errors(lambda call=call: call("w")) == "not_found"
    assert _errors(lambda: sup.terminate_child(new_pid)) == "not_found"  # a pid is not an id here


def test_api_actions_never_count_toward_intensity(h: Harness) -> None:
    sup = h.start([ChildSpec("w", Sleeper)], max_restarts=0)
    for _ in range(5):
        sup.terminate_child("w")
        sup.restart_child("w")
    assert sup.flags()["stamps"] == [] and h.rt.is_alive(h.root)
    assert [e.get("why") for e in h.events if e.kind == "terminate"] == ["api"] * 5


def test_start_child_appends_to_the_start_order(h: Harness) -> None:
    sup = h.start([ChildSpec("a", Bomb, {"bomb_time": 1000}), ChildSpec("b", Sleeper)], "rest_for_one")
    sup.start_child(ChildSpec("late", Sleeper))
    assert [c[0] for c in sup.which_children()] == ["late", "b", "a"]
    h.advance_to(1000)
    assert h.lines(kinds=("terminate",)) == [
        "1000 terminate root/late shutdown", "1000 terminate root/b shutdown"]


def test_start_child_results_for_ignore_and_failure(h: Harness) -> None:
    sup = h.start([])
    assert sup.start_child(ChildSpec("ign", Failing, {"mode": "ignore"})) is None
    assert sup.which_children() == [("ign", None, "worker")]
    assert sup.start_child(ChildSpec("tmp", Failing, {"mode": "ignore"}, restart="temporary")) is None
    reason = _errors(lambda: sup.start_child(ChildSpec("bad", Failing)))
    assert str(reason) == "ValueError: cannot start"
    assert [c[0] for c in sup.which_children()] == ["ign"]
    assert _errors(lambda: sup.start_child(ChildSpec("x", Sleeper, restart="maybe"))) == (
        "invalid_restart_type", "maybe")


def test_count_which_child_and_childspec(h: Harness) -> None:
    from suptui.engine import supervisor_spec

    sup = h.start([ChildSpec("w", Sleeper), supervisor_spec("s", [ChildSpec("x", Sleeper)])])
    assert sup.count_children() == {"specs": 2, "active": 2, "supervisors": 1, "workers": 1}
    assert sup.which_child("w")[0] == "w"
    assert sup.get_childspec("s")["shutdown"] == "infinity"
    assert sup.get_childspec("s")["type"] == "supervisor"


def test_set_strategy_applies_from_the_next_failure_and_keeps_the_window(h: Harness) -> None:
    sup = h.start([ChildSpec("a", Bomb, {"bomb_time": 1000}), ChildSpec("b", Sleeper)], max_restarts=5)
    h.advance_to(1000)
    sup.set_strategy("one_for_all")
    h.advance_to(2000)
    assert h.lines(since=1) == [
        "1000 crash root/a RuntimeError: bomb Exploded!",
        "1000 start root/a restart",
        "1000 strategy root",
        "2000 crash root/a RuntimeError: bomb Exploded!",
        "2000 terminate root/b shutdown",
        "2000 start root/a restart",
        "2000 start root/b restart",
    ]
    assert sup.flags()["stamps"] == [2, 1]
    strategy = next(e for e in h.events if e.kind == "strategy")
    assert (strategy.get("strategy"), strategy.get("previous")) == ("one_for_all", "one_for_one")
    assert _errors(lambda: sup.set_strategy("simple")) == ("invalid_strategy", "simple")
