"""The KPI sentences (present/narrative): from→to, verbs by kind and size, and the
clauses that say why a result matters. Every sentence exact, its arithmetic beside it."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from opsreport.engine.metrics import compute_kpi
from opsreport.engine.movement import SIZE_THRESHOLDS, move_size, unit_kind
from opsreport.engine.story import driver_chains
from opsreport.present.kpi_view import kpi_views
from opsreport.present.narrative import Narrative, kpi_sentence
from opsreport.present.problem_rows import repeats_title

from .builders import context, kpi, meta, metrics, period, problem, report, value


def say(lang: str = "zh", **fields: object) -> str:
    """The sentence of one KPI built from ``fields`` (name defaults to 指标)."""
    fields.setdefault("name", "指标")
    return kpi_sentence(compute_kpi(kpi(**fields)), lang)  # type: ignore[arg-type]


def told(kpis: list, lang: str = "zh", values: list | None = None) -> dict[str, str]:
    """Every KPI's sentence as the report tells it (drivers and values known)."""
    built = metrics(report(kpis, values=values))
    narrative = Narrative.of(built, kpi_views(built, lang), lang)
    return {r.kpi.key: narrative.sentence(r) for r in built.results}


# --------------------------------------------------------------------------- size classes


@pytest.mark.parametrize(
    ("kind", "change", "relative", "size"),
    [
        ("rate", D("5"), None, "large"),  # 5 pp: large from 5
        ("rate", D("-4.9"), None, "normal"),
        ("rate", D("0.49"), None, "slight"),  # below 0.5 pp
        ("rate", D("0.5"), None, "normal"),
        ("amount", D("1.95"), D("0.3037"), "large"),  # 30.4% ≥ 30%
        ("amount", D("8.3"), D("0.201"), "normal"),
        ("amount", D("1"), D("0.0199"), "slight"),  # 1.99% < 2%
        ("duration", D("-26"), D("-0.388"), "large"),  # 67 → 41 days: −38.8%
        ("multiple", D("1.3"), D("0.619"), "large"),
        ("amount", D("236"), None, "normal"),  # prior zero: no relative size to judge
        ("amount", D("0"), D("0"), "flat"),
    ],
)
def test_move_sizes_follow_the_one_table(kind, change, relative, size):
    assert move_size(kind, change, relative) == size


def test_the_threshold_table():
    assert SIZE_THRESHOLDS["rate"].large_from == 5 and SIZE_THRESHOLDS["rate"].slight_below == D(
        "0.5"
    )
    assert SIZE_THRESHOLDS["amount"].large_from == D("0.30")


@pytest.mark.parametrize(
    ("unit", "kind"),
    [("%", "rate"), ("个百分点", "rate"), ("天", "duration"), ("hours", "duration"),
     ("小时", "duration"), ("倍", "multiple"), ("x", "multiple"), ("亿元", "amount"),
     ("分", "score"), ("points", "score"), ("", "amount")],
)  # fmt: skip
def test_unit_kinds(unit, kind):
    assert unit_kind(unit) == kind


# --------------------------------------------------------------------------- from→to


def test_the_reference_sentence():
    # 1.95/6.42 = 30.37% → +30.4%, large (≥ 30%); 0.37/8 = 4.625% → 4.6%;
    # 8.37/20 = 41.85% → 41.9%; every figure at the KPI's places, 2 (8.37): 8.00, 20.00
    fields = dict(
        name="直接利润", unit="亿元", target=8, actual=8.37, prior_year=6.42, base=20,
        base_name="公司利润增量",
    )  # fmt: skip
    assert say(**fields) == (
        "直接利润由6.42亿元大幅增长至8.37亿元（+30.4%），较目标8.00亿元超额4.6%，"
        "占公司利润增量20.00亿元的41.9%。"
    )
    assert say("en", **fields) == (
        "直接利润 rose sharply from 642 M CNY to 837 M CNY (+30.4%), 4.6% above the target of "
        "800 M CNY (attainment 104.6%), and 41.9% of 公司利润增量 (2,000 M CNY)."
    )


