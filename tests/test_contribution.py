"""Contribution analysis (engine/contribution), its sentence (present/breakdown_rows), the
variance bridge (present/charts/bridge) and the ΔPL/ΔPY charts' panels by unit kind:
every figure with its arithmetic written out; charts checked by the marks they drew."""

from __future__ import annotations

from decimal import Decimal

from opsreport.engine.contribution import bridge_steps, contribution
from opsreport.present import theme
from opsreport.present.breakdown_rows import breakdown_items
from opsreport.present.charts.bridge import bridge_chart, bridge_marks
from opsreport.present.charts.variance import variance_chart
from opsreport.present.tables import metrics_json

from .builders import breakdown, kpi, metrics, report

D = Decimal

# GMV by channel: PY 7.5 + 17.2 + 11.9 = 36.6, AC 12.6 + 19.2 + 11.5 = 43.3 (the KPI's own).
GMV = kpi("GMV", id="P02", unit="亿元", target=45, actual="43.3", prior_year="36.6")
CHANNELS = [
    breakdown("P02", "抖音", dimension="渠道", actual="12.6", prior_year="7.5", target=13),
    breakdown("P02", "天猫", dimension="渠道", actual="19.2", prior_year="17.2", target=20),
    breakdown("P02", "京东", dimension="渠道", actual="11.5", prior_year="11.9", target=12),
]


def gmv_metrics(*rows, of=GMV):
    return metrics(report([of], breakdown=list(rows or CHANNELS)))


def test_each_items_contribution_is_its_actual_minus_prior_year():
    share = contribution(gmv_metrics().breakdowns[0])
    by_item = {c.item: c for c in share.items}
    assert by_item["抖音"].change == D("5.1")  # 12.6 − 7.5
    assert by_item["天猫"].change == D("2.0")  # 19.2 − 17.2
    assert by_item["京东"].change == D("-0.4")  # 11.5 − 11.9
    assert share.change == D("6.7")  # 43.3 − 36.6 = 5.1 + 2.0 − 0.4
    assert share.adds_up  # 43.3 and 36.6 are the KPI's own actual and prior year
    assert by_item["抖音"].change_share == D("5.1") / D("6.7")  # 76.1%
    assert [c.item for c in share.contributors] == ["抖音", "天猫"]
    assert [c.item for c in share.detractors] == ["京东"]
    # gaps to target: 12.6 − 13 = −0.4, 19.2 − 20 = −0.8, 11.5 − 12 = −0.5; Σ −1.7
    assert share.target_gap == D("-1.7") and share.good_gap is False
    assert by_item["天猫"].target_gap == D("-0.8")


def test_zh_sentence_names_contributors_and_detractors():
    (table,) = breakdown_items(gmv_metrics(), "zh")
    assert table["contribution"] == (
        "GMV同比增加6.7亿元，其中抖音贡献+5.1亿元（占增量76.1%）、天猫+2.0亿元；京东减少0.4亿元。"
        "与目标相比，各项合计低于目标1.7亿元，缺口主要在天猫（-0.8亿元）、京东（-0.5亿元）。"
    )
    rows = {row["item"]: row for row in table["rows"]}
    assert rows["京东"]["change"] == "-0.4亿元" and rows["京东"]["good_change"] is False
    assert rows["抖音"]["change_share"] == "76.1%"  # 5.1 / 6.7
    assert table["change"] == "+6.7亿元" and table["bridge_chart"] == "bridge:渠道:P02"


def test_en_sentence_says_the_same():
    (table,) = breakdown_items(gmv_metrics(), "en")
    # English writes 亿元 as 100 M CNY: 6.7亿元 = 670 M CNY, 5.1亿元 = 510 M CNY …
    assert table["contribution"].startswith(
        "GMV rose 670 M CNY from the prior year, of which 抖音 contributed +510 M CNY "
        "(76.1% of the change) and 天猫 +200 M CNY; 京东 fell 40 M CNY."
    )
    assert "the shortfall mostly in 天猫 (-80 M CNY) and 京东 (-50 M CNY)." in table["contribution"]


