"""The client side of attach: connect to a served program, then read its tree as it lives.

Two levels, both usable from any thread:

* :func:`open_connection` makes one :class:`Connection`: the handshake is done and the first
  snapshot read when it returns, or it raises :class:`AttachError` with one line for the user (bad
  address, nothing there, refused, wrong token, another protocol). ``connection.updates()`` then
  yields :class:`Events` and :class:`Resynced` until the program ends (:class:`Disconnected`).
* :class:`Attachment` keeps a connection going for a face that lives longer than one (the app): a
  thread reads it and puts every :class:`Update` on a queue (and calls ``on_update``), and when the
  connection drops it reports :class:`Disconnected`, then :class:`Reconnecting` while it tries again,
  then :class:`Connected` with a fresh snapshot.

Only the engine and the standard library are imported: this is the engine's wire, read.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from ..engine import wire
from ..engine.listen import Address, AddressError, parse_address
from ..engine.mirror import Snapshot
from ..engine.protocol import PROTOCOL_VERSION, Event, ProtocolError, from_dict
from ..engine.recording import Header

TOKEN_ENV = "SUPTUI_TOKEN"
"""Where the token for a TCP address is read from when none is passed (kept out of ``ps``)."""
CONNECT_TIMEOUT_S = 5.0
QUEUE_SIZE = 1000
"""Updates (each a line's worth of events) a connection holds for a consumer that is behind."""


class AttachError(Exception):
    """Attaching failed, or the connection broke; ``str()`` is one line meant for the user."""


@dataclass(frozen=True, slots=True)
class Hello:
    """What the program said about itself on connect."""

    protocol: int
    version: str
    pid: int | None
    title: str | None
    clock: str
    auth: str
    control: bool

    def header(self) -> Header:
        """A recording header for what this connection streams (``suptui replay`` reads it)."""
        title = self.title or (f"pid {self.pid}" if self.pid is not None else None)
        return Header(title=title, clock=self.clock if self.clock in ("real", "virtual") else "real",
                      protocol=self.protocol, version=self.version)


# ---------------------------------------------------------------------------- updates

@dataclass(frozen=True, slots=True)
class Connected:
    """Attached (again): the tree is ``snapshot``; events follow from ``snapshot.seq + 1``."""

    hello: Hello
    snapshot: Snapshot


@dataclass(frozen=True, slots=True)
class Events:
    """The next events, in order, numbered on from the last ones (no gap, no duplicate)."""

    events: list[Event]


@dataclass(frozen=True, slots=True)
class Resynced:
    """The client fell behind and ``dropped`` events were skipped: start again from ``snapshot``."""

    snapshot: Snapshot
    dropped: int


@dataclass(frozen=True, slots=True)
class Disconnected:
    """The connection ended: ``program_ended`` when the program said goodbye (its runtime shut
    down), else it was lost (``reason`` says how)."""

    reason: str
    program_ended: bool


@dataclass(frozen=True, slots=True)
class Reconnecting:
    """Trying to attach again (attempt ``attempt``; ``error`` is why the last try failed, if one did)."""

    attempt: int
    error: str | None


@dataclass(frozen=True, slots=True)
class Closed:
    """The attachment was closed (by :meth:`Attachment.close`, or it does not reconnect)."""


Update = Connected | Events | Resynced | Disconnected | Reconnecting | Closed


# ---------------------------------------------------------------------------- one connection

def open_connection(address: str, token: str | None = None, *,
                    timeout: float = CONNECT_TIMEOUT_S) -> Connection:
    """Connect, check the program's hello, authenticate, and read the first snapshot."""
    try:
        where = parse_address(address)
    except AddressError as exc:
        raise AttachError(str(exc)) from None
    sock = _connect(where, timeout)
    try:
        sock.settimeout(timeout)
        reader = wire.LineReader(sock, wire.MAX_SERVER_LINE)
        hello = _read_hello(reader, where)
        if hello.auth == "token":
            token = token if token is not None else os.environ.get(TOKEN_ENV)
            if not token:
                raise AttachError(f"{where} asks for a token: set {TOKEN_ENV} (printed by the program "
                                  "when it started serving) or pass --token")
        greeting: dict[str, Any] = {"type": "hello", "protocol": PROTOCOL_VERSION}
        if token is not None and hello.auth == "token":
            greeting["token"] = token
        sock.sendall(wire.encode(greeting))
        first = _read(reader, where)
        if first.get("type") == "error":
            raise AttachError(_refusal(first, where))
        if first.get("type") != "snapshot":
            raise AttachError(f"{where}: expected a snapshot, got {str(first.get('type'))[:40]!r}")
        snapshot = _snapshot(first, where)
        sock.settimeout(None)
        return Connection(sock, reader, where, hello, snapshot)
    except AttachError:
        _close(sock)
        raise
    except TimeoutError:
        _close(sock)
        raise AttachError(f"{where}: no answer within {timeout:g} s: is it a suptui program?") from None
    except OSError as exc:
        _close(sock)
        raise AttachError(f"{where}: connection lost during the handshake ({exc.strerror or exc})") from None


def _connect(where: Address, timeout: float) -> socket.socket:
    try:
        if where.kind == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout)
                sock.connect(where.path)
            except BaseException:
                sock.close()
                raise
            return sock
        return socket.create_connection((where.host, where.port), timeout=timeout)
    except FileNotFoundError:
        raise AttachError(f"{where}: no such socket (is the program serving? SUPTUI_SERVE=1 or "
                          "runtime.serve())") from None
    except ConnectionRefusedError:
        raise AttachError(f"{where}: connection refused (the program is not serving there, or has ended)") \
            from None
    except PermissionError:
        raise AttachError(f"{where}: permission denied (the socket belongs to another user)") from None
    except TimeoutError:
        raise AttachError(f"{where}: no answer within {timeout:g} s") from None
    except socket.gaierror as exc:
        raise AttachError(f"{where}: unknown host ({exc.strerror})") from None
    except OSError as exc:
        raise AttachError(f"{where}: cannot connect ({exc.strerror or exc})") from None


