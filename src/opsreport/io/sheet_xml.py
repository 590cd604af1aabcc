"""One lxml pass over a worksheet's XML: its non-blank cells, row by row, in bounded work.

Cells are parsed as openpyxl parses them (values, types, dates, number formats); blank
cells and rows absent from the file cost nothing, whatever the sheet's ``<dimension>``
claims. A damaged cell becomes an :class:`Unreadable` value (an error if the cell is
read) and what the pass notices besides cells (formulas without values, cells beyond
the column limit, rows beyond the row limit) is noted for the sheet reader to report.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from opsreport.io.limits import Limits

__all__ = [
    "Cells",
    "RawCell",
    "ScanNotes",
    "SheetDamaged",
    "Unreadable",
    "column_index",
    "column_letter",
    "scan_sheet",
]


@dataclass(frozen=True)
class Unreadable:
    """The value of a damaged cell (a shared-string index outside the table …): an error if read."""

    reason: str

    def __str__(self) -> str:
        return f"the cell cannot be read: {self.reason}"


@dataclass(slots=True)
class RawCell:
    value: Any
    number_format: str | None
    is_error: bool
    row: int
    column: str


Cells = dict[int, RawCell]  # 0-based column index -> a cell holding something


@functools.lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """The letters of a 0-based column index (0 → A), as every message names a cell."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def column_index(letters: str) -> int:
    """The 0-based index of column letters (A → 0), to place a merged range's cells."""
    from openpyxl.utils import column_index_from_string

    return int(column_index_from_string(letters)) - 1


