"""A workbook in the middle of its year: 2026 annual targets, 2025's quarters, 2026 Q1–Q2.

The figures the in-year tests (tests/test_in_year.py) work out by hand:

- GMV (亿元, sum): target 40; 2025 quarters 7 / 8 / 7 / 10 (32); 2026 Q1 9 (typed quarter
  target 8.5), Q2 9.5.
- 续费率 (%, last): target 50, prior year 41; Q1 43, Q2 44.
- 缺货率 (%, avg, lower is better): target 8, prior year 31; Q1 14, Q2 11.
- 客服满意度 (分, avg): no target; Q1 4.5, Q2 4.6 (reviewed, no catch-up).
"""

from __future__ import annotations

from typing import Any

IN_YEAR_SHEETS: dict[str, list[list[Any]]] = {
    "meta": [
        ["key", "value"],
        ["title", "2026年上半年运营回顾与第三季度计划"],
        ["org", "电商运营部"],
        ["year", 2026],
        ["language", "zh"],
    ],
    "kpis": [
        ["id", "name", "unit", "direction", "aggregation", "target", "actual", "prior_year"],
        ["gmv", "GMV", "亿元", "higher", "sum", 40, None, 32],
        ["renewal", "续费率", "%", "higher", "last", 50, None, 41],
        ["oos", "缺货率", "%", "lower", "avg", 8, None, 31],
        ["csat", "客服满意度", "分", "higher", "avg", None, None, 4.4],
    ],
    "periods": [
        ["kpi", "period", "actual", "target"],
        ["gmv", "2025Q1", 7, None],
        ["gmv", "2025Q2", 8, None],
        ["gmv", "2025Q3", 7, None],
        ["gmv", "2025Q4", 10, None],
        ["gmv", "2026Q1", 9, 8.5],
        ["gmv", "2026Q2", 9.5, None],
        ["renewal", "2026Q1", 43, None],
        ["renewal", "2026Q2", 44, None],
        ["oos", "2026Q1", 14, None],
        ["oos", "2026Q2", 11, None],
        ["csat", "2026Q1", 4.5, None],
        ["csat", "2026Q2", 4.6, None],
    ],
    "problems": [
        ["area", "problem", "kpi", "objective", "action"],
        ["供应链", "缺货率居高不下", "oos", "备货模型滞后", "上线智能补货系统"],
        ["会员", "续费提升慢", "renewal", "权益吸引力不足", "会员权益改版"],
    ],
    "tasks": [
        ["phase", "task", "start", "end", "owner", "milestone"],
        ["执行", "上线智能补货系统", "2026-07-01", "2026-08-31", "王五", "补货系统上线"],
        ["执行", "会员权益改版", "2026-04-01", "2026-09-30", "李四", "新权益发布"],
        ["冲刺", "双十一备战", "2026-10-01", "2026-11-15", "张三", None],
    ],
    "risks": [
        ["risk", "kpi", "likelihood", "impact", "threshold", "response", "owner"],
        ["缺货失控", "oos", 3, 4, "> 12", "启动安全库存", "王五"],
    ],
}