def _read(reader: wire.LineReader, where: Address) -> dict[str, Any]:
    try:
        line = reader.readline()
    except wire.WireError as exc:
        raise AttachError(f"{where}: {exc}") from None
    if line is None:
        raise AttachError(f"{where}: the program closed the connection")
    try:
        return wire.decode(line, wire.MAX_SERVER_LINE)
    except wire.WireError as exc:
        raise AttachError(f"{where}: not a suptui program ({exc})") from None


def _read_hello(reader: wire.LineReader, where: Address) -> Hello:
    obj = _read(reader, where)
    if obj.get("suptui") != wire.MAGIC:
        raise AttachError(f"{where}: not a suptui program (its first line is not an attach hello)")
    protocol = obj.get("protocol")
    if type(protocol) is not int:
        raise AttachError(f"{where}: its hello has no protocol version")
    if protocol > PROTOCOL_VERSION:
        raise AttachError(f"{where}: the program speaks protocol {protocol} (suptui {obj.get('version')}); "
                          f"this suptui reads protocol {PROTOCOL_VERSION}: upgrade suptui")
    if protocol < PROTOCOL_VERSION:
        raise AttachError(f"{where}: the program speaks protocol {protocol} (suptui {obj.get('version')}); "
                          f"this suptui speaks {PROTOCOL_VERSION}: use the program's suptui version")
    pid = obj.get("pid")
    title = obj.get("title")
    return Hello(protocol, str(obj.get("version") or "unknown"), pid if type(pid) is int else None,
                 title if type(title) is str else None, str(obj.get("clock") or "real"),
                 str(obj.get("auth") or "none"), obj.get("control") is not False)


def _refusal(obj: dict[str, Any], where: Address) -> str:
    code, message = obj.get("error"), obj.get("message")
    if code == "bad_token":
        return f"{where}: wrong token (the program printed its token when it started serving)"
    if code == "busy":
        return f"{where}: too many clients attached already"
    return f"{where}: refused: {message if isinstance(message, str) else code}"


