"""``--projector`` opens the app in projector mode (issue 14 item 10); it is for the app only."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import pytest

from tests.support.cli import Capsys, run


class FakeApp(ModuleType):
    """Stands in for ``suptui.tui.app``: records the keyword arguments ``run_app`` was called with."""

    def __init__(self) -> None:
        super().__init__("suptui.tui.app")
        self.calls: list[dict[str, Any]] = []

    def run_app(self, tree, source, **options: Any) -> int:
        self.calls.append(options)
        return 0


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> FakeApp:
    app = FakeApp()
    monkeypatch.setitem(sys.modules, "suptui.tui.app", app)
    return app


def test_projector_reaches_the_app(capsys: Capsys, fake_app: FakeApp) -> None:
    assert run(capsys, "bombs", "--projector")[0] == 0
    assert run(capsys, "bombs")[0] == 0
    assert [call.get("projector", False) for call in fake_app.calls] == [True, False]


def test_projector_is_refused_with_headless(capsys: Capsys, fake_app: FakeApp) -> None:
    code, out, err = run(capsys, "bombs", "--headless", "--projector")
    assert (code, out) == (2, "")
    assert "--projector is for the app" in err
    assert fake_app.calls == []


def test_help_mentions_projector(capsys: Capsys) -> None:
    assert "--projector" in run(capsys, "--help")[1]
