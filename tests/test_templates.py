"""Bring your own template (issue 7): export, custom Word/Markdown/HTML templates,
fallback to the bundled files, the filters, every kind of template error, the
sandbox, escaping, and ``opsreport check --template``.

Word template problems already covered in test_render_docx.py (a syntax error, an
unknown name, ``{%p`` with other text, a colour filter without ``{{r``, a template
reaching ``__class__``) are exercised here through the CLI and the messages a
non-programmer reads, not repeated at the renderer level.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from opsreport.app.analysis import analyze
from opsreport.app.build import build_report
from opsreport.cli import app
from opsreport.errors import TemplateProblem
from opsreport.present.report_context import build_context
from opsreport.render.docx import render_docx
from opsreport.render.explain import unclosed_block
from opsreport.render.filters import FilterMisuse
from opsreport.render.html import render_html
from opsreport.render.lookup import bundled_templates, find_template
from opsreport.render.markdown import render_markdown
from opsreport.render.sandbox import make_environment

from .conftest import ZH_EXAMPLE

TODAY = dt.date(2027, 1, 15)
runner = CliRunner()
NAVY = RGBColor(0x1F, 0x4E, 0x79)


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def zh_context() -> dict:
    return build_context(analyze(ZH_EXAMPLE).metrics, today=TODAY)


def kpi_named(context: dict, name: str) -> dict:
    return next(k for k in context["kpis"] if k["name"] == name)


def text_template(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def word_template(folder: Path, *paragraphs: str, name: str = "report.docx") -> Path:
    """A Word template with one paragraph per string."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(folder / name)
    return folder


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# --------------------------------------------------------------------------- export, fallback

EXPORTED = ("deck.pptx", "plan.docx", "plan.html.j2", "plan.md.j2", "report.docx", "report.html.j2", "report.md.j2")  # fmt: skip


