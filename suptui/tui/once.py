"""Screens that close exactly once, however fast keys arrive.

A terminal delivers keys as fast as they come: a double-tapped Enter, a held Escape or a paste can
reach a dialog after its first ``dismiss`` and before Textual has popped it. Textual's own
``Screen.dismiss`` then pops whatever screen is on top at that moment: the next dialog, or the
main screen, which ends the app with ``ScreenStackError``. Every screen of ours that dismisses
itself mixes this in first, so only the first dismiss of a screen that is on top does anything.
"""

from __future__ import annotations

from typing import Any

from textual.app import ScreenStackError
from textual.await_complete import AwaitComplete
from textual.screen import Screen


class DismissOnce:
    """Mix in before ``Screen``/``ModalScreen``: a second dismiss, or one from below the top, is ignored."""

    _dismissed: bool = False

    def dismiss(self, result: Any = None) -> AwaitComplete:
        assert isinstance(self, Screen)
        if self._dismissed or not self._on_top():
            return AwaitComplete.nothing()
        self._dismissed = True
        return super().dismiss(result)  # type: ignore[misc]

    def _on_top(self) -> bool:
        assert isinstance(self, Screen)
        try:
            return self.app.screen is self
        except ScreenStackError:  # no screen at all: the app is closing
            return False
