"""The five worked timelines of docs/semantics.md §R10, event for event and ms for ms."""

from __future__ import annotations

import pytest

from tests.support.harness import LESSON, Harness, bombs


def test_a_one_for_one_gives_up_at_six_seconds(h: Harness) -> None:
    h.start(bombs(*LESSON), "one_for_one", max_restarts=5, max_seconds=5)
    h.advance_to(10_000)
    assert h.lines(since=1) == [
        "2000 crash root/bomb1 RuntimeError: bomb1 Exploded!",
        "2000 start root/bomb1 restart",
        "3000 crash root/bomb2 RuntimeError: bomb2 Exploded!",
        "3000 start root/bomb2 restart",
        "4000 crash root/bomb1 RuntimeError: bomb1 Exploded!",
        "4000 start root/bomb1 restart",
        "5000 crash root/bomb3 RuntimeError: bomb3 Exploded!",
        "5000 start root/bomb3 restart",
        "6000 crash root/bomb2 RuntimeError: bomb2 Exploded!",
        "6000 start root/bomb2 restart",
        "6000 crash root/bomb1 RuntimeError: bomb1 Exploded!",
        "6000 give_up root",
        "6000 terminate root/bomb3 shutdown",
        "6000 terminate root/bomb2 shutdown",
        "6000 exit root shutdown",
    ]
    give_up = next(e for e in h.events if e.kind == "give_up")
    assert give_up.get("restarts") == [6, 6, 5, 4, 3, 2]
    assert give_up.get("child") == "root/bomb1"


def _group_moment(t: int, crashed: str, stopped: list[str], started: list[str]) -> list[str]:
    msg = f"RuntimeError: {crashed} Exploded!"
    return ([f"{t} crash root/{crashed} {msg}"]
            + [f"{t} terminate root/{name} shutdown" for name in stopped]
            + [f"{t} start root/{name} restart" for name in started])


@pytest.mark.parametrize("strategy", ["one_for_all", "rest_for_one"])
def test_b_c_group_strategies_bounce_every_two_seconds_forever(h: Harness, strategy: str) -> None:
    h.start(bombs(*LESSON), strategy, max_restarts=5, max_seconds=5)
    h.advance_to(20_999)
    expected: list[str] = []
    for t in range(2000, 20_001, 2000):
        expected += _group_moment(t, "bomb1", ["bomb3", "bomb2"], ["bomb1", "bomb2", "bomb3"])
    assert h.lines(since=1) == expected
    last = [e for e in h.events if e.kind == "start" and e.get("restart")][-1]
    assert last.get("stamps") == [20, 18, 16]


def test_d_rest_for_one_reordered(h: Harness) -> None:
    h.start(bombs(("bomb3", 5000), ("bomb1", 2000), ("bomb2", 3000)), "rest_for_one", max_restarts=5)
    h.advance_to(20_999)
    expected: list[str] = []
    for base in (0, 5000, 10_000, 15_000):
        if base:
            expected += _group_moment(base, "bomb3", ["bomb2", "bomb1"], ["bomb3", "bomb1", "bomb2"])
        expected += _group_moment(base + 2000, "bomb1", ["bomb2"], ["bomb1", "bomb2"])
        expected += _group_moment(base + 4000, "bomb1", ["bomb2"], ["bomb1", "bomb2"])
    expected += _group_moment(20_000, "bomb3", ["bomb2", "bomb1"], ["bomb3", "bomb1", "bomb2"])
    assert h.lines(since=1) == expected
    assert not any(e.kind == "crash" and e.path == "root/bomb2" for e in h.events)


def test_d_reordered_dies_at_seven_seconds_with_default_intensity(h: Harness) -> None:
    h.start(bombs(("bomb3", 5000), ("bomb1", 2000), ("bomb2", 3000)), "rest_for_one")
    h.advance_to(20_000)
    give_up = next(e for e in h.events if e.kind == "give_up")
    assert (give_up.t, give_up.get("restarts")) == (7000, [7, 5, 4, 2])


def test_e_sugar_bomb_gives_up_on_the_fourth_crash(h: Harness) -> None:
    h.start(bombs(("Bomb", 1000)))
    h.advance_to(10_000)
    assert h.lines(since=1) == [
        "1000 crash root/Bomb RuntimeError: Bomb Exploded!",
        "1000 start root/Bomb restart",
        "2000 crash root/Bomb RuntimeError: Bomb Exploded!",
        "2000 start root/Bomb restart",
        "3000 crash root/Bomb RuntimeError: Bomb Exploded!",
        "3000 start root/Bomb restart",
        "4000 crash root/Bomb RuntimeError: Bomb Exploded!",
        "4000 give_up root",
        "4000 exit root shutdown",
    ]


@pytest.mark.parametrize("schedulers", [1, 2, 4])
def test_same_run_gives_the_same_stream_whatever_the_pool_size(schedulers: int) -> None:
    def run(pool: int) -> list[dict]:
        harness = Harness(schedulers=pool)
        try:
            harness.start(bombs(("bomb3", 5000), ("bomb1", 2000), ("bomb2", 3000)), "rest_for_one",
                          max_restarts=5)
            harness.advance_to(30_000)
            return [e.to_dict() for e in harness.events]
        finally:
            harness.close()

    assert run(schedulers) == run(1)