def test_export_copies_the_bundled_templates_and_keeps_edited_ones(tmp_path):
    folder = tmp_path / "mine"
    result = run("templates", "export", folder, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == list(EXPORTED)
    bundled = bundled_templates()
    for name in EXPORTED:
        source = bundled / ("en" if name.endswith((".docx", ".pptx")) else "common") / name
        assert (folder / name).read_bytes() == source.read_bytes(), name
        assert f"wrote {folder / name}" in result.stdout

    edited = folder / "report.md.j2"
    edited.write_text("# {{ meta.title }}\n", encoding="utf-8")
    again = run("templates", "export", folder, "--lang", "en")
    assert again.exit_code == 1  # nothing copied: every file exists
    assert f"skipped {edited}: it exists (use --force to replace it)" in again.stderr
    assert edited.read_text(encoding="utf-8") == "# {{ meta.title }}\n"

    forced = run("templates", "export", folder, "--lang", "en", "--force")
    assert forced.exit_code == 0, forced.output
    assert edited.read_bytes() == (bundled / "common" / "report.md.j2").read_bytes()


def test_files_the_folder_lacks_fall_back_to_the_bundled_ones(tmp_path, zh_context):
    folder = text_template(tmp_path / "mine", "report.md.j2", "# {{ meta.title }}\n")
    assert find_template("report.md.j2", "zh", folder) == folder / "report.md.j2"
    assert find_template("report.docx", "zh", folder) == bundled_templates() / "zh" / "report.docx"
    assert render_markdown(zh_context, folder) == f"# {zh_context['meta']['title']}\n"
    assert render_html(zh_context, folder) == render_html(zh_context)
    ours = Document(BytesIO(render_docx(zh_context, template_dir=folder)))
    assert all_text(ours) == all_text(Document(BytesIO(render_docx(zh_context))))


def test_plan_uses_the_plan_template_of_the_folder(tmp_path):
    folder = text_template(
        tmp_path / "mine", "plan.md.j2", "{{ plan.title }}: {{ plan.targets | length }} targets\n"
    )
    out = tmp_path / "q1.md"
    result = run("plan", ZH_EXAMPLE, "--quarter", "Q1", "--template", folder, "-f", "md", "-o", out, "--no-charts", "-q")  # fmt: skip
    assert result.exit_code == 0, result.output
    # every one of the 26 KPIs has a 明年目标 (19 + the 7 narrative KPIs of issue 13)
    assert out.read_text(encoding="utf-8") == "电商运营中心2027年第1季度运营计划: 26 targets\n"


# --------------------------------------------------------------------------- a custom Word template


def company_template(folder: Path) -> Path:
    """A company's own report: its own styles, risks before results, a KPI table."""
    doc = Document()
    heading = doc.styles.add_style("Company Heading", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = doc.styles["Normal"]
    heading.font.size, heading.font.bold, heading.font.color.rgb = Pt(16), True, NAVY
    doc.add_paragraph("{{ meta.title }}", "Title")
    doc.add_paragraph("{%p if sections.risks %}")
    doc.add_paragraph("{{ labels.risks }}", "Company Heading")
    doc.add_paragraph("{%p for risk in risks %}")
    doc.add_paragraph("{{ risk.no }} {{ risk.risk }} — {{ risk.status }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if sections.results %}")
    doc.add_paragraph("{{ labels.results }}", "Company Heading")
    rows = [
        ["{{ labels.kpi }}", "{{ labels.ac }}", "{{ labels.pl }}", "{{ labels.dpl }}", "{{ labels.attainment }}", "{{ labels.status }}"],
        ["{%tr for k in kpis %}", "", "", "", "", ""],
        ["{{ k.name }}", "{{ k.actual_value | num(k.unit) }}", "{{ k.target }}", "{{ k | delta }}",
         "{{ k.attainment_value | pct }}", "{{r k.status_label | status(k.status) }}"],
        ["{%tr endfor %}", "", "", "", "", ""],
    ]  # fmt: skip
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    doc.add_paragraph("{%p endif %}")
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(folder / "report.docx")
    return folder


def test_custom_word_template_keeps_its_order_styles_and_loops(tmp_path, zh_context):
    folder = company_template(tmp_path / "company")
    out = tmp_path / "out.docx"
    result = run("build", ZH_EXAMPLE, "--template", folder, "-o", out, "--no-charts", "-q")
    assert result.exit_code == 0, result.output
    doc = Document(out)

    headings = [p.text for p in doc.paragraphs if p.style.name == "Company Heading"]
    assert headings == ["风险与应对", "经营成果与目标达成"]  # risks first, as the template says
    style = doc.styles["Company Heading"]
    assert (style.font.color.rgb, style.font.size, style.font.bold) == (NAVY, Pt(16), True)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == zh_context["meta"]["title"]
    risks = [f"{r['no']} {r['risk']} — {r['status']}" for r in zh_context["risks"]]
    assert texts[1 : 2 + len(risks)] == ["风险与应对", *risks]
    # the annual report says the crossed line as a fact about the year (48.5 > 47)
    assert risks[0] == "R1 库存积压导致周转恶化 — 今年实际48.5天已越过触发线（库存周转天数 > 47天）"

    table = doc.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["指标", "实际", "目标", "较目标", "完成率", "状态"]
    assert [row[0] for row in rows[1:]] == [k["name"] for k in zh_context["kpis"]]  # sheet order
    assert rows[1] == ["直接利润", "8.37亿元", "8.00亿元", "+4.6%", "104.6%", "达成"]
    assert rows[3] == ["毛利率", "24.1%", "23.0%", "+1.1个百分点", "104.8%", "达成"]
    status = next(r for r in table.rows[1].cells[5].paragraphs[0].runs if r.text)
    assert status.style.font.color.rgb == RGBColor.from_string("2E7D32")  # met: style Good, green
    assert "{{" not in all_text(doc) and "{%" not in all_text(doc)


def test_a_tag_split_by_word_formatting_still_renders(tmp_path, zh_context):
    """Word splits text into runs wherever formatting (or its spell checker) changes,
    and types curly quotes; docxtpl joins the runs of a tag and straightens its quotes."""
    doc = Document()
    paragraph = doc.add_paragraph("Title: ")
    first = paragraph.add_run("{{ meta.")
    first.bold = True
    proof = OxmlElement("w:proofErr")
    proof.set(qn("w:type"), "spellStart")
    paragraph._p.append(proof)
    paragraph.add_run("title }}").italic = True
    split = doc.add_paragraph()
    for text in ("{", "{ meta.org }", "}"):
        split.add_run(text).underline = True
    doc.add_paragraph("{{ meta[“org”] }}")  # Word's AutoFormat made the quotes curly
    (tmp_path / "t").mkdir()
    doc.save(tmp_path / "t" / "report.docx")

    out = Document(BytesIO(render_docx(zh_context, template_dir=tmp_path / "t")))
    title = zh_context["meta"]["title"]
    assert [p.text for p in out.paragraphs] == [f"Title: {title}", "电商运营中心", "电商运营中心"]
    value = next(r for r in out.paragraphs[0].runs if r.text == title)
    assert value.bold  # the value takes the formatting of the tag's first run


def test_chart_picture_in_a_custom_word_template(tmp_path, zh_context):
    from .test_render_docx import fake_chart

    folder = word_template(
        tmp_path / "t",
        '{%p if "attainment" in images %}',
        '{{ images["attainment"] }}',
        '{{ charts["attainment"].title }}',
        "{%p endif %}",
        '{%p if "risks" in images %}',
        '{{ images["risks"] }}',
        "{%p endif %}",
    )
    charts = {"attainment": fake_chart("attainment", "指标完成率")}
    doc = Document(BytesIO(render_docx(zh_context, charts, template_dir=folder)))
    assert len(doc.inline_shapes) == 1  # the risk matrix was not drawn: its block is left out
    assert [p.text for p in doc.paragraphs] == ["", "指标完成率"]
    assert doc.inline_shapes[0]._inline.docPr.get("descr") == "alt 指标完成率"


# --------------------------------------------------------------------------- Markdown, filters


def test_custom_markdown_template_with_filters(tmp_path):
    folder = text_template(
        tmp_path / "mine",
        "report.md.j2",
        "# {{ meta.title }}\n\n"
        '{% for k in kpis if k.group == "利润" %}\n'
        "- {{ k.name }}: {{ k.actual_value | num(k.unit) }}, 同比{{ k.var_prior | delta(k) }}, "
        "完成率{{ k.attainment_value | pct }}\n"
        "{% endfor %}\n\n"
        "## {{ 2 | heading_number }}{{ labels.risks }}\n",
    )
    out = tmp_path / "out.md"
    result = run("build", ZH_EXAMPLE, "--template", folder, "-f", "md", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (
        "# 电商运营中心2026年度工作总结与2027年工作计划\n\n"
        "- 直接利润: 8.37亿元, 同比+30.4%, 完成率104.6%\n"  # 1.95 / 6.42 = 30.37%; 8.37 / 8
        "- GMV: 49.6亿元, 同比+20.1%, 完成率95.4%\n"  # 8.3 / 41.3 = 20.10%; 1 - 2.4 / 52
        "- 毛利率: 24.1%, 同比+2.3个百分点, 完成率104.8%\n"  # a rate: 24.1 - 21.8 points
        "- 营销费用率: 11.2%, 同比-2.3个百分点, 完成率106.7%\n"  # lower is better: 1 + 0.8 / 12
        "- 毛利率提升: 2.3个百分点, 同比+1.7个百分点, 完成率191.7%\n"
        "- 利润率: 14.8%, 同比+3.6个百分点, 完成率105.7%\n"  # 14.8 − 11.2 points; 1 + 0.8 / 14
        # no typed target: 28 + 10 points of growth target = 38; 1 + 3 / 38 = 107.9%
        "- 自有品牌占比: 41%, 同比+13.0个百分点, 完成率107.9%\n\n"
        "## 二、风险与应对\n"
    )


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ("{{ kpi | delta }}", "直接利润", "+4.6%"),  # 0.37 / 8 = 4.625%, half up
        ('{{ kpi | delta("prior") }}', "直接利润", "+30.4%"),
        ("{{ kpi.var_prior | delta(kpi) }}", "直接利润", "+30.4%"),
        ("{{ kpi.var_prior_value | delta(kpi) }}", "直接利润", "+30.4%"),
        ("{{ kpi.var_target_value | delta(kpi) }}", "GMV", "-4.6%"),  # -2.4 / 52 = -4.615%
        ("{{ kpi.var_target | delta(kpi) }}", "库存周转天数", "+7.8%"),  # 3.5 / 45 = 7.78%
        ("{{ kpi.var_prior_value | delta(kpi) }}", "库存周转天数", "-6.7%"),  # -3.5 / 52
        ("{{ kpi.var_prior | delta(kpi) }}", "毛利率", "+2.3个百分点"),  # 24.1 - 21.8
        ("{{ kpi.var_target_value | delta(kpi) }}", "营销费用率", "-0.8个百分点"),  # 11.2 - 12
        ("{{ 1.25 | delta(kpi) }}", "毛利率", "+1.3个百分点"),  # any number: points, half up
        ("{{ none | delta(kpi) }}", "直接利润", "–"),
        ("{{ kpi.actual_value | num(kpi.unit, 2, signed=True) }}", "直接利润", "+8.37亿元"),
        ("{{ kpi.var_prior_value | num(kpi.unit, signed=True) }}", "库存周转天数", "-3.5天"),
        ("{{ kpi.var_target_pct_value | pct(signed=True) }}", "直接利润", "+4.6%"),
        ("{{ kpi.share_value | pct }}", "直接利润", "41.9%"),  # 0.4185: half up, not to even
        ("{{ kpi.var_prior_value | pp(signed=True) }}", "毛利率", "+2.3个百分点"),
    ],
)
def test_filters_give_hand_checked_figures(zh_context, source, name, expected):
    env = make_environment("zh", [], autoescape=False)
    assert env.from_string(source).render(kpi=kpi_named(zh_context, name)) == expected


def test_delta_refuses_a_number_it_cannot_read(zh_context):
    env = make_environment("zh", [], autoescape=False)
    profit = kpi_named(zh_context, "直接利润")
    with pytest.raises(FilterMisuse, match="not one of 直接利润's variances"):
        env.from_string("{{ 1.9 | delta(kpi) }}").render(kpi=profit)  # 1.9 亿元 or 190%?
    with pytest.raises(FilterMisuse, match="needs the KPI"):
        env.from_string("{{ 0.05 | delta }}").render()
    with pytest.raises(FilterMisuse, match="already formatted"):
        env.from_string("{{ kpi.actual | num(kpi.unit) }}").render(kpi=profit)


def test_english_filters(zh_context):
    context = build_context(analyze(ZH_EXAMPLE).metrics, "en", today=TODAY)
    env = make_environment("en", [], autoescape=False)
    rate = kpi_named(context, "毛利率")
    source = "{{ kpi.var_prior | delta(kpi) }} {{ 3 | heading_number }}{{ 0.37 | num('USD m', signed=True) }}"  # fmt: skip
    assert env.from_string(source).render(kpi=rate) == "+2.3 pp 3. +0.37 USD m"


def test_a_missing_value_prints_as_nothing_in_every_format(tmp_path, zh_context):
    # risks[0].crossed: the zh example's 库存周转天数 48.5 > 47, a fact of the annual report
    # (triggered, a live alarm, is for in-year drafts only)
    source = "[{{ kpis[0].base_name }}|{{ meta.get('nothing') }}|{{ risks[0].crossed }}]"
    folder = text_template(tmp_path, "report.md.j2", source + "\n")
    text_template(folder, "report.html.j2", source + "\n")
    word_template(folder, source)
    assert render_markdown(zh_context, folder) == "[公司利润增量||True]\n"
    assert render_html(zh_context, folder) == "[公司利润增量||True]\n"
    doc = Document(BytesIO(render_docx(zh_context, template_dir=folder)))
    assert doc.paragraphs[0].text == "[公司利润增量||True]"


# --------------------------------------------------------------------------- template errors

FIX_NAMES = "`opsreport context WORKBOOK` lists every name a template can use"


def _table_template(folder: Path, cell: str) -> Path:
    doc = Document()
    doc.add_paragraph("{{ meta.title }}")
    table = doc.add_table(rows=4, cols=1)
    for row, text in zip(table.rows, ["KPI", "{%tr for k in kpis %}", cell, "{%tr endfor %}"], strict=True):  # fmt: skip
        row.cells[0].text = text
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(folder / "report.docx")
    return folder


ERRORS = {
    "md unknown name": (
        "md", lambda d: text_template(d, "report.md.j2", "# {{ meta.title }}\n\n{{ summary.opneing }}\n"),
        ["report.md.j2, line 3 «{{ summary.opneing }}»: unknown name «opneing» (did you mean «opening»?)", FIX_NAMES],
    ),
    "md misspelled filter": (
        "md", lambda d: text_template(d, "report.md.j2", "# T\n{{ kpis[0].attainment_value | pcnt }}\n"),
        ["report.md.j2, line 2 «{{ kpis[0].attainment_value | pcnt }}»: unknown filter «pcnt» (did you mean «pct»?)"],
    ),
    "md number beyond a float": (  # Jinja wrote 1e400 into its code as inf: NameError
        "md", lambda d: text_template(d, "report.md.j2", "# T\n{{ summary.opening | default(1e400) }}\n"),
        ["report.md.j2, line 2", "a number in the template is beyond what a float holds (1e400 or"],
    ),
    "md not a number": (  # 'nan' | float is folded into Jinja's code as nan: NameError
        "md", lambda d: text_template(d, "report.md.j2", "# T\n{{ summary.opening | default('nan' | float) }}\n"),
        ["report.md.j2, line 2", "a value in the template is not a number"],
    ),
    "docx chart width beyond a float": (
        "docx", lambda d: word_template(d, "{{ images['attainment'] | chart_width(1e400) }}"),
        ["report.docx, paragraph", "beyond what a float holds"],
    ),
    "md unclosed block": (
        "md", lambda d: text_template(d, "report.md.j2", "# T\n\n{% for k in kpis %}\n- {{ k.name }}\n\nThe end.\n"),
        ["report.md.j2, line 3 «{% for k in kpis %}»: {% for k in kpis %} is never closed — add {% endfor %}"],
    ),
    "md unclosed print tag": (
        "md", lambda d: text_template(d, "report.md.j2", "# {{ meta.title }\n\nText.\n"),
        ["report.md.j2, line 1 «# {{ meta.title }»: template syntax error", "every {{ needs its }}"],
    ),
    "md end tag of another block": (
        "md", lambda d: text_template(d, "report.md.j2", "{% for k in kpis %}\n{{ k.name }}\n{% endif %}\n"),
        ["report.md.j2, line 3 «{% endif %}»: «endif» comes while a {% for … %} is still open — close it with {% endfor %} first"],
    ),
    "md Word-only filter": (
        "md", lambda d: text_template(d, "report.md.j2", "{{ kpis[0].var_target | good(true) }}\n"),
        ["report.md.j2, line 1", "«good» is a filter of Word templates only"],
    ),
    "html unknown name": (
        "html", lambda d: text_template(d, "report.html.j2", "<h1>{{ meta.titel }}</h1>\n"),
        ["report.html.j2, line 1 «<h1>{{ meta.titel }}</h1>»: unknown name «titel» (did you mean «title»?)"],
    ),
    "docx unknown name": (
        "docx", lambda d: word_template(d, "{{ meta.title }}", "Lead: {{ summary.opneing }}"),
        ["report.docx, paragraph «Lead: {{ summary.opneing }}»: unknown name «opneing» (did you mean «opening»?)", FIX_NAMES],
    ),
    "docx misspelled filter in a table": (
        "docx", lambda d: _table_template(d, "{{ k.attainment_value | pcnt }}"),
        ["report.docx, paragraph «{{ k.attainment_value | pcnt }}»: unknown filter «pcnt» (did you mean «pct»?)"],
    ),
    "docx filter given text": (
        "docx", lambda d: _table_template(d, "{{ k.actual | num(k.unit) }}"),
        ["report.docx, paragraph «{{ k.actual | num(k.unit) }}»: the num filter got the text", "kpi.actual_value"],
    ),
    "docx stray end tag": (
        "docx", lambda d: word_template(d, "{{ labels.results }}", "{%p endif %}", "The end."),
        ["report.docx, paragraph «{%p endif %}»: «endif» closes nothing: there is no open {%p if … %} before it"],
    ),
    "docx else outside an if": (
        "docx", lambda d: word_template(d, "{{ labels.results }}", "{%p else %}", "The end."),
        ["report.docx, paragraph «{%p else %}»: «else» outside any {%p if … %}"],
    ),
    "docx unknown name in a paragraph tag": (
        "docx", lambda d: word_template(d, "{%p if sections.resluts %}", "x", "{%p endif %}"),
        ["report.docx, paragraph «{%p if sections.resluts %}»: unknown name «resluts» (did you mean «results»?)"],
    ),
    "docx unclosed block": (
        "docx", lambda d: word_template(d, "{%p if sections.results %}", "{{ labels.results }}", "The end."),
        ["report.docx: the tag {%p if sections.results %} is never closed — add {%p endif %} in a paragraph of its own"],
    ),
    "docx unclosed print tag": (
        "docx", lambda d: word_template(d, "{{ meta.title ", "The end."),
        ["report.docx, paragraph «{{ meta.title The end.»: template syntax error", "every {{ needs its }}"],
    ),
    "docx control tag not alone": (
        "docx", lambda d: word_template(d, "{%p if sections.results %} Results", "{%p endif %}"),
        ["report.docx: the paragraph «{%p if sections.results %} Results» mixes a {%p … %} tag with other text; put the tag alone in its paragraph"],
    ),
    "docx row tag not alone": (
        "docx", lambda d: _table_template(d, "{%tr if k.status %}{{ k.name }}"),
        ["report.docx: the table row «{%tr if k.status %}{{ k.name }}» mixes a {%tr … %} tag with other text"],
    ),
    "docx percent sign in a control tag": (
        "docx", lambda d: word_template(d, '{%p if summary.score == "100%" %}', "Perfect", "{%p endif %}"),
        ['report.docx: the tag «{%p if summary.score == "100%" %}» holds a % sign, which a {%p … %} tag cannot'],
    ),
    "docx plain text in an r tag": (
        "docx", lambda d: word_template(d, "{{r meta.title }}"),
        ["report.docx: «Test» was printed by a {{r … }} tag", "without the r"],
    ),
    "docx colour filter in a plain tag": (
        "docx", lambda d: word_template(d, "ΔPL {{ kpis[0].var_target | good(kpis[0].good_target) }}"),
        ["report.docx, paragraph «ΔPL {{ kpis[0].var_target | good(kpis[0].good_target) }}»: the good filter colours text, so its tag must be written {{r … }} — write «{{r kpis[0].var_target | good(kpis[0].good_target) }}»"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_each_template_error_names_file_place_and_tag(tmp_path, make_workbook, basic_sheets, case):
    fmt, make, expected = ERRORS[case]
    workbook = make_workbook(basic_sheets)
    folder = make(tmp_path / "my templates")
    out = tmp_path / f"out.{fmt}"
    result = run("build", workbook, "--template", folder, "-f", fmt, "-o", out, "--no-charts", "-q")
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a crash
    assert "Traceback" not in result.output
    message = result.stderr
    assert message.startswith(f"error: {folder}{'/'}"), message
    for part in expected:
        assert part in message, message
    assert not out.exists()


def test_unclosed_block_finds_the_innermost_open_tag():
    lines = ["{% if a %}", "{% for k in kpis %}{{ k }}{% endfor %}", "{%p for x in y %}", "{% if b %}{% endif %}"]  # fmt: skip
    assert unclosed_block(lines) == (2, "{%p for x in y %}")
    assert unclosed_block(["{% set x = 1 %}", "{% if a %}{% endif %}"]) is None
    assert unclosed_block(["{% set block %}", "text"]) == (0, "{% set block %}")
    assert unclosed_block(['{% if x == "50%" %}', "{%- for a in b -%}", "{% endfor %}"]) == (0, '{% if x == "50%" %}')  # fmt: skip


# --------------------------------------------------------------------------- safety

HOSTILE = [
    "{{ meta.__class__.__mro__ }}",
    "{{ ''.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ joiner.__call__.__globals__ }}",
    '{{ "{0.__class__}".format(meta) }}',
    '{{ meta.update({"title": "hacked"}) }}',
    "{{ range(10**9) | list | length }}",
    "{{ 10 ** 100000000 }}",
    '{{ "x" * 10**9 }}',
    "{{ kpis * 10**9 }}",
    '{{ "x".center(10**9) }}',
    "{{ meta.title.ljust(999999999) }}",
    '{{ "%999999999d" % 3 }}',
    '{{ "%*d" % (999999999, 3) }}',
    '{{ "{:>999999999}".format(1) }}',
    '{{ "{:{w}}".format(1, w=999999999) }}',
    '{{ "x" | center(999999999) }}',
    '{{ "%999999999s" | format("x") }}',
    '{{ "a\nb" | indent(999999999) }}',
]


def test_ordinary_widths_and_formats_still_work():
    env = make_environment("zh", [], autoescape=False)
    source = '{{ "ab".center(6) }}|{{ "%05.1f" % 3.14159 }}|{{ "{:>4}".format(7) }}|{{ "x" | center(3) }}|{{ 7 % 3 }}'
    assert env.from_string(source).render() == "  ab  |003.1|   7| x |1"


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        (kind, source)
        for kind in ("md", "html", "docx")
        for source in HOSTILE
        if (kind, source) != ("docx", HOSTILE[0])  # test_render_docx.py has that one
    ],
)
def test_hostile_templates_are_refused(tmp_path, zh_context, kind, source):
    with pytest.raises(TemplateProblem, match="refused by the template sandbox") as caught:
        if kind == "docx":
            folder = word_template(tmp_path, source)
            render_docx(zh_context, template_dir=folder)
        else:
            folder = text_template(tmp_path, f"report.{kind}.j2", source + "\n")
            (render_markdown if kind == "md" else render_html)(zh_context, folder)
    assert str(folder) in str(caught.value)
    assert zh_context["meta"]["title"] != "hacked"


def test_templates_cannot_read_files_outside_the_template_folders(tmp_path, zh_context):
    (tmp_path / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    for source in ('{% include "../secret.txt" %}', '{% include "' + str(tmp_path / "secret.txt") + '" %}'):  # fmt: skip
        folder = text_template(tmp_path / "t", "report.md.j2", source + "\n")
        with pytest.raises(TemplateProblem, match="there is no template") as caught:
            render_markdown(zh_context, folder)
        assert "TOP SECRET" not in str(caught.value)


def test_cell_text_appears_literally_in_custom_templates(tmp_path, make_workbook, basic_sheets):
    name = "R&D <Top> {{ x }} {%p if %}"
    basic_sheets["kpis"].append(["X1", name, "效率", "元", "higher", 10, 12, None, None, None])
    workbook = make_workbook(basic_sheets)
    folder = text_template(tmp_path / "t", "report.md.j2", "{% for k in kpis %}\n{{ k.name }}\n{% endfor %}\n")  # fmt: skip
    text_template(folder, "report.html.j2", "{% for k in kpis %}<p>{{ k.name }}</p>{% endfor %}\n")
    word_template(folder, "{%p for k in kpis %}", "{{ k.name }}", "{%p endfor %}")
    result = build_report(
        workbook, output=tmp_path / "out", formats=("docx", "md", "html"), template_dir=folder,
        charts=False, today=TODAY,
    )  # fmt: skip
    assert len(result.outputs) == 3
    md = (tmp_path / "out" / f"{workbook.stem}.md").read_text(encoding="utf-8")
    assert md.splitlines()[-1] == "R&D &lt;Top&gt; {{ x }} {%p if %}"  # shows literally
    html = (tmp_path / "out" / f"{workbook.stem}.html").read_text(encoding="utf-8")
    assert "<p>R&amp;D &lt;Top&gt; {{ x }} {%p if %}</p>" in html
    doc = Document(tmp_path / "out" / f"{workbook.stem}.docx")
    assert [p.text for p in doc.paragraphs][-1] == name


# --------------------------------------------------------------------------- opsreport check


@pytest.mark.parametrize("broken", ["report.md.j2", "plan.md.j2", "report.docx"])
def test_check_covers_templates(tmp_path, make_workbook, basic_sheets, broken):
    workbook = make_workbook(basic_sheets)
    good = text_template(tmp_path / "good", "report.md.j2", "# {{ meta.title }}\n")
    company_template(good)
    passed = run("check", workbook, "--template", good, "--no-charts")
    assert passed.exit_code == 0, passed.output
    assert "1 passed, 0 failed" in passed.stdout

    bad = tmp_path / "bad"
    if broken.endswith(".docx"):
        word_template(bad, "{{ meta.title }}", "{{ summary.opneing }}")
    else:
        text_template(bad, broken, "{{ meta.title }}\n{{ summary.opneing }}\n")
    failed = run("check", workbook, "--template", bad, "--no-charts")
    assert failed.exit_code == 1
    assert "0 passed, 1 failed" in failed.stdout
    place = "paragraph" if broken.endswith(".docx") else "line 2"
    assert (
        f"{bad / broken}, {place} «{{{{ summary.opneing }}}}»: unknown name «opneing»"
        in failed.stdout
    )

    # A team's CI marks the template file (and its line), not the workbook that met it.
    github = run("check", workbook, "--template", bad, "--no-charts", "--format", "github")
    assert github.exit_code == 1
    line = ",line=2" if not broken.endswith(".docx") else ""
    marked = f"::error file={bad / broken}{line},title=template › {workbook.name}::"
    assert marked in github.stdout, github.stdout
    report = json.loads(
        run("check", workbook, "--template", bad, "--no-charts", "-f", "json").stdout
    )
    error = report["files"][0]["errors"][0]
    assert error["template"] == str(bad / broken)
    assert error["template_line"] == (None if broken.endswith(".docx") else 2)


# --------------------------------------------------------------------------- the folder itself


def test_a_template_folder_that_is_not_there_is_an_error_not_the_bundled_look(tmp_path):
    """A misspelt --template path must not quietly give the standard report."""
    runner = CliRunner()
    out = tmp_path / "out.docx"
    missing = tmp_path / "my-templtes"
    for command in (
        ["build", str(ZH_EXAMPLE), "--template", str(missing), "-o", str(out)],
        ["plan", str(ZH_EXAMPLE), "-Q", "Q1", "--template", str(missing), "-o", str(out)],
        ["check", str(ZH_EXAMPLE), "--template", str(missing)],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, command
        assert f"the template folder {missing} does not exist" in result.output
        assert "opsreport templates export" in result.output
    assert not out.exists()

    a_file = tmp_path / "report.docx"
    a_file.write_bytes(b"")
    result = runner.invoke(
        app, ["build", str(ZH_EXAMPLE), "--template", str(a_file), "-o", str(out)]
    )
    assert result.exit_code == 2 and "--template takes a folder, not a file" in result.output


def test_a_folder_without_any_template_name_says_so(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "Report.docx").write_bytes(b"")  # a capital letter: not our name
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(ZH_EXAMPLE),
            "--template",
            str(folder),
            "-f",
            "md",
            "-o",
            str(tmp_path / "o.md"),
        ],
    )
    assert result.exit_code == 0
    assert "holds none of report.docx" in result.output
    assert "rename Report.docx → report.docx" in result.output


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "{% for c in resources.categories %}{% for i in c.items %}{{ i.item }}{% endfor %}{% endfor %}",
            'write x["items"]',
        ),
        (
            "{%tr for k in kpis %}\n{{ k.name }}\n{%tr endfor %}\n",
            "is a tag of Word templates only",
        ),
        ("{% for k in meta.year %}{{ k }}{% endfor %}", "needs a list"),
    ],
)
def test_markdown_mistakes_get_advice_not_python_errors(tmp_path, template, message):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "report.md.j2").write_text(template, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(ZH_EXAMPLE),
            "-f",
            "md",
            "--template",
            str(folder),
            "-o",
            str(tmp_path / "o.md"),
        ],
    )
    assert result.exit_code == 1
    assert message in result.output and "report.md.j2, line 1" in result.output
    assert "Traceback" not in result.output and "TypeError" not in result.output


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["{%p set d = kpis[0].var_target | good(kpis[0].good_target) %}", "ΔPL {{r d }}"],
        ["{# e.g. {{ x | good(y) }} #}{{ meta.title }}"],
        ["{% raw %}{{ x | good(y) }}{% endraw %}"],
        ['{{ "a | good" }}'],
    ],
)
def test_colour_tags_the_check_must_not_refuse(tmp_path, zh_context, paragraphs):
    render_docx(zh_context, template_dir=word_template(tmp_path, *paragraphs))


