"""Numbers and words as a reader sees them, in zh and en.

Rounding is half away from zero, as Excel shows it (Python's ``round`` rounds
half to even and would print 41.8% for 0.4185). Rates move in percentage
points (个百分点 / pp), amounts in percent. These functions are also the
Jinja filters that templates use, so no template formats a number by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from opsreport.core.rounding import (  # re-exported: the filters and every caller use f.*
    MAX_PLACES,
    decimal_places,
    display_places,
    kpi_places,
    round_half_up,
    to_decimal,
)
from opsreport.core.units import parse_unit

if TYPE_CHECKING:
    from opsreport.engine.metrics import Verdict

__all__ = [
    "attainment_text",
    "count_noun",
    "display_places",
    "fmt_amount",
    "fmt_delta",
    "fmt_figure",
    "fmt_number",
    "fmt_pct",
    "fmt_pp",
    "fmt_signed",
    "fmt_threshold",
    "header_unit",
    "in_language",
    "join_list",
    "kpi_places",
    "round_half_up",
    "unit_text",
]

HUNDRED = Decimal(100)
DASH = "–"
SCIENTIFIC_FROM = 18  # figures of 10**18 or more are written 1.23×10²⁵


def count_noun(count: int, noun: str) -> str:
    """English counts: 1 KPI, 2 KPIs, 1,250 tasks."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def fmt_number(
    value: Decimal | float | int | None, places: int | None = None, grouping: bool = True
) -> str:
    """1234567.891 → 1,234,567.89; places defaults to the value's own (at most 2).

    Total over finite numbers: from 10¹⁸ on (beyond any figure a workbook may
    hold, reached only by sums and ratios of extreme ones) the figure is written
    as a power of ten, 1.23×10²⁵, instead of 26 digits. No figure (None, NaN, an
    infinity) is "–". ``places`` is kept within 0…50.
    """
    if value is None:
        return DASH
    if not isinstance(value, Decimal):
        value = to_decimal(value)
    if not value.is_finite():
        return DASH
    if places is None:
        places = kpi_places(value)
    elif places < 0:
        places = 0
    elif places > MAX_PLACES:
        places = MAX_PLACES
    adjusted = value.adjusted()
    if adjusted >= SCIENTIFIC_FROM and value:
        return _scientific(value)
    rounded = round_half_up(value, places)
    if not rounded:
        rounded = abs(rounded)  # no "-0.0"
    elif adjusted == SCIENTIFIC_FROM - 1 and rounded.adjusted() >= SCIENTIFIC_FROM:
        return _scientific(rounded)  # 999…9.995 rounded up to 10^18
    return f"{rounded:,.{places}f}" if grouping else f"{rounded:.{places}f}"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _scientific(value: Decimal) -> str:
    """-1.23×10²⁵: three significant digits and a power of ten."""
    exponent = value.adjusted()
    mantissa = round_half_up(value.scaleb(-exponent), 2)
    if abs(mantissa) >= 10:  # 9.995 → 10.00
        exponent += 1
        mantissa = round_half_up(value.scaleb(-exponent), 2)
    return f"{mantissa.normalize():f}×10{str(exponent).translate(_SUPERSCRIPTS)}"


def fmt_amount(
    value: Decimal | None, unit: str = "", places: int | None = None, lang: str = "zh"
) -> str:
    """A figure with its unit the way the language writes it: 8.37亿元, 14.8%, 8.37 USD m."""
    if value is None:
        return DASH
    value, unit, places = in_language(value, unit, places, lang)
    text = fmt_number(value, places)
    info = parse_unit(unit)
    if not unit:
        return text
    head, per, rest = unit.partition("/")
    if text in {"1", "-1"} and head in _SINGULAR:  # en: 1 day, 2 days; 1 order/person
        unit = _SINGULAR[head] + per + rest
    if info.is_percent:
        return f"{text}%"
    if info.is_points:
        return f"{text}个百分点" if lang == "zh" else f"{text} pp"
    if unit in _CURRENCY_SIGNS:  # in both languages before the figure, after its sign
        sign = text[0] if text[0] in "+-" else ""
        return f"{sign}{unit}{text[len(sign) :]}"
    if lang == "zh" and not unit.isascii():
        return f"{text}{unit}"
    return f"{text} {unit}"


_CURRENCY_SIGNS = frozenset({"$", "¥", "￥", "€", "£"})


