"""The predict grid as data: which marks the learner put in which second, and the text they amount to.

The grid is only a way of writing a prediction; the scoring is :mod:`suptui.story.predict`'s, on
the same ``summary``-format text that ``--predict FILE`` reads. So :meth:`Draft.summary_text` writes
what the grid says as summary lines and the app hands them to ``parse_prediction``: a grid and a file
saying the same thing score the same.

A crash mark comes with a restart mark (the lesson's reading: a crashed child is restarted), which
the learner can take away with ``r`` (a temporary child, or the crash that made its supervisor give
up). The text then says ``(not restarted)`` itself, so the scorer never has to guess from the order
of the clauses which crash was the last straw.

No Textual here: tests check the text without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..engine.intensity import add_restart, exceeded, in_window
from ..headless.summary import name, when
from ..treefile.model import Tree
from .model import NodeView, TreeModel

CRASH, RESTART, GIVE_UP = "crash", "restart", "give_up"
MARKS: tuple[str, ...] = (CRASH, RESTART, GIVE_UP)
MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 3, 30, 10


@dataclass(frozen=True)
class DraftRow:
    """One node of the tree as the grid lists it."""

    path: str
    name: str
    """Relative to the root (``db/repo``), the way summary lines name nodes; the root keeps its id."""
    guide: str
    """The tree's box-drawing prefix, so the grid reads like the tree."""
    is_supervisor: bool
    is_root: bool
    timer: str = ""
    """What is already scheduled for it at t = 0 (``explodes at 2000 ms``), or its limits."""
    restart: str = "permanent"
    """Its restart type: whether its death is a restart decision of its supervisor (the budget)."""
    max_restarts: int | None = None
    max_seconds: int | None = None
    """A supervisor's restart intensity, for its budget row."""


def _parent(path: str) -> str | None:
    return path.rsplit("/", 1)[0] if "/" in path else None


@dataclass(frozen=True)
class BudgetCell:
    """One second of a supervisor's budget row: its restart window as the marks fill it."""

    count: int
    """Restarts the window holds at this second, its own decisions included (the fatal one too)."""
    decisions: int
    """Restart decisions the marks make in this second (a group restart is one)."""
    gave_up: bool
    """This second's decisions took the window over ``max_restarts``: the supervisor gives up."""


