"""The app's side of ``suptui attach ADDRESS``: a live program's tree on the same screen.

:class:`AttachView` is mixed into :class:`~suptui.tui.app.SuptuiApp`. At every drain the app hands it the
attachment's updates (:meth:`AttachView.take_attached`): events go to the run's feed (the drain folds
them as a live run's), a snapshot starts a segment (the tree, its history and its spool from the
snapshot; a marker line in the log), a dropped connection is said in the log, the header and the
banner, and what was seen stays on screen (time travel, ``e`` and ``S`` work over it) until the
program is back. See :mod:`.attachrun` for the run itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..attach import (
    AttachError,
    Attachment,
    Closed,
    Connected,
    Disconnected,
    Events,
    Hello,
    Reconnecting,
    Resynced,
)
from ..engine.mirror import Snapshot
from ..safetext import visible
from .attachrun import AttachRun, history_for, snapshot_model
from .export import EventSpool
from .header import ATTACHED
from .narrate import banner_text, format_t

if TYPE_CHECKING:
    from .app import SuptuiApp

NOT_CONNECTED = "not connected to the program: what is shown is what was seen (it reattaches by itself)"
READ_ONLY = "the program serves its tree read-only (serve(control=False)): look, do not touch"


class AttachView:
    """What the app does for an attached program (``self.attached``)."""

    attached: AttachRun | None = None

    def start_attach(self: SuptuiApp, run: AttachRun) -> None:
        """Show the program: its first snapshot (waiting in the attachment) laid out, then live."""
        self.runs.run = run
        self.take_attached(run)
        self.drain_now()

    def take_attached(self: SuptuiApp, run: AttachRun) -> None:
        """The attachment's updates since the last drain (UI thread): events to the feed, in order;
        a snapshot, a drop, a reconnect told and shown."""
        for update in run.take():
            if isinstance(update, Events):
                if update.events:
                    run.program_clock.saw(update.events[-1].t)
                    for event in update.events:
                        run.feed(event)
            elif isinstance(update, Connected):
                self._attach_segment(run, update.snapshot, hello=update.hello)
            elif isinstance(update, Resynced):
                self._attach_segment(run, update.snapshot, dropped=update.dropped)
            elif isinstance(update, Disconnected):
                self._attach_lost(run, update)
            elif isinstance(update, Reconnecting):
                if run.badge != "PROGRAM ENDED":
                    run.badge = "RECONNECTING"
            elif isinstance(update, Closed):
                run.connected, run.down, run.badge = False, "detached", "DETACHED"
                self._update_banner()

    def _attach_segment(self: SuptuiApp, run: AttachRun, snapshot: Snapshot, *, hello: Hello | None = None,
                        dropped: int | None = None) -> None:
        """A snapshot: the tree, history, timeline and spool start again from it (see :mod:`.attachrun`)."""
        batch = self.runs.drain()  # the previous segment's last events, onto the previous tree
        if batch is not None:
            self._draw(batch)
        again = run.segments > 0
        if hello is not None:
            run.hello = hello
        run.segments += 1
        run.connected, run.down, run.badge = True, None, ATTACHED
        run.program_clock.rebase(snapshot.t)
        model, events = snapshot_model(snapshot)
        self.runs.live_model = model
        self.runs.history = history_for(model)
        self.timeline.reset(run.clock.now_ms, run.intensity_phase)
        self.timeline.feed(events)
        run.spool.close()
        run.spool = EventSpool(run.hello.header() if run.hello is not None else None)
        run.spool.write(events)
        if self.moment is not None:
            self.moment = None
            self.event_log.show_live()
        self._show_model(model)  # as time travel shows a moment: the cursor kept where it can be
        self.title = visible(f"suptui · attached · {run.who()} · {run.where()}")
        running = sum(1 for node in snapshot.nodes if node.state == "running")
        at = f"{running} processes running at t = {format_t(snapshot.t)} s"
        if dropped is not None:
            self.note(f"fell behind the program: {dropped} events skipped; a fresh snapshot, {at} "
                      "(time travel starts again here) ──", "marker")
        elif again:
            self.note(f"reattached to {run.who()}: a fresh snapshot, {at} (time travel and e start again "
                      "here) ──", "marker")
        else:
            read_only = "" if run.control else "; read-only: the node keys are off"
            self.note(f"attached to {run.who()} at {run.where()}: {at}{read_only}. Time is the program's "
                      "(space . + - p c R a o are off: ? says why); , [ ] g j travel over what was seen",
                      "note")
        self._update_banner()
        self._update_details(run)

    def _attach_lost(self: SuptuiApp, run: AttachRun, update: Disconnected) -> None:
        if update.reason == "closed":
            return  # (we detached: quitting)
        run.connected = False
        run.program_clock.stop()
        if update.program_ended:
            run.down, run.badge = "the program ended", "PROGRAM ENDED"
        else:
            run.down, run.badge = visible(f"the connection was lost: {update.reason}"), "DISCONNECTED"
        at = format_t(run.program_clock.now_ms())
        self.note(f"{run.who()}: {run.down} at t = {at} s; what was seen is kept (travel, e, S); waiting "
                  f"for it to serve at {run.where()} again", "error")
        self._update_banner()

    def attach_badge(self: SuptuiApp) -> str | None:
        return self.attached.badge if self.attached is not None else None

    def attach_acting_off(self: SuptuiApp) -> str | None:
        """Why the node keys cannot act on the attached program now, if they cannot."""
        run = self.attached
        if run is None:
            return None
        if not run.connected:
            return NOT_CONNECTED
        return None if run.control else READ_ONLY

    def attach_banner(self: SuptuiApp) -> tuple[str | None, str | None]:
        """The banner's (first line, text) for an attached program: why it is not connected, or the
        root being down."""
        run = self.attached
        assert run is not None
        if run.down is not None:
            return (f"⚠ {run.who()} at {run.where()}: {run.down}",
                    "what was seen is kept: , [ ] g j travel over it, e and S export it; the app "
                    "reattaches when the program serves again (q quits)")
        return None, banner_text(self.model, None, restart_off=self._why_not("restart_tree"))


def run_attach(address: str, token: str | None = None, *,
               make_attachment: Callable[[], Attachment] | None = None) -> int:
    """``suptui attach ADDRESS``: connect first (a bad address, a refusal, a wrong token or another
    protocol is one line on stderr and exit 2, before any screen), then open the app on the program.
    ``make_attachment`` builds another kind of attachment (``--beam``: a BEAM node through the agent)."""
    from .app import SuptuiApp, _run_to_the_end

    try:
        attachment = make_attachment() if make_attachment is not None else Attachment(address, token)
        attachment.connect()
    except AttachError as exc:
        print(f"suptui: error: {visible(str(exc))}", file=sys.stderr)
        return 2
    app = SuptuiApp(None, None, attach=AttachRun(attachment))
    return _run_to_the_end(app)
