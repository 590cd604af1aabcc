"""The quarterly campaign review: the campaigns by quarter, with what was invested.

Pure Decimal. Investments are added only within one unit (万元 and 元 make two totals),
like the resources' totals; a campaign without a quarter comes last. The linked KPI's
quarter (its actual and change on last year) comes from the KPI's quarterly series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.periods import Period
from opsreport.core.records import Campaign
from opsreport.engine.metrics import Metrics, QuarterPoint, QuarterSeries

__all__ = ["CampaignLine", "CampaignQuarter", "CampaignReview", "campaign_review"]


@dataclass(frozen=True)
class CampaignLine:
    campaign: Campaign
    kpi_series: QuarterSeries | None  # the linked KPI's quarters, when it has the campaign's
    kpi_quarter: QuarterPoint | None  # the linked KPI in the campaign's quarter


@dataclass(frozen=True)
class CampaignQuarter:
    quarter: Period | None
    lines: tuple[CampaignLine, ...]
    totals: tuple[tuple[str, Decimal], ...]  # (unit, invested), in the order units appear


@dataclass(frozen=True)
class CampaignReview:
    quarters: tuple[CampaignQuarter, ...]  # in time order; the undated last
    totals: tuple[tuple[str, Decimal], ...]
    count: int


def _totals(campaigns: Sequence[Campaign]) -> tuple[tuple[str, Decimal], ...]:
    sums: dict[str, Decimal] = {}
    for campaign in campaigns:
        if campaign.investment is not None:
            sums[campaign.unit] = sums.get(campaign.unit, Decimal(0)) + campaign.investment
    return tuple(sums.items())


def _line(metrics: Metrics, campaign: Campaign) -> CampaignLine:
    quarter = campaign.quarter
    if campaign.kpi is not None and quarter is not None:
        for series in metrics.quarters:
            if series.kpi.key != campaign.kpi:
                continue
            for point in series.points:
                if point.period.quarter == quarter.quarter and point.period.year in {
                    quarter.year,
                    None,
                }:
                    return CampaignLine(campaign, series, point)
    return CampaignLine(campaign, None, None)


def campaign_review(metrics: Metrics) -> CampaignReview:
    """The report's campaigns grouped by quarter (stable within one), with their totals."""
    campaigns = metrics.report.campaigns
    keys: dict[tuple[int, int, int], list[Campaign]] = {}
    for campaign in campaigns:
        q = campaign.quarter
        key = (1, 0, 0) if q is None else (0, q.year or 0, q.quarter)
        keys.setdefault(key, []).append(campaign)
    quarters = tuple(
        CampaignQuarter(
            group[0].quarter,
            tuple(_line(metrics, c) for c in group),
            _totals(group),
        )
        for _, group in sorted(keys.items())
    )
    return CampaignReview(quarters, _totals(campaigns), len(campaigns))
