"""``--at MS``: the tree as it stood at one instant, for a live run and for a replay, to the byte."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suptui.engine.protocol import KINDS, Event, _fields
from suptui.engine.recording import Header, Recording, RecordingError
from suptui.headless.at import tree_at
from suptui.treefile import list_bundled

from tests.support.cli import Capsys, run

BOMBS_AT_6000 = """\
Bombs (one_for_one) at 6.000 s
root     <0.1.0>  ‼ gave up    restarted 0×  one_for_one, 6/5 restarts in 5 s [6 6 5 4 3 2]; last exited at 6.000 s: shutdown
  bomb1  <0.7.0>  ✖ crashed    restarted 2×  last crashed at 6.000 s: RuntimeError: Bomb 1 Exploded!
  bomb2  <0.9.0>  ■ shut down  restarted 2×  last shut down at 6.000 s: shutdown
  bomb3  <0.8.0>  ■ shut down  restarted 1×  last shut down at 6.000 s: shutdown
"""  # noqa: E501

BOMBS_AT_5500 = """\
Bombs (one_for_one) at 5.500 s
root     <0.1.0>  ● running  restarted 0×  one_for_one, 4/5 restarts in 5 s [5 4 3 2]
  bomb1  <0.7.0>  ● running  restarted 2×
  bomb2  <0.6.0>  ● running  restarted 1×
  bomb3  <0.8.0>  ● running  restarted 1×
"""

NESTED_AT_6000 = """\
Nested application at 6.000 s
root          <0.1.0>   ● running  restarted 0×  one_for_one, 1/3 restarts in 5 s [6]
  db          <0.2.0>   ● running  restarted 0×  rest_for_one, 0/3 restarts in 5 s
    repo      <0.3.0>   ● running  restarted 0×
    cache     <0.4.0>   ● running  restarted 0×
  web         <0.19.0>  ● running  restarted 1×  one_for_all, 0/1 restarts in 10 s
    listener  <0.20.0>  ● running  restarted 2×
    handlers  <0.21.0>  ● running  restarted 2×  one_for_one, 0/2 restarts in 5 s
      h1      <0.22.0>  ● running  restarted 6×
      h2      <0.23.0>  ● running  restarted 2×
  metrics     <0.10.0>  ● running  restarted 0×
"""

DYNAMIC_AT_8000 = """\
Dynamic supervisor at 8.000 s
root         <0.1.0>  ● running  restarted 0×  one_for_one, 0/3 restarts in 5 s
  pool       <0.2.0>  ● running  restarted 0×  one_for_one, 2/3 restarts in 5 s [7 4]
    counter  <0.4.0>  ⊘ removed  restarted 0×  last shut down at 8.000 s: shutdown
    bomb     <0.9.0>  ● running  restarted 2×
    brief    <0.6.0>  ⊘ removed  restarted 0×  last exited at 5.000 s: normal
    late     <0.8.0>  ● running  restarted 0×
  clock      <0.3.0>  ● running  restarted 0×
