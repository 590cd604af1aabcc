"""Build the corpus of broken workbooks: one file per way a user's workbook goes wrong.

Each case is a function writing one file; ``CASES`` maps its file name to what
``opsreport`` must say about it (a message fragment) and whether it still loads
(a correct reading with a warning) or fails (a clear error). The tests build the
corpus into a temporary folder with :func:`build_corpus`; run this script to
write it somewhere to look at: ``python scripts/make_bad_workbooks.py out/``.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

KPI_HEADER = ["id", "name", "unit", "direction", "target", "actual", "prior_year"]
KPI_ROWS = [
    ["P01", "GMV", "亿元", "higher", 52, 49.6, 41.3],
    ["E01", "库存周转天数", "天", "lower", 45, 48.5, 52],
]


def _workbook(sheets: dict[str, list[list[object]]]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    return wb


def _base() -> dict[str, list[list[object]]]:
    return {"kpis": [KPI_HEADER, *[list(r) for r in KPI_ROWS]]}


def unknown_kpi_reference(path: Path) -> None:
    sheets = _base()
    sheets["problems"] = [["problem", "kpi"], ["流量下滑", "P99"]]
    sheets["risks"] = [["risk", "kpi", "threshold"], ["积压", "库存天数", "> 47"]]
    _workbook(sheets).save(path)


def duplicate_kpi_ids(path: Path) -> None:
    sheets = _base()
    sheets["kpis"].append(["P01", "GMV again", "亿元", "higher", 1, 1, 1])
    _workbook(sheets).save(path)


def kpis_without_name(path: Path) -> None:
    _workbook({"kpis": [["id", "target", "actual"], ["P01", 52, 49.6]]}).save(path)


def header_not_on_row_1(path: Path) -> None:
    _workbook({"kpis": [["2026年指标表"], [], KPI_HEADER, *KPI_ROWS]}).save(path)


def merged_cells(path: Path) -> None:
    wb = _workbook({"kpis": [["group", *KPI_HEADER], ["效率", *KPI_ROWS[0]], [None, *KPI_ROWS[1]]]})
    wb["kpis"].merge_cells("A2:A3")
    wb.save(path)


def hidden_sheet(path: Path) -> None:
    sheets = _base()
    sheets["risks"] = [["risk", "likelihood", "impact"], ["积压", 3, 4]]
    wb = _workbook(sheets)
    wb["risks"].sheet_state = "hidden"
    wb.save(path)


def excel_error_values(path: Path) -> None:
    wb = _workbook(_base())
    ws = wb["kpis"]
    for cell, error in (("F2", "#DIV/0!"), ("E3", "#N/A"), ("G3", "#REF!")):
        ws[cell] = error
        ws[cell].data_type = "e"
    wb.save(path)


def dates_as_serials_and_text(path: Path) -> None:
    sheets = _base()
    sheets["meta"] = [["key", "value"], ["year", 2026], ["plan_year", 2027]]
    sheets["tasks"] = [
        ["task", "start", "end"],
        ["serials", 46388, 46477],
        ["text", "2027年4月1日", "2027/6/30"],
        ["weeks", "W27", "W39"],
    ]
    _workbook(sheets).save(path)


def bad_dates(path: Path) -> None:
    sheets = _base()
    sheets["tasks"] = [
        ["task", "start", "end"],
        ["a", "2027-02-30", "next spring"],
        ["b", "2027-05-01", "2027-04-01"],
    ]
    _workbook(sheets).save(path)


def empty_trailing_rows(path: Path) -> None:
    wb = _workbook(_base())
    ws = wb["kpis"]
    for row in range(4, 60):
        ws.cell(row=row, column=1).number_format = "0.00"  # formatted, empty
    ws.cell(row=60, column=2).value = "   "
    wb.save(path)


def text_that_is_not_a_number(path: Path) -> None:
    sheets = _base()
    sheets["kpis"].append(["X1", "转化率", "%", "higher", "three", "1_000", "nan"])
    _workbook(sheets).save(path)


def formula_without_cached_value(path: Path) -> None:
    sheets = _base()
    sheets["kpis"][1][5] = "=E2*0.95"
    _workbook(sheets).save(path)


def old_xls(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)


def csv_named_xlsx(path: Path) -> None:
    path.write_text("name,target,actual\nGMV,52,49.6\n", encoding="utf-8")


def not_excel_named_xlsx(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n" + b"\x00\x01binary" * 100)


def encrypted(path: Path) -> None:
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 512
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 512
    )


def truncated_zip(path: Path) -> None:
    full = path.with_suffix(".full")
    _workbook(_base()).save(full)
    data = full.read_bytes()
    full.unlink()
    path.write_bytes(data[: len(data) * 2 // 3])


def zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b"0" * (64 * 1024 * 1024) + b"</x>")


def xml_entity_bomb(path: Path) -> None:
    """A billion laughs in workbook.xml: ten levels of ten entities each."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    source = path.with_suffix(".src")
    _workbook(_base()).save(source)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                body = body.replace(b'name="kpis"', b'name="&lol9;"', 1)
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE workbook [' + entities.encode() + b"]>" + body
                )
            zout.writestr(info, data)
    source.unlink()


def percent_as_fraction(path: Path) -> None:
    sheets = _base()
    sheets["kpis"].append(["U01", "复购率", "%", "higher", 0.33, 0.315, 0.295])
    _workbook(sheets).save(path)


def breakdown_not_adding_up(path: Path) -> None:
    sheets = _base()
    sheets["breakdown"] = [
        ["dimension", "item", "kpi", "actual"],
        ["渠道", "天猫", "P01", 18.6],
        ["渠道", "京东", "P01", 12.0],
    ]
    _workbook(sheets).save(path)


