"""Reading a KPI workbook into a validated :class:`~opsreport.core.records.Report`.

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
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from opsreport.core.aggregation import default_aggregation
from opsreport.core.choices import parse_aggregation, parse_direction, parse_level
from opsreport.core.dates import parse_date
from opsreport.core.numbers import parse_number
from opsreport.core.periods import parse_period
from opsreport.core.records import (
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
)
from opsreport.core.text import bidi_controls, clean_text, match_key, normalize_text
from opsreport.core.thresholds import parse_threshold
from opsreport.core.units import parse_unit
from opsreport.core.value_problem import ValueProblem
from opsreport.errors import WorkbookError
from opsreport.io import schema

__all__ = ["Limits", "WorkbookError", "default_aggregation", "load_report"]


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
    max_merged_ranges: int = 100_000  # per sheet; each fills only the cells read
    max_style_records: int = 131_072  # of each kind (cell formats, fonts …): 2 × Excel's 65,490
    max_style_elements: int = 1_000_000  # XML elements of the style table, all kinds
    max_shared_strings: int = 1_000_000  # texts in the shared-string table
    max_shared_strings_bytes: int = 100 * 1024 * 1024  # its XML, once expanded


DEFAULT_LIMITS = Limits()

# --------------------------------------------------------------------------- file checks


def _size(count: int) -> str:
    """A byte count as messages give it: 105 MB (2**20 bytes a MB), 17.3 KB."""
    if count >= 2**20:
        return f"{count / 2**20:,.0f} MB"
    return f"{count / 1024:,.1f} KB"


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
            f"the file is too large ({_size(size)}; the limit is {_size(limits.max_file_bytes)})",
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
            f"the file holds {len(infos):,} parts (limit {limits.max_zip_entries:,})",
            "this is not an ordinary workbook; save a clean copy from Excel",
            "zip_bomb",
        )
    seen: set[str] = set()
    for info in infos:  # part names are case-insensitive in Office files
        if info.filename.casefold() in seen:
            return error(
                f"the file holds two parts named {info.filename} (a program may read either one)",
                "this is not an ordinary workbook; save a clean copy from Excel",
                "duplicate_part",
            )
        seen.add(info.filename.casefold())
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_entry_ratio:
            return error(
                f"the part {info.filename} expands {ratio:,.0f}× ({_size(info.file_size)}): refused as a zip bomb",
                "this is not an ordinary workbook; save a clean copy from Excel",
                "zip_bomb",
            )
    if total > limits.max_uncompressed_bytes:
        return error(
            f"the file expands to {_size(total)} (limit {_size(limits.max_uncompressed_bytes)})",
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


# --------------------------------------------------------------------------- parts


class _Refused(Exception):
    """A part breaks a limit or cannot be read: one diagnostic for the whole file."""

    def __init__(self, message: str, hint: str, code: str) -> None:
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


_DAMAGED_HINT = (
    "the file is damaged or was written by an unusual program: open it in Excel or "
    "LibreOffice and save it again as .xlsx"
)
_BOMB_HINT = "this is not an ordinary workbook; save a clean copy from Excel"
_DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


def _read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A part's bytes, at most ``limit`` of them; zip damage (CRC, inflate) raises as it is."""
    with archive.open(name) as handle:
        return handle.read(limit)


def _xml_problem(data: bytes) -> str | None:
    """Why ``data`` is not well-formed XML (lxml's words), None when it is."""
    from lxml import etree

    if _DTD_RE.search(data):
        return "it declares a DTD or entities, which no spreadsheet program writes"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)  # fmt: skip
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return _xml_error_text(exc)
    return None


_CHAR_REF_RE = re.compile(r"xmlParseCharRef: invalid xmlChar value (\d+)")


def _xml_error_text(exc: Exception) -> str:
    """lxml's message in a user's words (its advice to set XML_PARSE_HUGE is for programmers)."""
    text = str(getattr(exc, "msg", None) or exc)
    if "Excessive depth" in text:
        where = text.rpartition("option")[2].lstrip(", ")
        return f"elements nested more than {_MAX_XML_DEPTH} deep ({where})"
    found = _CHAR_REF_RE.match(text)
    if found:
        code = int(found.group(1))
        rest = text[found.end() :].lstrip(", ")
        return f"a reference to character U+{code:04X}, which no XML file may hold ({rest})"
    if text.startswith("no element found") or text.startswith("Document is empty"):
        return "it is empty"
    return text


