"""``c``: three small timelines, one per strategy, over one time axis.

The runs happen on a worker thread (:func:`~suptui.tui.compare.run_strategies`); the screen shows
"running…" until they are back, then paints them with the same painter as the live lanes. Each
section is titled with what the eye should compare (crashes, restarts, whether and when the root gave
up), and a frame asks the timeline core only for the lanes on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.segment import Segment
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Footer, Label, Static
from textual.worker import Worker, WorkerState

from ..safetext import visible
from ..story.counts import GROUP_ONCE, child_restarts
from ..story.sentences import plural
from ..timeline import TimelineModel, rows, zoom_in, zoom_out
from ..timeline.geometry import ZOOM_LEVELS_MS
from ..timeline.geometry import Row as LaneRow
from ..treefile.model import Tree
from .background import BackgroundRuns
from .bindings import COMPARE_BINDINGS
from .compare import StrategyRun, count_run, run_strategies
from .dialogs import shown
from .guard import exc_text
from .lanepaint import LaneCanvas
from .lanes import MAX_LABEL_WIDTH, layout_for
from .once import DismissOnce


@dataclass(frozen=True, slots=True)
class _Line:
    """What one line of the view is: a section title, a lane of a run, or a gap."""

    run: int
    lane: int = -1
    """-1 for the section's title, -2 for the gap after it."""


def run_title(run: StrategyRun, until: int) -> str:
    """``one_for_all (as in the file) · 4 crashes · 4 restarts, window at most 3/5 · 12 child restarts ·
    root never gave up``: each count by its name (see :class:`~suptui.tui.compare.RunCounts`)."""
    head = f"{run.strategy}{' (as in the file)' if run.as_written else ''}"
    if run.model is None:
        return visible(f"{head} · the run failed: {run.error}")
    counts = count_run(run.model, until)
    lanes = run.model.lanes()
    root = visible(lanes[0].name) if lanes else "root"
    most = counts.max_restarts
    window = f", window at most {counts.peak}/{most}" if most is not None else ""
    if counts.gave_up_at is not None:
        end = f"{root} gave up at {counts.gave_up_at / 1000:g} s"
    else:
        end = f"{root} never gave up" if lanes else "nothing ran"
    crashes = f"{counts.crashes} crash{'es' if counts.crashes != 1 else ''}"
    return visible(f"{head} · {crashes} · {plural(counts.restarts, 'restart')}{window} · "
                   f"{child_restarts(counts.child_restarts)} · {end}")


COUNTS_NOTE = (f"restarts: as the supervisors' windows count them, one per decision ({GROUP_ONCE}; the "
               "one over the limit too); child restarts: the children started again")
"""Said once under the compare title, so "4 restarts" next to "12 child restarts" is not a puzzle."""


