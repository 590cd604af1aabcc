"""The annual report's body: the sections of opsreport.present.layout.REPORT, in order."""

from __future__ import annotations

from .base import GREY, RED, Lang, cm
from .tables import Body, Col


def quarter_table(b: Body) -> None:
    """The quarters of a KPI, without the plan or prior-year columns it has no figures for.

    One table per case under ``{%p if %}``: each stays a plain table to restyle in Word
    (Word has no conditional column). A table with fewer columns is narrower, so that its
    figures stay near their period.
    """
    period = Col("{{ labels.period }}", "{{ row.period }}", None)
    actual = Col("{{ labels.ac }}", "{{ row.actual }}", 2.2, True)
    target = Col("{{ labels.pl }}", "{{ row.target }}", 2.2, True)
    prior = Col("{{ labels.py }}", "{{ row.prior_year }}", 2.2, True)
    attainment = Col("{{ labels.attainment }}", "{{ row.attainment }}", 2.0, True)
    delta_prior = Col(
        "{{ labels.dpy }}", "{{r row.delta_prior | good(row.good_prior) }}", 2.4, True
    )
    qoq = Col("{{ labels.qoq }}", "{{r row.qoq | good(row.good_qoq) }}", 2.4, True)
    cases = [
        ("if q.has_target and q.has_prior_year", [target, prior, attainment, delta_prior]),
        ("elif q.has_target", [target, attainment]),
        ("elif q.has_prior_year", [prior, delta_prior]),
        ("else", []),
    ]
    for tag, middle in cases:
        b.tag(tag)
        numbers = [actual, *middle, qoq]
        if len(middle) == 4:
            b.table([period, *numbers], "for row in q.rows")
            continue
        period_col = Col(period.header, period.cell, 3.0)
        numbers = [Col(c.header, c.cell, None, True) for c in numbers]
        b.table([period_col, *numbers], "for row in q.rows", width=cm(3.0 + 3.2 * len(numbers)))
    b.tag("endif")


def kpi_columns(lang: Lang) -> list[Col]:
    zh = lang.code == "zh"
    money, delta, pct = (1.9, 2.05, 1.3) if zh else (1.9, 1.9, 1.15)
    return [
        Col("{{ labels.kpi }}", "{{ kpi.name }}", None),
        Col("{{ labels.ac }}", "{{ kpi.actual }}", money, True),
        Col("{{ labels.pl }}", "{{ kpi.target }}", money, True),
        Col("{{ labels.py }}", "{{ kpi.prior_year }}", money, True),
        Col("{{ labels.dpl }}", "{{r kpi.var_target | good(kpi.good_target) }}", delta, True),
        Col("{{ labels.dpl_pct }}", "{{r kpi.var_target_pct | good(kpi.good_target) }}", pct, True),
        Col("{{ labels.dpy }}", "{{r kpi.var_prior | good(kpi.good_prior) }}", delta, True),
        Col("{{ labels.dpy_pct }}", "{{r kpi.var_prior_pct | good(kpi.good_prior) }}", pct, True),
        Col("{{ labels.attainment }}", "{{ kpi.attainment }}", 1.1 if zh else 1.6, True),
        Col(
            "{{ labels.status }}",
            "{{r kpi.status_label | status(kpi.status) }}",
            1.0 if zh else 1.15,
        ),
    ]


def risk_columns(lang: Lang) -> list[Col]:
    """Eleven columns; the response, the longest text, gets the full-width row under each risk."""
    zh = lang.code == "zh"
    return [
        Col("#", "{{r risk.no | alert(risk.triggered) }}", 0.75),
        Col("{{ labels.risk }}", "{{ risk.risk }}", None),
        Col("{{ labels.category }}", "{{ risk.category }}", 1.2 if zh else 1.65),
        Col("{{ labels.likelihood }}", "{{ risk.likelihood }}", 1.1 if zh else 1.55, True),
        Col("{{ labels.severity }}", "{{ risk.impact }}", 1.35 if zh else 1.15, True),
        Col("{{ labels.score }}", "{{ risk.score }}", 1.1 if zh else 1.05, True),
        Col("{{ labels.kpi }}", "{{ risk.kpi }}", 1.9 if zh else 1.8),
        Col("{{ labels.trigger }}", "{{ risk.threshold }}", 1.45),
        Col("{{ labels.observed }}", "{{ risk.observed }}", 1.75 if zh else 1.6, True),
        Col("{{ labels.status }}", '{{r risk.status | alert(risk.triggered, "⚠ ") }}', 1.6 if zh else 1.8),
        Col("{{ labels.owner }}", "{{ risk.owner }}", 1.1 if zh else 1.55),
    ]  # fmt: skip


