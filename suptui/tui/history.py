"""A run's past, kept so any moment of it can be shown again: the events, and checkpoints of the tree.

Time travel shows the tree (and from it the details, the budget gauges and the log's lines) as it
stood after the first ``n`` events. Replaying ``n`` events from t = 0 on every key would cost a long
run seconds, so the view-model is checkpointed every :attr:`History.spacing` events (a
:func:`~suptui.tui.model.freeze`, which shares every node that did not change since the previous
checkpoint), and a moment is the nearest checkpoint at or before it plus the few events after it.

Memory stays bounded: past :data:`MAX_CHECKPOINTS` checkpoints every other one is dropped and the
spacing doubles, so the checkpoints cost ``O(MAX_CHECKPOINTS)`` trees whatever the run's length and a
seek applies at most ``2 × spacing`` events. A live run also keeps at most ``max_events`` events:
older ones are forgotten from a checkpoint on (``first`` says where the past begins); a replay keeps
its recording's (they are in memory anyway).

Pure Python, no Textual: the replay benchmark and the tests use it without a terminal.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from ..engine.protocol import Crash, Ended, Event, Kill, Start
from ..timeline import TimelineModel
from ..treefile.model import NodeDef
from .model import Frozen, TreeModel, freeze, thaw
from .narrate import LogLine, narrate

SPACING = 1024
"""Events between checkpoints at first (a seek then applies about a thousand events: a few ms)."""
MAX_CHECKPOINTS = 256
"""Past this many, every other checkpoint goes and the spacing doubles."""
MAX_LIVE_EVENTS = 200_000
"""A live run's past kept for time travel (about 60 MB of events); older moments are forgotten."""
LIVE_SPACING = 4096
"""A live run checkpoints every 4,096 events from the start: the drain pays for each checkpoint (a
walk of the tree), and a live run's seeks are few; past 64 checkpoints the spacing doubles anyway."""
MAX_LIVE_CHECKPOINTS = 64
"""A live run's checkpoints (a 1,000-node tree in a crash storm: about 40 MB); seeks stay short, as a
live run keeps at most :data:`MAX_LIVE_EVENTS` events."""
LOG_CONTEXT = 200
"""Log lines narrated either side of a moment shown in the past."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The tree after the first ``n`` events of the run."""

    n: int
    nodes: Frozen | None
    """The nodes then; ``None`` for moment 0 of a history that can make its base again (``rebuild``)."""
    root: str | None


@dataclass
class Moment:
    """What the screen shows for one moment: the tree then, and the log's lines around it."""

    n: int
    """Events applied: the moment is right after event ``n`` (the first event is 1)."""
    t: int
    """Its time (ms): the time of event ``n``, or any later time before the next event."""
    model: TreeModel
    lines: list[LogLine]
    current: int
    """Index in ``lines`` of the line of event ``n`` (-1 when none is shown)."""
    window: int = 0
    """Where the lanes of this moment start: events before it are summed up by ``seeds``."""
    seeds: list[Start] = field(default_factory=list)
    """The start events of the processes alive at ``window``."""


