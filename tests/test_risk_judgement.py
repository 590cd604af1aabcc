"""Risk semantics (issue 14 §4): which figures a risk is judged on, what the document says,
and the plans' warning lines — every figure with its arithmetic written out."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from opsreport.core.periods import Period
from opsreport.core.thresholds import parse_threshold
from opsreport.core.value_problem import ValueProblem
from opsreport.engine.plan_targets import quarter_targets
from opsreport.engine.risk_judgement import judge_risks, latest_quarter, plan_risks
from opsreport.engine.warning_lines import Tolerance, warning_line, warning_rules
from opsreport.present.plan_context import plan_context
from opsreport.present.risk_rows import risk_item
from opsreport.present.warning_rows import warning_rule

from . import builders as b


def _in_year(threshold_oos: str = "> 12", threshold_gmv: str = "dev > 5%"):
    """2026 in progress: Q1–Q2 actuals, annual actuals blank (tests/in_year_sheets.py)."""
    gmv = b.kpi("GMV", id="gmv", unit="亿元", aggregation="sum", target=40, prior_year=32)
    oos = b.kpi("缺货率", id="oos", unit="%", direction="lower", aggregation="avg", target=8,
                prior_year=31)  # fmt: skip
    rate = b.kpi("续费率", id="renewal", unit="%", aggregation="last", target=50, prior_year=41)
    periods = [
        b.period(gmv, "2026Q1", actual=9, target=8.5),
        b.period(gmv, "2026Q2", actual=9.5, target=10),
        b.period(oos, "2026Q1", actual=14),
        b.period(oos, "2026Q2", actual=11),
        b.period(rate, "2026Q1", actual=43, target=44),
        b.period(rate, "2026Q2", actual=44, target=46),
    ]
    risks = [
        b.risk("缺货失控", likelihood=3, impact=4, kpi=oos, threshold=threshold_oos),
        b.risk("GMV偏离", likelihood=2, impact=5, kpi=gmv, threshold=threshold_gmv),
        b.risk("续费偏离", likelihood=2, impact=2, kpi=rate, threshold="偏离目标 > 1个百分点"),
        b.risk("GMV过低", likelihood=1, impact=1, kpi=gmv, threshold="< 30"),
    ]
    built = b.report([gmv, oos, rate], meta=b.meta(year=2026), periods=periods, risks=risks)
    return b.metrics(built)


def test_the_annual_report_says_a_crossed_line_as_a_fact_about_the_year():
    roi = b.kpi("ROI", unit="倍", target=4, actual=3.4)
    margin = b.kpi("毛利率", unit="%", target=25, actual=24.1)
    built = b.report(
        [roi, margin],
        meta=b.meta(year=2026),
        risks=[
            b.risk("投放亏损", likelihood=4, impact=4, kpi=roi, threshold="< 3.5"),
            b.risk("毛利下滑", likelihood=2, impact=3, kpi=margin, threshold="< 22"),
        ],
    )
    crossed, clear = judge_risks(b.metrics(built))
    # 3.4 < 3.5: crossed, 0.1 past; a fact about 2026, not a live alarm
    assert (crossed.crossed, crossed.triggered, crossed.margin) == (True, False, D("0.1"))
    assert crossed.stance == "reported" and crossed.period is None
    zh = risk_item(1, crossed, 2026, "zh")
    assert zh["status"] == "今年实际3.4倍已越过触发线（ROI < 3.5倍）" and not zh["triggered"]
    en = risk_item(1, crossed, 2026, "en")
    assert (
        en["status"] == "this year's actual 3.4 倍 is already past the trigger line (ROI < 3.5 倍)"
    )
    # 24.1 − 22 = 2.1: a rate's distance is in points
    assert risk_item(2, clear, 2026, "zh")["status"] == "今年实际24.1%，距触发线2.1个百分点"
    assert risk_item(2, clear, 2026, "en")["status"] == (
        "this year's actual 24.1%, 2.1 pp from the trigger line"
    )


def test_an_in_year_plan_is_judged_on_the_latest_quarter():
    metrics = _in_year()
    assert latest_quarter(metrics) == Period(2026, 2)
    assert latest_quarter(metrics, before=2) == Period(2026, 1)
    oos, gmv, renewal, cumulative = plan_risks(metrics, 2026, 3)
    # 缺货率 Q2 11% against > 12%: not crossed, 12 − 11 = 1 point
    assert (oos.period, oos.observed, oos.crossed, oos.margin) == (
        Period(2026, 2),
        D(11),
        False,
        D(1),
    )
    # GMV Q2 9.5 against its Q2 target 10: |9.5 − 10| / 10 = 5%, not > 5% (on the line)
    assert (gmv.figure, gmv.observed, gmv.reference, gmv.crossed) == (
        "deviation",
        D(5),
        D(10),
        False,
    )
    # 续费率 Q2 44 against 46: |44 − 46| = 2 points > 1 point: a live alarm
    assert (renewal.observed, renewal.crossed, renewal.triggered) == (D(2), True, True)
    # an annual line (< 30亿) of a cumulative KPI is not compared with one quarter's 9.5: a
    # plan draft judges it on the re-plan's landing (engine.in_year; no prior-year quarters,
    # so the run rate 18.5 × 4 ÷ 2 = 37): 37 − 30 = 7 clear
    assert (cumulative.figure, cumulative.observed, cumulative.crossed) == ("forecast", 37, False)
    assert cumulative.margin == 7
    (*_, unjudged) = judge_risks(metrics, Period(2026, 2))  # without the landing: not judged
    assert (unjudged.crossed, unjudged.reason) == (None, "cumulative_quarter")
    item = risk_item(3, renewal, 2026, "zh")
    assert (
        item["status"]
        == "已触发：按2026年第2季度实际偏离目标2.0个百分点（续费率 偏离目标 > 1个百分点）"
    )
    assert item["basis"] == "2026年第2季度实际" and item["stance"] == "live"
    assert (
        risk_item(1, oos, 2026, "zh")["status"]
        == "未触发：按2026年第2季度实际11%，距触发线1.0个百分点"
    )
    assert risk_item(4, unjudged, 2026, "zh")["status"] == "累计指标的全年触发线不按单季判断"
    # the lead's landing forecast lets it be judged: 38 ≥ 30, 38 − 30 = 8亿元 from the line
    (*_, landed) = judge_risks(metrics, Period(2026, 2), forecasts={"gmv": D(38)})
    assert (landed.figure, landed.crossed, landed.margin) == ("forecast", False, D(8))
    # Q1 as the latest quarter: 缺货率 14 > 12 — crossed in Q1, 2 points past
    (q1_oos, *_) = judge_risks(metrics, Period(2026, 1))
    assert (q1_oos.crossed, q1_oos.margin, q1_oos.triggered) == (True, D(2), True)


def test_the_in_year_draft_says_its_risks_were_judged_on_q2():
    metrics = _in_year()
    context = plan_context(b.analysis(metrics.report), 3, "zh", year=2026)
    statuses = [r["status"] for r in context["risks"]]
    assert statuses[0].startswith("未触发：按2026年第2季度实际11%")
    assert [r["no"] for r in context["risks_triggered"]] == ["R3"]


def test_next_year_drafts_never_trigger():
    stock = b.kpi("库存周转天数", unit="天", direction="lower", target=45, actual=48.5)
    built = b.report(
        [stock],
        meta=b.meta(year=2026),
        risks=[b.risk("积压", likelihood=4, impact=3, kpi=stock, threshold="> 47")],
    )
    metrics = b.metrics(built)
    for quarter in (1, 2, 3, 4):
        (watched,) = plan_risks(metrics, 2027, quarter)
        # 48.5 > 47 is 2026's fact; 2027 has no actual: watched, 1.5天 past as context
        assert (watched.stance, watched.crossed, watched.triggered) == ("watch", True, False)
        assert watched.margin == D("1.5")
    item = risk_item(1, watched, 2026, "zh")
    assert item["status"] == "监控中；2026年实际48.5天，已在触发线外1.5天"
    assert "已触发" not in item["status"]
    context = plan_context(b.analysis(built), 1, "zh")
    assert context["risks_triggered"] == [] and "已触发" not in context["risks"][0]["status"]


def test_a_risk_naming_a_kpi_without_periods_is_not_judged_on_a_quarter():
    metrics = _in_year()
    lone = b.kpi("人效", unit="万元", target=100)
    built = dataclasses.replace(
        metrics.report,
        kpis=[*metrics.report.kpis, lone],
        risks=[b.risk("人效低", likelihood=1, impact=1, kpi=lone, threshold="< 80")],
    )
    (judged,) = judge_risks(b.metrics(built), Period(2026, 2))
    assert (judged.crossed, judged.reason) == (None, "no_quarter_actual")
    assert risk_item(1, judged, 2026, "zh")["status"] == "2026年第2季度无实际值，未判断"


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("偏离目标 > 2个百分点", "%", ("dev", D(2), True)),
        ("dev >= 1.5pp", "%", ("dev", D("1.5"), True)),
        ("dev > 3 points", "pp", ("dev", D(3), True)),
        ("偏离目标 > 5%", "亿元", ("dev", D(5), False)),
        ("dev > 8", "万元", ("dev", D(8), False)),
    ],
)
def test_deviation_thresholds_in_points_and_percent(text, unit, expected):
    threshold = parse_threshold(text, unit)
    assert (threshold.kind, threshold.limit, threshold.in_points) == expected


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("偏离目标 > 5%", "%", "a deviation in percent for a rate KPI is ambiguous"),
        ("dev > 8", "%", "a deviation in percent for a rate KPI is ambiguous"),
        ("dev > 2pp", "亿元", "a deviation in points for a KPI that is not a rate"),
        ("dev > -5pp", "%", "a negative deviation"),
        ("偏离目标 > 1e400个百分点", "%", "not a number ('1e400')"),
        ("偏离目标 > 个百分点", "%", "a deviation without a number"),
        ("偏离目标 = 2", "%", "not a threshold"),
    ],
)
def test_hostile_thresholds_are_refused(text, unit, message):
    with pytest.raises(ValueProblem) as caught:
        parse_threshold(text, unit)
    assert message in caught.value.message


def test_a_rate_warning_line_is_in_points_and_never_looser_than_the_baseline():
    # 利润率 target 15.6%, 2 points → 13.6%; last year 14.8% is stricter: max(13.6, 14.8) = 14.8
    line = warning_line(D("15.6"), "higher", Tolerance(D(2), True, "risk"), D("14.8"))
    assert (line.value, line.bound) == (D("14.8"), "baseline")
    # with 0.5 points: 15.6 − 0.5 = 15.1 > 14.8, the tolerance holds
    assert warning_line(
        D("15.6"), "higher", Tolerance(D("0.5"), True, "meta"), D("14.8")
    ).value == D("15.1")
    # the old rule was 8% of the rate: 15.6 × 0.92 = 14.352 — below last year's 14.8
    # a baseline better than the target (16 > 15.6) holds the line at the target
    held = warning_line(D("15.6"), "higher", Tolerance(D(2), True, "risk"), D(16))
    assert (held.value, held.bound) == (D("15.6"), "target")
    # lower is better: 缺货率 target 8, 1 point → 9; last year 8.5 is stricter: min(9, 8.5) = 8.5
    assert warning_line(D(8), "lower", Tolerance(D(1), True, "default"), D("8.5")).value == D("8.5")


def test_an_amount_warning_line_is_in_percent_of_the_target():
    # 13.75亿元 × (1 − 5%) = 13.0625; a baseline share of 12 is looser: the 5% line holds
    line = warning_line(D("13.75"), "higher", Tolerance(D(5), False, "risk"), D(12))
    assert (line.value, line.bound) == (D("13.0625"), "tolerance")
    # lower is better: 425万元 × (1 + 8%) = 459
    assert warning_line(D(425), "lower", Tolerance(D(8), False, "default")).value == D(459)


def test_the_tolerance_comes_from_the_risk_row_then_meta_then_the_default():
    margin = b.kpi("利润率", id="pm", unit="%", target=15, actual="14.8", next_target="15.6")
    gmv = b.kpi("GMV", id="gmv", unit="亿元", target=50, actual=52, next_target=55)
    risks = [
        b.risk("利润率偏离", likelihood=2, impact=2, kpi=margin, threshold="偏离目标 > 2个百分点"),
        b.risk("利润率偏离（严）", likelihood=2, impact=2, kpi=margin, threshold="dev > 1.5pp"),
    ]
    built = b.report([margin, gmv], meta=b.meta(year=2026), risks=risks)
    metrics = b.metrics(built)
    rules = warning_rules(built, metrics.settings)
    by_name = {t.name: t for t in quarter_targets(metrics)}
    # the tighter of the two risk rows: 1.5 points
    assert rules.tolerance(by_name["利润率"]) == Tolerance(D("1.5"), True, "risk")
    # GMV has no dev risk: the default 8%
    assert rules.tolerance(by_name["GMV"]) == Tolerance(D(8), False, "default")
    with_meta = dataclasses.replace(
        built,
        meta=dataclasses.replace(built.meta, warning_tolerance=D(5), warning_tolerance_pp=D(3)),
    )
    meta_rules = warning_rules(with_meta, metrics.settings)
    assert meta_rules.tolerance(by_name["GMV"]) == Tolerance(D(5), False, "meta")
    assert meta_rules.tolerance(by_name["利润率"]) == Tolerance(D("1.5"), True, "risk")
    # GMV 55 evenly: 13.75 a quarter; its baseline share 52 × 13.75 / 55 = 13; the 5% line
    # 13.75 × 0.95 = 13.0625 is stricter than 13: it holds
    assert meta_rules.line(by_name["GMV"], 1).value == D("13.0625")
    # the words say which tolerance applied
    line = rules.line(by_name["利润率"], 4)  # Q4 = the year-end 15.6: 15.6 − 1.5 = 14.1 < 14.8
    assert (line.value, line.bound) == (D("14.8"), "baseline")
    assert warning_rule(line, "higher", "%", 1, "zh") == (
        "较目标低于1.5个百分点即预警（风险表）；预警线不低于基线14.8%"
    )
    assert warning_rule(line, "higher", "%", 1, "en") == (
        "alert when 1.5 pp below target (risks sheet); the line is held at the baseline 14.8%"
    )


def test_metrics_json_says_the_period_judged_on():
    from opsreport.present.tables import metrics_json

    stock = b.kpi("库存周转天数", unit="天", direction="lower", target=45, actual=48.5)
    built = b.report(
        [stock],
        meta=b.meta(year=2026),
        risks=[b.risk("积压", likelihood=4, impact=3, kpi=stock, threshold="> 47")],
    )
    (row,) = metrics_json(b.metrics(built), "risks")
    # 2026's annual figures: 48.5 > 47 crossed, 1.5 past, not a live alarm
    assert (row["judged_on"], row["figure"], row["observed"], row["margin"]) == (
        "2026",
        "actual",
        48.5,
        1.5,
    )
    assert (row["crossed"], row["triggered"], row["reason"]) == (True, False, None)


def test_the_risk_matrix_rings_what_the_document_judged():
    from opsreport.present.charts import risk_matrix_chart

    metrics = _in_year()
    live = risk_matrix_chart(plan_risks(metrics, 2026, 3), "zh")
    # 2026Q2: 续费率 |44 − 46| = 2 > 1 point is the one live alarm
    assert live is not None and live.alt.endswith("其中1项已触发。")
    stock = b.kpi("库存周转天数", unit="天", direction="lower", target=45, actual=48.5)
    built = b.report(
        [stock],
        meta=b.meta(year=2026),
        risks=[b.risk("积压", likelihood=4, impact=3, kpi=stock, threshold="> 47")],
    )
    annual = risk_matrix_chart(judge_risks(b.metrics(built)), "zh")
    # 48.5 > 47 in 2026: a fact about the year, ringed grey, not called 已触发
    assert annual is not None and "已触发" not in annual.alt
    assert annual.alt.endswith("其中1项的触发线今年实际已越过。")
    watched = risk_matrix_chart(plan_risks(b.metrics(built), 2027, 1), "en")
    assert watched is not None and watched.alt.endswith("no actual of the plan year yet: watched.")


def test_a_next_year_draft_of_a_year_in_progress_watches_the_latest_quarter():
    metrics = _in_year()  # 2026's annual actuals blank, Q1–Q2 in periods
    oos, gmv, renewal, cumulative = plan_risks(metrics, 2027, 1)
    # 缺货率 Q2 11% is the latest known figure: watched, 12 − 11 = 1 point from the line
    assert (oos.stance, oos.period, oos.crossed, oos.triggered) == (
        "watch",
        Period(2026, 2),
        False,
        False,
    )
    assert (
        risk_item(1, oos, 2026, "zh")["status"]
        == "监控中；2026年第2季度实际11%，距触发线1.0个百分点"
    )
    # 续费率 |44 − 46| = 2 > 1 point in Q2: past the line, but 2027 is watched, not triggered
    assert (renewal.crossed, renewal.triggered) == (True, False)
    assert risk_item(3, renewal, 2026, "zh")["status"] == (
        "监控中；2026年第2季度实际偏离目标2.0个百分点，已在触发线外1.0个百分点"
    )
    # GMV |9.5 − 10| / 10 = 5%, not > 5%: on the line, 0 from it
    assert (gmv.period, gmv.observed, gmv.crossed, gmv.margin) == (
        Period(2026, 2),
        D(5),
        False,
        D(0),
    )
    # GMV's annual line of a sum KPI: no quarter stands in, the year has no actual yet
    assert (cumulative.period, cumulative.reason) == (None, "no_actual")


def test_the_report_of_a_year_in_progress_judges_its_latest_quarter():
    from opsreport.engine.risk_judgement import report_risks
    from opsreport.present.tables import metrics_json

    oos, gmv, renewal, cumulative = report_risks(_in_year())
    # no annual actual yet: 缺货率's Q2 11% stands in, 12 − 11 = 1 point from the line, a fact
    assert (oos.stance, oos.period, oos.crossed, oos.triggered) == (
        "reported",
        Period(2026, 2),
        False,
        False,
    )
    assert risk_item(1, oos, 2026, "zh")["status"] == "2026年第2季度实际11%，距触发线1.0个百分点"
    # 续费率 |44 − 46| = 2 > 1 point: crossed in Q2, said as a fact, not an alarm
    assert (renewal.crossed, renewal.triggered) == (True, False)
    assert risk_item(3, renewal, 2026, "en")["status"] == (
        "the Q2 2026 actual 2.0 pp off target is already past the trigger line"
        " (续费率 > 1 pp off target)"
    )
    assert (gmv.period, cumulative.reason) == (Period(2026, 2), "no_actual")
    rows = metrics_json(_in_year(), "risks")
    assert [r["judged_on"] for r in rows] == ["2026Q2", "2026Q2", "2026Q2", "2026"]
