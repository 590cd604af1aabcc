"""Quarter targets with the arithmetic written out; tasks across boundaries; the draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from opsreport.app.analysis import analyze
from opsreport.app.plan import parse_quarter, render_plan_documents
from opsreport.engine.plan_targets import (
    average_path_end,
    quarter_bounds,
    quarter_targets,
    resource_kind,
    split_annual,
    tasks_in_quarter,
)
from opsreport.present.plan_context import plan_context

from . import builders as b
from .conftest import EN_EXAMPLE, ZH_EXAMPLE


def test_sum_even_split_spreads_the_remainder_by_largest_remainder():
    quarters, method = split_annual(D(10), "sum", places=2)
    # 10 / 4 = 2.50 each; nothing left over
    assert quarters == [D("2.50"), D("2.50"), D("2.50"), D("2.50")] and method == "even"
    quarters, _ = split_annual(D(100), "sum", places=0)
    # 25, 25, 25, 25
    assert quarters == [25, 25, 25, 25]
    quarters, _ = split_annual(D(10), "sum", places=0)
    # 10/4 = 2.5 each: floors 2 × 4 = 8, 2 units left, equal remainders → Q1 and Q2.
    # (The old expectation 3, 3, 3, 1 was the bug: Q4 took the whole rounding remainder.)
    assert quarters == [3, 3, 2, 2] and sum(quarters) == 10
    quarters, _ = split_annual(D(55), "sum", places=2)
    # 55 / 4 = 13.75 each at the 2 places split_places(55) gives (was 14/14/14/13 at 0)
    assert quarters == [D("13.75")] * 4


def test_sum_seasonal_split_follows_this_years_quarters():
    # This year 1.62 / 1.88 / 2.05 / 2.82 (total 8.37); next year 9.5, 2 places.
    weights = [D("1.62"), D("1.88"), D("2.05"), D("2.82")]
    quarters, method = split_annual(D("9.5"), "sum", weights=weights, places=2)
    # exact shares 9.5 × 1.62/8.37 = 1.8387…, × 1.88/8.37 = 2.1338…, × 2.05/8.37 = 2.3268…,
    # × 2.82/8.37 = 3.2007…; floors 1.83 + 2.13 + 2.32 + 3.20 = 9.48, 2 units of 0.01 left
    # → the largest remainders, Q1 (.87) and Q3 (.68): 1.84, 2.13, 2.33, 3.20
    assert quarters == [D("1.84"), D("2.13"), D("2.33"), D("3.20")]
    assert sum(quarters) == D("9.5") and method == "seasonal"


def test_last_is_a_path_from_baseline_to_year_end():
    quarters, method = split_annual(D(600), "last", baseline=D(486), places=0, direction="higher")
    # step (600 − 486) / 4 = 28.5: 514.5 → 515 (up), 543, 571.5 → 572 (up), and Q4 = 600
    assert quarters == [515, 543, 572, 600] and method == "path"
    falling, _ = split_annual(D(44), "last", baseline=D("48.5"), places=1, direction="lower")
    # step −1.125: 47.375 → 47.3, 46.25 → 46.2, 45.125 → 45.1 (down: lower is better), 44.
    # (The old 47.4 / 46.3 were rounded half-up: looser than the straight line.)
    assert falling == [D("47.3"), D("46.2"), D("45.1"), D(44)]
    renewal, _ = split_annual(D(60), "last", baseline=D(41), places=2, direction="higher")
    # step (60 − 41) / 4 = 4.75: 45.75, 50.5, 55.25, 60 (was 46 / 51 / 55 / 60 at 0 places)
    assert renewal == [D("45.75"), D("50.5"), D("55.25"), D(60)]
    days, _ = split_annual(D(35), "last", baseline=D(41), places=1, direction="lower")
    # step (35 − 41) / 4 = −1.5: 39.5, 38, 36.5, 35 (was 40 / 38 / 37 / 35 at 0 places)
    assert days == [D("39.5"), D(38), D("36.5"), D(35)]


def test_avg_without_baseline_averages_to_the_annual_target():
    quarters, method = split_annual(
        D(45), "avg", weights=[D(30), D(31), D(32), D(33)], places=1, direction="higher"
    )
    # mean weight 31.5: 45 × 30/31.5 = 42.857 → 42.9 (up); × 31/31.5 = 44.286 → 44.3;
    # × 32/31.5 = 45.714 → 45.8; × 33/31.5 = 47.143 → 47.2. Mean 180.2 / 4 = 45.05: stricter
    # than 45 by less than 0.1. (The old 45.7 / 47.1 made Q4 take the remainder, and
    # rounded Q3 down: a looser target.)
    assert quarters == [D("42.9"), D("44.3"), D("45.8"), D("47.2")] and method == "seasonal"
    assert D(45) <= sum(quarters) / 4 < D("45.1")
    flat, method = split_annual(D(8), "avg", places=0, direction="lower")
    assert flat == [8, 8, 8, 8] and method == "flat"  # no baseline, no seasonality


def test_avg_with_baseline_is_a_path_that_averages_to_the_target():
    # renewal 41% → 48% avg: the path from 41 must end at E = (8 × 48 − 3 × 41) / 5
    # = (384 − 123) / 5 = 52.2; step (52.2 − 41) / 4 = 2.8: 43.8, 46.6, 49.4, 52.2;
    # mean (43.8 + 46.6 + 49.4 + 52.2) / 4 = 192 / 4 = 48 exactly
    assert average_path_end(D(41), D(48)) == D("52.2")
    quarters, method = split_annual(
        D(48), "avg", baseline=D(41), places=1, direction="higher", unit="%"
    )
    assert quarters == [D("43.8"), D("46.6"), D("49.4"), D("52.2")] and method == "path"
    assert sum(quarters) / 4 == 48


def test_avg_path_that_cannot_be_walked_holds_the_target():
    # 缺货率 31% → 8% avg: E = (8 × 8 − 3 × 31) / 5 = (64 − 93) / 5 = −5.8: a stock-out
    # rate below zero; no straight path from 31 averages 8, so each quarter holds 8
    quarters, method = split_annual(
        D(8), "avg", baseline=D(31), places=1, direction="lower", unit="%"
    )
    assert quarters == [8, 8, 8, 8] and method == "unreachable"
    # a percentage past 100: 90% → 98% avg ends at (784 − 270) / 5 = 102.8%
    _, method = split_annual(D(98), "avg", baseline=D(90), places=1, direction="higher", unit="%")
    assert method == "unreachable"
    # not a percentage: 90 → 98 points of anything may end at 102.8
    quarters, method = split_annual(D(98), "avg", baseline=D(90), places=1, direction="higher")
    # step (102.8 − 90) / 4 = 3.2: 93.2, 96.4, 99.6, 102.8; mean 392 / 4 = 98
    assert quarters == [D("93.2"), D("96.4"), D("99.6"), D("102.8")] and method == "path"


def test_quarter_targets_keep_the_meaning_of_the_annual_target():
    gmv = b.kpi("GMV", id="P02", unit="亿元", target=50, actual=49, next_target=55)
    renewal = b.kpi("续费率", unit="%", target=45, actual=41, next_target=60, aggregation="last")
    days = b.kpi(
        "库存周转天数",
        unit="天",
        direction="lower",
        target=40,
        actual=41,
        next_target=35,
        aggregation="last",
    )
    report = b.report([gmv, renewal, days], meta=b.meta(year=2026))  # fmt: skip
    targets = {t.name: t for t in quarter_targets(b.metrics(report))}
    # 55 / 4 = 13.75: 2 places, all four equal, an even placeholder (no periods)
    assert targets["GMV"].quarters == (D("13.75"),) * 4 and targets["GMV"].places == 2
    assert targets["GMV"].method == "even" and targets["GMV"].season_year is None
    # 41 → 60: step 4.75 (2 places)
    assert targets["续费率"].quarters == (D("45.75"), D("50.5"), D("55.25"), D(60))
    assert targets["续费率"].places == 2
    # 41 → 35 days: step −1.5 (1 place)
    assert targets["库存周转天数"].quarters == (D("39.5"), D(38), D("36.5"), D(35))
    assert targets["库存周转天数"].places == 1


def _gmv_report(periods):
    gmv = b.kpi("GMV", id="P02", unit="亿元", target=50, actual=49, next_target=55)
    return b.report([gmv], meta=b.meta(year=2026), periods=periods)


def test_seasonality_comes_from_the_plan_year_then_this_year_then_the_prior_year():
    this_year = [
        b.period("P02", f"2026Q{q}", actual=a)
        for q, a in zip(range(1, 5), (10, 12, 11, 16), strict=True)
    ]
    prior_year = [
        b.period("P02", f"2025Q{q}", actual=a)
        for q, a in zip(range(1, 5), (8, 9, 9, 14), strict=True)
    ]
    plan_year = [b.period("P02", f"2027Q{q}", target=t) for q, t in zip(range(1, 5), (1, 1, 1, 2), strict=True)]  # fmt: skip
    [gmv] = quarter_targets(b.metrics(_gmv_report([*this_year, *prior_year, *plan_year])))
    # 2027's typed quarter targets 1 / 1 / 1 / 2 (sum 5): 55 × 1/5 = 11, 11, 11, 55 × 2/5 = 22
    assert gmv.quarters == (11, 11, 11, 22) and gmv.method == "seasonal"
    assert gmv.season_year == 2027
    [gmv] = quarter_targets(b.metrics(_gmv_report([*this_year, *prior_year])))
    # 2026's actuals 10 / 12 / 11 / 16 (sum 49), at 2 places: 55 × 10/49 = 11.2244…,
    # × 12/49 = 13.4693…, × 11/49 = 12.3469…, × 16/49 = 17.9591…; floors 11.22 + 13.46 +
    # 12.34 + 17.95 = 54.97, 3 units left → remainders .44, .93, .69, .91 → Q2, Q4, Q3
    assert gmv.quarters == (D("11.22"), D("13.47"), D("12.35"), D("17.96"))
    assert sum(gmv.quarters) == 55 and gmv.season_year == 2026
    [gmv] = quarter_targets(b.metrics(_gmv_report(prior_year)))
    # only 2025's actuals 8 / 9 / 9 / 14 (sum 40): 55 × 8/40 = 11, × 9/40 = 12.375 → 12.37
    # or .38: floors 11 + 12.37 + 12.37 + 19.25 = 54.99, 1 unit left, Q2/Q3 tie → Q2
    assert gmv.quarters == (11, D("12.38"), D("12.37"), D("19.25"))
    assert gmv.season_year == 2025
    prior_column = [b.period("P02", f"2026Q{q}", prior_year=a) for q, a in zip(range(1, 5), (8, 9, 9, 14), strict=True)]  # fmt: skip
    [gmv] = quarter_targets(b.metrics(_gmv_report(prior_column)))
    # the prior_year column of 2026's rows is 2025's shape: the same figures as above
    assert gmv.quarters == (11, D("12.38"), D("12.37"), D("19.25")) and gmv.season_year == 2025


def test_the_draft_labels_the_even_placeholder_and_the_season_year():
    from opsreport.present.plan_context import target_texts

    even = {t.fields["name"]: t for t in target_texts(b.metrics(_gmv_report([])), "zh")}
    assert even["GMV"].fields["method"] == "平均拆分（暂无季节性数据，待补充）"
    assert (
        even["GMV"].quarters == ("13.75亿元",) * 4 and even["GMV"].fields["annual"] == "55.00亿元"
    )
    rows = [b.period("P02", f"2026Q{q}", actual=a) for q, a in zip(range(1, 5), (10, 12, 11, 16), strict=True)]  # fmt: skip
    seasonal = target_texts(b.metrics(_gmv_report(rows)), "en")
    assert seasonal[0].fields["method"] == "by 2026 seasonality"
    renewal = b.kpi("续费率", unit="%", target=45, actual=41, next_target=48, aggregation="avg")
    [avg] = target_texts(b.metrics(b.report([renewal], meta=b.meta(year=2026))), "zh")
    # an avg path ends past the target (41 → 48: Q4 52.2%): its label says the quarters average it
    assert avg.fields["method"] == "自基线起的直线路径（四季平均为全年目标）"
    assert avg.quarters == ("43.8%", "46.6%", "49.4%", "52.2%")


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
            mean = sum(target.quarters) / 4
            if target.aggregation == "sum":
                assert sum(target.quarters) == target.annual, target.name
            elif target.aggregation == "avg" and target.method in {"path", "given", "flat"}:
                assert mean == target.annual, target.name  # exact paths: see test_avg_with…
            elif target.aggregation == "avg":  # shaped: stricter by less than one unit
                unit = D(1).scaleb(-target.places)
                assert (
                    0 <= (mean - target.annual) * (1 if target.direction == "higher" else -1) < unit
                )
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
    assert "| 直接利润达到9.5亿元 | 8.37 | 9.50 | 1.85 | 2.15 | 2.30 | 3.20 | **1.85** |" in text
    assert "亿元（亿元）" not in text  # the goal gives its unit once
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
