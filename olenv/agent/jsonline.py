"""JSON for the agent's messages through json's C half alone, for the fast path.

`import json` compiles five regular expressions at every start, about 1 ms of an
agent hit that should cost little more than starting Python. json.dumps and
json.loads do their work in the C accelerator `_json`; this calls it directly and
writes what json.dumps(value, separators=(",", ":")) writes, reads what
json.loads reads, and raises ValueError (or TypeError) where they do. On a Python
without the accelerator it is json itself.
"""

try:
    from _json import encode_basestring_ascii as _string
    from _json import make_scanner as _make_scanner
except ImportError:  # pragma: no cover - CPython always has it
    _string = _make_scanner = None

_WHITESPACE = " \t\n\r"  # json's: nothing else may surround a document


class _Context:
    """The settings json.decoder.JSONDecoder() hands the scanner."""

    strict = True
    object_hook = object_pairs_hook = None
    parse_float, parse_int = float, int  # types, so not bound as methods
    parse_constant = float  # NaN, Infinity, -Infinity, as json.loads reads them


_scan = _make_scanner(_Context()) if _make_scanner else None


def dumps(value) -> str:
    if _string is None:  # pragma: no cover
        import json

        return json.dumps(value, separators=(",", ":"))
    out: list[str] = []
    _encode(value, out)
    return "".join(out)


def loads(data: bytes | str):
    if _scan is None:  # pragma: no cover
        import json

        return json.loads(data)
    text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _scan(text, start)
    except StopIteration:
        raise ValueError("not a JSON document") from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError("extra data after the JSON document")
    return value


def _encode(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None or value is True or value is False:
        out.append(_CONSTANT[value])
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            out.append("," if index else "")
            out.append(_string(_key(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            out.append("," if index else "")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_CONSTANT = {None: "null", True: "true", False: "false"}


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key(key) -> str:
    """A key as json.dumps turns it into a string."""
    if isinstance(key, str):
        return key
    if key is None or key is True or key is False:
        return _CONSTANT[key]
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
