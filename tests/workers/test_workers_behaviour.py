"""Each built-in worker on the virtual clock: what it does, to the millisecond."""

from __future__ import annotations

import itertools

import pytest

from suptui.engine import ChildSpec, StartError
from suptui.workers import Bomb, Flaky, Quitter, Sleeper, SlowStart, SlowStop, Ticker

from tests.support.harness import Harness


def state(h: Harness, path: str) -> str | None:
    pid = h.rt.whereis(path)
    assert pid is not None, f"{path} is not running"
    return h.rt.describe_state(pid)


def stop_root(h: Harness) -> None:
    h.rt.wait(h.rt.stop(h.root, "shutdown"))


# ---------------------------------------------------------------- bomb


def test_a_bomb_explodes_bomb_time_after_each_start(h: Harness) -> None:
    h.start([ChildSpec("b", Bomb, {"name": "Bomb 1", "bomb_time": 1500})], max_restarts=10)
    h.advance_to(4600)
    assert h.lines(kinds=("crash", "start")) == [
        "0 start root/b", "0 start root",
        "1500 crash root/b RuntimeError: Bomb 1 Exploded!", "1500 start root/b restart",
        "3000 crash root/b RuntimeError: Bomb 1 Exploded!", "3000 start root/b restart",
        "4500 crash root/b RuntimeError: Bomb 1 Exploded!", "4500 start root/b restart",
    ]


def test_a_bomb_is_named_after_its_id_by_default_and_shows_when_it_explodes(h: Harness) -> None:
    h.start([ChildSpec("bomb7", Bomb)])
    assert state(h, "root/bomb7") == "explodes at 2000 ms"
    h.advance_to(2000)
    assert h.lines(kinds=("crash",)) == ["2000 crash root/bomb7 RuntimeError: bomb7 Exploded!"]
    assert state(h, "root/bomb7") == "explodes at 4000 ms"


# ---------------------------------------------------------------- quitter


@pytest.mark.parametrize(("restart", "reason", "expected"), [
    ("permanent", "normal", ["1000 exit root/q normal", "1000 start root/q restart"]),
    ("transient", "normal", ["1000 exit root/q normal"]),
    ("transient", "shutdown", ["1000 exit root/q shutdown"]),
    ("transient", "crash", ["1000 crash root/q crash", "1000 start root/q restart"]),
    ("temporary", "crash", ["1000 crash root/q crash"]),
    ("transient", ["shutdown", "done"], ["1000 exit root/q {shutdown, done}"]),
    ("permanent", ["shutdown", "done"], ["1000 exit root/q {shutdown, done}", "1000 start root/q restart"]),
    ("transient", ("shutdown", "done"), ["1000 exit root/q {shutdown, done}"]),
])
def test_a_quitter_exits_with_its_reason_and_is_restarted_per_its_restart_type(h: Harness, restart, reason,
                                                                                expected) -> None:
    h.start([ChildSpec("q", Quitter, {"quit_time": 1000, "reason": reason}, restart=restart)])
    h.advance_to(1500)
    assert h.lines(since=1, kinds=("exit", "crash", "start")) == expected


def test_a_quitter_shows_when_it_quits(h: Harness) -> None:
    h.start([ChildSpec("q", Quitter, {"quit_time": 700}),
             ChildSpec("q2", Quitter, {"quit_time": 700, "reason": ["shutdown", "done"]})])
    assert state(h, "root/q") == "quits (normal) at 700 ms"
    assert state(h, "root/q2") == "quits ({shutdown, done}) at 700 ms"


# ---------------------------------------------------------------- ignore (every worker)


ALL_WORKERS = [Bomb, Quitter, Sleeper, Ticker, Flaky, SlowStop, SlowStart]


@pytest.mark.parametrize("cls", ALL_WORKERS)
def test_every_worker_can_decline_to_start_and_a_static_supervisor_keeps_its_spec(h: Harness, cls) -> None:
    sup = h.start([ChildSpec("w", cls, {"ignore": True}),
                   ChildSpec("t", cls, {"ignore": True}, restart="temporary")])
    assert h.lines(kinds=("start", "exit", "crash")) == [
        "0 exit root/w normal", "0 exit root/t normal", "0 start root"]
    assert {e.get("phase") for e in h.events if e.kind == "exit"} == {"ignore"}
    assert sup.which_children() == [("w", None, "worker")]


def test_ignore_from_lets_a_child_start_then_ignore_its_restart(h: Harness) -> None:
    sup = h.start([ChildSpec("b", Bomb, {"bomb_time": 1000, "ignore": True, "ignore_from": 500})])
    h.advance_to(3000)
    assert h.lines(since=1, kinds=("start", "exit", "crash")) == [
        "1000 crash root/b RuntimeError: b Exploded!", "1000 exit root/b normal"]
    assert sup.which_children() == [("b", None, "worker")]


# ---------------------------------------------------------------- sleeper


def test_a_sleeper_does_nothing_until_stopped(h: Harness) -> None:
    h.start([ChildSpec("s", Sleeper)])
    h.advance_to(100_000)
    assert h.lines() == ["0 start root/s", "0 start root"]
    assert state(h, "root/s") is None
    stop_root(h)
    assert h.lines(since=1) == ["100000 terminate root/s shutdown", "100000 exit root shutdown"]


# ---------------------------------------------------------------- ticker


