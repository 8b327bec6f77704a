"""``suptui attach ADDRESS``: the app on a live program, under Pilot.

The program is a runtime on the real clock in this process, serving its tree at a private Unix socket;
the app attaches to it through the same :class:`~suptui.attach.Attachment` the command line uses. Time
here is real, so every check waits for a condition (with a time limit), never for a fixed while.
"""

from __future__ import annotations

import queue
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from suptui.attach import Attachment, Connected, Disconnected, Events, Hello, Resynced
from suptui.cli import main
from suptui.engine import ChildSpec, RealClock, Runtime
from suptui.engine.mirror import NodeState, Snapshot
from suptui.engine.protocol import Crash, Start
from suptui.engine.recording import read_recording
from suptui.engine.serve import serve
from suptui.engine.wire import Reply
from suptui.tui.app import SuptuiApp
from suptui.tui.attachrun import AttachRun, snapshot_model
from suptui.tui.rules import ATTACH_OFF

from tests.attach.conftest import Idle, start_tree
from tests.attach.test_example import _try_echo, service  # noqa: F401  (the fixture: the example running)
from tests.support.tui import until
from tests.support.waiting import wait_for

SIZE = (120, 36)


def program(address: str, *, control: bool = True, title: str = "tiny") -> Runtime:
    """A small tree on the real clock (root: w1, w2, idle workers), served at ``address``."""
    rt = Runtime(RealClock(), log_reports=False)
    start_tree(rt, ChildSpec("w1", Idle), ChildSpec("w2", Idle))
    assert wait_for(lambda: rt.whereis("root/w2") is not None)
    serve(rt, address, announce=False, control=control, title=title)
    return rt


@pytest.fixture
def programs() -> Iterator[Callable[..., Runtime]]:
    made: list[Runtime] = []

    def make(address: str, **options: Any) -> Runtime:
        rt = program(address, **options)
        made.append(rt)
        return rt

    yield make
    for rt in made:
        rt.shutdown(5)


def attached_app(address: str, tmp_path: Path) -> SuptuiApp:
    attachment = Attachment(address, retry_s=0.05, max_retry_s=0.2)
    attachment.connect()
    app = SuptuiApp(None, None, attach=AttachRun(attachment), export_dir=tmp_path / "exports")
    app.theme = "textual-dark"
    app.animation_level = "none"
    return app


def log_texts(app: SuptuiApp) -> list[str]:
    return [line.text for line in app.event_log.lines]


def banner(app: SuptuiApp) -> str:
    return str(app.query_one("#banner").render())


def pid_of(rt: Runtime, path: str) -> str:
    pid = rt.whereis(path)
    assert pid is not None
    return str(pid)


async def test_the_tree_is_the_programs_and_k_kills_in_the_program(programs, short_dir, tmp_path) -> None:
    address = str(short_dir / "p.sock")
    rt = programs(address)
    app = attached_app(address, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "root/w2" in app.model.nodes)
        assert app.model.nodes["root/w1"].pid == pid_of(rt, "root/w1")
        root = app.model.nodes["root"]
        assert root.kind == "supervisor" and root.strategy == "one_for_one"
        assert "attached" in app.title and "tiny" in app.title and address in app.title
        assert "ATTACHED" in app.status_text
        assert any("attached to tiny (pid" in text for text in log_texts(app))
        old = pid_of(rt, "root/w1")
        app.select_node("root/w1")
        await pilot.press("k")
        # the program restarts it; the app shows the restart with the new pid
        await until(pilot, lambda: app.live_model.nodes["root/w1"].restarts == 1, timeout=5)
        assert wait_for(lambda: rt.whereis("root/w1") is not None and str(rt.whereis("root/w1")) != old)
        await until(pilot, lambda: app.live_model.nodes["root/w1"].pid == pid_of(rt, "root/w1"))
        assert app.live_model.nodes["root/w1"].pid != old
        assert any("killed" in text for text in log_texts(app))
        # time travel over what was seen: back one event, then to now
        await pilot.press("comma")
        assert app.moment is not None
        await pilot.press("full_stop")  # in the past, . is the next event seen (not a step of time)
        assert ATTACH_OFF["step"] not in log_texts(app)[-1]
        await pilot.press("n")
        assert app.moment is None
        # export: the segment as a recording suptui replay reads
        await pilot.press("e")
        await until(pilot, lambda: list((tmp_path / "exports").glob("*.jsonl")))
        exported = next((tmp_path / "exports").glob("*.jsonl"))
        await until(pilot, lambda: len(read_recording(exported).events) >= 4)


