"""Worker-controlled text on every screen of the app is shown as text (issue 11, class 12).

A worker's crash message, its reason and traceback, its state description and summary, a tree's
title and ids with markup in them: terminal escapes must reach the screen as visible escapes
(``\\x1b``), a carriage return must not redraw a border, a bidi override must not reorder a line, and
Rich/Textual markup (``[reverse]``, ``[link=…]``, ``[@click=app.quit]``) must stay literal brackets,
never a style or a link that quits the app.

The screen is read back as the terminal would get it: the compositor's full update, printed to a
recording console (what ``App.export_screenshot`` does), as plain text.
"""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Label
from textual.widgets._toast import Toast

from suptui.tui.app import SuptuiApp
from suptui.tui.comparescreen import CompareScreen
from suptui.tui.dialogs import ChoiceScreen, ConfirmScreen
from suptui.tui.logview import INDENT
from suptui.tui.predictscreen import PredictScreen

from tests.support.tui import SIZE, advance, press, select, settle

EVIL = "\x1b[2J\r\x9b[reverse]R[/reverse] [@click=app.quit]Q[/] [link=http://x]L[/link] \u202eevil"
SHOWN = "\\x1b[2J\\r\\x9b[reverse]R[/reverse] [@click=app.quit]Q[/]"
"""The start of :data:`EVIL` as the screen must show it (the rest may wrap to the next line)."""
RAW = ("\x1b", "\r", "\x9b", "\u202e")

WORKER = f'''
from suptui.engine import Actor

T = {EVIL!r}


class Evil(Actor):
    summary = "sum " + T

    def init(self):
        self.send_after(100, "boom")

    def handle_info(self, msg):
        raise RuntimeError(T)

    def describe_state(self):
        return "state " + T
'''

TREE = '''\
title = "Evil \\u001b[2J\\r [@click=app.quit]Q[/] [link=http://x]L[/link] \\u202e"
max_restarts = 100
[[children]]
id = "[@click=app.quit]sup"
  [[children.children]]
  id = "[reverse]w"
  worker = "evil_worker:Evil"
'''
SUP = "root/[@click=app.quit]sup"
WORKER_PATH = f"{SUP}/[reverse]w"


def evil_tree(tmp_path: Path) -> str:
    (tmp_path / "evil_worker.py").write_text(WORKER)
    source = tmp_path / "evil.toml"
    source.write_text(TREE)
    return str(source)


