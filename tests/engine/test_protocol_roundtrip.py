"""The wire form round-trips exactly: any recorded run → JSONL → records → JSONL is byte-identical,
and so is any event the protocol can describe (random field values, worker text included)."""

from __future__ import annotations

import dataclasses
import io
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suptui.engine.protocol import KINDS, Event, _fields, from_json
from suptui.engine.recording import Header, RecordingWriter, parse_lines
from suptui.headless import run_headless
from suptui.treefile import parse_tree

EXAMPLES = int(os.environ.get("SUPTUI_ROUNDTRIP_EXAMPLES", "12"))
"""Random runs per test (kept small so the suite stays fast; raise it to hunt longer)."""
STRATEGIES = ("one_for_one", "one_for_all", "rest_for_one")
SHUTDOWNS = ("300", "1000", '"brutal_kill"', '"infinity"')
REASONS = ('"normal"', '"shutdown"', '"boom"', '"kill"', '["shutdown", "done"]', '"crash"')


# ---------------------------------------------------------------------------- random runs


@st.composite
def worker_toml(draw: Any, path: str, indent: str) -> list[str]:
    restart = draw(st.sampled_from(["permanent", "transient", "temporary"]))
    lines = [f'id = "{path.rsplit("/", 1)[-1]}"', f'restart = "{restart}"']
    kind = draw(st.sampled_from(["bomb", "sleeper", "quitter", "ticker", "slow_stop"]))
    lines.append(f'worker = "{kind}"')
    if kind == "bomb":
        lines.append(f"args = {{ bomb_time = {draw(st.integers(300, 4000))} }}")
    elif kind == "quitter":
        lines.append(f"args = {{ quit_time = {draw(st.integers(300, 4000))}, "
                     f"reason = {draw(st.sampled_from(REASONS[:2] + REASONS[4:5]))} }}")
    elif kind == "slow_stop":
        lines.append(f"args = {{ stop_time = {draw(st.integers(0, 800))} }}")
        lines.append(f"shutdown = {draw(st.sampled_from(SHUTDOWNS))}")
    return [indent + line for line in lines]


@st.composite
def supervisor_toml(draw: Any, path: str, depth: int, prefix: str,
                    paths: list[tuple[str, bool]]) -> list[str]:
    """The keys of one supervisor table, then its children's tables (``prefix`` is ``children``…)."""
    lines = [f'strategy = "{draw(st.sampled_from(STRATEGIES))}"',
             f"max_restarts = {draw(st.integers(0, 5))}", f"max_seconds = {draw(st.integers(1, 5))}"]
    paths.append((path, True))
    for i in range(draw(st.integers(1, 4))):
        child = f"{path}/n{i}"
        table = f"{prefix}.children" if prefix else "children"
        lines.append(f"[[{table}]]")
        if depth > 0 and draw(st.integers(0, 3)) == 0:
            lines.append(f'id = "n{i}"')
            lines.extend(draw(supervisor_toml(child, depth - 1, table, paths)))
        else:
            lines.extend(draw(worker_toml(child, "")))
            paths.append((child, False))
    return lines


@st.composite
def runs(draw: Any) -> str:
    """A random tree file: up to three levels, every strategy and restart type, and a script of
    kills, exit signals (every kind of reason) and strategy switches on random nodes."""
    paths: list[tuple[str, bool]] = []
    lines = [f'title = "Random {draw(st.integers(0, 999))}"']
    lines.extend(draw(supervisor_toml("root", 2, "", paths)))
    at = 0
    for _ in range(draw(st.integers(0, 10))):
        at += draw(st.integers(1, 700))
        path, is_supervisor = draw(st.sampled_from(paths))
        actions = ["kill", "exit", "set_strategy"] if is_supervisor else ["kill", "exit"]
        action = draw(st.sampled_from(actions))
        lines.extend(["[[script]]", f"at = {at}", f'action = "{action}"', f'target = "{path}"'])
        if action == "exit":
            lines.append(f"reason = {draw(st.sampled_from(REASONS))}")
        elif action == "set_strategy":
            lines.append(f'strategy = "{draw(st.sampled_from(STRATEGIES))}"')
    return "\n".join(lines) + "\n"


