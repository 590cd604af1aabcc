"""Native Word charts: a :class:`~opsreport.present.charts.data.ChartData` written as a
DrawingML chart part with its data embedded, so "Edit Data" in Word or LibreOffice opens
the figures, and a manager can recolour a bar or change a label.

python-pptx writes the two format-neutral pieces (python-docx has no chart API): the
``c:chartSpace`` with its cached values (``ChartData.xml_bytes``), which Word and
LibreOffice draw without opening the workbook, and the embedded workbook (through
XlsxWriter). Its chart formatting API styles the XML in the IBCS manner: AC solid dark,
PY solid grey, PL outlined without fill, variances green or red per point (``c:dPt``),
data labels in the number formats the data layer chose, an invisible base series for the
bridge and the timeline, the template's East Asian typeface (``a:ea``) on every run. This
module then adds the parts to the document: ``/word/charts/chartN.xml`` related from the
document part, ``/word/embeddings/…xlsx`` related from the chart by the ``package``
relationship and named in ``c:externalData``, and the inline drawing at the marker.

The risk matrix is a Word table with shaded cells (and its key as paragraphs). Nothing
here imports matplotlib. Nothing here decides what a chart shows: that is the data layer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from opsreport.present.theme import (
    AC_COLOR,
    BASELINE,
    GRID,
    LABEL_ON_DARK,
    MUTED,
    PL_EDGE,
    PY_COLOR,
    TEXT,
)

if TYPE_CHECKING:
    from opsreport.present.charts.data import ChartData, Panel, RiskGrid, Series

__all__ = [
    "PreparedPanel",
    "add_chart_parts",
    "chart_space",
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
LABEL_SIZE = 8.0
TITLE_SIZE = 10.0
SUB_SIZE = 7.5


def _clean(text: str) -> str:
    """Text without the characters XML forbids (a workbook's names may hold them)."""
    from opsreport.render.word_styles import XML_INVALID

    return XML_INVALID.sub("", text)


_NAMED = {"white": "FFFFFF", "black": "000000"}


def _hex(color: str) -> str:
    """A theme colour as DrawingML and WordprocessingML write it: RRGGBB."""
    return _NAMED.get(color.lower(), color.lstrip("#").upper())


def _number(value: Decimal | None) -> float | None:
    """A figure as the chart caches it; an infinite or absent one is no point."""
    if value is None or not value.is_finite():
        return None
    number = float(value)
    return number if abs(number) < 1e300 else None


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


def _chart_type(data: ChartData) -> Any:
    from pptx.enum.chart import XL_CHART_TYPE

    if data.kind == "column":
        return XL_CHART_TYPE.COLUMN_CLUSTERED
    if data.kind in {"bridge", "timeline"}:
        return XL_CHART_TYPE.BAR_STACKED
    return XL_CHART_TYPE.BAR_CLUSTERED


def chart_space(
    data: ChartData,
    panel: Panel,
    *,
    first: bool,
    font: str | None,
    lang: str,
    latin: str | None = None,
) -> Any:
    """The styled ``c:chartSpace`` (an lxml element) of one panel, and its workbook's bytes."""
    from pptx.chart.data import CategoryChartData

    if data.kind == "timeline":
        panel = _bottom_up(panel)
    chart_data = CategoryChartData()  # type: ignore[no-untyped-call]
    chart_data.categories = [_clean(category) or " " for category in panel.categories]
    for series in panel.series:
        chart_data.add_series(  # type: ignore[no-untyped-call]
            _clean(series.name or series.role),
            [_number(v) for v in series.values],
            number_format=series.number_format or "General",
        )
    from pptx.oxml import parse_xml

    space = parse_xml(chart_data.xml_bytes(_chart_type(data)))  # type: ignore[no-untyped-call]
    _style(space, data, panel, first=first, lang=lang)
    _set_fonts(space, font, lang, latin)
    return space, _workbook(chart_data)


def _workbook(chart_data: Any) -> bytes:
    """The embedded workbook python-pptx lays out, with a fixed creation date: the same
    figures make the same bytes (XlsxWriter would stamp the time of the build)."""
    import datetime as dt
    import io

    from xlsxwriter import Workbook

    stream = io.BytesIO()
    workbook = Workbook(stream, {"in_memory": True})
    workbook.set_properties({"created": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)})
    worksheet = workbook.add_worksheet()
    chart_data._workbook_writer._populate_worksheet(workbook, worksheet)
    workbook.close()
    return stream.getvalue()


