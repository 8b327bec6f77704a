"""What each action may do right now, and why not: the keys' preconditions in one place.

A key that does not apply says why in the log instead of doing nothing silently; the command
palette offers an action only when :func:`why_not` has nothing to say. The node keys' own rules are
rows of :data:`~suptui.tui.nodeactions.NODE_ACTIONS`; the gates here (a replay, no run, the past)
come first for every key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .model import NodeView, TreeModel
from .nodeactions import NODE_ACTIONS

ALWAYS = ("help", "quit", "restart_tree", "filter", "clear_filter", "toggle_lanes", "lanes_full", "zoom_in",
          "zoom_out")

LIVE_ONLY = (*NODE_ACTIONS, "restart_tree", "predict", "compare")
"""The keys that act on a running tree: nothing to act on in a replay, nor in the past of a live run."""

_REAL_TIME = "an attached program runs in its own real time: the app cannot pause, step or speed it"
ATTACH_OFF: dict[str, str] = {
    "toggle_pause": _REAL_TIME,
    "step": _REAL_TIME + " (in the past, . moves to the next event seen)",
    "faster": _REAL_TIME,
    "slower": _REAL_TIME,
    "predict": "predict replays the tree paused from t = 0: an attached program runs in real time",
    "compare": "compare reruns the tree from its file under each strategy: an attached program has none",
    "restart_tree": "the program owns its tree: restart the program itself (the app reattaches)",
    "add_child": "the app cannot know which workers the program can start (its own API adds children)",
    "open_tree": "o opens a tree to run: quit, then run suptui TREE",
}
"""The keys that make no sense on an attached program, and why (help and the palette say so)."""


@dataclass(frozen=True)
class Situation:
    """What the rules look at: the tree, the selection, and the state of time."""

    model: TreeModel
    selected: NodeView | None
    running: bool
    """A tree is loaded and its run exists (even if the root is down)."""
    paused: bool
    has_source: bool
    """The tree came from a file (or a bundled name) that ``R`` can re-read."""
    replay: bool = False
    """A recording is shown: there is no engine, only events."""
    past_t: float | None = None
    """Time travel: the moment shown (ms) when it is not now."""
    attached: bool = False
    """A live program attached to: its time is real, its tree its own (see :data:`ATTACH_OFF`)."""
    acting_off: str | None = None
    """Attached, why the node keys cannot act now (read-only, or not connected), if they cannot."""


def why_not(action: str, params: tuple[Any, ...], s: Situation) -> str | None:
    """Why ``action`` does not apply now, or None when it does."""
    if s.replay and action in LIVE_ONLY:
        return "a replay shows a recording: nothing is running to act on (record a live run with e)"
    if s.attached:
        reason = _attached(action, s)
        if reason is not None:
            return reason
    if not s.running and action not in ALWAYS:
        return "no tree is running"
    if s.past_t is not None and action in LIVE_ONLY:
        return f"you are looking at the past (t = {s.past_t / 1000:.3f} s): n returns to now"
    rule = _RULES.get(action)
    return rule(params, s) if rule is not None else None


def offers(action: str, s: Situation) -> bool:
    """Whether a text may offer ``action``'s key now (a banner's "R starts it again", the details'
    keys): only what would work if pressed, so every hint asks here rather than know the mode."""
    return why_not(action, (), s) is None


def off_among(actions: Iterable[str], s: Situation) -> frozenset[str]:
    """The ``actions`` a text must not offer now (see :func:`offers`)."""
    return frozenset(action for action in actions if not offers(action, s))


def _attached(action: str, s: Situation) -> str | None:
    if action == "step" and s.past_t is not None:
        return None  # (travel: the next event seen)
    if action in ATTACH_OFF:
        return ATTACH_OFF[action]
    if s.acting_off is not None and action in NODE_ACTIONS:
        return s.acting_off
    return None


def _step(params: tuple[Any, ...], s: Situation) -> str | None:
    return None if s.paused or s.replay or s.past_t is not None else "step works while paused (space pauses)"


def _restart_tree(params: tuple[Any, ...], s: Situation) -> str | None:
    return None if s.has_source else "this tree was not loaded from a file"


def _compare(params: tuple[Any, ...], s: Situation) -> str | None:
    root = s.model.nodes.get(s.model.root or "")
    if root is not None and root.kind == "dynamic":
        return "the root is a dynamic supervisor: always one_for_one, nothing to compare"
    return None


_RULES: dict[str, Callable[[tuple[Any, ...], Situation], str | None]] = {
    **{row.name: row.rule for row in NODE_ACTIONS.values()},
    "step": _step,
    "restart_tree": _restart_tree,
    "compare": _compare,
}


def refusals_in(s: Situation) -> dict[str, str]:
    """The keys that act on a live tree and cannot here (a replay, the past, an attached program), with
    why: the help screen strikes them through and the palette lists them as off. Elsewhere a key's rule
    is asked when it is pressed (or the palette opens), not listed."""
    gated = s.replay or s.past_t is not None or (s.attached and s.acting_off is not None)
    actions = [*(LIVE_ONLY if gated else ()), *(ATTACH_OFF if s.attached else ())]
    out = {}
    for action in actions:
        reason = why_not(action, ("one_for_one",) if action == "set_strategy" else (), s)
        if reason is not None:
            out[action] = reason
    return out