def test_a_rate_moves_in_points_from_to():
    # 14.8 − 11.2 = +3.6 pp: normal (0.5 ≤ 3.6 < 5)
    assert say(name="利润率", unit="%", actual=14.8, prior_year=11.2) == (
        "利润率由11.2%提升至14.8%（+3.6个百分点）。"
    )
    assert say("en", name="Margin", unit="%", actual=14.8, prior_year=11.2) == (
        "Margin rose from 11.2% to 14.8% (+3.6 pp)."
    )
    # 38.4 − 30 = +8.4 pp ≥ 5: large
    assert say(name="全域留存率", unit="%", actual=38.4, prior_year=30) == (
        "全域留存率由30.0%大幅提升至38.4%（+8.4个百分点）。"
    )
    # 3.05 − 2.90 = +0.15 pp < 0.5: slight; to target 3.05 − 3.00 = +0.05 pp, 3.05/3 = 101.7%
    assert say(name="转化率", unit="%", target=3, actual=3.05, prior_year=2.9) == (
        "转化率由2.90%小幅提升至3.05%（+0.15个百分点），较目标3.00%高0.05个百分点，完成率101.7%。"
    )
    assert say("en", name="CR", unit="%", target=3, actual=3.05, prior_year=2.9) == (
        "CR edged up from 2.90% to 3.05% (+0.15 pp), 0.05 pp above the target of 3.00% "
        "(attainment 101.7%)."
    )


def test_a_lower_is_better_kpi_that_fell_reads_as_a_fall_not_as_有所改善():
    # 11.2 − 13.5 = −2.3 pp; to target −0.8 pp (good), attainment 1 + 0.8/12 = 106.7%
    fields = dict(
        name="营销费用率", unit="%", direction="lower", target=12, actual=11.2, prior_year=13.5
    )
    assert say(**fields) == (
        "营销费用率由13.5%降至11.2%（-2.3个百分点），较目标12.0%低0.8个百分点，优于目标，完成率106.7%。"
    )
    assert say("en", **fields) == (
        "营销费用率 fell from 13.5% to 11.2% (-2.3 pp), 0.8 pp below the target of 12.0% "
        "(better than target, attainment 106.7%)."
    )
    # above a lower-is-better target the verdict is said ("above" is then bad): churn
    # 6.8 − 6.0 = +0.8 pp off target, attainment 1 − 0.8/6 = 86.7%; 6.8 − 7.4 = −0.6 pp
    churn = dict(name="Churn", unit="%", direction="lower", target=6, actual=6.8, prior_year=7.4)
    assert say("en", **churn) == (
        "Churn fell from 7.4% to 6.8% (-0.6 pp), 0.8 pp above the target of 6.0% "
        "(short of target, attainment 86.7%)."
    )
    # 1,200 − 2,050 = −850万元, −850/2,050 = −41.46% → −41.5%: large
    assert say(name="退货损失", unit="万元", direction="lower", actual=1200, prior_year=2050) == (
        "退货损失由2,050万元大幅降至1,200万元（-41.5%）。"
    )


def test_durations_move_in_their_unit():
    # 41 − 67 = −26 days, −26/67 = −38.8%: large; said 缩短26天, never −38.8% or 有所改善
    fields = dict(name="库存周转天数", unit="天", direction="lower", actual=41, prior_year=67)
    assert say(**fields) == "库存周转天数由67天降至41天，大幅缩短26天。"
    assert say("en", name="Days", unit="days", direction="lower", actual=41, prior_year=67) == (
        "Days fell sharply from 67 days to 41 days (26 days shorter)."
    )
    # 59 − 42 = +17 days (+40.5%): 延长17天, not 增长40.5%; longer is worse here: said so
    assert say(name="新品上市周期", unit="天", direction="lower", actual=59, prior_year=42) == (
        "新品上市周期由42天升至59天，大幅延长17天，较上年恶化。"
    )
    # 48.5 − 52 = −3.5 (−6.7%, normal); to target +3.5 days, attainment 1 − 3.5/45 = 92.2%
    target = dict(
        name="库存周转天数", unit="天", direction="lower", target=45, actual=48.5, prior_year=52
    )
    assert say(**target) == (
        "库存周转天数由52.0天降至48.5天，缩短3.5天，较目标45.0天多3.5天，未达目标，完成率92.2%。"
    )
    # 22.5 − 24 = −1.5 hours to target (good), 1 + 1.5/24 = 106.3%; 27 → 22.5 = −4.5 (−16.7%)
    hours = dict(
        name="MTTR", unit="hours", direction="lower", target=24, actual=22.5, prior_year=27
    )
    assert say("en", **hours) == (
        "MTTR fell from 27.0 hours to 22.5 hours (4.5 hours shorter), 1.5 hours below the "
        "target of 24.0 hours (better than target, attainment 106.3%)."
    )


