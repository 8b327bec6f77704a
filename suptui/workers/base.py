"""The base of the built-in workers: declared arguments, so tree files can be checked before a run.

A worker's ``ARGS`` says, for each keyword its constructor takes, the type, the default and a line of
help. The tree-file loader validates ``args = {...}`` against it (unknown names, wrong types, bounds)
and the app lists it in the details pane; the constructor fills in the defaults, so a worker started
straight from a ``ChildSpec`` behaves the same as one started from a file.

Every built-in worker also takes ``ignore`` (and ``ignore_from``): its ``init`` then returns OTP's
``ignore``, so a tree can show what a supervisor does with a child that declines to start (R2.3): a
static supervisor keeps the spec, not running; a temporary child and any child of a dynamic
supervisor are forgotten.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from ..engine import IGNORE, Actor


class Arg(NamedTuple):
    """One declared argument: ``(type, default, help)``, plus optional numeric bounds."""

    type: type
    default: Any
    help: str
    min: float | None = None
    max: float | None = None


NAME_ARG = Arg(str, None, "shown in the app and in the worker's messages (default: the node's id)")

IGNORE_ARGS: dict[str, Arg] = {
    "ignore": Arg(bool, False, "init returns ignore (OTP's :ignore): the supervisor does not run this child"),
    "ignore_from": Arg(int, 0, "with ignore: only starts that begin at or after this time (ms) are ignored, "
                               "so a child can start, fail, and ignore its restart", min=0),
}
"""Declared by every built-in worker, after its own args."""


class Worker(Actor):
    """An actor whose constructor takes exactly its declared ``ARGS`` (plus ``name``), as keywords.

    Callbacks run on a scheduler thread; ``describe_state`` may run on any thread, so it only reads
    plain attributes.
    """

    ARGS: ClassVar[dict[str, Arg]] = {}
    _defaults: ClassVar[dict[str, Any] | None] = None
    """Each declared argument's default, by name: made once per class, at its first construction."""
    summary: ClassVar[str] = ""
    """One line for the app's details pane: what this worker does, in words."""

    name: str | None
    ignore: bool
    ignore_from: int

    def __init__(self, **args: Any) -> None:
        cls = type(self)
        defaults = cls.__dict__.get("_defaults")
        if defaults is None:  # (once per class: a big tree constructs 100,000 of them)
            defaults = {key: arg.default for key, arg in cls.declared_args().items()}
            cls._defaults = defaults
        if args:
            unknown = sorted(set(args) - set(defaults))
            if unknown:
                raise TypeError(f"{cls.__name__} got unknown argument(s): {', '.join(unknown)}")
        for key, default in defaults.items():  # (setattr, not __dict__.update: that would give each
            setattr(self, key, args.get(key, default))  # instance a dict of its own, +200 bytes)

    @classmethod
    def declared_args(cls) -> dict[str, Arg]:
        """Every argument the worker takes, ``name`` first, ``ignore`` and ``ignore_from`` last."""
        return {"name": NAME_ARG, **cls.ARGS, **IGNORE_ARGS}

    def ignores_start(self) -> bool:
        """Whether this start declines (``ignore``): checked first thing in every built-in ``init``."""
        return self.ignore and self.now_ms() >= self.ignore_from

    def init(self) -> Any:
        """A worker with nothing to set up still honours ``ignore``."""
        return IGNORE if self.ignores_start() else None

    @property
    def label(self) -> str:
        """The name to show: the ``name`` arg, else the last part of the path (the node's id)."""
        if self.name is not None:
            return self.name
        return self.path.rsplit("/", 1)[-1]