def _recorded(source: str, until: int) -> tuple[str, list[Event]]:
    """Run the tree and write it as ``--format jsonl`` does: header first, each event as it comes."""
    out = io.StringIO()
    writers: list[RecordingWriter] = []
    events = run_headless(parse_tree(source, "random.toml"), until,
                          on_header=lambda header: writers.append(RecordingWriter(out.write, header)),
                          on_event=lambda event: writers[0].event(event))
    return out.getvalue(), events


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
@given(source=runs(), until=st.integers(1, 8000))
def test_any_recorded_run_round_trips_byte_for_byte(source: str, until: int) -> None:
    text, events = _recorded(source, until)
    assert events and events[0].kind == "start", "the run ran"
    recording = parse_lines(text.splitlines(keepends=True), "random.jsonl")
    again = io.StringIO()
    recording.write(again)
    assert again.getvalue() == text
    assert recording.events == events, "the same typed records, seq included"
    assert [event.to_json() for event in recording.events] == text.splitlines()[1:]


def test_a_run_with_every_exit_reason_round_trips() -> None:
    """One fixed run through the same path (kills, each reason, a strategy switch), so a failure of
    the round trip shows up without hypothesis too."""
    source = "\n".join([
        'strategy = "one_for_all"', "max_restarts = 20",
        "[[children]]", 'id = "a"', 'worker = "bomb"', "args = { bomb_time = 900 }",
        "[[children]]", 'id = "b"', 'worker = "sleeper"', 'restart = "transient"',
        "[[children]]", 'id = "c"', 'worker = "slow_stop"', "shutdown = 100", "args = { stop_time = 500 }",
        *(line for i, reason in enumerate(REASONS) for line in (
            "[[script]]", f"at = {1000 + 300 * i}", 'action = "exit"', 'target = "root/b"',
            f"reason = {reason}")),
        "[[script]]", "at = 3000", 'action = "set_strategy"', 'target = "root"', 'strategy = "rest_for_one"',
        "[[script]]", "at = 3100", 'action = "kill"', 'target = "root/c"',
    ]) + "\n"
    text, events = _recorded(source, 5000)
    assert {event.kind for event in events} >= {"start", "crash", "exit", "terminate", "kill", "strategy"}
    again = io.StringIO()
    parse_lines(text.splitlines(keepends=True)).write(again)
    assert again.getvalue() == text


# ---------------------------------------------------------------------------- random events

TEXT = st.text(max_size=40)  # any code point: controls, non-ASCII, lone surrogates
WHOLE = st.integers(min_value=-(2**63), max_value=2**63)


def _value(annotation: str) -> st.SearchStrategy[Any]:
    if "Stamps" in annotation:
        return st.lists(st.integers(0, 10**6), max_size=8).map(tuple)
    if annotation.startswith("bool"):
        return st.booleans()
    if annotation.startswith("int"):
        return WHOLE
    if annotation.startswith("ChildType"):
        return st.sampled_from(["worker", "supervisor"])
    return TEXT


@st.composite
def events(draw: Any) -> Event:
    cls = draw(st.sampled_from(list(KINDS.values())))
    values: dict[str, Any] = {"seq": 1, "t": draw(st.integers(0, 10**9)), "path": draw(TEXT),
                              "pid": draw(TEXT)}
    for item in _fields(cls):
        optional = item.default is not dataclasses.MISSING
        if optional and draw(st.booleans()):
            continue  # left at its default
        values[item.name] = draw(_value(str(item.type)))
    return cls(**values)


@settings(max_examples=300, deadline=None)
@given(event=events())
def test_any_event_round_trips(event: Event) -> None:
    line = event.to_json()
    assert line.isascii() and "\n" not in line
    back = from_json(line, event.seq)
    assert back == event
    assert back.to_json() == line


@settings(max_examples=50, deadline=None)
@given(title=st.none() | TEXT, clock=st.sampled_from(["virtual", "real"]),
       batch=st.lists(events(), max_size=6))
def test_any_recording_round_trips(title: str | None, clock: str, batch: list[Event]) -> None:
    ordered = sorted(batch, key=lambda event: event.t)
    renumbered = [dataclasses.replace(event, seq=i) for i, event in enumerate(ordered, start=1)]
    out = io.StringIO()
    RecordingWriter(out.write, Header(title=title, clock=clock, tree={"root": {"id": "r"}}, version="x"))\
        .events(renumbered)
    recording = parse_lines(out.getvalue().splitlines(keepends=True))
    assert recording.events == renumbered
    assert recording.header.title == title
    again = io.StringIO()
    recording.write(again)
    assert again.getvalue() == out.getvalue()
