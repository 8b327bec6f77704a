"""Attach to a real Elixir node running the lesson (issue 17): the tree, the lesson's timeline of
crashes, restarts and the give-up, a kill through the protocol, and nothing left behind on the node."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from suptui.attach import Attachment, Closed, Connected, Connection, Disconnected, Events, Resynced
from suptui.beam import BeamAttachment, open_beam
from suptui.engine.protocol import Event

from .conftest import LessonNode, needs_elixir, start_lesson_node, stop_lesson_node

pytestmark = needs_elixir
TOLERANCE_MS = 500


def collect(connection: Connection, seconds: float, until: Any = None) -> list[Event]:
    events: list[Event] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        update = connection.get(timeout=max(0.01, deadline - time.monotonic()))
        if isinstance(update, Events):
            events.extend(update.events)
            if until is not None and any(until(event) for event in update.events):
                break
        elif isinstance(update, Disconnected):
            raise AssertionError(f"disconnected: {update.reason}")
    return events


def test_tree_timeline_kill_and_cleanup(lesson: LessonNode) -> None:
    connection = open_beam(lesson.name, lesson.cookie)
    try:
        assert connection.hello.title == lesson.name
        nodes = {node.path: node for node in connection.snapshot.nodes}
        top = nodes["Lesson.Top"]  # started by hand from the script: no application owns it
        assert (top.type, top.strategy, top.max_restarts, top.max_seconds) == \
            ("supervisor", "one_for_one", 100, 5)
        nested = nodes["Lesson.Top/nested"]
        assert (nested.type, nested.strategy, nested.restart, nested.max_restarts) == \
            ("supervisor", "one_for_one", "permanent", 3)
        ticker = nodes["Lesson.Top/nested/ticker"]
        assert (ticker.type, ticker.actor, ticker.restart, ticker.state) == \
            ("worker", "Ticker", "permanent", "running")
        assert nodes["kernel_sup"].type == "supervisor"  # an application's top supervisor
        assert all(node.pid.startswith("<") for node in nodes.values())

        lesson.command("bombs", "bombs started")
        events = collect(connection, 9.0, until=lambda e: e.kind == "exit" and e.path == "Lesson.Top/bombs")
        start = next(e for e in events if e.kind == "start" and e.path == "Lesson.Top/bombs")
        assert (start.strategy, start.max_restarts, start.max_seconds) == ("one_for_one", 5, 5)
        assert start.restart is False
        crashes = [(e.path.rsplit("/", 1)[1], e.t - start.t) for e in events if e.kind == "crash"]
        expected = [("bomb1", 2000), ("bomb2", 3000), ("bomb1", 4000), ("bomb3", 5000)]
        assert [name for name, _ in crashes[:4]] == [name for name, _ in expected], crashes
        for (name, at), (_, want) in zip(crashes, expected, strict=False):
            assert abs(at - want) <= TOLERANCE_MS, (name, at, want)
        last = crashes[4:]
        assert sorted(name for name, _ in last) == ["bomb1", "bomb2"], crashes
        assert all(abs(at - 6000) <= TOLERANCE_MS for _, at in last), crashes
        crash = next(e for e in events if e.kind == "crash")
        assert crash.reason == "RuntimeError: Bomb 1 Exploded!"

        restarts = [e for e in events if e.kind == "start" and e.restart]
        names = [e.path.rsplit("/", 1)[1] for e in restarts]
        assert names[:4] == ["bomb1", "bomb2", "bomb1", "bomb3"] and len(names) == 5, names  # 6th: give-up
        assert restarts[-1].stamps is not None and len(restarts[-1].stamps) == 5
        assert all(e.by_strategy == "one_for_one" and e.cause == e.path for e in restarts)
        assert restarts[0].pid != start.pid

        give_up = next(e for e in events if e.kind == "give_up")
        assert give_up.path == "Lesson.Top/bombs"
        assert abs(give_up.t - start.t - 6000) <= TOLERANCE_MS
        assert (give_up.max_restarts, give_up.max_seconds) == (5, 5)
        assert give_up.child.rsplit("/", 1)[1] in ("bomb1", "bomb2")
        after = events[events.index(give_up):]
        stopped = {e.path for e in after if e.kind == "terminate" and e.why == "shutdown"}
        assert len(stopped) == 2  # the two bombs still running were stopped by the supervisor
        end = after[-1]
        assert (end.kind, end.path, end.reason) == ("exit", "Lesson.Top/bombs", "shutdown")

        # a kill through the protocol: the kill, its crash, the restart with a new pid
        ticker_pid = ticker.pid
        reply = connection.kill("Lesson.Top/nested/ticker").result(10)
        assert reply.ok and reply.result == "killed"
        events = collect(connection, 5.0, until=lambda e: e.kind == "start")
        kinds = [(e.kind, e.path) for e in events]
        assert kinds[:3] == [("kill", "Lesson.Top/nested/ticker"), ("crash", "Lesson.Top/nested/ticker"),
                             ("start", "Lesson.Top/nested/ticker")], kinds
        assert events[1].reason == "killed" and events[1].killed_by == "user"
        assert events[2].restart is True and events[2].pid != ticker_pid

        # the supervisor API: terminate and restart a child, and the errors OTP gives
        reply = connection.terminate_child("Lesson.Top/nested/ticker").result(10)
        assert reply.ok, reply
        events = collect(connection, 3.0, until=lambda e: e.kind == "terminate")
        assert [(e.kind, e.why) for e in events] == [("terminate", "api")]
        reply = connection.restart_child("Lesson.Top/nested/ticker").result(10)
        assert reply.ok and str(reply.result).startswith("<"), reply
        events = collect(connection, 3.0, until=lambda e: e.kind == "start")
        assert [(e.kind, e.why) for e in events] == [("start", "api")]
        reply = connection.restart_child("Lesson.Top/nested/ticker").result(10)
        assert not reply.ok and reply.error == "running"
        assert connection.kill("Lesson.Top/nowhere").result(10).error == "noproc"
        assert connection.exit("Lesson.Top/nested/ticker", "normal").result(10).result == "ignored"
        assert connection.exit("Lesson.Top/nested", "shutdown").result(10).result == "trapped"
        reply = connection.exit("Lesson.Top/nested/ticker", ["shutdown", "done"]).result(10)
        assert reply.ok and reply.result == "exited"
        events = collect(connection, 3.0, until=lambda e: e.kind == "start")
        assert [(e.kind, e.path) for e in events][:2] == [("exit", "Lesson.Top/nested/ticker"),
                                                         ("start", "Lesson.Top/nested/ticker")], events
        assert events[0].reason == "{shutdown, done}"
    finally:
        connection.close()
    assert _clean(lesson)


def _clean(lesson: LessonNode) -> bool:
    """No process on the node has a tracer, and no suptui logger filter or handler is left."""
    deadline = time.monotonic() + 5
    while True:
        check = lesson.check()
        if "tracers=0 " in check and "suptui" not in check:
            return True
        if time.monotonic() > deadline:
            raise AssertionError(check)
        time.sleep(0.2)


def test_headless_jsonl_and_the_agent_killed(lesson: LessonNode) -> None:
    """The command line's recording; then suptui's agent dies without a goodbye (kill -9): the tracer on
    the node sees its node go and cleans up by itself."""
    env = dict(os.environ)
    process = subprocess.Popen([sys.executable, "-m", "suptui", "attach", "--beam", lesson.name, "--cookie",
                                lesson.cookie, "--headless", "--format", "jsonl"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        header = process.stdout.readline()
        assert '"suptui": "recording"' in header and lesson.name in header
        first = process.stdout.readline()
        assert '"event": "start"' in first
        assert lesson.cookie not in header + first
        time.sleep(0.5)
        assert "tracers=0 " not in lesson.check()  # it traces now
        agents = subprocess.run(["pgrep", "-f", f"agent.exs {lesson.name}"], capture_output=True, text=True)
        for pid in agents.stdout.split():
            os.kill(int(pid), signal.SIGKILL)
        assert agents.stdout.split()
        assert _clean(lesson)
        assert process.wait(15) in (0, 1)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=5)


def test_interrupt_detaches_and_cleans_up(lesson: LessonNode) -> None:
    process = subprocess.Popen([sys.executable, "-m", "suptui", "attach", "--beam", lesson.name, "--cookie",
                                lesson.cookie, "--headless"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "start" in line
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert _clean(lesson)


@pytest.mark.parametrize("case", ["wrong_cookie", "no_node"])
def test_errors_are_one_line(lesson: LessonNode, case: str) -> None:
    node = lesson.name if case == "wrong_cookie" else "nobody_here@" + lesson.name.split("@")[1]
    result = subprocess.run([sys.executable, "-m", "suptui", "attach", "--beam", node, "--cookie", "wrong",
                             "--headless"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if case == "wrong_cookie":
        assert "cookie may be wrong" in lines[0]
    else:
        assert "no node nobody_here@" in lines[0]
    assert "wrong" not in lines[0].replace("may be wrong", "")  # the cookie is not printed


def test_a_supervisor_started_by_hand_after_attaching_is_found(lesson: LessonNode) -> None:
    """The lesson in iex: attach first, then start the supervisor by hand; the agent's scan for new
    roots (every second) finds it and reports its start and its children's, then traces it."""
    connection = open_beam(lesson.name, lesson.cookie)
    try:
        lesson.command("lesson", "lesson started")
        events = collect(connection, 4.0, until=lambda e: e.kind == "crash")
        starts = [e for e in events if e.kind == "start"]
        root = next(e for e in starts if "/" not in e.path)
        assert (root.strategy, root.max_restarts, root.max_seconds) == ("one_for_one", 5, 5)
        assert {e.path for e in starts} >= {f"{root.path}/bomb1", f"{root.path}/bomb2", f"{root.path}/bomb3"}
        crash = events[-1]
        assert (crash.kind, crash.path) == ("crash", f"{root.path}/bomb1")
        assert crash.t - root.t <= 2000 + TOLERANCE_MS
    finally:
        connection.close()
    assert _clean(lesson)


