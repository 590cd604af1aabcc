"""Charts: PNG + inline SVG from engine results, Chinese without tofu, IBCS colours, top-N."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from opsreport.core.periods import Period
from opsreport.core.records import (
    BreakdownRow,
    Kpi,
    Meta,
    PeriodValue,
    Report,
    Risk,
    Task,
    Threshold,
)
from opsreport.engine.metrics import compute, compute_kpi, evaluate_risk, quarter_series
from opsreport.present import charts, theme
from opsreport.present.charts import pool, timeline, variance

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def kpi(key, name, unit, target, actual, prior=None, direction="higher", group="利润"):
    def number(value):
        return None if value is None else Decimal(str(value))

    return Kpi(
        key=key,
        name=name,
        unit=unit,
        direction=direction,
        group=group,
        target=number(target),
        actual=number(actual),
        prior_year=number(prior),
    )


ZH_KPIS = [
    kpi("P01", "直接利润", "亿元", 8, 8.37, 6.42),
    kpi("E01", "库存周转天数", "天", 45, 48.5, 52, "lower", "效率"),
    kpi("M01", "毛利率", "%", 23.0, 24.1, 22.5),
    kpi("U01", "复购率", "%", 30, 28.2, 29.5, group="用户"),
]


def texts(svg: str) -> list[str]:
    """Every piece of text in an SVG (parsing it proves it is well-formed XML)."""
    root = ET.fromstring(svg)
    return ["".join(element.itertext()) for element in root.iter() if element.tag.endswith("text")]


def results(kpis=ZH_KPIS):
    return [compute_kpi(k) for k in kpis]


def tiny_report(**extra) -> Report:
    periods = [
        PeriodValue("P01", Period(2026, q), Decimal(a), Decimal(t), Decimal(p))
        for q, (a, t, p) in enumerate(
            [("1.8", "1.9", "1.4"), ("2.0", "2.0", "1.5"), ("2.1", "2.0", "1.6")], start=1
        )
    ]
    # One quarter only: too short for a trend chart.
    periods.append(PeriodValue("M01", Period(2026, 1), Decimal("23.5"), Decimal(23), None))
    breakdown = [
        BreakdownRow("渠道", item, "P01", Decimal(a), Decimal(p))
        for item, a, p in [("天猫", "4.2", "3.5"), ("京东", "2.9", "2.0"), ("抖音", "1.27", "0.92")]
    ]
    risks = [
        Risk(
            "库存积压",
            likelihood=4,
            impact=4,
            kpi="E01",
            threshold=Threshold("value", ">", Decimal(47), "> 47"),
        ),
        Risk("供应商交付延迟", likelihood=2, impact=5),
    ]
    tasks = [
        Task("准备", "方案设计", dt.date(2027, 1, 4), dt.date(2027, 2, 10), milestone="方案评审"),
        Task("实施", "仓储系统升级", dt.date(2027, 3, 1), dt.date(2027, 6, 30)),
    ]
    fields = {
        "periods": periods,
        "breakdown": breakdown,
        "risks": risks,
        "tasks": tasks,
        **extra,
    }
    return Report(source=Path("tiny.xlsx"), meta=Meta(year=2026), kpis=list(ZH_KPIS), **fields)


# --------------------------------------------------------------------------- basics


def test_attainment_chart_png_and_inline_svg_with_chinese_text():
    chart = charts.attainment_chart(results(), "zh")
    assert chart is not None
    assert chart.name == "attainment"
    assert chart.title == "指标完成率"
    assert chart.png.startswith(PNG_SIGNATURE)
    assert chart.svg.startswith("<svg")
    assert "<?xml" not in chart.svg and "<!DOCTYPE" not in chart.svg
    shown = texts(chart.svg)
    assert "直接利润" in shown and "库存周转天数" in shown
    # fmt_pct everywhere: 8.37 / 8 = 104.625% is shown as 104.6%
    assert "104.6%" in shown
    assert 0 < chart.width_cm <= 16
    assert chart.alt and "4" in chart.alt


def test_labels_round_half_up_like_the_documents():
    # 20.93 / 20 = 1.0465 -> 104.65% -> 104.7% (half-up), not 104.6% (half-even on a float)
    chart = charts.attainment_chart([compute_kpi(kpi("X", "订单量", "万单", 20, 20.93))], "zh")
    assert "104.7%" in texts(chart.svg)


def test_svg_lists_cjk_fallback_fonts_for_browsers():
    svg = charts.attainment_chart(results(), "zh").svg
    assert "font-family: 'DejaVu Sans', 'Noto Sans CJK SC', 'Microsoft YaHei'" in svg
    assert "PingFang SC" in svg and "sans-serif" in svg


def test_svg_ids_are_unique_across_charts_on_one_page():
    import re

    drawn = charts.render_charts(compute(tiny_report()), "zh")
    seen: set[str] = set()
    for chart in drawn.values():
        ids = set(re.findall(r' id="([^"]+)"', chart.svg))
        refs = set(re.findall(r"url\(#([^)]+)\)", chart.svg))
        refs |= set(re.findall(r'href="#([^"]+)"', chart.svg))
        assert refs <= ids  # every reference still resolves inside its own chart
        assert not ids & seen  # matplotlib's figure_1, axes_1, … no longer collide
        seen |= ids


def test_setup_fonts_sets_a_family_list():
    import matplotlib

    family = charts.setup_fonts()
    assert charts.setup_fonts() == family  # cached, idempotent
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", family]


def test_output_is_reproducible():
    first = charts.variance_chart(results(), "zh")
    second = charts.variance_chart(results(), "zh")
    assert first.png == second.png
    assert first.svg == second.svg


def test_no_glyph_warnings_for_chinese_labels():
    report = tiny_report()
    metrics = compute(report)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        drawn = charts.render_charts(metrics, "zh")
        drawn["q2"] = charts.timeline_chart(
            report.tasks, "zh", start=dt.date(2027, 4, 1), end=dt.date(2027, 6, 30)
        )
    assert all(chart is not None for chart in drawn.values())


def test_fallback_font_from_the_package_when_system_fonts_are_ignored(monkeypatch):
    monkeypatch.setenv("OPSREPORT_IGNORE_SYSTEM_FONTS", "1")
    code = """
