"""The Word report: template structure, figures, colours, escaping, sections, charts."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import zlib
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import nsmap, qn
from docx.shared import RGBColor

from opsreport.app.analysis import analyze
from opsreport.errors import TemplateProblem
from opsreport.present.report_context import build_context
from opsreport.render.docx import render_docx
from opsreport.render.word_styles import COLORS, docx_filters

from .conftest import EN_EXAMPLE, KPI_HEADER, ROOT, ZH_EXAMPLE

TODAY = dt.date(2027, 1, 15)
HEADLINE = (
    "2026年，电商运营中心（团队36人）以直接利润8.37亿元（完成率104.6%）、GMV 49.6亿元"
    "（完成率95.4%）、毛利率24.1%（完成率104.8%）收官。"
)
GREEN, RED = RGBColor.from_string(COLORS["good"]), RGBColor.from_string(COLORS["bad"])


def shade(run):
    """A run's colour: its character style's (Good, Bad …; the filters write none into it)."""
    return run.font.color.rgb or (run.style.font.color.rgb if run.style is not None else None)


def context_of(path: Path, lang: str | None = None) -> dict:
    return build_context(analyze(path).metrics, lang, today=TODAY)


@pytest.fixture(scope="module")
def zh_context() -> dict:
    return context_of(ZH_EXAMPLE)


@pytest.fixture(scope="module")
def zh_doc(zh_context):
    return Document(BytesIO(render_docx(zh_context)))


def png_1x1(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress((b"\x00" + b"\xff" * 3 * width) * height)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def fake_chart(key: str, title: str) -> SimpleNamespace:
    return SimpleNamespace(
        name=key, title=title, png=png_1x1(), svg="", width_cm=12.0, alt=f"alt {title}"
    )


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def style_of(doc, paragraph_style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == paragraph_style]


def find_row(doc, first_cell: str):
    for table in doc.tables:
        for row in table.rows:
            if row.cells[0].text == first_cell:
                return table, row
    raise AssertionError(f"no table row starting with {first_cell!r}")


def all_text(doc) -> str:
    parts = texts(doc)
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def minimal_workbook(make_workbook, name: str = "直接利润") -> Path:
    return make_workbook(
        {
            "kpis": [
                KPI_HEADER,
                ["P01", name, "利润", "亿元", "越高越好", 8, 8.37, 6.42, 9.5, 20],
                ["E01", "库存周转天数", "效率", "天", "越低越好", 45, 48.5, 52, 42, None],
            ]
        }
    )


# --------------------------------------------------------------------------- content


def test_headline_sentence_is_a_bold_run_of_the_opening_paragraph(zh_doc, zh_context):
    assert zh_context["summary"]["headline"] == HEADLINE
    opening = next(p for p in zh_doc.paragraphs if HEADLINE in p.text)
    summary = zh_context["summary"]
    assert (
        opening.text == summary["context"] + HEADLINE + summary["opening"] + summary["commitment"]
    )
    assert any(run.text == HEADLINE and run.bold for run in opening.runs)
    assert style_of(zh_doc, "Title") == [zh_context["meta"]["title"]]


def test_kpi_table_row_carries_the_context_figures(zh_doc, zh_context):
    kpi = next(k for k in zh_context["kpis"] if k["name"] == "直接利润")
    _, row = find_row(zh_doc, "直接利润")
    expected = [kpi[key] for key in ("name", "actual", "target", "prior_year", "var_target", "var_target_pct", "var_prior", "var_prior_pct", "attainment", "status_label")]  # fmt: skip
    assert [cell.text for cell in row.cells] == expected
    assert expected[:4] + expected[-2:] == [
        "直接利润",
        "8.37亿元",
        "8.00亿元",
        "6.42亿元",
        "104.6%",
        "达成",
    ]


def test_every_tag_was_rendered(zh_doc):
    leftover = [t for t in all_text(zh_doc).splitlines() if re.search(r"\{[{%#]|[}%#]\}", t)]
    assert leftover == []


def test_variances_are_coloured_by_good_or_bad_not_by_sign(zh_doc, zh_context):
    kpis = zh_context["kpis"]
    bad = next(k for k in kpis if k["good_target"] is False)
    good_fall = next(k for k in kpis if k["good_target"] and k["var_target"].startswith("-"))

    def colour(name: str, column: int) -> RGBColor | None:
        _, row = find_row(zh_doc, name)
        runs = [r for r in row.cells[column].paragraphs[0].runs if r.text]
        return shade(runs[0])

    assert colour(bad["name"], 4) == RED
    assert colour(bad["name"], 5) == RED
    # A lower-is-better KPI that fell below target is good: green although negative.
    assert colour(good_fall["name"], 4) == GREEN
    assert colour("直接利润", 4) == GREEN
    assert colour("直接利润", 9) == GREEN  # status: met
    near = next(k for k in kpis if k["status"] == "near")
    assert colour(near["name"], 9) == RGBColor.from_string(COLORS["near"])


def test_tables_repeat_their_header_row_and_fit_the_text_width(zh_doc):
    section = zh_doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert zh_doc.tables
    for table in zh_doc.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) * 635 - text_width) <= 635 * 2  # twips → EMU
        layout = table._tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed"


def effective_alignment(paragraph):
    if paragraph.alignment is not None:
        return paragraph.alignment
    style = paragraph.style
    while style is not None:
        if style.paragraph_format.alignment is not None:
            return style.paragraph_format.alignment
        style = style.base_style
    return None


def test_numbers_are_right_aligned_and_text_left(zh_doc):
    table, row = find_row(zh_doc, "直接利润")
    aligned = [effective_alignment(cell.paragraphs[0]) for cell in row.cells]
    assert aligned[0] == WD_ALIGN_PARAGRAPH.LEFT
    assert aligned[1:9] == [WD_ALIGN_PARAGRAPH.RIGHT] * 8
    assert aligned[9] == WD_ALIGN_PARAGRAPH.LEFT
    header = [effective_alignment(cell.paragraphs[0]) for cell in table.rows[0].cells]
    assert header[1:9] == [WD_ALIGN_PARAGRAPH.RIGHT] * 8


def heading_numbering(doc) -> tuple[str, str]:
    style = doc.styles["Heading 1"].element
    num_id = style.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    numbering = doc.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a
        for a in numbering.findall(qn("w:abstractNum"))
        if a.get(qn("w:abstractNumId")) == abstract_id
    )
    level = next(lvl for lvl in abstract.findall(qn("w:lvl")) if lvl.get(qn("w:ilvl")) == "0")
    return (
        level.find(qn("w:numFmt")).get(qn("w:val")),
        level.find(qn("w:lvlText")).get(qn("w:val")),
    )


def test_heading_1_is_numbered_by_word_not_by_typed_text(zh_doc, zh_context):
    assert heading_numbering(zh_doc) == ("chineseCounting", "%1、")
    headings = style_of(zh_doc, "Heading 1")
    labels = zh_context["labels"]
    keys = ("results", "value", "quarters", "campaigns", "breakdown", "problems", "goals", "tasks", "resources", "risks", "outlook")  # fmt: skip
    shown = [k for k in keys if k != "value" or zh_context["sections"]["value"]]
    assert headings == [labels[k] for k in shown]
    assert not any(h.startswith(("一", "二", "1")) for h in headings)


def test_styles_and_tag_runs_carry_the_east_asian_font(zh_doc):
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = zh_doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "Microsoft YaHei", name
    defaults = zh_doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:rFonts')}").get(qn("w:eastAsia")) == "Microsoft YaHei"
    title = next(p for p in zh_doc.paragraphs if p.style.name == "Title")
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "Microsoft YaHei"


def test_crossed_risks_are_facts_and_goals_that_are_not_smart_are_flagged(zh_doc, zh_context):
    # The annual report judges the year it reports on: a line this year's actual crossed
    # (库存周转天数 48.5 > 47天) is listed as a fact, not in the red alert box.
    assert zh_context["risks_triggered"] == []
    crossed = zh_context["risks_crossed"][0]
    assert crossed["status"] == "今年实际48.5天已越过触发线（库存周转天数 > 47天）"
    assert not any(crossed["risk"] in t for t in style_of(zh_doc, "Alert Box"))
    assert any(
        t.startswith(f"{crossed['no']} {crossed['risk']}：{crossed['status']}")
        for t in style_of(zh_doc, "List Bullet")
    )
    _, row = find_row(zh_doc, crossed["no"])
    status = next(r for r in row.cells[9].paragraphs[0].runs if r.text)
    assert status.text == crossed["status"] and shade(status) != RED
    not_smart = zh_context["goals_not_smart"][0]
    _, row = find_row(zh_doc, f"✗ {not_smart['goal']}")
    assert shade(next(r for r in row.cells[0].paragraphs[0].runs if r.text)) == RED
    assert any(t.startswith(f"✗ {not_smart['goal']}") for t in style_of(zh_doc, "List Bullet"))


# --------------------------------------------------------------------------- sections, escaping


def test_sections_absent_from_the_workbook_leave_no_heading(make_workbook):
    context = context_of(minimal_workbook(make_workbook))
    assert context["sections"]["results"] and not context["sections"]["problems"]
    doc = Document(BytesIO(render_docx(context)))
    assert style_of(doc, "Heading 1") == [context["labels"]["results"]]
    text = all_text(doc)
    for key in ("quarters", "breakdown", "problems", "goals", "tasks", "resources", "risks"):
        assert context["labels"][key] not in text
    assert style_of(doc, "Alert Box") == [] and style_of(doc, "Caption") == []


def test_cell_text_appears_literally(make_workbook):
    name = "R&D <Top> {{ x }}"
    context = context_of(minimal_workbook(make_workbook, name))
    doc = Document(BytesIO(render_docx(context)))
    row = find_row(doc, name)[1]
    assert row.cells[0].text == name
    assert any(t.startswith(name) for t in style_of(doc, "List Bullet"))


def test_rich_text_filters_return_escaped_markup_strings():
    from markupsafe import Markup, escape

    good = docx_filters("Microsoft YaHei")["good"]("R&D <x>", False)
    assert type(good) is Markup  # a plain string: no RichText whose methods a template could call
    assert escape(good) == good  # not escaped twice
    assert "R&amp;D &lt;x&gt;" in good and '<w:rStyle w:val="Bad"/>' in good
    assert 'w:eastAsia="Microsoft YaHei"' in good and "<w:color" not in good
    assert "<w:rStyle" not in docx_filters()["good"]("0", None)


def test_english_example_renders_with_english_labels():
    context = context_of(EN_EXAMPLE)
    doc = Document(BytesIO(render_docx(context)))
    assert heading_numbering(doc) == ("decimal", "%1.")
    assert style_of(doc, "Heading 1")[0] == "Results against target"
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[:4] == ["KPI", "AC", "PL", "PY"]
    assert "目标" not in all_text(doc).replace(context["meta"]["title"], "")


def test_charts_become_pictures_with_alt_text_and_no_repeated_title(zh_context):
    charts = {
        "attainment": fake_chart("attainment", "指标完成率"),
        "quarterly:P01": fake_chart("quarterly:P01", "季度趋势：直接利润"),
    }
    doc = Document(BytesIO(render_docx(zh_context, charts)))
    assert len(doc.inline_shapes) == 2
    assert style_of(doc, "Caption") == []  # the picture carries its title
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    chart_style = doc.styles["Chart"].style_id
    pictures = [
        p
        for p in doc.element.body.iter(f"{W}p")  # the charts of a side-by-side row too
        if p.find(f"{W}pPr/{W}pStyle") is not None
        and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == chart_style
        and p.xpath(".//w:drawing")
    ]
    assert len(pictures) == 2
    described = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert described == ["alt 指标完成率", "alt 季度趋势：直接利润"]


# --------------------------------------------------------------------------- template problems


def tag_template(tmp_path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = tmp_path / "report.docx"
    doc.save(path)
    return tmp_path


@pytest.mark.parametrize(
    ("paragraphs", "message"),
    [
        (["{{ meta.title "], "template syntax error"),
        (["{{ meta.nothing_here }}"], "opsreport context"),
        (["{%p if sections.results %} and some text", "{%p endif %}"], "alone in its paragraph"),
        (["{{ kpis | good(True) }}"], "{{r"),
    ],
)
def test_template_problems_name_the_file(tmp_path, zh_context, paragraphs, message):
    folder = tag_template(tmp_path, *paragraphs)
    with pytest.raises(TemplateProblem) as caught:
        render_docx(zh_context, template_dir=folder)
    assert str(folder / "report.docx") in str(caught.value)
    assert message in str(caught.value)


def test_the_template_cannot_reach_python_internals(tmp_path, zh_context):
    folder = tag_template(tmp_path, "{{ meta.__class__.__mro__ }}")
    with pytest.raises(TemplateProblem, match=r"sandbox|undefined"):
        render_docx(zh_context, template_dir=folder)


# --------------------------------------------------------------------------- the template package
# docs/templates.md §8 "What a template cannot do" names these tests.


def package_template(tmp_path: Path, data: bytes) -> Path:
    folder = tmp_path / "t"
    folder.mkdir(exist_ok=True)
    (folder / "report.docx").write_bytes(data)
    return folder


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            "not-a-zip",
            "not a Word document (the file does not start like a .docx) — save it from Word",
        ),
        ("old-doc", "an old Word 97–2003 .doc file (or another OLE document), not .docx"),
        ("truncated", "the file is damaged: not a complete zip package"),
        ("crc", "the file is damaged (BadZipFile: Bad CRC-32 for file 'word/document.xml')"),
        ("inflate", "the file is damaged (error: Error -3 while decompressing data"),
        (
            "ratio-bomb",
            "the part word/media/padding.bin expands {ratio}× (8 MB): refused as a zip bomb",
        ),
        ("many-parts", "parts (limit 5000); this is not an ordinary Word document"),
        (
            "workbook",
            "not a Word document (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml)",
        ),
    ],
)
def test_a_damaged_or_bomb_sized_word_template_is_a_template_problem(
    tmp_path, zh_context, damage, message
):
    from .hostile import cases_templates as make

    good = make.word_docx("{{ meta.title }}")
    data = {
        "not-a-zip": lambda: b"hello",
        "old-doc": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "truncated": lambda: good[: len(good) // 2],
        "crc": lambda: make.crc_damaged(good),
        "inflate": lambda: make.inflate_damaged(good),
        "ratio-bomb": lambda: make.ratio_bomb(good),
        "many-parts": lambda: make.many_parts(good),
        "workbook": lambda: ZH_EXAMPLE.read_bytes(),
    }[damage]()
    if damage == "ratio-bomb":  # 8 MiB of zeros over their deflated size, as the header says
        import zipfile

        info = zipfile.ZipFile(BytesIO(data)).getinfo("word/media/padding.bin")
        assert info.file_size == 8 * 1024 * 1024
        message = message.format(ratio=f"{info.file_size / info.compress_size:.0f}")
    folder = package_template(tmp_path, data)
    with pytest.raises(TemplateProblem) as caught:
        render_docx(zh_context, template_dir=folder)
    assert str(caught.value).startswith(f"{folder / 'report.docx'}: ")
    assert message in str(caught.value)
    assert caught.value.template == str(folder / "report.docx")


def test_a_word_template_larger_than_a_workbook_may_be_is_refused_unread(
    tmp_path, zh_context, monkeypatch
):
    from opsreport.io import zipbounds

    folder = package_template(tmp_path, bytes(2048))
    monkeypatch.setattr(
        "opsreport.render.lookup.DEFAULT_BOUNDS", zipbounds.ZipBounds(max_file_bytes=1024)
    )
    with pytest.raises(
        TemplateProblem, match=r"report\.docx: the file is too large \(0 MB; the limit is 0 MB\)"
    ):
        render_docx(zh_context, template_dir=folder)


def test_links_to_the_web_are_dropped_with_a_warning_and_hyperlinks_kept(tmp_path, zh_context):
    import warnings
    import zipfile

    from opsreport.render.notices import TemplateNotice, template_notices

    from .hostile import cases_templates as make

    folder = package_template(
        tmp_path, make.with_external_links(make.word_docx("{{ meta.title }}"))
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = render_docx(zh_context, template_dir=folder)
    notices = [str(w.message) for w in caught if issubclass(w.category, TemplateNotice)]
    assert notices == [
        f"{folder / 'report.docx'}: removed the link to {make.ATTACHED} (attachedTemplate, in "
        "/word/settings.xml) — a report never fetches anything from outside when it is opened"
    ]
    with zipfile.ZipFile(BytesIO(data)) as archive:
        settings = archive.read("word/settings.xml").decode()
        rels = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".rels")}
    assert "attachedTemplate" not in settings and make.ATTACHED not in "".join(rels.values())
    assert (
        'Target="https://example.org/help" TargetMode="External"'
        in rels["word/_rels/document.xml.rels"]
    )
    assert Document(BytesIO(data)).paragraphs[0].text == zh_context["meta"]["title"]
    # opsreport check collects them among the workbook's warnings instead (each once)
    with warnings.catch_warnings(record=True) as caught, template_notices() as collected:
        warnings.simplefilter("always")
        render_docx(zh_context, template_dir=folder)
        render_docx(zh_context, template_dir=folder)
    assert collected == notices and not caught


def test_a_linked_picture_loses_its_link_but_keeps_its_place(tmp_path, zh_context):
    """An external image (``r:link``, fetched when Word opens the file) is dropped; the
    blip element stays, without the link, so the document is still valid."""
    import warnings
    import zipfile

    from .hostile import cases_templates as make

    good = make.word_docx("{{ meta.title }}")
    r = make.R

    def change(name: str, body: bytes) -> bytes:
        if name == "word/_rels/document.xml.rels":
            return body.replace(
                b"</Relationships>",
                f'<Relationship Id="rId77" Type="{r}/image" Target="file:///etc/passwd" TargetMode="External"/></Relationships>'.encode(),
            )
        if name == "word/document.xml":
            return body.replace(
                b"<w:sectPr",
                f'<w:p><w:r><w:t>x</w:t></w:r><w:r><w:pict><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="{r}" r:link="rId77"/></w:pict></w:r></w:p><w:sectPr'.encode(),
                1,
            )
        return body

    folder = package_template(tmp_path, make.rezip(good, change))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = render_docx(zh_context, template_dir=folder)
    assert any(
        "removed the link to file:///etc/passwd (image, in /word/document.xml)" in str(w.message)
        for w in caught
    )
    with zipfile.ZipFile(BytesIO(data)) as archive:
        document = archive.read("word/document.xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
    assert "/etc/passwd" not in rels and "rId77" not in document and "<a:blip" in document  # fmt: skip


@pytest.mark.parametrize("name", ["report.docx", "plan.docx"])
@pytest.mark.parametrize(
    "source",
    [
        "{{ meta.__class__ }}",
        "{{ plan.update({'a': 1}) }}",
        "{{ meta.title.__init__ }}",
        "{{ 'x' * 10**9 }}",
    ],
)
def test_hostile_tags_in_report_and_plan_word_templates_name_the_template(tmp_path, name, source):
    from opsreport.present.plan_context import plan_context

    analysis = analyze(ZH_EXAMPLE)
    context = (
        context_of(ZH_EXAMPLE) if name == "report.docx" else plan_context(analysis, 1, today=TODAY)
    )
    if name == "report.docx":
        source = source.replace("plan.update", "meta.update")
    folder = tag_template(tmp_path, source)
    if name == "plan.docx":
        (folder / "report.docx").rename(folder / "plan.docx")
    with pytest.raises(TemplateProblem, match="refused by the template sandbox") as caught:
        render_docx(context, template_dir=folder, name=name)
    assert str(caught.value).startswith(f"{folder / name}, paragraph «")


def test_committed_templates_match_the_script(monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "make_docx_templates", ROOT / "scripts" / "make_docx_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    for lang in ("zh", "en"):
        for kind in ("report", "plan"):
            committed = (
                ROOT / "src" / "opsreport" / "templates" / lang / f"{kind}.docx"
            ).read_bytes()
            assert module.build(lang, kind) == committed, (
                f"run python scripts/make_docx_templates.py ({lang}/{kind}.docx is stale)"
            )


def test_rendering_never_takes_lxmls_quadratic_move(monkeypatch, zh_context):
    """docxtpl moves the rendered body into the document with one lxml replace,
    quadratic in the number of paragraphs (4,000 KPI rows: 0.9 s, 8,000: 3.5 s).
    Our template class parses the document once instead; this proves the slow
    path is never taken with the installed python-docx. The timing itself is in
    benchmarks/run.py (per-KPI growth from 1,000 to 10,000 KPIs)."""
    from docxtpl import DocxTemplate

    def quadratic(self, tree):
        raise AssertionError("docxtpl's own map_tree was called")

    monkeypatch.setattr(DocxTemplate, "map_tree", quadratic)
    group = dict(zh_context["groups"][0])
    group["kpis"] = group["kpis"] * 40
    document = Document(BytesIO(render_docx({**zh_context, "groups": [group]})))
    rows = sum(len(table.rows) for table in document.tables)
    assert rows > 200


def test_moving_the_rendered_body_gives_what_docxtpl_gives():
    """The linear move yields the same document as docxtpl's own, paragraph by paragraph."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from opsreport.render.docx import report_template_class

    body = (
        f'<w:body xmlns:w="{nsmap["w"]}">'
        + "".join(
            f'<w:p><w:r><w:t xml:space="preserve">x{n} </w:t></w:r></w:p>' for n in range(300)
        )
        + "</w:body>"
    )
    documents = []
    for mover in (report_template_class().map_tree, DocxTemplate.map_tree):
        tpl = report_template_class()(str(ROOT / "src/opsreport/templates/zh/report.docx"))
        tpl.get_docx()
        mover(tpl, etree.fromstring(body))
        documents.append(tpl.docx)
    ours, theirs = documents
    assert [p.text for p in ours.paragraphs] == [p.text for p in theirs.paragraphs]
    assert [p.text for p in ours.paragraphs][:2] == ["x0 ", "x1 "]
    assert len(ours.paragraphs) == 300
    assert etree.tostring(ours.element.body) == etree.tostring(theirs.element.body)


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_the_report_to_pdf(tmp_path, zh_context):
    source = tmp_path / "report.docx"
    source.write_bytes(render_docx(zh_context))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "直接利润" in text
        assert "一、经营成果与目标达成" in text.replace(" ", "")


