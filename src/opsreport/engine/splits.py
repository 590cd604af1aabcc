"""Splitting a figure into quarters without changing what it means.

Three rules a finance reader checks first, kept here once for next-year drafts and
in-year catch-up targets alike:

- **precision**: quarter targets keep as many decimals as their exact value needs
  (55 ÷ 4 = 13.75, not 14), at most two more than the figures typed
  (:func:`split_places`);
- **ties**: parts of a ``sum`` add up to the total exactly, the rounding remainder
  given to the parts it was taken from (largest remainder, :func:`spread`), never
  dumped in the last quarter;
- **never looser**: a target rounded on a path or in an average is rounded towards the
  stricter side (:func:`path`, :func:`average_split`), so rounding never makes a
  target easier than the one the arithmetic gives.

Pure Decimal and integer arithmetic: the rounding is decided on exact integers (a
figure at ``places`` decimals is a whole number of 10^-places), so no Decimal context
limits the size of a figure and no division is inexact before the last step.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from opsreport.core.rounding import MAX_PLACES, decimal_places, round_half_up

__all__ = ["average_split", "path", "split_places", "spread"]

EXTRA_PLACES = 2  # ÷ 4 adds at most two decimals: 1 ÷ 4 = 0.25
_EXACT_DIGITS = 27  # a coefficient of up to 27 digits: scaleb within Decimal's 28 is exact
_EXACT_LIMIT = 10**_EXACT_DIGITS


def split_places(annual: Decimal, *others: Decimal | None) -> int:
    """The decimals quarter targets keep: never coarser than the annual target's meaning.

    ``others`` are the figures the quarters start from (a baseline a path leaves from,
    a year-to-date actual the rest of the year is counted from); ``None`` is skipped.

    - never fewer than the typed places of ``annual`` and ``others`` (8.37 keeps 2);
    - with no ``others``: enough for the even split ``annual ÷ 4`` to be exact
      (55 → 13.75 needs 2; 9.5 → 2.375 needs 3);
    - with ``others``: enough for each straight path's step ``(annual − other) ÷ 4`` to
      be exact (41 → 60: 4.75 needs 2; 41 → 35: −1.5 needs 1) — the same step is the
      even split of what is left of the year, so a catch-up uses the same rule;
    - never more than the typed places + 2: a division by 4 (or 2) always ends within
      two more decimals, and one by 3 ends within the typed places when it ends at all,
      so a split that does not end (by 3, by seasonality) stops at typed + 2 at most;
      within 0…50 (``core.rounding.MAX_PLACES``).
    """
    figures = [annual, *(other for other in others if other is not None)]
    finite = [figure for figure in figures if figure.is_finite()]
    typed = max((_places(figure) for figure in finite), default=0)
    if not annual.is_finite():
        return min(typed, MAX_PLACES)
    starts = finite[1:]
    steps = [(annual - start) / 4 for start in starts] if starts else [annual / 4]
    needed = max(_places(step) for step in steps)
    return min(max(typed, min(needed, typed + EXTRA_PLACES)), MAX_PLACES)


def spread(total: Decimal, weights: Sequence[Decimal] | None, places: int) -> list[Decimal]:
    """``total`` in ``len(weights)`` parts proportional to ``weights``, adding up exactly.

    Each part is its exact share rounded towards zero to ``places``; the units of
    10^-places that leaves over go one each to the parts with the LARGEST REMAINDER
    (ties: the larger weight, then the earlier part). So no part is more than one unit
    away from its exact share, and the parts add up to ``total`` exactly — rounding
    neither loses nor invents a unit, and the remainder stays where it came from
    instead of piling up in the last quarter (55 in 4 even parts at 0 places: 14, 14,
    14, 13 — the shares are 13.75 each, three units left go to the first three).

    - ``total`` with more than ``places`` decimals is first rounded half-up to
      ``places``: the parts then add up to that rounded total (the caller chooses
      ``places`` with :func:`split_places` so this does not happen).
    - a negative ``total`` is split as its magnitude and every part negated: the
      parts are ≤ 0 and add up to ``total``.
    - a zero weight gets a zero part (never a remainder unit); weights must be finite
      and ≥ 0 with a positive sum, else ``ValueError`` — there is no proportion to
      follow. ``None`` is refused too: pass ``[1] * n`` for an even split.
    """
    if weights is None or not weights:
        raise ValueError("spread needs weights: pass [1] * n for an even split")
    if any(not w.is_finite() or w < 0 for w in weights):
        raise ValueError("weights must be finite and not negative")
    if not total.is_finite():
        raise ValueError("the total must be a finite figure")
    whole = _whole(weights)
    weight_sum = sum(whole)
    if weight_sum == 0:
        raise ValueError("the weights add up to zero: no proportion to split by")
    units = _units(round_half_up(total, places), places)
    sign, magnitude = (-1 if units < 0 else 1), abs(units)
    floors = [magnitude * w // weight_sum for w in whole]
    remainders = [magnitude * w % weight_sum for w in whole]
    left = magnitude - sum(floors)
    order = sorted(range(len(whole)), key=lambda i: (-remainders[i], -whole[i], i))
    for index in order[:left]:
        floors[index] += 1
    return [_figure(sign * part, places) for part in floors]


def path(start: Decimal, end: Decimal, steps: int, places: int, direction: str) -> list[Decimal]:
    """A straight path from ``start`` (exclusive) to ``end`` (inclusive): ``steps`` values.

    The k-th value is start + k × (end − start) ÷ steps; the last is ``end`` itself,
    exactly as typed. The ones before are rounded to ``places`` towards the STRICTER
    side — up when ``direction`` is "higher", down when "lower" (half-up for any other
    direction) — so rounding never makes a quarter's target easier than the straight
    line (41 → 60 in 4 steps at 0 places: 45.75 → 46, 50.5 → 51, 55.25 → 56, 60).
    """
    if steps < 1:
        raise ValueError("a path needs at least one step")
    if not start.is_finite() or not end.is_finite():
        raise ValueError("a path runs between finite figures")
    scale = max(places, _places(start), _places(end))
    first, last = _units(start, scale), _units(end, scale)
    denominator = steps * 10 ** (scale - places)
    values = [
        _figure(_divide(first * steps + (last - first) * k, denominator, direction), places)
        for k in range(1, steps)
    ]
    return [*values, end]


def average_split(
    annual: Decimal,
    weights: Sequence[Decimal] | None,
    places: int,
    direction: str,
) -> list[Decimal]:
    """Quarter values of an ``avg`` KPI whose mean is the annual target.

    Part k is annual × weight_k ÷ mean weight (``None``: four equal weights, the annual
    target in every quarter), so the exact parts average to ``annual``. Each is rounded
    to ``places`` towards the stricter side (up for "higher", down for "lower",
    half-up otherwise), like :func:`path`. The mean is therefore EXACT when every exact
    part has at most ``places`` decimals (always with ``None``, or weights whose shares
    end within ``places``); otherwise it is stricter than ``annual`` by less than one
    unit of 10^-places — never looser. Weights follow :func:`spread`'s rules.
    """
    if weights is None:
        weights = [Decimal(1)] * 4
    if not weights or any(not w.is_finite() or w < 0 for w in weights):
        raise ValueError("weights must be finite and not negative")
    if not annual.is_finite():
        raise ValueError("the annual target must be a finite figure")
    whole = _whole(weights)
    weight_sum = sum(whole)
    if weight_sum == 0:
        raise ValueError("the weights add up to zero: no proportion to split by")
    scale = max(places, _places(annual))
    value = _units(annual, scale)
    denominator = weight_sum * 10 ** (scale - places)
    return [_figure(_divide(value * w * len(whole), denominator, direction), places) for w in whole]


def _places(value: Decimal) -> int:
    """``core.rounding.decimal_places``, with the common whole figure answered first (a
    10,000-KPI plan asks this 100,000 times)."""
    return 0 if value == value.to_integral_value() else decimal_places(value)


def _whole(weights: Sequence[Decimal]) -> list[int]:
    """The weights as whole numbers in one proportion (1.5 and 2 → 15 and 20; equal
    weights, the even split, are 1 each)."""
    first = weights[0]
    if all(w == first for w in weights):
        return [0 if first == 0 else 1] * len(weights)
    scale = max(_places(w) for w in weights)
    return [_units(w, scale) for w in weights]


def _units(value: Decimal, places: int) -> int:
    """``value`` as a whole number of 10^-places (it has at most ``places`` decimals).

    ``Decimal.scaleb`` is exact only while the result fits the context's 28 digits (the
    common case, taken first); a larger figure is read from its digits."""
    if value.adjusted() + places < _EXACT_DIGITS:
        return int(value.scaleb(places))
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError("not a finite figure")
    whole = int("".join(map(str, digits)) or "0")
    shift = exponent + places
    factor: int = 10 ** abs(shift)
    whole = whole * factor if shift >= 0 else whole // factor
    return -whole if sign else whole


def _figure(units: int, places: int) -> Decimal:
    """A whole number of 10^-places back as a figure with ``places`` decimals (exact)."""
    if -_EXACT_LIMIT < units < _EXACT_LIMIT:
        return Decimal(units).scaleb(-places)
    return Decimal((1 if units < 0 else 0, tuple(int(c) for c in str(abs(units))), -places))


def _divide(numerator: int, denominator: int, direction: str) -> int:
    """numerator ÷ denominator (> 0) as a whole number: up for "higher", down for
    "lower", half away from zero otherwise."""
    if direction == "higher":
        return -(-numerator // denominator)
    if direction == "lower":
        return numerator // denominator
    half_up = (2 * abs(numerator) + denominator) // (2 * denominator)
    return half_up if numerator >= 0 else -half_up
