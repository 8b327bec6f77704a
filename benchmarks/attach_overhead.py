"""What serving a tree costs the program: restart latency and restart rate, with and without a client.

    python benchmarks/attach_overhead.py [--kills N] [--rounds R] [--seconds S]

Four set-ups, each a real-clock runtime of its own:

* ``plain``: no server;
* ``served``: ``runtime.serve()`` and nobody attached (the server notes every event for its mirror);
* ``attached``: and one ``suptui attach --headless --format jsonl`` attached, in its own process
  (the program's writer thread turns each event into JSON and writes it; the client parses it all);
* ``raw``: a client process that reads the bytes and discards them (the program's side alone).

Latency is kill → the replacement's ``start`` event, stamped by a subscriber that runs after the
server's (so the server's work on that event is inside the figure), over ``kills`` kills of 10
siblings one at a time. The four runtimes live side by side and take the kills in turns, in a
shuffled order each turn: a busy moment of the (shared) machine lands on all of them alike, which
running them one after the other cannot promise. The rate is how many restarts a worker that crashes
at once gets in ``seconds``, the set-ups taken one at a time in ``rounds`` rounds (a storm each:
they cannot share the machine); "vs plain" there is the median of each round's ratio. Target (issue
16): restart latency attached within 10% of plain. Not part of the test run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from suptui.engine import (  # noqa: E402
    Actor,
    ChildSpec,
    Event,
    RealClock,
    Runtime,
    Start,
    Supervisor,
    SupFlags,
)
from suptui.workers import Sleeper  # noqa: E402

NEVER_GIVE_UP = SupFlags("one_for_one", max_restarts=10**9, max_seconds=1)


class Crasher(Actor):
    def init(self) -> None:
        self.send(self.pid, "boom")

    def handle_info(self, msg: Any) -> None:
        raise RuntimeError("boom")


class Watch:
    def __init__(self) -> None:
        self.path = ""
        self.stamp = 0.0
        self.starts = 0
        self.done = threading.Event()

    def __call__(self, event: Event) -> None:
        if isinstance(event, Start) and event.restart:
            self.starts += 1
            if event.path == self.path:
                self.stamp = time.perf_counter()
                self.done.set()


RAW_CLIENT = """
import socket, sys
sock = socket.socket(socket.AF_UNIX)
sock.connect(sys.argv[1])
sock.sendall(b'{"type": "hello", "protocol": 1}\\n')
while sock.recv(1 << 20):
    pass
"""
"""A client that reads and discards: what the program pays for serving, without a client's parsing
competing for the machine's cores."""


def _runtime(setup: str, where: str) -> tuple[Runtime, subprocess.Popen[bytes] | None]:
    """The runtime, and for ``attached`` the client: ``suptui attach --headless --format jsonl`` in a
    process of its own, as a user runs it (its parsing is not the program's cost)."""
    rt = Runtime(RealClock(), log_reports=False)
    client = None
    if setup != "plain":
        server = rt.serve(where, announce=False)
        command = ["-m", "suptui", "attach", str(server.address), "--headless", "--format", "jsonl"]
        if setup == "raw":
            command = ["-c", RAW_CLIENT, str(server.address)]
        if setup in ("attached", "raw"):
            client = subprocess.Popen([sys.executable, *command], stdout=subprocess.DEVNULL, cwd=ROOT)
            deadline = time.monotonic() + 10
            while server.client_count() == 0:
                if time.monotonic() > deadline:
                    raise RuntimeError("the client did not attach")
                time.sleep(0.01)
    return rt, client


def _done(rt: Runtime, client: subprocess.Popen[bytes] | None) -> None:
    rt.shutdown()
    if client is not None:
        client.wait(10)


def latency(setups: tuple[str, ...], kills: int, tmp: str) -> dict[str, list[float]]:
    """Kill → replacement started (µs) for each set-up, the kills taken in turns (see the top)."""
    made = {setup: _runtime(setup, f"{tmp}/lat-{setup}.sock") for setup in setups}
    watches = {}
    for setup, (rt, _client) in made.items():
        watch = watches[setup] = Watch()
        rt.events.subscribe(watch)  # (after the server's subscriber: its work is inside the figure)
        children = [ChildSpec(f"w{i}", Sleeper) for i in range(10)]
        rt.start(Supervisor, {"flags": NEVER_GIVE_UP, "children": children})
    samples: dict[str, list[float]] = {setup: [] for setup in setups}
    shuffler = random.Random(16)
    order = list(setups)
    for n in range(kills):
        shuffler.shuffle(order)
        for setup in order:
            rt, watch = made[setup][0], watches[setup]
            watch.path = f"root/w{n % 10}"
            watch.done.clear()
            pid = rt.whereis(watch.path)
            began = time.perf_counter()
            rt.kill(pid)
            if not watch.done.wait(5):
                raise RuntimeError(f"{watch.path} was not restarted")
            samples[setup].append((watch.stamp - began) * 1e6)
    for rt, client in made.values():
        _done(rt, client)
    return samples


def rate(setup: str, seconds: float, where: str) -> float:
    rt, client = _runtime(setup, where)
    watch = Watch()
    rt.events.subscribe(watch)
    rt.start(Supervisor, {"flags": NEVER_GIVE_UP, "children": [ChildSpec("loop", Crasher)]})
    time.sleep(0.1)
    before, began = watch.starts, time.perf_counter()
    time.sleep(seconds)
    per_second = (watch.starts - before) / (time.perf_counter() - began)
    _done(rt, client)
    return per_second


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kills", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args()
    setups = ("plain", "served", "attached", "raw")
    rates: dict[str, list[float]] = {s: [] for s in setups}
    with tempfile.TemporaryDirectory(prefix="sb-", dir="/tmp") as tmp:
        samples = latency(setups, args.kills, tmp)
        for round_ in range(args.rounds):
            for setup in setups:
                rates[setup].append(rate(setup, args.seconds, f"{tmp}/rate-{setup}{round_}.sock"))
    print(f"latency: {args.kills} kills per set-up, in turns; rate: {args.rounds} rounds of "
          f"{args.seconds:g} s per set-up\n")
    print(f"{'set-up':<10} {'p50 µs':>8} {'vs plain':>9} {'p90 µs':>8} {'p99 µs':>8} {'restarts/s':>11} "
          f"{'vs plain':>9}")
    plain = statistics.median(samples["plain"])
    for setup in setups:
        ordered = sorted(samples[setup])
        p50 = statistics.median(ordered)
        p90, p99 = ordered[int(0.9 * (len(ordered) - 1))], ordered[int(0.99 * (len(ordered) - 1))]
        ratios = [a / b for a, b in zip(rates[setup], rates["plain"], strict=True)]
        print(f"{setup:<10} {p50:>8.1f} {100 * (p50 / plain - 1):>+8.1f}% {p90:>8.1f} {p99:>8.1f} "
              f"{statistics.median(rates[setup]):>11,.0f} {100 * (statistics.median(ratios) - 1):>+8.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