def test_quarterly_tables_leave_out_the_columns_without_figures():
    """The en example's periods hold actuals only: no PL, PY, attainment or ΔPY columns of dashes."""
    en_doc = Document(BytesIO(render_docx(context_of(EN_EXAMPLE))))
    zh_doc = Document(BytesIO(render_docx(context_of(ZH_EXAMPLE))))
    headers = lambda doc: [  # noqa: E731 (each header's first line: the unit is under it)
        [c.text.split("\n")[0] for c in t.rows[0].cells]
        for t in doc.tables
        if t.rows[0].cells[0].text in {"Period", "期间"}
    ]
    assert headers(en_doc) and all(h == ["Period", "AC", "QoQ"] for h in headers(en_doc))
    assert headers(zh_doc) and all(
        h == ["期间", "实际", "目标", "上年", "完成率", "同比", "环比"] for h in headers(zh_doc)
    )
    first = next(t for t in en_doc.tables if t.rows[0].cells[0].text == "Period")
    # the unit the figures share is in the header, the cells are bare: 70.0 under "AC (%)"
    assert first.rows[0].cells[1].text == "AC\n(%)"
    assert [c.text for c in first.rows[2].cells] == ["2026Q2", "70.0", "+0.9 pp"]
    profit = next(t for t in zh_doc.tables if t.rows[0].cells[0].text == "期间")
    assert [c.text for c in profit.rows[0].cells[1:4]] == [
        "实际\n（亿元）",
        "目标\n（亿元）",
        "上年\n（亿元）",
    ]
    assert [c.text for c in profit.rows[1].cells[1:4]] == ["1.62", "1.60", "1.25"]
    widths = [int(w) for w in first._tbl.xpath("./w:tblGrid/w:gridCol/@w:w")]
    assert len(widths) == 3 and sum(widths) < 9412 / 2 + 1000  # narrow: no empty columns