class CompareView(LaneCanvas, can_focus=True):
    """The three runs' lanes under one sticky axis, scrolled as one."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.runs: list[StrategyRun] = []
        self.span_ms = ZOOM_LEVELS_MS[3]
        self.until = 0
        self._lines: list[_Line] = []
        self._titles: list[str] = []
        self._key: tuple[int, ...] | None = None
        self._rows: dict[tuple[int, str], LaneRow] = {}

    def show(self, runs: list[StrategyRun], until: int) -> None:
        self.runs, self.until = runs, until
        self._lines = []
        for index, run in enumerate(runs):
            self._lines.append(_Line(index))
            count = len(run.model.lanes()) if run.model is not None else 0
            self._lines.extend(_Line(index, lane) for lane in range(count))
            self._lines.append(_Line(index, -2))
        self._retitle()
        self._key = None
        self._sync_size()

    def set_span(self, span_ms: int) -> None:
        self.span_ms = span_ms
        self._retitle()
        self._key = None
        self.refresh()

    def _retitle(self) -> None:
        """Count what is on screen: runs may go further than the window after a zoom in."""
        shown = min(self.until, self.span_ms)
        self._titles = [run_title(run, shown) for run in self.runs]

    def _sync_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._lines) + 1)
        self.refresh()

    def on_resize(self) -> None:
        self._sync_size()

    def _labels(self) -> int:
        widths = [2 * lane.depth + len(visible(lane.name)) + 1 for run in self.runs if run.model is not None
                  for lane in run.model.lanes()]
        return min(MAX_LABEL_WIDTH, max(widths, default=0))

    def _frame(self) -> tuple[int, int, int, int, int]:
        """Compute the rows on screen for each run (one ``rows`` call per run, links included)."""
        width = self.scrollable_content_region.width
        layout = layout_for(width, self._labels())
        top = round(self.scroll_offset.y)
        height = max(0, self.scrollable_content_region.height - 1)
        key = (width, top, height, self.span_ms, id(self.runs))
        if key != self._key:
            self._key = key
            self._rows = {}
            t1 = self.span_ms
            wanted: dict[int, list[str]] = {}
            for line in self._lines[top:top + height]:
                model = self.runs[line.run].model
                if line.lane >= 0 and model is not None:
                    wanted.setdefault(line.run, []).append(model.lanes()[line.lane].path)
            for index, paths in wanted.items():
                model = self.runs[index].model
                assert model is not None
                for row in self._draw(model, paths, t1, layout.cells):
                    self._rows[(index, row.path)] = row
        return layout.label, layout.cells, layout.gauge, top, height

    def _draw(self, model: TimelineModel, paths: list[str], t1: int, cells: int) -> list[LaneRow]:
        if cells <= 0:
            return []
        end = min(t1, self.until)
        return rows(model, 0, t1, cells, paths=paths, now=end, gauge_at=max(0, end - 1))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.base_style
        label, cells, gauge, top, _ = self._frame()
        if y == 0:
            return Strip([Segment(" " * label, base), *self.paint_axis(0, self.span_ms, cells, base)]
                         ).crop_extend(0, width, base)
        index = top + y - 1
        if not self.runs or index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        run = self.runs[line.run]
        if line.lane == -1:
            style = "title-file" if run.as_written else "title"
            return Strip([Segment(self._titles[line.run], base + self.lane_style(style))]
                         ).crop_extend(0, width, base)
        if line.lane == -2 or run.model is None:
            return Strip.blank(width, base)
        lane = run.model.lanes()[line.lane]
        name = f"{'  ' * lane.depth}{visible(lane.name)}"
        name = name if len(name) < label else name[:max(0, label - 2)] + "…"
        style = "label-supervisor" if lane.is_supervisor else "label"
        segments = [Segment(f"{name:<{label}}", base + self.lane_style(style))] if label else []
        drawn = self._rows.get((line.run, lane.path))
        if drawn is None:
            segments.append(Segment(" " * cells, base))
        else:
            segments.extend(self.paint_cells(drawn, base))
        final = drawn.gauge if drawn is not None else None
        if final is not None:  # where the window ends, what frees next does not matter
            final = replace(final, frees_in_ms=None)
        segments.extend(self.paint_gauge(final, gauge, base))
        return Strip(segments).crop_extend(0, width, base)


class CompareScreen(DismissOnce, ModalScreen[None]):
    """Runs the three strategies off the UI thread and shows them together."""

    BINDINGS = COMPARE_BINDINGS
    DEFAULT_CSS = """
    #compare-note { width: 100%; height: auto; color: $text-muted; margin-bottom: 1; }
    """

    def __init__(self, tree: Tree, span_ms: int, seed: int, background: BackgroundRuns) -> None:
        super().__init__()
        self.background = background
        """Where the runs are counted, so that quitting the app can stop them and wait for them."""
        self.tree_def = tree
        self.span_ms = span_ms
        self.seed = seed
        self.until = 0
        """How far the runs on screen went (0 while none are back)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="compare", classes="dialog"):
            yield Label("", id="question")
            yield Static(COUNTS_NOTE, id="compare-note", markup=False)
            yield CompareView(id="compare-view")
        yield Footer()

    @property
    def view(self) -> CompareView:
        return self.query_one("#compare-view", CompareView)

    def on_mount(self) -> None:
        self.view.set_span(self.span_ms)
        self.view.focus()
        self._retitle("running the three strategies…")
        self._run(self.span_ms)

    def _retitle(self, status: str = "") -> None:
        name = self.tree_def.title or self.tree_def.root.id
        text = f"Compare strategies: {name} · same tree, same script · 0–{self.span_ms // 1000} s"
        self.query_one("#question", Label).update(shown(f"{text}   {status}".rstrip()))

    def _run(self, until: int) -> None:
        def work(cancelled: Callable[[], bool]) -> tuple[int, list[StrategyRun]]:
            return until, run_strategies(self.tree_def, until, self.seed, cancelled)

        self.run_worker(self.background.wrap(work), thread=True,
                        exclusive=True, group="compare", name="compare")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "compare":
            return
        if event.state == WorkerState.SUCCESS and isinstance(worker.result, tuple):
            self.until, runs = worker.result
            self.view.show(runs, self.until)
            self._retitle()
        elif event.state == WorkerState.ERROR:
            self._retitle(f"the runs failed: {exc_text(worker.error) if worker.error else '?'}")

    def action_zoom(self, direction: int) -> None:
        self.span_ms = zoom_in(self.span_ms) if direction < 0 else zoom_out(self.span_ms)
        self.view.set_span(self.span_ms)
        if self.span_ms > self.until:
            self._retitle("running again…")
            self._run(self.span_ms)
        else:
            self._retitle()

    def action_close(self) -> None:
        self.dismiss(None)