def test_a_colour_filter_in_a_plain_tag_gets_the_tag_to_write(tmp_path, zh_context):
    for typed, written in [
        ("{{x|good(y)}}", "{{r x|good(y) }}"),
        ("{{- kpis[0].var_target | good(true) }}", "{{r kpis[0].var_target | good(true) }}"),
    ]:
        folder = word_template(tmp_path / str(len(typed)), "Δ " + typed)
        with pytest.raises(TemplateProblem, match=re.escape(f"write «{written}»")):
            render_docx(zh_context, template_dir=folder)


def _rows_template(folder: Path, *rows: str) -> Path:
    doc = Document()
    doc.add_paragraph("{{ meta.title }}")
    table = doc.add_table(rows=len(rows), cols=1)
    for row, text in zip(table.rows, rows, strict=True):
        row.cells[0].text = text
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(folder / "report.docx")
    return folder


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ["{%tr for k in kpis %}", "{{ k.name }}", "{%tr endif %}"],
            "paragraph «{%tr endif %}»: «endif» comes while a {%tr for … %} is still open — "
            "close it with {%tr endfor %} first",
        ),
        (
            ["{%tr for k in kpis %}", "{{ k.name }}", "The end."],
            "the tag {%tr for k in kpis %} is never closed — add {%tr endfor %} in a table row "
            "of its own",
        ),
    ],
)
def test_table_row_block_errors_advise_table_row_tags(tmp_path, zh_context, rows, message):
    with pytest.raises(TemplateProblem) as caught:
        render_docx(zh_context, template_dir=_rows_template(tmp_path, *rows))
    assert message in str(caught.value)


