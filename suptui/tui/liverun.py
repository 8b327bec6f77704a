"""One running tree: its session, the time control that paces it, and the feed the app drains.

``R`` throws a run away and makes a new one from the re-read file, so everything that belongs to a
run lives here and ``stop()`` ends all of it: the pacer thread, the runtime's threads and the
thread that started the tree.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from ..engine import Pacer, VirtualClock
from ..engine.reasons import format_reason
from ..session import Session
from ..treefile.model import Tree
from .export import EventSpool
from .feed import EventFeed
from .guard import exc_text
from .timecontrol import ManualTime, TimeControl

log = logging.getLogger(__name__)


class LiveRun:
    """A tree being run. Create, ``start()``, act through ``session``, ``stop()`` exactly once."""

    def __init__(self, tree: Tree, time: TimeControl, *, seed: int = 0, start_in_thread: bool = True,
                 schedulers: int = 2, record: bool = False) -> None:
        self.tree = tree
        self.time = time
        self.clock: VirtualClock = time.clock
        self.feed = EventFeed()
        self.session = Session(tree, self.clock, seed=seed, schedulers=schedulers, record=record)
        self.spool = EventSpool(self.session.header)  # made when first written, not kept
        """The whole stream as a recording, on disk (``e`` exports it); ``record`` also keeps it in
        memory, for tests."""
        self._unsubscribe = self.session.runtime.events.subscribe(self.feed)
        self._start_in_thread = start_in_thread
        self._starter: threading.Thread | None = None
        self._stopped = False
        self.up = threading.Event()
        """Set once the start is over (the tree is up, or could not start): its timers are set."""

    @property
    def intensity_phase(self) -> float:
        return self.session.runtime.intensity_phase

    def start(self) -> None:
        """Start the root supervisor, then let time run (on a helper thread when time is paced, so
        the UI shows the tree coming up instead of waiting for it)."""
        if self._start_in_thread:
            self._starter = threading.Thread(target=self._start_then_pace, name="suptui-starter",
                                             daemon=True)
            self._starter.start()
        else:
            self.time.start()
            self._start_tree()

    def _start_then_pace(self) -> None:
        """Start the tree on unpaced virtual time, then hand the clock to the pacer from there.

        So the tree starts at exactly t = 0 whatever the wall clock did meanwhile (the lesson's
        bombs explode at 2.000 s, not 2.013 s), and a worker that takes time to start takes it in
        virtual time at once instead of waiting for a pacer that may be paused. A start held up by
        real-time work (an init that blocks or loops) is handed to the pacer as it is: it goes on in
        paced time, the app shows it starting, and ``q`` still ends everything.
        """
        self.clock.paced = False
        try:
            self._start_tree(settle=True)
        finally:
            self.clock.paced = True
            self.time.set_paused(self.time.paused)  # re-base the pacer on where the start left time
            if not self._stopped:
                self.time.start()

    def _start_tree(self, settle: bool = False) -> None:
        try:
            started = self.session.begin()
            if settle:
                self.session.settle_start()
            else:
                self.session.runtime.wait(started)
            started.add_done_callback(self._started)
        except Exception as exc:  # the engine refused outright; say so, keep the app alive
            log.debug("tree start failed", exc_info=True)
            self.feed.note(f"the tree could not start: {exc_text(exc)}", "error")
            return
        finally:
            self.up.set()

    def _started(self, done: Future) -> None:
        """The root's start is over (maybe long after ``up``): say so if it failed. Any thread."""
        result = done.result()
        if result.status != "ok":
            self.feed.note(f"the root supervisor did not start: {result.status} "
                           f"{format_reason(result.reason)}", "error")

    def export(self, path: Path) -> int:
        """``e``: the run so far as a recording (copied from the spool; any thread)."""
        return self.spool.export(path)

    def stop(self) -> None:
        """Shut the tree down in order and end every thread of this run. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        try:
            # Unpaced, the runtime drives the virtual clock itself while it waits for the shutdown,
            # so slow_stop workers finish in virtual time instead of wall time (or never, if paused).
            self.time.close()
        except Exception:
            log.exception("closing the time control failed")
        try:
            self.session.stop()
        except Exception:
            log.exception("stopping the session failed")
        if self._starter is not None:
            self._starter.join(timeout=2.0)
        self._unsubscribe()
        self.spool.close()


RunFactory = Callable[[Tree, float, bool], LiveRun]
"""Makes a run from a tree, a speed and a paused flag (kept across ``R``)."""


def paced_runs(seed: int = 0) -> RunFactory:
    """The real app's runs: a :class:`Pacer` moves the virtual clock with wall time."""

    def make(tree: Tree, speed: float, paused: bool) -> LiveRun:
        clock = VirtualClock()
        return LiveRun(tree, Pacer(clock, speed=speed, paused=paused), seed=seed, start_in_thread=True)

    return make


def manual_runs(seed: int = 0) -> RunFactory:
    """Test runs: nothing moves time but the test (``run.clock.advance_to(ms)``); events also recorded."""

    def make(tree: Tree, speed: float, paused: bool) -> LiveRun:
        return LiveRun(tree, ManualTime(VirtualClock(), speed, paused), seed=seed, start_in_thread=False,
                       record=True)

    return make
