"""Native Word charts: a :class:`~opsreport.present.charts.data.ChartData` as DrawingML
chart parts in a Word document with their data embedded, so "Edit Data" in Word or
LibreOffice opens the figures, and a manager can recolour a bar or change a label.

The chart XML and its workbook, styled in the IBCS manner, come from
:mod:`opsreport.render.chart_style` (the deck's charts use the same). What is Word's is
here: each panel's height on the page, the parts (``/word/charts/chartN.xml`` related from
the document part, ``/word/embeddings/…xlsx`` related from the chart by the ``package``
relationship and named in ``c:externalData``), the inline drawing at the marker, and the
risk matrix as a Word table with shaded cells (and its key as paragraphs). Nothing here
imports matplotlib. Nothing here decides what a chart shows: that is the data layer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from opsreport.present.theme import MUTED, TEXT
from opsreport.render.chart_style import chart_space, clean_text, hex_color

if TYPE_CHECKING:
    from opsreport.present.charts.data import ChartData, Panel, RiskGrid

__all__ = [
    "PreparedPanel",
    "add_chart_parts",
    "matrix_table_xml",
    "native_drawing",
    "panel_height_cm",
    "prepare_panels",
]

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_EMU_PER_CM = 360000
HEADER_CM = 1.45  # title and unit line
PANEL_HEADING_CM = 0.55


def panel_height_cm(data: ChartData, panel: Panel, first: bool) -> float:
    """How tall one panel's chart is on the page: sized to its rows by the one rule of
    present/charts/sizing (the pictures follow it too), not a fixed page."""
    from opsreport.present.charts.sizing import COLUMN_CM, label_lines, row_pitch_cm

    if data.kind == "column":
        return COLUMN_CM
    rows = len(panel.categories) * label_lines(panel.categories)  # wrapped task names
    pitch = row_pitch_cm(sum(len(each.categories) for each in data.panels))
    header = (HEADER_CM if first else 0.3) + (PANEL_HEADING_CM if panel.heading else 0.0)
    axis = 0.9 if data.kind == "timeline" else 0.25
    note = 0.45 if data.note and first else 0.0
    return round(header + rows * pitch + axis + note + 0.3, 2)


# ----------------------------------------------------------------------- the risk matrix


def _run(text: str, *, bold: bool = False, color: str = TEXT, size: float = 8.0) -> str:
    properties = f'<w:color w:val="{hex_color(color)}"/><w:sz w:val="{round(size * 2)}"/>'
    if bold:
        properties = "<w:b/>" + properties
    return f'<w:r><w:rPr>{properties}</w:rPr><w:t xml:space="preserve">{escape(text, quote=False)}</w:t></w:r>'


def _paragraph(runs: str, *, keep: bool = True, center: bool = False, after: int = 0) -> str:
    properties = "<w:keepNext/>" if keep else ""
    properties += f'<w:spacing w:before="0" w:after="{after}" w:line="240" w:lineRule="auto"/>'
    if center:
        properties += '<w:jc w:val="center"/>'
    return f"<w:p><w:pPr>{properties}</w:pPr>{runs}</w:p>"


def _cell(content: str, *, width: int, fill: str = "", top_border: bool = False) -> str:
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{hex_color(fill)}"/>' if fill else ""
    borders = (
        "<w:tcBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="12" w:space="0" w:color="FFFFFF"/>'
            for side in ("top", "left", "bottom", "right")
        )
        + "</w:tcBorders>"
    )
    if top_border:
        borders = ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{borders}{shade}'
        f'<w:vAlign w:val="center"/></w:tcPr>{content}</w:tc>'
    )


def matrix_table_xml(data: ChartData, grid: RiskGrid) -> str:
    """The risk matrix as Word XML: a title paragraph, a 5×5 table of cells shaded by
    score holding their risks' numbers (a rung risk bold, in the ring's colour, and
    underlined), the axis words, then the key (number, risk, what its ring means)."""
    cell_w, axis_w = 900, 700
    by_spot = {(cell.likelihood, cell.impact): cell for cell in grid.cells}
    rows = []
    for impact in range(5, 0, -1):
        cells = [_cell(_paragraph(_run(str(impact), color=MUTED), center=True), width=axis_w)]
        for likelihood in range(1, 6):
            cell = by_spot[(likelihood, impact)]
            runs = []
            for k, (number, ringed) in enumerate(cell.risks):
                text = ("" if k == 0 else " ") + f"R{number}"
                if ringed:
                    runs.append(
                        _run(text, bold=True, color=grid.ring).replace(
                            "<w:rPr><w:b/>", '<w:rPr><w:b/><w:u w:val="thick"/>'
                        )
                    )
                else:
                    runs.append(_run(text, bold=True))
            cells.append(
                _cell(_paragraph("".join(runs), center=True), width=cell_w, fill=cell.tint)
            )
        height = '<w:trPr><w:trHeight w:val="420" w:hRule="atLeast"/><w:cantSplit/></w:trPr>'
        rows.append(f"<w:tr>{height}{''.join(cells)}</w:tr>")
    axis = [_cell(_paragraph(_run(grid.impact + " ↑", color=MUTED), center=True), width=axis_w)]
    axis += [
        _cell(_paragraph(_run(str(n), color=MUTED), center=True), width=cell_w) for n in range(1, 6)
    ]
    rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(axis)}</w:tr>")
    grid_cols = f'<w:gridCol w:w="{axis_w}"/>' + f'<w:gridCol w:w="{cell_w}"/>' * 5
    table = (
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{axis_w + 5 * cell_w}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="30" w:type="dxa"/><w:right w:w="30" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid_cols}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    from opsreport.present.charts.layout import short_text
    from opsreport.present.charts.style import SUBTITLE_LIMIT, TITLE_LIMIT

    head = _paragraph(_run(short_text(data.title, TITLE_LIMIT), bold=True, size=10.0))
    head += _paragraph(
        _run(short_text(data.subtitle, SUBTITLE_LIMIT), color=MUTED, size=7.5), after=60
    )
    foot = _paragraph(_run(grid.likelihood + " →", color=MUTED), after=60)
    key = "".join(
        _paragraph(
            _run(f"R{row.number}  ", bold=True) + _run(row.text + row.suffix, color=row.color),
            keep=index + 1 < len(grid.rows),
        )
        for index, row in enumerate(grid.rows)
    )
    note = _paragraph(_run(data.note, color=MUTED, size=7.5), keep=False) if data.note else ""
    return head + table + foot + key + note


# ------------------------------------------------------------------ parts and drawings


EAST_ASIAN_TOKEN = "opsreport:east-asian-font"  # typefaces filled in when the chart is placed
LATIN_TOKEN = "opsreport:latin-font"
WORKBOOK_TOKEN = "opsreport:workbook"  # the c:externalData r:id, known only when placed


@dataclass(frozen=True)
class PreparedPanel:
    """One panel's chart part (fonts and the workbook's relationship id still tokens) and
    its embedded workbook: bytes, so that a worker process can make them."""

    chart_xml: bytes
    workbook: bytes
    height_cm: float


def prepare_panels(data: ChartData, lang: str) -> tuple[PreparedPanel, ...]:
    """Every panel of ``data`` as chart XML and workbook bytes (the slow part: python-pptx
    builds and styles the XML, XlsxWriter the workbook)."""
    from lxml import etree

    prepared = []
    for index, panel in enumerate(data.panels):
        space, workbook = chart_space(
            data, panel, first=index == 0, font=EAST_ASIAN_TOKEN, lang=lang, latin=LATIN_TOKEN
        )
        external = space._add_externalData()
        external.set(f"{{{_R}}}id", WORKBOOK_TOKEN)
        xml = etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
        prepared.append(PreparedPanel(xml, workbook, panel_height_cm(data, panel, index == 0)))
    return tuple(prepared)


def _typeface(name: str | None, fallback: str) -> bytes:
    clean = clean_text(name or "").strip() or fallback
    return escape(clean, quote=True).encode("utf-8")


def add_chart_parts(part: Any, panel: PreparedPanel, font: str | None, latin: str | None) -> str:
    """Add one chart (and its workbook) to ``part``'s package, its typefaces the
    template's; returns the relationship id the drawing names."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import Part

    package = part.package
    sheet = Part(
        package.next_partname("/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx"),
        CT.SML_SHEET,
        panel.workbook,
        package,
    )
    chart = Part(package.next_partname("/word/charts/chart%d.xml"), CT.DML_CHART, b"", package)
    sheet_id = chart.relate_to(sheet, RT.PACKAGE)
    xml = panel.chart_xml.replace(WORKBOOK_TOKEN.encode(), escape(sheet_id).encode())
    xml = xml.replace(EAST_ASIAN_TOKEN.encode(), _typeface(font, "+mn-ea"))
    chart._blob = xml.replace(LATIN_TOKEN.encode(), _typeface(latin, "+mn-lt"))
    return str(part.relate_to(chart, RT.CHART))