def test_a_restart_storm_is_cut_off_and_resynchronised(lesson: LessonNode) -> None:
    """A child that restarts as fast as its supervisor can: past 2,000 trace messages a second the
    tracer turns tracing off and drops what it holds, the client gets a fresh snapshot a second later,
    and the stream goes on (the node is never flooded by its observer)."""
    connection = open_beam(lesson.name, lesson.cookie)
    try:
        lesson.command("storm", "storm started")
        resynced = None
        deadline = time.monotonic() + 8
        while resynced is None and time.monotonic() < deadline:
            update = connection.get(timeout=1)
            if isinstance(update, Resynced):
                resynced = update
            assert not isinstance(update, Disconnected), update
        assert resynced is not None and resynced.dropped > 0
        assert resynced.snapshot.node("Lesson.Top/storm") is not None
        lesson.command("calm", "storm stopped")
        time.sleep(1.5)  # (another cut-off may be under way: let it end)
        while connection.get(timeout=0.2) is not None:
            pass
        reply = connection.kill("Lesson.Top/nested/ticker").result(10)
        assert reply.ok, reply
        events = collect(connection, 4.0, until=lambda e: e.kind == "start")
        assert [e.kind for e in events][-3:] == ["kill", "crash", "start"], events
    finally:
        connection.close()
    assert _clean(lesson)