"""


def _record(capsys: Capsys, tmp_path: Path, tree: str, *extra: str) -> str:
    code, out, _ = run(capsys, tree, "--headless", "--format", "jsonl", *extra)
    assert code == 0
    path = tmp_path / f"{tree}.jsonl"
    path.write_text(out)
    return str(path)


@pytest.mark.parametrize(("tree", "at", "expected"), [
    ("bombs", "6000", BOMBS_AT_6000), ("bombs", "5500", BOMBS_AT_5500),
    ("nested", "6000", NESTED_AT_6000), ("dynamic", "8000", DYNAMIC_AT_8000)])
def test_a_live_run_at_an_instant(capsys: Capsys, tree: str, at: str, expected: str) -> None:
    assert run(capsys, tree, "--headless", "--at", at) == (0, expected, "")


@pytest.mark.parametrize(("tree", "at", "expected"), [
    ("bombs", "6000", BOMBS_AT_6000), ("bombs", "5500", BOMBS_AT_5500), ("nested", "6000", NESTED_AT_6000)])
def test_a_replay_at_an_instant_is_the_live_run_at_it(capsys: Capsys, tmp_path: Path, tree: str, at: str,
                                                      expected: str) -> None:
    recording = _record(capsys, tmp_path, tree)
    assert run(capsys, "replay", recording, "--headless", "--at", at) == (0, expected, "")


def test_a_replay_knows_less_of_the_children_the_script_adds(capsys: Capsys, tmp_path: Path) -> None:
    """The header's skeleton has the file's nodes only: that brief was temporary (and so forgotten by
    its dynamic supervisor when it exited) is known live, not in a replay."""
    recording = _record(capsys, tmp_path, "dynamic")
    _, out, _ = run(capsys, "replay", recording, "--headless", "--at", "8000")
    assert out == DYNAMIC_AT_8000.replace("brief    <0.6.0>  ⊘ removed", "brief    <0.6.0>  ○ exited ")


@pytest.mark.parametrize("name", [entry.name for entry in list_bundled() if entry.name != "dynamic"])
def test_every_bundled_tree_is_the_same_at_any_instant_live_and_replayed(capsys: Capsys, tmp_path: Path,
                                                                          name: str) -> None:
    recording = _record(capsys, tmp_path, name, "--until", "12001")
    for at in ("0", "2500", "6000", "12000"):
        live = run(capsys, name, "--headless", "--at", at)
        assert live[0] == 0 and live[1].splitlines()[0].endswith(f" at {int(at) / 1000:.3f} s")
        assert run(capsys, "replay", recording, "--headless", "--at", at) == live, f"{name} at {at}"


def test_the_instant_counts_its_own_events(capsys: Capsys) -> None:
    """At 2000 the crash at 2000 and its restart have happened; at 1999 neither has."""
    before = run(capsys, "bombs", "--headless", "--at", "1999")[1]
    at = run(capsys, "bombs", "--headless", "--at", "2000")[1]
    assert "  bomb1  <0.2.0>  ● running  restarted 0×" in before
    assert "  bomb1  <0.5.0>  ● running  restarted 1×" in at
    assert "one_for_one, 1/5 restarts in 5 s [2]" in at


def test_at_zero_is_the_started_tree(capsys: Capsys) -> None:
    out = run(capsys, "bombs", "--headless", "--at", "0")[1]
    assert out.splitlines()[1:] == ["root     <0.1.0>  ● running  restarted 0×  one_for_one, "
                                    "0/5 restarts in 5 s",
                                    "  bomb1  <0.2.0>  ● running  restarted 0×",
                                    "  bomb2  <0.3.0>  ● running  restarted 0×",
                                    "  bomb3  <0.4.0>  ● running  restarted 0×"]


def test_a_killed_worker_and_worker_text_are_shown_safely(capsys: Capsys, tmp_path: Path) -> None:
    tree = tmp_path / "k.toml"
    tree.write_text('title = "T\\u001b[2J"\n[[children]]\nid = "a"\nworker = "sleeper"\n'
                    'restart = "temporary"\n[[script]]\nat = 1000\naction = "kill"\ntarget = "root/a"\n')
    out = run(capsys, str(tree), "--headless", "--at", "1000")[1]
    assert out.splitlines()[0] == "T\\x1b[2J at 1.000 s"
    assert out.splitlines()[2] == "  a   <0.2.0>  ⊘ removed  restarted 0×  last killed at 1.000 s: killed"
    assert "\x1b" not in out


@pytest.mark.parametrize(("argv", "message"), [
    (("bombs", "--at", "5"), "--at only applies with --headless"),
    (("bombs", "--headless", "--at", "5", "--format", "text"), "--format does not apply with --at"),
    (("bombs", "--headless", "--at", "5", "--until", "9"), "--until does not apply with --at"),
    (("bombs", "--headless", "--at", "5", "--realtime"), "--realtime does not apply with --at"),
    (("bombs", "--headless", "--at", "-1"), "argument --at: expected a whole number of milliseconds"),
    (("bombs", "--headless", "--at", "1.5"), "argument --at: expected a whole number of milliseconds"),
    (("bombs", "--predict", "g.txt", "--at", "5"), "--at does not apply with --predict"),
])
def test_at_refuses_what_does_not_fit(capsys: Capsys, argv: tuple[str, ...], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"suptui: error: {message}"), err


PATHS = ("root", "root/a", "root/b", "root/a/c", "other", "", "root/", "/x")
WORDS = ("one_for_all", "rest_for_one", "api", "strategy", "killed", "x\x1b[2J", *PATHS)
SKELETON = {"root": {"id": "root", "kind": "supervisor", "children": [
    {"id": "a", "kind": "supervisor", "children": [{"id": "c", "kind": "worker", "restart": "temporary"}]},
    {"id": "b", "kind": "worker"}]}}


@st.composite
def nonsense(draw: Any) -> Recording:
    """Protocol-valid lines that no run would write: kinds, paths and fields at random."""
    events: list[Event] = []
    t = 0
    for seq in range(1, draw(st.integers(0, 25)) + 1):
        t += draw(st.integers(0, 1500))
        cls = draw(st.sampled_from(list(KINDS.values())))
        values: dict[str, Any] = {"seq": seq, "t": t, "path": draw(st.sampled_from(PATHS)),
                                  "pid": draw(st.sampled_from(["<0.1.0>", "<0.2.0>", ""]))}
        for item in _fields(cls):
            if item.default is not dataclasses.MISSING and draw(st.booleans()):
                continue
            annotation = str(item.type)
            if "Stamps" in annotation:
                values[item.name] = tuple(draw(st.lists(st.integers(0, 20), max_size=4)))
            elif annotation.startswith("bool"):
                values[item.name] = draw(st.booleans())
            elif annotation.startswith("int"):
                values[item.name] = draw(st.integers(-5, 5))
            elif annotation.startswith("ChildType"):
                values[item.name] = draw(st.sampled_from(["worker", "supervisor"]))
            else:
                values[item.name] = draw(st.sampled_from(WORDS))
        events.append(cls(**values))
    return Recording(Header(title=None, tree=draw(st.none() | st.just(SKELETON))), events)


@settings(max_examples=150, deadline=None)
@given(recording=nonsense(), at=st.integers(0, 40_000))
def test_any_protocol_valid_recording_prints_or_is_refused_by_line(recording: Recording, at: int) -> None:
    try:
        out = tree_at(recording, at, "n.jsonl")
    except RecordingError as exc:
        assert str(exc).startswith("n.jsonl:") and "does not fit the tree" in str(exc)
        return
    assert out.endswith("\n") and "\x1b" not in out
