"""Every value-parsing rule of the workbook contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from opsreport.values import (
    Period,
    ValueProblem,
    parse_aggregation,
    parse_date,
    parse_direction,
    parse_level,
    parse_number,
    parse_period,
    parse_unit,
)

YI = parse_unit("亿元")
WAN = parse_unit("万元")
PCT = parse_unit("%")


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        (8.37, "亿元", D("8.37")),  # a number cell is a number
        (646, "万元", D(646)),
        ("1,234", "", D(1234)),
        ("1,234,567.89", "元", D("1234567.89")),
        ("８.３７", "亿元", D("8.37")),  # full-width digits
        ("８．３７亿", "万元", D(83700)),  # full-width point; 8.37亿 = 83,700万
        ("8.37亿", "万元", D(83700)),
        ("8.37亿元", "亿元", D("8.37")),  # the KPI's own unit after the number
        ("646万", "亿元", D("0.0646")),  # 646万 = 0.0646亿
        ("646万", "元", D(6460000)),
        ("646万", "", D(6460000)),
        ("537元", "元", D(537)),
        ("¥537", "元", D(537)),
        ("14.8%", "%", D("14.8")),
        ("１４.８％", "%", D("14.8")),
        ("3.6个百分点", "pp", D("3.6")),
        ("3.6pp", "%", D("3.6")),
        ("−3.5", "天", D("-3.5")),  # U+2212 minus
        ("(1,200)", "元", D(-1200)),  # accountants' negative
        ("1.2k", "USD", D(1200)),
        ("2.5M", "k USD", D(2500)),
        ("  42  ", "天", D(42)),
        ("-", "元", None),  # a dash means no figure
        ("", "元", None),
        (None, "元", None),
    ],
)
def test_numbers(raw, unit, expected):
    assert parse_number(raw, unit=parse_unit(unit)) == expected


def test_percent_format_holds_a_fraction():
    assert parse_number(0.148, number_format="0.0%", unit=PCT) == D("14.8")
    assert parse_number(0.148, number_format="0.0%", unit=parse_unit("")) == D("14.8")
    assert parse_number(0.148, number_format='0.0"%"', unit=PCT) == D(
        "0.148"
    )  # a literal % in quotes
    with pytest.raises(ValueProblem, match="percentage"):
        parse_number(0.148, number_format="0.0%", unit=YI)


@pytest.mark.parametrize(
    "raw",
    ["abc", "1_000", "nan", "inf", "1.2.3", "12,34", "8.37 亿 亿", "#DIV/0!", "#N/A", "TRUE-ish"],
)
def test_text_that_is_not_a_number_is_refused(raw):
    with pytest.raises(ValueProblem) as info:
        parse_number(raw, unit=YI)
    assert info.value.hint  # every refusal says how to fix it


def test_non_numbers_refused():
    with pytest.raises(ValueProblem, match="TRUE/FALSE"):
        parse_number(True)
    with pytest.raises(ValueProblem, match="date"):
        parse_number(dt.datetime(2026, 3, 1))
    with pytest.raises(ValueProblem, match="finite"):
        parse_number(float("nan"))
    with pytest.raises(ValueProblem, match="magnitude"):
        parse_number("3万", unit=PCT)


def test_units():
    assert YI.magnitude == D("1e8") and YI.base == "元"
    assert parse_unit("万人").magnitude == D("1e4")
    assert parse_unit("万").magnitude == 1  # a bare 万 is a unit name, not a prefix
    assert parse_unit("%").is_rate and parse_unit("个百分点").is_points
    assert parse_unit("k USD").magnitude == D(1000) and parse_unit("USD m").magnitude == D("1e6")
    assert not parse_unit("天").is_rate


def test_directions_and_aggregations_and_levels():
    assert parse_direction("越低越好") == "lower"
    assert parse_direction("反向") == "lower"
    assert parse_direction("Higher") == "higher"
    assert parse_direction(None) is None
    with pytest.raises(ValueProblem):
        parse_direction("sideways")
    assert parse_aggregation("期末") == "last" and parse_aggregation("SUM") == "sum"
    assert (
        parse_level("高") == 4
        and parse_level("low") == 2
        and parse_level(5) == 5
        and parse_level("3") == 3
    )
    with pytest.raises(ValueProblem):
        parse_level(6)
    with pytest.raises(ValueProblem):
        parse_level(2.5)


def test_dates():
    assert parse_date(dt.datetime(2027, 3, 31, 0, 0)) == dt.date(2027, 3, 31)
    assert parse_date("2027-03-31") == dt.date(2027, 3, 31)
    assert parse_date("2027/3/31") == dt.date(2027, 3, 31)
    assert parse_date("2027年3月31日") == dt.date(2027, 3, 31)
    assert parse_date(46477) == dt.date(2027, 3, 31)  # a serial in the 1900 system
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    assert parse_date(45015, epoch=CALENDAR_MAC_1904) == dt.date(2027, 3, 31)  # 1904 system
    assert parse_date("W12", default_year=2027) == dt.date(2027, 3, 22)  # Monday of ISO week 12
    assert parse_date("第12周", default_year=2027, week_end=True) == dt.date(2027, 3, 28)
    with pytest.raises(ValueProblem):
        parse_date("2027-02-30")
    with pytest.raises(ValueProblem):
        parse_date("next spring")
    with pytest.raises(ValueProblem, match="year"):
        parse_date("W12")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025Q1", Period(2025, 1)),
        ("Q3", Period(None, 3)),
        ("2025-Q2", Period(2025, 2)),
        ("一季度", Period(None, 1)),
        ("第四季度", Period(None, 4)),
        ("2025年Q4", Period(2025, 4)),
        ("Q1 2025", Period(2025, 1)),
        ("2025-03", Period(2025, 1, 3)),
        ("2025年11月", Period(2025, 4, 11)),
        ("3月", Period(None, 1, 3)),
        ("Mar", Period(None, 1, 3)),
        (dt.datetime(2025, 8, 1), Period(2025, 3, 8)),
    ],
)
def test_periods(raw, expected):
    assert parse_period(raw) == expected


def test_bad_periods():
    for raw in ("Q5", "13月", "spring", "2025-13"):
        with pytest.raises(ValueProblem):
            parse_period(raw)