def _chart_over_table(tmp_path: Path, rows: int) -> Path:
    """A template: a chart's paragraph, then a static table of ``rows`` rows."""
    doc = Document()
    doc.add_paragraph('{{ images["quarterly:P01"] }}')
    table = doc.add_table(rows=rows, cols=2)
    for n, row in enumerate(table.rows):
        row.cells[0].text, row.cells[1].text = f"2026Q{n % 4 + 1}", f"{n}"
    doc.add_paragraph("")
    doc.save(tmp_path / "report.docx")
    return tmp_path


def test_short_tables_stay_on_one_page_with_the_chart_above(tmp_path, zh_context):
    # a chart 14 × 4.8 cm (140 × 48 px shown 14 cm wide) and its 5-row table:
    # 4.8 + 5 × 0.6 = 7.8 cm ≤ half the text height (25.3 ÷ 2 = 12.65): kept together
    chart = SimpleNamespace(**{**vars(fake_chart("quarterly:P01", "季度趋势")), "width_cm": 14.0})
    chart.png = png_1x1(140, 48)
    folder = _chart_over_table(tmp_path, 5)
    doc = Document(BytesIO(render_docx(zh_context, {"quarterly:P01": chart}, folder)))

    def keeps(row) -> list[bool]:
        return [p.paragraph_format.keep_with_next is True for c in row.cells for p in c.paragraphs]

    (table,) = doc.tables
    assert all(all(keeps(r)) for r in table.rows[:-1]) and not any(keeps(table.rows[-1]))
    above = table._tbl.getprevious()
    assert above.xpath(".//w:drawing") and above.xpath("./w:pPr/w:keepNext")


