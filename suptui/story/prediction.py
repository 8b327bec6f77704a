"""Reading a prediction: the ``summary`` format, written by a person.

What ``--format summary`` prints is always accepted, and so is the lesson's own way of writing it::

    - 2 seconds: bomb1 crashes (bomb2 and bomb3 restarted)
    - 2.5 s: Bomb 1 crashes; Bomb 2 crashes
    * 6 seconds: root gives up (6 restarts in 5 s > 5), stopping bomb3 and bomb2
    - 7 seconds: nothing

Case, spacing, "1 second"/"2.5 seconds"/"3 s"/"3000 ms", Oxford commas, a trailing full stop, past
tenses ("crashed", "gave up") and names written like the lesson's ("Bomb 1" for ``bomb1``,
``:bomb1``) are all fine. Anything else is an error with its ``FILE:LINE``, never a guess: a
misread prediction would be scored wrong for the wrong reason.

Parsing happens in two steps. :func:`parse_prediction` checks the text alone; :func:`resolve` then
maps the names to the paths of one tree (a name is relative to the supervisor the clause is about,
else to the root, as in ``summary``).
"""

from __future__ import annotations

import difflib
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import leaf, parent, relative
from ..safetext import visible
from .facts import Category, Clause, ClauseKind

MAX_PREDICTION_BYTES = 1024 * 1024


class PredictionError(Exception):
    """A prediction file that cannot be read; ``problems`` are ``FILE:LINE: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        # A problem quotes the file's own words (and its name), which reach a terminal or the app's
        # log: control characters are shown as escapes, so each problem stays one line of text.
        self.problems = [visible(problem) for problem in problems]
        super().__init__("\n".join(self.problems))


@dataclass
class _Names:
    """Names as written, and the supervisor they are relative to: the clause's subject (``"subject"``),
    its parent (``"parent"``) or nothing (the root)."""

    names: list[str]
    relative_to: str


@dataclass
class RawClause:
    """One clause as written, before names are resolved."""

    kind: ClauseKind
    subject: str
    category: Category | None = None
    failed_start: bool = False
    not_restarted: bool = False
    objects: list[_Names] = field(default_factory=list)
    restarted: list[_Names] = field(default_factory=list)
    stopped: list[_Names] = field(default_factory=list)


@dataclass
class PredictedMoment:
    """Everything predicted for one instant (several lines with the same time are merged)."""

    t: int
    line: int
    text: str
    clauses: list[tuple[int, RawClause]]
    """Each clause with its line number, for errors found when resolving names."""


@dataclass
class Prediction:
    source: str
    moments: dict[int, PredictedMoment]

    @property
    def last_t(self) -> int:
        return max(self.moments) if self.moments else 0


# ---------------------------------------------------------------------------- lines

_LINE = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:at\s+)?(?:t\s*=\s*)?(?P<number>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>ms|milliseconds?|s|secs?|seconds?)?\s*:\s*(?P<rest>.*)$", re.IGNORECASE)


def read_prediction(path: str | Path) -> Prediction:
    """Read and parse a prediction file; raises :class:`PredictionError` (also for an unreadable file)."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block forever, /dev/zero never end
            raise PredictionError([f"{path}: is not a regular file; expected a prediction text file"])
        if info.st_size > MAX_PREDICTION_BYTES:
            raise PredictionError([f"{path}: {info.st_size:,} bytes is too big for a prediction"])
        with path.open("rb") as file:  # bounded: /proc files say 0 bytes whatever they hold
            data = file.read(MAX_PREDICTION_BYTES + 1)
        if len(data) > MAX_PREDICTION_BYTES:
            raise PredictionError([f"{path}: more than {MAX_PREDICTION_BYTES:,} bytes is too big for a "
                                   "prediction"])
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PredictionError([f"{path}: cannot read it: {exc}"]) from None
    return parse_prediction(text, str(path))


