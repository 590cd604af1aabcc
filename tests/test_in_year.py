"""In-year re-planning (docs/plans.md §1, §3): the worked workbook of tests/in_year_sheets.py,
each figure with its arithmetic."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from opsreport.app.analysis import analyze
from opsreport.app.plan import render_plan_documents, resolve_quarters
from opsreport.engine.in_year import draft_quarter_year, elapsed_quarters, in_progress, replan
from opsreport.present.plan_context import plan_context

from .conftest import write_workbook
from .in_year_sheets import IN_YEAR_SHEETS


@pytest.fixture(scope="module")
def midyear(tmp_path_factory):
    return analyze(write_workbook(tmp_path_factory.mktemp("iy") / "h1.xlsx", IN_YEAR_SHEETS, None))


def _plan(analysis, key):
    found = replan(analysis.metrics)
    assert found is not None
    return next(p for p in found.kpis if p.kpi.key == key)


def test_the_year_is_in_progress_after_two_quarters(midyear):
    assert elapsed_quarters(midyear.report) == 2 and in_progress(midyear.report)


def test_a_sum_kpi_review_landing_and_catch_up(midyear):
    gmv = _plan(midyear, "gmv")
    # Q1: typed target 8.5, actual 9 → 1 + (9 − 8.5) / 8.5 = 1.0588…
    q1, q2 = gmv.reviews
    assert (q1.target, q1.target_source) == (D("8.5"), "periods")
    assert q1.attainment is not None and round(q1.attainment, 4) == D("1.0588")
    # Q2: the split of 40 by 2025's 7/8/7/10 (32): 40 × 8/32 = 10; 9.5 → 95%
    assert (q2.target, q2.target_source, q2.attainment) == (D(10), "split", D("0.95"))
    # YTD 9 + 9.5 = 18.5 against 8.5 + 10 = 18.5 → 100%; 18.5 / 40 = 46.25% of the year
    assert (gmv.ytd, gmv.ytd_target, gmv.ytd_attainment) == (D("18.5"), D("18.5"), D(1))
    assert gmv.year_share == D("0.4625")
    # landing: 18.5 + (7 + 10) × 18.5 / (7 + 8) = 18.5 + 20.9667 = 39.4667 (seasonal)
    assert gmv.landing_method == "seasonal"
    assert round(gmv.landing, 4) == D("39.4667")
    # catch-up: 40 − 18.5 = 21.5 by 2025's Q3:Q4 = 7:10 → 8.85 / 12.65 (2 places: 21.5 ÷ 2 =
    # 10.75); 21.5 × 7/17 = 8.8529 → 8.85, the remainder 0.005 to the larger part → 12.65
    assert gmv.remaining == D("21.5") and gmv.catch_up_method == "seasonal"
    assert [(c.quarter, c.target) for c in gmv.catch_up] == [(3, D("8.85")), (4, D("12.65"))]
    # originals 40 × 7/32 = 8.75 → 9 at the plan's 0 places; 12.5 → 13 (the split's own)
    q3, q4 = gmv.catch_up
    assert q3.change == q3.target - q3.original
    # the best quarter on record is 2025Q4's 10: Q4's 12.65 is beyond it, Q3's 8.85 is not
    assert gmv.best == D(10) and (q3.beyond_best, q4.beyond_best) == (False, True)


def test_a_last_kpi_follows_a_path_from_the_latest_actual(midyear):
    renewal = _plan(midyear, "renewal")
    # original path 41 → 50 in 4 steps of 2.25: 43.25, 45.5, 47.75, 50
    assert [r.target for r in renewal.reviews] == [D("43.25"), D("45.50")]
    # landing = the latest value 44; 1 + (44 − 50) / 50 = 0.88
    assert (renewal.landing, renewal.landing_method, renewal.landing_attainment) == (
        D(44), "latest", D("0.88"))  # fmt: skip
    # catch-up: 44 → 50 in 2 steps of 3: 47, 50; the best quarterly change on record is
    # 43 → 44 = +1 point, so +3 a quarter is beyond it
    assert [c.target for c in renewal.catch_up] == [D(47), D(50)]
    assert renewal.best == D(1) and all(c.beyond_best for c in renewal.catch_up)


def test_an_avg_kpi_needs_the_average_the_rest_of_the_year_must_make(midyear):
    oos = _plan(midyear, "oos")
    # lower is better; YTD (14 + 11) / 2 = 12.5 vs 8 → 1 − (12.5 − 8) / 8 = 0.4375
    assert (oos.ytd, oos.landing, oos.landing_method) == (D("12.5"), D("12.5"), "average")
    assert oos.landing_attainment == D("0.4375")
    # (8 × 4 − (14 + 11)) / 2 = (32 − 25) / 2 = 3.5 in Q3 and Q4; best on record 11 (lowest)
    assert [c.target for c in oos.catch_up] == [D("3.5"), D("3.5")]
    assert oos.best == D(11) and oos.catch_up[0].beyond_best


def test_a_kpi_without_target_is_reviewed_not_re_planned(midyear):
    csat = _plan(midyear, "csat")
    assert csat.ytd == D("4.55") and csat.catch_up == () and csat.landing_attainment is None


def test_which_year_a_quarter_is(midyear):
    report = midyear.report
    # a bare Q3 is the next Q3 to come: 2026's (after Q1–Q2); a bare Q1 is 2027's
    assert draft_quarter_year(report, 3, None, 2027) == 2026
    assert draft_quarter_year(report, 1, None, 2027) == 2027
    assert resolve_quarters(midyear, ["Q3"]) == (2026, [3])
    assert resolve_quarters(midyear, ["2027Q1"]) == (2027, [1])
    with pytest.raises(ValueError, match=r"2026Q2 has its actuals already .*plan 2026Q3–Q4"):
        resolve_quarters(midyear, ["2026Q2"])
    with pytest.raises(ValueError, match="one year per run"):
        resolve_quarters(midyear, ["Q4", "2027Q1"])


def test_the_draft_says_it_in_words_and_the_three_formats_agree(midyear):
    context = plan_context(midyear, 3, "zh", year=2026)
    in_year = context["in_year"]
    assert (
        in_year["active"]
        and in_year["lead"] == "截至2026年第1–2季度，3项有年度目标的指标均需追赶。"
    )
    assert in_year["sentences"][0] == (
        "GMV：年初至今18.5亿元，完成全年目标40.0亿元的46.3%；按去年季节性推算，全年预计39.5亿元，"
        "完成率98.7%；第3季度需完成8.85亿元（原目标9亿元），第4季度需12.65亿元，超过历史最佳季度（10亿元）。"
    )
    # monitoring watches the catch-up targets: Q3 8.85 − 8% = 8.142 → 8.14
    gmv = next(t for t in context["plan"]["targets"] if t["name"] == "GMV")
    assert gmv["target"] == "8.85亿元"
    documents, _, _ = render_plan_documents(
        midyear, 3, ("md", "html", "docx"), charts=False, year=2026
    )
    for fmt in ("md", "html"):
        text = documents[fmt].decode()
        assert "前期回顾" in text and "分季度完成情况" in text
        assert "8.85亿元" in text and "12.65亿元" in text and "年初至今" in text
    english = plan_context(midyear, 3, "en", year=2026)["in_year"]
    assert (
        english["lead"]
        == "After Q1–Q2 2026, of 3 KPIs with an annual target, all are behind their pace."
    )


def test_a_next_year_draft_has_no_in_year_part(midyear):
    assert plan_context(midyear, 1, "zh", year=2027)["in_year"]["active"] is False


def test_metrics_prints_the_same_figures(midyear, tmp_path):
    """``metrics --json --what plan --quarter 2026Q3`` prints the in_year rows: the figures
    above (GMV: 18.5 YTD, 21.5 left, 8.85 / 12.65 by 7 : 10), as JSON numbers."""
    from opsreport.app.analysis import FRAME_COLUMNS

    rows = midyear.rows("in_year")
    assert [row["name"] for row in rows] == ["GMV", "续费率", "缺货率", "客服满意度"]
    gmv = rows[0]
    assert list(gmv) == list(FRAME_COLUMNS["in_year"][0])
    assert (gmv["ytd"], gmv["remaining"], gmv["landing_method"]) == (18.5, 21.5, "seasonal")
    assert [(c["quarter"], c["target"]) for c in gmv["catch_up"]] == [(3, 8.85), (4, 12.65)]
    assert midyear.frame("in_year")["ytd"].tolist()[:3] == [18.5, 44.0, 12.5]


def test_the_command_line_chooses_the_in_year_rows_by_the_quarter(tmp_path):
    import json
    import subprocess
    import sys

    path = write_workbook(tmp_path / "h1.xlsx", IN_YEAR_SHEETS, None)

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "opsreport", "metrics", str(path), *args],
            capture_output=True, text=True, check=False,
        )  # fmt: skip

    in_year = run("--json", "--what", "plan", "--quarter", "Q3")
    assert in_year.returncode == 0 and json.loads(in_year.stdout)[0]["elapsed"] == 2
    next_year = run("--json", "--what", "plan", "--quarter", "2027Q1")
    assert next_year.returncode == 0 and json.loads(next_year.stdout) == []  # no goals
    wrong = run("--what", "kpis", "--quarter", "Q3")
    assert wrong.returncode == 2 and "--quarter goes with --what plan" in wrong.stderr
    past = run("--what", "plan", "--quarter", "2026Q1")
    assert past.returncode != 0 and "2026Q1 has its actuals already" in past.stderr
    assert "Traceback" not in past.stderr


def test_a_kpi_of_the_year_in_progress_is_in_progress_not_without_target(midyear):
    """No annual actual yet, quarters so far: `metrics` says in_progress with its year to
    date (GMV 9 + 9.5 = 18.5 against 8.5 + 10 = 18.5: 100%), the report's status 进行中,
    never 无目标."""
    from opsreport.present.kpi_view import kpi_views

    rows = {row["name"]: row for row in midyear.rows("kpis")}
    assert (rows["GMV"]["in_progress"], rows["GMV"]["ytd"], rows["GMV"]["ytd_attainment"]) == (
        True, 18.5, 1)  # fmt: skip
    assert rows["缺货率"]["ytd_attainment"] == 0.4375  # 1 − (12.5 − 8) / 8
    views = kpi_views(midyear.metrics, "zh")
    assert {view.status_label for view in views.values()} == {"进行中"}
    assert kpi_views(midyear.metrics, "en")["gmv"].status_label == "in progress"


def test_the_annual_report_of_a_year_in_progress_says_the_year_to_date(midyear):
    """The report says each KPI's year so far (no 「本年无实际数据」) and counts the targets it
    has (3 of 4), not 「均未设目标」."""
    from opsreport.present.report_context import build_context

    zh = build_context(midyear.metrics, "zh")
    assert zh["summary"]["opening"].startswith(
        "全年跟踪4项指标，其中3项设有目标，均尚无全年实际数据。"
    )
    gmv = next(k for k in zh["kpis"] if k["name"] == "GMV")
    assert gmv["sentence"] == (
        "GMV：年初至今18.5亿元，完成全年目标40.0亿元的46.3%；按去年季节性推算，全年预计39.5亿元，"
        "完成率98.7%。"
    )
    assert gmv["status_label"] == "进行中"
    en = build_context(midyear.metrics, "en")
    assert "3 with a target, none with an annual actual yet." in en["summary"]["opening"]


def test_met_and_spent_are_said_only_of_totals_that_grow_from_zero(tmp_path):
    """A sum target met early keeps its original pace (ahead); a lower-is-better allowance
    spent gives 0 (overrun); a negative target (a loss allowed) is spread like any total:
    −40 − (−18.5) = −21.5 by 7 : 10 → −8.85 / −12.65."""
    import copy

    sheets = copy.deepcopy(IN_YEAR_SHEETS)
    sheets["kpis"][1][5] = -40
    for row in sheets["periods"][1:]:
        if row[0] == "gmv" and row[1].startswith("2026"):
            row[2], row[3] = -row[2], None
    gmv = _plan(analyze(write_workbook(tmp_path / "loss.xlsx", sheets, None)), "gmv")
    assert gmv.catch_up_method == "seasonal"
    assert [c.target for c in gmv.catch_up] == [D("-8.85"), D("-12.65")]
    sheets = copy.deepcopy(IN_YEAR_SHEETS)
    sheets["kpis"][1][5] = 15  # 18.5 so far: met
    ahead = _plan(analyze(write_workbook(tmp_path / "ahead.xlsx", sheets, None)), "gmv")
    assert ahead.catch_up_method == "ahead" and not any(c.beyond_best for c in ahead.catch_up)
    sheets["kpis"][1][3] = "lower"  # an allowance of 15, 18.5 spent
    spent = _plan(analyze(write_workbook(tmp_path / "spent.xlsx", sheets, None)), "gmv")
    assert spent.catch_up_method == "overrun" and [c.target for c in spent.catch_up] == [0, 0]


def test_check_renders_the_in_year_draft_too(tmp_path):
    """`opsreport check` of a workbook whose year is in progress renders its next quarter's
    in-year draft (2026Q3 after Q1–Q2) beside the plan year's four."""
    import opsreport

    path = write_workbook(tmp_path / "h1.xlsx", IN_YEAR_SHEETS, None)
    (result,) = opsreport.check([path], formats=("md",), jobs=1)
    assert result.errors == [] and "plan-2026Q3.md" in result.rendered