_MAX_XML_DEPTH = 256  # libxml2's bound without huge_tree; a sheet needs 7 levels


def _damaged_part(
    archive: zipfile.ZipFile, candidates: list[str], limits: Limits
) -> tuple[str, str] | None:
    """The first of ``candidates`` that cannot be read or parsed, with the reason."""
    names = set(archive.namelist())
    for name in candidates:
        if name not in names:
            continue
        try:
            data = _read_part(archive, name, limits.max_uncompressed_bytes)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            return name, _zip_error_text(exc)
        problem = _xml_problem(data)
        if problem:
            return name, problem
    return None


def _zip_error_text(exc: BaseException) -> str:
    """What zipfile's or zlib's complaint about a part means."""
    if isinstance(exc, zlib.error):
        return f"its compressed data is corrupt ({exc})"
    if "CRC" in str(exc):
        return "its checksum does not match its content (a bad CRC-32)"
    return f"{type(exc).__name__}: {exc}"


def _shared_strings_part(reader: Any) -> str | None:
    from openpyxl.xml.constants import SHARED_STRINGS

    found = reader.package.find(SHARED_STRINGS)
    return str(found.PartName[1:]) if found is not None else None


_SI_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}si"


def _read_shared_strings(archive: zipfile.ZipFile, part: str, limits: Limits) -> list[str]:
    """The shared-string table, as openpyxl reads it (plain text of each item), within bounds.

    openpyxl builds an object per item through pure-Python callbacks (a million
    items took 26 s); lxml reads the same text — ``<t>`` of the item (the last
    one), then the ``<t>`` of each rich-text run, phonetic runs left out — in a
    tenth of the time, and stops at the limits on the count and the part's size.
    """
    from lxml import etree

    info = archive.getinfo(part)
    if info.file_size > limits.max_shared_strings_bytes:
        raise _Refused(
            f"the shared-string table ({part}) is {_size(info.file_size)} "
            f"(limit {_size(limits.max_shared_strings_bytes)})",
            _BOMB_HINT,
            "too_many_strings",
        )
    xml = _read_part(archive, part, limits.max_shared_strings_bytes + 1)
    if xml.count(b"<si>") + xml.count(b"<si ") > limits.max_shared_strings:  # before parsing
        raise _Refused(
            f"the shared-string table ({part}) holds more than {limits.max_shared_strings:,} texts",
            _BOMB_HINT,
            "too_many_strings",
        )
    if _DTD_RE.search(xml):
        raise _Refused(
            f"refused: the shared-string table ({part}) declares a DTD or entities "
            "(a 'billion laughs' attack); no spreadsheet program writes that",
            "do not open this file; ask for a copy saved from Excel",
            "xml_bomb",
        )
    strings: list[str] = []
    for _, item in etree.iterparse(
        BytesIO(xml), events=("end",), tag=_SI_TAG, resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    ):  # fmt: skip
        plain: str | None = None
        runs: list[str] = []
        for child in item:
            name = child.tag.rpartition("}")[2]
            if name == "t":
                plain = child.text
            elif name == "r":
                run_text = None
                for grandchild in child:
                    if grandchild.tag.rpartition("}")[2] == "t":
                        run_text = grandchild.text
                if run_text is not None:
                    runs.append(run_text)
        text = (plain or "") + "".join(runs)
        strings.append(text.replace("x005F_", "") if "x005F_" in text else text)
        if len(strings) > limits.max_shared_strings:
            raise _Refused(
                f"the shared-string table ({part}) holds more than "
                f"{limits.max_shared_strings:,} texts",
                _BOMB_HINT,
                "too_many_strings",
            )
        item.clear(keep_tail=True)
        while item.getprevious() is not None:
            del item.getparent()[0]
    return strings


_STYLE_RECORD_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(numFmt|font|fill|border|xf|dxf|cellStyle)[\s/>]"
)
_STYLE_KINDS = {
    b"numFmt": "number formats", b"font": "fonts", b"fill": "fills", b"border": "borders",
    b"xf": "cell formats", b"dxf": "conditional formats", b"cellStyle": "cell styles",
}  # fmt: skip