import json, warnings
warnings.simplefilter("error")
from decimal import Decimal
from opsreport.present import charts
from opsreport.present.charts import fonts
from opsreport.engine.metrics import compute_kpi
from opsreport.core.records import Kpi
fonts._reset_fonts()
family = charts.setup_fonts()
import matplotlib
from matplotlib import font_manager
used = font_manager.findfont(
    font_manager.FontProperties(family=family), fallback_to_default=False
)
kpi = Kpi(key="P", name="直接利润（亿元）", unit="亿元", target=Decimal(8), actual=Decimal("8.37"))
chart = charts.attainment_chart([compute_kpi(kpi)], "zh")
print(json.dumps({
    "family": family,
    "families": list(matplotlib.rcParams["font.family"]),
    "used": used,
    "packaged": fonts._packaged_font_path(),
    "png": chart.png[:8].hex(),
    "svg_has_name": "直接利润（亿元）" in chart.svg,
}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "OPSREPORT_IGNORE_SYSTEM_FONTS": "1"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Glyph" not in done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["family"] == "Noto Sans CJK SC"
    assert found["families"] == ["DejaVu Sans", "Noto Sans CJK SC"]
    assert Path(found["packaged"]).name == "NotoSansCJK-Regular.ttc"
    assert Path(found["used"]) == Path(found["packaged"])
    assert bytes.fromhex(found["png"]) == PNG_SIGNATURE
    assert found["svg_has_name"]


# --------------------------------------------------------------------------- IBCS colours


def test_variance_colour_follows_the_kpi_direction_not_the_sign():
    below = kpi("D1", "库存周转天数", "天", 45, 40, 52, "lower")  # fell below target: good
    above = kpi("D2", "履约时效", "小时", 45, 48.5, 40, "lower")  # above target: bad
    higher = kpi("H1", "直接利润", "亿元", 8, 8.37, 6.42)  # above target: good
    rows = results([below, above, higher])
    assert variance._variance_colors(rows, "target") == [theme.GOOD, theme.BAD, theme.GOOD]
    assert theme.GOOD == "#2E7D32" and theme.BAD == "#C62828"
    # against the prior year: D1 40 < 52 good, D2 48.5 > 40 bad, H1 up good
    assert variance._variance_colors(rows, "prior") == [theme.GOOD, theme.BAD, theme.GOOD]


def test_rate_kpis_show_their_variance_in_points():
    chart = charts.variance_chart(results(), "zh", "target")
    shown = texts(chart.svg)
    assert "+1.1pp" in shown  # 毛利率 23.0 -> 24.1
    assert "+4.6%" in shown  # 直接利润 8.37 vs 8
    assert "+7.8%" in shown  # 库存周转天数 48.5 vs 45
    prior = charts.variance_chart(results(), "en", "prior")
    assert prior.name == "variance_prior"
    assert prior.title == "Variance to prior year (ΔPY%)"
    assert "+30.4%" in texts(prior.svg)


def test_variance_against_must_be_known():
    with pytest.raises(ValueError, match="against"):
        charts.variance_chart(results(), "zh", against="budget")


# --------------------------------------------------------------------------- hostile text


def test_dollars_ampersands_and_angle_brackets_stay_text():
    name = '$5 & <b> $x^2$ id="y"'
    chart = charts.attainment_chart([compute_kpi(kpi("S", name, "万元", 100, 96, 90))], "en")
    assert name in texts(chart.svg)  # parsed as XML, no mathtext
    hostile = "<script>&amp;$ font-family: x"
    risk = evaluate_risk(Risk(hostile, likelihood=3, impact=3), None)
    matrix = charts.risk_matrix_chart([risk], "en")
    assert hostile in texts(matrix.svg)


# --------------------------------------------------------------------------- top N


def test_many_kpis_show_the_top_and_a_note():
    many = [
        compute_kpi(kpi(f"K{i:02d}", f"指标{i:02d}", "万元", 100, 100 + (i * 7) % 23 - 11, 95))
        for i in range(60)
    ]
    chart = charts.attainment_chart(many, "zh")
    shown = texts(chart.svg)
    names = [t for t in shown if t.startswith("指标") and t != "指标完成率"]
    assert len(names) == 25
    assert "其余35项未显示" in shown
    lowest = sorted(many, key=lambda r: r.attainment)[:25]
    assert set(names) == {r.kpi.name for r in lowest}
    # kept in the given order
    assert names == [r.kpi.name for r in many if r.kpi.name in set(names)]

    variance = charts.variance_chart(many, "en", top=25)
    shown = texts(variance.svg)
    assert len([t for t in shown if t.startswith("指标")]) == 25
    assert "… 35 more" in shown


# --------------------------------------------------------------------------- timeline, risks


TASKS = [
    Task("准备", "需求调研", dt.date(2027, 1, 4), dt.date(2027, 2, 10)),
    Task("实施", "系统升级", dt.date(2027, 3, 1), dt.date(2027, 5, 20), milestone="上线"),
    Task("实施", "团队扩建", dt.date(2027, 5, 1), dt.date(2027, 8, 31), milestone="到岗"),
    Task("复盘", "年度总结", dt.date(2027, 11, 15), dt.date(2027, 12, 31)),
]


def test_timeline_window_clips_to_a_quarter():
    start, end = dt.date(2027, 4, 1), dt.date(2027, 6, 30)
    bars = timeline._timeline_bars(TASKS, start, end)
    assert [bar.task.task for bar in bars] == ["系统升级", "团队扩建"]
    assert (bars[0].start, bars[0].end, bars[0].milestone) == (start, dt.date(2027, 5, 20), True)
    # ends after the window: clipped, and its milestone is not in this quarter
    assert (bars[1].start, bars[1].end, bars[1].milestone) == (dt.date(2027, 5, 1), end, False)

    chart = charts.timeline_chart(TASKS, "zh", start=start, end=end, title="第二季度任务")
    assert chart.title == "第二季度任务"
    shown = texts(chart.svg)
    assert {"4月", "5月", "6月"} <= set(shown)
    assert "1月" not in shown and "7月" not in shown
    assert "需求调研" not in shown and "年度总结" not in shown
    assert "上线" in shown and "到岗" not in shown


def test_timeline_without_window_and_empty():
    chart = charts.timeline_chart(TASKS, "en")
    shown = texts(chart.svg)
    assert chart.title == "Task timeline"
    assert {"Jan", "Dec", "需求调研", "年度总结", "准备"} <= set(shown)
    assert charts.timeline_chart([Task("x", "no dates")], "en") is None


def test_risk_matrix_numbers_and_rings():
    risks = [
        evaluate_risk(
            Risk(
                "库存积压",
                likelihood=4,
                impact=4,
                kpi="E01",
                threshold=Threshold("value", ">", Decimal(47), "> 47"),
            ),
            ZH_KPIS[1],
        ),
        evaluate_risk(Risk("无评分风险"), None),
        evaluate_risk(Risk("供应商交付延迟", likelihood=2, impact=5), None),
    ]
    assert risks[0].triggered is True
    chart = charts.risk_matrix_chart(risks, "zh")
    shown = texts(chart.svg)
    assert chart.title == "风险矩阵（可能性×影响）"
    # numbered by position in the list, so R3 matches the third risk of the table
    assert {"R1", "R3", "库存积压（已触发）", "供应商交付延迟"} <= set(shown)
    assert "R2" not in shown
    assert charts.risk_matrix_chart([risks[1]], "zh") is None


def test_breakdown_and_quarterly_charts():
    metrics = compute(tiny_report())
    table = metrics.breakdowns[0]
    chart = charts.breakdown_chart(table, "zh")
    shown = texts(chart.svg)
    assert chart.title == "渠道结构：直接利润"
    assert {"天猫", "京东", "抖音"} <= set(shown)
    assert any(t.endswith("pp") for t in shown)
    series = next(s for s in metrics.quarters if s.kpi.key == "P01")
    trend = charts.quarterly_chart(series, "en")
    shown = texts(trend.svg)
    assert trend.title == "Quarterly trend: 直接利润"
    # en writes 亿元 as the text does: 1.80亿元 = 180 M CNY (×100, 2 places − 2 = 0)
    assert {"Q1", "Q2", "Q3", "180", "210", "Unit: M CNY"} <= set(shown)
    assert trend.width_cm <= 16


def test_the_quarterly_key_names_only_the_scenarios_drawn():
    points = [
        PeriodValue("P01", Period(2026, q), Decimal(a), None, None)
        for q, a in enumerate(["1.8", "2.0", "2.1"], start=1)
    ]
    actual_only = charts.quarterly_chart(quarter_series(ZH_KPIS[0], points, 2026), "en")
    # actuals alone need no key (IBCS draws AC solid dark): a lone "■ AC" stood among
    # the column labels
    assert not {"AC", "PY", "PL"} & set(texts(actual_only.svg))
    with_plan = [PeriodValue(v.kpi, v.period, v.actual, Decimal(2), None) for v in points]
    shown = texts(charts.quarterly_chart(quarter_series(ZH_KPIS[0], with_plan, 2026), "en").svg)
    assert {"AC", "PL"} <= set(shown) and "PY" not in shown


def test_nothing_to_draw_gives_none():
    no_target = [compute_kpi(kpi("N", "无目标", "万元", None, 5))]
    assert charts.attainment_chart(no_target, "zh") is None
    assert charts.variance_chart(no_target, "zh") is None
    assert charts.risk_matrix_chart([], "zh") is None
    assert charts.timeline_chart([], "zh") is None
    empty = quarter_series(ZH_KPIS[0], [], 2026)
    assert charts.quarterly_chart(empty, "zh") is None


# --------------------------------------------------------------------------- everything


def test_render_charts_keys():
    drawn = charts.render_charts(compute(tiny_report()), "zh")
    assert list(drawn) == [
        "attainment",
        "variance_target",
        "variance_prior",
        "quarterly:P01",
        "breakdown:渠道:P01",
        "bridge:渠道:P01",
        "risks",
        "timeline",
    ]
    assert all(chart.png.startswith(PNG_SIGNATURE) for chart in drawn.values())
    assert drawn["quarterly:P01"].name == "quarterly:P01"

    bare = Report(
        source=Path("bare.xlsx"),
        meta=Meta(year=2026),
        kpis=[kpi("A", "活跃用户数", "万人", 640, 646)],  # no prior year
    )
    assert list(charts.render_charts(compute(bare), "en")) == ["attainment", "variance_target"]


def test_charts_drawn_in_worker_processes_are_the_same_bytes():
    metrics = compute(tiny_report())
    if charts.chart_jobs(7, 2) == 1:
        pytest.skip("no fork on this platform")
    serial = charts.render_charts(metrics, "zh", encode=("png", "svg"), jobs=1)
    parallel = charts.render_charts(metrics, "zh", encode=("png", "svg"), jobs=2)
    assert list(parallel) == list(serial)
    for key, chart in serial.items():
        twin = parallel[key]
        assert twin.figure is None  # the figure stayed in the worker
        assert (twin.title, twin.alt, twin.width_cm) == (chart.title, chart.alt, chart.width_cm)
        assert twin.png == chart.png and twin.svg == chart.svg


def test_chart_processes_only_where_they_pay(monkeypatch):
    monkeypatch.delenv("OPSREPORT_CHART_JOBS", raising=False)
    assert charts.chart_jobs(3, 4) == 1  # a few charts: forking costs more than it saves
    assert charts.chart_jobs(12, 1) == 1
    monkeypatch.setenv("OPSREPORT_CHART_JOBS", "1")
    assert charts.chart_jobs(12) == 1
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 1)
    monkeypatch.delenv("OPSREPORT_CHART_JOBS")
    assert charts.chart_jobs(12) == 1  # one core


def test_workers_started_before_the_workbook_is_read_draw_the_same_charts(monkeypatch):
    metrics = compute(tiny_report())
    serial = charts.render_charts(metrics, "zh", encode=("png",), jobs=1)
    monkeypatch.delenv("OPSREPORT_CHART_JOBS", raising=False)
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 2)
    charts.prestart_workers()
    if not pool._PRESTARTED:
        pytest.skip("no fork on this platform")
    started = pool._PRESTARTED[0]
    drawn = charts.render_charts(metrics, "zh", encode=("png",))
    assert not pool._PRESTARTED  # used once, then ended
    assert started._state != "RUN"
    assert {key: chart.png for key, chart in drawn.items()} == {
        key: chart.png for key, chart in serial.items()
    }
    charts.prestart_workers()
    charts.stop_workers()  # a build that failed before its charts: nothing is left running
    assert not pool._PRESTARTED


