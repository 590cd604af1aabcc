"""The report context: what every template sees, and how a large dimension is summarised."""

from __future__ import annotations

import datetime as dt

from docx import Document

from opsreport.app.analysis import analyze
from opsreport.app.build import build_report
from opsreport.present.report_context import build_context

from . import builders as b
from .conftest import ZH_EXAMPLE

TODAY = dt.date(2027, 1, 15)


def big_dimension():
    """Six KPIs in one dimension (targets 100): one weighted, the others by distance."""
    return b.report(
        [
            b.kpi("met by far", id="A", group="G", unit="万元", target=100, actual=130),  # attainment 130%: met, distance 0.30
            b.kpi("met close", id="B", group="G", unit="万元", target=100, actual=101),  # met, distance 0.01
            b.kpi("near", id="C", group="G", unit="万元", target=100, actual=97),  # near
            b.kpi("weighted met", id="D", group="G", unit="万元", target=100, actual=100, weight=5),  # weighted: listed first of all
            b.kpi("missed", id="E", group="G", unit="万元", target=100, actual=60),  # missed, distance 0.40
            b.kpi("missed less", id="F", group="G", unit="万元", target=100, actual=80),  # missed, distance 0.20
        ]
    )  # fmt: skip


def test_a_dimension_lists_the_notable_kpis_in_workbook_order():
    metrics = b.metrics(big_dimension())
    context = build_context(metrics, "zh", today=TODAY, kpis_per_group=4)
    group = context["groups"][0]
    # Weighted D, then the missed E and F, then the near C; workbook order kept.
    assert [k["name"] for k in group["kpis"]] == ["near", "weighted met", "missed", "missed less"]
    assert (
        group["more"]
        == {
            "count": 2,
            "met": 2,
            "near": 0,
            "missed": 0,
            "text": "另有2项指标未逐项列出（2项均已达成）；完整清单见 opsreport metrics --csv。",  # no zero counts
        }
    )
    assert group["summary"].startswith("G维度共6项指标")  # the summary counts every KPI
    assert len(context["kpis"]) == 6  # the flat list always has all of them

    english = build_context(metrics, "en", today=TODAY, kpis_per_group=5)["groups"][0]
    assert "met close" not in [k["name"] for k in english["kpis"]]  # the least notable
    assert english["more"]["text"] == (
        "Further KPIs not listed one by one: 1 (1 met); "
        "for the full list run opsreport metrics --csv."
    )


def test_no_limit_lists_everything():
    metrics = b.metrics(big_dimension())
    for limit in (0, None, 6):
        group = build_context(metrics, "zh", today=TODAY, kpis_per_group=limit)["groups"][0]
        assert len(group["kpis"]) == 6 and group["more"] is None


