"""The five worked timelines of SUPERVISION.md §10, event for event and ms for ms."""

from __future__ import annotations

import pytest
from harness import LESSON, Harness, bombs


@pytest.fixture
def h():
    harness = Harness()
    yield harness
    harness.close()


def test_a_one_for_one_gives_up_at_six_seconds(h: Harness) -> None:
    h.start(bombs(*LESSON), "one_for_one", max_restarts=5, max_seconds=5)
    h.advance_to(10_000)
    assert h.lines(since=1) == [
        "2000 crash root/bomb1 RuntimeError: bomb1 Exploded!",
        "2000 start root/bomb1 restart",
        "3000 crash root/bomb2 RuntimeError: bomb2 Exploded!",
        "3000 start root/bomb2 restart",
        "4000 crash root/bomb1 RuntimeError: bomb1 Exploded!",
        "4000 start root/bomb1 restart",
        "5000 crash root/bomb3 RuntimeError: bomb3 Exploded!",
        "5000 start root/bomb3 restart",
        "6000 crash root/bomb2 RuntimeError: bomb2 Exploded!",
        "6000 start root/bomb2 restart",
        "6000 crash root/bomb1 RuntimeError: bomb1 Exploded!",
        "6000 give_up root",
        "6000 terminate root/bomb3 shutdown",
        "6000 terminate root/bomb2 shutdown",
        "6000 exit root shutdown",
    ]
    give_up = next(e for e in h.events if e.kind == "give_up")
    assert give_up.get("restarts") == [6, 6, 5, 4, 3, 2]
    assert give_up.get("child") == "root/bomb1"
