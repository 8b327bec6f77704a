"""A long recording of a real run, for the replay benchmarks: the bundled ``big`` tree run on the
virtual clock until it has made ``events`` events, written as a recording (header line, then one
event per line). Cached by path, since making a million events takes the engine about a minute.

    python benchmarks/bigrecording.py [--events N] [OUT]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from suptui.engine.recording import Recording  # noqa: E402
from suptui.session import Session  # noqa: E402
from suptui.treefile.loader import load_tree  # noqa: E402

DEFAULT_PATH = Path("/tmp/suptui-big-1m.jsonl")


def make_recording(path: Path, events: int = 1_000_000, seed: int = 3) -> Path:
    """Run ``big`` in virtual-time slices of 100 s until ``events`` events, then write them out."""
    session = Session(load_tree("big"), seed=seed)
    assert session.recorder is not None
    session.begin()
    t = 0
    while len(session.recorder.events) < events and session.running:
        t += 100_000
        session.run_until(t)
    session.stop()
    recorded = session.recorder.snapshot()[:events]
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        Recording(session.header(), recorded).write(out)
    tmp.replace(path)
    return path


def ensure_recording(path: Path = DEFAULT_PATH, events: int = 1_000_000) -> Path:
    """The recording at ``path``, made first if it is missing or too short."""
    if path.exists():
        with open(path, "rb") as handle:
            lines = sum(1 for _ in handle)
        if lines - 1 >= events:
            return path
    return make_recording(path, events)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    began = time.perf_counter()
    make_recording(args.out, args.events)
    print(f"wrote {args.events} events to {args.out} in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
