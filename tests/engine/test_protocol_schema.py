"""docs/protocol.schema.json: a valid JSON Schema, in step with suptui/engine/protocol.py, and true of
real output: every bundled tree's recording, and runs with kills, exit signals, strategy switches,
the child API, shutdown timeouts, failed and ignored starts, faults and a zombie."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
from dataclasses import MISSING as _MISSING
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from suptui.cli import main
from suptui.engine import Actor, ChildSpec, Runtime, Supervisor, SupFlags, VirtualClock
from suptui.engine.protocol import KINDS, Event, ProtocolError, _fields, from_dict
from suptui.engine.recording import Header
from suptui.treefile import list_bundled
from suptui.treefile import skeleton as skeleton_module

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "protocol.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
COMMON = ("t", "event", "path", "pid")


def _errors(obj: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(obj)]


def _recording(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    """``suptui ARGV --headless --format jsonl``: every line, parsed."""
    code = main([*argv, "--headless", "--format", "jsonl"])
    out, _ = capsys.readouterr()
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def _assert_valid(lines: list[dict[str, Any]]) -> None:
    assert lines[0]["suptui"] == "recording" and not _errors(lines[0]), _errors(lines[0])
    for number, obj in enumerate(lines[1:], start=2):
        assert "event" in obj, f"line {number} is not an event"
        problems = _errors(obj)
        assert not problems, f"line {number}: {obj}: {problems}"


# ---------------------------------------------------------------------------- the schema itself


def test_the_schema_is_a_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_and_the_protocol_module_agree() -> None:
    """Every kind and field in protocol.py is in the schema with its type, and nothing else is."""
    defs = SCHEMA["$defs"]
    assert [ref["$ref"] for ref in SCHEMA["oneOf"]] == ["#/$defs/header", *(f"#/$defs/{k}" for k in KINDS)]
    for kind, cls in KINDS.items():
        entry = defs[kind]
        assert entry["additionalProperties"] is False
        assert entry["properties"]["event"] == {"const": kind}
        wire = {item.metadata.get("wire", item.name): item for item in _fields(cls)}
        assert list(entry["properties"]) == [*COMMON, *wire], kind
        required = [name for name, item in wire.items() if item.default is _MISSING]
        assert entry["required"] == [*COMMON, *required], kind
        for name, item in wire.items():
            assert _schema_type(entry["properties"][name]) == _annotation_type(str(item.type)), (kind, name)
            assert entry["properties"][name].get("description"), (kind, name)


def test_the_header_and_the_skeleton_agree_with_the_code() -> None:
    header = SCHEMA["$defs"]["header"]
    assert list(header["properties"]) == [*Header(tree={}).to_dict()]
    node = SCHEMA["$defs"]["node"]["properties"]
    assert set(node) == {*skeleton_module._NODE_FIELDS, "args", "children"}


def _annotation_type(annotation: str) -> str:
    if "Stamps" in annotation:
        return "array"
    for prefix, name in (("bool", "boolean"), ("int", "integer"), ("ChildType", "string")):
        if annotation.startswith(prefix):
            return name
    return "string"


def _schema_type(prop: dict[str, Any]) -> str:
    return prop["type"]


# ---------------------------------------------------------------------------- real output


@pytest.mark.parametrize("name", [entry.name for entry in list_bundled()])
def test_every_bundled_trees_recording_is_valid(capsys: pytest.CaptureFixture[str], name: str) -> None:
    _assert_valid(_recording(capsys, name))


WORKERS = '''
from suptui.engine import Actor
from tests.support.fault_workers import Dels, Threads  # noqa: F401  (named in the tree below)


INITS: dict[str, int] = {}


class StopsInInit(Actor):
    """Its init number ``stop_at`` (counted per ``key``) stops with shutdown: an orderly failed start.
    With ``crash_at``, it crashes that long after a good start, so the failed start is a restart."""

    def __init__(self, key, stop_at, crash_at=None):
        self.key, self.stop_at, self.crash_at = key, stop_at, crash_at

    def init(self):
        INITS[self.key] = INITS.get(self.key, 0) + 1
        if INITS[self.key] == self.stop_at:
            self.stop("shutdown")
        if self.crash_at is not None:
            self.send_after(self.crash_at, "crash")

    def handle_info(self, msg):
        raise RuntimeError("crash to be restarted")


class BadStop(Actor):
    """Ends with its own reason when asked to shut down: a shutdown_error."""

    trap_exit = True

    def handle_info(self, msg):
        raise RuntimeError("not the reason you asked for")
'''

TREE = '''
title = "Every kind of event"
max_restarts = 50
[[children]]
id = "bomb"
worker = "bomb"
args = { bomb_time = 1200 }
[[children]]
id = "group"
strategy = "rest_for_one"
max_restarts = 50
  [[children.children]]
  id = "first"
  worker = "sleeper"
  [[children.children]]
  id = "late"
  worker = "slow_stop"
  shutdown = 200
  args = { stop_time = 5000 }
  [[children.children]]
  id = "bad_stop"
  worker = "schema_workers:BadStop"
  [[children.children]]
  id = "starter"
  worker = "slow_start"
  args = { start_time = 100, fail_start = true, fail_from = 1000 }
[[children]]
id = "quitter"
worker = "quitter"
restart = "transient"
args = { quit_time = 1800, reason = ["shutdown", "done"] }
[[children]]
id = "declines"
worker = "sleeper"
args = { ignore_from = 2000 }
[[children]]
id = "threads"
worker = "schema_workers:Threads"
[[children]]
id = "dels"
worker = "schema_workers:Dels"
[[children]]
id = "pool"
kind = "dynamic"
max_children = 4
[[children]]
id = "restarts_badly"
worker = "schema_workers:StopsInInit"
args = { key = "restarts_badly", stop_at = 2, crash_at = 400 }

[[script]]
at = 500
action = "kill"
target = "root/group/first"
[[script]]
at = 700
action = "exit"
target = "root/declines"
reason = "boom"
[[script]]
at = 800
action = "set_strategy"
target = "root/group"
strategy = "one_for_all"
[[script]]
at = 900
action = "start_child"
target = "root/pool"
child = { id = "p1", worker = "sleeper" }
[[script]]
at = 950
action = "start_child"
target = "root"
child = { id = "extra", worker = "sleeper", restart = "temporary" }
[[script]]
at = 1000
action = "start_child"
target = "root/pool"
child = { id = "fails", worker = "slow_start", args = { start_time = 0, fail_start = true } }
[[script]]
at = 1100
action = "start_child"
target = "root/pool"
child = { id = "declines_api", worker = "schema_workers:StopsInInit", args = { key = "api", stop_at = 1 } }
[[script]]
at = 2500
action = "exit"
target = "root/group/first"
reason = "shutdown"
[[script]]
at = 3000
action = "terminate_child"
target = "root/extra"
[[script]]
at = 3100
action = "delete_child"
target = "root/extra"
[[script]]
at = 3200
action = "terminate_child"
target = "root/bomb"
[[script]]
at = 3300
action = "restart_child"
target = "root/bomb"
[[script]]
at = 3400
action = "exit"
target = "root/pool/p1"
reason = "kill"
'''


class Stuck(Actor):
    """On its own thread, blocks in C when told to stop (so its thread outlives its death)."""

    trap_exit = True
    dedicated_thread = True
    released = threading.Event()

    def terminate(self, reason: Any) -> None:
        Stuck.released.wait(5)


def _zombie_events() -> list[Event]:
    rt = Runtime(VirtualClock(), kill_grace_ms=10, zombie_after_ms=50)
    events: list[Event] = []
    rt.events.subscribe(events.append)
    try:
        root = rt.start(Supervisor, {"flags": SupFlags(), "children": [ChildSpec("stuck", Stuck, {},
                                                                                 shutdown=100)]},
                        path="root")
        rt.wait(rt.stop(root, "shutdown"), timeout=10)
        deadline = time.monotonic() + 5
        while not any(e.kind == "zombie" for e in events) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        Stuck.released.set()
        rt.shutdown()
    return events


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Real lines covering every kind and field: the tree above, the bundled trees (but big, which
    adds nothing new and is validated on its own above), and a zombie."""
    directory = tmp_path_factory.mktemp("schema")
    (directory / "schema_workers.py").write_text(WORKERS)
    (directory / "everything.toml").write_text(TREE)
    lines: list[dict[str, Any]] = []
    for argv in ([str(directory / "everything.toml"), "--until", "6000"],
                 *([entry.name] for entry in list_bundled() if entry.name != "big")):
        out = io.StringIO()  # (a module-scoped fixture cannot take capsys)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main([*argv, "--headless", "--format", "jsonl"]) == 0
        lines.extend(json.loads(line) for line in out.getvalue().splitlines())
    lines.extend(event.to_dict() for event in _zombie_events())
    return lines


