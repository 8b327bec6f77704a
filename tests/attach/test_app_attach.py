"""``suptui attach ADDRESS``: the app on a live program, under Pilot.

The program is a runtime on the real clock in this process, serving its tree at a private Unix socket;
the app attaches to it through the same :class:`~suptui.attach.Attachment` the command line uses. Time
here is real, so every check waits for a condition (with a time limit), never for a fixed while.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from suptui.attach import Attachment
from suptui.cli import main
from suptui.engine import ChildSpec, RealClock, Runtime
from suptui.engine.recording import read_recording
from suptui.engine.serve import serve
from suptui.tui.app import SuptuiApp
from suptui.tui.attachrun import AttachRun, snapshot_model
from suptui.tui.rules import ATTACH_OFF

from tests.attach.conftest import Idle, start_tree
from tests.attach.test_example import _try_echo, service  # noqa: F401  (the fixture: the example running)
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


async def until(pilot: Pilot, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Let the app run (its drain timer and ours) until ``predicate`` holds."""
    app = pilot.app
    assert isinstance(app, SuptuiApp)
    deadline = time.monotonic() + timeout
    while True:
        app.drain_now()
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"not within {timeout} s"
        await pilot.pause(0.02)


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
