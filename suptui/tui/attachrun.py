"""A live program attached to (``suptui attach ADDRESS``): the run source whose engine is somebody else's.

It stands where a :class:`~suptui.tui.liverun.LiveRun` stands (it is one, to the drain, the details and
the node keys: a feed, a spool for ``e``, a clock, time knobs, a ``session``), but nothing runs here:

* the tree is the program's, read through an :class:`~suptui.attach.Attachment`;
* ``session`` is an :class:`AttachSession`, whose calls are requests over the connection (so the node
  keys' table, :data:`~suptui.tui.nodeactions.NODE_ACTIONS`, works unchanged, one request a row);
* time is the program's real time: :class:`AttachClock` follows it, :class:`AttachTime` cannot pause,
  step or change its speed (the rules refuse those keys, saying why: :data:`~suptui.tui.rules.ATTACH_OFF`).

Every snapshot (the first, one after a reconnect, one after falling behind) starts a *segment*: the
view-model, the history (time travel) and the spool (export) start again from it, so the program's own
``seq`` and ``t`` stay monotonic within each (a restarted program counts from zero again). The log
keeps everything, with a marker line between segments.

Nothing here imports Textual (:mod:`.attachview` is the app's side).
"""

from __future__ import annotations

import logging
import queue
import threading
import time as walltime
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from ..attach import AttachError, Attachment, Hello, Update
from ..engine.mirror import NodeState, Snapshot
from ..engine.protocol import Crash, Event, Exit, Start, Terminate
from ..engine.wire import Reply
from ..safetext import visible
from ..treefile.model import NodeDef
from .export import EventSpool
from .feed import EventFeed
from .history import LIVE_SPACING, MAX_LIVE_CHECKPOINTS, MAX_LIVE_EVENTS, History
from .liverun import LiveRun
from .model import TreeModel, bump, leaf

log = logging.getLogger(__name__)

UPDATES_PER_DRAIN = 2000
"""Updates (each a line of events) taken from the attachment at one drain, at most: a storm is shown
over a few frames instead of holding one up."""


class AttachClock:
    """The program's time (ms) as this side knows it: the snapshot's ``t`` plus the wall time since it
    came, never behind the newest event seen; stopped while the program is not connected."""

    virtual = False

    def __init__(self, wall: Callable[[], float] = walltime.monotonic) -> None:
        self._wall = wall
        self._base = (wall(), 0)
        self._latest = 0
        self._stopped: float | None = None

    def now_ms(self) -> float:
        if self._stopped is not None:
            return self._stopped
        began, t = self._base
        return max(float(self._latest), t + (self._wall() - began) * 1000)

    def rebase(self, t: int) -> None:
        """A snapshot at ``t`` came: time goes on from there (a new segment)."""
        self._base = (self._wall(), t)
        self._latest = t
        self._stopped = None

    def saw(self, t: int) -> None:
        """An event at ``t`` came (it may be a little ahead of the estimate)."""
        if t > self._latest:
            self._latest = t

    def stop(self) -> None:
        """The program is gone: its time stands where it was last seen."""
        if self._stopped is None:
            self._stopped = self.now_ms()


class AttachTime:
    """The time control of an attached program: its real time, which the app cannot pause, step or
    speed up. What would is refused before it gets here; these only keep the drain's contract."""

    speed = 1.0
    paused = False

    def __init__(self, clock: AttachClock) -> None:
        self.clock = clock

    def start(self) -> None:
        return None

    def set_speed(self, speed: float) -> float:
        return self.speed

    def set_paused(self, paused: bool) -> None:
        return None  # (the root ending stops a playground's time; a program's goes on)

    def step(self) -> bool:
        return False

    def close(self) -> None:
        return None


EXIT_WIRE: dict[str, str | list[str]] = {"shutdown_term": ["shutdown", "user"]}
"""``x``'s choices that the wire spells otherwise (``{shutdown, user}``); the rest are sent as named."""


class AttachSession:
    """What the node keys call, made requests to the program: each method sends one request and
    returns a future of the OTP-shaped reply the table's :class:`~suptui.tui.nodeactions.Sent` tells
    (``("ok", result)`` or ``("error", code)``; a connection that is down fails the future)."""

    def __init__(self, attachment: Attachment) -> None:
        self.attachment = attachment

    def pid_of(self, path: str) -> None:
        """Workers of another process cannot be asked to describe themselves from here."""
        return None

    def kill(self, path: str) -> Future[Any]:
        return _otp(self.attachment.kill(path))

    def exit(self, path: str, reason: str) -> Future[Any]:
        return _otp(self.attachment.exit(path, EXIT_WIRE.get(reason, reason)))

    def set_strategy(self, path: str, strategy: str) -> Future[Any]:
        return _otp(self.attachment.set_strategy(path, strategy))

    def start_child(self, sup_path: str, child: NodeDef) -> Future[Any]:
        spec = {"id": child.id, "actor": child.worker, "restart": child.restart}
        return _otp(self.attachment.start_child(sup_path, spec))

    def terminate_child(self, path: str) -> Future[Any]:
        return _otp(self.attachment.terminate_child(path))

    def restart_child(self, path: str) -> Future[Any]:
        return _otp(self.attachment.restart_child(path))

    def delete_child(self, path: str) -> Future[Any]:
        return _otp(self.attachment.delete_child(path))


def _otp(request: Future[Reply]) -> Future[Any]:
    """A reply as the engine's supervisor API words it (the program's error code made safe to show)."""
    out: Future[Any] = Future()

    def done(f: Future[Reply]) -> None:
        try:
            reply = f.result()
        except AttachError as exc:
            out.set_exception(AttachError(visible(str(exc))[:300]))
            return
        except Exception as exc:  # (the client's own failure: ours to word)
            out.set_exception(AttachError(f"{type(exc).__name__}"))
            return
        out.set_result(("ok", None) if reply.ok else ("error", visible(reply.error or "error")[:200]))

    request.add_done_callback(done)
    return out


