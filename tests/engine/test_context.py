"""ProcessContext: the one public handle every process (supervisors included) has on its runtime."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from suptui.engine import (
    Actor,
    DownMsg,
    ExitMsg,
    GiveUp,
    ProcessContext,
    StrategyChanged,
    Terminate,
)
from suptui.engine.reasons import ProcessKilled

from tests.support.harness import Failing, Harness, Sleeper


class Probe(Actor):
    """Runs the function it is called with (on its own callback thread) and replies with its result."""

    trap_exit = True

    def __init__(self, seen: list | None = None) -> None:
        self.seen = seen

    def init(self) -> None:
        if self.seen is not None:
            self.seen.append(self.context)  # there before init runs

    def handle_call(self, request: Any, caller: Any) -> Any:
        return request(self)


def _probe(h: Harness, seen: list | None = None) -> Any:
    return h.rt.start(Probe, {"seen": seen}, path="probe")


def test_every_process_has_a_context_naming_it() -> None:
    h = Harness()
    try:
        seen: list = []
        pid = _probe(h, seen)
        (ctx,) = seen
        assert isinstance(ctx, ProcessContext)
        assert (ctx.pid, ctx.path, ctx.runtime) == (pid, "probe", h.rt)
    finally:
        h.close()


def test_start_link_starts_a_linked_child_and_waits_for_its_init(h: Harness) -> None:
    probe = _probe(h)

    def start(self: Probe, mode: str) -> Any:
        result = yield from self.context.start_link(Failing, {"mode": mode}, path=f"probe/{mode}")
        return result

    ok = h.rt.call_sync(probe, lambda self: start(self, "ok"), timeout=5)
    assert ok.status == "ok" and h.rt.path_of(ok.pid) == "probe/ok"
    failed = h.rt.call_sync(probe, lambda self: start(self, "fail"), timeout=5)
    assert failed.status == "error" and "cannot start" in str(failed.reason)
    ignored = h.rt.call_sync(probe, lambda self: start(self, "ignore"), timeout=5)
    assert (ignored.status, ignored.pid) == ("ignore", None)

    def kill_and_take(self: Probe) -> Any:
        self.context.exit(ok.pid, "boom")  # linked: its EXIT is queued in the probe's mailbox at once
        return self.context.take_exit(ok.pid), self.context.take_exit(ok.pid)

    assert h.rt.call_sync(probe, kill_and_take, timeout=5) == ("boom", None)


def test_the_shutdown_protocol_reports_one_terminate_and_no_exit(h: Harness) -> None:
    probe = _probe(h)

    def start_and_stop(self: Probe) -> Any:
        ctx = self.context
        child = (yield from ctx.start_link(Sleeper, path="probe/child")).pid
        assert ctx.mark_stopping(child)
        ref = ctx.monitor(child)
        ctx.exit(child, "shutdown")
        down = yield self.receive(lambda m: isinstance(m, DownMsg) and m.ref == ref)
        ctx.unlink(child)
        reason = ctx.take_exit(child)
        ctx.report_terminate("probe/child", child, reason, why="api", how="in_time",
                             decision=ctx.new_decision())
        return down.reason, reason

    assert h.rt.call_sync(probe, start_and_stop, timeout=5) == ("shutdown", "shutdown")
    ends = [e for e in h.events if e.path == "probe/child" and e.kind != "start"]
    assert len(ends) == 1 and isinstance(ends[0], Terminate)
    assert (ends[0].reason, ends[0].why, ends[0].how) == ("shutdown", "api", "in_time")
    assert ends[0].decision is not None


def test_mark_stopping_is_only_for_a_process_s_own_children(h: Harness) -> None:
    probe = _probe(h)
    stranger = h.rt.start(Sleeper, path="stranger")
    assert h.rt.call_sync(probe, lambda self: self.context.mark_stopping(stranger), timeout=5) is False
    h.rt.exit(stranger, "bye")
    h.advance_to(1)
    assert [e.kind for e in h.events if e.path == "stranger"] == ["start", "crash"]  # told as usual


def test_reports_are_typed_events_on_the_process_s_own_path(h: Harness) -> None:
    probe = _probe(h)

    def report(self: Probe) -> None:
        self.context.report_give_up("probe/w", restarts=(3, 2), max_restarts=1, max_seconds=5)
        self.context.report_strategy_changed("one_for_all", "one_for_one")

    h.rt.call_sync(probe, report, timeout=5)
    give_up, strategy = [e for e in h.events if isinstance(e, (GiveUp, StrategyChanged))]
    assert (give_up.path, give_up.child, give_up.restarts, give_up.reason) == (
        "probe", "probe/w", (3, 2), "reached_max_restart_intensity")
    assert (strategy.path, strategy.strategy, strategy.previous) == ("probe", "one_for_all", "one_for_one")


def test_a_dead_process_s_context_acts_no_more() -> None:
    h = Harness()
    try:
        seen: list = []
        pid = _probe(h, seen)
        (ctx,) = seen
        target = h.rt.start(Sleeper, path="target")
        h.rt.exit(pid, "kill")
        for act in (lambda: ctx.send(target, "x"), lambda: ctx.link(target), lambda: ctx.monitor(target),
                    lambda: ctx.exit(target, "kill"), lambda: ctx.send_after(10, "x")):
            with pytest.raises(ProcessKilled):
                act()
        assert h.rt.is_alive(target)
    finally:
        h.close()


def test_a_linked_child_s_exit_arrives_as_an_exit_message(h: Harness) -> None:
    inbox: list = []

    class Watcher(Actor):
        trap_exit = True

        def init(self):
            child = yield from self.context.start_link(Sleeper, {"exit_after": 10, "reason": "done"})
            inbox.append(child.pid)

        def handle_info(self, msg: Any) -> None:
            inbox.append(msg)

    h.rt.start(Watcher, path="watcher")
    h.advance_to(10)
    child = inbox[0]
    assert inbox[1:] == [ExitMsg(child, "done")]


ENGINE = Path(__file__).parents[2] / "suptui" / "engine"


PROCESS_MODULES = ["actor.py", "supervisor.py", "dynamic.py", "client.py", "asyncio_actor.py"]


@pytest.mark.parametrize("module", PROCESS_MODULES)
def test_processes_use_no_private_part_of_the_runtime(module: str) -> None:
    source = (ENGINE / module).read_text(encoding="utf-8")
    assert not re.findall(r"runtime\._\w+", source)
