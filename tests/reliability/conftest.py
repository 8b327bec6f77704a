import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import textual._wait

from suptui.engine import Runtime

from tests.support import hostile_workers
from tests.support.tui import app_factory  # noqa: F401  (the fixture, shared with tests/tui)

# As in tests/tui/conftest.py: nothing runs between the pilot's idle checks, so shorter steps see the
# same quiet moment sooner.
textual._wait.SLEEP_GRANULARITY = 0.002
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20

TIGHT = {"kill_grace_ms": 10, "zombie_after_ms": 100, "runaway_ms": 100, "max_mailbox": 1000}
"""Runtime limits for hostile workers: a runaway is detached after 100 ms of wall time, a killed
callback is interrupted after 10 ms, a thread stuck in C is a zombie after 100 ms."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "monkey5000: the full 5,000-press monkey run on one tree "
                                       "(slow; run with -m monkey5000)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "monkey5000" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow; run with -m monkey5000")
    for item in items:
        if "monkey5000" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _hostile_state() -> Iterator[None]:
    hostile_workers.reset()
    yield
    hostile_workers.reset()


@pytest.fixture
def tight_runtime(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Every Session (so run_headless and the app's runs too) gets a runtime with tight limits.

    Session does not take these options itself (reported), so its Runtime is swapped here.
    """
    monkeypatch.setattr("suptui.session.Runtime", functools.partial(Runtime, **TIGHT))
    return TIGHT


@pytest.fixture
def suptui_threads() -> Callable[[], set[threading.Thread]]:
    """Threads of ours (``suptui-*``) started since the test began."""
    before = set(threading.enumerate())

    def new() -> set[threading.Thread]:
        return {t for t in set(threading.enumerate()) - before if t.name.startswith("suptui")}

    return new
