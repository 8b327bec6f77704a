"""The header tells the root's strategy of the moment shown, and the hints offer only keys that work.

The header kept the tree file's title, ``Bombs (one_for_one)``, after ``s`` or ``2`` switched the root
to one_for_all (the tree row and the details said one_for_all); in the past it must say the strategy of
the moment shown. The banner and the details offered ``R`` whatever the mode ("asks first; R starts
it again", "R starts it again, p predicts"), where the rules had it off.
"""

from __future__ import annotations

from textual.content import Content

from suptui.headless import run_headless
from suptui.treefile import load_tree
from suptui.tui.details import NodeFacts, key_effects
from suptui.tui.header import HeaderState, header_pieces, root_ended_line, title_width
from suptui.tui.model import TreeModel
from suptui.tui.narrate import banner_text

from tests.support.tui import SIZE, SMALL, advance, press, settle
from tests.tui.test_tui_layout import screen_rows


def header_row(app) -> str:
    return screen_rows(app)[0].strip()


def line(title: str, state: HeaderState, width: int | None = None) -> str:
    return Content.assemble(*header_pieces(title, state, width)).plain


BUDGET = (2, 5, 5)


async def test_the_header_says_the_switched_strategy_at_80x24_and_120x36(app_factory) -> None:
    for size in (SMALL, SIZE):
        app = app_factory("bombs")
        async with app.run_test(size=size) as pilot:
            await advance(pilot, 3000)
            assert "Bombs (one_for_one)" in header_row(app)
            await press(pilot, "s")  # cycles the selected root: one_for_one → one_for_all
            await settle(pilot)
            assert app.model.nodes["root"].strategy == "one_for_all"
            header = header_row(app)
            assert "Bombs (⇄ one_for_all)" in header, (size, header)  # was "Bombs (one_for_one)"
            assert "one_for_one" not in header, (size, header)
            assert header.endswith("root 2/5 in 5 s" if size == SMALL else "root 2/5 restarts in 5 s")
            assert "⇄ one_for_all" in app.status_text
            await press(pilot, "3")
            await settle(pilot)
            assert "Bombs (⇄ rest_for_one)" in header_row(app)
            await press(pilot, "1")  # back to the file's strategy: the title is the file's again
            await settle(pilot)
            assert "Bombs (one_for_one)" in header_row(app) and "⇄" not in header_row(app)


async def test_2_switches_and_the_header_follows(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 500)
        await press(pilot, "2")
        await settle(pilot)
        assert "suptui · Bombs (⇄ one_for_all)" in header_row(app)


async def test_in_the_past_the_header_says_the_strategy_of_the_moment_shown(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1000)
        await press(pilot, "2")  # switched at t = 1.000
        await advance(pilot, 2500)  # bomb1 crashes at 2.000 under one_for_all
        await settle(pilot)
        assert "(⇄ one_for_all)" in header_row(app)
        await press(pilot, "comma")  # a moment after the switch
        await settle(pilot)
        assert app.moment is not None and app.moment.t >= 1000
        assert "(⇄ one_for_all)" in header_row(app) and "PAST" in header_row(app)
        for _ in range(20):  # back to before the switch
            if app.moment is not None and app.moment.t < 1000:
                break
            await press(pilot, "comma")
            await settle(pilot)
        assert app.moment is not None and app.moment.t < 1000
        assert app.model.nodes["root"].strategy == "one_for_one"
        header = header_row(app)
        assert "Bombs (one_for_one)" in header and "⇄" not in header, header
        await press(pilot, "n")  # now again
        await settle(pilot)
        assert app.moment is None and "(⇄ one_for_all)" in header_row(app)


def test_a_title_that_does_not_name_the_strategy_gets_the_switch_after_it() -> None:
    state = HeaderState(t_ms=3000, budget=BUDGET, given="one_for_one", strategy="one_for_all")
    assert line("suptui · Nested", state).startswith("suptui · Nested · root ⇄ one_for_all   t = 3.000 s")
    same = HeaderState(t_ms=3000, budget=BUDGET, given="one_for_one", strategy="one_for_one")
    assert line("suptui · Bombs (one_for_one)", same).startswith("suptui · Bombs (one_for_one)   t =")
    unknown = HeaderState(t_ms=3000, budget=BUDGET, given=None, strategy="one_for_all")  # attached
    assert line("suptui · Bombs (one_for_one)", unknown).startswith("suptui · Bombs (one_for_one)   t =")
    # only the strategy's own word: a longer name that contains it is the user's text
    assert line("suptui · one_for_one_demo", state).startswith("suptui · one_for_one_demo · root ⇄")
    assert state.plain().startswith("root ⇄ one_for_all   t = 3.000 s")


