"""Failed restarts: the try-again loop, escalation, and group restarts that stop part-way (R4.6, R4.7)."""

from __future__ import annotations

import pytest

from suptui.engine import RESTARTING, ChildSpec

from tests.support.harness import Flaky, Harness, Sleeper


def test_one_for_one_retries_at_once_and_each_retry_counts(h: Harness) -> None:
    attempts: list[float] = []
    plan = [False, True, True]
    sup = h.start([ChildSpec("w", Flaky, {"plan": plan, "attempts": attempts, "exit_after": 1000})],
                  max_restarts=5)
    h.advance_to(1000)
    assert attempts == [0, 1000, 1000, 1000]
    assert sup.flags()["stamps"] == [1, 1, 1]
    assert sup.which_children()[0][1] not in (None, RESTARTING)


@pytest.mark.parametrize("strategy", ["one_for_one", "one_for_all", "rest_for_one"])
def test_a_restart_that_keeps_failing_escalates(h: Harness, strategy: str) -> None:
    plan = [False] + [True] * 10
    h.start([ChildSpec("a", Sleeper), ChildSpec("w", Flaky, {"plan": plan, "exit_after": 1000})], strategy)
    h.advance_to(1000)
    give_up = next(e for e in h.events if e.kind == "give_up")
    assert (give_up.t, give_up.get("restarts"), give_up.get("child")) == (1000, [1, 1, 1, 1], "root/w")
    assert not h.rt.is_alive(h.root)
    assert h.lines(since=1)[-2:] == ["1000 terminate root/a shutdown", "1000 exit root shutdown"]


def test_one_for_all_stops_everything_again_when_a_later_child_fails_to_restart(h: Harness) -> None:
    plan_b = [False, True]
    h.start([ChildSpec("a", Sleeper, {"exit_after": 1000, "reason": "boom"}),
             ChildSpec("b", Flaky, {"plan": plan_b}), ChildSpec("c", Sleeper)], "one_for_all", max_restarts=5)
    h.advance_to(1000)
    assert h.lines(since=1) == [
        "1000 crash root/a boom",
        "1000 terminate root/c shutdown",
        "1000 terminate root/b shutdown",
        "1000 start root/a restart",
        "1000 crash root/b RuntimeError: start failed",
        "1000 terminate root/a shutdown",
        "1000 start root/a restart",
        "1000 start root/b restart",
        "1000 start root/c restart",
    ]


def test_rest_for_one_redoes_only_the_failing_child_and_later_ones(h: Harness) -> None:
    plan_b = [False, True]
    h.start([ChildSpec("a", Sleeper, {"exit_after": 1000, "reason": "boom"}),
             ChildSpec("b", Flaky, {"plan": plan_b}), ChildSpec("c", Sleeper)],
            "rest_for_one", max_restarts=5)
    h.advance_to(1000)
    assert h.lines(since=1) == [
        "1000 crash root/a boom",
        "1000 terminate root/c shutdown",
        "1000 terminate root/b shutdown",
        "1000 start root/a restart",
        "1000 crash root/b RuntimeError: start failed",
        "1000 start root/b restart",
        "1000 start root/c restart",
    ]


def test_terminate_child_while_restarting_cancels_the_retry(h: Harness) -> None:
    plan = [False, True, True, True]
    sup = h.start([ChildSpec("w", Flaky, {"plan": plan, "start_time": 100, "exit_after": 1000})],
                  max_restarts=10)
    h.advance_to(1150)  # crash at 1100, the restart's init is sleeping until 1200
    pending = sup.request("terminate_child", "w")
    h.advance_to(1200)  # the restart fails; the retry is queued behind our call
    assert h.rt.wait(pending) == "ok"
    h.advance_to(5000)
    assert sup.which_children() == [("w", None, "worker")]
    assert sup.flags()["stamps"] == [1]


def test_restarting_child_refuses_restart_and_delete(h: Harness) -> None:
    plan = [False, True, True, True]
    sup = h.start([ChildSpec("w", Flaky, {"plan": plan, "start_time": 100, "exit_after": 1000})],
                  max_restarts=10)
    h.advance_to(1150)
    calls = [sup.request("which_children"), sup.request("restart_child", "w"),
             sup.request("delete_child", "w"), sup.request("count_children")]
    h.advance_to(1200)
    which, restart, delete, counts = (h.rt.wait(c) for c in calls)
    assert which == [("w", RESTARTING, "worker")]
    assert restart == ("error", "restarting")
    assert delete == ("error", "restarting")
    assert counts == {"specs": 1, "active": 0, "supervisors": 0, "workers": 1}


def test_a_failed_restart_tells_its_cause_and_window(h: Harness) -> None:
    h.start([ChildSpec("w", Flaky, {"plan": [False, True], "exit_after": 1000})], max_restarts=5)
    h.advance_to(1000)
    failed = next(e for e in h.events if e.kind == "crash" and e.get("phase") == "init")
    assert (failed.get("restart"), failed.get("cause"), failed.get("stamps")) == (True, "root/w", [1])
