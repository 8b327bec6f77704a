"""The keys that act on the selected node, as one table: key, rule, questions, confirm, engine call, reply.

Each of ``k`` ``x`` ``s`` ``1`` ``2`` ``3`` ``r`` ``a`` ``d`` ``delete`` is one :class:`NodeAction` row,
and the app runs every row down the same path (:meth:`~suptui.tui.app.SuptuiApp.node_action`): the
row's rule says why not (a log line) or lets it through; its questions are asked in turn; a
supervisor-wide action is confirmed; then exactly one engine call is made, and the reply is told as
the row says. The events the call causes reach the screen through the run's feed, like any other.

Rows are data, so the rules here are also what the help screen and the command palette ask (through
:func:`~suptui.tui.rules.why_not`) before they list a node action.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from ..engine.client import SupervisorError, unwrap
from ..engine.specs import STRATEGIES
from ..session import ActionOutcome, Session
from ..treefile.model import NodeDef
from .details import next_strategy
from .dialogs import EXIT_REASONS, RESTART_CHOICES, Choice
from .feed import EventFeed
from .guard import exc_text
from .model import NodeView, TreeModel
from .sources import builtin_workers, worker_summary

if TYPE_CHECKING:
    from .rules import Situation

Rule = Callable[[tuple[Any, ...], "Situation"], str | None]
"""Why an action does not apply to the selection (a sentence for the log), or None when it does."""


@dataclass(frozen=True)
class Act:
    """One press of a node key on its way down the path: what it acts on and what was chosen."""

    model: TreeModel
    """The tree shown (node keys act only on now, so it is the live one)."""
    target: NodeView
    """The selected node, or for the supervisor keys the supervisor it belongs to."""
    params: tuple[Any, ...] = ()
    """The binding's parameters (``set_strategy('one_for_all')``)."""
    answers: tuple[str, ...] = ()
    """The questions' answers so far, in order."""

    @property
    def path(self) -> str:
        return self.target.path

    @property
    def label(self) -> str:
        """The target as the log names it (relative to the root, control characters visible)."""
        return self.model.display(self.target.path)

    def answered(self, value: str) -> Act:
        return replace(self, answers=(*self.answers, value))


@dataclass(frozen=True)
class Question:
    """A list to pick from before the call (``x``'s reason, ``a``'s worker and restart type)."""

    title: Callable[[Act], str]
    choices: Callable[[Act], list[Choice]]
    initial: str | None = None
    none_left: str = ""
    """What the log says when ``choices`` is empty (the action ends there)."""


@dataclass(frozen=True)
class Sent:
    """What a row's one engine call returned, and how its reply is told.

    An :class:`ActionOutcome` (``kill``, ``exit``) is known at once; a ``Future`` holds a supervisor's
    OTP-shaped reply, told when it comes (on an engine thread, so only through the run's feed).
    """

    reply: Future[Any] | ActionOutcome
    what: str = ""
    """Names the call in a supervisor's reply line: ``restart_child bomb1: {error, running}``."""
    report_ok: bool = False
    """Also say when the call worked (an outcome: its own message; a future: ``what: ok``)."""
    forget: str | None = None
    """Once the reply is ok, the tree forgets this path (``delete_child``)."""
    expect: NodeDef | None = None
    """A child being added: the tree remembers its definition, to show its spec once it starts."""

    @property
    def at_once(self) -> bool:
        """The reply is known now (an outcome), not later (a supervisor's future)."""
        return isinstance(self.reply, ActionOutcome)

    def tell(self, feed: EventFeed, then: Callable[[], None] | None = None, *,
             before: int | None = None) -> None:
        """Say the reply in the log: an outcome now, a supervisor's reply when it comes.

        A future's callback runs on an engine thread, so it only talks to the feed; ``then`` runs on
        the UI thread at the next drain, after an ok reply. ``before``: the feed's mark from before
        the call; an outcome told at once goes before the events the call made ("sent bomb1 an exit
        signal" before "bomb1 exited", cause before effect).
        """
        reply, what, report_ok = self.reply, self.what, self.report_ok
        if isinstance(reply, ActionOutcome):
            if report_ok or not reply.ok:  # an ignored exit signal shows nothing else
                feed.note(reply.message, "note" if reply.ok else "error", at=before)
            return

        def done(f: Future[Any]) -> None:
            try:
                unwrap(f.result())
            except SupervisorError as exc:
                feed.note(f"{what}: {{error, {exc}}}", "error")
            except Exception as exc:
                feed.note(f"{what}: {exc_text(exc)}", "error")
            else:
                if report_ok:
                    feed.note(f"{what}: ok", "ok")
                if then is not None:
                    feed.call_soon(then)

        reply.add_done_callback(done)


@dataclass(frozen=True)
class NodeAction:
    """One row of the table."""

    name: str
    """The binding's action (``app.action_<name>``)."""
    key: str
    """The key as :mod:`~suptui.tui.bindings` binds it (a test keeps the two in step)."""
    rule: Rule
    call: Callable[[Session, Act], Sent]
    """The one engine call."""
    on: Literal["node", "supervisor"] = "node"
    """Acts on the selected node, or on the supervisor it is (or belongs to)."""
    questions: tuple[Question, ...] = field(default=())
    confirm: Callable[[Act], str | None] | None = None
    """The question asked before the call, or None when this target needs none (a worker)."""
    confirm_label: str = "Kill"
    params_ok: Callable[[tuple[Any, ...]], bool] = lambda params: True
    """Parameters a binding could pass that are not an action at all: ignored silently."""

    def target(self, model: TreeModel, selected: NodeView | None) -> NodeView | None:
        if selected is None:
            return None
        return model.supervisor_of(selected.path) if self.on == "supervisor" else selected


