"""What the report and the plan draft show, in which order: one description for the three formats.

The Word templates are generated from it (``scripts/make_docx_templates.py``), and
the Markdown and HTML templates are checked against it (``tests/test_layout.py``):
the same sections under the same headings, the same tables with the same columns
in the same order, aligned and coloured alike. The ``.j2`` templates stay written
out by hand, because they are what a user exports and edits: a table spelled out
column by column reads better than a loop over this description would.

A label, a condition or a field is written as the template writes it: a path in
the context (``labels.kpi``, ``sections.results``, ``kpi.var_target``). Only plain
data here: no formatting, no widths (those belong to each format).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "PLAN",
    "REPORT",
    "Column",
    "Layout",
    "Section",
    "Table",
]

# How a cell is coloured: good/bad by a flag, by the status (met/near/missed), in the
# alert colour when a flag is true (with a mark before the text), or per SMART letter.
Colour = Literal["good", "status", "alert", "smart"]


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, the row field it shows, how it is set."""

    label: str  # the header: a context path (labels.kpi) or, quoted, literal text ("#")
    field: str  # the row field shown (for a compound cell, the first of its fields)
    numeric: bool = False  # right-aligned, as figures are
    colour: Colour | None = None
    flag: str = ""  # the row field deciding the colour (good_target, status, triggered)
    mark: str = ""  # alert: the mark written before a flagged text ("⚠ ")
    when: str = ""  # shown only when this holds for the table's owner (q.has_target)
    detail: bool = False  # Word sets it in a full-width row under each item, not a column
    and_label: str = ""  # a second label and field in the same cell: "baseline → target"
    and_field: str = ""
    of: str = ""  # a context value the header names in brackets: quarter target (2027Q1)
    unit: str = ""  # the context value of the unit its figures share, named in brackets
    # under the header when not empty: 实际（亿元） over bare figures
    row_unit: str = ""  # the row field of the unit its row's figures share, named in
    # brackets under this cell's text: 人效（万元/人） beside bare figures

    def header_text(self, labels: dict[str, dict[str, str]]) -> str:
        """The header as printed, from the labels of one language."""
        if self.label.startswith('"'):
            return self.label.strip('"')
        texts = []
        for label in (self.label, self.and_label):
            if label:
                group, _, key = label.partition(".")
                texts.append(labels[group][key])
        return " → ".join(texts)


@dataclass(frozen=True)
class Table:
    """A table: one row per item of ``rows`` (named ``row`` in the Word template)."""

    key: str
    rows: str  # the list looped over (group.kpis)
    row: str  # the loop variable of the Word template (kpi)
    columns: tuple[Column, ...]
    total: bool = False  # a total row closes the table


@dataclass(frozen=True)
class Section:
    """A numbered section (Heading 1): shown when ``condition`` holds (always when empty)."""

    key: str
    heading: str  # the label path of its heading (labels.results)
    condition: str
    tables: tuple[str, ...] = ()  # the keys of its tables, in order


@dataclass(frozen=True)
class Layout:
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _c(label: str, field: str, *flags: str, **kw: object) -> Column:
    """A column; ``flags`` is shorthand: "num" right-aligns it."""
    return Column(label, field, numeric="num" in flags, **kw)  # type: ignore[arg-type]


_KPI_STATUS = _c("labels.status", "status_label", colour="status", flag="status")

_RISK_COLUMNS = (
    _c('"#"', "no", colour="alert", flag="triggered"),
    _c("labels.risk", "risk"),
    _c("labels.category", "category"),
    _c("labels.likelihood", "likelihood", "num"),
    _c("labels.severity", "impact", "num"),
    _c("labels.score", "score", "num"),
    _c("labels.kpi", "kpi"),
    _c("labels.trigger", "threshold"),
    _c("labels.observed", "observed", "num"),
    _c("labels.status", "status", colour="alert", flag="triggered", mark="⚠ "),
    _c("labels.response", "response", detail=True),
    _c("labels.owner", "owner"),
)

