"""``suptui serve [TREE] [--host HOST] [--port N]``: the command line of :mod:`suptui.web.server`.

Like ``replay`` and ``attach``, ``serve`` as the first word is always this subcommand. The tree is
loaded once here, so a bad tree file is one error at the start (exit 2), not a broken page per tab;
textual-serve (and with it aiohttp) is imported only once the arguments are good.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..cli import UsageError, _Parser, check_tree_file
from ..treefile import load_tree

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def parse_serve_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``suptui serve`` arguments; raises :class:`~suptui.cli.UsageError`."""
    parser = _Parser(
        prog="suptui serve",
        description="Serve the playground to web browsers (textual-serve): each browser tab that opens "
                    "the page gets its own run of TREE, or the picker without TREE; closing the tab "
                    "ends its run. The e and S exports arrive as browser downloads.")
    parser.add_argument("tree", nargs="?", metavar="TREE",
                        help="a tree file (TOML) or the name of a bundled tree, e.g. bombs")
    parser.add_argument("--host", default=DEFAULT_HOST, metavar="HOST",
                        help=f"the address to listen on (default {DEFAULT_HOST}: this machine only). "
                             "Anything else lets whoever can reach it run the trees")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, metavar="N",
                        help=f"the port to listen on (default {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    if not args.host.strip():
        raise UsageError("--host needs an address, e.g. 127.0.0.1")
    return args


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return value


def serve_command(argv: Sequence[str]) -> int:
    """Run ``suptui serve``; returns the exit code (0 after Ctrl+C, 2 for a bad command line)."""
    args = parse_serve_args(argv)
    if args.tree is not None:
        check_tree_file(args.tree)
        load_tree(args.tree)  # a bad tree is reported now (TreeFileError: the caller's exit 2)
    try:
        from . import server
    except ImportError as exc:
        print(f"suptui: error: serving needs textual-serve, which cannot be imported: {exc}",
              file=sys.stderr)
        return 1
    if not server.is_loopback(args.host):
        print(server.public_warning(args.host, args.port), file=sys.stderr, flush=True)
    try:
        server.serve(args.tree, host=args.host, port=args.port)
    except OSError as exc:
        raise UsageError(server.describe_bind_error(args.host, args.port, exc)) from None
    return 0
