"""The shapes of what templates receive: the report and plan contexts as TypedDicts.

A TypedDict is a plain dict at runtime, so templates still see plain data; the types
let mypy check every builder and reader against one definition, and
docs/templates.md §5 is tested against them key by key (tests/test_docs.py). Every
key is always present: a missing figure is ``"–"`` or ``""`` (formatted) or
``None`` (``*_value`` numbers, flags), never an absent key.
"""

from __future__ import annotations

from typing import TypedDict

__all__ = [
    "AnnualContext",
    "Breakdown",
    "BreakdownRow",
    "CatchUpRow",
    "ChartEntry",
    "Goal",
    "Group",
    "GroupMore",
    "InYear",
    "InYearLabels",
    "KpiRow",
    "Meta",
    "Milestone",
    "Phase",
    "Plan",
    "PlanContext",
    "PlanLabels",
    "PlanPhase",
    "PlanProblem",
    "PlanResource",
    "PlanSections",
    "PlanTarget",
    "PlanTask",
    "Problem",
    "ProblemArea",
    "QuarterRow",
    "QuarterSeriesItem",
    "QuarterTextLabels",
    "ReportContext",
    "ResourceCategory",
    "ResourceItem",
    "ResourceTotal",
    "Resources",
    "ReviewQuarterRow",
    "ReviewRow",
    "RiskItem",
    "Sections",
    "SmartCheck",
    "TargetFields",
    "TaskRow",
    "Tasks",
    "TemplateContext",
    "WordExtras",
]


class Meta(TypedDict):
    """The report's title, team, years, author and build date (§5.2)."""

    title: str
    org: str
    year: int | str  # "" when the workbook names no year
    plan_year: int
    author: str
    date: str  # ISO
    extra: dict[str, str]  # the meta sheet's other settings


class Summary(TypedDict):
    """The opening (headline, counts, score, next year's first goals), the close and the
    overall counts (§5.3)."""

    context: str  # the company's goals and the unit's mandate ("" without them)
    headline: str
    opening: str
    commitment: str
    closing: str
    lead_kpi: str | None  # that KPI's key; None without KPIs
    headline_kpis: list[str]  # the keys of the KPIs the headline names, lead first
    total: int
    rated: int
    met: int
    near: int
    missed: int
    unrated: int
    score: str
    score_value: float | None
    scored: int
    risks_triggered: int
    goals_not_smart: int


class KpiRow(TypedDict):
    """One KPI with every figure formatted once at its display places (§5.5)."""

    key: str
    id: str
    name: str
    group: str
    unit: str
    is_rate: bool
    direction: str
    direction_label: str
    actual: str
    target: str
    prior_year: str
    next_target: str
    base: str
    base_name: str
    actual_number: str
    target_number: str
    prior_year_number: str
    var_target: str
    var_target_pct: str
    var_prior: str
    var_prior_pct: str
    delta_target: str
    delta_prior: str
    attainment: str
    share: str
    next_change: str
    next_change_pct: str
    status: str | None  # met, near, missed; None without a target
    status_label: str
    good_target: bool | None
    good_prior: bool | None
    sentence: str
    owner: str
    source: str
    note: str
    weight: str
    actual_value: float | None
    target_value: float | None
    prior_year_value: float | None
    next_target_value: float | None
    attainment_value: float | None
    var_target_value: float | None
    var_target_pct_value: float | None
    var_prior_value: float | None
    var_prior_pct_value: float | None
    share_value: float | None


class GroupMore(TypedDict):
    """The KPIs of a dimension not listed one by one, counted by status (§5.4)."""

    count: int
    met: int
    near: int
    missed: int
    text: str


class Group(TypedDict):
    """One dimension: its featured KPI rows, its "more" line, its summary (§5.4)."""

    name: str
    kpis: list[KpiRow]
    more: GroupMore | None
    has_target: bool  # any KPI of the dimension has a target: else its table has no PL columns
    met: int
    near: int
    missed: int
    score: str
    summary: str


class QuarterRow(TypedDict):
    """One quarter of a quarterly series (§5.6)."""

    period: str
    actual: str
    target: str
    prior_year: str
    actual_figure: str  # the figure alone, its unit in the header (q.unit_header)
    target_figure: str
    prior_year_figure: str
    attainment: str
    delta_prior: str
    good_prior: bool | None
    qoq: str
    good_qoq: bool | None
    actual_value: float | None


class QuarterSeriesItem(TypedDict):
    """A KPI's quarters as rows and one sentence (§5.6)."""

    key: str
    name: str
    unit: str
    unit_header: str  # the unit the figure columns share, as a header names it ("" none)
    aggregation: str
    rows: list[QuarterRow]
    has_target: bool
    has_prior_year: bool
    chart: str
    summary: str