def test_a_plan_draft_draws_in_started_workers_too(monkeypatch):
    """The plan's two charts (a quarter's timeline: keyword arguments) reach the workers."""
    from opsreport.app.analysis import analyze
    from opsreport.app.plan import render_plan_documents

    from .conftest import ZH_EXAMPLE

    analysis = analyze(ZH_EXAMPLE)
    monkeypatch.setenv("OPSREPORT_CHART_JOBS", "1")
    serial = render_plan_documents(analysis, 1, ("md",), asset_dir_name="c")[1]
    monkeypatch.delenv("OPSREPORT_CHART_JOBS")
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 2)
    charts.prestart_workers()
    if not pool._PRESTARTED:
        pytest.skip("no fork on this platform")
    started = render_plan_documents(analysis, 1, ("md",), asset_dir_name="c")[1]
    assert not pool._PRESTARTED  # used, then ended
    assert len(started) == 2 and started == serial  # the chart files, byte for byte


def test_english_alt_text_counts_agree_with_their_noun():
    one = [compute_kpi(kpi("A", "Revenue", "USD", 100, 104))]
    assert charts.attainment_chart(one, "en").alt.startswith("Bar chart of attainment for 1 KPI:")
    assert charts.attainment_chart(one * 2, "en").alt.startswith(
        "Bar chart of attainment for 2 KPIs:"
    )


