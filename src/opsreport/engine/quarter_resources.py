"""How much of each resource falls in each quarter of the plan year, by its dates.

A resource row is dated by its own ``start``/``end``; a row with neither takes the dates
of the task it names (``task``); a row with neither dates nor a task is undated. What the
dates mean depends on the kind of resource (:func:`resource_kind`, from the unit):

- ``money`` (spend) is spent evenly over the days of its range, both ends included:
  a quarter gets amount × (days of the range in the quarter) ÷ (days of the range),
  rounded to the amount's own places (at least cents) by largest remainder, so the
  quarters of a range inside the plan year add up to the amount exactly. Only the plan
  year's days count: a range reaching into another year puts its other days nowhere.
  A range with only an end runs from the plan year's first day; only a start, to its last.
- ``other`` (a system, a licence: one-off) is there on delivery: the whole amount in the
  quarter of the end date (a row with only a start: that date), nothing elsewhere.
- ``people`` are in post from the start date (to the end date, if any): a quarter with
  at least one day in post counts the full heads, a quarter before the start none. Heads
  are a stock, never added up across quarters.
- undated rows keep the old rule, labelled as such: money a quarter of the year each
  quarter (largest remainder again), people and other items as they are in every quarter.

Pure Decimal, no text: ``present.plan_context`` says which rule applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from opsreport.core.records import Resource, Task
from opsreport.core.units import parse_unit

__all__ = [
    "ResourceSchedule",
    "largest_remainder",
    "quarter_days",
    "resource_kind",
    "resource_schedule",
    "resource_schedules",
]

# How a row's quarters were worked out: by days (money), on delivery (other), from the
# start date (people) or, without dates, evenly / as they are.
BASES = ("days", "delivery", "in_post", "even")

_PEOPLE_UNITS = {"人", "名", "人员", "fte", "people", "heads", "headcount", "person", "persons"}
_MONEY_UNITS = {"元", "rmb", "cny", "usd", "$", "eur", "€", "gbp", "£", "美元", "欧元"}
_PRECISION = 80  # digits for the exact shares: 10^15 × days at 50 places fits


def resource_kind(unit: str) -> str:
    """People are a stock (in post all quarter); money is spent a quarter at a time; other
    resources (a system, a licence) are delivered as planned, not split."""
    base = parse_unit(unit).base.strip().lower()
    if base in _PEOPLE_UNITS:
        return "people"
    if base in _MONEY_UNITS:
        return "money"
    return "other"


@dataclass(frozen=True)
class ResourceSchedule:
    """One resource's amount in each quarter of the plan year, and why.

    ``start``/``end`` are the dates the rule used (the row's, else its task's: then
    ``from_task``); ``days`` the days of a money range in each quarter (zeros otherwise).
    """

    resource: Resource
    kind: str  # people | money | other
    basis: str  # one of BASES
    start: dt.date | None
    end: dt.date | None
    from_task: bool
    quarters: tuple[Decimal, Decimal, Decimal, Decimal]
    days: tuple[int, int, int, int]
    total_days: int  # days of the whole range, in any year (money with dates)


def _bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    last = (
        dt.date(year, 12, 31)
        if quarter == 4
        else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(1)
    )
    return first, last


def quarter_days(start: dt.date, end: dt.date, year: int) -> tuple[int, int, int, int]:
    """Days of ``start``–``end`` (both included) in each quarter of ``year``."""
    days = []
    for quarter in range(1, 5):
        first, last = _bounds(year, quarter)
        overlap = (min(end, last) - max(start, first)).days + 1
        days.append(max(overlap, 0))
    return days[0], days[1], days[2], days[3]


def _places(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(own, 2)


def largest_remainder(
    amount: Decimal, weights: tuple[int, int, int, int], whole: int, places: int
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """``amount`` × weight ÷ ``whole`` for each quarter, to ``places``, adding up exactly
    to amount × Σweights ÷ whole rounded half-up: every share is rounded down, then the
    units left over go one each to the largest remainders (ties: the earlier quarter)."""
    if whole <= 0 or not any(weights):
        zero = Decimal(0)
        return zero, zero, zero, zero
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        step = Decimal(1).scaleb(-places)
        exact = [amount * w / whole for w in weights]
        floors = [share.quantize(step, rounding=ROUND_FLOOR) for share in exact]
        total = (amount * sum(weights) / whole).quantize(step, rounding=ROUND_HALF_UP)
        left = int((total - sum(floors, Decimal(0))) / step)
        order = sorted(range(4), key=lambda q: (-(exact[q] - floors[q]), q))
        for q in order[:left]:
            floors[q] += step
    return floors[0], floors[1], floors[2], floors[3]


def _dates(
    resource: Resource, tasks: dict[str, Task]
) -> tuple[dt.date | None, dt.date | None, bool]:
    """The row's own dates when it has any (both, even if one is blank), else its task's."""
    if resource.start is not None or resource.end is not None:
        return resource.start, resource.end, False
    task = tasks.get(resource.task or "") if resource.task else None
    if task is not None and (task.start is not None or task.end is not None):
        return task.start, task.end, True
    return None, None, False


def resource_schedule(
    resource: Resource, tasks: dict[str, Task], year: int
) -> ResourceSchedule | None:
    """The quarters of ``year`` of one resource (None without an amount); ``tasks`` by name.

    A task name not in ``tasks`` (the loader refuses one; a record built by hand may hold
    one) leaves the row undated."""
    amount = resource.amount
    if amount is None:
        return None
    kind = resource_kind(resource.unit)
    start, end, from_task = _dates(resource, tasks)
    zero = Decimal(0)
    no_days = (0, 0, 0, 0)
    if start is None and end is None:
        if kind == "money":
            quarters = largest_remainder(amount, (1, 1, 1, 1), 4, _places(amount))
        else:
            quarters = (amount, amount, amount, amount)
        return ResourceSchedule(resource, kind, "even", None, None, False, quarters, no_days, 0)
    if kind == "other":
        when = end or start
        assert when is not None
        quarters_list = [zero] * 4
        if when.year == year:
            quarters_list[(when.month - 1) // 3] = amount
        q1, q2, q3, q4 = quarters_list
        return ResourceSchedule(
            resource, kind, "delivery", start, end, from_task, (q1, q2, q3, q4), no_days, 0
        )
    first = start or dt.date(year, 1, 1)
    last = end or dt.date(year, 12, 31)
    if last < first:  # a hand-built record: the loader refuses it; nothing falls anywhere
        return ResourceSchedule(
            resource, kind, "days" if kind == "money" else "in_post", start, end, from_task,
            (zero, zero, zero, zero), no_days, 0,
        )  # fmt: skip
    days = quarter_days(first, last, year)
    if kind == "people":
        heads = tuple(amount if d else zero for d in days)
        return ResourceSchedule(
            resource, kind, "in_post", start, end, from_task,
            (heads[0], heads[1], heads[2], heads[3]), days, 0,
        )  # fmt: skip
    whole = (last - first).days + 1
    quarters = largest_remainder(amount, days, whole, _places(amount))
    return ResourceSchedule(resource, kind, "days", first, last, from_task, quarters, days, whole)


def resource_schedules(
    resources: list[Resource], tasks: list[Task], year: int
) -> list[ResourceSchedule]:
    """Every resource with an amount, in workbook order; a task name found twice is
    the first such task (the loader refuses a reference to a name two tasks share)."""
    by_name: dict[str, Task] = {}
    for task in tasks:
        by_name.setdefault(task.task, task)
    found = []
    for resource in resources:
        schedule = resource_schedule(resource, by_name, year)
        if schedule is not None:
            found.append(schedule)
    return found
