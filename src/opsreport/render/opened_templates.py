"""Word templates opened once in a process and copied for each render.

``check`` renders the same two Word templates (the report and the plan) for every
workbook, five documents each. Opening one as a render needs it takes ~6 ms: python-docx
parses its dozen XML parts, then its external links are removed, its control tags
checked, its fonts read and its character styles added. A deep copy of the result
takes 2 ms. So a template opened a second time (the same file, the same bytes) is kept,
as it was before anything was rendered into it, and each later render gets a copy; a
single build opens its template once and keeps nothing. A template that fails to open
or to pass its checks is never kept: it fails the same way each time.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol, TypeVar

__all__ = ["KEPT", "Copyable", "forget", "opened"]


class Copyable(Protocol):
    def copy(self: _T) -> _T: ...


_T = TypeVar("_T")
_C = TypeVar("_C", bound=Copyable)

#: The most opened templates a process keeps (the oldest goes first).
KEPT = 4

_SEEN_AT_MOST = 256  # templates opened once, remembered (then forgotten all at once)
_seen: set[tuple[str, bytes]] = set()
_kept: OrderedDict[tuple[str, bytes], Copyable] = OrderedDict()


def opened(name: str, package: bytes, open_template: Callable[[], _C]) -> _C:
    """``open_template()``, or a copy of what it gave for the same ``name`` and bytes
    before; kept from the second time on."""
    key = (name, hashlib.sha256(package).digest())
    kept = _kept.get(key)
    if kept is not None:
        _kept.move_to_end(key)
        return kept.copy()  # type: ignore[return-value]  # (kept by this key's caller)
    fresh = open_template()
    if key in _seen:
        _kept[key] = fresh.copy()  # before the render changes ``fresh``
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    else:
        if len(_seen) >= _SEEN_AT_MOST:
            _seen.clear()
        _seen.add(key)
    return fresh


def forget() -> None:
    """Keep nothing (tests; a process that will open other templates)."""
    _seen.clear()
    _kept.clear()