class AttachRun(LiveRun):
    """A served program, attached: made with an :class:`Attachment` that is connected already (its
    first :class:`~suptui.attach.Connected` waits in ``attachment.updates``). ``stop()`` detaches."""

    intensity_phase = 0.0
    """Where the program's whole seconds fall (a runtime's default: 0)."""

    def __init__(self, attachment: Attachment, *, wall: Callable[[], float] = walltime.monotonic) -> None:
        # (not LiveRun.__init__: no session, no engine here)
        self.attachment = attachment
        self.address = attachment.address
        self.tree = None  # type: ignore[assignment]
        self.program_clock = AttachClock(wall)
        """The program's time (``clock`` is the same object, as the drain and the header read it)."""
        self.clock = self.program_clock  # type: ignore[assignment]
        self.time = AttachTime(self.program_clock)  # type: ignore[assignment]
        self.feed = EventFeed()
        self.session = AttachSession(attachment)  # type: ignore[assignment]
        self.spool = EventSpool()
        self.up = threading.Event()
        self.up.set()
        self.hello: Hello | None = None
        """What the program said about itself on the latest connect."""
        self.connected = False
        self.down: str | None = None
        """Why the program is not connected now (ended, lost, reconnecting), or None while it is."""
        self.badge: str | None = None
        """The header's badge: ``ATTACHED``, or why not (``PROGRAM ENDED``, ``DISCONNECTED``…)."""
        self.segments = 0
        """Snapshots started from (1 once attached)."""
        self._stopped = False
        self._starter = None
        self._unsubscribe = lambda: None

    @property
    def control(self) -> bool:
        """The program takes control requests (``serve(control=False)`` makes it read-only)."""
        return self.hello is not None and self.hello.control

    def who(self) -> str:
        """The program as the header and the log name it: its title and pid."""
        hello = self.hello
        if hello is None:
            return "a program"
        name = hello.title or "program"
        return visible(f"{name} (pid {hello.pid})" if hello.pid is not None else name)

    def where(self) -> str:
        return visible(str(self.address))

    def take(self, limit: int = UPDATES_PER_DRAIN) -> list[Update]:
        """The attachment's updates since the last call, in order (UI thread; never waits)."""
        out: list[Update] = []
        updates = self.attachment.updates
        while len(out) < limit:
            try:
                out.append(updates.get_nowait())
            except queue.Empty:
                break
        return out

    def start(self) -> None:
        return None  # (the attachment's thread runs already)

    def export(self, path: Path) -> int:
        return self.spool.export(path)

    def stop(self) -> None:
        """Detach (the program goes on). Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        try:
            self.attachment.close()
        except Exception:
            log.exception("closing the attachment failed")
        self.spool.close()


# ---------------------------------------------------------------------------- a snapshot as a model


def _kind(node: NodeState) -> str:
    if node.actor == "DynamicSupervisor":
        return "dynamic"
    return "supervisor" if node.type == "supervisor" else "worker"


def snapshot_events(snapshot: Snapshot) -> list[Event]:
    """The snapshot as events (all at its time): a ``start`` for every process it knows, parents
    before their children (so a supervisor is laid out as what it is), and for one that is not
    running, the end it last had (``crash``, ``exit``, ``terminate``, with its reason)."""
    nodes = sorted(snapshot.nodes, key=lambda node: node.path.count("/"))  # (stable: first seen first)
    t, seq = snapshot.t, snapshot.seq
    starts: list[Event] = []
    ends: list[Event] = []
    for node in nodes:
        kind = _kind(node)
        starts.append(Start(seq=seq, t=t, path=node.path, pid=node.pid, restart=False,
                            child_type="worker" if kind == "worker" else "supervisor",
                            actor=node.actor, strategy=node.strategy, max_restarts=node.max_restarts,
                            max_seconds=node.max_seconds))
        reason = node.reason or "normal"
        if node.state == "crashed":
            ends.append(Crash(seq=seq, t=t, path=node.path, pid=node.pid, reason=reason))
        elif node.state == "exited":
            ends.append(Exit(seq=seq, t=t, path=node.path, pid=node.pid, reason=reason))
        elif node.state == "terminated":
            ends.append(Terminate(seq=seq, t=t, path=node.path, pid=node.pid, reason=reason, why="shutdown"))
    return starts + ends[::-1]  # (children's ends first, as a shutdown tells them)


def snapshot_model(snapshot: Snapshot) -> tuple[TreeModel, list[Event]]:
    """The tree the snapshot shows, and the events that lay it out (for the lanes and the spool):
    restart types from the specs where the program could read them, each supervisor's restart window
    as its latest decision left it."""
    model = TreeModel()
    for node in snapshot.nodes:
        if node.restart is not None:  # (the view's restart type: events do not carry it)
            model.expect(NodeDef(id=leaf(node.path), path=node.path, kind=_kind(node),  # type: ignore[arg-type]
                                 restart=node.restart, worker=node.actor))
    events = snapshot_events(snapshot)
    model.apply_all(events)
    for node in snapshot.nodes:
        view = model.nodes.get(node.path)
        if view is not None and node.stamps and view.is_supervisor:
            view.stamps = tuple(node.stamps)
            bump(view)
    return model, events


def history_for(model: TreeModel) -> History:
    """A live run's history, starting at ``model`` (moment 0 is the snapshot)."""
    return History(model, spacing=max(LIVE_SPACING, len(model.nodes)), max_events=MAX_LIVE_EVENTS,
                   max_checkpoints=MAX_LIVE_CHECKPOINTS)
