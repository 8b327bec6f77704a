"""Running ``suptui`` in-process for the command-line tests (shared as tests.support.cli)."""

from __future__ import annotations

import pytest

from suptui.cli import main

Capsys = pytest.CaptureFixture[str]


def run(capsys: Capsys, *argv: str) -> tuple[int, str, str]:
    """``suptui ARGV``: exit code, stdout, stderr; stderr never holds a traceback."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def run_refused(capsys: Capsys, *argv: str) -> tuple[int, str, str]:
    """As :func:`run`, for command lines that must fail: no traceback on stdout either (a run that
    prints events may rightly show a worker's traceback there, a refusal may not)."""
    code, out, err = run(capsys, *argv)
    assert "Traceback" not in out
    return code, out, err
