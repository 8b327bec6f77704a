"""The restart gauge: OTP's whole-second window, exact to the millisecond near the limit and at give-up
(docs/semantics.md §R3 and the worked timelines of §R10)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from suptui.engine import Event, GiveUp
from suptui.engine.intensity import add_restart, exceeded
from suptui.timeline import TimelineModel
from suptui.timeline.gauge import gauge_at, leaves_at_ms


@pytest.mark.parametrize(("t", "expected"), [
    (0, (0, 5, None)),
    (1999, (0, 5, None)),
    (2000, (1, 5, 6000)),     # stamp 2 counts while floor(now) - 2 <= 5: until 7.999 s
    (5999, (4, 5, 2001)),     # stamps 5, 4, 3, 2: one restart left
    (6000, (6, 5, None)),     # the sixth restart inside the window: gave up
    (60_000, (6, 5, None)),   # and stays given up
])
def test_bombs_one_for_one_gauge(models: dict[str, TimelineModel], t: int, expected: tuple) -> None:
    gauge = models["bombs"].gauge("root", t)
    assert gauge is not None and gauge.triple == expected


def test_bombs_give_up_reads_like_the_engine(models: dict[str, TimelineModel]) -> None:
    before, after = models["bombs"].gauge("root", 5999), models["bombs"].gauge("root", 6000)
    assert before is not None and after is not None
    assert (before.label(), before.full, before.gave_up) == ("4/5 · next frees in 2.0 s", False, False)
    assert (after.label(), after.stamps, after.gave_up) == ("6/5 · gave up", (6, 6, 5, 4, 3, 2), True)


@pytest.mark.parametrize(("t", "expected"), [
    (6999, (3, 5, 1001)),    # stamps 5, 4, 2
    (7000, (4, 5, 1000)),    # bomb1 at 7 s: stamps 7, 5, 4, 2, the fullest the window gets
    (7999, (4, 5, 1)),       # the stamp from 2 s leaves at exactly 8.000 s
    (8000, (3, 5, 2000)),
    (9000, (4, 5, 1000)),    # stamps 9, 7, 5, 4
])
def test_rest_for_one_reordered_never_reaches_the_limit(models: dict[str, TimelineModel], t: int,
                                                        expected: tuple) -> None:
    gauge = models["bombs_reordered"].gauge("root", t)
    assert gauge is not None and gauge.triple == expected


def test_the_gauge_never_disagrees_with_the_engine(models: dict[str, TimelineModel],
                                                   runs: dict[str, list[Event]]) -> None:
    """After every restart decision the gauge counts exactly the engine's window, and a give-up
    happens exactly when that count passes max_restarts."""
    for name, model in models.items():
        for lane in model.lanes():
            for decision in lane.decisions:
                lifetime = lane.lifetime_at(decision.t)
                assert lifetime is not None and lifetime.max_restarts is not None
                assert decision.window[0] == decision.stamp
                assert decision.fatal == exceeded(decision.window, lifetime.max_restarts), name
        for give_up in (e for e in runs[name] if isinstance(e, GiveUp)):
            gauge = model.gauge(give_up.path, give_up.t, give_up.pid)
            assert gauge is not None and gauge.gave_up
            assert gauge.used == len(give_up.restarts) > gauge.max_restarts


def test_a_restarted_supervisor_starts_with_an_empty_window(models: dict[str, TimelineModel]) -> None:
    nested = models["nested"]
    at_limit, fresh = nested.gauge("root/web/handlers", 2999), nested.gauge("root/web/handlers", 3000)
    assert at_limit is not None and at_limit.triple == (2, 2, 4001) and at_limit.full
    assert fresh is not None and fresh.triple == (0, 2, None)
    old = nested.gauge("root/web/handlers", 3000, pid="<0.7.0>")  # the one that gave up at that instant
    assert old is not None and (old.label(), old.stamps) == ("3/2 · gave up", (3, 2, 1))
    web = nested.gauge("root/web", 3000)  # the handlers' give-up cost web one restart of its 1 in 10 s
    assert web is not None and (web.used, web.max_restarts, web.frees_in_ms) == (1, 1, 11_000)


def test_a_group_restart_is_one_stamp(models: dict[str, TimelineModel]) -> None:
    gauge = models["bombs_one_for_all"].gauge("root", 8000)
    assert gauge is not None and (gauge.used, gauge.stamps) == (3, (8, 6, 4))


def test_a_supervisor_that_stopped_for_another_reason_has_no_gauge(event: Callable[..., Event]) -> None:
    model = TimelineModel([
        event(0, "start", "root", "<0.1.0>", type="supervisor", max_restarts=3, max_seconds=5),
        event(1000, "exit", "root", "<0.1.0>", reason="normal"),
    ])
    assert model.gauge("root", 1000) is not None
    assert model.gauge("root", 1001) is None


def test_hidden_decisions_of_failed_restarts_are_recovered(event: Callable[..., Event]) -> None:
    """A restart whose start failed carries no window; the next window shows its stamp."""
    model = TimelineModel([
        event(0, "start", "root/w", "<0.2.0>"),
        event(0, "start", "root", "<0.1.0>", type="supervisor", max_restarts=3, max_seconds=5),
        event(2000, "crash", "root/w", "<0.2.0>", reason="boom"),
        event(2000, "crash", "root/w", "<0.3.0>", reason="boom", phase="init"),
        event(2000, "start", "root/w", "<0.4.0>", restart=True, cause="root/w", stamps=[2, 2]),
    ])
    lane = model.lane("root")
    assert lane is not None and [(d.t, d.window) for d in lane.decisions] == [(2000, (2,)), (2000, (2, 2))]
    gauge = model.gauge("root", 2000)
    assert gauge is not None and gauge.triple == (2, 3, 6000)


def test_window_arithmetic_matches_add_restart() -> None:
    """gauge_at agrees with the engine's own add_restart at every millisecond boundary that matters."""
    window: tuple[int, ...] = ()
    for now_s in (0, 1, 1, 4, 5, 6, 7, 11, 12):
        window = add_restart(window, now_s, 5)
        for probe_ms in (now_s * 1000, now_s * 1000 + 999, (now_s + 1) * 1000, (now_s + 6) * 1000 - 1):
            gauge = gauge_at(window, probe_ms, 10, 5)
            kept = add_restart(window, probe_ms // 1000, 5)[1:]  # what a restart right then would keep
            assert gauge.stamps == kept
            if gauge.frees_in_ms is not None:
                leaves = probe_ms + gauge.frees_in_ms
                assert gauge_at(window, leaves - 1, 10, 5).used == gauge.used
                oldest = gauge.stamps.count(gauge.stamps[-1])
                assert gauge_at(window, leaves, 10, 5).used == gauge.used - oldest


def test_the_phase_moves_where_seconds_fall() -> None:
    assert leaves_at_ms(2, 5) == 8000
    assert leaves_at_ms(2, 5, phase_s=0.25) == 7750
    assert gauge_at((2,), 7749, 5, 5, phase_s=0.25).used == 1
    assert gauge_at((2,), 7750, 5, 5, phase_s=0.25).used == 0