def test_tags_with_whitespace_control_are_quoted_as_typed(tmp_path, zh_context):
    folder = word_template(tmp_path, "{%p if sections.results -%}", "x", "The end.")
    with pytest.raises(
        TemplateProblem, match=re.escape("the tag {%p if sections.results -%} is never closed")
    ):
        render_docx(zh_context, template_dir=folder)


# --------------------------------------------------------------------------- templates reach data only
#
# docs/templates.md §8 "What a template cannot do" names these tests.

PLAIN_TYPES = (dict, list, tuple, str, int, float, Decimal, bool, type(None), dt.date, dt.datetime)


def not_plain_data(value: object, path: str = "context") -> list[str]:
    """Every place under ``value`` holding something other than plain data (exact types:
    a subclass could add methods), as ``path: type``."""
    from markupsafe import Markup

    kind = type(value)
    if kind is dict:
        found = [f"{path}: key {key!r}" for key in value if type(key) not in (str, int)]
        for key, item in value.items():
            found += not_plain_data(item, f"{path}[{key!r}]")
        return found
    if kind in (list, tuple):
        return [
            problem
            for i, item in enumerate(value)
            for problem in not_plain_data(item, f"{path}[{i}]")
        ]
    return (
        []
        if kind in PLAIN_TYPES or kind is Markup
        else [f"{path}: {kind.__module__}.{kind.__qualname__}"]
    )


