"""Why a prediction was wrong, in the words of the rule that decided it.

Each function answers for one fact that was missed (it happened, the prediction did not say so) or
extra (predicted, did not happen) with the OTP rule behind it: restart types, the strategy and the
order it stops and starts children in, the whole-second intensity window, a give-up and what it
ends. The answers are read off the run itself (the timeline model, the events, the tree's specs), so
they quote the actual stamps, pids' start times and orders, never a textbook guess.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.intensity import stamp
from ..engine.protocol import Ended, Event, GiveUp, Start, Terminate
from ..paths import ancestors, is_root, parent
from ..paths import relative as name
from ..timeline.lane import Lane
from ..timeline.model import TimelineModel
from ..timeline.records import Group, Lifetime
from ..treefile.model import Tree
from . import sentences as say
from .facts import Fact
from .sentences import DIED, in_order, secs
from .why import group_sentence, why


class Explainer:
    """Rules for the facts of one run."""

    def __init__(self, events: Sequence[Event], model: TimelineModel, tree: Tree | None = None) -> None:
        self.events = events
        self.model = model
        self.nodes = tree.nodes() if tree is not None else {}
        for step in tree.script if tree is not None else ():
            if step.child is not None:  # children the script adds: their spec says their restart type
                self.nodes.setdefault(f"{step.target}/{step.child.id}", step.child)
        self._give_ups = {(e.t, e.path): e for e in events if isinstance(e, GiveUp)}
        self._deaths: dict[tuple[int, str], int] = {}
        """The first crash or exit at each instant and path, for :func:`~suptui.story.why.why`."""
        for event in events:
            if isinstance(event, Ended):
                self._deaths.setdefault((event.t, event.path), event.seq)
        self._api_restarts = {(e.t, e.path) for e in events
                              if isinstance(e, Start) and e.why == "api" and e.restart}

    def explain(self, fact: Fact, missed: bool) -> str:
        """The rule behind one difference: ``missed`` (it happened) or extra (it did not)."""
        method = getattr(self, f"{'missed' if missed else 'extra'}_{fact.kind}")
        return method(fact)

    # ---------------------------------------------------------------- lookups

    def _restart_type(self, path: str) -> str | None:
        node = self.nodes.get(path)
        return node.restart if node is not None else None

    def _ended_at(self, lane: Lane | None, t: int) -> Lifetime | None:
        if lane is None:
            return None
        ended = (lf for lf in lane.lifetimes_between(t, t + 1) if lf.end == t and lf.ended_by != "replaced")
        return next(ended, None)

    def _group_at(self, supervisor: str, t: int, path: str | None = None) -> Group | None:
        """The group its supervisor formed at ``t`` (because of ``path``'s death, if given)."""
        for group in self.model.groups_between(t, t + 1):
            if group.t == t and group.supervisor == supervisor and path in (None, group.cause):
                return group
        return None

    def _restarted_in(self, path: str, t: int) -> Group | None:
        for group in self.model.groups_between(t, t + 1):
            if (group.t == t and path in group.restarted) or any(
                    e.t == t and e.kind == "restart" and e.path == path for e in group.effects):
                return group
        return None

    def _limits(self, supervisor: str, t: int) -> tuple[int | None, int | None]:
        lane = self.model.lane(supervisor)
        lifetime = lane.lifetime_at(t) if lane is not None else None
        if lifetime is None:
            return None, None
        return lifetime.max_restarts, lifetime.max_seconds

    def _origin(self, lifetime: Lifetime, path: str) -> str:
        """How the process that was running came to be: "restarted at 4 s after its own crash"."""
        when = secs(lifetime.start)
        if not lifetime.restart:
            return f"started at {when}"
        if lifetime.cause == path:
            lane = self.model.lane(path)
            previous = self._ended_at(lane, lifetime.start)
            ended = previous.ended_by if previous is not None else None
            how = {"crash": "crash", "exit": "exit", "killed": "kill"}.get(ended or "", "end")
            return f"restarted at {when} after its own {how}"
        if lifetime.cause is not None:
            return f"restarted at {when} by {lifetime.by_strategy} when {name(lifetime.cause)} died"
        for ancestor in reversed(ancestors(path)[1:]):
            lane = self.model.lane(ancestor)
            if lane is not None and any(lf.start == lifetime.start for lf in lane.lifetimes_between(
                    lifetime.start, lifetime.start + 1)):
                return f"restarted at {when} along with its supervisor {name(ancestor)}"
        return f"restarted at {when}"

    # ---------------------------------------------------------------- crashes and exits

    def missed_crash(self, fact: Fact) -> str:
        return self._missed_death(fact, "crashed")

    def missed_exit(self, fact: Fact) -> str:
        return self._missed_death(fact, "exited")

    def _missed_death(self, fact: Fact, verb: str) -> str:
        lane = self.model.lane(fact.path)
        marks = lane.marks_between(fact.t, fact.t + 1) if lane is not None else []
        kill = next((m for m in marks if m.kind == "kill"), None)
        if kill is not None:
            return say.kill_rule(kill.detail)
        if any(m.phase == "init" for m in marks):
            return ("its start failed (its init raised), so the restart its supervisor was attempting "
                    "failed; OTP tries a failed restart again at once, and every try adds a stamp to the "
                    "window")
        lifetime = self._ended_at(lane, fact.t)
        if lifetime is None:
            return f"it {verb} at {secs(fact.t)}"
        text = (f"it was {self._origin(lifetime, fact.path)}, and {secs(fact.t - lifetime.start)} later it "
                f"{verb} ({lifetime.reason})")
        if lifetime.restart:
            text += " — a restart starts a child afresh, so its timers count from that restart"
        return text

    def extra_crash(self, fact: Fact) -> str:
        return self._extra_death(fact, "crash")

    def extra_exit(self, fact: Fact) -> str:
        return self._extra_death(fact, "exit")

    def _extra_death(self, fact: Fact, category: str) -> str:
        """Why it did not crash (or exit) then; a restart implied by the prediction fails with it."""
        lane = self.model.lane(fact.path)
        before = lane.lifetime_at(fact.t - 1) if lane is not None and fact.t > 0 else None
        if before is None:
            return f"it had not started by {secs(fact.t)}"
        if before.end is not None and before.end < fact.t:
            return self._not_running(fact.path, before)
        if before.end == fact.t:
            if before.ended_by == "terminate":
                return self._stopped_instead(fact.path, fact.t, before, category)
            if before.ended_by in ("crash", "killed") and category == "exit":
                return f"it crashed ({before.reason}): an abnormal end, not an orderly exit"
            if before.ended_by == "exit" and category == "crash":
                return f"it exited ({before.reason}): an orderly exit, not a crash"
        text = (f"by {secs(fact.t)} it had run only {secs(fact.t - before.start)}: it was "
                f"{self._origin(before, fact.path)}")
        if before.restart and before.start > 0:
            text += " — a restart starts a child afresh, so its timers began again then"
        return text

    def _not_running(self, path: str, lifetime: Lifetime) -> str:
        assert lifetime.end is not None
        how = {"crash": "crashed", "exit": "exited", "killed": "been killed",
               "terminate": f"been stopped ({lifetime.why})"}.get(lifetime.ended_by or "", "ended")
        text = f"it was not running then: it had {how} at {secs(lifetime.end)}"
        for ancestor in reversed(ancestors(path)):
            give_up = self._give_ups.get((lifetime.end, ancestor))
            if give_up is not None:
                text += f", when {name(ancestor)} gave up"
                if is_root(ancestor):
                    text += " and the tree ended"
                break
        return text

    def _stopped_instead(self, path: str, t: int, lifetime: Lifetime, category: str) -> str:
        supervisor = name(parent(path) or path)
        if lifetime.why == "strategy":
            group = self._group_containing_stop(path, t)
            if group is not None:
                return (f"it did not {category}: {supervisor} stopped it ({group.strategy}) because "
                        f"{name(group.cause)} {DIED.get(group.cause_kind, 'died')}, then started it again")
        if lifetime.why == "shutdown":
            return f"it did not end by itself: {supervisor} was shutting down and stopped it"
        if lifetime.why == "api":
            return f"it did not end by itself: {supervisor} stopped it when the script called terminate_child"
        return f"it did not end by itself: {supervisor} stopped it ({lifetime.why})"

    def _group_containing_stop(self, path: str, t: int) -> Group | None:
        for group in self.model.groups_between(t, t + 1):
            if any(e.t == t and e.kind == "terminate" and e.path == path for e in group.effects):
                return group
        return None

    # ---------------------------------------------------------------- restarts

    def missed_restart(self, fact: Fact) -> str:
        path, t = fact.path, fact.t
        group = self._restarted_in(path, t)
        if group is None:
            if (t, path) in self._api_restarts:
                return ("the script restarted it with restart_child, which starts a stopped child again "
                        "and adds no stamp to the window")
            return f"{name(parent(path) or path)} restarted it"
        if group.cause == path:
            return self._own_restart(path, group)
        return self._group_rule(group)

    def _own_restart(self, path: str, group: Group) -> str:
        supervisor = group.supervisor
        lifetime = self._ended_at(self.model.lane(path), group.t)
        reason = lifetime.reason if lifetime is not None else None
        restart = self._restart_type(path) or "permanent"
        if group.cause_kind == "give_up":
            text = (f"{name(path)} gave up and exited with reason shutdown; to {name(supervisor)} that is a "
                    f"child's exit like any other, and a {restart} child is restarted")
        elif restart == "transient":
            text = f"{name(path)} is transient and its exit ({reason}) was abnormal, so it is restarted"
        else:
            text = f"{name(path)} is permanent: its supervisor restarts it after any exit, even a normal one"
        if group.strategy == "one_for_one":
            text += " (one_for_one: just that child)"
        text += self._budget(supervisor, group.t, path)
        late = [e.t for e in group.effects if e.kind == "restart" and e.path == path and e.t != group.t]
        if late:
            text += f"; it started again at {secs(late[0])}, once the others had stopped"
        return text

    def _budget(self, supervisor: str, t: int, cause: str) -> str:
        lane = self.model.lane(supervisor)
        limit, period = self._limits(supervisor, t)
        if lane is None or limit is None:
            return ""
        decisions = [d for d in lane.decisions_between(t, t + 1) if d.cause == cause and not d.fatal]
        if not decisions:
            return ""
        used = len(decisions[-1].window)
        return f"; that was restart {used} of the {limit} allowed within {period} s"

    def _group_rule(self, group: Group) -> str:
        """The strategy's rule, told from the cause's :class:`~suptui.story.why.Why` (as the app's why
        view tells it); from the lanes' group only when the death is not in the events."""
        seq = self._deaths.get((group.t, group.cause))
        if seq is not None:
            answer = why(self.events, seq)
            if answer.decision is not None:
                return group_sentence(answer)
        died = DIED.get(group.cause_kind, "died")
        return say.group_rule(group.strategy, group.cause, died, group.supervisor, group.stopped,
                              group.restarted)

    def extra_restart(self, fact: Fact) -> str:
        path, t = fact.path, fact.t
        supervisor = parent(path) or path
        lane = self.model.lane(path)
        lifetime = self._ended_at(lane, t)
        give_up = self._give_ups.get((t, supervisor))
        if lifetime is not None and lifetime.ended_by != "terminate":
            return self._not_restarted_after_death(path, t, lifetime, give_up)
        if lane is not None and any(m.phase == "init" for m in lane.marks_between(t, t + 1)):
            return "its start failed, so there was no running child to restart"
        group = self._group_at(supervisor, t)
        if group is not None and path in group.stopped:
            if self._restart_type(path) == "temporary":
                return f"it is temporary: the {group.strategy} restart stopped it for good"
            return f"the group restart stopped it; {self._stopped_not_back(path, t)}"
        if group is not None and group.strategy == "one_for_one":
            return (f"{name(supervisor)} is one_for_one: only the child that died ({name(group.cause)}) is "
                    f"restarted; {name(path)} kept running")
        if group is not None and group.strategy == "rest_for_one":
            return (f"rest_for_one restarts only {name(group.cause)} and the children started after it "
                    f"({in_order(group.restarted)}); {name(path)} was started before {name(group.cause)}, "
                    "so it kept running")
        if give_up is not None:
            return (f"{name(supervisor)} gave up at {secs(t)}: a supervisor that gives up stops its children "
                    "instead of restarting any")
        return f"nothing ended under {name(supervisor)} at {secs(t)} that would restart {name(path)}"

    def _not_restarted_after_death(self, path: str, t: int, lifetime: Lifetime,
                                   give_up: GiveUp | None) -> str:
        supervisor = parent(path) or path
        if give_up is not None and give_up.child == path:
            return say.gave_up_instead(supervisor, len(give_up.restarts), give_up.max_restarts,
                                       give_up.max_seconds)
        restart = self._restart_type(path)
        if restart == "temporary":
            return say.TEMPORARY
        if restart == "transient" and lifetime.ended_by == "exit":
            return say.transient_orderly(str(lifetime.reason))
        return f"{name(supervisor)} did not restart it"

    def _stopped_not_back(self, path: str, t: int) -> str:
        """A group restart stopped it and it did not come back up in that instant: a slow start that
        failed later, or a start never reached."""
        lane = self.model.lane(path)
        later = lane.marks_between(t + 1, 2**62) if lane is not None else []
        failed = next((m for m in later[:3] if m.phase == "init"), None)
        if failed is not None:
            return (f"it was started again, but that start took until {secs(failed.t)} and failed "
                    "(its init raised), so it was not back up")
        return "it had not been started again"

    # ---------------------------------------------------------------- giving up

    def missed_give_up(self, fact: Fact) -> str:
        event = self._give_ups.get((fact.t, fact.path))
        if event is None:
            return "it gave up"
        text = say.give_up_rule(event.restarts, event.max_restarts, event.max_seconds, event.child)
        stopped = [e.path for e in self.events
                   if e.t == fact.t and isinstance(e, Terminate) and e.why == "shutdown"
                   and parent(e.path) == fact.path]
        if stopped:
            text += f"; it stopped {in_order(stopped)} (reverse start order) and exited with reason shutdown"
        above = parent(fact.path)
        if above is not None:
            text += f", an exit its own supervisor {name(above)} handles like any child's"
        else:
            text += f", which ends the tree: nothing happens after {secs(fact.t)}"
        return text

    def extra_give_up(self, fact: Fact) -> str:
        lane = self.model.lane(fact.path)
        if lane is None or not lane.is_supervisor:
            return f"{name(fact.path)} is not a supervisor; only supervisors give up"
        gauge = self.model.gauge(fact.path, fact.t)
        if gauge is None:
            return f"{name(fact.path)} was not running at {secs(fact.t)}"
        if gauge.gave_up:
            return f"{name(fact.path)} had already given up"
        stamps = ", ".join(str(s) for s in reversed(gauge.stamps)) or "none"
        text = (f"at {secs(fact.t)} its window held {gauge.used} restart(s) (stamps: {stamps}), and "
                f"max_restarts {gauge.max_restarts} tolerates {gauge.max_restarts}; it gives up only on the "
                f"restart that makes {gauge.max_restarts + 1} within {gauge.max_seconds} s")
        decision = lane.decision_at(fact.t - 1)
        if decision is not None:
            now_s = stamp(fact.t, self.model.phase_s)
            gone = [s for s in decision.window if s not in gauge.stamps]
            if gone:
                text += (f"; the stamp from {gone[0]} s had left the window ({now_s} − {gone[0]} > "
                         f"{gauge.max_seconds})")
        group = self._group_at(fact.path, fact.t)
        if group is not None and len(group.restarted) > 1:
            text += "; a group restart adds one stamp, however many children it restarts"
        return text

    # ---------------------------------------------------------------- stops

    def missed_stop(self, fact: Fact) -> str:
        lane = self.model.lane(fact.path)
        marks = lane.marks_between(fact.t, fact.t + 1) if lane is not None else []
        mark = next((m for m in marks if m.kind == "terminate"), None)
        if mark is not None and mark.detail.startswith("api"):
            return ("the script stopped it with terminate_child: the spec is kept but nothing restarts it, "
                    "and as no crash it adds no stamp")
        group = self._group_containing_stop(fact.path, fact.t)
        if group is not None:
            if self._restart_type(fact.path) == "temporary":
                return (f"it is temporary: the {group.strategy} restart caused by {name(group.cause)} "
                        "stopped it and never starts a temporary child again")
            return (f"the {group.strategy} restart caused by {name(group.cause)} stopped it "
                    f"(stopping goes in reverse start order: {in_order(group.stopped)}); "
                    + self._stopped_not_back(fact.path, fact.t))
        return f"its supervisor stopped it at {secs(fact.t)}"

    def extra_stop(self, fact: Fact) -> str:
        lane = self.model.lane(fact.path)
        lifetime = lane.lifetime_at(fact.t) if lane is not None else None
        supervisor = parent(fact.path) or fact.path
        group = self._group_at(supervisor, fact.t)
        if group is not None and group.strategy == "one_for_one":
            return f"{name(supervisor)} is one_for_one: it never stops a child because a sibling died"
        if lifetime is not None and lifetime.end is None:
            return "nothing stopped it: it kept running"
        return f"it was not stopped at {secs(fact.t)}"

