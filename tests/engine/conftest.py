import pytest

from tests.support.harness import Harness


@pytest.fixture
def h():
    harness = Harness()
    yield harness
    harness.close()
