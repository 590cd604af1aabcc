"""Quarter targets with the arithmetic written out; tasks across boundaries; the draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from opsreport.app.analysis import analyze
from opsreport.app.plan import parse_quarter, render_plan_documents
from opsreport.engine.plan_targets import (
    quarter_bounds,
    quarter_targets,
    resource_kind,
    split_annual,
    tasks_in_quarter,
)
from opsreport.present.plan_context import plan_context

from . import builders as b
from .conftest import EN_EXAMPLE, ZH_EXAMPLE


def test_sum_even_split_puts_the_remainder_in_q4():
    quarters, method = split_annual(D(10), "sum", places=2)
    # 10 / 4 = 2.50 each; nothing left over
    assert quarters == [D("2.50"), D("2.50"), D("2.50"), D("2.50")] and method == "even"
    quarters, _ = split_annual(D(100), "sum", places=0)
    # 25, 25, 25 and the rest 25
    assert quarters == [25, 25, 25, 25]
    quarters, _ = split_annual(D(10), "sum", places=0)
    # 10/4 = 2.5 → 3 (half away from zero) three times = 9; Q4 takes the remainder 1
    assert quarters == [3, 3, 3, 1] and sum(quarters) == 10


def test_sum_seasonal_split_follows_this_years_quarters():
    # This year 1.62 / 1.88 / 2.05 / 2.82 (total 8.37); next year 9.5.
    weights = [D("1.62"), D("1.88"), D("2.05"), D("2.82")]
    quarters, method = split_annual(D("9.5"), "sum", weights=weights, places=2)
    # 9.5 × 1.62/8.37 = 1.8387… → 1.84; × 1.88/8.37 = 2.1338… → 2.13; × 2.05/8.37 = 2.3268… → 2.33
    # Q4 = 9.5 − (1.84 + 2.13 + 2.33) = 3.20
    assert quarters == [D("1.84"), D("2.13"), D("2.33"), D("3.20")]
    assert sum(quarters) == D("9.5") and method == "seasonal"


def test_last_is_a_path_from_baseline_to_year_end():
    quarters, method = split_annual(D(600), "last", baseline=D(486), places=0)
    # step (600 − 486) / 4 = 28.5: 514.5 → 515, 543, 571.5 → 572, and Q4 = 600
    assert quarters == [515, 543, 572, 600] and method == "path"
    falling, _ = split_annual(D(44), "last", baseline=D("48.5"), places=1)
    # step −1.125: 47.375 → 47.4, 46.25 → 46.3, 45.125 → 45.1, 44
    assert falling == [D("47.4"), D("46.3"), D("45.1"), D(44)]


def test_avg_quarters_average_to_the_annual_target():
    quarters, _ = split_annual(D(45), "avg", weights=[D(30), D(31), D(32), D(33)], places=1)
    # mean weight 31.5: 45 × 30/31.5 = 42.857 → 42.9; × 31/31.5 = 44.29 → 44.3; × 32/31.5 = 45.71 → 45.7
    # Q4 = 4 × 45 − (42.9 + 44.3 + 45.7) = 47.1
    assert quarters == [D("42.9"), D("44.3"), D("45.7"), D("47.1")]
    assert sum(quarters) / 4 == 45


def test_goal_quarter_targets_are_used_when_given():
    profit = b.kpi("直接利润", id="P01", unit="亿元", target=8, actual=8.37, next_target=9.5)
    members = b.kpi("会员数", id="U03", unit="万人", target=480, actual=486, aggregation="last")
    report = b.report(
        [profit, members],
        meta=b.meta(year=2026),
        goals=[
            b.goal("直接利润达到9.5亿元", kpi=profit, baseline="8.37", target="9.5",
                   quarters=("1.85", "2.15", "2.3", "3.2")),
            b.goal("会员规模突破600万人", kpi=members, baseline=486, target=600),
        ],
    )  # fmt: skip
    targets = {t.name: t for t in quarter_targets(b.metrics(report))}
    given = targets["直接利润达到9.5亿元"]  # 1.85 + 2.15 + 2.3 + 3.2 = 9.5
    assert given.method == "given" and sum(given.quarters) == given.annual == D("9.5")
    path = targets["会员规模突破600万人"]  # a stock: a path from 486 to 600
    assert path.method == "path" and path.quarters[-1] == 600


def test_every_sum_target_of_the_examples_adds_up():
    for workbook in (ZH_EXAMPLE, EN_EXAMPLE):
        for target in quarter_targets(analyze(workbook).metrics):
            if target.aggregation == "sum":
                assert sum(target.quarters) == target.annual, target.name
            elif target.aggregation == "avg":
                assert sum(target.quarters) / 4 == target.annual, target.name
            else:
                assert target.quarters[-1] == target.annual, target.name


def test_quarter_bounds_and_parsing():
    assert quarter_bounds(2027, 1) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert quarter_bounds(2027, 4) == (dt.date(2027, 10, 1), dt.date(2027, 12, 31))
    assert parse_quarter("Q3", 2027) == 3 and parse_quarter("2027Q2", 2027) == 2
    with pytest.raises(ValueError, match="plans 2027"):
        parse_quarter("2026Q2", 2027)
    with pytest.raises(ValueError):
        parse_quarter("Q5", 2027)


def test_tasks_across_a_quarter_boundary_belong_to_both():
    across = b.task("新客旅程", phase="执行期", start="2027-03-01", end="2027-04-15")
    inside = b.task("预算", phase="筹备期", start="2027-01-04", end="2027-01-22")
    later = b.task("双11", phase="冲刺期", start="2027-10-01", end="2027-11-15")
    undated = b.task("someday")
    tasks = [across, inside, later, undated]
    assert tasks_in_quarter(tasks, 2027, 1) == [across, inside]
    assert tasks_in_quarter(tasks, 2027, 2) == [across]
    assert tasks_in_quarter(tasks, 2027, 4) == [later]


def test_resources_per_quarter():
    assert (
        resource_kind("人") == "people"
        and resource_kind("万元") == "money"
        and resource_kind("套") == "other"
    )
    report = b.report(
        [b.kpi("直接利润", unit="亿元", target=8, actual=8.37)],
        meta=b.meta(year=2026, language="zh"),
        resources=[
            b.resource("人力", item="新增运营专员", amount=6, unit="人"),
            b.resource("预算", item="投放预算", amount=3200, unit="万元"),
            b.resource("预算", item="系统建设", amount=450, unit="万元"),
        ],
    )
    context = plan_context(b.analysis(report), 1, today=dt.date(2027, 1, 15))
    by_item = {r["item"]: r for r in context["plan"]["resources"]}
    assert by_item["投放预算"]["quarter"] == "800万元"  # 3,200万元 / 4
    assert by_item["系统建设"]["quarter"] == "112.5万元"  # 450 / 4
    assert by_item["新增运营专员"]["quarter"] == "6人"  # people are in post all quarter


def test_the_rendered_draft_carries_the_quarter():
    documents, _, _ = render_plan_documents(
        analyze(ZH_EXAMPLE), 1, ("md", "html"), charts=False, today=dt.date(2027, 1, 15)
    )
    text = documents["md"].decode()
    assert text.startswith("# 电商运营中心2027年第1季度运营计划")
    for heading in (
        "一、背景与现状",
        "二、问题界定",
        "三、本季度目标",
        "四、实施路径",
        "五、风险评估",
        "六、资源需求",
        "七、时间轴与里程碑",
    ):
        assert heading in text
    assert (
        "| 直接利润达到9.5亿元 | 8.37亿元 | 9.50亿元 | 1.85亿元 | 2.15亿元 | 2.30亿元 | 3.20亿元 | **1.85亿元** |"
        in text
    )
    assert "新客30天培育旅程上线 ↔" in text  # runs from March into April
    assert "2027-01-22 **年度目标发布**" in text
    english = render_plan_documents(analyze(EN_EXAMPLE), 4, ("md",), charts=False)[0]["md"].decode()
    assert "Targets for the quarter" in english and "Q4" in english


def test_one_plan_year_rule_names_the_file_and_heads_the_draft(
    basic_sheets, make_workbook, tmp_path
):
    """plan_year, else year + 1, else the current year: file name, heading, quarter dates
    and a ``2027Q1`` asked for all follow draft_year (a workbook without a year wrote
    ``noyear-plan-Q1.md`` headed with today's year)."""
    import opsreport
    from opsreport.engine.plan_targets import draft_year
    from opsreport.errors import UsageError

    basic_sheets["meta"] = [row for row in basic_sheets["meta"] if row[0] != "year"]
    workbook = make_workbook(basic_sheets, name="noyear.xlsx")
    analysis = analyze(workbook)
    assert analysis.report.meta.year is None and analysis.report.meta.plan_year is None
    today = dt.date(2031, 12, 1)
    assert draft_year(analysis.report, today) == 2031  # neither year: the current year
    out = tmp_path / "plans"
    (written,) = opsreport.build_plan(
        workbook, "2031Q2", output=out, formats="md", charts=False, today=today
    )
    assert written.name == "noyear-plan-2031Q2.md"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Q2 2031 operations plan\n\nPeriod: 2031-04-01 – 2031-06-30")
    context = opsreport.template_context(analysis, quarter="Q2")
    assert context["plan"]["year"] == draft_year(analysis.report)  # today's real year
    # The report's title and meta follow the same rule (the title read "…与年工作计划").
    report = opsreport.template_context(analysis)
    assert report["meta"]["plan_year"] == draft_year(analysis.report)
    basic_sheets["meta"] = [row for row in basic_sheets["meta"] if row[0] != "title"]
    untitled = analyze(make_workbook(basic_sheets, name="untitled.xlsx"))
    title = opsreport.template_context(untitled)["meta"]["title"]
    year = draft_year(untitled.report)
    assert f"review and {year} plan" in title or f"与{year}年工作计划" in title, title
    with pytest.raises(UsageError) as refused:
        opsreport.build_plan(workbook, "2032Q1", output=out, formats="md", today=today)
    assert str(refused.value) == (
        "2032Q1: the workbook plans 2031, not 2032 (the workbook has no year or plan_year"
        " in meta: it plans the current year)"
    )

    basic_sheets["meta"].append(["year", 2026])  # year + 1, whatever the day
    workbook = make_workbook(basic_sheets, name="year.xlsx")
    (written,) = opsreport.build_plan(
        workbook, 1, output=out, formats="md", charts=False, today=today
    )
    assert written.name == "year-plan-2027Q1.md"
    assert written.read_text(encoding="utf-8").startswith(
        "# Q1 2027 operations plan\n\nPeriod: 2027-01-01 – 2027-03-31"
    )