def test_a_score_moves_in_its_points_not_in_percent():
    # 36 − 33 = +3分 (3/33 = 9.1%: normal); to target 36 − 40 = −4分 (attainment 36/40 = 90%)
    nps = dict(name="净推荐值", unit="分", target=40, actual=36, prior_year=33)
    assert (
        say(**nps) == "净推荐值由33分提升至36分（+3分），较目标40分低4分，未达目标，完成率90.0%。"
    )
    # en: 31 − 28 = +3 points; 31 − 35 = −4 points; 31/35 = 88.6%; benchmark 31 − 40 = −9
    en = dict(name="NPS", unit="points", target=35, actual=31, prior_year=28, benchmark=40)
    assert say("en", **en) == (
        "NPS rose from 28 points to 31 points (+3 points), 4 points below the target of 35 "
        "points (attainment 88.6%), and 9 points below the industry average of 40 points."
    )


def test_multiples_by_from_to_never_plus_倍_beside_a_percent():
    # 3.4 − 2.1 = +1.3倍 is +61.9%: large, said by from→to alone; above 3.0 (113.3%)
    fields = dict(name="ROI", unit="倍", target=3, actual=3.4, prior_year=2.1)
    assert say(**fields) == "ROI由2.1倍大幅提升至3.4倍，高于目标3.0倍。"
    assert say("en", **fields) == (
        "ROI rose sharply from 2.1 倍 to 3.4 倍, above the target of 3.0 倍 (attainment 113.3%)."
    )
    # below a 3.6 target: 1 − 0.2/3.6 = 94.4%
    missed = dict(name="ROI", unit="倍", target=3.6, actual=3.4, prior_year=2.1)
    assert say(**missed) == "ROI由2.1倍大幅提升至3.4倍，低于目标3.6倍，未达目标，完成率94.4%。"


def test_missing_prior_target_or_actual_and_a_zero_prior():
    # no prior: the actual and the target; −2.4/52 = −4.6%, attainment 95.4%
    assert say(name="GMV", unit="亿元", target=52, actual=49.6) == (
        "GMV 49.6亿元，较目标52.0亿元低4.6%，未达目标，完成率95.4%。"
    )
    assert say("en", name="GMV", unit="亿元", target=52, actual=49.6) == (
        "GMV was 4,960 M CNY, 4.6% below the target of 5,200 M CNY (attainment 95.4%)."
    )
    assert say(name="GMV", unit="亿元", actual=49.6) == "GMV 49.6亿元。"
    # a prior of zero: no percent, the change in the unit (+236万人)
    assert say(name="新增用户", unit="万人", actual=236, prior_year=0) == (
        "新增用户由0万人增长至236万人（+236万人）。"
    )
    # a rate from zero moves in points all the same: +5.0 pp ≥ 5, large
    assert say(name="直播占比", unit="%", actual=5, prior_year=0) == (
        "直播占比由0%大幅提升至5%（+5.0个百分点）。"
    )
    assert say(name="x", target=1) == "x：本年无实际数据。"
    assert say("en", name="x", target=1) == "x: no actual figure this year."


