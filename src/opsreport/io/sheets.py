"""A contract sheet as read: its header found, its columns mapped by the contract, its rows kept.

The header is the first of the first few rows naming a required column of
``io/schema.py`` (or, in ``periods``, period columns); unknown, duplicate and missing
columns are diagnostics; only the contract's columns are kept. Any failure reading the
sheet's part is one error naming the sheet (and the cell where there is one).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from opsreport.core.periods import parse_period
from opsreport.core.value_problem import ValueProblem
from opsreport.io import schema
from opsreport.io.collector import Collector
from opsreport.io.limits import Limits
from opsreport.io.merges import MergedRange, fill_merged, merged_ranges
from opsreport.io.package import (
    DAMAGED_HINT,
    DTD_RE,
    read_part,
    xml_error_text,
    zip_error_text,
)
from opsreport.io.sheet_xml import (
    Cells,
    ScanNotes,
    SheetDamaged,
    Unreadable,
    column_letter,
    scan_sheet,
)

__all__ = [
    "RawSheet",
    "read_sheet_guarded",
]


@dataclass
class RawSheet:
    """A contract sheet as read: header fields and the non-blank rows below them.

    Each row holds only the cells of the contract's columns (the header's fields
    and, in ``periods``, its period columns): columns the contract does not know
    are never kept, whatever they hold.
    """

    title: str
    name: str
    columns: dict[str, int]  # field -> 0-based column index
    header_row: int
    rows: list[tuple[int, Cells]] = field(default_factory=list)
    wide_periods: dict[int, Any] = field(default_factory=dict)  # column index -> period
    epoch: Any = None  # the workbook's date system, for serial numbers typed in date columns


_MAX_DAMAGED_CELLS = 20  # a damaged sheet is named with its first few damaged cells


_MAX_HEADER_CHARS = 200  # a header longer than this names no column


def _find_header(
    spec: schema.SheetSpec, rows: list[tuple[int, Cells]], limits: Limits
) -> tuple[int, dict[int, str]] | None:
    """The first row (of the first few) that names at least one required column."""
    required = {c.field for c in spec.columns if c.required}
    for position, (_, cells) in enumerate(rows[: limits.header_search_rows]):
        fields: dict[int, str] = {}
        for index, cell in cells.items():
            if isinstance(cell.value, str) and len(cell.value) <= _MAX_HEADER_CHARS:
                matched = schema.match_column(spec, cell.value)
                if matched:
                    fields[index] = matched
        found = set(fields.values())
        if required & found or (not required and len(found) >= 2):
            return position, fields
    return None


def _read_sheet(
    ws: Any, name: str, archive: zipfile.ZipFile, limits: Limits, collector: Collector
) -> RawSheet | None:
    spec = schema.SHEETS[name]
    title = ws.title
    part = str(getattr(ws, "_worksheet_path", "") or "").lstrip("/")
    try:
        xml = read_part(archive, part, limits.max_uncompressed_bytes)
    except KeyError:
        collector.error("the sheet's part is missing from the file", title,
                        hint=DAMAGED_HINT, code="unreadable_sheet")  # fmt: skip
        return None
    if DTD_RE.search(xml):
        collector.error(
            "refused: the sheet's XML declares a DTD or entities (a 'billion laughs' attack); "
            "no spreadsheet program writes that",
            title, hint="do not open this file; ask for a copy saved from Excel", code="xml_bomb",
        )  # fmt: skip
        return None
    merges = merged_ranges(xml, limits) if b"mergeCell" in xml else []
    if getattr(ws, "sheet_state", "visible") != "visible":
        collector.warning(
            "the sheet is hidden; it is read like any other",
            title,
            hint="unhide it (right-click the sheet tabs › Unhide) to check what it holds",
            code="hidden_sheet",
        )

    notes = ScanNotes()
    filled: dict[MergedRange, None] = {}  # an ordered set
    stream = scan_sheet(ws, xml, limits, notes)
    if merges:
        stream = fill_merged(stream, merges, filled)
    head: list[tuple[int, Cells]] = []
    for row in stream:
        head.append(row)
        if len(head) >= limits.header_search_rows:
            break
    sheet = _sheet_from_rows(spec, name, title, head, stream, limits, collector)
    for _row in stream:  # a sheet without a header: the rest is read for damage only
        pass
    _report_notes(notes, sheet, title, limits, collector)
    if filled:
        collector.warning(
            f"merged cells ({', '.join(m.text for m in list(filled)[:5])}{' …' if len(filled) > 5 else ''}) "
            "are read as the merged value repeated in every cell",
            title,
            hint="unmerge them and fill each row if a different reading was meant",
            code="merged_cells",
        )
    return sheet


def _report_notes(notes: ScanNotes, sheet: RawSheet | None, title: str, limits: Limits,
                  collector: Collector) -> None:  # fmt: skip
    for row, column, message in notes.damaged[:_MAX_DAMAGED_CELLS]:
        collector.error(message, title, row, column, hint=DAMAGED_HINT, code="damaged_cell")
    if len(notes.damaged) > _MAX_DAMAGED_CELLS:
        collector.error(f"{len(notes.damaged) - _MAX_DAMAGED_CELLS:,} more damaged cells", title,
                        hint=DAMAGED_HINT, code="damaged_cell")  # fmt: skip
    if notes.too_many_rows:
        collector.error(
            f"more than {limits.max_rows:,} rows",
            title,
            hint="split the sheet or remove empty formatted rows at its end",
            code="too_many_rows",
        )
    if notes.cut_columns:
        collector.warning(
            f"only the first {limits.max_columns} columns are read",
            title,
            hint="move the data into the first columns or delete unused ones",
            code="too_many_columns",
        )
    if sheet is None or not notes.uncomputed:
        return
    kept = set(sheet.columns.values()) | set(sheet.wide_periods)
    for (row, index), formula in sorted(notes.uncomputed.items()):
        if row > sheet.header_row and index in kept:  # a helper column's formulas are its own
            collector.error(
                f"a formula without a computed value ({formula})",
                title,
                row,
                column_letter(index),
                hint="the file was written by a program that does not calculate: open it in "
                "Excel or LibreOffice and save it, or replace the formula by its value",
                code="formula_no_value",
            )


def _sheet_from_rows(spec: schema.SheetSpec, name: str, title: str, head: list[tuple[int, Cells]],
                     rest: Iterator[tuple[int, Cells]], limits: Limits,
                     collector: Collector) -> RawSheet | None:  # fmt: skip
    """The sheet's header found in its first rows, and the contract's cells of every row."""
    if not head:
        if spec.required:
            collector.error(
                "the sheet is empty",
                title,
                hint="add a header row (name, target, actual …) and one row per KPI",
                code="empty_sheet",
            )
        else:
            collector.warning(
                "the sheet is empty; its section is left out", title, code="empty_sheet"
            )
        return None

    if name == "meta":
        sheet = _meta_raw(title, head)
        kept = {0, 1}
        data = head[1:] if sheet.header_row else head
        sheet.rows = _kept_rows(data, rest, kept)
        return sheet

    header = _find_header(spec, head, limits)
    if header is None and name == "periods":
        header = _find_wide_header(spec, head, limits)
    if header is None:
        required = [c for c in spec.columns if c.required]
        names = " / ".join(
            f"{c.field} ({c.aliases[1] if len(c.aliases) > 1 else c.field})" for c in required
        )
        collector.error(
            f"no header row with the column {names} in the first {limits.header_search_rows} non-empty rows",
            title,
            head[0][0],
            hint="put the column names on the first row, e.g. "
            + ", ".join(c.field for c in spec.columns[:6]),
            code="missing_column",
        )
        return None
    position, fields = header
    header_row, header_cells = head[position]
    if position > 0 or header_row != 1:
        collector.warning(
            f"the header is on row {header_row}, not row 1; the rows above it are ignored",
            title,
            header_row,
            code="header_not_first_row",
        )
    columns: dict[str, int] = {}
    wide: dict[int, Any] = {}
    for index, cell in sorted(header_cells.items()):
        if isinstance(cell.value, Unreadable):
            collector.error(str(cell.value), title, header_row, cell.column, hint=DAMAGED_HINT,
                            code="damaged_cell")  # fmt: skip
            continue
        target = fields.get(index)
        if target is None and name == "periods":
            try:
                wide[index] = parse_period(cell.value)
                continue
            except ValueProblem:
                pass
        if target is None:
            collector.warning(
                f"unknown column {str(cell.value)[:_MAX_HEADER_CHARS]!r} is ignored",
                title,
                header_row,
                cell.column,
                hint="known columns: " + ", ".join(c.field for c in spec.columns),
                code="unknown_column",
            )
            continue
        if target in columns:
            collector.error(
                f"two columns mean {target} ({column_letter(columns[target])} and {cell.column})",
                title,
                header_row,
                cell.column,
                hint="rename or delete one of them",
                code="duplicate_column",
            )
            continue
        columns[target] = index
    for column in spec.columns:
        if column.required and column.field not in columns:
            if name == "periods" and column.field == "kpi":
                pass
            else:
                collector.error(
                    f"the required column {column.field} ({' / '.join(column.aliases[1:3])}) is missing",
                    title,
                    header_row,
                    hint=f"add a column headed {column.field} or {column.aliases[1]}",
                    code="missing_column",
                )
    if name == "periods":
        if "kpi" not in columns:
            collector.error(
                "the required column kpi (指标) is missing",
                title,
                header_row,
                hint="add a column headed kpi or 指标",
                code="missing_column",
            )
        if "period" not in columns and not wide:
            collector.error(
                "neither a period column nor period columns (2026Q1, Q2, 3月 …)",
                title,
                header_row,
                hint="use a long table (kpi, period, actual) or one column per period",
                code="missing_column",
            )
    wide_periods = wide if "period" not in columns else {}
    kept = set(columns.values()) | set(wide_periods)
    rows = _kept_rows(head[position + 1 :], rest, kept)
    return RawSheet(title, name, columns, header_row, rows, wide_periods)


def _kept_rows(
    first: list[tuple[int, Cells]], rest: Iterator[tuple[int, Cells]], kept: set[int]
) -> list[tuple[int, Cells]]:
    """The rows with the cells of the ``kept`` columns only; rows holding none of them dropped."""
    rows: list[tuple[int, Cells]] = []
    for source in (first, rest):
        for number, cells in source:
            mine = {index: cell for index, cell in cells.items() if index in kept}
            if mine:
                rows.append((number, mine))
    return rows


def read_sheet_guarded(
    ws: Any, name: str, archive: zipfile.ZipFile, limits: Limits, collector: Collector
) -> RawSheet | None:
    """Read one sheet; any failure on a damaged part is an error naming the sheet.

    lxml's and zipfile's errors are caught here, where the part is read: they
    cannot even be pickled back from a worker process.
    """
    import warnings

    from lxml import etree

    code = "unreadable_sheet"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl: dates out of range …
            return _read_sheet(ws, name, archive, limits, collector)
    except SheetDamaged as exc:
        message, row, column, code = exc.message, exc.row, exc.column, exc.code
    except etree.XMLSyntaxError as exc:
        message, row, column = _sheet_syntax_error(exc, archive, ws, limits)
    except (zipfile.BadZipFile, zlib.error) as exc:
        message, row, column = f"the sheet's part is damaged: {zip_error_text(exc)}", None, None
    except MemoryError:
        message, row, column = "ran out of memory reading the sheet", None, None
    except Exception as exc:  # openpyxl or lxml on an unusual part: never a traceback
        message, row, column = f"the sheet cannot be read ({type(exc).__name__}: {exc})", None, None
    collector.error(message, ws.title, row, column, hint=DAMAGED_HINT, code=code)
    return None


_CELL_START_RE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Za-z]{1,3})(\d{1,7})"')


def _sheet_syntax_error(
    exc: Any, archive: zipfile.ZipFile, ws: Any, limits: Limits
) -> tuple[str, int | None, str | None]:
    """lxml's complaint about the sheet's XML, with the cell it sits in when it sits in one."""
    text = xml_error_text(exc)
    line, column = getattr(exc, "position", (None, None))
    where: tuple[int | None, str | None] = (None, None)
    try:
        xml = read_part(archive, str(ws._worksheet_path).lstrip("/"), limits.max_uncompressed_bytes)
        if line and column:  # lxml counts columns in characters
            lines = xml.split(b"\n", line - 1)
            before = sum(len(part) + 1 for part in lines[: line - 1])
            offset = before + len(lines[-1].decode("utf-8", "replace")[: column - 1].encode())
            start = max(xml.rfind(b"<c ", 0, offset), xml.rfind(b":c ", 0, offset) - 1)
            segment = xml[start:offset] if start >= 0 else b""
            tag_end = segment.find(b">")
            open_cell = (
                segment
                and b"</" not in segment.replace(b"</v>", b"").replace(b"</t>", b"")
                and not (tag_end > 0 and segment[tag_end - 1 : tag_end] == b"/")
            )
            found = _CELL_START_RE.match(xml, start) if open_cell else None
            if found:
                where = (int(found.group(2)), found.group(1).decode().upper())
    except Exception:  # the position is a courtesy; the error stands without it
        where = (None, None)
    return f"the sheet's XML is damaged: {text}", where[0], where[1]


def _find_wide_header(
    spec: schema.SheetSpec, rows: list[tuple[int, Cells]], limits: Limits
) -> tuple[int, dict[int, str]] | None:
    for position, (_, cells) in enumerate(rows[: limits.header_search_rows]):
        fields: dict[int, str] = {}
        periods = 0
        for index, cell in cells.items():
            if isinstance(cell.value, Unreadable):
                continue
            found = (
                schema.match_column(spec, cell.value)
                if isinstance(cell.value, str) and len(cell.value) <= _MAX_HEADER_CHARS
                else None
            )
            if found:
                fields[index] = found
                continue
            try:
                parse_period(cell.value)
                periods += 1
            except ValueProblem:
                pass
        if periods >= 2:
            return position, fields
    return None


def _meta_raw(title: str, rows: list[tuple[int, Cells]]) -> RawSheet:
    spec = schema.SHEETS["meta"]
    first = rows[0][1]
    key, value = first.get(0), first.get(1)
    has_header = (
        key is not None
        and schema.match_column(spec, key.value) == "key"
        and value is not None
        and schema.match_column(spec, value.value) == "value"
    )
    return RawSheet(title, "meta", {"key": 0, "value": 1}, rows[0][0] if has_header else 0, [])
