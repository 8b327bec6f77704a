"""Tree paths (``root/workers/w1``): the one place that says what a path's parent, leaf and ancestors are.

A path is its node's ids from the root down, joined by ``/``. The root's path is its own id and has
no parent: :func:`parent` says ``None`` for it, never the root itself, so no caller can mistake the
root for its own supervisor. Nothing here imports the engine or the UI: every face can use it.
"""

from __future__ import annotations

from functools import lru_cache

SEP = "/"


def is_root(path: str) -> bool:
    """True for a path with no supervisor above it."""
    return SEP not in path


def parent(path: str) -> str | None:
    """``root/a/b`` → ``root/a``; the root → ``None``."""
    return path.rsplit(SEP, 1)[0] if SEP in path else None


def leaf(path: str) -> str:
    """``root/a/b`` → ``b``: the node's own id."""
    return path.rsplit(SEP, 1)[-1]


def ancestors(path: str) -> tuple[str, ...]:
    """Every supervisor above ``path``, the root first: ``root/a/b`` → ``("root", "root/a")``.

    Kept per supervisor (a run's story asks it for each of a supervisor's 100,000 children)."""
    above = parent(path)
    return () if above is None else _lineage(above)


@lru_cache(maxsize=4096)
def _lineage(path: str) -> tuple[str, ...]:
    """``path`` and every supervisor above it, the root first."""
    parts = path.split(SEP)
    return tuple(SEP.join(parts[:i]) for i in range(1, len(parts) + 1))


def is_below(path: str, under: str) -> bool:
    """True when ``path`` lies strictly below ``under``."""
    return path.startswith(under + SEP)


def relative(path: str, under: str | None = None) -> str:
    """``path`` as the lesson names it: relative to ``under`` if it lies below it, else relative to
    the root (the root itself keeps its id): ``root/web/h1`` → ``web/h1``, or ``h1`` under ``root/web``."""
    if under is not None and is_below(path, under):
        return path[len(under) + 1:]
    return path.split(SEP, 1)[1] if SEP in path else path
