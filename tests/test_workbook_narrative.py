"""The narrative columns of the workbook contract: benchmark, growth target, drivers, value,
the meta's company goals, mandate and date, and the goals' base (issue 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from opsreport.errors import WorkbookError
from opsreport.io.drivers import split_drivers
from opsreport.io.workbook import load_report

HEADER = ["id", "name", "unit", "direction", "target", "actual", "prior_year"]


def _kpis(*rows: list[Any], extra: tuple[str, ...] = ()) -> list[list[Any]]:
    return [HEADER + list(extra), *rows]


def _errors(exc: pytest.ExceptionInfo[WorkbookError]) -> list[str]:
    return [str(d) for d in exc.value.diagnostics if d.severity == "error"]


def _warnings(report: Any) -> list[str]:
    return [str(d) for d in report.warnings]


def test_benchmark_growth_and_drivers_reach_the_record(make_workbook) -> None:
    path = make_workbook(
        {
            "kpis": _kpis(
                ["P01", "利润率", "%", "越高越好", None, 14.8, 11.2, 15, "行业均值", "+3", "B01"],
                ["B01", "自有品牌占比", "%", "越高越好", 40, 41, 28, None, None, None, None],
                ["E01", "人效", "万元", "越高越好", None, 134.6, 100, None, None, "30%", None],
                ["V01", "续费率", "%", "越高越好", 45, 41, 38, 55, None, "3个百分点", "P01、B01"],
                extra=("benchmark", "benchmark_name", "target_growth", "drivers"),
            ),
        }
    )
    report = load_report(path)
    margin, brand, efficiency, renewal = report.kpis
    assert margin.benchmark == D(15) and margin.benchmark_name == "行业均值"
    assert margin.target_growth == D(3)  # a rate: +3 is three percentage points
    assert margin.drivers == ("B01",)
    assert brand.benchmark is None and brand.benchmark_name is None  # blank stays None
    assert brand.target_growth is None and brand.drivers == ()
    assert efficiency.target_growth == D(30)  # an amount: 30% is thirty percent
    assert renewal.target_growth == D(3) and renewal.drivers == ("P01", "B01")
    assert not report.warnings


def test_chinese_headers_and_a_percent_formatted_growth(make_workbook) -> None:
    path = make_workbook(
        {
            "指标": [
                [
                    "编号",
                    "指标名称",
                    "单位",
                    "上年",
                    "实际",
                    "行业基准",
                    "基准口径",
                    "目标增幅",
                    "驱动指标",
                    "备注",
                ],
                ["E01", "人效", "万元", 100, 134.6, None, None, 0.3, None, "按全年平均人数"],
                ["E02", "素材生命周期", "天", 9, 7, 14, "行业均值", None, "人效", None],
            ]
        },
        formats={("指标", "H2"): "0%"},
    )
    report = load_report(path)
    efficiency, lifetime = report.kpis
    assert efficiency.target_growth == D(30)  # 0.3 shown as 30% is thirty percent
    assert efficiency.note == "按全年平均人数"  # the note reaches the record
    assert lifetime.benchmark == D(14) and lifetime.benchmark_name == "行业均值"
    assert lifetime.drivers == ("E01",)  # by name


def test_growth_spellings_are_refused_when_ambiguous(make_workbook) -> None:
    path = make_workbook(
        {
            "kpis": _kpis(
                ["R01", "续费率", "%", None, None, 41, 38, "3%"],
                ["A01", "GMV", "亿元", None, None, 8, 6, "3个百分点"],
                extra=("target_growth",),
            )
        },
        name="growth.xlsx",
    )
    with pytest.raises(WorkbookError) as exc:
        load_report(path)
    errors = _errors(exc)
    assert any("growth.xlsx › kpis › H2: target_growth: a percent ('3%') on a rate KPI" in e
               for e in errors), errors  # fmt: skip
    assert any("kpis › H3: target_growth: percentage points ('3个百分点') on a KPI in 亿元" in e
               for e in errors), errors  # fmt: skip


def test_growth_warnings_plain_fraction_and_no_prior_year(make_workbook) -> None:
    path = make_workbook(
        {
            "kpis": _kpis(
                ["A01", "GMV", "亿元", None, None, 8, 6, 0.3],
                ["A02", "新客数", "万人", None, None, 80, None, "20%"],
                extra=("target_growth",),
            )
        }
    )
    report = load_report(path)
    assert report.kpis[0].target_growth == D("0.3")  # said back: +0.3%, not 30%
    assert report.kpis[1].target_growth == D(20)  # kept: the engine makes no target from it
    warnings = _warnings(report)
    assert any("kpis › H2: target_growth: 0.3 is read as +0.3%" in w for w in warnings), warnings
    assert any(
        "kpis › H3: target_growth: the KPI has no prior year, so the growth target makes no target"
        in w
        for w in warnings
    ), warnings


def test_split_drivers_takes_three_separators_and_drops_blanks() -> None:
    assert split_drivers("A, B，C、 D ,") == ("A", "B", "C", "D")


def test_driver_errors_name_the_cell(make_workbook) -> None:
    path = make_workbook(
        {
            "kpis": _kpis(
                ["A", "甲", "%", None, None, 1, 1, "B, X1, X2, X3, X4"],
                ["B", "乙", "%", None, None, 1, 1, "乙"],
                ["C", "丙", "%", None, None, 1, 1, "A, A"],
                extra=("drivers",),
            )
        },
        name="drivers.xlsx",
    )
    with pytest.raises(WorkbookError) as exc:
        load_report(path)
    text = "\n".join(str(d) for d in exc.value.diagnostics)
    assert "drivers.xlsx › kpis › H2: drivers: unknown KPI 'X1', 'X2', 'X3' and 1 more" in text
    assert "kpis › H3: drivers: '乙' names itself as its own driver" in text
    assert "kpis › H4: drivers: 'A' named twice; each counts once" in text  # a warning


def test_a_driver_cycle_is_named(make_workbook) -> None:
    path = make_workbook(
        {
            "kpis": _kpis(
                ["A", "甲", "%", None, None, 1, 1, "B"],
                ["B", "乙", "%", None, None, 1, 1, "C"],
                ["C", "丙", "%", None, None, 1, 1, "A"],
                ["D", "丁", "%", None, None, 1, 1, "A"],
                extra=("drivers",),
            )
        }
    )
    with pytest.raises(WorkbookError) as exc:
        load_report(path)
    errors = _errors(exc)
    assert len(errors) == 1, errors  # one cycle, said once (D only hangs off it)
    assert "kpis › H4: drivers: a cycle A → B → C → A" in errors[0]


def test_value_sheet_rows(make_workbook) -> None:
    path = make_workbook(
        {
            "kpis": _kpis(["M01", "营销费用率", "%", "越低越好", 13, 11.4, 15.6]),
            "价值": [
                ["关联指标", "价值", "金额", "单位", "类型"],
                ["M01", "释放费用空间", 3.1, "亿元", "节省"],
                ["营销费用率", "节省投放费", "1.1亿", "亿元", "saving"],
                ["M01", "直接损失销售额", 1.2, "亿元", "损失"],
            ],
        }
    )
    report = load_report(path)
    assert [(v.kpi, v.label, v.amount, v.unit, v.kind) for v in report.values] == [
        ("M01", "释放费用空间", D("3.1"), "亿元", "saving"),
        ("M01", "节省投放费", D("1.1"), "亿元", "saving"),
        ("M01", "直接损失销售额", D("1.2"), "亿元", "loss"),
    ]
    assert report.values[0].location is not None and report.values[0].location.row == 2
    assert "value" in report.sheets


def test_value_row_errors_name_the_cell(make_workbook) -> None:
    path = make_workbook(
        {
            "kpis": _kpis(["M01", "营销费用率", "%", "越低越好", 13, 11.4, 15.6]),
            "value": [
                ["kpi", "label", "amount", "unit", "kind"],
                ["M01", "释放费用空间", None, "亿元", "saving"],
                ["Z9", "节省投放费", 1.1, "亿元", "saving"],
                ["M01", "现金流", 2.9, "亿元", "windfall"],
                [None, "无指标", 1, "亿元", "gain"],
                ["M01", None, 1, "亿元", "gain"],
                ["M01", "负数", -1, "亿元", "loss"],
            ],
        },
        name="value.xlsx",
    )
    with pytest.raises(WorkbookError) as exc:
        load_report(path)
    text = "\n".join(_errors(exc))
    assert "value.xlsx › value › C2: a value row without an amount" in text
    assert "value › A3: kpi: unknown KPI 'Z9'" in text
    assert "value › E4: kind: unknown value kind ('windfall')" in text
    assert "value › A5: a value row without its KPI" in text
    assert "value › B6: a value row without its label" in text
    assert "value › C7: amount: a negative amount (-1)" in text


def test_a_value_without_unit_is_a_warning(make_workbook) -> None:
    path = make_workbook(
        {
            "kpis": _kpis(["M01", "营销费用率", "%", "越低越好", 13, 11.4, 15.6]),
            "value": [["kpi", "label", "amount", "kind"], ["M01", "释放费用空间", 3.1, "saving"]],
        }
    )
    report = load_report(path)
    assert report.values[0].unit == ""
    assert any("a value without a unit: it is left out of the totals" in w
               for w in _warnings(report))  # fmt: skip


def test_meta_company_goals_mandate_date_and_goal_base(make_workbook) -> None:
    path = make_workbook(
        {
            "概况": [
                ["项目", "内容"],
                ["年度", 2026],
                ["公司目标", "全年新增利润12亿元"],
                ["部门目标", "利润增量8亿元"],
                ["报告日期", "2027-01-15"],
            ],
            "kpis": _kpis(["P01", "直接利润", "亿元", None, 8, 8.37, 6.42]),
            "目标": [
                ["目标描述", "关联指标", "目标值", "占比基数", "基数名称"],
                ["直接利润达到10亿元", "P01", 10, 12, "公司新增利润"],
            ],
        }
    )
    report = load_report(path)
    assert report.meta.company_goals == "全年新增利润12亿元"
    assert report.meta.mandate == "利润增量8亿元"
    assert report.meta.date == dt.date(2027, 1, 15)
    goal = report.goals[0]
    assert goal.base == D(12) and goal.base_name == "公司新增利润"


def test_a_bad_report_date_names_the_cell(make_workbook) -> None:
    path = make_workbook(
        {
            "meta": [["key", "value"], ["date", "someday"]],
            "kpis": _kpis(["P01", "直接利润", "亿元", None, 8, 8.37, 6.42]),
        }
    )
    with pytest.raises(WorkbookError) as exc:
        load_report(path)
    assert any("meta › B2: date:" in e for e in _errors(exc)), _errors(exc)
