"""The tree band: the supervision tree and, with ``t``, the timeline lanes beside it, row for row.

The band is sized from the tree, so the log and details get the rest of the screen:

* alone, the band is as wide as the tree pane wants (its widest row, up to a share of the screen)
  and the details and log stand beside it, the log as wide as what is left;
* with the lanes, the band spans the screen (the lanes need the width: time runs across them) and is
  as tall as the tree's rows, up to a share of the screen set in the CSS; details and log go below it
  side by side, so the log keeps most of the screen's width instead of a third.

Which of the two is a CSS class on ``#main`` (``-lanes``); only the sizes are computed here.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.geometry import Size

from .treeview import SupervisionTree


class TreeBand(Horizontal):
    """The tree and the lanes beside it; ``width: auto`` and ``height: auto`` ask the tree."""

    @property
    def tree(self) -> SupervisionTree:
        return self.query_one(SupervisionTree)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """The tree pane's whole width (used alone: with the lanes the band spans the screen)."""
        return min(container.width, self.tree.pane_width(viewport))

    @property
    def _has_relative_children_height(self) -> bool:
        """Textual stretches an auto-height container whose children have a relative height (the
        tree and lanes fill the band: ``1fr``) to its whole container; this band's height is its
        own (:meth:`get_content_height`), the children fill that. (A test checks the band's height.)"""
        return False

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The tree's rows, its borders and the lanes' axis line (used with the lanes: the band then
        sits over the details and log and should not take rows it has nothing to show in)."""
        tree = self.tree
        scrollbar = tree.styles.scrollbar_size_horizontal if tree.show_horizontal_scrollbar else 0
        return len(tree.rows) + tree.styles.gutter.height + scrollbar
