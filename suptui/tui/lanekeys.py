"""The timeline keys of the app: ``t`` lanes beside the tree, ``T`` full screen, ``<`` ``>`` zoom,
``S`` SVG export.

A mixin of :class:`~suptui.tui.app.SuptuiApp` (its methods take the app as ``self``), kept apart so
the app module stays about the tree. The lanes read the :class:`~suptui.tui.livetimeline.LiveTimeline`
that the app's drain feeds; :meth:`LaneKeys.tick_lanes` tells the visible lanes to redraw if their
frame changed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from ..timeline import render_svg
from .export import export_path, send_to_browser
from .guard import guarded
from .lanes import LanesView
from .lanescreen import LanesScreen
from .liverun import LiveRun
from .replayrun import ReplayRun

if TYPE_CHECKING:
    from .app import SuptuiApp


class LaneKeys:
    """``t`` ``T`` ``<`` ``>`` ``S``."""

    @property
    def lanes_shown(self: SuptuiApp) -> bool:
        """The lanes pane is beside the tree."""
        return self.query_one("#main").has_class("-lanes")

    @property
    def lanes_pane(self: SuptuiApp) -> LanesView:
        return self.query_one("#lanes", LanesView)

    def show_lanes(self: SuptuiApp, shown: bool) -> None:
        self.query_one("#main").set_class(shown, "-lanes")
        self.tick_lanes()

    def tick_lanes(self: SuptuiApp) -> None:
        """After a drain or a zoom: the lanes on screen redraw if time, events or the zoom moved."""
        if self.lanes_shown:
            self.lanes_pane.tick()
        if isinstance(self.screen, LanesScreen):
            for view in self.screen.query(LanesView):  # none yet while the screen is composing
                view.tick()

    @guarded
    def action_toggle_lanes(self: SuptuiApp) -> None:
        if isinstance(self.screen, LanesScreen):  # from full screen, t goes back to the pane
            self.screen.dismiss(None)
            self.show_lanes(True)
            return
        self.show_lanes(not self.lanes_shown)

    @guarded
    def action_lanes_full(self: SuptuiApp) -> None:
        if isinstance(self.screen, LanesScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(LanesScreen(self.timeline, self.tree_view))

    @guarded
    def action_zoom_in(self: SuptuiApp) -> None:
        self.timeline.zoom_in()
        self._zoomed()

    @guarded
    def action_zoom_out(self: SuptuiApp) -> None:
        self.timeline.zoom_out()
        self._zoomed()

    def _zoomed(self: SuptuiApp) -> None:
        self.repin_lanes()  # the past's lanes hold only the window they were built for
        self.lanes_pane.border_title = self.lanes_title()
        if isinstance(self.screen, LanesScreen):
            self.screen.retitle()
        self.tick_lanes()

    def lanes_title(self: SuptuiApp) -> str:
        return f"lanes · {self.timeline.span_ms // 1000} s across"

    # ------------------------------------------------------------------ S

    @guarded
    def action_export_svg(self: SuptuiApp) -> None:
        """The whole run so far, 0 to the end of the current second, as the headless ``--format svg``
        draws it; rendered here (the model belongs to this thread), written on a worker. In the past
        or in a replay, the lanes' timeline holds the window on screen: that window is drawn."""
        run = self._run()
        self.drain_now()  # everything that happened up to the key press is in the timeline
        now = int(self.shown_ms())
        until = (now // 1000 + 1) * 1000
        since = self.timeline.window()[0] if self.timeline.pinned is not None else 0
        name = self._source_name() or (self.current_tree.root.id if self.current_tree else "tree")
        title = f"{self.current_tree.title if self.current_tree and self.current_tree.title else name}" \
                f" · {since // 1000}–{until // 1000} s"
        svg = render_svg(self.timeline.model, since, until, title=title, now=now)
        self._write_svg(run, export_path(self.export_dir, name, time.time(), suffix="svg"), svg)

    @work(thread=True, group="export")
    def _write_svg(self: SuptuiApp, run: LiveRun | ReplayRun, path: Path, svg: str) -> None:
        try:
            if self.is_web:  # suptui serve: a download in the browser, not a file on the server
                send_to_browser(self, path.name, lambda tmp: tmp.write_text(svg, encoding="utf-8"))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(svg, encoding="utf-8")
        except OSError as exc:
            run.feed.note(f"SVG export failed: {exc}", "error")
        else:
            where = f"a download, {path.name}" if self.is_web else path
            run.feed.note(f"exported the timeline to {where}", "ok")
