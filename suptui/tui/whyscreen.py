"""``w``: why one crash turned out as it did, and ``g``'s small input for a second to go to.

The why view only renders :func:`suptui.story.why.explain_lines` (the same words the predict
explanations use) with a title; the facts come from :func:`suptui.story.why.why`, read off the typed
events, so this module decides nothing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from .bindings import GOTO_BINDINGS, WHY_BINDINGS
from .dialogs import shown
from .once import DismissOnce


class WhyScreen(DismissOnce, ModalScreen[None]):
    """A titled list of sentences: the why of one crash."""

    BINDINGS = WHY_BINDINGS

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(id="why", classes="dialog"):
            yield Label(shown(self.title_text), id="question")
            with VerticalScroll():
                # One line each: the lines are made visible one by one (worker text), then joined,
                # so the newlines between them stay newlines rather than a visible "\n".
                yield Static(Content("\n").join(shown(f"– {line}") for line in self.lines), id="why-text")

    def action_close(self) -> None:
        self.dismiss(None)


class GotoScreen(DismissOnce, ModalScreen[float | None]):
    """Which second to show: a number (``12``, ``3.5``); Enter goes, Escape stays."""

    BINDINGS = GOTO_BINDINGS

    def __init__(self, last_s: float) -> None:
        super().__init__()
        self.last_s = last_s

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(shown(f"Go to which second? (0 to {self.last_s:.3f})"), id="question")
            yield Input(placeholder="seconds, e.g. 5 or 2.5", id="goto-input", type="number")

    def on_mount(self) -> None:
        self.query_one("#goto-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            seconds = float(event.value)
        except ValueError:
            # (the input takes only what a number can hold: letters never reach it, so an empty
            # value is the usual case, and naming it, '', told nothing)
            typed = f"not a number: {event.value!r}" if event.value.strip() else "type a number first"
            self.query_one("#question", Label).update(shown(f"{typed}: seconds from 0 to {self.last_s:.3f}, "
                                                             "e.g. 5 or 2.5"))
            return
        self.dismiss(max(0.0, seconds))

    def action_cancel(self) -> None:
        self.dismiss(None)