# --------------------------------------------------------------------------- extreme values


@pytest.mark.parametrize(
    ("first", "last", "step", "ticks"),
    [
        # 2027-01 … 2027-12: 11 month steps + 1 = 12 ticks, by month.
        (dt.date(2027, 1, 4), dt.date(2027, 12, 31), 1, ["2027-01", "2027-02", "2027-03"]),
        # 2026-02 … 2027-05: 15 months; by 1 → 16 ticks, by 2 → 15 // 2 + 1 = 8,
        # on even months of the calendar (Mar, May …).
        (dt.date(2026, 2, 15), dt.date(2027, 5, 1), 2, ["2026-03", "2026-05", "2026-07"]),
        # 2020-01 … 2031-01: 132 months // 12 + 1 = 12 ticks, by year.
        (dt.date(2020, 1, 1), dt.date(2031, 1, 1), 12, ["2020-01", "2021-01", "2022-01"]),
        # 1900-03 … 9999-12: 97,209 months; by 6,000 (500 years) 17 ticks, by 12,000 9.
        (dt.date(1900, 3, 1), dt.date(9999, 12, 31), 12000, ["2000-01", "3000-01", "4000-01"]),
        # The last month there is: no step into year 10000.
        (dt.date(9999, 12, 1), dt.date(9999, 12, 31), 1, ["9999-12"]),
        (dt.date(1, 1, 1), dt.date(9999, 12, 31), 12000, ["1000-01", "2000-01", "3000-01"]),
    ],
)
def test_timeline_ticks_grow_coarser_with_the_span(first, last, step, ticks):
    assert timeline._tick_step(first, last) == step
    shown = timeline._month_starts(first, last, step)
    assert len(shown) <= charts.MAX_TICKS
    assert [d.isoformat()[:7] for d in shown[:3]] == ticks
    grid = timeline._month_starts(first, last, timeline._grid_step(first, last, step))
    assert len(grid) <= charts.MAX_GRID_LINES and step % timeline._grid_step(first, last, step) == 0