def test_a_lower_is_better_kpi_never_credits_a_rise():
    cost = kpi("营销费用", id="C01", unit="亿元", direction="lower", actual="5.0", prior_year="4.0")
    rows = [
        breakdown("C01", "投放", dimension="类型", actual="3.5", prior_year="2.6"),  # +0.9 bad
        breakdown("C01", "达人", dimension="类型", actual="1.5", prior_year="1.4"),  # +0.1 bad
    ]
    (table,) = breakdown_items(gmv_metrics(*rows, of=cost), "zh")
    # 5.0 − 4.0 = +1.0, bad for a cost: told by its verb, "mainly because", no 贡献
    assert table["contribution"] == (
        "营销费用同比增加1.0亿元，主要因投放增加0.9亿元（占增量90.0%）、达人增加0.1亿元。"
    )
    share = contribution(gmv_metrics(*rows, of=cost).breakdowns[0])
    assert share.good_change is False and [c.item for c in share.detractors] == ["投放", "达人"]
    falling = [
        breakdown("C01", "投放", dimension="类型", actual="2.0", prior_year="2.6"),  # −0.6 good
        breakdown("C01", "达人", dimension="类型", actual="1.6", prior_year="1.4"),  # +0.2 bad
    ]
    lower = kpi(
        "营销费用", id="C01", unit="亿元", direction="lower", actual="3.6", prior_year="4.0"
    )
    (table,) = breakdown_items(gmv_metrics(*falling, of=lower), "zh")
    # 3.6 − 4.0 = −0.4: good; 投放 −0.6 drives it, 达人 +0.2 offsets it
    assert (
        table["contribution"] == "营销费用同比减少0.4亿元，其中投放减少0.6亿元；达人增加0.2亿元。"
    )


def test_items_that_do_not_add_up_to_the_kpi_are_called_the_items_total():
    partial = CHANNELS[:2]  # AC 12.6 + 19.2 = 31.8 ≠ 43.3; PY 7.5 + 17.2 = 24.7
    share = contribution(gmv_metrics(*partial).breakdowns[0])
    assert share.change == D("7.1") and not share.adds_up  # 31.8 − 24.7
    (zh,) = breakdown_items(gmv_metrics(*partial), "zh")
    assert zh["contribution"].startswith("GMV各渠道合计同比增加7.1亿元，其中抖音贡献+5.1亿元")
    assert "（各项之和）。" in zh["contribution"]
    (en,) = breakdown_items(gmv_metrics(*partial), "en")
    assert en["contribution"].startswith("The 渠道 items' total of GMV rose 710 M CNY")
    assert "(the items' sum)." in en["contribution"]


def test_a_rate_kpi_names_its_items_moves_without_a_total():
    rate = kpi("转化率", id="R01", unit="%", actual="3.2", prior_year="3.0")
    rows = [
        breakdown("R01", "抖音", dimension="渠道", actual="4.1", prior_year="3.5"),  # +0.6 pp
        breakdown("R01", "天猫", dimension="渠道", actual="2.9", prior_year="3.1"),  # −0.2 pp
    ]
    built = gmv_metrics(*rows, of=rate)
    share = contribution(built.breakdowns[0])
    assert not share.additive and share.change is None  # rates do not add across items
    (table,) = breakdown_items(built, "zh")
    assert table["contribution"] == (
        "按渠道看，转化率同比变化最大的是抖音（+0.6个百分点）、天猫（-0.2个百分点）。"
    )
    assert bridge_chart(built.breakdowns[0], "zh") is None  # no bridge for a rate


def test_metrics_json_carries_the_contributions():
    (row,) = metrics_json(gmv_metrics(), "breakdown")
    assert row["change"] == 6.7 and row["target_gap"] == -1.7 and row["adds_up"] is True
    first = next(item for item in row["items"] if item["item"] == "抖音")
    assert first["change"] == 5.1 and first["good_change"] is True  # 12.6 − 7.5
    assert first["target_gap"] == -0.4  # 12.6 − 13