class History:
    """Every event of a run (or its latest ``max_events``), and checkpoints of its tree model."""

    def __init__(self, base: TreeModel, *, spacing: int = SPACING, max_checkpoints: int = MAX_CHECKPOINTS,
                 max_events: int | None = None, rebuild: Callable[[], TreeModel] | None = None) -> None:
        """``base`` is the model before any event (the tree file's skeleton, all pending).

        ``rebuild``, when given, makes that model again (``TreeModel(tree)``): moment 0 is then not
        kept but made when a seek needs it, and ``base`` is not frozen, so the model that goes on to
        take the events changes its nodes in place. Frozen, every node of ``base`` would be copied at
        its first event and the skeleton kept beside the copies for ever: a second tree, about 300
        bytes a node (30 MB at 100,000), to make the start-up's first moments seekable a little faster.
        """
        self.spacing = spacing
        self.max_checkpoints = max(4, max_checkpoints)
        self.max_events = max_events
        self._defs: dict[str, NodeDef] = base._defs
        self._rebuild = rebuild
        self._checkpoints: list[Checkpoint] = [base_checkpoint(base, rebuild)]
        self._events: list[Event] = []
        self._times = array("q")
        """Each kept event's time, for the bisects of "the moment at t" (8 bytes each, not an int object)."""
        self.first = 0
        """How many events were forgotten (a live run past ``max_events``): moments before are gone."""
        self.count = 0
        """Events taken so far (forgotten ones included): the moment "now" is ``count``."""

    # ------------------------------------------------------------------ taking events

    def append(self, event: Event, model: TreeModel) -> None:
        """Take the next event; ``model`` is the run's model with it applied (checkpointed if due)."""
        self._events.append(event)
        self._times.append(event.t)
        self.count += 1
        if self.count - self._checkpoints[-1].n >= self.spacing:
            self._checkpoint(model)
        if self.max_events is not None and self.count - self.first > self.max_events:
            self._forget()

    def fold(self, events: list[Event], model: TreeModel) -> None:
        """Take a whole recording at once, applying it to ``model`` (a replay's open).

        The length is known, so the spacing is chosen up front (no checkpoint made to be dropped).
        """
        total = self.count + len(events)
        while total / self.spacing > self.max_checkpoints:
            self.spacing *= 2
        if not self._events:
            self._events = events  # a replay's list: shared, not copied
            self._times = array("q", [event.t for event in events])
        else:
            self._events.extend(events)
            self._times.extend(event.t for event in events)
        spacing_due = self._checkpoints[-1].n + self.spacing
        apply = model.apply
        for event in events:
            apply(event)
            self.count += 1
            if self.count >= spacing_due:
                self._checkpoint(model)
                spacing_due = self.count + self.spacing

    def take(self, folded: Folded) -> None:
        """Take what a :class:`Folder` folded off the UI thread (a replay still loading): its events,
        and its checkpoints, which replace ours (the folder thins them as :meth:`append` would)."""
        self._events.extend(folded.events)
        self._times.extend(folded.times)
        self.count = folded.count
        self._checkpoints = folded.checkpoints
        self.spacing = folded.spacing
        self._rebuild = folded.rebuild

    def _checkpoint(self, model: TreeModel) -> None:
        frozen = freeze(model)
        self._checkpoints.append(Checkpoint(self.count, frozen, model.root))
        if len(self._checkpoints) > self.max_checkpoints:
            self._checkpoints = self._checkpoints[::2]  # the oldest stays: every moment has one before it
            self.spacing *= 2

    def _forget(self) -> None:
        """Drop the oldest half of the events kept, from a checkpoint on (rare: amortised O(1))."""
        keep_from = self.count - self.max_events // 2 if self.max_events else self.first
        kept = [c for c in self._checkpoints if c.n >= keep_from]
        older = [c for c in self._checkpoints if c.n < keep_from]
        start = older[-1] if older else kept[0]
        cut = start.n - self.first
        del self._events[:cut]
        del self._times[:cut]
        self.first = start.n
        self._checkpoints = [start, *[c for c in kept if c.n > start.n]]

    # ------------------------------------------------------------------ questions

    @property
    def events(self) -> list[Event]:
        """The events kept, oldest first (event ``first + 1`` is ``events[0]``)."""
        return self._events

    @property
    def checkpoints(self) -> int:
        return len(self._checkpoints)

    def event(self, n: int) -> Event | None:
        """Event number ``n`` (1-based), if it is kept."""
        index = n - 1 - self.first
        return self._events[index] if 0 <= index < len(self._events) else None

    def time_of(self, n: int) -> int:
        """The time of the moment right after event ``n`` (0 before the first event)."""
        event = self.event(n)
        return event.t if event is not None else 0

    def moment_at_time(self, t: int) -> int:
        """The moment showing time ``t``: every event at or before ``t`` applied."""
        return self.first + bisect_right(self._times, t)

    def last_before_time(self, t: int) -> int:
        """Events strictly before ``t``."""
        return self.first + bisect_left(self._times, t)

    def moment_of_seq(self, seq: int) -> int | None:
        """The moment right after the event whose ``seq`` this is (events keep their stream seq)."""
        lo, hi = 0, len(self._events)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._events[mid].seq < seq:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self._events) and self._events[lo].seq == seq:
            return self.first + lo + 1
        return None

    def death_at(self, path: str, t: int) -> int | None:
        """The seq of ``path``'s crash (or exit) at time ``t`` (a mark picked on a lane), if kept."""
        lo, hi = self.last_before_time(t) - self.first, self.moment_at_time(t) - self.first
        deaths = [e for e in self._events[lo:hi] if e.path == path and isinstance(e, Ended)]
        crashes = [e for e in deaths if isinstance(e, Crash)]
        found = crashes or deaths
        return found[0].seq if found else None

    def last_death(self, path: str, n: int, limit: int = 200_000) -> int | None:
        """The seq of ``path``'s last crash, exit or kill at or before moment ``n`` (the why view's
        default), looking back at most ``limit`` events."""
        stop = max(self.first, n - limit)
        for i in range(n - 1, stop - 1, -1):
            event = self._events[i - self.first]
            if event.path == path and isinstance(event, Ended | Kill):
                return event.seq
        return None

    def crash_near(self, n: int, forward: bool, limit: int = 200_000) -> int | None:
        """The moment right after the first crash after moment ``n`` (``forward``) or the last one
        before it, looking at most ``limit`` events away."""
        if forward:
            indices = range(n - self.first, min(len(self._events), n - self.first + limit))
        else:
            indices = range(n - 2 - self.first, max(-1, n - 2 - self.first - limit), -1)
        for index in indices:
            if isinstance(self._events[index], Crash):
                return self.first + index + 1
        return None

    def clamp(self, n: int) -> int:
        return max(self.first, min(self.count, n))

    def memory_report(self) -> str:
        nodes = {id(node) for c in self._checkpoints if c.nodes is not None for node in c.nodes.values()}
        return (f"{len(self._events):,} events, {len(self._checkpoints)} checkpoints every "
                f"{self.spacing:,} events ({len(nodes):,} distinct node copies)")

    # ------------------------------------------------------------------ a moment

    def moment(self, n: int, t: int | None = None, *, context: int = LOG_CONTEXT,
               lanes_ms: int | None = None) -> Moment:
        """The tree right after event ``n`` (and the log's ``context`` lines either side).

        Starts from the newest checkpoint at or before ``n - context`` (so the lines before the moment
        can be narrated: :func:`narrate` reads the model as it was before each event), applies the
        events up to ``n``, copies that state for the screen, then narrates ``context`` more lines
        after it on the copy it no longer needs. With ``lanes_ms``, the same pass notes what the lanes
        of the ``lanes_ms`` before the moment start from (see :meth:`lanes`). Cost: at most
        ``2 × spacing + 2 × context`` events.
        """
        n = self.clamp(n)
        t = max(t, self.time_of(n)) if t is not None else self.time_of(n)
        begin = max(self.first, n - context)
        window = n if lanes_ms is None else min(n, max(self.first, self.last_before_time(t - lanes_ms)))
        start = self._checkpoint_before(min(begin, window))
        model = self._thaw(start)
        lines: list[LogLine] = []
        seeds: list[Start] | None = None
        apply = model.apply
        for i in range(start.n, n):
            if i == window:
                seeds = _alive(model)
            event = self._events[i - self.first]
            if i >= begin:
                lines.append(_line(event, model))
            apply(event)
        if seeds is None:
            seeds = _alive(model)
        shown = thaw(model.nodes, model.root, self._defs)  # one copy: the rest goes on to the future lines
        current = len(lines) - 1
        stop = min(self.count, n + context)
        for i in range(n, stop):
            event = self._events[i - self.first]
            lines.append(_line(event, model))
            apply(event)
        return Moment(n, t, shown, lines, current, window, seeds)

    def lanes(self, moment: Moment, phase_s: float = 0.0) -> TimelineModel:
        """A timeline of the time before a moment, with nothing after it (the lanes in the past).

        One start per process alive where the window begins (its real start event, so its bar
        begins where it began), then the events up to the moment: the events of one window, whatever
        the length of the run. Ask :meth:`moment` with ``lanes_ms`` as wide as the lanes plus the
        longest restart window, so the gauges count every restart still in theirs.
        """
        model = TimelineModel(sorted(moment.seeds, key=lambda event: (event.t, event.seq)), phase_s=phase_s)
        feed = model.feed
        for i in range(moment.window, moment.n):
            feed(self._events[i - self.first])
        return model

    def _thaw(self, checkpoint: Checkpoint) -> TreeModel:
        """A model to take events from ``checkpoint`` on (moment 0 made again if it was not kept)."""
        if checkpoint.nodes is not None:
            return thaw(checkpoint.nodes, checkpoint.root, self._defs)
        assert self._rebuild is not None, "only a history with rebuild keeps no moment 0"
        model = self._rebuild()
        model._defs = self._defs  # children added since (the app's `a`) are known by their definition
        return model

    def _checkpoint_before(self, n: int) -> Checkpoint:
        index = bisect_right([c.n for c in self._checkpoints], n) - 1
        return self._checkpoints[max(0, index)]


