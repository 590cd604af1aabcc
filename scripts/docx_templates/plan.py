"""The quarterly plan draft's body: the sections of opsreport.present.layout.PLAN, in order."""

from __future__ import annotations

from opsreport.present.layout import PLAN

from .base import Lang
from .report import risk_matrix_and_table
from .tables import Body, Col, word_columns


def plan_target_columns(lang: Lang) -> list[Col]:
    """Goal, baseline, annual target, the four quarters (this quarter's in bold), the split."""
    zh = lang.code == "zh"
    amount, quarter = (1.6, 1.6) if zh else (1.75, 1.55)
    op, cp = lang.open_paren, lang.close_paren
    widths = {"name": None, "baseline_figure": amount, "annual_figure": amount,
              **{f"quarter_figures[{n}]": quarter for n in range(4)},
        "target_figure": 1.9 if zh else 1.75, "method": 2.4 if zh else 2.6}  # fmt: skip
    cells = {
        # This quarter's target in bold; the split's method with its aggregation.
        **{f"quarter_figures[{n - 1}]":
           f"{{{{r t.quarter_figures[{n - 1}] | color(bold=plan.quarter == {n}) }}}}"
           for n in (1, 2, 3, 4)},
        "target_figure": "{{r t.target_figure | color(bold=True) }}",
        "method": "{{ t.method }}" + op + "{{ t.aggregation }}" + cp,
    }  # fmt: skip
    return word_columns(PLAN.table("targets"), lang, widths, cells=cells)


