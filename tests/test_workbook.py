"""The loader: headers in both languages, cell-located errors, odd files."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal as D

import pytest

from opsreport.io.workbook import WorkbookError, load_report

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


def test_a_reference_when_no_kpi_could_be_read_says_to_fix_the_kpis_sheet(make_workbook):
    # Every KPI row fails (no name), so no reference can resolve: the hint must not offer
    # an empty list of examples ("e.g. ") but point at the kpis sheet's own errors.
    path = make_workbook(
        {
            "kpis": [["id", "name", "target"], ["P01", "", 1]],
            "problems": [["problem", "kpi"], ["流量下滑", "P01"]],
        }
    )
    messages = [m for m in errors_of(path) if "unknown KPI" in m]
    assert messages and "e.g." not in messages[0]
    assert "the kpis sheet has no KPI that could be read: fix its errors first" in messages[0]


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

    from opsreport.io.limits import Limits
    from opsreport.io.package import open_workbook
    from opsreport.io.sheet_xml import ScanNotes, Unreadable, scan_sheet

    width, height = 30, 2000
    limits = Limits(max_columns=width, max_rows=height)
    compared = 0
    for path in _every_workbook(tmp_path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                expected_wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
                handle = path.open("rb")
                wb = open_workbook(handle)
            except Exception:
                continue  # not a workbook both open: the loader reports it before reading rows
            with handle:
                for ws, expected_ws in zip(wb.worksheets, expected_wb.worksheets, strict=True):
                    xml = wb._archive.read(ws._worksheet_path.lstrip("/"))
                    notes = ScanNotes()
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


# --------------------------------------------------------------------------- hostile files (issue 11)
# The makers are the hostile corpus's (tests/hostile/cases_workbook.py): the corpus runs each
# attack as a bounded CLI process, these tests check the diagnostics in detail.

from .hostile import cases_workbook as hostile  # noqa: E402


def _load(tmp_path, parts, name="x.xlsx", **limits):
    from opsreport.io.limits import Limits

    path = tmp_path / name
    if isinstance(parts, bytes):
        path.write_bytes(parts)
    else:
        hostile.write(path, parts)
    return load_report(path, limits=Limits(**limits))


def _errors(tmp_path, parts, **limits):
    with pytest.raises(WorkbookError) as info:
        _load(tmp_path, parts, **limits)
    return info.value.errors


@pytest.mark.parametrize(
    ("make", "fragment", "cell"),
    [
        (hostile.truncated_sheet, "the sheet's XML is damaged", None),
        (hostile.nested_sheet, "elements nested more than 256 deep", "E2"),
        (hostile.empty_sheet_part, "the sheet's XML is damaged: it is empty", None),
        (lambda: hostile.with_bad_crc(hostile.good_parts(), hostile.SHEET), "a bad CRC-32", None),
        (
            lambda: hostile.with_corrupt_deflate(hostile.good_parts(), hostile.SHEET),
            "its compressed data is corrupt",
            None,
        ),
        (hostile.surrogate_in_cell, "a reference to character U+D800", "B4"),
    ],
)
def test_a_damaged_sheet_is_one_error_naming_file_sheet_and_cell(tmp_path, make, fragment, cell):
    errors = _errors(tmp_path, make())
    assert len(errors) == 1, errors
    (error,) = errors
    assert error.code == "unreadable_sheet" and fragment in error.message
    assert (error.location.file, error.location.sheet) == (str(tmp_path / "x.xlsx"), "kpis")
    assert error.location.cell == cell
    assert error.hint


@pytest.mark.parametrize(
    "part",
    [
        hostile.STRINGS,
        hostile.STYLES,
        hostile.WORKBOOK,
        hostile.CONTENT_TYPES,
        hostile.WORKBOOK_RELS,
        hostile.ROOT_RELS,
    ],
)
def test_a_damaged_workbook_part_is_named(tmp_path, part):
    (error,) = _errors(tmp_path, hostile.damaged(part)())
    assert error.code == "damaged_part"
    assert error.message.startswith(f"the file is damaged: its part {part} cannot be read: ")
    assert error.location.sheet is None  # a workbook-level part belongs to no sheet


def test_zip_damage_in_the_shared_strings_and_a_surrogate_there_are_named(tmp_path):
    parts = hostile.good_parts()
    (error,) = _errors(tmp_path, hostile.with_corrupt_deflate(parts, hostile.STRINGS))
    assert "xl/sharedStrings.xml" in error.message and "compressed data is corrupt" in error.message
    (error,) = _errors(tmp_path, hostile.surrogate_in_shared_string())
    assert "xl/sharedStrings.xml" in error.message and "U+D800" in error.message


def test_running_out_of_memory_is_a_diagnostic(tmp_path, monkeypatch):
    from opsreport.io import package, sheets

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(sheets, "scan_sheet", exhausted)
    (error,) = _errors(tmp_path, hostile.good_parts())
    assert (error.location.sheet, error.message) == ("kpis", "ran out of memory reading the sheet")
    monkeypatch.setattr(package, "_read_shared_strings", exhausted)
    (error,) = _errors(tmp_path, hostile.good_parts())
    assert error.code == "out_of_memory" and "xl/sharedStrings.xml" in error.message


def test_a_workbook_error_crosses_a_process_boundary_whole(tmp_path):
    """check and batch builds get results back from worker processes by pickling."""
    import pickle

    with pytest.raises(WorkbookError) as info:
        _load(tmp_path, hostile.nested_sheet())
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.diagnostics == info.value.diagnostics and str(copy) == str(info.value)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (hostile.duplicate_part, "two parts named xl/worksheets/sheet1.xml"),
        (hostile.case_twin_part, "two parts named xl/worksheets/Sheet1.xml"),
        (hostile.second_workbook_part, "two workbook parts: xl/other.xml (in _rels/.rels)"),
    ],
)
def test_parts_a_reader_could_choose_between_are_refused(tmp_path, make, fragment):
    (error,) = _errors(tmp_path, make())
    assert error.code == "duplicate_part" and fragment in error.message


def test_a_dtd_in_any_part_read_is_refused(tmp_path):
    (error,) = _errors(tmp_path, hostile.dtd_in_sheet())
    assert (error.code, error.location.sheet) == ("xml_bomb", "kpis")
    (error,) = _errors(tmp_path, hostile.dtd_in_shared_strings())
    assert error.code == "xml_bomb" and "xl/sharedStrings.xml" in error.message


def test_a_merged_range_fills_only_the_rows_the_file_holds(tmp_path, monkeypatch):
    """A4:GR200000 covers 199,997 × 200 = 39,999,400 cells; with its origin A4 holding a
    value and rows 4 and 6 in the file, 2 rows × 200 columns = 400 cells are filled at most."""
    from opsreport.io import sheets

    rows = [*hostile.KPI_ROWS, ["P09", "NPS", "分", "higher", 50, 52], [], ["P10", "CSAT"]]
    parts = hostile.workbook_parts(rows, merges=["A4:GR200000"])
    seen = []
    real = sheets.fill_merged
    monkeypatch.setattr(sheets, "fill_merged", lambda *a: (seen.append(r) or r for r in real(*a)))
    errors = _errors(tmp_path, parts)
    filled = {number: len(cells) for number, cells in seen}
    assert filled == {1: 6, 2: 6, 3: 6, 4: 200, 6: 200}  # rows 4 and 6: A…GR, 200 cells each
    assert any(e.location.cell == "E4" and "not a number ('P09')" in e.message for e in errors)


def test_an_empty_merged_bomb_costs_nothing_and_says_nothing(tmp_path):
    report = _load(tmp_path, hostile.merged_range_of_40_million_cells())
    assert len(report.kpis) == 2
    assert not any(w.code == "merged_cells" for w in report.warnings)  # it merged nothing read


def test_merged_title_above_the_header(tmp_path):
    rows = [["2026 指标"], hostile.KPI_ROWS[0], *hostile.KPI_ROWS[1:]]
    strings = hostile.SharedStrings()
    xml = hostile.sheet_xml(rows, strings, merges=["A1:F1"])
    report = _load(tmp_path, hostile.package({"kpis": xml}, strings.xml(), hostile.styles_xml()))
    assert [k.key for k in report.kpis] == ["P01", "E01"]
    assert {w.code for w in report.warnings} >= {"header_not_first_row", "merged_cells"}


def test_overlapping_or_too_many_merged_ranges_are_refused(tmp_path):
    (error,) = _errors(tmp_path, hostile.overlapping_merges())
    assert (error.location.cell, error.message) == (
        "B3", "the merged ranges A2:B3 and B3:C4 overlap")  # fmt: skip
    (error,) = _errors(tmp_path, hostile.too_many_merges(4), max_merged_ranges=3)
    assert error.code == "too_many_merges" and "more than 3 merged ranges" in error.message


def test_a_merged_range_that_is_not_a_range_is_refused(tmp_path):
    (error,) = _errors(tmp_path, hostile.workbook_parts(merges=["A2:B"]))
    assert (
        error.location.sheet == "kpis"
        and "a merged range that is not a range ('A2:B')" in error.message
    )


def test_style_tables_beyond_their_caps_are_refused_before_openpyxl_reads_them(
    tmp_path, monkeypatch
):
    import openpyxl.styles.stylesheet as stylesheet

    def never(*args, **kwargs):
        raise AssertionError("the style table was built")

    monkeypatch.setattr(stylesheet, "apply_stylesheet", never)
    (error,) = _errors(tmp_path, hostile.workbook_parts(styles=hostile.styles_xml(6)),
                       max_style_records=5)  # fmt: skip
    assert error.code == "too_many_styles" and "more than 5 cell formats" in error.message
    (error,) = _errors(tmp_path, hostile.style_bomb_number_formats(6), max_style_records=5)
    assert "more than 5 number formats" in error.message
    (error,) = _errors(tmp_path, hostile.style_bomb_elements(30), max_style_elements=40)
    # 30 colours + styleSheet, numFmts, numFmt, fonts, font, sz, name, fills, fill, patternFill,
    # borders, border, cellStyleXfs, xf, cellXfs, xf, xf = 30 + 17 = 47 elements
    assert "holds 47 XML elements (limit 40)" in error.message


def test_shared_string_tables_beyond_their_caps_are_refused(tmp_path):
    (error,) = _errors(tmp_path, hostile.good_parts(), max_shared_strings=3)
    assert error.code == "too_many_strings" and "more than 3 texts" in error.message
    size = len(hostile.good_parts()[hostile.STRINGS])
    (error,) = _errors(tmp_path, hostile.good_parts(), max_shared_strings_bytes=size - 1)
    assert error.code == "too_many_strings" and "(xl/sharedStrings.xml)" in error.message


def test_the_shared_string_reader_reads_what_openpyxl_reads(tmp_path):
    """Rich-text runs after plain text, phonetic runs, empty items, escaped underscores,
    prefixed namespaces: the lxml reader gives openpyxl's text for each."""
    import io
    import zipfile

    from openpyxl.reader.strings import read_string_table

    from opsreport.io.limits import DEFAULT_LIMITS
    from opsreport.io.package import _read_shared_strings

    main = hostile.MAIN
    table = (
        f'<sst xmlns="{main}" xmlns:x="{main}"><si><t>plain</t></si><si/><si><t/></si>'
        "<si><t>a</t><r><rPr><b/></rPr><t>b</t></r><r><t>c</t></r></si>"
        '<si><r><t xml:space="preserve"> run </t></r><rPh sb="0" eb="1"><t>ヨミ</t></rPh></si>'
        "<si><t>x005F_x000D_ kept</t></si><x:si><x:t>prefixed</x:t></x:si>"
        "<si><t>first</t><t>last</t></si><si><r><t>one</t><t>two</t></r></si></sst>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("s.xml", table)
    with zipfile.ZipFile(buffer) as archive:
        ours = _read_shared_strings(archive, "s.xml", DEFAULT_LIMITS)
    assert ours == read_string_table(io.BytesIO(table))
    assert ours[3] == "abc" and ours[4] == " run " and ours[7] == "last"


@pytest.mark.parametrize(
    ("index", "fragment"),
    [
        ("-1", "its shared-string index -1 is not in the table of {count} texts"),
        ("99999", "its shared-string index 99999 is not in the table of {count} texts"),
        ("1.5", "its shared-string index is '1.5'"),
    ],
)
def test_a_shared_string_index_outside_the_table_is_an_error_naming_the_cell(
    tmp_path, index, fragment
):
    parts = hostile.workbook_parts(
        [*hostile.KPI_ROWS, hostile._kpi_row("P09", hostile.Raw('t="s"', f"<v>{index}</v>"))]
    )
    count = parts[hostile.STRINGS].count(b"<si>")  # the header's 6 texts, then P01, GMV …
    (error,) = _errors(tmp_path, parts)  # one error: no second one for "a KPI without a name"
    assert (error.code, error.location.cell) == ("damaged_cell", "B4")
    assert error.message == "name: the cell cannot be read: " + fragment.format(count=count)


def test_a_damaged_cell_in_a_helper_column_is_ignored(tmp_path):
    rows = [
        hostile.HELPER,
        [*hostile.KPI_ROWS[1], hostile.Raw('t="s"', "<v>-1</v>")],
        hostile.KPI_ROWS[2],
    ]
    assert len(_load(tmp_path, hostile.workbook_parts(rows)).kpis) == 2


def test_formula_results_libreoffice_saves_as_empty_text_read_as_blank(tmp_path):
    formula = hostile.Formula('IF(F2>E2*1.2,"超额较多","")', "")
    rows = [[*hostile.KPI_ROWS[0], "note", "prior_year"], [*hostile.KPI_ROWS[1], formula, formula]]
    (kpi,) = _load(tmp_path, hostile.workbook_parts(rows)).kpis
    assert (kpi.note, kpi.prior_year, kpi.actual) == (None, None, D("49.6"))


def test_formulas_and_errors_of_a_helper_column_are_its_own(tmp_path):
    rows = [
        [*hostile.KPI_ROWS[0], "完成率", "flag"],
        [*hostile.KPI_ROWS[1], hostile.Formula("F2/E2"), hostile.Formula("F2/0", "#DIV/0!", "e")],
        [
            *hostile.KPI_ROWS[2],
            hostile.Formula("F3/E3", "", "n"),
            hostile.Raw('t="e"', "<v>#N/A</v>"),
        ],
    ]
    report = _load(tmp_path, hostile.workbook_parts(rows))
    assert [k.actual for k in report.kpis] == [D("49.6"), D("48.5")]
    assert [w.code for w in report.warnings] == ["unknown_column", "unknown_column"]


def test_formulas_without_a_value_in_contract_columns_are_errors(tmp_path):
    rows = [
        [*hostile.KPI_ROWS[0], "prior_year"],
        [*hostile.KPI_ROWS[1][:5], hostile.Formula("E2*0.95"), hostile.Formula("E2*0.9", "", "n")],
        [hostile.Formula("A2"), *hostile.KPI_ROWS[2][1:]],
    ]
    errors = _errors(tmp_path, hostile.workbook_parts(rows))
    assert sorted((e.code, e.location.cell, e.message) for e in errors) == [
        ("formula_no_value", "A3", "a formula without a computed value (=A2)"),
        ("formula_no_value", "F2", "a formula without a computed value (=E2*0.95)"),
        ("formula_no_value", "G2", "a formula without a computed value (=E2*0.9)"),
    ]


def test_a_formula_above_the_header_is_ignored(tmp_path):
    rows = [[hostile.Formula("TODAY()")], *hostile.KPI_ROWS]
    assert len(_load(tmp_path, hostile.workbook_parts(rows)).kpis) == 2


def test_rows_and_cells_out_of_place_are_errors(tmp_path):
    (error,) = _errors(tmp_path, hostile.rows_out_of_order())
    assert (error.location.cell, error.message) == (
        "row 2", "row 2 comes after row 2 (rows out of order or twice)")  # fmt: skip
    wrong_row = [*hostile.KPI_ROWS, hostile._kpi_row("P09", hostile.Raw('r="B7"', "<v>1</v>"))]
    strings = hostile.SharedStrings()
    xml = hostile.sheet_xml(wrong_row, strings).replace(b'<c r="B4" r="B7"', b'<c r="B7"')
    (error,) = _errors(
        tmp_path, hostile.package({"kpis": xml}, strings.xml(), hostile.styles_xml())
    )
    assert (error.location.cell, error.message) == (
        "B4", "name: the cell cannot be read: the cell B7 sits in row 4")  # fmt: skip
    twice = hostile.sheet_xml(hostile.KPI_ROWS, strings).replace(
        b'<c r="F2"><v>49.6</v></c>', b'<c r="F2"><v>49.6</v></c><c r="F2"><v>1</v></c>'
    )
    (error,) = _errors(
        tmp_path, hostile.package({"kpis": twice}, strings.xml(), hostile.styles_xml())
    )
    assert (error.location.cell, error.message) == (
        "F2", "actual: the cell cannot be read: the cell is written twice")  # fmt: skip


def test_row_and_column_limits(tmp_path):
    (error,) = _errors(tmp_path, hostile.value_below_the_row_limit())
    assert (error.code, error.message) == ("too_many_rows", "more than 200,000 rows")
    wide = [[*hostile.KPI_ROWS[0][:3]], ["P01", "GMV", "亿元", "higher", 52]]  # E2 is column 5
    report = _load(tmp_path, hostile.workbook_parts(wide), max_columns=3)
    assert [w.code for w in report.warnings] == ["too_many_columns"]
    assert report.kpis[0].target is None  # the fifth column is not read


def test_far_cells_cost_only_what_they_hold(tmp_path, monkeypatch):
    """A cell in GR1 and one in H199990: the reader hands on 3 + 1 rows, not 199,990 × 200 cells."""
    from opsreport.io import sheets

    handed = []
    real = sheets.scan_sheet
    monkeypatch.setattr(sheets, "scan_sheet", lambda *a: (handed.append(r) or r for r in real(*a)))
    report = _load(tmp_path, hostile.far_cells_and_rows())
    assert [number for number, _ in handed] == [1, 2, 3, 199_990]
    assert sum(len(cells) for _, cells in handed) == 7 + 6 + 6 + 1
    assert len(report.kpis) == 2


@pytest.mark.parametrize(
    ("name", "warned"),
    [
        ("\u202eVMG", "direction controls (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        ("N\u200bPS", "invisible characters (U+200B ZERO WIDTH SPACE)"),
        (
            "\u2067GMV\u2069",
            "direction controls (U+2067 RIGHT-TO-LEFT ISOLATE, U+2069 POP DIRECTIONAL ISOLATE)",
        ),
    ],
)
def test_hidden_characters_in_a_name_are_removed_with_a_warning_naming_the_cell(
    tmp_path, name, warned
):
    parts = hostile.workbook_parts([*hostile.KPI_ROWS, hostile._kpi_row("P09", name)])
    report = _load(tmp_path, parts)
    (warning,) = [w for w in report.warnings if w.code == "hidden_characters"]
    assert warning.location.cell == "B4" and warned in warning.message
    assert report.kpis[2].name == name.translate(
        {0x202E: None, 0x200B: None, 0x2067: None, 0x2069: None}
    )


def test_joiners_that_scripts_need_are_kept_without_a_warning(tmp_path):
    family = "团队👨\u200d👩\u200d👧"  # zero-width joiners make one emoji
    parts = hostile.workbook_parts([*hostile.KPI_ROWS, hostile._kpi_row("P09", family)])
    report = _load(tmp_path, parts)
    assert report.kpis[2].name == family
    assert not [w for w in report.warnings if w.code == "hidden_characters"]


# --------------------------------------------------------------------------- limits (docs §6)
# One row per limit of docs/workbook.md §6: a file just beyond a lowered limit, the code and
# the message it gets. The real limits are kept by the hostile corpus (see the table).

GOOD_SIZE = len(hostile.zip_bytes(hostile.good_parts()))
GOOD_EXPANDED = sum(len(data) for data in hostile.good_parts().values())


def _title_then_header():
    return hostile.workbook_parts([["2026 指标"], *hostile.KPI_ROWS])


LIMITS = {
    # limit: (lowered value, the file's parts, severity, code, the message)
    "max_file_bytes": (1000, hostile.good_parts, "error", "file_too_large",
                       f"the file is too large ({GOOD_SIZE / 1024:.1f} KB; the limit is 1.0 KB)"),
    "max_zip_entries": (5, hostile.good_parts, "error", "zip_bomb", "the file holds 7 parts (limit 5)"),
    "max_uncompressed_bytes": (2048, hostile.good_parts, "error", "zip_bomb",
                               f"the file expands to {GOOD_EXPANDED / 1024:.1f} KB (limit 2.0 KB)"),
    "max_rows": (2, hostile.good_parts, "error", "too_many_rows", "more than 2 rows"),
    "max_columns": (5, hostile.good_parts, "warning", "too_many_columns",
                    "only the first 5 columns are read"),
    "header_search_rows": (1, _title_then_header, "error", "missing_column",
                           "no header row with the column name (指标) in the first 1 non-empty rows"),
    "max_merged_ranges": (3, lambda: hostile.too_many_merges(4), "error", "too_many_merges",
                          "more than 3 merged ranges; no workbook needs that many"),
    "max_style_records": (1, hostile.good_parts, "error", "too_many_styles",
                          "the style table (xl/styles.xml) holds more than 1 cell formats "
                          "(Excel holds at most 65,490 cell formats)"),
    "max_style_elements": (16, hostile.good_parts, "error", "too_many_styles",
                           "the style table (xl/styles.xml) holds 17 XML elements (limit 16)"),
    "max_shared_strings": (13, hostile.good_parts, "error", "too_many_strings",
                           "the shared-string table (xl/sharedStrings.xml) holds more than 13 texts"),
    "max_shared_strings_bytes": (512, hostile.good_parts, "error", "too_many_strings",
                                 "the shared-string table (xl/sharedStrings.xml) is "
                                 f"{len(hostile.good_parts()[hostile.STRINGS]) / 1024:.1f} KB "
                                 "(limit 0.5 KB)"),
}  # fmt: skip


@pytest.mark.parametrize("limit", sorted(LIMITS))
def test_limit(tmp_path, limit):
    value, make, severity, code, message = LIMITS[limit]
    try:
        report = _load(tmp_path, make(), **{limit: value})
        found = report.warnings
    except WorkbookError as exc:
        found = exc.diagnostics
    assert [(d.severity, d.code, d.message) for d in found if d.code == code] == [
        (severity, code, message)
    ]


def test_every_limit_is_in_the_docs_with_its_value_and_its_test():
    """§6 of docs/workbook.md names every field of Limits, its default and the test above."""
    import dataclasses

    from opsreport.io.limits import Limits

    from .conftest import ROOT

    doc = (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")
    limits = doc[doc.index("## 6. Limits") :]
    for field in dataclasses.fields(Limits):
        assert f"`{field.name}`" in limits, field.name
        assert f"test_limit[{field.name}]" in limits or field.name == "max_entry_ratio", field.name
    assert set(LIMITS) | {"max_entry_ratio"} == {f.name for f in dataclasses.fields(Limits)}


# The modules of io/ that read a workbook (schema is the contract; files and zipbounds serve
# other readers and writers too; worker_pipe is the worker processes' pipe).
LOADER_MODULES = ("workbook", "limits", "sniff", "package", "sheet_xml", "merges", "collector",
                  "sheets", "rows", "records", "drivers", "campaign_records")  # fmt: skip


def test_every_code_the_loader_gives_is_documented():
    import re

    from .conftest import ROOT

    others = {"__init__", "schema", "files", "sources", "zipbounds", "worker_pipe"}
    io_modules = {p.stem for p in (ROOT / "src" / "opsreport" / "io").glob("*.py")} - others
    assert io_modules == set(LOADER_MODULES), io_modules ^ set(LOADER_MODULES)
    source = "\n".join(  # the loader's modules (io/workbook.py composes them)
        (ROOT / "src" / "opsreport" / "io" / f"{module}.py").read_text(encoding="utf-8")
        for module in LOADER_MODULES
    )
    codes = (
        set(re.findall(r'code="([a-z_]+)"', source))  # collector.error(…, code="…")
        | set(
            re.findall(r'"([a-z]+(?:_[a-z]+)+)",?\s*\)', source)
        )  # WorkbookRefused(…, "…"), error(…)
        | set(re.findall(r'warn_once\(\s*"([a-z_]+)"', source))
    )
    doc = (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")
    assert codes >= {"damaged_part", "damaged_cell", "too_many_merges", "hidden_characters"}
    missing = sorted(code for code in codes if f"`{code}`" not in doc)
    assert not missing, missing


def test_reading_a_workbook_imports_neither_numpy_nor_pillow():
    """openpyxl imports numpy (~50 ms) to write numpy numbers and Pillow (~12 ms) for a
    sheet's pictures; reading cells needs neither, so they stay out of a Word build's main
    process. A picture chart drawn afterwards still imports Pillow as usual."""
    import subprocess
    import sys

    from .conftest import ZH_EXAMPLE

    code = (
        "import sys, opsreport\n"
        f"opsreport.analyze({str(ZH_EXAMPLE)!r})\n"
        "print('numpy' in sys.modules, 'PIL' in sys.modules)\n"
        "import PIL.Image\n"
        "print(PIL.Image.new('RGB', (1, 1)).size)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:2] == ["False False", "(1, 1)"]