class BreakdownRow(TypedDict):
    """One item of a breakdown table (§5.7)."""

    rank: int | str  # "" when the item has no actual
    item: str
    actual: str
    prior_year: str
    actual_figure: str  # the figure alone, its unit in the header (table.unit_header)
    prior_year_figure: str
    share: str
    share_prior: str
    share_change: str
    var_prior_pct: str
    good_prior: bool | None
    attainment: str
    share_value: float | None
    change: str  # actual − prior year, signed, in the KPI's unit ("" without both)
    change_share: str  # of the items' total change
    good_change: bool | None
    target_gap: str  # actual − target, signed ("" without both)
    good_gap: bool | None


class Breakdown(TypedDict):
    """A KPI by item: totals, rows and one sentence (§5.7)."""

    dimension: str
    kpi: str
    kpi_key: str
    unit: str
    total: str
    total_prior: str
    unit_header: str  # the unit of the AC and PY columns, as a header names it ("" none)
    total_figure: str  # the totals without their unit (the header names it)
    total_prior_figure: str
    rows: list[BreakdownRow]
    chart: str
    summary: str
    change: str  # the items' total change from prior year, signed ("" for a rate)
    target_gap: str  # the items' total gap to target, signed
    contribution: str  # which items drove the change and where the gap sits
    bridge_chart: str  # its variance bridge's chart key


class Problem(TypedDict):
    """A problem with its KPI's figures, causes and action (§5.8)."""

    area: str
    problem: str
    kpi: str
    figures: str
    subjective: str
    objective: str
    impact: str
    action: str


class ProblemArea(TypedDict):
    """The problems of one area, areas in workbook order (§5.1)."""

    area: str
    problems: list[Problem]


class SmartCheck(TypedDict):
    """One SMART letter of a goal, in words (§5.9)."""

    letter: str
    name: str
    passed: bool | None  # None when it cannot be judged
    mark: str
    reason: str


class Goal(TypedDict):
    """Next year's goal with its required change and SMART check (§5.9)."""

    goal: str
    kpi: str
    baseline: str
    target: str
    unit: str
    direction: str
    required_change: str
    required_change_amount: str
    required_change_pct: str
    deadline: str
    owner: str
    measure: str
    aligns_to: str  # the company goal it serves, then its share of its base
    share: str  # 占公司利润增量22亿元的43.2%: the target over the goal's base ("" without)
    smart: list[SmartCheck]
    smart_marks: str
    is_smart: bool
    failed: str
    why_not: str
    quarter_targets: list[str]


class TaskRow(TypedDict):
    """One task of the report's plan (§5.10)."""

    phase: str
    task: str
    start: str
    end: str
    owner: str
    milestone: str
    deliverable: str


class Phase(TypedDict):
    """The tasks of one phase, phases in workbook order (§5.10)."""

    name: str
    tasks: list[TaskRow]


class Milestone(TypedDict):
    """A task's milestone, dated by the task's end (§5.10, §5.16)."""

    milestone: str
    date: str
    task: str
    owner: str
    deliverable: str


class Tasks(TypedDict):
    """The tasks by phase, in one list, and the milestones by date (§5.10)."""

    phases: list[Phase]
    all: list[TaskRow]
    milestones: list[Milestone]


class ResourceItem(TypedDict):
    """One resource and its share of its category, per unit (§5.11)."""

    item: str
    amount: str
    amount_figure: str  # without the unit when the category's items share one
    share: str
    note: str
    amount_value: float | None


class ResourceTotal(TypedDict):
    """A category's total in one unit and its share of all resources in that unit."""

    amount: str
    share_of_all: str


class ResourceCategory(TypedDict):
    """The resources of one category with a total per unit (§5.11)."""

    name: str
    items: list[ResourceItem]
    totals: list[ResourceTotal]
    total: str
    unit_header: str  # the unit every item shares, as the header names it ("" when mixed)
    total_figure: str  # the total without that unit (with its units when they are mixed)


class Resources(TypedDict):
    """The resources by category, and one total per unit (§5.11)."""

    categories: list[ResourceCategory]
    totals: list[str]
    total: str


class CampaignRow(TypedDict):
    """One campaign of the quarterly campaign review (§5.19)."""

    quarter: str  # 2026Q4; "" when the row gives none
    name: str
    theme: str
    investment: str  # in its unit: 1,200万元
    investment_value: float | None
    kpi: str  # the KPI's name
    kpi_figure: str  # the KPI in that quarter: GMV 2026Q4实际16.3亿元，同比+20.1%
    result: str
    feedback: str


class CampaignQuarterItem(TypedDict):
    """The campaigns of one quarter with their investment (§5.19)."""

    quarter: str
    rows: list[CampaignRow]
    total: str  # one total per unit, joined


