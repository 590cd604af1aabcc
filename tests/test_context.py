"""The report context: what every template sees, and how a large dimension is summarised."""

from __future__ import annotations

import datetime as dt

from docx import Document

from opsreport.api import analyze
from opsreport.build import build_report
from opsreport.context import build_context

from .conftest import ZH_EXAMPLE

TODAY = dt.date(2027, 1, 15)


def big_dimension(make_workbook):
    """Six KPIs in one dimension (targets 100): one weighted, the others by distance."""
    header = ["id", "name", "group", "unit", "target", "actual", "weight"]
    rows = [
        ["A", "met by far", "G", "万元", 100, 130, None],  # attainment 130%: met, distance 0.30
        ["B", "met close", "G", "万元", 100, 101, None],  # met, distance 0.01
        ["C", "near", "G", "万元", 100, 97, None],  # near
        ["D", "weighted met", "G", "万元", 100, 100, 5],  # weighted: listed first of all
        ["E", "missed", "G", "万元", 100, 60, None],  # missed, distance 0.40
        ["F", "missed less", "G", "万元", 100, 80, None],  # missed, distance 0.20
    ]
    return make_workbook({"kpis": [header, *rows]})


def test_a_dimension_lists_the_notable_kpis_in_workbook_order(make_workbook):
    metrics = analyze(big_dimension(make_workbook)).metrics
    context = build_context(metrics, "zh", today=TODAY, kpis_per_group=4)
    group = context["groups"][0]
    # Weighted D, then the missed E and F, then the near C; workbook order kept.
    assert [k["name"] for k in group["kpis"]] == ["near", "weighted met", "missed", "missed less"]
    assert group["more"] == {
        "count": 2,
        "met": 2,
        "near": 0,
        "missed": 0,
        "text": "另有2项指标未逐项列出（2项达成、0项接近、0项未达成）；完整清单见 opsreport metrics --csv。",
    }
    assert group["summary"].startswith("G维度共6项指标")  # the summary counts every KPI
    assert len(context["kpis"]) == 6  # the flat list always has all of them

    english = build_context(metrics, "en", today=TODAY, kpis_per_group=5)["groups"][0]
    assert "met close" not in [k["name"] for k in english["kpis"]]  # the least notable
    assert english["more"]["text"] == (
        "Further KPIs not listed one by one: 1 (1 met, 0 near, 0 missed); "
        "for the full list run opsreport metrics --csv."
    )


def test_no_limit_lists_everything(make_workbook):
    metrics = analyze(big_dimension(make_workbook)).metrics
    for limit in (0, None, 6):
        group = build_context(metrics, "zh", today=TODAY, kpis_per_group=limit)["groups"][0]
        assert len(group["kpis"]) == 6 and group["more"] is None


def test_the_summary_sentence_reaches_every_format(make_workbook, tmp_path):
    workbook = big_dimension(make_workbook)
    result = build_report(
        workbook, output=tmp_path / "out", formats=("md", "html", "docx"), kpis_per_group=4
    )
    expected = "另有2项指标未逐项列出"

    by_suffix = {path.suffix: path for path in result.outputs}
    assert expected in by_suffix[".md"].read_text(encoding="utf-8")
    assert expected in by_suffix[".html"].read_text(encoding="utf-8")
    assert any(expected in p.text for p in Document(by_suffix[".docx"]).paragraphs)


def test_problem_areas_keep_the_workbook_order():
    context = build_context(analyze(ZH_EXAMPLE).metrics, "zh", today=TODAY)
    assert [a["area"] for a in context["problem_areas"]] == ["流量", "用户", "商品", "组织"]
    assert sum(len(a["problems"]) for a in context["problem_areas"]) == len(context["problems"])


def test_rate_kpis_have_no_relative_variance_value():
    rows = {k["name"]: k for k in build_context(analyze(ZH_EXAMPLE).metrics, "zh")["kpis"]}
    assert rows["毛利率"]["var_target_pct"] == "–"
    assert rows["毛利率"]["var_target_pct_value"] is None
    assert rows["毛利率"]["var_prior_pct_value"] is None
    assert rows["直接利润"]["var_target_pct_value"] == 0.04625


def quarterly(make_workbook, targets):
    """One KPI (万元, sum) with four quarters of actuals 10, 20, 30, 40 and the given targets."""
    periods = [["kpi", "period", "actual", "target"]]
    periods += [["K", f"Q{n}", 10 * n, t] for n, t in enumerate(targets, start=1)]
    kpis = [["id", "name", "unit", "target", "actual"], ["K", "营收", "万元", 100, 100]]
    metrics = analyze(make_workbook({"kpis": kpis, "periods": periods})).metrics
    return build_context(metrics, "zh", today=TODAY)["quarters"][0]


def test_the_quarter_sentence_names_the_quarters_that_missed(make_workbook):
    some = quarterly(make_workbook, [12, 18, 35, 40])  # Q1 and Q3 missed
    assert some["summary"].endswith("；Q1、Q3未达季度目标。")
    assert some["has_target"] and not some["has_prior_year"]
    every = quarterly(make_workbook, [11, 21, 31, 41])
    assert every["summary"].endswith("；各季度均未达季度目标。")
    gap = quarterly(make_workbook, [11, 21, 31, None])  # Q4 had no target: not "every"
    assert gap["summary"].endswith("；Q1、Q2、Q3未达季度目标。")
    none = quarterly(make_workbook, [None, None, None, None])
    assert none["summary"].endswith("最弱的是Q1（10万元）。")
    assert not none["has_target"]


def test_the_opening_counts_kpis_with_a_target_only_when_some_have_none(make_workbook):
    kpis = [
        ["id", "name", "unit", "target", "actual"],
        ["A", "营收", "万元", 100, 104],
        ["B", "访客", "万人", None, 50],
    ]
    some = build_context(analyze(make_workbook({"kpis": kpis})).metrics, "zh", today=TODAY)
    assert "共跟踪2项指标，其中1项设有目标：1项达成" in some["summary"]["opening"]
    english = build_context(analyze(make_workbook({"kpis": kpis[:2]})).metrics, "en", today=TODAY)
    assert "tracked 1 KPI: 1 met" in english["summary"]["opening"]
