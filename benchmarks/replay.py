"""Replay benchmarks: opening a 1,000,000-event recording in the app's replay model, and seeking in it.

    python benchmarks/run.py --only replay_1m      (or: python benchmarks/replay.py)

The recording is a real run (the bundled ``big`` tree on the virtual clock until it has made a
million events, ~2.7 hours of its time; made once by ``bigrecording.py`` and cached in /tmp).
"Open" is what ``suptui replay`` does after reading the file: ``ReplayRun`` folds every event into
the view-model and takes the checkpoints time travel seeks from. "Seek" is what a time-travel key
does before drawing: the tree at a random moment (nearest checkpoint + the events after it, with
the log's lines either side) and the lanes' timeline of the 10 s before it.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bigrecording import DEFAULT_PATH, ensure_recording  # noqa: E402
from suptui.engine.recording import read_recording  # noqa: E402
from suptui.treefile.skeleton import tree_from_skeleton  # noqa: E402
from suptui.tui.replayrun import ReplayRun  # noqa: E402

SEEKS = 200
SPAN_MS = 10_000
MARGIN_MS = 6_000


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def replay_1m(events: int = 1_000_000, seeks: int = SEEKS, path: Path = DEFAULT_PATH) -> dict[str, float]:
    """Read, open (fold + checkpoints) and seek; times in s and ms, memory in MB of RSS."""
    ensure_recording(path, events)
    base = rss_mb()
    began = time.perf_counter()
    recording = read_recording(path)
    read_s = time.perf_counter() - began
    after_read = rss_mb()
    tree = tree_from_skeleton(recording.header.tree, str(path))
    began = time.perf_counter()
    run = ReplayRun(recording, tree, str(path))
    open_s = time.perf_counter() - began
    after_open = rss_mb()
    history = run.history
    rng = random.Random(1)
    samples = []
    for _ in range(seeks):
        n = rng.randrange(history.first, history.count + 1)
        began = time.perf_counter()
        moment = history.moment(n, lanes_ms=SPAN_MS + MARGIN_MS)
        history.lanes(moment)
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return {"events": len(recording.events), "read_s": read_s, "open_s": open_s,
            "seek_p50_ms": statistics.median(samples), "seek_p99_ms": samples[int(0.99 * (len(samples) - 1))],
            "seek_max_ms": samples[-1], "checkpoints": history.checkpoints, "spacing": history.spacing,
            "rss_events_mb": after_read - base, "rss_checkpoints_mb": after_open - after_read,
            "rss_total_mb": rss_mb()}


if __name__ == "__main__":
    print(json.dumps(replay_1m(), indent=2))
