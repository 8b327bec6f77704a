"""The engine on the REAL clock, with real scheduler threads: random trees under random actions at
random wall times, then a stop of the root that must leave nothing behind; and start/stop cycles of a
1,000-worker tree that must not grow threads or memory.

The virtual-clock property tests (tests/engine/test_properties.py) check exact OTP timelines; here
time is real, so only what holds at every instant is checked: a supervisor's answers are consistent
(stamps within its intensity, every permanent child running or being restarted unless the API
stopped it), the event stream is whole, every reply future is answered, and after the stop no
process and no thread of ours is left.
"""

from __future__ import annotations

import gc
import threading
import time
import tracemalloc
from concurrent.futures import Future
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suptui.engine import (
    ChildSpec,
    EventRecorder,
    NoProcess,
    Pid,
    RealClock,
    Runtime,
    Supervisor,
    SupFlags,
    supervisor_spec,
)
from suptui.engine.specs import RESTART_TYPES, STRATEGIES
from suptui.workers import Sleeper

from tests.support.harness import Bomb
from tests.support.harness import Sleeper as QuittingSleeper
from tests.support.reliability import check_stream, wait_for

MAX_WORKERS = 200
CALL_TIMEOUT_S = 5.0


@st.composite
def worker(draw: Any, name: str) -> ChildSpec:
    """Bombs and quitters on wall-clock times short enough to go off during a run."""
    restart = draw(st.sampled_from(RESTART_TYPES))
    if draw(st.booleans()):
        return ChildSpec(name, Bomb, {"bomb_time": draw(st.integers(20, 300))}, restart=restart)
    exit_after = draw(st.none() | st.integers(20, 300))
    reason = draw(st.sampled_from(["normal", "boom", "shutdown"]))
    return ChildSpec(name, QuittingSleeper, {"exit_after": exit_after, "reason": reason}, restart=restart)


@st.composite
def children(draw: Any, depth: int, budget: list[int], prefix: str = "n") -> list[ChildSpec]:
    """Up to 4 levels below the root, and at most ``budget[0]`` workers in all (quiet sleepers in bulk)."""
    specs: list[ChildSpec] = []
    for i in range(draw(st.integers(1, 4))):
        name = f"{prefix}{i}"
        if budget[0] <= 0:
            break
        if depth > 0 and draw(st.integers(0, 2)) == 0:
            specs.append(supervisor_spec(name, draw(children(depth - 1, budget, f"{name}_")),
                                         strategy=draw(st.sampled_from(STRATEGIES)),
                                         max_restarts=draw(st.integers(0, 5)),
                                         max_seconds=draw(st.integers(1, 3)),
                                         restart=draw(st.sampled_from(RESTART_TYPES))))
        elif draw(st.integers(0, 3)) == 0:
            quiet = min(budget[0], draw(st.integers(1, 60)))
            budget[0] -= quiet
            specs += [ChildSpec(f"{name}q{k}", Sleeper) for k in range(quiet)]
        else:
            budget[0] -= 1
            specs.append(draw(worker(name)))
    return specs


trees = st.builds(lambda: [MAX_WORKERS]).flatmap(lambda budget: children(3, budget))
ACTIONS = ("kill", "exit", "strategy", "terminate_child", "restart_child", "delete_child", "start_child")
actions = st.lists(st.tuples(st.integers(0, 15), st.sampled_from(ACTIONS), st.integers(0, 10_000),
                             st.sampled_from(["normal", "shutdown", "boom", "kill"]),
                             st.sampled_from(STRATEGIES)), max_size=12)


class RealRun:
    """One random scenario on a runtime with a real clock."""

    def __init__(self, tree: list[ChildSpec], strategy: str) -> None:
        self.rt = Runtime(RealClock())
        self.recorder = EventRecorder()
        self.rt.events.subscribe(self.recorder)
        self.replies: list[Future] = []
        self.stopped_by_api: set[str] = set()
        self.added = 0
        self.root = self.rt.start(Supervisor, {"flags": SupFlags(strategy, 50, 1), "children": tree},
                                  path="root")

    def known(self) -> list[str]:
        return sorted({e.path for e in self.recorder.snapshot()})

    def supervisors(self) -> list[str]:
        return sorted({"root"} | {e.path for e in self.recorder.snapshot()
                                  if e.kind == "start" and e.get("type") == "supervisor"})

    def call(self, sup_path: str, *request: Any) -> Future | None:
        pid = self.rt.whereis(sup_path)
        if pid is None:
            return None
        future = self.rt.call(pid, request)
        self.replies.append(future)
        return future

    def act(self, kind: str, index: int, reason: str, strategy: str) -> None:
        paths = self.known()
        path = paths[index % len(paths)]
        parent, _, leaf = path.rpartition("/")
        if kind == "kill":
            pid = self.rt.whereis(path)
            if pid is not None:
                self.rt.kill(pid)
        elif kind == "exit":
            pid = self.rt.whereis(path)
            if pid is not None:
                self.rt.stop(pid, reason)
        elif kind == "strategy":
            sups = self.supervisors()
            self.call(sups[index % len(sups)], "set_strategy", strategy)
        elif kind == "start_child":
            sups = self.supervisors()
            self.added += 1
            self.call(sups[index % len(sups)], "start_child", ChildSpec(f"added{self.added}", Sleeper))
        elif parent:
            if kind == "terminate_child":
                self.stopped_by_api.add(path)
            self.call(parent, kind, leaf)

    def check_supervisors(self) -> None:
        for path in self.supervisors():
            flags = self.call(path, "get_flags")
            kids = self.call(path, "which_children")
            if flags is None or kids is None:
                continue
            try:
                flags_now, kids_now = flags.result(CALL_TIMEOUT_S), kids.result(CALL_TIMEOUT_S)
            except NoProcess:
                continue  # it ended between the lookup and the call
            assert len(flags_now["stamps"]) <= flags_now["max_restarts"], path
            for child_id, pid, _ in kids_now:
                spec = self.call(path, "get_childspec", child_id)
                try:
                    reply = spec.result(CALL_TIMEOUT_S) if spec is not None else None
                except NoProcess:
                    break
                if not (isinstance(reply, tuple) and reply[0] == "ok"):
                    continue  # the child was dropped since (a temporary one ended)
                if reply[1]["restart"] == "permanent" and pid is None:
                    assert f"{path}/{child_id}" in self.stopped_by_api, f"{path}/{child_id} is down"
                own_path = self.rt.path_of(pid) if isinstance(pid, Pid) else None
                assert own_path in (None, f"{path}/{child_id}"), (path, child_id, pid, own_path)


def ours() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("suptui")}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large])
@given(tree=trees, strategy=st.sampled_from(STRATEGIES), steps=actions)
def test_random_trees_on_the_real_clock_leave_nothing_behind(tree, strategy, steps) -> None:
    before = ours()
    run = RealRun(tree, strategy)
    try:
        for gap_ms, kind, index, reason, new_strategy in steps:
            time.sleep(gap_ms / 1000)
            run.act(kind, index, reason, new_strategy)
        time.sleep(0.02)
        run.check_supervisors()
    finally:
        run.rt.shutdown()
    assert run.rt.process_count() == 0
    assert wait_for(lambda: ours() <= before, timeout=5), sorted(t.name for t in ours() - before)
    assert all(wait_for(future.done, timeout=2) for future in run.replies), "a caller was left waiting"
    check_stream(run.recorder.snapshot())


def _big_tree() -> list[ChildSpec]:
    return [supervisor_spec(f"s{i}", [ChildSpec(f"w{j}", Sleeper) for j in range(100)]) for i in range(10)]


def _cycle() -> None:
    rt = Runtime(RealClock())
    rt.start(Supervisor, {"flags": SupFlags(), "children": _big_tree()}, path="root")
    assert rt.process_count() == 1011
    rt.shutdown()
    assert rt.process_count() == 0


def test_starting_and_stopping_a_1000_worker_tree_12_times_grows_nothing() -> None:
    """Objects and threads after every cycle (the first four warm caches up); traced memory over the
    last four cycles."""
    cycles, traced_from = 12, 8
    threads_before = set(threading.enumerate())  # other tests' abandoned threads may still end meanwhile
    objects: list[int] = []
    threads: list[int] = []
    traced: list[int] = []
    try:
        for cycle in range(cycles):
            if cycle == traced_from:
                tracemalloc.start()
            _cycle()
            gc.collect()
            objects.append(len(gc.get_objects()))
            threads.append(len(set(threading.enumerate()) - threads_before))
            if cycle >= traced_from:
                traced.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert threads == [0] * cycles
    # One leaked process record per worker would be >1,000 objects a cycle; allow a little noise.
    assert max(objects[4:]) - objects[4] < 200, objects
    assert traced[-1] - traced[0] < 64 * 1024, traced