def test_the_plain_data_walk_finds_objects_with_methods():
    from types import SimpleNamespace

    from docxtpl import RichText

    found = not_plain_data(
        {"a": [1, "x", {"b": RichText("r")}], "c": (SimpleNamespace(),), "d": Path(".")}
    )
    assert found == [
        "context['a'][2]['b']: docxtpl.richtext.RichText",
        "context['c'][0]: types.SimpleNamespace",
        "context['d']: pathlib.PosixPath",
    ]
    assert not_plain_data({"x": [Decimal("1.5"), dt.date(2026, 1, 1), None, True, 2.5]}) == []


def _captured_contexts(monkeypatch) -> list[dict]:
    """What every template (and every included one) is rendered with, as Jinja gets it."""
    from jinja2.environment import Template

    seen: list[dict] = []
    new_context = Template.new_context

    def capture(self, vars=None, shared=False, locals=None):  # Jinja's parameter names
        own_globals = self.environment.globals  # tested on their own, below
        seen.append({k: v for k, v in (vars or {}).items() if own_globals.get(k) is not v})
        return new_context(self, vars, shared, locals)

    monkeypatch.setattr(Template, "new_context", capture)
    return seen


@pytest.mark.parametrize("document", ["report", "plan"])
@pytest.mark.parametrize("fmt", ["docx", "md", "html"])
def test_every_value_a_template_receives_is_plain_data(monkeypatch, tmp_path, document, fmt):
    from opsreport.app.pipeline import render_formats
    from opsreport.present.plan_context import plan_context
    from opsreport.render.budget import RenderBudget, use_render_budget

    from .test_render_docx import fake_chart

    analysis = analyze(ZH_EXAMPLE)
    context = (
        build_context(analysis.metrics, today=TODAY)
        if document == "report"
        else plan_context(analysis, 1, today=TODAY)
    )
    keys = ("attainment", "risks") if document == "report" else ("timeline", "risks")
    drawn = {key: fake_chart(key, f"title {key}") for key in keys}
    folder = tmp_path / "t"  # includes go through the same door: one template includes another
    text_template(folder, "part.md.j2", "{{ meta.title }}\n")
    text_template(folder, f"{document}.md.j2", "{% include 'part.md.j2' %}\n")
    seen = _captured_contexts(monkeypatch)
    # In-process: a --template folder renders in a child process (render/budget.py),
    # where this spy's findings would stay.
    with use_render_budget(RenderBudget(isolate=False)):
        render_formats(context, drawn, (fmt,), document, folder if fmt == "md" else None)
    assert len(seen) >= (2 if fmt == "md" else 1)
    for received in seen:
        assert not_plain_data(received) == []
    if fmt == "docx":  # the charts are markers the renderer resolves, not docxtpl's InlineImage
        images = seen[0]["images"]
        assert sorted(images) == sorted(keys)
        assert all(re.fullmatch(r"<!--opsreport-chart:\d+-->", value) for value in images.values())


