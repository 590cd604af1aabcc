"""The loader: headers in both languages, cell-located errors, odd files."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal as D

import pytest

from opsreport.workbook import WorkbookError, load_report

from .conftest import KPI_HEADER


def errors_of(path) -> list[str]:
    with pytest.raises(WorkbookError) as info:
        load_report(path)
    return [str(d) for d in info.value.errors]


def test_english_headers(make_workbook, basic_sheets):
    report = load_report(make_workbook(basic_sheets))
    assert [k.key for k in report.kpis] == ["P01", "E01", "U01"]
    profit = report.kpis[0]
    assert profit.actual == D("8.37") and profit.base == D(20) and profit.unit == "亿元"
    assert report.kpis[1].direction == "lower"
    assert (
        report.meta.year == 2026 and report.meta.plan_year == 2027 and report.meta.language == "en"
    )


def test_chinese_headers_and_sheet_names(make_workbook):
    path = make_workbook(
        {
            "概况": [
                ["键", "值"],
                ["标题", "年度总结"],
                ["年度", 2026],
                ["计划年度", 2027],
                ["语言", "中文"],
            ],
            "指标": [
                [
                    "编号",
                    "指标",
                    "维度",
                    "单位",
                    "方向",
                    "目标",
                    "实际",
                    "上年",
                    "明年目标",
                    "占比基数",
                    "汇总方式",
                ],
                ["P01", "直接利润", "利润", "亿元", "越高越好", 8, 8.37, 6.42, 9.5, 20, "求和"],
            ],
            "风险": [
                ["风险", "可能性", "影响程度", "触发指标", "阈值"],
                ["利润下滑", "中", "高", "直接利润", "< 7.5"],
            ],
        }
    )
    report = load_report(path)
    assert report.meta.title == "年度总结" and report.meta.language == "zh"
    assert report.kpis[0].aggregation == "sum" and not report.kpis[0].aggregation_inferred
    assert report.risks[0].likelihood == 3 and report.risks[0].impact == 4
    assert report.risks[0].kpi == "P01" and report.risks[0].threshold.limit == D("7.5")


def test_case_and_spacing_of_names_do_not_matter(make_workbook):
    path = make_workbook(
        {"KPIs": [["Name", "Prior Year", "ACTUAL", "Target"], ["GMV", 40, 50, 48]]}
    )
    kpi = load_report(path).kpis[0]
    assert (kpi.prior_year, kpi.actual, kpi.target) == (40, 50, 48)


def test_percent_formatted_cells_and_inferred_unit(make_workbook):
    path = make_workbook(
        {
            "kpis": [
                ["name", "unit", "target", "actual"],
                ["毛利率", "%", 0.23, 0.241],
                ["转化率", None, 0.03, 0.032],
            ]
        },
        formats={
            ("kpis", "C2"): "0.0%",
            ("kpis", "D2"): "0.0%",
            ("kpis", "C3"): "0.00%",
            ("kpis", "D3"): "0.00%",
        },
    )
    margin, conversion = load_report(path).kpis
    assert margin.target == D("23.0") and margin.actual == D("24.1")
    assert conversion.unit == "%" and conversion.actual == D("3.2")


def test_text_values_with_magnitudes(make_workbook):
    path = make_workbook(
        {"kpis": [["name", "unit", "target", "actual"], ["GMV", "万元", "5亿", "4.96亿"]]}
    )
    kpi = load_report(path).kpis[0]
    assert kpi.target == D(50000) and kpi.actual == D(49600)


def test_every_bad_cell_is_reported_at_once_with_its_cell(make_workbook):
    path = make_workbook(
        {
            "kpis": [
                ["name", "unit", "target", "actual", "direction"],
                ["GMV", "亿元", "abc", 5, "up"],
                ["利润", "亿元", 8, "8.3.7", "sideways"],
            ]
        },
        name="bad.xlsx",
    )
    messages = errors_of(path)
    assert len(messages) == 3
    assert any("bad.xlsx › kpis › C2: target: not a number ('abc')" in m for m in messages)
    assert any("› kpis › D3: actual: not a number" in m for m in messages)
    assert any("› kpis › E3: direction: unknown direction" in m for m in messages)
    assert all(" — " in m for m in messages)  # each says how to fix it


def test_missing_name_column(make_workbook):
    messages = errors_of(make_workbook({"kpis": [["id", "target", "actual"], ["P01", 1, 2]]}))
    assert any("no header row with the column name" in m for m in messages)


def test_duplicate_ids_and_unknown_references(make_workbook):
    path = make_workbook(
        {
            "kpis": [["id", "name"], ["P01", "利润"], ["P01", "GMV"]],
            "problems": [["problem", "kpi"], ["流量下滑", "P99"]],
        }
    )
    messages = errors_of(path)
    assert any("kpis › A3: duplicate KPI id 'P01' (first on row 2)" in m for m in messages)
    assert any("problems › B2: kpi: unknown KPI 'P99'" in m for m in messages)


def test_kpi_reference_by_name_or_id(make_workbook, basic_sheets):
    basic_sheets["problems"] = [
        ["area", "problem", "kpi"],
        ["库存", "周转慢", "库存周转天数"],
        ["利润", "x", "p01"],
    ]
    report = load_report(make_workbook(basic_sheets))
    assert [p.kpi for p in report.problems] == ["E01", "P01"]


def test_unknown_sheets_and_columns_are_warnings(make_workbook, basic_sheets):
    basic_sheets["notes"] = [["anything"]]
    basic_sheets["kpis"][0] = [*KPI_HEADER, "colour"]
    report = load_report(make_workbook(basic_sheets))
    codes = [w.code for w in report.warnings]
    assert "unknown_sheet" in codes and "unknown_column" in codes


def test_header_below_a_title_row(make_workbook):
    path = make_workbook(
        {"kpis": [["2026年指标表"], [], ["name", "target", "actual"], ["GMV", 48, 50]]}
    )
    report = load_report(path)
    assert report.kpis[0].actual == 50
    assert any(w.code == "header_not_first_row" and w.location.row == 3 for w in report.warnings)


def test_empty_trailing_rows_and_blank_rows_are_skipped(make_workbook):
    path = make_workbook(
        {"kpis": [["name", "actual"], ["GMV", 50], [None, None], ["利润", 8], [None], [None]]}
    )
    assert [k.name for k in load_report(path).kpis] == ["GMV", "利润"]


def test_merged_group_cells_fill_down(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "kpis"
    ws.append(["group", "name", "actual"])
    ws.append(["利润", "GMV", 50])
    ws.append([None, "毛利", 12])
    ws.merge_cells("A2:A3")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    report = load_report(path)
    assert [k.group for k in report.kpis] == ["利润", "利润"]
    assert any(w.code == "merged_cells" for w in report.warnings)


def test_hidden_sheet_is_read_with_a_warning(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "kpis"
    wb.active.append(["name", "actual"])
    wb.active.append(["GMV", 50])
    risks = wb.create_sheet("risks")
    risks.append(["risk"])
    risks.append(["x"])
    risks.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    report = load_report(path)
    assert report.risks[0].risk == "x"
    assert any(w.code == "hidden_sheet" for w in report.warnings)


def test_excel_error_cells_are_errors(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "kpis"
    ws.append(["name", "actual"])
    ws.append(["GMV", "#DIV/0!"])
    ws["B2"].data_type = "e"
    path = tmp_path / "errors.xlsx"
    wb.save(path)
    messages = errors_of(path)
    assert any("kpis › B2" in m and "#DIV/0!" in m for m in messages)


def test_formula_without_cached_value_is_an_error(make_workbook):
    path = make_workbook({"kpis": [["name", "target", "actual"], ["GMV", 48, "=A1*2"]]})
    messages = errors_of(path)
    assert any("kpis › C2: a formula without a computed value (=A1*2)" in m for m in messages)


def test_dates_as_serials_text_and_weeks(make_workbook, basic_sheets):
    basic_sheets["tasks"] = [
        ["task", "start", "end"],
        ["a", "2027-01-04", "2027年3月31日"],
        ["b", 46388, 46477],  # serials: 2027-01-01, 2027-03-31
        ["c", "W2", "W5"],
    ]
    basic_sheets["meta"].append(["plan_year", 2027])
    tasks = load_report(make_workbook(basic_sheets)).tasks
    assert tasks[0].end == dt.date(2027, 3, 31)
    assert (tasks[1].start, tasks[1].end) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert (tasks[2].start, tasks[2].end) == (dt.date(2027, 1, 11), dt.date(2027, 2, 7))


def test_task_ending_before_it_starts(make_workbook, basic_sheets):
    basic_sheets["tasks"] = [["task", "start", "end"], ["a", "2027-03-01", "2027-02-01"]]
    assert any("tasks › C2: the task ends" in m for m in errors_of(make_workbook(basic_sheets)))


def test_periods_long_and_wide(make_workbook, basic_sheets):
    basic_sheets["periods"] = [
        ["kpi", "period", "actual"],
        ["P01", "Q1", 1.62],
        ["P01", "2026Q2", 1.88],
    ]
    report = load_report(make_workbook(basic_sheets))
    assert [(p.period.year, p.period.quarter, p.actual) for p in report.periods] == [
        (2026, 1, D("1.62")),
        (2026, 2, D("1.88")),
    ]
    basic_sheets["periods"] = [
        ["指标", "Q1", "Q2", "Q3", "Q4"],
        ["直接利润", 1.62, 1.88, 2.05, 2.82],
    ]
    report = load_report(make_workbook(basic_sheets))
    assert [p.actual for p in report.periods] == [D("1.62"), D("1.88"), D("2.05"), D("2.82")]


def test_threshold_needs_a_kpi_and_a_form(make_workbook, basic_sheets):
    basic_sheets["risks"] = [
        ["risk", "kpi", "threshold"],
        ["a", None, "< 5"],
        ["b", "P01", "about 7"],
    ]
    messages = errors_of(make_workbook(basic_sheets))
    assert any("risks › C2: a threshold without a KPI" in m for m in messages)
    assert any("risks › C3: threshold: not a threshold" in m for m in messages)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "empty.xlsx", "the file is empty"),
        (b"name,actual\nGMV,5\n", "data.xlsx", "a CSV or text file"),
        (b"name,actual\nGMV,5\n", "data.csv", "a CSV or text file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old.xls", "Excel 97"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"),
            "secret.xlsx",
            "password-protected",
        ),
        (b"PK\x03\x04garbage", "cut.xlsx", "the file is damaged"),
        (b"\x89PNG\r\n\x1a\n", "image.xlsx", "not an Excel workbook"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path, content, name, expected):
    path = tmp_path / name
    path.write_bytes(content)
    messages = errors_of(path)
    assert len(messages) == 1 and expected in messages[0] and str(path) in messages[0]


def test_truncated_real_workbook(make_workbook, basic_sheets, tmp_path):
    data = make_workbook(basic_sheets).read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert "the file is damaged" in errors_of(path)[0]


def test_docx_renamed_to_xlsx(tmp_path):
    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "a Word document, not an Excel workbook" in errors_of(path)[0]


def test_zip_bomb_is_refused_fast(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (50 * 1024 * 1024) + b"/>")
    assert "zip bomb" in errors_of(path)[0]


def test_missing_kpis_sheet(make_workbook):
    messages = errors_of(make_workbook({"Sheet1": [["a", "b"], [1, 2]]}))
    assert any("no kpis sheet" in m for m in messages)


def test_input_is_never_modified(make_workbook, basic_sheets):
    path = make_workbook(basic_sheets)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_report(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_text_keeps_chinese_punctuation_but_names_match_across_widths(make_workbook):
    path = make_workbook(
        {
            "kpis": [["name", "note"], ["ＧＭＶ", "支付口径；含退款（不含税）：见附表"]],
            "problems": [["problem", "kpi"], ["规模未达标，差距2.4亿元", "gmv"]],
        }
    )
    report = load_report(path)
    assert report.kpis[0].note == "支付口径；含退款（不含税）：见附表"
    assert report.problems[0].problem == "规模未达标，差距2.4亿元"
    assert report.problems[0].kpi == "ＧＭＶ"  # referred to as gmv: NFKC and case-folded


def test_quarter_rows_and_month_rows_of_the_same_quarter_are_refused(make_workbook, basic_sheets):
    basic_sheets["periods"] = [
        ["kpi", "period", "actual"],
        ["P01", "2026Q1", 1.6],
        ["P01", "2026-01", 0.5],
        ["P01", "2026-02", 0.5],
    ]
    messages = errors_of(make_workbook(basic_sheets))
    assert any("given both as a quarter and as months" in m for m in messages)


def test_goal_deadline_serial_uses_the_workbook_epoch(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.epoch = dt.datetime(1904, 1, 1)  # the Mac 1904 date system
    wb.active.title = "kpis"
    wb.active.append(["name", "actual"])
    wb.active.append(["GMV", 1])
    goals = wb.create_sheet("goals")
    goals.append(["goal", "deadline"])
    goals.append(["x", 45015])  # 2027-03-31 in the 1904 system (46477 in the 1900 system)
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    assert load_report(path).goals[0].deadline == dt.date(2027, 3, 31)


def test_meta_year_written_with_nian(make_workbook):
    report = load_report(make_workbook({"meta": [["年度", "2026年"]], "kpis": [["name"], ["GMV"]]}))
    assert report.meta.year == 2026 and report.meta.plan_year == 2027


# --------------------------------------------------------------------------- the sheet reader


def _every_workbook(tmp_path):
    import importlib.util

    from .conftest import CORPUS, EXAMPLES, ROOT

    spec = importlib.util.spec_from_file_location(
        "make_bad_workbooks", ROOT / "scripts" / "make_bad_workbooks.py"
    )
    bad = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bad)
    spec = importlib.util.spec_from_file_location("run", ROOT / "benchmarks" / "run.py")
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    benchmark.make_workbook(tmp_path / "benchmark.xlsx", 60)  # write-only: inline strings
    files = sorted(EXAMPLES.glob("*.xlsx")) + sorted(bad.build_corpus(tmp_path).values())
    files.append(tmp_path / "benchmark.xlsx")
    return files + (sorted(CORPUS.glob("*/*.xlsx")) if CORPUS.exists() else [])


# … except where openpyxl chokes on a cell the reader reads (s="": no style).
LENIENT = {"empty_s_attribute.xlsx"}


def _openpyxl_cells(ws, width, height):
    """{(row, column): (value, is_error, number format)} of the non-blank cells, by openpyxl."""
    cells = {}
    ws.reset_dimensions()
    for number, row in enumerate(ws.iter_rows(max_col=width, max_row=height), start=1):
        for index, cell in enumerate(row):
            value = cell.value
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            try:
                number_format = cell.number_format
            except IndexError:  # a style id the style table does not hold: no format
                number_format = None
            cells[(number, index)] = (value, cell.data_type == "e", number_format)
    return cells


def test_the_sheet_reader_reads_exactly_what_openpyxl_reads(tmp_path):
    """scan_sheet (and the shared-string reader under it) must agree with openpyxl's own
    read-only reading on every workbook we have, cell by cell: value, error or not,
    number format and position; where openpyxl fails on a sheet, the reader must not
    read it silently either."""
    import warnings

    import openpyxl

    from opsreport.workbook import Limits, Unreadable, _open_workbook, _ScanNotes, scan_sheet

    width, height = 30, 2000
    limits = Limits(max_columns=width, max_rows=height)
    compared = 0
    for path in _every_workbook(tmp_path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                expected_wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
                handle = path.open("rb")
                wb = _open_workbook(handle)
            except Exception:
                continue  # not a workbook both open: the loader reports it before reading rows
            with handle:
                for ws, expected_ws in zip(wb.worksheets, expected_wb.worksheets, strict=True):
                    xml = wb._archive.read(ws._worksheet_path.lstrip("/"))
                    notes = _ScanNotes()
                    try:
                        expected = _openpyxl_cells(expected_ws, width, height)
                    except Exception:  # openpyxl fails on this part: so must the reader …
                        if path.name not in LENIENT:
                            rows = list(scan_sheet(ws, xml, limits, notes))
                            unreadable = [c for _, r in rows for c in r.values()
                                          if isinstance(c.value, Unreadable)]  # fmt: skip
                            assert unreadable or notes.damaged, f"{path.name} › {ws.title}"
                        compared += 1
                        continue
                    actual = {
                        (number, index): (cell.value, cell.is_error, cell.number_format)
                        for number, cells in scan_sheet(ws, xml, limits, notes)
                        for index, cell in cells.items()
                    }
                    assert not notes.damaged, (path.name, ws.title, notes.damaged)
                    assert actual == expected, f"{path.name} › {ws.title}"
                    compared += 1
            wb.close()
            expected_wb.close()
    assert compared > 20