def test_runs_with_every_kind_of_event_are_valid(corpus: list[dict[str, Any]]) -> None:
    for obj in corpus:
        assert not _errors(obj), f"{obj}: {_errors(obj)}"
    assert {obj["event"] for obj in corpus if "event" in obj} == set(KINDS)


def test_the_corpus_uses_every_field_of_every_kind(corpus: list[dict[str, Any]]) -> None:
    """So that the validation above is not vacuous for any field."""
    seen = {(obj["event"], name) for obj in corpus if "event" in obj for name in obj}
    # killed_by comes with reason killed, and a traceback with an exception: both are crashes
    impossible = {("exit", "killed_by"), ("exit", "traceback")}
    missing = sorted((kind, name) for kind in KINDS for name in SCHEMA["$defs"][kind]["properties"]
                     if (kind, name) not in seen | impossible)
    assert missing == [], ", ".join(map(str, missing))


# ---------------------------------------------------------------------------- malformed lines

GOOD = {"t": 2000, "event": "crash", "path": "root/a", "pid": "<0.2.0>", "reason": "boom"}

MALFORMED: list[tuple[str, dict[str, Any], str]] = [
    ("unknown kind", {**GOOD, "event": "explode"}, "unknown event kind 'explode'"),
    ("no kind", {k: v for k, v in GOOD.items() if k != "event"}, "unknown event kind None"),
    ("missing field", {k: v for k, v in GOOD.items() if k != "reason"}, "crash: missing field 'reason'"),
    ("missing t", {k: v for k, v in GOOD.items() if k != "t"}, "crash: field 't' must be a whole number"),
    ("t as text", {**GOOD, "t": "2000"}, "crash: field 't' must be a whole number, got '2000'"),
    ("t as a float", {**GOOD, "t": 2000.5}, "crash: field 't' must be a whole number, got 2000.5"),
    ("t as a bool", {**GOOD, "t": True}, "crash: field 't' must be a whole number, got True"),
    ("pid as a number", {**GOOD, "pid": 5}, "crash: field 'pid' must be text, got 5"),
    ("reason as a list", {**GOOD, "reason": ["shutdown", "x"]}, "crash: field 'reason' must be text"),
    ("restart as text", {**GOOD, "event": "start", "restart": "yes"},
     "start: field 'restart' must be true or false"),
    ("stamps of text", {**GOOD, "event": "start", "stamps": ["1"]},
     "start: field 'stamps' must be a list of whole numbers"),
    ("type not a child type", {**GOOD, "event": "start", "type": "robot"},
     "start: field 'type' must be \"worker\" or \"supervisor\""),
    ("extra field", {**GOOD, "colour": "red"}, "crash: unknown field 'colour'"),
    ("a header field in an event", {**GOOD, "protocol": 1}, "crash: unknown field 'protocol'"),
]