def fmt_signed(
    value: Decimal | None, unit: str = "", places: int | None = None, lang: str = "zh"
) -> str:
    """A change in a unit, signed as printed: +31万人, -1.5小时, -$12; a change that rounds
    to zero at these places has no sign (0.00元, never -0.00元 or +$0)."""
    if value is None:
        return DASH
    if not value.is_finite():  # no figure: "–", never "+–" (and NaN has no sign to compare)
        return fmt_amount(value, unit, places, lang)
    text = fmt_amount(abs(value), unit, places, lang)
    # zero as printed: the figure in the unit the text writes (en 亿元 → M CNY), at the
    # places it is written with (its own when none are given)
    scaled, _, shown = in_language(abs(value), unit, places, lang)
    shown = kpi_places(scaled) if shown is None else min(max(shown, 0), MAX_PLACES)
    if round_half_up(scaled, shown) == 0:
        return text
    return ("+" if value > 0 else "-") + text


def in_language(
    value: Decimal, unit: str, places: int | None, lang: str
) -> tuple[Decimal, str, int | None]:
    """The figure, its unit and its places as ``lang`` writes them: the one decision that
    sentences, tables and charts share (en: 8.37亿元 → 837, "M CNY", places 2 → 0); any
    other unit and every zh figure as typed."""
    if lang == "en" and unit and not unit.isascii():
        english = english_unit(unit)
        if english is not None:  # 8.37亿元 → 837 M CNY: the figure scaled, its places too
            factor, unit = english
            value = value * factor
            places = None if places is None else max(0, places - factor.adjusted())
    return value, unit, places


def unit_text(unit: str | None, lang: str) -> str:
    """A unit as ``lang`` writes it beside a figure or in a chart's 单位/Unit line
    (en: 亿元 → "M CNY"), the same decision as :func:`fmt_amount`'s."""
    unit = (unit or "").strip()
    return in_language(Decimal(0), unit, None, lang)[1]


def header_unit(unit: str | None, lang: str) -> str:
    """The unit a table's header names for a column whose figures all share it, each cell
    then a bare :func:`fmt_figure` (实际（亿元） over 10.2, not 10.2亿元 in every row): what
    :func:`fmt_amount` writes after the figure — 亿元, %, 个百分点 / pp, "M CNY", days;
    "" for no unit. A prefix currency ($) is named the same way."""
    unit = (unit or "").strip()
    if not unit:
        return ""
    info = parse_unit(unit)
    if info.is_percent:
        return "%"
    if info.is_points:
        return "个百分点" if lang == "zh" else "pp"
    return unit_text(unit, lang)


def fmt_figure(
    value: Decimal | None,
    unit: str,
    places: int | None,
    lang: str,
    *,
    signed: bool = False,
) -> str:
    """A figure without its unit, scaled and rounded as :func:`fmt_amount` writes it
    (a chart's value label beside a "Unit: M CNY" line: 837, +420); ``signed`` puts
    "+" before a figure that is not zero at these places."""
    if value is None:
        return DASH
    value, _, places = in_language(value, unit, places, lang)
    text = fmt_number(value, places)
    if signed and not text.startswith("-") and text != fmt_number(0, places):
        return "+" + text
    return text


# A Chinese magnitude in English: 亿 is 100 M, 万 is 10 k (docs/templates.md, §6.1).
_ENGLISH_SCALES = {
    Decimal("1e12"): ("bn", Decimal(1000)), Decimal("1e11"): ("bn", Decimal(100)),
    Decimal("1e10"): ("bn", Decimal(10)), Decimal("1e9"): ("bn", Decimal(1)),
    Decimal("1e8"): ("M", Decimal(100)), Decimal("1e7"): ("M", Decimal(10)),
    Decimal("1e6"): ("M", Decimal(1)), Decimal("1e5"): ("k", Decimal(100)),
    Decimal("1e4"): ("k", Decimal(10)), Decimal("1e3"): ("k", Decimal(1)),
}  # fmt: skip
_ENGLISH_BASES = {
    "元": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR", "英镑": "GBP",
    "日元": "JPY", "港元": "HKD", "港币": "HKD", "人": "people",
    "单": "orders", "笔": "transactions", "件": "items",
    "天": "days", "日": "days", "小时": "hours", "分钟": "minutes", "周": "weeks",
}  # fmt: skip
_SINGULAR = {
    "days": "day", "hours": "hour", "minutes": "minute", "weeks": "week",
    "orders": "order", "transactions": "transaction", "items": "item", "people": "person",
}  # fmt: skip
# The thing a figure is counted per, after a slash: 万元/人 → "k CNY/person".
_ENGLISH_PER = {
    "人": "person", "月": "month", "年": "year", "天": "day", "日": "day", "小时": "hour",
    "单": "order", "笔": "transaction", "件": "item",
}  # fmt: skip


