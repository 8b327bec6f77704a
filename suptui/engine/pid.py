"""Process identifiers, shown the way Erlang shows them so OTP users recognise them.

Both are ints underneath: the engine looks pids and refs up in dicts and sets several times for
every message, link, monitor and death, and an int subclass hashes in C where a dataclass's
``__hash__`` builds a tuple in Python on every lookup (a twentieth of a restart). They are still
their own kind of value: a pid equals only a pid with the same number (never a plain int or a ref),
is always true (even ``<0.0.0>``, the outside world) and prints as Erlang prints it.
"""

from __future__ import annotations

from typing import Any


class Pid(int):
    """An opaque process id. Numbers are handed out in spawn order, so runs are reproducible."""

    __slots__ = ()

    @property
    def number(self) -> int:
        return int(self)

    def __eq__(self, other: object) -> bool:
        return type(other) is Pid and int.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not (type(other) is Pid and int.__eq__(self, other))

    __hash__ = int.__hash__

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return f"<0.{int(self)}.0>"

    def __repr__(self) -> str:
        return f"<0.{int(self)}.0>"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Pid, (int(self),))


class Ref(int):
    """A unique reference (monitors, timers, calls); numbered so logs are reproducible."""

    __slots__ = ()

    @property
    def number(self) -> int:
        return int(self)

    def __eq__(self, other: object) -> bool:
        return type(other) is Ref and int.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not (type(other) is Ref and int.__eq__(self, other))

    __hash__ = int.__hash__

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return f"#Ref<{int(self)}>"

    def __repr__(self) -> str:
        return f"#Ref<{int(self)}>"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Ref, (int(self),))
