"""A stand-in for :mod:`gc` that records what a collector policy (:mod:`suptui.gcpolicy`) asks of it:
the real one is the test process's own."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FakeGc:
    """Records what the policy asks of :mod:`gc` (the real one is the test process's own)."""

    enabled: bool = True
    calls: list[str] = field(default_factory=list)

    def isenabled(self) -> bool:
        return self.enabled

    def enable(self) -> None:
        self.enabled = True
        self.calls.append("enable")

    def disable(self) -> None:
        self.enabled = False
        self.calls.append("disable")

    def freeze(self) -> None:
        self.calls.append("freeze")

    def unfreeze(self) -> None:
        self.calls.append("unfreeze")

    def collect(self, generation: int = 2) -> int:
        self.calls.append("collect")
        return 0

    def get_freeze_count(self) -> int:
        return 1234