def parse_prediction(text: str, source: str = "<prediction>") -> Prediction:
    """Every ``- T seconds: clause; clause`` line; blank lines and ``#`` comments are skipped."""
    problems: list[str] = []
    moments: dict[int, PredictedMoment] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(f"{source}:{number}: expected a line like '- 2 seconds: bomb1 crashes', "
                            f"got {line.strip()!r}")
            continue
        t = _millis(match["number"], match["unit"])
        rest = match["rest"].strip()
        moment = moments.setdefault(t, PredictedMoment(t, number, "", []))
        moment.text = "; ".join(part for part in (moment.text, rest) if part)
        for clause_text in _split_top(rest, ";"):
            try:
                clause = parse_clause(clause_text)
            except ValueError as exc:
                problems.append(f"{source}:{number}: {exc}")
                continue
            if clause is not None:
                moment.clauses.append((number, clause))
    if problems:
        raise PredictionError(problems)
    if not moments:
        raise PredictionError([f"{source}: no prediction in it; "
                               "write lines like '- 2 seconds: bomb1 crashes'"])
    return Prediction(source, dict(sorted(moments.items())))


def _millis(number: str, unit: str | None) -> int:
    value = float(number)
    return round(value if unit and unit.lower().startswith("m") else value * 1000)


def _split_top(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


# ---------------------------------------------------------------------------- clauses

_DEATHS: dict[str, Category] = {
    "crashes": "crash", "crashed": "crash", "crash": "crash", "explodes": "crash", "exploded": "crash",
    "dies": "crash", "died": "crash", "is killed": "crash", "was killed": "crash", "gets killed": "crash",
    "fails to start": "crash", "failed to start": "crash",
    "exits": "exit", "exited": "exit", "shuts down": "exit", "shut down": "exit", "ignores its start": "exit",
}
_FAILED_START = ("fails to start", "failed to start", "ignores its start")
_DEATH = re.compile(
    r"^(?P<subject>.+?)\s+(?P<verb>" + "|".join(sorted(map(re.escape, _DEATHS), key=len, reverse=True))
    + r")(?:\s+by\s+(?:the\s+)?[\w-]+)?$", re.IGNORECASE)
_GIVE_UP = re.compile(r"^(?P<subject>.+?)\s+(?:gives|gave|give)\s+up$", re.IGNORECASE)
_ACTION = re.compile(
    r"^(?P<subject>.+?)\s+(?P<verb>starts|started|restarts|restarted|terminates|terminated|stops|stopped)"
    r"\s+(?P<objects>.+?)(?:\s+and\s+(?:restarts|restarted)\s+(?P<more>.+))?$", re.IGNORECASE)
_PASSIVE = re.compile(
    r"^(?P<objects>.+?)\s+(?:(?:is|are|was|were|gets?|got)\s+)?(?P<verb>restarted|stopped|terminated)"
    r"(?:\s+too)?$", re.IGNORECASE)
_IGNORED = re.compile(r"^(?:nothing(?: happens)?|.+?\s+switches\s+from\s+\S+\s+to\s+\S+|"
                      r".+?\s+leaves\s+a\s+thread\s+behind)$", re.IGNORECASE)
_BARE_VERB = re.compile(r"^(?:" + "|".join(map(re.escape, _DEATHS)) + r"|gives up|gave up)\b", re.IGNORECASE)
_STOPPING = re.compile(r",\s*stopping\s+(?P<names>.+)$", re.IGNORECASE)

_NOTE_NOT_RESTARTED = re.compile(r"^not\s+restarted$", re.IGNORECASE)
_BE = r"(?:(?:is|are|was|were)\s+)?"
_NOTE_RESTARTED = re.compile(r"^(?P<names>.+?)\s+" + _BE + r"(?:restarted|restarts)(?:\s+too)?$",
                             re.IGNORECASE)
_NOTE_STOPPED = re.compile(r"^(?P<names>.+?)\s+" + _BE + r"(?:stopped|terminated)$", re.IGNORECASE)
_NOTE_IGNORED = re.compile(r"^(?:because of .+|\d+ times|\d+ restarts? in .+)$", re.IGNORECASE)

_EXAMPLES = "e.g. 'bomb1 crashes (bomb2 restarted)', 'root gives up' or 'root restarts bomb2'"


def parse_clause(text: str) -> RawClause | None:
    """One clause; ``None`` for one that predicts nothing scored. Raises ``ValueError`` with the reason."""
    text = " ".join(text.split()).rstrip(".").strip()
    head, notes = _take_notes(text)
    if (match := _STOPPING.search(head)) is not None:
        split_names(match["names"])  # checked, so a typo there is still an error
        head = head[:match.start()].strip()
    if _IGNORED.match(head):
        return None
    if (match := _GIVE_UP.match(head)) is not None:
        clause = RawClause("give_up", match["subject"])
    elif (match := _DEATH.match(head)) is not None:
        verb = match["verb"].lower()
        clause = RawClause("death", match["subject"], _DEATHS[verb], verb in _FAILED_START)
    elif (match := _ACTION.match(head)) is not None:
        clause = _action(match)
    elif (match := _PASSIVE.match(head)) is not None:
        kind: ClauseKind = "restart" if match["verb"].lower() == "restarted" else "stop"
        return RawClause(kind, "", objects=[_Names(split_names(match["objects"]), "")])
    elif _BARE_VERB.match(head):
        raise ValueError(f"who {head.split()[0]}? name the node first, as in 'bomb1 {head}'")
    else:
        raise ValueError(f"cannot read {text!r}; write clauses {_EXAMPLES}")
    if clause.kind in ("death", "give_up"):
        _apply_notes(clause, notes, lenient=clause.category == "exit")
        # ", stopping a and b" is read but not scored: giving up or shutting down implies it.
    elif notes:
        _apply_notes(clause, notes, lenient=True)
    return clause


def _action(match: re.Match[str]) -> RawClause:
    verb = match["verb"].lower()
    objects = _Names(split_names(match["objects"]), "subject")
    if verb.startswith("start"):
        return RawClause("start", match["subject"], objects=[objects])
    if verb.startswith("restart"):
        return RawClause("restart", match["subject"], objects=[objects])
    clause = RawClause("stop", match["subject"], objects=[objects])
    if match["more"]:
        clause.restarted.append(_Names(split_names(match["more"]), "subject"))
    return clause


def _take_notes(text: str) -> tuple[str, list[str]]:
    """Take every top-level ``(...)`` out of ``text``: the rest, and the notes inside, split on ``;``."""
    head: list[str] = []
    notes: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
            if depth == 1:
                continue
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ValueError(f"a ')' without its '(' in {text!r}")
            if depth == 0:
                notes.extend(_split_top("".join(current), ";"))
                current = []
                continue
        (current if depth else head).append(char)
    if depth:
        raise ValueError(f"a '(' without its ')' in {text!r}")
    return " ".join("".join(head).split()), notes


def _apply_notes(clause: RawClause, notes: list[str], *, lenient: bool) -> None:
    """``(bomb2 and bomb3 restarted)``, ``(bomb2 stopped)``, ``(not restarted)``; an exit may carry its
    reason, anything else must be one of those."""
    for note in notes:
        if _NOTE_NOT_RESTARTED.match(note):
            clause.not_restarted = True
        elif (match := _NOTE_RESTARTED.match(note)) is not None:
            clause.restarted.append(_Names(split_names(match["names"]), "parent"))
        elif (match := _NOTE_STOPPED.match(note)) is not None:
            clause.stopped.append(_Names(split_names(match["names"]), "parent"))
        elif not (_NOTE_IGNORED.match(note) or lenient):
            raise ValueError(f"cannot read the note ({note}); expected e.g. '(bomb2 and bomb3 restarted)', "
                             "'(bomb2 stopped)' or '(not restarted)'")


def split_names(text: str) -> list[str]:
    """``a, b and c``, ``a, b, and c``, ``a & b``, ``both a and b``."""
    text = re.sub(r"^(?:both|all of|all)\s+", "", text.strip(), flags=re.IGNORECASE)
    names = [n.strip() for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", text, flags=re.IGNORECASE)]
    names = [n for n in names if n]
    for name in names:
        if re.fullmatch(r"\d+ more", name):
            raise ValueError(f"'{name}' cannot be scored: name every node")
    if not names:
        raise ValueError(f"expected names, got {text!r}")
    return names


# ---------------------------------------------------------------------------- names → paths


def _norm(name: str) -> str:
    """``Bomb 1`` → ``bomb1``, ``:bomb1`` → ``bomb1``: the lesson's names for the tree's ids."""
    return re.sub(r"[\s`'\":]+", "", name.lower())


_ROOT_ALIASES = ("supervisor", "thesupervisor", "rootsupervisor", "thetopsupervisor")


class Resolver:
    """Names to paths for one tree, the way ``summary`` names things."""

    def __init__(self, paths: Iterable[str], root: str) -> None:
        self.root = root
        self.paths = sorted(set(paths) | {root})
        self._by_norm = {self._norm_path(path): path for path in self.paths}
        self._by_leaf: dict[str, list[str]] = {}
        for path in self.paths:
            self._by_leaf.setdefault(_norm(leaf(path)), []).append(path)

    @staticmethod
    def _norm_path(path: str) -> str:
        return "/".join(_norm(part) for part in path.split("/"))

    def resolve(self, name: str, under: str | None = None) -> str:
        """The path ``name`` stands for, relative to ``under``, else to the root; ``ValueError`` if none."""
        key = self._norm_path(name.strip("/"))
        if key in _ROOT_ALIASES:
            return self.root
        candidates = [f"{under}/{name}"] if under else []
        candidates += [f"{self.root}/{name}", name]
        for candidate in candidates:
            found = self._by_norm.get(self._norm_path(candidate))
            if found is not None:
                return found
        leaves = self._by_leaf.get(key, [])
        if len(leaves) == 1:
            return leaves[0]
        known = [self.short(path) for path in self.paths]
        if len(leaves) > 1:
            raise ValueError(f"{name!r} is ambiguous: {', '.join(self.short(p) for p in leaves)}")
        by_norm = {self._norm_path(short): short for short in known}
        close = difflib.get_close_matches(key, list(by_norm), n=1)
        hint = f"; did you mean {by_norm[close[0]]!r}?" if close else f"; the tree has {', '.join(known)}"
        raise ValueError(f"no node called {name!r} in this tree{hint}")

    def short(self, path: str) -> str:
        return relative(path)


def resolve(prediction: Prediction, resolver: Resolver) -> dict[int, list[Clause]]:
    """Each moment's clauses with paths for names; raises :class:`PredictionError` for unknown names."""
    problems: list[str] = []
    out: dict[int, list[Clause]] = {}
    for t, moment in prediction.moments.items():
        clauses = out.setdefault(t, [])
        for line, raw in moment.clauses:
            try:
                clauses.append(_resolve_clause(raw, resolver))
            except ValueError as exc:
                problems.append(f"{prediction.source}:{line}: {exc}")
    if problems:
        raise PredictionError(problems)
    return out


def _resolve_clause(raw: RawClause, resolver: Resolver) -> Clause:
    subject = resolver.resolve(raw.subject) if raw.subject else resolver.root

    def paths(groups: list[_Names]) -> list[str]:
        out: list[str] = []
        for group in groups:
            under = {"subject": subject, "parent": parent(subject)}.get(group.relative_to)
            out.extend(resolver.resolve(name, under) for name in group.names)
        return out

    return Clause(raw.kind, subject, raw.category, raw.failed_start, raw.not_restarted,
                  paths(raw.objects), paths(raw.restarted), paths(raw.stopped))
