"""Warning lines: the figure past which a quarter target alerts.

The tolerance is in percentage **points** for a rate KPI (a 15.6% target with 2 points
alerts below 13.6%) and in percent of the target for an amount (13.75亿元 with 5% alerts
below 13.0625亿元). It comes from the workbook, first found wins:

1. the KPI's risk row with a deviation threshold ``偏离目标 > 2个百分点`` / ``dev > 5%``
   (``>`` or ``>=``; the tightest when there are several);
2. the meta sheet: ``warning_tolerance`` (预警容差, percent, amounts) and
   ``warning_tolerance_pp`` (预警容差（百分点）, points, rates);
3. ``Settings.deviation_warning`` (8%) and ``Settings.deviation_warning_pp`` (1 point).

A line is never looser than the baseline (last year's actual, for a ``sum`` KPI its share
of the quarter: baseline × quarter target ÷ annual target) and never stricter than the
target itself. Higher is better: line = min(max(target − tolerance, baseline), target);
lower is better: line = max(min(target + tolerance, baseline), target).

Pure Decimal, no text: ``present.plan_context`` words the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opsreport.core.records import Report
from opsreport.core.units import parse_unit
from opsreport.engine.metrics import Settings
from opsreport.engine.plan_targets import QuarterTarget

__all__ = [
    "Tolerance",
    "WarningLine",
    "WarningRules",
    "quarter_baseline",
    "warning_line",
    "warning_rules",
]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Tolerance:
    """How far from the target a figure may fall before it alerts."""

    value: Decimal  # points when in_points, else percent of the target
    in_points: bool
    source: str  # risk | meta | default


@dataclass(frozen=True)
class WarningLine:
    value: Decimal
    tolerance: Tolerance
    bound: str  # tolerance | baseline (held at the baseline) | target (held at the target)
    baseline: Decimal | None  # the baseline the line was held to, in the target's unit


def warning_line(
    target: Decimal, direction: str, tolerance: Tolerance, baseline: Decimal | None = None
) -> WarningLine:
    """The line for one target: the tolerance off it, held between baseline and target.

    Example (higher is better, a rate): target 15.6, 2 points → 13.6; baseline 14.8 →
    max(13.6, 14.8) = 14.8, not above 15.6 → 14.8 (held at the baseline).
    """
    allowance = tolerance.value if tolerance.in_points else abs(target) * tolerance.value / HUNDRED
    higher = direction != "lower"
    line = target - allowance if higher else target + allowance
    bound = "tolerance"
    if baseline is not None and (baseline > line if higher else baseline < line):
        line, bound = baseline, "baseline"
    if line > target if higher else line < target:
        line, bound = target, "target"
    return WarningLine(line, tolerance, bound, baseline)


def quarter_baseline(target: QuarterTarget, quarter_value: Decimal) -> Decimal | None:
    """The baseline a quarter target is compared with: the annual baseline for ``avg`` and
    ``last`` KPIs; for ``sum`` its share of the quarter (baseline × quarter ÷ annual)."""
    if target.baseline is None:
        return None
    if target.aggregation != "sum":
        return target.baseline
    if target.annual == 0:
        return None
    return target.baseline * quarter_value / target.annual


@dataclass(frozen=True)
class WarningRules:
    """The tolerance of every KPI, looked up once per workbook (50,000 KPIs: a dict)."""

    by_kpi: dict[str, tuple[Tolerance | None, Tolerance | None]]  # (percent, points)
    meta_percent: Tolerance
    meta_points: Tolerance

    def tolerance(self, target: QuarterTarget) -> Tolerance:
        """The tolerance of a quarter target: points for a rate, percent for an amount."""
        is_rate = parse_unit(target.unit).is_rate
        percent, points = self.by_kpi.get(target.kpi.key if target.kpi else "", (None, None))
        own = points if is_rate else percent
        if own is not None:
            return own
        return self.meta_points if is_rate else self.meta_percent

    def line(self, target: QuarterTarget, quarter: int) -> WarningLine:
        """The warning line of ``target``'s quarter ``quarter`` (1–4)."""
        value = target.quarters[quarter - 1]
        return warning_line(
            value, target.direction, self.tolerance(target), quarter_baseline(target, value)
        )


def _tighter(old: Tolerance | None, new: Tolerance) -> Tolerance:
    return new if old is None or new.value < old.value else old


def warning_rules(report: Report, settings: Settings) -> WarningRules:
    """Each KPI's tolerance from its risk rows' deviation thresholds, then the meta
    sheet's defaults, then the settings'."""
    by_kpi: dict[str, tuple[Tolerance | None, Tolerance | None]] = {}
    for risk in report.risks:
        threshold = risk.threshold
        if risk.kpi is None or threshold is None or threshold.kind != "dev":
            continue
        if threshold.operator not in {">", ">="}:
            continue  # "dev < 2%" watches for too little movement, not a tolerance
        found = Tolerance(threshold.limit, threshold.in_points, "risk")
        percent, points = by_kpi.get(risk.kpi, (None, None))
        if found.in_points:
            points = _tighter(points, found)
        else:
            percent = _tighter(percent, found)
        by_kpi[risk.kpi] = (percent, points)
    meta = report.meta
    meta_percent = (
        Tolerance(meta.warning_tolerance, False, "meta")
        if meta.warning_tolerance is not None
        else Tolerance(settings.deviation_warning, False, "default")
    )
    meta_points = (
        Tolerance(meta.warning_tolerance_pp, True, "meta")
        if meta.warning_tolerance_pp is not None
        else Tolerance(settings.deviation_warning_pp, True, "default")
    )
    return WarningRules(by_kpi, meta_percent, meta_points)
