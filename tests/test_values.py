"""Every value-parsing rule of the workbook contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from opsreport.core.choices import parse_aggregation, parse_direction, parse_level
from opsreport.core.dates import parse_date
from opsreport.core.numbers import parse_number
from opsreport.core.periods import Period, parse_period
from opsreport.core.text import MAX_TEXT_CHARS, bidi_controls, clean_text, match_key, normalize_text
from opsreport.core.units import parse_unit
from opsreport.core.value_problem import ValueProblem

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
    assert parse_date(46477) == dt.date(2027, 3, 31)  # 1899-12-30 + 46,477 days
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    # 1904 system: 1904-01-01 + 45,015 days; 46,477 − 45,015 = 1,462 days between the epochs
    assert parse_date(45015, epoch=CALENDAR_MAC_1904) == dt.date(2027, 3, 31)
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


# --------------------------------------------------------------------------- issue 11
# Strict value parsing: no silent misreads, bounded numbers and dates.

YUAN = parse_unit("元")


def replace_in_xlsx(path, old: bytes, new: bytes) -> None:
    """Rewrite every part of the workbook at ``path`` with ``old`` replaced by ``new``."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            archive.writestr(info, data.replace(old, new))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("4⁹", "superscript nine"),  # NFKC would make it 49
        ("2⁵%", "superscript five"),
        ("₅", "subscript five"),
        ("①", "circled digit one"),
        ("½", "vulgar fraction one half"),  # NFKC: 1⁄2
        ("⑴", "parenthesized digit one"),  # NFKC: (1), which would read as −1
        ("⒈5", "digit one full stop"),  # NFKC: 1.5
        ("𝟓", "mathematical bold digit five"),
    ],
)
def test_lookalike_digits_are_refused(raw, shown):
    with pytest.raises(ValueProblem, match=shown) as info:
        parse_number(raw, unit=YUAN)
    assert "plain digits" in info.value.hint


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("１２３", "元", D(123)),  # full-width digits stay accepted
        ("（１，２００）", "元", D(-1200)),  # full-width parentheses and comma
        ("－５", "元", D(-5)),  # full-width minus
        ("＋５", "元", D(5)),
        ("１４.８％", "%", D("14.8")),
        ("１\u3000２３４", "元", D(1234)),  # an ideographic space groups thousands
        ("5 m²", "m²", D(5)),  # a superscript after a letter is the unit's power
    ],
)
def test_full_width_forms_stay_accepted(raw, unit, expected):
    assert parse_number(raw, unit=parse_unit(unit)) == expected