def test_beam_attachment_is_an_attachment(lesson: LessonNode) -> None:
    """What the app will use: the same updates and requests as for a served Python program."""
    seen: list[Any] = []
    attachment = BeamAttachment(lesson.name, lesson.cookie, on_update=seen.append)
    assert isinstance(attachment, Attachment)
    first = attachment.connect()
    assert isinstance(first, Connected) and first.hello.title == lesson.name
    assert first.snapshot.node("Lesson.Top/nested/ticker") is not None
    reply = attachment.kill("Lesson.Top/nested/ticker").result(10)
    assert reply.ok and reply.result == "killed"
    deadline = time.monotonic() + 5
    kinds: list[str] = []
    while "start" not in kinds and time.monotonic() < deadline:
        update = attachment.get(timeout=0.5)
        if isinstance(update, Events):
            kinds += [e.kind for e in update.events]
    assert kinds[:3] == ["kill", "crash", "start"]
    attachment.close()
    assert isinstance(seen[-1], Closed) and attachment.state == "closed"
    assert _clean(lesson)


def test_one_for_all_stops_and_restarts_the_group(lesson: LessonNode) -> None:
    """A kill in a one_for_all group: the crash, the sibling's terminate as part of the decision, then
    both starts naming the crash as their cause (OTP 25 stops the sibling while still linked)."""
    connection = open_beam(lesson.name, lesson.cookie)
    try:
        assert connection.snapshot.node("Lesson.Top/group").strategy == "one_for_all"
        assert connection.kill("Lesson.Top/group/first").result(10).ok
        events = collect(connection, 4.0, until=lambda e: e.kind == "start" and e.path.endswith("second"))
        told = [(e.kind, e.path.rsplit("/", 1)[1]) for e in events]
        assert told == [("kill", "first"), ("crash", "first"), ("terminate", "second"), ("start", "first"),
                        ("start", "second")], told
        stop = events[2]
        assert (stop.why, stop.cause, stop.by_strategy, stop.reason) == \
            ("strategy", "Lesson.Top/group/first", "one_for_all", "shutdown")
        assert {e.decision for e in events[2:]} == {events[3].decision}
        assert all(e.cause == "Lesson.Top/group/first" for e in events[3:])
    finally:
        connection.close()
    assert _clean(lesson)