async def test_real_time_keys_are_refused_with_the_reason(programs, short_dir, tmp_path) -> None:
    address = str(short_dir / "p.sock")
    programs(address)
    app = attached_app(address, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "root/w2" in app.model.nodes)
        for key, action in [("space", "toggle_pause"), ("p", "predict"), ("plus", "faster"), ("c", "compare"),
                            ("R", "restart_tree"), ("full_stop", "step")]:
            await pilot.press(key)
            assert ATTACH_OFF[action] in log_texts(app)[-1], key
        assert not app.live.time.paused and "PAUSED" not in app.status_text
        refusals = app.refusals()  # what help strikes through and the palette lists as off
        assert refusals["toggle_pause"] == ATTACH_OFF["toggle_pause"]
        assert refusals["predict"] == ATTACH_OFF["predict"]
        assert "kill" not in refusals  # the node keys work on a connected program


async def test_a_read_only_program_refuses_the_node_keys_and_its_title_is_safe(programs, short_dir,
                                                                             tmp_path) -> None:
    address = str(short_dir / "p.sock")
    programs(address, control=False, title="evil\x1b[2J\x07")  # the program's words are shown safely
    app = attached_app(address, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "root/w2" in app.model.nodes)
        assert "\x1b" not in app.title and "\x07" not in app.title and "evil" in app.title
        app.select_node("root/w1")
        await pilot.press("k")
        assert "read-only" in log_texts(app)[-1]
        assert "read-only" in app.refusals()["kill"]


async def test_the_program_ending_keeps_the_tree_and_a_new_one_is_reattached(programs, short_dir,
                                                                              tmp_path) -> None:
    address = str(short_dir / "p.sock")
    first = programs(address)
    app = attached_app(address, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "root/w2" in app.model.nodes)
        first.shutdown(5)
        await until(pilot, lambda: "the program ended" in banner(app))
        assert "PROGRAM ENDED" in app.status_text
        assert "root/w1" in app.model.nodes  # what was seen is kept
        assert any("the program ended" in text for text in log_texts(app))
        app.select_node("root/w1")
        await pilot.press("k")
        assert "not connected" in log_texts(app)[-1]
        await pilot.press("comma")  # travel still works over what was seen
        assert app.moment is not None
        second = programs(address)
        await until(pilot, lambda: any("reattached" in text for text in log_texts(app)))
        assert app.moment is None
        await until(pilot, lambda: app.model.nodes.get("root/w1") is not None
                    and app.model.nodes["root/w1"].pid == pid_of(second, "root/w1"))
        assert "ATTACHED" in app.status_text and not app.query_one("#banner").has_class("-shown")


def test_a_snapshot_lays_out_supervisors_before_their_children(short_dir) -> None:
    rt = program(str(short_dir / "p.sock"))
    try:
        attachment = Attachment(str(short_dir / "p.sock"), reconnect=False)
        first = attachment.connect()
        model, events = snapshot_model(first.snapshot)
        assert model.root == "root"
        assert model.nodes["root"].children == ["root/w1", "root/w2"]
        assert all(node.running for node in model.nodes.values())
        assert events[0].path == "root"
        attachment.close()
    finally:
        rt.shutdown(5)


@pytest.mark.parametrize("address", ["/tmp/sa-no-such-dir/x.sock", "tcp://nowhere"])
def test_the_app_is_not_opened_when_attaching_fails(address, capsys) -> None:
    assert main(["attach", address]) == 2
    err = capsys.readouterr().err
    assert err.startswith("suptui: error:") and err.count("\n") == 1


async def test_the_echo_service_as_a_subprocess(service, tmp_path) -> None:  # noqa: F811  (the fixture)
    """examples/echo_service.py run as a user runs it: the app attached to it kills its acceptor, the
    program restarts it (a new pid on screen), the service answers again; then the program stops."""
    proc, port, address = service
    # (its tree up first: a top-level start event says nothing of the root, the snapshot does)
    assert wait_for(lambda: _try_echo(port) == b"hello")
    app = attached_app(address, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.model.nodes.get("root/acceptor") is not None
                    and app.model.nodes["root/acceptor"].running)
        assert app.model.nodes["root/handlers"].kind == "dynamic"
        assert app.model.nodes["root"].strategy == "rest_for_one"
        assert "echo service" in app.title
        old = app.model.nodes["root/acceptor"].pid
        app.select_node("root/acceptor")
        await pilot.press("k")
        await until(pilot, lambda: app.live_model.nodes["root/acceptor"].pid != old
                    and app.live_model.nodes["root/acceptor"].running)
        assert app.live_model.nodes["root/acceptor"].restarts == 1
        assert wait_for(lambda: _try_echo(port) == b"hello")
        proc.send_signal(signal.SIGTERM)
        await until(pilot, lambda: "the program ended" in banner(app))
        assert "root/acceptor" in app.model.nodes