def goal_columns(lang: Lang) -> list[Col]:
    zh = lang.code == "zh"
    return [
        Col(
            "{{ labels.goal }}", '{{r goal.goal | alert(not goal.is_smart, "✗ ") }}', None, flex=1.3
        ),
        Col("{{ labels.kpi }}", "{{ goal.kpi }}", 1.6 if zh else 1.8),
        Col(
            "{{ labels.baseline }}\n→ {{ labels.target }}",
            "{{ goal.baseline }}\n→ {{ goal.target }}",
            1.8 if zh else 1.9,
            True,
        ),
        # The percent on its own line: "-4.5天（-9.3%）" wrapped after its minus sign.
        Col(
            "{{ labels.change }}",
            "{{ goal.required_change_amount }}{% if goal.required_change_pct %}\n"
            + ("（{{ goal.required_change_pct }}）" if zh else "({{ goal.required_change_pct }})")
            + "{% endif %}",
            2.2,
            True,
        ),
        Col("{{ labels.deadline }}", "{{ goal.deadline }}", 1.65),
        Col("{{ labels.owner }}", "{{ goal.owner }}", 1.1 if zh else 1.4),
        Col("{{ labels.measure }}", "{{ goal.measure }}", None),
        Col("{{ labels.aligns_to }}", "{{ goal.aligns_to }}", None),
        # Two lines, S M A / R T: one line would take 2.6 cm.
        Col("SMART", "{{r goal.smart | smart }}", 1.65),
    ]