def _filter_samples(context: dict) -> dict[str, tuple[tuple, dict]]:
    kpi, smart = context["kpis"][0], context["goals"][0]["smart"]
    return {
        "num": ((kpi["actual_value"], kpi["unit"]), {"signed": True}),
        "pct": ((0.4567,), {"signed": True}),
        "pp": ((1.25,), {}),
        "delta": ((kpi,), {}),
        "cn_number": ((12,), {}),
        "heading_number": ((3,), {}),
        "good": (("R&D <x>", False), {"bold": True}),
        "status": (("met", "met"), {}),
        "alert": (("risk", True, "⚠ "), {}),
        "smart": ((smart,), {}),
        "color": (("x", "#1F4E79"), {"bold": True}),
        "status_mark": (("near",), {}),
    }  # fmt: skip


def test_every_filter_of_ours_returns_a_plain_string(zh_context):
    from markupsafe import Markup

    from opsreport.render.filters import filters
    from opsreport.render.markdown import _environment
    from opsreport.render.word_styles import docx_filters

    ours = {
        **filters("zh"),
        **docx_filters("微软雅黑"),
        **{"status_mark": _environment("zh", ()).filters["status_mark"]},
    }
    samples = _filter_samples(zh_context)
    assert set(samples) == set(ours)  # a new filter needs a sample here
    for name, (args, kwargs) in samples.items():
        result = ours[name](*args, **kwargs)
        assert type(result) in (str, Markup), (name, type(result))


