"""The engine is typed for users: a misspelt strategy, restart type, shutdown… is a type error.

Runs mypy (as ``make test`` does on the engine itself) on two small programs under
``typing_samples/``: ``typos.py`` marks each line that must be refused with ``# error: CODE``, and
``well_typed.py`` uses the API with ``assert_type`` (generic futures, typed results) and must pass.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).resolve().parent / "typing_samples"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (it is in the test extras: pip install -e '.[test]')")


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """mypy --strict on both samples at once (one run: a few seconds), from the repository root."""
    cache = tmp_path_factory.mktemp("mypy_cache")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(cache), "--no-color-output", "--show-error-codes", "--no-pretty",
         str(SAMPLES / "typos.py"), str(SAMPLES / "well_typed.py")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr or done.stdout  # 2: mypy itself failed
    return done.stdout


def _errors(output: str, sample: str) -> dict[int, list[str]]:
    """Line number → error codes mypy gave for the sample (notes left out)."""
    found: dict[int, list[str]] = {}
    for line in output.splitlines():
        match = re.match(rf".*{re.escape(sample)}:(\d+): error: .*\[([a-z-]+)\]$", line)
        if match:
            found.setdefault(int(match[1]), []).append(match[2])
    return found


def test_a_misspelt_strategy_is_a_type_error(mypy_output: str) -> None:
    errors = _errors(mypy_output, "typos.py")
    line = next(n for n, text in enumerate((SAMPLES / "typos.py").read_text().splitlines(), 1)
                if 'SupFlags("one_for_al")' in text)
    assert errors.get(line) == ["arg-type"], mypy_output
    assert "\"Literal['one_for_al']\"; expected \"Literal['one_for_one', 'one_for_all', 'rest_for_one']\"" \
        in mypy_output


def test_each_misspelt_value_is_refused_and_nothing_else(mypy_output: str) -> None:
    expected: dict[int, list[str]] = {}
    for n, text in enumerate((SAMPLES / "typos.py").read_text().splitlines(), 1):
        marked = re.search(r"# error: ([a-z-]+)$", text)
        if marked:
            expected[n] = [marked[1]]
    assert len(expected) >= 7
    assert _errors(mypy_output, "typos.py") == expected, mypy_output


def test_the_api_is_typed_as_documented(mypy_output: str) -> None:
    assert _errors(mypy_output, "well_typed.py") == {}, mypy_output
    assert "well_typed.py" not in mypy_output, mypy_output
