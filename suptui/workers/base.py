"""The base of the built-in workers: declared arguments, so tree files can be checked before a run.

A worker's ``ARGS`` says, for each keyword its constructor takes, the type, the default and a line of
help. The tree-file loader validates ``args = {...}`` against it (unknown names, wrong types, bounds)
and the app lists it in the details pane; the constructor fills in the defaults, so a worker started
straight from a ``ChildSpec`` behaves the same as one started from a file.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from ..engine import Actor


class Arg(NamedTuple):
    """One declared argument: ``(type, default, help)``, plus optional numeric bounds."""

    type: type
    default: Any
    help: str
    min: float | None = None
    max: float | None = None


NAME_ARG = Arg(str, None, "shown in the app and in the worker's messages (default: the node's id)")


class Worker(Actor):
    """An actor whose constructor takes exactly its declared ``ARGS`` (plus ``name``), as keywords.

    Callbacks run on a scheduler thread; ``describe_state`` may run on any thread, so it only reads
    plain attributes.
    """

    ARGS: ClassVar[dict[str, Arg]] = {}
    summary: ClassVar[str] = ""
    """One line for the app's details pane: what this worker does, in words."""

    name: str | None

    def __init__(self, **args: Any) -> None:
        declared = self.declared_args()
        unknown = sorted(set(args) - set(declared))
        if unknown:
            raise TypeError(f"{type(self).__name__} got unknown argument(s): {', '.join(unknown)}")
        for key, arg in declared.items():
            setattr(self, key, args.get(key, arg.default))

    @classmethod
    def declared_args(cls) -> dict[str, Arg]:
        """Every argument the worker takes, ``name`` first."""
        return {"name": NAME_ARG, **cls.ARGS}

    @property
    def label(self) -> str:
        """The name to show: the ``name`` arg, else the last part of the path (the node's id)."""
        if self.name is not None:
            return self.name
        return self.path.rsplit("/", 1)[-1]