def test_a_ticker_counts_and_loses_its_count_on_restart(h: Harness) -> None:
    h.start([ChildSpec("t", Ticker, {"interval": 250})])
    h.advance_to(1100)
    assert state(h, "root/t") == "count 4"
    pid = h.rt.whereis("root/t")
    assert pid is not None and h.rt.kill(pid)
    h.rt.wait_idle()
    assert state(h, "root/t") == "count 0"
    h.advance_to(1600)
    assert state(h, "root/t") == "count 2"
    assert h.lines(since=1) == ["1100 kill root/t", "1100 crash root/t killed", "1100 start root/t restart"]


# ---------------------------------------------------------------- flaky


def test_a_certain_flaky_worker_crashes_on_its_first_tick(h: Harness) -> None:
    h.start([ChildSpec("f", Flaky, {"interval": 300, "p": 1.0})], max_restarts=100)
    h.advance_to(700)
    assert h.lines(kinds=("crash",)) == ["300 crash root/f RuntimeError: f failed on tick 1",
                                         "600 crash root/f RuntimeError: f failed on tick 1"]


def test_a_flaky_worker_with_p_zero_never_crashes_and_counts_its_ticks(h: Harness) -> None:
    h.start([ChildSpec("f", Flaky, {"interval": 100, "p": 0.0})])
    h.advance_to(5000)
    assert h.lines(kinds=("crash",)) == []
    assert state(h, "root/f") == "tick 50, p = 0.0"


def flaky_crashes(seed: int) -> list[tuple[int, str]]:
    """Two flaky siblings with p = 0.3 ticking every 100 ms for 20 s, under a run seed."""
    h = Harness()
    try:
        h.rt.seed = seed
        h.start([ChildSpec(name, Flaky, {"interval": 100, "p": 0.3}) for name in ("a", "b")],
                max_restarts=1000)
        h.advance_to(20_000)
        return [(e.t, e.path) for e in h.events if e.kind == "crash"]
    finally:
        h.close()


def test_flaky_crashes_replay_by_seed_and_differ_by_seed_path_and_restart() -> None:
    first = flaky_crashes(seed=7)
    assert len(first) > 50
    assert flaky_crashes(seed=7) == first
    assert flaky_crashes(seed=8) != first
    times_a = [t for t, path in first if path == "root/a"]
    times_b = [t for t, path in first if path == "root/b"]
    assert times_a != times_b
    gaps = {later - earlier for earlier, later in itertools.pairwise(times_a)}
    assert len(gaps) > 3, "each restart should draw a fresh sequence, not replay the same one"


# ---------------------------------------------------------------- slow_stop


@pytest.mark.parametrize(("shutdown", "at", "reason", "error"), [
    (1000, 600, "shutdown", None),
    (200, 300, "killed", True),
    ("brutal_kill", 100, "killed", None),
    ("infinity", 600, "shutdown", None),
])
def test_slow_stop_takes_stop_time_unless_its_shutdown_runs_out(h: Harness, shutdown, at, reason,
                                                                error) -> None:
    h.start([ChildSpec("s", SlowStop, {"stop_time": 500}, shutdown=shutdown)])
    h.advance_to(100)
    stop_root(h)
    terminate = next(e for e in h.events if e.kind == "terminate")
    assert (terminate.t, terminate.get("reason"), terminate.get("shutdown_error")) == (at, reason, error)


def test_slow_stop_shows_that_it_is_stopping(h: Harness) -> None:
    h.start([ChildSpec("s", SlowStop, {"stop_time": 500})])
    assert state(h, "root/s") == "running (stopping takes 500 ms)"
    h.rt.stop(h.root, "shutdown")
    h.advance_to(200)
    assert state(h, "root/s") == "stopping since 0 ms (takes 500 ms)"
    h.advance_to(500)
    assert h.rt.whereis("root/s") is None


# ---------------------------------------------------------------- slow_start


def test_slow_start_makes_its_supervisor_wait(h: Harness) -> None:
    h.start([ChildSpec("s", SlowStart, {"start_time": 700}), ChildSpec("after", Sleeper)])
    assert h.lines() == ["700 start root/s", "700 start root/after", "700 start root"]
    assert state(h, "root/s") == "started"


def test_slow_start_failing_at_boot_fails_its_supervisor(h: Harness) -> None:
    with pytest.raises(StartError) as info:
        h.start([ChildSpec("s", SlowStart, {"start_time": 300, "fail_start": True})])
    assert info.value.result.reason[1][:2] == ("failed_to_start_child", "s")
    crash = next(e for e in h.events if e.kind == "crash")
    assert (crash.t, crash.path, crash.get("reason"), crash.get("phase")) == (
        300, "root/s", "RuntimeError: s failed to start", "init")


def test_slow_start_failing_on_restart_loops_trying_again_then_gives_up(h: Harness) -> None:
    h.start([ChildSpec("s", SlowStart, {"start_time": 200, "fail_start": True, "fail_from": 1000})])
    h.advance_to(1000)
    pid = h.rt.whereis("root/s")
    assert pid is not None and h.rt.kill(pid)
    h.advance_to(5000)
    assert h.lines(since=1, kinds=("kill", "crash", "give_up", "exit")) == [
        "1000 kill root/s",
        "1000 crash root/s killed",
        "1200 crash root/s RuntimeError: s failed to start",
        "1400 crash root/s RuntimeError: s failed to start",
        "1600 crash root/s RuntimeError: s failed to start",
        "1600 give_up root",
        "1600 exit root shutdown",
    ]
    assert next(e for e in h.events if e.kind == "give_up").get("restarts") == [1, 1, 1, 1]