def test_the_summary_sentence_reaches_every_format(tmp_path):
    report = big_dimension()
    result = build_report(
        report.source,
        analysis=b.analysis(report),
        output=tmp_path / "out",
        formats=("md", "html", "docx"),
        kpis_per_group=4,
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


def quarterly(targets):
    """One KPI (万元, sum) with four quarters of actuals 10, 20, 30, 40 and the given targets."""
    revenue = b.kpi("营收", id="K", unit="万元", target=100, actual=100)
    periods = [
        b.period(revenue, f"Q{n}", actual=10 * n, target=t) for n, t in enumerate(targets, start=1)
    ]
    report = b.report([revenue], periods=periods)
    return b.context(report, "zh", today=TODAY)["quarters"][0]


def test_the_quarter_sentence_names_the_quarters_that_missed():
    some = quarterly([12, 18, 35, 40])  # Q1 and Q3 missed
    assert some["summary"].endswith("；Q1、Q3未达季度目标。")
    assert some["has_target"] and not some["has_prior_year"]
    every = quarterly([11, 21, 31, 41])
    assert every["summary"].endswith("；各季度均未达季度目标。")
    gap = quarterly([11, 21, 31, None])  # Q4 had no target: not "every"
    assert gap["summary"].endswith("；Q1、Q2、Q3未达季度目标。")
    none = quarterly([None, None, None, None])
    # 10, 20, 30, 40: each quarter above the last; 40 − 10 = 30 on 10 = +300.0%
    assert none["summary"] == "营收逐季上升，由Q1的10万元升至Q4的40万元（+300.0%）。"
    assert not none["has_target"]
    met = quarterly([10, 20, 30, 40])  # 10 ÷ 10 … 40 ÷ 40: each quarter 100%
    assert met["summary"].endswith("；各季度均达成季度目标。")


def _series(actuals, unit="万元", direction="higher", lang="zh"):
    revenue = b.kpi("营收", id="K", unit=unit, direction=direction, actual=actuals[-1])
    periods = [b.period(revenue, f"Q{n}", actual=a) for n, a in enumerate(actuals, start=1)]
    return b.context(b.report([revenue], periods=periods), lang, today=TODAY)["quarters"][0]


def test_the_quarter_sentence_names_best_and_weakest_only_where_the_ends_do_not():
    # 30 → 50 → 20 → 40: not steady; from 30 to 40 is +10 on 30 = +33.3%; the best is Q2
    # (50) and the weakest Q3 (20), neither of them an end: both named
    mixed = _series([30, 50, 20, 40])
    assert mixed["summary"] == (
        "营收由Q1的30万元升至Q4的40万元（+33.3%），表现最好的是Q2（50万元），最弱的是Q3（20万元）。"
    )
    # 10 → 30 → 20 → 40: best Q4, weakest Q1 — the ends, said by the from→to already
    assert _series([10, 30, 20, 40])["summary"] == "营收由Q1的10万元升至Q4的40万元（+300.0%）。"
    # a lower-is-better duration: 51 → 49 → 48 → 46.5 days, −4.5 days in its unit
    days = _series([51, 49, 48, "46.5"], unit="天", direction="lower")
    assert days["summary"] == "营收逐季下降，由Q1的51.0天降至Q4的46.5天（缩短4.5天）。"
    # a rate in points: 23.2% → 24.7% is +1.5 pp, never +6.5%
    rate = _series(["23.2", "23.9", "24.6", "24.7"], unit="%", lang="en")
    assert rate["summary"] == "营收 rose every quarter, from 23.2% in Q1 to 24.7% in Q4 (+1.5 pp)."
    # 40 → 30 → 40: level; the best (40) is the ends' own figure, not named again
    level = _series([40, 30, 40])
    assert level["summary"] == "营收Q3为40万元，与Q1持平，最弱的是Q2（30万元）。"


def test_the_quarter_sentence_never_repeats_an_end_as_best_or_weakest():
    # 1 → 5 → 5: the weakest is Q1 (the start) and Q2 ties the end (5): neither named
    assert _series([1, 5, 5])["summary"] == "营收由Q1的1万元升至Q3的5万元（+400.0%）。"
    # 2 → 5 → 1: (1 − 2) ÷ 2 = −50.0%; Q2's 5 beats both ends, the weakest is Q3 (the end)
    assert (
        _series([2, 5, 1])["summary"]
        == "营收由Q1的2万元降至Q3的1万元（-50.0%），表现最好的是Q2（5万元）。"
    )
    # 5 → 3 → 3 → 3: the weakest (3) ties the end: (3 − 5) ÷ 5 = −40.0%, nothing more
    assert _series([5, 3, 3, 3])["summary"] == "营收由Q1的5万元降至Q4的3万元（-40.0%）。"
    # 1 → 5 → 5 → 3: Q2 and Q3 tie for best, named together; (3 − 1) ÷ 1 = +200.0%
    assert _series([1, 5, 5, 3], lang="en")["summary"] == (
        "营收 rose, from 10 k CNY in Q1 to 30 k CNY in Q4 (+200.0%); best Q2, Q3 (50 k CNY)."
    )
    # lower is better, 10 → 12 → 11: the weakest is Q2's 12 (the highest), the best Q1 (an end)
    assert (
        _series([10, 12, 11], direction="lower")["summary"]
        == "营收由Q1的10万元升至Q3的11万元（+10.0%），最弱的是Q2（12万元）。"
    )


def test_the_quarter_change_is_the_change_of_the_printed_figures():
    # 1,000.00 → 1,000.06: +0.06 ÷ 1,000 = +0.006%, "+0.0%" at one place: said in the unit
    tiny = _series(["1000.00", "1000.06"])
    assert tiny["summary"] == "营收由Q1的1,000.00万元升至Q2的1,000.06万元（+0.06万元）。"
    # in English 万元 is k CNY × 10: 10,000.0 → 10,000.6 k CNY, +0.6 k CNY
    assert _series(["1000.00", "1000.06"], lang="en")["summary"].endswith("(+0.6 k CNY).")
    # a prefix currency keeps its place: +$0.04 (0.04 ÷ 100 = 0.04%, "+0.0%" again)
    assert _series([100, "100.04"], unit="$", lang="en")["summary"] == (
        "营收 rose, from $100.00 in Q1 to $100.04 in Q2 (+$0.04)."
    )


def test_the_quarter_change_from_zero_or_a_loss_is_in_the_unit():
    # from 0: no percent of nothing, 3 − 0 = +3万元
    assert _series([0, 1, 2, 3])["summary"] == "营收逐季上升，由Q1的0万元升至Q4的3万元（+3万元）。"
    # from a loss: (3 − (−1)) ÷ |−1| would be "+400.0%"; 3 − (−1) = +4万元
    assert (
        _series([-1, 1, 2, 3])["summary"] == "营收逐季上升，由Q1的-1万元升至Q4的3万元（+4万元）。"
    )
    # a loss narrowed, −2 → −1: +1万元, not "+50.0%"
    assert _series([-2, -1])["summary"] == "营收由Q1的-2万元升至Q2的-1万元（+1万元）。"
    # into a loss, 2 → −1: −3万元, not "-150.0%"
    assert _series([2, -1])["summary"] == "营收由Q1的2万元降至Q2的-1万元（-3万元）。"


def test_a_multiple_moves_by_its_from_to_only():
    """2.1倍 → 3.4倍: "+1.3倍" reads as +130% (engine.movement: a multiple by its from→to)."""
    assert _series(["2.1", "2.8", "3.4"], unit="倍")["summary"] == (
        "营收逐季上升，由Q1的2.1倍升至Q3的3.4倍。"
    )


def test_a_quarter_without_a_figure_breaks_the_every_quarter():
    # 3, –, 4, 5: Q2 unreported, so no "rose every quarter"; (5 − 3) ÷ 3 = +66.7%
    assert _series([3, None, 4, 5], lang="en")["summary"] == (
        "营收 rose, from 30 k CNY in Q1 to 50 k CNY in Q4 (+66.7%)."
    )
    # –, 3, 4, 5: the reported quarters run unbroken from Q2: every quarter rose
    assert _series([None, 3, 4, 5])["summary"] == (
        "营收逐季上升，由Q2的3万元升至Q4的5万元（+66.7%）。"
    )
    # 10 → 12 → 12 → 14: a flat step, no 逐季上升; (14 − 10) ÷ 10 = +40.0%
    assert _series([10, 12, 12, 14])["summary"] == "营收由Q1的10万元升至Q4的14万元（+40.0%）。"


def test_every_quarter_met_says_met_whichever_way_is_better():
    """A lower-is-better KPI under its target is not "on or above" it."""
    cost = b.kpi("费用", id="K", unit="天", direction="lower", target=5, actual=3)
    periods = [b.period(cost, f"Q{n}", actual=a, target=5) for n, a in enumerate([5, 4, 3], 1)]
    report = b.report([cost], periods=periods)
    # 5, 4, 3 days against 5 each: all on or under the target, met; 5 − 3 = 2 days shorter
    assert b.context(report, "en", today=TODAY)["quarters"][0]["summary"] == (
        "费用 fell every quarter, from 5 days in Q1 to 3 days in Q3 (2 days shorter); "
        "every quarter met its quarterly target."
    )


def test_the_opening_counts_kpis_with_a_target_only_when_some_have_none():
    kpis = [
        b.kpi("营收", id="A", unit="万元", target=100, actual=104),
        b.kpi("访客", id="B", unit="万人", actual=50),
    ]
    some = b.context(b.report(kpis), "zh", today=TODAY)
    assert some["summary"]["opening"] == "全年跟踪2项指标，其中1项设有目标：1项达成。"
    english = b.context(b.report(kpis[:1]), "en", today=TODAY)
    assert english["summary"]["opening"] == "It tracked 1 KPI: 1 met."
    none = b.context(b.report(kpis[1:]), "zh", today=TODAY)["summary"]
    assert none["opening"] == "全年跟踪1项指标，均未设目标。" and none["headline_kpis"] == []


def test_the_opening_leads_with_the_heaviest_kpis_and_says_what_the_score_weighs():
    """Weights 0.5, 0.3, 0.3, 0.2 (ties in sheet order): the headline names A, B, C.
    Score: (0.5 × 1.04 + 0.3 × 0.9 + 0.3 × 1.2 + 0.2 × 1.0) / 1.3 — C's 1.5 capped at 1.2 —
    = (0.52 + 0.27 + 0.36 + 0.2) / 1.3 = 1.35 / 1.3 = 1.03846… → 103.8%; four weighted KPIs."""
    kpis = [
        b.kpi("营收", id="A", unit="万元", target=100, actual=104, weight="0.5"),
        b.kpi("毛利率", id="B", unit="%", target=30, actual=27, weight="0.3"),
        b.kpi("新客", id="C", unit="万人", target=10, actual=15, weight="0.3"),
        b.kpi("留存率", id="D", unit="%", target=40, actual=40, weight="0.2"),
        b.kpi("访客", id="E", unit="万人", actual=50),
    ]
    report = b.report(kpis, meta=b.meta(year=2026, org="增长部"))
    summary = b.context(report, "zh", today=TODAY)["summary"]
    assert summary["headline_kpis"] == ["A", "B", "C"]
    assert summary["headline"] == (
        "2026年，增长部以营收104万元（完成率104.0%）、毛利率27%（完成率90.0%）、"
        "新客15万人（完成率150.0%）收官。"
    )
    assert summary["opening"] == (
        "全年跟踪5项指标，其中4项设有目标：3项达成、1项未达成；"
        "综合完成率103.8%（按4项指标的权重加权，单项完成率最高计120%）。"
    )
    assert summary["scored"] == 4 and summary["commitment"] == "" and summary["closing"] == ""


# --------------------------------------------------------------------------- every value


def _figures():
    """Figures from the whole range the loader accepts: |x| < 10^15, at most 15
    significant digits, non-zero |x| ≥ 10^-15; with zeros, tiny and extreme ones."""
    from decimal import Decimal

    from hypothesis import strategies as st

    def build(sign: int, digits: int, exponent: int) -> Decimal:
        value = Decimal(sign * digits).scaleb(exponent)
        return (
            value
            if abs(value) < Decimal("1e15") and (not value or abs(value) >= Decimal("1e-15"))
            else Decimal(sign)
        )

    drawn = st.builds(
        build,
        st.sampled_from([1, -1]),
        st.integers(0, 10**15 - 1),
        st.integers(-30, 14),
    )
    extremes = st.sampled_from(
        [
            Decimal(s)
            for s in ("0", "1e-15", "-1e-15", "1e-10", "999999999999999", "-999999999999999", "0.5")
        ]
    )
    return st.one_of(st.none(), extremes, drawn)


def _report(rows: list[tuple]) -> object:
    from decimal import Decimal
    from pathlib import Path

    from opsreport.core.periods import Period
    from opsreport.core.records import (
        BreakdownRow,
        Goal,
        Kpi,
        Location,
        Meta,
        PeriodValue,
        Report,
        Resource,
        Risk,
        Task,
        Threshold,
    )

    kpis, periods, breakdown, goals, risks, resources = [], [], [], [], [], []
    for index, (unit, direction, target, actual, prior, nxt, base, weight) in enumerate(rows):
        key = f"K{index}"
        where = Location("hyp.xlsx", "kpis", index + 2)
        kpis.append(Kpi(key, f"[/]指标{index}\n", id=key, unit=unit, direction=direction,
                        target=target, actual=actual, prior_year=prior, next_target=nxt,
                        base=base, weight=weight, aggregation="sum", location=where))  # fmt: skip
        for quarter, value in enumerate((actual, target, prior, nxt), start=1):
            periods.append(PeriodValue(key, Period(2026, quarter), value, target, prior))
        breakdown += [BreakdownRow("渠道", "A", key, actual, prior, target),
                      BreakdownRow("渠道", "B", key, base, nxt, prior)]  # fmt: skip
        goals.append(Goal(f"goal {index}", kpi=key, baseline=prior, target=nxt, unit=unit,
                          direction=direction, measure="ERP"))  # fmt: skip
        if target is not None:
            risks.append(Risk(f"risk {index}", likelihood=1 + index % 5, impact=5, kpi=key,
                              threshold=Threshold("dev", ">", Decimal(8), "dev > 8%")))  # fmt: skip
        resources.append(Resource("人力", f"r{index}", weight, unit))
    tasks = [Task("p", "t", dt.date(1900, 3, 1), dt.date(9999, 12, 31), milestone="m")]
    return Report(Path("hyp.xlsx"), Meta(year=2026, plan_year=2027), kpis, periods, breakdown,
                  goals=goals, tasks=tasks, risks=risks, resources=resources)  # fmt: skip


def _kpi_rows():
    from hypothesis import strategies as st

    figure = _figures()
    row = st.tuples(
        st.sampled_from(["元", "亿元", "%", "万人", ""]),
        st.sampled_from(["higher", "lower"]),
        figure, figure, figure, figure, figure, figure,
    )  # fmt: skip
    return st.lists(row, min_size=1, max_size=4)


def _all_numbers_finite(value: object) -> bool:
    import math

    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_all_numbers_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_numbers_finite(v) for v in value)
    return True


