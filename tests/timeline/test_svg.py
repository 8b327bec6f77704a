"""The SVG export: a well-formed document with one labelled lane per node, its bars and its marks."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from suptui.engine import Event, make_event
from suptui.timeline import TimelineModel, render_svg, timeline_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def lanes(root: ET.Element) -> dict[str, ET.Element]:
    return {g.attrib["data-path"]: g for g in root.iterfind(".//svg:g[@class='lane']", NS)}


def classes(element: ET.Element, first: str) -> list[str]:
    """The classes of every element inside whose class list starts with ``first``."""
    return [e.attrib["class"] for e in element.iter() if e.attrib.get("class", "").split()[:1] == [first]]


def test_bombs_lanes_bars_and_marks(models: dict[str, TimelineModel]) -> None:
    root = parse(render_svg(models["bombs"], 0, 10_000, title="Bombs <one_for_one> & co"))
    assert root.findtext("svg:title", namespaces=NS) == "Bombs <one_for_one> & co"
    drawn = lanes(root)
    assert list(drawn) == ["root", "root/bomb1", "root/bomb2", "root/bomb3"]
    labels = [g.findtext("svg:text[@class='label']", namespaces=NS) for g in drawn.values()]
    assert labels == ["root", "bomb1", "bomb2", "bomb3"]
    assert classes(drawn["root/bomb1"], "mark") == ["mark crash"] * 3
    assert classes(drawn["root/bomb3"], "mark") == ["mark crash", "mark terminate"]
    assert classes(drawn["root"], "mark") == ["mark give_up"]
    assert len(classes(drawn["root/bomb1"], "bar")) == 3  # one bar per pid
    assert classes(drawn["root/bomb1"], "bar").count("bar restart") == 2
    gauges = [t.text for t in drawn["root"].iterfind("svg:text[@class='gauge']", NS)]
    assert gauges == ["1/5", "2/5", "3/5", "4/5", "6/5"]  # one label per instant: 6 s ends at 6/5
    assert len(classes(drawn["root"], "stamp")) == 5
    ticks = [t.text for t in root.iterfind(".//svg:g[@class='axis']/svg:text", NS)]
    assert ticks == [f"{s} s" for s in range(11)]


def test_a_group_restart_is_one_dashed_link(models: dict[str, TimelineModel]) -> None:
    root = parse(render_svg(models["bombs_reordered"], 0, 10_000))
    links = list(root.iterfind(".//svg:line[@class='link']", NS))
    assert [link.attrib["data-cause"] for link in links] == [
        "root/bomb1", "root/bomb1", "root/bomb3", "root/bomb1", "root/bomb1"]
    # bomb3's link at 5 s runs from its own lane (row 1) to bomb2's (row 3), in one column.
    link = links[2]
    assert link.attrib["x1"] == link.attrib["x2"]
    assert float(link.attrib["y2"]) - float(link.attrib["y1"]) == 2 * 28


def test_late_effects_hang_off_their_cause(models: dict[str, TimelineModel]) -> None:
    """shutdown: trigger crashed at 4 s; four children stopped later, one by one, and five restarts came
    at 7.5 s: nine dotted lines from the 4 s column."""
    root = parse(render_svg(models["shutdown"], 0, 10_000))
    assert len(list(root.iterfind(".//svg:line[@class='link late']", NS))) == 9


def test_running_processes_run_to_the_end_of_the_window(models: dict[str, TimelineModel]) -> None:
    root = parse(render_svg(models["bombs_reordered"], 0, 20_000, width_px=600))
    assert int(root.attrib["width"]) == 600
    bars = list(lanes(root)["root"].iterfind("svg:rect[@class='bar']", NS))
    right = float(bars[-1].attrib["x"]) + float(bars[-1].attrib["width"])
    ticks = list(root.iterfind(".//svg:g[@class='axis']/svg:line", NS))
    assert right == pytest.approx(float(ticks[-1].attrib["x1"]))


def test_timeline_svg_of_events(runs: dict[str, list[Event]]) -> None:
    root = parse(timeline_svg(runs["scripted"], title="scripted"))
    drawn = lanes(root)
    assert classes(drawn["root/a"], "mark") == ["mark kill"]
    assert classes(drawn["root/c"], "mark") == ["mark terminate", "mark terminate"]
    ticks = [t.text for t in root.iterfind(".//svg:g[@class='axis']/svg:text", NS)]
    assert ticks[-1] == "3 s"  # up to the whole second after the last event (2.5 s)


def test_an_empty_window_is_refused(models: dict[str, TimelineModel]) -> None:
    with pytest.raises(ValueError, match="empty window"):
        render_svg(models["bombs"], 5000, 5000)


HOSTILE = "\x1b[2J\r\x9b[reverse]x[/reverse] [@click=app.quit]q[/] [link=http://x]l[/link] \u202eevil\x00"


def test_worker_text_is_drawn_as_visible_text_and_the_document_stays_valid_xml() -> None:
    """Reasons, paths and titles come from workers and tree files: control characters (illegal in
    XML 1.0) are shown as escapes, markup-looking brackets stay literal, the file still parses."""
    odd = "root/w\x1b[31m"
    events = [
        make_event(1, 0, "start", "root", "<0.1.0>", {"type": "supervisor", "strategy": "one_for_one",
                                                 "max_restarts": 3, "max_seconds": 5}),
        make_event(2, 0, "start", odd, "<0.2.0>", {"type": "worker"}),
        make_event(3, 1000, "crash", odd, "<0.2.0>", {"reason": HOSTILE, "traceback": HOSTILE}),
        make_event(4, 1000, "start", odd, "<0.3.0>", {"type": "worker", "restart": True, "cause": odd,
                                                 "stamps": [1]}),
    ]
    text = timeline_svg(events, 3000, title=f"title {HOSTILE}")
    assert not any(c in text for c in "\x1b\r\x9b\x00\u202e")
    root = parse(text)  # would raise on a raw control character
    assert root.findtext("svg:title", namespaces=NS) == (
        "title \\x1b[2J\\r\\x9b[reverse]x[/reverse] [@click=app.quit]q[/] [link=http://x]l[/link] "
        "\\u202eevil\\x00")
    assert "root/w\\x1b[31m" in lanes(root)
    tips = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert any("crash (\\x1b[2J\\r\\x9b[reverse]" in tip for tip in tips)