@pytest.mark.parametrize(("obj", "message"), [(obj, message) for _, obj, message in MALFORMED],
                         ids=[name for name, _, _ in MALFORMED])
def test_from_dict_and_the_schema_refuse_each_malformed_shape(obj: dict[str, Any], message: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        from_dict(obj, 1)
    assert str(caught.value).startswith(message), str(caught.value)
    if obj.get("event") == "start":
        obj = {k: v for k, v in obj.items() if k != "reason"}
    assert _errors(obj), "the schema refuses it too"


def test_from_dict_refuses_what_is_not_an_object() -> None:
    for value in ([1, 2], "crash", 5, None):
        with pytest.raises(ProtocolError, match="expected a JSON object"):
            from_dict(value, 1)  # type: ignore[arg-type]
        assert _errors(value)


# ---------------------------------------------------------------------------- docs/protocol.md

DOC = (SCHEMA_PATH.parent / "protocol.md").read_text(encoding="utf-8")


def _doc_examples() -> list[dict[str, Any]]:
    """Every example line of the page that is whole JSON (the header's example is abridged)."""
    blocks = DOC.split("```json\n")[1:]
    lines = [line for block in blocks for line in block.split("```")[0].splitlines()]
    examples = []
    for line in lines:
        with contextlib.suppress(json.JSONDecodeError):
            examples.append(json.loads(line))
    return examples


def test_every_example_on_the_page_is_a_valid_line() -> None:
    examples = _doc_examples()
    assert {obj.get("event") for obj in examples} >= set(KINDS)
    for obj in examples:
        assert not _errors(obj), f"{obj}: {_errors(obj)}"
        from_dict(obj, 1)


def test_the_page_describes_every_kind_and_field() -> None:
    for kind in KINDS:
        heading = next(line for line in DOC.splitlines() if line.startswith("### ") and f"`{kind}`" in line)
        section = DOC.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        for name in SCHEMA["$defs"][kind]["properties"]:
            if name not in COMMON:
                assert f"`{name}`" in section, f"{kind}: {name} is not described"
    for name in SCHEMA["$defs"]["header"]["properties"]:
        assert f"| `{name}` |" in DOC
