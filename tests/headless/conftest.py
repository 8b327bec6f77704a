"""Helpers for headless tests: run a tree file's text or a bundled tree and render one format."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pytest

from suptui.headless import DEFAULT_UNTIL_MS, render, run_headless
from suptui.treefile import load_tree, parse_tree


@pytest.fixture
def headless() -> Callable[..., str]:
    """``headless(source, fmt="summary", until=20000, seed=0)``: a bundled name or TOML text → output."""

    def go(source: str, fmt: str = "summary", until: int = DEFAULT_UNTIL_MS, seed: int = 0) -> str:
        is_text = "\n" in source
        tree = parse_tree(textwrap.dedent(source), "t.toml") if is_text else load_tree(source)
        return render(run_headless(tree, until, seed=seed), fmt)

    return go
