"""Property tests: random trees under random kills, exits and strategy switches.

After every action and quiescence the OTP invariants must hold, and the event stream must be whole:
every start ends exactly once, nothing is told about a process after its end, and the same run on a
different scheduler pool gives the same stream.
"""

from __future__ import annotations

import threading
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suptui.engine import RESTARTING, ChildSpec, SupervisorClient, supervisor_spec
from suptui.engine.specs import STRATEGIES

from tests.support.harness import Bomb, Harness, Sleeper
from tests.support.streams import check_stream

REASONS = ("normal", "shutdown", "boom", "kill")


@st.composite
def worker(draw: Any, name: str) -> ChildSpec:
    restart = draw(st.sampled_from(["permanent", "transient", "temporary"]))
    if draw(st.booleans()):
        return ChildSpec(name, Bomb, {"bomb_time": draw(st.integers(300, 4000))}, restart=restart)
    exit_after = draw(st.none() | st.integers(300, 4000))
    reason = draw(st.sampled_from(["normal", "boom", "shutdown"]))
    return ChildSpec(name, Sleeper, {"exit_after": exit_after, "reason": reason}, restart=restart)


@st.composite
def children(draw: Any, depth: int, prefix: str = "n") -> list[ChildSpec]:
    specs = []
    for i in range(draw(st.integers(1, 4))):
        name = f"{prefix}{i}"
        if depth > 0 and draw(st.integers(0, 3)) == 0:
            specs.append(supervisor_spec(name, draw(children(depth - 1, f"{name}_")),
                                         strategy=draw(st.sampled_from(STRATEGIES)),
                                         max_restarts=draw(st.integers(0, 5)),
                                         max_seconds=draw(st.integers(1, 5))))
        else:
            specs.append(draw(worker(name)))
    return specs


actions = st.lists(st.tuples(st.integers(1, 400), st.sampled_from(["kill", "exit", "strategy"]),
                             st.integers(0, 1000), st.sampled_from(REASONS), st.sampled_from(STRATEGIES)),
                   max_size=12)


class Run:
    """One random scenario on a harness, checking the invariants at every step."""

    def __init__(self, h: Harness, tree: list[ChildSpec], root_strategy: str) -> None:
        self.h = h
        self.client = h.start(tree, root_strategy, max_restarts=4, max_seconds=5)

    def live_paths(self) -> list[str]:
        return sorted(p for p in {e.path for e in self.h.events} if self.h.rt.whereis(p) is not None)

    def act(self, kind: str, index: int, reason: str, strategy: str) -> None:
        paths = self.live_paths()
        if not paths:
            return
        path = paths[index % len(paths)]
        pid = self.h.rt.whereis(path)
        if pid is None:
            return
        if kind == "kill":
            self.h.rt.kill(pid)
        elif kind == "exit":
            self.h.rt.stop(pid, reason)
        elif self.is_supervisor(path):
            SupervisorClient(self.h.rt, pid).request("set_strategy", strategy)

    def is_supervisor(self, path: str) -> bool:
        return any(e.kind == "start" and e.path == path and e.get("type") == "supervisor"
                   for e in self.h.events)

    def check_supervisors(self) -> None:
        for path in self.live_paths():
            if not self.is_supervisor(path):
                continue
            client = SupervisorClient(self.h.rt, self.h.rt.whereis(path))
            try:
                flags = client.flags()
                kids = client.which_children()
                specs = {child_id: client.get_childspec(child_id) for child_id, _, _ in kids}
            except Exception:
                continue  # it ended between the lookup and the call
            assert len(flags["stamps"]) <= flags["max_restarts"], path
            for child_id, pid, _ in kids:
                if specs[child_id]["restart"] == "permanent":
                    assert pid is not None or pid == RESTARTING, f"{path}/{child_id} is down"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=children(2), root_strategy=st.sampled_from(STRATEGIES), steps=actions)
def test_random_trees_keep_the_otp_invariants_and_a_whole_stream(tree, root_strategy, steps) -> None:
    threads_before = set(threading.enumerate())
    h = Harness()
    try:
        run = Run(h, tree, root_strategy)
        now = 0
        for gap, kind, index, reason, strategy in steps:
            now += gap
            h.advance_to(now)
            run.act(kind, index, reason, strategy)
            h.advance_to(now)
            run.check_supervisors()
        h.advance_to(now + 5000)
        run.check_supervisors()
    finally:
        h.close()
    check_stream(h.events)
    assert h.rt.process_count() == 0
    assert set(threading.enumerate()) - threads_before == set()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=children(2), root_strategy=st.sampled_from(STRATEGIES), steps=actions)
def test_the_pool_size_never_changes_the_stream(tree, root_strategy, steps) -> None:
    def run(schedulers: int) -> list[dict]:
        h = Harness(schedulers=schedulers)
        try:
            scenario = Run(h, tree, root_strategy)
            now = 0
            for gap, kind, index, reason, strategy in steps:
                now += gap
                h.advance_to(now)
                scenario.act(kind, index, reason, strategy)
            h.advance_to(now + 5000)
        finally:
            h.close()
        return [e.to_dict() for e in h.events]

    assert run(1) == run(3)