def test_every_accepted_value_computes_formats_and_exports():
    """Property: for figures drawn from everything the loader lets through, the engine,
    both languages' contexts, the JSON/CSV exports and the terminal table never raise,
    and every number they hold is finite (strict JSON)."""
    import contextlib
    import io
    import json

    from hypothesis import HealthCheck, given, settings

    from opsreport.engine.metrics import compute
    from opsreport.present import tables as exports

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_kpi_rows())
    def check(rows: list[tuple]) -> None:
        metrics = compute(_report(rows))
        for lang in ("zh", "en"):
            context = build_context(metrics, lang, today=TODAY)
            assert _all_numbers_finite(context)
            json.dumps(context, ensure_ascii=False, allow_nan=False, default=str)
        for what in ("kpis", "goals", "risks", "quarters", "breakdown"):
            data = exports.metrics_json(metrics, what)
            json.dumps(data, allow_nan=False)  # raises on inf/nan
            exports.metrics_csv(metrics, what)
            with contextlib.redirect_stdout(io.StringIO()):
                exports.print_table(metrics, what, lang="zh")

    check()


def test_terminal_tables_print_user_text_as_typed_on_one_line(monkeypatch):
    """A KPI named "[/] [bold]x" raised Rich's MarkupError; a newline in a name broke
    the row (and could start a line "::error" that CI reads as a command)."""
    import contextlib
    import io
    from decimal import Decimal
    from pathlib import Path

    from opsreport.core.records import Kpi, Meta, Report
    from opsreport.engine.metrics import compute
    from opsreport.present import tables as exports

    monkeypatch.setenv("COLUMNS", "200")
    name = "a [/] b [bold]x\n::error file=x::owned\u202e"
    report = Report(
        Path("t.xlsx"),
        Meta(title="[red]title"),
        [Kpi("K", name, unit="[/]", target=Decimal(1), actual=Decimal(2))],
    )
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exports.print_table(compute(report), "kpis", "en")
    text = printed.getvalue()
    assert "a [/] b [bold]x\\n::error file=x::owned\\u202e" in text  # escapes, as typed
    assert "[red]title" in text and "2 [/]" in text  # title and unit are user text too
    assert not any(line.lstrip("│ ").startswith("::") for line in text.splitlines())
    assert exports.terminal_text("a\r\nb\tc\x1b[31m") == "a\\r\\nb\\tc\\x1b[31m"


