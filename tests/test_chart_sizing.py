"""Charts sized to their content, one rule for the picture and the native Word chart
(present/charts/sizing), and task names wrapped, not cut (present/charts/layout.wrap_text)."""

from __future__ import annotations

import pytest

from opsreport.present.charts.attainment import attainment_chart, attainment_data
from opsreport.present.charts.layout import wrap_text
from opsreport.present.charts.sizing import CAP_CM, label_lines, row_pitch_cm
from opsreport.render.word_charts import panel_height_cm

from . import builders as b


def test_rows_thin_out_past_the_cap_but_never_below_the_minimum():
    assert row_pitch_cm(5) == 0.5  # (12.5 − 2.2) ÷ 5 = 2.06: the full 0.5 cm
    assert row_pitch_cm(20) == pytest.approx(0.5)  # 10.3 ÷ 20 = 0.515 ≥ 0.5
    assert row_pitch_cm(24) == pytest.approx(10.3 / 24)  # 0.429 cm
    assert row_pitch_cm(26) == 0.4  # 10.3 ÷ 26 = 0.396 → the 0.4 cm floor
    assert row_pitch_cm(0) == 0.5


def _results(count: int):
    kpis = [b.kpi(f"指标{n}", unit="%", target=100, actual=90 + n) for n in range(count)]
    return b.metrics(b.report(kpis)).results


@pytest.mark.parametrize("count", [5, 24])  # at most 25 rows: no "+n more" note
def test_picture_and_native_chart_follow_the_same_rule(count):
    results = _results(count)
    data = attainment_data(results, "zh")
    native = panel_height_cm(data, data.panels[0], True)
    # native: 1.45 header + rows × pitch + 0.25 axis + 0.3 = 2.0 + rows × pitch
    assert native == pytest.approx(2.0 + count * row_pitch_cm(count), abs=0.01)
    chart = attainment_chart(results, "zh")
    picture_cm = chart.figure.get_figheight() * 2.54
    # the picture: 0.62 in header + rows × pitch + 0.12 in footer + 0.08 in
    assert picture_cm == pytest.approx(0.82 * 2.54 + count * row_pitch_cm(count), abs=0.01)
    assert abs(picture_cm - native) < 0.2  # both modes paginate alike
    assert native <= CAP_CM + 0.5


def test_a_five_kpi_chart_is_a_third_of_a_24_kpi_one_not_a_page():
    five, many = (attainment_data(_results(n), "zh") for n in (5, 24))
    small = panel_height_cm(five, five.panels[0], True)  # 2.0 + 5 × 0.5 = 4.5 cm
    big = panel_height_cm(many, many.panels[0], True)  # 2.0 + 24 × (10.3 ÷ 24) = 12.3 cm
    assert (small, big) == (4.5, 12.3)  # was 2.0 + 24 × 0.62 = 16.88 cm


def test_task_names_wrap_and_are_only_cut_past_three_lines():
    assert wrap_text("Hire 4 field technicians, 3 agents and 1 analyst", 22) == (
        "Hire 4 field technicians, 3 agents and\n1 analyst"  # 0.55 a Latin letter: 40 fit
    )
    assert wrap_text("平台规则调整预案与应急响应机制建设完善以及更多", 22) == (
        "平台规则调整预案与应急响应机制建设完善以及更\n多"
    )
    assert "…" not in wrap_text("平台规则调整预案与应急响应机制建设", 22)
    long = wrap_text("任务" * 40_000, 22)  # 80,000 characters: three lines, the last cut
    assert long.count("\n") == 2 and long.endswith("…") and len(long) < 80
    assert label_lines(["a", "b\nc"]) == pytest.approx(1.7)  # 1 + 0.7 per further line
