"""Rounding as a reader expects it: half away from zero, at any size.

Used below the presentation layer too (the plan's quarter targets are rounded to the
KPI's own precision in the engine), so it lives in core; ``present.formatting``
re-exports it for the templates' filters.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsreport.core.records import Kpi

__all__ = [
    "MAX_PLACES",
    "decimal_places",
    "display_places",
    "kpi_places",
    "round_half_up",
    "to_decimal",
]

MAX_PLACES = 50  # decimal places a figure may be shown with


def to_decimal(value: Decimal | float | int) -> Decimal:
    """A figure as a Decimal, a float by its shortest repr (0.1 is 0.1, not 0.1000…0555)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def round_half_up(value: Decimal | float | int, places: int = 0) -> Decimal:
    """Round half away from zero: 0.4185 → 0.419 at 3 places, -2.5 → -3.

    Any finite value: the rounding runs with as many digits as the result needs
    (Decimal's default 28 would refuse 1e28 at 2 places with InvalidOperation).
    An infinity or NaN is returned as it is: there is nothing to round. ``places``
    is kept within ±50 (a template's ``num(places=10**9)`` would build a
    billion-digit number).
    """
    if not isinstance(value, Decimal):
        value = to_decimal(value)
    if not value.is_finite():
        return value
    quantum = _QUANTA.get(places)
    if quantum is None:
        places = min(max(places, -MAX_PLACES), MAX_PLACES)
        quantum = _QUANTA[places]
    adjusted = value.adjusted()
    if adjusted + places < _FAST_DIGITS if places > 0 else adjusted < _FAST_DIGITS:
        # The common case: the result (one more digit if it rounds up) fits the
        # default context's 28 digits, so no context needs setting up.
        return value.quantize(quantum, rounding=ROUND_HALF_UP)
    digits = max(adjusted, 0) + max(places, 0) + 2
    with localcontext() as context:
        context.prec = digits
        context.Emax = max(context.Emax, digits + 1)
        context.Emin = min(context.Emin, -digits - 1)
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


_QUANTA = {places: Decimal((0, (1,), -places)) for places in range(-MAX_PLACES, MAX_PLACES + 1)}
_FAST_DIGITS = 25  # result digits ≤ 27 (a carry included): within Decimal's default 28


def decimal_places(value: Decimal) -> int:
    """How many decimal places ``value`` has once trailing zeros go: 8.50 has 1, 12 has 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def kpi_places(*values: Decimal | None, cap: int = 2) -> int:
    """Decimal places a KPI shows: as many as its most precise figure, at most ``cap``."""
    return min(cap, max((decimal_places(v) for v in values if v is not None), default=0))


def display_places(kpi: Kpi) -> int:
    """The one display precision of a KPI: every figure of it (AC, PL, PY, next year's
    target and its quarter targets, base, variances) in the table, the sentence, the plan
    and ``opsreport metrics`` is shown with the places of its most precise figure, at
    most 2 (9 beside 10.25 is 9.00)."""
    return kpi_places(kpi.target, kpi.actual, kpi.prior_year, kpi.next_target)