class Campaigns(TypedDict):
    """The quarterly campaign review: every campaign, by quarter, and a summary (§5.19)."""

    rows: list[CampaignRow]
    quarters: list[CampaignQuarterItem]
    total: str
    summary: str
    count: int


class RiskItem(TypedDict):
    """A risk with its trigger, the KPI's figure now and its status (§5.12)."""

    no: str
    risk: str
    category: str
    likelihood: int | str  # 1–5, "" when not given
    impact: int | str
    score: int | str  # likelihood × impact, "" without both
    level: str | None  # high, medium, low; None without a score
    level_label: str
    kpi: str
    threshold: str
    observed: str  # the figure judged: 48.5天, 偏离目标4.6%
    basis: str  # whose figure: 今年实际, 2026年第2季度实际; "" when nothing was judged
    margin: str  # its distance to the trigger line (3.4个百分点); "" when nothing was judged
    crossed: bool | None  # the figure is past the line; None when nothing was judged
    triggered: bool | None  # a live alarm: crossed in an in-year plan only
    stance: str  # reported (annual report) | live (in-year plan) | watch (next-year plan)
    status: str
    response: str
    owner: str


class ValueItem(TypedDict):
    """One row of the value sheet, said (§5.17)."""

    kind: str  # gain | saving | cash | loss
    kind_label: str  # the kind in the report's language (节省, saving)
    kpi: str  # the KPI's name
    label: str  # what the value is (释放费用空间)
    amount: str
    amount_value: float | None
    loss: bool


class ValueSection(TypedDict):
    """What the year's results were worth (§5.17)."""

    rows: list[ValueItem]  # by kind (gains, savings, cash, losses), in workbook order
    total: str  # the totals in one sentence ("" without values)


class Sections(TypedDict):
    """Which sections of the report have something to show (§5.13)."""

    results: bool
    value: bool
    quarters: bool
    campaigns: bool
    breakdown: bool
    problems: bool
    goals: bool
    tasks: bool
    resources: bool
    risks: bool


class PlanSections(Sections):
    """The report's sections plus the plan draft's own (§5.13)."""

    plan_targets: bool
    plan_tasks: bool
    plan_resources: bool


class ChartEntry(TypedDict):
    """A chart drawn, as templates refer to it (§5.14); the picture is Word's ``images``."""

    title: str
    alt: str
    file: str  # Markdown: the PNG's path relative to the document
    svg: str  # HTML: the inline SVG ("" in other formats)


class AnnualContext(TypedDict):
    """What the report and every plan draft share: all but ``sections``, which a plan
    draft extends (so neither context type is the other's subtype: see TemplateContext)."""

    lang: str
    labels: dict[str, str]
    meta: Meta
    summary: Summary
    groups: list[Group]
    kpis: list[KpiRow]
    quarters: list[QuarterSeriesItem]
    quarters_more: int
    breakdowns: list[Breakdown]
    problems: list[Problem]
    problem_areas: list[ProblemArea]
    goals: list[Goal]
    goals_not_smart: list[Goal]
    tasks: Tasks
    resources: Resources
    risks: list[RiskItem]
    risks_triggered: list[RiskItem]  # live alarms: only a plan judged in the year has any
    risks_crossed: list[RiskItem]  # the risks whose line the figure judged on is past
    value: ValueSection
    campaigns: Campaigns
    charts: dict[str, ChartEntry]  # {} until a build draws them


class ReportContext(AnnualContext):
    """What a report template receives (``opsreport context WORKBOOK``; §5.1)."""

    sections: Sections


class TargetFields(TypedDict):
    """The first fields of a quarter target, the same in every quarter's draft."""

    name: str
    kpi: str
    unit: str
    aggregation: str
    method: str
    baseline: str
    annual: str
    unit_header: str  # the row's unit as the goal cell names it: 人效（万元/人） ("" none)
    baseline_figure: str  # baseline and annual target without the unit
    annual_figure: str


class PlanTarget(TargetFields):
    """A target in one quarter: the year split in quarters and the warning line (§5.16)."""

    quarters: list[str]  # Q1–Q4
    quarter_figures: list[str]  # Q1–Q4 without the unit (t.unit_header names it)
    target: str  # this quarter's
    target_figure: str
    target_value: float
    warning_line: str
    rule: str
    is_rate: bool


class PlanProblem(Problem):
    """A problem the quarter's tasks address, with their names (§5.16)."""

    tasks: str


class PlanTask(TypedDict):
    """A task that overlaps the quarter (§5.16)."""

    task: str
    start: str
    end: str
    owner: str
    milestone: str
    deliverable: str
    carries_over: bool  # starts before or ends after the quarter


class PlanPhase(TypedDict):
    """The quarter's tasks of one phase (§5.16)."""

    name: str
    tasks: list[PlanTask]