def _bottom_up(panel: Panel) -> Panel:
    """A timeline's rows listed bottom-up, so that the dates stand under the chart (a
    reversed axis puts them on top), a milestone as a diamond after its task's name."""
    from dataclasses import replace

    milestones = panel.series[-1].labels
    marked = [c + (" ◆" if m else "") for c, m in zip(panel.categories, milestones, strict=True)]
    series = tuple(
        replace(
            s,
            values=s.values[::-1],
            colors=s.colors[::-1],
            labels=s.labels[::-1],
            point_formats=s.point_formats[::-1],
        )
        for s in panel.series
    )
    return replace(panel, names=panel.names[::-1], categories=tuple(marked[::-1]), series=series)


def _style(space: Any, data: ChartData, panel: Panel, *, first: bool, lang: str) -> None:
    from pptx.chart.chart import Chart
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
    from pptx.enum.chart import XL_TICK_MARK as TICK
    from pptx.util import Pt

    chart = Chart(space, None)  # type: ignore[no-untyped-call]
    lines = [data.title, data.native_subtitle or data.subtitle] if first else []
    if first and data.note:
        lines.append(data.note)
    if panel.heading:
        lines.append(panel.heading)
    _title(chart, space, lines, first)
    chart.has_legend = bool(data.legend)
    if data.legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(SUB_SIZE)
    plot = chart.plots[0]
    horizontal = data.kind != "column"
    if data.kind in {"bridge", "timeline"}:
        plot.gap_width, plot.overlap = 45, 100
    elif data.kind == "pin":
        plot.gap_width = 260
    elif data.kind == "column":
        plot.gap_width, plot.overlap = 60, 30
    else:
        plot.gap_width = 55 if len(panel.series) == 1 else 40
        if len(panel.series) > 1:
            plot.overlap = 0
    categories = chart.category_axis
    categories.major_tick_mark = TICK.NONE
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    categories.tick_labels.font.size = Pt(LABEL_SIZE)
    categories.format.line.color.rgb = RGBColor.from_string(_hex(BASELINE))  # type: ignore[no-untyped-call]
    categories.format.line.width = Pt(0.75)
    if horizontal and data.kind != "timeline":
        categories.reverse_order = True  # the first row on top, as the tables list them
    values = chart.value_axis
    values.has_major_gridlines = data.kind == "timeline"
    values.major_tick_mark = TICK.NONE
    if data.kind == "timeline":
        values.visible = True
        values.tick_labels.font.size = Pt(SUB_SIZE)
        values.tick_labels.number_format = panel.axis_format or "General"
        values.tick_labels.number_format_is_linked = False
        values.major_gridlines.format.line.color.rgb = RGBColor.from_string(_hex(GRID))  # type: ignore[no-untyped-call]
        values.format.line.fill.background()
        if panel.axis_span is not None:
            values.minimum_scale, values.maximum_scale = panel.axis_span
        if panel.axis_step:
            values.major_unit = panel.axis_step
        _upright_tick_labels(values)
    else:
        values.visible = False
        if panel.reference is not None:  # gridlines every 100%: the 100% line
            values.has_major_gridlines = True
            values.major_unit = panel.reference
            line = values.major_gridlines.format.line
            line.color.rgb = RGBColor.from_string(_hex(TEXT))  # type: ignore[no-untyped-call]
            line.width = Pt(0.9)
            from pptx.enum.dml import MSO_LINE_DASH_STYLE

            line.dash_style = MSO_LINE_DASH_STYLE.DASH
        shown = [
            v for s in panel.series if s.role != "base" for v in map(_number, s.values) if v
        ] + [0.0]
        if panel.limits is not None:
            low, high = panel.limits
            if max(shown) > high:
                values.maximum_scale = high
            elif panel.reference is not None:  # room for the labels, no gridline past them
                top = max(max(shown) * 1.15, panel.reference * 1.1)
                steps = max(shown) // panel.reference + 1
                values.maximum_scale = min(top, steps * panel.reference * 0.999)
            if min(shown) >= 0:
                values.minimum_scale = 0
            if min(shown) < low:
                values.minimum_scale = low
    for index, series in enumerate(panel.series):
        _style_series(plot.series[index], series, data, XL_LABEL_POSITION, RGBColor, Pt)
    space.find(f"{{{_C}}}chart/{{{_C}}}autoTitleDeleted").set("val", "0")
    _no_rounded_corners(space)
    _no_frame(space)


def _upright_tick_labels(axis: Any) -> None:
    """Date labels written level (LibreOffice tilts crowded ones by default)."""
    from lxml import etree

    tx_pr = axis._element.get_or_add_txPr()
    body = tx_pr.find(f"{{{_A}}}bodyPr")
    if body is None:
        body = etree.SubElement(tx_pr, f"{{{_A}}}bodyPr")
        tx_pr.insert(0, body)
    body.set("rot", "0")
    body.set("vert", "horz")


