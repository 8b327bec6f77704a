"""Errors before any node is involved: a bad node name, no elixir on PATH (these need no Erlang)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from suptui.attach import AttachError
from suptui.beam import check_node_name, open_beam


@pytest.mark.parametrize("name", ["demo", "demo@", "@host", "de mo@host", "demo@host@x", "a/b@host"])
def test_bad_node_names(name: str) -> None:
    with pytest.raises(AttachError, match="not a node name"):
        check_node_name(name)


def test_good_node_names() -> None:
    assert check_node_name("demo@localhost") == "demo@localhost"
    assert check_node_name("my_app-1@host.example.com") == "my_app-1@host.example.com"


def test_cli_bad_name_is_one_line_and_exit_2() -> None:
    result = subprocess.run([sys.executable, "-m", "suptui", "attach", "--beam", "demo", "--headless"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "NAME@HOST" in result.stderr


def test_no_elixir_on_path_says_how_to_install(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(AttachError, match="apt-get install elixir"):
        open_beam("demo@localhost")
    env = dict(os.environ, PATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "suptui", "attach", "--beam", "demo@localhost",
                             "--headless"], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 2 and "apt-get install elixir" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("argv", [["--beam", "a@b", "/tmp/x.sock"], ["--cookie", "c", "/tmp/x.sock"]])
def test_cli_option_misuse(argv: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "suptui", "attach", *argv, "--headless"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
