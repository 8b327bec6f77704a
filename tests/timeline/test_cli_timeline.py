"""The command line's timeline features: ``--format svg`` and ``--predict FILE``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support.cli import Capsys, run


def ticks(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iterfind(".//{*}g[@class='axis']/{*}text")]


def test_format_svg_draws_zero_to_until(capsys: Capsys) -> None:
    code, out, err = run(capsys, "bombs", "--headless", "--format", "svg")
    assert (code, err) == (0, "")
    root = ET.fromstring(out)
    assert root.findtext("{*}title") == "Bombs (one_for_one)"
    assert ticks(out)[0] == "0 s" and ticks(out)[-1] == "20 s"   # the default --until
    lanes = [g.attrib["data-path"] for g in root.iterfind(".//{*}g[@class='lane']")]
    assert lanes == ["root", "root/bomb1", "root/bomb2", "root/bomb3"]
    _, short, _ = run(capsys, "bombs", "--headless", "--format", "svg", "--until", "7000")
    assert ticks(short)[-1] == "7 s"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "prediction.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_predict_right_exits_0(capsys: Capsys, tmp_path: Path, predictions: dict[str, str]) -> None:
    path = write(tmp_path, predictions["right_reordered"])
    code, out, err = run(capsys, "bombs_reordered", "--predict", path)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "Score: 6 of 6 moments right (100%); facts: 20 right, 0 missed, 0 extra"


def test_predict_wrong_exits_1_with_the_reasons(capsys: Capsys, tmp_path: Path,
                                                predictions: dict[str, str]) -> None:
    path = write(tmp_path, predictions["lesson_reordered"])
    code, out, err = run(capsys, "bombs_reordered", "--headless", "--predict", path)
    assert (code, err) == (1, "")
    assert "5 s: bomb2 was restarted too — rest_for_one restarts every child started after bomb3" in out
    assert out.splitlines()[-1].startswith("Score: 4 of 6 moments right")


def test_predict_until_sets_the_window(capsys: Capsys, tmp_path: Path, predictions: dict[str, str]) -> None:
    path = write(tmp_path, predictions["lesson_reordered"])
    code, out, _ = run(capsys, "bombs_reordered", "--predict", path, "--until", "9001")
    assert code == 1  # still wrong at 5 s, but 10 s is outside the window now
    assert out.splitlines()[0].endswith("scored up to 9.001 s:")
    assert "10 s" not in out


@pytest.mark.parametrize(("text", "argv", "message"), [
    ("- 2 s: bomb1 crashes\nnot a line\n", (), ":2: expected a line like"),
    ("- 2 s: Bomb 4 crashes\n", (), ":1: no node called 'Bomb 4' in this tree"),
    ("- 2 s: bomb1 crashes\n", ("--format", "text"), "suptui: error: --format does not apply with --predict"),
    ("- 2 s: bomb1 crashes\n", ("--realtime",), "suptui: error: --realtime does not apply with --predict"),
    ("- 2 s: bomb1 crashes\n", ("--speed", "2"), "suptui: error: --speed is for the app"),
])
def test_predict_bad_input_exits_2(capsys: Capsys, tmp_path: Path, text: str, argv: tuple[str, ...],
                                   message: str) -> None:
    path = write(tmp_path, text)
    code, out, err = run(capsys, "bombs", "--predict", path, *argv)
    assert (code, out) == (2, "")
    assert message in err
    if message.startswith(":"):
        assert err.startswith(f"{path}{message}")


def test_predict_a_missing_file(capsys: Capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "bombs", "--predict", str(tmp_path / "nope.txt"))
    assert (code, out) == (2, "")
    assert err.startswith(f"{tmp_path / 'nope.txt'}: cannot read it")