def _snapshot(obj: dict[str, Any], where: Address) -> Snapshot:
    try:
        return Snapshot.from_dict(obj)
    except ValueError as exc:
        raise AttachError(f"{where}: a bad snapshot ({exc})") from None


class Requests:
    """The control requests by name (each returns a future of the :class:`~suptui.engine.wire.Reply`);
    :class:`Connection` and :class:`Attachment` provide :meth:`request`."""

    def request(self, op: str, path: str, **fields: Any) -> Future[wire.Reply]:
        raise NotImplementedError

    def kill(self, path: str) -> Future[wire.Reply]:
        return self.request("kill", path)

    def exit(self, path: str, reason: str | list[Any]) -> Future[wire.Reply]:
        """``reason``: ``"normal"``, ``"shutdown"``, ``"{shutdown, done}"``, ``["shutdown", "done"]``,
        ``"kill"``, any other word for an abnormal reason."""
        return self.request("exit", path, reason=reason)

    def set_strategy(self, path: str, strategy: str) -> Future[wire.Reply]:
        return self.request("set_strategy", path, strategy=strategy)

    def start_child(self, path: str, spec: dict[str, Any]) -> Future[wire.Reply]:
        """``path`` is the supervisor; ``spec``: ``id``, ``actor`` (a name the program offers), ``args``,
        ``restart``, ``shutdown``, ``type``, ``significant``."""
        return self.request("start_child", path, spec=spec)

    def terminate_child(self, path: str) -> Future[wire.Reply]:
        return self.request("terminate_child", path)

    def restart_child(self, path: str) -> Future[wire.Reply]:
        return self.request("restart_child", path)

    def delete_child(self, path: str) -> Future[wire.Reply]:
        return self.request("delete_child", path)


