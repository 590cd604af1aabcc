"""What the engine features (lead KPI, listed KPIs, quarterly series) and the resource
plan's totals and shares, from records built in the test; the arithmetic is written out."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

from opsreport.core.periods import Period
from opsreport.core.records import Kpi, Meta, PeriodValue, Report, Resource
from opsreport.engine.metrics import compute
from opsreport.engine.resources import resource_plan
from opsreport.engine.selection import featured_quarters, lead_kpi, select
from opsreport.present.report_context import build_context
from opsreport.present.tables import metrics_json


def _kpi(key: str, target: str | None, actual: str, weight: str | None = None) -> Kpi:
    return Kpi(
        key=key,
        name=key,
        id=key,
        group="g",
        target=D(target) if target else None,
        actual=D(actual),
        weight=D(weight) if weight else None,
    )


def _report(kpis: list[Kpi], **parts: object) -> Report:
    return Report(Path("t.xlsx"), Meta(year=2026, language="en"), kpis, **parts)  # type: ignore[arg-type]


def test_the_lead_kpi_is_the_heaviest_weighted_else_the_first_with_a_target():
    weighted = compute(
        _report([_kpi("A", "1", "1"), _kpi("B", "1", "2", "3"), _kpi("C", "1", "1", "5")])
    )
    assert lead_kpi(weighted).kpi.key == "C"  # weight 5 > 3
    plain = compute(_report([_kpi("A", None, "1"), _kpi("B", "1", "2")]))
    assert lead_kpi(plain).kpi.key == "B"  # A has no target
    none_rated = compute(_report([_kpi("A", None, "1")]))
    assert lead_kpi(none_rated).kpi.key == "A"
    assert lead_kpi(compute(_report([]))) is None


def test_beyond_the_limit_the_weighted_then_the_furthest_missed_are_listed():
    """Attainment: A 101/100 met, B 82/100 missed (18 off), C 97/100 near, D 60/100
    missed (40 off) but weight 0 = none. Limit 2: B and D (missed) over C (near) and A."""
    kpis = [
        _kpi("A", "100", "101"),
        _kpi("B", "100", "82"),
        _kpi("C", "100", "97"),
        _kpi("D", "100", "60"),
    ]
    chosen = select(compute(_report(kpis)), kpis_per_group=2)
    assert chosen.featured == {"B", "D"}
    weighted = [*kpis[:2], _kpi("C", "100", "97", "1"), kpis[3]]
    assert select(compute(_report(weighted)), kpis_per_group=2).featured == {"C", "D"}
    assert select(compute(_report(kpis)), kpis_per_group=None).featured == {"A", "B", "C", "D"}


def test_eight_quarterly_series_are_shown_and_the_rest_counted():
    """Ten KPIs with two quarters each, one with one quarter: 10 eligible, 8 shown, 2 more;
    the weighted K9 comes first."""
    kpis = [_kpi(f"K{n}", "4", "4", "2" if n == 9 else None) for n in range(11)]
    periods = [
        PeriodValue(kpi.key, Period(2026, quarter), actual=D(quarter))
        for kpi in kpis
        for quarter in ((1, 2) if kpi.key != "K10" else (1,))
    ]
    metrics = compute(_report(kpis, periods=periods))
    chosen = select(metrics)
    assert [s.kpi.key for s in chosen.quarters] == ["K9", "K0", "K1", "K2", "K3", "K4", "K5", "K6"]
    assert chosen.quarters_more == 2  # K7, K8 (K10 has one quarter: not a series)
    assert [s.kpi.key for s in featured_quarters(metrics)] == [s.kpi.key for s in chosen.quarters]
    context = build_context(metrics, "en")
    assert [q["key"] for q in context["quarters"]] == [s.kpi.key for s in chosen.quarters]
    assert context["quarters_more"] == 2
    rows = metrics_json(metrics, "quarters")
    assert [r["id"] for r in rows if r["featured"]] == [
        "K0",
        "K1",
        "K2",
        "K3",
        "K4",
        "K5",
        "K6",
        "K9",
    ]


def test_resource_totals_and_shares_by_category_and_unit():
    """人力: 6 + 2 = 8 人 → 0.75, 0.25. 预算: 3200 + 800 = 4000 万元 → 0.8, 0.2, plus
    1 人 in 预算 (its own unit total, share 1). All 人: 8 + 1 = 9 → 人力 8/9, 预算 1/9."""
    plan = resource_plan(
        [
            Resource("人力", "运营", D(6), "人"),
            Resource("人力", "数据", D(2), "人"),
            Resource("预算", "投放", D(3200), "万元"),
            Resource("预算", "会员", D(800), "万元"),
            Resource("预算", "顾问", D(1), "人"),
            Resource("预算", "待定", None, "万元"),
        ]
    )
    people, budget = plan.categories
    assert [line.share for line in people.lines] == [D("0.75"), D("0.25")]
    assert [(t.unit, t.amount, t.share_of_all) for t in people.totals] == [
        ("人", D(8), D(8) / D(9))
    ]
    assert [line.share for line in budget.lines] == [D("0.8"), D("0.2"), D(1), None]
    assert [(t.unit, t.amount) for t in budget.totals] == [("万元", D(4000)), ("人", D(1))]
    assert budget.totals[1].share_of_all == D(1) / D(9)
    assert [(t.unit, t.amount, t.share_of_all) for t in plan.totals] == [
        ("人", D(9), D(1)),
        ("万元", D(4000), D(1)),
    ]


def test_a_zero_total_has_no_share():
    plan = resource_plan([Resource("预算", "a", D(0), "万元")])
    assert plan.categories[0].lines[0].share is None and plan.totals[0].share_of_all is None


def test_metrics_json_shows_the_selection_and_the_resources(tmp_path):
    kpis = [_kpi("A", "1", "1"), _kpi("B", "1", "2", "3")]
    resources = [Resource("人力", "运营", D(6), "人", "note"), Resource("人力", "数据", D(2), "人")]
    metrics = compute(_report(kpis, resources=resources))
    rows = metrics_json(metrics, "kpis")
    assert [(r["id"], r["featured"], r["lead"]) for r in rows] == [
        ("A", True, False),
        ("B", True, True),
    ]
    assert metrics_json(metrics, "resources")[0] == {
        "category": "人力",
        "item": "运营",
        "amount": 6.0,
        "unit": "人",
        "share": 0.75,  # 6 / 8
        "category_total": 8.0,
        "category_share_of_all": 1.0,
        "note": "note",
        # no dates and no task: in post all year, 6 heads in each quarter of the plan year
        "start": None,
        "end": None,
        "task": None,
        "basis": "even",
        "q1": 6.0,
        "q2": 6.0,
        "q3": 6.0,
        "q4": 6.0,
    }
    json.dumps(metrics_json(metrics, "resources"), allow_nan=False)


def test_metrics_json_plan_is_the_plan_drafts_targets(tmp_path):
    """next_target 10.4 of a sum KPI with no seasonality: 10.4 / 4 = 2.6 a quarter (one
    place, the KPI's display places); warning 8% below: 2.6 × 0.92 = 2.392."""
    kpi = Kpi(key="P", name="P", id="P", target=D(8), actual=D(9), next_target=D("10.4"))
    metrics = compute(_report([kpi]))
    (row,) = metrics_json(metrics, "plan")
    assert (row["year"], row["annual"], row["method"], row["from_goal"]) == (
        2027,
        10.4,
        "even",
        False,
    )
    assert [row[f"q{n}"] for n in range(1, 5)] == [2.6, 2.6, 2.6, 2.6]
    assert [row[f"warning_q{n}"] for n in range(1, 5)] == [2.392, 2.392, 2.392, 2.392]
