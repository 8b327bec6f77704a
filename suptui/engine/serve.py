"""Serving a running program's tree to attached clients (``suptui attach``): the program's side.

``serve(runtime)`` (or ``runtime.serve()``, or ``SUPTUI_SERVE=1`` in the environment) listens on an
owner-only Unix socket (:mod:`suptui.engine.listen`) and gives each client that connects a hello, a
snapshot of the whole tree exact at one event's seq, then every event after it in order, and
answers its control requests. The wire is :mod:`suptui.engine.wire` (docs/protocol.md, "Attach").

What it must never do is slow or disturb the program it serves:

* The engine hands each event to one subscriber (:meth:`Server._on_event`), under the locks that
  order the stream. It notes the event for the :class:`~suptui.engine.mirror.Mirror` (folded a
  batch at a time) and appends it to each client's bounded queue: no I/O, no JSON, no waiting. A
  snapshot is taken under the same locks, so it and the queue's first event meet exactly (no gap,
  no duplicate).
* Each client has a writer thread that turns its queue into lines and writes them. A client whose
  queue fills (it reads too slowly, or not at all) is marked behind and its queue dropped; its writer
  then sends ``overflow`` and a fresh snapshot, so nothing is lost silently from its point of view.
* Requests are read by a thread per client, checked (:func:`~suptui.engine.wire.parse_request`),
  and carried out through the public runtime and supervisor API; a bad one gets an error reply.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hmac
import itertools
import logging
import operator
import os
import secrets
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import wire
from .actor import Actor
from .client import SupervisorClient, SupervisorError
from .context import NoProcess
from .dynamic import DynamicSupervisor
from .intensity import Window
from .listen import (
    Address,
    AddressError,
    default_dir,
    default_path,
    listen_tcp,
    listen_unix,
    parse_address,
    private_dir,
    remove_socket,
)
from .mirror import Mirror, NodeState, Snapshot, parent_path
from .pid import Pid
from .protocol import PROTOCOL_VERSION, Event
from .reasons import format_reason, is_reason
from .specs import ChildSpec
from .supervisor import Supervisor

if TYPE_CHECKING:
    from .runtime import Runtime

log = logging.getLogger(__name__)

__all__ = ["ENV", "AddressError", "Server", "serve", "serve_from_environment"]

ENV = "SUPTUI_SERVE"
"""``1`` (or ``unix``): the default socket; a path or ``unix:PATH``; ``tcp://127.0.0.1:PORT``."""
ENV_REMOTE = "SUPTUI_SERVE_REMOTE"
"""``1`` allows a TCP address that is not loopback (with the token, still)."""
QUEUE_LIMIT = 10_000
"""Events a client may be behind before it is told ``overflow`` and sent a fresh snapshot."""
MAX_CLIENTS = 16
MAX_HANDSHAKES = 32
"""Connections that have not finished their hello (each holds a thread for up to 5 s); more are
closed at once, so nobody can tie up the program's threads without the token."""
REQUEST_TIMEOUT_S = 30.0
"""How long a supervisor request may take (a terminate_child waits for the child's shutdown)."""
CLOSE_FLUSH_S = 1.0
"""At shutdown, how long clients are given to receive the last events and ``bye``."""
GATHER_S = 0.002
"""A writer that wakes waits this long for more events, so a burst costs it one line, not one each."""
DUTY = 0.1
"""The share of the time a writer may spend encoding and writing (it rests ``(1 - DUTY) / DUTY`` times
as long as it worked): what an attached client may cost the program at most in a storm."""
MAX_REST_S = 0.5
FOLD_BATCH = 256
"""Events noted before the subscriber folds them into the mirror (a snapshot folds the rest first):
a tenth of a millisecond or so under the engine's lock every 256 events, instead of a microsecond or
more on every event's way."""

_orjson_dumps: Callable[[Any], bytes] | None
_Fragment: Callable[[bytes], Any] | None
try:
    from orjson import dumps as _orjson_dumps
