"""The event protocol: one frozen, typed record per kind of fact the engine reports.

Every face (headless printer, app, replay, attach) reads these records, and each record carries
what it means: a crash that was a kill says who killed it (``killed_by``); the stops and starts of one
restart decision share its ``decision`` number; a terminate says how the shutdown ended (``how``).
That is decided once, here in the engine where the event is made, never re-derived by a reader.

The wire form (``to_json``/``from_json``, and :mod:`suptui.engine.recording` for whole runs) is one
JSON object per event: ``t``, ``event``, ``path``, ``pid`` first, then the kind's own fields in a
fixed order; a field whose value is ``None`` is left out. ``docs/protocol.md`` describes every kind
and field; ``docs/protocol.schema.json`` is the same as a JSON Schema.
"""

from __future__ import annotations

import dataclasses
import json
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeAlias

from .intensity import Window

PROTOCOL_VERSION = 1
"""Bumped by any change a reader of the previous version would misread or refuse: a kind or field
added, removed or changed in meaning (readers refuse fields they do not know, so even a new optional
field bumps it). See docs/protocol.md."""

ChildType: TypeAlias = Literal["worker", "supervisor"]
Strategy: TypeAlias = str
"""``one_for_one`` | ``one_for_all`` | ``rest_for_one`` (a str: a recording may name a newer one)."""
Stamps: TypeAlias = tuple[int, ...] | Window
"""A supervisor's restart window: the whole-second stamps of its recent restarts, newest first.

Events the engine makes carry a :class:`~suptui.engine.intensity.Window` (counts per second, which
reads, compares and hashes as the tuple of stamps without building it: a supervisor that never gives
up may hold thousands); events read from the wire carry the tuple. Either way a reader sees a
sequence of ints, newest first, and the wire form is the list."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """What every event has: its place in the stream, its time, and whose it is.

    ``seq`` numbers events from 1 in stream order (not on the wire: it is the line's place).
    ``t`` is integer milliseconds on the run's clock. ``path`` names the process in the tree
    (``root/workers/w1``); ``pid`` is its pid as text (``<0.5.0>``).
    """

    kind: ClassVar[str] = ""
    seq: int
    t: int
    path: str
    pid: str

    # -- the wire view: events as their JSON form, for generic tools and tests that compare
    #    recordings. The faces never read events this way: they dispatch on the type and read its
    #    typed attributes, so that what an event means is decided once, where it is made.

    def get(self, key: str, default: Any = None) -> Any:
        """The field named ``key`` as the wire spells it (``None`` counts as absent; tuples are lists)."""
        if key in _COMMON:
            return default
        value = getattr(self, "child_type" if key == "type" else key, None)
        if value is None:
            return default
        return list(value) if isinstance(value, (tuple, Window)) else value

    @property
    def data(self) -> dict[str, Any]:
        """The kind's own fields, as on the wire (wire names, ``None`` left out, tuples as lists)."""
        out: dict[str, Any] = {}
        for item in _fields(type(self)):
            value = getattr(self, item.name)
            if value is not None:
                out[item.metadata.get("wire", item.name)] = (
                    list(value) if isinstance(value, (tuple, Window)) else value)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The wire object: ``t``, ``event``, ``path``, ``pid``, then the kind's own fields."""
        return {"t": self.t, "event": self.kind, "path": self.path, "pid": self.pid, **self.data}

    def to_json(self) -> str:
        """One line of the wire form (no newline). ASCII only, so any text survives any pipe."""
        return json.dumps(self.to_dict(), ensure_ascii=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class Start(Event):
    """A process finished its ``init`` and runs.

    ``restart`` is true for any start of a path that was started before in this run. A start that a
    restart decision made carries that decision: ``cause`` (the child whose exit set it off),
    ``by_strategy``, the window's ``stamps`` after it, and ``decision`` (shared with the terminates of
    the same group restart). ``why = "api"``: started by ``start_child``/``restart_child``.
    A supervisor's start carries its flags (``strategy``, ``max_restarts``, ``max_seconds``).
    """

    kind: ClassVar[str] = "start"
    restart: bool = False
    why: str | None = None
    cause: str | None = None
    by_strategy: Strategy | None = None
    stamps: Stamps | None = None
    decision: int | None = None
    child_type: ChildType | None = field(default=None, metadata={"wire": "type"})  # (a builtin's name)
    actor: str | None = None
    strategy: Strategy | None = None
    max_restarts: int | None = None
    max_seconds: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Ended(Event):
    """A process ended by itself or by a signal (not stopped by its supervisor: see ``Terminate``).

    ``reason`` is the exit reason as text. ``phase`` is ``init`` when it failed its (re)start (then
    the start's decision fields are copied here) and ``ignore`` when its init returned ignore.
    ``killed_by`` names who asked for the kill (``user``, ``script``) when this end is the result of
    a ``kill`` event just before it: the two are one death.
    """

    reason: str
    phase: str | None = None
    traceback: str | None = None
    killed_by: str | None = None
    restart: bool | None = None
    why: str | None = None
    cause: str | None = None
    by_strategy: Strategy | None = None
    stamps: Stamps | None = None
    decision: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Crash(Ended):
    """An abnormal end: an exception, ``killed``, or any reason but normal/shutdown/{shutdown, _}."""

    kind: ClassVar[str] = "crash"


@dataclass(frozen=True, slots=True, kw_only=True)
class Exit(Ended):
    """An orderly end: ``normal``, ``shutdown`` or ``{shutdown, term}``."""

    kind: ClassVar[str] = "exit"


@dataclass(frozen=True, slots=True, kw_only=True)
class Terminate(Event):
    """A supervisor stopped this child (the shutdown protocol ran).

    ``why``: ``strategy`` (a group restart: ``cause``, ``by_strategy`` and ``decision`` say which),
    ``shutdown`` (the supervisor itself is stopping) or ``api`` (``terminate_child``). ``how`` the
    stop ended: ``in_time`` (it ended within its shutdown time, or by itself first), ``timeout``
    (killed when its shutdown time ran out), ``brutal_kill``, or ``infinity`` (waited for as long as it
    took). ``shutdown_error``: it did not end with the expected reason (OTP reports it).
    """

    kind: ClassVar[str] = "terminate"
    reason: str
    why: str
    how: str | None = None
    cause: str | None = None
    by_strategy: Strategy | None = None
    decision: int | None = None
    shutdown_error: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GiveUp(Event):
    """A supervisor reached its restart intensity and stops (its children are terminated after).

    ``child`` is the child whose exit tipped it over; ``restarts`` is the window that was too full.
    """

    kind: ClassVar[str] = "give_up"
    child: str
    reason: str = "reached_max_restart_intensity"
    restarts: Stamps = ()
    max_restarts: int = 0
    max_seconds: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class StrategyChanged(Event):
    """Not OTP: the playground switched a supervisor's strategy; it applies from the next failure."""

    kind: ClassVar[str] = "strategy"
    strategy: Strategy
    previous: Strategy


@dataclass(frozen=True, slots=True, kw_only=True)
class Kill(Event):
    """Someone outside the tree killed this process (``by``: ``user``, ``script``). Its ``crash``
    (reason ``killed``, ``killed_by`` set) follows at once."""

    kind: ClassVar[str] = "kill"
    by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Zombie(Event):
    """A dead process's thread could not be stopped (stuck in C) and was abandoned."""

    kind: ClassVar[str] = "zombie"
    thread: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Fault(Event):
    """A worker's fault outside any callback (an exception in a thread it started, or in a
    ``__del__``). Nothing died. ``path``/``pid`` are empty when no process could be blamed."""

    kind: ClassVar[str] = "fault"
    what: str
    reason: str
    traceback: str | None = None


KINDS: dict[str, type[Event]] = {cls.kind: cls for cls in (
    Start, Crash, Exit, Terminate, GiveUp, StrategyChanged, Kill, Zombie, Fault)}
"""Every kind, by its wire name."""

EVENT_KINDS: tuple[str, ...] = tuple(KINDS)


_COMMON = frozenset(("seq", "t", "path", "pid", "kind"))
"""Not fields of a kind: ``get`` answers only for a kind's own fields, as the wire's data did."""

_FIELDS_CACHE: dict[type[Event], tuple[dataclasses.Field[Any], ...]] = {}


def _fields(cls: type[Event]) -> tuple[dataclasses.Field[Any], ...]:
    """The kind's own fields (not the common four), in declaration order."""
    found = _FIELDS_CACHE.get(cls)
    if found is None:
        found = tuple(f for f in dataclasses.fields(cls) if f.name not in ("seq", "t", "path", "pid"))
        _FIELDS_CACHE[cls] = found
    return found


Maker = Callable[..., Event]
_MAKERS: dict[type[Event], Maker] = {}


def maker(cls: type[Event]) -> Maker:
    """A constructor for ``cls`` that the engine calls for every event it emits:
    ``maker(cls)(seq, t, path, pid, **fields)`` makes the same event as ``cls(seq=..., ...)``.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; this one,
    made once per kind, sets each slot through its own descriptor, a third less work for a
    ``start`` (16 fields), which a restart makes one of and a big tree's start 100,000. A kind with
    a ``__post_init__`` gets its own ``__init__``.
    """
    found = _MAKERS.get(cls)
    if found is not None:
        return found
    slotted = all(isinstance(getattr(cls, item.name, None), types.MemberDescriptorType)
                  for item in dataclasses.fields(cls))
    if hasattr(cls, "__post_init__") or not slotted:
        def found(seq: int, t: int, path: str, pid: str, **fields: Any) -> Event:
            return cls(seq=seq, t=t, path=path, pid=pid, **fields)
    else:
        names: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
        params, body = [], []
        for item in dataclasses.fields(cls):
            names[f"_set_{item.name}"] = getattr(cls, item.name).__set__
            if item.name in ("seq", "t", "path", "pid"):
                body.append(f"    _set_{item.name}(event, {item.name})")
                continue
            if item.default is dataclasses.MISSING:
                params.append(item.name)
            else:
                names[f"_default_{item.name}"] = item.default
                params.append(f"{item.name}=_default_{item.name}")
            body.append(f"    _set_{item.name}(event, {item.name})")
        source = (f"def make(seq, t, path, pid, *, {', '.join(params)}):\n    event = _new(_cls)\n"
                  + "\n".join(body) + "\n    return event\n")
        exec(source, names)  # (source made above from the dataclass's own field names)
        found = names["make"]
    _MAKERS[cls] = found
    return found


class ProtocolError(ValueError):
    """A wire object is not an event of this protocol; the message says what was expected."""


def from_dict(obj: Mapping[str, Any], seq: int) -> Event:
    """The event a wire object describes; raises :class:`ProtocolError` naming what is wrong.

    Hot when a long recording is opened (a million events), so each kind's fields are checked by a
    plan made once (:func:`_plan`): exact type tests, and unknown fields found by counting.
    """
    if not isinstance(obj, dict):
        if not isinstance(obj, Mapping):
            raise ProtocolError(f"expected a JSON object, got {type(obj).__name__}")
        obj = dict(obj)
    kind: Any = obj.get("event")  # (a wire value: known to be text once ``cls`` is found)
    cls = KINDS.get(kind) if type(kind) is str else None
    if cls is None:
        raise ProtocolError(f"unknown event kind {kind!r} (expected one of {', '.join(KINDS)})")
    t, path, pid = obj.get("t"), obj.get("path"), obj.get("pid")
    if type(t) is not int or type(path) is not str or type(pid) is not str:
        _common_problem(kind, t, path, pid)
    values: dict[str, Any] = {"seq": seq, "t": t, "path": path, "pid": pid}
    seen = 4
    for attr, wire, check, required in _plan(cls):
        value = obj.get(wire)
        if value is None:
            if required:
                raise ProtocolError(f"{kind}: missing field {wire!r}")
            if wire in obj:
                seen += 1
            continue
        seen += 1
        values[attr] = check(kind, wire, value)
    if seen != len(obj):
        known = {"t", "event", "path", "pid", *(wire for _attr, wire, _check, _req in _plan(cls))}
        raise ProtocolError(f"{kind}: unknown field {sorted(set(obj) - known)[0]!r}")
    return cls(**values)


def _common_problem(kind: str, t: Any, path: Any, pid: Any) -> None:
    for name, value, words, expected in (("t", t, "a whole number", int), ("path", path, "text", str),
                                         ("pid", pid, "text", str)):
        if type(value) is not expected:
            raise ProtocolError(f"{kind}: field {name!r} must be {words}, got {value!r}")


Check = Callable[[str, str, Any], Any]
_PLANS: dict[type[Event], tuple[tuple[str, str, Check, bool], ...]] = {}


def _plan(cls: type[Event]) -> tuple[tuple[str, str, Check, bool], ...]:
    """For each field of the kind: its attribute, its wire name, its check, and whether it is required."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = tuple((item.name, item.metadata.get("wire", item.name), _checker(str(item.type)),
                      item.default is dataclasses.MISSING) for item in _fields(cls))
        _PLANS[cls] = plan
    return plan


def _checker(annotation: str) -> Check:
    """The check for a field, from its annotation as written in this module."""
    if "Stamps" in annotation:
        return _stamps
    if annotation.startswith("bool"):
        return _bool
    if annotation.startswith("int"):
        return _int
    if annotation.startswith("ChildType"):
        return _child_type
    return _str


def _str(kind: str, name: str, value: Any) -> Any:
    if type(value) is not str:
        raise ProtocolError(f"{kind}: field {name!r} must be text, got {value!r}")
    return value


def _int(kind: str, name: str, value: Any) -> Any:
    if type(value) is not int:
        raise ProtocolError(f"{kind}: field {name!r} must be a whole number, got {value!r}")
    return value


def _bool(kind: str, name: str, value: Any) -> Any:
    if type(value) is not bool:
        raise ProtocolError(f"{kind}: field {name!r} must be true or false, got {value!r}")
    return value


def _child_type(kind: str, name: str, value: Any) -> Any:
    if value != "worker" and value != "supervisor":
        raise ProtocolError(f'{kind}: field {name!r} must be "worker" or "supervisor", got {value!r}')
    return value


def _stamps(kind: str, name: str, value: Any) -> Any:
    if type(value) is not list or not all(type(v) is int for v in value):
        raise ProtocolError(f"{kind}: field {name!r} must be a list of whole numbers, got {value!r}")
    return tuple(value)


def from_json(line: str, seq: int) -> Event:
    """One wire line (see :func:`from_dict`)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    return from_dict(obj, seq)
