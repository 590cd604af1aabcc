"""Units in the column headers (issue 15): a column whose figures share one unit names it
in its header (金额（万元） over bare 3,200), and only then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from opsreport.present import formatting as f

from . import builders as b

TODAY = dt.date(2027, 1, 15)


def _categories(resources, lang="zh"):
    revenue = b.kpi("营收", id="K", unit="万元", target=100, actual=100)
    report = b.report([revenue], resources=resources)
    return b.context(report, lang, today=TODAY)["resources"]["categories"]


def test_an_item_without_an_amount_does_not_mix_the_units_of_its_category():
    """投放 3,200万元 and 待定 with no amount and no unit: one unit, 万元, in the header."""
    resources = [
        b.resource("市场", item="投放", amount=3200, unit="万元"),
        b.resource("市场", item="待定"),
    ]
    (category,) = _categories(resources)
    assert category["unit_header"] == "万元"
    assert [i["amount_figure"] for i in category["items"]] == ["3,200", "–"]
    assert category["total_figure"] == "3,200"  # 3,200 + nothing
    # English: 3,200万元 × 10 = 32,000 k CNY
    (english,) = _categories(resources, "en")
    assert english["unit_header"] == "k CNY"
    assert [i["amount_figure"] for i in english["items"]] == ["32,000", "–"]


def test_a_category_of_two_units_keeps_each_amount_s_unit():
    resources = [
        b.resource("人力", item="招聘", amount=12, unit="人"),
        b.resource("人力", item="薪酬", amount=800, unit="万元"),
        b.resource("人力", item="待定"),
    ]
    (category,) = _categories(resources)
    assert category["unit_header"] == ""
    assert [i["amount_figure"] for i in category["items"]] == ["12人", "800万元", "–"]
    assert category["total_figure"] == "12人、800万元"  # no sum across units
    (english,) = _categories(resources, "en")
    assert english["total_figure"] == "12 people, 8,000 k CNY"  # 800万元 = 8,000 k CNY


def test_a_category_whose_items_have_no_amount_names_their_unit():
    (category,) = _categories([b.resource("人力", item="招聘", unit="人")])
    assert category["unit_header"] == "人" and category["items"][0]["amount_figure"] == "–"


@pytest.mark.parametrize(
    ("unit", "lang", "header", "figure", "whole"),
    [
        ("$", "en", "$", "1,234.5", "$1,234.5"),  # a prefix currency: named the same way
        ("", "zh", "", "1,234.5", "1,234.5"),
        ("pp", "zh", "个百分点", "1,234.5", "1,234.5个百分点"),
        ("个百分点", "en", "pp", "1,234.5", "1,234.5 pp"),
        ("元/人", "en", "CNY/person", "1,234.5", "1,234.5 CNY/person"),
        ("万元", "en", "k CNY", "12,345", "12,345 k CNY"),  # 1,234.5 × 10
        ("亿元", "en", "M CNY", "123,450", "123,450 M CNY"),  # 1,234.5 × 100
        ("%", "zh", "%", "1,234.5", "1,234.5%"),
    ],
)
def test_the_header_names_what_the_bare_figure_leaves_out(unit, lang, header, figure, whole):
    value = Decimal("1234.5")
    assert f.header_unit(unit, lang) == header
    assert f.fmt_figure(value, unit, 1, lang) == figure
    assert f.fmt_amount(value, unit, 1, lang) == whole


@pytest.mark.parametrize(
    ("name", "unit", "lang", "named"),
    [
        ("直接利润达到9.5亿元", "亿元", "zh", ""),  # the goal gives its unit: not again
        ("毛利率提升至 25%", "%", "zh", ""),
        ("新增用户", "万人", "zh", "万人"),
        ("人效提升", "人", "zh", "人"),  # 人 is only mentioned, no figure in it
        ("GMV增长20%", "亿元", "zh", "亿元"),  # a figure, in another unit
        ("Cut handle time to 6 minutes", "minutes", "en", ""),
        ("Cut handle time", "minutes", "en", "minutes"),
    ],
)
def test_the_goal_cell_names_the_unit_once(name, unit, lang, named):
    from opsreport.present.plan_context import _goal_unit

    assert _goal_unit(name, unit, lang) == named
