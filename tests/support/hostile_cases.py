"""The hostile-worker cases shared by the Session, headless and app tests: one tree per hostile
worker (a calm ticker, then ``h``), what OTP makes of it to the millisecond, and what the app's log
must say about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suptui.engine import Event
from suptui.session import Session

from tests.support import hostile_workers
from tests.support.reliability import hostile_tree, step, wait_for

UNTIL = 1000


def crash_restart_every(period: int, reason: str, until: int = UNTIL) -> list[str]:
    out = ["0 start root/h"]
    for t in range(period, until, period):
        out += [f"{t} crash root/h {reason}", f"{t} start root/h restart"]
    return out


KILLED_AT_200 = ["0 start root/h", "200 kill root/h", "200 crash root/h killed", "200 start root/h restart"]


@dataclass
class Case:
    cls: str
    expected: list[str]
    """``lines(events, "root/h")`` before ``UNTIL``: what OTP does, to the millisecond."""
    node: str = ""
    root: str | None = None
    script: str = ""
    check: Callable[[list[Event]], None] | None = None
    """Further checks on the whole stream (shutdown included) of a Session run."""
    check_engine: Callable[[Session], None] | None = None
    """Checks on the live engine at ``UNTIL``, before the tree is stopped."""
    log_says: list[str] = field(default_factory=list)
    """What the app's log must show (used by test_hostile_app)."""
    hostile_first: bool = False
    kill_when_blocked: bool = False
    """Kill ``h`` at 100 ms from the test, once it is really blocked (a worker on its own thread lives
    in wall time, so a scripted kill could land before it blocks), then wait for its replacement."""
    headless: list[str] | None = None
    """What the headless run must start with, when it cannot be exact (a scripted kill races)."""

    def tree_file(self, folder: Path) -> Path:
        kwargs: dict[str, Any] = {"node": self.node, "script": self.script,
                                  "hostile_first": self.hostile_first}
        if self.root is not None:
            kwargs["root"] = self.root
        return hostile_tree(folder, self.cls, **kwargs)


def _one(events: list[Event], kind: str, path: str) -> Event:
    found = [e for e in events if e.kind == kind and e.path == path]
    assert len(found) == 1, (kind, path, found)
    return found[0]


def _calm_untouched(events: list[Event]) -> None:
    assert [e for e in events if e.path == "root/calm" and e.kind != "start"] == [
        e for e in events if e.path == "root/calm" and e.kind == "terminate" and e.get("why") == "shutdown"]
    assert [e.t for e in events if e.path == "root/calm" and e.kind == "start"] == [0]


def _root_failed_to_start(events: list[Event]) -> None:
    """R2.4: the started sibling is stopped, the root ends with failed_to_start_child."""
    assert _one(events, "crash", "root/h").get("phase") == "init"
    assert _one(events, "terminate", "root/calm").get("reason") == "shutdown"
    assert _one(events, "exit", "root").get("reason") == (
        "{shutdown, {failed_to_start_child, h, ValueError: init refused}}")


def _gave_up_on_h(events: list[Event]) -> None:
    """R4.6 + R3.6: three failed restarts, the fourth restart decision is over the limit."""
    give_up = _one(events, "give_up", "root")
    assert (give_up.t, give_up.get("child"), len(give_up.get("restarts"))) == (50, "root/h", 4)
    assert [e.get("phase") for e in events if e.kind == "crash" and e.path == "root/h"] == [
        None, "init", "init", "init"]
    assert _one(events, "terminate", "root/calm").get("reason") == "shutdown"
    assert _one(events, "exit", "root").get("reason") == "shutdown"


def _terminate_raised_at_shutdown(events: list[Event]) -> None:
    last = [e for e in events if e.path == "root/h" and e.kind == "terminate"][-1]
    assert (last.get("reason"), last.get("why"), last.get("shutdown_error")) == (
        "ValueError: terminate blew up", "shutdown", True)
    _calm_untouched(events)


def _killed_after_its_shutdown_timeout(events: list[Event]) -> None:
    stopped = _one(events, "terminate", "root/h")
    assert (stopped.get("why"), stopped.get("shutdown_error")) == ("api", True)
    _calm_untouched(events)


def _running(session: Session) -> None:
    client = session.supervisor("root")
    assert client is not None
    assert sorted((child_id, pid is not None) for child_id, pid, _ in client.which_children()) == [
        ("calm", True), ("h", True)]


def _thread_freed(session: Session) -> None:
    """The killed callback's thread was unwound (ProcessKilled) and given back to the pool."""
    _running(session)
    assert wait_for(lambda: session.runtime._busy_threads() == 0, timeout=3)


def _stopped_and_thread_freed(session: Session) -> None:
    client = session.supervisor("root")
    assert client is not None
    assert next((child_id, pid) for child_id, pid, _ in client.which_children()) == ("h", None)
    assert wait_for(lambda: session.runtime._busy_threads() == 0, timeout=3)


