"""The value section: what the year's results were worth, row by row and in total.

The engine (``engine.value``) adds the rows up where units convert and keeps losses
apart; here they are said: each row with its kind and KPI, the totals as one line
the opening repeats (「价值贡献合计7.1亿元：节省4.2亿元、释放现金流2.9亿元；损失1.2亿元」).
"""

from __future__ import annotations

from opsreport.core.records import VALUE_KINDS
from opsreport.engine.metrics import Metrics
from opsreport.engine.value import ValueTotal, value_totals
from opsreport.present import formatting as f
from opsreport.present.context_types import ValueItem, ValueSection
from opsreport.present.context_values import to_float

__all__ = ["KIND_LABELS", "value_items", "value_line"]

# How each kind is named in the value table, and in the totals line.
KIND_LABELS = {
    "zh": {"gain": "增收", "saving": "节省", "cash": "现金流", "loss": "损失"},
    "en": {"gain": "gain", "saving": "saving", "cash": "cash", "loss": "loss"},
}
_LINE_WORDS = {
    "zh": {"gain": "增收", "saving": "节省", "cash": "释放现金流", "loss": "损失"},
    "en": {"gain": "gains", "saving": "savings", "cash": "cash freed", "loss": "losses"},
}


def _amounts(totals: list[ValueTotal], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(
        f.fmt_amount(t.amount, t.unit, t.places, lang) for t in totals
    )


def value_line(metrics: Metrics, lang: str) -> str:
    """The year's value in one sentence, benefits first, losses apart; "" without values."""
    totals = value_totals(metrics.report.values)
    if not totals:
        return ""
    words = _LINE_WORDS[lang]
    by_kind = {kind: [t for t in totals if t.kind == kind] for kind in (*VALUE_KINDS, "benefit")}
    parts = [
        f"{words[kind]}{_amounts(by_kind[kind], lang)}"
        if lang == "zh"
        else f"{words[kind]} {_amounts(by_kind[kind], lang)}"
        for kind in VALUE_KINDS
        if kind != "loss" and by_kind[kind]
    ]
    loss = by_kind["loss"]
    benefit = by_kind["benefit"]
    if lang == "zh":
        text = ""
        if benefit:
            text = f"全年价值贡献合计{_amounts(benefit, lang)}"
            text += f"（{'、'.join(parts)}）" if len(parts) > 1 else ""
        if loss:
            text += ("；" if text else "全年") + f"造成损失{_amounts(loss, lang)}"
        return text + "。"
    text = ""
    if benefit:
        text = f"The year's results were worth {_amounts(benefit, lang)}"
        text += f" ({'; '.join(parts)})" if len(parts) > 1 else ""
    if loss:
        text += ("; " if text else "The year's results ") + f"cost {_amounts(loss, lang)} in losses"
    return text + "."


def value_items(metrics: Metrics, lang: str) -> ValueSection:
    """Every value row by kind (gains, savings, cash, then losses), in workbook order
    within a kind, with its KPI; and the totals line."""
    results = {r.kpi.key: r for r in metrics.results}
    order = {kind: index for index, kind in enumerate(VALUE_KINDS)}
    rows: list[ValueItem] = []
    for row in sorted(metrics.report.values, key=lambda r: order.get(r.kind, len(order))):
        result = results.get(row.kpi)
        rows.append(
            {
                "kind": row.kind,
                "kind_label": KIND_LABELS[lang].get(row.kind, row.kind),
                "kpi": result.kpi.name if result else row.kpi,
                "label": row.label or "",
                "amount": f.fmt_amount(row.amount, row.unit, None, lang),
                "amount_value": to_float(row.amount),
                "loss": row.kind == "loss",
            }
        )
    return {"rows": rows, "total": value_line(metrics, lang)}
