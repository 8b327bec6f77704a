"""``--format summary``: the run told the way the lesson tells it, one line per moment.

The telling itself lives in :mod:`suptui.story.moments`, with the scorer and the explanations that
read a run the same way; this module is the format's entry point. ``name`` is the path helper's
:func:`suptui.paths.relative`, kept here for the app's predict grid until it imports that directly.
"""

from __future__ import annotations

from ..paths import relative as name
from ..story.moments import MAX_NAMES, join_names, summary_lines, when

__all__ = ["MAX_NAMES", "join_names", "name", "summary_lines", "when"]