def test_timeline_of_any_dates_draws_in_bounded_work():
    """A task dated 9999-12-31 raised 'year 10000 is out of range'; one from 1900 to 9999
    drew 97,000 month lines (35 s, 1.2 GB)."""
    tasks = [
        Task("p", "long", dt.date(1, 1, 1), dt.date(9999, 12, 31), milestone="end of time"),
        Task("q", "last day", dt.date(9999, 12, 31), dt.date(9999, 12, 31), milestone="m"),
    ] + [Task("r", f"t{n}", dt.date(2026, 1, 1), dt.date(2026, 2, 1)) for n in range(500)]
    chart = charts.timeline_chart(tasks, "zh")
    shown = texts(chart.svg)
    assert {"1000年", "9000年"} <= set(shown)
    assert "其余462项未显示" in shown  # 502 tasks, the first 40 drawn
    ax = chart.figure.axes[0]
    assert len(ax.get_xticks()) <= 12 and len(ax.collections) == 1  # one set of grid lines
    last = texts(charts.timeline_chart(tasks[1:2], "en").svg)  # one day, the last there is
    assert "Dec" in last and "9999-12-31 to 9999-12-31; diamond = milestone" in last


def _series(values):
    kpi_ = Kpi("X", "极值", unit="元")
    periods = [
        PeriodValue("X", Period(2026, q), *(None if v is None else Decimal(v) for v in triple))
        for q, triple in enumerate(values, start=1)
    ]
    return quarter_series(kpi_, periods, 2026)


