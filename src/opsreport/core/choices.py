"""The closed vocabularies a cell chooses from: direction, aggregation, level (1–5), value kind.

Each parser takes the English and Chinese spellings docs/workbook.md lists (a test
checks that every spelling is documented) and refuses any other word.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from opsreport.core.numbers import to_decimal
from opsreport.core.text import check_value_text, normalize_text
from opsreport.core.value_problem import ValueProblem

__all__ = ["parse_aggregation", "parse_direction", "parse_level", "parse_value_kind"]


_DIRECTIONS = {
    "higher": "higher",
    "high": "higher",
    "up": "higher",
    "higher is better": "higher",
    "higher-is-better": "higher",
    "max": "higher",
    "↑": "higher",
    "越高越好": "higher",
    "越大越好": "higher",
    "越多越好": "higher",
    "正向": "higher",
    "高": "higher",
    "lower": "lower",
    "low": "lower",
    "down": "lower",
    "lower is better": "lower",
    "lower-is-better": "lower",
    "min": "lower",
    "↓": "lower",
    "越低越好": "lower",
    "越小越好": "lower",
    "越少越好": "lower",
    "反向": "lower",
    "低": "lower",
}


def parse_direction(value: object) -> str | None:
    """``higher``/``lower`` from English or Chinese spellings; None when blank."""
    text = normalize_text(value).lower()
    if not text:
        return None
    if text in _DIRECTIONS:
        return _DIRECTIONS[text]
    raise ValueProblem(
        f"unknown direction ({value!r})",
        "use higher or lower (越高越好 / 越低越好, 正向 / 反向)",
    )


_AGGREGATIONS = {
    "sum": "sum",
    "total": "sum",
    "求和": "sum",
    "累计": "sum",
    "合计": "sum",
    "加总": "sum",
    "last": "last",
    "end": "last",
    "closing": "last",
    "期末": "last",
    "最新": "last",
    "末期": "last",
    "avg": "avg",
    "average": "avg",
    "mean": "avg",
    "平均": "avg",
    "均值": "avg",
    "平均值": "avg",
}


def parse_aggregation(value: object) -> str | None:
    text = normalize_text(value).lower()
    if not text:
        return None
    if text in _AGGREGATIONS:
        return _AGGREGATIONS[text]
    raise ValueProblem(
        f"unknown aggregation ({value!r})",
        "use sum (flows such as GMV), last (stocks and rates) or avg (平均)",
    )


_LEVELS = {
    "very low": 1,
    "极低": 1,
    "很低": 1,
    "low": 2,
    "低": 2,
    "较低": 2,
    "medium": 3,
    "med": 3,
    "mid": 3,
    "moderate": 3,
    "中": 3,
    "中等": 3,
    "一般": 3,
    "high": 4,
    "高": 4,
    "较高": 4,
    "very high": 5,
    "极高": 5,
    "很高": 5,
}


def parse_level(value: object) -> int | None:
    """Likelihood or impact on a 1–5 scale; 低/中/高 map to 2/3/4."""
    if value is None:
        return None
    number: Decimal | None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = to_decimal(value)
    else:
        raw = str(value)
        check_value_text(raw, "level", unit_exponents=False)
        text = normalize_text(raw).lower()
        if not text:
            return None
        if text in _LEVELS:
            return _LEVELS[text]
        try:
            number = Decimal(text) if text.isascii() else None
        except InvalidOperation:
            number = None
    if number is not None and number == number.to_integral_value() and 1 <= number <= 5:
        return int(number)
    raise ValueProblem(
        f"not a level from 1 to 5 ({value!r})",
        "use 1–5, or 低/中/高 (low/medium/high), 极低/极高",
    )


_VALUE_KINDS = {
    "gain": "gain",
    "revenue": "gain",
    "profit": "gain",
    "收益": "gain",
    "增收": "gain",
    "saving": "saving",
    "savings": "saving",
    "cost saving": "saving",
    "节省": "saving",
    "节约": "saving",
    "降本": "saving",
    "cash": "cash",
    "cash flow": "cash",
    "现金流": "cash",
    "现金": "cash",
    "loss": "loss",
    "损失": "loss",
    "亏损": "loss",
}


def parse_value_kind(value: object) -> str | None:
    """The kind of a value row: gain, saving, cash or loss (收益/节省/现金流/损失)."""
    text = normalize_text(value).lower()
    if not text:
        return None
    if text in _VALUE_KINDS:
        return _VALUE_KINDS[text]
    raise ValueProblem(
        f"unknown value kind ({value!r})",
        "use gain, saving, cash or loss (收益/节省/现金流/损失)",
    )
