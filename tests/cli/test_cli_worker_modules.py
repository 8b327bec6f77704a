"""A worker module is user code that runs at load time: whatever it raises at import, or from a
module-level ``__getattr__``, is a bad tree file (``FILE:LINE: message`` naming the worker, exit 2),
never a traceback, a user interrupt or a quiet exit."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.support.cli import Capsys, run_refused

_names = itertools.count()

MODULE_BODIES = {
    "KeyboardInterrupt": "raise KeyboardInterrupt",
    "SystemExit": "raise SystemExit(0)",
    "GeneratorExit": "raise GeneratorExit",
    "Custom": "class Custom(BaseException):\n    pass\nraise Custom('from the module')",
    "RuntimeError": "raise RuntimeError('no database')",
    "StrRaises: (its message cannot be shown)": (
        "class StrRaises(Exception):\n    def __str__(self):\n        raise KeyboardInterrupt\n"
        "raise StrRaises()"),
}

GETATTR_BODIES = {
    "KeyboardInterrupt": "def __getattr__(name):\n    raise KeyboardInterrupt",
    "SystemExit": "def __getattr__(name):\n    raise SystemExit(3)",
    "ZeroDivisionError": "def __getattr__(name):\n    return 1 / 0",
}


def _tree_with_worker(tmp_path: Path, body: str) -> tuple[Path, str]:
    """A tree file whose second child is ``<module>:Worker``, the module beside it (line 6 names it)."""
    module = f"suptui_test_worker_{next(_names)}"
    (tmp_path / f"{module}.py").write_text(body + "\n")
    tree = tmp_path / "tree.toml"
    tree.write_text('[[children]]\nid = "ok"\nworker = "sleeper"\n'
                    f'[[children]]\nid = "mine"\nworker = "{module}:Worker"\n')
    return tree, module


@pytest.mark.parametrize("what", MODULE_BODIES)
def test_anything_raised_at_import_is_a_bad_tree_file(capsys: Capsys, tmp_path: Path, what: str) -> None:
    tree, module = _tree_with_worker(tmp_path, MODULE_BODIES[what])
    for mode in (["--headless"], ["--headless", "--format", "jsonl"]):
        code, out, err = run_refused(capsys, str(tree), *mode)
        assert (code, out) == (2, "")
        assert err.startswith(f"{tree}:6: ")
        assert f'worker "{module}:Worker": importing module "{module}" failed with {what}' in err
        assert "interrupted" not in err


@pytest.mark.parametrize("what", GETATTR_BODIES)
def test_a_module_getattr_that_fails_is_a_bad_tree_file(capsys: Capsys, tmp_path: Path, what: str) -> None:
    tree, module = _tree_with_worker(tmp_path, GETATTR_BODIES[what])
    code, out, err = run_refused(capsys, str(tree), "--headless")
    assert (code, out) == (2, "")
    assert err.startswith(f"{tree}:6: ")
    assert f'worker "{module}:Worker": looking up "Worker" in module "{module}" failed with {what}' in err


def test_declared_args_that_raise_are_a_bad_tree_file(capsys: Capsys, tmp_path: Path) -> None:
    tree, module = _tree_with_worker(tmp_path, (
        "from suptui.engine import Actor\n"
        "class Worker(Actor):\n"
        "    @classmethod\n"
        "    def declared_args(cls):\n"
        "        raise KeyboardInterrupt\n"))
    code, out, err = run_refused(capsys, str(tree), "--headless")
    assert (code, out) == (2, "")
    assert err.startswith(f"{tree}:")
    assert f'worker "{module}:Worker": its declared_args() failed with KeyboardInterrupt' in err


@pytest.mark.parametrize("returned", ["{'a': 5}", "['a']", "{1: None}"])
def test_declared_args_that_are_no_mapping_of_args_are_a_bad_tree_file(capsys: Capsys, tmp_path: Path,
                                                                       returned: str) -> None:
    tree, module = _tree_with_worker(tmp_path, (
        "from suptui.engine import Actor\n"
        "class Worker(Actor):\n"
        "    @classmethod\n"
        "    def declared_args(cls):\n"
        f"        return {returned}\n"))
    code, out, err = run_refused(capsys, str(tree), "--headless")
    assert (code, out) == (2, "")
    said = f'worker "{module}:Worker": its declared_args() failed with TypeError: it must return a dict'
    assert said in err