@pytest.mark.parametrize(
    "values",
    [
        [("1e300", "2e300", "1e299"), ("-1e300", None, None)],  # beyond float range as floats × …
        [("999999999999999", "1e-15", "0"), ("1e-15", "1e-15", "1e-15")],
        [("0", "0", "0"), ("0", "0", "0")],  # all zero
        [("-5", "-7", "-1"), ("-2", "-3", "-9")],  # all negative
        [("1e-300", None, None), ("3e-300", None, None)],  # below float's smallest
    ],
)
def test_quarterly_chart_draws_any_finite_figures(values):
    chart = charts.quarterly_chart(_series(values), "en")
    assert chart.png.startswith(PNG_SIGNATURE)
    ax = chart.figure.axes[0]
    low, high = ax.get_ylim()
    assert low < high and all(map(float.__abs__, (low, high))) < 100  # drawn scaled, finite


def test_quarterly_bars_keep_their_proportions_when_scaled():
    # 1e300 and 5e299 are drawn as 1 and 0.5 (÷ 10^300): the same picture as 2 and 1.
    chart = charts.quarterly_chart(_series([("1e300", None, None), ("5e299", None, None)]), "en")
    heights = [bar.get_height() for bar in chart.figure.axes[0].patches]
    assert heights == [1.0, 0.5]
    labels = [t for t in texts(chart.svg) if "×10" in t]
    assert labels == ["1×10³⁰⁰", "5×10²⁹⁹"]  # the labels print the figures themselves


