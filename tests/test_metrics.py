"""The engine against figures checked by hand; the arithmetic is written out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from opsreport.core.thresholds import parse_threshold
from opsreport.engine.metrics import check_goal, compute_kpi, evaluate_risk, weighted_score

from .builders import goal, kpi, meta, period, risk, task
from .builders import report as built_report


def test_higher_is_better_amount_with_share():
    result = compute_kpi(
        kpi(
            id="P01",
            name="直接利润",
            unit="亿元",
            target=8,
            actual=8.37,
            prior_year=6.42,
            next_target=9.5,
            base=20,
        )
    )
    assert result.var_target == D("0.37")  # 8.37 − 8
    assert result.var_target_pct == D("0.04625")  # 0.37 / 8
    assert result.attainment == D("1.04625")  # 1 + 0.04625 = 8.37 / 8
    assert result.var_prior == D("1.95")  # 8.37 − 6.42
    assert round(result.var_prior_pct, 6) == D("0.303738")  # 1.95 / 6.42
    assert result.share == D("0.4185")  # 8.37 / 20
    assert result.next_change == D("1.13")  # 9.5 − 8.37
    assert round(result.next_change_pct, 6) == D("0.135006")  # 1.13 / 8.37
    assert result.status == "met"


def test_lower_is_better_missed():
    result = compute_kpi(
        kpi(
            name="库存周转天数", unit="天", direction="lower", target=45, actual=48.5, prior_year=52
        )
    )
    assert result.var_target == D("3.5")  # 48.5 − 45: bad for a lower-is-better KPI
    assert round(result.attainment, 6) == D("0.922222")  # 1 − 3.5/45
    assert result.status == "missed"  # below 95%
    assert result.good_vs_target is False
    assert result.var_prior == D("-3.5")  # 48.5 − 52: a fall, an improvement
    assert result.good_vs_prior is True


def test_lower_is_better_met():
    result = compute_kpi(
        kpi(name="营销费用率", unit="%", direction="lower", target=12, actual=11.2, prior_year=13.5)
    )
    assert result.var_target == D("-0.8")  # pp
    assert round(result.attainment, 6) == D("1.066667")  # 1 − (−0.8)/12
    assert result.status == "met"


def test_near_band_is_95_percent():
    near = compute_kpi(kpi(name="GMV", unit="亿元", target=52, actual=49.6))
    assert round(near.attainment, 6) == D("0.953846")  # 49.6 / 52
    assert near.status == "near"
    missed = compute_kpi(kpi(name="x", target=100, actual=94.9))
    assert missed.status == "missed"
    exactly = compute_kpi(kpi(name="x", target=100, actual=95))
    assert exactly.status == "near"


def test_rates_vary_in_points():
    result = compute_kpi(kpi(name="毛利率", unit="%", target=23.0, actual=24.1, prior_year=21.8))
    assert result.var_target == D("1.1")  # 24.1 − 23.0 percentage points
    assert result.var_prior == D("2.3")  # 24.1 − 21.8 percentage points


def test_negative_target_uses_absolute_value():
    # A loss-making unit: target −10, actual −5 is better than plan for higher-is-better.
    result = compute_kpi(kpi(name="净利润", unit="万元", target=-10, actual=-5))
    assert result.var_target_pct == D("0.5")  # (−5 − −10) / |−10|
    assert result.attainment == D("1.5")


def test_missing_and_zero_figures_give_none_with_reasons():
    result = compute_kpi(kpi(name="x", target=0, actual=5, prior_year=0, base=-3, next_target=1))
    assert result.attainment is None and result.reasons["attainment"] == "target_zero"
    assert result.var_target == D(5)
    assert result.var_prior_pct is None and result.reasons["var_prior_pct"] == "prior_zero"
    assert result.share is None and result.reasons["share"] == "base_negative"
    assert result.status is None
    empty = compute_kpi(kpi(name="y"))
    assert empty.as_json()["attainment"] is None
    assert empty.reasons["var_target"] == "no_actual"
    zero_actual = compute_kpi(kpi(name="z", actual=0, next_target=5))
    assert zero_actual.next_change == 5 and zero_actual.next_change_pct is None


def test_json_keys_and_fractions():
    data = compute_kpi(kpi(id="P01", name="直接利润", unit="亿元", target=8, actual=8.37)).as_json()
    assert list(data) == [
        "id",
        "name",
        "group",
        "unit",
        "direction",
        "target",
        "actual",
        "prior_year",
        "attainment",
        "var_target",
        "var_target_pct",
        "var_prior",
        "var_prior_pct",
        "share",
        "next_target",
        "next_change",
        "next_change_pct",
        "status",
    ]
    assert data["attainment"] == 1.04625
    assert data["var_target"] == 0.37
    assert data["target"] == 8 and isinstance(data["target"], int)
    # Fifteen significant digits, what Excel keeps: a workbook's figure is written exactly.
    exact = compute_kpi(kpi(name="x", target="99.9999999999999", actual="999999999999999"))
    assert exact.as_json()["target"] == 99.9999999999999
    assert exact.as_json()["actual"] == 999999999999999
    close = compute_kpi(kpi(name="z", target="99.9999999999999", actual="199.999999999999"))
    # 199.999999999999 − 99.9999999999999 = 99.9999999999991; ÷ 99.9999999999999
    # = 0.999999999999992 (to 15 digits; 12 would have printed 1.0)
    assert close.as_json()["var_target_pct"] == 0.999999999999992
    third = compute_kpi(kpi(name="y", target=3, actual=4)).as_json()
    assert third["var_target_pct"] == 0.333333333333333  # 1/3 to 15 digits


def test_weighted_score_caps_attainment():
    a = compute_kpi(kpi(name="a", target=100, actual=150, weight=1))  # 150% capped at 120%
    b = compute_kpi(kpi(name="b", target=100, actual=90, weight=3))  # 90%
    c = compute_kpi(kpi(name="c", target=100, actual=50))  # no weight: not counted
    score = weighted_score([a, b, c], D("1.2"))
    assert score == D("0.975")  # (1×1.2 + 3×0.9) / 4 = 3.9 / 4


def test_smart_goal_passes_every_letter():
    retention = kpi(name="复购率", unit="%", target=30, actual=31.5, prior_year=29.5, source="CRM")
    check = check_goal(
        goal(
            goal="复购率提升至34%",
            kpi="复购率",
            target=34,
            unit="%",
            deadline=dt.date(2027, 12, 31),
            aligns_to="用户增长",
        ),
        retention,
        2027,
    )
    # Required 34 − 31.5 = 2.5 pp; achieved this year 31.5 − 29.5 = 2.0 pp; ratio 1.25 ≤ 2.
    assert check.required_change == D("2.5")
    assert check.achieved_change == D("2.0")
    assert check.letters["A"].passed is True
    assert check.letters["A"].params["ratio"] == D("1.25")
    assert check.letters["M"].code == "measurable"  # the KPI's source counts as the measure
    assert check.is_smart


def test_goal_needing_more_than_twice_this_years_change_fails_a():
    retention = kpi(name="复购率", unit="%", actual=31.5, prior_year=29.5, source="CRM")
    check = check_goal(
        goal(
            goal="复购率",
            kpi="复购率",
            target=45,
            unit="%",
            deadline=dt.date(2027, 12, 31),
            aligns_to="x",
        ),
        retention,
        2027,
    )
    # Required 45 − 31.5 = 13.5 pp against 2.0 pp achieved: 6.75×.
    assert check.letters["A"].passed is False
    assert check.letters["A"].params["ratio"] == D("6.75")
    assert check.failed == ["A"]


def test_vague_goal_fails_s_m_r_t():
    check = check_goal(goal(goal="提升品牌影响力"), None, 2027)
    assert check.letters["S"].passed is False
    assert check.letters["M"].code == "no_target"
    assert check.letters["A"].passed is None  # nothing to judge
    assert check.letters["R"].passed is False
    assert check.letters["T"].code == "no_deadline"
    assert check.failed == ["S", "M", "R", "T"]


def test_deadline_outside_plan_year_fails_t():
    check = check_goal(
        goal(
            goal="上线3个新品类",
            target=3,
            measure="商品系统",
            deadline=dt.date(2028, 3, 31),
            aligns_to="x",
        ),
        None,
        2027,
    )
    assert check.letters["S"].code == "concrete_object"
    assert check.letters["T"].code == "outside_plan_year"


def test_lower_is_better_goal_direction():
    days = kpi(
        name="库存周转天数", unit="天", direction="lower", actual=48.5, prior_year=52, source="WMS"
    )
    check = check_goal(
        goal(
            goal="降到42天",
            kpi="x",
            target=42,
            unit="天",
            direction="lower",
            deadline=dt.date(2027, 12, 31),
            aligns_to="x",
        ),
        days,
        2027,
    )
    # Required 42 − 48.5 = −6.5 (a fall, good); achieved 48.5 − 52 = −3.5; ratio 6.5/3.5 = 1.857 ≤ 2.
    assert check.letters["A"].passed is True
    assert round(check.letters["A"].params["ratio"], 3) == D("1.857")


def test_risk_value_and_deviation_thresholds():
    days = kpi(name="库存周转天数", unit="天", direction="lower", target=45, actual=48.5)
    stock = risk("库存积压", likelihood=4, impact=4, kpi=days, threshold="> 47")
    result = evaluate_risk(stock, days)
    assert result.triggered is True and result.observed == D("48.5")
    assert result.score == 16 and result.level == "high"  # 4 × 4
    gmv = kpi(name="GMV", unit="亿元", target=52, actual=49.6)
    dev = evaluate_risk(
        risk("GMV", likelihood=2, impact=3, kpi=gmv, threshold="dev > 8%"),
        gmv,
    )
    # |49.6 − 52| / 52 = 4.615…% — not above 8%.
    assert round(dev.observed, 3) == D("4.615")
    assert dev.triggered is False
    assert dev.score == 6 and dev.level == "medium"
    no_kpi = evaluate_risk(risk("政策变化", likelihood=1, impact=2), None)
    assert no_kpi.triggered is None and no_kpi.level == "low"


def test_threshold_on_percent_kpi_accepts_percent_sign():
    assert parse_threshold("< 22%", "%").limit == D(22)
    assert parse_threshold("≥ 3.5", "%").operator == ">="


def test_goal_in_another_magnitude_of_the_kpis_unit_is_converted():
    gmv = kpi(name="GMV", unit="亿元", actual=49.6, prior_year=41.3, source="BI")
    check = check_goal(
        goal(
            goal="GMV 580,000万元",
            kpi="GMV",
            target=580000,
            unit="万元",
            deadline=dt.date(2027, 12, 31),
            aligns_to="x",
        ),
        gmv,
        2027,
    )
    # baseline 49.6亿元 = 496,000万元; required 84,000万元; achieved 8.3亿元 = 83,000万元; ratio 1.012
    assert check.baseline == D(496000)
    assert check.required_change == D(84000) and check.achieved_change == D(83000)
    assert check.letters["A"].passed is True
    days = kpi(name="周转", unit="天", actual=48.5, prior_year=52)
    odd = check_goal(goal(goal="x", kpi="周转", target=3, baseline=2, unit="元"), days, 2027)
    assert odd.letters["A"].code == "units_differ" and odd.letters["A"].passed is None


def test_english_units_that_are_not_magnitudes():
    from opsreport.core.units import parse_unit

    for unit in ("min", "mm", "ms", "mph"):
        assert parse_unit(unit).magnitude == 1, unit
    assert parse_unit("k USD").magnitude == 1000 and parse_unit("USD m").magnitude == D("1e6")


def test_default_aggregation_of_ratios_and_per_unit_amounts():
    from opsreport.core.aggregation import default_aggregation

    assert default_aggregation("亿元", "GMV") == "sum"
    assert default_aggregation("元", "客单价") == "avg"
    assert default_aggregation("万元/人", "人效") == "avg"
    assert default_aggregation("minutes", "Average handle time") == "avg"
    assert default_aggregation("%", "复购率") == "last"
    assert default_aggregation("人", "团队人数") == "last"


# --------------------------------------------------------------------------- extreme values


def test_the_loaders_extreme_figures_compute_exactly():
    # The loader's extremes: |x| < 10^15, non-zero |x| ≥ 10^-15. A target of 1e-15 beaten
    # by 999999999999999: ΔPL = 999999999999998.999999999999999, to Decimal's 28 digits
    # 999999999999999.0000000000000; ÷ 1e-15 = 9.99999999999999e29; attainment 1 + that.
    result = compute_kpi(kpi(name="x", target="1e-15", actual="999999999999999"))
    assert result.var_target == D("999999999999999.0000000000000")
    assert result.var_target_pct == D("9.99999999999999e29")
    assert result.attainment == D("9.99999999999999e29")  # + 1 is beyond 28 digits
    assert result.status == "met" and result.good_vs_target is True
    assert result.as_json()["attainment"] == 9.99999999999999e29  # finite in JSON
    missed = compute_kpi(kpi(name="y", target="1e-15", actual="-999999999999999"))
    assert missed.attainment == D("-9.99999999999999e29") and missed.status == "missed"
    share = compute_kpi(kpi(name="z", actual="1e-15", base="999999999999999")).share
    assert share == D("1e-15") / D("999999999999999")  # 1.000000000000001e-30


def test_a_reference_beyond_the_ratio_limit_counts_as_zero():
    # Only records built by hand get here: 1e20 / 1e-90 = 1e110 > RATIO_LIMIT (1e100),
    # which would overflow floats once weighted, summed and × 100.
    result = compute_kpi(
        kpi(name="x", target="1e-90", actual="1e20", prior_year="1e-90", base="1e-90")
    )
    assert result.var_target == D("1e20") - D("1e-90")
    assert result.attainment is None and result.status is None
    assert result.reasons["attainment"] == "target_negligible"
    assert result.reasons["var_prior_pct"] == "prior_negligible"
    assert result.reasons["share"] == "base_negligible"
    # At the limit itself the ratio is kept: (1e99 + 0.1 − 0.1) / 0.1 = 1e100.
    edge = compute_kpi(kpi(name="y", target="0.1", actual="1e99"))
    assert edge.var_target_pct == D("1e100") and edge.status == "met"
    growth = compute_kpi(kpi(name="w", actual="1e-90", next_target="1e20"))
    assert growth.reasons["next_change_pct"] == "actual_negligible"


def test_risk_and_goal_with_extreme_references():
    tiny = kpi(name="x", target="1e-15", actual=5, prior_year=4)
    dev = evaluate_risk(risk("r", likelihood=1, impact=1, kpi=tiny, threshold="dev > 8%"), tiny)
    # |5 − 1e-15| / 1e-15 × 100 = 499999999999999900% (28 digits), far above 8%.
    assert dev.observed == D("499999999999999900") and dev.triggered is True
    flat = kpi(name="y", unit="元", actual="1.000000000000001", prior_year=1, source="ERP")
    check = check_goal(goal(goal="g", kpi="y", target=11, unit="元"), flat, None)
    # required 11 − 1.000000000000001 = 9.999999999999999; achieved 1e-15; ratio 9999999999999999.
    verdict = check.letters["A"]
    assert verdict.passed is False and verdict.code == "stretch"
    assert verdict.params["ratio"] == D("9999999999999999")
    from opsreport.present.formatting import verdict_text

    assert verdict_text(verdict, "元", "en").endswith("(9,999,999,999,999,999.0×)")
    # Built by hand, beyond the limit: 1e10 / 1e-95 = 1e105 → no ratio, still a stretch.
    hand = kpi(name="z", unit="元", actual="1e-95", prior_year=0, source="ERP")
    beyond = check_goal(goal(goal="h", kpi="z", target="1e10", unit="元"), hand, None).letters["A"]
    assert beyond.code == "stretch" and beyond.params["ratio"] is None
    assert verdict_text(beyond, "元", "zh").endswith("（> 10¹⁰⁰倍）")
    tiny_target = kpi(name="t", target="1e-95", actual="1e10")
    hand_dev = evaluate_risk(
        risk("r", likelihood=1, impact=1, kpi=tiny_target, threshold="dev > 8%"),
        tiny_target,
    )
    assert hand_dev.triggered is None and hand_dev.reason == "target_negligible"


def test_figures_that_cannot_be_computed_name_their_kpi_and_row():
    import pytest

    from opsreport.core.records import Location
    from opsreport.engine.metrics import FigureError, compute
    from opsreport.io.workbook import WorkbookError

    where = Location("book.xlsx", "kpis", 7)
    bad = [
        kpi(id="P01", name="利润", actual="NaN", location=where),
        kpi(id="P02", name="GMV", target="1e100", location=Location("book.xlsx", "kpis", 8)),
        kpi(id="P03", name="fine", target="9.99e99", actual=1),  # below 10^100: computed
    ]
    report = built_report(bad, source="book.xlsx")  # P03 at row 4, the others where they say
    with pytest.raises(FigureError) as caught:
        compute(report)
    assert isinstance(caught.value, WorkbookError) and isinstance(caught.value, ValueError)
    assert [str(d) for d in caught.value.errors] == [
        "book.xlsx › kpis › row 7: KPI P01 (利润) › actual: NaN is not a finite number"
        " — opsreport computes with finite figures below 10^100 in magnitude",
        "book.xlsx › kpis › row 8: KPI P02 (GMV) › target: 1.000E+100 is beyond ±10^100"
        " — opsreport computes with finite figures below 10^100 in magnitude",
    ]
    assert {d.code for d in caught.value.errors} == {"figure"}
    # compute_kpi alone (the library): the arithmetic failure is located too.
    with pytest.raises(FigureError, match=r"row 7: KPI P01 \(利润\): cannot compute"):
        compute_kpi(kpi(id="P01", name="利润", actual="NaN", target=1, location=where))


def test_warnings_write_figures_as_digits():
    from opsreport.core.periods import Period
    from opsreport.engine.content_warnings import content_warnings
    from opsreport.engine.metrics import compute

    rate = kpi(id="R1", name="率", unit="%", target="1E-15", actual="0.5")
    flow = kpi(id="F1", name="流量", unit="元", actual="4E+1")
    periods = [period(flow, Period(2026, q), actual=D("1E+1") * q) for q in (1, 2, 3, 4)]
    report = built_report([rate, flow], meta=meta(year=2026), periods=periods)
    messages = [d.message for d in content_warnings(compute(report))]
    assert (
        "率: a % KPI whose values all look like fractions (0.000000000000001, 0.5)" in messages[0]
    )
    # 10 + 20 + 30 + 40 = 100 against 40: no "1E+2".
    assert "流量: the quarters add up to 100, the year says 40" in messages


def test_a_workbook_without_a_year_is_warned_about():
    """Without year or plan_year the title has no year and the plan year is today's."""
    from opsreport.engine.content_warnings import content_warnings
    from opsreport.engine.metrics import compute

    figures = [kpi(id="A", name="A", target=1, actual=1)]
    no_year = content_warnings(compute(built_report(figures, meta=meta(year=None))))
    assert [d.code for d in no_year] == ["no_year"]
    assert "no year" in no_year[0].message and "year | 2026" in (no_year[0].hint or "")
    for given in (meta(year=2026), meta(year=None, plan_year=2027)):
        assert content_warnings(compute(built_report(figures, meta=given))) == []


