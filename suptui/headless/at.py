"""``--at MS``: the tree as it stood at one instant, told from a recording.

Each node in tree order, indented by depth: its pid, its state (with the glyph the app's tree shows),
how often it was restarted itself; each supervisor also with its strategy and its restart window as
OTP counts it at that instant (the restart decisions still inside it against the limit, a group
restart counting once, then their whole-second stamps, newest first).

The state is the app's own view-model (:class:`suptui.tui.model.TreeModel`, which imports no
Textual) folded over the events with ``t <= MS``, so the printed moment and the app's tree can never
disagree. A live run (``suptui TREE --headless --at MS``) is recorded and told the same way, with
the loaded tree as the skeleton; a replay has only its header's skeleton, which does not carry the
children the script adds at run time, so for those a replay knows less (their restart type: a
temporary child that ended is ``removed`` live but ``stopped`` in a replay). Everything else prints
the same bytes live and replayed.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.recording import Recording, RecordingError
from ..safetext import visible
from ..story import glyphs
from ..treefile.model import Tree
from ..treefile.skeleton import SkeletonError, tree_from_skeleton
from ..tui.model import NodeView, TreeModel

REASON_LIMIT = 80
"""A last exit reason is cut to this many characters: the line is a summary, ``jsonl`` has it whole."""


def model_at(recording: Recording, at_ms: int, source: str, tree: Tree | None = None) -> TreeModel:
    """The view-model after every event with ``t <= at_ms``, laid out on ``tree`` if given (a live
    run's loaded tree), else on the header's skeleton.

    Raises :class:`RecordingError` (``FILE:LINE: message``) for a header whose tree is not a
    skeleton, or an event the model cannot place: the file is then not a recording of a real run.
    """
    model = TreeModel()
    if tree is not None:
        model.load(tree)
    elif recording.header.tree is not None:
        try:
            model.load(tree_from_skeleton(recording.header.tree, source))
        except SkeletonError as exc:
            raise RecordingError(source, 1, f"the header's tree: {exc}") from None
    for event in recording.events:
        if event.t > at_ms:
            break
        try:
            model.apply(event)
        except Exception as exc:  # a hand-made file can say things no run says; never a traceback
            raise RecordingError(source, event.seq + 1, f"this {event.kind} event does not fit the tree "
                                 f"so far ({type(exc).__name__}: {visible(exc, limit=200)})") from None
    return model


def tree_at(recording: Recording, at_ms: int, source: str, tree: Tree | None = None) -> str:
    """The printed moment: a title line, then one aligned line per node, each ending in a newline.

    ``tree``: a live run's loaded tree (see :func:`model_at`); a replay leaves it out.
    """
    model = model_at(recording, at_ms, source, tree)
    title = recording.header.title or source
    rows = [_row(model, model.nodes[row.path], row.depth, at_ms) for row in model.flatten()]
    lines = [f"{visible(title)} at {at_ms / 1000:.3f} s", *_align(rows)]
    if not rows:
        lines.append("(no tree: the recording has no skeleton and nothing had started yet)")
    return "".join(line + "\n" for line in lines)


Cells = tuple[str, str, str, str, str]


def _row(model: TreeModel, node: NodeView, depth: int, at_ms: int) -> Cells:
    restarts = f"restarted {node.restarts}×"
    details: list[str] = []
    if node.is_supervisor:
        details.append(_window(model, node, at_ms))
    if not node.running and node.last_reason is not None and node.last_end_t is not None:
        details.append(f"last {glyphs.ended_word(node.last_end)} at {node.last_end_t / 1000:.3f} s: "
                       f"{visible(node.last_reason, limit=REASON_LIMIT)}")
    if node.zombies:
        details.append(f"{node.zombies} zombie thread" + ("" if node.zombies == 1 else "s"))
    return ("  " * depth + node.id, visible(node.pid) or "-", _state(node), restarts, "; ".join(details))


def _state(node: NodeView) -> str:
    """The glyph and word the app's tree and details show, e.g. ``↯ killed``, ``■ shut down``,
    with the fact a reader asks about first: gave up."""
    return " ".join(glyphs.of_node(node))


def _window(model: TreeModel, node: NodeView, at_ms: int) -> str:
    """``one_for_one, 4/5 restarts in 5 s [5 4 3 2]``: strategy, restarts as the window counts them at
    ``at_ms`` / limit, stamps."""
    strategy = visible(node.strategy or "?")
    budget = model.budget(node.path, at_ms)
    if budget is None:
        return strategy
    used, limit, seconds = budget
    stamps = " ".join(str(s) for s in node.stamps)
    return f"{strategy}, {used}/{limit} restarts in {seconds} s" + (f" [{stamps}]" if stamps else "")


def _align(rows: Sequence[Cells]) -> list[str]:
    """Columns padded to the widest cell; the last column is left as it is (no trailing blanks)."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    out = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        out.append("  ".join([*cells, row[4]]).rstrip())
    return out