class FakeAttachment:
    """An attachment whose updates the test writes: snapshots, events, a resync, a drop, a new program."""

    address = "/tmp/fake.sock"

    def __init__(self) -> None:
        self.updates: queue.Queue[Any] = queue.Queue()
        self.sent: list[tuple[str, str]] = []

    def kill(self, path: str) -> Future[Reply]:
        self.sent.append(("kill", path))
        future: Future[Reply] = Future()
        future.set_result(Reply(1, False, None, "noproc\x1b[2J", "no process"))
        return future

    def close(self) -> None:
        return None


def hello(pid: int) -> Hello:
    return Hello(1, "test", pid, "fake", "real", "none", True)


def snap(seq: int, t: int, w_pid: str, *, dead: bool = False) -> Snapshot:
    nodes = [NodeState("root/w", w_pid, type="worker", actor="Idle", restart="transient", since=t),
             NodeState("root", "<0.1.0>", type="supervisor", actor="Supervisor", strategy="one_for_all",
                       max_restarts=3, max_seconds=5, stamps=(t // 1000,))]
    if dead:
        nodes.insert(1, NodeState("root/dead", "<0.3.0>", state="crashed", type="worker", reason="boom"))
    return Snapshot(seq, t, tuple(nodes))


async def test_segments_a_resync_a_drop_and_a_restarted_program(tmp_path) -> None:
    """Every snapshot starts a segment (tree, history, spool); the log keeps everything; a restarted
    program's clock starting again from zero is a new segment, not time going backwards."""
    fake = FakeAttachment()
    fake.updates.put(Connected(hello(100), snap(2, 1000, "<0.2.0>", dead=True)))
    app = SuptuiApp(None, None, attach=AttachRun(fake), export_dir=tmp_path)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        app.drain_now()
        w, root = app.model.nodes["root/w"], app.model.nodes["root"]
        assert w.running and w.pid == "<0.2.0>" and w.restart == "transient"
        assert root.strategy == "one_for_all" and root.stamps == (1,) and root.children[0] == "root/w"
        assert app.model.nodes["root/dead"].status == "crashed"
        assert app.history is not None and app.history.count == 0
        fake.updates.put(Events([Crash(seq=3, t=1500, path="root/w", pid="<0.2.0>", reason="boom"),
                                 Start(seq=4, t=1501, path="root/w", pid="<0.9.0>", restart=True,
                                       stamps=(1,))]))
        app.drain_now()
        assert app.model.nodes["root/w"].pid == "<0.9.0>" and app.model.nodes["root/w"].restarts == 1
        assert app.history.count == 2 and app.live.clock.now_ms() >= 1501
        app.select_node("root/w")
        await pilot.press("k")  # the program's error reply, told safely
        await until(pilot, lambda: any("kill w: {error, noproc" in text for text in log_texts(app)))
        assert fake.sent == [("kill", "root/w")]
        assert not any("\x1b" in text for text in log_texts(app))

        fake.updates.put(Resynced(snap(40, 9000, "<0.30.0>"), 17))
        app.drain_now()
        assert any("17 events skipped" in text for text in log_texts(app))
        assert app.model.nodes["root/w"].pid == "<0.30.0>" and app.history.count == 0
        assert "root/dead" not in app.model.nodes

        fake.updates.put(Disconnected("the program ended", True))
        app.drain_now()
        assert "the program ended" in banner(app) and "PROGRAM ENDED" in app.status_text
        t_end = app.live.clock.now_ms()
        await pilot.pause(0.05)
        assert app.live.clock.now_ms() == t_end  # its time stands where it was last seen
        assert app.model.nodes["root/w"].pid == "<0.30.0>"  # kept

        fake.updates.put(Connected(hello(200), snap(1, 300, "<0.2.0>")))  # a new program: t from zero
        app.drain_now()
        assert any("reattached to fake (pid 200)" in text for text in log_texts(app))
        assert any("17 events skipped" in text for text in log_texts(app))  # the log keeps it all
        assert app.live.clock.now_ms() < 1000 and "ATTACHED" in app.status_text
        assert "pid 200" in app.title
        fake.updates.put(Events([Crash(seq=2, t=400, path="root/w", pid="<0.2.0>", reason="x")]))
        app.drain_now()
        await pilot.press("e")
        await until(pilot, lambda: list(tmp_path.glob("*.jsonl")))
        recording = read_recording(next(tmp_path.glob("*.jsonl")))  # (time never goes backwards in it)
        assert recording.header.title == "fake" and [e.t for e in recording.events][-1] == 400
