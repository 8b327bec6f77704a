"""The history behind time travel, without a terminal: any moment from checkpoints equals the model
folded from t = 0, memory stays bounded (checkpoints thinned, a live run's oldest past forgotten)."""

from __future__ import annotations

from suptui.treefile.skeleton import tree_from_skeleton
from suptui.tui.history import History
from suptui.tui.model import TreeModel, freeze

from tests.support.replay import record, statuses


def folded(recording, n: int) -> TreeModel:
    model = TreeModel(tree_from_skeleton(recording.header.tree, "x"))
    for event in recording.events[:n]:
        model.apply(event)
    return model


def test_every_moment_from_checkpoints_is_the_model_folded_from_the_start() -> None:
    recording = record("bombs_reordered", 12_000)
    tree = tree_from_skeleton(recording.header.tree, "x")
    history = History(TreeModel(tree), spacing=4, max_checkpoints=4)
    history.fold(recording.events, TreeModel(tree))
    assert history.checkpoints <= 4 and history.spacing >= len(recording.events) // 4
    for n in range(len(recording.events) + 1):
        moment = history.moment(n, context=3, lanes_ms=2000)
        assert statuses(moment.model) == statuses(folded(recording, n)), n
        if n:
            assert moment.lines[moment.current].seq == recording.events[n - 1].seq  # the log's current line
        lanes = history.lanes(moment)
        assert lanes.last_t is None or lanes.last_t <= moment.t  # nothing after the moment


def test_a_history_that_rebuilds_its_base_keeps_no_skeleton_and_copies_no_node_before_a_checkpoint() -> None:
    """Moment 0 made again from the tree file (the live runs' way): the same moments, and the model
    taking the events changes the skeleton's nodes in place until the first checkpoint (at 100,000
    workers a frozen skeleton was a second copy of every node, ~30 MB)."""
    recording = record("bombs_reordered", 12_000)
    tree = tree_from_skeleton(recording.header.tree, "x")
    live = TreeModel(tree)
    skeleton = dict(live.nodes)
    history = History(live, spacing=50, rebuild=lambda: TreeModel(tree))
    for event in recording.events[:49]:
        live.apply(event)
        history.append(event, live)
    assert all(live.nodes[path] is node for path, node in skeleton.items())  # no copy-on-write yet
    for event in recording.events[49:]:
        live.apply(event)
        history.append(event, live)
    for n in range(len(recording.events) + 1):
        assert statuses(history.moment(n, context=3).model) == statuses(folded(recording, n)), n
    assert all(node.status == "pending" for node in history.moment(0).model.nodes.values())


def test_a_live_history_thins_its_checkpoints_and_forgets_its_oldest_events() -> None:
    recording = record("bombs_reordered", 30_000)
    tree = tree_from_skeleton(recording.header.tree, "x")
    live = TreeModel(tree)
    history = History(TreeModel(tree), spacing=2, max_checkpoints=6, max_events=20)
    for event in recording.events:
        live.apply(event)
        history.append(event, live)
    assert history.count == len(recording.events)
    assert history.first > 0 and len(history.events) <= 20
    assert history.checkpoints <= 6
    for n in range(history.first, history.count + 1):
        assert statuses(history.moment(n).model) == statuses(folded(recording, n)), n
    assert history.clamp(0) == history.first  # the forgotten past is not shown


def test_a_checkpoint_shares_the_nodes_that_did_not_change() -> None:
    recording = record("bombs", 2500)
    model = TreeModel(tree_from_skeleton(recording.header.tree, "x"))
    events = recording.events
    crash = next(i for i, e in enumerate(events) if e.kind == "crash")
    for event in events[:crash]:
        model.apply(event)
    before = freeze(model)
    model.apply(events[crash])  # bomb1 crashes: only its node changes
    after = freeze(model)
    assert after["root/bomb1"] is not before["root/bomb1"]
    assert after["root/bomb2"] is before["root/bomb2"] and after["root"] is before["root"]
