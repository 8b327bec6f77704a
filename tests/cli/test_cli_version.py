"""``suptui --version`` and ``suptui.__version__`` name the installed version."""

from __future__ import annotations

from importlib.metadata import version

import suptui
from suptui.cli import main


def test_version_flag_prints_the_installed_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"suptui {version('suptui')}\n"
    assert suptui.__version__ == version("suptui")