def test_a_value_the_context_cannot_render_names_its_kpi_and_row():
    """Not 'rendering failed: InvalidOperation': the KPI and where it is. (The engine
    makes no such figure; a hand-built result stands in for a renderer's bug.)"""
    import dataclasses
    from decimal import Decimal
    from pathlib import Path

    import pytest

    from opsreport.core.records import Kpi, Location, Meta, Report
    from opsreport.engine.metrics import FigureError, compute

    where = Location("book.xlsx", "指标", 12)
    report = Report(
        Path("book.xlsx"),
        Meta(),
        [Kpi("P07", "客单价", id="P07", target=Decimal(1), actual=Decimal(2), location=where)],
    )
    metrics = compute(report)
    broken = dataclasses.replace(metrics.results[0], attainment=Decimal("Infinity"))
    metrics = dataclasses.replace(metrics, results=(broken,))
    with pytest.raises(FigureError) as caught:
        build_context(metrics, "zh", today=TODAY)
    (problem,) = caught.value.errors
    assert str(problem.location) == "book.xlsx › 指标 › row 12"
    assert problem.message.startswith("KPI P07 (客单价): a figure could not be rendered")
    assert problem.code == "figure"


def test_the_report_date_is_the_meta_sheets_when_given():
    """meta 日期 2026-12-31 wins over the build date; without it the build date is used."""
    kpis = [b.kpi("营收", id="A", unit="万元", target=100, actual=104)]
    dated = b.report(kpis, meta=b.meta(year=2026, date=dt.date(2026, 12, 31)))
    assert b.context(dated, "zh", today=TODAY)["meta"]["date"] == "2026-12-31"
    undated = b.report(kpis, meta=b.meta(year=2026))
    assert b.context(undated, "zh", today=TODAY)["meta"]["date"] == TODAY.isoformat()


