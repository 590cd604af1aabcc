"""No traceback from any file, bounded work (issue 11, Deliver 3–5): attacks on the loader.

Damaged packages (truncated or nested sheet XML, an empty part, a bad CRC, a
corrupt deflate stream, a lone surrogate, damage in every workbook-level part,
two entries of one name), bombs that used to be accepted slowly (a merged range
of 40 million cells, ten thousand merged rows, a million-format style table, a
shared-string table beyond its caps, a 40,000-character cell, a lying row
number), a silent misread (a negative shared-string index) and good files that
were refused (a formula returning "", formulas and error values in a helper
column). Every workbook is written here by code from plain XML parts, so each
byte of the attack is visible; the unit tests (tests/test_workbook.py) use the
same makers and check the diagnostics in detail.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from . import Case

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"


# --------------------------------------------------------------------------- makers


@dataclass(frozen=True)
class Raw:
    """A cell written exactly as given (the ``<c>`` element's attributes and body)."""

    attributes: str
    body: str = ""


@dataclass(frozen=True)
class Formula:
    """A formula cell: ``value`` None writes no ``<v>`` (never calculated), "" writes ``<v></v>``."""

    formula: str
    value: str | None = None
    type: str = "str"  # the cached value's type: str, n, e (an Excel error), b


Cell = str | int | float | Raw | Formula | None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel names columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class SharedStrings:
    """The shared-string table a sheet's text cells index into."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = len(self.strings)
            self.strings.append(text)
        return self.index[text]

    def xml(self) -> bytes:
        items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in self.strings)
        count = len(self.strings)
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">{items}</sst>'
        ).encode()


def cell_xml(ref: str, value: Cell, strings: SharedStrings) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return f'<c r="{ref}" {value.attributes}>{value.body}</c>'
    if isinstance(value, Formula):
        cached = "" if value.value is None else f"<v>{escape(value.value)}</v>"
        return f'<c r="{ref}" t="{value.type}"><f>{escape(value.formula)}</f>{cached}</c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="s"><v>{strings.add(value)}</v></c>'
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def sheet_xml(
    rows: Sequence[Sequence[Cell]],
    strings: SharedStrings,
    merges: Iterable[str] = (),
    first_row: int = 1,
) -> bytes:
    """A worksheet part holding ``rows`` from ``first_row`` on (strings go to ``strings``)."""
    body = []
    for offset, row in enumerate(rows):
        number = first_row + offset
        cells = "".join(
            cell_xml(f"{column_letter(col)}{number}", value, strings)
            for col, value in enumerate(row)
        )
        body.append(f'<row r="{number}">{cells}</row>')
    merged = list(merges)
    merge_xml = (
        f'<mergeCells count="{len(merged)}">'
        + "".join(f'<mergeCell ref="{ref}"/>' for ref in merged)
        + "</mergeCells>"
        if merged
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(body)}</sheetData>{merge_xml}</worksheet>'
    ).encode()


def styles_xml(
    cell_formats: int = 2, number_formats: int = 1, *, xfs: str | None = None, font_extra: str = ""
) -> bytes:
    """A style table with ``cell_formats`` cell formats (xf) and ``number_formats`` custom formats.

    Cell format 1 shows a percentage (custom format 164, ``0.0%``). ``xfs`` replaces
    the cell formats' XML, ``font_extra`` is written inside the font.
    """
    codes = ["0.0%", *("#,##0." + "0" * (n % 9 + 1) for n in range(1, number_formats))]
    formats = "".join(
        f'<numFmt numFmtId="{164 + n}" formatCode="{code}"/>' for n, code in enumerate(codes)
    )
    if xfs is None:
        xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' + (
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            * (cell_formats - 1)
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
        f'<numFmts count="{number_formats}">{formats}</numFmts>'
        f'<fonts count="1"><font>{font_extra}<sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{cell_formats}">{xfs}</cellXfs>'
        "</styleSheet>"
    ).encode()


def package(
    sheets: dict[str, bytes], strings: bytes | None, styles: bytes | None
) -> dict[str, bytes]:
    """The parts of a workbook whose sheets (title → worksheet XML) are given."""
    overrides = [
        f'<Override PartName="/{WORKBOOK}" ContentType="{CT}.sheet.main+xml"/>',
        *(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{CT}.worksheet+xml"/>'
            for n in range(1, len(sheets) + 1)
        ),
    ]
    rels = [
        f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    ]
    if styles is not None:
        overrides.append(f'<Override PartName="/{STYLES}" ContentType="{CT}.styles+xml"/>')
        rels.append(f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>')
    if strings is not None:
        overrides.append(f'<Override PartName="/{STRINGS}" ContentType="{CT}.sharedStrings+xml"/>')
        rels.append(
            f'<Relationship Id="rIdT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    sheet_list = "".join(
        f'<sheet name="{escape(title)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(sheets, start=1)
    )
    parts = {
        CONTENT_TYPES: (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{''.join(overrides)}</Types>"
        ).encode(),
        ROOT_RELS: (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="{WORKBOOK}"/></Relationships>'
        ).encode(),
        WORKBOOK: (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheet_list}</sheets></workbook>'
        ).encode(),
        WORKBOOK_RELS: (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>'
        ).encode(),
    }
    for n, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
    if styles is not None:
        parts[STYLES] = styles
    if strings is not None:
        parts[STRINGS] = strings
    return parts


KPI_ROWS: list[list[Cell]] = [
    ["id", "name", "unit", "direction", "target", "actual"],
    ["P01", "GMV", "亿元", "higher", 52, 49.6],
    ["E01", "库存周转天数", "天", "lower", 45, 48.5],
]


def workbook_parts(
    rows: Sequence[Sequence[Cell]] = KPI_ROWS,
    *,
    merges: Iterable[str] = (),
    styles: bytes | None = None,
    title: str = "kpis",
) -> dict[str, bytes]:
    """The parts of a one-sheet workbook (text in the shared-string table)."""
    strings = SharedStrings()
    xml = sheet_xml(rows, strings, merges)
    return package({title: xml}, strings.xml(), styles if styles is not None else styles_xml())


def zip_bytes(
    parts: dict[str, bytes] | Iterable[tuple[str, bytes]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The parts zipped in order (a list of pairs may name one part twice)."""
    import warnings

    out = io.BytesIO()
    items = parts.items() if isinstance(parts, dict) else parts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name: the attack
        with zipfile.ZipFile(out, "w", compression) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return out.getvalue()


def write(path: Path, parts: dict[str, bytes] | Iterable[tuple[str, bytes]], **kwargs: int) -> Path:
    path.write_bytes(zip_bytes(parts, **kwargs))
    return path


def _entry_data_offset(data: bytes, name: str) -> tuple[int, int]:
    """Where the stored bytes of entry ``name`` start in a zip, and their length."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
    return header + 30 + name_length + extra_length, info.compress_size


def with_bad_crc(parts: dict[str, bytes], name: str) -> bytes:
    """The zip with one byte of a stored (uncompressed) entry changed: its CRC no longer fits."""
    data = bytearray(zip_bytes(parts, compression=zipfile.ZIP_STORED))
    start, length = _entry_data_offset(bytes(data), name)
    position = start + length // 2
    data[position] = data[position] ^ 0x20  # a letter changes case: still well-formed XML
    return bytes(data)


def with_corrupt_deflate(parts: dict[str, bytes], name: str) -> bytes:
    """The zip with entry ``name``'s deflate stream overwritten by an invalid block."""
    data = bytearray(zip_bytes(parts))
    start, length = _entry_data_offset(bytes(data), name)
    data[start : start + 1] = b"\xff"  # block type 3: "invalid block type"
    try:  # make sure the stream is really unreadable
        zlib.decompress(bytes(data[start : start + length]), -15)
    except zlib.error:
        return bytes(data)
    raise AssertionError("the deflate stream is still valid")  # pragma: no cover


def replace_part(parts: dict[str, bytes], name: str, data: bytes) -> dict[str, bytes]:
    return {**parts, name: data}


# --------------------------------------------------------------------------- the attacks


def _kpi_row(*cells: Cell) -> list[Cell]:
    """A KPI row under KPI_ROWS' header with ``cells`` from column A on."""
    row: list[Cell] = ["P09", "NPS", "分", "higher", 50, 52]
    return [*cells, *row[len(cells) :]]


def good_parts() -> dict[str, bytes]:
    return workbook_parts()


def _sheet_of(parts: dict[str, bytes], change: Callable[[bytes], bytes]) -> dict[str, bytes]:
    return replace_part(parts, SHEET, change(parts[SHEET]))


def truncated_sheet() -> dict[str, bytes]:
    return _sheet_of(good_parts(), lambda xml: xml[: len(xml) * 2 // 3])


def nested_sheet() -> dict[str, bytes]:
    """3,000 levels of elements inside cell E2: lxml stops at 256 (XMLSyntaxError)."""
    nest = b"<x>" * 3000 + b"</x>" * 3000
    return _sheet_of(good_parts(), lambda xml: xml.replace(b"<v>52</v>", b"<v>52</v>" + nest))


def nested_workbook_part() -> dict[str, bytes]:
    """140,000 levels of elements in xl/workbook.xml (under 1 MB: below the ratio check)."""
    parts = good_parts()
    nest = b"<x>" * 140_000 + b"</x>" * 140_000
    return replace_part(
        parts, WORKBOOK, parts[WORKBOOK].replace(b"</workbook>", nest + b"</workbook>")
    )


def empty_sheet_part() -> dict[str, bytes]:
    return replace_part(good_parts(), SHEET, b"")  # ElementTree's ParseError in openpyxl


def surrogate_in_cell() -> dict[str, bytes]:
    row = _kpi_row("P09", Raw('t="inlineStr"', "<is><t>G&#xD800;MV</t></is>"))
    return workbook_parts([*KPI_ROWS, row])


def surrogate_in_shared_string() -> dict[str, bytes]:
    parts = good_parts()
    return replace_part(parts, STRINGS, parts[STRINGS].replace(b">GMV<", b">G&#xD800;MV<"))


def damaged(part: str) -> Callable[[], dict[str, bytes]]:
    def make() -> dict[str, bytes]:
        parts = good_parts()
        return replace_part(parts, part, parts[part][: len(parts[part]) // 2])

    return make


def duplicate_part() -> list[tuple[str, bytes]]:
    """Two entries named xl/worksheets/sheet1.xml: Excel and openpyxl may read different ones."""
    other = sheet_xml([KPI_ROWS[0], ["P01", "GMV", "亿元", "higher", 52, 9999]], SharedStrings())
    return [*good_parts().items(), (SHEET, other)]


def case_twin_part() -> list[tuple[str, bytes]]:
    """xl/worksheets/Sheet1.xml beside sheet1.xml: Office part names ignore case."""
    return [*good_parts().items(), ("xl/worksheets/Sheet1.xml", good_parts()[SHEET])]


def second_workbook_part() -> dict[str, bytes]:
    """_rels/.rels names xl/other.xml as the workbook; [Content_Types].xml names xl/workbook.xml."""
    parts = good_parts()
    return replace_part(
        parts, ROOT_RELS, parts[ROOT_RELS].replace(b"xl/workbook.xml", b"xl/other.xml")
    )


DTD = b'<!DOCTYPE x [<!ENTITY e "GMV">]>'


def dtd_in_sheet() -> dict[str, bytes]:
    return _sheet_of(good_parts(), lambda xml: xml.replace(b"?>", b"?>" + DTD, 1))


def dtd_in_shared_strings() -> dict[str, bytes]:
    parts = good_parts()
    xml = parts[STRINGS].replace(b"?>", b"?>" + DTD, 1).replace(b">GMV<", b">&e;<")
    return replace_part(parts, STRINGS, xml)


def merged_range_of_40_million_cells() -> dict[str, bytes]:
    """A 2 KB file with one merged range A4:GR200000 (it took 3.4 GB and died)."""
    return workbook_parts(merges=["A4:GR200000"])


def merged_group_column(kpis: int = 10_000) -> dict[str, bytes]:
    """10,000 KPI rows whose group column is merged two rows at a time (it took 282 s)."""
    header = ["group", *KPI_ROWS[0]]
    rows: list[list[Cell]] = [header]
    for n in range(kpis):
        rows.append(
            ["效率" if n % 2 == 0 else None, f"K{n:05d}", f"指标{n}", "天", "lower", 45, 48]
        )
    merges = [f"A{r}:A{r + 1}" for r in range(2, kpis + 1, 2)]
    return workbook_parts(rows, merges=merges)


def one_merged_range_over_every_row(kpis: int = 10_000) -> dict[str, bytes]:
    rows: list[list[Cell]] = [["group", *KPI_ROWS[0]]]
    rows += [["效率" if n == 0 else None, f"K{n:05d}", f"指标{n}", "天", "lower", 45, 48]
             for n in range(kpis)]  # fmt: skip
    return workbook_parts(rows, merges=[f"A2:A{kpis + 1}"])


def overlapping_merges() -> dict[str, bytes]:
    return workbook_parts(merges=["A2:B3", "B3:C4"])


def too_many_merges(count: int = 100_001) -> dict[str, bytes]:
    return workbook_parts(merges=[f"H{2 * n + 10}:I{2 * n + 10}" for n in range(count)])


def _varied_numbers(count: int) -> Iterable[int]:
    """Deterministic numbers that do not compress away (a zip bomb is refused before)."""
    state = 12345
    for _ in range(count):
        state = (state * 1103515245 + 12345) % 2**31
        yield state


def style_bomb_cell_formats(count: int = 1_500_000) -> dict[str, bytes]:
    """A style table of 1.5 million cell formats (it took 32 s and 2.7 GB)."""
    xfs = "".join(f'<xf numFmtId="{n % 50}"/>' for n in _varied_numbers(count))
    return workbook_parts(styles=styles_xml(count, xfs=xfs))


def style_bomb_number_formats(count: int = 200_000) -> dict[str, bytes]:
    return workbook_parts(styles=styles_xml(number_formats=count))


def style_bomb_elements(count: int = 1_100_000) -> dict[str, bytes]:
    """One font with 1.1 million colour children: no record cap counts them, the element cap does."""
    colours = "".join(f'<color rgb="FF{n % 0xFFFFFF:06X}"/>' for n in _varied_numbers(count))
    return workbook_parts(styles=styles_xml(font_extra=colours))


def shared_string_bomb(count: int = 1_000_001) -> dict[str, bytes]:
    """A table of a million and one texts (openpyxl took 26 s for a million)."""
    items = "".join(f"<si><t>{n}</t></si>" for n in _varied_numbers(count))
    parts = good_parts()
    table = parts[STRINGS].decode()
    head, _, rest = table.partition("<si>")
    return replace_part(parts, STRINGS, f"{head}{items}<si>{rest}".encode())


def long_name() -> dict[str, bytes]:
    return workbook_parts([*KPI_ROWS, _kpi_row("P09", "长" * 40_000)])


def value_below_the_row_limit() -> dict[str, bytes]:
    """A value in row 200,001: more rows than a sheet may have."""
    strings = SharedStrings()
    xml = sheet_xml(KPI_ROWS, strings).replace(
        b"</sheetData>", b'<row r="200001"><c r="A200001"><v>1</v></c></row></sheetData>'
    )
    return package({"kpis": xml}, strings.xml(), styles_xml())


def far_cells_and_rows() -> dict[str, bytes]:
    """A cell in column GR and one in row 199,990: the old reader padded 40 million cells (25 s)."""
    strings = SharedStrings()
    xml = sheet_xml([[*KPI_ROWS[0], *([None] * 193), "far"], *KPI_ROWS[1:]], strings)  # GR1
    xml = xml.replace(
        b"</sheetData>", b'<row r="199990"><c r="H199990"><v>1</v></c></row></sheetData>'
    )
    return package({"kpis": xml}, strings.xml(), styles_xml())


def rows_out_of_order() -> dict[str, bytes]:
    strings = SharedStrings()
    xml = sheet_xml(KPI_ROWS, strings).replace(b'<row r="3">', b'<row r="2">')
    return package({"kpis": xml}, strings.xml(), styles_xml())


def negative_shared_string_index() -> dict[str, bytes]:
    """B4 points at string -1: openpyxl read it as the last string of the table."""
    return workbook_parts([*KPI_ROWS, _kpi_row("P09", Raw('t="s"', "<v>-1</v>"))])


def shared_string_index_beyond_table() -> dict[str, bytes]:
    return workbook_parts([*KPI_ROWS, _kpi_row("P09", Raw('t="s"', "<v>99999</v>"))])


HELPER = [*KPI_ROWS[0], "flag"]  # a column the contract does not know: ignored


def empty_string_formula_in_helper_column() -> dict[str, bytes]:
    """LibreOffice's <c t="str"><f>IF(F2>E2*1.2,"超额较多","")</f><v></v></c> in a helper column."""
    formula = Formula('IF(F2>E2*1.2,"超额较多","")', "")
    return workbook_parts([HELPER, [*KPI_ROWS[1], formula], [*KPI_ROWS[2], formula]])


def empty_string_formula_in_note() -> dict[str, bytes]:
    formula = Formula('IF(F2>E2*1.2,"超额较多","")', "")
    return workbook_parts([[*KPI_ROWS[0], "note"], [*KPI_ROWS[1], formula]])


def never_calculated_formula_in_helper_column() -> dict[str, bytes]:
    return workbook_parts([HELPER, [*KPI_ROWS[1], Formula("F2/E2")], KPI_ROWS[2]])


def error_value_in_helper_column() -> dict[str, bytes]:
    return workbook_parts([HELPER, [*KPI_ROWS[1], Formula("F2/0", "#DIV/0!", "e")], KPI_ROWS[2]])


def never_calculated_formula_in_actual() -> dict[str, bytes]:
    """openpyxl writes a formula it cannot calculate as <f>E2*0.95</f><v></v>: no value."""
    return workbook_parts(
        [KPI_ROWS[0], ["P01", "GMV", "亿元", "higher", 52, Formula("E2*0.95", "", "n")]]
    )


def error_value_in_actual() -> dict[str, bytes]:
    return workbook_parts(
        [KPI_ROWS[0], ["P01", "GMV", "亿元", "higher", 52, Formula("E2/0", "#DIV/0!", "e")]]
    )


def bidi_override_in_name() -> dict[str, bytes]:
    """U+202E makes 'VMG' display as 'GMV' (and a report's KPI name read backwards)."""
    return workbook_parts([*KPI_ROWS, _kpi_row("P09", "\u202eVMG")])


def zero_width_space_in_name() -> dict[str, bytes]:
    return workbook_parts([*KPI_ROWS, _kpi_row("P09", "N\u200bPS")])


def _file(make: Callable[[], dict[str, bytes] | list[tuple[str, bytes]]], name: str = "x.xlsx"):
    def write_case(folder: Path) -> None:
        write(folder / name, make())

    return write_case


def _bytes(make: Callable[[], bytes], name: str = "x.xlsx"):
    def write_case(folder: Path) -> None:
        (folder / name).write_bytes(make())

    return write_case


FOLDER_OF_SIX = {
    "0-good.xlsx": lambda: zip_bytes(good_parts()),
    "1-bad-crc.xlsx": lambda: with_bad_crc(good_parts(), SHEET),
    "2-corrupt-deflate.xlsx": lambda: with_corrupt_deflate(good_parts(), SHEET),
    "3-surrogate.xlsx": lambda: zip_bytes(surrogate_in_cell()),
    "4-nested.xlsx": lambda: zip_bytes(nested_sheet()),
    "5-negative-index.xlsx": lambda: zip_bytes(negative_shared_string_index()),
}


def _folder_of_six(folder: Path) -> None:
    (folder / "books").mkdir()
    for name, make in FOLDER_OF_SIX.items():
        (folder / "books" / name).write_bytes(make())


def _each_named(folder: Path, output: str) -> None:
    for name in FOLDER_OF_SIX:
        assert name in output, f"{name} has no result:\n{output}"


def _read_kpis(count: int) -> Callable[[Path, str], None]:
    """The command printed the metrics of ``count`` KPIs (JSON first, warnings after it)."""

    def verify(folder: Path, output: str) -> None:
        metrics, _ = json.JSONDecoder().raw_decode(output)
        assert len(metrics) == count, (len(metrics), output[-2000:])

    return verify


def _metrics(name: str, make: Callable[[Path], None], *says: str, exit_code: int = 1,
             kpis: int | None = None, seconds: float = 30.0, memory_mb: int = 1500) -> Case:  # fmt: skip
    """``metrics x.xlsx --json``: refused naming the file, or read (``kpis`` KPIs) with exit 0."""
    return Case(name, make, ("metrics", "x.xlsx", "--json"), exit_code=exit_code,
                says=("x.xlsx", *says) if exit_code else says, seconds=seconds,
                memory_mb=memory_mb, verify=_read_kpis(kpis) if kpis is not None else None)  # fmt: skip


def _check(name: str, make: Callable[[Path], None], *says: str, exit_code: int = 1,
           strict: bool = False) -> Case:  # fmt: skip
    argv = ("check", "x.xlsx", "--no-charts", *(("--strict",) if strict else ()))
    return Case(name, make, argv, exit_code=exit_code, says=("x.xlsx", *says))


BOUNDED = {"seconds": 30.0, "memory_mb": 700}  # a bomb is refused (or read) in bounded memory

CASES = [
    # 1. damaged files: a diagnostic naming the file and the sheet (and the cell), never a traceback
    _metrics("truncated-sheet-xml", _file(truncated_sheet), "x.xlsx › kpis: the sheet's XML is damaged"),
    _check("truncated-sheet-xml-check", _file(truncated_sheet), "x.xlsx › kpis: the sheet's XML is damaged"),
    _metrics("deeply-nested-sheet-xml", _file(nested_sheet), "x.xlsx › kpis › E2", "nested more than 256 deep"),
    _metrics("deeply-nested-workbook-xml", _file(nested_workbook_part),
             "its part xl/workbook.xml cannot be read: elements nested more than 256 deep"),
    _metrics("empty-sheet-part", _file(empty_sheet_part), "x.xlsx › kpis: the sheet's XML is damaged: it is empty"),
    _metrics("bad-crc-in-sheet", _bytes(lambda: with_bad_crc(good_parts(), SHEET)), "x.xlsx › kpis", "checksum"),
    _check("bad-crc-in-sheet-check", _bytes(lambda: with_bad_crc(good_parts(), SHEET)), "x.xlsx › kpis", "checksum"),
    _metrics("corrupt-deflate-in-sheet", _bytes(lambda: with_corrupt_deflate(good_parts(), SHEET)),
             "x.xlsx › kpis", "compressed data is corrupt"),
    _metrics("corrupt-deflate-in-shared-strings", _bytes(lambda: with_corrupt_deflate(good_parts(), STRINGS)),
             "its part xl/sharedStrings.xml cannot be read", "compressed data is corrupt"),
    _metrics("surrogate-in-a-cell", _file(surrogate_in_cell), "x.xlsx › kpis › B4", "U+D800"),
    _check("surrogate-in-a-cell-check", _file(surrogate_in_cell), "x.xlsx › kpis › B4", "U+D800"),
    _metrics("surrogate-in-a-shared-string", _file(surrogate_in_shared_string),
             "its part xl/sharedStrings.xml cannot be read", "U+D800"),
    *(
        _metrics(f"damaged-{part.replace('/', '-').strip('[]_').lower()}", _file(damaged(part)),
                 f"its part {part} cannot be read")
        for part in (STRINGS, STYLES, WORKBOOK, CONTENT_TYPES, WORKBOOK_RELS, ROOT_RELS)
    ),
    _metrics("two-parts-of-one-name", _file(duplicate_part), "two parts named xl/worksheets/sheet1.xml"),
    _metrics("two-parts-named-apart-by-case", _file(case_twin_part), "two parts named xl/worksheets/Sheet1.xml"),
    _metrics("two-workbook-parts", _file(second_workbook_part), "two workbook parts", "xl/other.xml"),
    _metrics("dtd-in-sheet", _file(dtd_in_sheet), "x.xlsx › kpis", "DTD"),
    _metrics("dtd-in-shared-strings", _file(dtd_in_shared_strings), "xl/sharedStrings.xml", "DTD"),
    Case("check-folder-of-one-good-five-damaged", _folder_of_six, ("check", "books", "--no-charts"),
         exit_code=1, says=("1 passed, 5 failed",), seconds=90, verify=_each_named),
    # 2. bombs: refused fast, or read at the cost of what they hold
    _metrics("merged-range-of-40-million-cells", _file(merged_range_of_40_million_cells), exit_code=0, kpis=2,
             **BOUNDED),
    _metrics("merged-group-column-over-10000-rows", _file(merged_group_column), "merged cells (A2:A3",
             exit_code=0, kpis=10_000, **BOUNDED),
    _metrics("one-merged-range-over-10000-rows", _file(one_merged_range_over_every_row), "merged cells (A2:A10001)",
             exit_code=0, kpis=10_000, **BOUNDED),
    _metrics("overlapping-merged-ranges", _file(overlapping_merges), "x.xlsx › kpis › B3",
             "the merged ranges A2:B3 and B3:C4 overlap"),
    _metrics("too-many-merged-ranges", _file(too_many_merges), "x.xlsx › kpis", "more than 100,000 merged ranges",
             **BOUNDED),
    _metrics("style-table-of-1.5-million-cell-formats", _file(style_bomb_cell_formats),
             "holds more than 131,072 cell formats", **BOUNDED),
    _metrics("style-table-of-200000-number-formats", _file(style_bomb_number_formats),
             "holds more than 131,072 number formats", **BOUNDED),
    _metrics("style-table-of-1.1-million-elements", _file(style_bomb_elements),
             "XML elements (limit 1,000,000)", **BOUNDED),
    _metrics("shared-string-table-of-a-million-and-one", _file(shared_string_bomb),
             "holds more than 1,000,000 texts", **BOUNDED),
    _metrics("cell-of-40000-characters", _file(long_name), "x.xlsx › kpis › B4", "32,767"),
    _metrics("value-in-row-200001", _file(value_below_the_row_limit), "x.xlsx › kpis", "more than 200,000 rows",
             **BOUNDED),
    _metrics("cells-in-column-gr-and-row-199990", _file(far_cells_and_rows), exit_code=0, kpis=2, **BOUNDED),
    _metrics("rows-out-of-order", _file(rows_out_of_order), "x.xlsx › kpis › row 2", "comes after row 2"),
    # 3. silent misreads
    _metrics("negative-shared-string-index", _file(negative_shared_string_index),
             "x.xlsx › kpis › B4", "shared-string index -1"),
    _metrics("shared-string-index-beyond-the-table", _file(shared_string_index_beyond_table),
             "x.xlsx › kpis › B4", "shared-string index 99999"),
    # 4. good files read (and their contract columns still checked)
    _metrics("empty-string-formula-in-helper-column", _file(empty_string_formula_in_helper_column), exit_code=0,
             kpis=2),
    _check("empty-string-formula-in-helper-column-check", _file(empty_string_formula_in_helper_column),
           "1 passed", exit_code=0),
    _metrics("empty-string-formula-in-note", _file(empty_string_formula_in_note), exit_code=0, kpis=1),
    _metrics("never-calculated-formula-in-helper-column", _file(never_calculated_formula_in_helper_column),
             exit_code=0, kpis=2),
    _metrics("error-value-in-helper-column", _file(error_value_in_helper_column), exit_code=0, kpis=2),
    _metrics("never-calculated-formula-in-actual", _file(never_calculated_formula_in_actual),
             "x.xlsx › kpis › F2: a formula without a computed value (=E2*0.95)"),
    _metrics("error-value-in-actual", _file(error_value_in_actual), "x.xlsx › kpis › F2", "#DIV/0!"),
    # 5. text that displays otherwise than it reads
    _check("bidi-override-in-a-name", _file(bidi_override_in_name), "x.xlsx › kpis › B4", "U+202E",
           strict=True),
    _metrics("zero-width-space-in-a-name", _file(zero_width_space_in_name), "x.xlsx › kpis › B4", "U+200B",
             exit_code=0, kpis=3),
]  # fmt: skip
