"""An opt-in helper for the host program's garbage collector: the engine never touches it itself.

CPython's cyclic collector scans every tracked object in a full collection. A started tree of
100,000 processes is some 700,000 long-lived objects that will never be garbage, so each full pass
(triggered as the heap grows by a quarter) rescans all of them: during a big start-up that is up to
half the time, and in a long-running program a full pass stalls every thread for a moment.

The collector belongs to the program, not to a library, so the engine leaves it alone: it creates
no reference cycles of its own per process (a dead process is freed by reference counting) and
keeps few tracked objects per process. A program that wants more may call
:func:`freeze_long_lived` once its tree has started: CPython's ``gc.freeze`` moves everything alive
now to a permanent generation that full collections skip. ``gc.unfreeze()`` undoes it. See
docs/library.md ("Big trees and the garbage collector").
"""

from __future__ import annotations

import gc


def freeze_long_lived(collect: bool = True) -> int:
    """Move every object alive now out of the collector's full passes; the number frozen.

    Call it from the host program after a big tree has started (and again after a big change, if
    wanted). ``collect`` first frees what is already garbage, so none of it is kept for ever; pass
    ``False`` to skip that collection (it takes a moment on a big heap). Frozen objects are still
    freed by reference counting when the last reference goes; only a cycle among them would stay
    until ``gc.unfreeze()``.
    """
    if collect:
        gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
