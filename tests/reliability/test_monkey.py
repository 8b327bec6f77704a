"""A monkey at the keyboard: random key presses drawn from the app's own bindings (every Binding
list in bindings.py, plus the keys its dialogs and filter bar answer to), on ``nested`` and on ``big``
with a kill storm scripted into the tree file, while the virtual clock moves between bursts of keys.

Along the way and at the end: the app never raised and never logged an internal error, its tree
agrees with the engine (every live supervisor's ``which_children`` against the app's rows, and no row
shown running that the engine does not have), and ``q`` still quits with every thread of ours gone.
Keys are sent in bursts straight to the driver, as a terminal delivers typed-ahead keys, and the
test waits for the app's screen to process them once per burst.

By default 400 presses on nested and 120 on big (a kill every 50 ms), to stay fast; the full run,
5,000 presses on each (big with a kill every 10 ms), is ``pytest -m monkey5000`` (a few minutes).
"""

from __future__ import annotations

import random
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.screen import ModalScreen

from suptui.engine import Pid
from suptui.tui import bindings
from suptui.tui.app import SuptuiApp
from suptui.tui.bindings import TREE_VIEW_BINDINGS
from suptui.tui.logview import EventLog

from tests.support.reliability import INTERNAL_ERROR, internal_errors, key_event
from tests.support.tui import SIZE, settle_engine

DIALOG_KEYS = ["enter", "escape", "y", "n", "tab", "up", "down", "pageup", "pagedown"]
"""What the confirm and choice dialogs, the help screen and the filter bar answer to (also in the
dialogs' own binding lists, where bindings.py has them)."""
RARE = {"R": 0.3, "e": 0.1, "S": 0.1}
"""Restarting the whole tree and exporting the stream or the timeline picture are slow."""
NEVER = {"q"}
"""Quitting is checked at the end."""
MOVES = {key for binding in TREE_VIEW_BINDINGS for key in binding.key.split(",")} - {"enter"}


def all_bindings() -> list[Binding]:
    """Every binding the app declares: every list of Bindings in suptui/tui/bindings.py."""
    found: list[Binding] = []
    for value in vars(bindings).values():
        if isinstance(value, list) and value and all(isinstance(b, Binding) for b in value):
            found += value
    return found


def key_pool() -> tuple[list[str], list[float]]:
    keys = [key for binding in all_bindings() for key in binding.key.split(",")]
    keys = sorted({k for k in [*keys, *DIALOG_KEYS] if k not in NEVER})
    return keys, [RARE.get(key, 1.0) for key in keys]


def storm_tree(folder: Path, kill_every_ms: int, until_ms: int, seed: int) -> Path:
    """big.toml, with a script that kills a random worker or shard every ``kill_every_ms``."""
    rng = random.Random(seed)
    text = (resources.files("suptui.trees") / "big.toml").read_text()
    steps = []
    for at in range(kill_every_ms, until_ms, kill_every_ms):
        region, shard = rng.randint(1, 4), rng.randint(1, 5)
        leaf = rng.choice([f"worker-{rng.randint(1, 50)}", "flaky", ""])
        target = f"root/region-{region}/shard-{shard}" + (f"/{leaf}" if leaf else "")
        steps.append(f'[[script]]\nat = {at}\naction = "kill"\ntarget = "{target}"\n')
    path = folder / "big_storm.toml"
    path.write_text(text + "\n" + "\n".join(steps))
    return path


MAX_SHUTDOWN_STEPS = 1000
"""Timers a supervisor may need fired before it answers (it is stopping children that take time)."""


