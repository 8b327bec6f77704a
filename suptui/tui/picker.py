"""The tree picker (``suptui`` with no tree, or ``o``) and the current tree's notes (``N``).

The picker lists the bundled trees in lesson order (:data:`suptui.treefile.bundled.LESSON_ORDER`), each
with its title and full description (wrapped, never cut), and beside the highlighted one its notes: the
comment its file opens with ("what it shows, what to try"). Every text here comes from files, so it is
shown with :func:`suptui.safetext.visible` as plain text, never parsed as markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ..safetext import visible
from .bindings import NOTES_BINDINGS
from .dialogs import Choice, ChoiceScreen, shown
from .once import DismissOnce

NO_NOTES = "(this tree's file has no notes: notes are the comment a tree file opens with)"


def entry_choice(entry: Any) -> Choice:
    """A bundled tree (or anything with a name) as a picker choice: the title, then the description."""
    name = getattr(entry, "name", str(entry))
    title = getattr(entry, "title", "") or ""
    description = getattr(entry, "description", "") or ""
    parts = (title if title != name else "", description)
    return Choice(name, name, "\n".join(part for part in parts if part))


def lines_visible(text: str) -> str:
    """Each line with its control characters made visible; the line breaks kept."""
    return "\n".join(visible(line) for line in text.splitlines())


def notes_text(notes: str) -> Text:
    """Notes as plain text (control characters made visible), never as markup, reflowed for the pane
    (see :func:`reflowed`)."""
    return Text(reflowed(notes) if notes.strip() else NO_NOTES, no_wrap=False)


def reflowed(notes: str) -> str:
    """A tree file's comment as the pane can wrap it: its prose paragraphs become one line each (the
    file wraps them at its own width, and wrapped again at the pane's they broke into ragged halves),
    a line starting with "- " begins an item of its own, and a paragraph with indented lines (a
    drawing of the tree, a table) keeps its lines as written."""
    paragraphs: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", notes.strip("\n")):
        lines = paragraph.splitlines()
        if any(line[:1].isspace() for line in lines):
            paragraphs.append("\n".join(visible(line.rstrip()) for line in lines))
            continue
        items: list[str] = []
        for line in lines:
            if items and not line.startswith(("- ", "* ")):
                items[-1] = f"{items[-1]} {line.strip()}"
            else:
                items.append(line.strip())
        paragraphs.append("\n".join(visible(item) for item in items))
    return "\n\n".join(paragraphs)


class PickerScreen(ChoiceScreen):
    """Which tree to open: the trees in lesson order on the left, the highlighted one's notes on the right.

    Enter picks (the name), Escape returns None: the app goes back to the open tree, or quits if none is
    open.
    """

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen #picker {
        width: 100%; max-width: 150; height: 100%; max-height: 44;
        padding: 0 1; border: thick $accent; background: $panel;
    }
    PickerScreen #picker-title { text-style: bold; margin-bottom: 1; }
    PickerScreen #picker-body { height: 1fr; }
    PickerScreen #picker-notes-pane { width: 3fr; height: 100%; padding: 0 1; border-left: solid $accent; }
    """

    def __init__(self, title: str, entries: Sequence[Any], *, initial: str | None = None,
                 back: bool = False) -> None:
        super().__init__(title, [entry_choice(entry) for entry in entries], initial=initial)
        self.notes = {getattr(entry, "name", str(entry)): getattr(entry, "notes", "") or ""
                      for entry in entries}
        self.back = back

    def compose(self) -> ComposeResult:
        options = []
        for choice in self.choices:
            prompt = Text(visible(choice.label), "bold")
            if choice.help:
                prompt.append("\n")
                prompt.append(lines_visible(choice.help), "dim")
            options.append(Option(prompt, id=choice.value))
        hint = "Esc goes back to the open tree" if self.back else "Esc quits"
        with Vertical(id="picker"):
            title = f"{self.title_text}   (in lesson order; Enter opens; {hint})"
            yield Label(shown(title), id="picker-title")
            with Horizontal(id="picker-body"):
                yield OptionList(*options, id="choices")
                with VerticalScroll(id="picker-notes-pane"):
                    yield Static(notes_text(""), id="picker-notes")

    def on_mount(self) -> None:
        option_list = self.query_one("#choices", OptionList)
        option_list.styles.width = "2fr"  # inline: the app's #choices rule is for the small lists
        option_list.styles.height = "100%"
        option_list.styles.max_height = None
        option_list.focus()
        values = [c.value for c in self.choices]
        option_list.highlighted = values.index(self.initial) if self.initial in values else 0
        self.show_notes(values[option_list.highlighted] if values else None)

    def show_notes(self, name: str | None) -> None:
        notes = self.notes.get(name, "") if name is not None else ""
        self.query_one("#picker-notes", Static).update(notes_text(notes))
        self.query_one("#picker-notes-pane", VerticalScroll).scroll_home(animate=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_notes(event.option.id)


class NotesScreen(DismissOnce, ModalScreen[None]):
    """The current tree's notes, as its file writes them (Esc, N or q closes)."""

    BINDINGS = NOTES_BINDINGS

    DEFAULT_CSS = """
    NotesScreen { align: center middle; }
    NotesScreen #notes {
        width: 100%; max-width: 104; height: auto; max-height: 90%;
        padding: 1 2; border: thick $accent; background: $panel;
    }
    NotesScreen #notes-title { text-style: bold; margin-bottom: 1; }
    NotesScreen VerticalScroll { height: auto; }
    """

    def __init__(self, source: str, notes: str) -> None:
        super().__init__()
        self.source = source
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(id="notes"):
            yield Label(shown(f"Notes: {self.source}   (Esc closes; o opens another tree)"), id="notes-title")
            with VerticalScroll():
                yield Static(notes_text(self.notes), id="notes-text")

    def action_close(self) -> None:
        self.dismiss(None)