REPORT = Layout(
    sections=(
        Section("results", "labels.results", "sections.results", ("kpis",)),
        Section("value", "labels.value", "sections.value", ("value",)),
        Section("quarters", "labels.quarters", "sections.quarters", ("quarters",)),
        Section("campaigns", "labels.campaigns", "sections.campaigns", ("campaigns",)),
        Section("breakdown", "labels.breakdown", "sections.breakdown", ("breakdown",)),
        Section("problems", "labels.problems", "sections.problems"),
        Section("goals", "labels.goals", "sections.goals", ("goals",)),
        Section("tasks", "labels.tasks", "sections.tasks", ("tasks",)),
        Section("resources", "labels.resources", "sections.resources", ("resources",)),
        Section("risks", "labels.risks", "sections.risks", ("risks",)),
        Section("outlook", "labels.outlook", "summary.closing"),
    ),
    tables=(
        Table("kpis", "group.kpis", "kpi", (
            _c("labels.kpi", "name"),
            _c("labels.ac", "actual", "num"),
            _c("labels.pl", "target", "num", when="group.has_target"),
            _c("labels.py", "prior_year", "num"),
            _c("labels.dpl", "var_target", "num", colour="good", flag="good_target",
               when="group.has_target"),
            _c("labels.dpl_pct", "var_target_pct", "num", colour="good", flag="good_target",
               when="group.has_target"),
            _c("labels.dpy", "var_prior", "num", colour="good", flag="good_prior"),
            _c("labels.dpy_pct", "var_prior_pct", "num", colour="good", flag="good_prior"),
            _c("labels.attainment", "attainment", "num", when="group.has_target"),
            _c("labels.status", "status_label", colour="status", flag="status",
               when="group.has_target"),
        )),
        Table("quarters", "q.rows", "row", (
            _c("labels.period", "period"),
            _c("labels.ac", "actual_figure", "num", unit="q.unit_header"),
            _c("labels.pl", "target_figure", "num", when="q.has_target", unit="q.unit_header"),
            _c("labels.py", "prior_year_figure", "num", when="q.has_prior_year",
               unit="q.unit_header"),
            _c("labels.attainment", "attainment", "num", when="q.has_target"),
            _c("labels.dpy", "delta_prior", "num", colour="good", flag="good_prior",
               when="q.has_prior_year"),
            _c("labels.qoq", "qoq", "num", colour="good", flag="good_qoq"),
        )),
        Table("campaigns", "campaigns.rows", "row", (
            _c("labels.quarter", "quarter"),
            _c("labels.campaign", "name"),
            _c("labels.theme", "theme"),
            _c("labels.investment", "investment", "num"),
            _c("labels.kpi", "kpi_figure"),
            _c("labels.campaign_result", "result"),
            _c("labels.feedback", "feedback"),
        )),
        Table("breakdown", "table.rows", "row", (
            _c("labels.rank", "rank", "num"),
            _c("labels.item", "item"),
            _c("labels.ac", "actual_figure", "num", unit="table.unit_header"),
            _c("labels.share", "share", "num"),
            _c("labels.py", "prior_year_figure", "num", unit="table.unit_header"),
            _c("labels.share_prior", "share_prior", "num"),
            _c("labels.share_change", "share_change", "num"),
            _c("labels.dpy_pct", "var_prior_pct", "num", colour="good", flag="good_prior"),
        ), total=True),
        Table("goals", "goals", "goal", (
            _c("labels.goal", "goal", colour="alert", flag="not is_smart", mark="✗ "),
            _c("labels.kpi", "kpi"),
            _c("labels.baseline", "baseline", "num", and_label="labels.target", and_field="target"),
            _c("labels.change", "required_change", "num"),
            _c("labels.deadline", "deadline"),
            _c("labels.owner", "owner"),
            _c("labels.measure", "measure"),
            _c("labels.aligns_to", "aligns_to"),
            _c('"SMART"', "smart", colour="smart"),
        )),
        Table("tasks", "phase.tasks", "task", (
            _c("labels.task", "task"),
            _c("labels.start", "start"),
            _c("labels.end", "end"),
            _c("labels.owner", "owner"),
            _c("labels.milestone", "milestone"),
            _c("labels.deliverable", "deliverable"),
        )),
        Table("value", "value.rows", "row", (
            _c("labels.value_kind", "kind_label"),
            _c("labels.kpi", "kpi"),
            _c("labels.value_item", "label"),
            _c("labels.amount", "amount", "num"),
        )),
        Table("resources", 'category["items"]', "item", (
            _c("labels.item", "item"),
            _c("labels.amount", "amount_figure", "num", unit="category.unit_header"),
            _c("labels.share", "share", "num"),
            _c("labels.note", "note"),
        ), total=True),
        Table("risks", "risks", "risk", _RISK_COLUMNS),
    ),
)  # fmt: skip