class Connection(Requests):
    """One live connection: ``hello`` and ``snapshot`` (the first one) are read when it is made, and
    a thread of its own reads the rest. Iterate :meth:`updates` (or call :meth:`get`) on one thread;
    :meth:`request` from any thread."""

    def __init__(self, sock: socket.socket, reader: wire.LineReader, address: Address, hello: Hello,
                 snapshot: Snapshot) -> None:
        self.address = address
        self.hello = hello
        self.snapshot = snapshot
        self._sock = sock
        self._reader = reader
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, Future[wire.Reply]] = {}
        self._pending_lock = threading.Lock()
        self._expect = snapshot.seq + 1
        self._dropped = 0
        self._closed = False
        self._updates: queue.Queue[Events | Resynced | Disconnected] = queue.Queue(QUEUE_SIZE)
        self._thread = threading.Thread(target=self._pump, name="suptui-attach-read", daemon=True)
        self._thread.start()

    def updates(self) -> Iterator[Events | Resynced | Disconnected]:
        """Events as they come; after an ``overflow``, a :class:`Resynced`; last, a
        :class:`Disconnected` (then the iterator ends). Read by one consumer at a time."""
        while True:
            update = self._updates.get()
            yield update
            if isinstance(update, Disconnected):
                return

    def get(self, timeout: float | None = None) -> Events | Resynced | Disconnected | None:
        """The next update, or None after ``timeout`` seconds."""
        try:
            return self._updates.get(timeout=timeout)
        except queue.Empty:
            return None

    def _pump(self) -> None:
        """The reading thread: replies resolve their futures here, everything else is queued (a
        bounded queue: a consumer that stops reading stops this thread, then the socket, and the
        program's overflow rule takes over)."""
        for update in self._read():
            while not self._put(update):
                if self._closed:
                    self._put_now(update)
                    return

    def _put(self, update: Events | Resynced | Disconnected) -> bool:
        try:
            self._updates.put(update, timeout=0.5)
        except queue.Full:
            return False
        return True

    def _put_now(self, update: Events | Resynced | Disconnected) -> None:
        """(The consumer is gone and the queue full: make room for the final update.)"""
        with contextlib.suppress(queue.Empty):
            self._updates.get_nowait()
        with contextlib.suppress(queue.Full):
            self._updates.put_nowait(update)

    def _read(self) -> Iterator[Events | Resynced | Disconnected]:
        ended = False
        reason = "the connection was lost"
        try:
            while True:
                try:
                    line = self._reader.readline()
                except wire.WireError as exc:
                    reason = f"the program sent a bad line ({exc})"
                    break
                except OSError as exc:
                    reason = "closed" if self._closed else f"the connection was lost ({exc.strerror or exc})"
                    break
                if line is None:
                    reason = "closed" if self._closed else "the connection was lost (the program ended?)"
                    break
                try:
                    message = wire.decode(line, wire.MAX_SERVER_LINE)
                    update = self._take(message)
                except (wire.WireError, ProtocolError, ValueError) as exc:
                    reason = f"the program sent a bad message ({exc})"
                    break
                if update is _BYE:
                    ended, reason = True, "the program ended"
                    break
                if update is not None:
                    yield update
        finally:
            self._fail_pending(reason)
            self.close()
        yield Disconnected(reason, ended)

    def _take(self, message: dict[str, Any]) -> Any:
        kind = message.get("type")
        if kind == "events":
            return self._events(message)
        if kind == "reply":
            reply = wire.Reply.from_dict(message)
            with self._pending_lock:
                future = self._pending.pop(reply.id, None) if isinstance(reply.id, int) else None
            if future is not None and not future.done():
                future.set_result(reply)
            return None
        if kind == "overflow":
            self._expect = -1  # nothing counts until the fresh snapshot
            dropped = message.get("dropped")
            self._dropped = dropped if type(dropped) is int else 0
            return None
        if kind == "snapshot":
            snapshot = Snapshot.from_dict(message)
            self._expect = snapshot.seq + 1
            return Resynced(snapshot, self._dropped)
        if kind == "bye":
            return _BYE
        if kind == "error":
            raise wire.WireError("protocol", str(message.get("message") or message.get("error")))
        return None  # a message kind from a newer server of the same protocol: not ours to read

    def _events(self, message: dict[str, Any]) -> Events | None:
        seq, items = message.get("seq"), message.get("events")
        if type(seq) is not int or type(items) is not list:
            raise wire.WireError("protocol", "an events message needs 'seq' and 'events'")
        if self._expect < 0:
            return None  # sent before the overflow: the fresh snapshot covers them
        if seq != self._expect:
            raise wire.WireError("protocol", f"events from seq {seq}, expected {self._expect}")
        events = [from_dict(item, seq + index) for index, item in enumerate(items)]
        self._expect = seq + len(events)
        return Events(events)

    def request(self, op: str, path: str, **fields: Any) -> Future[wire.Reply]:
        """Send a control request (``kill``, ``exit`` with ``reason``, ``set_strategy`` with
        ``strategy``, ``start_child`` with ``spec``, ``terminate_child``, ``restart_child``,
        ``delete_child``); the future holds the :class:`~suptui.engine.wire.Reply`, or fails with
        :class:`AttachError` if the connection ends first."""
        future: Future[wire.Reply] = Future()
        ident = next(self._ids)
        message = {"type": "request", "id": ident, "op": op, "path": path, **fields}
        with self._pending_lock:
            if self._closed:
                future.set_exception(AttachError("not connected"))
                return future
            self._pending[ident] = future
        try:
            with self._send_lock:
                self._sock.sendall(wire.encode(message))
        except OSError as exc:
            with self._pending_lock:
                self._pending.pop(ident, None)
            future.set_exception(AttachError(f"not sent: {exc.strerror or exc}"))
        return future

    def send_raw(self, line: bytes) -> None:
        """Send bytes as they are (tests of the server's defences)."""
        with self._send_lock:
            self._sock.sendall(line)

    def _fail_pending(self, reason: str) -> None:
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(AttachError(f"disconnected: {reason}"))

    def close(self) -> None:
        with self._pending_lock:
            if self._closed:
                return
            self._closed = True
        _close(self._sock)


_BYE = object()


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


