"""The view-model and the log's wording, fed by real runs on the virtual clock: no terminal needed."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from suptui.engine import Event, SupervisorClient, VirtualClock, make_event
from suptui.session import Session
from suptui.treefile import load_tree
from suptui.tui.feed import EventFeed, Note
from suptui.tui.model import Changes, TreeModel
from suptui.tui.narrate import narrate


class Run:
    """A session whose events go through a feed into a model, as the app does it."""

    def __init__(self, name: str) -> None:
        self.tree = load_tree(name)
        self.session = Session(self.tree, VirtualClock())
        self.feed = EventFeed()
        self.session.runtime.events.subscribe(self.feed)
        self.model = TreeModel(self.tree)
        self.lines: list[str] = []

    def drain(self) -> Changes:
        changes = Changes()
        for item in self.feed.drain():
            assert not isinstance(item, Note)
            self.lines.append(narrate(item, self.model).text)
            self.model.apply(item, changes)
        return changes

    def until(self, t_ms: int) -> Changes:
        self.session.run_until(t_ms)
        self.session.runtime.wait_idle()
        return self.drain()


@pytest.fixture
def run(request):
    made: list[Run] = []

    def make(name: str) -> Run:
        r = Run(name)
        made.append(r)
        r.session.start()
        return r

    yield make
    for r in made:
        r.session.stop()


def test_skeleton_comes_from_the_file_before_anything_runs() -> None:
    model = TreeModel(load_tree("nested"))
    assert [row.path for row in model.flatten()] == [
        "root", "root/db", "root/db/repo", "root/db/cache", "root/web", "root/web/listener",
        "root/web/handlers", "root/web/handlers/h1", "root/web/handlers/h2", "root/metrics"]
    assert {node.status for node in model.nodes.values()} == {"pending"}
    guides = [row.guide for row in model.flatten()]
    assert guides[:4] == ["", "├─", "│ ├─", "│ └─"]
    assert guides[-1] == "└─"


def test_bombs_timeline_in_the_model(run) -> None:
    r = run("bombs")
    r.drain()
    assert {p: n.status for p, n in r.model.nodes.items()} == dict.fromkeys(r.model.nodes, "running")
    changes = r.until(2000)
    assert changes.paths >= {"root/bomb1", "root"}  # the root's stamps changed too
    assert changes.flashes == {"root/bomb1": "crash"}
    assert not changes.structural
    assert r.model.nodes["root/bomb1"].restarts == 1
    assert r.model.budget("root", 2000) == (1, 5, 5)
    assert r.model.budget("root", 8000) == (0, 5, 5)  # the stamp has left the window
    r.until(6000)
    root = r.model.nodes["root"]
    assert root.gave_up is not None and root.gave_up.child == "root/bomb1"
    assert root.stamps == (6, 6, 5, 4, 3, 2)
    assert root.status == "stopped"
    assert [r.model.nodes[f"root/bomb{i}"].status for i in (1, 2, 3)] == ["crashed", "stopped", "stopped"]
    assert r.lines[-5:] == [
        "✖ bomb1 crashed: RuntimeError: Bomb 1 Exploded!",
        "‼ root GAVE UP: 6 restarts in 5 s > max_restarts 5 (last: bomb1)",
        "■ bomb3 shut down (shutdown)",
        "■ bomb2 shut down (shutdown)",
        "○ root exited: shutdown",
    ]


def test_one_for_all_lines_name_the_cause(run) -> None:
    r = run("bombs")
    r.session.set_strategy("root", "one_for_all").result(2)
    changes = r.until(2000)
    assert changes.flashes == {"root/bomb1": "crash", "root/bomb2": "restart", "root/bomb3": "restart"}
    assert r.lines[-6:] == [
        "✖ bomb1 crashed: RuntimeError: Bomb 1 Exploded!",
        "■ bomb3 shut down ← bomb1 crashed (one_for_all)",
        "■ bomb2 shut down ← bomb1 crashed (one_for_all)",
        "↻ bomb1 restarted ← bomb1 crashed (one_for_all)",
        "↻ bomb2 restarted ← bomb1 crashed (one_for_all)",
        "↻ bomb3 restarted ← bomb1 crashed (one_for_all)",
    ]
    assert r.model.siblings_touched("root/bomb2") == ["root/bomb1", "root/bomb2", "root/bomb3"]


def test_escalation_in_the_nested_tree(run) -> None:
    r = run("nested")
    r.until(3000)
    handlers = r.model.nodes["root/web/handlers"]
    assert (handlers.status, handlers.restarts) == ("running", 1)
    assert r.model.nodes["root/web"].stamps == (3,)
    assert "↻ web/handlers/h1 restarted with its supervisor web/handlers" in r.lines
    assert "↻ web/listener restarted ← web/handlers exited (shutdown) (one_for_all)" in r.lines
    assert r.model.nodes["root/metrics"].restarts == 0


def test_a_child_added_at_run_time_is_forgotten_when_its_supervisor_restarts(run) -> None:
    from suptui.treefile.model import NodeDef
    from suptui.workers import BUILTIN_WORKERS

    r = run("nested")
    child = NodeDef("extra", "root/db/extra", "worker", worker="sleeper", actor=BUILTIN_WORKERS["sleeper"])
    r.model.expect(child)
    r.session.start_child("root/db", child).result(2)
    r.session.runtime.wait_idle()
    changes = r.drain()
    assert changes.structural
    assert r.model.nodes["root/db"].children[-1] == "root/db/extra"
    assert r.model.nodes["root/db/extra"].worker == "sleeper"
    r.session.kill("root/db")
    r.session.runtime.wait_idle()
    changes = r.drain()
    assert changes.structural
    assert "root/db/extra" not in r.model.nodes
    assert r.model.nodes["root/db"].children == ["root/db/repo", "root/db/cache"]


def test_a_temporary_child_stopped_by_a_group_restart_is_removed_not_restarting(run) -> None:
    """R4.5: one_for_all stops a temporary sibling and drops it. The rows said "restarting" for ever
    (found by the monkey: an added worker stayed on screen that the supervisor no longer had)."""
    from suptui.treefile.model import NodeDef
    from suptui.workers import BUILTIN_WORKERS

    r = run("nested")
    extra = NodeDef("extra", "root/db/extra", "worker", restart="temporary", worker="sleeper",
                    actor=BUILTIN_WORKERS["sleeper"])
    r.model.expect(extra)
    r.session.start_child("root/db", extra).result(2)
    r.session.set_strategy("root/db", "one_for_all").result(2)
    r.session.kill("root/db/repo")
    r.session.runtime.wait_idle()
    r.drain()
    db = SupervisorClient(r.session.runtime, r.session.pid_of("root/db"))
    engine = [child_id for child_id, _, _ in db.which_children()]
    assert sorted(engine) == ["cache", "repo"]
    assert r.model.nodes["root/db/extra"].status == "removed"
    assert r.model.nodes["root/db/repo"].status == "running"


def test_filter_keeps_matches_and_their_ancestors() -> None:
    model = TreeModel(load_tree("nested"))
    assert [row.path for row in model.flatten(needle="H2")] == [
        "root", "root/web", "root/web/handlers", "root/web/handlers/h2"]
    assert [row.path for row in model.flatten(collapsed={"root/web"})][:5] == [
        "root", "root/db", "root/db/repo", "root/db/cache", "root/web"]
    assert model.flatten(needle="nothing-like-this") == []


def test_feed_hands_over_everything_in_order_across_threads() -> None:
    import threading

    feed = EventFeed()
    threads = [threading.Thread(target=lambda i=i: [feed.note(f"{i}:{n}") for n in range(1000)])
               for i in range(4)]
    for thread in threads:
        thread.start()
    seen: list[str] = []
    while any(t.is_alive() for t in threads) or feed.pending():
        seen.extend(item.text for item in feed.drain())
    for i in range(4):
        mine = [s for s in seen if s.startswith(f"{i}:")]
        assert mine == [f"{i}:{n}" for n in range(1000)]


def _event(seq: int, kind: str, path: str, pid: str, **data) -> Event:
    return make_event(seq, 1000, kind, path, pid, MappingProxyType(data))


def test_zombies_and_removed_children() -> None:
    model = TreeModel(load_tree("transient"))
    temp = next(p for p, n in model.nodes.items() if n.restart == "temporary")
    changes = model.apply_all([
        _event(1, "start", temp, "<0.5.0>", restart=False, type="worker", actor="Sleeper"),
        _event(2, "crash", temp, "<0.5.0>", reason="killed"),
        _event(3, "zombie", temp, "<0.5.0>", thread="suptui-sched-0"),
    ])
    node = model.nodes[temp]
    assert (node.status, node.zombies, node.last_end) == ("zombie", 1, "killed")
    assert changes.flashes == {temp: "crash"}
    model.apply(_event(5, "start", temp, "<0.9.0>", restart=False, type="worker", actor="Sleeper"))
    assert (model.nodes[temp].status, model.nodes[temp].pid) == ("running", "<0.9.0>")


def test_a_worker_fault_outside_its_callbacks_is_an_error_line_not_a_death() -> None:
    model = TreeModel(load_tree("bombs"))
    line = narrate(_event(1, "fault", "root/bomb1", "<0.2.0>", what="thread user-1",
                          reason="RuntimeError: \x1b[2J boom"), model)
    assert line.style == "error"
    assert line.text == "⚠ fault in bomb1 (thread user-1): RuntimeError: \x1b[2J boom"  # the pane escapes it
    assert model.apply(_event(1, "fault", "root/bomb1", "<0.2.0>", what="t", reason="")).paths == set()
    unblamed = narrate(_event(2, "fault", "", "", what="__del__ of Thing", reason=""), model)
    assert unblamed.text == "⚠ fault in a worker (__del__ of Thing)"


def test_a_pool_with_churn_keeps_only_the_last_few_forgotten_children() -> None:
    from suptui.tui.model import REMOVED_ROWS_KEPT

    model = TreeModel(load_tree("dynamic"))
    pool = next(p for p, n in model.nodes.items() if n.kind == "dynamic")
    seq = 0
    for n in range(REMOVED_ROWS_KEPT + 5):
        path, pid = f"{pool}/job{n}", f"<0.{100 + n}.0>"
        seq += 2
        model.apply(_event(seq, "start", path, pid, restart=False, why="api", type="worker", actor="Sleeper"))
        model.nodes[path].restart = "temporary"
        model.apply(_event(seq + 1, "exit", path, pid, reason="normal"))
    jobs = [c for c in model.nodes[pool].children if "/job" in c]
    assert jobs == [f"{pool}/job{n}" for n in range(5, REMOVED_ROWS_KEPT + 5)]
    assert {model.nodes[j].status for j in jobs} == {"removed"}


def test_several_top_level_trees_are_all_rows_the_first_one_first() -> None:
    """A program (or a BEAM node) may run trees side by side: each is shown, not only the first."""
    model = TreeModel()
    model.apply_all([
        _event(1, "start", "app_sup/worker", "<0.3.0>", restart=False, type="worker", actor="W"),
        _event(2, "start", "app_sup", "<0.2.0>", restart=False, type="supervisor", actor="S",
               strategy="one_for_one", max_restarts=3, max_seconds=5),
        _event(3, "start", "by_hand", "<0.7.0>", restart=False, type="supervisor", actor="S",
               strategy="one_for_all", max_restarts=1, max_seconds=5),
        _event(4, "start", "by_hand/ticker", "<0.8.0>", restart=False, type="worker", actor="W"),
    ])
    rows = model.flatten()
    assert [(row.path, row.depth) for row in rows] == [
        ("app_sup", 0), ("app_sup/worker", 1), ("by_hand", 0), ("by_hand/ticker", 1)]
    assert [row.path for row in model.flatten(needle="ticker")] == ["by_hand", "by_hand/ticker"]