def test_digits_of_other_scripts_and_lookalikes_elsewhere_are_refused():
    with pytest.raises(ValueProblem, match="not a number"):
        parse_number("٥", unit=YUAN)  # Arabic-Indic five: Decimal would take it
    with pytest.raises(ValueProblem, match="superscript three"):
        parse_date("2027-0³-31")
    with pytest.raises(ValueProblem, match="superscript one"):
        parse_period("Q¹")
    with pytest.raises(ValueProblem, match="superscript three"):
        parse_level("³")
    with pytest.raises(ValueProblem):
        parse_date("٢٠٢٥-01-01")
    with pytest.raises(ValueProblem, match="direction control"):
        parse_number("4\u202e21", unit=YUAN)  # shows as 412 in some places, reads 421


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("-5", "元", D(-5)),
        ("+5", "元", D(5)),
        ("−5", "元", D(-5)),  # U+2212 minus sign
        ("(5)", "元", D(-5)),  # accountants' negative
        ("(5%)", "%", D(-5)),  # a negative percentage in accountants' style
        ("(1,200)元", "元", D(-1200)),  # the unit after the parentheses
        ("(¥5)", "元", D(-5)),
        ("-¥5", "元", D(-5)),
        ("¥-5", "元", D(-5)),  # how Chinese Excel shows a negative amount
        ("- 5", "元", D(-5)),
        ("(0)", "元", D(0)),  # −0 is 0
    ],
)
def test_one_sign_or_parentheses(raw, unit, expected):
    result = parse_number(raw, unit=parse_unit(unit))
    assert result == expected
    assert not result.is_signed() or result < 0  # never a −0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("(-5)", "a sign inside parentheses"),  # was read as +5
        ("(+5)", "a sign inside parentheses"),
        ("(¥-5)", "a sign inside parentheses"),
        ("-(5)", "a sign and parentheses"),
        ("+(5)", "a sign and parentheses"),
        ("+-5", "two signs"),
        ("--5", "two signs"),
        ("-+5", "two signs"),
        ("(5", "unbalanced parentheses"),
        ("5)", "unbalanced parentheses"),
        ("(5)(3)", "not a number"),
        ("5-", "not a number"),
    ],
)
def test_sign_combinations_that_are_refused(raw, message):
    with pytest.raises(ValueProblem, match=message.replace("(", r"\(")) as info:
        parse_number(raw, unit=YUAN)
    assert info.value.hint


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        # the three misreads
        ("0.5819千万元", "万元", D("581.9")),  # 0.5819 × 10^7 元 = 5,819,000 元 / 10^4 = 581.9
        ("1.2万亿元", "亿元", D(12000)),  # 1.2 × 10^12 / 10^8 = 12,000
        ("3百万元", "万元", D(300)),  # 3 × 10^6 / 10^4 = 300
        ("3百万元", "元", D(3000000)),  # 3 × 10^6
        # every compound magnitude, before the base unit and alone
        ("2十万元", "万元", D(20)),  # 2 × 10^5 / 10^4 = 20
        ("2十万", "元", D(200000)),  # 2 × 10^5
        ("5千万", "亿元", D("0.5")),  # 5 × 10^7 / 10^8 = 0.5
        ("1.5十亿元", "亿元", D(15)),  # 1.5 × 10^9 / 10^8 = 15
        ("2百亿", "亿元", D(200)),  # 2 × 10^10 / 10^8 = 200
        ("3千亿元", "万亿元", D("0.3")),  # 3 × 10^11 / 10^12 = 0.3
        ("1万亿", "万元", D(100000000)),  # 10^12 / 10^4 = 10^8
        ("8.37亿元", "亿元", D("8.37")),  # the KPI's own unit: 8.37 × 10^8 / 10^8
        ("8.37亿", "万元", D(83700)),  # 8.37 × 10^8 / 10^4
        ("646万元", "亿元", D("0.0646")),  # 646 × 10^4 / 10^8
        ("2千元", "万元", D("0.2")),  # 2 × 10^3 / 10^4
        ("537元", "万元", D("0.0537")),  # the base alone: 537 / 10^4 (was read as 537万元)
        ("5,819,000元", "万元", D("581.9")),  # 5,819,000 / 10^4
        ("581.9", "万元", D("581.9")),  # a bare figure is in the KPI's unit
        ("3万人", "万人", D(3)),  # 3 × 10^4 / 10^4, any base
        ("30,000人", "万人", D(3)),  # 30,000 / 10^4
        ("3万人", "人", D(30000)),
        # a bare Chinese magnitude as the unit scales like a prefix
        ("3百万", "万", D(300)),  # 3 × 10^6 / 10^4
        ("1.2万亿", "亿", D(12000)),  # 1.2 × 10^12 / 10^8
        ("5万", "万", D(5)),
        ("5", "万", D(5)),
        # English magnitudes (case-sensitive letters, words in any case)
        ("1.2k", "USD", D(1200)),  # 1.2 × 10^3
        ("2.5M", "k USD", D(2500)),  # 2.5 × 10^6 / 10^3
        ("2.5M USD", "k USD", D(2500)),  # the base after the magnitude
        ("1.2 million", "USD", D(1200000)),
        ("3 Billion USD", "USD m", D(3000)),  # 3 × 10^9 / 10^6
        ("1.5bn", "USD m", D(1500)),  # 1.5 × 10^9 / 10^6
        ("2.5 USD (M)", "USD (M)", D("2.5")),  # the unit written whole after the figure
        ("$1.2k", "USD", D(1200)),
        ("1.2k", "元", D(1200)),
        ("646万", "", D(6460000)),  # no unit: the plain count
    ],
)
def test_magnitude_words_before_the_kpis_unit(raw, unit, expected):
    assert parse_number(raw, unit=parse_unit(unit)) == expected


