"""The trees that ship inside the package (``suptui/trees/*.toml``), found by name from anywhere.

They are package data read through importlib.resources, so ``suptui bombs`` works from any folder
after install, not only from a clone (where ``trees/`` links to the same files).
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import NamedTuple

SUFFIX = ".toml"

LESSON_ORDER = (
    "workers", "bombs", "bombs_one_for_all", "bombs_rest_for_one", "bombs_reordered", "sugar_bomb",
    "sugar_children", "four_bombs", "transient", "ignore_shutdown", "shutdown", "failed_start", "dynamic",
    "nested", "big",
)
"""The order the picker and ``suptui --list`` show the trees in: the lesson's examples as it meets them
(plain workers, the three bombs under each strategy, the tuple sugar, the exercise), then the trees that go
beyond it, the 1,020-worker ``big`` last. A tree not named here comes just before ``big``."""

NOTES_BYTES = 64 * 1024
"""How much of a tree file is read for its notes (the comment block opens the file)."""


class BundledTree(NamedTuple):
    """A bundled tree as ``suptui --list`` and the picker show it; ``notes`` is its opening comment."""

    name: str
    title: str
    description: str
    notes: str = ""


def tree_notes(text: str) -> str:
    """The comment block a tree file opens with ("what it shows, what to try"), without the ``#``s.

    Plain text: the app shows it through :func:`suptui.safetext.visible`, never as markup.
    """
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped or lines:
                break
            continue
        body = stripped[1:]
        lines.append(body[1:] if body.startswith(" ") else body)
    return "\n".join(lines).strip("\n")


def notes_for(source: str | None) -> str:
    """The notes of the tree ``source`` names (a file, which wins as in ``load_tree``, or a bundled
    name); empty if there are none or it cannot be read."""
    if not source:
        return ""
    try:
        path = Path(source)
        if path.is_file():
            with path.open("rb") as handle:
                return tree_notes(handle.read(NOTES_BYTES).decode("utf-8", "replace"))
        bundled = find_bundled(source)
        if bundled is None:
            return ""
        return tree_notes(bundled.read_text(encoding="utf-8")[:NOTES_BYTES])
    except (OSError, ValueError):
        return ""


def _lesson_rank(name: str) -> tuple[int, str]:
    if name in LESSON_ORDER:
        rank = LESSON_ORDER.index(name)
        return (rank if name != "big" else len(LESSON_ORDER) + 1, name)
    return (len(LESSON_ORDER), name)


def trees_dir() -> Traversable:
    return files("suptui") / "trees"


def bundled_names() -> list[str]:
    """Names without ``.toml``, in lesson order (:data:`LESSON_ORDER`)."""
    return sorted((entry.name[: -len(SUFFIX)] for entry in trees_dir().iterdir()
                   if entry.name.endswith(SUFFIX) and entry.is_file()), key=_lesson_rank)


def find_bundled(name: str) -> Traversable | None:
    """The bundled file for ``bombs`` or ``bombs.toml``, or None."""
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    if not stem or "/" in stem or "\\" in stem or stem not in bundled_names():
        return None
    return trees_dir() / f"{stem}{SUFFIX}"


def list_bundled() -> list[BundledTree]:
    """Every bundled tree, in lesson order, with its title and description (from the file; the name if it
    has none) and its notes (the opening comment)."""
    out = []
    for name in bundled_names():
        try:
            text = (trees_dir() / f"{name}{SUFFIX}").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            doc = {}
        title = doc.get("title")
        description = doc.get("description")
        out.append(BundledTree(name, title if isinstance(title, str) else name,
                               description if isinstance(description, str) else "", tree_notes(text)))
    return out
