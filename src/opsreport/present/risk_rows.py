"""The risks section: each risk with its trigger, the KPI's figure now and its status."""

from __future__ import annotations

from opsreport.engine.metrics import RiskResult
from opsreport.present import formatting as f
from opsreport.present.context_types import KpiRow, RiskItem
from opsreport.present.labels import LABELS

__all__ = ["risk_item"]


def risk_item(number: int, result: RiskResult, rows: dict[str, KpiRow], lang: str) -> RiskItem:
    risk = result.risk
    labels = LABELS[lang]
    kpi = result.kpi
    observed = ""
    if result.observed is not None and kpi is not None:
        if risk.threshold and risk.threshold.kind == "dev":
            observed = f.fmt_pct(result.observed / 100)
            observed = f"偏离目标{observed}" if lang == "zh" else f"{observed} off target"
        else:
            observed = rows[kpi.key]["actual"]
    status = (
        labels["triggered"]
        if result.triggered
        else labels["not_triggered"]
        if result.triggered is False
        else labels["no_trigger"]
    )
    return {
        "no": f"R{number}",
        "risk": risk.risk,
        "category": risk.category or "",
        "likelihood": risk.likelihood or "",
        "impact": risk.impact or "",
        "score": result.score or "",
        "level": result.level,
        "level_label": f.RISK_LEVELS[lang][result.level],
        "kpi": kpi.name if kpi else "",
        "threshold": f.fmt_threshold(
            risk.threshold.kind, risk.threshold.operator, risk.threshold.limit, kpi.unit, lang
        )
        if risk.threshold and kpi
        else "",
        "observed": observed,
        "triggered": result.triggered,
        "status": status,
        "response": risk.response or "",
        "owner": risk.owner or "",
    }