def inline_chart_xml(r_id: str, width_cm: float, height_cm: float, alt: str, number: int) -> str:
    """The inline drawing that shows chart ``r_id`` (``w:drawing``, for a ``w:r``)."""
    cx, cy = round(width_cm * _EMU_PER_CM), round(height_cm * _EMU_PER_CM)
    descr = escape(alt, quote=True)
    return (
        f'<w:drawing><wp:inline xmlns:wp="{_WP}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{number}" name="Chart {number}" descr="{descr}"/>'
        "<wp:cNvGraphicFramePr/>"
        f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="{_C}">'
        f'<c:chart xmlns:c="{_C}" xmlns:r="{_R}" r:id="{r_id}"/>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing>"
    )


def native_drawing(
    part: Any,
    chart: Any,
    *,
    font: str | None,
    lang: str,
    latin: str | None = None,
    width_cm: float | None = None,
) -> str:
    """What replaces a chart's marker inside a ``w:t``: the chart's inline drawings (one per
    panel, one under the other), or the risk matrix's table and paragraphs. ``chart`` is a
    :class:`ChartData` or a chart being prepared (``.data`` and ``.prepared()``, see
    :mod:`opsreport.render.word_chart_jobs`). ``width_cm``: the template's width
    (the ``chart_width`` filter), else the text width (a column chart 14 cm)."""
    from opsreport.render.word_styles import xml_text

    data: ChartData = getattr(chart, "data", chart)
    close, reopen = "</w:t></w:r>", '<w:r><w:t xml:space="preserve">'
    if data.kind == "matrix":
        if data.grid is None:
            return ""
        body = xml_text_safe(matrix_table_xml(data, data.grid))
        return f"{close}</w:p>{body}<w:p>{reopen}"
    prepared = chart.prepared() if hasattr(chart, "prepared") else prepare_panels(data, lang)
    pieces = []
    width = width_cm or (14.0 if data.kind == "column" else 16.0)
    for index, panel in enumerate(prepared):
        r_id = add_chart_parts(part, panel, font, latin)
        drawing = inline_chart_xml(r_id, width, panel.height_cm, xml_text(data.alt), index + 1)
        pieces.append(f"<w:r>{drawing}</w:r>")
        if index + 1 < len(prepared):
            pieces.append("<w:r><w:br/></w:r>")
    return close + "".join(pieces) + reopen


def xml_text_safe(xml: str) -> str:
    """Word XML with the characters XML forbids dropped (a workbook's text may hold them)."""
    from opsreport.render.word_styles import XML_INVALID

    return XML_INVALID.sub("", xml)