PLAN = Layout(
    sections=(
        Section("background", "plan_labels.background", "", ("review", "review_quarters")),
        Section("problem", "plan_labels.problem", "", ("gaps",)),
        Section(
            "targets", "plan_labels.targets", "sections.plan_targets", ("targets", "catch_up")
        ),
        Section("path", "plan_labels.path", "", ("tasks",)),
        Section("risks", "plan_labels.risks", "sections.risks", ("risks", "monitoring")),
        Section("resources", "plan_labels.resources", "sections.plan_resources", ("resources",)),
        Section("timeline", "plan_labels.timeline", ""),
    ),
    tables=(
        Table("review", "in_year.review", "r", (
            _c("labels.kpi", "name"),
            _c("plan_labels.annual_target", "annual", "num"),
            _c("plan_labels.ytd", "ytd", "num"),
            _c("plan_labels.ytd_attainment", "ytd_attainment", "num"),
            _c("plan_labels.year_share", "year_share", "num"),
            _c("plan_labels.landing", "landing", "num"),
            _c("plan_labels.landing_attainment", "landing_attainment", "num"),
        )),
        Table("review_quarters", "in_year.quarters", "q", (
            _c("labels.kpi", "name"),
            _c("plan_labels.review_quarter", "quarter"),
            _c("plan_labels.review_actual", "actual", "num"),
            _c("plan_labels.review_target", "target", "num"),
            _c("plan_labels.review_attainment", "attainment", "num"),
            _c("plan_labels.review_source", "source"),
        )),
        Table("catch_up", "in_year.catch_up", "c", (
            _c("labels.kpi", "name"),
            _c("plan_labels.remaining", "remaining", "num"),
            _c("plan_labels.this_quarter", "target", "num", of="plan.label"),
            _c("plan_labels.original", "original", "num"),
            _c("plan_labels.change", "change", "num"),
            _c("plan_labels.later", "later"),
            _c("plan_labels.method", "method"),
            _c("plan_labels.flag", "flag"),
        )),
        Table("gaps", "plan.gaps", "k", (
            _c("labels.kpi", "name"),
            _c("labels.ac", "actual", "num"),
            _c("labels.pl", "target", "num"),
            _c("labels.dpl", "delta_target", "num", colour="good", flag="good_target"),
            _c("labels.attainment", "attainment", "num"),
            _KPI_STATUS,
        )),
        Table("targets", "plan.targets", "t", (
            _c("labels.goal", "name", row_unit="unit_header"),
            _c("labels.baseline", "baseline_figure", "num"),
            _c("plan_labels.annual_target", "annual_figure", "num"),
            *(_c(f'"Q{n}"', f"quarter_figures[{n - 1}]", "num") for n in (1, 2, 3, 4)),
            _c("plan_labels.quarter_target", "target_figure", "num", of="plan.label"),
            _c("plan_labels.method", "method"),
        )),
        Table("tasks", "phase.tasks", "t", (
            _c("labels.task", "task"),
            _c("labels.start", "start"),
            _c("labels.end", "end"),
            _c("labels.owner", "owner"),
            _c("labels.deliverable", "deliverable"),
        )),
        Table("risks", "risks", "risk", _RISK_COLUMNS),
        Table("monitoring", "plan.targets", "t", (
            _c("labels.goal", "name"),
            _c("plan_labels.quarter_target", "target", "num"),
            _c("plan_labels.warning_line", "warning_line", "num"),
            _c("plan_labels.rule", "rule"),
        )),
        Table("resources", "plan.resources", "r", (
            _c("labels.category", "category"),
            _c("labels.item", "item"),
            _c("plan_labels.annual", "annual", "num"),
            _c("plan_labels.quarter_share", "quarter", "num"),
            _c("labels.note", "basis"),
        )),
    ),
)  # fmt: skip
