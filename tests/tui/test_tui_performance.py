"""The mechanisms that keep the app fast on big trees (issue 15), checked as behaviour, not as timings:
the collector policy, the details pane redrawn only when what it shows changed, the start-up work the
spool and the timeline defer, checkpoints that share nodes, rows that are not walked again."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget

from suptui.engine import Start
from suptui.gcpolicy import Collector
from suptui.treefile import load_tree
from suptui.tui.details import DetailsPane
from suptui.tui.export import EventSpool
from suptui.tui.header import HeaderTime, PlaygroundHeader
from suptui.tui.livetimeline import LiveTimeline
from suptui.tui.model import TreeModel, freeze, thaw

from tests.support.fakegc import FakeGc
from tests.support.tui import SIZE, advance, press, select, settle


def test_the_collector_is_held_during_a_start_then_the_tree_is_frozen_and_collection_is_back() -> None:
    fake = FakeGc()
    policy = Collector(gc=fake)
    policy.hold()
    policy.hold()  # idempotent
    assert fake.calls == ["disable"] and policy.holding
    policy.settle()
    assert fake.calls == ["disable", "freeze", "enable"] and not policy.holding and policy.frozen
    policy.release()  # the run is replaced: the old tree is handed back and its cycles collected
    assert fake.calls[-2:] == ["unfreeze", "collect"] and not policy.frozen


def test_a_host_that_had_collection_off_keeps_it_off() -> None:
    fake = FakeGc(enabled=False)
    policy = Collector(gc=fake)
    policy.hold()
    policy.settle()
    assert "enable" not in fake.calls and not fake.enabled


async def test_the_app_freezes_the_started_tree_and_releases_it_when_replaced(app_factory) -> None:
    fake = FakeGc()
    app = app_factory("bombs", collector=Collector(gc=fake))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert fake.calls[:3] == ["disable", "freeze", "enable"]  # held for the start, then frozen
        assert app.collector is not None and not app.collector.holding
        app.start_run(app.current_tree)  # as R does, with the file re-read
        await settle(pilot)
        assert fake.calls[3:] == ["unfreeze", "collect", "disable", "freeze", "enable"]


async def test_an_app_without_a_collector_leaves_gc_alone(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.collector is None


async def test_the_clock_alone_does_not_redraw_the_details(app_factory, monkeypatch) -> None:
    shown: list[object] = []
    original = DetailsPane.show
    monkeypatch.setattr(DetailsPane, "show",
                        lambda self, content: (shown.append(content), original(self, content)))
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/bomb3")  # explodes at 4 s; nothing about it changes before
        before = len(shown)
        for t in (100, 250, 500, 900):
            await advance(pilot, t)
        assert len(shown) == before
        layouts = app.query_one(DetailsPane).layouts
        await select(pilot, "root/bomb2")  # another worker: a new text of the same height
        assert len(shown) > before and app.query_one(DetailsPane).layouts == layouts


def _start(path: str, seq: int) -> Start:
    return Start(seq=seq, t=0, path=path, pid=f"<0.{seq}.0>", restart=False, child_type="worker")


def test_the_timeline_defers_while_asked_and_whoever_reads_it_gets_everything() -> None:
    timeline = LiveTimeline()
    timeline.deferring = True
    timeline.feed([_start("root", 1), _start("root/a", 2), _start("root/b", 3)])
    assert timeline.backlog == 3
    timeline.deferring = False
    timeline.feed([_start("root/c", 4)])  # queued behind the others: order is kept
    assert timeline.backlog == 4
    timeline.catch_up(2)
    assert timeline.backlog == 2
    assert [lane.path for lane in timeline.model.lanes()] == ["root", "root/a", "root/b", "root/c"]
    assert timeline.backlog == 0


def test_the_spool_defers_while_asked_and_an_export_writes_the_header_then_everything(tmp_path: Path) -> None:
    made: list[int] = []

    def header():  # made when an export needs it, not kept
        from suptui.engine.recording import Header
        made.append(1)
        return Header(title="big")

    spool = EventSpool(header)
    spool.deferring = True
    spool.write([_start("root", 1), _start("root/a", 2)])
    assert spool.pending == 2 and not made
    spool.deferring = False
    spool.write([_start("root/b", 3)])
    spool.catch_up(1)
    assert spool.pending == 2
    out = tmp_path / "run.jsonl"
    assert spool.export(out) == 3
    lines = out.read_text().splitlines()
    assert len(lines) == 4 and '"big"' in lines[0] and made == [1]
    assert ['"root"' in lines[1], '"root/a"' in lines[2], '"root/b"' in lines[3]] == [True, True, True]
    spool.close()


def test_a_checkpoint_shares_the_nodes_and_the_model_copies_one_before_changing_it() -> None:
    model = TreeModel(load_tree("bombs"))
    checkpoint = freeze(model)
    assert all(checkpoint[path] is node for path, node in model.nodes.items())  # no copies
    model.apply(_start("root/bomb1", 1))
    assert model.nodes["root/bomb1"] is not checkpoint["root/bomb1"]
    assert checkpoint["root/bomb1"].status == "pending" and model.nodes["root/bomb1"].status == "running"
    assert model.nodes["root/bomb2"] is checkpoint["root/bomb2"]  # untouched: still shared
    past = thaw(checkpoint, model.root, {})
    past.apply(_start("root/bomb2", 2))
    assert checkpoint["root/bomb2"].status == "pending" and model.nodes["root/bomb2"].status == "pending"


def test_flatten_hands_back_the_same_rows_until_rows_come_or_go() -> None:
    model = TreeModel(load_tree("bombs"))
    rows = model.flatten()
    model.apply(_start("root/bomb1", 1))  # a row's content changed, not the rows
    assert model.flatten() is rows
    assert model.flatten(collapsed={"root"}) is not rows
    model.remove("root/bomb3")
    assert [row.path for row in model.flatten()] == ["root", "root/bomb1", "root/bomb2"]


def screen_rows(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_a_frame_in_which_only_time_moved_repaints_the_clock_alone_without_a_layout(
        app_factory, monkeypatch) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 500)
        header = app.query_one(PlaygroundHeader)
        redraws: list[object] = []
        refreshes: list[tuple[str, bool]] = []
        original_redraw, original_refresh = PlaygroundHeader.redraw, Widget.refresh
        monkeypatch.setattr(PlaygroundHeader, "redraw",
                            lambda self: (redraws.append(self), original_redraw(self)))

        def refresh(self: Widget, *regions: object, layout: bool = False, **kwargs: object) -> Widget:
            if self is header or header in self.ancestors:
                refreshes.append((type(self).__name__, layout))
            return original_refresh(self, *regions, layout=layout, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Widget, "refresh", refresh)
        for t in (600, 700, 1250):  # bombs' first crash is at 2 s: nothing but time happens
            await advance(pilot, t)
        assert redraws == []
        assert refreshes and all(refresh == ("HeaderTime", False) for refresh in refreshes)
        assert "t = 1.250 s" in screen_rows(app)[0]
        await advance(pilot, 2500)  # a crash: the budget changes, the whole line is redrawn
        assert redraws and "root 1/5" in screen_rows(app)[0]


async def test_the_clock_gaining_a_digit_lays_the_line_out_again(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1500)
        clock = app.query_one(HeaderTime)
        assert clock.cells == len("t = 1.500 s")
        app.live.clock.advance_to(10_250)
        await settle(pilot)
        assert clock.cells == len("t = 10.250 s") and "t = 10.250 s" in screen_rows(app)[0]


def idle_for_a_while(app) -> None:
    """The drain timer's ticks in a row with nothing to fold and no key."""
    app._input_at = 0.0
    for _ in range(app.IDLE_AFTER_TICKS):
        app._tick()


