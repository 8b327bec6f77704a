"""Fuzzing the loader: any text either loads or fails with the loader's own error, never otherwise."""

from __future__ import annotations

import re
from importlib import resources

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suptui.treefile.errors import TreeFileError
from suptui.treefile.loader import parse_tree

BUNDLED = sorted(p.name for p in resources.files("suptui.trees").iterdir() if p.name.endswith(".toml"))
POSITIONED = re.compile(r"^t\.toml(:\d+)?: ", re.MULTILINE)


def _loads_or_explains(text: str) -> None:
    try:
        parse_tree(text, "t.toml")
    except TreeFileError as error:
        message = str(error)
        assert message.strip()
        assert all(POSITIONED.match(line) or line.startswith("  ") for line in message.splitlines()), message


@st.composite
def mutated_tree(draw) -> str:
    text = (resources.files("suptui.trees") / draw(st.sampled_from(BUNDLED))).read_text()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 20))
        insert = draw(st.sampled_from(['"', "=", "[", "]", "\n", "-1", "0", "true", "x", "{", "}", "''",
                                       "[[children]]\n", "id = 3\n", "count = 99999999\n", " ", "#"]))
        text = text[:at] + insert + text[at + cut:]
    return text


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_tree())
def test_mutations_of_the_bundled_trees_load_or_explain(text: str) -> None:
    _loads_or_explains(text)


toml_scalar = st.one_of(st.integers(-10**6, 10**6), st.booleans(), st.text(max_size=12),
                        st.floats(allow_nan=False, allow_infinity=False))
keys = st.sampled_from(["id", "worker", "args", "restart", "shutdown", "strategy", "max_restarts",
                        "max_seconds", "significant", "count", "kind", "max_children", "children",
                        "bomb_time", "auto_shutdown", "title", "at", "action", "target", "reason", "zzz"])


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@st.composite
def random_document(draw) -> str:
    lines = [f"{draw(keys)} = {_toml_value(draw(toml_scalar))}" for _ in range(draw(st.integers(0, 5)))]
    for _ in range(draw(st.integers(0, 4))):
        lines.append(draw(st.sampled_from(["[[children]]", "[[script]]", "[[children.children]]"])))
        for _ in range(draw(st.integers(0, 5))):
            key = draw(keys)
            value = draw(st.one_of(toml_scalar.map(_toml_value), st.just("{ bomb_time = 5 }"),
                                   st.just('"bomb"'), st.just('"root/x"')))
            lines.append(f"{key} = {value}")
    return "\n".join(dict.fromkeys(lines))


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(random_document())
def test_random_documents_load_or_explain(text: str) -> None:
    _loads_or_explains(text)
