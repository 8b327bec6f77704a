"""Keys that reach the predict screen before its grid exists are dropped, not an internal error.

Found by the monkey: the predict screen is pushed when every worker has answered its description, and
a typed-ahead key can land in the moment between the push and the screen's compose.
"""

from __future__ import annotations

from suptui.tui.predictdraft import Draft
from suptui.tui.predictscreen import PredictScreen


def test_grid_actions_before_compose_do_nothing() -> None:
    draft = Draft(rows=[])
    screen = PredictScreen(draft, "Predict")
    assert screen.grid is None
    screen.action_move(1, 0)
    screen.action_mark("crash")
    screen.action_clear()
    screen.action_seconds(1)
    assert draft.marks == {}
