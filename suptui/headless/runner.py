"""Run a tree without the app and collect its events.

The unpaced virtual clock makes a headless run instant and byte-for-byte replayable, which is what
tests, CI and the lesson's timelines need; ``realtime`` exists for watching real pacing from a shell.

A headless run is the whole work of its program (``suptui TREE --headless``), so by default it
manages CPython's garbage collector as the app does (:mod:`suptui.gcpolicy`): automatic collection
held while the tree is built and started, the started tree frozen, and everything handed back to the
collector at the end. A caller with a policy of its own (the app's comparison runs, on a thread of an
app that manages the collector itself) passes ``collector=None``. The engine never touches it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from ..engine import Event, RealClock, VirtualClock
from ..engine.recording import Header
from ..gcpolicy import Collector
from ..session import Session
from ..treefile.model import Tree

DEFAULT_UNTIL_MS = 20_000


def run_headless(tree: Tree, until: int = DEFAULT_UNTIL_MS, *, seed: int = 0,
                 realtime: bool = False, cancelled: Callable[[], bool] | None = None,
                 on_event: Callable[[Event], None] | None = None,
                 on_header: Callable[[Header], None] | None = None,
                 collector: Callable[[], Collector] | None = Collector) -> list[Event]:
    """Run ``tree`` until ``until`` ms or until its root supervisor ends; return the events before ``until``.

    The tree is always shut down before returning. Shutdown happens at ``until`` (or later on the
    wall clock), so its events fall outside the window unless the root had already ended by itself.
    ``cancelled`` (virtual clock only) is asked between timers; once it says yes the run stops there
    and the events so far are returned. ``on_event`` is called with each of those events as it
    happens (from engine threads, with the engine's lock held: it must be quick and never block),
    so that a run cut short has printed what happened so far. ``on_header`` is called once with the
    run's recording header (``Session.header()``) before anything runs, so a recording written as
    the run goes has its header first.

    ``collector`` makes the run's garbage collector policy (see the module's note): held from here
    until the tree has started (a 100,000-worker start with its 100,000 recorded events spent over a
    second in full collections), then the started tree frozen, and at the end unfrozen again with
    collection as it was. ``None`` leaves the collector alone.
    """
    policy = collector() if collector is not None else None
    if policy is not None:
        policy.hold()
    try:
        session = Session(tree, RealClock() if realtime else VirtualClock(), seed=seed)
        if on_header is not None:
            on_header(session.header())
        if on_event is not None:
            forward = on_event
            session.runtime.events.subscribe(lambda event: forward(event) if event.t < until else None)
        try:
            started = session.begin()
            if realtime:
                _wait_wall_clock(session, until, policy)
            else:
                session.runtime.wait_idle(started)  # the start (a runaway init: see run_until)
                if policy is not None:
                    policy.settle()
                session.run_until(until, cancelled)  # --until bounds a start still going too
        finally:
            session.stop()
        assert session.recorder is not None
        return [event for event in session.recorder.snapshot() if event.t < until]
    finally:
        if policy is not None:
            policy.release(collect=False)  # the caller's heap as it was: nothing frozen, collection on


def _wait_wall_clock(session: Session, until: int, policy: Collector | None = None) -> None:
    """Block until the root ends or the clock reaches ``until``.

    Ctrl-C ends the run early (what happened so far is still printed), not the program.
    """
    def remaining_s() -> float:
        return max(0.0, (until - session.clock.now_ms()) / 1000.0)

    with contextlib.suppress(TimeoutError, KeyboardInterrupt):
        assert session.started is not None
        session.started.result(timeout=remaining_s())  # a start that never ends is bounded too
        if policy is not None:
            policy.settle()
        if session.root_pid is not None:
            session.runtime.when_dead(session.root_pid).result(timeout=remaining_s())
