"""A fresh virtual-clock runtime per test, recording every event."""

from collections.abc import Iterator

import pytest

from tests.support.harness import Harness


@pytest.fixture
def h() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.close()
