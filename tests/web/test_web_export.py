"""Exports in a browser: written to a private temporary file and handed to ``App.deliver_binary``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from suptui.tui.export import send_to_browser


class _App:
    def __init__(self) -> None:
        self.delivered: list[tuple[Any, dict[str, Any]]] = []

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return callback(*args, **kwargs)

    def deliver_binary(self, handle: Any, **kwargs: Any) -> None:
        self.delivered.append((handle, kwargs))


def test_an_svg_becomes_a_download_and_no_file_is_left() -> None:
    app = _App()
    written: list[Path] = []

    def write(path: Path) -> int:
        written.append(path)
        path.write_text("<svg>·</svg>", encoding="utf-8")
        return 7

    assert send_to_browser(app, "bombs-20260101-120000.svg", write) == 7  # type: ignore[arg-type]
    [(handle, kwargs)] = app.delivered
    assert kwargs == {"save_filename": "bombs-20260101-120000.svg", "mime_type": "image/svg+xml"}
    assert handle.read() == "<svg>·</svg>".encode()
    handle.close()
    assert not written[0].exists() and not written[0].parent.exists()


def test_a_recording_is_ndjson() -> None:
    app = _App()
    send_to_browser(app, "bombs.jsonl", lambda path: path.write_bytes(b"{}\n"))  # type: ignore[arg-type]
    [(handle, kwargs)] = app.delivered
    assert kwargs["mime_type"] == "application/x-ndjson"
    handle.close()