def build_plan_body(doc, lang: Lang) -> None:
    """The quarterly plan draft: the sections of ``common/plan.md.j2``, in its order."""
    b = Body(doc, lang)
    zh = lang.code == "zh"
    op, cp = lang.open_paren, lang.close_paren

    b.p("{{ plan.title }}", "Title")
    b.p(
        "{% if meta.org %}{{ labels.org }}{{ labels.colon }}{{ meta.org }} · {% endif %}"
        "{% if meta.author %}{{ labels.author }}{{ labels.colon }}{{ meta.author }} · {% endif %}"
        "{{ labels.period }}{{ labels.colon }}{{ plan.start }} – {{ plan.end }} · "
        "{{ labels.date }}{{ labels.colon }}{{ meta.date }}",
        "Subtitle",
    )

    # Background: in a year in progress, the quarters so far, the landing and the review
    # tables; else the year in one paragraph and the quarterly trend in bullets.
    b.p("{{ plan_labels.background }}", "Heading1")
    b.tag("if in_year.active")
    b.p("{{ in_year.lead }}")
    b.tag("for sentence in in_year.sentences")
    b.p("{{ sentence }}", "ListBullet")
    b.tag("endfor")
    b.p("{{ plan_labels.review }}", "Heading2")
    b.table(
        word_columns(
            PLAN.table("review"),
            lang,
            {
                "name": None,
                "annual": 2.0,
                "ytd": 2.0,
                "ytd_attainment": 1.9,
                "year_share": 1.7,
                "landing": 2.0,
                "landing_attainment": 1.9,
            },
        ),
        "for r in in_year.review",
        small=True,
    )
    b.p("{{ plan_labels.by_quarter }}", "Heading2")
    b.table(
        word_columns(
            PLAN.table("review_quarters"),
            lang,
            {
                "name": None,
                "quarter": 1.7 if zh else 1.3,
                "actual": 2.3,
                "target": 2.3,
                "attainment": 1.9,
                "source": 2.6,
            },
        ),
        "for q in in_year.quarters",
        small=True,
    )
    b.tag("else")
    b.p(
        [
            b.r("{{ summary.headline }}", bold=True),
            b.r("{% if summary.headline %}{{ labels.gap }}{% endif %}{{ summary.opening }}"),
        ]
    )
    b.tag("if plan.starting_point")
    b.p("{{ plan_labels.starting }}", "Heading2")
    b.tag("for sentence in plan.starting_point")
    b.p("{{ sentence }}", "ListBullet")
    b.tag("endfor")
    b.tag("else")
    b.tag("for q in quarters")
    b.tag("if q.summary")
    b.p("{{ q.summary }}", "ListBullet")
    b.tag("endif")
    b.tag("endfor")
    b.tag("endif")
    b.tag("endif")

    # Problem definition: the KPIs short of target, then the problems and their actions.
    b.p("{{ plan_labels.problem }}", "Heading1")
    b.tag("if plan.gaps")
    b.table(
        word_columns(
            PLAN.table("gaps"),
            lang,
            {
                "name": None,
                "actual": 2.3,
                "target": 2.3,
                "delta_target": 2.3,
                "attainment": 1.9 if zh else 2.0,
                "status_label": 1.7,
            },
        ),
        "for k in plan.gaps",
    )
    b.tag("endif")
    # the problems the quarter's tasks address, each with those tasks
    b.tag("for p in plan.problems")
    b.p(
        [
            b.r("{{ p.problem }}", bold=True),
            b.r(
                "{% if p.area %}" + op + "{{ p.area }}" + cp + "{% endif %}"
                "{% if p.action %}{{ labels.colon }}{{ p.action }}{% endif %}"
                "{{ labels.sep }}{{ plan_labels.addressed_by }}{{ labels.colon }}{{ p.tasks }}"
            ),
        ],
        "ListBullet",
        before=4,
    )
    b.tag("endfor")
    b.tag("if problems and not plan.problems")
    b.p("{{ plan_labels.no_problem_addressed }}")
    b.tag("endif")
    b.tag("if plan.problems and plan.problems_other")
    b.p('{{ plan_labels.problems_other | replace("{n}", plan.problems_other) }}')
    b.tag("endif")

    # Targets of the quarter.
    b.tag("if sections.plan_targets")
    b.p("{{ plan_labels.targets }}", "Heading1")
    b.tag("if in_year.active")
    b.table(
        word_columns(
            PLAN.table("catch_up"),
            lang,
            {
                "name": 2.4 if zh else 2.8,
                "remaining": 1.8,
                "target": 1.9,
                "original": 1.7,
                "change": 2.0,
                "later": None,
                "method": None,
                "flag": 2.3,
            },
            cells={"target": "{{r c.target | color(bold=True) }}"},
        ),
        "for c in in_year.catch_up",
        small=True,
    )
    b.tag("else")
    b.table(plan_target_columns(lang), "for t in plan.targets", small=True)
    b.tag("endif")
    b.tag("endif")

    # Implementation path: the quarter's tasks by phase.
    b.p("{{ plan_labels.path }}", "Heading1")
    b.tag("if plan.phases")
    b.tag("for phase in plan.phases")
    b.p("{{ phase.name or labels.phase }}", "Heading2")
    b.table(
        word_columns(
            PLAN.table("tasks"),
            lang,
            {
                "task": None,
                "start": 1.95,
                "end": 1.95,
                "owner": 1.5 if zh else 2.3,
                "deliverable": None,
            },
            cells={"task": "{{ t.task }}{% if t.carries_over %} ↔{% endif %}"},
        ),
        "for t in phase.tasks",
    )
    b.tag("endfor")
    b.p("{{ plan_labels.carries_over }}", "TableNote", char_style="Muted")
    b.tag("else")
    b.p("{{ plan_labels.no_tasks }}")
    b.tag("endif")
    b.tag("if plan.undated")
    b.p(
        [
            b.r("{{ plan_labels.undated }}{{ labels.colon }}", bold=True),
            b.r("{{ plan.undated | join(labels.sep) }}"),
        ]
    )
    b.tag("endif")

    # Risk assessment: the matrix, the register, then the quarter's warning lines.
    b.tag("if sections.risks")
    b.p("{{ plan_labels.risks }}", "Heading1")
    risk_matrix_and_table(b, lang)
    b.tag("endif")
    b.tag("if sections.plan_targets")
    b.p("{{ plan_labels.monitoring }}", "Heading2")
    b.table(
        word_columns(
            PLAN.table("monitoring"),
            lang,
            {"name": None, "target": 2.4, "warning_line": 2.4, "rule": None},
            flex={"name": 1.4},
        ),
        "for t in plan.targets",
    )
    b.tag("endif")

    # Resources for the quarter.
    b.tag("if sections.plan_resources")
    b.p("{{ plan_labels.resources }}", "Heading1")
    b.table(
        word_columns(
            PLAN.table("resources"),
            lang,
            {
                "category": 1.5 if zh else 2.2,
                "item": None,
                "annual": 2.2,
                "quarter": 2.2,
                "basis": None,
            },
            flex={"item": 1.2},
            cells={"basis": "{{ r.basis }}{% if r.note %}{{ labels.sep }}{{ r.note }}{% endif %}"},
        ),
        "for r in plan.resources",
    )
    b.p("{{ plan.resources_total }}")  # the quarter's totals per unit
    b.tag("endif")

    # Timeline and milestones.
    b.p("{{ plan_labels.timeline }}", "Heading1")
    b.chart('"timeline"')
    b.tag("for m in plan.milestones")
    b.p(
        [
            b.r("{{ m.date }} "),
            b.r("{{ m.milestone }}", bold=True),
            b.r(
                "{% if m.deliverable %}" + op + "{{ m.deliverable }}" + cp + "{% endif %}"
                "{% if m.owner %} · {{ m.owner }}{% endif %}"
            ),
        ],
        "ListBullet",
    )
    b.tag("else")
    b.p("{{ plan_labels.no_tasks }}")
    b.tag("endfor")
    b.p("")  # a document ends with a paragraph, not a table