async def test_the_drain_backs_off_when_nothing_happens_and_comes_back_on_an_event(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 500)
        assert not app._drain_slow and app._drain_timer._interval == 1 / app.DRAIN_HZ
        idle_for_a_while(app)
        assert app._drain_slow and app._drain_timer._interval == 1 / app.IDLE_DRAIN_HZ
        app.live.clock.advance_to(2500)  # bomb1 crashes at 2 s
        app.live.session.runtime.wait_idle()
        app._tick()
        assert not app._drain_slow and app._drain_timer._interval == 1 / app.DRAIN_HZ
        assert "bomb1" in " ".join(line.text for line in app.event_log.shown)


async def test_a_key_brings_the_full_drain_rate_back(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 500)
        idle_for_a_while(app)
        assert app._drain_slow
        await pilot.press("down")
        assert not app._drain_slow and app._drain_timer._interval == 1 / app.DRAIN_HZ


async def test_a_paused_idle_app_skips_the_drain_until_something_is_queued(app_factory, monkeypatch) -> None:
    app = app_factory("bombs", paused=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        idle_for_a_while(app)
        assert app._drain_slow and app.live.time.paused
        drains: list[bool] = []
        original = type(app).drain_now
        monkeypatch.setattr(type(app), "drain_now",
                            lambda self, throttle=False: (drains.append(throttle), original(self, throttle)))
        app._tick()
        assert drains == []  # nothing can have changed: no drain at all
        app.note("something to show")
        app._tick()
        assert drains == [True] and not app._drain_slow


async def test_the_tree_is_redrawn_by_the_second_only_while_a_restart_window_can_age(
        app_factory, monkeypatch) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 500)
        calls: list[object] = []
        original = app.tree_view.refresh
        monkeypatch.setattr(app.tree_view, "refresh", lambda *a, **k: (calls.append(k), original(*a, **k))[1])
        await advance(pilot, 1500)  # a second passes before any restart: no window to age
        assert calls == []
        await advance(pilot, 2500)  # bomb1 restarted at 2 s: root's window (5 s) ages
        calls.clear()
        await advance(pilot, 3500)
        assert calls


async def test_behind_a_dialog_the_clock_waits_and_catches_up_when_it_closes(
        app_factory, monkeypatch) -> None:
    """A clock frame under a modal screen made Textual repaint the whole dimmed screen (~30 ms a
    frame, a third of a core while help was open): only time moved, so the clock waits for it."""
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 500)
        await pilot.press("question_mark")
        ticks: list[float] = []
        monkeypatch.setattr(PlaygroundHeader, "tick", lambda self, t_ms: ticks.append(t_ms))
        await advance(pilot, 1250)  # only time moves (bombs' first crash is at 2 s)
        assert ticks == []
        await press(pilot, "escape")  # (then a drain, as the timer's next one would be)
        assert ticks == [1250]  # caught up at the first drain once the dialog closed
        await advance(pilot, 1300)
        assert ticks == [1250, 1300]