def screen_text(app: SuptuiApp) -> str:
    """Everything on screen (dialogs over the screens under them), as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def assert_no_raw(text: str) -> None:
    assert not [c for c in RAW if c in text], [line for line in text.splitlines()
                                               if any(c in line for c in RAW)]


async def wait_until(pilot, check: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Let the app run until ``check()`` holds (the palette searches and the compare runs are
    asynchronous); False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            return False
        await pilot.pause(0.01)
    return True


async def test_crash_reasons_state_and_names_are_shown_as_text_in_tree_details_and_log(
        tmp_path: Path, app_factory) -> None:
    app = app_factory(evil_tree(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await advance(pilot, 250)
        await select(pilot, WORKER_PATH)
        text = screen_text(app)
        assert_no_raw(text)
        assert f"state     state {SHOWN}" in text  # details: the worker's own description
        assert f"sum {SHOWN}" in text  # its class's summary
        assert "last exit crashed at 0.200 s: RuntimeError:" in text
        assert "✖ [@click=app.quit]sup/[reverse]w crashed: RuntimeError:" in text  # the log; its reason
        assert f"││{' ' * INDENT}{SHOWN}" in text  # wraps to the next row, under the text
        assert "└── ● [reverse]w" in text  # the tree row: brackets are literal
        assert "suptui · Evil \\x1b[2J\\r [@click=app.quit]Q[/] [link=http://x]L[/link] \\u202e" in text
        log_lines = [line.text for line in app.event_log.lines]
        assert any(f"RuntimeError: {SHOWN}" in line for line in log_lines)
        assert not any(c in line for line in log_lines for c in RAW)


async def test_a_dialog_naming_a_node_shows_its_markup_and_a_click_on_it_does_not_quit(
        tmp_path: Path, app_factory) -> None:
    """``[@click=app.quit]`` in a node's id, inside the kill dialog's question: a click anywhere on
    the question must not quit the app (a markup label would have made it a link)."""
    app = app_factory(evil_tree(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await select(pilot, SUP)
        await press(pilot, "k")
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one("#question", Label)
        assert "Kill [@click=app.quit]sup and its subtree?" in screen_text(app)
        for x in range(question.size.width):
            await pilot.click(question, offset=(x, 0))
        assert app.is_running and isinstance(app.screen, ConfirmScreen)
        await press(pilot, "escape")
        await press(pilot, "x")
        assert isinstance(app.screen, ChoiceScreen)
        question_text = "Send [@click=app.quit]sup an exit signal (Process.exit/2) with which reason?"
        assert question_text in screen_text(app)
        question = app.screen.query_one("#question", Label)
        for x in range(question.size.width):
            await pilot.click(question, offset=(x, 0))
        assert app.is_running and isinstance(app.screen, ChoiceScreen)
        await press(pilot, "escape")
        await press(pilot, "q")
    assert app.return_value == 0


async def test_the_palette_shows_node_names_with_their_brackets(tmp_path: Path, app_factory) -> None:
    app = app_factory(evil_tree(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"go to")
        assert await wait_until(pilot, lambda: "Go to [@click=app.quit]sup" in screen_text(app)), \
            screen_text(app)
        text = screen_text(app)
        assert "Go to [@click=app.quit]sup/[reverse]w" in text
        assert "select root/[@click=app.quit]sup/[reverse]w in the tree" in text
        assert_no_raw(text)
        await pilot.press("escape")
        assert app.is_running


async def test_a_reload_error_notification_shows_the_file_s_text(tmp_path: Path, app_factory) -> None:
    source = evil_tree(tmp_path)
    app = app_factory(source)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        Path(source).write_text('strategy = "[@click=app.quit]x \\u001b[2J"\n')
        await press(pilot, "R")
        assert await wait_until(pilot, lambda: bool(app.screen.query(Toast)))
        toast = app.screen.query(Toast).first()
        shown = toast.render()
        plain = getattr(shown, "plain", str(shown))
        assert 'unknown strategy "[@click=app.quit]x \\x1b[2J"' in plain
        assert_no_raw(plain)
        assert_no_raw(screen_text(app))
        assert app.is_running


async def test_lanes_predict_and_compare_screens_show_titles_and_names_as_text(
        tmp_path: Path, app_factory) -> None:
    app = app_factory(evil_tree(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await advance(pilot, 250)
        await press(pilot, "t")  # lanes beside the tree
        assert_no_raw(screen_text(app))
        await press(pilot, "T")  # full screen, labelled lanes
        text = screen_text(app)
        assert_no_raw(text)
        assert "[reverse]w" in text and "[@click=app.quit]sup" in text
        await press(pilot, "T")
        await press(pilot, "c")
        assert isinstance(app.screen, CompareScreen)
        await app.workers.wait_for_complete()
        assert await wait_until(pilot, lambda: "(as in the file)" in screen_text(app)), screen_text(app)
        text = screen_text(app)
        assert_no_raw(text)
        assert "Compare strategies: Evil \\x1b[2J\\r [@click=app.quit]Q[/]" in text
        await press(pilot, "escape")
        await press(pilot, "p")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PredictScreen))
        await settle(pilot)
        text = screen_text(app)
        assert_no_raw(text)
        assert "Predict: Evil \\x1b[2J\\r [@click=app.quit]Q[/]" in text
        assert "state \\x1b[2J" in text  # the grid's "at t = 0" column is the worker's description
        await press(pilot, "escape")
        assert app.is_running


async def test_the_svg_export_of_such_a_run_is_valid_xml(tmp_path: Path, app_factory) -> None:
    app = app_factory(evil_tree(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 250)
        await press(pilot, "S")
        await app.workers.wait_for_complete()
        [svg] = list((tmp_path / "exports").glob("*.svg"))
        text = svg.read_text(encoding="utf-8")
        assert_no_raw(text)
        root = ET.fromstring(text)
        labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "label"]
        assert "[reverse]w" in labels
