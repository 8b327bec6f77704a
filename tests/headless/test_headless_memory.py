"""What a finished run leaves behind: nothing the cycle collector must find (a 100,000-worker run's
events waited for the interpreter's final collection: 0.14 s at the end of every such command)."""

from __future__ import annotations

import gc
import weakref

from suptui.engine import VirtualClock
from suptui.session import Session
from suptui.treefile import load_tree


def test_a_stopped_session_and_its_recording_are_freed_by_reference_counting_alone() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        session = Session(load_tree("nested"), VirtualClock())
        session.begin()
        session.run_until(6000)
        session.stop()
        assert session.recorder is not None and len(session.recorder.snapshot()) > 10
        recorded = weakref.ref(session.recorder)
        gone = weakref.ref(session)
        del session
        assert gone() is None, "the session is held in a reference cycle"
        assert recorded() is None, "the recording is held in a reference cycle"
    finally:
        if was_enabled:
            gc.enable()
