"""The test builders are faithful: a workbook loaded and the same rows built compute and
render alike. This is the test that fails when tests/builders.py drifts from the loader."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from opsreport.core.periods import Period
from opsreport.core.records import Location, Report
from opsreport.engine.metrics import compute
from opsreport.io.workbook import load_report
from opsreport.present.report_context import build_context

from . import builders as b

TODAY = dt.date(2027, 1, 15)


def _alike(loaded: Report, built: Report) -> None:
    """Equal records, equal engine figures, equal contexts in both languages."""
    for field in dataclasses.fields(Report):
        assert getattr(built, field.name) == getattr(loaded, field.name), field.name
    assert loaded.warnings == []  # so equal warnings mean nothing was left out
    figures, rebuilt = compute(loaded), compute(built)
    assert rebuilt.results == figures.results
    assert rebuilt == figures  # groups, quarters, breakdowns, goals, risks, resources too
    for lang in ("zh", "en"):
        assert build_context(rebuilt, lang, today=TODAY) == build_context(
            figures, lang, today=TODAY
        )


def test_the_basic_workbook(basic_sheets: dict[str, list[list[Any]]], make_workbook: Any) -> None:
    """The conftest workbook: an amount with a base, a lower-is-better KPI, a rate."""
    path = make_workbook(basic_sheets)
    built = b.report(
        [
            b.kpi(
                "直接利润",
                id="P01",
                group="利润",
                unit="亿元",
                direction="越高越好",
                target=8,
                actual=8.37,
                prior_year=6.42,
                next_target=9.5,
                base=20,
            ),
            b.kpi(
                "库存周转天数",
                id="E01",
                group="效率",
                unit="天",
                direction="越低越好",
                target=45,
                actual=48.5,
                prior_year=52,
                next_target=42,
            ),
            b.kpi(
                "复购率",
                id="U01",
                group="用户",
                unit="%",
                direction="higher",
                target=30,
                actual=31.5,
                prior_year=29.5,
                next_target=33,
            ),
        ],
        meta=b.meta(title="Test", year=2026, language="en"),
        source=path,
    )
    _alike(load_report(path), built)
    # The figures the builders keep exactly: 8.37 is 8.37; the rate's ΔPL is 31.5 − 30 = 1.5 pp.
    assert built.kpis[0].actual == D("8.37") and built.kpis[0].key == "P01"
    assert compute(built).result("U01").var_target == D("1.5")
    assert built.kpis[1].sign == -1 and built.kpis[2].aggregation == "last"  # a rate ends at Q4
    assert built.meta.plan_year == 2027  # year + 1
    assert built.kpis[0].location == Location(str(path), "kpis", 2)


def _full_sheets() -> dict[str, list[list[Any]]]:
    """Every sheet, under Chinese titles, with what the loader resolves or infers."""
    return {
        "概况": [["key", "value"], ["title", "电商运营"], ["org", "电商中心"], ["year", "2026年"],
                 ["language", "中文"], ["author", "李四"], ["team_size", 12]],
        "指标": [
            ["id", "name", "group", "unit", "direction", "target", "actual", "prior_year",
             "next_target", "base", "aggregation", "weight", "owner", "source", "note"],
            ["G01", "GMV", "规模", "亿元", "越高越好", 52, 49.6, 41.3, 58, None, None, 2, "张三",
             "BI", "含直播"],
            ["M01", "毛利率", "利润", "%", "higher", 23, 24.1, 21.8, 25, None, None, 1, None,
             "ERP", None],
            ["D01", "库存周转天数", "效率", "天", "越低越好", 45, 48.5, 52, 42, None, None, None,
             None, "WMS", None],
            ["C01", "客单价", "用户", "元", None, 180, 172.5, 170, None, None, "平均", None,
             None, None, None],
            ["R01", "营收", "规模", "万元", None, 50000, 47000, 42000, 56000, None, None, None,
             None, None, None],
            [None, "  访客数 ", "用户", "万人", None, None, 5200, 4800, None, None, None, None,
             None, None, "第一行\n第二行"],
        ],
        "季度": [
            ["kpi", "period", "actual", "target", "prior_year"],
            ["GMV", "Q1", 10.2, 11, 8.5],
            ["G01", "2026Q2", 11.8, 12.5, 9.7],
            ["gmv", "Q3", 12.1, 13, 10.3],
            ["GMV", "Q4", 15.5, 15.5, 12.8],
            ["毛利率", "Q1", 23.5, 23, None],
            ["毛利率", "Q2", 24.1, 23, None],
            ["访客数", "2026-01", 1700, None, None],
            ["访客数", "2026-02", 1650, None, None],
        ],
        "结构": [
            ["dimension", "item", "kpi", "actual", "prior_year", "target"],
            ["渠道", "直播", "G01", 20.1, 12.4, 21],
            ["渠道", "货架", "GMV", 29.5, 28.9, 31],
        ],
        "问题": [
            ["area", "problem", "kpi", "subjective", "objective", "impact", "action"],
            ["流量", "直播转化低\n投放浪费", "GMV", "选品", "平台规则", "GMV −2.4亿", "复盘"],
            ["组织", "人手不足", None, None, None, None, None],
        ],
        "目标": [
            ["goal", "kpi", "baseline", "target", "unit", "direction", "deadline", "owner",
             "measure", "aligns_to", "q1", "q2", "q3", "q4"],
            ["GMV达到58亿元", "GMV", None, 58, None, None, dt.date(2027, 12, 31), "张三", "BI",
             "规模增长", 12, 13.5, 14.5, 18],
            ["周转降到42天", "D01", None, 42, None, None, dt.date(2027, 12, 31), None, None,
             "效率", None, None, None, None],
            ["营收5.6亿", "营收", None, 56000, None, "higher", dt.date(2027, 6, 30), None, None,
             None, None, None, None, None],
            ["提升品牌影响力", None, None, None, None, None, None, None, None, None, None, None,
             None, None],
        ],
        "任务": [
            ["phase", "task", "start", "end", "owner", "milestone", "deliverable"],
            ["筹备期", "预算", dt.date(2027, 1, 4), dt.date(2027, 1, 22), "王五", "年度目标发布",
             None],
            ["执行期", "新客旅程", dt.date(2027, 3, 1), dt.date(2027, 4, 15), None, None,
             "旅程上线"],
        ],
        "风险": [
            ["risk", "category", "likelihood", "impact", "kpi", "threshold", "response", "owner"],
            ["库存积压", "供应链", "高", 4, "库存周转天数", "> 47", "清仓", "赵六"],
            ["GMV不达标", "市场", 2, 3, "G01", "dev > 8%", None, None],
            ["营收下滑", "市场", 3, 5, "营收", "< 4.7亿", None, None],
            ["政策变化", "外部", 1, 2, None, None, None, None],
        ],
        "资源": [
            ["category", "item", "amount", "unit", "note"],
            ["人力", "新增运营专员", 6, "人", None],
            [None, "投放预算", 3200, "万元", "按季度拨付"],
            ["系统", "系统建设", 450, "万元", None],
        ],
    }  # fmt: skip


TITLES = {"meta": "概况", "kpis": "指标", "periods": "季度", "breakdown": "结构",
          "problems": "问题", "goals": "目标", "tasks": "任务", "risks": "风险",
          "resources": "资源"}  # fmt: skip


def _full_report(source: Path) -> Report:
    gmv = b.kpi("GMV", id="G01", group="规模", unit="亿元", direction="越高越好", target=52,
                actual=49.6, prior_year=41.3, next_target=58, weight=2, owner="张三",
                source="BI", note="含直播")  # fmt: skip
    return b.report(
        [
            gmv,
            b.kpi(
                "毛利率",
                id="M01",
                group="利润",
                unit="%",
                target=23,
                actual=24.1,
                prior_year=21.8,
                next_target=25,
                weight=1,
                source="ERP",
            ),
            b.kpi(
                "库存周转天数",
                id="D01",
                group="效率",
                unit="天",
                direction="lower",
                target=45,
                actual=48.5,
                prior_year=52,
                next_target=42,
                source="WMS",
            ),
            b.kpi(
                "客单价",
                id="C01",
                group="用户",
                unit="元",
                target=180,
                actual=172.5,
                prior_year=170,
                aggregation="平均",
            ),
            b.kpi(
                "营收",
                id="R01",
                group="规模",
                unit="万元",
                target=50000,
                actual=47000,
                prior_year=42000,
                next_target=56000,
            ),
            b.kpi(
                "  访客数 ",
                group="用户",
                unit="万人",
                actual=5200,
                prior_year=4800,
                note="第一行\n第二行",
            ),
        ],
        meta=b.meta(
            title="电商运营",
            org="电商中心",
            year=2026,
            language="zh",
            author="李四",
            extra={"team_size": "12"},
        ),
        periods=[
            b.period(gmv, "Q1", actual=10.2, target=11, prior_year=8.5),
            b.period("G01", "2026Q2", actual=11.8, target=12.5, prior_year=9.7),
            b.period("gmv", "Q3", actual=12.1, target=13, prior_year=10.3),
            b.period("GMV", Period(2026, 4), actual=15.5, target=15.5, prior_year=12.8),
            b.period("毛利率", "Q1", actual=23.5, target=23),
            b.period("毛利率", "Q2", actual=24.1, target=23),
            b.period("访客数", "2026-01", actual=1700),
            b.period("访客数", "2026-02", actual=1650),
        ],
        breakdown=[
            b.breakdown("G01", "直播", dimension="渠道", actual=20.1, prior_year=12.4, target=21),
            b.breakdown(gmv, "货架", dimension="渠道", actual=29.5, prior_year=28.9, target=31),
        ],
        problems=[
            b.problem(
                "直播转化低\n投放浪费",
                area="流量",
                kpi="GMV",
                subjective="选品",
                objective="平台规则",
                impact="GMV −2.4亿",
                action="复盘",
            ),
            b.problem("人手不足", area="组织"),
        ],
        goals=[
            b.goal(
                "GMV达到58亿元",
                kpi="GMV",
                target=58,
                deadline="2027-12-31",
                owner="张三",
                measure="BI",
                aligns_to="规模增长",
                quarters=(12, "13.5", 14.5, 18),
            ),
            b.goal(
                "周转降到42天",
                kpi="D01",
                target=42,
                deadline=dt.date(2027, 12, 31),
                aligns_to="效率",
            ),  # unit 天 and direction lower: the KPI's
            b.goal(
                "营收5.6亿",
                kpi="营收",
                target=56000,
                direction="higher",
                deadline=dt.date(2027, 6, 30),
            ),
            b.goal("提升品牌影响力"),
        ],
        tasks=[
            b.task(
                "预算",
                phase="筹备期",
                start=dt.date(2027, 1, 4),
                end="2027-01-22",
                owner="王五",
                milestone="年度目标发布",
            ),
            b.task(
                "新客旅程",
                phase="执行期",
                start=dt.date(2027, 3, 1),
                end=dt.date(2027, 4, 15),
                deliverable="旅程上线",
            ),
        ],
        risks=[
            b.risk(
                "库存积压",
                category="供应链",
                likelihood="高",
                impact=4,
                kpi="库存周转天数",
                threshold="> 47",
                response="清仓",
                owner="赵六",
            ),
            b.risk(
                "GMV不达标", category="市场", likelihood=2, impact=3, kpi=gmv, threshold="dev > 8%"
            ),
            b.risk(
                "营收下滑", category="市场", likelihood=3, impact=5, kpi="营收", threshold="< 4.7亿"
            ),  # read in 万元: 47,000
            b.risk("政策变化", category="外部", likelihood=1, impact=2),
        ],
        resources=[
            b.resource("人力", item="新增运营专员", amount=6, unit="人"),
            b.resource(None, item="投放预算", amount=3200, unit="万元", note="按季度拨付"),
            b.resource("系统", item="系统建设", amount=450, unit="万元"),
        ],
        source=source,
        titles=TITLES,
    )


def test_every_sheet_under_chinese_titles(make_workbook: Any) -> None:
    """References by id, name or another case, inferred units, directions, aggregations,
    periods without a year, a threshold in another magnitude, a category from its item."""
    path = make_workbook(_full_sheets())
    built = _full_report(path)
    _alike(load_report(path), built)
    assert built.kpi("访客数").location == Location(str(path), "指标", 7)  # the 6th KPI row
    assert [p.period for p in built.periods[:2]] == [Period(2026, 1), Period(2026, 2)]
    goals = {g.goal: g for g in built.goals}
    assert (goals["周转降到42天"].unit, goals["周转降到42天"].direction) == ("天", "lower")
    assert goals["GMV达到58亿元"].quarter_targets == (D(12), D("13.5"), D("14.5"), D(18))
    risks = {r.risk: r for r in built.risks}
    assert risks["营收下滑"].threshold is not None
    assert risks["营收下滑"].threshold.limit == D(47000)  # 4.7亿 = 47,000万
    assert risks["库存积压"].likelihood == 4  # 高
    assert built.resources[1].category == "投放预算"
    assert built.kpi("C01").aggregation == "avg" and not built.kpi("C01").aggregation_inferred
    assert built.kpi("R01").aggregation == "sum" and built.kpi("R01").aggregation_inferred
    assert built.sheets == frozenset(TITLES)


def test_a_drifted_figure_or_place_is_seen(make_workbook: Any) -> None:
    """The comparison is not vacuous: one figure or one row off and it fails."""
    path = make_workbook(_full_sheets())
    loaded, built = load_report(path), _full_report(path)
    wrong_figure = dataclasses.replace(built.kpis[0], actual=D("49.7"))
    with pytest.raises(AssertionError):
        _alike(loaded, dataclasses.replace(built, kpis=[wrong_figure, *built.kpis[1:]]))
    moved = dataclasses.replace(built.goals[0], location=Location(str(path), "目标", 9))
    with pytest.raises(AssertionError):
        _alike(loaded, dataclasses.replace(built, goals=[moved, *built.goals[1:]]))


def test_the_builders_refuse_what_the_loader_refuses() -> None:
    gmv = b.kpi("GMV", unit="亿元")
    with pytest.raises(ValueError, match="duplicate KPI"):
        b.report([gmv, b.kpi("gmv")])
    with pytest.raises(ValueError, match="is no KPI"):
        b.report([gmv], goals=[b.goal("x", kpi="营收")])
    with pytest.raises(ValueError, match="fits several KPIs"):
        b.report([b.kpi("A", id="1"), b.kpi("A", id="2")], risks=[b.risk("r", kpi="A")])
    with pytest.raises(ValueError, match="as a quarter and as months"):
        b.report([gmv], meta=b.meta(year=2026), periods=[b.period(gmv, "Q1", actual=1),
                                                          b.period(gmv, "2026-02", actual=1)])  # fmt: skip
    with pytest.raises(ValueError, match="before it starts"):
        b.task("t", start="2027-02-01", end="2027-01-31")
    with pytest.raises(ValueError, match="threshold without a KPI"):
        b.risk("r", threshold="> 3")


def test_figures_are_converted_exactly() -> None:
    """Decimal(str(x)): 8.37 is 8.37 (not 8.3699…), "1e-15" and "NaN" are kept as typed."""
    built = b.kpi("x", target=8.37, actual="1e-15", prior_year=D("0.1"), base=20, weight="NaN")
    assert (built.target, built.actual, built.prior_year, built.base) == (
        D("8.37"),
        D("1e-15"),
        D("0.1"),
        D(20),
    )
    assert built.weight is not None and built.weight.is_nan()
    with pytest.raises(TypeError):
        b.kpi("x", target=True)


def test_the_shortcuts_compute_and_build_the_context() -> None:
    """metrics() and context() are compute and build_context; analysis() is analyze's."""
    built = b.report([b.kpi("利润", id="P01", unit="亿元", target=8, actual=9)])
    assert b.metrics(built).result("P01").attainment == D("1.125")  # 9 / 8
    row = b.context(built, "zh", today=TODAY)["kpis"][0]
    assert row["attainment"] == "112.5%"
    assert b.analysis(built).metrics == b.metrics(built)
