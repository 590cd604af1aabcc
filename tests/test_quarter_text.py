"""A next-year draft's own text (docs/plans.md §6): the starting point of Q2–Q4 and the
problems the quarter's tasks address."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from opsreport.app.analysis import analyze
from opsreport.engine.addressed import problems_addressed
from opsreport.engine.plan_targets import planned_to_date, quarter_targets
from opsreport.present.plan_context import plan_context

from . import builders as b
from .conftest import EN_EXAMPLE, ZH_EXAMPLE

TODAY = dt.date(2027, 1, 15)


def test_a_task_addresses_the_problem_whose_action_it_carries_out():
    problem = b.problem("库存周转慢", action="试点智能补货模型；每季度清理动销率低于20%的SKU")
    tasks = [b.task("智能补货模型试点"), b.task("618大促"), b.task("长尾SKU清理")]
    (found,) = problems_addressed([problem], tasks)
    # 智能补货模型试点 vs 试点智能补货模型: pairs 智能 能补 补货 货模 模型 shared, 5 of 7 ≥ 0.4;
    # 长尾SKU清理 vs 每季度清理…的SKU: 清理 and sku, 2 of 4 (长尾 尾? no: 长尾, 清理 + sku) ≥ 0.4
    assert [t.task for t in found.tasks] == ["智能补货模型试点", "长尾SKU清理"]
    english = b.problem("Low utilisation", action="Route optimisation tool; dispatch pool")
    (match,) = problems_addressed([english], [b.task("Route optimisation pilot (North and East)")])
    assert match.tasks  # route, optimisation: 2 of the tool phrase's 3 words
    assert problems_addressed([english], [b.task("Run peak season operations")]) == []


def test_planned_to_date_is_the_quarters_before_the_one_drafted():
    analysis = analyze(ZH_EXAMPLE)
    gmv = next(t for t in quarter_targets(analysis.metrics) if t.name == "GMV达到58亿元")
    q1, q2, q3, _ = gmv.quarters
    assert planned_to_date(gmv, 1) is None
    assert planned_to_date(gmv, 2) == q1 and planned_to_date(gmv, 4) == q1 + q2 + q3
    members = next(t for t in quarter_targets(analysis.metrics) if t.aggregation == "last")
    assert planned_to_date(members, 3) == members.quarters[1]  # where the path stands
    assert isinstance(q1, D)


def test_each_quarter_of_the_example_has_its_own_text():
    analysis = analyze(ZH_EXAMPLE)
    q1, q2, q4 = (plan_context(analysis, q, today=TODAY)["plan"] for q in (1, 2, 4))
    assert q1["starting_point"] == []  # Q1 starts from the year-end figures
    gmv = next(s for s in q2["starting_point"] if s.startswith("GMV达到58亿元"))
    # Q1's 12.0 of 58.0 = 20.69% → 20.7%
    assert (
        gmv
        == "GMV达到58亿元：第1季度计划累计12.0亿元（全年目标58.0亿元的20.7%），本季度目标13.8亿元。"
    )
    tasks = {p["problem"][:5]: p["tasks"] for p in q2["problems"]}
    assert tasks["用户留存率"] == "新客30天培育旅程上线、会员权益分层改版"
    assert q2["problems_other"] == 4 - len(q2["problems"])
    assert q4["problems"] == [] or q4["problems"] != q2["problems"]


def test_the_english_example_says_which_tasks_and_how_many_are_left():
    plan = plan_context(analyze(EN_EXAMPLE), 4, today=TODAY)["plan"]
    (problem,) = plan["problems"]
    assert problem["tasks"] == "Service contract renewal campaign"
    assert plan["problems_other"] == 3
