"""Small modal screens: confirm a cascading action, pick one of a few choices, show every key.

The help screen is generated from the same Binding objects as the footer and the command palette, and
its legend from :mod:`suptui.story.glyphs`, the one glyph set every screen draws with.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..engine.specs import RESTART_TYPES
from ..safetext import visible
from ..story import glyphs
from ..story.counts import BUDGET_NOTE
from .bindings import CHOICE_BINDINGS, CONFIRM_BINDINGS, HELP_SCREEN_BINDINGS, HELP_SECTIONS, key_label
from .fieldgrid import FieldGrid
from .once import DismissOnce


def shown(text: str) -> Content:
    """Text for a Textual widget, never parsed as markup.

    Questions and titles name nodes, trees and reasons, which come from tree files and workers: a
    ``str`` handed to a ``Label`` would be parsed as content markup, so ``[@click=app.quit]`` in a
    node's id would become a link that quits the app. ``Content`` is taken as it is; control
    characters are made visible first.
    """
    return Content(visible(text))


class ConfirmScreen(DismissOnce, ModalScreen[bool]):
    """Asks before a cascading action. Cancel has the focus, so Enter alone does nothing harmful."""

    BINDINGS = CONFIRM_BINDINGS

    def __init__(self, question: str, confirm_label: str = "Kill") -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(shown(self.question), id="question")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(shown(f"{self.confirm_label} (y)"), id="confirm", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    help: str = ""


EXIT_REASONS: list[Choice] = [
    Choice("normal", "normal", "ignored unless it traps exits (then it is a message)"),
    Choice("shutdown", "shutdown", "an orderly stop: restarted only if permanent"),
    Choice("shutdown_term", "{shutdown, user}", "an orderly stop with a term: same rule as shutdown"),
    Choice("crash", "crash", "an abnormal reason: restarted unless temporary"),
    Choice("exit", "exit", "the lesson's Process.exit(pid, :exit): abnormal, restarted unless temporary"),
    Choice("kill", "kill", "untrappable, reason killed: restarted unless temporary"),
]
"""What ``x`` offers: exit signals as Erlang's ``exit/2`` sends them, worded as the restart table
reads them (a process that traps exits, every supervisor, gets any but ``kill`` as a message)."""

_RESTART_MEANINGS = ("always restarted", "restarted only after an abnormal exit",
                     "never restarted; forgotten when it ends")
RESTART_CHOICES: list[Choice] = [
    Choice(restart, restart, meaning)
    for restart, meaning in zip(RESTART_TYPES, _RESTART_MEANINGS, strict=True)
]


class ChoiceScreen(DismissOnce, ModalScreen[str | None]):
    """A titled list; Enter picks, Escape cancels (returns None)."""

    BINDINGS = CHOICE_BINDINGS

    def __init__(self, title: str, choices: list[Choice], *, initial: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.initial = initial

    def compose(self) -> ComposeResult:
        labels = [visible(c.label) for c in self.choices]
        width = max((len(label) for label in labels), default=8) + 1
        options = []
        for choice, label in zip(self.choices, labels, strict=True):
            # The help wraps under itself where the dialog is narrower than it (an 80-column terminal
            # cut "ignored unless it traps exits (then it is a me"), the label column kept clear.
            prompt = FieldGrid(min_label=width)
            prompt.add_row(label, Text(visible(choice.help), "dim"))
            options.append(Option(prompt, id=choice.value))
        with Vertical(id="dialog", classes="dialog"):
            yield Label(shown(self.title_text), id="question")
            yield OptionList(*options, id="choices")

    def on_mount(self) -> None:
        option_list = self.query_one("#choices", OptionList)
        option_list.focus()
        values = [c.value for c in self.choices]
        if self.initial in values:
            option_list.highlighted = values.index(self.initial)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(DismissOnce, ModalScreen[None]):
    """Every key, by section, from the binding table itself; a key that is off says why."""

    BINDINGS = HELP_SCREEN_BINDINGS

    def __init__(self, refusals: dict[str, str] | None = None) -> None:
        super().__init__()
        self.refusals = refusals or {}

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Label("suptui keys, then the legend of every glyph   (Esc closes; ctrl+p opens the command "
                        "palette)", id="question")
            with VerticalScroll():
                yield Static(help_table(self.refusals), id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)


def code_text(sentence: str) -> Text:
    """A help sentence with its `code` spans (Markdown's backticks, for the README) drawn bold instead."""
    text = Text()
    for i, part in enumerate(sentence.split("`")):
        text.append(part, "bold not dim" if i % 2 else "")
    return text


def help_table(refusals: dict[str, str] | None = None) -> Group:
    """One titled grid per section, with the same column widths throughout. ``refusals`` (action name →
    why not) marks the keys that are off here, e.g. those that act on a live tree in a replay."""
    refusals = refusals or {}
    key_width = max(len(key_label(b)) for _, bindings in HELP_SECTIONS for b in bindings)
    name_width = max(len(b.description) for _, bindings in HELP_SECTIONS for b in bindings)
    parts: list[Text | Table] = []
    for title, bindings in HELP_SECTIONS:
        parts.append(Text(title, "bold underline"))
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True, min_width=key_width)
        table.add_column(no_wrap=True, min_width=name_width)
        table.add_column(style="dim")
        for binding in bindings:
            reason = refusals.get(binding.action.split("(", 1)[0])
            if reason is None:
                table.add_row(key_label(binding), binding.description, code_text(binding.tooltip))
            else:
                table.add_row(Text(key_label(binding), "strike"), binding.description,
                              Text(f"off: {visible(reason)}", "italic"))
        parts += [table, Text("")]
    parts += [Text("Legend", "bold underline"), legend_table(), Text(""), Text(BUDGET_NOTE, "dim")]
    return Group(*parts)


def legend_table() -> Table:
    """Every glyph the tree, log, lanes, details, compare and predict grid draw, with its meaning,
    generated from :mod:`suptui.story.glyphs` so the legend cannot drift from the screens."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(style="dim")
    for char, meaning in glyphs.legend_rows():
        table.add_row(char, meaning)
    return table
