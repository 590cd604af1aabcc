"""Numbers as a reader sees them: half away from zero, %, pp (the sentences: test_narrative)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from opsreport.present.formatting import (
    count_noun,
    fmt_amount,
    fmt_delta,
    fmt_number,
    fmt_pct,
    fmt_pp,
    fmt_threshold,
    round_half_up,
)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("0.4185"), 3, D("0.419")),  # Python's round() would give 0.418 (half to even, binary)
        (D("2.5"), 0, D(3)),
        (D("-2.5"), 0, D(-3)),  # away from zero, like Excel's ROUND
        (D("104.625"), 1, D("104.6")),
        (D("104.65"), 1, D("104.7")),
        (2.675, 2, D("2.68")),  # the float 2.675 is 2.67499999…; Excel shows 2.68
    ],
)
def test_round_half_up(value, places, expected):
    assert round_half_up(value, places) == expected


def test_number_formats():
    assert fmt_number(D("1234567.891")) == "1,234,567.89"
    assert fmt_number(D("8.37")) == "8.37"
    assert fmt_number(D("8"), 2) == "8.00"
    assert fmt_number(D("-0.04")) == "-0.04"
    assert fmt_number(D("-0.004"), 2) == "0.00"  # no "-0.00"
    assert fmt_pct(D("1.04625")) == "104.6%"
    assert fmt_pct(D("0.4185")) == "41.9%"  # 41.85 → 41.9, half away from zero
    assert fmt_pct(D("0.04625"), signed=True) == "+4.6%"
    assert fmt_pct(D("-0.0465"), signed=True) == "-4.7%"
    assert fmt_pp(D("3.6")) == "3.6个百分点"
    assert fmt_pp(D("3.6"), signed=True, lang="en") == "+3.6 pp"
    assert fmt_amount(D("8.37"), "亿元") == "8.37亿元"
    assert fmt_amount(D("646"), "万元") == "646万元"
    assert fmt_amount(D("14.8"), "%") == "14.8%"
    assert fmt_amount(D("13.85"), "USD", lang="en") == "13.85 USD"
    assert fmt_amount(None, "元") == "–"


def test_delta_is_pp_for_rates_and_percent_for_amounts():
    assert fmt_delta(D("1.1"), D("0.0478"), "%") == "+1.1个百分点"
    assert fmt_delta(D("0.37"), D("0.04625"), "亿元") == "+4.6%"
    assert fmt_delta(D("1.1"), D("0.0478"), "%", lang="en") == "+1.1 pp"
    # A rate keeps its own precision (3.05% vs 3.20%), never less than one place;
    # an amount's percent always has one.
    assert fmt_delta(D("-0.15"), None, "%", "zh", 2) == "-0.15个百分点"
    assert fmt_delta(D("2"), None, "%", "zh", 0) == "+2.0个百分点"
    assert fmt_delta(D("0.37"), D("0.04625"), "亿元", "zh", 2) == "+4.6%"


@pytest.mark.parametrize(
    ("kind", "operator", "limit", "unit", "lang", "text"),
    [
        ("value", ">", D(47), "天", "zh", "> 47天"),
        ("value", ">=", D("9.5"), "%", "zh", "≥ 9.5%"),
        ("value", "<", D("7.5"), "亿元", "zh", "< 7.5亿元"),
        ("value", "<=", D(1250), "tickets", "en", "≤ 1,250 tickets"),
        ("value", ">", D(15), "USD", "en", "> 15 USD"),
        ("value", "<", D(3), "", "en", "< 3"),
        ("dev", ">", D(8), "亿元", "zh", "偏离目标 > 8%"),
        ("dev", ">=", D("7.5"), "USD m", "en", "≥ 7.5% off target"),
        ("value", "<", D("0.004"), "亿元", "zh", "< 0.004亿元"),  # as typed, not rounded to 0.00
        ("value", ">", D("0.125"), "亿元", "zh", "> 0.125亿元"),
        ("value", ">=", D("9.50"), "%", "zh", "≥ 9.5%"),
        ("dev", ">", D("2.25"), "", "en", "> 2.25% off target"),
    ],
)
def test_a_trigger_reads_in_the_kpis_unit(kind, operator, limit, unit, lang, text):
    assert fmt_threshold(kind, operator, limit, unit, lang) == text


def test_english_counts_agree_with_their_noun():
    assert [count_noun(n, "KPI") for n in (0, 1, 2, 1250)] == [
        "0 KPIs",
        "1 KPI",
        "2 KPIs",
        "1,250 KPIs",
    ]


# --------------------------------------------------------------------------- any finite value


def test_rounding_has_the_digits_it_needs():
    # Decimal's default context keeps 28 digits: 1e28 at 2 places needs 29 + 2 = 31
    # and quantize raised InvalidOperation. 10**28 + 0.005 rounds half up to …0.01.
    assert round_half_up(D("1e28"), 2) == D("1e28")
    assert round_half_up(D("10000000000000000000000000000.005"), 2) == D(
        "10000000000000000000000000000.01"
    )
    assert round_half_up(D("-1e40"), 0) == D("-1e40")
    assert round_half_up(D("1e-30"), 2) == 0  # tiny rounds to zero as any figure would
    assert round_half_up(D("Infinity"), 2) == D("Infinity")  # nothing to round
    # places within ±50: a template's num(places=10**9) would build a billion digits.
    assert round_half_up(D("123.456"), 10**9) == D("123.456")
    assert round_half_up(D("123.456"), 10**9).as_tuple().exponent == -50
    assert round_half_up(D("123456"), -2) == D("123500")  # to hundreds, half up


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("999999999999999.99"), 2, "999,999,999,999,999.99"),  # the loader's largest: exact
        (D("999999999999999999.99"), 2, "999,999,999,999,999,999.99"),  # 10^18 − 0.01: exact
        (D("1e18"), 2, "1×10¹⁸"),  # 10^18 and above: a power of ten
        (D("999999999999999999.996"), 2, "1×10¹⁸"),  # rounds up to 10^18.00
        (D("1.2345e25"), 2, "1.23×10²⁵"),  # 1.2345 → 1.23 (three significant digits)
        (D("-9.996e30"), 0, "-1×10³¹"),  # 9.996 → 10.00: the exponent moves up
        (D("5e19"), 0, "5×10¹⁹"),  # 50,000 KPIs of 10^15 summed
        (D("1e-10"), 2, "0.00"),
        (D("-1e-10"), 2, "0.00"),  # no "-0.00"
        (D("1e-15"), None, "0.00"),  # places default to its own, at most 2
        (D("1.5"), -3, "2"),  # negative places count as 0
    ],
)
def test_any_finite_number_formats(value, places, text):
    assert fmt_number(value, places) == text


def test_no_figure_formats_as_a_dash():
    assert fmt_number(D("NaN")) == "–"
    assert fmt_number(float("inf")) == "–"
    assert fmt_pct(D("Infinity")) == "–"
    assert len(fmt_number(D("1.5"), 1000)) == len("1.") + 50  # at most 50 places


def test_percent_and_points_of_extreme_figures():
    # 10^9 × 100 = 100,000,000,000% (exact); the loader's largest ratio, a target of
    # 1e-15 beaten by 999999999999999, is 9.99999999999999e29 × 100 → 1×10³²%.
    assert fmt_pct(D("1e9")) == "100,000,000,000.0%"
    assert fmt_pct(D("9.99999999999999e29")) == "1×10³²%"
    assert fmt_pct(D("1e20"), signed=True) == "+1×10²²%"  # 10^20 × 100 = 10^22
    assert fmt_pct(D("-3.456e30")) == "-3.46×10³²%"
    assert fmt_pp(D("2e15"), signed=True, lang="en") == "+2,000,000,000,000,000.0 pp"
    assert fmt_amount(D("2e28"), "亿元") == "2×10²⁸亿元"
    assert fmt_threshold("value", ">", D("1e-15"), "元", "zh") == "> 0.000000000000001元"


@pytest.mark.parametrize(
    ("value", "unit", "places", "expected"),
    [
        ("8.37", "亿元", 2, "837 M CNY"),  # 8.37 × 100 M; 2 places − 2 = 0
        ("49.6", "亿元", 1, "4,960 M CNY"),  # 49.6 × 100; 1 − 2 → 0 places
        ("0.375", "亿元", 3, "37.5 M CNY"),  # 3 − 2 = 1 place
        ("646", "万元", 0, "6,460 k CNY"),  # 646 × 10 k
        ("236", "万人", 0, "2,360 k people"),
        ("2325", "万元/人", 0, "23,250 k CNY/person"),
        ("1.2", "十亿元", 1, "1.2 bn CNY"),
        ("537", "元", 0, "537 CNY"),
        ("36", "分", 0, "36 分"),  # not a magnitude unit: as typed
        ("48.5", "天", 1, "48.5 days"),  # a unit of time in English, the figure as it is
        ("1", "天", 0, "1 day"),
        ("22.5", "小时", 1, "22.5 hours"),
        ("14.8", "%", 1, "14.8%"),
        # foreign currencies and counted things by their English names: 万美元 was
        # written "k 美元"; 12.5万美元 = 125,000 USD = 125 k USD
        ("12.5", "万美元", 1, "125 k USD"),
        ("3.2", "亿欧元", 1, "320 M EUR"),  # 3.2 × 100 M
        ("980", "港元", 0, "980 HKD"),
        ("36", "万单", 0, "360 k orders"),
        ("1", "笔", 0, "1 transaction"),
        ("2", "件", 0, "2 items"),
    ],
)
def test_english_writes_a_chinese_magnitude_in_english(value, unit, places, expected):
    assert fmt_amount(D(value), unit, places, "en") == expected
    assert fmt_amount(D(value), unit, places, "zh").endswith(unit)  # zh: the unit as typed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_currency_sign_stands_before_the_figure_after_its_sign(lang):
    # zh wrote 1,234.5¥ (a non-ASCII unit followed the figure); en wrote $-12
    assert fmt_amount(D("1234.5"), "¥", 1, lang) == "¥1,234.5"
    assert fmt_amount(D("1234.5"), "￥", 1, lang) == "￥1,234.5"
    assert fmt_amount(D("537"), "€", 0, lang) == "€537"
    assert fmt_amount(D("-12"), "$", 0, lang) == "-$12"
    assert fmt_amount(D("-0.04"), "£", 1, lang) == "£0.0"  # rounds to zero: no sign
    assert fmt_amount(D("12"), "元", 0, lang).endswith("CNY" if lang == "en" else "12元")


def test_a_list_is_joined_as_the_language_writes_one():
    from opsreport.present.formatting import join_list

    assert join_list(["East (+280 k USD)"], "en") == "East (+280 k USD)"
    assert join_list(["East", "North"], "en") == "East and North"
    assert join_list(["East", "North", "West"], "en") == "East, North and West"
    assert join_list(["抖音", "天猫", "京东"], "zh") == "抖音、天猫、京东"


def test_a_figure_after_a_latin_name_is_spaced_whatever_its_sign():
    from opsreport.present.formatting import join_words

    # zh wrote GMV¥49.6 once the sign came first, and GMV-49.6元 before
    assert join_words("GMV", "¥49.6") == "GMV ¥49.6"
    assert join_words("GMV", "-49.6元") == "GMV -49.6元"
    assert join_words("GMV", "+3.2亿元") == "GMV +3.2亿元"
    assert join_words("GMV", "49.6亿元") == "GMV 49.6亿元"
    assert join_words("毛利率", "24.1%") == "毛利率24.1%"  # CJK meets a figure: no space
    assert join_words("渠道", "¥5") == "渠道¥5"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("58", "元/单", "58 CNY/order"),  # 客单价: per order, was "58 CNY/单"
        ("1", "单/人", "1 order/person"),  # the head of a compound unit singular
        ("1", "人", "1 person"),
        ("2", "人", "2 people"),
        ("1", "万人", "10 k people"),  # 10 thousand: plural
    ],
)
def test_english_counts_and_rates_per_thing(value, unit, expected):
    assert fmt_amount(D(value), unit, 0, "en") == expected


def test_a_signed_change_that_rounds_to_zero_has_no_sign():
    from opsreport.present.formatting import fmt_signed

    # the sign was taken from the raw value, the figure from its rounding: -0.004 at two
    # places printed "-0.00元" (and "-$0.00"); 0.004 "+0.00元"
    assert fmt_signed(D("-0.004"), "元", 2, "zh") == "0.00元"
    assert fmt_signed(D("0.004"), "$", 2, "en") == "$0.00"
    assert fmt_signed(D("-0.005"), "$", 2, "en") == "-$0.01"  # half away from zero
    assert fmt_signed(D("31"), "万人", 0, "zh") == "+31万人"
    assert fmt_signed(D("-1.5"), "小时", 1, "zh") == "-1.5小时"
    assert fmt_signed(D("-12"), "$", 0, "en") == "-$12"
    assert fmt_signed(D("0"), "元", 0, "zh") == "0元"
    assert fmt_signed(None, "元", 0, "zh") == "–"
    # without places, the figure's own (as fmt_amount): -0.004 is 0.00元 unsigned, and in
    # English the scaled figure's: 0.00004亿元 = 0.004 M CNY → "0.00 M CNY"
    assert fmt_signed(D("-0.004"), "元") == "0.00元"
    assert fmt_signed(D("0.00004"), "亿元", None, "en") == "0.00 M CNY"
    assert fmt_signed(D("0.04"), "亿元", 1, "en") == "+4 M CNY"  # 1 − 2 places → 0: 4 M
    # no figure: a dash without a sign, and NaN does not raise
    assert fmt_signed(D("-Infinity"), "元", 2) == "–元"
    assert fmt_signed(D("NaN"), "元", 2) == "–元"


def test_a_smart_reason_signs_this_years_change_as_printed():
    from types import SimpleNamespace

    from opsreport.present.formatting import verdict_text

    # actual equal to last year: "did not improve (0 CNY)", never "(+0 CNY)"
    flat = SimpleNamespace(
        code="no_improvement_this_year", params={"required": D("4.5"), "achieved": D(0)}
    )
    assert verdict_text(flat, "元", "en").endswith("(0 CNY)")
    assert "+0" not in verdict_text(flat, "元", "zh")


def test_a_signed_num_of_not_a_number_is_a_dash():
    """{{ 'nan' | float | num(signed=True) }} raised decimal.InvalidOperation."""
    from opsreport.render.filters import filters

    num = filters("en")["num"]
    assert num(float("nan"), "元", signed=True) == "– CNY"
    # signed, the places of the figure as written, as unsigned: 0.123亿元 = 12.3 M CNY
    # (it rounded at the unscaled figure's two places, 2 − 2 = 0: "+12 M CNY")
    assert num(0.123, "亿元") == "12.3 M CNY"
    assert num(0.123, "亿元", signed=True) == "+12.3 M CNY"
