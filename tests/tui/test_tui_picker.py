"""The picker (lesson order, full descriptions, notes beside the selected tree, Esc goes back to an open
tree, ``o`` reopens it) and the current tree's notes (``N``)."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from suptui.treefile import BundledTree, list_bundled, load_tree
from suptui.tui.app import SuptuiApp
from suptui.tui.dialogs import ChoiceScreen
from suptui.tui.liverun import manual_runs
from suptui.tui.picker import NO_NOTES, NotesScreen, PickerScreen

from tests.support.tui import SIZE, press, settle

LONG = ("a description long enough that a one-line list would cut it at eighty columns, which is why it "
        "wraps, [@click=app.quit]not markup[/] and the end of it is still shown: THE END")
ENTRIES = [BundledTree("workers", "Plain workers", "three plain workers", "workers notes\nTry: kill one"),
           BundledTree("bombs", "Bombs", LONG, "bombs notes [b]not bold[/b]\nTry: one_for_all"),
           BundledTree("big", "Big", "1,020 workers", "")]


def plain(widget: Static) -> str:
    return str(widget.render())


def picker_app(tmp_path) -> SuptuiApp:
    return SuptuiApp(None, None, run_factory=manual_runs(), bundled=lambda: ENTRIES, wall=lambda: 0.0,
                     export_dir=tmp_path)


def test_the_bundled_trees_start_with_the_lessons_plain_workers_and_end_with_big() -> None:
    names = [entry.name for entry in list_bundled()]
    assert names[0] == "workers" and names[1] == "bombs" and names[-1] == "big"


async def test_the_picker_shows_full_descriptions_and_the_highlighted_trees_notes(tmp_path) -> None:
    app = picker_app(tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PickerScreen) and isinstance(screen, ChoiceScreen)
            option_list = screen.query_one("#choices", OptionList)
            assert option_list.highlighted == 0  # lesson order as given: the first tree, not big
            notes = screen.query_one("#picker-notes", Static)
            assert "workers notes" in plain(notes)
            prompt = str(option_list.get_option_at_index(1).prompt)
            assert LONG in prompt  # the whole description, wrapped by the list, never cut
            await press(pilot, "down")
            assert "bombs notes [b]not bold[/b]" in plain(notes)  # plain text, not markup
            await press(pilot, "down")
            assert plain(notes) == NO_NOTES
            await press(pilot, "escape")  # no tree is open: Esc quits
        assert app.return_value == 0
    finally:
        app.teardown()


async def test_o_reopens_the_picker_and_esc_goes_back_to_the_open_tree(tmp_path) -> None:
    app = picker_app(tmp_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "down", "enter")
            await settle(pilot)
            assert app.source == "bombs" and app.live is not None
            await press(pilot, "o")
            assert isinstance(app.screen, PickerScreen)
            assert app.screen.query_one("#choices", OptionList).highlighted == 1  # the open tree
            await press(pilot, "escape")
            await settle(pilot)
            assert app.is_running and not isinstance(app.screen, ChoiceScreen)
            assert app.source == "bombs" and app.live is not None
            await press(pilot, "o")
            await press(pilot, "home", "enter")
            await settle(pilot)
            assert app.source == "workers" and app.live is not None
    finally:
        app.teardown()


async def test_n_shows_the_current_trees_notes_as_plain_text(tmp_path) -> None:
    tree = tmp_path / "mine.toml"
    tree.write_text('# My tree [@click=app.quit]click[/].\n#\n# Try: kill w.\n\n'
                    '[[children]]\nid = "w"\nworker = "sleeper"\n')
    app = SuptuiApp(load_tree(str(tree)), str(tree), run_factory=manual_runs(), wall=lambda: 0.0,
                    export_dir=tmp_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "N")
            assert isinstance(app.screen, NotesScreen)
            text = plain(app.screen.query_one("#notes-text", Static))
            assert text == "My tree [@click=app.quit]click[/].\n\nTry: kill w."
            await press(pilot, "escape")
            assert not isinstance(app.screen, NotesScreen) and app.is_running
    finally:
        app.teardown()


async def test_picking_another_tree_stops_the_run_it_replaces(app_factory) -> None:
    """Found by the monkey: a tree picked with o started a new run and left the old one's engine
    threads running after quit. Whoever replaces a run (R, p, o), start_run stops the old one."""
    from suptui.treefile import load_tree

    from tests.support.tui import SIZE, settle

    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        old = app.live
        assert old is not None
        app._picked("nested", load_tree("nested"))
        await settle(pilot)
        assert app.live is not old
        assert [t for t in old.session.runtime.threads() if t.is_alive()] == []
        assert any("opened nested" in line.text for line in app.event_log.lines)


def test_notes_prose_is_reflowed_and_drawings_and_lists_keep_their_lines() -> None:
    from suptui.tui.picker import reflowed

    notes = ("A supervisor restarts\na child in its place.\n\n  root\n  ├── a   a worker\n  └── b\n\n"
             "Try:\n- kill a\n- kill b, then\n  wait\n\nBad\x1b[2J text")
    assert reflowed(notes).split("\n") == [
        "A supervisor restarts a child in its place.", "",
        "  root", "  ├── a   a worker", "  └── b", "",
        "Try:", "- kill a", "- kill b, then", "  wait", "",  # (an indented line: kept as written)
        "Bad\\x1b[2J text"]
