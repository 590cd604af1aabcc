"""Plain values for the report context: floats, ISO dates, and the located error
for a figure that cannot be rendered (one rule for every section)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from opsreport.core.records import Location
from opsreport.engine.metrics import FigureError, figure_problem

__all__ = ["RENDER_ERRORS", "each_item", "iso_date", "render_failure", "to_float"]


def to_float(value: Decimal | None) -> float | None:
    """A figure as a float for templates; never inf or nan (the engine's figures fit)."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise OverflowError(f"{value} does not fit a float")
    return number


# What a figure the formatters or floats cannot take raises (Decimal signals are
# ArithmeticErrors); FigureError is a ValueError too, and passes through untouched.
RENDER_ERRORS = (ArithmeticError, ValueError, TypeError)
_T = TypeVar("_T")
_I = TypeVar("_I")


def render_failure(
    exc: Exception, subject: str, location: Location | None, file: str
) -> FigureError:
    """A located error for a value the context could not render (a bug's last resort)."""
    if isinstance(exc, FigureError):
        return exc
    message = f"{subject}: a figure could not be rendered ({type(exc).__name__}: {exc})"
    return FigureError([figure_problem(message, location, file, hint="")])


def each_item(
    items: Iterable[_I],
    build: Callable[[_I], _T],
    describe: Callable[[_I], tuple[str, Location | None]],
    file: str,
) -> list[_T]:
    """``build(item)`` for every item; a failure names the item (``describe``: its
    subject and location) instead of surfacing as a bare InvalidOperation."""
    built = []
    for item in items:
        try:
            built.append(build(item))
        except RENDER_ERRORS as exc:
            raise render_failure(exc, *describe(item), file) from exc
    return built


def iso_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
