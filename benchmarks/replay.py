"""Replay benchmarks: opening a 1,000,000-event recording in the app, and seeking in it.

    python benchmarks/run.py --only replay_1m      (or: python benchmarks/replay.py)

The recording is a real run (the bundled ``big`` tree on the virtual clock until it has made a
million events, ~2.7 hours of its time; made once by ``bigrecording.py`` and cached in /tmp).
"First screen" is what ``suptui replay`` does before the app shows: read the header, start the
loader thread, wait for its first chunk, and run the app (headless, ``run_test``) until it has
drawn. "Loaded" is until the loader has read and folded the whole file and the app has taken it
(the app drawing meanwhile, as it does on a terminal). "Seek" is what a time-travel key does before
drawing, once loaded: the tree at a random moment (nearest checkpoint + the events after it, with
the log's lines either side) and the lanes' timeline of the 16 s before it.
"""

from __future__ import annotations

import asyncio
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
from suptui.engine.recording import open_recording  # noqa: E402
from suptui.treefile.skeleton import tree_from_skeleton  # noqa: E402
from suptui.tui.app import SuptuiApp  # noqa: E402
from suptui.tui.replayrun import ReplayRun  # noqa: E402

SEEKS = 200
SPAN_MS = 10_000
MARGIN_MS = 6_000


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def replay_1m(events: int = 1_000_000, seeks: int = SEEKS, path: Path = DEFAULT_PATH) -> dict[str, float]:
    """Open in the app (first screen, fully loaded), then seek; times in s and ms, memory in MB of RSS."""
    ensure_recording(path, events)
    base = rss_mb()
    return asyncio.run(_measure(path, seeks, base))


async def _measure(path: Path, seeks: int, base: float) -> dict[str, float]:
    began = time.perf_counter()
    stream = open_recording(path)
    tree = tree_from_skeleton(stream.header.tree, str(path))
    run = ReplayRun(stream, tree, str(path))
    run.first_chunk.wait()
    app = SuptuiApp(None, str(path), replay=run)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        first_screen_s = time.perf_counter() - began
        first_events = run.history.count
        while run.loading is not None:
            await asyncio.sleep(0.02)  # the app takes the chunks on its own timer
        await pilot.pause()
        loaded_s = time.perf_counter() - began
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
        result = {"events": history.count, "first_screen_s": first_screen_s,
                  "first_screen_events": first_events,
                  "loaded_s": loaded_s, "seek_p50_ms": statistics.median(samples),
                  "seek_p99_ms": samples[int(0.99 * (len(samples) - 1))], "seek_max_ms": samples[-1],
                  "checkpoints": history.checkpoints, "spacing": history.spacing,
                  "rss_loaded_mb": after_open - base, "rss_total_mb": rss_mb()}
        await app.action_quit()
    app.teardown()
    return result


if __name__ == "__main__":
    print(json.dumps(replay_1m(), indent=2))