def build_body(doc, lang: Lang) -> None:
    b = Body(doc, lang)
    zh = lang.code == "zh"
    op, cp = lang.open_paren, lang.close_paren

    # Title block and opening paragraph.
    b.p("{{ meta.title }}", "Title")
    b.p(
        "{% if meta.org %}{{ labels.org }}{{ labels.colon }}{{ meta.org }} · {% endif %}"
        "{% if meta.author %}{{ labels.author }}{{ labels.colon }}{{ meta.author }} · {% endif %}"
        "{{ labels.date }}{{ labels.colon }}{{ meta.date }}",
        "Subtitle",
    )
    b.p(
        [
            b.r("{{ summary.opening }}{% if summary.headline %}{{ labels.gap }}{% endif %}"),
            b.r("{{ summary.headline }}", bold=True),
        ],
        "Lead",
    )

    # Results against target.
    b.tag("if sections.results")
    b.p("{{ labels.results }}", "Heading1")
    for key in ('"attainment"', '"variance_target"', '"variance_prior"'):
        b.chart(key)
    b.tag("for group in groups")
    b.p("{{ group.name }}", "Heading2")
    b.p("{{ group.summary }}", "LeadIn")
    b.tag("for kpi in group.kpis")
    b.p("{{ kpi.sentence }}", "ListBullet")
    b.tag("endfor")
    b.table(kpi_columns(lang), "for kpi in group.kpis", small=True)
    b.tag("if group.more")
    b.p("{{ group.more.text }}", "TableNote", color=GREY)
    b.tag("endif")
    b.tag("endfor")
    b.tag("endif")

    # Quarterly trend.
    b.tag("if sections.quarters")
    b.p("{{ labels.quarters }}", "Heading1")
    b.tag("for q in quarters")
    b.p("{{ q.name }}", "Heading2")
    b.tag("if q.summary")
    b.p("{{ q.summary }}", "LeadIn")
    b.tag("endif")
    b.chart("q.chart")
    quarter_table(b)
    b.tag("endfor")
    b.tag("endif")

    # Breakdown.
    b.tag("if sections.breakdown")
    b.p("{{ labels.breakdown }}", "Heading1")
    b.tag("for table in breakdowns")
    b.p("{{ table.dimension }} · {{ table.kpi }}", "Heading2")
    b.p("{{ table.summary }}", "LeadIn")
    b.chart("table.chart")
    b.table(
        [
            Col("{{ labels.rank }}", "{{ row.rank }}", 1.1, True),
            Col("{{ labels.item }}", "{{ row.item }}", None),
            Col("{{ labels.ac }}", "{{ row.actual }}", 2.3, True),
            Col("{{ labels.share }}", "{{ row.share }}", 1.5, True),
            Col("{{ labels.py }}", "{{ row.prior_year }}", 2.3, True),
            Col("{{ labels.share_prior }}", "{{ row.share_prior }}", 1.65, True),
            Col("{{ labels.share_change }}", "{{ row.share_change }}", 2.35, True),
            Col(
                "{{ labels.dpy_pct }}", "{{r row.var_prior_pct | good(row.good_prior) }}", 1.6, True
            ),
        ],
        "for row in table.rows",
        keep=True,
        total=[
            "",
            "{{ labels.total }}",
            "{{ table.total }}",
            "100.0%",
            "{{ table.total_prior }}",
            "100.0%",
            "",
            "",
        ],
    )
    b.tag("endfor")
    b.tag("endif")

    # Problems and their causes, grouped by area.
    b.tag("if sections.problems")
    b.p("{{ labels.problems }}", "Heading1")
    b.tag("for area in problem_areas")
    b.p("{{ area.area or labels.problems }}", "Heading2")
    b.tag("for problem in area.problems")
    b.p("{{ problem.problem }}", "Problem")
    for field, label in (
        ("figures", "related"),
        ("subjective", "subjective"),
        ("objective", "objective"),
        ("impact", "impact"),
        ("action", "action"),
    ):
        b.tag(f"if problem.{field}")
        b.p(
            [
                b.r("{{ labels." + label + " }}{{ labels.colon }}", bold=True),
                b.r("{{ problem." + field + " }}"),
            ],
            "ProblemDetail",
        )
        b.tag("endif")
    b.tag("endfor")
    b.tag("endfor")
    b.tag("endif")

    # Next year's SMART goals.
    b.tag("if sections.goals")
    b.p("{{ labels.goals }}", "Heading1")
    b.table(goal_columns(lang), "for goal in goals", small=True)
    b.tag("if goals_not_smart")
    b.p("{{ labels.not_smart }}{{ labels.colon }}", "TableNote", bold=True, keep_next=True)
    b.tag("for goal in goals_not_smart")
    b.p(
        [
            b.r("✗ {{ goal.goal }}", bold=True, color=RED),
            b.r("{{ labels.colon }}{{ goal.why_not }}"),
        ],
        "ListBullet",
    )
    b.tag("endfor")
    b.tag("endif")
    b.tag("endif")

    # Tasks and milestones.
    b.tag("if sections.tasks")
    b.p("{{ labels.tasks }}", "Heading1")
    b.chart('"timeline"')
    b.tag("for phase in tasks.phases")
    b.p("{{ phase.name or labels.phase }}", "Heading2")
    b.table(
        [
            Col("{{ labels.task }}", "{{ task.task }}", None),
            Col("{{ labels.start }}", "{{ task.start }}", 1.95),
            Col("{{ labels.end }}", "{{ task.end }}", 1.95),
            Col("{{ labels.owner }}", "{{ task.owner }}", 1.5 if zh else 2.2),
            Col("{{ labels.milestone }}", "{{ task.milestone }}", 2.6 if zh else 2.7),
            Col("{{ labels.deliverable }}", "{{ task.deliverable }}", None),
        ],
        "for task in phase.tasks",
    )
    b.tag("endfor")
    b.tag("if tasks.milestones")
    b.p("{{ labels.milestones }}", "Heading2")
    b.tag("for m in tasks.milestones")
    b.p(
        [
            b.r("{{ m.date }} "),
            b.r("{{ m.milestone }}", bold=True),
            b.r("{% if m.deliverable %}" + op + "{{ m.deliverable }}" + cp + "{% endif %}"),
        ],
        "ListBullet",
    )
    b.tag("endfor")
    b.tag("endif")
    b.tag("endif")

    # Resources.
    b.tag("if sections.resources")
    b.p("{{ labels.resources }}", "Heading1")
    b.tag("for category in resources.categories")
    b.p(
        "{{ category.name }}"
        + op
        + "{{ labels.total }}"
        + ("" if zh else " ")
        + "{{ category.total }}"
        + cp,
        "Heading2",
    )
    b.table(
        [
            Col("{{ labels.item }}", "{{ item.item }}", 5.0),
            Col("{{ labels.amount }}", "{{ item.amount }}", 2.6, True),
            Col("{{ labels.share }}", "{{ item.share }}", 1.8, True),
            Col("{{ labels.note }}", "{{ item.note }}", None),
        ],
        'for item in category["items"]',
        keep=True,
        total=["{{ labels.total }}", "{{ category.total }}", "", ""],
    )
    b.tag("endfor")
    b.p(
        [b.r("{{ labels.total }}{{ labels.colon }}", bold=True), b.r("{{ resources.total }}")],
        "TableNote",
    )
    b.tag("endif")

    # Risks: the triggered ones first, in a red box.
    b.tag("if sections.risks")
    b.p("{{ labels.risks }}", "Heading1")
    b.tag("if risks_triggered")
    b.p("⚠ {{ labels.triggered_header }}{{ labels.colon }}", "Alert", bold=True)
    b.tag("for risk in risks_triggered")
    b.p(
        [
            b.r("{{ risk.no }} {{ risk.risk }}", bold=True),
            b.r(
                "{{ labels.colon }}{{ risk.kpi }} {{ risk.observed }}"
                + op
                + "{{ labels.trigger }} {{ risk.threshold }}"
                + cp
                + " → {{ risk.response }}"
            ),
        ],
        "Alert",
    )
    b.tag("endfor")
    b.tag("endif")
    b.chart('"risks"')
    b.table(
        risk_columns(lang),
        "for risk in risks",
        small=True,
        detail=[
            b.r("{{ labels.response }}{{ labels.colon }}", bold=True),
            b.r("{{ risk.response }}"),
        ],
    )
    b.tag("endif")
    b.p("")  # a document ends with a paragraph, not a table
