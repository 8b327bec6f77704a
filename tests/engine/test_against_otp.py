"""The engine against real OTP: timelines recorded from Erlang/OTP 25 (reference/otp/out/*.jsonl).

Real OTP is the reference. Each scenario here builds the same tree as the Elixir script of the same
name and must produce the same events in the same order at the same times (OTP's times are rounded
to 100 ms; BEAM drifts about 1 ms per restart, the virtual clock not at all). Scenarios j, k and l
also act from outside at set times, as the scripts' drivers do (exit signals with ``Runtime.exit``,
``start_child``, ``terminate_child``), and compare ``which_children`` where the recording took it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from suptui import workers
from suptui.engine import ChildSpec, DynamicSupervisor, SupervisorClient, SupFlags, supervisor_spec

from tests.support.harness import Bomb, Harness, Sleeper, SlowStop

REFERENCE = Path(__file__).parents[2] / "reference" / "otp" / "out"
COMPARED = ("start", "crash", "exit", "terminate", "give_up")

Action = Callable[[Harness], "tuple[str, str] | None"]
"""Something done from outside at a set time; a ``which_children`` snapshot returns (path, children)."""


def lesson(*order: str) -> list[ChildSpec]:
    times = {"bomb1": 2000, "bomb2": 3000, "bomb3": 5000}
    return [ChildSpec(n, Bomb, {"name": n, "bomb_time": times[n]}) for n in order]


def _nested() -> list[ChildSpec]:
    inner = [ChildSpec("bomb", Bomb, {"bomb_time": 1000}), ChildSpec("sleeper", Sleeper)]
    return [supervisor_spec("inner", inner, max_restarts=1, max_seconds=5)]


def _signal(path: str, reason: Any) -> Action:
    """Process.exit/2 from outside the tree, as the script's driver does."""
    def act(h: Harness) -> None:
        pid = h.rt.whereis(path)
        assert pid is not None, f"{path} is not running"
        h.rt.exit(pid, reason)
    return act


def _children(path: str) -> Action:
    """which_children as the recorder writes it: ``id:state`` in OTP's order (dynamic: id undefined)."""
    def act(h: Harness) -> tuple[str, str]:
        pid = h.rt.whereis(path)
        assert pid is not None
        kids = SupervisorClient(h.rt, pid).which_children()
        states = {None: "undefined", "restarting": "restarting"}
        text = ",".join(f"{'undefined' if cid is None else cid}:{states.get(c, 'running')}"
                        for cid, c, _ in kids)
        return (path, text)
    return act


def _dyn_spec() -> ChildSpec:
    return ChildSpec("dyn", DynamicSupervisor, {"flags": SupFlags(), "children": []}, type="supervisor")


def _start_in(path: str, *specs: ChildSpec) -> Action:
    def act(h: Harness) -> None:
        pid = h.rt.whereis(path)
        assert pid is not None
        client = SupervisorClient(h.rt, pid)
        for spec in specs:
            client.start_child(spec)
    return act


def _terminate_child(child_id: str) -> Action:
    def act(h: Harness) -> None:
        SupervisorClient(h.rt, h.root).terminate_child(child_id)
    return act


class Busy(SlowStop):
    """Traps exits; ``busy_at`` ms after starting it is busy ``busy_for`` ms, then stops with ``reason``.

    While busy, a supervisor's shutdown signal waits in its mailbox, so it ends by itself during its
    supervisor's shutdown (scenario l's ``busy``).
    """

    def __init__(self, busy_at: int, busy_for: int, reason: Any) -> None:
        super().__init__(stop_time=0)
        self.busy_at, self.busy_for, self.reason = busy_at, busy_for, reason

    def init(self) -> None:
        self.send_after(self.busy_at, "busy")

    def handle_info(self, msg: Any):
        if msg == "busy":
            yield self.sleep(self.busy_for)
            self.stop(self.reason)


def _exit_signals(h: Harness) -> object:
    return h.start([ChildSpec("plain", workers.Sleeper),
                    ChildSpec("trap", workers.SlowStop, {"stop_time": 0}),
                    ChildSpec("tr", workers.Sleeper, restart="transient"), ChildSpec("perm", workers.Sleeper),
                    ChildSpec("q", workers.Quitter, {"quit_time": 500, "reason": ["shutdown", "done"]},
                              restart="transient")], "one_for_one", 10)


def _ignores(h: Harness) -> object:
    return h.start([ChildSpec("ig", workers.Sleeper, {"ignore": True}),
                    ChildSpec("igt", workers.Sleeper, {"ignore": True}, restart="temporary"),
                    ChildSpec("ri", workers.Bomb, {"bomb_time": 1000, "ignore": True, "ignore_from": 500}),
                    _dyn_spec()])


