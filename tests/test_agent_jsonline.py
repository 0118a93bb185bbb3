"""olenv.agent.jsonline writes and reads exactly what json does, without importing it."""

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olenv.agent import jsonline

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


@given(VALUES)
def test_dumps_writes_what_json_writes(value):
    assert jsonline.dumps(value) == json.dumps(value, separators=(",", ":"))


@given(VALUES)
def test_loads_reads_what_json_reads(value):
    text = json.dumps(value, separators=(",", ":"))
    got = jsonline.loads(text.encode() + b"\n")
    assert json.dumps(got) == json.dumps(json.loads(text))  # NaN != NaN, so compare texts


@given(st.dictionaries(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                       st.integers(), max_size=5))
def test_keys_become_strings_as_json_makes_them(value):
    assert jsonline.dumps(value) == json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize("value", [{1, 2}, b"bytes", object(), {(1, 2): 3}])
def test_what_json_refuses_is_refused(value):
    with pytest.raises(TypeError):
        json.dumps(value)
    with pytest.raises(TypeError):
        jsonline.dumps(value)


@pytest.mark.parametrize("text", [b"", b" ", b"{", b'{"a":', b'{"a":1}{}', b'{"a":1} x', b"nul",
                                  b'"\x01"', b'{"a":1,}', b"\xff\xfe", b"[1,2", b"'a'",
                                  b'{"a":01}', b"\x0c{}"])
def test_what_json_cannot_read_is_a_value_error(text):
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        jsonline.loads(text)


@pytest.mark.parametrize("text", [b' \t\r\n{"a": [1, 2.5e3, -0, true, null]} \n', b"[]", b"7",
                                  b'"\\u00e9\\ud83d\\ude00"', b"NaN", b"-Infinity"])
def test_what_json_reads_is_read_alike(text):
    assert json.dumps(jsonline.loads(text)) == json.dumps(json.loads(text))


def test_the_agent_client_imports_neither_json_nor_socket():
    code = ("import sys; from olenv.agent import client; "
            "print(' '.join(m for m in ('json', 'socket', 'struct') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == []
