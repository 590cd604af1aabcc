"""Reading a KPI workbook into a validated :class:`~opsreport.model.Report`.

The loader never writes to the file, checks what the file really is before
parsing it (magic bytes, zip bounds), reads with openpyxl protected by
defusedxml, and reports every problem of a file at once, each naming its
file, sheet and cell. It formats no text for documents.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from opsreport import schema
from opsreport.model import (
    BreakdownRow,
    Diagnostic,
    Goal,
    Kpi,
    Location,
    Meta,
    PeriodValue,
    Problem,
    Report,
    Resource,
    Risk,
    Task,
    Threshold,
)
from opsreport.values import (
    ValueProblem,
    clean_text,
    match_key,
    normalize_text,
    parse_aggregation,
    parse_date,
    parse_direction,
    parse_level,
    parse_number,
    parse_period,
    parse_unit,
)

__all__ = ["Limits", "WorkbookError", "default_aggregation", "load_report"]


class WorkbookError(Exception):
    """The workbook cannot be used; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__("\n".join(str(d) for d in errors) or "invalid workbook")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


@dataclass(frozen=True)
class Limits:
    """Bounds that make a hostile or runaway file fail fast in bounded memory."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_zip_entries: int = 5_000
    max_uncompressed_bytes: int = 400 * 1024 * 1024
    max_entry_ratio: int = 200  # uncompressed / compressed, for entries above 1 MB
    max_rows: int = 200_000
    max_columns: int = 200
    header_search_rows: int = 10


DEFAULT_LIMITS = Limits()

# Units whose quarters add up to the year (flows); everything else is a level.
_FLOW_BASES = {
    "元", "美元", "usd", "$", "eur", "€", "rmb", "cny", "单", "笔", "件", "次", "个", "台",
    "orders", "order", "tickets", "ticket", "units", "pcs", "visits", "calls", "sessions",
    "gmv", "revenue",
}  # fmt: skip
_AVERAGE_BASES = {"分", "points", "score", "星", "stars", "nps"}


_PER_UNIT_WORDS = ("单价", "均", "人效", "每", "average", "avg", "per ", "mean")


def name_is_per_unit(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _PER_UNIT_WORDS)


def default_aggregation(unit: str, name: str = "") -> str:
    """How a KPI's quarters make its year when the workbook does not say.

    Money and counts of events (元, 万元, 单, orders, USD) are flows: ``sum``;
    ratios (万元/人) and per-unit amounts named so (客单价, 人均, average …) ``avg``.
    Scores (分, points) are ``avg``. Rates (%, pp), stocks and durations (人,
    天, hours, inventory) are ``last``: the year ends where Q4 ends.
    """
    info = parse_unit(unit)
    if info.is_rate:
        return "last"
    if "/" in info.base or name_is_per_unit(name):
        return "avg"  # 万元/人, 元/单, 客单价, average handle time: a mean, not a total
    base = info.base.strip().lower()
    if base in _AVERAGE_BASES:
        return "avg"
    if base in _FLOW_BASES or (info.magnitude != 1 and base in {"", "元"}):
        return "sum"
    if not base:
        return "sum"
    return "last"


# --------------------------------------------------------------------------- file checks


def _sniff(path: Path, limits: Limits) -> list[Diagnostic]:
    """What the file really is, by magic bytes and zip structure, before parsing it."""
    where = Location(str(path))

    def error(message: str, hint: str, code: str) -> list[Diagnostic]:
        return [Diagnostic("error", message, where, hint, code)]

    if not path.exists():
        return error("no such file", "check the path", "missing_file")
    if path.is_dir():
        return error("a folder, not a workbook", "give the path of an .xlsx file", "is_directory")
    size = path.stat().st_size
    if size == 0:
        return error(
            "the file is empty (0 bytes)", "save the workbook again from Excel", "empty_file"
        )
    if size > limits.max_file_bytes:
        return error(
            f"the file is too large ({size / 2**20:.0f} MB; the limit is {limits.max_file_bytes / 2**20:.0f} MB)",
            "remove unused sheets or images",
            "file_too_large",
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            return error(
                "the workbook is password-protected (encrypted)",
                "open it in Excel, remove the password (File › Info › Protect Workbook) and save",
                "encrypted",
            )
        return error(
            "an old Excel 97–2003 .xls file (or another OLE document), not .xlsx",
            "open it in Excel or LibreOffice and save as Excel Workbook (.xlsx)",
            "xls",
        )
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        suffix = path.suffix.lower()
        if suffix in {".csv", ".txt", ".tsv"} or _looks_like_text(path):
            return error(
                "a CSV or text file, not an Excel workbook",
                "open it in Excel or LibreOffice and save as Excel Workbook (.xlsx)",
                "not_xlsx_text",
            )
        return error(
            "not an Excel workbook (the file does not start like an .xlsx)",
            "save the workbook from Excel or LibreOffice as .xlsx",
            "not_xlsx",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return error(
            f"the file is damaged: not a complete .xlsx ({exc})",
            "the download or copy may have been cut off; save it again from Excel",
            "corrupt_zip",
        )
    if len(infos) > limits.max_zip_entries:
        return error(
            f"the file holds {len(infos)} parts (limit {limits.max_zip_entries})",
            "this is not an ordinary workbook; save a clean copy from Excel",
            "zip_bomb",
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_entry_ratio:
            return error(
                f"the part {info.filename} expands {ratio:.0f}× ({info.file_size / 2**20:.0f} MB): refused as a zip bomb",
                "this is not an ordinary workbook; save a clean copy from Excel",
                "zip_bomb",
            )
    if total > limits.max_uncompressed_bytes:
        return error(
            f"the file expands to {total / 2**20:.0f} MB (limit {limits.max_uncompressed_bytes / 2**20:.0f} MB)",
            "this is not an ordinary workbook; save a clean copy from Excel",
            "zip_bomb",
        )
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        kind = (
            "a Word document"
            if "word/document.xml" in names
            else "a PowerPoint file"
            if "ppt/presentation.xml" in names
            else "an OpenDocument spreadsheet (.ods)"
            if "content.xml" in names
            else "a zip archive"
        )
        return error(
            f"{kind}, not an Excel workbook",
            "give the .xlsx file, or save this one as Excel Workbook (.xlsx)",
            "not_xlsx",
        )
    return []


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(4096)
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample.decode("gb18030")
        except UnicodeDecodeError:
            return False
    return True


def _import_openpyxl() -> Any:
    """openpyxl, imported without numpy when numpy is not loaded yet.

    openpyxl imports numpy (~50 ms, a tenth of a Markdown build) only to accept
    numpy numbers in cells it writes; reading never meets one.
    """
    os.environ["OPENPYXL_DEFUSEDXML"] = "True"
    if "openpyxl" not in sys.modules and "numpy" not in sys.modules:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # import numpy fails
        try:
            import openpyxl
        finally:
            del sys.modules["numpy"]
    import openpyxl

    return openpyxl


def _open_workbook(path: Path, data_only: bool) -> Any:
    openpyxl = _import_openpyxl()

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise RuntimeError("openpyxl is not protected by defusedxml; install defusedxml")
    import warnings

    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    # A read-only sheet parses its whole XML on opening when the file has no <dimension>
    # (files written by scripts), only to learn a size we never trust: skip that pass.
    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None  # type: ignore[method-assign]
    try:
        with warnings.catch_warnings():
            # openpyxl warns about data validation, conditional formats, unknown extensions.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(
                path, read_only=True, data_only=data_only, keep_links=False
            )
    finally:
        ReadOnlyWorksheet._get_size = original  # type: ignore[method-assign]


# --------------------------------------------------------------------------- raw sheets


@dataclass
class RawCell:
    value: Any
    number_format: str | None
    is_error: bool
    row: int
    column: str


@dataclass
class RawSheet:
    """A contract sheet as read: header fields and the non-blank rows below them."""

    title: str
    name: str
    columns: dict[str, int]  # field -> 0-based column index
    header_row: int
    rows: list[tuple[int, list[RawCell | None]]] = field(default_factory=list)
    wide_periods: dict[int, Any] = field(default_factory=dict)  # column index -> period
    epoch: Any = None  # the workbook's date system, for serial numbers typed in date columns


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Diagnostic] = []

    def add(self, severity: str, message: str, sheet: str | None = None, row: int | None = None,
            column: str | None = None, hint: str = "", code: str = "") -> None:  # fmt: skip
        self.items.append(
            Diagnostic(severity, message, Location(self.file, sheet, row, column), hint, code)
        )

    def error(self, *args: Any, **kwargs: Any) -> None:
        self.add("error", *args, **kwargs)

    def warning(self, *args: Any, **kwargs: Any) -> None:
        self.add("warning", *args, **kwargs)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)


_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW_RE = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>")
_ROW_NUMBER_RE = re.compile(rb'\br="(\d+)"')
_VALUE_RE = re.compile(rb"<(?:\w+:)?(?:v|is|f)[\s>/]")
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


@functools.lru_cache(maxsize=1024)
def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _column_index(letters: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letters) - 1


_CELL_COLUMN_RE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})\d+"')


def last_used_column(xml: bytes, cap: int) -> int:
    """The rightmost column any cell of the sheet sits in, at most ``cap``.

    Rows are read only this wide: padding every row to a fixed width would cost
    more than reading it, and a cell in column XFD must not cost 16,384 cells a row.
    """
    widest = 1
    for letters in set(_CELL_COLUMN_RE.findall(xml)):
        widest = max(widest, _column_index(letters.decode()) + 1)
        if widest >= cap:
            return cap
    return widest


def last_value_row(xml: bytes) -> int | None:
    """The last row of a sheet's XML that holds a value or a formula.

    Neither the <dimension> a file claims nor its <row> elements can be
    trusted: some programs write a million empty formatted rows. None when
    the rows carry no numbers (then every row is read, up to the row limit).
    """
    last = 0
    for match in _ROW_RE.finditer(xml):
        number = _ROW_NUMBER_RE.search(match.group(1))
        if number is None:
            return None
        if match.group(2):  # <row …/>: no cells
            continue
        end = xml.find(b"row>", match.end())
        body = xml[match.end() : end if end != -1 else len(xml)]
        if _VALUE_RE.search(body):
            last = int(number.group(1))
    return last


def _iter_rows(
    ws: Any,
    limits: Limits,
    collector: _Collector,
    max_row: int | None = None,
    max_col: int | None = None,
    xml: bytes = b"",
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    ws.reset_dimensions()  # never trust the <dimension> a file claims
    if max_row == 0:
        return
    width = max_col or limits.max_columns
    fast = xml and len(xml) < limits.max_uncompressed_bytes and not _DTD_RE.search(xml)
    rows = (
        sheet_rows(ws, xml, max_row, width)
        if fast
        else ws.iter_rows(max_col=width, max_row=max_row)
    )
    for index, row in enumerate(rows, start=1):
        if index > limits.max_rows:
            collector.error(
                f"more than {limits.max_rows:,} rows",
                ws.title,
                hint="split the sheet or remove empty formatted rows at its end",
                code="too_many_rows",
            )
            return
        yield index, row


_DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


def sheet_rows(ws: Any, xml: bytes, max_row: int | None, max_col: int) -> Iterator[tuple[Any, ...]]:
    """``ws.iter_rows(max_col=max_col, max_row=max_row)`` of a read-only sheet, 40% faster.

    openpyxl parses a read-only sheet through defusedxml's pure-Python expat
    callbacks and builds an object per inline string; a 10,000-KPI sheet took a
    second. This reads the sheet XML we already hold with lxml (no DTD, no entities,
    no network: a part declaring a DTD takes openpyxl's defused path instead) and
    hands each row to openpyxl's own row parser, so values, types, dates and
    number formats are exactly openpyxl's (a test compares both on every workbook
    of the corpus). Plain inline strings, the one costly case, are read directly.
    """
    from lxml import etree
    from openpyxl.cell.read_only import EMPTY_CELL

    parser = _fast_sheet_parser()(ws)
    empty_row = (EMPTY_CELL,) * max_col
    counter = 1
    for _, element in etree.iterparse(
        BytesIO(xml), events=("end",), tag=_ROW_TAG, resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    ):  # fmt: skip
        index, cells = parser.parse_row(element)
        element.clear(keep_tail=True)
        while element.getprevious() is not None:  # rows already read: free them
            del element.getparent()[0]
        if max_row is not None and index > max_row:
            while counter <= max_row:  # as openpyxl: empty rows up to the last one asked for
                counter += 1
                yield empty_row
            break
        while counter < index:  # rows absent from the file are empty rows
            counter += 1
            yield empty_row
        if counter <= index:
            counter += 1
            yield ws._get_row(cells, 1, max_col, False)


_ROW_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row"
_INLINE_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}is"
_TEXT_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t"


@functools.cache
def _fast_sheet_parser() -> type:
    from openpyxl.utils import coordinate_to_tuple
    from openpyxl.worksheet._reader import WorkSheetParser

    class FastSheetParser(WorkSheetParser):
        """openpyxl's row parser, with plain inline strings read without Text objects."""

        def __init__(self, ws: Any) -> None:
            wb = ws.parent
            super().__init__(
                None, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats,
            )  # fmt: skip

        def parse_cell(self, element: Any) -> dict[str, Any]:
            if element.get("t") == "inlineStr" and self.data_only and len(element) == 1:
                inline = element[0]
                if inline.tag == _INLINE_TAG and len(inline) == 1 and inline[0].tag == _TEXT_TAG:
                    coordinate = element.get("r")
                    style_id = int(element.get("s", 0) or 0)
                    if coordinate:
                        row, column = coordinate_to_tuple(coordinate)
                        self.col_counter = column
                    else:
                        self.col_counter += 1
                        row, column = self.row_counter, self.col_counter
                    value = inline[0].text or ""
                    return {"row": row, "column": column, "value": value, "data_type": "s",
                            "style_id": style_id}  # fmt: skip
            return super().parse_cell(element)

    return FastSheetParser


