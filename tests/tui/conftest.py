import pytest
import textual._wait

from tests.support.replay import replay_factory  # noqa: F401  (the fixture for apps on recordings)
from tests.support.tui import app_factory  # noqa: F401  (the fixture, shared with tests/reliability)

# The pilot decides the app is idle by sleeping in 20 ms steps until a step passes with almost no
# CPU used. In these tests nothing runs between steps (no pacer: the test moves time, and the
# engine's threads wait), so 2 ms steps see the same quiet moment sooner: the TUI suite takes 19 s
# instead of 30. Snapshots are unaffected: they wait on message queues, not on these steps.
textual._wait.SLEEP_GRANULARITY = 0.002
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20


@pytest.fixture(autouse=True)
def _colour_as_designed(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR in the environment would turn every snapshot monochrome (the app reads it at init)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
