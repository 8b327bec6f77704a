"""The trees that ship inside the package (``suptui/trees/*.toml``), found by name from anywhere.

They are package data read through importlib.resources, so ``suptui bombs`` works from any folder
after install, not only from a clone (where ``trees/`` links to the same files).
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import NamedTuple

SUFFIX = ".toml"


class BundledTree(NamedTuple):
    """A bundled tree as ``suptui --list`` shows it."""

    name: str
    title: str
    description: str


def trees_dir() -> Traversable:
    return files("suptui") / "trees"


def bundled_names() -> list[str]:
    """Names without ``.toml``, sorted."""
    return sorted(entry.name[: -len(SUFFIX)] for entry in trees_dir().iterdir()
                  if entry.name.endswith(SUFFIX) and entry.is_file())


def find_bundled(name: str) -> Traversable | None:
    """The bundled file for ``bombs`` or ``bombs.toml``, or None."""
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    if not stem or "/" in stem or "\\" in stem or stem not in bundled_names():
        return None
    return trees_dir() / f"{stem}{SUFFIX}"


def list_bundled() -> list[BundledTree]:
    """Every bundled tree with its title and description (from the file; the name if it has none)."""
    out = []
    for name in bundled_names():
        try:
            doc = tomllib.loads((trees_dir() / f"{name}{SUFFIX}").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            doc = {}
        title = doc.get("title")
        description = doc.get("description")
        out.append(BundledTree(name, title if isinstance(title, str) else name,
                               description if isinstance(description, str) else ""))
    return out