def test_equal_at_the_kpis_places_is_flat():
    # 24.1 and 24.1: 与上年持平, never 由24.1%提升至24.1%
    assert say(name="毛利率", unit="%", actual=24.1, prior_year=24.1) == "毛利率24.1%，与上年持平。"
    assert say("en", name="GM", unit="%", actual=24.1, prior_year=24.1) == (
        "GM was 24.1%, flat on last year."
    )


def test_a_name_that_holds_the_verb_moves_升至():
    # 2.3 − 0.6 = +1.7 pp; to target +1.1 pp, 2.3/1.2 = 191.7%
    assert say(name="毛利率提升", unit="个百分点", target=1.2, actual=2.3, prior_year=0.6) == (
        "毛利率提升由0.6个百分点升至2.3个百分点（+1.7个百分点），较目标1.2个百分点高1.1个百分点，"
        "完成率191.7%。"
    )


# --------------------------------------------------------------------------- so what


def test_growth_target_clause():
    # (2,325 − 1,727)/1,727 = 34.63% → +34.6%, above the 30% growth target (gap +4.6)
    fields = dict(name="人效", unit="万元/人", actual=2325, prior_year=1727, target_growth=30)
    assert (
        say(**fields) == "人效由1,727万元/人大幅增长至2,325万元/人（+34.6%），高于30%的增长目标。"
    )
    assert say("en", **fields) == (
        "人效 rose sharply from 17,270 k CNY/person to 23,250 k CNY/person (+34.6%), beating the +30% growth target."
    )
    # 319/2,006 = 15.9% < 30%
    short = dict(name="人效", unit="万元/人", actual=2325, prior_year=2006, target_growth=30)
    assert say(**short) == "人效由2,006万元/人增长至2,325万元/人（+15.9%），低于30%的增长目标。"
    # a rate's growth target in points: +8.4 pp against +5 pp
    rate = dict(name="全域留存率", unit="%", actual=38.4, prior_year=30, target_growth=5)
    assert (
        say(**rate) == "全域留存率由30.0%大幅提升至38.4%（+8.4个百分点），高于5个百分点的提升目标。"
    )
    # lower is better, a target of −3 pp: −4.2 pp is better
    lower = dict(
        name="营销费用率",
        unit="%",
        direction="lower",
        actual=11.4,
        prior_year=15.6,
        target_growth=-3,
    )
    assert say(**lower) == "营销费用率由15.6%降至11.4%（-4.2个百分点），优于下降3个百分点的目标。"
    assert say("en", **lower) == (
        "营销费用率 fell from 15.6% to 11.4% (-4.2 pp), beating the -3 pp target."
    )
    # no prior year: nothing to compare the growth target with, no clause
    assert say(name="人效", unit="万元/人", actual=2325, target_growth=30) == "人效2,325万元/人。"


def test_benchmark_clause():
    # 41 − 55 = −14 pp (points at one place at least): below, with the gap
    fields = dict(name="续费率", unit="%", actual=41, prior_year=44, benchmark=55)
    assert say(**fields) == (
        "续费率由44%降至41%（-3.0个百分点），低于行业均值55%（相差14.0个百分点）。"
    )
    assert say("en", **fields) == (
        "续费率 fell from 44% to 41% (-3.0 pp), 14.0 pp below the industry average of 55%."
    )
    # a duration against a named benchmark: 7 − 14 = −7 days: below it, 7 days apart
    days = dict(name="素材生命周期", unit="天", actual=7, benchmark=14, benchmark_name="行业水平")
    assert say(**days) == "素材生命周期7天，低于行业水平14天（相差7天）。"
    # an amount: (537 − 480)/480 = 11.875% → 11.9% above
    assert (
        say(name="客单价", unit="元", actual=537, benchmark=480)
        == "客单价537元，高于行业均值480元（相差11.9%）。"
    )
    # a multiple: above or below alone (a difference in 倍 reads as a percent)
    assert say(name="ROI", unit="倍", actual=3.4, benchmark=3) == "ROI 3.4倍，高于行业均值3.0倍。"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (None, "the industry average"),  # the default, with its article
        ("Gartner median", "the Gartner median"),
        ("industry average", "the industry average"),
        ("TSIA's services average", "TSIA's services average"),  # a possessive: as typed
        ("the peer median", "the peer median"),  # its own article: not twice
        ("Our 2025 plan", "Our 2025 plan"),
    ],
)
def test_an_english_benchmark_name_reads_as_a_noun_phrase(name, said):
    # 41 − 55 = −14 pp
    sentence = say("en", name="FCR", unit="%", actual=41, benchmark=55, benchmark_name=name)
    assert sentence == f"FCR was 41%, 14.0 pp below {said} of 55%."