def _check_styles(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a style table openpyxl would spend seconds and gigabytes on.

    openpyxl builds objects for every format, font, fill and border it lists: 1.5
    million formats took 32 s and 2.7 GB. Counting the records in the bytes first
    takes milliseconds. Excel itself holds at most 65,490 cell formats.
    """
    from openpyxl.xml.constants import ARC_STYLE

    if ARC_STYLE not in archive.namelist():
        return
    xml = _read_part(archive, ARC_STYLE, limits.max_uncompressed_bytes)
    counts: dict[bytes, int] = {}
    for match in _STYLE_RECORD_RE.finditer(xml):
        kind = match.group(1)
        counts[kind] = counts.get(kind, 0) + 1
        if counts[kind] > limits.max_style_records:
            raise _Refused(
                f"the style table ({ARC_STYLE}) holds more than {limits.max_style_records:,} "
                f"{_STYLE_KINDS[kind]} (Excel holds at most 65,490 cell formats)",
                _BOMB_HINT,
                "too_many_styles",
            )
    elements = xml.count(b"<") - xml.count(b"</") - xml.count(b"<?") - xml.count(b"<!")
    if elements > limits.max_style_elements:
        raise _Refused(
            f"the style table ({ARC_STYLE}) holds {elements:,} XML elements "
            f"(limit {limits.max_style_elements:,})",
            _BOMB_HINT,
            "too_many_styles",
        )


_RELATIONSHIP_RE = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE_RE = re.compile(rb'\b(Type|Target)\s*=\s*"([^"]*)"')


def _check_root_relationships(archive: zipfile.ZipFile, workbook_part: str, limits: Limits) -> None:
    """``_rels/.rels`` is well-formed and names the workbook part openpyxl reads.

    Excel finds the workbook through this part, openpyxl through the content
    types: a file whose two say different things would show Excel's users one
    workbook and the report another.
    """
    name = "_rels/.rels"
    if name not in archive.namelist():
        return
    data = _read_part(archive, name, limits.max_uncompressed_bytes)
    problem = _xml_problem(data)
    if problem:
        raise _Refused(f"the file is damaged: its part {name} cannot be read: {problem}",
                       _DAMAGED_HINT, "damaged_part")  # fmt: skip
    for element in _RELATIONSHIP_RE.findall(data):
        attributes = dict(_ATTRIBUTE_RE.findall(element))
        if attributes.get(b"Type", b"").endswith(b"/officeDocument"):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
            if target and target.casefold() != workbook_part.casefold():
                raise _Refused(
                    f"the file names two workbook parts: {target} (in {name}) and "
                    f"{workbook_part} (in [Content_Types].xml)",
                    "a program may read either one; save a clean copy from Excel",
                    "duplicate_part",
                )


def _open_workbook(handle: Any, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The workbook (read-only, cached values), each workbook-level part read in turn.

    The steps are openpyxl's own (``ExcelReader.read``) so that a failure names
    the part at fault; the shared strings are read by :func:`_read_shared_strings`
    and the style table is counted before openpyxl builds it. Document properties,
    the theme and defined names are not read: the report needs none of them.
    Raises :class:`_Refused`.
    """
    openpyxl = _import_openpyxl()
    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise RuntimeError("openpyxl is not protected by defusedxml; install defusedxml")
    import warnings

    from openpyxl.reader.excel import ExcelReader, _find_workbook_part
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    # A read-only sheet parses its whole XML on opening when the file has no <dimension>
    # (files written by scripts), only to learn a size we never trust: skip that pass.
    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    reader = ExcelReader(handle, read_only=True, keep_vba=False, data_only=True, keep_links=False)
    archive = reader.archive
    parts = ["[Content_Types].xml"]
    try:
        with warnings.catch_warnings():
            # openpyxl warns about data validation, conditional formats, unknown extensions.
            warnings.simplefilter("ignore")
            reader.read_manifest()
            strings = _shared_strings_part(reader)
            parts = [strings or "xl/sharedStrings.xml"]
            reader.shared_strings = (
                _read_shared_strings(archive, strings, limits) if strings else []
            )
            workbook_part = str(_find_workbook_part(reader.package).PartName[1:])
            folder, _, base = workbook_part.rpartition("/")
            parts = [
                workbook_part,
                f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels",
            ]
            _check_root_relationships(archive, workbook_part, limits)
            reader.read_workbook()
            parts = ["xl/styles.xml"]
            _check_styles(archive, limits)
            apply_stylesheet(archive, reader.wb)
            parts = sorted(  # sheets' relationships, chart sheets, their drawings …
                n for n in archive.namelist()
                if n.endswith((".rels", ".xml")) and "/worksheets/sheet" not in n
            )  # fmt: skip
            reader.read_worksheets()
    except _Refused:
        archive.close()
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        archive.close()
        raise _part_failure(handle, parts, exc, limits) from None
    finally:
        ReadOnlyWorksheet._get_size = original
    return reader.wb


def _part_failure(handle: Any, parts: list[str], exc: Exception, limits: Limits) -> _Refused:
    """What to say when openpyxl failed on one of ``parts``: which part, and why."""
    if (
        "entit" in str(exc).lower()
        or "dtd" in type(exc).__name__.lower()
        or "Entities" in type(exc).__name__
    ):
        return _Refused(
            "refused: the file's XML defines entities (a 'billion laughs' attack); "
            "no spreadsheet program writes that",
            "do not open this file; ask for a copy saved from Excel",
            "xml_bomb",
        )
    if isinstance(exc, MemoryError):
        return _Refused(
            f"ran out of memory reading the part {parts[0] if parts else 'of the workbook'}",
            _BOMB_HINT, "out_of_memory",
        )  # fmt: skip
    try:
        with zipfile.ZipFile(handle) as archive:
            found = _damaged_part(archive, parts, limits)
    except (zipfile.BadZipFile, OSError, ValueError):
        found = None
    if found:
        name, reason = found
        return _Refused(f"the file is damaged: its part {name} cannot be read: {reason}",
                        _DAMAGED_HINT, "damaged_part")  # fmt: skip
    if isinstance(exc, (zipfile.BadZipFile, zlib.error)):
        return _Refused(f"the file is damaged: {_zip_error_text(exc)}", _DAMAGED_HINT,
                        "damaged_part")  # fmt: skip
    where = f" (in {' or '.join(parts[:3])})" if parts and len(parts) <= 3 else ""
    return _Refused(
        f"cannot be read as an Excel workbook{where} ({type(exc).__name__}: {exc})",
        "open it in Excel or LibreOffice and save it again as .xlsx",
        "unreadable",
    )


# --------------------------------------------------------------------------- raw sheets


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


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Diagnostic] = []
        self.warned: set[tuple[str, str | None, int | None, str | None]] = set()

    def add(self, severity: str, message: str, sheet: str | None = None, row: int | None = None,
            column: str | None = None, hint: str = "", code: str = "") -> None:  # fmt: skip
        self.items.append(
            Diagnostic(severity, message, Location(self.file, sheet, row, column), hint, code)
        )

    def error(self, *args: Any, **kwargs: Any) -> None:
        self.add("error", *args, **kwargs)

    def warning(self, *args: Any, **kwargs: Any) -> None:
        self.add("warning", *args, **kwargs)

    def warn_once(self, code: str, message: str, sheet: str, row: int, column: str,
                  hint: str = "") -> None:  # fmt: skip
        """A warning about one cell, said once however often the cell is read."""
        key = (code, sheet, row, column)
        if key not in self.warned:
            self.warned.add(key)
            self.warning(message, sheet, row, column, hint=hint, code=code)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)


