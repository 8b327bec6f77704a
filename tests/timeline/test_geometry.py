"""Lane geometry: the exact cells a Line-API widget paints, at several zoom levels."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from suptui.engine import Event
from suptui.timeline import ZOOM_LEVELS_MS, TimelineModel, rows, window_ending_at, zoom_in, zoom_out
from suptui.timeline.geometry import cell_of, time_of


def texts(model: TimelineModel, t0: int, t1: int, width: int, **options) -> dict[str, str]:
    return {row.path.split("/")[-1]: row.text for row in rows(model, t0, t1, width, **options)}


def test_bombs_one_second_per_cell(models: dict[str, TimelineModel]) -> None:
    assert texts(models["bombs"], 0, 12_000, 12) == {
        "root":  "●═••••‼     ",   # a stamp per restart, the give-up at 6 s, then nothing
        "bomb1": "●━✖━✖━✖     ",
        "bomb2": "●━━✖━━✖     ",
        "bomb3": "●━━━━✖■     ",   # crashed at 5 s, stopped by the give-up at 6 s
    }


def test_group_restarts_line_up_in_one_column(models: dict[str, TimelineModel]) -> None:
    """rest_for_one, bomb3 first: at 5 s (cell 10) bomb3 crashes and bomb1, bomb2 are stopped."""
    drawn = texts(models["bombs_reordered"], 0, 10_000, 20)
    assert drawn == {
        "root":  "●═══•═══•═•═══•═══•═",
        "bomb3": "●━━━━━━━━━✖━━━━━━━━━",
        "bomb1": "●━━━✖━━━✖━■━━━✖━━━✖━",
        "bomb2": "●━━━■━━━■━■━━━■━━━■━",
    }
    column = {row.path: row.styles[10] for row in rows(models["bombs_reordered"], 0, 10_000, 20)}
    assert column == {"root": "stamp", "root/bomb3": "crash", "root/bomb1": "terminate",
                      "root/bomb2": "terminate"}


def test_a_cause_is_linked_through_the_lanes_between(models: dict[str, TimelineModel]) -> None:
    """shutdown: trigger's crash at 4 s (cell 8) causes the stops of patient, four rows up, and of
    every lane in between; the restarts come at 7.5 s, when the last one has stopped."""
    drawn = texts(models["shutdown"], 0, 12_000, 24)
    assert drawn["patient"] == "●━━━━━━━━━━━━━━■━━━━━━━━"
    assert drawn["impatient"] == "●━━━━━━━┆━━━━■ ↻━━━━━━━┆"
    assert drawn["brutal"] == "●━━━━━━━┆━━━■  ↻━━━━━━━┆"
    assert drawn["trigger"] == "●━━━━━━━✖      ↻━━━━━━━✖"
    # Only the rows asked for are drawn: without the lanes in between, no link.
    assert texts(models["shutdown"], 0, 12_000, 24, paths=["root/patient", "root/trigger"]) == {
        "patient": drawn["patient"], "trigger": drawn["trigger"]}


@pytest.mark.parametrize(("span", "width", "root", "bomb1"), [
    (1_000, 10, "•═════════", "━━━━━━━━━━"),   # 5 … 6 s: the stamp at 5 s, then a tenth of a second per cell
    (10_000, 10, "•‼        ", "━✖        "),  # 5 … 15 s
    (60_000, 12, "‼           ", "✖           "),  # 5 … 65 s: five seconds per cell, the worst wins
])
def test_zoom_levels(models: dict[str, TimelineModel], span: int, width: int, root: str, bomb1: str) -> None:
    drawn = texts(models["bombs"], 5000, 5000 + span, width)
    assert (drawn["root"], drawn["bomb1"]) == (root, bomb1)


def test_running_bars_stop_at_now(event: Callable[..., Event]) -> None:
    model = TimelineModel([event(0, "start", "root/w", "<0.2.0>"),
                           event(0, "start", "root", "<0.1.0>", type="supervisor", max_restarts=3,
                                 max_seconds=5)])
    assert texts(model, 0, 10_000, 10)["w"] == "●         "   # last event at 0: nothing has happened since
    assert texts(model, 0, 10_000, 10, now=4500)["w"] == "●━━━━     "
    assert texts(model, 0, 10_000, 10, now=60_000)["root"] == "●═════════"


def test_rows_carry_the_gauge_and_runs_for_segments(models: dict[str, TimelineModel]) -> None:
    root, bomb1 = rows(models["bombs"], 0, 12_000, 12, paths=["root", "root/bomb1"], gauge_at=5999)
    assert root.gauge is not None and root.gauge.label() == "4/5 · next frees in 2.0 s"
    assert bomb1.gauge is None
    assert bomb1.runs() == [("●", "start"), ("━", "bar"), ("✖", "crash"), ("━", "bar"), ("✖", "crash"),
                            ("━", "bar"), ("✖", "crash"), ("     ", "empty")]
    assert "".join(text for text, _ in bomb1.runs()) == bomb1.text
    assert len(bomb1.styles) == len(bomb1.text) == 12


def test_degenerate_windows_draw_nothing(models: dict[str, TimelineModel]) -> None:
    assert rows(models["bombs"], 0, 1000, 0) == []
    assert rows(models["bombs"], 1000, 1000, 10) == []


def test_zoom_steps_and_the_scrolling_window() -> None:
    assert ZOOM_LEVELS_MS[0] == 1_000 and ZOOM_LEVELS_MS[-1] == 60_000
    assert [zoom_out(span) for span in (1_000, 5_000, 60_000)] == [2_000, 10_000, 60_000]
    assert [zoom_in(span) for span in (1_000, 5_000, 7_000, 60_000)] == [1_000, 2_000, 5_000, 30_000]
    assert window_ending_at(3_000, 10_000) == (0, 10_000)
    assert window_ending_at(25_000, 10_000) == (15_000, 25_000)
    assert [cell_of(t, 0, 10_000, 20) for t in (0, 499, 500, 9_999, 10_000)] == [0, 0, 1, 19, 20]
    assert [time_of(cell, 0, 10_000, 3) for cell in (0, 1, 2, 3)] == [0, 3_334, 6_667, 10_000]
