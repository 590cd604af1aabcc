"""The campaigns sheet (活动复盘) read into :class:`~opsreport.core.records.Campaign` records.

Its own module because io/records.py is near its size limit; it uses the same list-sheet
loop (:func:`~opsreport.io.records.read_records`): a row needs the campaign's name, an
unknown KPI is an error on its cell, the quarter is a quarter or a month (counted in its
quarter) of the report's year unless it names another.
"""

from __future__ import annotations

from opsreport.core.periods import Period, parse_period
from opsreport.core.records import Campaign
from opsreport.io.records import RecordSheet, Row

__all__ = ["CAMPAIGNS"]


def _campaign(row: Row) -> Campaign:
    reader = row.reader
    unit = reader.text("unit") or ""
    period = reader.parsed("quarter", parse_period)
    quarter = None
    if period is not None:  # 11月 ran in Q4; a bare Q4 is the report's year (row.plan_year)
        quarter = Period(period.year if period.year is not None else row.plan_year, period.quarter)
    return Campaign(
        name=row.texts["name"] or "",
        quarter=quarter,
        theme=reader.text("theme"),
        investment=reader.number("investment", unit),
        unit=unit,
        kpi=row.kpi.key if row.kpi else None,
        result=reader.text("result"),
        feedback=reader.text("feedback"),
        location=reader.location(),
    )


# ``read_records(sheet, CAMPAIGNS, index, meta.year, …)``: the year passed is the report's,
# the default year of a quarter written without one.
CAMPAIGNS = RecordSheet(
    ("name",),
    _campaign,
    refers_to_kpi=True,
    missing="a campaign row without the campaign's name",
    missing_hint="name the campaign (活动), e.g. 双11大促",
    missing_if_any=("quarter", "theme", "investment", "result", "feedback", "kpi"),
)
