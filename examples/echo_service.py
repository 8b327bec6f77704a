"""A supervised TCP echo service that serves its own tree: attach to it and watch it live.

    python examples/echo_service.py --port 7000
    suptui attach $XDG_RUNTIME_DIR/suptui/<pid>.sock --headless      # the program prints the command
    printf 'hello\\n' | nc 127.0.0.1 7000                             # in a third terminal

The tree (``rest_for_one``: what comes later depends on what comes earlier)::

    root                    Supervisor rest_for_one, 10 restarts in 5 s
    ├── handlers            DynamicSupervisor: one Handler per connection (temporary)
    ├── acceptor            Acceptor: owns the listening socket, accepts, starts a handler
    └── health              HealthPoller: on its own thread, echoes a probe every second

Why it behaves when things go wrong:

* Blocking I/O runs on processes with their own thread (``dedicated_thread``), and every socket is
  ``own``-ed: the runtime closes it the moment its process dies, as a BEAM port closes with its owner.
  So a killed acceptor's thread returns from ``accept()`` at once, the port is free (and
  ``SO_REUSEADDR`` lets the restarted acceptor bind it again while old connections linger), and no
  thread is left holding it.
* A handler is ``temporary``: a client that misbehaves ends its own handler, nothing else.
* The health poller crashes after three failed probes in a row; ``rest_for_one`` restarts only it.
* Ctrl-C or SIGTERM stops the tree in order (``Runtime.run``), closes the attach socket, removes its
  file and exits 0; the port is free when the process is gone.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from typing import Any

from suptui.engine import Actor, ChildSpec, DynamicSupervisor, RealClock, Runtime, Supervisor, SupFlags


class Handler(Actor):
    """Echoes one connection until the client hangs up."""

    dedicated_thread = True

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn

    def init(self) -> None:
        self.own(self.conn)
        self.send(self.pid, "serve")

    def handle_info(self, msg: Any) -> None:
        data = self.conn.recv(4096)
        if not data:
            self.stop("normal")  # the client hung up
        self.conn.sendall(data)
        self.send(self.pid, "serve")


class Acceptor(Actor):
    """Owns the listening socket; each connection gets a Handler under ``root/handlers``."""

    dedicated_thread = True

    def __init__(self, port: int) -> None:
        self.port = port

    def init(self) -> None:
        self.listener = self.own(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        self.send(self.pid, "accept")

    def handle_info(self, msg: Any) -> Any:
        conn, _peer = self.listener.accept()  # a kill closes the listener: accept() returns at once
        handlers = self.runtime.whereis("root/handlers")
        if handlers is None:
            conn.close()
        else:
            try:
                yield from self.supervisor(handlers).start_child(
                    ChildSpec("conn", Handler, {"conn": conn}, restart="temporary", shutdown="brutal_kill"))
            except Exception:
                conn.close()  # the handler never started: the connection is ours to close
                raise
        self.send(self.pid, "accept")


class HealthPoller(Actor):
    """Every second, connects to the service and checks that it echoes; crashes after three misses."""

    dedicated_thread = True

    def __init__(self, port: int, every_ms: int = 1000) -> None:
        self.port = port
        self.every_ms = every_ms
        self.misses = 0
        self.probes = 0

    def init(self) -> None:
        self.send_after(self.every_ms, "poll")

    def handle_info(self, msg: Any) -> None:
        self.probes += 1
        try:
            # (not own()-ed: it lives one second at most, and own() keeps what it is given until death)
            with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as probe:
                probe.sendall(b"ping")
                healthy = probe.recv(16) == b"ping"
        except OSError:
            healthy = False
        self.misses = 0 if healthy else self.misses + 1
        if self.misses >= 3:
            raise RuntimeError(f"echo service on port {self.port} failed 3 probes in a row")
        self.send_after(self.every_ms, "poll")

    def describe_state(self) -> str:
        return f"{self.probes} probes, {self.misses} missed in a row"


def tree(port: int) -> dict[str, Any]:
    """The root supervisor's args."""
    return {"flags": SupFlags("rest_for_one", 10, 5), "children": [
        ChildSpec("handlers", DynamicSupervisor, {"flags": SupFlags("one_for_one", 100, 1)},
                  type="supervisor"),
        ChildSpec("acceptor", Acceptor, {"port": port}, shutdown="brutal_kill"),
        ChildSpec("health", HealthPoller, {"port": port}, shutdown=1000)]}


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--serve", metavar="ADDRESS", default=None,
                        help="where to serve the tree (default: an owner-only socket in $XDG_RUNTIME_DIR)")
    args = parser.parse_args(argv)
    port = args.port or free_port()
    runtime = Runtime(RealClock())
    runtime.serve(args.serve, title="echo service")
    print(f"echo service on 127.0.0.1:{port} (pid {os.getpid()})", flush=True)
    reason = runtime.run(Supervisor, tree(port))
    print(f"echo service stopped: {reason}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
