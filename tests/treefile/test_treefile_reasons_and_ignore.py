"""Tree files can say what OTP can: ``ignore`` from init and ``{shutdown, term}`` exit reasons."""

from __future__ import annotations

from suptui.workers import Quitter

QUITTER = """\
[[children]]
id = "q"
worker = "quitter"
restart = "transient"
args = {{ quit_time = 1000, reason = {reason} }}
"""


def test_a_quitter_reason_may_be_shutdown_with_a_term(tree, run) -> None:
    loaded = tree(QUITTER.format(reason='["shutdown", "done"]'))
    assert loaded.nodes()["root/q"].actor is Quitter
    lines = [(e.t, e.kind, e.path, e.get("reason")) for e in run(loaded, 2000) if e.kind in ("exit", "start")]
    assert lines == [(0, "start", "root/q", None), (0, "start", "root", None),
                     (1000, "exit", "root/q", "{shutdown, done}")]


def test_a_bad_quitter_reason_is_a_file_line_error(problems) -> None:
    for bad in ('["shutdwn", "done"]', '["shutdown"]', '["shutdown", 5]', "5", '["shutdown", "a", "b"]'):
        found = problems(QUITTER.format(reason=bad))
        assert len(found) == 1 and found[0].startswith("t.toml:5: arg reason must be a reason"), (bad, found)
        assert '["shutdown", "<term>"]' in found[0]


SCRIPT = """\
[[children]]
id = "w"
worker = "sleeper"
restart = "transient"

[[script]]
at = 1000
action = "exit"
target = "root/w"
reason = {reason}
"""


def test_the_exit_action_takes_a_shutdown_tuple(tree) -> None:
    step = tree(SCRIPT.format(reason='["shutdown", "done"]')).script[0]
    assert step.reason == ("shutdown", "done")
    assert tree(SCRIPT.format(reason='"kill"')).script[0].reason == "kill"
    assert tree(SCRIPT.replace("reason = {reason}\n", "")).script[0].reason == "normal"


def test_a_bad_exit_reason_is_a_file_line_error(problems) -> None:
    assert problems(SCRIPT.format(reason='["shutdwn", "done"]')) == [
        't.toml:10: exit reason: an array reason is ["shutdown", "<term>"] for {shutdown, <term>}; its first '
        'element must be "shutdown", found "shutdwn" (a reason is a string ("normal", "shutdown", or any '
        'other word for a crash), or ["shutdown", "<term>"] for the orderly reason {shutdown, <term>})']
    for bad in ('["shutdown"]', '["shutdown", ""]', "5", '""', "{ a = 1 }"):
        found = problems(SCRIPT.format(reason=bad))
        assert len(found) == 1 and found[0].startswith("t.toml:10: exit reason: "), (bad, found)


def test_ignore_is_an_arg_of_every_built_in_worker(tree, run) -> None:
    loaded = tree("""\
        [[children]]
        id = "ig"
        worker = "ticker"
        args = { ignore = true }

        [[children]]
        id = "tmp"
        worker = "sleeper"
        restart = "temporary"
        args = { ignore = true }

        [[children]]
        id = "b"
        worker = "bomb"
        args = { bomb_time = 1000, ignore = true, ignore_from = 500 }
        """)
    events = [(e.t, e.kind, e.path, e.get("phase")) for e in run(loaded, 2000) if e.kind in ("exit", "crash")]
    assert events == [(0, "exit", "root/ig", "ignore"), (0, "exit", "root/tmp", "ignore"),
                      (1000, "crash", "root/b", None), (1000, "exit", "root/b", "ignore")]


def test_ignore_must_be_a_boolean(problems) -> None:
    found = problems('[[children]]\nid = "a"\nworker = "bomb"\nargs = { ignore = "yes" }\n')
    assert found and found[0].startswith("t.toml:4: arg ignore must be true or false")


def test_the_bundled_ignore_shutdown_tree_does_what_its_comment_says(run) -> None:
    from suptui.session import Session
    from suptui.treefile import load_tree

    events = run(load_tree("ignore_shutdown"), 9000)
    told = [(e.t, e.kind, e.path, e.get("reason")) for e in events if e.kind in ("exit", "crash")]
    assert told == [
        (1000, "exit", "root/optional", "normal"), (1000, "exit", "root/scratch", "normal"),
        (2000, "crash", "root/boot_once", "RuntimeError: boot_once Exploded!"),
        (2000, "exit", "root/boot_once", "normal"),
        (3000, "exit", "root/job", "{shutdown, done}"),
        (4000, "exit", "root/rotator", "{shutdown, rotated}"),
        (5000, "exit", "root/pool/lazy", "normal"),
        (6000, "exit", "root/listener", "{shutdown, bye}"),
        (8000, "exit", "root/rotator", "{shutdown, rotated}"),
    ]
    restarts = [(e.t, e.path) for e in events if e.kind == "start" and e.get("restart")]
    assert restarts == [(4000, "root/rotator"), (8000, "root/rotator")]
    session = Session(load_tree("ignore_shutdown"))
    try:
        assert session.start().status == "ok"
        session.run_until(7000)
        root = session.runtime.whereis("root")
        assert root is not None
        from suptui.engine import SupervisorClient

        kids = {cid: pid for cid, pid, _ in SupervisorClient(session.runtime, root).which_children()}
        assert "scratch" not in kids and kids["optional"] is None and kids["boot_once"] is None
        assert kids["job"] is None and kids["listener"] is None and kids["rotator"] is not None
    finally:
        session.stop()