# ------------------------------------------------------------------ rules


def _label(s: Situation, node: NodeView | None) -> str:
    return s.model.display(node.path) if node is not None else "nothing"


def needs_running(params: tuple[Any, ...], s: Situation) -> str | None:
    node = s.selected
    if node is None or not node.running:
        return f"{_label(s, node)} is not running"
    return None


def terminable(params: tuple[Any, ...], s: Situation) -> str | None:
    if s.selected is not None and s.selected.parent is None:
        return "the root has no supervisor to terminate it; use k or x"
    return needs_running(params, s)


def strategy_settable(params: tuple[Any, ...], s: Situation) -> str | None:
    sup = s.model.supervisor_of(s.selected.path) if s.selected else None
    if sup is None or not sup.running:
        return "no running supervisor selected"
    if sup.kind == "dynamic":
        return f"{_label(s, sup)} is a dynamic supervisor: always one_for_one"
    if params and params[0] == sup.strategy:
        return f"{_label(s, sup)} already uses {sup.strategy}"
    return None


def stopped_child(params: tuple[Any, ...], s: Situation) -> str | None:
    node = s.selected
    if node is None or node.parent is None:
        return "select a child of a supervisor"
    if node.running:
        return f"{_label(s, node)} is running; that is for stopped children"
    if node.status in ("removed", "pending"):
        return f"{_label(s, node)} has no spec in its supervisor"
    return None


def running_supervisor(params: tuple[Any, ...], s: Situation) -> str | None:
    sup = s.model.supervisor_of(s.selected.path) if s.selected else None
    if sup is None or not sup.running:
        return "no running supervisor selected"
    return None


# ------------------------------------------------------------------ confirm questions


def _kill_question(act: Act) -> str | None:
    if not act.target.is_supervisor:
        return None
    what = "the whole tree" if act.target.parent is None else f"{act.label} and its subtree"
    return f"Kill {what}? (untrappable; reason killed)"


def _exit_question(act: Act) -> str | None:
    if not act.target.is_supervisor:
        return None
    return (f"Send {act.label} an exit signal ({act.answers[0]})? A supervisor traps exits, so only kill "
            "or its parent's signal ends it; then its subtree stops too.")


def _terminate_question(act: Act) -> str | None:
    return f"Terminate {act.label} and its subtree?" if act.target.is_supervisor else None


# ------------------------------------------------------------------ engine calls


def _strategy_of(act: Act) -> str:
    """``1`` ``2`` ``3`` name it; ``s`` takes the next one after the supervisor's."""
    return str(act.params[0]) if act.params else next_strategy(act.target.strategy)


def _set_strategy(session: Session, act: Act) -> Sent:
    strategy = _strategy_of(act)
    return Sent(session.set_strategy(act.path, strategy), f"set_strategy {act.label} {strategy}")


def _worker_choices(act: Act) -> list[Choice]:
    return [Choice(name, name, worker_summary(cls)) for name, cls in builtin_workers().items()]


def new_child(model: TreeModel, sup_path: str, worker: str, actor: type, restart: str) -> NodeDef:
    """The child ``a`` adds: the worker's name numbered past the ids its supervisor has."""
    n = 1
    while f"{sup_path}/{worker}{n}" in model.nodes:
        n += 1
    return NodeDef(id=f"{worker}{n}", path=f"{sup_path}/{worker}{n}", kind="worker", restart=restart,
                   worker=worker, actor=actor)


def _start_child(session: Session, act: Act) -> Sent:
    worker, restart = act.answers
    child = new_child(act.model, act.path, worker, builtin_workers()[worker], restart)
    return Sent(session.start_child(act.path, child), f"start_child {act.model.display(child.path)}",
                expect=child)


NODE_ACTIONS: dict[str, NodeAction] = {row.name: row for row in [
    NodeAction("kill", "k", needs_running,
               lambda session, act: Sent(session.kill(act.path), f"kill {act.label}"),
               confirm=_kill_question),
    NodeAction("exit_reason", "x", needs_running,
               lambda session, act: Sent(session.exit(act.path, act.answers[0]),
                                         f"exit {act.label} {act.answers[0]}", report_ok=True),
               questions=(Question(lambda act: f"Send {act.label} an exit signal (Process.exit/2) with which "
                                               "reason?", lambda act: EXIT_REASONS),),
               confirm=_exit_question, confirm_label="Exit"),
    NodeAction("cycle_strategy", "s", strategy_settable, _set_strategy, on="supervisor"),
    NodeAction("set_strategy", "1 2 3", strategy_settable, _set_strategy, on="supervisor",
               params_ok=lambda params: bool(params) and params[0] in STRATEGIES),
    NodeAction("restart_child", "r", stopped_child,
               lambda session, act: Sent(session.restart_child(act.path), f"restart_child {act.label}")),
    NodeAction("add_child", "a", running_supervisor, _start_child, on="supervisor",
               questions=(Question(lambda act: f"Add which worker to {act.label}?", _worker_choices,
                                   none_left="no built-in workers are available"),
                          Question(lambda act: f"Restart type for the new {act.answers[0]}?",
                                   lambda act: RESTART_CHOICES, initial="permanent"))),
    NodeAction("terminate_child", "d", terminable,
               lambda session, act: Sent(session.terminate_child(act.path), f"terminate_child {act.label}"),
               confirm=_terminate_question, confirm_label="Terminate"),
    NodeAction("delete_child", "delete", stopped_child,
               lambda session, act: Sent(session.delete_child(act.path), f"delete_child {act.label}",
                                         report_ok=True, forget=act.path)),
]}
"""Every node action, in the order the help screen lists their keys."""