def test_converted_figures_are_written_without_an_exponent():
    # 1.2 × 10^12 / 10^8 is Decimal("1.2E+4") by Decimal's own rules; reports show 12000
    assert str(parse_number("1.2万亿元", unit=YI)) == "12000"


@pytest.mark.parametrize("raw", ["3百元", "1亿万", "5万万", "1.2m", "5 mn5"])
def test_magnitudes_that_are_not_words_are_refused(raw):
    with pytest.raises(ValueProblem, match="not a number"):
        parse_number(raw, unit=WAN)


def test_new_chinese_prefixes_in_units():
    assert parse_unit("十万元").magnitude == D("1e5") and parse_unit("十万元").base == "元"
    assert parse_unit("千亿元").magnitude == D("1e11")
    assert parse_unit("万亿元").magnitude == D("1e12")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (999_999_999_999_999, D(999_999_999_999_999)),  # 15 nines: the largest integer kept
        (0.1 + 0.2, D("0.3")),  # 0.30000000000000004 to 15 significant digits is 0.3
        (1 / 3, D("0.333333333333333")),  # 15 threes
        (123456789.12345678, D("123456789.123457")),  # 9 + 6 = 15 digits, half-even
        (1e-300, D(0)),  # below 10^-15 reads as 0
        (0.1 + 0.2 - 0.3, D(0)),  # 5.55e-17, Excel's residue of what is 0
        (-0.0, D(0)),
        (1e-15, D("1e-15")),  # 10^-15 itself is kept
        (8.37, D("8.37")),
    ],
)
def test_number_cells_are_rounded_and_bounded(value, expected):
    result = parse_number(value)
    assert result == expected
    assert not result.is_signed() or result < 0


@pytest.mark.parametrize(
    ("value", "unit", "number_format"),
    [
        (10**15, "", None),  # 10^15 is the first number refused
        (1e28, "", None),  # crashed later with decimal.InvalidOperation
        (-1e300, "元", None),
        (10**13, "%", "0%"),  # 10^13 shown as a percentage is 10^15 points
    ],
)
def test_numbers_of_ten_to_the_fifteen_or_more_are_refused(value, unit, number_format):
    with pytest.raises(ValueProblem, match=r"figures must stay below 10\^15") as info:
        parse_number(value, unit=parse_unit(unit), number_format=number_format)
    assert "larger unit" in info.value.hint


@pytest.mark.parametrize(
    ("raw", "unit", "message"),
    [
        ("1,000,000,000,000,000", "", r"below 10\^15"),  # 10^15
        ("5000万亿", "元", r"= 5.00E\+15 元"),  # 5,000 × 10^12 = 5 × 10^15 in 元
        ("10,000,000亿", "元", r"below 10\^15"),  # 10^7 × 10^8 = 10^15
        ("1234567890123456", "", r"below 10\^15"),  # 16 digits: 1.23 × 10^15
        ("123456789012.3456", "", "16 significant digits"),  # 12 + 4 = 16
        ("0.1234567890123456", "", "16 significant digits"),
    ],
)
def test_text_numbers_beyond_the_limits_are_refused(raw, unit, message):
    with pytest.raises(ValueProblem, match=message):
        parse_number(raw, unit=parse_unit(unit))


def test_text_numbers_within_the_limits():
    # 999,999,999,999,999: 15 digits, 10^15 − 1
    assert parse_number("999,999,999,999,999") == D(999_999_999_999_999)
    assert parse_number("1.500000000000000000") == D("1.5")  # trailing zeros are not digits kept
    assert parse_number("9999亿", unit=YUAN) == D(999_900_000_000)  # 9,999 × 10^8 < 10^15
    assert parse_number("0.0000000000000001") == 0  # 10^-16 < 10^-15 reads as 0
    assert parse_number("1元", unit=parse_unit("万亿元")) == D("1e-12")  # 1 / 10^12, kept


