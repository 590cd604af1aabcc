"""The campaigns sheet (活动复盘): read by its zh and en names, quarters (a month counts in its
quarter), investments per unit, the KPI's quarter beside it; bad rows name their cell."""

from __future__ import annotations

from decimal import Decimal

import pytest

from opsreport.core.periods import Period
from opsreport.engine.campaigns import campaign_review
from opsreport.engine.metrics import compute
from opsreport.errors import WorkbookError
from opsreport.io.workbook import load_report
from opsreport.present.campaign_rows import campaign_items

from .conftest import EN_EXAMPLE, ZH_EXAMPLE


def _errors(path) -> list[str]:
    with pytest.raises(WorkbookError) as info:
        load_report(path)
    return [str(d) for d in info.value.errors]


def _sheets(basic_sheets, campaigns):
    sheets = dict(basic_sheets)
    sheets["periods"] = [
        ["kpi", "period", "actual", "prior_year"],
        ["P01", "2026Q2", 1.88, 1.43],
        ["P01", "2026Q4", 2.82, 2.16],
    ]
    sheets["活动"] = campaigns
    return sheets


ZH_HEADER = ["季度", "活动", "主题", "投入", "单位", "关联指标", "效果", "用户反馈"]


def test_zh_headers_months_and_totals(make_workbook, basic_sheets):
    path = make_workbook(_sheets(basic_sheets, [
        ZH_HEADER,
        ["Q4", "双11大促", "预售", 1850, "万元", "直接利润", "GMV 6.8亿元", "提醒过多"],
        ["6月", "618大促", "直播", 980, "万元", "P01", "GMV 3.6亿元", "断货"],
        ["2026Q4", "双12清仓", None, 0.03, "亿元", None, None, None],
        [None, "会员日", None, None, None, None, None, None],
    ]))  # fmt: skip
    report = load_report(path)
    assert [c.name for c in report.campaigns] == ["双11大促", "618大促", "双12清仓", "会员日"]
    assert report.campaigns[1].quarter == Period(2026, 2)  # 6月 → Q2 of the report's year
    assert report.campaigns[0].kpi == "P01" and report.campaigns[0].unit == "万元"
    review = campaign_review(compute(report))
    assert [q.quarter for q in review.quarters] == [Period(2026, 2), Period(2026, 4), None]
    # Added within one unit only: 1,850 + 980 = 2,830万元; 0.03亿元 apart.
    assert review.totals == (("万元", Decimal(2830)), ("亿元", Decimal("0.03")))
    assert review.quarters[1].totals == (("万元", Decimal(1850)), ("亿元", Decimal("0.03")))
    items = campaign_items(compute(report), "zh")
    assert items["summary"] == "全年复盘4项重点活动，分布在2个季度，投入合计2,830万元、0.03亿元。"
    first = items["rows"][0]
    assert first["quarter"] == "2026Q2" and first["investment"] == "980万元"
    # 直接利润 2026Q2 1.88 vs 1.43: 1.88 ÷ 1.43 − 1 = 31.5%.
    assert first["kpi_figure"] == "直接利润2026Q2实际1.88亿元，同比+31.5%"
    assert items["rows"][-1]["quarter"] == "" and items["rows"][-1]["kpi_figure"] == ""


def test_en_sheet_name_and_english_words(make_workbook, basic_sheets):
    sheets = _sheets(basic_sheets, [])
    del sheets["活动"]
    sheets["campaigns"] = [
        ["quarter", "campaign", "investment", "unit", "kpi", "outcome", "review"],
        ["Q2", "Renewal campaign", 60, "k USD", "P01", "312 upgrades", "start earlier"],
        ["Q4", "Peak season", 120, "k USD", None, None, None],
    ]
    items = campaign_items(compute(load_report(make_workbook(sheets))), "en")
    # 60 + 120 = 180 k USD.
    assert items["summary"] == "2 campaigns reviewed across 2 quarters, 180 k USD invested in all."
    assert items["rows"][0]["result"] == "312 upgrades"
    assert items["rows"][0]["feedback"] == "start earlier"
    # 8.37亿元 in English: 188 M CNY for 1.88亿元; +31.5% YoY.
    assert items["rows"][0]["kpi_figure"] == "直接利润 2026Q2: 188 M CNY, +31.5% YoY"


def test_bad_rows_name_their_cell(make_workbook, basic_sheets):
    path = make_workbook(_sheets(basic_sheets, [
        ZH_HEADER,
        ["Q4", "双11大促", None, 100, "万元", "P99", None, None],
        ["Q5", "年货节", None, None, None, None, None, None],
        ["Q1", None, "满减", 420, "万元", None, None, None],
        ["Q2", "618", None, "很多", "万元", None, None, None],
    ]))  # fmt: skip
    messages = _errors(path)
    assert any("活动 › F2: kpi: unknown KPI 'P99'" in m for m in messages), messages
    assert any("活动 › A3: quarter:" in m for m in messages), messages
    assert any("活动 › B4: a campaign row without the campaign's name" in m for m in messages)
    assert any("活动 › D5: investment:" in m for m in messages), messages


@pytest.mark.parametrize(("example", "lang", "count", "total"), [
    (ZH_EXAMPLE, "zh", 5, "3,820万元"),  # 420 + 980 + 260 + 1,850 + 310 = 3,820
    (EN_EXAMPLE, "en", 4, "295 k USD"),  # 35 + 60 + 80 + 120 = 295
])  # fmt: skip
def test_both_examples_have_a_campaign_per_quarter(example, lang, count, total):
    items = campaign_items(compute(load_report(example)), lang)
    assert items["count"] == count and items["total"] == total
    assert [q["quarter"] for q in items["quarters"]] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
