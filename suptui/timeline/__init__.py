"""The timeline: lanes, restart windows and cause→effect groups built from the event stream, drawn as
rows of cells (for the app) or as SVG (for slides). The predict-the-timeline scorer, which reads a
run the way the lesson tells it, lives in :mod:`suptui.story` (``predict`` and ``prediction`` here
only re-export it for the app until it imports the new home).

Nothing here imports Textual or Rich (nor ``headless``): the app draws what this package computes,
and the headless command line uses it as is.
"""

from .gauge import Gauge
from .geometry import ZOOM_LEVELS_MS, Row, rows, window_ending_at, zoom_in, zoom_out
from .lane import Lane, LaneSlice
from .model import TimelineModel
from .records import Decision, Effect, Group, Lifetime, Mark
from .svg import render_svg, timeline_svg

__all__ = [
    "ZOOM_LEVELS_MS",
    "Decision",
    "Effect",
    "Gauge",
    "Group",
    "Lane",
    "LaneSlice",
    "Lifetime",
    "Mark",
    "Row",
    "TimelineModel",
    "render_svg",
    "rows",
    "timeline_svg",
    "window_ending_at",
    "zoom_in",
    "zoom_out",
]