def test_a_duration_says_whether_its_move_was_good():
    # longer is better (素材生命周期): 7 − 9 = −2 days (−22.2%: normal) is a deterioration;
    # 7 − 14 = −7 days below the benchmark
    life = dict(
        name="素材生命周期", unit="天", actual=7, prior_year=9, benchmark=14,
        benchmark_name="抖音同类目均值",
    )  # fmt: skip
    assert say(**life) == (
        "素材生命周期由9天降至7天，缩短2天，较上年恶化，低于抖音同类目均值14天（相差7天）。"
    )
    assert say("en", **life) == (
        "素材生命周期 fell from 9 days to 7 days (2 days shorter, worse than last year), "
        "7 days below the 抖音同类目均值 of 14 days."
    )
    # longer is better and it lengthened: 11 − 9 = +2 days, said good too
    assert say(name="素材生命周期", unit="天", actual=11, prior_year=9) == (
        "素材生命周期由9天升至11天，延长2天，较上年改善。"
    )
    # shorter is better and it shortened: 缩短 says it, no verdict (48.5 − 52 = −3.5)
    assert say(name="库存周转天数", unit="天", direction="lower", actual=48.5, prior_year=52) == (
        "库存周转天数由52.0天降至48.5天，缩短3.5天。"
    )


def test_the_note_follows_the_sentence():
    fields = dict(name="毛利率", unit="%", actual=24.1, prior_year=21.8, note="毛利÷销售额")
    assert say(**fields) == "毛利率由21.8%提升至24.1%（+2.3个百分点）。毛利÷销售额。"
    assert say("en", **fields) == "毛利率 rose from 21.8% to 24.1% (+2.3 pp). 毛利÷销售额。"
    english = dict(name="CSAT", unit="%", actual=89.3, note="Share of 4 and 5 ratings")
    assert say("en", **english) == "CSAT was 89.3%. Share of 4 and 5 ratings."
    result = compute_kpi(kpi(**fields))  # type: ignore[arg-type]
    assert kpi_sentence(result, with_note=False) == "毛利率由21.8%提升至24.1%（+2.3个百分点）。"


CHAIN = [
    kpi("自然流量占比", unit="%", actual=36, prior_year=21, drivers=["爆款率"]),
    kpi("爆款率", unit="%", actual=13, prior_year=4, drivers=["短视频月产量"]),
    kpi("短视频月产量", unit="条", actual=1150, prior_year=420),
    kpi("利润率", unit="%", actual=14.8, prior_year=11.2, drivers=["自有品牌占比", "营销费用率"]),
    kpi("自有品牌占比", unit="%", actual=41, prior_year=28),
    kpi("营销费用率", unit="%", direction="lower", actual=11.4, prior_year=15.6),
]
VALUES = [
    value("营销费用率", "释放费用空间", 3.1, "节省", unit="亿元"),
    value("自然流量占比", "节省投放费", 1.1, "saving", unit="亿元"),
    value("营销费用率", "freed cash", 0.5, "cash", unit="M USD"),
]


