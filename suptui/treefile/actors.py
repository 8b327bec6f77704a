"""Turning ``worker = "..."`` into an Actor class, and checking ``args`` against what it accepts.

A worker is a built-in name (``bomb``) or ``package.module:Class``. Built-in workers declare their
arguments (``declared_args()``: type, default, help, bounds); for any other Actor class the
constructor's signature says which keywords it takes. Either way a bad arg is caught when the file
is loaded, not as a crash in the middle of a run.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

from ..engine import Actor, Supervisor
from ..engine.reasons import safe_repr
from ..workers import BUILTIN_WORKERS, Arg
from .fields import Table, describe, did_you_mean, is_int

_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def resolve_worker(table: Table, name: str, base_dir: Path | None) -> type[Actor] | None:
    """The class for ``worker = name``; reports why not (unknown, does not import, not a worker).

    Importing a worker module runs user code, so anything it raises, ``BaseException`` included, is
    caught: ``KeyboardInterrupt``, ``SystemExit`` or ``GeneratorExit`` from a module is no user
    interrupt and no request to quit but a fault of the tree file's worker, reported at its line.
    """
    if name in BUILTIN_WORKERS:
        return BUILTIN_WORKERS[name]
    if ":" not in name:
        builtins = ", ".join(BUILTIN_WORKERS)
        table.problem("worker", f'unknown worker "{name}"{did_you_mean(name, BUILTIN_WORKERS)}: expected '
                                f'a built-in worker ({builtins}) or "package.module:Class"')
        return None
    module_name, _, attr = name.partition(":")
    if not module_name or not attr or ":" in attr:
        table.problem("worker", f'worker "{name}" must be written "package.module:Class"')
        return None
    try:
        module = _import(module_name, base_dir)
    except ModuleNotFoundError as exc:
        table.problem("worker", f'worker "{name}": cannot import module "{module_name}" ({_text(exc)})')
        return None
    except BaseException as exc:  # importing runs user code: see the docstring
        table.problem("worker", f'worker "{name}": importing module "{module_name}" failed with '
                                f"{_exception(exc)}")
        return None
    try:
        cls = getattr(module, attr, None)
    except BaseException as exc:  # a module __getattr__ is user code too
        table.problem("worker", f'worker "{name}": looking up "{attr}" in module "{module_name}" failed '
                                f"with {_exception(exc)}")
        return None
    if cls is None:
        table.problem("worker", f'worker "{name}": module "{module_name}" has no "{attr}"'
                                f"{did_you_mean(attr, _actors_in(module))}")
        return None
    if not isinstance(cls, type):
        table.problem("worker", f'worker "{name}" is not a class (it is a {type(cls).__name__}): '
                                "a worker must be a subclass of suptui.engine.Actor")
        return None
    if not issubclass(cls, Actor):
        table.problem("worker", f'worker "{name}" is a class but not a worker: it must subclass '
                                "suptui.engine.Actor")
        return None
    if issubclass(cls, Supervisor):
        table.problem("worker", f'worker "{name}" is a supervisor: describe supervisors with strategy '
                                "and [[children]] instead")
        return None
    return cls


def _text(exc: BaseException) -> str:
    """``str(exc)``, whatever its ``__str__`` does (one that raises, even a BaseException, is said so)."""
    try:
        text = str(exc)
    except BaseException:  # a user exception's __str__ is user code
        return "(its message cannot be shown)"
    return text if isinstance(text, str) else f"<{type(exc).__name__}>"


def _exception(exc: BaseException) -> str:
    """``Type: message`` (just ``Type`` when the message is empty), for one problem line."""
    message = _text(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _actors_in(module: Any) -> list[str]:
    """The Actor classes a module defines, for a "did you mean"; nothing if the module resists looking."""
    try:
        return [key for key, value in vars(module).items()
                if isinstance(value, type) and issubclass(value, Actor)]
    except BaseException:  # a module's namespace can hold anything
        return []


def _import(module_name: str, base_dir: Path | None) -> Any:
    """Import from sys.path, then from the tree file's own folder (for workers kept beside it)."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        top = module_name.split(".")[0]
        folder = str(base_dir) if base_dir is not None else None
        if folder is None or exc.name != top or folder in sys.path:
            raise
    sys.path.append(folder)
    try:
        return importlib.import_module(module_name)
    finally:
        sys.path.remove(folder)


