"""Where trees and workers come from: the tree-file loader, the bundled trees, the built-in workers.

The app takes the loader and the bundled-tree list as parameters (tests pass their own); these are
the real ones.
"""

from __future__ import annotations

from ..engine import Actor
from ..treefile import BundledTree, list_bundled, load_tree
from ..treefile.model import Tree
from ..workers import BUILTIN_WORKERS


def default_loader(source: str) -> Tree:
    """Read a tree file (or a bundled tree by name); raises ``TreeFileError`` with readable lines."""
    return load_tree(source)


def default_bundled() -> list[BundledTree]:
    return list(list_bundled())


def builtin_workers() -> dict[str, type[Actor]]:
    """What ``a`` offers to add."""
    return dict(BUILTIN_WORKERS)


def worker_summary(cls: type) -> str:
    """A worker's one line: its ``summary``, else the first line of its docstring."""
    summary = getattr(cls, "summary", "")
    if isinstance(summary, str) and summary:
        return summary
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""
