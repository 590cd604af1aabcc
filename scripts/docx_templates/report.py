"""The annual report's body: the sections of opsreport.present.layout.REPORT, in order."""

from __future__ import annotations

from opsreport.present.layout import REPORT

from . import tables
from .base import TEXT_W, Lang, W, cm, para
from .tables import Body, Col, word_columns


def quarter_table(b: Body) -> None:
    """The quarters of a KPI, without the plan or prior-year columns it has no figures for.

    One table per case under ``{%p if %}``: each stays a plain table to restyle in Word
    (Word has no conditional column; the layout's ``when`` says which case shows which).
    A table with fewer columns is narrower, so that its figures stay near their period.
    """
    table, lang = REPORT.table("quarters"), b.lang
    widths = {"period": None, "actual_figure": 2.2, "target_figure": 2.2, "prior_year_figure": 2.2,
              "attainment": 2.0, "delta_prior": 2.4, "qoq": 2.4}  # fmt: skip
    cases = [
        ("if q.has_target and q.has_prior_year", {"q.has_target", "q.has_prior_year"}),
        ("elif q.has_target", {"q.has_target"}),
        ("elif q.has_prior_year", {"q.has_prior_year"}),
        ("else", set()),
    ]
    for tag, holds in cases:
        b.tag(tag)
        fields = tuple(c.field for c in table.columns if not c.when or c.when in holds)
        if len(holds) == 2:
            b.table(
                word_columns(table, lang, widths, fields=fields), "for row in q.rows", small=True
            )
            continue
        narrow = {field: None for field in fields} | {"period": 3.0}
        numbers = len(fields) - 1
        b.table(
            word_columns(table, lang, narrow, fields=fields),
            "for row in q.rows",
            width=cm(3.0 + 3.2 * numbers),
            small=True,
        )
    b.tag("endif")


def side_by_side(cells: list[tuple[int, str, str]]) -> str:
    """A borderless one-row table (a row that does not split) laying its cells' contents
    side by side: each cell (width in twips, vertical alignment, its body XML)."""
    none = "".join(
        f'<w:{side} w:val="nil"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width, _, _ in cells)
    body = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="{align}"/></w:tcPr>'
        f"{xml}</w:tc>"
        for width, align, xml in cells
    )
    return (
        f'<w:tbl {W}><w:tblPr><w:tblW w:w="{sum(w for w, _, _ in cells)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{none}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{body}</w:tr></w:tbl>"
    )


# How much narrower than its cell a chart is (cm). LibreOffice keeps about 0.19 cm each
# side of a cell's text though the table's cell margins are 0 (Word does not), and a
# picture wider than the line left is set at the line's start and runs under the next
# cell: a 9.1 cm chart in a 9.2 cm cell lost its legend's end under the sentence beside it.
CHART_SLACK_CM = 0.4


def chart_cell(key: str, width: int, *, keep_next: bool = False) -> str:
    """A chart's paragraph for a cell ``width`` twips wide (the chart
    :data:`CHART_SLACK_CM` narrower, centred: a gap between it and the cell beside)."""
    keep = "<w:keepNext/>" if keep_next else ""
    chart_cm = round(width / 567 - CHART_SLACK_CM, 2)
    return (
        f'<w:p><w:pPr><w:pStyle w:val="Chart"/>{keep}</w:pPr><w:r><w:t xml:space="preserve">'
        f"{{{{ images[{key}] | chart_width({chart_cm}) }}}}</w:t></w:r></w:p>"
    )


# A cell ends with a paragraph (Word's rule): after a table in a cell, one of no height.
_CELL_END = (
    '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>'
)


def chart_pair(b: Body, left: str, right: str) -> None:
    """Two charts side by side, each half the text width; when only one of them was
    drawn, it alone, full width."""
    half = TEXT_W // 2
    b.tag(f"if {left} in images and {right} in images")
    b.add(
        side_by_side(
            [(half, "top", chart_cell(left, half)), (half, "top", chart_cell(right, half))]
        )
    )
    b.tag("else")
    b.chart(left)
    b.chart(right)
    b.tag("endif")