def _rewrite_sheet(path: Path, change: Callable[[bytes], bytes]) -> None:
    """Pass the first sheet's XML of the saved workbook through ``change``."""
    source = path.with_suffix(".src")
    path.rename(source)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            zout.writestr(info, data)
    source.unlink()


def formula_returning_empty_text(path: Path) -> None:
    """LibreOffice saves =IF(F2>E2*1.2,"超额较多","") as a text result that is empty."""
    sheets = _base()
    sheets["kpis"][0] += ["备注", "提示"]  # note (a contract column) and a helper column
    for row in (1, 2):
        formula = f'=IF(F{row + 1}>E{row + 1}*1.2,"超额较多","")'
        sheets["kpis"][row] += [formula, formula]
    _workbook(sheets).save(path)
    _rewrite_sheet(path, lambda xml: re.sub(rb'(<c r="[HI]\d+")(><f>)', rb'\1 t="str"\2', xml))


def helper_column_formulas_and_errors(path: Path) -> None:
    """A helper column (完成率) with never-calculated formulas and an error value: ignored."""
    wb = _workbook(_base())
    ws = wb["kpis"]
    ws["H1"], ws["H2"], ws["H3"] = "完成率", "=F2/E2", "#DIV/0!"
    ws["H3"].data_type = "e"
    wb.save(path)


def bidi_override_in_name(path: Path) -> None:
    """U+202E before VMG: Excel shows GMV, a terminal or a report may show it reversed."""
    sheets = _base()
    sheets["kpis"].append(["N01", "\u202eVMG", "亿元", "higher", 1, 1, 1])
    _workbook(sheets).save(path)


def negative_shared_string_index(path: Path) -> None:
    """B3 points at shared string -1 (openpyxl read it as the last string of the table)."""
    _workbook(_base()).save(path)
    _rewrite_sheet(
        path,
        lambda xml: re.sub(
            rb'<c r="B3" t="inlineStr"><is><t>[^<]*</t></is></c>',
            b'<c r="B3" t="s"><v>-1</v></c>',
            xml,
        ),
    )


# name → (builder, "loads" or "fails", a fragment the message must contain, the cell it names or "")
CASES: dict[str, tuple[Callable[[Path], None], str, str, str]] = {
    "unknown-kpi-reference.xlsx": (unknown_kpi_reference, "fails", "unknown KPI 'P99'", "B2"),
    "duplicate-kpi-ids.xlsx": (duplicate_kpi_ids, "fails", "duplicate KPI id 'P01'", "A4"),
    "kpis-without-name.xlsx": (
        kpis_without_name,
        "fails",
        "no header row with the column name",
        "",
    ),
    "header-not-on-row-1.xlsx": (header_not_on_row_1, "loads", "the header is on row 3", ""),
    "merged-cells.xlsx": (merged_cells, "loads", "merged cells (A2:A3)", ""),
    "hidden-sheet.xlsx": (hidden_sheet, "loads", "the sheet is hidden", ""),
    "excel-error-values.xlsx": (
        excel_error_values,
        "fails",
        "an Excel error value (#DIV/0!)",
        "F2",
    ),
    "dates-as-serials-and-text.xlsx": (dates_as_serials_and_text, "loads", "", ""),
    "bad-dates.xlsx": (bad_dates, "fails", "no such date (2027-02-30)", "B2"),
    "empty-trailing-rows.xlsx": (empty_trailing_rows, "loads", "", ""),
    "text-that-is-not-a-number.xlsx": (
        text_that_is_not_a_number,
        "fails",
        "not a number ('three')",
        "E4",
    ),
    "formula-without-cached-value.xlsx": (
        formula_without_cached_value,
        "fails",
        "a formula without a computed value",
        "F2",
    ),
    "old-format.xls": (old_xls, "fails", "an old Excel 97–2003 .xls file", ""),
    "csv-named.xlsx": (csv_named_xlsx, "fails", "a CSV or text file", ""),
    "pdf-named.xlsx": (not_excel_named_xlsx, "fails", "not an Excel workbook", ""),
    "encrypted.xlsx": (encrypted, "fails", "password-protected", ""),
    "truncated.xlsx": (truncated_zip, "fails", "the file is damaged", ""),
    "zip-bomb.xlsx": (zip_bomb, "fails", "zip bomb", ""),
    "xml-entity-bomb.xlsx": (xml_entity_bomb, "fails", "billion laughs", ""),
    "percent-as-fraction.xlsx": (percent_as_fraction, "loads", "look like fractions", ""),
    "formula-returning-empty-text.xlsx": (
        formula_returning_empty_text,
        "loads",
        "unknown column '提示'",
        "",
    ),
    "helper-column-formulas-and-errors.xlsx": (
        helper_column_formulas_and_errors,
        "loads",
        "unknown column '完成率' is ignored",
        "",
    ),
    "bidi-override-in-name.xlsx": (
        bidi_override_in_name,
        "loads",
        "U+202E RIGHT-TO-LEFT OVERRIDE",
        "",
    ),
    "negative-shared-string-index.xlsx": (
        negative_shared_string_index,
        "fails",
        "its shared-string index -1 is not in the table",
        "B3",
    ),
    "breakdown-not-adding-up.xlsx": (
        breakdown_not_adding_up,
        "loads",
        "the items add up to 30.6",
        "",
    ),
}


def build_corpus(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    built = {}
    for name, (builder, *_rest) in CASES.items():
        path = directory / name
        builder(path)
        built[name] = path
    return built


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-workbooks")
    for name, path in build_corpus(target).items():
        print(f"wrote {path} ({CASES[name][1]})")
    print(dt.date.today().isoformat(), "done")