class SheetDamaged(Exception):
    """The sheet cannot be read on: an error naming the sheet (and the cell)."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None,
                 code: str = "unreadable_sheet") -> None:  # fmt: skip
        super().__init__(message)
        self.message, self.row, self.column, self.code = message, row, column, code


@dataclass
class ScanNotes:
    """What a pass over a sheet found besides its cells, reported once the header is known."""

    uncomputed: dict[tuple[int, int], str] = field(default_factory=dict)  # formula, no value
    damaged: list[tuple[int, str | None, str]] = field(default_factory=list)  # row, column, why
    cut_columns: bool = False  # a cell right of the column limit holds something
    too_many_rows: bool = False


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW_TAG = _NS + "row"
_CELL_TAG = _NS + "c"
_VALUE_TAG = _NS + "v"
_FORMULA_TAG = _NS + "f"
_INLINE_TAG = _NS + "is"
_TEXT_TAG = _NS + "t"


@functools.cache
def _sheet_parser() -> type:
    from openpyxl.utils import coordinate_to_tuple
    from openpyxl.worksheet._reader import (  # type: ignore[attr-defined]
        WorkSheetParser,
        _cast_number,
    )

    class SheetParser(WorkSheetParser):
        """openpyxl's cell parser; shared strings, inline text and numbers read directly.

        Values, types and dates are openpyxl's (a test compares both on every
        workbook of the corpus); a shared-string index outside the table is an
        error naming the cell (openpyxl read -1 as the last string).
        """

        def __init__(self, ws: Any) -> None:
            wb = ws.parent
            super().__init__(
                None, ws._shared_strings,  # type: ignore[arg-type]
                data_only=True, epoch=wb.epoch,
                date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats,
            )  # fmt: skip
            self.string_count = len(ws._shared_strings)

        def read_cell(self, element: Any) -> tuple[int, int, Any, str, int]:
            """(row, column, value, data_type, style_id) of a ``<c>`` element."""
            kind = element.get("t")
            style = element.get("s")
            style_id = int(style) if style else 0
            if (
                kind == "s"
                or (kind in (None, "n") and style_id not in self.date_formats)
                or kind == "inlineStr"
            ):
                coordinate = element.get("r")
                if coordinate:
                    row, column = coordinate_to_tuple(coordinate)
                    self.col_counter = column
                else:
                    self.col_counter += 1
                    row, column = self.row_counter, self.col_counter
                if kind == "inlineStr":
                    if len(element) == 1:
                        inline = element[0]
                        if (
                            inline.tag == _INLINE_TAG
                            and len(inline) == 1
                            and inline[0].tag == _TEXT_TAG
                        ):
                            return row, column, inline[0].text or "", "s", style_id
                    cell = super().parse_cell(element)
                    return row, column, cell["value"], cell["data_type"], style_id
                text = element.findtext(_VALUE_TAG)
                if not text:
                    return row, column, None, kind or "n", style_id
                if kind == "s":
                    try:
                        index = int(text)
                    except ValueError:
                        raise ValueError(f"its shared-string index is {text[:20]!r}") from None
                    if not 0 <= index < self.string_count:
                        raise ValueError(
                            f"its shared-string index {index} is not in the table of "
                            f"{self.string_count:,} texts"
                        )
                    return row, column, self.shared_strings[index], "s", style_id
                return row, column, _cast_number(text), "n", style_id
            cell = super().parse_cell(element)
            return cell["row"], cell["column"], cell["value"], cell["data_type"], style_id

    return SheetParser


class _NumberFormats:
    """A style id's number format, as openpyxl's ReadOnlyCell.number_format gives it."""

    def __init__(self, wb: Any) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

        self.styles, self.custom = wb._cell_styles, wb._number_formats
        self.builtin, self.builtin_size = BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
        self.known: dict[int, str | None] = {}

    def __call__(self, style_id: int) -> str | None:
        try:
            return self.known[style_id]
        except KeyError:
            pass
        try:
            if style_id < 0:
                raise IndexError(style_id)  # -1 would be the last style
            number_id = self.styles[style_id].numFmtId
            if number_id < self.builtin_size:
                found: str | None = self.builtin.get(number_id, "General")
            else:
                found = self.custom[number_id - self.builtin_size]
        except (AttributeError, IndexError, KeyError, TypeError):
            found = None  # a style table that does not hold this cell's style id
        self.known[style_id] = found
        return found


def scan_sheet(
    ws: Any, xml: bytes, limits: Limits, notes: ScanNotes
) -> Iterator[tuple[int, Cells]]:
    """The rows of a worksheet's XML that hold something, each with its non-blank cells.

    One lxml pass (no DTD, no entities, no network, at most 256 levels deep) over
    the part: cells are parsed as openpyxl parses them, blank ones are dropped
    and rows absent from the file cost nothing, so the work is what the file
    holds, whatever its ``<dimension>`` or its last row number claims. Cells right
    of ``limits.max_columns`` are dropped (noted), a row below ``limits.max_rows``
    holding a value ends the pass (noted), a formula without a cached value is
    noted with its position, a damaged cell (a shared-string index outside the
    table, a value that is not a number, a cell in another row than its own) is
    noted and left out. Raises lxml's XMLSyntaxError on damaged XML.
    """
    from lxml import etree

    parser = _sheet_parser()(ws)
    number_format = _NumberFormats(ws.parent)
    width = limits.max_columns
    last = 0
    for _, element in etree.iterparse(
        BytesIO(xml), events=("end",), tag=_ROW_TAG, resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    ):  # fmt: skip
        if len(element):
            number = _row_number(element.get("r"), last)
            if number <= last:
                notes.damaged.append(
                    (
                        number,
                        None,
                        f"row {number} comes after row {last} (rows out of order or twice)",
                    )
                )
            else:
                cells = _row_cells(element, number, parser, number_format, width, notes)
                if cells:
                    if number > limits.max_rows:
                        notes.too_many_rows = True
                        return
                    last = number
                    yield number, cells
        element.clear(keep_tail=True)
        while element.getprevious() is not None:  # rows already read: free them
            del element.getparent()[0]


def _row_number(text: str | None, last: int) -> int:
    if text is None:
        return last + 1
    try:
        number = int(text)
    except ValueError:
        try:  # openpyxl accepts r="2.0"
            as_float = float(text)
        except ValueError:
            as_float = 0.5
        if not as_float.is_integer():
            raise SheetDamaged(f"a row numbered {text[:20]!r}", last + 1) from None
        number = int(as_float)
    if number < 1:
        raise SheetDamaged(f"a row numbered {number}", last + 1)
    return number


def _row_cells(element: Any, number: int, parser: Any, number_format: _NumberFormats,
               width: int, notes: ScanNotes) -> Cells:  # fmt: skip
    """The non-blank cells of one ``<row>`` element."""
    cells: Cells = {}
    parser.row_counter = number
    parser.col_counter = 0
    for child in element:
        if child.tag != _CELL_TAG:
            continue
        try:
            row, column, value, data_type, style_id = parser.read_cell(child)
        except MemoryError:
            raise
        except Exception as exc:  # openpyxl on a value it cannot convert, a bad index …
            letters = re.match(r"[A-Za-z]{1,3}", child.get("r") or "")
            index = column_index(letters.group().upper()) if letters else parser.col_counter - 1
            if 0 <= index < width:  # an error where it is read: a helper column's is its own
                cells[index] = RawCell(
                    Unreadable(str(exc)), None, True, number, column_letter(index)
                )
            continue
        index = column - 1
        if row != number:  # which row it belongs to depends on the reader: a damaged cell
            value, data_type = Unreadable(f"the cell {child.get('r')} sits in row {number}"), "e"
        if value is None:
            formula = child.find(_FORMULA_TAG)
            if formula is not None and index < width and not _has_cached_value(child):
                text = formula.text
                notes.uncomputed[(number, index)] = "=" + text if text else "a shared formula"
            continue
        if isinstance(value, str) and not value.strip():
            continue
        if index >= width or index < 0:
            notes.cut_columns = notes.cut_columns or index >= width
            continue
        if index in cells:  # which value counts depends on the reader: a damaged cell
            value, data_type = Unreadable("the cell is written twice"), "e"
        cells[index] = RawCell(value, number_format(style_id), data_type == "e", number,
                               column_letter(index))  # fmt: skip
    return cells


def _has_cached_value(cell: Any) -> bool:
    """Whether a formula cell holding no value holds the value "" or was never calculated.

    LibreOffice and Excel save a formula returning "" (``=IF(F2>E2*1.2,"超额较多","")``)
    as ``<c t="str"><f>…</f><v></v></c>``: a text result, empty. A program that does
    not calculate (openpyxl) writes ``<v></v>`` without the text type, or no ``<v>``.
    """
    value = cell.find(_VALUE_TAG)
    return value is not None and cell.get("t") in ("str", "s", "inlineStr")