def test_a_killed_supervisor_takes_its_children_along(lesson: LessonNode) -> None:
    """Killing a supervisor: its crash, its children's ends (through their links), then its parent
    restarts it and its children start again with new pids."""
    connection = open_beam(lesson.name, lesson.cookie)
    try:
        before = connection.snapshot.node("Lesson.Top/group/first")
        assert connection.kill("Lesson.Top/group").result(10).ok
        events = collect(connection, 4.0, until=lambda e: e.kind == "start" and e.path == "Lesson.Top/group")
        told = [(e.kind, e.path) for e in events]
        assert told[:2] == [("kill", "Lesson.Top/group"), ("crash", "Lesson.Top/group")], told
        ended = {path for kind, path in told[2:4] if kind in ("crash", "exit", "terminate")}
        assert ended == {"Lesson.Top/group/first", "Lesson.Top/group/second"}, told
        assert told[-3:] == [("start", "Lesson.Top/group/first"), ("start", "Lesson.Top/group/second"),
                             ("start", "Lesson.Top/group")], told
        assert events[-3].pid != before.pid and events[-1].restart is True
    finally:
        connection.close()
    assert _clean(lesson)


def test_long_names_and_the_node_going_down() -> None:
    """A node named on the loopback address (``--name NAME@127.0.0.1``); when it ends, the stream ends
    as a served program's does when the program ends: exit 0."""
    node = start_lesson_node(long_name=True)
    try:
        with subprocess.Popen([sys.executable, "-m", "suptui", "attach", "--beam", node.name, "--cookie",
                               node.cookie, "--headless"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as process:
            assert process.stdout is not None
            assert "start" in process.stdout.readline()
            assert node.process.stdin is not None
            node.process.stdin.write("quit\n")
            node.process.stdin.flush()
            _, err = process.communicate(timeout=20)
            assert process.returncode == 0, err
    finally:
        stop_lesson_node(node)
