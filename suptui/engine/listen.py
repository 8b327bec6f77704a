"""Where a served program listens, made safe: owner-only Unix sockets, loopback-only TCP.

An attached client can kill any process of the program, so who may connect matters more than
anything else here:

* The default is a Unix domain socket ``$XDG_RUNTIME_DIR/suptui/<pid>.sock`` (or
  ``<tempdir>/suptui-<uid>/<pid>.sock``) in a directory that is the user's own and mode 0700, the
  socket itself 0600. A directory that exists but is someone else's, a symlink, or open to others is
  refused, never "fixed".
* The socket is bound in a fresh private directory (``mkdtemp``: 0700) next to its final place, made
  0600, then renamed into place. The process's umask is never changed (it is process-wide: another
  thread creating a file at that moment would get it), and no moment exists where the socket is at
  its final path with looser permissions.
* TCP binds loopback only unless the caller explicitly allows another interface; the server then
  asks every client for a random token.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

UNIX_PATH_MAX = 107
"""The longest path ``AF_UNIX`` takes on Linux (108 bytes with its NUL)."""


class AddressError(ValueError):
    """An address that cannot be used; the message is one line meant for the user."""


@dataclass(frozen=True, slots=True)
class Address:
    """A Unix socket path, or a TCP host and port."""

    kind: Literal["unix", "tcp"]
    path: str = ""
    host: str = ""
    port: int = 0

    def __str__(self) -> str:
        return self.path if self.kind == "unix" else f"tcp://{_host_text(self.host)}:{self.port}"


def _host_text(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def parse_address(text: str) -> Address:
    """``tcp://HOST:PORT``, ``unix:PATH`` or a path; :class:`AddressError` for anything else."""
    text = text.strip()
    if text.startswith("tcp://"):
        rest = text[len("tcp://"):].rstrip("/")
        if rest.startswith("["):
            host, _, port_text = rest[1:].partition("]")
            port_text = port_text.removeprefix(":")
        else:
            host, _, port_text = rest.rpartition(":")
        if not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
            raise AddressError(f"bad address {text!r}: expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:4040")
        return Address("tcp", host=host, port=int(port_text))
    if text.startswith("unix:"):
        text = text[len("unix:"):]
    if not text or "://" in text:
        raise AddressError(f"bad address {text!r}: expected a Unix socket path, unix:PATH or "
                           "tcp://127.0.0.1:PORT")
    return Address("unix", path=text)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (``localhost`` and 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_dir() -> Path:
    """The directory default sockets live in (created 0700 if missing; see :func:`private_dir`)."""
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    if runtime_dir and os.path.isdir(runtime_dir):
        return Path(runtime_dir) / "suptui"
    return Path(tempfile.gettempdir()) / f"suptui-{os.getuid()}"


def default_path(number: int = 1) -> Path:
    """``<pid>.sock``; a second runtime of the same process serving at once gets ``<pid>-2.sock``."""
    return default_dir() / (f"{os.getpid()}.sock" if number == 1 else f"{os.getpid()}-{number}.sock")


def private_dir(path: Path) -> Path:
    """Make ``path`` a directory only its owner can enter, or refuse one that is not ours alone."""
    try:
        os.mkdir(path, 0o700)
        os.chmod(path, 0o700)  # (mkdir's mode is masked by the umask: exactly 0700, for its owner)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise AddressError(f"{path} is not a directory (a symlink or a file is never used for sockets)")
    if info.st_uid != os.getuid():
        raise AddressError(f"{path} belongs to another user: refusing to put a socket there")
    if info.st_mode & 0o077:
        raise AddressError(f"{path} is open to other users (mode {stat.S_IMODE(info.st_mode):o}); "
                           "make it 0700 or remove it")
    return path


def listen_unix(path: Path) -> tuple[socket.socket, int]:
    """A listening socket at ``path``, mode 0600; and its inode (to remove only our own file later).

    A socket file already there is replaced if nothing answers on it (a program that died left it)
    and refused if something does.
    """
    if len(os.fsencode(path)) > UNIX_PATH_MAX:
        raise AddressError(f"{path}: too long for a Unix socket (at most {UNIX_PATH_MAX} bytes)")
    _clear_stale(path)
    staging = tempfile.mkdtemp(prefix=".suptui-", dir=path.parent)  # 0700, ours
    temporary = os.path.join(staging, "s")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        if len(os.fsencode(temporary)) > UNIX_PATH_MAX:
            raise AddressError(f"{path.parent}: too deep a directory for a Unix socket")
        sock.bind(temporary)
        os.chmod(temporary, 0o600)
        os.rename(temporary, path)
        sock.listen(16)
        return sock, os.lstat(path).st_ino
    except BaseException:
        sock.close()
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    finally:
        with contextlib.suppress(OSError):
            os.rmdir(staging)


def _clear_stale(path: Path) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(info.st_mode):
        raise AddressError(f"{path} exists and is not a socket: refusing to replace it")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        probe.connect(str(path))
    except OSError:
        os.unlink(path)  # nobody listens: left by a program that died
        return
    finally:
        probe.close()
    raise AddressError(f"{path}: another program is serving there")


def listen_tcp(host: str, port: int, allow_remote: bool) -> socket.socket:
    """A listening TCP socket; anything but loopback needs ``allow_remote``."""
    if not allow_remote and not is_loopback(host):
        raise AddressError(f"tcp://{_host_text(host)}:{port} is not a loopback address: serving beyond "
                           "this machine needs allow_remote=True (SUPTUI_SERVE_REMOTE=1)")
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    family, kind, proto, _name, where = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(where)
        sock.listen(16)
    except BaseException:
        sock.close()
        raise
    return sock


def remove_socket(path: str, inode: int) -> None:
    """Remove the socket file if it is still the one we made (not a later program's)."""
    with contextlib.suppress(OSError):
        if os.lstat(path).st_ino == inode:
            os.unlink(path)