def check_args(node: Table, cls: type[Actor], worker: str) -> dict[str, Any]:
    """The node's ``args`` as written (float args as floats), after reporting every one that does not fit."""
    args = node.table("args")
    try:
        declared = _declared(cls)
    except BaseException as exc:  # declared_args() is user code on a user class
        node.problem("worker", f'worker "{worker}": its declared_args() failed with {_exception(exc)}')
        return {}
    if declared is None:
        return _check_by_signature(node, args, cls, worker)
    if args is None:
        return {}
    out: dict[str, Any] = {}
    for key, value in args.data.items():
        arg = declared.get(key)
        if arg is None:
            suggestion = did_you_mean(key, declared)
            known = "" if suggestion else f"; it takes {', '.join(declared) or 'no args'}"
            args.problem(key, f'unknown arg "{key}" for worker "{worker}"{suggestion}{known}')
            continue
        checked = _check_value(args, key, value, arg)
        if checked is not None:
            out[key] = checked
    return out


def _declared(cls: type[Actor]) -> dict[str, Arg] | None:
    """The class's ``declared_args()``; a ``TypeError`` (reported as its failure) when it is not a
    mapping of names to :class:`Arg`, as the check of each value needs."""
    declared = getattr(cls, "declared_args", None)
    if not callable(declared):
        return None
    found = declared()
    if not isinstance(found, dict) or not all(isinstance(key, str) and isinstance(arg, Arg)
                                              for key, arg in found.items()):
        raise TypeError("it must return a dict of argument names to suptui.workers.Arg, got "
                        f"{safe_repr(found, 80)}")
    return found


def _check_value(args: Table, key: str, value: Any, arg: Arg) -> Any:
    expected = arg.type
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = is_int(value)
    elif expected is float:
        ok = is_int(value) or isinstance(value, float)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, expected)
    if not ok:
        type_name = _TYPE_NAMES.get(expected, f"a {expected.__name__}")
        args.problem(key, f"arg {key} must be {type_name}, found {describe(value)} ({key}: {arg.help})")
        return None
    if arg.min is not None and value < arg.min:
        bound = "must not be negative" if arg.min == 0 else f"must be at least {arg.min}"
        args.problem(key, f"arg {key} {bound}, found {value} ({key}: {arg.help})")
        return None
    if arg.max is not None and value > arg.max:
        args.problem(key, f"arg {key} must be at most {arg.max}, found {value} ({key}: {arg.help})")
        return None
    return value


def _parameters(cls: type[Actor]) -> list[inspect.Parameter] | None:
    """The constructor's keyword parameters, or None when it accepts any keyword."""
    try:
        params = list(inspect.signature(cls).parameters.values())
    except BaseException:  # no signature (or a user __signature__ that raises): accept any keyword
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    return [p for p in params if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            inspect.Parameter.KEYWORD_ONLY)]


def _check_by_signature(node: Table, args: Table | None, cls: type[Actor], worker: str) -> dict[str, Any]:
    """For Actor classes that declare nothing: the constructor's keywords are the args."""
    given = dict(args.data) if args is not None else {}
    params = _parameters(cls)
    if params is None:
        return given
    names = [p.name for p in params]
    out: dict[str, Any] = {}
    for key, value in given.items():
        if key in names:
            out[key] = value
            continue
        assert args is not None
        suggestion = did_you_mean(key, names)
        known = "" if suggestion else f"; it takes {', '.join(names) or 'no args'}"
        args.problem(key, f'unknown arg "{key}" for worker "{worker}"{suggestion}{known}')
    missing = [p.name for p in params if p.default is inspect.Parameter.empty and p.name not in given]
    if missing:
        node.problem("args", f'worker "{worker}" needs arg(s) {", ".join(missing)}')
    return out