def test_a_task_with_a_start_and_no_end_is_warned_about():
    """A start alone is drawn as that one day, which is not what the task is; an end alone
    is a deadline (a milestone's day), and a task without dates is only listed."""
    from opsreport.engine.content_warnings import content_warnings
    from opsreport.engine.metrics import compute

    tasks = [
        task("会员体系升级", start="2027-03-01"),
        task("目标签字", end="2027-01-29", milestone="目标确认"),
        task("复盘"),
        task("大促备战", start="2027-09-01", end="2027-11-10"),
    ]
    figures = [kpi(id="A", name="A", target=1, actual=1)]
    found = content_warnings(compute(built_report(figures, meta=meta(year=2026), tasks=tasks)))
    assert [d.code for d in found] == ["task_without_end"]
    (warning,) = found
    assert "'会员体系升级' starts 2027-03-01 but has no end" in warning.message
    assert warning.location is not None and warning.location.row == 2  # the first task row


def test_a_target_made_from_a_growth_target_is_the_one_risks_and_warnings_judge():
    """Prior 100, growth target +10% → target 100 × 1.1 = 110; actual 100 is
    (100 − 110) / 110 = −9.1% off target, past the line 偏离 > 5%: triggered. The weight
    counts (no weight_without_target warning) because the KPI has a (made) target."""
    from opsreport.engine.content_warnings import content_warnings
    from opsreport.engine.metrics import compute

    sales = kpi(
        id="S", name="销售额", unit="万元", prior_year=100, actual=100, target_growth=10, weight=1
    )
    report = built_report(
        [sales],
        meta=meta(year=2026),
        risks=[risk("销售额偏离", kpi=sales, threshold="偏离 > 5%")],
    )
    metrics = compute(report)
    assert (
        metrics.results[0].kpi.target == D("110") and metrics.results[0].target_source == "growth"
    )
    (judged,) = metrics.risks
    assert judged.triggered is True
    assert "weight_without_target" not in [d.code for d in content_warnings(metrics)]


def test_periods_are_made_one_by_the_kpis_aggregation():
    """One rule for the quarters of a month table and the year to date of a re-plan."""
    from opsreport.core.aggregation import aggregate

    three = [D("1.5"), D("2.5"), D("5")]
    assert aggregate(three, "sum") == D("9")  # 1.5 + 2.5 + 5
    assert aggregate(three, "avg") == D("3")  # 9 ÷ 3
    assert aggregate(three, "last") == D("5")
    assert aggregate([D(1), None], "sum") is None  # a part is not the whole
    assert aggregate([D(1), None, D(3)], "avg") == D(2)  # of those given
    assert aggregate([D(1), None], "last") is None
    assert aggregate([], "sum") is None
