"""The three output formats: jsonl is an interface (keys, order, nothing dropped), text is aligned,
and every bundled tree runs headless in every format, the same bytes on every run."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from suptui.engine import EVENT_KINDS, Terminate
from suptui.headless import FORMATS, render, run_headless
from suptui.treefile import list_bundled, load_tree

BUNDLED = [entry.name for entry in list_bundled()]


def test_jsonl_is_the_event_stream_as_is() -> None:
    events = run_headless(load_tree("bombs"))
    lines = render(events, "jsonl").splitlines()
    assert len(lines) == len(events)
    for line, event in zip(lines, events, strict=True):
        obj = json.loads(line)
        assert list(obj)[:4] == ["t", "event", "path", "pid"]
        assert obj == event.to_dict()
        assert isinstance(obj["t"], int) and obj["event"] in EVENT_KINDS
    first_crash = json.loads(next(line for line in lines if '"crash"' in line))
    assert first_crash["t"] == 2000 and first_crash["path"] == "root/bomb1"
    assert first_crash["reason"] == "RuntimeError: Bomb 1 Exploded!"
    assert "Traceback" in first_crash["traceback"]


def test_jsonl_line_shape_is_stable() -> None:
    """The exact bytes of one line: separators and key order are part of the interface."""
    line = render(run_headless(load_tree("bombs"), 1), "jsonl").splitlines()[0]
    assert line == ('{"t": 0, "event": "start", "path": "root/bomb1", "pid": "<0.2.0>", '
                    '"restart": false, "type": "worker", "actor": "Bomb"}')


def test_text_is_aligned_and_readable() -> None:
    lines = render(run_headless(load_tree("bombs_one_for_all"), 2001), "text").splitlines()
    assert lines[0].split() == ["0.000", "●", "start", "root/bomb1", "<0.2.0>", "Bomb"]
    path_column = lines[0].index("root/")
    assert all(line[path_column - 2:path_column] == "  " and line[path_column:].startswith("root")
               for line in lines)
    assert "root  " in lines[3] and "Supervisor one_for_all, max 5 restarts in 5 s" in lines[3]
    assert lines[4].split()[:6] == ["2.000", "✖", "crash", "root/bomb1", "<0.2.0>", "RuntimeError:"]
    assert lines[5].endswith("shutdown ← root/bomb1 (one_for_all)")
    assert lines[-1].endswith("restart ← root/bomb1 (one_for_all)")
    assert not any("Traceback" in line for line in lines)


def test_text_tells_a_give_up() -> None:
    lines = render(run_headless(load_tree("bombs")), "text").splitlines()
    assert lines[-4].split()[:4] == ["6.000", "‼", "give_up", "root"]
    assert lines[-4].endswith("6 restarts in 5 s > max_restarts 5 ← root/bomb1")
    assert lines[-3].endswith("shutdown (its supervisor is stopping)")


def test_text_of_an_escalation(headless: Callable[..., str]) -> None:
    """sub gives up at 1 s; root (one_for_all) stops other and restarts both."""
    text = headless("""
        strategy = "one_for_all"
        max_restarts = 1
        max_seconds = 10
        [[children]]
        id = "sub"
        max_restarts = 0
          [[children.children]]
          id = "b"
          worker = "bomb"
          args = { bomb_time = 1000 }
        [[children]]
        id = "other"
        worker = "sleeper"
    """, "text", until=1001)
    lines = text.splitlines()
    assert lines[3].endswith("Supervisor one_for_all, max 1 restart in 10 s")
    assert lines[5].endswith("1 restart in 5 s > max_restarts 0 ← root/sub/b")
    assert [line.split()[1:4] for line in lines[4:]] == [
        ["✖", "crash", "root/sub/b"], ["‼", "give_up", "root/sub"], ["○", "exit", "root/sub"],
        ["■", "terminate", "root/other"], ["↻", "start", "root/sub/b"], ["↻", "start", "root/sub"],
        ["↻", "start", "root/other"]]
    assert lines[-2].endswith("restart ← root/sub (one_for_all)")
    assert lines[-1].endswith("restart ← root/sub (one_for_all)")


def test_only_events_before_until() -> None:
    """Shutdown at the end of the window is not part of the run: t < until, strictly."""
    at_six = run_headless(load_tree("bombs"), 6000)
    assert max(event.t for event in at_six) == 5000
    just_after = run_headless(load_tree("bombs"), 6001)
    assert [event.kind for event in just_after if event.t == 6000][-2:] == ["terminate", "exit"]
    window = run_headless(load_tree("bombs_one_for_all"), 3000)
    assert all(event.t < 3000 for event in window)
    assert not any(isinstance(event, Terminate) and event.why == "shutdown" for event in window)


def test_the_run_ends_with_the_root() -> None:
    """bombs' root gives up at 6 s: a 10-minute window ends there, with nothing after it."""
    events = run_headless(load_tree("bombs"), 600_000)
    assert (events[-1].t, events[-1].kind, events[-1].path) == (6000, "exit", "root")


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_tree_runs_in_every_format_the_same_way_twice(name: str) -> None:
    tree = load_tree(name)
    first = run_headless(tree)
    again = run_headless(tree)
    outputs = {fmt: render(first, fmt) for fmt in FORMATS}
    assert all(outputs.values()), f"{name}: an empty format"
    assert outputs == {fmt: render(again, fmt) for fmt in FORMATS}
    assert len(outputs["jsonl"].splitlines()) == len(outputs["text"].splitlines()) == len(first)
    assert outputs["summary"].startswith("- 0 seconds: root starts ")


def test_the_seed_picks_the_flaky_crashes(headless: Callable[..., str]) -> None:
    tree = """
        max_restarts = 100
        [[children]]
        id = "flaky"
        worker = "flaky"
        args = { interval = 100, p = 0.2 }
    """
    assert headless(tree, seed=1) == headless(tree, seed=1)
    assert headless(tree, seed=1) != headless(tree, seed=2)


def test_worker_text_in_the_text_format_is_shown_not_obeyed(tmp_path) -> None:
    """A reason holding terminal escapes, a CR and a bidi override is printed as visible escapes."""
    from suptui.headless import render, run_headless
    from suptui.treefile import load_tree

    (tmp_path / "esc_worker.py").write_text(
        "from suptui.engine import Actor\n"
        "class Esc(Actor):\n"
        "    def init(self):\n"
        "        self.send_after(100, 'x')\n"
        "    def handle_info(self, msg):\n"
        "        raise RuntimeError('boom\\x1b[2J\\r\\x9b[reverse]\\u202e')\n")
    tree = tmp_path / "esc.toml"
    tree.write_text('id = "root"\n[[children]]\nid = "h"\nworker = "esc_worker:Esc"\n')
    out = render(run_headless(load_tree(str(tree)), 150), "text", until=150, title=None)
    assert "RuntimeError: boom\\x1b[2J\\r\\x9b[reverse]\\u202e" in out
    assert not any(c in out for c in "\x1b\r\x9b\u202e")
