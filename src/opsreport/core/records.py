"""Typed records of a validated workbook.

The loader builds these; the engine reads them. They hold parsed values only
(Decimals in the KPI's own unit, dates, enums), never display text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from opsreport.core.periods import Period
from opsreport.core.units import UnitInfo, parse_unit

__all__ = [
    "VALUE_KINDS",
    "BreakdownRow",
    "Campaign",
    "Diagnostic",
    "Goal",
    "Kpi",
    "Location",
    "Meta",
    "PeriodValue",
    "Problem",
    "Report",
    "Resource",
    "Risk",
    "Task",
    "Threshold",
    "ValueRow",
]

# The kinds of a value row (the value sheet's 类型): what the KPI's result was worth.
VALUE_KINDS = ("gain", "saving", "cash", "loss")


@dataclass(frozen=True)
class Location:
    """Where a value came from, so that every problem can point at its cell."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def cell(self) -> str | None:
        if self.row is None:
            return None
        return f"{self.column}{self.row}" if self.column else f"row {self.row}"

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.cell:
            parts.append(self.cell)
        return " › ".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the input: an error stops the build, a warning does not."""

    severity: str  # "error" | "warning"
    message: str
    location: Location
    hint: str = ""
    code: str = ""
    template: str | None = None  # a template problem: the template file at fault …
    template_line: int | None = None  # … and its line (text templates only)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        record: dict[str, object] = {
            "severity": self.severity,
            "code": self.code,
            "file": self.location.file,
            "sheet": self.location.sheet,
            "cell": self.location.cell,
            "row": self.location.row,
            "column": self.location.column,
            "message": self.message,
            "hint": self.hint,
        }
        if self.template:
            record["template"] = self.template
            record["template_line"] = self.template_line
        return record


@dataclass(frozen=True)
class Meta:
    title: str | None = None
    org: str | None = None
    year: int | None = None
    plan_year: int | None = None
    author: str | None = None
    language: str | None = None
    company_goals: str | None = None  # 公司目标: the company's goals the opening starts from
    mandate: str | None = None  # 部门目标: what the unit was asked to deliver
    date: dt.date | None = None  # 报告日期; None: the presentation uses the build date
    extra: dict[str, str] = field(default_factory=dict)
    warning_tolerance: Decimal | None = None  # 预警容差: percent of an amount target
    warning_tolerance_pp: Decimal | None = None  # 预警容差（百分点）: points of a rate target


@dataclass(frozen=True)
class Kpi:
    """One KPI row. ``key`` is its id, or its name when it has no id."""

    key: str
    name: str
    id: str | None = None
    group: str | None = None
    unit: str = ""
    direction: str = "higher"
    target: Decimal | None = None
    actual: Decimal | None = None
    prior_year: Decimal | None = None
    next_target: Decimal | None = None
    base: Decimal | None = None
    base_name: str | None = None
    aggregation: str = "sum"
    aggregation_inferred: bool = True
    weight: Decimal | None = None
    owner: str | None = None
    source: str | None = None
    note: str | None = None
    location: Location | None = None
    benchmark: Decimal | None = None  # 行业基准, in the KPI's unit
    benchmark_name: str | None = None  # 基准口径; None: presented as 行业均值 / industry average
    # 目标增幅 against the prior year: percent for amounts (30 = +30%, target = prior × 1.3),
    # percentage points for rates (3 = +3 pp, target = prior + 3).
    target_growth: Decimal | None = None
    drivers: tuple[str, ...] = ()  # keys of the KPIs that explain this one (驱动指标), in order

    @property
    def unit_info(self) -> UnitInfo:
        return parse_unit(self.unit)

    @property
    def is_rate(self) -> bool:
        return self.unit_info.is_rate

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better."""
        return -1 if self.direction == "lower" else 1


@dataclass(frozen=True)
class PeriodValue:
    kpi: str  # the KPI's key
    period: Period
    actual: Decimal | None = None
    target: Decimal | None = None
    prior_year: Decimal | None = None
    location: Location | None = None


