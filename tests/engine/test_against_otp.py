"""The engine against real OTP: timelines recorded from Erlang/OTP 25 (reference/otp/out/*.jsonl).

Real OTP is the reference. Each scenario here builds the same tree as the Elixir script of the same
name and must produce the same events in the same order at the same times (OTP's times are rounded
to 100 ms; BEAM drifts about 1 ms per restart, the virtual clock not at all).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from suptui.engine import ChildSpec, supervisor_spec

from harness import Bomb, Harness, Sleeper, SlowStop

REFERENCE = Path(__file__).parents[2] / "reference" / "otp" / "out"
COMPARED = ("start", "crash", "exit", "terminate", "give_up")


def lesson(*order: str) -> list[ChildSpec]:
    times = {"bomb1": 2000, "bomb2": 3000, "bomb3": 5000}
    return [ChildSpec(n, Bomb, {"name": n, "bomb_time": times[n]}) for n in order]


def _nested() -> list[ChildSpec]:
    inner = [ChildSpec("bomb", Bomb, {"bomb_time": 1000}), ChildSpec("sleeper", Sleeper)]
    return [supervisor_spec("inner", inner, max_restarts=1, max_seconds=5)]


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
}


def _key(event: dict) -> tuple:
    detail = event.get("reason") if event["event"] in ("terminate", "exit") else None
    if event["event"] == "start":
        detail = bool(event.get("restart"))
    return (round(event["t"], -2), event["event"], event["path"], detail)


def _otp(name: str, until: int) -> list[tuple]:
    lines = (REFERENCE / f"{name}.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines if line.strip()]
    return [_key(e) for e in events if e["event"] in COMPARED and e["t"] <= until]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_engine_matches_real_otp(h: Harness, name: str) -> None:
    until, build = SCENARIOS[name]
    build(h)
    h.advance_to(until)
    ours = [_key(e.to_dict()) for e in h.events if e.kind in COMPARED]
    assert ours == _otp(name, until)