def test_the_jinja_globals_are_plain_helpers_and_lipsum_is_gone(tmp_path, zh_context):
    from opsreport.render.sandbox import SAFE_GLOBALS

    env = make_environment("zh", [], autoescape=True)
    assert (
        set(env.globals) == set(SAFE_GLOBALS) == {"range", "dict", "cycler", "joiner", "namespace"}
    )
    folder = text_template(tmp_path / "t", "report.md.j2", "{{ lipsum(10**7) }}\n")
    with pytest.raises(TemplateProblem, match="unknown name «lipsum»"):
        render_markdown(zh_context, folder)
    # what the bundled templates use still works
    source = "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}{{ dict(a=1)['a'] }}"
    assert env.from_string(source).render() == "31"


WORD_METHOD_CALLS = [
    "{{ images['attainment'].tpl.save('OUT') }}",
    "{{ images['attainment'].tpl.docx.save('OUT') }}",
    "{{ images['attainment'].tpl.replace_zipname('word/styles.xml', '/etc/passwd') }}",
    "{{ images['attainment'].tpl.new_subdoc('/etc/passwd') }}",
    "{{ images['attainment'].image_descriptor.read() }}",
    "{{r (kpis[0].name | good(true)).add('x') }}",
    "{{r (kpis[0].name | status('met')).xml }}",
]


@pytest.mark.parametrize("source", WORD_METHOD_CALLS)
def test_word_templates_reach_no_document_through_charts_or_filters(tmp_path, zh_context, source):
    from .test_render_docx import fake_chart

    out = tmp_path / "evil.docx"
    folder = word_template(tmp_path / "t", source.replace("OUT", str(out)))
    charts = {"attainment": fake_chart("attainment", "指标完成率")}
    with pytest.raises(TemplateProblem, match="unknown name") as caught:
        render_docx(zh_context, charts, template_dir=folder)
    assert str(folder / "report.docx") in str(caught.value)
    assert not out.exists()


def test_a_chart_is_added_only_where_a_template_prints_it(tmp_path, zh_context):
    """Charts not printed add no picture part; a marker the template types for a chart
    that does not exist prints nothing; a chart in the page header is a picture there."""
    import zipfile

    from .test_render_docx import fake_chart

    folder = tmp_path / "t"
    folder.mkdir()
    from .hostile.cases_templates import word_docx

    (folder / "report.docx").write_bytes(
        word_docx(
            "{{ images['attainment'] }}",
            "x<!--opsreport-chart:99-->y",
            header="{{ images['risks'] }}",
        )
    )
    charts = {key: fake_chart(key, key) for key in ("attainment", "risks", "quarterly:P01")}
    data = render_docx(zh_context, charts, template_dir=folder)
    doc = Document(BytesIO(data))
    assert [s._inline.docPr.get("descr") for s in doc.inline_shapes] == ["alt attainment"]
    assert doc.paragraphs[1].text == "x<!--opsreport-chart:99-->y"  # typed text is text
    header = doc.sections[0].header._element
    assert header.xpath(".//wp:docPr/@descr") == ["alt risks"]
    with zipfile.ZipFile(BytesIO(data)) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert "opsreport-chart" not in xml.replace("x&lt;!--opsreport-chart:99--&gt;y", "")
    assert len(media) == 1  # the three fake charts are one 1×1 PNG: python-docx stores it once


# --------------------------------------------------------------------------- symbolic links


def _linked_folder(tmp_path: Path, files: dict[str, str], links: dict[str, Path | str]) -> Path:
    folder = tmp_path / "t"
    for name, text in files.items():
        text_template(folder / Path(name).parent, Path(name).name, text)
    folder.mkdir(exist_ok=True)
    for name, target in links.items():
        (folder / name).symlink_to(target)
    return folder