def _dynamic_shutdown(h: Harness) -> object:
    return h.start([_dyn_spec()])


def _slow(child_id: str, shutdown: int | str, stop_time: int) -> ChildSpec:
    return ChildSpec(child_id, workers.SlowStop, {"stop_time": stop_time}, shutdown=shutdown)


ACTIONS: dict[str, list[tuple[int, Action]]] = {
    "j": [(1000, _signal("root/plain", "normal")), (1200, _signal("root/trap", "normal")),
          (1400, _signal("root/trap", "shutdown")), (2000, _signal("root/tr", ("shutdown", "x"))),
          (2200, _signal("root/perm", ("shutdown", "x"))), (3000, _signal("root/plain", "kill")),
          (3200, _signal("root/trap", "kill")), (4000, _signal("root/plain", "boom")),
          (4500, _children("root"))],
    "k": [(0, _start_in("root/dyn", ChildSpec("dig", workers.Sleeper, {"ignore": True}),
                        ChildSpec("dri", workers.Bomb,
                                  {"bomb_time": 1300, "ignore": True, "ignore_from": 500}))),
          (1500, _children("root")), (1500, _children("root/dyn"))],
    "l": [(0, _start_in("root/dyn", _slow("c100", 100, 3000), _slow("c2000", 2000, 3000),
                        _slow("c500", 500, 200), _slow("brutal", "brutal_kill", 3000),
                        ChildSpec("busy", Busy,
                                  {"busy_at": 900, "busy_for": 400, "reason": ("shutdown", "done")},
                                  restart="transient", shutdown=1000))),
          (1000, _terminate_child("dyn"))],
}


SCENARIOS: dict[str, tuple[int, Callable[[Harness], object]]] = {
    "a": (10_000, lambda h: h.start(lesson("bomb1", "bomb2", "bomb3"), "one_for_one", 5, 5)),
    "b": (21_000, lambda h: h.start(lesson("bomb1", "bomb2", "bomb3"), "one_for_all", 5, 5)),
    "c": (12_000, lambda h: h.start(lesson("bomb1", "bomb2", "bomb3"), "rest_for_one", 5, 5)),
    "d": (21_000, lambda h: h.start(lesson("bomb3", "bomb1", "bomb2"), "rest_for_one", 5, 5)),
    "e": (6_000, lambda h: h.start([ChildSpec("Bomb", Bomb, {"bomb_time": 1000})])),
    "f": (5_000, lambda h: h.start([ChildSpec("tr", Sleeper, {"exit_after": 1000}, restart="transient"),
                                    ChildSpec("bomb", Bomb, {"bomb_time": 1500})], "one_for_all", 10)),
    "g": (8_000, lambda h: h.start(_nested(), "one_for_one", 3, 5)),
    "g2": (8_000, lambda h: h.start(_nested(), "one_for_one", 2, 5)),
    "h": (11_000, lambda h: h.start([ChildSpec("bomb", Bomb, {"bomb_time": 5000})], "one_for_one", 1, 5)),
    "i": (4_000, lambda h: h.start([ChildSpec("a", SlowStop, {"stop_time": 300}, shutdown=1000),
                                    ChildSpec("b", SlowStop, {"stop_time": 2000}, shutdown=500),
                                    ChildSpec("c", Bomb, {"bomb_time": 1000})], "one_for_all")),
    "j": (5_000, _exit_signals),
    "k": (2_000, _ignores),
    "l": (4_000, _dynamic_shutdown),
}


def _key(event: dict) -> tuple:
    detail: Any = event.get("reason") if event["event"] in ("terminate", "exit") else None
    if event["event"] == "exit" and event.get("phase") is not None:
        detail = (detail, event["phase"])
    if event["event"] == "start":
        detail = bool(event.get("restart"))
    return (round(event["t"], -2), event["event"], event["path"], detail)


def _otp(name: str, until: int) -> list[tuple]:
    lines = (REFERENCE / f"{name}.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines if line.strip()]
    return [_key(e) for e in events if e["event"] in COMPARED and e["t"] <= until]


def _otp_children(name: str) -> list[tuple[int, str, str]]:
    lines = (REFERENCE / f"{name}.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines if line.strip()]
    return [(e["t"], e["path"], e["children"]) for e in events if e["event"] == "children"]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_engine_matches_real_otp(h: Harness, name: str) -> None:
    until, build = SCENARIOS[name]
    build(h)
    snapshots = []
    for at, act in ACTIONS.get(name, []):
        h.advance_to(at)
        taken = act(h)
        if taken is not None:
            snapshots.append((at, *taken))
    h.advance_to(until)
    ours = [_key(e.to_dict()) for e in h.events if e.kind in COMPARED]
    assert ours == _otp(name, until)
    assert snapshots == _otp_children(name)
