"""The whole-second restart window (docs/semantics.md §R3), as a pure function and on the clock."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from suptui.engine import ChildSpec, Runtime, Supervisor, SupFlags, VirtualClock
from suptui.engine.intensity import RestartWindow, Window, add_restart, exceeded, stamp

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


@given(st.lists(st.integers(0, 200), max_size=80), st.integers(0, 30), st.booleans())
def test_the_supervisors_window_is_otps_list_rule(times: list[int], period: int, in_order: bool) -> None:
    """The per-second window a supervisor keeps reads exactly as OTP's list of stamps after every
    restart (even a stamp older than the newest, which a monotonic clock never makes)."""
    window = RestartWindow()
    stamps: tuple[int, ...] = ()
    for now in sorted(times) if in_order else times:
        stamps = add_restart(stamps, now, period)
        snapshot = window.add(now, period)
        assert snapshot == stamps and stamps == snapshot and tuple(snapshot) == stamps
        assert len(snapshot) == len(stamps) and list(reversed(snapshot)) == list(reversed(stamps))
        assert snapshot[0] == stamps[0] and snapshot[1:] == stamps[1:] and hash(snapshot) == hash(stamps)
        assert exceeded(snapshot, len(stamps) - 1) and not exceeded(snapshot, len(stamps))


def test_a_window_of_many_restarts_is_a_few_runs() -> None:
    window = RestartWindow()
    for n in range(30_000):
        snapshot = window.add(100 + n // 10_000, 1)
    assert len(snapshot) == 20_000 and snapshot.runs == ((102, 10_000), (101, 10_000))
    assert Window.of(tuple(snapshot)) == snapshot and repr(Window.of((3, 3, 2))) == "(3, 3, 2)"
