"""Loading a tree file never runs a worker module on the UI thread, and never without a time limit
(issue 11, class 6).

``R`` and the tree picker load a tree, which imports the worker modules it names; a module imported
for the first time runs its top-level code. Here that code blocks until the test opens a gate (or
10 s pass): the app keeps answering keys and says it is loading, gives up at the time limit (patched
to 0.3 s) keeping the running tree, drops the answer that comes later, and quits at once meanwhile.
"""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from suptui.treefile import BundledTree, load_tree
from suptui.tui import treeload
from suptui.tui.app import SuptuiApp
from suptui.tui.dialogs import ChoiceScreen
from suptui.tui.liverun import manual_runs

from tests.support.tui import SIZE, press, settle

GATE_MODULE = "suptui_test_import_gate"

TREE = 'id = "root"\nmax_restarts = 100\n[[children]]\nid = "a"\nworker = "sleeper"\n' \
       '[[children]]\nid = "b"\nworker = "sleeper"\n'

SLOW_MODULE = f'''
import {GATE_MODULE}

from suptui.engine import Actor

{GATE_MODULE}.GATE.wait(10)
{GATE_MODULE}.IMPORTED.append(True)


class Slow(Actor):
    pass
'''


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """What the slow module waits for at import; opened at the end whatever happens, and every
    loader thread is let finish."""
    event = threading.Event()
    module = types.ModuleType(GATE_MODULE)
    module.GATE = event  # type: ignore[attr-defined]
    module.IMPORTED = []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, GATE_MODULE, module)
    yield event
    event.set()
    for thread in load_threads():
        thread.join(5)


def imported() -> bool:
    """The slow module's top-level code has run to its end."""
    return bool(sys.modules[GATE_MODULE].IMPORTED)  # type: ignore[attr-defined]


def load_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("suptui-load")]


def slow_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A tree file that loads at once; and what to write in it so that it imports a slow module."""
    name = f"slow_at_import_{tmp_path.name.replace('-', '_')}"
    monkeypatch.delitem(sys.modules, name, raising=False)  # and again at the end, once imported
    (tmp_path / f"{name}.py").write_text(SLOW_MODULE)
    source = tmp_path / "tree.toml"
    source.write_text(TREE)
    return source, TREE + f'[[children]]\nid = "slow"\nworker = "{name}:Slow"\n'


def toasts(app: SuptuiApp) -> list[str]:
    return [str(getattr(toast.render(), "plain", toast.render())) for toast in app.screen.query(Toast)]


def log_texts(app: SuptuiApp) -> list[str]:
    return [line.text for line in app.event_log.lines]


async def wait_until(pilot, check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            return False
        await pilot.pause(0.01)
    return True


async def test_r_loads_off_the_ui_thread_and_the_keys_keep_working(
        tmp_path: Path, app_factory, gate: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treeload, "LIMIT_S", 30.0)
    source, slow_text = slow_tree(tmp_path, monkeypatch)
    app = app_factory(str(source))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        run = app.live
        app.select_node("root/a")
        source.write_text(slow_text)
        await pilot.press("R")  # pressed, handled, and back: the import is still asleep
        assert not imported()
        assert f"loading {source} …" in log_texts(app)[-1]
        assert app.loads.waiting == str(source)
        await pilot.press("down")
        assert app.tree_view.cursor_path == "root/b"
        await pilot.press("R")  # a second R while the first load runs starts no second one
        assert f"still loading {source}" in log_texts(app)[-1]
        assert len(load_threads()) == 1
        assert app.live is run
        gate.set()  # the import finishes within the limit: the new tree runs
        assert await wait_until(pilot, lambda: app.loads.waiting is None)
        await settle(pilot)
        assert app.live is not run and "root/slow" in app.model.nodes
        assert run.session.runtime.threads() == []


async def test_a_load_past_the_time_limit_keeps_the_running_tree(
        tmp_path: Path, app_factory, gate: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treeload, "LIMIT_S", 0.3)
    source, slow_text = slow_tree(tmp_path, monkeypatch)
    app = app_factory(str(source))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        run = app.live
        source.write_text(slow_text)
        await pilot.press("R")
        too_slow = f"loading {source} took longer than 0.3 s: a worker module blocks at import?"
        assert await wait_until(pilot, lambda: any(too_slow in t for t in log_texts(app))), log_texts(app)
        assert app.live is run and app.model.nodes["root/a"].running and "root/slow" not in app.model.nodes
        assert app.loads.waiting is None
        gate.set()  # the answer now comes late: dropped
        for thread in load_threads():
            thread.join(5)
        await settle(pilot)
        assert app.live is run and "root/slow" not in app.model.nodes
        await press(pilot, "R")  # the module is imported now: R works as ever
        assert app.live is not run and "root/slow" in app.model.nodes


async def test_quitting_while_a_load_is_stuck_does_not_wait_for_it(
        tmp_path: Path, app_factory, gate: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    source, slow_text = slow_tree(tmp_path, monkeypatch)
    app = app_factory(str(source))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        source.write_text(slow_text)
        await pilot.press("R")
        assert not imported()
        started = time.monotonic()
        await pilot.press("q")
        await pilot.pause()
    assert time.monotonic() - started < 2.0
    assert app.return_value == 0 and not imported() and load_threads()


async def test_the_picker_loads_off_the_ui_thread_and_offers_the_trees_again_past_the_limit(
        tmp_path: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treeload, "LIMIT_S", 0.3)

    waited: list[str] = []

    def slow_loader(name: str):
        gate.wait(10)
        waited.append(name)
        return load_tree(name)

    bundled = [BundledTree("nested", "Nested", "three levels"), BundledTree("bombs", "Bombs", "the lesson")]
    app = SuptuiApp(None, None, run_factory=manual_runs(), bundled=lambda: bundled, wall=lambda: 0.0,
                    export_dir=tmp_path, loader=slow_loader)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            # The picker is up once its list has the focus (Enter before that would go nowhere).
            assert await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen)
                                    and app.screen.focused is not None)
            await pilot.press("enter")  # the picker closes and the load starts; it waits at the gate
            assert await wait_until(pilot, lambda: app.loads.waiting == "nested")
            assert not waited
            assert not isinstance(app.screen, ChoiceScreen)
            too_slow = "loading nested took longer than 0.3 s: a worker module blocks at import?"
            assert await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
            assert await wait_until(pilot, lambda: any(too_slow in text for text in toasts(app))), toasts(app)
            assert app.live is None
            gate.set()
            for thread in load_threads():
                thread.join(5)
            await pilot.pause()
            assert app.live is None and isinstance(app.screen, ChoiceScreen)  # the late tree is dropped
            await press(pilot, "down", "enter")
            await settle(pilot)
            assert app.source == "bombs" and app.live is not None
    finally:
        app.teardown()
