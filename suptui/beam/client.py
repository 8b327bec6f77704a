"""Run the BEAM agent and read it as an attach connection.

The agent is a child process (``elixir --sname suptui_<random> agent.exs NODE VERSION``) in a session
of its own (a Ctrl-C on the terminal reaches suptui, not the agent); its stdout and stdin are the
wire that a served program's socket is for :mod:`suptui.attach`. Everything read is JSON, line by
line, each line bounded (:data:`suptui.engine.wire.MAX_SERVER_LINE`). Closing the connection closes
the agent's stdin: the agent then has its tracer on the node turn tracing off and remove its logger
filter, says ``bye`` and ends. If suptui dies instead, the agent sees the same end of input.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import select
import shutil
import subprocess
import threading
from collections import deque
from pathlib import Path
from typing import Any

from ..attach import AttachError, Attachment, Connection, Hello
from ..engine import wire
from ..engine.mirror import Snapshot
from ..engine.protocol import PROTOCOL_VERSION

AGENT = Path(__file__).with_name("agent.exs")
"""The agent's source, run as it is by ``elixir`` (no compile step, no Hex packages)."""
COOKIE_ENV = "SUPTUI_BEAM_COOKIE"
"""How the cookie reaches the agent (its environment: not on a command line that ``ps`` shows)."""
CONNECT_TIMEOUT_S = 20.0
"""The agent's start, the distribution handshake and the first scan of the node, together."""
STOP_WAIT_S = 8.0
"""How long closing waits for the agent to clean up on the node before it is killed."""
_NODE = re.compile(r"[A-Za-z0-9_-]{1,200}@[A-Za-z0-9_.-]{1,200}")
INSTALL_HINT = ("install Erlang and Elixir (Debian/Ubuntu: 'apt-get install elixir'; macOS: 'brew install "
                "elixir') and try again")


def check_node_name(node: str) -> str:
    """The node name if it reads as ``NAME@HOST``; :class:`AttachError` otherwise."""
    if not _NODE.fullmatch(node):
        raise AttachError(f"{node!r} is not a node name: expected NAME@HOST, as in 'iex --sname demo' "
                          "-> demo@yourhost (see 'Node.self()' in its shell)")
    return node


def _version() -> str:
    from .. import __version__

    return str(__version__)


class _AgentPipe:
    """The agent's stdout and stdin, with the few socket methods :class:`~suptui.attach.Connection`
    and :class:`~suptui.engine.wire.LineReader` use."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        assert process.stdout is not None and process.stdin is not None
        self._out = process.stdout.fileno()
        self._in = process.stdin
        self._timeout: float | None = None
        self._closed = False
        self._out_closed = False
        self._lock = threading.Lock()
        self.stderr_tail: deque[str] = deque(maxlen=20)
        self._stderr = threading.Thread(target=self._drain, name="suptui-beam-stderr", daemon=True)
        self._stderr.start()

    def _drain(self) -> None:
        stream = self.process.stderr
        if stream is None:
            return
        with contextlib.suppress(OSError, ValueError):
            for raw in iter(lambda: stream.readline(4096), b""):
                text = raw.decode("utf-8", "replace").strip()
                if text:
                    self.stderr_tail.append(text[:300])
        with contextlib.suppress(OSError):
            stream.close()

    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def recv(self, size: int) -> bytes:
        if self._timeout is not None:
            ready, _, _ = select.select([self._out], [], [], self._timeout)
            if not ready:
                raise TimeoutError
        if self._out_closed:
            return b""
        data = os.read(self._out, size)
        if not data:  # (the agent ended: only the reading thread gets here, so it closes its end)
            self._close_out()
        return data

    def _close_out(self) -> None:
        self._out_closed = True
        with contextlib.suppress(OSError, ValueError):
            assert self.process.stdout is not None
            self.process.stdout.close()

    def sendall(self, data: bytes) -> None:
        with self._lock:
            self._in.write(data)
            self._in.flush()

    def shutdown(self, how: int) -> None:
        """End of input for the agent: it cleans up on the node and ends."""
        with self._lock, contextlib.suppress(OSError, ValueError):
            self._in.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.shutdown(0)
        try:
            self.process.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()  # (its tracer on the node sees the agent's node go and cleans up)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(2.0)
        self._close_out()  # (the reading thread stopped at the agent's bye, or reads its end now)

    def kill(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5.0)
        self.shutdown(0)
        self._close_out()

    def last_words(self) -> str:
        """The agent's last line on stderr (why it ended), if it wrote one."""
        self._stderr.join(1.0)
        for line in reversed(self.stderr_tail):
            if not line.startswith(("warning:", "(")):
                return line
        return ""


def _agent_command(node: str, elixir: str) -> list[str]:
    host = node.split("@", 1)[1]
    me = f"suptui_{secrets.token_hex(6)}"
    if "." not in host:
        naming = ["--sname", me]  # short names, as 'iex --sname'
    elif host.startswith("127.") or host == "localhost.localdomain":
        naming = ["--name", f"{me}@127.0.0.1"]  # a node named on the loopback address
    else:
        naming = ["--name", me]  # long names: the VM names this host itself (its fully qualified name)
    return [elixir, *naming, str(AGENT), node, _version()]