def test_row_charts_of_extreme_results():
    extreme = [
        kpi("A", "x" * 500, "元", "1e-15", "999999999999999", "1e-15"),  # negligible references
        kpi("B", "万" * 300, "元", "999999999999999", "-999999999999999", "1e-15"),
        kpi("C", "zero", "元", 0, 0, 0),
        kpi("D", "rate", "%", "999999999999999", "-999999999999999", "1e-15"),
        kpi("E", "edge", "元", 1, 1_000_000_001, 1),  # attainment 10^9 + 1: clipped at 300%
    ]
    rated = results(extreme)
    attainment = charts.attainment_chart(rated, "en")
    shown = texts(attainment.svg)
    assert "100,000,000,100.0%" in shown  # (10^9 + 1) × 100, printed whole beside the cut bar
    assert any(t.endswith("…") and len(t) <= 26 for t in shown)  # long names cut
    for against in ("target", "prior"):
        chart = charts.variance_chart(rated, "zh", against)
        assert chart.png.startswith(PNG_SIGNATURE)


def test_risk_matrix_of_ten_thousand_risks():
    kpi_ = kpi("K", "k", "元", 100, 50)
    risks = [
        evaluate_risk(
            Risk(f"风险{n}", likelihood=n % 5 + 1, impact=(n // 5) % 5 + 1, kpi="K",
                 threshold=Threshold("value", "<", Decimal(60), "< 60") if n % 7 == 0 else None),
            kpi_,
        )
        for n in range(10_000)
    ]  # fmt: skip
    chart = charts.risk_matrix_chart(risks, "en")
    shown = texts(chart.svg)
    assert "… 9,975 more" in shown  # 25 drawn
    assert len({t for t in shown if t[:1] == "R" and t[1:].isdigit()}) == 25  # R1, R8 …


def test_every_accepted_value_draws():
    """Property (few examples: drawing is slow): the charts of reports whose figures
    span the loader's whole range draw and encode without raising."""
    from hypothesis import HealthCheck, given, settings

    from .test_context import _kpi_rows, _report

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_kpi_rows())
    def check(rows: list[tuple]) -> None:
        drawn = charts.render_charts(compute(_report(rows)), "zh", jobs=1)
        for chart in drawn.values():
            assert chart.png.startswith(PNG_SIGNATURE)

    check()


