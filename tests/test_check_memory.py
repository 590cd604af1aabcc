"""check shares one report context with the plan drafts, draws a big workbook's charts in
a child process and drafts a big plan in Word for one quarter: the same documents, less work."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from opsreport.app.analysis import analyze
from opsreport.app.build import render_documents

from .conftest import ZH_EXAMPLE

check = importlib.import_module(
    "opsreport.app.check"
)  # `from opsreport import check` is the facade
plan = importlib.import_module("opsreport.app.plan")
plan_targets = importlib.import_module("opsreport.engine.plan_targets")


def test_check_renders_the_documents_a_build_and_a_plan_render(monkeypatch) -> None:
    """The shared context changes no byte: every document check renders equals the one
    render_documents / render_plan_documents render on their own."""
    pipeline = importlib.import_module("opsreport.app.pipeline")
    seen: list[dict[str, bytes]] = []
    real = pipeline.render_formats

    def recording(*args: Any, **kwargs: Any) -> Any:
        documents, assets = real(*args, **kwargs)
        seen.append(documents)
        return documents, assets

    monkeypatch.setattr(pipeline, "render_formats", recording)
    result = check.check_file(ZH_EXAMPLE, formats=("md", "html"), charts=False)
    assert not result.errors
    monkeypatch.setattr(pipeline, "render_formats", real)
    analysis = analyze(ZH_EXAMPLE)
    expected = [render_documents(analysis, ("md", "html"), charts=False)[0]]
    expected += [
        plan.render_plan_documents(analysis, q, ("md", "html"), charts=False)[0]
        for q in (1, 2, 3, 4)
    ]
    assert seen == expected  # the report, then Q1–Q4


def test_a_big_workbook_is_drafted_in_word_for_the_quarter_with_most_tasks(monkeypatch) -> None:
    analysis = analyze(ZH_EXAMPLE)
    year = plan_targets.draft_year(analysis.report)
    tasks = analysis.report.tasks
    counts = {q: len(plan_targets.tasks_in_quarter(tasks, year, q)) for q in (1, 2, 3, 4)}
    busiest = max(counts, key=lambda q: (counts[q], -q))
    assert check._word_quarter(analysis, [1, 2, 3, 4]) is None  # 8 KPIs: every quarter
    monkeypatch.setattr(check, "WORD_PLAN_QUARTERS_UP_TO", len(analysis.metrics.results) - 1)
    assert check._word_quarter(analysis, [1, 2, 3, 4]) == busiest
    result = check.check_file(ZH_EXAMPLE, charts=False)
    assert not result.errors
    plans = [name for name in result.rendered if name.startswith("plan-")]
    assert plans == [
        f"plan-Q{q}.{fmt}"
        for q in (1, 2, 3, 4)
        for fmt in ("docx", "md", "html")
        if fmt != "docx" or q == busiest
    ]  # 4 × 2 + 1 = 9 drafts


@pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork"
)
def test_charts_drawn_apart_are_the_charts_drawn_here(monkeypatch) -> None:
    from opsreport.present.charts import render_charts

    analysis = analyze(ZH_EXAMPLE)
    monkeypatch.setattr(check, "DRAW_APART_ABOVE", 0)  # every workbook: in a child
    apart = check._draw_apart(analysis, "zh", ("docx", "html"))
    here = render_charts(analysis.metrics, "zh", encode=("png", "svg"), jobs=1)
    assert list(apart) == list(here)
    for key, chart in here.items():
        assert (apart[key].png, apart[key].svg, apart[key].title) == (
            chart.png,
            chart.svg,
            chart.title,
        )
        assert apart[key].figure is None
