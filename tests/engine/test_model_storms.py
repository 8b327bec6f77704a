"""Kill storms against a reference model: random trees (up to 4 levels, up to 200 workers, every
strategy and restart type) under random actions at random virtual times (kill, GenServer.stop and
exit/2 with each reason, set_strategy, terminate/restart/delete/start_child).

After every action and quiescence, every live supervisor's ``which_children``, strategy and restart
stamps must equal what ``otp_model`` (written from docs/semantics.md, not from the engine) says, and each
API call must answer what the model answers. At the end: how many times each path was started, and a
whole event stream (every start ends once, nothing after an end, the stamps never over the limit).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suptui.engine import ChildSpec, SupervisorClient, SupervisorError, supervisor_spec
from suptui.engine.specs import RESTART_TYPES, STRATEGIES

from tests.support.harness import Harness, Sleeper
from tests.support.otp_model import Model, Spec, SupSpec, WorkerSpec
from tests.support.streams import check_stream

MAX_WORKERS = 200
STORM_EXAMPLES = int(os.environ.get("SUPTUI_STORM_EXAMPLES", "120"))
"""Examples per run: 120 in the suite (a few seconds); ``SUPTUI_STORM_EXAMPLES=5000`` for a long hunt."""
REASONS = ("normal", "shutdown", "boom", "kill")
ACTIONS = ("kill", "stop", "signal", "set_strategy", "terminate_child", "restart_child", "delete_child",
           "start_child")


@st.composite
def sup_spec(draw: Any, sup_id: str, depth: int, budget: list[int], restart: str) -> SupSpec:
    """A supervisor with a few children, or now and then a wide one (up to 80); a child is a supervisor
    with probability 1/3 while depth allows. ``budget`` counts the workers still allowed."""
    wide = draw(st.integers(0, 5)) == 0
    children: list[Spec] = []
    for i in range(draw(st.integers(1, 80) if wide else st.integers(1, 6))):
        if budget[0] <= 0:
            break
        child_id = f"{sup_id}.{i}"
        kind_restart = draw(st.sampled_from(RESTART_TYPES))
        if depth > 1 and draw(st.integers(0, 2)) == 0:
            children.append(draw(sup_spec(child_id, depth - 1, budget, kind_restart)))
        else:
            budget[0] -= 1
            children.append(WorkerSpec(child_id, kind_restart))
    return SupSpec(sup_id, restart, draw(st.sampled_from(STRATEGIES)), draw(st.integers(0, 4)),
                   draw(st.integers(1, 5)), tuple(children))


@st.composite
def trees(draw: Any) -> SupSpec:
    """Up to 4 levels (root + 3 below), up to MAX_WORKERS workers."""
    return draw(sup_spec("r", 4, [MAX_WORKERS], "permanent"))


action = st.tuples(st.integers(0, 2500), st.sampled_from(ACTIONS), st.integers(0, 10_000),
                   st.sampled_from(REASONS), st.sampled_from(STRATEGIES), st.sampled_from(RESTART_TYPES))


def engine_spec(spec: Spec) -> ChildSpec:
    if isinstance(spec, WorkerSpec):
        return ChildSpec(spec.id, Sleeper, restart=spec.restart)
    return supervisor_spec(spec.id, [engine_spec(c) for c in spec.children], strategy=spec.strategy,
                           max_restarts=spec.max_restarts, max_seconds=spec.max_seconds, restart=spec.restart)


def child_state(pid: Any) -> str:
    return "undefined" if pid is None else "restarting" if isinstance(pid, str) else "running"


class Storm:
    """The engine and the model side by side, one action at a time."""

    def __init__(self, h: Harness, root: SupSpec) -> None:
        self.h = h
        self.model = Model(root)
        self.root = h.start([engine_spec(c) for c in root.children], root.strategy,
                            max_restarts=root.max_restarts, max_seconds=root.max_seconds)
        self.added = 0

    def client(self, path: str) -> SupervisorClient:
        pid = self.h.rt.whereis(path)
        assert pid is not None, f"{path} is not running in the engine"
        return SupervisorClient(self.h.rt, pid)

    def api(self, call: Any, *args: Any) -> str:
        try:
            call(*args)
        except SupervisorError as error:
            return str(error.reason[0] if isinstance(error.reason, tuple) else error.reason)
        return "ok"

    def act(self, now: int, kind: str, pick: int, reason: str, strategy: str, restart: str) -> str:
        """Apply one action to both; returns a label for the failure message."""
        model, rt = self.model, self.h.rt
        if kind in ("kill", "stop", "signal"):
            live = model.live_paths()
            if not live:
                return "nothing alive"
            path = live[pick % len(live)]
            pid = rt.whereis(path)
            assert pid is not None, f"model has {path} alive, the engine has not"
            if kind == "kill":
                model.kill(path, now)
                rt.kill(pid)
            elif kind == "stop":
                model.stop(path, reason, now)
                rt.stop(pid, reason)
            else:
                model.signal(path, reason, now)
                rt.exit(pid, reason)
            return f"kill {path}" if kind == "kill" else f"{kind} {path} {reason}"
        sups = sorted(model.supervisors())
        if not sups:
            return "no supervisor alive"
        path = sups[pick % len(sups)]
        sup = model.supervisors()[path]
        if kind == "set_strategy":
            model.set_strategy(path, strategy)
            self.client(path).set_strategy(strategy)
            return f"set_strategy {path} {strategy}"
        if kind == "start_child":
            self.added += 1
            ids = [c.spec.id for c in sup.children]
            # sometimes an id that is there already (already_started / already_present)
            fresh = f"{path.rsplit('/')[-1]}+{self.added}"
            child_id = ids[pick % len(ids)] if ids and pick % 4 == 0 else fresh
            spec = WorkerSpec(child_id, restart)
            expected = model.start_child(path, spec)
            got = self.api(self.client(path).start_child, engine_spec(spec))
            assert got == expected, f"start_child {path} {child_id}: engine {got}, model {expected}"
            return f"start_child {path} {child_id}"
        ids = [c.spec.id for c in sup.children] + ["nobody"]
        child_id = ids[pick % len(ids)]
        expected = getattr(model, kind)(path, child_id)
        got = self.api(getattr(self.client(path), kind), child_id)
        assert got == expected, f"{kind} {path} {child_id}: engine {got}, model {expected}"
        return f"{kind} {path} {child_id}"

    def engine_state(self) -> dict[str, Any]:
        """Every live supervisor, walked from the root through which_children."""
        state: dict[str, Any] = {}
        rt = self.h.rt

        def walk(path: str) -> None:
            client = self.client(path)
            flags = client.flags()
            kids = client.which_children()
            state[path] = (flags["strategy"], list(flags["stamps"]),
                           sorted((child_id, child_state(pid)) for child_id, pid, _ in kids))
            for child_id, pid, kind in kids:
                if kind == "supervisor" and child_state(pid) == "running":
                    walk(f"{path}/{child_id}")

        if rt.whereis("root") is not None:
            walk("root")
        return state

    def model_state(self) -> dict[str, Any]:
        return {path: (sup.strategy, list(sup.stamps),
                       sorted((c.spec.id, "running" if c.running else "undefined") for c in sup.children))
                for path, sup in self.model.supervisors().items()}


def as_root(spec: SupSpec) -> SupSpec:
    """The harness names the root ``root``; children paths follow from it."""
    return SupSpec("root", spec.restart, spec.strategy, spec.max_restarts, spec.max_seconds, spec.children)


@settings(max_examples=STORM_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(tree=trees(), steps=st.lists(action, min_size=1, max_size=30))
def test_kill_storms_match_the_reference_model(tree: SupSpec, steps: list[tuple]) -> None:
    threads_before = set(threading.enumerate())
    root = as_root(tree)
    h = Harness()
    try:
        storm = Storm(h, root)
        assert storm.engine_state() == storm.model_state(), "after the start"
        now = 0
        done: list[str] = []
        for gap, kind, pick, reason, strategy, restart in steps:
            now += gap
            h.advance_to(now)
            done.append(storm.act(now, kind, pick, reason, strategy, restart))
            h.advance_to(now)
            assert storm.engine_state() == storm.model_state(), f"after {done}"
        starts = {}
        for event in h.events:
            if event.kind == "start":
                starts[event.path] = starts.get(event.path, 0) + 1
        assert starts == storm.model.starts
    finally:
        h.close()
    check_stream(h.events)
    for event in h.events:
        if event.kind == "give_up":
            assert len(event.get("restarts")) == event.get("max_restarts") + 1
    assert h.rt.process_count() == 0
    assert set(threading.enumerate()) - threads_before == set()
