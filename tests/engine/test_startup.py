"""Start-up rules (docs/semantics.md §R2) and spec/flag validation (§R1)."""

from __future__ import annotations

import pytest

from suptui.engine import ChildSpec, StartError, Supervisor, SupFlags

from tests.support.harness import Failing, Harness, Sleeper


def test_children_start_in_order_and_are_listed_in_reverse(h: Harness) -> None:
    sup = h.start([ChildSpec(n, Sleeper) for n in ("a", "b", "c")])
    assert h.lines(kinds=("start",)) == ["0 start root/a", "0 start root/b", "0 start root/c", "0 start root"]
    assert [c[0] for c in sup.which_children()] == ["c", "b", "a"]


def test_empty_supervisor_starts_and_stops(h: Harness) -> None:
    sup = h.start([])
    assert sup.count_children() == {"specs": 0, "active": 0, "supervisors": 0, "workers": 0}


def test_failed_child_start_stops_earlier_children_in_reverse_and_fails_the_supervisor(h: Harness) -> None:
    attempts: list[str] = []
    specs = [ChildSpec("a", Sleeper), ChildSpec("b", Sleeper), ChildSpec("bad", Failing, {"log": attempts}),
             ChildSpec("never", Sleeper)]
    with pytest.raises(StartError) as failure:
        h.start(specs)
    status, _, reason = failure.value.result
    assert status == "error"
    assert reason[0] == "shutdown" and reason[1][:2] == ("failed_to_start_child", "bad")
    assert h.lines(kinds=("terminate", "crash", "exit")) == [
        "0 crash root/bad ValueError: cannot start",
        "0 terminate root/b shutdown",
        "0 terminate root/a shutdown",
        f"0 exit root {{shutdown, {{failed_to_start_child, bad, {reason[1][2]}}}}}",
    ]
    assert h.rt.whereis("root/never") is None
    assert attempts == ["fail"]


def test_ignoring_child_keeps_its_spec_but_a_temporary_one_is_dropped(h: Harness) -> None:
    sup = h.start([ChildSpec("ign", Failing, {"mode": "ignore"}),
                   ChildSpec("tmp", Failing, {"mode": "ignore"}, restart="temporary")])
    assert sup.which_children() == [("ign", None, "worker")]


def test_init_returning_ignore_gives_ignore_to_the_caller(h: Harness) -> None:
    result = h.rt.wait(h.rt.spawn(Failing, {"mode": "ignore"}, path="x"))
    assert result.status == "ignore"


@pytest.mark.parametrize(("flags", "error"), [
    (SupFlags(strategy="one_for_none"), ("invalid_strategy", "one_for_none")),
    (SupFlags(max_restarts=-1), ("invalid_intensity", -1)),
    (SupFlags(max_seconds=0), ("invalid_period", 0)),
    (SupFlags(max_seconds=True), ("invalid_period", True)),
    (SupFlags(auto_shutdown="sometimes"), ("invalid_auto_shutdown", "sometimes")),
])
def test_bad_flags_fail_the_start_with_supervisor_data(h: Harness, flags: SupFlags, error: tuple) -> None:
    result = h.rt.wait(h.rt.spawn(Supervisor, {"flags": flags, "children": []}, path="root"))
    assert (result.status, result.reason) == ("error", ("supervisor_data", error))


@pytest.mark.parametrize(("spec", "error"), [
    (ChildSpec("", Sleeper), "missing_id"),
    (ChildSpec("x", object), ("invalid_mfa", object)),  # type: ignore[arg-type]
    (ChildSpec("x", Sleeper, restart="sometimes"), ("invalid_restart_type", "sometimes")),
    (ChildSpec("x", Sleeper, shutdown=-1), ("invalid_shutdown", -1)),
    (ChildSpec("x", Sleeper, type="thing"), ("invalid_child_type", "thing")),
    (ChildSpec("x", Sleeper, significant="yes"), ("invalid_significant", "yes")),  # type: ignore[arg-type]
])
def test_bad_child_specs_fail_the_start_with_start_spec(h: Harness, spec: ChildSpec, error: object) -> None:
    result = h.rt.wait(h.rt.spawn(Supervisor, {"flags": SupFlags(), "children": [spec]}, path="root"))
    assert (result.status, result.reason) == ("error", ("start_spec", error))


def test_duplicate_child_ids_are_rejected(h: Harness) -> None:
    twins = [ChildSpec("x", Sleeper), ChildSpec("x", Sleeper)]
    result = h.rt.wait(h.rt.spawn(Supervisor, {"flags": SupFlags(), "children": twins}, path="root"))
    assert result.reason == ("start_spec", ("duplicate_child_name", "x"))


def test_significant_needs_auto_shutdown_and_a_non_permanent_child(h: Harness) -> None:
    spec = ChildSpec("x", Sleeper, restart="transient", significant=True)
    result = h.rt.wait(h.rt.spawn(Supervisor, {"flags": SupFlags(), "children": [spec]}, path="root"))
    assert result.reason[1][0] == "bad_combination"


def test_default_specs_follow_elixir(h: Harness) -> None:
    sup = h.start([ChildSpec("w", Sleeper)])
    assert sup.get_childspec("w") == {"id": "w", "actor": "Sleeper", "args": {}, "restart": "permanent",
                                      "shutdown": 5000, "type": "worker", "significant": False}
    assert sup.flags()["max_restarts"] == 3 and sup.flags()["max_seconds"] == 5
