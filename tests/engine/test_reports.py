"""Crash reports on the ``suptui.reports`` logger, on by default (a library user sees crashes without
subscribing to anything), off with ``log_reports=False`` or standard logging configuration."""

from __future__ import annotations

import logging

import pytest

from suptui.engine import ChildSpec, CrashEvent, GiveUp, Runtime, Supervisor, SupFlags, VirtualClock

from tests.support.harness import Bomb


def _run(log_reports: bool = True) -> Runtime:
    rt = Runtime(VirtualClock(), log_reports=log_reports)
    flags = SupFlags("one_for_one", 1, 5)
    children = [ChildSpec("b", Bomb, {"bomb_time": 1000})]
    rt.start(Supervisor, {"flags": flags, "children": children}, path="root")
    rt.clock.advance_to(2500)
    return rt


def test_a_crash_and_a_give_up_are_reported_on_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="suptui.reports")
    rt = _run()
    rt.shutdown()
    records = [r for r in caplog.records if r.name == "suptui.reports"]
    crashes = [r for r in records if isinstance(getattr(r, "event", None), CrashEvent)]
    assert [(r.levelname, r.event.t) for r in crashes] == [("ERROR", 1000), ("ERROR", 2000)]
    assert crashes[0].getMessage().startswith("crash report: root/b <0.2.0> crashed: RuntimeError")
    assert "Traceback" in crashes[0].getMessage()  # the worker's own traceback comes with it
    give_up = [r for r in records if isinstance(getattr(r, "event", None), GiveUp)]
    assert [r.levelname for r in give_up] == ["WARNING"]
    assert "reached its restart intensity (2 restarts in 5 s > 1)" in give_up[0].getMessage()
    assert any(r.getMessage().startswith("progress report: root/b") for r in records)  # DEBUG


def test_reports_are_off_with_log_reports_false_or_a_logger_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="suptui.reports")
    _run(log_reports=False).shutdown()
    assert [r for r in caplog.records if r.name == "suptui.reports"] == []
    caplog.clear()
    logging.getLogger("suptui.reports").setLevel(logging.CRITICAL)
    try:
        _run().shutdown()
    finally:
        logging.getLogger("suptui.reports").setLevel(logging.NOTSET)
    assert [r for r in caplog.records if r.name == "suptui.reports"] == []
