"""Command palette providers, generated from the binding table and the live tree.

The palette offers what makes sense now: a binding appears only if the app says it applies to the
current selection (no "Restart child" on a running node), and every node of the
tree can be jumped to by name.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.actions import parse
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from ..safetext import visible
from .bindings import APP_BINDINGS, key_label

if TYPE_CHECKING:
    from .app import SuptuiApp


def highlighted(matcher: Matcher, title: str) -> Content:
    """``title`` with the query's letters highlighted, never parsed as markup.

    ``Matcher.highlight`` parses its candidate as content markup, and a node's name comes from a
    tree file or a worker: ``Go to [@click=app.quit]`` would become a link. So the same fuzzy match
    is laid over plain ``Content`` here.
    """
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def plain(text: str) -> Content:
    """Help text for a hit: the palette parses a ``str`` as markup, a ``Content`` it shows as is."""
    return Content(visible(text))


class BindingCommands(Provider):
    """One command per app binding that is enabled right now."""

    def _enabled(self) -> list[tuple[str, str, str]]:
        """What applies now; in a replay or the past, also the live-tree keys, saying why they are off
        (choosing one puts the reason in the log)."""
        app = cast("SuptuiApp", self.app)
        refusals = app.refusals()
        commands = []
        for binding in APP_BINDINGS:
            _, name, params = parse(binding.action)
            if app.applicable(name, params):
                commands.append((f"{binding.description}  ({key_label(binding)})", binding.tooltip,
                                 binding.action))
            elif name in refusals:
                commands.append((f"{binding.description}  ({key_label(binding)}) — off",
                                 f"off: {refusals[name]}", binding.action))
        return commands

    def _run(self, action: str) -> Any:
        return self.app.run_action(action)

    async def discover(self) -> Hits:
        for title, help_text, action in self._enabled():
            yield DiscoveryHit(plain(title), partial(self._run, action), text=title,
                               help=plain(help_text))  # type: ignore[arg-type]  # Content works

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._enabled():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlighted(matcher, title), partial(self._run, action), text=title,
                          help=plain(help_text))  # type: ignore[arg-type]


class NodeCommands(Provider):
    """``Go to bomb2``: select any node of the tree by name."""

    async def search(self, query: str) -> Hits:
        app = cast("SuptuiApp", self.app)
        matcher = self.matcher(query)
        model = app.model
        for path in list(model.nodes):
            title = f"Go to {model.display(path)}"  # display() is visible text already
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlighted(matcher, title), partial(app.select_node, path), text=title,
                          help=plain(f"select {path} in the tree"))  # type: ignore[arg-type]


class Palette(CommandPalette):
    """Textual's command palette, safe against a page key typed ahead of its first layout.

    Textual 8.2.8's ``OptionList._move_page`` looks the highlighted option up in a line table that
    is only filled when the list is first rendered; a PageDown that arrives sooner raises KeyError
    and ends the app. Before that first render there is no page to move by, so the key is dropped.
    """

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:
            if action not in ("page_up", "page_down"):
                raise