def engine_children(app: SuptuiApp) -> tuple[dict[str, dict[str, Any]], bool]:
    """``which_children`` of every live supervisor, walked from the root: path → {id: pid}; and
    whether virtual time had to move for that.

    A supervisor answers only between its own steps: one stopping a child that takes time to stop
    (the ``slow`` worker the monkey may have added with ``a``) answers once that stop is over, as in
    OTP. Once the engine is idle and the answer has not come, time moves one timer at a time.
    """
    assert app.live is not None
    runtime = app.live.session.runtime
    root = app.live.tree.root.path
    out: dict[str, dict[str, Any]] = {}
    moved = False
    todo = [root] if runtime.whereis(root) is not None else []
    while todo:
        path = todo.pop()
        pid = runtime.whereis(path)
        if pid is None:
            continue
        answer = runtime.call(pid, ("which_children",))
        for _ in range(MAX_SHUTDOWN_STEPS):
            runtime.wait_idle()  # a reply is set inside the callback, so idle means: answered, or waiting
            if answer.done() or not app.live.clock.step():
                break
            moved = True
        if not answer.done():
            raise AssertionError(f"{path} does not answer which_children: {stuck(app, pid)}")
        kids = answer.result()
        out[path] = {child_id: child_pid for child_id, child_pid, _ in kids}
        todo += [f"{path}/{child_id}" for child_id, child_pid, kind in kids
                 if kind == "supervisor" and isinstance(child_pid, Pid)]
    return out, moved


def stuck(app: SuptuiApp, pid: Pid) -> str:
    """What a supervisor that does not answer is doing, for the failure message."""
    assert app.live is not None
    runtime = app.live.session.runtime
    proc = runtime._procs.get(pid)
    where = "gone" if proc is None else (f"sched={proc.sched} waiting={proc.waiting} "
                                         f"mailbox={len(proc.mailbox or ())} thread={proc.thread}")
    return (f"t={app.live.clock.now_ms()} paused={app.live.time.paused} busy={runtime._busy} "
            f"state={runtime.describe_state(pid)} {where}")


def disagreements(app: SuptuiApp, engine: dict[str, dict[str, Any]]) -> list[str]:
    """Where the app's tree now says something else than the engine about a live supervisor's children
    (the tree now: the monkey may have left the screen on a moment of the past, which ``n`` leaves)."""
    problems = []
    model = app.live_model
    for sup, kids in engine.items():
        node = model.nodes.get(sup)
        if node is None:
            problems.append(f"{sup}: live in the engine, missing in the app")
            continue
        shown = {model.nodes[c].id: model.nodes[c] for c in node.children
                 if c in model.nodes and model.nodes[c].status != "removed"}
        if set(shown) != set(kids):
            problems.append(f"{sup}: engine has {sorted(kids)}, app shows {sorted(shown)}")
        for child_id, pid in kids.items():
            view = shown.get(child_id)
            if view is None:
                continue
            if isinstance(pid, Pid) and (view.status, view.pid) != ("running", str(pid)):
                problems.append(f"{sup}/{child_id}: engine {pid}, app {view.status} {view.pid}")
            if not isinstance(pid, Pid) and view.status == "running":
                problems.append(f"{sup}/{child_id}: engine {pid}, app running {view.pid}")
        if node.status != "running" or node.pid != str(app.live.session.pid_of(sup)):
            problems.append(f"{sup}: live in the engine, app says {node.status} {node.pid}")
    assert app.live is not None
    for path, view in model.nodes.items():  # and nothing shown running is dead or someone else
        engine_pid = app.live.session.pid_of(path)
        if view.running and view.pid != str(engine_pid):
            problems.append(f"{path}: app shows {view.pid} running, engine has {engine_pid}")
    return problems


def at_the_tree(app: SuptuiApp) -> bool:
    """No dialog, screen or input in the way: ``q`` goes to the app."""
    return not isinstance(app.screen, ModalScreen) and app.focused is app.tree_view


async def back_to_the_tree(pilot) -> None:
    """Close whatever the monkey left open (dialogs, help, palette, the filter bar)."""
    app = pilot.app
    for _ in range(10):
        if at_the_tree(app):
            return
        await pilot.press("escape")
    app.action_clear_filter()
    await pilot.pause()


def burst(rng: random.Random, keys: list[str], weights: list[float], in_dialog: bool, most: int) -> list[str]:
    """Keys typed ahead: a run of moves in the tree, then a few keys that may open a dialog and act
    in it before it has laid out (a double Enter, a held Escape), as a fast typist or a paste does."""
    out: list[str] = []
    while len(out) < most and (in_dialog or not out or out[-1] in MOVES):
        out.append(rng.choices(keys, weights)[0])
    tail = rng.randint(0, 3)  # typed straight after whatever the last key opened
    out += rng.choices(keys, weights, k=min(tail, most - len(out)))
    return out


