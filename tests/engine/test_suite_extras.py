"""More supervisor_SUITE behaviours: unlinking children, many dynamic children, interruptible loops."""

from __future__ import annotations

import time
from typing import Any

from suptui.engine import Actor, ChildSpec, DynamicSupervisor, Pacer, Runtime, VirtualClock

from tests.support.harness import Bomb, Flaky, Harness, Sleeper


class Unlinker(Actor):
    """Unlinks itself from its supervisor at start (suite: child_unlink)."""

    def init(self) -> None:
        self.send(self.pid, "unlink")

    def handle_info(self, msg: Any) -> None:
        if msg == "unlink":
            self.unlink(self.runtime.whereis(self.path.rsplit("/", 1)[0]))


def test_a_child_that_unlinked_cannot_hang_terminate_child(h: Harness) -> None:
    sup = h.start([ChildSpec("u", Unlinker)])
    h.advance_to(0)
    sup.terminate_child("u")
    assert sup.which_children() == [("u", None, "worker")]


def test_count_children_with_a_thousand_dynamic_workers(h: Harness) -> None:
    dyn = h.start([], cls=DynamicSupervisor)
    for n in range(1000):
        dyn.start_child(ChildSpec(f"w{n}", Sleeper))
    assert dyn.count_children() == {"specs": 1000, "active": 1000, "supervisors": 0, "workers": 1000}
    for _, pid, _ in dyn.which_children()[:500]:
        dyn.terminate_child(pid)
    assert dyn.count_children()["active"] == 500


def test_shutdown_interrupts_a_restart_loop(h: Harness) -> None:
    plan = [False] + [True] * 100
    h.start([ChildSpec("w", Flaky, {"plan": plan, "start_time": 100, "exit_after": 1000})], max_restarts=50)
    h.advance_to(1150)
    h.rt.wait(h.rt.stop(h.root, "shutdown"))
    assert not h.rt.is_alive(h.root)
    assert len(plan) > 50  # the loop stopped long before burning through the plan


def test_the_pacer_moves_virtual_time_at_its_speed_and_pauses() -> None:
    clock = VirtualClock()
    rt = Runtime(clock)
    pacer = Pacer(clock, speed=16)
    try:
        rt.start(Bomb, {"bomb_time": 1000}, path="b")
        pacer.start()
        deadline = time.monotonic() + 5
        while clock.now_ms() < 1000 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert clock.now_ms() >= 1000
        pacer.set_paused(True)
        frozen = clock.now_ms()
        time.sleep(0.05)
        assert clock.now_ms() == frozen
        rt.start(Bomb, {"bomb_time": 500}, path="c")
        assert pacer.step()
        assert clock.now_ms() == frozen + 500
        assert pacer.set_speed(100) == 16 and pacer.set_speed(0.001) == 1 / 8
    finally:
        pacer.close()
        rt.shutdown()
