"""engine.in_year.replan is made once per Metrics (the KPI views, the metrics rows, the plan
context and the risks of one build all ask for it), and forgotten with its Metrics."""

from __future__ import annotations

import gc

from opsreport.app.analysis import analyze
from opsreport.engine import in_year

from .conftest import EXAMPLES, ZH_EXAMPLE

IN_YEAR_EXAMPLE = EXAMPLES / "ecommerce-2026H1-zh.xlsx"  # Q1 and Q2 of 2026 in


def test_one_replan_per_metrics_and_one_per_build(monkeypatch) -> None:
    made: list[object] = []
    plain = in_year._replan
    monkeypatch.setattr(in_year, "_replan", lambda m: made.append(m) or plain(m))
    metrics = analyze(IN_YEAR_EXAMPLE).metrics
    first = in_year.replan(metrics)
    assert first is not None and first.elapsed == 2
    assert in_year.replan(metrics) is first and made == [metrics]

    from opsreport.app.build import render_documents

    render_documents(analyze(IN_YEAR_EXAMPLE), ("md", "html"), charts=False)
    assert len(made) == 2  # the build's own Metrics: once, however many parts ask


def test_another_metrics_gets_its_own_and_a_gone_one_is_forgotten() -> None:
    one, two = analyze(IN_YEAR_EXAMPLE).metrics, analyze(IN_YEAR_EXAMPLE).metrics
    assert in_year.replan(one) is not in_year.replan(two)
    assert in_year.replan(one) == in_year.replan(two)  # the same figures
    assert in_year.replan(analyze(ZH_EXAMPLE).metrics) is None  # a full year: nothing to re-plan
    key = id(one)
    del one
    gc.collect()
    assert key not in in_year._REPLANNED