@dataclass(frozen=True)
class BreakdownRow:
    dimension: str
    item: str
    kpi: str  # the KPI's key
    actual: Decimal | None = None
    prior_year: Decimal | None = None
    target: Decimal | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Problem:
    area: str | None
    problem: str
    kpi: str | None = None
    subjective: str | None = None
    objective: str | None = None
    impact: str | None = None
    action: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Goal:
    goal: str
    kpi: str | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    unit: str = ""
    direction: str = "higher"
    deadline: dt.date | None = None
    owner: str | None = None
    measure: str | None = None
    aligns_to: str | None = None
    base: Decimal | None = None  # 占比基数: the total the target is a share of, in the goal's unit
    base_name: str | None = None  # 基数名称, e.g. 公司新增利润
    quarter_targets: tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None] = (
        None,
        None,
        None,
        None,
    )
    location: Location | None = None

    @property
    def sign(self) -> int:
        return -1 if self.direction == "lower" else 1


@dataclass(frozen=True)
class Task:
    phase: str | None
    task: str
    start: dt.date | None = None
    end: dt.date | None = None
    owner: str | None = None
    milestone: str | None = None
    deliverable: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Threshold:
    """A risk trigger: ``value`` compares the KPI's actual, ``dev`` its |ΔPL%|."""

    kind: str  # "value" | "dev"
    operator: str  # "<", "<=", ">", ">="
    limit: Decimal  # in the KPI's unit, or for "dev" in percent (points when in_points)
    text: str
    in_points: bool = False  # a "dev" in percentage points: |actual − target| of a rate KPI

    def holds(self, observed: Decimal) -> bool:
        return {
            "<": observed < self.limit,
            "<=": observed <= self.limit,
            ">": observed > self.limit,
            ">=": observed >= self.limit,
        }[self.operator]


@dataclass(frozen=True)
class Risk:
    risk: str
    category: str | None = None
    likelihood: int | None = None
    impact: int | None = None
    kpi: str | None = None
    threshold: Threshold | None = None
    response: str | None = None
    owner: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Resource:
    """One row of the resources sheet. ``start``/``end`` date it (a delivery is its end);
    ``task`` names a row of the tasks sheet whose dates it takes when it has none of its
    own (see ``engine.quarter_resources``)."""

    category: str
    item: str | None = None
    amount: Decimal | None = None
    unit: str = ""
    note: str | None = None
    location: Location | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    task: str | None = None


@dataclass(frozen=True)
class ValueRow:
    """One row of the value sheet: what a KPI's result was worth (释放费用空间3.1亿元).

    ``kind`` is one of :data:`VALUE_KINDS`; losses are kept apart from the rest in totals.
    """

    kpi: str  # the KPI's key
    amount: Decimal
    kind: str  # "gain" | "saving" | "cash" | "loss"
    label: str | None = None
    unit: str = ""
    location: Location | None = None


@dataclass(frozen=True)
class Campaign:
    """One row of the campaigns sheet (活动复盘): a campaign of a quarter, what it cost and did.

    ``quarter`` is the quarter it ran in (a month given is counted in its quarter; the
    year defaults to the report's); ``investment`` is in ``unit`` (the unit column's)."""

    name: str
    quarter: Period | None = None
    theme: str | None = None
    investment: Decimal | None = None
    unit: str = ""
    kpi: str | None = None  # the KPI's key
    result: str | None = None
    feedback: str | None = None
    location: Location | None = None


@dataclass
class Report:
    """A validated workbook. ``sheets`` names the optional sheets that were present."""

    source: Path
    meta: Meta
    kpis: list[Kpi]
    periods: list[PeriodValue] = field(default_factory=list)
    breakdown: list[BreakdownRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    values: list[ValueRow] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    sheets: frozenset[str] = frozenset()
    warnings: list[Diagnostic] = field(default_factory=list)

    def kpi(self, key: str) -> Kpi:
        return self._index()[key]

    def _index(self) -> dict[str, Kpi]:
        index = getattr(self, "_kpi_index", None)
        if index is None:
            index = {kpi.key: kpi for kpi in self.kpis}
            self._kpi_index = index
        return index