def test_drivers_are_told_as_one_chain_root_first():
    built = report(CHAIN)
    kpis = {k.key: k for k in built.kpis}
    assert driver_chains(kpis["自然流量占比"], kpis) == (("短视频月产量", "爆款率"),)
    said = told(CHAIN, values=VALUES)
    # 36 − 21 = +15.0 pp (large); 1,150 − 420 = 730, 730/420 = 173.8% (large); 13 − 4 = +9.0 pp
    # the KPI's own value before its causes, so that it never reads as the last driver's
    assert said["自然流量占比"] == (
        "自然流量占比由21%大幅提升至36%（+15.0个百分点），节省投放费1.1亿元，主要来自短视频月产量"
        "由420条大幅增长至1,150条（+173.8%），带动爆款率由4%大幅提升至13%（+9.0个百分点）。"
    )
    # two drivers, two chains: 41 − 28 = +13.0 pp (large); 11.4 − 15.6 = −4.2 pp
    assert said["利润率"] == (
        "利润率由11.2%提升至14.8%（+3.6个百分点），主要来自自有品牌占比由28%大幅提升至41%"
        "（+13.0个百分点），以及营销费用率由15.6%降至11.4%（-4.2个百分点）。"
    )
    english = told(CHAIN, "en", VALUES)
    assert english["自然流量占比"] == (
        "自然流量占比 rose sharply from 21% to 36% (+15.0 pp), a saving of 110 M CNY (节省投放费), "
        "and mainly "
        "driven by 短视频月产量 rising sharply from 420 条 to 1,150 条 (+173.8%), lifting 爆款率 "
        "from 4% to 13% (+9.0 pp)."
    )


def test_value_rows_follow_in_workbook_order():
    said = told(CHAIN, values=VALUES)
    assert said["营销费用率"] == (
        "营销费用率由15.6%降至11.4%（-4.2个百分点），释放费用空间3.1亿元、freed cash 0.5 M USD。"
    )
    assert told(CHAIN, "en", VALUES)["营销费用率"] == (
        "营销费用率 fell from 15.6% to 11.4% (-4.2 pp), a saving of 310 M CNY (释放费用空间) and "
        "0.5 M USD of cash freed (freed cash)."
    )


def test_an_english_value_is_said_by_its_kind_and_its_label_follows():
    kpis = [kpi("MTTR", unit="hours", direction="lower", actual="18.4", prior_year="22.5")]
    rows = [
        value("MTTR", "upsell revenue from Premium renewals", 640, "gain", unit="k USD"),
        value("MTTR", "agent cost saved", 420, "saving", unit="k USD"),
        value("MTTR", "cash released by invoicing repairs sooner", 210, "cash", unit="k USD"),
        value("MTTR", "service credits paid for SLA breaches", 185, "loss", unit="k USD"),
    ]
    # 18.4 − 22.5 = −4.1 hours (−18.2%: normal); shorter is better here: no verdict
    assert told(kpis, "en", rows)["MTTR"] == (
        "MTTR fell from 22.5 hours to 18.4 hours (4.1 hours shorter), a gain of 640 k USD "
        "(upsell revenue from Premium renewals), a saving of 420 k USD (agent cost saved), "
        "210 k USD of cash freed (cash released by invoicing repairs sooner) and a loss of "
        "185 k USD (service credits paid for SLA breaches)."
    )


# --------------------------------------------------------------------------- problems, SMART


def test_a_problems_figure_line_is_neutral_and_never_repeats_its_title():
    roi = kpi("ROI", unit="倍", target=3, actual=3.4, prior_year=2.1)
    retention = kpi("用户留存率", unit="%", target=45, actual=41.2, prior_year=42)
    built = report(
        [roi, retention],
        meta=meta(year=2026),
        problems=[
            problem("抖音渠道ROI跌破2.0", kpi="ROI"),  # 2.0 is not the KPI's 3.4
            problem("用户留存率41.2%，低于目标3.8个百分点", kpi="用户留存率"),  # says 41.2
        ],
    )
    zh = context(built, "zh")["problems"]
    # the KPI's figure with its period, no 同比+61.9% beside a problem that says it fell
    assert zh[0]["figures"] == "ROI，2026年实际：3.4倍"
    assert zh[1]["figures"] == ""
    assert context(built, "en")["problems"][0]["figures"] == "ROI, 2026 actual: 3.4 倍"
    # 72.0 in a title is the KPI's 72 all the same
    assert repeats_title("Technician utilisation 72.0%, below target", [D(72)])
    assert not repeats_title("Backlog 1,580 at Q1", [D(1310)])
    assert repeats_title("Backlog ended at 1,310 tickets", [D(1310)])