def chart_beside_table(b: Body) -> None:
    """A quarterly chart with its three-column table (period, AC, QoQ) at its right: the
    chart 8.8 cm wide, the table 7.0 cm, centred beside it."""
    table, lang = REPORT.table("quarters"), b.lang
    left, right = cm(9.2), TEXT_W - cm(9.2)
    fields = tuple(c.field for c in table.columns if not c.when)
    inner = tables.table(
        lang,
        word_columns(
            table, lang, {"period": 2.2, "actual_figure": None, "qoq": 2.4}, fields=fields
        ),
        "for row in q.rows",
        width=cm(7.0),
    )
    b.add(
        side_by_side(
            [(left, "top", chart_cell("q.chart", left)), (right, "center", inner + _CELL_END)]
        )
    )


class _Collected(Body):
    """A body builder whose paragraphs and tables are kept as XML text, to be put in a cell."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.parts: list[str] = []

    def add(self, xml: str) -> None:
        self.parts.append(xml)


def chart_beside_text(b: Body) -> None:
    """A quarterly chart with its sentence at its right and its table under both, all in
    one cell of a one-row table that does not split: the three stay on one page (LibreOffice
    does not keep a table with the next by the paragraphs' keep-with-next)."""
    left, right = cm(9.2), TEXT_W - cm(9.2)
    # flush left: justified in a 7 cm column a line before a break spread its characters
    # (「至 2026Q4 的 486 万 人 （ +15.4% ）；」)
    text = para(b.lang, "{{ q.summary }}", "LeadIn", jc="left")
    inner = _Collected(b.lang)
    inner.add(side_by_side([(left, "top", chart_cell("q.chart", left)), (right, "center", text)]))
    quarter_table(inner)
    b.add(side_by_side([(TEXT_W, "top", "".join(inner.parts) + _CELL_END)]))


def kpi_columns(lang: Lang, fields: tuple[str, ...] | None = None) -> list[Col]:
    zh = lang.code == "zh"
    money, delta, pct = (1.9, 2.05, 1.3) if zh else (1.9, 1.9, 1.15)
    widths = {"name": None, "actual": money, "target": money, "prior_year": money,
              "var_target": delta, "var_target_pct": pct, "var_prior": delta,
              "var_prior_pct": pct, "attainment": 1.1 if zh else 1.6,
              "status_label": 1.0 if zh else 1.15}  # fmt: skip
    return word_columns(REPORT.table("kpis"), lang, widths, fields=fields)


def kpi_table(b: Body, lang: Lang) -> None:
    """A dimension's KPI table; one without any target leaves out the plan columns
    (PL, ΔPL, ΔPL%, attainment, status) instead of a column of 「无目标」."""
    table = REPORT.table("kpis")
    b.tag("if group.has_target")
    b.table(kpi_columns(lang), "for kpi in group.kpis", small=True)
    b.tag("else")
    fields = tuple(c.field for c in table.columns if not c.when)
    b.table(kpi_columns(lang, fields), "for kpi in group.kpis", small=True)
    b.tag("endif")


def risk_matrix_and_table(b: Body, lang: Lang) -> None:
    """The risk matrix and the risk table with each response under its risk (report and plan)."""
    b.chart('"risks"', keep_next=True)
    b.table(
        risk_columns(lang),
        "for risk in risks",
        small=True,
        detail=[
            b.r("{{ labels.response }}{{ labels.colon }}", bold=True),
            b.r("{{ risk.response }}"),
        ],
    )


def risk_columns(lang: Lang) -> list[Col]:
    """Eleven columns; the response, the longest text, gets the full-width row under each risk."""
    zh = lang.code == "zh"
    # The status is a sentence (今年实际48.5天已越过触发线（…）): the widest fixed column.
    widths = {"no": 0.75, "risk": None, "category": 1.2 if zh else 1.65,
              "likelihood": 1.1 if zh else 1.6, "impact": 1.35 if zh else 1.15,
              "score": 1.1 if zh else 1.05, "kpi": 1.6, "threshold": 1.45,
              "observed": 1.4, "status": 2.9 if zh else 2.6,
              "owner": 1.1 if zh else 1.3}  # fmt: skip
    return word_columns(REPORT.table("risks"), lang, widths)


def goal_columns(lang: Lang) -> list[Col]:
    zh = lang.code == "zh"
    widths = {"goal": None, "kpi": 1.6 if zh else 1.8, "baseline": 1.8 if zh else 1.9,
              "required_change": 2.2, "deadline": 1.65, "owner": 1.1 if zh else 1.4,
              "measure": None, "aligns_to": None,
              "smart": 1.65}  # two lines, S M A / R T: one line would take 2.6 cm  # fmt: skip
    # The percent on its own line: "-4.5天（-9.3%）" wrapped after its minus sign.
    change = (
        "{{ goal.required_change_amount }}{% if goal.required_change_pct %}\n"
        + ("（{{ goal.required_change_pct }}）" if zh else "({{ goal.required_change_pct }})")
        + "{% endif %}"
    )
    return word_columns(
        REPORT.table("goals"), lang, widths, cells={"required_change": change}, flex={"goal": 1.3}
    )


def table_of_contents(b: Body, lang: Lang) -> None:
    """目录 / Contents: a TOC field of the chapters (Heading 1), filled when the report is
    rendered (opsreport.render.toc) and refreshed by Word on opening. Chapters only: a
    26-KPI report's Heading 2 entries (one per dimension, quarter KPI and breakdown) made
    the contents a page of their own. Delete both paragraphs in Word to leave it out;
    change the field's levels to ``"1-2"`` for the sections too; restyle it with the styles
    TOC Heading, TOC 1 and TOC 2."""
    zh = lang.code == "zh"
    b.p("目录" if zh else "Contents", "TOCHeading")
    hint = "在 Word 中右键单击此处并选择“更新域”以生成目录。" if zh else (
        "Right-click here in Word and choose Update Field to build the table of contents.")  # fmt: skip
    b.add(
        f'<w:p {W}><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-1" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + b.r(hint)
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


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
            b.r("{% if summary.context %}{{ summary.context }}{{ labels.gap }}{% endif %}"),
            b.r("{{ summary.headline }}", bold=True),
            b.r(
                "{% if summary.headline %}{{ labels.gap }}{% endif %}{{ summary.opening }}"
                "{% if summary.commitment %}{{ labels.gap }}{{ summary.commitment }}{% endif %}"
            ),
        ],
        "Lead",
    )
    table_of_contents(b, lang)

    # Results against target.
    b.tag("if sections.results")
    b.p("{{ labels.results }}", "Heading1")
    b.p("{{ labels.key }}", "TableNote", char_style="Muted", keep_next=True)  # with the charts
    # Attainment and ΔPY side by side; no ΔPL chart: for an amount ΔPL% is attainment − 100%
    # (104.6% is +4.6%), and each rate's ΔPL in points is in its dimension's table. The chart
    # is drawn all the same: ``{{ images["variance_target"] }}`` shows it (docs/templates.md §5).
    chart_pair(b, '"attainment"', '"variance_prior"')
    b.tag("for group in groups")
    b.p("{{ group.name }}", "Heading2")
    b.p("{{ group.summary }}", "LeadIn")
    b.tag("for kpi in group.kpis")
    b.p("{{ kpi.sentence }}", "ListBullet")
    b.tag("endfor")
    kpi_table(b, lang)
    b.tag("if group.more")
    b.p("{{ group.more.text }}", "TableNote", char_style="Muted")
    b.tag("endif")
    b.tag("endfor")
    b.tag("endif")

    # Quarterly trend.
    # What the results were worth.
    b.tag("if sections.value")
    b.p("{{ labels.value }}", "Heading1")
    b.p("{{ value.total }}", "LeadIn")
    b.table(
        word_columns(
            REPORT.table("value"),
            lang,
            {"kind_label": 1.6 if zh else 1.8, "kpi": 3.2, "label": None, "amount": 2.6},
        ),
        "for row in value.rows",
        small=True,
    )
    b.tag("endif")

    b.tag("if sections.quarters")
    b.p("{{ labels.quarters }}", "Heading1")
    b.tag("for q in quarters")
    b.p("{{ q.name }}", "Heading2")
    # Actuals only (no PL, no PY): three narrow columns stand beside their chart, the
    # sentence above; otherwise the sentence beside the chart and the table under both.
    b.tag("if q.chart in images and not q.has_target and not q.has_prior_year")
    b.tag("if q.summary")
    b.p("{{ q.summary }}", "LeadIn")
    b.tag("endif")
    chart_beside_table(b)
    b.tag("elif q.chart in images and q.summary")
    chart_beside_text(b)
    b.tag("else")
    # no chart, or no sentence to stand beside it (one quarter reported): no empty cell,
    # the chart full width above its table
    b.tag("if q.summary")
    b.p("{{ q.summary }}", "LeadIn")
    b.tag("endif")
    b.chart("q.chart", keep_next=True)
    quarter_table(b)
    b.tag("endif")
    b.tag("endfor")
    b.tag("if quarters_more")
    b.p(
        "{{ labels.quarters_more.replace('{n}', quarters_more | string) }}",
        "TableNote",
        char_style="Muted",
    )
    b.tag("endif")
    b.tag("endif")

    # The quarterly campaign review (活动复盘).
    b.tag("if sections.campaigns")
    b.p("{{ labels.campaigns }}", "Heading1")
    b.p("{{ campaigns.summary }}", "LeadIn")
    b.table(
        word_columns(
            REPORT.table("campaigns"),
            lang,
            {
                "quarter": 1.5,
                "name": 2.4,
                "theme": None,
                "investment": 2.0,
                "kpi_figure": None,
                "result": None,
                "feedback": None,
            },
            cells={"kpi_figure": "{{ row.kpi_figure or row.kpi }}"},
        ),
        "for row in campaigns.rows",
        small=True,
    )
    b.tag("endif")

    # Breakdown.
    b.tag("if sections.breakdown")
    b.p("{{ labels.breakdown }}", "Heading1")
    b.tag("for table in breakdowns")
    b.p("{{ table.dimension }} · {{ table.kpi }}", "Heading2")
    b.p("{{ table.summary }}", "LeadIn")
    b.tag("if table.contribution")
    b.p("{{ table.contribution }}", "LeadIn")
    b.tag("endif")
    chart_pair(b, "table.chart", "table.bridge_chart")
    b.table(
        word_columns(
            REPORT.table("breakdown"),
            lang,
            {
                "rank": 1.1,
                "item": None,
                "actual_figure": 2.3,
                "share": 1.5,
                "prior_year_figure": 2.3,
                "share_prior": 1.65,
                "share_change": 2.35,
                "var_prior_pct": 1.6,
            },
        ),
        "for row in table.rows",
        keep=True,
        total=[
            "",
            "{{ labels.total }}",
            "{{ table.total_figure }}",
            "100.0%",
            "{{ table.total_prior_figure }}",
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
            b.r("✗ {{ goal.goal }}", style="Alert"),
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
        word_columns(
            REPORT.table("tasks"),
            lang,
            {
                "task": None,
                "start": 1.95,
                "end": 1.95,
                "owner": 1.5 if zh else 2.2,
                "milestone": 2.6 if zh else 2.7,
                "deliverable": None,
            },
        ),
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
        word_columns(
            REPORT.table("resources"),
            lang,
            {"item": 5.0, "amount_figure": 2.6, "share": 1.8, "note": None},
        ),
        'for item in category["items"]',
        keep=True,
        total=["{{ labels.total }}", "{{ category.total_figure }}", "", ""],
    )
    b.tag("endfor")
    b.p(
        [b.r("{{ labels.total }}{{ labels.colon }}", bold=True), b.r("{{ resources.total }}")],
        "TableNote",
    )
    b.tag("endif")

    # Risks: those whose line this year's actual already crossed first, said as a fact
    # about the year (no alarm box: the report judges the year it reports on).
    b.tag("if sections.risks")
    b.p("{{ labels.risks }}", "Heading1")
    b.tag("if risks_crossed")
    b.p("{{ labels.crossed_header }}{{ labels.colon }}", "LeadIn", bold=True)
    b.tag("for risk in risks_crossed")
    b.p(
        [
            b.r("{{ risk.no }} {{ risk.risk }}", bold=True),
            b.r("{{ labels.colon }}{{ risk.status }} → {{ risk.response }}"),
        ],
        "ListBullet",
    )
    b.tag("endfor")
    b.tag("endif")
    risk_matrix_and_table(b, lang)
    b.tag("endif")

    # Looking ahead: next year's commitment.
    b.tag("if summary.closing")
    b.p("{{ labels.outlook }}", "Heading1")
    b.p("{{ summary.closing }}")
    b.tag("endif")
    b.p("")  # a document ends with a paragraph, not a table