def test_a_title_stays_text_when_the_switch_is_written_into_it() -> None:
    state = HeaderState(budget=BUDGET, given="one_for_one", strategy="one_for_all")
    text = line("suptui · [b]x[/b] \x1b[2J (one_for_one)", state)
    assert "[b]x[/b]" in text and "\x1b" not in text and "(⇄ one_for_all)" in text


def test_narrow_the_title_goes_before_the_switch_and_the_budget_stays_whole() -> None:
    state = HeaderState(t_ms=3000, budget=BUDGET, given="one_for_one", strategy="one_for_all")
    title = "suptui · Bombs (one_for_one)"
    for width in (120, 100, 80, 72, 70, 66):
        text = line(title, state, title_width(width))
        assert len(text) <= title_width(width), (width, text)
        assert "one_for_one" not in text, (width, text)  # never the file's stale strategy
        assert text.endswith("root 2/5 in 5 s") or text.endswith("root 2/5 restarts in 5 s"), (width, text)
        assert "⇄ one_for_all" in text, (width, text)
    assert line(title, state, title_width(80)).startswith("Bombs (⇄ one_for_all)   t = 3.000 s")
    # a title that would be cut gives way to the switch alone (the budget beside it names the root)
    assert line(title, state, title_width(66)).startswith("⇄ one_for_all   t = 3.000 s")
    # no room for either (the past's badge at 80 cells): less is said, nothing stale, the budget whole
    past = HeaderState(t_ms=3000, budget=BUDGET, given="one_for_one", strategy="one_for_all", past_of=4000)
    for width in (80, 50):
        tight = line(title, past, title_width(width))
        assert tight.endswith("root 2/5 in 5 s") and "one_for_one" not in tight, (width, tight)


def test_the_banners_first_line_offers_only_the_keys_the_rules_let_work() -> None:
    model = _root_down_model()
    every = root_ended_line(model, lambda action: True)
    assert every is not None and every.endswith("R starts it again, p predicts, , travels back")
    attached = root_ended_line(model, lambda action: action in ("back_event", "step"))
    assert attached is not None and "R " not in attached and "p predicts" not in attached
    assert attached.endswith("— , travels back")  # (. only steps forward once back in the past)
    alone = root_ended_line(model, lambda action: action == "back_event")
    assert alone is not None and alone.endswith("— , travels back")
    assert root_ended_line(model, lambda action: False) == "root gave up at 6.000 s"


def test_the_banner_says_why_r_is_off_instead_of_offering_it() -> None:
    model = _root_down_model()
    offered = banner_text(model, "bombs")
    assert offered is not None and offered.endswith("press R to start it again from bombs")
    off = banner_text(model, "bombs", restart_off="the program owns its tree")
    assert off is not None and "press R" not in off and off.endswith("— the program owns its tree")


def test_the_details_offer_r_only_when_the_rules_let_it_work() -> None:
    model = _model_at(1000)
    root = model.nodes["root"]
    assert root.running
    facts = NodeFacts(root, None, None, None, 0.0)
    kill = dict(key_effects(facts, model))["k"]
    assert "asks first; R starts it again" in kill
    off = NodeFacts(root, None, None, None, 0.0, off=frozenset({"restart_tree", "add_child"}))
    effects = dict(key_effects(off, model))
    assert "R" not in effects["k"] and "(asks first)" in effects["k"]
    assert "a" not in effects and "s" in effects
    none = NodeFacts(root, None, None, None, 0.0, off=frozenset({"kill", "exit_reason", "cycle_strategy",
                                                                  "add_child"}))
    assert key_effects(none, model) == []  # a read-only program: no node key offered


def _model_at(until: int) -> TreeModel:
    tree = load_tree("bombs")
    model = TreeModel(tree)
    model.apply_all(run_headless(tree, until))
    return model


def _root_down_model() -> TreeModel:
    model = _model_at(7000)  # bombs' root gives up at 6.000
    assert model.nodes["root"].gave_up is not None
    return model


def test_the_header_clock_cuts_to_the_millisecond_as_event_times_are() -> None:
    """An event at clock 1,718.6 ms is at t = 1718 (the engine cuts); the header then said 1.719."""
    from suptui.tui.header import clock_text
    from suptui.tui.narrate import format_t

    assert clock_text(1718.6) == "t = 1.718 s" and format_t(1718) == "1.718"
    assert format_t(1999.9999) == "1.999" and format_t(2000) == "2.000"
