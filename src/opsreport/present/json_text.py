"""JSON text as ``json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)`` writes
it, sooner for a list of rows (``opsreport metrics --json``).

With ``indent`` the standard library encodes in pure Python: 10,000 KPIs (8.5 MB of JSON)
took 0.3 s, a tenth of the command. A row whose values are all plain (text, numbers,
true/false/null, an empty list or object) is encoded by the C encoder instead, with the
separators that indent writes between its items: the same characters, since encoded JSON
never holds a raw line break. Any other item is encoded with ``indent=2`` and set one
level in, as ``json.dumps`` sets an item of a list.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["indented_json"]

_PLAIN = {str, int, float, bool, type(None)}
# A row at the indent of a list's items (2), its items one level in (4).
_ROW = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",\n    ", ": "))


def indented_json(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)``."""
    if type(data) is not list or not data:
        return _indented(data)
    return "[\n  " + ",\n  ".join(map(_item, data)) + "\n]"


def _indented(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)


def _item(value: Any) -> str:
    if type(value) is dict and value and _plain(value):
        return "{\n    " + _ROW.encode(value)[1:-1] + "\n  }"
    return _indented(value).replace("\n", "\n  ")  # one level in


def _plain(row: dict[Any, Any]) -> bool:
    """Whether every key is text and every value plain or an empty list or object."""
    if not set(map(type, row)) <= {str}:
        return False
    kinds = set(map(type, row.values()))
    if kinds <= _PLAIN:
        return True
    if not kinds <= _PLAIN | {list, dict}:
        return False
    return not any(value for value in row.values() if type(value) in (list, dict))
