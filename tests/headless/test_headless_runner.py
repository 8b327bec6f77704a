"""The runner: virtual time by default, wall time with ``realtime``; the tree is always shut down."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import suptui.engine
from suptui.gcpolicy import Collector
from suptui.headless import run_headless
from suptui.treefile import load_tree

from tests.support.fakegc import FakeGc


def test_the_virtual_run_is_instant_and_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    events = run_headless(load_tree("bombs_one_for_all"), 20_000)
    assert events[-1].t == 18_000
    leftover = [t for t in threading.enumerate() if t not in before and t.name.startswith("suptui")]
    assert leftover == []


def test_realtime_follows_the_wall_clock() -> None:
    """Half a second on the wall clock: the starts are in it, bomb1's crash at 2 s is not."""
    events = run_headless(load_tree("bombs"), 500, realtime=True)
    assert [event.path for event in events] == ["root/bomb1", "root/bomb2", "root/bomb3", "root"]
    assert all(event.t < 500 for event in events)


def _policy_calls(**kwargs: object) -> tuple[FakeGc, list[str]]:
    """A run of ``bombs`` with a fake collector; its calls interleaved with the run's events."""
    fake = FakeGc()
    events = run_headless(load_tree("bombs"), 3_000, collector=lambda: Collector(gc=fake),
                          on_event=lambda event: fake.calls.append(f"{event.kind} {event.path} {event.t}"),
                          **kwargs)  # type: ignore[arg-type]
    assert events
    return fake, fake.calls


def _tree_started(calls: list[str]) -> int:
    """Where the root's own start (the last of the tree's start: OTP starts the children first) is."""
    return next(i for i, call in enumerate(calls) if call.startswith("start root "))


def test_the_run_holds_the_collector_for_the_start_then_freezes_the_started_tree() -> None:
    fake, calls = _policy_calls()
    assert calls[0] == "disable"  # before anything is built or started
    freeze = calls.index("freeze")
    assert _tree_started(calls) < freeze  # the whole start (3 bombs, then the root) held
    assert calls[freeze + 1] == "enable"
    crash = next(i for i, call in enumerate(calls) if call.startswith("crash "))
    assert freeze < crash  # the run itself is collected as usual
    assert calls[-1] == "unfreeze" and "collect" not in calls  # handed back at the end, no full pass
    assert fake.enabled


def test_realtime_holds_and_settles_too() -> None:
    fake, calls = _policy_calls(realtime=True)
    assert calls[0] == "disable" and calls[-1] == "unfreeze" and fake.enabled
    assert _tree_started(calls) < calls.index("freeze")


def test_a_caller_with_its_own_policy_passes_none_and_gc_is_left_alone(monkeypatch) -> None:
    asked: list[str] = []
    for name in ("disable", "enable", "freeze", "unfreeze", "collect"):
        monkeypatch.setattr(gc, name, lambda *args, name=name: asked.append(name))
    run_headless(load_tree("bombs"), 3_000, collector=None)
    assert asked == []


def test_the_engine_itself_never_touches_the_collector() -> None:
    """The collector belongs to the host program: no engine module calls gc (the opt-in helper
    ``freeze_long_lived`` is called by a host, never by the engine)."""
    engine = Path(suptui.engine.__file__).parent
    callers = [path.name for path in engine.glob("*.py")
               if "gc." in path.read_text() and path.name != "collector.py"]
    assert callers == []
