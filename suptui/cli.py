"""The ``suptui`` command: open a tree in the app, or run it headless and print its timeline; and
``suptui replay RUN.jsonl``, the same for a recording.

``replay`` as the first word is always the subcommand (no bundled tree has that name; a tree file
called ``replay`` or ``replay.toml`` is opened as ``suptui ./replay.toml``), so what a command means
never depends on the files in the current directory.

Everything a user can get wrong on the command line ends in one ``suptui: error: ...`` line on stderr
and exit code 2, never a traceback; a bad tree file prints the loader's ``FILE:LINE: message`` lines.
The app, and with it Textual, is imported only when it is about to run, so the headless path starts
fast and works where Textual cannot.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import importlib
import math
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import terminal
from .engine import faults
from .engine.pacer import MAX_SPEED, MIN_SPEED
from .engine.recording import (
    Header,
    Recording,
    RecordingError,
    RecordingStream,
    RecordingWriter,
    open_recording,
    read_recording,
)
from .gcpolicy import Collector
from .headless import DEFAULT_UNTIL_MS, FORMATS, render, run_headless
from .headless.output import STREAMED_FORMATS, Output, private_stdout
from .safetext import visible
from .story.predict import PredictionError, horizon, report, score_prediction
from .story.prediction import read_prediction
from .treefile import TreeFileError, list_bundled, load_tree
from .treefile.loader import MAX_TREE_BYTES
from .treefile.model import Tree

HEADLESS_ONLY = ("until", "format", "realtime", "at")
PREDICT_EXCLUDES = ("format", "realtime", "at")
AT_EXCLUDES = ("format", "until", "realtime")
"""``--at`` prints its own form of one instant of a run on the virtual clock."""
REPLAY = "replay"
ATTACH = "attach"
"""``suptui attach ADDRESS``: a live program's tree (``runtime.serve()``/``SUPTUI_SERVE=1``), like replay
a first word that is always the subcommand."""
REPLAY_BATCH = 4096
"""Events per write when a replay prints its recording back (``--format jsonl``)."""
APP_ONLY = ("speed", "paused", "projector")
IN_THE_APP = "\0app"
"""``--predict`` given without FILE: open the app in predict mode instead of scoring a file."""


class UsageError(Exception):
    """A bad command line, reported as one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors become :class:`UsageError` instead of a usage dump and ``exit(2)``."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def run() -> NoReturn:
    """The ``suptui`` command as a program (the console script, ``python -m suptui``): :func:`main`,
    then the end of the process.

    A worker may start a thread that is not a daemon and never ends; Python would wait for it after
    the tree is shut down and the output written, for ever (``q`` left a blank screen behind). The
    tree is over by then: the command says which threads it leaves and ends without them.
    """
    code = main()
    lingering = [thread.name for thread in threading.enumerate()
                 if thread is not threading.main_thread() and not thread.daemon and thread.is_alive()]
    if lingering:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            print(f"suptui: not waiting for {len(lingering)} thread(s) a worker started and left running: "
                  f"{visible(', '.join(lingering[:5]))}", file=sys.stderr, flush=True)
        os._exit(code)
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 run failed, 2 bad input, 130 interrupted)."""
    clean = terminal.child_channel()  # set when this process is the app run by a watcher
    faults.install()  # exceptions in workers' own threads and __del__ become their fault events
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        if clean is not None:
            terminal.mark_clean(clean)


def _main(argv: list[str]) -> int:
    try:
        if argv[:1] == [REPLAY]:
            return _replay(parse_replay_args(argv[1:]), argv)
        if argv[:1] == ["serve"]:  # the app in web browsers (suptui.web); always the subcommand
            from .web.command import serve_command

            return serve_command(argv[1:])
        if argv[:1] == [ATTACH]:
            return _attach(parse_attach_args(argv[1:]), argv)
        args = parse_args(argv)
        if args.list:
            return _list_trees()
        if args.headless:
            return _headless(args)
        if terminal.should_watch():  # the app, on a terminal: run it where its death cannot hurt
            return terminal.run_watched(argv)
        enable_faulthandler()
        if args.tree is None:
            return _run_app(None, None, args)
        check_tree_file(args.tree)
        tree = load_tree(args.tree)
        return _run_app(tree, args.tree, args)
    except UsageError as exc:
        print(f"suptui: error: {exc}", file=sys.stderr)
        return 2
    except (TreeFileError, RecordingError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("suptui: interrupted", file=sys.stderr)
        return 130


# ---------------------------------------------------------------------------- arguments


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse and cross-check the arguments; raises :class:`UsageError`."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    args.predict_in_app = False
    given = {name for name in (*HEADLESS_ONLY, *APP_ONLY) if getattr(args, name) not in (None, False)}
    if args.list:
        if args.tree is not None:
            raise UsageError("--list takes no TREE")
        return args
    if args.predict == IN_THE_APP:
        args.predict = None
        args.predict_in_app = True
        if args.headless:
            raise UsageError("--predict without FILE opens the app in predict mode; with --headless, "
                             "give it the prediction FILE to score")
    elif args.predict is not None and args.tree is None:
        raise UsageError(f"--predict {args.predict}: which tree? Write 'suptui TREE --predict FILE' to score "
                         "a file, or 'suptui TREE --predict' to predict in the app")
    elif args.predict is not None:
        args.headless = True  # scoring a prediction file is a headless run
        for name in PREDICT_EXCLUDES:
            if name in given:
                raise UsageError(f"--{name} does not apply with --predict, which prints its own scored "
                                 "report from a run on the virtual clock")
    if args.headless:
        if args.tree is None:
            raise UsageError("--headless needs a TREE: a tree file or a bundled name (see suptui --list)")
        for name in APP_ONLY:
            if name in given:
                raise UsageError(f"--{name} is for the app; it has no effect with --headless")
        _check_at(args, given)
    else:
        for name in HEADLESS_ONLY:
            if name in given:
                raise UsageError(f"--{name} only applies with --headless")
    return args


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="suptui",
        description="A live OTP-style supervision tree in the terminal.",
        epilog="Without TREE, the app opens on its picker of bundled trees. 'suptui replay RUN.jsonl' "
               "replays a recording (see suptui replay --help).",
    )
    parser.add_argument("tree", nargs="?", metavar="TREE",
                        help="a tree file (TOML) or the name of a bundled tree, e.g. bombs")
    parser.add_argument("--list", action="store_true", help="list the bundled trees and exit")
    parser.add_argument("--version", action=_Version)
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="seed for workers that use randomness (default 0)")
    headless = parser.add_argument_group("headless mode")
    headless.add_argument("--headless", action="store_true",
                          help="run without the app and print the timeline")
    headless.add_argument("--until", type=_until, metavar="MS",
                          help=f"stop after MS milliseconds of tree time (default {DEFAULT_UNTIL_MS})")
    headless.add_argument("--format", choices=tuple(FORMATS),
                          help="text (default): one line per event; jsonl: one JSON object per event; "
                               "summary: one line per moment, as the lesson tells it; svg: the timeline "
                               "as a picture, from 0 to --until")
    headless.add_argument("--realtime", action="store_true",
                          help="follow the wall clock instead of the instant virtual one")
    headless.add_argument("--at", type=_at, metavar="MS",
                          help="print the tree as it stood at MS milliseconds (each node's pid, state and "
                               "restarts; each supervisor's strategy and restart window) instead of the "
                               "timeline")
    headless.add_argument("--predict", metavar="FILE", nargs="?", const=IN_THE_APP,
                          help="score a prediction written in the summary format against the run; "
                               "exit 0 if it is fully right, 1 if not (implies --headless). Without "
                               "FILE: open the app in predict mode (mark your prediction in a grid, "
                               "then watch it run and see it scored)")
    app = parser.add_argument_group("app")
    app.add_argument("--speed", type=_speed, metavar="X",
                     help=f"start at X times real speed ({_number(MIN_SPEED)} to {_number(MAX_SPEED)})")
    app.add_argument("--paused", action="store_true", help="start with the clock paused")
    app.add_argument("--projector", action="store_true",
                     help="for a room: the log first and tallest, bold reversed cursor and crash lines, "
                          "a longer, stronger crash flash")
    return parser


def _until(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number of milliseconds, got {text!r}")
    return value


def _at(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of milliseconds (0 or more), got {text!r}")
    return value


def _check_at(args: argparse.Namespace, given: set[str]) -> None:
    if args.at is None:
        return
    for name in AT_EXCLUDES:
        if name in given:
            raise UsageError(f"--{name} does not apply with --at, which prints the tree at one instant of "
                             "a run on the virtual clock")


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not MIN_SPEED <= value <= MAX_SPEED:
        raise argparse.ArgumentTypeError(
            f"expected a number from {_number(MIN_SPEED)} to {_number(MAX_SPEED)}, got {text!r}")
    return value


def _number(value: float) -> str:
    return f"{value:g}"


def parse_replay_args(argv: Sequence[str]) -> argparse.Namespace:
    """``suptui replay RUN.jsonl [--headless [--format F] [--until MS] [--at MS]]``.

    Raises :class:`UsageError`, as :func:`parse_args` does.
    """
    parser = _Parser(
        prog="suptui replay",
        description="Replay a recording (a run written by 'suptui TREE --headless --format jsonl' or the "
                    "app's e key): in the app, or printed as any run. No worker code runs or is imported.",
    )
    parser.add_argument("recording", nargs="?", metavar="RUN.jsonl", help="the recording to replay")
    parser.add_argument("--headless", action="store_true", help="print it instead of opening the app")
    parser.add_argument("--format", choices=tuple(FORMATS),
                        help="text (default), jsonl (the recording again, cut at --until), summary, svg")
    parser.add_argument("--until", type=_until, metavar="MS",
                        help="only the events before MS milliseconds (default: all of them)")
    parser.add_argument("--at", type=_at, metavar="MS",
                        help="print the tree as it stood at MS milliseconds instead of the timeline")
    args = parser.parse_args(argv)
    if args.recording is None:
        raise UsageError("replay needs a recording: suptui replay RUN.jsonl [--headless] (a tree file named "
                         "replay is opened as 'suptui ./replay.toml')")
    given = {name for name in ("format", "until", "at") if getattr(args, name) is not None}
    if not args.headless and given:
        raise UsageError(f"--{sorted(given)[0]} only applies with --headless")
    if args.at is not None and given - {"at"}:
        raise UsageError(f"--{sorted(given - {'at'})[0]} does not apply with --at, which prints the tree at "
                         "one instant")
    return args


def parse_attach_args(argv: Sequence[str]) -> argparse.Namespace:
    """``suptui attach ADDRESS [--headless [--format jsonl|text]] [--token TOKEN]``."""
    parser = _Parser(
        prog="suptui attach",
        description="Attach to a live Python program that serves its tree (runtime.serve() or "
                    "SUPTUI_SERVE=1): its tree in the app, or with --headless its events on stdout until "
                    "it ends or Ctrl-C.")
    parser.add_argument("address", nargs="?", metavar="ADDRESS",
                        help="the socket path the program printed, or tcp://127.0.0.1:PORT")
    parser.add_argument("--headless", action="store_true", help="print the events instead of the app")
    parser.add_argument("--format", choices=("text", "jsonl"),
                        help="text (default) or jsonl (a recording 'suptui replay' reads)")
    parser.add_argument("--token", metavar="TOKEN",
                        help="the token a TCP address asks for (better: the SUPTUI_TOKEN environment "
                             "variable, which other users cannot see in ps)")
    parser.add_argument("--beam", metavar="NAME@HOST",
                        help="attach to an Erlang/Elixir node instead of an ADDRESS (suptui runs its agent "
                             "with the system's elixir; see docs/beam.md)")
    parser.add_argument("--cookie", metavar="COOKIE",
                        help="the node's cookie, with --beam (default: ~/.erlang.cookie, as iex uses)")
    args = parser.parse_args(argv)
    if args.beam is not None and (args.address is not None or args.token is not None):
        raise UsageError("--beam takes the node's name instead of an ADDRESS (and no --token)")
    if args.cookie is not None and args.beam is None:
        raise UsageError("--cookie only applies with --beam")
    if args.address is None and args.beam is None:
        raise UsageError("attach needs an address: suptui attach ADDRESS --headless (the program prints it "
                         "when it starts serving)")
    if args.format is not None and not args.headless:
        raise UsageError("--format only applies with --headless")
    return args


def _attach(args: argparse.Namespace, argv: Sequence[str] = ()) -> int:
    if args.beam is not None:
        return _attach_beam(args, argv)
    if not args.headless:
        return _attach_app(args, argv)
    from .headless.attached import attach_headless

    return attach_headless(args.address, args.token, args.format or "text", nice=True)


def _attach_app(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """The app on a live program. It attaches before any screen: a bad address, a refusal, a wrong
    token or another protocol is one line and exit 2 (on a terminal, checked here too before the
    watched child starts, which attaches for itself)."""
    from .attach import AttachError, open_connection

    if terminal.should_watch():
        try:
            open_connection(args.address, args.token).close()
        except AttachError as exc:
            print(f"suptui: error: {visible(str(exc))}", file=sys.stderr)
            return 2
        return terminal.run_watched(argv)
    enable_faulthandler()
    from .tui.attachview import run_attach

    return run_attach(args.address, args.token)


def _attach_beam(args: argparse.Namespace, argv: Sequence[str] = ()) -> int:
    """``suptui attach --beam NAME@HOST``: the node's trees through suptui's BEAM agent, in the app (it
    connects before any screen: a bad name, no elixir, an unreachable node or a wrong cookie is one
    line and exit 2) or streamed with ``--headless``."""
    if not args.headless:
        if terminal.should_watch():
            return terminal.run_watched(argv)
        enable_faulthandler()
        from .beam import BeamAttachment
        from .tui.attachview import run_attach

        return run_attach(args.beam, make_attachment=lambda: BeamAttachment(args.beam, args.cookie,
                                                                             reconnect=True))
    from .beam import open_beam
    from .headless.attached import attach_headless

    return attach_headless(args.beam, None, args.format or "text", nice=True,
                           connect=lambda: open_beam(args.beam, args.cookie))


# ---------------------------------------------------------------------------- the tree argument


def check_tree_file(arg: str) -> None:
    """Refuse a tree file too big to be one, before anything reads it. Raises :class:`UsageError`.

    Everything else about TREE (a bundled name, a missing file, a directory, a device, bad bytes)
    is the loader's business: it reports those as ``TreeFileError`` with a "did you mean".
    """
    path = Path(arg)
    if path.is_file() and (size := path.stat().st_size) > MAX_TREE_BYTES:
        raise UsageError(f"{arg} is {size:,} bytes; a tree file may be at most "
                         f"{MAX_TREE_BYTES // 1024 // 1024} MB")


def _list_trees() -> int:
    entries = list(list_bundled())
    width = max((len(entry.name) for entry in entries), default=0)
    for entry in entries:
        _write(f"{entry.name:<{width}}  {entry.title}\n")
    return 0


# ---------------------------------------------------------------------------- running


def _headless(args: argparse.Namespace) -> int:
    """Load and run a tree without the app, its workers' stdout kept out of the output.

    The tree is loaded inside :func:`private_stdout`: loading imports worker modules, and what they
    print at import must not reach the output either. One collector policy covers the command: held
    while the tree loads and starts (the run settles it once started), held again while the output
    is made from the events (a 100,000-worker run's output walks 200,000 events: no cycles to find).
    """
    enable_faulthandler()
    collector = Collector()
    collector.hold()  # loading a big tree makes objects, not garbage (see suptui.gcpolicy)
    try:
        with private_stdout() as output:
            check_tree_file(args.tree)
            tree = load_tree(args.tree)
            if args.predict is not None:
                return _run_predict(tree, args, output, collector)
            if args.at is not None:
                return _run_at(tree, args, output, collector)
            return _run_headless(tree, args, output, collector)
    finally:
        collector.release(collect=False)


class _Version(argparse.Action):
    """``--version``: the package's version, read only when asked for (see ``suptui.__version__``)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **_: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from . import __version__

        print(f"suptui {__version__}")
        parser.exit()


def enable_faulthandler() -> None:
    """A crash of the interpreter (or a hang someone ends with SIGABRT) dumps every thread to stderr.

    Left alone when something (pytest, ``python -X faulthandler``) already enabled it, and when
    stderr is no real file.
    """
    if faulthandler.is_enabled():
        return
    with contextlib.suppress(AttributeError, OSError, ValueError):
        faulthandler.enable(file=sys.stderr, all_threads=True)


def _run_headless(tree: Tree, args: argparse.Namespace, output: Output, collector: Collector) -> int:
    """Run and print; ``text`` and ``jsonl`` are printed as events happen, the others at the end."""
    fmt = args.format or "text"
    until = args.until if args.until is not None else DEFAULT_UNTIL_MS
    stream = output.event_stream(fmt) if fmt in STREAMED_FORMATS else None
    failure: Exception | None = None
    try:
        events = run_headless(tree, until, seed=args.seed, realtime=args.realtime, on_event=stream,
                              on_header=stream.header if stream is not None else None,
                              collector=lambda: collector)
    except Exception as exc:  # an engine or worker bug: one line, not a traceback
        failure = exc
    finally:
        if stream is not None:  # also on Ctrl-C: what happened so far is printed
            stream.close()
    if failure is not None:
        print(f"suptui: the run failed: {type(failure).__name__}: {failure}", file=sys.stderr)
        return 1
    if stream is None:
        collector.hold()
        output.write(render(events, fmt, until=until, title=tree.title))
    return 0


def _run_at(tree: Tree, args: argparse.Namespace, output: Output, collector: Collector) -> int:
    """Run to ``--at`` (its events included), then print the tree as it stood then."""
    from .headless.at import tree_at

    headers: list[Header] = []
    try:
        events = run_headless(tree, args.at + 1, seed=args.seed, on_header=headers.append,
                              collector=lambda: collector)
    except Exception as exc:  # an engine or worker bug: one line, not a traceback
        print(f"suptui: the run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    output.write(tree_at(Recording(headers[0], events), args.at, args.tree, tree))
    return 0


def _run_predict(tree: Tree, args: argparse.Namespace, output: Output, collector: Collector) -> int:
    """Read the prediction (a bad file is exit 2 before anything runs), run, print the scored diff.

    Exit 0 when every moment was predicted right, 1 when not; scoring runs to the end of the second
    after the prediction's last line unless ``--until`` says otherwise.
    """
    try:
        prediction = read_prediction(args.predict)
    except PredictionError as exc:
        print(exc, file=sys.stderr)
        return 2
    until = args.until if args.until is not None else horizon(prediction)
    try:
        events = run_headless(tree, until, seed=args.seed, collector=lambda: collector)
    except Exception as exc:  # an engine or worker bug: one line, not a traceback
        print(f"suptui: the run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    try:
        score = score_prediction(prediction, events, tree, until)
    except PredictionError as exc:  # a name the tree does not have
        print(exc, file=sys.stderr)
        return 2
    output.write(report(score))
    return 0 if score.perfect else 1


def _replay(args: argparse.Namespace, argv: list[str]) -> int:
    """Read the recording (a bad file is ``FILE:LINE: message``, exit 2), then print or open it.

    The app reads only the header here (a bad one is refused before anything opens): it reads the
    rest as it shows it. Nothing here imports a worker or starts an engine: the events are the whole
    story.
    """
    if args.headless:
        return _replay_headless(read_recording(args.recording), args)
    stream = open_recording(args.recording)  # the header, checked before the app opens
    if terminal.should_watch():  # the app, on a terminal: as for a tree, where its death cannot hurt
        stream.close()
        return terminal.run_watched(argv)
    enable_faulthandler()
    return _run_replay_app(stream, args.recording)


def _replay_headless(recording: Recording, args: argparse.Namespace) -> int:
    with private_stdout() as output:
        if args.at is not None:
            from .headless.at import tree_at

            output.write(tree_at(recording, args.at, args.recording))
            return 0
        fmt = args.format or "text"
        events = [e for e in recording.events if args.until is None or e.t < args.until]
        if fmt == "jsonl":  # streamed in batches: a long recording is never one string in memory
            writer = RecordingWriter(output.write, recording.header)
            for start in range(0, len(events), REPLAY_BATCH):
                writer.events(events[start:start + REPLAY_BATCH])
            return 0
        output.write(render(events, fmt, until=args.until, title=recording.header.title))
    return 0


def _run_replay_app(stream: RecordingStream, source: str) -> int:
    """Open the app on a recording through ``suptui.tui.app.run_replay_stream(stream, source)`` (it
    reads the rest as it shows it), or ``run_replay(recording, source)`` with the whole recording
    read first, if the app has either (the app's replay is built apart from this command line: these
    are the names they share). Imported only now, as for a tree: nothing before this point loads
    Textual."""
    with contextlib.ExitStack() as closing:
        closing.callback(stream.close)
        try:
            app = importlib.import_module("suptui.tui.app")
        except ImportError as exc:
            if (exc.name or "").startswith("suptui.tui"):
                print("suptui: the terminal app is not available in this build; use 'suptui replay "
                      f"{visible(source)} --headless' to print the recording", file=sys.stderr)
            else:
                print(f"suptui: the terminal app cannot start: {exc}", file=sys.stderr)
            return 1
        run_stream = getattr(app, "run_replay_stream", None)
        if run_stream is not None:
            closing.pop_all()  # the app's loader closes it
            return int(run_stream(stream, source))
        run_replay = getattr(app, "run_replay", None)
        if run_replay is None:
            print("suptui: replaying in the app is not available yet; use 'suptui replay "
                  f"{visible(source)} --headless' to print the recording", file=sys.stderr)
            return 1
        recording = Recording(stream.header, stream.rest())
    return int(run_replay(recording, source))


def _run_app(tree: Tree | None, source: str | None, args: argparse.Namespace) -> int:
    """Import the app only now: the headless path must never load Textual."""
    try:
        from .tui.app import run_app
    except ImportError as exc:
        if (exc.name or "").startswith("suptui.tui"):
            print("suptui: the terminal app is not available in this build; "
                  "use --headless to run a tree without it", file=sys.stderr)
        else:
            print(f"suptui: the terminal app cannot start: {exc}", file=sys.stderr)
        return 1
    speed = args.speed if args.speed is not None else 1.0
    extra: dict[str, bool] = {"predict": True} if args.predict_in_app else {}
    if args.projector:
        extra["projector"] = True
    return run_app(tree, source, speed=speed, paused=args.paused, seed=args.seed, **extra)


def _write(text: str) -> None:
    """Write to stdout; a reader that goes away (``| head``) ends the output quietly."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except UnicodeEncodeError:  # a terminal that cannot show "←": degrade, do not fail
        encoding = sys.stdout.encoding or "ascii"
        sys.stdout.write(text.encode(encoding, "replace").decode(encoding))
    except BrokenPipeError:
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
