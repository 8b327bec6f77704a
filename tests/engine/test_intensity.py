"""The whole-second restart window (docs/semantics.md §R3), as a pure function and on the clock."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from suptui.engine import ChildSpec, Runtime, Supervisor, SupFlags, VirtualClock
from suptui.engine.intensity import add_restart, exceeded, stamp

from tests.support.harness import Harness, Sleeper


def test_window_is_inclusive_and_counts_the_new_restart() -> None:
    assert add_restart((5, 3, 0), 5, 5) == (5, 5, 3, 0)
    assert add_restart((5, 3, 0), 6, 5) == (6, 5, 3)
    assert not exceeded((1,), 1)
    assert exceeded((1, 1), 1)
    assert exceeded((0,), 0)


def test_stamps_floor_to_whole_seconds_with_a_phase() -> None:
    assert stamp(1999.9) == 1
    assert stamp(1999.9, phase_s=0.5) == 2
    assert stamp(-1) == -1


@given(st.lists(st.integers(0, 10_000), max_size=50), st.integers(1, 60))
def test_window_keeps_exactly_the_recent_stamps(times: list[int], period: int) -> None:
    stamps: tuple[int, ...] = ()
    for now in sorted(times):
        stamps = add_restart(stamps, now, period)
        assert stamps[0] == now
        assert all(s >= now - period for s in stamps)
        assert list(stamps) == sorted(stamps, reverse=True)


def _crasher_every(h: Harness, ms: int, intensity: int, period: int, phase: float = 0.0) -> None:
    h.rt.intensity_phase = phase
    h.start([ChildSpec("w", Sleeper, {"exit_after": ms, "reason": "boom"})],
            max_restarts=intensity, max_seconds=period)


def test_crashes_exactly_period_apart_give_up_on_the_second(h: Harness) -> None:
    _crasher_every(h, 5000, 1, 5)
    h.advance_to(11_000)
    give_up = next(e for e in h.events if e.kind == "give_up")
    assert (give_up.t, give_up.get("restarts")) == (10_000, [10, 5])


def test_restarts_2_1_seconds_apart_survive_intensity_1_period_1(h: Harness) -> None:
    _crasher_every(h, 2100, 1, 1)
    h.advance_to(30_000)
    assert not any(e.kind == "give_up" for e in h.events)


def test_gap_between_period_and_period_plus_one_depends_on_phase() -> None:
    def gives_up(phase: float) -> bool:
        rt = Runtime(VirtualClock(), intensity_phase=phase)
        try:
            rt.start(Supervisor, {"flags": SupFlags("one_for_one", 1, 1),
                                  "children": [ChildSpec("w", Sleeper, {"exit_after": 1500, "reason": "x"})]},
                     path="root")
            rt.clock.advance_to(3100)
            return not rt.is_alive(rt.whereis("root"))
        finally:
            rt.shutdown()

    assert not gives_up(0.0)  # crashes at 1.5 s and 3.0 s stamp 1 and 3: 2 apart, outside period 1
    assert gives_up(0.6)  # the same crashes stamp 2 and 3: inside the window, so the second is fatal


def test_intensity_zero_gives_up_on_the_first_restart(h: Harness) -> None:
    _crasher_every(h, 1000, 0, 5)
    h.advance_to(2000)
    assert [e.kind for e in h.events if e.t == 1000] == ["crash", "give_up", "exit"]