class PlanResource(TypedDict):
    """The quarter's amount of one resource, by its dates, and the rule used (§5.16)."""

    category: str
    item: str
    annual: str
    quarter: str
    basis: str
    note: str


class Plan(TypedDict):
    """One quarter's figures of a plan draft (§5.16)."""

    title: str
    year: int
    quarter: int
    label: str
    start: str
    end: str
    targets: list[PlanTarget]
    phases: list[PlanPhase]
    task_count: int
    milestones: list[Milestone]
    undated: list[str]  # names of tasks without dates
    gaps: list[KpiRow]  # the KPIs near or short of target
    problems: list[PlanProblem]  # the problems the quarter's tasks address
    problems_other: int  # the report's other problems, left to other quarters
    starting_point: list[str]  # Q2–Q4 of next year: where the plan stands as it begins
    resources: list[PlanResource]  # those that fall in the quarter by their dates
    resources_total: str  # 本季度合计：8人、1,611.53万元、1套 (empty without resources)
    warning_pct: str


class QuarterTextLabels(TypedDict):
    """The words of a draft's starting point and problem section, part of ``plan_labels``."""

    starting: str
    addressed_by: str
    problems_other: str  # a format string: {n}
    no_problem_addressed: str


class InYearLabels(TypedDict):
    """The words of an in-year draft's review and catch-up, part of ``plan_labels`` (§5.18)."""

    review: str
    by_quarter: str
    catch_up: str
    ytd: str
    ytd_target: str
    ytd_attainment: str
    year_share: str
    landing: str
    landing_attainment: str
    review_quarter: str
    review_actual: str
    review_target: str
    review_attainment: str
    review_source: str
    remaining: str
    this_quarter: str
    original: str
    change: str
    later: str
    flag: str
    landing_methods: dict[str, str]  # seasonal, run_rate, average, latest
    catch_up_methods: dict[str, str]  # seasonal, even, path, average, ahead, overrun
    sources: dict[str, str]  # periods, split
    beyond_best: str  # a format string: {best}


class ReviewRow(TypedDict):
    """One KPI's year so far and its landing forecast (§5.18)."""

    name: str
    annual: str
    ytd: str
    ytd_target: str
    ytd_attainment: str
    year_share: str  # sum KPIs: YTD as a share of the annual target
    landing: str
    landing_attainment: str
    landing_method: str
    on_track: bool | None


class ReviewQuarterRow(TypedDict):
    """One elapsed quarter of one KPI against its quarter target (§5.18)."""

    name: str
    quarter: str
    actual: str
    target: str
    attainment: str
    source: str  # where the quarter target came from


class CatchUpRow(TypedDict):
    """What the drafted quarter (and the ones after it) must deliver (§5.18)."""

    name: str
    annual: str
    ytd: str
    remaining: str  # sum KPIs: annual − YTD
    target: str  # the drafted quarter's catch-up target
    target_value: float
    original: str
    change: str  # target − original, signed
    later: str  # the quarters after the drafted one, with their targets
    method: str
    beyond_best: bool
    flag: str


class InYear(TypedDict):
    """An in-year draft's starting point (§5.18); ``active`` is False in next-year drafts."""

    active: bool
    year: int
    elapsed: int  # quarters with actuals
    span: str  # 第1–2季度 / Q1–Q2
    lead: str
    sentences: list[str]  # one per KPI: year to date, landing, what the quarter must do
    review: list[ReviewRow]
    quarters: list[ReviewQuarterRow]
    catch_up: list[CatchUpRow]


class PlanLabels(InYearLabels, QuarterTextLabels):
    """The words of a plan draft in its language (``plan_labels``, §5.16)."""

    title: str  # a format string: {org}, {year}, {quarter}
    background: str
    problem: str
    targets: str
    path: str
    risks: str
    resources: str
    timeline: str
    monitoring: str
    quarter_target: str
    annual_target: str
    method: str
    warning_line: str
    rule: str
    gap: str
    undated: str
    quarter_share: str
    annual: str
    no_tasks: str
    carries_over: str
    resource_basis: dict[str, str]  # by rule: days, delivery, in_post … (present.plan_resources)
    methods: dict[str, str]  # by split method
    aggregations: dict[str, str]  # sum, last, avg


class PlanContext(AnnualContext):
    """What a plan draft's template receives (``opsreport context WORKBOOK --quarter Q1``)."""

    sections: PlanSections
    plan: Plan
    plan_labels: PlanLabels
    in_year: InYear


class WordExtras(TypedDict):
    """What a Word template sees besides its context: the charts as pictures (§5.14)."""

    images: dict[str, str]  # by chart key: a marker the picture replaces


# What a renderer takes: the report's context or a plan draft's.
TemplateContext = ReportContext | PlanContext