@dataclass(frozen=True, slots=True)
class Folded:
    """A chunk of a run folded by a :class:`Folder`, for :meth:`History.take` on the UI thread.

    Nothing in it is touched again by the folder: the lists are new, the nodes frozen."""

    events: list[Event]
    times: array
    count: int
    """Events folded so far, this chunk's included."""
    checkpoints: list[Checkpoint]
    spacing: int
    rebuild: Callable[[], TreeModel] | None
    """How moment 0 is made again (see :class:`History`), when its checkpoint holds no nodes."""
    end: Frozen
    """The tree after the last event of the chunk (the newest moment loaded)."""
    root: str | None
    fraction: float
    """How much of the recording has been read (0 to 1)."""


class Folder:
    """Folds a run's events into a view-model and takes its checkpoints, chunk by chunk, on a thread
    of its own (a replay loading): the UI thread only takes each :class:`Folded` result.

    The same checkpoints as :meth:`History.fold` when the total is known in time (:meth:`expect`),
    so a recording loaded in chunks ends up seeking exactly as one folded at once."""

    def __init__(self, base: TreeModel, *, spacing: int = SPACING, max_checkpoints: int = MAX_CHECKPOINTS,
                 rebuild: Callable[[], TreeModel] | None = None) -> None:
        """``base`` is the model before any event; the folder works on its own copy, or on ``base``
        itself when ``rebuild`` can make it again (see :class:`History`)."""
        first = base_checkpoint(base, rebuild)
        self.model = base if first.nodes is None else thaw(first.nodes, base.root, base._defs)
        self.rebuild = rebuild
        self.spacing = spacing
        self.max_checkpoints = max(4, max_checkpoints)
        self.checkpoints: list[Checkpoint] = [first]
        self.count = 0

    def expect(self, total: int) -> None:
        """The run will have about ``total`` events: space the checkpoints for that from now on."""
        while total / self.spacing > self.max_checkpoints:
            self.spacing *= 2

    def fold(self, events: list[Event], fraction: float = 1.0) -> Folded:
        model = self.model
        apply = model.apply
        due = self.checkpoints[-1].n + self.spacing
        for event in events:
            apply(event)
            self.count += 1
            if self.count >= due:
                self.checkpoints.append(Checkpoint(self.count, freeze(model), model.root))
                if len(self.checkpoints) > self.max_checkpoints:
                    self.checkpoints = self.checkpoints[::2]  # as History._checkpoint does
                    self.spacing *= 2
                due = self.count + self.spacing
        end = freeze(model)
        return Folded(events, array("q", [event.t for event in events]), self.count, list(self.checkpoints),
                      self.spacing, self.rebuild, end, model.root, fraction)


def base_checkpoint(base: TreeModel, rebuild: Callable[[], TreeModel] | None) -> Checkpoint:
    """Moment 0: ``base`` frozen, or nothing kept when ``rebuild`` can make it again."""
    return Checkpoint(0, None if rebuild is not None else freeze(base), base.root)


def _alive(model: TreeModel) -> list[Start]:
    """The start events of the processes running in ``model``."""
    return [node.started for node in model.nodes.values()
            if node.status == "running" and node.started is not None]


def _line(event: Event, model: TreeModel) -> LogLine:
    try:
        return narrate(event, model)
    except Exception as exc:  # one odd event must not cost the moment
        return LogLine(event.t, "error", f"display update failed: {exc!r}", event.path, event.seq)