def test_a_long_table_is_let_break():
    """The bundled report's long KPI table (a dimension of 5 × its KPIs): not kept whole."""
    context = context_of(ZH_EXAMPLE)
    group = dict(context["groups"][0])
    group["kpis"] = group["kpis"] * 5
    doc = Document(BytesIO(render_docx({**context, "groups": [group]})))

    def keeps(row) -> list[bool]:
        return [p.paragraph_format.keep_with_next is True for c in row.cells for p in c.paragraphs]

    long = next(t for t in doc.tables if len(t.rows) > 12)
    assert not any(keeps(long.rows[len(long.rows) // 2]))


def test_a_tall_chart_is_not_kept_with_its_table(tmp_path, zh_context):
    """A 12 × 12 cm picture over a 5-row table: 12 + 5 × 0.6 = 15 cm > 12.65 cm, half the
    text height: kept together they would leave up to 15 cm of a page empty; let go."""
    folder = _chart_over_table(tmp_path, 5)
    charts = {"quarterly:P01": fake_chart("quarterly:P01", "季度")}
    doc = Document(BytesIO(render_docx(zh_context, charts, folder)))
    (table,) = doc.tables
    above = table._tbl.getprevious()
    assert above.xpath(".//w:drawing") and not above.xpath("./w:pPr/w:keepNext")


def test_a_quarterly_chart_its_sentence_and_table_are_one_block(zh_context):
    """The bundled report: each quarterly KPI with targets is one table row that does not
    split — chart and sentence side by side, the quarter table under them — so the three
    are always on one page."""
    charts = {"quarterly:P01": fake_chart("quarterly:P01", "季度趋势：直接利润")}
    doc = Document(BytesIO(render_docx(zh_context, charts)))
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    from docx.table import Table

    tables = [Table(t, doc) for t in doc.element.body.iter(f"{W}tbl")]  # nested ones too
    quarter = next(t for t in tables if t.rows[0].cells[0].text == "期间")._tbl
    block_cell = quarter.getparent()
    assert block_cell.tag == f"{W}tc"
    block_row = block_cell.getparent()
    assert block_row.find(f"{W}trPr/{W}cantSplit") is not None
    text = "".join(t.text or "" for t in block_cell.iter(f"{W}t"))
    assert zh_context["quarters"][0]["summary"] in text
    assert block_cell.xpath(".//w:drawing")


def test_a_long_table_nested_in_a_short_one_may_still_break(tmp_path, zh_context):
    doc = Document()
    outer = doc.add_table(rows=2, cols=1)
    inner = outer.rows[0].cells[0].add_table(rows=20, cols=1)
    for n, row in enumerate(inner.rows):
        row.cells[0].text = f"row {n}"
    outer.rows[1].cells[0].text = "{{ meta.title }}"
    doc.save(tmp_path / "report.docx")
    rendered = Document(BytesIO(render_docx(zh_context, template_dir=tmp_path)))
    outer = rendered.tables[0]
    nested = outer.rows[0].cells[0].tables[0]
    assert outer.rows[0].cells[0].paragraphs[0].paragraph_format.keep_with_next is True
    assert not any(r.cells[0].paragraphs[0].paragraph_format.keep_with_next for r in nested.rows)


def test_quarter_on_quarter_changes_are_coloured_for_the_kpi(zh_doc):
    """新增用户 (more is better): Q3 −5.4% red, Q4 +49.1% green; 库存周转天数 (fewer is better)
    falls every quarter: green."""

    def qoq_colours(table) -> list:
        cells = [row.cells[-1] for row in table.rows[1:]]
        return [next((shade(r) for r in c.paragraphs[0].runs if r.text), None) for c in cells]

    tables = [t for t in zh_doc.tables if t.rows[0].cells[0].text == "期间"]
    new_users = next(t for t in tables if t.rows[0].cells[1].text == "实际\n（万人）")
    assert [r.cells[-1].text for r in new_users.rows[1:]] == ["–", "+16.7%", "-5.4%", "+49.1%"]
    assert qoq_colours(new_users)[1:] == [GREEN, RED, GREEN]
    stock_days = next(t for t in tables if t.rows[0].cells[1].text == "实际\n（天）")
    assert set(qoq_colours(stock_days)[1:]) == {GREEN}


def test_invalid_rendered_xml_is_placed_in_the_body_as_the_body_alone_places_it():
    """The rendered body is parsed with the rest of the document around it; an error's
    line and column still count from the body's start."""
    import io

    import pytest
    from lxml import etree

    from opsreport.render.docx import report_template_class

    from .hostile.cases_templates import word_docx

    tpl = report_template_class()(io.BytesIO(word_docx("x")))
    tpl.render_init()
    body = (
        '<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:p><w:r><w:t>a</w:r></w:p></w:body>"
    )
    with pytest.raises(etree.XMLSyntaxError) as alone:
        etree.fromstring(body)
    with pytest.raises(etree.XMLSyntaxError) as placed:
        tpl._parse_in_document(body)
    assert placed.value.msg == alone.value.msg and "column" in placed.value.msg
