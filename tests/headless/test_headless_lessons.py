"""The lesson's five timelines (docs/semantics.md §R10 a–e) as ``--format summary`` tells them.

Each expected line is a row of §R10's tables; the default window is t < 20 s.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

BOMBS = """\
- 0 seconds: root starts bomb1, bomb2 and bomb3
- 2 seconds: bomb1 crashes
- 3 seconds: bomb2 crashes
- 4 seconds: bomb1 crashes
- 5 seconds: bomb3 crashes
- 6 seconds: bomb2 crashes; bomb1 crashes; root gives up (6 restarts in 5 s > 5), stopping bomb3 and bomb2
"""

EVERY_TWO_SECONDS = "- 0 seconds: root starts bomb1, bomb2 and bomb3\n" + "".join(
    f"- {t} seconds: bomb1 crashes (bomb2 and bomb3 restarted)\n" for t in range(2, 20, 2))

REORDERED = """\
- 0 seconds: root starts bomb3, bomb1 and bomb2
- 2 seconds: bomb1 crashes (bomb2 restarted)
- 4 seconds: bomb1 crashes (bomb2 restarted)
- 5 seconds: bomb3 crashes (bomb1 and bomb2 restarted)
- 7 seconds: bomb1 crashes (bomb2 restarted)
- 9 seconds: bomb1 crashes (bomb2 restarted)
- 10 seconds: bomb3 crashes (bomb1 and bomb2 restarted)
- 12 seconds: bomb1 crashes (bomb2 restarted)
- 14 seconds: bomb1 crashes (bomb2 restarted)
- 15 seconds: bomb3 crashes (bomb1 and bomb2 restarted)
- 17 seconds: bomb1 crashes (bomb2 restarted)
- 19 seconds: bomb1 crashes (bomb2 restarted)
"""

SUGAR_BOMB = """\
- 0 seconds: root starts Bomb
- 1 second: Bomb crashes
- 2 seconds: Bomb crashes
- 3 seconds: Bomb crashes
- 4 seconds: Bomb crashes; root gives up (4 restarts in 5 s > 3)
"""


@pytest.mark.parametrize(("tree", "expected"), [
    ("bombs", BOMBS),                             # (a) one_for_one 5/5: gives up at 6 s, not 5
    ("bombs_one_for_all", EVERY_TWO_SECONDS),     # (b) bomb1 every 2 s, never gives up
    ("bombs_rest_for_one", EVERY_TWO_SECONDS),    # (c) bomb1 first: "the rest" is everyone
    ("bombs_reordered", REORDERED),               # (d) bomb3 at 5, 10, 15 bounces bomb1 and bomb2
    ("sugar_bomb", SUGAR_BOMB),                   # (e) defaults 3/5: three restarts, dies at 4 s
])
def test_lesson_timeline(headless: Callable[..., str], tree: str, expected: str) -> None:
    assert headless(tree) == expected


def test_one_for_all_goes_on_forever(headless: Callable[..., str]) -> None:
    """§R10 (b): "crashes at 2, 4, …, 20 s (10 in 20 s)": the 20 s crash is in once the window includes it."""
    lines = headless("bombs_one_for_all", until=20_001).splitlines()
    assert len([line for line in lines if "bomb1 crashes" in line]) == 10
    assert lines[-1] == "- 20 seconds: bomb1 crashes (bomb2 and bomb3 restarted)"
    assert not any("gives up" in line for line in lines)


def test_reordered_dies_at_seven_with_default_intensity(headless: Callable[..., str]) -> None:
    """§R10 (d), last sentence: with the default 3/5 the reordered tree dies at t=7 ([7,5,4,2] → 4 > 3)."""
    text = """
        strategy = "rest_for_one"
        [[children]]
        id = "bomb3"
        worker = "bomb"
        args = { bomb_time = 5000 }
        [[children]]
        id = "bomb1"
        worker = "bomb"
        args = { bomb_time = 2000 }
        [[children]]
        id = "bomb2"
        worker = "bomb"
        args = { bomb_time = 3000 }
    """
    assert headless(text).splitlines()[-1] == (
        "- 7 seconds: bomb1 crashes; root gives up (4 restarts in 5 s > 3), stopping bomb2 and bomb3")
