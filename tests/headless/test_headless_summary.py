"""How ``--format summary`` tells the things the lesson's timelines do not show: restart types,
script actions, escalation, slow stops, long lists. Each tree is small and written for one rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from suptui.story.moments import join_names, when

Run = Callable[..., str]


@pytest.mark.parametrize(("t_ms", "expected"), [
    (0, "0 seconds"), (1000, "1 second"), (2000, "2 seconds"), (2500, "2.5 seconds"),
    (1, "0.001 seconds"), (12_345, "12.345 seconds"), (1500, "1.5 seconds"),
])
def test_when(t_ms: int, expected: str) -> None:
    assert when(t_ms) == expected


def test_names_are_relative_and_long_lists_are_counted() -> None:
    assert join_names(["root/a"]) == "a"
    assert join_names(["root/a", "root/b"]) == "a and b"
    assert join_names([f"root/s/w{i}" for i in range(6)]) == "s/w0, s/w1, s/w2, s/w3, s/w4 and s/w5"
    assert join_names([f"root/s/w{i}" for i in range(7)], "root/s") == "w0, w1, w2, w3, w4 and 2 more"
    assert join_names(["root"]) == "root"


def test_a_child_that_stays_dead_says_so(headless: Run) -> None:
    """temporary: never restarted; transient: only after a crash. The next thing its supervisor does
    (here restarting keeper at 4 s) shows that no restart came."""
    out = headless("""
        max_restarts = 10
        [[children]]
        id = "once"
        worker = "bomb"
        restart = "temporary"
        args = { bomb_time = 1000 }
        [[children]]
        id = "done"
        worker = "quitter"
        restart = "transient"
        args = { quit_time = 2000 }
        [[children]]
        id = "failing"
        worker = "quitter"
        restart = "transient"
        args = { quit_time = 3000, reason = "crash" }
        [[children]]
        id = "keeper"
        worker = "quitter"
        args = { quit_time = 4000 }
    """, until=4500)
    assert out == (
        "- 0 seconds: root starts once, done, failing and keeper\n"
        "- 1 second: once crashes (not restarted)\n"
        "- 2 seconds: done exits (not restarted)\n"
        "- 3 seconds: failing crashes\n"
        "- 4 seconds: keeper exits\n"
    )


def test_no_claim_without_evidence(headless: Run) -> None:
    """Nothing happens after the temporary child dies, so the summary does not claim either way."""
    out = headless("""
        [[children]]
        id = "once"
        worker = "bomb"
        restart = "temporary"
        args = { bomb_time = 1000 }
    """, until=5000)
    assert out.splitlines()[-1] == "- 1 second: once crashes"


def test_script_actions(headless: Run) -> None:
    out = headless("""
        [[children]]
        id = "a"
        worker = "sleeper"
        [[children]]
        id = "b"
        worker = "sleeper"
        [[script]]
        at = 1000
        action = "kill"
        target = "root/a"
        [[script]]
        at = 1500
        action = "set_strategy"
        target = "root"
        strategy = "one_for_all"
        [[script]]
        at = 2000
        action = "terminate_child"
        target = "root/b"
        [[script]]
        at = 2500
        action = "restart_child"
        target = "root/b"
        [[script]]
        at = 3000
        action = "exit"
        target = "root/b"
        reason = "shutdown"
        [[script]]
        at = 4000
        action = "start_child"
        target = "root"
        child = { id = "c", worker = "sleeper" }
    """, until=5000)
    assert out == (
        "- 0 seconds: root starts a and b\n"
        "- 1 second: a is killed by the script\n"
        "- 1.5 seconds: root switches from one_for_one to one_for_all\n"
        "- 2 seconds: root terminates b\n"
        "- 2.5 seconds: root restarts b\n"
        "- 3 seconds: b shuts down (a restarted)\n"
        "- 4 seconds: root starts c\n"
    )


def test_escalation_names_the_children_from_their_supervisor(headless: Run) -> None:
    """A sub-supervisor that gives up stops its other children and is restarted with its siblings;
    the restarted sub-supervisor's own children are implied, not listed."""
    out = headless("""
        strategy = "one_for_all"
        [[children]]
        id = "sub"
        max_restarts = 0
          [[children.children]]
          id = "b"
          worker = "bomb"
          args = { bomb_time = 1000 }
          [[children.children]]
          id = "s"
          worker = "sleeper"
        [[children]]
        id = "other"
        worker = "sleeper"
    """, until=1500)
    assert out == (
        "- 0 seconds: root starts sub and other\n"
        "- 1 second: sub/b crashes; sub gives up (1 restart in 5 s > 0; other restarted), stopping s\n"
    )


def test_a_slow_group_restart_is_told_when_it_happens(headless: Run) -> None:
    """one_for_all waits for each slow sibling to stop: the replies come in later moments."""
    out = headless("""
        strategy = "one_for_all"
        [[children]]
        id = "slow"
        worker = "slow_stop"
        args = { stop_time = 1000 }
        [[children]]
        id = "bomb"
        worker = "bomb"
        args = { bomb_time = 2000 }
    """, until=3500)
    assert out == (
        "- 0 seconds: root starts slow and bomb\n"
        "- 2 seconds: bomb crashes\n"
        "- 3 seconds: root stops slow and restarts slow and bomb (because of bomb)\n"
    )


def test_a_failing_restart_is_tried_again(headless: Run) -> None:
    out = headless("""
        [[children]]
        id = "db"
        worker = "slow_start"
        args = { start_time = 0, fail_start = true, fail_from = 1 }
        [[script]]
        at = 1000
        action = "exit"
        target = "root/db"
        reason = "crash"
    """, until=5000)
    assert out == (
        "- 0 seconds: root starts db\n"
        "- 1 second: db crashes; db fails to start (3 times); root gives up (4 restarts in 5 s > 3)\n"
    )


def test_a_big_group_restart_stays_one_line(headless: Run) -> None:
    out = headless("""
        strategy = "one_for_all"
        [[children]]
        id = "bomb"
        worker = "bomb"
        args = { bomb_time = 1000 }
        [[children]]
        id = "w"
        worker = "sleeper"
        count = 40
    """, until=1500)
    assert out.splitlines()[1] == "- 1 second: bomb crashes (w-1, w-2, w-3, w-4, w-5 and 35 more restarted)"