def test_an_in_year_drafts_risks_use_the_re_plans_figures(tmp_path):
    """Judged on Q2 with the re-plan's figures: GMV's annual line (< 38) on its landing
    18.5 + 17 × 18.5 ÷ 15 = 39.47 (1.47 clear, not a single quarter's 9.5); 续费率's
    deviation on Q2's split target 45.5: |44 − 45.5| = 1.5 points > 1 → live alarm."""
    import copy

    from opsreport.engine.risk_judgement import plan_risks

    sheets = copy.deepcopy(IN_YEAR_SHEETS)
    sheets["risks"].append(["GMV不及预期", "gmv", 2, 5, "< 38", "压缩低ROI投放", "王敏"])
    sheets["risks"].append(
        ["续费偏离", "renewal", 2, 3, "偏离目标 > 1个百分点", "权益改版", "李四"]
    )
    analysis = analyze(write_workbook(tmp_path / "risks.xlsx", sheets, None))
    _, gmv, renewal = plan_risks(analysis.metrics, 2026, 3)
    assert gmv.figure == "forecast" and round(gmv.observed, 2) == D("39.47")
    assert not gmv.triggered and round(gmv.margin, 2) == D("1.47")
    assert renewal.triggered and renewal.observed == D("1.5")
    text = plan_context(analysis, 3, "zh", year=2026)["risks"][1]["status"]
    assert text == "未触发：按2026年第2季度实际推算的全年预测39.47亿元，距触发线1.47亿元"
