"""Process identifiers, shown the way Erlang shows them so OTP users recognise them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Pid:
    """An opaque process id. Numbers are handed out in spawn order, so runs are reproducible."""

    number: int

    def __str__(self) -> str:
        return f"<0.{self.number}.0>"

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True)
class Ref:
    """A unique reference (monitors, timers, calls); numbered so logs are reproducible."""

    number: int

    def __repr__(self) -> str:
        return f"#Ref<{self.number}>"
