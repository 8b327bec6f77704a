"""The playground in a real browser: ``suptui serve`` driven by Playwright through the system's
Chromium (Playwright's own browser download is not used). Skipped, with the reason, where Chromium or
Playwright is missing; CI installs both and sets ``SUPTUI_BROWSER_TESTS=required``, so there it runs.

One scenario, waiting on conditions (never on fixed sleeps): the page shows the tree; Down, Down, k
kills bomb2 and the page shows the kill and bomb2's new pid; S arrives as a download holding an SVG,
e as one holding the recording with the kill; a second tab is a run of its own (its own app process,
a fresh tree); closing the tabs ends their app processes. On a failure every open page's screenshot
is saved and the path printed.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.web.browser import EXPOSE_TERMINAL, SCREEN_TEXT, Served, alive, chromium

REQUIRED = os.environ.get("SUPTUI_BROWSER_TESTS") == "required"
"""Set by CI (``.ci/run``): there a missing Chromium or Playwright fails instead of skipping."""
CHROMIUM = chromium()
if REQUIRED:
    assert CHROMIUM is not None, "SUPTUI_BROWSER_TESTS=required but no chromium on PATH"
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install chromium)"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts app processes through /proc"),
]
if REQUIRED:
    import playwright.sync_api as sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")

PID = re.compile(r"bomb2 <(0\.\d+\.0)>")
TIMEOUT_MS = 20_000


def screen(page: sync_api.Page) -> str:
    return str(page.evaluate(SCREEN_TEXT))


def wait_screen(page: sync_api.Page, needle: str, timeout_ms: int = TIMEOUT_MS) -> str:
    """Wait until the terminal shows ``needle`` (a regular expression); the screen then."""
    page.wait_for_function(f"(pattern) => new RegExp(pattern).test(({SCREEN_TEXT})())", arg=needle,
                           timeout=timeout_ms)
    return screen(page)


def wait_until(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def test_the_playground_in_chromium() -> None:
    served = Served("trees/bombs.toml")
    shots = Path(tempfile.mkdtemp(prefix="suptui-web-shots-"))
    pages: list[sync_api.Page] = []
    try:
        served.wait_ready()
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
                context.add_init_script(EXPOSE_TERMINAL)
                offline = []
                context.on("request", lambda request: None if request.url.startswith(served.url)
                           else offline.append(request.url))
                page = context.new_page()
                pages.append(page)
                page.goto(served.url)
                before = PID.search(wait_screen(page, r"bomb2 <0\.\d+\.0>"))
                assert before is not None
                assert len(served.apps()) == 1, "one tab, one app process"
                assert page.evaluate("document.body.dataset.fonts") == "2", \
                    "Roboto Mono and the symbols font (the header icon's) both loaded from the server"

                page.focus(".xterm-helper-textarea")
                for key in ("ArrowDown", "ArrowDown", "k"):
                    page.keyboard.press(key)
                shown = wait_screen(page, r"↯ bomb2 killed[\s\S]*bomb2 restarted ← bomb2 killed")
                assert "kill bomb2 (by user)" in shown
                wait_until(lambda: (m := PID.search(screen(page))) and m.group(1) != before.group(1), 10,
                           f"bomb2's pid to change from <{before.group(1)}>")

                with page.expect_download(timeout=TIMEOUT_MS) as download_info:
                    page.keyboard.press("S")
                download = download_info.value
                assert download.suggested_filename.startswith("bombs-")
                assert download.suggested_filename.endswith(".svg")
                assert "<svg" in Path(download.path()).read_text(encoding="utf-8")
                wait_screen(page, r"exported the timeline to a download, bombs-")

                with page.expect_download(timeout=TIMEOUT_MS) as download_info:
                    page.keyboard.press("e")
                recording = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()
                assert json.loads(recording[0])["suptui"] == "recording"
                events = [json.loads(line) for line in recording[1:]]
                assert any(e["event"] == "kill" and e["path"].endswith("bomb2") for e in events), events

                second = context.new_page()  # another tab: a run of its own
                pages.append(second)
                second.goto(served.url)
                fresh = wait_screen(second, r"bomb2 <0\.\d+\.0>")
                assert "kill bomb2 (by user)" not in fresh
                apps = served.apps()
                assert len(apps) == 2, f"two tabs, two app processes: {apps}"

                page.close()
                pages.remove(page)
                wait_until(lambda: len(served.apps()) == 1, 10, "the closed tab's app to end")
                second.close()
                pages.remove(second)
                wait_until(lambda: not served.apps(), 10, "the last tab's app to end")
                assert not [pid for pid in apps if alive(pid)], "an app process outlived its tab"
                assert offline == [], f"the page fetched from elsewhere: {offline}"
            except BaseException as exc:
                for n, open_page in enumerate(pages):
                    path = shots / f"page{n}.png"
                    try:
                        open_page.screenshot(path=str(path))
                    except Exception as shot_error:
                        exc.add_note(f"no screenshot of page {n}: {shot_error}")
                    else:
                        exc.add_note(f"screenshot: {path}")
                        print(f"screenshot: {path}")
                exc.add_note(f"suptui serve's output:\n{served.output()}")
                raise
            finally:
                browser.close()
    finally:
        code = served.stop()
    assert code == 0, f"suptui serve ended with {code}"


def test_stopping_the_server_ends_the_open_tabs_runs() -> None:
    """Ctrl+C (SIGTERM here) with a tab open: the server ends at once, the tab's app with it, and the
    page says the run has ended."""
    served = Served("bombs")
    try:
        served.wait_ready()
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            try:
                page = browser.new_page()
                page.add_init_script(EXPOSE_TERMINAL)
                page.goto(served.url)
                wait_screen(page, r"bomb2 <0\.\d+\.0>")
                apps = served.apps()
                assert len(apps) == 1
                started = time.monotonic()
                assert served.stop() == 0
                assert time.monotonic() - started < 8, "the server waited for the browser to hang up"
                assert not [pid for pid in apps if alive(pid)], "an app process outlived the server"
                page.wait_for_function("document.body.classList.contains('-closed')", timeout=TIMEOUT_MS)
            finally:
                browser.close()
    finally:
        served.stop()