def _describes(state: str) -> Callable[[Session], None]:
    def check(session: Session) -> None:
        _running(session)
        pid = session.pid_of("root/h")
        assert pid is not None and state in str(session.runtime.describe_state(pid))

    return check


def _dropped(session: Session) -> None:
    client = session.supervisor("root")
    assert client is not None
    assert [child_id for child_id, _, _ in client.which_children()] == ["calm"]


def _zombie_reported(session: Session) -> None:
    """The killed process's thread is stuck in C: abandoned, and the stream says so."""
    _running(session)
    assert session.recorder is not None
    zombies = wait_for(lambda: [e for e in session.recorder.snapshot() if e.kind == "zombie"], timeout=3)
    assert [(e.path, e.get("thread")) for e in zombies] == [("root/h", hostile_workers.BLOCKED_THREADS[0])]
    crash = next(e for e in session.recorder.snapshot() if e.kind == "crash" and e.path == "root/h")
    assert zombies[0].pid == crash.pid  # the old incarnation's pid, not its replacement's


def _user_threads_are_the_users(session: Session) -> None:
    _running(session)
    assert hostile_workers.SPAWNED and all(t.is_alive() for t in hostile_workers.SPAWNED)
    assert not any(t.name.startswith("suptui") for t in hostile_workers.SPAWNED)


CASES: dict[str, Case] = {
    "raises_in_init": Case(
        "RaisesInInit", ["0 crash root/h ValueError: init refused"], check=_root_failed_to_start,
        log_says=["h failed to start: ValueError: init refused", "the root supervisor did not start"]),
    "raises_in_init_on_restart": Case(
        "RaisesInInit",
        ["0 start root/h", "50 crash root/h RuntimeError: first incarnation crashes",
         *["50 crash root/h ValueError: init refused"] * 3],
        node="args = { first_start_ok = true }", root="max_restarts = 3\nmax_seconds = 5",
        check=_gave_up_on_h, log_says=["h failed to start: ValueError: init refused", "root GAVE UP"]),
    "raises_in_handle_info": Case(
        "RaisesInHandleInfo", crash_restart_every(100, "RuntimeError: handle_info blew up"),
        node="args = { every = 100 }", check=_calm_untouched, check_engine=_running,
        log_says=["h crashed: RuntimeError: handle_info blew up"]),
    "raises_in_terminate": Case(
        "RaisesInTerminate", crash_restart_every(100, "ValueError: terminate blew up"),
        node="args = { crash_after = 100 }", check=_terminate_raised_at_shutdown, check_engine=_running,
        log_says=["h crashed: ValueError: terminate blew up"]),
    "returns_garbage": Case(
        "ReturnsGarbage", ["0 start root/h"], check=_calm_untouched, check_engine=_running,
        log_says=["h started"]),
    "yields_garbage": Case(
        "YieldsGarbage",
        crash_restart_every(50, "TypeError: a callback yielded 'not a receive'; yield self.receive() or "
                                "self.sleep()"),
        check=_calm_untouched, check_engine=_running,
        log_says=["h crashed: TypeError: a callback yielded 'not a receive'"]),
    "ignores_shutdown": Case(
        "IgnoresShutdown", ["0 start root/h", "400 terminate root/h killed"], node="shutdown = 300",
        script=step(100, "terminate_child"), check=_killed_after_its_shutdown_timeout,
        check_engine=_stopped_and_thread_freed,
        log_says=["h shut down by terminate_child (killed) — not the expected reason"]),
    "spins_in_handle_info": Case(
        "Spins", KILLED_AT_200, node="shutdown = 300", script=step(200, "kill"), check=_calm_untouched,
        check_engine=_thread_freed,
        log_says=["h killed", "has run one callback on a scheduler thread for over"]),
    "blocks_in_c": Case(
        "BlocksInC",
        ["0 start root/h", "100 kill root/h", "100 crash root/h killed", "100 start root/h restart"],
        node="shutdown = 300", check=_calm_untouched, check_engine=_zombie_reported, hostile_first=True,
        kill_when_blocked=True, headless=KILLED_AT_200[:3], script=step(200, "kill"),
        log_says=["h killed", "would not stop; abandoned as a zombie"]),
    "spawns_threads": Case(
        "SpawnsThreads", KILLED_AT_200, script=step(200, "kill"), check=_calm_untouched,
        check_engine=_user_threads_are_the_users, log_says=["h killed"]),
    "sends_to_the_dead": Case(
        "SendsToTheDead", ["0 start root/h"], check=_calm_untouched,
        check_engine=_describes("100 answers from the dead"), log_says=["h started"]),
    "floods_its_mailbox": Case(
        "FloodsItself", ["0 start root/h", "50 crash root/h {mailbox_overflow, 1001}"],
        node='restart = "temporary"', check=_calm_untouched, check_engine=_dropped,
        log_says=["h crashed: {mailbox_overflow, 1001}"]),
}