def test_bridge_runs_from_py_through_each_change_to_ac():
    table = gmv_metrics().breakdowns[0]
    marks = bridge_marks(table, "zh")
    assert [(m.name, m.label, m.color) for m in marks] == [
        ("上年", "36.6", theme.PY_COLOR),
        ("抖音", "+5.1", theme.GOOD),  # largest rise first
        ("天猫", "+2.0", theme.GOOD),
        ("京东", "-0.4", theme.BAD),
        ("实际", "43.3", theme.AC_COLOR),
    ]
    steps = bridge_steps(contribution(table), 1)
    assert [(s.start, s.end) for s in steps[1:4]] == [
        (D("36.6"), D("41.7")),  # 36.6 + 5.1
        (D("41.7"), D("43.7")),  # + 2.0
        (D("43.7"), D("43.3")),  # − 0.4 = the AC total
    ]
    chart = bridge_chart(table, "en")
    assert chart is not None and chart.name == "bridge:渠道:P02"
    assert [m.name for m in chart.marks] == ["PY", "抖音", "天猫", "京东", "AC"]


def test_bridge_of_a_cost_colours_a_rise_red():
    cost = kpi("营销费用", id="C01", unit="亿元", direction="lower", actual="3.6", prior_year="4.0")
    rows = [
        breakdown("C01", "投放", dimension="类型", actual="2.0", prior_year="2.6"),
        breakdown("C01", "达人", dimension="类型", actual="1.6", prior_year="1.4"),
    ]
    marks = bridge_marks(gmv_metrics(*rows, of=cost).breakdowns[0], "zh")
    assert [(m.name, m.label, m.color) for m in marks[1:3]] == [
        ("达人", "+0.2", theme.BAD),  # a cost that rises is bad
        ("投放", "-0.6", theme.GOOD),
    ]


def test_bridge_groups_the_smallest_beyond_eight_items():
    big = kpi("GMV", id="P02", unit="万元", actual=210, prior_year=155)
    # ten items, PY 10 + n (Σ 155), AC 10 + 2n (Σ 210): changes +1 … +10, Σ 55 = 210 − 155
    rows = [
        breakdown("P02", f"渠道{n}", dimension="渠道", actual=10 + 2 * n, prior_year=10 + n)
        for n in range(1, 11)
    ]
    marks = bridge_marks(gmv_metrics(*rows, of=big).breakdowns[0], "zh")
    assert len(marks) == 10  # PY, 7 items, the rest, AC
    assert [m.label for m in marks[1:8]] == ["+10", "+9", "+8", "+7", "+6", "+5", "+4"]
    assert (marks[8].name, marks[8].label) == ("其余3项", "+6")  # 3 + 2 + 1
    assert (marks[0].label, marks[-1].label) == ("155", "210")


def test_variance_charts_draw_rates_and_amounts_in_panels_of_their_own():
    margin = kpi("毛利率", unit="%", target=23, actual="24.1", prior_year="21.8")  # +2.3 pp
    friends = kpi("企微好友", unit="万人", target=100, actual=276, prior_year=100)  # +176%
    built = metrics(report([margin, friends]))
    chart = variance_chart(built.results, "zh", "prior")
    assert chart is not None
    assert [(m.panel, m.name, m.label) for m in chart.marks] == [
        ("rate", "毛利率", "+2.3pp"),  # 24.1 − 21.8
        ("amount", "企微好友", "+176.0%"),  # 276 / 100 − 1
    ]
    only_amounts = variance_chart(metrics(report([friends])).results, "en", "prior")
    assert only_amounts is not None and {m.panel for m in only_amounts.marks} == {"amount"}


def test_a_bridge_without_a_dimension_name_reads_whole():
    plain = [
        breakdown("P02", "甲", actual=2, prior_year=1),  # +1
        breakdown("P02", "乙", actual=1, prior_year=1),  # 0
    ]
    table = gmv_metrics(*plain).breakdowns[0]
    zh, en = bridge_chart(table, "zh"), bridge_chart(table, "en")
    assert zh is not None and en is not None
    assert (zh.title, en.title) == ("变动桥：GMV", "GMV bridge")
    # PY 1 + 1 = 2, AC 2 + 1 = 3, in GMV's one decimal (43.3)
    assert zh.alt == "瀑布图：GMV由上年2.0到实际3.0，按项目分为2步变化。"
