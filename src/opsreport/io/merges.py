"""Merged cells: each merged range's value repeated in the cells of the range that are read.

A range fills only the rows the file holds, within the columns read, so a merged bomb
(``A4:GR200000``) costs what the file holds; overlapping ranges, which Excel never
writes, and more ranges than the limit are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opsreport.io.limits import Limits
from opsreport.io.sheet_xml import Cells, RawCell, SheetDamaged, column_index, column_letter

__all__ = [
    "MergedRange",
    "fill_merged",
    "merged_ranges",
]


@dataclass(frozen=True)
class MergedRange:
    """One merged range of a sheet (0-based rows and columns) and its top-left cell's text."""

    top: int
    left: int
    bottom: int
    right: int
    text: str


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*"([^"]*)"')
_RANGE_RE = re.compile(r"([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})")


def merged_ranges(xml: bytes, limits: Limits) -> list[MergedRange]:
    """The sheet's merged ranges that reach into the columns read, clipped to them.

    At most ``limits.max_merged_ranges`` (raises :class:`SheetDamaged` beyond,
    or on a reference that is not a range); a one-cell "range" merges nothing.
    """
    merges: list[MergedRange] = []
    for count, match in enumerate(_MERGE_RE.finditer(xml), start=1):
        if count > limits.max_merged_ranges:
            raise SheetDamaged(
                f"more than {limits.max_merged_ranges:,} merged ranges; no workbook needs that many",
                code="too_many_merges",
            )
        text = match.group(1).decode("utf-8", "replace").replace("$", "")
        found = _RANGE_RE.fullmatch(text)
        if not found:
            if re.fullmatch(r"[A-Za-z]{1,3}\d{1,7}", text):
                continue
            raise SheetDamaged(f"a merged range that is not a range ({text[:30]!r})")
        c1, r1, c2, r2 = found.groups()
        left, right = sorted((column_index(c1.upper()), column_index(c2.upper())))
        top, bottom = sorted((int(r1), int(r2)))
        if left >= limits.max_columns or top < 1 or (top, left) == (bottom, right):
            continue
        merges.append(
            MergedRange(top, left, bottom, min(right, limits.max_columns - 1), text.upper())
        )
    merges.sort(key=lambda m: (m.top, m.left))
    return merges


def fill_merged(rows: Iterator[tuple[int, Cells]], merges: list[MergedRange],
                filled: dict[MergedRange, None]) -> Iterator[tuple[int, Cells]]:  # fmt: skip
    """``rows`` with each merged range's value repeated in every cell of the range.

    The work is what the rows read hold: a range fills only rows present in the
    file (a row holding nothing else gains nothing worth reading), within the
    columns read; overlapping ranges (which Excel never writes) are refused, so no
    cell is filled twice. ``filled`` collects the ranges that filled something.
    """
    pending = 0
    active: list[tuple[MergedRange, RawCell]] = []
    for number, cells in rows:
        while pending < len(merges) and merges[pending].top <= number:
            merge = merges[pending]
            pending += 1
            origin = cells.get(merge.left) if merge.top == number else None
            if origin is not None:  # an origin in a row absent or blank fills nothing
                active.append((merge, origin))
        if active:
            active = [(m, o) for m, o in active if m.bottom >= number]
            covered: dict[int, MergedRange] = {}
            for merge, origin in active:
                for column in range(merge.left, merge.right + 1):
                    if column in covered:
                        raise SheetDamaged(
                            f"the merged ranges {covered[column].text} and {merge.text} overlap",
                            number,
                            column_letter(column),
                        )
                    covered[column] = merge
                    if number == merge.top and column == merge.left:
                        continue
                    cells[column] = RawCell(origin.value, origin.number_format, origin.is_error,
                                            number, column_letter(column))  # fmt: skip
                if merge.right > merge.left or number > merge.top:
                    filled[merge] = None
        yield number, cells