except ImportError:  # the engine has no dependencies; orjson only makes storms cheaper to serve
    _orjson_dumps = None
try:
    from orjson import Fragment as _Fragment
except ImportError:  # (orjson before 3.9)
    _Fragment = None


class Server:
    """A listening socket, the mirror of the tree, and the clients attached to it.

    Made by :func:`serve`. ``address`` is what a client connects to (with the port filled in for
    TCP), ``token`` the secret a TCP client must give (``None`` on a Unix socket, whose permissions
    are the gate). Thread-safe; :meth:`close` is idempotent and runs at the runtime's shutdown.
    """

    def __init__(self, runtime: Runtime, listener: socket.socket, address: Address, *,
                 token: str | None, inode: int | None = None, control: bool = True,
                 actors: Mapping[str, type[Actor]] | None = None, title: str | None = None,
                 queue_limit: int = QUEUE_LIMIT, max_clients: int = MAX_CLIENTS) -> None:
        self.runtime = runtime
        self.address = address
        self.token = token
        self.control = control
        self.actors = dict(actors or {})
        self.title = title
        self.queue_limit = queue_limit
        self.max_clients = max_clients
        self._listener = listener
        self._inode = inode
        self._owner_pid = os.getpid()
        self._lock = threading.Lock()
        """Guards closing (the stream's order is kept by the engine's own locks: see _stream)."""
        self._mirror = Mirror()
        self._pending: list[Event] = []
        """Events not folded into the mirror yet: the subscriber only appends (a fold per event on
        the restart's own path cost more than the restart could spare); they are folded a batch at a
        time, and all of them before a snapshot."""
        self._clients: list[_Client] = []
        self._closed = False
        self._closing = threading.Event()
        self._handshakes = threading.BoundedSemaphore(MAX_HANDSHAKES)
        self._unsubscribe = self._subscribe()
        self._thread = threading.Thread(target=self._accept_loop, name="suptui-serve", daemon=True)
        self._thread.start()

    def __str__(self) -> str:
        return str(self.address)

    def attach_command(self) -> str:
        """The command that attaches to this server (what the announcement prints)."""
        if self.token is None:
            return f"suptui attach {self.address} --headless"
        return f"SUPTUI_TOKEN={self.token} suptui attach {self.address} --headless"

    # ---------------------------------------------------------------- the engine's side

    def _subscribe(self) -> Any:
        """Seed the mirror with what already runs, and subscribe, in one step under the runtime lock
        (no event can come between the two)."""
        runtime = self.runtime
        with runtime._lock:
            self._mirror.seq = runtime.events._seq
            self._mirror.t = int(runtime.now_ms())
            for proc in sorted(runtime._procs.values(), key=lambda p: int(p.pid)):
                if proc.alive and proc.init_done and runtime._paths.get(proc.path) == proc.pid:
                    self._mirror.seed(_seed_node(proc.path, proc.pid, proc.cls, proc.actor))
            return runtime.events.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        """The subscriber (the engine's locks held: the runtime's and the bus's): note the event,
        and queue it for every client. No I/O, never blocks, takes no lock of its own."""
        pending = self._pending
        pending.append(event)
        if len(pending) >= FOLD_BATCH:
            self._fold_pending()
        for client in self._clients:
            client.offer(event)

    def _fold_pending(self) -> None:
        """(Under the stream's locks.) Fold the events noted so far into the mirror, in order."""
        fold = self._mirror.fold
        for event in self._pending:
            fold(event)
        self._pending.clear()

    def _stream(self) -> contextlib.AbstractContextManager[Any]:
        """The locks under which the bus hands events out (the runtime's, then the bus's): while
        they are held no subscriber runs, so a snapshot and a client's first event meet exactly."""
        stack = contextlib.ExitStack()
        stack.enter_context(self.runtime._lock)
        stack.enter_context(self.runtime.events._lock)
        return stack

    def snapshot(self) -> Snapshot:
        """The tree now, exact at its ``seq`` (for tests and tools; clients get theirs on connect)."""
        with self._stream():
            return self._take_snapshot()

    def _take_snapshot(self) -> Snapshot:
        """(Under the stream's locks.) The mirror, with the restart types the supervisors' specs give."""
        self._fold_pending()
        types: dict[str, str] = {}
        procs = self.runtime._procs
        for node in self._mirror.nodes.values():
            if node.state != "running" or node.type == "worker":
                continue
            proc = procs.get(_pid(node.pid))
            actor = proc.actor if proc is not None else None
            if node.type is None and proc is not None:  # a top-level start says nothing of itself
                seen = _seed_node(node.path, proc.pid, proc.cls, actor)
                node.type, node.actor, node.strategy = seen.type, seen.actor, seen.strategy
                node.max_restarts, node.max_seconds = seen.max_restarts, seen.max_seconds
                node.stamps = seen.stamps if node.stamps is None else node.stamps
            if isinstance(actor, Supervisor):
                with contextlib.suppress(Exception):  # (its own thread may be changing the list)
                    for child in list(actor.children):
                        types[child.path] = child.spec.restart
        return self._mirror.snapshot(int(self.runtime.now_ms()), types)

    def _register(self, client: _Client) -> Snapshot:
        """Snapshot and start queueing for ``client`` at the same seq."""
        with self._stream():
            snapshot = self._take_snapshot()
            client.events.clear()
            client.overflowed = False
            client.dropped = 0
            self._clients = [*self._clients, client]
            return snapshot

    def _resync(self, client: _Client) -> tuple[int, Snapshot]:
        """A fresh snapshot for a client that fell behind; how many events it missed."""
        with self._stream():
            snapshot = self._take_snapshot()
            dropped = client.dropped
            client.events.clear()
            client.overflowed = False
            client.dropped = 0
            return dropped, snapshot

    def _unregister(self, client: _Client) -> None:
        with self._stream():
            self._clients = [c for c in self._clients if c is not client]

    def client_count(self) -> int:
        return len(self._clients)

    # ---------------------------------------------------------------- connections

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                conn, _peer = self._listener.accept()
            except OSError:
                if self._closed or self._listener.fileno() < 0:
                    return
                self._closing.wait(0.05)  # (out of file descriptors, say: do not spin)
                continue
            if self._closed:
                conn.close()
                return
            if not self._handshakes.acquire(blocking=False):
                _close(conn)  # (too many connections that have not said hello yet)
                continue
            threading.Thread(target=self._handle, args=(conn,), name="suptui-serve-client",
                             daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        """One connection: handshake, then requests until it closes. Never raises."""
        client: _Client | None = None
        try:
            reader = wire.LineReader(conn, wire.MAX_CLIENT_LINE)
            conn.settimeout(wire.HANDSHAKE_TIMEOUT_S)
            try:
                conn.sendall(wire.encode(self._hello()))
                problem = self._check_hello(reader)
            finally:
                self._handshakes.release()
            if problem is not None:
                conn.sendall(wire.encode({"type": "error", "error": problem[0], "message": problem[1]}))
                return
            conn.settimeout(None)
            client = _Client(self, conn)
            if self.client_count() >= self.max_clients:
                conn.sendall(wire.encode({"type": "error", "error": "busy",
                                          "message": f"{self.max_clients} clients are attached already"}))
                return
            client.start(self._register(client))
            self._serve_requests(client, reader)
        except (OSError, ValueError):
            pass
        except Exception:  # never let a client's fault reach the program
            log.exception("attach: a client's connection failed")
        finally:
            if client is not None:
                self._unregister(client)
                client.finish()
            else:
                _close(conn)

    def _hello(self) -> dict[str, Any]:
        from .recording import _suptui_version

        return {"suptui": wire.MAGIC, "protocol": PROTOCOL_VERSION, "version": _suptui_version(),
                "pid": os.getpid(), "title": self.title, "clock": _clock_name(self.runtime),
                "auth": "none" if self.token is None else "token", "control": self.control}

    def _check_hello(self, reader: wire.LineReader) -> tuple[str, str] | None:
        """The client's hello: its protocol and token. An error (code, message) or None."""
        try:
            line = reader.readline()
            if line is None:
                return ("protocol", "no hello")
            obj = wire.decode(line, wire.MAX_CLIENT_LINE)
        except wire.WireError as exc:
            return (exc.code, str(exc))
        if obj.get("type") != "hello" or type(obj.get("protocol")) is not int:
            return ("protocol", 'the first line must be {"type": "hello", "protocol": N}')
        if obj["protocol"] != PROTOCOL_VERSION:
            return ("protocol", f"this program speaks protocol {PROTOCOL_VERSION}, the client "
                    f"{obj['protocol']}: use the same suptui version on both sides")
        if self.token is not None:
            given = obj.get("token")
            if type(given) is not str or not hmac.compare_digest(given.encode(), self.token.encode()):
                return ("bad_token", "wrong or missing token")
        return None

    def _serve_requests(self, client: _Client, reader: wire.LineReader) -> None:
        while not self._closed:
            try:
                line = reader.readline()
            except wire.WireError as exc:  # a line without end: the stream cannot be resynchronised
                client.reply(wire.error(None, exc.code, str(exc)))
                client.close_after_sending()
                return
            if line is None:
                return
            client.reply(self._answer(line))

    def _answer(self, line: bytes) -> wire.Reply:
        obj: dict[str, Any] = {}
        try:
            obj = wire.decode(line, wire.MAX_CLIENT_LINE)
            request = wire.parse_request(obj)
        except wire.WireError as exc:
            return wire.error(wire.request_id(obj), exc.code, str(exc))
        if not self.control:
            return wire.error(request.id, "read_only", "this program serves its tree read-only")
        try:
            return Control(self.runtime, self.actors).run(request)
        except Exception as exc:  # a bug here must not end the connection, let alone the program
            log.exception("attach: request %s failed", request.op)
            return wire.error(request.id, "bad_request", f"{type(exc).__name__}: {exc}")

    # ---------------------------------------------------------------- closing

    def close(self) -> None:
        """Stop listening, remove the socket file, give clients the last events and ``bye``.

        In a child made by ``os.fork`` (its ``atexit`` runs this too) only the copies of the
        sockets are closed: a ``shutdown`` would stop the parent's server, and the file is the
        parent's."""
        if os.getpid() != self._owner_pid:
            with contextlib.suppress(OSError):
                self._listener.close()
            return
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._closing.set()
        atexit.unregister(self.close)  # (it kept this server, and its runtime, alive until exit)
        with self._lock:
            clients = list(self._clients)
        self._unsubscribe()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (Linux)
        self._listener.close()
        if self.address.kind == "unix" and self._inode is not None:
            remove_socket(self.address.path, self._inode)
        for client in clients:
            client.say_bye()
        for client in clients:
            client.join(CLOSE_FLUSH_S)
        for client in clients:
            client.finish()
        if self._thread is not threading.current_thread():
            self._thread.join(CLOSE_FLUSH_S)


class _Client:
    """One attached client: its queue (filled by the subscriber), replies, and its writer thread."""

    def __init__(self, server: Server, conn: socket.socket) -> None:
        self.server = server
        self.conn = conn
        self.limit = server.queue_limit
        self.events: deque[Event] = deque()
        self.control: deque[dict[str, Any]] = deque()
        self.overflowed = False
        self.dropped = 0
        self.closing = False
        self.bye = False
        """Say ``bye`` when closing: the program is ending (not: this client's connection is)."""
        self.idle = False
        self._gate = threading.Lock()
        """Closed while the writer sleeps for want of work; opening it is a single release (an
        ``Event.set`` under the engine's lock would cost a condition and a notify per wake)."""
        self._gate.acquire()
        self._writer: threading.Thread | None = None
        self._finished = False

    def offer(self, event: Event) -> None:
        """(Engine lock held.) Queue an event, or count it lost if this client is behind."""
        if self.overflowed:
            self.dropped += 1
            return
        events = self.events
        events.append(event)
        if len(events) > self.limit:
            self.overflowed = True
            self.dropped += len(events)
            events.clear()
        if self.idle:
            self._open()

    def _nudge(self) -> None:
        self._open()

    def _open(self) -> None:
        self.idle = False
        with contextlib.suppress(RuntimeError):  # (open already: two wakers at once)
            self._gate.release()

    def reply(self, reply: wire.Reply) -> None:
        self.control.append(reply.to_dict())
        self._nudge()

    def say_bye(self) -> None:
        self.bye = True
        self.closing = True
        self._nudge()

    def close_after_sending(self) -> None:
        """Send what is queued (the error reply that ends the connection), then stop writing."""
        self.closing = True
        self._nudge()
        self.join(CLOSE_FLUSH_S)

    def start(self, snapshot: Snapshot) -> None:
        self._writer = threading.Thread(target=self._write_loop, args=(snapshot,),
                                        name="suptui-serve-writer", daemon=True)
        self._writer.start()

    def join(self, timeout: float) -> None:
        if self._writer is not None and self._writer is not threading.current_thread():
            self._writer.join(timeout)

    def finish(self) -> None:
        """Close the connection (wakes the reader and a writer stuck in ``sendall``)."""
        if self._finished:
            return
        self._finished = True
        self.closing = True
        self._nudge()
        _close(self.conn)

    def _write_loop(self, snapshot: Snapshot) -> None:
        send = self.conn.sendall
        rest = 0.0
        try:
            send(wire.encode(snapshot.to_dict()))
            while True:
                self.idle = True
                if not (self.events or self.control or self.overflowed or self.closing):
                    self._gate.acquire()  # (a wake that came first left it open: no wait)
                self.idle = False
                # Gather, and rest in proportion to the work just done: the writer shares the GIL
                # with the program, so it may take at most DUTY of it; a storm it cannot keep up with
                # overflows the queue (the client gets a fresh snapshot) instead of slowing the program.
                if not self.closing:
                    time.sleep(max(GATHER_S, rest))
                began = time.thread_time()
                if self.overflowed:
                    dropped, fresh = self.server._resync(self)
                    send(wire.encode({"type": "overflow", "dropped": dropped, "seq": fresh.seq}))
                    send(wire.encode(fresh.to_dict()))
                replies = []
                while self.control:
                    replies.append(self.control.popleft())
                self._send_events(send)
                for reply in replies:
                    send(wire.encode(reply))
                rest = min(MAX_REST_S, (time.thread_time() - began) * (1 / DUTY - 1))
                if self.closing and not self.events and not self.control:
                    if self.bye:
                        with contextlib.suppress(OSError):
                            send(wire.encode({"type": "bye", "reason": "shutdown"}))
                    return
        except OSError:
            return
        finally:
            if self._finished or self.closing:
                _close(self.conn)

    def _send_events(self, send: Any) -> None:
        """Send the events queued now (not those that come meanwhile: the writer rests first)."""
        events = self.events
        left = len(events)
        while left > 0 and events and not self.overflowed:
            batch: list[Event] = []
            while events and len(batch) < min(left, wire.BATCH_EVENTS):
                try:
                    batch.append(events.popleft())
                except IndexError:  # (cleared by an overflow meanwhile)
                    break
            left -= len(batch)
            if batch and not self.overflowed:
                send(_encode_events(batch))
                time.sleep(0)  # (let the program have the GIL between two lines)


class Control:
    """Carries out one request through the public API; always returns a reply, never raises for
    anything a client can send."""

    def __init__(self, runtime: Runtime, actors: Mapping[str, type[Actor]]) -> None:
        self.runtime = runtime
        self.actors = actors

    def run(self, request: wire.Request) -> wire.Reply:
        handler = getattr(self, f"_{request.op}")
        reply: wire.Reply = handler(request)
        return reply

    def _pid(self, request: wire.Request, path: str | None = None) -> Pid | wire.Reply:
        where = path or request.path
        pid = self.runtime.whereis(where)
        if pid is None:
            return wire.error(request.id, "noproc", f"no process runs at {where}")
        return pid

    def _kill(self, request: wire.Request) -> wire.Reply:
        pid = self._pid(request)
        if isinstance(pid, wire.Reply):
            return pid
        if not self.runtime.kill(pid, by="user"):
            return wire.error(request.id, "noproc", f"no process runs at {request.path}")
        return wire.ok(request.id, "killed")

    def _exit(self, request: wire.Request) -> wire.Reply:
        if is_reason(request.reason, "kill"):
            return self._kill(request)
        pid = self._pid(request)
        if isinstance(pid, wire.Reply):
            return pid
        what = self.runtime.exit(pid, request.reason)
        if what == "noproc":
            return wire.error(request.id, "noproc", f"no process runs at {request.path}")
        return wire.ok(request.id, what)

    def _supervisor(self, request: wire.Request, path: str | None) -> tuple[Pid, Actor] | wire.Reply:
        if path is None:
            return wire.error(request.id, "noproc", f"{request.path} has no supervisor")
        pid = self._pid(request, path)
        if isinstance(pid, wire.Reply):
            return pid
        with self.runtime._lock:
            proc = self.runtime._procs.get(pid)
            actor = proc.actor if proc is not None else None
        if not isinstance(actor, Supervisor):  # (a worker's handle_call must never see these)
            return wire.error(request.id, "not_a_supervisor", f"{path} is not a supervisor")
        return pid, actor

    def _call(self, request: wire.Request, sup: Pid, op: str, *args: Any) -> wire.Reply:
        future = SupervisorClient(self.runtime, sup).call_async(op, *args)
        try:
            result = future.result(REQUEST_TIMEOUT_S)
        except SupervisorError as exc:
            text = format_reason(exc.reason)
            return wire.error(request.id, text, f"{op} {request.path}: {text}")
        except NoProcess:
            return wire.error(request.id, "noproc", f"the supervisor of {request.path} is gone")
        except TimeoutError:
            return wire.error(request.id, "timeout", f"{op} got no reply within {REQUEST_TIMEOUT_S:g} s")
        return wire.ok(request.id, str(result) if isinstance(result, Pid) else result)

    def _set_strategy(self, request: wire.Request) -> wire.Reply:
        found = self._supervisor(request, request.path)
        if isinstance(found, wire.Reply):
            return found
        return self._call(request, found[0], "set_strategy", request.strategy)

    def _start_child(self, request: wire.Request) -> wire.Reply:
        found = self._supervisor(request, request.path)
        if isinstance(found, wire.Reply):
            return found
        spec = request.spec or {}
        actor = self.actors.get(spec["actor"])
        if actor is None:
            known = ", ".join(sorted(self.actors)) or "none: the program passed no actors to serve()"
            return wire.error(request.id, "unknown_actor",
                              f"actor {spec['actor']!r} is not one the program offers (offered: {known})")
        try:
            child = ChildSpec(spec["id"], actor, dict(spec.get("args") or {}),
                              **{k: v for k, v in spec.items() if k in ("restart", "shutdown", "type",
                                                                        "significant")})
        except (TypeError, ValueError) as exc:
            return wire.error(request.id, "bad_request", f"start_child: bad spec: {exc}")
        return self._call(request, found[0], "start_child", child)

    def _child_request(self, request: wire.Request, op: str) -> wire.Reply:
        found = self._supervisor(request, parent_path(request.path))
        if isinstance(found, wire.Reply):
            return found
        sup, actor = found
        child_id: Any = request.path.rsplit("/", 1)[-1]
        if isinstance(actor, DynamicSupervisor) and op == "terminate_child":
            child_id = self.runtime.whereis(request.path)  # a dynamic supervisor finds children by pid
            if child_id is None:
                return wire.error(request.id, "not_found", f"{op} {request.path}: not_found")
        return self._call(request, sup, op, child_id)

    def _terminate_child(self, request: wire.Request) -> wire.Reply:
        return self._child_request(request, "terminate_child")

    def _restart_child(self, request: wire.Request) -> wire.Reply:
        return self._child_request(request, "restart_child")

    def _delete_child(self, request: wire.Request) -> wire.Reply:
        return self._child_request(request, "delete_child")


def _encode_events(batch: list[Event]) -> bytes:
    """An ``events`` line: the protocol's wire objects (``Event.to_dict``), made fast where a storm
    needs it. A supervisor that never gives up has thousands of stamps in its window, on every
    restart's events: with orjson installed, a window's JSON is written straight from its runs (a
    run of 5,000 restarts in one second is one string repetition), else it is flattened in C. Each
    kind's fields are read by one ``attrgetter`` (the writer shares the GIL with the program: about a
    microsecond an event)."""
    if _orjson_dumps is not None:
        try:
            message = {"type": "events", "seq": batch[0].seq,
                       "events": _event_objects(batch, fragments=_Fragment is not None)}
            return _orjson_dumps(message) + b"\n"
        except Exception:  # (text JSON cannot hold as orjson writes it: the standard library's way)
            pass
    return wire.encode({"type": "events", "seq": batch[0].seq, "events": _event_objects(batch, False)})


def _event_objects(batch: list[Event], fragments: bool) -> list[dict[str, Any]]:
    objects = []
    for event in batch:
        names, getter, windows = _wire_plan(type(event))
        obj: dict[str, Any] = {"t": event.t, "event": event.kind, "path": event.path, "pid": event.pid}
        for name, value in zip(names, getter(event), strict=True):
            if value is not None:
                obj[name] = value
        for name in windows:
            value = obj.get(name)
            if type(value) is Window:
                obj[name] = _window_fragment(value) if fragments else _flat(value)
            elif type(value) is tuple:
                obj[name] = list(value)
        objects.append(obj)
    return objects


def _flat(window: Window) -> list[int]:
    out: list[int] = []
    for second, count in window.runs:
        out.extend(itertools.repeat(second, count))
    return out


def _window_fragment(window: Window) -> Any:
    text = "".join(f"{int(second)}," * count for second, count in window.runs)
    assert _Fragment is not None
    return _Fragment(f"[{text[:-1]}]".encode("ascii"))


_Plan = tuple[tuple[str, ...], Callable[[Event], tuple[Any, ...]], tuple[str, ...]]
_PLANS: dict[type[Event], _Plan] = {}


def _wire_plan(cls: type[Event]) -> _Plan:
    """A kind's wire names, one getter for all its fields (in order), and its window fields."""
    plan = _PLANS.get(cls)
    if plan is None:
        fields = [item for item in dataclasses.fields(cls) if item.name not in ("seq", "t", "path", "pid")]
        names = tuple(item.metadata.get("wire", item.name) for item in fields)
        attrs = [item.name for item in fields]
        getter = operator.attrgetter(*attrs)
        read: Callable[[Event], tuple[Any, ...]] = (
            getter if len(attrs) > 1 else (lambda event: (getter(event),)))
        windows = tuple(name for name, item in zip(names, fields, strict=True) if "Stamps" in str(item.type))
        plan = _PLANS[cls] = (names, read, windows)
    return plan


def _seed_node(path: str, pid: Pid, cls: type[Actor], actor: Actor | None) -> NodeState:
    """A process that was running when serving began, as much as the runtime knows of it."""
    node = NodeState(path, str(pid), actor=cls.__name__,
                     type="supervisor" if issubclass(cls, Supervisor) else "worker")
    if isinstance(actor, Supervisor):
        with contextlib.suppress(Exception):  # (read across threads: best effort)
            node.strategy = actor.strategy
            node.max_restarts = actor.flags.max_restarts
            node.max_seconds = actor.flags.max_seconds
            node.stamps = actor.stamps
    return node


def _pid(text: str) -> Pid:
    try:
        return Pid(int(text.split(".")[1]))
    except (IndexError, ValueError):
        return Pid(0)


def _clock_name(runtime: Runtime) -> str:
    from .clock import VirtualClock

    return "virtual" if isinstance(runtime.clock, VirtualClock) else "real"


def _close(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        conn.close()


def serve(runtime: Runtime, address: str | None = None, *, allow_remote: bool = False,
          token: str | None = None, control: bool = True, actors: Mapping[str, type[Actor]] | None = None,
          title: str | None = None, announce: bool = True, queue_limit: int = QUEUE_LIMIT,
          max_clients: int = MAX_CLIENTS) -> Server:
    """Serve ``runtime``'s tree to ``suptui attach`` clients; returns the :class:`Server`.

    ``address``: ``None`` for the default owner-only Unix socket
    (``$XDG_RUNTIME_DIR/suptui/<pid>.sock``), a socket path (``unix:PATH``), or ``tcp://HOST:PORT``
    (port 0 picks a free one). TCP is loopback only unless ``allow_remote``, and always asks for a
    token (``token``, or a random one): it is printed once on stderr with the attach command when
    ``announce`` is true, and is ``server.token``. ``control=False`` refuses every control request;
    ``actors`` names the actor classes a client may ``start_child`` (none by default: nothing can be
    instantiated from the wire otherwise). The server closes, and its socket file goes, when the
    runtime shuts down.
    """
    where = parse_address(address) if address else Address("unix", path=str(default_path()))
    inode: int | None = None
    if where.kind == "unix" and address is None:
        private_dir(default_dir())
        listener, inode, path = _listen_default()
        where = Address("unix", path=str(path))
        secret = None
    elif where.kind == "unix":
        path = Path(where.path).absolute()
        listener, inode = listen_unix(path)
        where = Address("unix", path=str(path))
        secret = None
    else:
        listener = listen_tcp(where.host, where.port, allow_remote)
        where = Address("tcp", host=where.host, port=listener.getsockname()[1])
        secret = token or secrets.token_urlsafe(24)
    server = Server(runtime, listener, where, token=secret, inode=inode, control=control, actors=actors,
                    title=title, queue_limit=queue_limit, max_clients=max_clients)
    _at_shutdown(runtime, server)
    if announce:
        print(f"suptui: serving the tree; attach with: {server.attach_command()}", file=sys.stderr,
              flush=True)
    return server


def _listen_default() -> tuple[socket.socket, int, Path]:
    """The default socket: ``<pid>.sock``, or the next free number when another runtime of this
    process serves there already."""
    for number in range(1, 100):
        path = default_path(number)
        try:
            listener, inode = listen_unix(path)
        except AddressError:
            if number == 99 or not os.path.exists(path):
                raise
            continue
        return listener, inode, path
    raise AddressError("no free default socket")  # (not reached)


def _at_shutdown(runtime: Runtime, server: Server) -> None:
    """Close ``server`` when the runtime shuts down (and at interpreter exit, for the socket file)."""
    runtime._shutdown_hooks.append(server.close)
    atexit.register(server.close)


def serve_from_environment(runtime: Runtime) -> Server | None:
    """Serve if ``SUPTUI_SERVE`` asks for it (the runtime calls this when it is made); a bad value
    is reported on stderr and the program runs unserved rather than not at all."""
    value = os.environ.get(ENV, "").strip()
    if not value or value == "0":
        return None
    address = None if value in ("1", "unix", "yes", "true") else value
    try:
        return serve(runtime, address, allow_remote=os.environ.get(ENV_REMOTE) == "1",
                     title=os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else None)
    except (AddressError, OSError) as exc:
        print(f"suptui: {ENV}={value}: not serving: {exc}", file=sys.stderr, flush=True)
        return None
