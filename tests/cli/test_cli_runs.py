"""What the command runs: headless output, --list, --help, and the app (imported only when needed)."""

from __future__ import annotations

import importlib.abc
import sys
from importlib.resources import files
from types import ModuleType
from typing import Any

import pytest

from suptui.treefile import list_bundled

from tests.support.cli import Capsys, run


def test_headless_summary(capsys: Capsys) -> None:
    code, out, err = run(capsys, "bombs", "--headless", "--format", "summary")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "- 0 seconds: root starts bomb1, bomb2 and bomb3"
    assert out.splitlines()[-1] == ("- 6 seconds: bomb2 crashes; bomb1 crashes; "
                                    "root gives up (6 restarts in 5 s > 5), stopping bomb3 and bomb2")


def test_a_path_a_name_and_a_name_with_suffix_are_the_same_tree(capsys: Capsys) -> None:
    path = str(files("suptui") / "trees" / "bombs_reordered.toml")
    outputs = [run(capsys, tree, "--headless", "--format", "jsonl")
               for tree in ("bombs_reordered", "bombs_reordered.toml", path)]
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][0] == 0


def test_defaults_are_text_and_twenty_seconds(capsys: Capsys) -> None:
    code, out, _ = run(capsys, "bombs_one_for_all", "--headless")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split()[:4] == ["0.000", "●", "start", "root/bomb1"]
    assert lines[-1].split()[0] == "18.000"


def test_until_and_seed_reach_the_run(capsys: Capsys, tmp_path) -> None:
    _, out, _ = run(capsys, "bombs_one_for_all", "--headless", "--until", "4001", "--format", "summary")
    assert out.splitlines()[-1] == "- 4 seconds: bomb1 crashes (bomb2 and bomb3 restarted)"
    path = tmp_path / "flaky.toml"
    path.write_text('max_restarts = 100\n[[children]]\nid = "f"\nworker = "flaky"\n'
                    "args = { interval = 100, p = 0.3 }\n")
    seeded = [run(capsys, str(path), "--headless", "--seed", seed)[1] for seed in ("1", "1", "2")]
    assert seeded[0] == seeded[1] != seeded[2]


def test_list(capsys: Capsys) -> None:
    code, out, _ = run(capsys, "--list")
    lines = out.splitlines()
    assert code == 0
    assert [line.split()[0] for line in lines] == [entry.name for entry in list_bundled()]
    assert "bombs               Bombs (one_for_one)" in lines
    assert len({line.index(line.split()[1]) for line in lines}) == 1, "titles start in one column"


def test_help(capsys: Capsys) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "--headless" in out and "--until MS" in out and "{text,jsonl,summary,svg}" in out


class FakeApp(ModuleType):
    """Stands in for ``suptui.tui.app``: records how ``run_app`` was called."""

    def __init__(self) -> None:
        super().__init__("suptui.tui.app")
        self.calls: list[tuple[Any, ...]] = []
        self.predict: list[bool] = []

    def run_app(self, tree, source, *, speed, paused, seed, predict=False) -> int:
        self.calls.append((tree.title if tree is not None else None, source, speed, paused, seed))
        self.predict.append(predict)
        return 3


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> FakeApp:
    app = FakeApp()
    monkeypatch.setitem(sys.modules, "suptui.tui.app", app)
    return app


def test_the_app_gets_the_tree_and_its_options(capsys: Capsys, fake_app: FakeApp) -> None:
    code, _, _ = run(capsys, "bombs", "--speed", "2", "--paused", "--seed", "7")
    assert code == 3
    assert fake_app.calls == [("Bombs (one_for_one)", "bombs", 2.0, True, 7)]


def test_without_a_tree_the_app_opens_its_picker(capsys: Capsys, fake_app: FakeApp) -> None:
    assert run(capsys)[0] == 3
    assert fake_app.calls == [(None, None, 1.0, False, 0)]
    assert fake_app.predict == [False]


def test_predict_without_a_file_opens_the_app_in_predict_mode(capsys: Capsys, fake_app: FakeApp) -> None:
    assert run(capsys, "bombs", "--predict", "--speed", "2")[0] == 3
    assert run(capsys, "--predict")[0] == 3  # the picker first, then predict mode on the tree picked
    assert fake_app.calls == [("Bombs (one_for_one)", "bombs", 2.0, False, 0), (None, None, 1.0, False, 0)]
    assert fake_app.predict == [True, True]


@pytest.mark.parametrize(("argv", "message"), [
    (("bombs", "--headless", "--predict"), "suptui: error: --predict without FILE opens the app"),
    (("--predict", "guess.txt"), "suptui: error: --predict guess.txt: which tree?"),
    (("bombs", "--predict", "--until", "5000"), "suptui: error: --until only applies with --headless"),
])
def test_predict_without_a_file_refuses_headless_options(capsys: Capsys, fake_app: FakeApp,
                                                          argv: tuple[str, ...], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message)
    assert fake_app.calls == []


def test_without_the_app(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "suptui.tui.app", None)   # import fails: "not written yet"
    code, out, err = run(capsys, "bombs")
    assert (code, out) == (1, "")
    assert err == ("suptui: the terminal app is not available in this build; "
                   "use --headless to run a tree without it\n")


class _NoTextual(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "textual" or name.startswith("textual."):
            raise ModuleNotFoundError("No module named 'textual'", name="textual")
        return None


def test_without_textual(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in [m for m in sys.modules if m == "textual" or m.startswith(("textual.", "suptui.tui."))]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(sys, "meta_path", [_NoTextual(), *sys.meta_path])
    code, _, err = run(capsys, "bombs")
    assert (code, err) == (1, "suptui: the terminal app cannot start: No module named 'textual'\n")


def test_a_failing_run_is_one_line(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("suptui.cli.run_headless", boom)
    assert run(capsys, "bombs", "--headless") == (1, "", "suptui: the run failed: RuntimeError: boom\n")


def test_ctrl_c(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("suptui.cli.run_headless", interrupted)
    assert run(capsys, "bombs", "--headless") == (130, "", "suptui: interrupted\n")