@pytest.fixture
def secret(tmp_path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md.j2").write_text("TOP SECRET", encoding="utf-8")
    return outside / "secret.md.j2"


@pytest.mark.parametrize("render", [render_markdown, render_html])
def test_an_include_through_a_link_out_of_the_folder_is_refused(
    tmp_path, zh_context, secret, render
):
    name = "report.md.j2" if render is render_markdown else "report.html.j2"
    folder = _linked_folder(
        tmp_path, {name: "{% include 'evil.md.j2' %}\n"}, {"evil.md.j2": secret}
    )
    with pytest.raises(TemplateProblem) as caught:
        render(zh_context, folder)
    message = str(caught.value)
    assert message.startswith(
        f"{folder / name}, line 1 «{{% include 'evil.md.j2' %}}»: {folder / 'evil.md.j2'}: leads outside"
    )
    assert "TOP SECRET" not in message and caught.value.template == str(folder / name)


def test_an_include_in_a_word_template_through_a_link_out_of_the_folder_is_refused(
    tmp_path, zh_context, secret
):
    folder = _linked_folder(tmp_path, {}, {"evil.md.j2": secret})
    word_template(folder, "{% include 'evil.md.j2' %}")
    with pytest.raises(TemplateProblem) as caught:
        render_docx(zh_context, template_dir=folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'report.docx'}, paragraph «{{% include 'evil.md.j2' %}}»")
    assert (
        "evil.md.j2: leads outside the template folder" in message and "TOP SECRET" not in message
    )


def test_a_linked_subfolder_out_of_the_folder_is_refused(tmp_path, zh_context, secret):
    folder = _linked_folder(
        tmp_path, {"report.md.j2": "{% include 'parts/secret.md.j2' %}\n"}, {"parts": secret.parent}
    )
    with pytest.raises(
        TemplateProblem, match=r"parts/secret\.md\.j2: leads outside the template folder"
    ):
        render_markdown(zh_context, folder)


def test_a_linked_top_level_template_is_refused_by_name(tmp_path, zh_context, secret):
    folder = _linked_folder(tmp_path, {}, {"report.md.j2": secret})
    with pytest.raises(TemplateProblem) as caught:
        render_markdown(zh_context, folder)
    assert str(caught.value).startswith(
        f"{folder / 'report.md.j2'}: leads outside the template folder {folder}"
    )
    assert str(secret) in str(caught.value)  # says where the link goes


def test_a_linked_word_template_is_refused_by_find_template_and_the_folder_check(
    tmp_path, zh_context
):
    from opsreport.render.lookup import inspect_template_dir

    outside = word_template(tmp_path / "outside", "TOP SECRET")
    folder = _linked_folder(tmp_path, {}, {"report.docx": outside / "report.docx"})
    for attempt in (
        lambda: find_template("report.docx", "zh", folder),
        lambda: render_docx(zh_context, template_dir=folder),
        lambda: inspect_template_dir(folder),
    ):
        with pytest.raises(
            TemplateProblem, match=r"report\.docx: leads outside the template folder"
        ):
            attempt()


def test_a_dangling_link_out_of_the_folder_is_refused_not_skipped(tmp_path, zh_context):
    folder = _linked_folder(tmp_path, {}, {"report.md.j2": tmp_path / "nowhere.md.j2"})
    with pytest.raises(TemplateProblem, match="leads outside"):
        render_markdown(zh_context, folder)


def test_links_that_stay_inside_the_folder_are_followed(tmp_path, zh_context):
    folder = _linked_folder(
        tmp_path,
        {
            "real/report.md.j2": "{% include 'parts/title.md.j2' %}\n",
            "real/title.md.j2": "# {{ meta.title }}\n",
        },
        {"report.md.j2": Path("real/report.md.j2"), "parts": Path("real")},
    )
    word_template(folder / "real", "{{ meta.title }}")
    (folder / "report.docx").symlink_to(Path("real/report.docx"))
    assert render_markdown(zh_context, folder) == f"# {zh_context['meta']['title']}\n"
    assert (
        Document(BytesIO(render_docx(zh_context, template_dir=folder))).paragraphs[0].text
        == zh_context["meta"]["title"]
    )
    linked = tmp_path / "linked-folder"  # the folder given may itself be a link
    linked.symlink_to(folder)
    assert render_markdown(zh_context, linked) == f"# {zh_context['meta']['title']}\n"


def test_a_template_that_is_not_utf8_text_says_so(tmp_path, zh_context):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "report.md.j2").write_bytes(b"# \xff title\n")
    with pytest.raises(
        TemplateProblem, match=r"report\.md\.j2: not UTF-8 text \(byte 0xff at position 2\)"
    ):
        render_markdown(zh_context, folder)


def test_the_guide_names_tests_and_attacks_that_exist():
    """docs/templates.md §8.1 puts each promise next to its test: the names cannot drift."""
    from .hostile.cases_templates import CASES

    guide = (Path(__file__).resolve().parents[1] / "docs" / "templates.md").read_text(
        encoding="utf-8"
    )
    table = guide[guide.index("### 8.1 What a template cannot do") :]
    sources = "".join(
        path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_*.py")
    )
    tests = set(re.findall(r"`(test_\w+)`", table))
    assert len(tests) >= 12 and not [t for t in tests if f"def {t}(" not in sources]
    kept_by = [row.split("|")[-2] for row in table.splitlines() if row.startswith("| ")]
    attacks = re.findall(r"corpus (.*)", "\n".join(kept_by))
    attacks = re.findall(r"`([\w*-]+)`", "\n".join(attacks))
    names = {case.name for case in CASES}
    missing = [a for a in attacks if not any(re.fullmatch(a.replace("*", ".*"), n) for n in names)]
    assert attacks and not missing, missing


def test_a_dropped_web_link_reaches_the_user_in_build_and_check(tmp_path):
    import warnings

    from opsreport.app.check import check_file

    from .hostile.cases_templates import ATTACHED, with_external_links, word_docx

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "report.docx").write_bytes(with_external_links(word_docx("{{ meta.title }}")))
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        result = run("build", ZH_EXAMPLE, "--template", folder, "-o", tmp_path / "r.docx", "--no-charts")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"warning: {folder / 'report.docx'}: removed the link to {ATTACHED} (attachedTemplate" in result.output  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        quiet = run("build", ZH_EXAMPLE, "--template", folder, "-o", tmp_path / "q.docx", "--no-charts", "-q")  # fmt: skip
    assert quiet.exit_code == 0 and "warning" not in quiet.output, quiet.output
    checked = check_file(ZH_EXAMPLE, template_dir=folder, charts=False)
    notices = [d.message for d in checked.warnings if d.code == "template"]
    assert checked.passed() and len(notices) == 1 and ATTACHED in notices[0]