def _cell(raw: Any, row: int, col: int) -> RawCell | None:
    value = getattr(raw, "value", None)
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    try:
        number_format = raw.number_format
    except (AttributeError, IndexError, KeyError):
        number_format = None  # a style table that does not hold this cell's style id
    return RawCell(
        value=value,
        number_format=number_format,
        is_error=getattr(raw, "data_type", None) == "e",
        row=row,
        column=_column_letter(col),
    )


def _find_header(
    spec: schema.SheetSpec, rows: list[tuple[int, list[RawCell | None]]], limits: Limits
) -> tuple[int, dict[int, str]] | None:
    """The first row (of the first few) that names at least one required column."""
    required = {c.field for c in spec.columns if c.required}
    for position, (_, cells) in enumerate(rows[: limits.header_search_rows]):
        fields = {
            index: schema.match_column(spec, cell.value)
            for index, cell in enumerate(cells)
            if cell is not None and isinstance(cell.value, str)
        }
        found = {f for f in fields.values() if f}
        if required & found or (not required and len(found) >= 2):
            return position, fields
    return None


def _read_sheet(
    ws: Any, name: str, archive: zipfile.ZipFile, limits: Limits, collector: _Collector,
    formulas: dict[str, dict[tuple[int, int], str]] | None,
) -> RawSheet | None:  # fmt: skip
    spec = schema.SHEETS[name]
    title = ws.title
    part = getattr(ws, "_worksheet_path", None)
    xml = b""
    if part:
        try:
            with archive.open(part.lstrip("/")) as handle:
                xml = handle.read(limits.max_uncompressed_bytes)
        except KeyError:
            xml = b""
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    merged_ranges = []
    for match in _MERGE_RE.finditer(xml):
        c1, r1, c2, r2 = match.groups()
        top, left = int(r1), _column_index(c1.decode())
        bottom, right = int(r2), _column_index(c2.decode())
        merged_ranges.append(f"{c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()}")
        for r in range(top, min(bottom, top + limits.max_rows) + 1):
            for c in range(left, min(right, left + limits.max_columns) + 1):
                if (r, c) != (top, left):
                    merges[(r, c)] = (top, left)
    if getattr(ws, "sheet_state", "visible") != "visible":
        collector.warning(
            "the sheet is hidden; it is read like any other",
            title,
            hint="unhide it (right-click the sheet tabs › Unhide) to check what it holds",
            code="hidden_sheet",
        )

    rows: list[tuple[int, list[RawCell | None]]] = []
    top_left: dict[tuple[int, int], RawCell | None] = {}
    merge_tops = set(merges.values())
    blank_text: set[tuple[int, int]] = set()  # cells holding only spaces: a value, though blank
    last_row = last_value_row(xml) if xml else None
    width = last_used_column(xml, limits.max_columns) if xml else None
    if width == limits.max_columns:
        collector.warning(
            f"only the first {limits.max_columns} columns are read",
            title,
            hint="move the data into the first columns or delete unused ones",
            code="too_many_columns",
        )
    for row_number, raw_row in _iter_rows(ws, limits, collector, last_row, width, xml):
        cells = [_cell(raw, row_number, col) for col, raw in enumerate(raw_row)]
        for col, raw in enumerate(raw_row):
            if cells[col] is None and isinstance(getattr(raw, "value", None), str):
                blank_text.add((row_number, col))
        if merges:
            for col in range(len(cells)):
                if (row_number, col) in merge_tops:
                    top_left[(row_number, col)] = cells[col]
            for (r, c), origin in merges.items():
                if r == row_number and origin in top_left and top_left[origin] is not None:
                    while len(cells) <= c:
                        cells.append(None)
                    source = top_left[origin]
                    cells[c] = RawCell(
                        source.value, source.number_format, source.is_error, r, _column_letter(c)
                    )
        if any(cell is not None for cell in cells):
            rows.append((row_number, cells))
    if merged_ranges:
        collector.warning(
            f"merged cells ({', '.join(merged_ranges[:5])}{' …' if len(merged_ranges) > 5 else ''}) "
            "are read as the merged value repeated in every cell",
            title,
            hint="unmerge them and fill each row if a different reading was meant",
            code="merged_cells",
        )

    if formulas is not None and _FORMULA_RE.search(xml):
        missing = formulas.get(title, {})
        for row_number, cells in rows:
            for col, cell in enumerate(cells):
                if (
                    cell is None
                    and (row_number, col) in missing
                    and (row_number, col) not in blank_text
                ):
                    collector.error(
                        f"a formula without a computed value ({missing[(row_number, col)]})",
                        title,
                        row_number,
                        _column_letter(col),
                        hint="the file was written by a program that does not calculate: open it in "
                        "Excel or LibreOffice and save it, or replace the formula by its value",
                        code="formula_no_value",
                    )
        # Formula cells that are entirely empty rows are not in ``rows``; catch those too.
        seen = {r for r, _ in rows}
        for (row_number, col), text in missing.items():
            if row_number not in seen and (row_number, col) not in blank_text:
                collector.error(
                    f"a formula without a computed value ({text})",
                    title, row_number, _column_letter(col),
                    hint="open the file in Excel or LibreOffice and save it, or replace the formula by its value",
                    code="formula_no_value",
                )  # fmt: skip

    if not rows:
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
        return _meta_raw(title, rows)

    header = _find_header(spec, rows, limits)
    if header is None and name == "periods":
        header = _find_wide_header(spec, rows, limits)
    if header is None:
        required = [c for c in spec.columns if c.required]
        names = " / ".join(
            f"{c.field} ({c.aliases[1] if len(c.aliases) > 1 else c.field})" for c in required
        )
        collector.error(
            f"no header row with the column {names} in the first {limits.header_search_rows} non-empty rows",
            title,
            rows[0][0],
            hint="put the column names on the first row, e.g. "
            + ", ".join(c.field for c in spec.columns[:6]),
            code="missing_column",
        )
        return None
    position, fields = header
    header_row, header_cells = rows[position]
    if position > 0 or header_row != 1:
        collector.warning(
            f"the header is on row {header_row}, not row 1; the rows above it are ignored",
            title,
            header_row,
            code="header_not_first_row",
        )
    columns: dict[str, int] = {}
    wide: dict[int, Any] = {}
    for index, cell in enumerate(header_cells):
        if cell is None:
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
                f"unknown column {str(cell.value)!r} is ignored",
                title,
                header_row,
                cell.column,
                hint="known columns: " + ", ".join(c.field for c in spec.columns),
                code="unknown_column",
            )
            continue
        if target in columns:
            collector.error(
                f"two columns mean {target} ({_column_letter(columns[target])} and {cell.column})",
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
    data = [(number, cells) for number, cells in rows[position + 1 :]]
    return RawSheet(title, name, columns, header_row, data, wide if "period" not in columns else {})


def _read_sheet_guarded(
    ws: Any, name: str, archive: zipfile.ZipFile, limits: Limits, collector: _Collector,
    formulas: dict[str, dict[tuple[int, int], str]] | None,
) -> RawSheet | None:  # fmt: skip
    """Read one sheet; a failure inside openpyxl on a damaged part is an error naming the sheet."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl: unknown extensions, data validation …
            return _read_sheet(ws, name, archive, limits, collector, formulas)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, OSError, EOFError,
            zipfile.BadZipFile) as exc:  # fmt: skip
        collector.error(
            f"the sheet cannot be read ({type(exc).__name__}: {exc})",
            ws.title,
            hint="the file may be damaged or written by an unusual program: open it in Excel or "
            "LibreOffice and save it again as .xlsx",
            code="unreadable_sheet",
        )
        return None


def _find_wide_header(
    spec: schema.SheetSpec, rows: list[tuple[int, list[RawCell | None]]], limits: Limits
) -> tuple[int, dict[int, str]] | None:
    for position, (_, cells) in enumerate(rows[: limits.header_search_rows]):
        fields: dict[int, str] = {}
        periods = 0
        for index, cell in enumerate(cells):
            if cell is None:
                continue
            found = schema.match_column(spec, cell.value) if isinstance(cell.value, str) else None
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


def _meta_raw(title: str, rows: list[tuple[int, list[RawCell | None]]]) -> RawSheet:
    spec = schema.SHEETS["meta"]
    first = rows[0][1]
    has_header = (
        len(first) >= 2
        and first[0] is not None
        and schema.match_column(spec, first[0].value) == "key"
        and first[1] is not None
        and schema.match_column(spec, first[1].value) == "value"
    )
    data = rows[1:] if has_header else rows
    return RawSheet(title, "meta", {"key": 0, "value": 1}, rows[0][0] if has_header else 0, data)


# --------------------------------------------------------------------------- typed records


class _RowReader:
    """Reads the typed fields of one row, turning parse problems into diagnostics."""

    def __init__(
        self, sheet: RawSheet, number: int, cells: list[RawCell | None], collector: _Collector
    ):
        self.sheet = sheet
        self.row_number = number
        self.cells = cells
        self.collector = collector

    def cell(self, field: str) -> RawCell | None:
        index = self.sheet.columns.get(field)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def location(self, field: str | None = None) -> Location:
        index = self.sheet.columns.get(field) if field else None
        column = _column_letter(index) if index is not None else None
        return Location(self.collector.file, self.sheet.title, self.row_number, column)

    def _problem(self, field: str, problem: ValueProblem, cell: RawCell) -> None:
        self.collector.error(
            f"{field}: {problem.message}",
            self.sheet.title,
            cell.row,
            cell.column,
            hint=problem.hint,
            code="bad_value",
        )

    def _raw(self, field: str) -> RawCell | None:
        cell = self.cell(field)
        if cell is not None and cell.is_error:
            self.collector.error(
                f"{field}: an Excel error value ({cell.value})",
                self.sheet.title,
                cell.row,
                cell.column,
                hint="fix the formula or type the figure; an error is never read as blank",
                code="excel_error",
            )
            return None
        return cell

    def text(self, field: str) -> str | None:
        cell = self._raw(field)
        if cell is None:
            return None
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime):
            value = value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        try:
            text = clean_text(value, multiline=field in _MULTILINE_FIELDS)
        except ValueProblem as problem:  # longer than a cell holds
            self._problem(field, problem, cell)
            return None
        return text or None

    def number(self, field: str, unit: str = "") -> Decimal | None:
        cell = self._raw(field)
        if cell is None:
            return None
        try:
            return parse_number(cell.value, number_format=cell.number_format, unit=parse_unit(unit))
        except ValueProblem as problem:
            self._problem(field, problem, cell)
            return None

    def is_percent(self, field: str) -> bool:
        from opsreport.values import is_percent_format

        cell = self.cell(field)
        if cell is None or cell.is_error:
            return False
        if isinstance(cell.value, str):
            return normalize_text(cell.value).endswith("%")
        return is_percent_format(cell.number_format)

    def parsed(self, field: str, parser: Any, **kwargs: Any) -> Any:
        cell = self._raw(field)
        if cell is None:
            return None
        try:
            return parser(cell.value, **kwargs)
        except ValueProblem as problem:
            self._problem(field, problem, cell)
            return None


# Descriptions that may keep their line breaks; every other text field is one line
# (names, owners, units …: a line break there becomes a space, see clean_text).
_MULTILINE_FIELDS = frozenset(
    {"note", "problem", "subjective", "objective", "impact", "action", "measure",
     "deliverable", "response"}
)  # fmt: skip


def _rows(sheet: RawSheet, collector: _Collector) -> Iterator[_RowReader]:
    for number, cells in sheet.rows:
        yield _RowReader(sheet, number, cells, collector)


class _KpiIndex:
    """Resolves a KPI reference (id or name) to the KPI's key."""

    def __init__(self, kpis: list[Kpi]) -> None:
        self.by_id = {match_key(kpi.id): kpi for kpi in kpis if kpi.id}
        self.by_name: dict[str, list[Kpi]] = {}
        for kpi in kpis:
            self.by_name.setdefault(match_key(kpi.name), []).append(kpi)
        self.examples = ", ".join(f"{k.id or k.name}" for k in kpis[:3])

    def resolve(self, reader: _RowReader, field: str = "kpi") -> Kpi | None:
        text = reader.text(field)
        if text is None:
            return None
        key = match_key(text)
        if key in self.by_id:
            return self.by_id[key]
        matches = self.by_name.get(key, [])
        cell = reader.cell(field)
        assert cell is not None
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            reader.collector.error(
                f"{field}: the name {text!r} fits {len(matches)} KPIs",
                reader.sheet.title,
                cell.row,
                cell.column,
                hint="refer to the KPI by its id",
                code="ambiguous_kpi",
            )
            return None
        reader.collector.error(
            f"{field}: unknown KPI {text!r}",
            reader.sheet.title,
            cell.row,
            cell.column,
            hint=f"use an id or a name from the kpis sheet (e.g. {self.examples})",
            code="unknown_kpi",
        )
        return None


def _read_meta(sheet: RawSheet | None, collector: _Collector) -> Meta:
    if sheet is None:
        return Meta()
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for reader in _rows(sheet, collector):
        key_text = reader.text("key")
        if not key_text:
            continue
        key = schema.match_meta_key(key_text)
        cell = reader.cell("value")
        if key is None:
            value = reader.text("value")
            if value is not None:
                extra[key_text] = value
            continue
        if key in {"year", "plan_year"}:
            cell = reader.cell("value")
            if cell is not None and isinstance(cell.value, str):
                cell.value = re.sub(r"\s*年度?$", "", cell.value.strip())  # 2026年 is a year
            number = reader.number("value")
            if number is not None:
                if number != number.to_integral_value() or not 1900 <= number <= 2200:
                    collector.error(
                        f"{key_text}: not a year ({cell.value if cell else ''})",
                        sheet.title,
                        reader.row_number,
                        "B",
                        hint="write a four-digit year such as 2026",
                        code="bad_value",
                    )
                else:
                    values[key] = int(number)
        elif key == "language":
            text = (reader.text("value") or "").lower()
            language = {"zh": "zh", "中文": "zh", "cn": "zh", "chinese": "zh", "zh-cn": "zh",
                        "en": "en", "english": "en", "英文": "en", "英语": "en"}.get(text)  # fmt: skip
            if text and language is None:
                collector.error(
                    f"{key_text}: unknown language ({text})",
                    sheet.title,
                    reader.row_number,
                    "B",
                    hint="use zh or en",
                    code="bad_value",
                )
            values["language"] = language
        elif key == "team_size":
            extra["team_size"] = reader.text("value") or ""
        else:
            values[key] = reader.text("value")
    year = values.get("year")
    return Meta(
        title=values.get("title"),
        org=values.get("org"),
        year=year,
        plan_year=values.get("plan_year") or (year + 1 if year else None),
        author=values.get("author"),
        language=values.get("language"),
        extra=extra,
    )


_NUMBER_FIELDS = ("target", "actual", "prior_year", "next_target", "base")


def _read_kpis(sheet: RawSheet, collector: _Collector) -> list[Kpi]:
    kpis: list[Kpi] = []
    first_row: dict[str, int] = {}
    for reader in _rows(sheet, collector):
        name = reader.text("name")
        kpi_id = reader.text("id")
        if not name:
            if any(reader.cell(f) is not None for f in ("id", *_NUMBER_FIELDS)):
                collector.error(
                    "a KPI without a name",
                    sheet.title,
                    reader.row_number,
                    reader.location("name").column,
                    hint="give every KPI row a name (指标)",
                    code="missing_name",
                )
            continue
        unit = reader.text("unit") or ""
        if not unit and any(reader.is_percent(f) for f in ("target", "actual", "prior_year")):
            unit = "%"  # shown as percentages in Excel: a rate
        numbers = {f: reader.number(f, unit) for f in _NUMBER_FIELDS}
        aggregation = reader.parsed("aggregation", parse_aggregation)
        weight = _weight(reader)
        key = kpi_id or name
        folded = match_key(key)
        if folded in first_row:
            collector.error(
                f"duplicate KPI {'id' if kpi_id else 'name'} {key!r} (first on row {first_row[folded]})",
                sheet.title,
                reader.row_number,
                reader.location("id" if kpi_id else "name").column,
                hint="give each KPI its own id",
                code="duplicate_kpi",
            )
            continue
        first_row[folded] = reader.row_number
        kpis.append(
            Kpi(
                key=key,
                name=name,
                id=kpi_id,
                group=reader.text("group"),
                base_name=reader.text("base_name"),
                unit=unit,
                direction=reader.parsed("direction", parse_direction) or "higher",
                aggregation=aggregation or default_aggregation(unit, name),
                aggregation_inferred=aggregation is None,
                weight=weight,
                owner=reader.text("owner"),
                source=reader.text("source"),
                note=reader.text("note"),
                location=reader.location(),
                **numbers,
            )
        )
    if not kpis and not collector.has_errors:
        collector.error(
            "no KPI rows under the header",
            sheet.title,
            sheet.header_row,
            hint="add one row per KPI with at least its name",
            code="no_kpis",
        )
    return kpis


def _weight(reader: _RowReader) -> Decimal | None:
    """Weights are relative: 20%, 0.2 and 20 all mean a fifth when the others match."""
    cell = reader._raw("weight")
    if cell is None:
        return None
    try:
        value = parse_number(cell.value, number_format=cell.number_format)
    except ValueProblem as problem:
        reader._problem("weight", problem, cell)
        return None
    if value is not None and reader.is_percent("weight"):
        value = value / 100
    if value is not None and value < 0:
        reader.collector.error(
            "weight: a negative weight",
            reader.sheet.title,
            cell.row,
            cell.column,
            hint="weights are zero or positive",
            code="bad_value",
        )
        return None
    return value


def _read_periods(
    sheet: RawSheet, index: _KpiIndex, year: int | None, collector: _Collector
) -> list[PeriodValue]:
    values: list[PeriodValue] = []
    seen: dict[tuple[str, Any], int] = {}
    for reader in _rows(sheet, collector):
        kpi = index.resolve(reader)
        if kpi is None:
            continue
        if sheet.wide_periods:
            for column, period in sheet.wide_periods.items():
                cell = reader.cells[column] if column < len(reader.cells) else None
                if cell is None:
                    continue
                if cell.is_error:
                    collector.error(
                        f"{period.label}: an Excel error value ({cell.value})",
                        sheet.title, cell.row, cell.column,
                        hint="fix the formula or type the figure", code="excel_error",
                    )  # fmt: skip
                    continue
                try:
                    actual = parse_number(
                        cell.value, number_format=cell.number_format, unit=kpi.unit_info
                    )
                except ValueProblem as problem:
                    collector.error(f"{period.label}: {problem.message}", sheet.title, cell.row, cell.column,
                                    hint=problem.hint, code="bad_value")  # fmt: skip
                    continue
                full = period if period.year else type(period)(year, period.quarter, period.month)
                values.append(PeriodValue(kpi.key, full, actual, location=reader.location()))
            continue
        period = reader.parsed("period", parse_period)
        if period is None:
            if reader.cell("period") is None:
                collector.error("a row without a period", sheet.title, reader.row_number,
                                reader.location("period").column, hint="fill in the period (2026Q1, 3月 …)",
                                code="missing_value")  # fmt: skip
            continue
        if period.year is None:
            period = type(period)(year, period.quarter, period.month)
        marker = (kpi.key, period)
        if marker in seen:
            collector.error(
                f"{kpi.name} {period.label} appears twice (first on row {seen[marker]})",
                sheet.title,
                reader.row_number,
                reader.location("period").column,
                hint="keep one row per KPI and period",
                code="duplicate_period",
            )
            continue
        seen[marker] = reader.row_number
        values.append(
            PeriodValue(
                kpi.key,
                period,
                actual=reader.number("actual", kpi.unit),
                target=reader.number("target", kpi.unit),
                prior_year=reader.number("prior_year", kpi.unit),
                location=reader.location(),
            )
        )
    return values


def _check_period_grain(
    values: list[PeriodValue], sheet: RawSheet | None, collector: _Collector
) -> None:
    """A quarter given both as a quarter row and as month rows would be counted twice."""
    grains: dict[tuple[str, int | None, int], set[str]] = {}
    first: dict[tuple[str, int | None, int], PeriodValue] = {}
    seen: set[tuple[str, Any]] = set()
    for value in values:
        key = (value.kpi, value.period.year, value.period.quarter)
        grains.setdefault(key, set()).add("month" if value.period.month else "quarter")
        first.setdefault(key, value)
        marker = (value.kpi, value.period)
        if marker in seen and sheet is not None and sheet.wide_periods:
            where = value.location
            collector.error(
                f"{value.kpi} {value.period.label} appears twice",
                sheet.title, where.row if where else None,
                hint="keep one row per KPI", code="duplicate_period",
            )  # fmt: skip
        seen.add(marker)
    for key, kinds in grains.items():
        if len(kinds) > 1 and sheet is not None:
            where = first[key].location
            collector.error(
                f"{key[0]} Q{key[2]}{f' {key[1]}' if key[1] else ''} is given both as a quarter and as months",
                sheet.title, where.row if where else None,
                hint="keep either the quarter row or its month rows, not both (they would be counted twice)",
                code="mixed_period_grain",
            )  # fmt: skip


def _read_breakdown(sheet: RawSheet, index: _KpiIndex, collector: _Collector) -> list[BreakdownRow]:
    rows: list[BreakdownRow] = []
    for reader in _rows(sheet, collector):
        item = reader.text("item")
        kpi = index.resolve(reader)
        if item is None:
            collector.error("a row without an item", sheet.title, reader.row_number,
                            reader.location("item").column, hint="name the channel or category",
                            code="missing_value")  # fmt: skip
            continue
        if kpi is None:
            if reader.cell("kpi") is None:
                collector.error("a row without a KPI", sheet.title, reader.row_number,
                                reader.location("kpi").column, hint="say which KPI the figures belong to",
                                code="missing_value")  # fmt: skip
            continue
        rows.append(
            BreakdownRow(
                dimension=reader.text("dimension") or "",
                item=item,
                kpi=kpi.key,
                actual=reader.number("actual", kpi.unit),
                prior_year=reader.number("prior_year", kpi.unit),
                target=reader.number("target", kpi.unit),
                location=reader.location(),
            )
        )
    return rows


def _read_problems(sheet: RawSheet, index: _KpiIndex, collector: _Collector) -> list[Problem]:
    problems = []
    for reader in _rows(sheet, collector):
        text = reader.text("problem")
        kpi = index.resolve(reader)
        if text is None:
            continue
        problems.append(
            Problem(
                area=reader.text("area"),
                problem=text,
                kpi=kpi.key if kpi else None,
                subjective=reader.text("subjective"),
                objective=reader.text("objective"),
                impact=reader.text("impact"),
                action=reader.text("action"),
                location=reader.location(),
            )
        )
    return problems


def _read_goals(
    sheet: RawSheet, index: _KpiIndex, plan_year: int | None, collector: _Collector
) -> list[Goal]:
    goals = []
    for reader in _rows(sheet, collector):
        text = reader.text("goal")
        kpi = index.resolve(reader)
        if text is None:
            if any(reader.cell(f) is not None for f in ("target", "baseline", "kpi")):
                collector.error("a goal row without the goal text", sheet.title, reader.row_number,
                                reader.location("goal").column, hint="describe the goal in words",
                                code="missing_value")  # fmt: skip
            continue
        unit = reader.text("unit") or (kpi.unit if kpi else "")
        quarters = tuple(reader.number(f"q{q}", unit) for q in range(1, 5))
        goals.append(
            Goal(
                goal=text,
                kpi=kpi.key if kpi else None,
                baseline=reader.number("baseline", unit),
                target=reader.number("target", unit),
                unit=unit,
                direction=reader.parsed("direction", parse_direction)
                or (kpi.direction if kpi else "higher"),
                deadline=reader.parsed(
                    "deadline", parse_date, default_year=plan_year, week_end=True, epoch=sheet.epoch
                ),
                owner=reader.text("owner"),
                measure=reader.text("measure"),
                aligns_to=reader.text("aligns_to"),
                quarter_targets=quarters,  # type: ignore[arg-type]
                location=reader.location(),
            )
        )
    return goals


def _read_tasks(sheet: RawSheet, plan_year: int | None, collector: _Collector) -> list[Task]:
    tasks = []
    for reader in _rows(sheet, collector):
        text = reader.text("task")
        if text is None:
            continue
        start = reader.parsed("start", parse_date, default_year=plan_year, epoch=sheet.epoch)
        end = reader.parsed(
            "end", parse_date, default_year=plan_year, week_end=True, epoch=sheet.epoch
        )
        if start and end and end < start:
            collector.error(
                f"the task ends ({end}) before it starts ({start})",
                sheet.title,
                reader.row_number,
                reader.location("end").column,
                hint="swap the dates or correct one of them",
                code="bad_dates",
            )
        tasks.append(
            Task(
                phase=reader.text("phase"),
                task=text,
                start=start,
                end=end,
                owner=reader.text("owner"),
                milestone=reader.text("milestone"),
                deliverable=reader.text("deliverable"),
                location=reader.location(),
            )
        )
    return tasks


_THRESHOLD_RE = re.compile(
    r"^(?P<dev>dev(?:iation)?|偏差|偏离|偏离度|目标偏差)?\s*(?P<op><=|>=|<|>|≤|≥|＜|＞)\s*(?P<value>.+)$",
    re.IGNORECASE,
)


def parse_threshold(text: str, unit: str) -> Threshold:
    """``< 25``, ``>= 3.5`` on the KPI's actual; ``dev > 8%`` on its |ΔPL%|."""
    match = _THRESHOLD_RE.match(normalize_text(text))
    if not match:
        raise ValueProblem(
            f"not a threshold ({text!r})",
            "write < 25, <= 25, > 47, >= 3.5, or dev > 8% (deviation from target)",
        )
    operator = {"≤": "<=", "≥": ">=", "＜": "<", "＞": ">"}.get(match["op"], match["op"])
    if match["dev"]:
        raw = match["value"].strip().rstrip("%").strip()
        limit = parse_number(raw)
        if limit is None:
            raise ValueProblem(f"a deviation without a number ({text!r})", "write dev > 8%")
        return Threshold("dev", operator, limit, normalize_text(text))
    limit = parse_number(match["value"], unit=parse_unit(unit))
    if limit is None:
        raise ValueProblem(f"a threshold without a number ({text!r})", "write < 25 or > 47")
    return Threshold("value", operator, limit, normalize_text(text))


def _read_risks(sheet: RawSheet, index: _KpiIndex, collector: _Collector) -> list[Risk]:
    risks = []
    for reader in _rows(sheet, collector):
        text = reader.text("risk")
        kpi = index.resolve(reader)
        if text is None:
            continue
        threshold = None
        raw = reader.text("threshold")
        if raw:
            cell = reader.cell("threshold")
            assert cell is not None
            if kpi is None and reader.cell("kpi") is None:
                collector.error(
                    "a threshold without a KPI to watch",
                    sheet.title,
                    cell.row,
                    cell.column,
                    hint="fill in the KPI (触发指标) the threshold applies to",
                    code="threshold_without_kpi",
                )
            elif kpi is not None:
                try:
                    threshold = parse_threshold(raw, kpi.unit)
                except ValueProblem as problem:
                    reader._problem("threshold", problem, cell)
        risks.append(
            Risk(
                risk=text,
                category=reader.text("category"),
                likelihood=reader.parsed("likelihood", parse_level),
                impact=reader.parsed("impact", parse_level),
                kpi=kpi.key if kpi else None,
                threshold=threshold,
                response=reader.text("response"),
                owner=reader.text("owner"),
                location=reader.location(),
            )
        )
    return risks


def _read_resources(sheet: RawSheet, collector: _Collector) -> list[Resource]:
    resources = []
    for reader in _rows(sheet, collector):
        category = reader.text("category")
        item = reader.text("item")
        if category is None and item is None:
            continue
        unit = reader.text("unit") or ""
        resources.append(
            Resource(
                category=category or item or "",
                item=item,
                amount=reader.number("amount", unit),
                unit=unit,
                note=reader.text("note"),
                location=reader.location(),
            )
        )
    return resources


# --------------------------------------------------------------------------- entry point


def load_report(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read, validate and type a KPI workbook; raise :class:`WorkbookError` listing every problem."""
    path = Path(path)
    collector = _Collector(str(path))
    problems = _sniff(path, limits)
    if problems:
        raise WorkbookError(problems)
    try:
        wb = _open_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        if (
            "entit" in str(exc).lower()
            or "dtd" in type(exc).__name__.lower()
            or "Entities" in type(exc).__name__
        ):
            raise WorkbookError(
                [
                    Diagnostic(
                        "error",
                        "refused: the file's XML defines entities (a 'billion laughs' attack); "
                        "no spreadsheet program writes that",
                        Location(str(path)),
                        "do not open this file; ask for a copy saved from Excel",
                        "xml_bomb",
                    )
                ]
            ) from None
        raise WorkbookError(
            [
                Diagnostic(
                    "error",
                    f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})",
                    Location(str(path)),
                    "open it in Excel or LibreOffice and save it again as .xlsx",
                    "unreadable",
                )
            ]
        ) from None
    try:
        return _load(path, wb, limits, collector)
    finally:
        wb.close()


def _load(path: Path, wb: Any, limits: Limits, collector: _Collector) -> Report:
    if not wb.worksheets:
        collector.error(
            "the workbook has no worksheets openpyxl can read (a Strict Open XML file?)",
            hint="save it in Excel as 'Excel Workbook (.xlsx)', not 'Strict Open XML Spreadsheet'",
            code="no_worksheets",
        )
        raise WorkbookError(collector.items)
    chosen: dict[str, Any] = {}
    for ws in wb.worksheets:
        name = schema.match_sheet(ws.title)
        if name is None:
            collector.warning(
                "unknown sheet is ignored",
                ws.title,
                hint="known sheets: " + ", ".join(schema.SHEETS),
                code="unknown_sheet",
            )
            continue
        if name in chosen:
            collector.error(
                f"two sheets mean {name}: {chosen[name].title!r} and {ws.title!r}",
                ws.title,
                hint="rename or delete one of them",
                code="duplicate_sheet",
            )
            continue
        chosen[name] = ws
    if "kpis" not in chosen:
        collector.error(
            "no kpis sheet (指标)",
            hint="name the sheet with your KPIs kpis or 指标; sheets found: "
            + ", ".join(repr(ws.title) for ws in wb.worksheets),
            code="missing_sheet",
        )
        raise WorkbookError(collector.items)

    formulas = _formulas_without_values(path, wb, chosen, limits)
    raw: dict[str, RawSheet | None] = {}
    with zipfile.ZipFile(path) as archive:
        for name, ws in chosen.items():
            raw[name] = _read_sheet_guarded(ws, name, archive, limits, collector, formulas)
            if raw[name] is not None:
                raw[name].epoch = wb.epoch
    meta = _read_meta(raw.get("meta"), collector)
    kpi_sheet = raw.get("kpis")
    kpis = _read_kpis(kpi_sheet, collector) if kpi_sheet else []
    index = _KpiIndex(kpis)
    report = Report(
        source=path, meta=meta, kpis=kpis, sheets=frozenset(n for n, s in raw.items() if s)
    )
    if raw.get("periods"):
        report.periods = _read_periods(raw["periods"], index, meta.year, collector)
    if raw.get("breakdown"):
        report.breakdown = _read_breakdown(raw["breakdown"], index, collector)
    if raw.get("problems"):
        report.problems = _read_problems(raw["problems"], index, collector)
    if raw.get("goals"):
        report.goals = _read_goals(raw["goals"], index, meta.plan_year, collector)
    if raw.get("tasks"):
        report.tasks = _read_tasks(raw["tasks"], meta.plan_year, collector)
    if raw.get("risks"):
        report.risks = _read_risks(raw["risks"], index, collector)
    if raw.get("resources"):
        report.resources = _read_resources(raw["resources"], collector)
    if report.periods:
        _check_period_grain(report.periods, raw["periods"], collector)
    if collector.has_errors:
        raise WorkbookError(collector.items)
    report.warnings = collector.items
    return report


def _formulas_without_values(
    path: Path, wb: Any, chosen: dict[str, Any], limits: Limits
) -> dict[str, dict[tuple[int, int], str]] | None:
    """Formula cells of the contract sheets, by position, when the file has any formula.

    A file written by a script has formulas but no cached values; openpyxl then
    reads blanks. Only when a sheet's XML holds an ``<f>`` element is the file
    opened a second time (without ``data_only``) to find them.
    """
    with zipfile.ZipFile(path) as archive:
        parts = {ws.title: getattr(ws, "_worksheet_path", "").lstrip("/") for ws in chosen.values()}
        has_formula = False
        for part in parts.values():
            try:
                with archive.open(part) as handle:
                    if _FORMULA_RE.search(handle.read(limits.max_uncompressed_bytes)):
                        has_formula = True
                        break
            except KeyError:
                continue
    if not has_formula:
        return None
    found: dict[str, dict[tuple[int, int], str]] = {}
    import warnings

    formula_wb = _open_workbook(path, data_only=False)
    warnings_context = warnings.catch_warnings()
    warnings_context.__enter__()
    warnings.simplefilter("ignore")
    try:
        for ws in formula_wb.worksheets:
            if ws.title not in parts:
                continue
            cells: dict[tuple[int, int], str] = {}
            ws.reset_dimensions()
            for row_number, row in enumerate(ws.iter_rows(max_col=limits.max_columns), start=1):
                if row_number > limits.max_rows:
                    break
                for col, cell in enumerate(row):
                    value = getattr(cell, "value", None)
                    if (
                        isinstance(value, str)
                        and value.startswith("=")
                        and getattr(cell, "data_type", "") == "f"
                    ):
                        cells[(row_number, col)] = value
                    elif value is not None and type(value).__name__ in {
                        "ArrayFormula",
                        "DataTableFormula",
                    }:
                        cells[(row_number, col)] = str(getattr(value, "text", value))
            found[ws.title] = cells
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, OSError, EOFError):
        return found  # the data pass reports an unreadable sheet with its name
    finally:
        warnings_context.__exit__(None, None, None)
        formula_wb.close()
    return found
