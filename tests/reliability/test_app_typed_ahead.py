"""Keys typed ahead into dialogs: a terminal delivers keys as fast as they come (a double-tapped
Enter, a held key, a paste), so a dialog can get its next key before it has closed or laid out.
Found by the monkey test; each of these ended the app before the fixes in ``tui/once.py`` and
``tui/commands.py:Palette``."""

from __future__ import annotations

import pytest

from suptui.tui.app import SuptuiApp

from tests.support.reliability import key_event
from tests.support.tui import SIZE, select


async def typed_ahead(app: SuptuiApp, *keys: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/metrics")
        driver = app._driver
        assert driver is not None
        for key in keys:
            driver.send_message(key_event(app, key))
        await pilot.pause()
        await pilot.pause()
        assert app.is_running


@pytest.mark.parametrize("keys", [("x", "enter", "enter"), ("a", "enter", "enter", "enter"),
                                  ("x", "enter", "escape"), ("x", "escape", "enter", "enter"),
                                  ("question_mark", "escape", "escape", "escape")])
async def test_typed_ahead_keys_in_dialogs_do_not_end_the_app(keys: tuple[str, ...], app_factory) -> None:
    await typed_ahead(app_factory("nested"), *keys)


@pytest.mark.parametrize("key", ["pagedown", "pageup"])
async def test_typed_ahead_page_keys_in_the_palette_do_not_end_the_app(key: str, app_factory) -> None:
    """Textual 8.2.8's OptionList raises KeyError on a page key before its first render (worked around)."""
    await typed_ahead(app_factory("nested"), "ctrl+p", key, "down", key, "escape")


async def test_typed_ahead_escapes_are_fine(app_factory) -> None:
    """The same race where the app already copes (a second Escape on a closing dialog)."""
    await typed_ahead(app_factory("nested"), "x", "escape", "escape", "question_mark", "escape", "escape")


@pytest.mark.parametrize("keys", [("x", "pagedown", "escape"), ("a", "pageup", "pagedown", "escape"),
                                  ("s", "pagedown", "escape")])
async def test_typed_ahead_page_keys_in_choice_dialogs(keys: tuple[str, ...], app_factory) -> None:
    await typed_ahead(app_factory("nested"), *keys)
