"""The formatting filters every template (docx, md, html) may use: num, pct, pp,
delta, cn_number, heading_number; a misuse is a :class:`FilterMisuse` that says
what to write instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from opsreport.present import formatting as f

__all__ = [
    "FilterMisuse",
    "filters",
]


class FilterMisuse(ValueError):
    """A filter was given something it cannot format; the message says what to write."""


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    raise TypeError(f"not a number: {value!r}")


def _number(name: str, value: Any) -> Decimal | None:
    """The value as a Decimal, or a message naming the filter and what to write instead."""
    try:
        return _as_decimal(value)
    except TypeError:
        if isinstance(value, str):
            raise FilterMisuse(
                f"the {name} filter got the text «{value}», which is already formatted: "
                f"print it as it is, or give {name} the number (the name ending in _value, "
                "e.g. kpi.actual_value)"
            ) from None
        raise FilterMisuse(f"the {name} filter needs a number, not {value!r}") from None


def _cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (heading numbers of a Chinese document)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


# The spellings ``delta`` accepts for what a variance is measured against.
_AGAINST = {"target": "target", "plan": "target", "pl": "target",
            "prior": "prior", "prior_year": "prior", "py": "prior"}  # fmt: skip
# A KPI row's fields that hold each variance (formatted, or as a number).
_VARIANCE_FIELDS = {
    against: (f"var_{against}", f"var_{against}_pct", f"var_{against}_value",
              f"var_{against}_pct_value", f"delta_{against}")
    for against in ("target", "prior")
}  # fmt: skip


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _same(value: Any, field: Any) -> bool:
    """Whether a value is this field of the row: equal text, or an equal number."""
    if isinstance(value, str) or isinstance(field, str):
        return isinstance(value, str) and value == field
    return _is_number(value) and _is_number(field) and value == field


def filters(lang: str) -> dict[str, Callable[..., Any]]:
    """The formatting filters available in every template (docx, md, html)."""

    def num(value: Any, unit: str = "", places: int | None = None, signed: bool = False) -> str:
        number = _number("num", value)
        if number is None or not signed:
            return f.fmt_amount(number, unit, places, lang)
        return f.fmt_signed(number, unit, places, lang)  # (its places as plain num's)

    def pct(value: Any, places: int = 1, signed: bool = False) -> str:
        return f.fmt_pct(_number("pct", value), places, signed)

    def pp(value: Any, places: int = 1, signed: bool = False) -> str:
        return f.fmt_pp(_number("pp", value), places, signed, lang)

    def delta(value: Any, kpi: Any = None) -> str:
        """A variance as a reader expects it: pp for rates, % for amounts, always signed.

        ``kpi | delta`` and ``kpi | delta("prior")`` take a KPI row (against target,
        against last year); ``kpi.var_prior | delta(kpi)`` takes one of that row's
        variances; a number with a rate KPI is read as percentage points.
        """
        if isinstance(value, Mapping):
            against = _AGAINST.get(str(kpi or "target").lower())
            key = f"delta_{against}"
            if against is None or key not in value:
                raise FilterMisuse(
                    f"delta({kpi!r}): write kpi | delta (against target) "
                    'or kpi | delta("prior") (against last year)'
                )
            return str(value[key])
        if not isinstance(kpi, Mapping) or "is_rate" not in kpi:
            raise FilterMisuse(
                "the delta filter needs the KPI: write {{ kpi.var_prior | delta(kpi) }} "
                "or {{ kpi | delta }}"
            )
        if value is None or value == "" or value == f.DASH:
            return f.DASH
        for against, fields in _VARIANCE_FIELDS.items():
            if any(_same(value, kpi.get(field)) for field in fields):
                return str(kpi[f"delta_{against}"])
        if _is_number(value) and kpi["is_rate"]:
            return f.fmt_pp(_number("delta", value), 1, signed=True, lang=lang)
        raise FilterMisuse(
            f"delta: {value!r} is not one of {kpi.get('name', 'the KPI')}'s variances; "
            "write kpi.var_target | delta(kpi) or kpi.var_prior | delta(kpi), "
            "or format your own number with pct or num"
        )

    def heading_number(n: int) -> str:
        return f"{_cn_number(n)}、" if lang == "zh" else f"{n}. "

    return {
        "num": num,
        "pct": pct,
        "pp": pp,
        "delta": delta,
        "cn_number": _cn_number,
        "heading_number": heading_number,
    }