def _no_frame(space: Any) -> None:
    """No border around the chart: it sits in the page like the pictures did."""
    from lxml import etree

    old = space.find(f"{{{_C}}}spPr")
    if old is not None:
        space.remove(old)
    shape = etree.Element(f"{{{_C}}}spPr")
    etree.SubElement(shape, f"{{{_A}}}noFill")
    line = etree.SubElement(shape, f"{{{_A}}}ln")
    etree.SubElement(line, f"{{{_A}}}noFill")
    space.find(f"{{{_C}}}chart").addnext(shape)


def _title(chart: Any, space: Any, lines: list[str], first: bool) -> None:
    """The title block: the title bold, the unit line and the panel's heading small grey,
    left-aligned (IBCS: the message at the top left)."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    from opsreport.present.charts.layout import short_text
    from opsreport.present.charts.style import SUBTITLE_LIMIT, TITLE_LIMIT

    # one line each, cut as the picture cuts them (a name may be 32,767 characters)
    lines = [
        short_text(line, TITLE_LIMIT if number == 0 and first else SUBTITLE_LIMIT)
        for number, line in enumerate(lines)
        if line
    ]
    if not lines:
        chart.has_title = False
        return
    chart.has_title = True
    frame = chart.chart_title.text_frame
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        run = paragraph.add_run()
        run.text = _clean(line)
        bold = number == 0 and first
        run.font.size = Pt(TITLE_SIZE if bold else SUB_SIZE)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(_hex(TEXT if bold else MUTED))  # type: ignore[no-untyped-call]
    from lxml import etree

    title = space.find(f"{{{_C}}}chart/{{{_C}}}title")
    layout = etree.SubElement(title, f"{{{_C}}}layout")
    manual = etree.SubElement(layout, f"{{{_C}}}manualLayout")
    for tag, value in (("xMode", "edge"), ("yMode", "edge"), ("x", "0.005"), ("y", "0.01")):
        etree.SubElement(manual, f"{{{_C}}}{tag}").set("val", value)
    # c:layout follows c:tx in a title, before c:overlay
    overlay = title.find(f"{{{_C}}}overlay")
    if overlay is not None:
        overlay.addprevious(layout)
    else:
        etree.SubElement(title, f"{{{_C}}}overlay").set("val", "0")


def _style_series(
    shape: Any, series: Series, data: ChartData, positions: Any, rgb: Any, pt: Any
) -> None:
    """Fills by role (AC dark, PY grey, PL outline, base none) and per point, labels."""
    shape.invert_if_negative = False  # Excel would draw a negative bar white
    fill = shape.format.fill
    if series.role == "base":
        fill.background()
        shape.format.line.fill.background()
        return
    if series.role == "pl":
        fill.background()
        shape.format.line.color.rgb = rgb.from_string(_hex(PL_EDGE))
        shape.format.line.width = pt(0.9)
    else:
        fill.solid()
        role_color = {"ac": AC_COLOR, "py": PY_COLOR}.get(series.role, AC_COLOR)
        first_color = next((c for c in series.colors if c), role_color)
        fill.fore_color.rgb = rgb.from_string(_hex(first_color))
        if any(c and c != first_color for c in series.colors):
            for index, color in enumerate(series.colors):
                if color:
                    point = shape.points[index].format.fill
                    point.solid()
                    point.fore_color.rgb = rgb.from_string(_hex(color))
    if not any(series.labels) or data.kind == "timeline":
        return
    labels = shape.data_labels
    labels.show_value = True
    labels.number_format = series.number_format
    labels.number_format_is_linked = False
    labels.font.size = pt(LABEL_SIZE)
    labels.font.bold = data.kind == "column"
    if data.kind == "bridge":
        labels.position = positions.INSIDE_BASE
    else:
        labels.position = positions.OUTSIDE_END
    _label_points(shape, series)


def _label_points(shape: Any, series: Series) -> None:
    """Points without a label show none; a point with its own format gets it (a bridge
    step's sign: the bar's length is the change's size)."""
    from lxml import etree

    wanted = [
        (index, label, series.point_formats[index] if series.point_formats else "")
        for index, label in enumerate(series.labels)
    ]
    if all(label for _, label, fmt in wanted) and not any(fmt for *_, fmt in wanted):
        return
    d_lbls = shape._element.find(f"{{{_C}}}dLbls")
    anchor = d_lbls[0] if len(d_lbls) else None
    for index, label, fmt in wanted:
        element = etree.Element(f"{{{_C}}}dLbl")
        etree.SubElement(element, f"{{{_C}}}idx").set("val", str(index))
        if not label:
            etree.SubElement(element, f"{{{_C}}}delete").set("val", "1")
        elif fmt:
            number = etree.SubElement(element, f"{{{_C}}}numFmt")
            number.set("formatCode", fmt)
            number.set("sourceLinked", "0")
            color = series.colors[index] if index < len(series.colors) else ""
            if color.upper() in _DARK:  # a total's label inside its dark bar: white
                element.append(_label_text(LABEL_ON_DARK))
            for tag, value in (
                ("showLegendKey", "0"),
                ("showVal", "1"),
                ("showCatName", "0"),
                ("showSerName", "0"),
                ("showPercent", "0"),
                ("showBubbleSize", "0"),
            ):
                etree.SubElement(element, f"{{{_C}}}{tag}").set("val", value)
        else:
            continue
        if anchor is not None:
            anchor.addprevious(element)
        else:
            d_lbls.append(element)


_DARK = {AC_COLOR.upper()}


def _label_text(color: str) -> Any:
    """A data label's ``c:txPr`` in ``color`` at the label size."""
    from lxml import etree

    return etree.fromstring(
        f'<c:txPr xmlns:c="{_C}" xmlns:a="{_A}"><a:bodyPr/><a:lstStyle/><a:p><a:pPr>'
        f'<a:defRPr sz="{round(LABEL_SIZE * 100)}"><a:solidFill><a:srgbClr val="{_hex(color)}"/>'
        "</a:solidFill></a:defRPr></a:pPr><a:endParaRPr/></a:p></c:txPr>"
    )


def _no_rounded_corners(space: Any) -> None:
    from lxml import etree

    rounded = space.find(f"{{{_C}}}roundedCorners")
    if rounded is None:
        rounded = etree.Element(f"{{{_C}}}roundedCorners")
        space.insert(1 if space.find(f"{{{_C}}}date1904") is not None else 0, rounded)
    rounded.set("val", "0")


_RUN_PROPERTIES = ("defRPr", "rPr", "endParaRPr")
# a:rPr children that come before the typefaces (CT_TextCharacterProperties)
_BEFORE_FONTS = {"ln", "noFill", "solidFill", "gradFill", "blipFill", "pattFill", "grpFill"}
_BEFORE_FONTS |= {"effectLst", "effectDag", "highlight", "uLnTx", "uLn", "uFillTx", "uFill"}


def _set_fonts(space: Any, font: str | None, lang: str, latin_font: str | None = None) -> None:
    """Every run of the chart in the template's East Asian typeface (``a:ea``; the theme's
    minor East Asian font when the template names none), the chart's language set, and a
    default text size and colour for the text python-pptx leaves unstyled."""
    from lxml import etree
    from pptx.chart.chart import Chart
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    chart = Chart(space, None)  # type: ignore[no-untyped-call]
    chart.font.size = Pt(LABEL_SIZE)
    chart.font.color.rgb = RGBColor.from_string(_hex(TEXT))  # type: ignore[no-untyped-call]
    typeface = font or "+mn-ea"
    language = "zh-CN" if lang == "zh" else "en-US"
    lang_element = space.find(f"{{{_C}}}lang")
    if lang_element is None:
        lang_element = etree.Element(f"{{{_C}}}lang")
        space.insert(1 if space.find(f"{{{_C}}}date1904") is not None else 0, lang_element)
    lang_element.set("val", language)
    for name in _RUN_PROPERTIES:
        for properties in space.iter(f"{{{_A}}}{name}"):
            properties.set("lang", language)
            if properties.find(f"{{{_A}}}ea") is not None:
                continue
            east_asian = etree.Element(f"{{{_A}}}ea")
            east_asian.set("typeface", typeface)
            latin = properties.find(f"{{{_A}}}latin")
            if latin is None:  # the theme's body font, as the document's text
                latin = etree.Element(f"{{{_A}}}latin")
                latin.set("typeface", latin_font or "+mn-lt")
                position = sum(
                    1 for child in properties if etree.QName(child).localname in _BEFORE_FONTS
                )
                properties.insert(position, latin)
            latin.addnext(east_asian)


# ----------------------------------------------------------------------- the risk matrix


def _run(text: str, *, bold: bool = False, color: str = TEXT, size: float = 8.0) -> str:
    properties = f'<w:color w:val="{_hex(color)}"/><w:sz w:val="{round(size * 2)}"/>'
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
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{_hex(fill)}"/>' if fill else ""
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
    clean = _clean(name or "").strip() or fallback
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
    part: Any, chart: Any, *, font: str | None, lang: str, latin: str | None = None
) -> str:
    """What replaces a chart's marker inside a ``w:t``: the chart's inline drawings (one per
    panel, one under the other), or the risk matrix's table and paragraphs. ``chart`` is a
    :class:`ChartData` or a chart being prepared (``.data`` and ``.prepared()``, see
    :mod:`opsreport.render.word_chart_jobs`)."""
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
    width = 14.0 if data.kind == "column" else 16.0
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