@pytest.mark.parametrize(
    "value", [float("inf"), float("-inf"), float("nan"), "inf", "Infinity", "NaN", "1e400"]
)
def test_nan_and_infinity_are_refused(value):
    with pytest.raises(ValueProblem, match=r"finite|not a number"):
        parse_number(value, unit=YUAN)


def test_long_number_text_is_refused_before_any_work():
    with pytest.raises(ValueProblem, match="a text of 101 characters"):
        parse_number("1" * 101)


@pytest.mark.parametrize(
    ("serial", "epoch", "expected"),
    [
        (61, None, dt.date(1900, 3, 1)),  # 1899-12-30 + 61 days: the first day read
        (2958465, None, dt.date(9999, 12, 31)),  # Excel's last serial
        (46477.75, None, dt.date(2027, 3, 31)),  # 18:00 that day: the time is ignored
        (0, "1904", dt.date(1904, 1, 1)),  # the 1904 system counts from 1904-01-01
        (0.5, "1904", dt.date(1904, 1, 1)),
        (2957003, "1904", dt.date(9999, 12, 31)),  # 2,958,465 − 1,462
    ],
)
def test_serial_dates_in_both_systems(serial, epoch, expected):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    assert parse_date(serial, epoch=CALENDAR_MAC_1904 if epoch else None) == expected


@pytest.mark.parametrize(
    ("serial", "epoch", "message"),
    [
        (60, None, "serial number 60 is before 1900-03-01"),  # Excel's 1900-02-29
        (60.5, None, "before 1900-03-01"),
        (1, None, "before 1900-03-01"),  # Excel shows 1900-01-01: one day off the calendar
        (59, None, "before 1900-03-01"),
        (0.5, None, "a time of day"),
        (0, None, "a time of day"),
        (-1, None, "outside Excel's dates"),
        (2958466, None, r"61 to 2,958,465"),  # 10000-01-01
        (10**30, None, "outside Excel's dates"),
        (2957004, "1904", r"0 to 2,957,003"),
        (-1, "1904", "outside Excel's dates"),
        (float("nan"), None, "not a date"),
        (True, None, "TRUE/FALSE"),
    ],
)
def test_serials_outside_the_range_are_refused(serial, epoch, message):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    with pytest.raises(ValueProblem, match=message):
        parse_date(serial, epoch=CALENDAR_MAC_1904 if epoch else None)


def test_date_range_for_cells_and_text():
    assert parse_date("9999-12-31") == dt.date(9999, 12, 31)  # the last day still loads
    assert parse_date(dt.datetime(9999, 12, 31, 23, 59)) == dt.date(9999, 12, 31)
    assert parse_date("1900-03-01") == dt.date(1900, 3, 1)
    assert parse_date("2027-03-31 14:30") == dt.date(2027, 3, 31)
    assert parse_date("9999-W52") == dt.date(9999, 12, 27)  # its Monday
    for raw in ("0001-01-01", "1899-12-31", "1900-02-28", dt.datetime(1900, 2, 28)):
        with pytest.raises(ValueProblem, match="before 1900-03-01"):
            parse_date(raw)
    with pytest.raises(ValueProblem, match="ending after 9999-12-31"):
        parse_date("9999-W52", week_end=True)  # its Sunday is 10000-01-02
    with pytest.raises(ValueProblem, match="outside 1900–9999"):
        parse_date("W12", default_year=10000)
    with pytest.raises(ValueProblem, match="outside 1900–9999"):
        parse_date("1899-W52")
    with pytest.raises(ValueProblem, match="no such time"):
        parse_date("2027-03-31 25:00")
    with pytest.raises(ValueProblem, match="a time of day"):
        parse_date(dt.time(0, 0))  # a date cell below serial 1
    with pytest.raises(ValueProblem):
        parse_date("10000-01-01")