# ---------------------------------------------------------------------------- reconnecting

class Attachment(Requests):
    """A connection kept going, for a face that outlives connections (the app).

    :meth:`connect` makes the first connection on the caller's thread (so a bad address or token is
    an :class:`AttachError` at once), then a thread reads it and every :class:`Update` goes on
    :attr:`updates` (a ``queue.Queue``) and to ``on_update`` (called on that thread: hand it to your
    UI thread, e.g. Textual's ``call_from_thread``). When the connection drops: :class:`Disconnected`;
    with ``reconnect``, :class:`Reconnecting` for each try (every ``retry_s``, up to ``max_retry_s``
    apart) and :class:`Connected` with a fresh snapshot once back; :class:`Closed` at the very end.
    ``state`` is ``connecting``, ``connected``, ``reconnecting`` or ``closed``.
    """

    def __init__(self, address: str, token: str | None = None, *, reconnect: bool = True,
                 retry_s: float = 0.25, max_retry_s: float = 2.0,
                 on_update: Callable[[Update], None] | None = None) -> None:
        self.address = address
        self.token = token
        self.reconnect = reconnect
        self.retry_s = retry_s
        self.max_retry_s = max_retry_s
        self.on_update = on_update
        self.updates: queue.Queue[Update] = queue.Queue()
        self.state = "connecting"
        self._connection: Connection | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def connect(self) -> Connected:
        """The first connection (raises :class:`AttachError`); starts the reading thread."""
        connection = self._open()
        first = self._connected(connection)
        self._thread = threading.Thread(target=self._run, args=(connection,), name="suptui-attach",
                                        daemon=True)
        self._thread.start()
        return first

    def start(self) -> None:
        """Start the reading thread without a first connection: it tries at once and then as
        :class:`Reconnecting` says (for a face that waits for a program that is not up yet)."""
        self._thread = threading.Thread(target=self._run, args=(None,), name="suptui-attach", daemon=True)
        self._thread.start()

    def get(self, timeout: float | None = None) -> Update | None:
        """The next update, or None after ``timeout`` seconds."""
        try:
            return self.updates.get(timeout=timeout)
        except queue.Empty:
            return None

    def request(self, op: str, path: str, **fields: Any) -> Future[wire.Reply]:
        """:meth:`Connection.request` on the current connection (fails at once if there is none)."""
        connection = self._connection
        if connection is None:
            future: Future[wire.Reply] = Future()
            future.set_exception(AttachError(f"not connected ({self.state})"))
            return future
        return connection.request(op, path, **fields)

    def close(self) -> None:
        self._stop.set()
        connection = self._connection
        if connection is not None:
            connection.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)

    def _put(self, update: Update) -> None:
        self.updates.put(update)
        if self.on_update is not None:
            try:
                self.on_update(update)
            except Exception:  # a face's fault must not end the attachment
                import logging

                logging.getLogger(__name__).exception("attach: on_update failed")

    def _open(self) -> Connection:
        """One connection to the program (another kind of attachment opens its own: a BEAM node's
        agent); raises :class:`AttachError`."""
        return open_connection(self.address, self.token)

    def _connected(self, connection: Connection) -> Connected:
        self._connection = connection
        self.state = "connected"
        update = Connected(connection.hello, connection.snapshot)
        self._put(update)
        return update

    def _run(self, connection: Connection | None) -> None:
        attempt = 0
        error: str | None = None
        while True:
            if connection is not None:
                attempt, error = 0, None
                for update in connection.updates():
                    self._put(update)
                self._connection = None
            if self._stop.is_set() or not self.reconnect:
                break
            attempt += 1
            self.state = "reconnecting"
            connection = None
            self._put(Reconnecting(attempt, error))
            if self._stop.wait(min(self.max_retry_s, self.retry_s * attempt)):
                break
            try:
                connection = self._open()
            except AttachError as exc:
                error = str(exc)
                continue
            if self._stop.is_set():
                connection.close()
                break
            self._connected(connection)
        self.state = "closed"
        self._put(Closed())