def open_beam(node: str, cookie: str | None = None, *, timeout: float = CONNECT_TIMEOUT_S) -> Connection:
    """Start the agent for ``node``, check its hello, say ours, read the first snapshot: a
    :class:`~suptui.attach.Connection`, or :class:`AttachError` with one line for the user."""
    check_node_name(node)
    elixir = shutil.which("elixir")
    if elixir is None:
        raise AttachError(f"--beam needs 'elixir' on PATH, and it is not there: {INSTALL_HINT}")
    if not AGENT.is_file():
        raise AttachError(f"the BEAM agent is missing from this installation ({AGENT})")
    env = dict(os.environ)
    env.pop(COOKIE_ENV, None)
    if cookie:
        env[COOKIE_ENV] = cookie
    try:
        process = subprocess.Popen(_agent_command(node, elixir), stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                   start_new_session=True)
    except OSError as exc:
        raise AttachError(f"cannot run elixir ({exc.strerror or exc}): {INSTALL_HINT}") from None
    pipe = _AgentPipe(process)
    try:
        pipe.settimeout(timeout)
        reader = wire.LineReader(pipe, wire.MAX_SERVER_LINE)  # type: ignore[arg-type]
        first = _read(reader, pipe, node, timeout)
        hello = _hello(first, node)
        pipe.sendall(wire.encode({"type": "hello", "protocol": PROTOCOL_VERSION}))
        obj = _read(reader, pipe, node, timeout)
        if obj.get("type") != "snapshot":
            raise AttachError(f"{node}: the agent sent {str(obj.get('type'))[:40]!r} instead of a snapshot")
        try:
            snapshot = Snapshot.from_dict(obj)
        except ValueError as exc:
            raise AttachError(f"{node}: the agent sent a bad snapshot ({exc})") from None
        pipe.settimeout(None)
        return Connection(pipe, reader, node, hello, snapshot)  # type: ignore[arg-type]
    except BaseException:
        # (nothing is attached yet; a tracer already on the node sees the agent's node go and cleans up)
        pipe.kill()
        raise


def _read(reader: wire.LineReader, pipe: _AgentPipe, node: str, timeout: float) -> dict[str, Any]:
    try:
        line = reader.readline()
    except TimeoutError:
        raise AttachError(f"{node}: no answer within {timeout:g} s (is the node reachable? a wrong cookie "
                          "can also look like this)") from None
    except (wire.WireError, OSError) as exc:
        raise AttachError(f"{node}: the agent failed ({exc})") from None
    if line is None:
        pipe.process.wait(5.0)
        words = pipe.last_words()
        raise AttachError(f"{node}: the agent ended before attaching"
                          + (f": {words}" if words else f" (exit status {pipe.process.returncode})"))
    try:
        obj = wire.decode(line, wire.MAX_SERVER_LINE)
    except wire.WireError as exc:
        text = line[:300].decode("utf-8", "replace")
        if "nodistribution" in text or "Kernel pid terminated" in text:
            host = node.split("@", 1)[1]
            hint = (" (long names need this machine to have a fully qualified name; try NAME@127.0.0.1 for a "
                    "local node started with --name NAME@127.0.0.1)" if "." in host else "")
            raise AttachError(f"{node}: the agent's Erlang VM could not start distribution{hint}: "
                              f"{text[:160]}") from None
        raise AttachError(f"{node}: the agent sent something else than the attach wire ({exc})") from None
    if obj.get("type") == "error":
        message = obj.get("message")
        raise AttachError(f"{node}: {message if isinstance(message, str) else obj.get('error')}")
    return obj


def _hello(obj: dict[str, Any], node: str) -> Hello:
    if obj.get("suptui") != wire.MAGIC or obj.get("protocol") != PROTOCOL_VERSION:
        raise AttachError(f"{node}: the agent speaks another protocol ({obj.get('protocol')!r}); "
                          f"this suptui speaks {PROTOCOL_VERSION}")
    title = obj.get("title")
    return Hello(PROTOCOL_VERSION, str(obj.get("version") or "unknown"), None,
                 title if isinstance(title, str) else node, "real", "none", obj.get("control") is not False)


class BeamAttachment(Attachment):
    """An :class:`~suptui.attach.Attachment` to a BEAM node: the same updates (``Connected``,
    ``Events``, ``Resynced``, ``Disconnected``, ``Reconnecting``, ``Closed``) and the same requests
    (futures of replies). With ``reconnect`` a new agent is started when the old one's connection
    ends (the node restarted, say)."""

    def __init__(self, node: str, cookie: str | None = None, *, reconnect: bool = False,
                 **options: Any) -> None:
        super().__init__(check_node_name(node), None, reconnect=reconnect, **options)
        self._cookie = cookie

    def _open(self) -> Connection:
        return open_beam(self.address, self._cookie)
