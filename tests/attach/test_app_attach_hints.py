"""Attached to a live program, the texts offer only the keys that work there.

``R`` (the tree again from its file), ``a`` (a worker the app would pick), space, ``.`` and ``p`` are off
on an attached program (:data:`~suptui.tui.rules.ATTACH_OFF`); the details said "asks first; R starts it
again" and the banner "press R"/"no file to restart it from" all the same. They now ask the rules.
"""

from __future__ import annotations

from suptui.tui.rules import ATTACH_OFF

from tests.attach.test_app_attach import attached_app, banner, programs  # noqa: F401  (the fixture)
from tests.support.tui import until
from tests.tui.test_tui_layout import pane_rows

TALL = (160, 70)
"""Room for every row of the details (their keys come last)."""


def details(app) -> str:
    return " ".join(" ".join(row.split()) for row in pane_rows(app, "details"))


async def test_the_details_of_an_attached_root_offer_no_r_and_no_a(programs, short_dir,  # noqa: F811
                                                                   tmp_path) -> None:
    address = str(short_dir / "p.sock")
    rt = programs(address)
    app = attached_app(address, tmp_path)
    async with app.run_test(size=TALL) as pilot:
        await until(pilot, lambda: "root/w2" in app.model.nodes)
        app.select_node("root")
        await pilot.pause()
        text = await until(pilot, lambda: (t := details(app)) and "kill root" in t and t)
        assert "the whole tree goes down (asks first)" in text, text
        assert "R starts" not in text  # was "(asks first; R starts it again)"
        assert "start_child" not in text  # a is off: the app cannot know the program's workers
        assert "strategy one_for_one → one_for_all" in text  # s works on the program
        rt.kill(rt.whereis("root"))
        await until(pilot, lambda: app.model.nodes["root"].status not in ("running", "pending"))
        said = await until(pilot, lambda: "The tree is down" in banner(app) and banner(app))
        assert "press R" not in said and "R starts" not in said, said
        assert ATTACH_OFF["restart_tree"] in said  # why R cannot, from the rules, not "no file"
        await pilot.pause()
        assert " R " not in f" {details(app)} "


async def test_a_read_only_program_gets_no_keys_offered_in_the_details(programs, short_dir,  # noqa: F811
                                                                       tmp_path) -> None:
    address = str(short_dir / "p.sock")
    programs(address, control=False)
    app = attached_app(address, tmp_path)
    async with app.run_test(size=TALL) as pilot:
        await until(pilot, lambda: "root/w2" in app.model.nodes)
        app.select_node("root/w1")
        await pilot.pause()
        text = await until(pilot, lambda: (t := details(app)) and "w1" in t and t)
        assert "keys" not in text and "kill w1" not in text, text  # k x d s were offered, all refused