@functools.lru_cache(maxsize=1024)
def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _column_index(letters: str) -> int:
    from openpyxl.utils import column_index_from_string

    return int(column_index_from_string(letters)) - 1


class _SheetDamaged(Exception):
    """The sheet cannot be read on: an error naming the sheet (and the cell)."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None,
                 code: str = "unreadable_sheet") -> None:  # fmt: skip
        super().__init__(message)
        self.message, self.row, self.column, self.code = message, row, column, code


@dataclass
class _ScanNotes:
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
_MAX_DAMAGED_CELLS = 20  # a damaged sheet is named with its first few damaged cells


@functools.cache
def _sheet_parser() -> type:
    from openpyxl.utils import coordinate_to_tuple
    from openpyxl.worksheet._reader import WorkSheetParser, _cast_number

    class SheetParser(WorkSheetParser):  # type: ignore[misc]
        """openpyxl's cell parser; shared strings, inline text and numbers read directly.

        Values, types and dates are openpyxl's (a test compares both on every
        workbook of the corpus); a shared-string index outside the table is an
        error naming the cell (openpyxl read -1 as the last string).
        """

        def __init__(self, ws: Any) -> None:
            wb = ws.parent
            super().__init__(
                None, ws._shared_strings, data_only=True, epoch=wb.epoch,
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
    ws: Any, xml: bytes, limits: Limits, notes: _ScanNotes
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
            raise _SheetDamaged(f"a row numbered {text[:20]!r}", last + 1) from None
        number = int(as_float)
    if number < 1:
        raise _SheetDamaged(f"a row numbered {number}", last + 1)
    return number


def _row_cells(element: Any, number: int, parser: Any, number_format: _NumberFormats,
               width: int, notes: _ScanNotes) -> Cells:  # fmt: skip
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
            index = _column_index(letters.group().upper()) if letters else parser.col_counter - 1
            if 0 <= index < width:  # an error where it is read: a helper column's is its own
                cells[index] = RawCell(
                    Unreadable(str(exc)), None, True, number, _column_letter(index)
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
                               _column_letter(index))  # fmt: skip
    return cells


def _has_cached_value(cell: Any) -> bool:
    """Whether a formula cell holding no value holds the value "" or was never calculated.

    LibreOffice and Excel save a formula returning "" (``=IF(F2>E2*1.2,"超额较多","")``)
    as ``<c t="str"><f>…</f><v></v></c>``: a text result, empty. A program that does
    not calculate (openpyxl) writes ``<v></v>`` without the text type, or no ``<v>``.
    """
    value = cell.find(_VALUE_TAG)
    return value is not None and cell.get("t") in ("str", "s", "inlineStr")


@dataclass(frozen=True)
class _Merge:
    top: int
    left: int
    bottom: int
    right: int
    text: str


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*"([^"]*)"')
_RANGE_RE = re.compile(r"([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})")


def merged_ranges(xml: bytes, limits: Limits) -> list[_Merge]:
    """The sheet's merged ranges that reach into the columns read, clipped to them.

    At most ``limits.max_merged_ranges`` (raises :class:`_SheetDamaged` beyond,
    or on a reference that is not a range); a one-cell "range" merges nothing.
    """
    merges: list[_Merge] = []
    for count, match in enumerate(_MERGE_RE.finditer(xml), start=1):
        if count > limits.max_merged_ranges:
            raise _SheetDamaged(
                f"more than {limits.max_merged_ranges:,} merged ranges; no workbook needs that many",
                code="too_many_merges",
            )
        text = match.group(1).decode("utf-8", "replace").replace("$", "")
        found = _RANGE_RE.fullmatch(text)
        if not found:
            if re.fullmatch(r"[A-Za-z]{1,3}\d{1,7}", text):
                continue
            raise _SheetDamaged(f"a merged range that is not a range ({text[:30]!r})")
        c1, r1, c2, r2 = found.groups()
        left, right = sorted((_column_index(c1.upper()), _column_index(c2.upper())))
        top, bottom = sorted((int(r1), int(r2)))
        if left >= limits.max_columns or top < 1 or (top, left) == (bottom, right):
            continue
        merges.append(_Merge(top, left, bottom, min(right, limits.max_columns - 1), text.upper()))
    merges.sort(key=lambda m: (m.top, m.left))
    return merges


def fill_merged(rows: Iterator[tuple[int, Cells]], merges: list[_Merge],
                filled: dict[_Merge, None]) -> Iterator[tuple[int, Cells]]:  # fmt: skip
    """``rows`` with each merged range's value repeated in every cell of the range.

    The work is what the rows read hold: a range fills only rows present in the
    file (a row holding nothing else gains nothing worth reading), within the
    columns read; overlapping ranges (which Excel never writes) are refused, so no
    cell is filled twice. ``filled`` collects the ranges that filled something.
    """
    pending = 0
    active: list[tuple[_Merge, RawCell]] = []
    for number, cells in rows:
        while pending < len(merges) and merges[pending].top <= number:
            merge = merges[pending]
            pending += 1
            origin = cells.get(merge.left) if merge.top == number else None
            if origin is not None:  # an origin in a row absent or blank fills nothing
                active.append((merge, origin))
        if active:
            active = [(m, o) for m, o in active if m.bottom >= number]
            covered: dict[int, _Merge] = {}
            for merge, origin in active:
                for column in range(merge.left, merge.right + 1):
                    if column in covered:
                        raise _SheetDamaged(
                            f"the merged ranges {covered[column].text} and {merge.text} overlap",
                            number,
                            _column_letter(column),
                        )
                    covered[column] = merge
                    if number == merge.top and column == merge.left:
                        continue
                    cells[column] = RawCell(origin.value, origin.number_format, origin.is_error,
                                            number, _column_letter(column))  # fmt: skip
                if merge.right > merge.left or number > merge.top:
                    filled[merge] = None
        yield number, cells


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
    ws: Any, name: str, archive: zipfile.ZipFile, limits: Limits, collector: _Collector
) -> RawSheet | None:
    spec = schema.SHEETS[name]
    title = ws.title
    part = str(getattr(ws, "_worksheet_path", "") or "").lstrip("/")
    try:
        xml = _read_part(archive, part, limits.max_uncompressed_bytes)
    except KeyError:
        collector.error("the sheet's part is missing from the file", title,
                        hint=_DAMAGED_HINT, code="unreadable_sheet")  # fmt: skip
        return None
    if _DTD_RE.search(xml):
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

    notes = _ScanNotes()
    filled: dict[_Merge, None] = {}  # an ordered set
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


def _report_notes(notes: _ScanNotes, sheet: RawSheet | None, title: str, limits: Limits,
                  collector: _Collector) -> None:  # fmt: skip
    for row, column, message in notes.damaged[:_MAX_DAMAGED_CELLS]:
        collector.error(message, title, row, column, hint=_DAMAGED_HINT, code="damaged_cell")
    if len(notes.damaged) > _MAX_DAMAGED_CELLS:
        collector.error(f"{len(notes.damaged) - _MAX_DAMAGED_CELLS:,} more damaged cells", title,
                        hint=_DAMAGED_HINT, code="damaged_cell")  # fmt: skip
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
                _column_letter(index),
                hint="the file was written by a program that does not calculate: open it in "
                "Excel or LibreOffice and save it, or replace the formula by its value",
                code="formula_no_value",
            )


def _sheet_from_rows(spec: schema.SheetSpec, name: str, title: str, head: list[tuple[int, Cells]],
                     rest: Iterator[tuple[int, Cells]], limits: Limits,
                     collector: _Collector) -> RawSheet | None:  # fmt: skip
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
            collector.error(str(cell.value), title, header_row, cell.column, hint=_DAMAGED_HINT,
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


def _read_sheet_guarded(
    ws: Any, name: str, archive: zipfile.ZipFile, limits: Limits, collector: _Collector
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
    except _SheetDamaged as exc:
        message, row, column, code = exc.message, exc.row, exc.column, exc.code
    except etree.XMLSyntaxError as exc:
        message, row, column = _sheet_syntax_error(exc, archive, ws, limits)
    except (zipfile.BadZipFile, zlib.error) as exc:
        message, row, column = f"the sheet's part is damaged: {_zip_error_text(exc)}", None, None
    except MemoryError:
        message, row, column = "ran out of memory reading the sheet", None, None
    except Exception as exc:  # openpyxl or lxml on an unusual part: never a traceback
        message, row, column = f"the sheet cannot be read ({type(exc).__name__}: {exc})", None, None
    collector.error(message, ws.title, row, column, hint=_DAMAGED_HINT, code=code)
    return None


_CELL_START_RE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Za-z]{1,3})(\d{1,7})"')


def _sheet_syntax_error(
    exc: Any, archive: zipfile.ZipFile, ws: Any, limits: Limits
) -> tuple[str, int | None, str | None]:
    """lxml's complaint about the sheet's XML, with the cell it sits in when it sits in one."""
    text = _xml_error_text(exc)
    line, column = getattr(exc, "position", (None, None))
    where: tuple[int | None, str | None] = (None, None)
    try:
        xml = _read_part(
            archive, str(ws._worksheet_path).lstrip("/"), limits.max_uncompressed_bytes
        )
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


# --------------------------------------------------------------------------- typed records


class _RowReader:
    """Reads the typed fields of one row, turning parse problems into diagnostics."""

    def __init__(self, sheet: RawSheet, number: int, cells: Cells, collector: _Collector):
        self.sheet = sheet
        self.row_number = number
        self.cells = cells
        self.collector = collector
        self.refused: set[str] = set()  # fields whose cell was an error (already said)

    def cell(self, field: str) -> RawCell | None:
        index = self.sheet.columns.get(field)
        return None if index is None else self.cells.get(index)

    def location(self, field: str | None = None) -> Location:
        index = self.sheet.columns.get(field) if field else None
        column = _column_letter(index) if index is not None else None
        return Location(self.collector.file, self.sheet.title, self.row_number, column)

    def _problem(self, field: str, problem: ValueProblem, cell: RawCell) -> None:
        self.refused.add(field)
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
        if cell is not None and isinstance(cell.value, Unreadable):
            self.refused.add(field)
            self.collector.error(f"{field}: {cell.value}", self.sheet.title, cell.row, cell.column,
                                 hint=_DAMAGED_HINT, code="damaged_cell")  # fmt: skip
            return None
        if cell is not None and cell.is_error:
            self.refused.add(field)
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
        if isinstance(value, str) and not value.isascii():
            self._hidden_characters(field, value, text, cell)
        return text or None

    def _hidden_characters(self, field: str, typed: str, text: str, cell: RawCell) -> None:
        """Warn about the direction controls and invisible characters clean_text removed.

        A right-to-left override (U+202E) shows ``GMV`` as ``VMG`` in a report or a
        terminal; a zero-width space makes two equal-looking names differ.
        """
        kept = set(text)
        removed = sorted({c for c in typed if c not in kept and unicodedata.category(c) == "Cf"})
        if not removed:
            return
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip() for c in removed[:3])
        more = f" and {len(removed) - 3} more" if len(removed) > 3 else ""
        if bidi_controls(typed):
            what = f"direction controls ({names}{more}) that make it display in another order than it reads"
        else:
            what = f"invisible characters ({names}{more})"
        self.collector.warn_once(
            "hidden_characters",
            f"{field}: the text holds {what}; they are removed",
            self.sheet.title,
            cell.row,
            cell.column,
            hint="retype the text (copying from a web page or a chat brings such characters along)",
        )

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
        from opsreport.core.numbers import is_percent_format

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
            if "name" not in reader.refused and any(
                reader.cell(f) is not None for f in ("name", "id", *_NUMBER_FIELDS)
            ):
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
                cell = reader.cells.get(column)
                if cell is None:
                    continue
                if isinstance(cell.value, Unreadable):
                    collector.error(f"{period.label}: {cell.value}", sheet.title, cell.row,
                                    cell.column, hint=_DAMAGED_HINT, code="damaged_cell")  # fmt: skip
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
    """Read, validate and type a KPI workbook; raise :class:`WorkbookError` listing every problem.

    No other exception leaves it for anything in the file: damaged XML, zip or
    deflate data, a part beyond a limit, memory running out on a part are each a
    diagnostic naming the file, the sheet (and the cell) where it can.
    """
    path = Path(path)
    collector = _Collector(str(path))
    problems = _sniff(path, limits)
    if problems:
        raise WorkbookError(problems)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise WorkbookError([Diagnostic("error", f"cannot be opened ({exc.strerror or exc})",
                                        Location(str(path)), "check the file's permissions",
                                        "unreadable")]) from None  # fmt: skip
    with handle:
        try:
            wb = _open_workbook(handle, limits)
        except _Refused as refused:
            raise WorkbookError(
                [
                    Diagnostic(
                        "error", refused.message, Location(str(path)), refused.hint, refused.code
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

    raw: dict[str, RawSheet | None] = {}
    for name, ws in chosen.items():
        sheet = _read_sheet_guarded(ws, name, wb._archive, limits, collector)
        if sheet is not None:
            sheet.epoch = wb.epoch
        raw[name] = sheet
    meta = _read_meta(raw.get("meta"), collector)
    kpi_sheet = raw.get("kpis")
    kpis = _read_kpis(kpi_sheet, collector) if kpi_sheet else []
    index = _KpiIndex(kpis)
    report = Report(
        source=path, meta=meta, kpis=kpis, sheets=frozenset(n for n, s in raw.items() if s)
    )
    if periods := raw.get("periods"):
        report.periods = _read_periods(periods, index, meta.year, collector)
    if breakdown := raw.get("breakdown"):
        report.breakdown = _read_breakdown(breakdown, index, collector)
    if problems := raw.get("problems"):
        report.problems = _read_problems(problems, index, collector)
    if goals := raw.get("goals"):
        report.goals = _read_goals(goals, index, meta.plan_year, collector)
    if tasks := raw.get("tasks"):
        report.tasks = _read_tasks(tasks, meta.plan_year, collector)
    if risks := raw.get("risks"):
        report.risks = _read_risks(risks, index, collector)
    if resources := raw.get("resources"):
        report.resources = _read_resources(resources, collector)
    if report.periods:
        _check_period_grain(report.periods, periods, collector)
    if collector.has_errors:
        raise WorkbookError(collector.items)
    report.warnings = collector.items
    return report
