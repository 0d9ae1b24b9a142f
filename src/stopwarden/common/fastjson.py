"""JSON for the hot path: the C scanner and encoder in `_json`, without importing `json`.

`import json` pulls in `re` and costs several milliseconds, which is most of the hook's budget (SPEC §10).
The C scanner alone is free to import. It reports bad input as `StopIteration` with no message, so on
failure we parse again with `json` only to get a proper error with its position. Some of its errors
(an unterminated string) need `json.decoder` to be imported already, and without it surface as a
SystemError ("returned NULL without setting an exception"): that is a parse failure too.
"""

import _json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _Context:
    # The attributes `_json.make_scanner` reads from a `json.JSONDecoder`.
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str) -> float:
        return float(name)  # NaN, Infinity, -Infinity, as json.loads accepts them


_scan = _json.make_scanner(_Context())  # type: ignore[arg-type]  # duck-types json.JSONDecoder


class JSONError(ValueError):
    """Text that is not one JSON value; the message names the position."""


def loads(text: str) -> "Any":
    """Parse one JSON value that fills `text` (leading and trailing white space allowed)."""
    start = _skip_space(text, 0)
    try:
        value, end = _scan(text, start)
    except (StopIteration, ValueError, RecursionError, SystemError):
        _raise_with_position(text)
    if _skip_space(text, end) != len(text):
        _raise_with_position(text)
    return value


def object_or_none(text: str) -> "dict[str, Any] | None":
    """`text` parsed when it is one JSON object, else None: for reading files we do not own, line by line."""
    try:
        value = loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in " \t\n\r":
        i += 1
    return i


def _raise_with_position(text: str) -> "Any":
    import json

    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        raise JSONError(f"{e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise JSONError("nested too deeply") from None
    raise JSONError("not valid JSON")  # the C scanner and json disagree; never trust it


def _unserialisable(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# Compact, non-ASCII kept as is: what json.dumps(..., ensure_ascii=False, separators=(",", ":")) gives.
_encode = _json.make_encoder({}, _unserialisable, _json.encode_basestring, None, ":", ",", False, False, True)


def dumps(value: object, indent: int | None = None) -> str:
    """Serialise `value`: compact with the C encoder, or indented (for people) with `json`."""
    if indent is None:
        return "".join(_encode(value, 0))
    import json

    return json.dumps(value, ensure_ascii=False, indent=indent)
