"""The server's own guarantees, without a browser: a closed tab's app that does not quit is killed."""

from __future__ import annotations

import asyncio

import pytest
from textual_serve.download_manager import DownloadManager

from suptui.web import server


async def _ignore(*_: object) -> None:
    return None


async def test_an_app_that_ignores_quit_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "STOP_GRACE_S", 0.3)
    tab = server._TabApp("exec sleep 60", write_bytes=_ignore, write_str=_ignore, close=_ignore,
                         download_manager=DownloadManager())
    await tab.start(80, 24)
    process = tab._process
    assert process is not None and process.returncode is None
    await asyncio.wait_for(tab.stop(), 5)
    assert process.returncode is not None  # killed: nothing of the run is left