class LogWatch:
    """Counts every line any app's log is given (the log itself keeps only the newest ``log_cap``) and
    keeps those that read like an internal error."""

    def __init__(self) -> None:
        self.count = 0
        self.internal_errors: list[str] = []


@pytest.fixture
def log_watch(monkeypatch: pytest.MonkeyPatch) -> LogWatch:
    watch = LogWatch()
    append = EventLog.append

    def watching(self: EventLog, new: Any) -> None:
        new = list(new)
        watch.count += len(new)
        watch.internal_errors += [line.text for line in new if INTERNAL_ERROR.search(line.text)]
        append(self, new)

    monkeypatch.setattr(EventLog, "append", watching)
    return watch


async def compare(pilot) -> int:
    """Settle, then check the app's rows against every live supervisor; how many were compared."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    for _ in range(20):
        await settle_engine(pilot)
        engine, moved = engine_children(pilot.app)
        if not moved:  # the app has drained everything the engine did before these answers
            break
    else:
        raise AssertionError("supervisors kept needing time to answer")
    assert disagreements(pilot.app, engine) == []
    return len(engine)


async def monkey(app: SuptuiApp, presses: int, seed: int, *, max_burst: int = 8,
                 max_advance_ms: int = 200, check_every: int = 100) -> dict[str, int]:
    """Random keys in bursts, time moving between them, the app checked against the engine every
    ``check_every`` presses (when no dialog is open) and at the end; returns counts for the report."""
    rng = random.Random(seed)
    keys, weights = key_pool()
    sent = 0
    async with app.run_test(size=SIZE) as pilot:
        driver = app._driver
        assert driver is not None
        checked = compared = 0
        next_check = check_every
        while sent < presses:
            in_dialog = isinstance(app.screen, ModalScreen) or app.focused is not app.tree_view
            if sent >= next_check and not in_dialog:
                next_check += check_every
                compared += await compare(pilot)
                checked += 1
            for key in burst(rng, keys, weights, in_dialog, min(presses - sent, max_burst)):
                driver.send_message(key_event(app, key))
                sent += 1
            await pilot._wait_for_screen()  # pilot.pause() also waits for an idle CPU: 3x slower here
            if app.live is not None and rng.random() < 0.7:
                app.live.clock.advance(rng.randint(0, max_advance_ms))
        for _ in range(5):  # a dialog a late typed-ahead key opens may show while the check settles
            await back_to_the_tree(pilot)
            compared += await compare(pilot)
            if at_the_tree(app):
                break
        assert at_the_tree(app), f"{app.screen} is still open"
        assert app.is_running and app._exception is None
        assert internal_errors(app) == []
        assert app.live is not None
        stats = {"presses": sent, "t_ms": int(app.live.clock.now_ms()), "checkpoints": checked + 1,
                 "supervisors_compared": compared,
                 "events": len(app.live.session.recorder.snapshot()) if app.live.session.recorder else 0}
        await pilot.press("q")
    assert app.return_value == 0
    return stats


async def test_the_check_waits_for_a_supervisor_busy_in_virtual_time(tmp_path: Path, app_factory) -> None:
    """A supervisor restarting a worker whose init takes 500 ms of virtual time answers only after it:
    the check moves time instead of waiting on the wall clock (it once timed out in the 5,000-press run,
    most likely on a slow worker the monkey had added with ``a``)."""
    tree = tmp_path / "slow.toml"
    tree.write_text('id = "root"\n[[children]]\nid = "db"\nworker = "slow_start"\n'
                    'args = { start_time = 500 }\n')
    app = app_factory(str(tree))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await settle_engine(pilot)
        assert app.live is not None
        booted = app.live.clock.now_ms()  # the first start took its 500 ms too
        app.select_node("root/db")
        app.action_kill()
        assert await compare(pilot) == 1
        assert app.live.clock.now_ms() == booted + 500


@pytest.mark.parametrize(("tree", "presses"), [("nested", 400), ("big", 120)])
async def test_monkey(tree: str, presses: int, tmp_path: Path, app_factory, suptui_threads,
                      log_watch: LogWatch) -> None:
    """A few hundred presses per tree (the full 5,000 per tree: ``-m monkey5000``)."""
    source = "nested" if tree == "nested" else str(storm_tree(tmp_path, 50, 60_000, seed=7))
    app = app_factory(source)
    started = time.monotonic()
    stats = await monkey(app, presses, seed=11)
    print(f"monkey {tree}: {stats}, {log_watch.count} log lines, {time.monotonic() - started:.1f} s")
    assert log_watch.internal_errors == []
    assert [t.name for t in suptui_threads() if t.is_alive()] == []


HOSTILE_TO_THE_ENGINE = ["PollsItself", "BadMatch", "RaisesUnprintableBase", "StopsWithDeepReason",
                         "MovesTheClock", "DescribesWithSystemExit"]
"""From hostile_engine_workers: each once froze the clock, killed a thread of the engine's or the app,
or lost a death. (The ones that block a thread for good are left out: their zombie threads outlive
the test by design, and this test counts threads.)"""


def hostile_engine_tree(folder: Path) -> Path:
    """A calm ticker beside one of each engine-hostile worker, under a root that allows 1,000 restarts a
    second, and a sub-supervisor so group strategies and nested kills get pressed too."""
    module = "tests.support.hostile_engine_workers"
    children = "".join(f'[[children]]\nid = "{cls.lower()}"\nworker = "{module}:{cls}"\n\n'
                       for cls in HOSTILE_TO_THE_ENGINE)
    path = folder / "hostile_engine.toml"
    path.write_text('id = "root"\nmax_restarts = 1000\nmax_seconds = 1\n\n'
                    '[[children]]\nid = "calm"\nworker = "ticker"\nargs = { interval = 100 }\n\n'
                    '[[children]]\nid = "inner"\nstrategy = "one_for_all"\nmax_restarts = 1000\n'
                    '  [[children.children]]\n  id = "poller"\n'
                    '  worker = "tests.support.hostile_engine_workers:PollsItself"\n'
                    '  [[children.children]]\n  id = "ticker"\n  worker = "ticker"\n\n' + children)
    return path


async def test_monkey_on_workers_hostile_to_the_engine(tmp_path: Path, app_factory, suptui_threads,
                                                       log_watch: LogWatch, tight_runtime) -> None:
    """The monkey over workers that poll themselves, raise in match functions and in ``__str__``, die
    with a reason nested 20,000 deep, move the clock, and raise SystemExit when described: the app
    stays up, agrees with the engine, logs no internal error, and quits leaving no thread."""
    app = app_factory(str(hostile_engine_tree(tmp_path)))
    started = time.monotonic()
    stats = await monkey(app, 150, seed=23)
    print(f"monkey hostile_engine: {stats}, {log_watch.count} log lines, {time.monotonic() - started:.1f} s")
    assert log_watch.internal_errors == []
    assert [t.name for t in suptui_threads() if t.is_alive()] == []


@pytest.mark.monkey5000
@pytest.mark.parametrize("tree", ["nested", "big"])
async def test_monkey_5000_presses_on_one_tree(tree: str, tmp_path: Path, app_factory, suptui_threads,
                                                log_watch: LogWatch) -> None:
    """5,000 presses on each tree; on big, a kill every 10 ms of tree time."""
    source = "nested" if tree == "nested" else str(storm_tree(tmp_path, 10, 120_000, seed=3))
    app = app_factory(source)
    started = time.monotonic()
    stats = await monkey(app, 5000, seed=5)
    print(f"monkey5000 {tree}: {stats}, {log_watch.count} log lines, {time.monotonic() - started:.1f} s")
    assert log_watch.internal_errors == []
    assert [t.name for t in suptui_threads() if t.is_alive()] == []