def test_a_goal_that_must_fall_says_需降低():
    from opsreport.engine.metrics import Verdict
    from opsreport.present.formatting import verdict_text

    # 44 − 48.5 = −4.5 days to go; this year −3.5: 4.5/3.5 = 1.3 times
    falls = Verdict(
        True, "within_reach", {"required": D("-4.5"), "achieved": D("-3.5"), "ratio": D("1.29")}
    )
    assert verdict_text(falls, "天", "zh") == "需降低4.5天，为本年改善-3.5天的1.3倍"
    rises = Verdict(
        False, "stretch", {"required": D("13.5"), "achieved": D("2"), "ratio": D("6.75")}
    )
    assert (
        verdict_text(rises, "%", "zh")
        == "需提升13.5个百分点，超过本年改善+2.0个百分点的两倍（6.8倍）"
    )
    assert (
        verdict_text(falls, "days", "en") == "needs -4.5 days, 1.3× this year's change of -3.5 days"
    )


def test_a_lower_is_better_quarter_misses_its_target_short_not_below():
    from opsreport.present.quarter_rows import quarter_items

    days = kpi("库存周转天数", id="E01", unit="天", direction="lower", actual="46.5", target=43)
    rows = [  # each quarter above its target: 51.0 > 47, 46.5 > 43 — missed, not "below"
        period("E01", "2026Q1", actual=51, target=47),
        period("E01", "2026Q2", actual="46.5", target=43),
    ]
    built = metrics(report([days], meta=meta(year=2026), periods=rows))
    (en,) = quarter_items(built, built.quarters, "en")
    assert en["summary"] == (  # 46.5 − 51.0 = −4.5 days, in the unit: a duration
        "库存周转天数 fell, from 51.0 days in 2026Q1 to 46.5 days in 2026Q2 (4.5 days shorter); "
        "short of the quarterly target in 2026Q1 and 2026Q2."
    )
    (zh,) = quarter_items(built, built.quarters, "zh")
    assert zh["summary"].endswith("；2026Q1、2026Q2未达季度目标。")


def test_the_openings_context_closes_chinese_with_a_chinese_stop_in_english_too():
    from opsreport.present.summary import _context

    goals, mandate = "公司目标是利润增量20亿元", "部门背直接利润8亿元"
    assert _context(goals, mandate, "zh") == "公司目标是利润增量20亿元。部门背直接利润8亿元。"
    # an English document of a Chinese workbook: 。 after Chinese (never 「20亿元.」)
    assert _context(goals, mandate, "en") == "公司目标是利润增量20亿元。部门背直接利润8亿元。"
    assert _context("Grow revenue 10%", "Own 18.5 M USD", "en") == (
        "Grow revenue 10%. Own 18.5 M USD."
    )
    assert _context("Grow revenue 10%.", None, "en") == "Grow revenue 10%."


def test_a_move_from_or_into_a_loss_is_said_in_the_unit_not_in_percent():
    """由-2亿元增长至5亿元: 5 − (−2) = +7亿元; (5 − (−2)) ÷ −2 = −350% would read as a fall."""
    from_loss = say(id="P", name="直接利润", unit="亿元", actual=5, prior_year=-2)
    assert "由-2亿元" in from_loss and "5亿元（+7亿元）" in from_loss and "%" not in from_loss
    # 2 → −1亿元: −3亿元, not −150.0%
    into_loss = say(id="P", name="直接利润", unit="亿元", actual=-1, prior_year=2)
    assert "-1亿元（-3亿元）" in into_loss and "%" not in into_loss
    # a gain on a gain keeps its percent: 6.42 → 8.37 is +30.4% (1.95 ÷ 6.42 = 0.3037)
    assert "（+30.4%）" in say(
        id="P", name="直接利润", unit="亿元", actual="8.37", prior_year="6.42"
    )
