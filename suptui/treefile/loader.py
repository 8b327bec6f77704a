"""Loading a tree file: find it (a path or a bundled name), parse it, check all of it, build a Tree.

Every mistake becomes a :class:`Problem` with a position, collected and raised together as one
:class:`TreeFileError`; nothing here lets a traceback reach the user. The checks themselves live in
``nodes`` (the tree), ``actors`` (workers and their args) and ``script`` (timed actions).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .bundled import BundledTree, bundled_names, find_bundled, list_bundled
from .errors import Problem, TreeFileError
from .fields import Problems, Table, did_you_mean
from .model import Tree
from .nodes import NodeBuilder
from .script import build_script

__all__ = ["MAX_TREE_BYTES", "BundledTree", "list_bundled", "load_tree", "parse_tree"]

MAX_TREE_BYTES = 5 * 1024 * 1024
"""A tree file is a page of TOML; anything this big is a mistake (a log, an image, a device)."""
TOP_KEYS = ("title", "description", "script", "paused", "projector")
EMPTY_MESSAGE = ("the file is empty: a tree file describes the root supervisor and its [[children]], "
                 'e.g. [[children]] with id = "bomb1" and worker = "bomb"')
_SYNTAX_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_SYNTAX_END = re.compile(r"\s*\(at end of document\)$")


def load_tree(source: str | Path) -> Tree:
    """Load a tree from a file path, or a bundled tree by name (``"bombs"`` or ``"bombs.toml"``).

    An existing file wins over a bundled tree of the same name. Raises :class:`TreeFileError`.
    """
    name = str(source)
    if not name.strip():
        raise TreeFileError([Problem(repr(name), None, "", "expected a tree file path or a bundled tree name "
                                                           f"(bundled: {', '.join(bundled_names())})")])
    path = Path(source)
    if path.is_file():
        try:
            return parse_tree(_read(path, name), name, base_dir=path.parent.resolve())
        except RecursionError:  # (supervisors in supervisors hundreds deep: more than the reader follows)
            too_deep = "the tree is nested too deeply to read (supervisors within supervisors, hundreds deep)"
            raise TreeFileError([Problem(name, None, "", too_deep)]) from None
    bundled = find_bundled(name)
    if bundled is not None:
        return parse_tree(bundled.read_text(encoding="utf-8"), bundled.name)
    if path.exists():
        raise TreeFileError([Problem(name, None, "", "is not a file")])
    if "/" in name or "\\" in name:
        raise TreeFileError([Problem(name, None, "", "no such file")])
    stem = name[:-5] if name.endswith(".toml") else name
    hint = did_you_mean(stem, bundled_names())
    raise TreeFileError([Problem(name, None, "", f"no such file, and no bundled tree of that name{hint} "
                                                 f"(bundled: {', '.join(bundled_names())})")])


def _read(path: Path, name: str) -> str:
    """Read at most MAX_TREE_BYTES (+1 to notice more): some files (``/proc``) say 0 bytes and never end."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_TREE_BYTES + 1)
        if len(data) > MAX_TREE_BYTES:
            raise TreeFileError([Problem(name, None, "", f"is more than {MAX_TREE_BYTES // 1024 // 1024} MB; "
                                                         "a tree file is a page of TOML")])
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TreeFileError([Problem(name, None, "", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]
                            ) from None
    except OSError as exc:
        raise TreeFileError([Problem(name, None, "", f"cannot be read: {exc.strerror or exc}")]) from None


def parse_tree(text: str, file: str = "<tree>", *, base_dir: Path | None = None) -> Tree:
    """Check a tree file's text and build its Tree; ``file`` names it in problems and ``Tree.source``.

    ``base_dir`` is the file's folder, where ``module:Class`` workers are also looked for.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TreeFileError([_syntax_problem(file, text, exc)]) from None
    except RecursionError:
        too_deep = "values are nested too deeply to read (a tree file needs a few levels, not hundreds)"
        raise TreeFileError([Problem(file, None, "", too_deep)]) from None
    if not doc:
        raise TreeFileError([Problem(file, None, "", EMPTY_MESSAGE)])
    problems = Problems(file, text)
    top = Table(doc, "", problems)
    title = top.string("title")
    description = top.string("description")
    paused = top.boolean("paused", False)
    projector = top.boolean("projector", False)
    builder = NodeBuilder(problems, base_dir)
    root = builder.root(top, TOP_KEYS)
    script = build_script(top, root, builder)
    problems.raise_if_any()
    return Tree(file, root, title, description, script, paused, projector)


def _syntax_problem(file: str, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    """tomllib puts the position at the end of its message; move it to the front, editor-style."""
    message = str(exc)
    line: int | None = None
    match = _SYNTAX_POSITION.search(message)
    if match is not None:
        line = int(match.group(1))
        message = f"{message[: match.start()]} (column {match.group(2)})"
    elif _SYNTAX_END.search(message):
        line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        message = f"{_SYNTAX_END.sub('', message)} (at end of file)"
    return Problem(file, line, "", f"TOML syntax error: {message[:1].lower()}{message[1:]}")