def join_all(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: every name (the scorer refuses "3 more")."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass
class Draft:
    """The learner's marks: ``(path, second) → set of marks``, for seconds ``1 … seconds``."""

    rows: list[DraftRow]
    seconds: int = DEFAULT_SECONDS
    marks: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)

    # ---------------------------------------------------------------- editing

    def cell(self, path: str, second: int) -> frozenset[str]:
        return self.marks.get((path, second), frozenset())

    def _row(self, path: str) -> DraftRow | None:
        return next((row for row in self.rows if row.path == path), None)

    def _set(self, path: str, second: int, marks: Iterable[str]) -> None:
        value = frozenset(marks)
        if value:
            self.marks[(path, second)] = value
        else:
            self.marks.pop((path, second), None)

    def toggle(self, path: str, second: int, mark: str) -> None:
        """Flip one mark, keeping the cell meaningful: a crash or give-up brings its restart (not for
        the root, which nobody restarts) and excludes the other; a give-up is for supervisors only."""
        row = self._row(path)
        if row is None or mark not in MARKS or not 1 <= second <= self.seconds:
            return
        cell = set(self.cell(path, second))
        if mark == RESTART:
            if not row.is_root:
                cell ^= {RESTART}
        elif mark in cell:
            cell -= {mark, RESTART}
        elif mark == CRASH or row.is_supervisor:
            cell -= {CRASH, GIVE_UP}
            cell |= {mark} if row.is_root else {mark, RESTART}
        self._set(path, second, cell)

    def clear(self, path: str, second: int) -> None:
        self.marks.pop((path, second), None)

    def resize(self, seconds: int) -> None:
        """Show ``seconds`` columns (within limits); marks beyond them are dropped, not hidden."""
        self.seconds = max(MIN_SECONDS, min(MAX_SECONDS, seconds))
        for key in [key for key in self.marks if key[1] > self.seconds]:
            del self.marks[key]

    # ---------------------------------------------------------------- the budget

    def decisions(self, sup_path: str, second: int) -> int:
        """The restart decisions ``sup_path`` makes in ``second`` by the marks (docs/semantics.md
        §R3.1): one per child marked crashed that is not temporary, one per permanent child
        supervisor marked giving up (it exits with ``shutdown``, which a transient one is not
        restarted for). A sibling marked only restarted is part of a group restart: no decision of
        its own (§R3.7), so one_for_all's crash counts once however many restart with it."""
        count = 0
        for row in self.rows:
            if _parent(row.path) != sup_path:
                continue
            cell = self.cell(row.path, second)
            crashed = CRASH in cell and row.restart != "temporary"
            gave_up = GIVE_UP in cell and row.restart == "permanent"
            count += crashed or gave_up
        return count

    def budget(self, sup_path: str) -> list[BudgetCell | None]:
        """Second by second (index 0 is 1 s), the window of ``sup_path`` as the marks fill it, with
        OTP's arithmetic (:mod:`suptui.engine.intensity`, §R3.3–R3.4): each decision stamps its whole
        second, stamps more than ``max_seconds`` old leave, and a count over ``max_restarts`` is the
        give-up. After it, None (nothing is left to count) until the supervisor is marked restarted
        (a new process, an empty window, §R3.8)."""
        row = self._row(sup_path)
        if row is None or row.max_restarts is None or row.max_seconds is None:
            return []
        stamps: tuple[int, ...] = ()
        down = False
        out: list[BudgetCell | None] = []
        for second in range(1, self.seconds + 1):
            decisions = 0 if down else self.decisions(sup_path, second)
            gave_up = False
            for _ in range(decisions):
                stamps = add_restart(stamps, second, row.max_seconds)
                if exceeded(stamps, row.max_restarts):
                    gave_up = True
                    break
            out.append(None if down else BudgetCell(len(in_window(stamps, second, row.max_seconds)),
                                                     decisions, gave_up))
            down = down or gave_up
            if RESTART in self.cell(sup_path, second):
                stamps, down = (), False
        return out

    def give_up_second(self, sup_path: str) -> int | None:
        """The second the marks make ``sup_path`` give up, if they do."""
        cells = self.budget(sup_path)
        return next((i + 1 for i, cell in enumerate(cells) if cell is not None and cell.gave_up), None)

    # ---------------------------------------------------------------- the text

    @property
    def until_ms(self) -> int:
        """Scoring covers every second of the grid: up to the end of the last one."""
        return (self.seconds + 1) * 1000

    def summary_text(self) -> str:
        """The marks as summary lines (``- 2 seconds: bomb1 crashes``); a grid left empty predicts
        that nothing happens, which is a prediction too."""
        lines = [line for second in range(1, self.seconds + 1) if (line := self._line(second))]
        return "\n".join(lines or [f"- {when(self.seconds * 1000)}: nothing"]) + "\n"

    def _line(self, second: int) -> str | None:
        marked = [(row, self.cell(row.path, second)) for row in self.rows]
        marked = [(row, cell) for row, cell in marked if cell]
        if not marked:
            return None
        giving_up = {row.path for row, cell in marked if GIVE_UP in cell}
        deaths: list[str] = []
        give_ups: list[str] = []
        restarted: list[str] = []
        for row, cell in marked:
            again = RESTART in cell
            note = "" if again or row.is_root else " (not restarted)"
            if CRASH in cell:
                deaths.append(f"{row.name} crashes{note}")
            if GIVE_UP in cell:
                give_ups.append(f"{row.name} gives up{note}")
            ended = CRASH in cell or GIVE_UP in cell
            # A restart is said outright unless the death implies it; a death in the second its
            # supervisor gives up may be the last straw, which implies nothing, so say it there too.
            if again and (not ended or _parent(row.path) in giving_up):
                restarted.append(row.name)
        clauses = [*deaths, *give_ups]
        if restarted:
            clauses.append(f"{join_all(restarted)} restarted")
        return f"- {when(second * 1000)}: {'; '.join(clauses)}"


def draft_rows(model: TreeModel, timer_of: Callable[[NodeView], str]) -> list[DraftRow]:
    """Every node of the tree, unfolded, in the tree's order, with what ``timer_of`` says is scheduled."""
    out = []
    for row in model.flatten():
        node = model.nodes.get(row.path)
        if node is not None and node.status != "removed":
            out.append(DraftRow(row.path, model.display(row.path), row.guide, node.is_supervisor,
                                node.parent is None, timer_of(node), node.restart or "permanent",
                                node.max_restarts, node.max_seconds))
    return out


def script_notes(tree: Tree) -> list[str]:
    """The tree's script, which is part of what is scheduled at t = 0 (``at 1 s the script kills a``)."""
    notes = []
    for step in tree.script:
        detail = f" ({step.reason})" if step.reason else ""
        detail += f" → {step.strategy}" if step.strategy else ""
        notes.append(f"script at {when(step.at)}: {step.action} {name(step.target)}{detail}")
    return notes