def test_a_goal_with_a_base_says_its_share_of_it():
    """Target 9.5 of a base of 22: 9.5 / 22 = 0.43181… → 43.2%, after the company goal."""
    goal = b.goal(
        "直接利润达到9.5亿元", target="9.5", unit="亿元", base="22", base_name="公司利润增量",
        aligns_to="公司利润目标",
    )  # fmt: skip
    report = b.report([b.kpi("直接利润", id="P", unit="亿元", actual=8)], goals=[goal])
    (item,) = b.context(report, "zh", today=TODAY)["goals"]
    assert item["share"] == "占公司利润增量22亿元的43.2%"
    assert item["aligns_to"] == "公司利润目标；占公司利润增量22亿元的43.2%"
    (english,) = b.context(report, "en", today=TODAY)["goals"]
    assert english["share"] == "43.2% of 公司利润增量 (2,200 M CNY)"  # 22亿元 = 2,200 M CNY
    (plain,) = b.context(b.report(report.kpis, goals=[b.goal("G", target="1")]), "zh")["goals"]
    assert plain["share"] == "" and plain["aligns_to"] == ""


def test_a_resource_category_of_one_unit_names_it_in_the_header():
    """预算: 3,200万元 + 800万元 = 4,000万元, one unit — the header says 万元 and the amounts
    are bare; 混合: 2人 and 50万元 — no shared unit, each amount keeps its own."""
    revenue = b.kpi("营收", id="K", unit="万元", target=100, actual=100)
    resources = [
        b.resource("预算", item="投放", amount=3200, unit="万元"),
        b.resource("预算", item="会员", amount=800, unit="万元"),
        b.resource("混合", item="专员", amount=2, unit="人"),
        b.resource("混合", item="工具", amount=50, unit="万元"),
    ]
    context = b.context(b.report([revenue], resources=resources), "zh", today=TODAY)
    budget, mixed = context["resources"]["categories"]
    assert budget["unit_header"] == "万元"
    assert [i["amount_figure"] for i in budget["items"]] == ["3,200", "800"]
    assert budget["total"] == "4,000万元" and budget["total_figure"] == "4,000"
    assert mixed["unit_header"] == ""
    assert [i["amount_figure"] for i in mixed["items"]] == ["2人", "50万元"]
    assert mixed["total_figure"] == mixed["total"] == "2人、50万元"
    english = b.context(b.report([revenue], resources=resources[:2]), "en", today=TODAY)
    (category,) = english["resources"]["categories"]
    # 万元 in English is k CNY: 3,200万元 = 32,000 k CNY, the unit in the header once
    assert category["unit_header"] == "k CNY"
    assert [i["amount_figure"] for i in category["items"]] == ["32,000", "8,000"]