def _fails_on_its_value(series):
    raise ValueError("Axis limits cannot be NaN or Inf")  # what matplotlib says of an inf


def test_a_chart_that_cannot_draw_a_value_names_its_kpi_and_row():
    import pickle

    from opsreport.core.records import Location
    from opsreport.engine.metrics import FigureError

    where = Location("book.xlsx", "指标", 9)
    series = quarter_series(Kpi("P07", "客单价", id="P07", location=where), [], 2026)
    with pytest.raises(FigureError) as caught:
        charts.draw_charts([("quarterly:P07", _fails_on_its_value, (series,))], jobs=1)
    (problem,) = caught.value.errors
    assert str(problem) == (
        "book.xlsx › 指标 › row 9: KPI P07 (客单价): the chart quarterly:P07 could not be drawn"
        " (ValueError: Axis limits cannot be NaN or Inf)"
    )
    # Raised in a chart worker, it comes back whole.
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is FigureError and again.errors == caught.value.errors


def test_bold_cjk_text_drawn_in_the_regular_face_prints_no_font_notice():
    # The packaged Noto Sans CJK file has one weight, so matplotlib falls back to it for
    # bold titles and logs "findfont: Failed to find font weight bold" to stderr each build.
    code = (
        "from matplotlib.font_manager import FontProperties, fontManager\n"
        "from opsreport.present import charts\n"
        "family = charts.setup_fonts()\n"
        "print(fontManager.findfont(FontProperties(family=family, weight='bold')))\n"
    )
    env = {**os.environ, "OPSREPORT_IGNORE_SYSTEM_FONTS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip().endswith(charts.PACKAGED_FILE)
    assert "findfont" not in done.stderr


def test_attainment_labels_inside_only_where_the_bar_holds_them():
    """Inside: 50% ≤ attainment < 100% and the bar at least 30% of the longest (100% at
    least, 300% at most). Beside 8.4/8 = 105%: 6/8 = 75% ≥ 0.3 × 105 → inside, dark on
    amber or white on red; 3.2/8 = 40% < 50% → outside, where it clears the line. Beside
    a 30/10 = 300% bar, 6.4/10 = 64% < 0.3 × 300 = 90 → outside (too short for its label)."""
    from opsreport.present.charts.attainment import attainment_data

    shown = [
        kpi("A", "甲", "万元", 8, 8.4),  # 105%
        kpi("B", "乙", "万元", 8, 6),  # 75%: missed (red)
        kpi("C", "丙", "万元", 8, 3.2),  # 40%
    ]
    series = attainment_data(results(shown), "zh").panels[0].series[0]
    assert series.inside == ("", theme.LABEL_ON_DARK, "")
    beside_300 = [kpi("A", "甲", "万元", 10, 30), kpi("B", "乙", "万元", 10, 6.4)]
    assert attainment_data(results(beside_300), "zh").panels[0].series[0].inside == ("", "")


def test_a_quarterly_key_only_for_two_scenarios_with_figures():
    """PY alone (no actual yet): one drawn scenario, no key; PY and AC: a key."""
    from opsreport.present.charts.trend import quarterly_data

    prior_only = [PeriodValue("P01", Period(2026, q), None, None, Decimal(q)) for q in (1, 2)]
    data = quarterly_data(quarter_series(ZH_KPIS[0], prior_only, 2026), "en")
    assert data is not None and data.legend is False
    both = [PeriodValue("P01", Period(2026, q), Decimal(q), None, Decimal(q)) for q in (1, 2)]
    data = quarterly_data(quarter_series(ZH_KPIS[0], both, 2026), "en")
    assert data is not None and data.legend is True
