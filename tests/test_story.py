"""The engine's narrative figures (engine/story, engine/targets, engine/value): effective
targets from growth targets, the growth comparison, benchmark gaps, drivers and chains,
value totals and goal shares."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from opsreport.engine.story import CHAIN_DEPTH, kpi_stories
from opsreport.engine.targets import effective_target, growth_comparison
from opsreport.engine.value import goal_shares, value_totals
from opsreport.errors import FigureError
from tests import builders as b


def test_a_growth_target_makes_the_target_of_an_amount() -> None:
    efficiency = b.kpi("人效", unit="万元", actual="134.6", prior_year=100, target_growth=30)
    made = effective_target(efficiency)
    assert (made.target, made.source) == (D(130), "growth")  # 100 × (1 + 30/100)
    result = b.metrics(b.report([efficiency])).results[0]
    assert result.kpi.target == D(130) and result.target_source == "growth"
    # attainment 1 + (134.6 − 130) / 130 = 1.0353846…
    assert result.attainment == 1 + D("4.6") / D(130)
    assert result.status == "met"


def test_a_growth_target_on_a_rate_is_points() -> None:
    renewal = b.kpi("续费率", unit="%", actual=41, prior_year=38, target_growth=3)
    assert effective_target(renewal).target == D(41)  # 38 + 3 points
    result = b.metrics(b.report([renewal])).results[0]
    assert result.attainment == D(1) and result.target_source == "growth"


def test_no_prior_year_or_a_negative_one_makes_no_target() -> None:
    assert effective_target(b.kpi("GMV", unit="亿元", actual=8, target_growth=20)).target is None
    negative = b.kpi("利润", unit="亿元", actual=1, prior_year=-2, target_growth=20)
    assert effective_target(negative).source is None
    given = b.kpi("GMV", unit="亿元", target=9, actual=8, prior_year=6, target_growth=20)
    assert effective_target(given).source == "given"


def test_growth_against_the_growth_target() -> None:
    # 人效 +34.6% against a 30% growth target: +4.6 points of growth, good
    efficiency = b.kpi("人效", unit="万元", target=125, actual="134.6", prior_year=100,
                       target_growth=30)  # fmt: skip
    compared = growth_comparison(efficiency)
    assert compared is not None
    assert compared.achieved == D("34.6")  # (134.6 − 100) / 100 × 100
    assert compared.implied == D(25)  # the typed 125 stood for +25%
    assert compared.difference_pp == D("4.6") and compared.good is True
    # a rate: 41 − 38 = +3 points against +5: −2, not good
    rate = growth_comparison(b.kpi("续费率", unit="%", actual=41, prior_year=38, target_growth=5))
    assert rate is not None and rate.achieved == D(3) and rate.difference_pp == D(-2)
    assert rate.good is False


def test_benchmark_gaps_by_direction() -> None:
    renewal = b.kpi("续费率", unit="%", actual=41, benchmark=55)
    lifetime = b.kpi("素材生命周期", unit="天", actual=7, benchmark=14)
    stock = b.kpi("库存周转天数", unit="天", direction="lower", actual=41, benchmark=50)
    stories = kpi_stories(b.metrics(b.report([renewal, lifetime, stock])))
    assert stories["续费率"].benchmark_gap == D(-14)  # 41 − 55 points
    assert stories["续费率"].benchmark_gap_pct is None  # a rate: points only
    assert stories["续费率"].benchmark_good is False
    assert stories["素材生命周期"].benchmark_gap == D(-7)  # 7 − 14 days
    assert stories["素材生命周期"].benchmark_gap_pct == D("-0.5")  # −7 / 14
    assert stories["库存周转天数"].benchmark_good is True  # 41 below 50, lower is better


def test_growth_against_its_target_in_the_story() -> None:
    # 人效 (134.6 − 100) / 100 × 100 = +34.6% against +30%: +4.6 points of growth, good
    efficiency = b.kpi("人效", unit="万元", actual="134.6", prior_year=100, target_growth=30)
    story = kpi_stories(b.metrics(b.report([efficiency])))["人效"]
    assert (story.growth, story.growth_gap, story.growth_good) == (D("34.6"), D("4.6"), True)
    plain = kpi_stories(b.metrics(b.report([b.kpi("GMV", actual=8, prior_year=6)])))["GMV"]
    assert plain.growth is None and plain.growth_gap is None  # no growth target


def test_drivers_and_their_chains_root_first() -> None:
    output = b.kpi("短视频月产量", id="C01", unit="条", actual=1150, prior_year=420)
    hits = b.kpi("爆款率", id="C02", unit="%", actual=13, prior_year=4, drivers=["C01"])
    organic = b.kpi("自然流量占比", id="C03", unit="%", actual=36, prior_year=21,
                    drivers=["爆款率"])  # fmt: skip
    brand = b.kpi("自有品牌占比", id="B01", unit="%", actual=41, prior_year=28)
    margin = b.kpi("利润率", id="P02", unit="%", actual="14.8", prior_year="11.2",
                   drivers=["B01", "C03"])  # fmt: skip
    stories = kpi_stories(b.metrics(b.report([output, hits, organic, brand, margin])))
    assert stories["P02"].drivers == ("B01", "C03")
    assert stories["C03"].chains == (("C01", "C02"),)  # C01 → C02, which drives C03
    assert stories["P02"].chains == (("B01",), ("C01", "C02", "C03"))  # one per driver
    assert stories["C01"].chains == () and stories["C01"].drivers == ()


def test_a_long_chain_is_told_up_to_its_limit() -> None:
    kpis = [b.kpi(f"K{n}", drivers=[f"K{n + 1}"] if n < 999 else []) for n in range(1000)]
    stories = kpi_stories(b.metrics(b.report(kpis)))
    assert stories["K0"].chains == (("K4", "K3", "K2", "K1"),)  # CHAIN_DEPTH KPIs, root first
    assert len(stories["K0"].chains[0]) == CHAIN_DEPTH == 4


def test_value_totals_convert_units_and_keep_losses_apart() -> None:
    rows = [
        b.value("M01", "释放费用空间", "3.1", "节省", unit="亿元"),
        b.value("E01", "释放现金流", "2.9", "现金流", unit="亿元"),
        b.value("C03", "节省投放费", 2000, "节省", unit="万元"),
        b.value("X01", "直接损失销售额", "1.2", "损失", unit="亿元"),
        b.value("X01", "无单位", 5, "收益"),
    ]
    totals = {(t.kind, t.unit): (t.amount, t.rows) for t in value_totals(rows)}
    assert totals[("saving", "亿元")] == (D("3.3"), 2)  # 3.1 + 2,000万元 (0.2亿元)
    assert totals[("cash", "亿元")] == (D("2.9"), 1)
    assert totals[("loss", "亿元")] == (D("1.2"), 1)
    assert totals[("benefit", "亿元")] == (D("6.2"), 3)  # 3.1 + 2.9 + 0.2; the loss apart
    assert ("gain", "") not in totals  # no unit: never added


def test_a_value_total_has_the_places_of_its_most_precise_member() -> None:
    from opsreport.present.value_rows import value_line

    rows = [  # the zh example's value sheet
        b.value("M01", "释放费用空间", "1.14", "节省", unit="亿元"),
        b.value("C03", "节省投放费", "1.1", "节省", unit="亿元"),
        b.value("E01", "释放现金流", 3600, "现金流", unit="万元"),
        b.value("U04", "直接损失销售额", "1.2", "损失", unit="亿元"),
    ]
    totals = {(t.kind, t.unit): (t.amount, t.places) for t in value_totals(rows)}
    assert totals[("saving", "亿元")] == (D("2.24"), 2)  # 1.14 + 1.1: 1.14's two places
    assert totals[("cash", "万元")] == (D(3600), 0)
    # 1.14 + 1.1 + 0.36 (3,600万元 in 亿元: two places) = 2.60, never 2.6 beside 2.24
    assert totals[("benefit", "亿元")] == (D("2.60"), 2)
    assert totals[("loss", "亿元")] == (D("1.2"), 1)
    kpis = [b.kpi(key, id=key, unit="%", actual=1) for key in ("M01", "C03", "E01", "U04")]
    built = b.metrics(b.report(kpis, values=rows))
    assert value_line(built, "zh") == (
        "全年价值贡献合计2.60亿元（节省2.24亿元、释放现金流3,600万元）；造成损失1.2亿元。"
    )
    # en: 2.60亿元 = 260 M CNY (2 places − 2 = 0), 3,600万元 = 36,000 k CNY
    assert value_line(built, "en") == (
        "The year's results were worth 260 M CNY (savings 224 M CNY; cash freed 36,000 k CNY); "
        "cost 120 M CNY in losses."
    )
    # places at most 2, as a KPI's: 0.125亿元 + 1亿元 = 1.125 → 1.13 (half up)
    fine = [
        b.value("A", "x", "0.125", "收益", unit="亿元"),
        b.value("B", "y", 1, "收益", unit="亿元"),
    ]
    assert value_totals(fine)[0].places == 2


def test_values_by_kpi_and_goal_shares() -> None:
    profit = b.kpi("直接利润", id="P01", unit="亿元", actual="8.37")
    built = b.report(
        [profit],
        values=[b.value("P01", "新增利润", "8.37", "收益", unit="亿元")],
        goals=[b.goal("直接利润10亿元", kpi="P01", target=10, base=12, base_name="公司新增利润")],
    )
    assert [v.label for v in kpi_stories(b.metrics(built))["P01"].values] == ["新增利润"]
    share = goal_shares(built.goals)[0].share
    assert share == D(10) / D(12)  # 0.8333…: 占公司新增利润12亿元的83%
    no_base = [b.goal("利润10亿元", target=10, base=0), b.goal("利润10亿元", target=10)]
    assert [s.share for s in goal_shares(no_base)] == [None, None]  # base 0, no base


def test_huge_or_nan_value_amounts_are_refused() -> None:
    profit = b.kpi("直接利润", id="P01", unit="亿元", actual="8.37")
    for amount in ("1e200", "NaN"):
        built = b.report([profit], values=[b.value("P01", "新增利润", amount, "收益", unit="亿元")])
        with pytest.raises(FigureError) as exc:
            b.metrics(built)
        assert "value '新增利润' › amount" in str(exc.value.diagnostics[0])


def test_metrics_json_goals_carry_their_base_and_share() -> None:
    from opsreport.present.tables import metrics_json

    profit = b.kpi("直接利润", id="P01", unit="亿元", actual="8.37")
    built = b.report(
        [profit],
        goals=[
            b.goal(
                "直接利润达到9.5亿元", kpi="P01", target="9.5", base=22, base_name="公司利润增量"
            ),
            b.goal("利润10亿元", kpi="P01", target=10),
        ],
    )
    shared, bare = metrics_json(b.metrics(built), "goals")
    assert (shared["base"], shared["base_name"]) == (22, "公司利润增量")
    assert abs(shared["share"] - 9.5 / 22) < 1e-12  # 0.4318…: 占公司利润增量22亿元的43.2%
    assert (bare["base"], bare["base_name"], bare["share"]) == (None, None, None)
