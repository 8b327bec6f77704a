"""Attach to a live Python program that serves its tree (``runtime.serve()`` or ``SUPTUI_SERVE=1``).

The client side of issue 16: :func:`open_connection` for one connection, :class:`Attachment` for a
face that reconnects (the app), :mod:`suptui.attach.headless` for ``suptui attach --headless``.
It imports only the engine and the standard library.
"""

from ..engine.wire import Reply
from .client import (
    AttachError,
    Attachment,
    Closed,
    Connected,
    Connection,
    Disconnected,
    Events,
    Hello,
    Reconnecting,
    Requests,
    Resynced,
    Update,
    open_connection,
)

__all__ = ["AttachError", "Attachment", "Closed", "Connected", "Connection", "Disconnected", "Events",
           "Hello", "Reconnecting", "Reply", "Requests", "Resynced", "Update", "open_connection"]
