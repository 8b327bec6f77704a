"""Keys typed ahead into dialogs: a terminal delivers keys as fast as they come (a double-tapped
Enter, a held key, a paste), so a dialog can get its next key before it has closed or laid out.
Found by the monkey test; each of these ends the app today."""

from __future__ import annotations

import pytest
from reliability_helpers import key_event
from textual.app import ScreenStackError
from tui_helpers import SIZE, select

from suptui.tui.app import SuptuiApp


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


@pytest.mark.xfail(strict=True, raises=ScreenStackError,
                   reason="fault: a second Enter (or Escape) reaching a ChoiceScreen before it has closed "
                          "dismisses it twice; the app dies with ScreenStackError (dialogs.py)")
@pytest.mark.parametrize("keys", [("x", "enter", "enter"), ("a", "enter", "enter", "enter")])
async def test_typed_ahead_keys_in_dialogs_do_not_end_the_app(keys: tuple[str, ...], app_factory) -> None:
    await typed_ahead(app_factory("nested"), *keys)


@pytest.mark.xfail(strict=True, raises=KeyError,
                   reason="fault (Textual 8.2.8): page down/up in the command palette before its list is "
                          "laid out raises KeyError in OptionList._move_page and ends the app")
async def test_typed_ahead_page_down_in_the_palette_does_not_end_the_app(app_factory) -> None:
    await typed_ahead(app_factory("nested"), "ctrl+p", "pagedown")


async def test_typed_ahead_escapes_are_fine(app_factory) -> None:
    """The same race where the app already copes (a second Escape on a closing dialog)."""
    await typed_ahead(app_factory("nested"), "x", "escape", "escape", "question_mark", "escape", "escape")
