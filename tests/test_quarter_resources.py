"""Resources by date (issue 14, deliverable 3): each rule with its arithmetic written out,
the workbook columns, and hostile dates and references."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from opsreport.engine.quarter_resources import (
    largest_remainder,
    quarter_days,
    resource_kind,
    resource_schedule,
    resource_schedules,
)
from opsreport.io.workbook import WorkbookError, load_report

from . import builders as b


def _one(resource, tasks=(), year=2027):
    found = resource_schedules([resource], list(tasks), year)
    assert len(found) == 1
    return found[0]


# -- money: by days ---------------------------------------------------------------------


def test_spend_is_split_by_days_and_adds_up_exactly():
    # 投放预算 1200万元 2027-02-15–2027-08-14 (2027 is no leap year):
    #   Q1: Feb 15–28 = 14 days + March 31 = 45 days
    #   Q2: April 30 + May 31 + June 30 = 91 days
    #   Q3: July 31 + Aug 1–14 = 14 → 45 days; Q4: 0; in all 45 + 91 + 45 = 181 days
    #   1200 × 45 / 181 = 298.3425…, 1200 × 91 / 181 = 603.3149…, Q3 = Q1 = 298.3425…
    #   rounded down to cents: 298.34 + 603.31 + 298.34 = 1199.99; the 0.01 left goes to
    #   the largest remainder: Q2's 0.0049… beats Q1's and Q3's 0.0025… → 603.32
    s = _one(b.resource("预算", item="投放预算", amount=1200, unit="万元",
                        start="2027-02-15", end="2027-08-14"))  # fmt: skip
    assert s.kind == "money" and s.basis == "days" and not s.from_task
    assert s.days == (45, 91, 45, 0) and s.total_days == 181
    assert s.quarters == (D("298.34"), D("603.32"), D("298.34"), D("0.00"))
    assert sum(s.quarters) == D(1200)


def test_a_full_year_of_spend_by_days_is_not_quite_a_quarter_each():
    # 3200万元 2027-01-01–2027-12-31: 90 / 91 / 92 / 92 days of 365
    #   3200 × 90/365 = 789.0410…, × 91/365 = 797.8082…, × 92/365 = 806.5753… (twice)
    #   floors 789.04 + 797.80 + 806.57 + 806.57 = 3199.98; 0.02 left: remainders
    #   0.0010, 0.0082, 0.0053, 0.0053 → Q2 and Q3 (the tie goes to the earlier) get 0.01
    s = _one(b.resource("预算", amount=3200, unit="万元", start="2027-01-01", end="2027-12-31"))
    assert s.days == (90, 91, 92, 92)
    assert s.quarters == (D("789.04"), D("797.81"), D("806.58"), D("806.57"))
    assert sum(s.quarters) == 3200


def test_spend_keeps_the_places_it_was_typed_with_when_finer_than_cents():
    # 1.0001 USD over 2027-01-01–2027-06-30 = 90 + 91 = 181 days, at 4 places:
    #   1.0001 × 90/181 = 0.49728…, × 91/181 = 0.50281… → floors 0.4972 + 0.5028 = 1.0000;
    #   the 0.0001 left goes to Q1 (remainder 0.000085 > Q2's 0.000017) → 0.4973 + 0.5028
    s = _one(b.resource("预算", amount="1.0001", unit="USD", start="2027-01-01",
                        end="2027-06-30"))  # fmt: skip
    assert s.quarters[:2] == (D("0.4973"), D("0.5028")) and sum(s.quarters) == D("1.0001")


def test_spend_with_only_an_end_runs_from_the_first_day_of_the_plan_year():
    # 90万元 until 2027-06-30: 2027-01-01–06-30 = 90 + 91 = 181 days
    #   90 × 90/181 = 44.7513… → 44.75; 90 × 91/181 = 45.2486… → 45.24; 89.99, 0.01 left:
    #   remainders 0.0013 and 0.0086 → Q2: 45.25
    s = _one(b.resource("预算", amount=90, unit="万元", end="2027-06-30"))
    assert (s.start, s.end) == (dt.date(2027, 1, 1), dt.date(2027, 6, 30))
    assert s.quarters == (D("44.75"), D("45.25"), D("0.00"), D("0.00"))


def test_spend_with_only_a_start_runs_to_the_last_day_of_the_plan_year():
    # 92万元 from 2027-10-01: Q4 = 92 days of 92 → all 92 in Q4
    s = _one(b.resource("预算", amount=92, unit="万元", start="2027-10-01"))
    assert s.quarters == (D(0), D(0), D(0), D("92.00"))


def test_spend_across_the_year_boundary_counts_only_the_plan_years_days():
    # 730万元 2026-07-01–2027-06-30 = 184 + 181 = 365 days (2 万元 a day);
    #   the plan year 2027 holds 90 + 91 of them → 180 + 182 = 362万元; Q3, Q4 nothing;
    #   the 368万元 of 2026 fall in no quarter of 2027
    s = _one(b.resource("预算", amount=730, unit="万元", start="2026-07-01", end="2027-06-30"))
    assert s.total_days == 365 and s.days == (90, 91, 0, 0)
    assert s.quarters == (D("180.00"), D("182.00"), D("0.00"), D("0.00"))


def test_spend_entirely_in_another_year_falls_in_no_quarter():
    s = _one(b.resource("预算", amount=100, unit="万元", start="2026-01-01", end="2026-12-31"))
    assert s.quarters == (0, 0, 0, 0) and s.basis == "days"


def test_spend_over_29_february():
    # 2028 is a leap year: 2028-02-01–2028-03-31 = 29 + 31 = 60 days, all in Q1;
    #   2028-02-29 alone: 1 day → the whole 7万元 in Q1
    s = _one(b.resource("预算", amount=60, unit="万元", start="2028-02-01", end="2028-03-31"),
             year=2028)  # fmt: skip
    assert s.total_days == 60 and s.quarters[0] == D("60.00")
    leap = _one(b.resource("预算", amount=7, unit="万元", start="2028-02-29", end="2028-02-29"),
                year=2028)  # fmt: skip
    assert leap.days == (1, 0, 0, 0) and leap.quarters[0] == D("7.00")
    assert quarter_days(dt.date(2028, 1, 1), dt.date(2028, 12, 31), 2028) == (91, 91, 92, 92)


def test_huge_spend_still_adds_up_to_the_cent():
    # 999,999,999,999,999.99 (just under the figure limit 10^15) over 2027: 90/91/92/92
    #   of 365 days; the four quarters add up exactly, each within a cent of amount × d/365
    amount = D("999999999999999.99")
    s = _one(b.resource("预算", amount=amount, unit="元", start="2027-01-01", end="2027-12-31"))
    assert sum(s.quarters) == amount
    for quarter, days in zip(s.quarters, (90, 91, 92, 92), strict=True):
        assert abs(quarter - amount * days / 365) < D("0.01")


def test_largest_remainder_ties_and_zero_weights():
    # 1 over weights 1, 1, 1 of 3 at 0 places: 0.33… each → floors 0; 1 unit left → Q1
    assert largest_remainder(D(1), (1, 1, 1, 0), 3, 0) == (1, 0, 0, 0)
    assert largest_remainder(D(5), (0, 0, 0, 0), 10, 2) == (0, 0, 0, 0)


# -- one-off items: at delivery ----------------------------------------------------------


def test_a_system_is_there_in_the_quarter_of_its_delivery_only():
    # BI平台 1套 delivered 2027-06-30 → Q2 1套; Q1, Q3, Q4 nothing (was 1套 × 4 = 4套)
    s = _one(b.resource("技术", item="BI平台", amount=1, unit="套", end="2027-06-30"))
    assert s.kind == "other" and s.basis == "delivery"
    assert s.quarters == (0, 1, 0, 0)


def test_a_one_off_item_with_only_a_start_is_delivered_on_it():
    s = _one(b.resource("技术", amount=2, unit="套", start="2027-11-15"))
    assert s.quarters == (0, 0, 0, 2)


def test_a_delivery_in_another_year_is_in_no_quarter():
    s = _one(b.resource("技术", amount=1, unit="套", end="2028-01-15"))
    assert s.quarters == (0, 0, 0, 0)


# -- people: from the start date on -----------------------------------------------------


def test_people_count_in_full_from_the_quarter_they_start_in():
    # 6人 from 2027-05-01: Q1 none (no day in post), Q2 6 (61 of 91 days in post still
    #   counts the full 6 heads), Q3 6, Q4 6
    s = _one(b.resource("人力", amount=6, unit="人", start="2027-05-01"))
    assert s.kind == "people" and s.basis == "in_post"
    assert s.quarters == (0, 6, 6, 6)


def test_people_with_an_end_date_leave_after_it():
    # 2 FTE 2027-03-15–2027-08-31: Q1 (17 days), Q2, Q3 (62 days) in post; Q4 none
    s = _one(b.resource("人力", amount=2, unit="FTE", start="2027-03-15", end="2027-08-31"))
    assert s.days == (17, 91, 62, 0) and s.quarters == (2, 2, 2, 0)


def test_people_hired_last_year_are_in_post_all_year():
    s = _one(b.resource("人力", amount=3, unit="人", start="2026-09-01"))
    assert s.quarters == (3, 3, 3, 3)


# -- by the task's dates ----------------------------------------------------------------


def test_a_row_without_dates_takes_its_tasks_dates():
    # task 2027-04-01–2027-09-30 = 91 + 92 = 183 days; 183万元 → 91 and 92
    task = b.task("BI平台升级上线", start="2027-04-01", end="2027-09-30")
    s = _one(b.resource("预算", amount=183, unit="万元", task="BI平台升级上线"), [task])
    assert s.from_task and (s.start, s.end) == (task.start, task.end)
    assert s.quarters == (D("0.00"), D("91.00"), D("92.00"), D("0.00"))
    system = _one(b.resource("技术", amount=1, unit="套", task="BI平台升级上线"), [task])
    assert system.quarters == (0, 0, 1, 0)  # delivered at the task's end, 09-30


def test_a_row_with_own_dates_and_a_task_uses_its_own_dates():
    task = b.task("T", start="2027-04-01", end="2027-09-30")
    s = _one(b.resource("技术", amount=1, unit="套", end="2027-02-01", task="T"), [task])
    assert not s.from_task and s.quarters == (1, 0, 0, 0)


def test_a_row_whose_task_has_no_dates_is_undated():
    task = b.task("T")
    s = _one(b.resource("预算", amount=100, unit="万元", task="T"), [task])
    assert s.basis == "even" and s.quarters == (25, 25, 25, 25)


def test_an_unknown_task_in_a_hand_built_record_leaves_the_row_undated():
    s = resource_schedule(b.resource("预算", amount=4, unit="万元", task="nope"), {}, 2027)
    assert s is not None and s.basis == "even"


# -- undated ------------------------------------------------------------------------------


def test_undated_rows_keep_the_old_rule_labelled_even():
    # 450万元 ÷ 4 = 112.50 each; 10万元 ÷ 4 = 2.50; 1万元 ÷ 4 = 0.25
    #   0.01万元 ÷ 4 = 0.0025 → floors 0.00 × 4, 0.01 left → Q1 (the tie goes to the earlier)
    money = _one(b.resource("预算", amount=450, unit="万元"))
    assert money.basis == "even" and money.quarters == (D("112.50"),) * 4
    cent = _one(b.resource("预算", amount="0.01", unit="万元"))
    assert cent.quarters == (D("0.01"), D("0.00"), D("0.00"), D("0.00"))
    people = _one(b.resource("人力", amount=6, unit="人"))
    assert people.quarters == (6, 6, 6, 6)
    system = _one(b.resource("技术", amount=1, unit="套"))
    assert system.quarters == (1, 1, 1, 1)


def test_rows_without_an_amount_have_no_schedule():
    assert resource_schedules([b.resource("预算", item="待定", unit="万元")], [], 2027) == []


def test_resource_kind_by_unit():
    assert [resource_kind(u) for u in ("人", "FTE", "万元", "k USD", "套", "")] == [
        "people", "people", "money", "money", "other", "other",
    ]  # fmt: skip


def test_builders_refuse_an_end_before_the_start():
    with pytest.raises(ValueError, match="ends"):
        b.resource("预算", amount=1, unit="万元", start="2027-05-01", end="2027-04-01")


# -- the workbook -----------------------------------------------------------------------


def _sheets(basic_sheets, resources, tasks=None):
    sheets = dict(basic_sheets)
    sheets["tasks"] = tasks or [
        ["task", "start", "end"],
        ["BI升级", dt.date(2027, 4, 1), dt.date(2027, 9, 30)],
    ]
    sheets["resources"] = resources
    return sheets


def test_the_loader_reads_dates_and_the_task_in_both_languages(make_workbook, basic_sheets):
    en = load_report(make_workbook(_sheets(basic_sheets, [
        ["category", "item", "amount", "unit", "start", "end", "task"],
        ["Budget", "Ads", 1200, "万元", dt.date(2027, 2, 15), dt.date(2027, 8, 14), None],
        ["Tech", "BI", 1, "套", None, None, "bi升级"],
    ])))  # fmt: skip
    ads, bi = en.resources
    assert (ads.start, ads.end, ads.task) == (dt.date(2027, 2, 15), dt.date(2027, 8, 14), None)
    assert bi.task == "BI升级"  # as the tasks sheet spells it
    zh = load_report(make_workbook(_sheets(basic_sheets, [
        ["类别", "项目", "金额", "单位", "开始日期", "交付日期", "关联任务"],
        ["技术", "BI", 1, "套", None, dt.date(2027, 6, 30), None],
    ])))  # fmt: skip
    assert zh.resources[0].end == dt.date(2027, 6, 30)


def test_an_unknown_task_is_an_error_naming_the_cell(make_workbook, basic_sheets):
    path = make_workbook(_sheets(basic_sheets, [
        ["category", "item", "amount", "unit", "task"],
        ["Tech", "BI", 1, "套", "BI升级"],
        ["Tech", "CRM", 1, "套", "no such task"],
    ]))  # fmt: skip
    with pytest.raises(WorkbookError) as info:
        load_report(path)
    (error,) = info.value.errors
    assert error.code == "unknown_task" and "task: unknown task 'no such task'" in str(error)
    assert "resources" in str(error) and "E3" in str(error) and "'BI升级'" in error.hint


def test_a_task_name_two_tasks_share_is_an_error(make_workbook, basic_sheets):
    path = make_workbook(
        _sheets(
            basic_sheets,
            [
                ["category", "amount", "unit", "task"],
                ["Tech", 1, "套", "复盘"],
            ],
            tasks=[["task", "end"], ["复盘", dt.date(2027, 3, 31)], ["复盘", dt.date(2027, 6, 30)]],
        )
    )
    with pytest.raises(WorkbookError) as info:
        load_report(path)
    assert "task: the name '复盘' fits 2 tasks" in str(info.value.errors[0])
    assert "D2" in str(info.value.errors[0])


def test_a_task_reference_without_a_tasks_sheet_is_an_error(make_workbook, basic_sheets):
    sheets = dict(basic_sheets)
    sheets["resources"] = [["category", "amount", "unit", "task"], ["Tech", 1, "套", "X"]]
    with pytest.raises(WorkbookError) as info:
        load_report(make_workbook(sheets))
    assert "unknown task 'X'" in str(info.value.errors[0])


def test_a_resource_ending_before_it_starts_is_an_error(make_workbook, basic_sheets):
    path = make_workbook(_sheets(basic_sheets, [
        ["category", "amount", "unit", "start", "end"],
        ["Budget", 1, "万元", dt.date(2027, 5, 1), dt.date(2027, 4, 1)],
    ]))  # fmt: skip
    with pytest.raises(WorkbookError) as info:
        load_report(path)
    text = str(info.value.errors[0])
    assert "the resource ends (2027-04-01) before it starts (2027-05-01)" in text and "E2" in text


# -- the plan draft's rows -----------------------------------------------------------------


def _draft(quarter, resources, tasks=(), lang="zh"):
    from opsreport.present.plan_context import plan_context

    report = b.report(
        [b.kpi("直接利润", unit="亿元", target=8, actual=8.37)],
        meta=b.meta(year=2026, language=lang),
        resources=resources,
        tasks=list(tasks),
    )
    return plan_context(b.analysis(report), quarter, today=dt.date(2027, 1, 15))["plan"]


_RESOURCES = [
    b.resource("人力", item="新增运营专员", amount=6, unit="人", start="2027-05-01"),
    b.resource("预算", item="投放预算", amount=1200, unit="万元", start="2027-02-15",
               end="2027-08-14"),
    b.resource("预算", item="培训", amount=60, unit="万元"),
    b.resource("技术", item="BI平台", amount=1, unit="套", task="BI平台升级上线"),
    b.resource("技术", item="补货模型", amount=1, unit="套", end="2027-06-30"),
]  # fmt: skip
_TASKS = [b.task("BI平台升级上线", start="2027-04-01", end="2027-09-30")]


def test_each_quarter_shows_what_falls_in_it_and_says_by_which_rule():
    q1, q2, q3, q4 = (_draft(q, _RESOURCES, _TASKS)["resources"] for q in (1, 2, 3, 4))
    # Q1: 投放预算 45 of 181 days = 298.34万元 (see the first test), 培训 60 ÷ 4 = 15万元;
    #     the hire (05-01) and both systems (09-30, 06-30) fall later: not listed
    assert [(r["item"], r["quarter"], r["basis"]) for r in q1] == [
        ("投放预算", "298.34万元", "按天数分摊 2027-02-15–2027-08-14（本季度45/181天）"),
        ("培训", "15万元", "全年平均（未排期）"),
    ]
    # Q2: the hire in post from 05-01 (6人), 603.32万元 (91 days), 15万元, 补货模型 delivered
    assert [(r["item"], r["quarter"], r["basis"]) for r in q2] == [
        ("新增运营专员", "6人", "自 2027-05-01 起在岗"),
        ("投放预算", "603.32万元", "按天数分摊 2027-02-15–2027-08-14（本季度91/181天）"),
        ("培训", "15万元", "全年平均（未排期）"),
        ("补货模型", "1套", "交付于 2027-06-30"),
    ]
    # Q3: BI平台 at its task's end, 09-30
    assert ("BI平台", "1套", "交付于 2027-09-30，按任务「BI平台升级上线」") in [
        (r["item"], r["quarter"], r["basis"]) for r in q3
    ]
    assert [r["item"] for r in q4] == ["新增运营专员", "培训"]


def test_the_quarter_total_adds_up_per_unit():
    plan = _draft(2, _RESOURCES, _TASKS)
    # 6人; 603.32 + 15 = 618.32万元; 1套
    assert plan["resources_total"] == "本季度合计：6人、618.32万元、1套"
    en = _draft(1, _RESOURCES[1:3], lang="en")
    # 298.34 + 15 = 313.34万元 → en writes 万元 as k CNY × 10: 3,133.4 k CNY
    assert en["resources_total"] == "Quarter total: 3,133.4 k CNY"
    assert [r["basis"] for r in en["resources"]] == [
        "by days, 2027-02-15–2027-08-14 (45 of 181 days)",
        "spread evenly, no dates",
    ]
    assert _draft(1, [])["resources_total"] == ""


def test_the_year_sums_to_the_amount_over_the_four_drafts():
    # 投放预算: 298.34 + 603.32 + 298.34 + 0 = 1200; 培训: 15 × 4 = 60
    rows = [r for q in (1, 2, 3, 4) for r in _draft(q, _RESOURCES[1:3])["resources"]]
    spend = sum(D(r["quarter"].removesuffix("万元")) for r in rows if r["item"] == "投放预算")
    training = sum(D(r["quarter"].removesuffix("万元")) for r in rows if r["item"] == "培训")
    assert (spend, training) == (1200, 60)


# -- metrics --json --what resources ---------------------------------------------------------


def test_metrics_json_gives_the_dates_and_the_four_quarters():
    from opsreport.app.analysis import FRAME_COLUMNS, analyze

    from .conftest import ZH_EXAMPLE

    rows = {r["item"]: r for r in analyze(ZH_EXAMPLE).rows("resources")}
    assert list(next(iter(rows.values()))) == list(FRAME_COLUMNS["resources"][0])
    spend = rows["投放预算"]
    # 3,200万元 2027-01-01–12-31: 789.04 / 797.81 / 806.58 / 806.57 (see above)
    assert (spend["start"], spend["end"], spend["basis"]) == ("2027-01-01", "2027-12-31", "days")
    assert [spend[f"q{q}"] for q in range(1, 5)] == [789.04, 797.81, 806.58, 806.57]
    system = rows["系统建设"]
    # by the task BI平台升级上线, 2027-04-01–09-30 = 91 + 92 = 183 days:
    #   450 × 91/183 = 223.770… → 223.77; 450 × 92/183 = 226.229… → 226.22, +0.01 (the
    #   larger remainder, 0.0095 vs 0.0049) → 226.23
    assert system["task"] == "BI平台升级上线" and system["start"] is None
    assert [system[f"q{q}"] for q in range(1, 5)] == [0, 223.77, 226.23, 0]
    assert [rows["培训"][f"q{q}"] for q in range(1, 5)] == [15, 15, 15, 15]
    assert [rows["智能补货模型"][f"q{q}"] for q in range(1, 5)] == [0, 1, 0, 0]


# -- tasks by date ---------------------------------------------------------------------


def test_a_task_with_only_an_end_is_in_the_quarter_of_its_end_and_its_milestone_too():
    from opsreport.engine.plan_targets import tasks_in_quarter

    deadline = b.task("合同续签", end="2027-06-30", milestone="续签完成")
    assert [tasks_in_quarter([deadline], 2027, q) for q in (1, 2, 3, 4)] == [
        [], [deadline], [], [],
    ]  # fmt: skip
    plan = _draft(2, [], [deadline])
    (task,) = [t for phase in plan["phases"] for t in phase["tasks"]]
    assert (task["start"], task["end"], task["carries_over"]) == ("", "2027-06-30", False)
    assert [m["date"] for m in plan["milestones"]] == ["2027-06-30"]
    assert plan["undated"] == [] and _draft(1, [], [deadline])["milestones"] == []


def test_a_task_across_the_year_boundary_is_in_the_plan_years_quarter_it_reaches():
    from opsreport.engine.plan_targets import tasks_in_quarter

    # 2026-11-01–2027-02-28 reaches Q1 2027 (carried over from 2026) and its milestone,
    # reached 02-28, is Q1's; 2027-11-15–2028-01-31 is in Q4 2027, carried into 2028, and
    # its milestone falls in 2028: in no quarter of the 2027 draft
    before = b.task("年货节", start="2026-11-01", end="2027-02-28", milestone="年货节复盘")
    after = b.task("双12", start="2027-11-15", end="2028-01-31", milestone="年末复盘")
    tasks = [before, after]
    assert [tasks_in_quarter(tasks, 2027, q) for q in (1, 2, 3, 4)] == [
        [before], [], [], [after],
    ]  # fmt: skip
    q1, q4 = _draft(1, [], tasks), _draft(4, [], tasks)
    assert [t["carries_over"] for p in q1["phases"] for t in p["tasks"]] == [True]
    assert [m["milestone"] for m in q1["milestones"]] == ["年货节复盘"]
    assert [t["carries_over"] for p in q4["phases"] for t in p["tasks"]] == [True]
    assert q4["milestones"] == []
    # the resources by such a task count only 2027's days: 120万元 over 2026-11-01–2027-02-28
    #   = 30 + 31 + 31 + 28 = 120 days (1万元 a day); 2027 holds 59 of them → 59万元 in Q1
    spend = _one(b.resource("预算", amount=120, unit="万元", task="年货节"), tasks)
    assert spend.total_days == 120 and spend.quarters[0] == D("59.00")


def test_the_english_rule_names_the_task_whose_dates_it_took():
    # 183 k USD by the task 2027-04-01–09-30 (91 + 92 = 183 days): 91 in Q2
    plan = _draft(2, [b.resource("Tech", item="BI", amount=183, unit="k USD",
                                 task="BI平台升级上线")], _TASKS, lang="en")  # fmt: skip
    (row,) = plan["resources"]
    assert row["quarter"] == "91 k USD"
    assert row["basis"] == (
        "by days, 2027-04-01–2027-09-30 (91 of 183 days), dates of the task BI平台升级上线"
    )


def test_the_rule_in_words_for_people_with_an_end_and_a_delivery_with_only_a_start():
    from opsreport.present.plan_resources import basis_text

    leaves = _one(b.resource("人力", amount=2, unit="人", start="2027-03-15", end="2027-08-31"))
    until = _one(b.resource("人力", amount=1, unit="人", end="2027-05-31"))
    early = _one(b.resource("技术", amount=1, unit="套", start="2027-11-15"))
    assert basis_text(leaves, 3, "zh") == "2027-03-15 至 2027-08-31 在岗"
    assert basis_text(until, 1, "en") == "in post until 2027-05-31"
    assert until.quarters == (1, 1, 0, 0)  # 2027-01-01–05-31: Q1 and Q2
    assert basis_text(early, 4, "zh") == "交付于 2027-11-15"
