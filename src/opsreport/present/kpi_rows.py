"""The KPI rows of the report: every figure of a KPI formatted once, and the
dimensions that list them (the featured ones one by one, the rest in one line)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Literal, get_args

from opsreport.engine.metrics import KpiResult, Metrics
from opsreport.present import formatting as f
from opsreport.present.context_types import Group, GroupMore, KpiRow
from opsreport.present.context_values import to_float
from opsreport.present.kpi_view import KpiView
from opsreport.present.labels import LABELS
from opsreport.present.narrative import Narrative, kpi_sentence
from opsreport.present.summary import count_phrase, group_summary

__all__ = ["group_items", "kpi_row", "more_line"]

_STATUSES = ("met", "near", "missed")

# The formatted figures of a KPI row: the strings of many rows repeat ("104.6%", "+4.6%",
# "—", a common target), so each build keeps one copy of each (see _shared).
_Formatted = Literal[
    "actual", "target", "prior_year", "next_target", "base", "actual_number",
    "target_number", "prior_year_number", "var_target", "var_target_pct", "var_prior",
    "var_prior_pct", "delta_target", "delta_prior", "attainment", "share", "next_change",
    "next_change_pct", "weight",
]  # fmt: skip
_FORMATTED: tuple[_Formatted, ...] = get_args(_Formatted)


def _shared(row: KpiRow, keys: Iterable[_Formatted], texts: dict[str, str]) -> KpiRow:
    """``row`` with its ``keys`` replaced by the equal string already in ``texts``.

    A row holds ~20 formatted figures; one string costs ~60 bytes, so a 50,000-KPI
    context spends ~60 MB on them, most of them copies of another row's. Values are
    equal, so no output changes; the same table serves every row of one build.
    """
    for key in keys:
        value = row[key]
        row[key] = texts.setdefault(value, value)
    return row


def kpi_row(
    result: KpiResult,
    view: KpiView,
    lang: str,
    texts: dict[str, str] | None = None,
    narrative: Narrative | None = None,
) -> KpiRow:
    """One KPI's row: every figure at the view's places, the sentence included (told by
    ``narrative`` when given, which knows the report's other KPIs: the drivers)."""
    row = _kpi_fields(result, view, lang, narrative)
    return row if texts is None else _shared(row, _FORMATTED, texts)


def _kpi_fields(result: KpiResult, view: KpiView, lang: str, narrative: Narrative | None) -> KpiRow:
    kpi = result.kpi
    unit = kpi.unit
    places = view.places
    rate = kpi.is_rate
    labels = LABELS[lang]

    def amount(value: Decimal | None) -> str:
        return f.fmt_amount(value, unit, places, lang)

    def signed(value: Decimal | None) -> str:
        if value is None:
            return f.DASH
        if rate:
            return f.fmt_pp(value, view.pp_places, signed=True, lang=lang)
        return f.fmt_signed(value, unit, places, lang)

    return {
        "key": kpi.key,
        "id": kpi.id or "",
        "name": kpi.name,
        "group": kpi.group or "",
        "unit": unit,
        "is_rate": rate,
        "direction": kpi.direction,
        "direction_label": labels[f"direction_{kpi.direction}"],
        "actual": amount(kpi.actual),
        "target": amount(kpi.target),
        "prior_year": amount(kpi.prior_year),
        "next_target": amount(kpi.next_target),
        "base": amount(kpi.base) if kpi.base is not None else "",
        "base_name": kpi.base_name or "",
        "actual_number": f.fmt_number(kpi.actual, places),
        "target_number": f.fmt_number(kpi.target, places),
        "prior_year_number": f.fmt_number(kpi.prior_year, places),
        "var_target": signed(result.var_target),
        # A percent of a percent confuses readers: rates show their variance in pp only.
        "var_target_pct": f.DASH if rate else f.fmt_pct(result.var_target_pct, signed=True),
        "var_prior": signed(result.var_prior),
        "var_prior_pct": f.DASH if rate else f.fmt_pct(result.var_prior_pct, signed=True),
        "delta_target": f.fmt_delta(result.var_target, result.var_target_pct, unit, lang, places),
        "delta_prior": f.fmt_delta(result.var_prior, result.var_prior_pct, unit, lang, places),
        "attainment": f.fmt_pct(result.attainment),
        "share": f.fmt_pct(result.share) if result.share is not None else "",
        "next_change": signed(result.next_change),
        "next_change_pct": f.fmt_pct(result.next_change_pct, signed=True),
        "status": view.status,
        "status_label": view.status_label,
        "good_target": view.good_target,
        "good_prior": view.good_prior,
        "sentence": narrative.sentence(result) if narrative else kpi_sentence(result, lang, view),
        "owner": kpi.owner or "",
        "source": kpi.source or "",
        "note": kpi.note or "",
        "weight": f.fmt_number(kpi.weight) if kpi.weight is not None else "",
        "actual_value": to_float(kpi.actual),
        "target_value": to_float(kpi.target),
        "prior_year_value": to_float(kpi.prior_year),
        "next_target_value": to_float(kpi.next_target),
        "attainment_value": to_float(result.attainment),
        "var_target_value": to_float(result.var_target),
        "var_target_pct_value": None if rate else to_float(result.var_target_pct),
        "var_prior_value": to_float(result.var_prior),
        "var_prior_pct_value": None if rate else to_float(result.var_prior_pct),
        "share_value": to_float(result.share),
    }


def group_items(
    metrics: Metrics, rows: dict[str, KpiRow], views: dict[str, KpiView], lang: str
) -> list[Group]:
    """Each dimension: its featured KPI rows (the views' choice), its "more" line, its summary."""
    groups: list[Group] = []
    cap = f.fmt_pct(metrics.settings.attainment_cap, 0)
    for summary in metrics.groups:
        members = [rows[r.kpi.key] for r in summary.results]
        name = summary.name or ("指标" if lang == "zh" else "KPIs")
        groups.append(
            {
                "name": name,
                "kpis": [rows[r.kpi.key] for r in summary.results if views[r.kpi.key].featured],
                "more": more_line(
                    [r for r in summary.results if not views[r.kpi.key].featured], lang
                ),
                "has_target": any(r.kpi.target is not None for r in summary.results),
                "met": summary.met,
                "near": summary.near,
                "missed": summary.missed,
                "score": f.fmt_pct(summary.score) if summary.score is not None else "",
                "summary": group_summary(name, members, summary, cap, lang),
            }
        )
    return groups


def more_line(hidden: list[KpiResult], lang: str) -> GroupMore | None:
    """The sentence that counts a dimension's KPIs not listed one by one, by status."""
    if not hidden:
        return None
    counts = {status: sum(1 for r in hidden if r.status == status) for status in _STATUSES}
    phrase = count_phrase(counts["met"], counts["near"], counts["missed"], lang)
    brackets = ("（", "）") if lang == "zh" else (" (", ")")
    text = LABELS[lang]["kpis_more"].format(
        n=len(hidden), counts=phrase.join(brackets) if phrase else ""
    )
    return {
        "count": len(hidden),
        "met": counts["met"],
        "near": counts["near"],
        "missed": counts["missed"],
        "text": text,
    }
