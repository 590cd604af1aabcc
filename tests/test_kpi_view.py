"""The per-KPI view: one display precision, one label, one featured choice for every
consumer (report table, sentence, ``opsreport metrics``, charts)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

from click.testing import CliRunner

from opsreport.app.analysis import analyze
from opsreport.app.build import render_documents
from opsreport.cli import app
from opsreport.core.periods import Period
from opsreport.engine.metrics import QuarterPoint, QuarterSeries
from opsreport.engine.selection import select
from opsreport.present.kpi_view import kpi_views, quarter_places
from opsreport.present.report_context import build_context

from . import builders as b
from .builders import kpi
from .conftest import KPI_HEADER

# The KPI of issue 12: target 8, actual 9, next year's target 10.25 (亿元), no prior year.
NINE = ["P01", "直接利润", "利润", "亿元", "越高越好", 8, 9, None, 10.25, None]


def _workbook(make_workbook, *rows, language="zh"):
    meta = [["key", "value"], ["title", "T"], ["year", 2026], ["language", language]]
    return make_workbook({"meta": meta, "kpis": [KPI_HEADER, *rows]})


def test_a_kpi_reads_the_same_in_the_report_table_its_sentence_and_metrics(make_workbook):
    """Places = the most precise figure, at most 2: 8 → 0, 9 → 0, 10.25 → 2, so 2.
    9 − 8 = 1 = 12.5% of 8 (above target, so no attainment clause); 9 / 8 = 112.5%."""
    path = _workbook(make_workbook, NINE)
    analysis = analyze(path)
    view = kpi_views(analysis.metrics, "zh")["P01"]
    assert (view.places, view.pp_places, view.status, view.status_label) == (2, 2, "met", "达成")
    assert (view.good_target, view.good_prior, view.featured) == (True, None, True)

    row = build_context(analysis.metrics, "zh")["kpis"][0]
    assert (row["actual"], row["target"], row["next_target"]) == (
        "9.00亿元",
        "8.00亿元",
        "10.25亿元",
    )
    assert (row["var_target"], row["var_target_pct"], row["attainment"]) == (
        "+1.00亿元",
        "+12.5%",
        "112.5%",
    )
    assert row["sentence"] == "直接利润9.00亿元，较目标8.00亿元超额12.5%。"
    english = build_context(analysis.metrics, "en")["kpis"][0]["sentence"]
    assert (
        english
        == "直接利润 was 900 M CNY, 12.5% above the target of 800 M CNY (attainment 112.5%)."  # 9.00亿元 = 900 M CNY
    )

    documents, _, _ = render_documents(analysis, ("md",), charts=False, today=dt.date(2027, 1, 15))
    markdown = documents["md"].decode("utf-8")
    assert "| 直接利润 | 9.00亿元 | 8.00亿元 |" in markdown
    assert "直接利润9.00亿元，较目标8.00亿元超额12.5%。" in markdown
    assert "9亿元" not in markdown and "8亿元" not in markdown

    runner = CliRunner()
    table = runner.invoke(app, ["metrics", str(path), "-q"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    line = next(line for line in table.output.splitlines() if "直接利润" in line)
    cells = [cell.strip() for cell in line.strip("│┃| ").split("│")]
    assert cells == ["直接利润", "9.00亿元", "8.00亿元", "–", "+12.5%", "–", "112.5%", "达成"]

    # --json keeps the exact figures the texts above round: 9, 8, 10.25, 1/8 = 0.125.
    rows = json.loads(runner.invoke(app, ["metrics", str(path), "--json", "-q"]).stdout)
    figures = {k: rows[0][k] for k in ("actual", "target", "next_target", "attainment")}
    assert figures == {"actual": 9, "target": 8, "next_target": 10.25, "attainment": 1.125}


def test_the_featured_choice_of_the_views_is_the_one_the_report_lists():
    """Three KPIs in one dimension, two listed: missed (82/100, 18% off) and near
    (97/100) before met (101/100), by severity; the met one goes to the "more" line."""
    built = b.report(
        [
            b.kpi("met", id="A", group="g", target=100, actual=101),
            b.kpi("missed", id="B", group="g", target=100, actual=82),
            b.kpi("near", id="C", group="g", target=100, actual=97),
        ],
        meta=b.meta(title="T", year=2026, language="en"),
    )
    metrics = b.metrics(built)
    views = kpi_views(metrics, "en", select(metrics, kpis_per_group=2))
    assert {key: view.featured for key, view in views.items()} == {"A": False, "B": True, "C": True}
    group = build_context(metrics, "en", kpis_per_group=2)["groups"][0]
    assert [row["key"] for row in group["kpis"]] == ["B", "C"]
    assert (group["more"]["count"], group["more"]["met"]) == (1, 1)
    assert all(
        view.featured
        for view in kpi_views(metrics, "en", select(metrics, kpis_per_group=None)).values()
    )


def test_quarterly_figures_keep_the_places_of_their_most_precise_quarter():
    """The trend table, its sentence and its chart share one precision: the KPI's
    figures have 0 places, one quarter's target 2.25 has 2, so every quarter shows 2."""
    point = QuarterPoint(Period(2026, 1), D("2"), D("2.25"), None, None, None, None, None, None)
    plain = QuarterPoint(Period(2026, 2), D("3"), D("2"), None, None, None, None, None, None)
    series = QuarterSeries(
        kpi(name="x", unit="亿元", target=8, actual=9), (point, plain), None, None
    )
    assert quarter_places(series) == 2
    only_whole = QuarterSeries(kpi(name="x", target=8, actual=9), (plain,), None, None)
    assert quarter_places(only_whole) == 0