def test_period_years_run_from_1900_to_9999():
    assert parse_period("9999Q4") == Period(9999, 4)
    assert parse_period("1900-01") == Period(1900, 1, 1)
    for raw in ("0000Q1", "1899Q4", "0001-03", "Mar-0001", "Q1-0000"):
        with pytest.raises(ValueProblem, match="years run from 1900 to 9999"):
            parse_period(raw)  # 0000Q1 was a Q1 of no year, then the workbook's year
    with pytest.raises(ValueProblem, match="not a period"):
        parse_period("10000Q1")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GMV\n::error file=x::boom", "GMV ::error file=x::boom"),  # no line can start a command
        ("A\r\nB", "A B"),
        ("A \n\n B", "A B"),  # a run of breaks and the spaces around them: one space
        ("A\tB", "A B"),
        ("A\u2028B\u2029C\x85D\vE\fF", "A B C D E F"),  # every Unicode line break
        ("A_x000D_\nB", "A B"),  # Excel's escaped carriage return
        ("red\x1b[31m alert\x07", "red[31m alert"),  # ESC and BEL go, terminals see text
        ("\u202eGMV\u202c", "GMV"),  # a direction override goes (the loader may warn)
        ("\u2066GMV\u2069", "GMV"),  # an isolate goes
        ("G\u200bM\ufeffV\u00ad", "GMV"),  # zero-width space, BOM, soft hyphen
        ("GMV\U000e0041\U000e0042", "GMV"),  # tag characters hide text
        ("👩\u200d💻 ZWJ", "👩\u200d💻 ZWJ"),  # the zero-width joiner is kept
        ("\u05e9\u200f", "\u05e9\u200f"),  # so is the right-to-left mark
        ("bad \ud800 half", "bad \ufffd half"),  # a lone surrogate cannot be written
        ("  毛利率（%）  ", "毛利率（%）"),  # Chinese punctuation as typed
    ],
)
def test_single_line_text(raw, expected):
    assert clean_text(raw) == expected


def test_multi_line_text_keeps_its_lines_and_nothing_else():
    raw = "第一行\r\n第二行\r第三\u2028行\n\tindented\x1b\u202e"
    assert clean_text(raw, multiline=True) == "第一行\n第二行\n第三\n行\n\tindented"


def test_text_longer_than_a_cell_is_refused():
    assert clean_text("x" * MAX_TEXT_CHARS) == "x" * 32_767
    with pytest.raises(ValueProblem, match="a text of 32,768 characters; a cell holds at most"):
        clean_text("x" * (MAX_TEXT_CHARS + 1))


def test_bidi_controls_are_named_for_a_warning():
    assert bidi_controls("\u202eGMV\u2066x\u2069") == ["U+202E", "U+2066", "U+2069"]
    assert bidi_controls("GMV") == [] and bidi_controls(None) == []


def test_names_compare_without_invisible_characters():
    assert match_key("G\u200bMV\u202e") == match_key("ＧＭＶ") == "gmv"
    assert normalize_text("\ufeff１２") == "12"


def test_a_newline_in_a_name_never_reaches_the_report(make_workbook):
    from opsreport.io.workbook import load_report

    path = make_workbook(
        {
            "kpis": [
                ["name", "unit", "target", "actual", "note"],
                ["GMV\n::error file=x::boom", "万元", 1, 2, "line one\nline two"],
            ],
            "problems": [["problem", "action"], ["slow\ndelivery", "step 1\nstep 2"]],
        }
    )
    report = load_report(path)
    assert report.kpis[0].name == "GMV ::error file=x::boom"
    assert report.kpis[0].note == "line one\nline two"  # a description keeps its lines
    assert report.problems[0].problem == "slow\ndelivery"
    assert report.problems[0].action == "step 1\nstep 2"


def test_a_text_longer_than_a_cell_is_an_error_naming_the_cell(make_workbook):
    from opsreport.io.workbook import WorkbookError, load_report

    path = make_workbook(
        {"kpis": [["name", "owner", "actual"], ["GMV", "OWNER", 1]]}, name="long.xlsx"
    )
    replace_in_xlsx(path, b"OWNER", b"x" * 40_000)  # openpyxl cuts what it writes to 32,767
    with pytest.raises(WorkbookError) as info:
        load_report(path)
    assert any(
        "long.xlsx › kpis › B2: owner: a text of 40,000 characters" in str(d)
        for d in info.value.diagnostics
    )
