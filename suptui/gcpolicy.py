"""suptui's use of CPython's cyclic garbage collector, as a program: off while a tree starts, then the
tree frozen. Both faces use it, the app (``run_app``) and the headless runner
(:func:`suptui.headless.run_headless`); it imports neither.

Why here, and not in the engine: the collector belongs to the host program. The engine is a library
and leaves it alone (a host may have its own policy); the app and the ``suptui`` command *are* the
host, so they choose, and this module is the whole of that choice.

Why at all: a tree of 100,000 workers is about 2.6 million objects the collector tracks (processes,
their records, the view-model's rows, the timeline's lanes, the recorded events). CPython 3.11 runs a
full collection whenever the objects that survived into the oldest generation grow by a quarter, and
a full collection walks every tracked object: while 100,000 workers start, that is some twenty full
passes (about half the app's start-up, over a second of a headless run's), and in the app every later
one stops it for one to three seconds, which is what a user saw as the app freezing.

What it does:

* :meth:`Collector.hold` before a run is laid out and started: automatic collection is off for the
  burst. Reference counting still frees everything that is not in a cycle, so memory does not grow
  with garbage; only cyclic garbage waits, and a start makes little of it.
* :meth:`Collector.settle` once the start is over, its events are folded and the work deferred
  past the start is done (the spool and timeline catch up; the app calls it from the drain):
  ``gc.freeze()`` moves every object alive then (the tree, its timeline, the app, Textual) to the
  permanent generation, which collections never walk, and collection is on again. Later
  collections walk only what was made since: a kill storm's new processes and events.
* :meth:`Collector.release` when the run is thrown away (``R``, a tree picked with ``o``) or the
  app ends: ``gc.unfreeze()`` and one full collection, so the old tree's cycles are freed instead of
  being kept for ever in the permanent generation. That collection is the one pause left, and it
  comes where the user asked for a new tree (it walks what survives; the old tree is mostly gone).

The cost of freezing: a cycle among objects frozen at settle that becomes garbage later (a worker
of the start-up tree killed in a storm, if the engine keeps cycles in a dead process) stays in
memory until the next :meth:`release`. A run keeps its tree for its whole life, so that is a few
objects per killed start-up worker, bounded by the tree's size.

The app only manages the collector when it is given a :class:`Collector` (``run_app`` does); tests
and embedders that build :class:`~suptui.tui.app.SuptuiApp` themselves keep their own policy. The
headless runner holds and settles as the app does, and at its end releases without a collection (what
was frozen is handed back, collection is as it was); ``collector=None`` leaves it alone. The
``suptui --headless`` command passes the runner one policy for the whole command: held from before the
tree file is loaded (a 100,000-node file is objects, not garbage), settled by the run once the tree has
started, and held again while the output is made from the events.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Protocol


class GcModule(Protocol):
    """What the collector policy uses of :mod:`gc` (a test passes a fake to watch the calls)."""

    def isenabled(self) -> bool: ...
    def enable(self) -> None: ...
    def disable(self) -> None: ...
    def freeze(self) -> None: ...
    def unfreeze(self) -> None: ...
    def collect(self, generation: int = 2) -> int: ...


@dataclass
class Collector:
    """The program's collector policy (see the module docstring). One thread only (the app's UI thread,
    the headless run's main thread)."""

    gc: GcModule = field(default_factory=lambda: gc)  # type: ignore[arg-type]
    holding: bool = False
    """Automatic collection is off for a start-up burst (between :meth:`hold` and :meth:`settle`)."""
    frozen: bool = False
    """Objects are in the permanent generation since the last :meth:`settle`. (Not how many:
    ``gc.get_freeze_count()`` walks the whole generation, 30 ms at 100,000 workers.)"""
    _was_enabled: bool = True
    settle_s: float = 0.0
    """How long the last :meth:`settle` took (``gc.freeze`` is a list splice: microseconds)."""
    release_s: float = 0.0
    """How long the last :meth:`release` took (its full collection)."""

    def hold(self) -> None:
        """A run is about to be laid out and started: no automatic collection until :meth:`settle`."""
        if self.holding:
            return
        self._was_enabled = self.gc.isenabled()
        self.gc.disable()
        self.holding = True

    def settle(self) -> None:
        """The start-up burst is over: freeze what is alive now, and collect automatically again."""
        if not self.holding:
            return
        began = time.perf_counter()
        self.gc.freeze()
        self.frozen = True
        if self._was_enabled:
            self.gc.enable()
        self.holding = False
        self.settle_s = time.perf_counter() - began

    def release(self, *, collect: bool = True) -> None:
        """The frozen objects may be garbage now (the run is being replaced, the app ends): hand them
        back to the collector, and with ``collect`` free the old run's cycles at once."""
        if not self.frozen and not self.holding:
            return
        began = time.perf_counter()
        self.gc.unfreeze()
        self.frozen = False
        if collect:
            self.gc.collect()
        if self.holding:
            self.holding = False
            if self._was_enabled:
                self.gc.enable()
        self.release_s = time.perf_counter() - began