def english_unit(unit: str) -> tuple[Decimal, str] | None:
    """How an English document writes a unit with a Chinese magnitude: the factor the
    figure is multiplied by and the unit (亿元 → ×100, "M CNY"; 万人 → ×10, "k people";
    万元/人 → ×10, "k CNY/person"; 天 → ×1, "days"); None for any other unit, which is
    written as typed."""
    info = parse_unit(unit)
    scale = _ENGLISH_SCALES.get(info.magnitude)
    head, slash, tail = info.base.partition("/")
    if info.magnitude == 1 and head in _ENGLISH_BASES:
        scale = ("", Decimal(1))  # 537元 → 537 CNY
    if scale is None or info.is_rate or unit.isascii():
        return None
    word, factor = scale
    base = _ENGLISH_BASES.get(head, head)
    if slash:
        base += "/" + _ENGLISH_PER.get(tail, tail)
    return factor, f"{word} {base}".strip()


def fmt_pct(fraction: Decimal | None, places: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 1.04625 → 104.6%."""
    if fraction is None or not Decimal(fraction).is_finite():
        return DASH
    value = round_half_up(fraction * HUNDRED, places)
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{fmt_number(value, places)}%"


def fmt_pp(points: Decimal | None, places: int = 1, signed: bool = False, lang: str = "zh") -> str:
    """Percentage points: 3.6个百分点 / +3.6 pp."""
    if points is None or not Decimal(points).is_finite():
        return DASH
    value = round_half_up(points, places)
    sign = "+" if signed and value > 0 else ""
    number = f"{sign}{fmt_number(value, places)}"
    return f"{number}个百分点" if lang == "zh" else f"{number} pp"


_OPERATORS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def fmt_threshold(
    kind: str, operator: str, limit: Decimal, unit: str = "", lang: str = "zh"
) -> str:
    """A risk trigger with its unit, so it reads against the KPI's figure beside it.

    ``>= 9.5`` on a percent KPI is ``≥ 9.5%``; a deviation trigger ``dev > 8%``
    reads 偏离目标 > 8% / > 8% off target.
    """
    sign = _OPERATORS.get(operator, operator)
    if kind == "dev":
        limit_text = f"{fmt_number(limit, decimal_places(limit.normalize()))}%"
        return (
            f"偏离目标 {sign} {limit_text}" if lang == "zh" else f"{sign} {limit_text} off target"
        )
    # The limit as typed (< 0.004 stays 0.004): rounding it could change what it says.
    return f"{sign} {fmt_amount(limit, unit, decimal_places(limit.normalize()), lang)}"


def fmt_delta(
    absolute: Decimal | None, relative: Decimal | None, unit: str, lang: str = "zh", places: int = 1
) -> str:
    """The variance a reader expects: pp for rates, percent for amounts; signed.

    ``places`` is the KPI's own precision (``kpi_places``): a rate's points keep it
    (at least one place, so 3.05% vs 3.20% reads -0.15个百分点 like the table beside
    it); an amount's percent always has one place.
    """
    if parse_unit(unit).is_rate:
        return fmt_pp(absolute, max(places, 1), signed=True, lang=lang)
    return fmt_pct(relative, 1, signed=True)


def attainment_text(attainment: Decimal | None) -> str:
    return fmt_pct(attainment, 1)


# --------------------------------------------------------------------------- words


def join_list(items: Sequence[str], lang: str) -> str:
    """A list as the language writes one: zh 「A、B、C」; en "A", "A and B", "A, B and C"."""
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def join_words(left: str, right: str) -> str:
    """Join Chinese text to a figure; a space only where Latin meets a figure (GMV 49.6亿元,
    GMV ¥49.6, GMV -3.2亿元), or Latin meets Latin."""
    figure = right.lstrip("+-")
    starts = figure[:1]
    latin_end = left[-1:].isascii() and left[-1:].isalnum()
    if latin_end and ((starts.isascii() and starts.isalnum()) or starts in _CURRENCY_SIGNS):
        return f"{left} {right}"
    return f"{left}{right}"


STATUS_LABELS = {
    "zh": {"met": "达成", "near": "接近", "missed": "未达成", None: "无目标", "no_actual": "无实际数据",
           "in_progress": "进行中"},
    "en": {
        "met": "met", "near": "near", "missed": "missed", None: "no target",
        "no_actual": "no actual", "in_progress": "in progress",
    },
}  # fmt: skip


# --------------------------------------------------------------------------- SMART and risks

_VERDICTS = {
    "kpi_linked": ("对应指标「{kpi}」", "tied to the KPI {kpi}"),
    "concrete_object": ("目标对象具体", "names a concrete, countable object"),
    "vague": ("未关联指标，描述笼统", "names no KPI and nothing countable"),
    "measurable": ("有数值目标，口径：{source}", "numeric target, measured by {source}"),
    "no_target": ("没有数值目标", "has no numeric target"),
    "no_source": ("没有衡量口径/数据来源", "has no data source or measure"),
    "no_baseline": ("缺少基线，无法判断", "no baseline to judge it against"),
    "holds_level": ("保持或回落，无需额外提升", "holds the current level"),
    "no_history": ("缺少上年数据，无法判断", "no prior-year figure to judge it against"),
    "no_improvement_this_year": (
        "{need}{required}，但本年未见改善（{achieved}）",
        "needs {required} while this year did not improve ({achieved})",
    ),
    "within_reach": (
        "{need}{required}，为本年改善{achieved}的{ratio}倍",
        "needs {required}, {ratio}× this year's change of {achieved}",
    ),
    "stretch": (
        "{need}{required}，超过本年改善{achieved}的两倍（{ratio}倍）",
        "needs {required}, more than twice this year's change of {achieved} ({ratio}×)",
    ),
    "units_differ": (
        "目标单位{goal_unit}与指标单位{kpi_unit}不可比，无法判断",
        "the goal's unit {goal_unit} cannot be compared with the KPI's {kpi_unit}",
    ),
    "aligned": ("对齐：{to}", "serves: {to}"),
    "not_aligned": ("未说明对齐的公司目标", "does not say which company goal it serves"),
    "no_deadline": ("没有截止日期", "has no deadline"),
    "outside_plan_year": (
        "截止{deadline}不在{plan_year}年内",
        "deadline {deadline} is outside {plan_year}",
    ),
    "dated": ("截止{deadline}", "due {deadline}"),
}

SMART_NAMES = {
    "zh": {"S": "具体", "M": "可衡量", "A": "可实现", "R": "相关", "T": "有时限"},
    "en": {
        "S": "Specific",
        "M": "Measurable",
        "A": "Achievable",
        "R": "Relevant",
        "T": "Time-bound",
    },
}


def verdict_text(verdict: Verdict, unit: str = "", lang: str = "zh") -> str:
    """The reason behind one SMART letter, in words."""
    zh, en = _VERDICTS.get(verdict.code, (verdict.code, verdict.code))
    params: dict[str, Any] = dict(verdict.params)  # figures, a ratio, a date: by the code
    # zh says the way of the change in its verb (需降低4.5天, never 需提升 -4.5天), so
    # its required change is unsigned; en and this year's change keep their sign.
    required = params.get("required")
    params["need"] = "需降低" if required is not None and required < 0 else "需提升"
    rate = parse_unit(unit).is_rate
    for key in ("required", "achieved"):
        if key in params and params[key] is not None:
            value = params[key]
            signed = not (lang == "zh" and key == "required")
            if not signed:
                value = abs(value)
            params[key] = (
                fmt_pp(value, 1, signed=signed, lang=lang)
                if rate
                else fmt_signed(value, unit, None, lang)
                if signed
                else fmt_amount(value, unit, None, lang)
            )
    if "ratio" in params:
        # None: this year's change is negligible beside the required one (the ratio
        # exceeds the engine's RATIO_LIMIT, 10^100).
        ratio = params["ratio"]
        params["ratio"] = fmt_number(ratio, 1) if ratio is not None else "> 10¹⁰⁰"
    if "deadline" in params and params["deadline"] is not None:
        params["deadline"] = params["deadline"].isoformat()
    text: str = (zh if lang == "zh" else en).format(**params)
    return text


RISK_LEVELS = {
    "zh": {"high": "高", "medium": "中", "low": "低", None: DASH},
    "en": {"high": "high", "medium": "medium", "low": "low", None: DASH},
}
