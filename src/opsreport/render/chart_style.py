"""The IBCS styling of a native chart, the same for Word and PowerPoint: a
:class:`~opsreport.present.charts.data.ChartData` panel as a styled DrawingML
``c:chartSpace`` and its embedded workbook.

python-pptx writes the two format-neutral pieces: the ``c:chartSpace`` with its cached
values (``ChartData.xml_bytes``), which Word, PowerPoint and LibreOffice draw without
opening the workbook, and the workbook (through XlsxWriter). Its chart formatting API
styles the XML in the IBCS manner: AC solid dark, PY solid grey, PL outlined without fill,
variances green or red per point (``c:dPt``), data labels in the number formats the data
layer chose, gap widths by kind, the axes (the timeline's dates level under the bars, the
100% line), an invisible base series for the bridge and the timeline, the template's East
Asian typeface (``a:ea``) on every run. Where the chart goes (a Word part and its inline
drawing: render/word_charts; a slide: render/pptx) is not this module's business. Nothing
here imports matplotlib. Nothing here decides what a chart shows: that is the data layer's.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from opsreport.present.charts.data import hex_rgb
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
    from opsreport.present.charts.data import ChartData, Panel, Series

__all__ = [
    "LABEL_SIZE",
    "SUB_SIZE",
    "TIMELINE_TICKS",
    "TITLE_SIZE",
    "DateTicks",
    "chart_space",
    "clean_text",
    "hex_color",
    "timeline_ticks",
]

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
LABEL_SIZE = 8.0
TITLE_SIZE = 10.0
SUB_SIZE = 7.5


# The share of a mixed-sign chart's range added beyond its most negative bar, for that
# bar's label ("-16.7%", about a sixth of a half-width chart's plot).
NEGATIVE_LABEL_ROOM = 0.3


def clean_text(text: str) -> str:
    """Text without the characters XML forbids (a workbook's names may hold them)."""
    from opsreport.render.word_styles import XML_INVALID

    return XML_INVALID.sub("", text)


def hex_color(color: str) -> str:
    """A theme colour as DrawingML and WordprocessingML write it: RRGGBB (as typed, upper
    case, when it is none :func:`~opsreport.present.charts.data.hex_rgb` knows)."""
    return hex_rgb(color) or color.lstrip("#").upper()


def _number(value: Decimal | None) -> float | None:
    """A figure as the chart caches it; an infinite or absent one is no point."""
    if value is None or not value.is_finite():
        return None
    number = float(value)
    return number if abs(number) < 1e300 else None


# ------------------------------------------------------------------ the timeline's dates

TIMELINE_TICKS = 6  # date labels under a timeline at most: short ones (1月, Jan) stand level
TIMELINE_TICKS_WITH_YEAR = 4  # labels that carry the year (2027年1月) are twice as long
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000)
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()  # day 0 of Excel's date serials
_LAST_MONTH = 9999 * 12 + 11  # December 9999: no month after it
_TICK_MARGIN = 0.25  # days a label's tick stands after its month's first day, at least


@dataclass(frozen=True)
class DateTicks:
    """A timeline's date axis: where it starts (a month's first day, as an Excel serial),
    the distance between its labels (days) and how they are written."""

    minimum: float
    unit: float
    number_format: str


def _serial(month: int) -> int:
    """The Excel serial of the first day of ``month`` (year × 12 + month − 1)."""
    return dt.date(month // 12, month % 12 + 1, 1).toordinal() - _EXCEL_EPOCH


def timeline_ticks(span: tuple[float, float] | None, lang: str) -> DateTicks | None:
    """The date labels of a timeline spanning ``span`` (Excel serials: its first day, the
    day after its last): at most :data:`TIMELINE_TICKS` labels at the first days of months
    (every 1, 2, 3 or 6 months from the first, then years), written short — 1月 3月 …
    (zh), Jan Mar … (en) — within one year, with the year when the span crosses one (at
    most four then), the year alone from yearly steps on. Crowded long labels were tilted.

    A value axis steps by a fixed number of days and months are not equal, so the step is
    the smallest that puts every label at or just after its month's first day (at least a
    quarter of a day: no rounding back into the month before) and the label after the
    last past the axis' end; each label is checked to stand inside its month (else a
    coarser step). None for a span before 1900 (no Excel dates) or none given."""
    if span is None or not all(math.isfinite(v) for v in span) or span[1] <= span[0]:
        return None
    try:
        first = dt.date.fromordinal(int(span[0]) + _EXCEL_EPOCH)
        last = dt.date.fromordinal(math.ceil(span[1]) - 1 + _EXCEL_EPOCH)
    except (ValueError, OverflowError):
        return None
    if first.year < 1900:
        return None
    low, high = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    for step in _MONTH_STEPS:
        # from the first month (from January of the first year for yearly labels): the axis
        # starts at most a month before the first task (a year for a span of decades)
        begin = low if step < 12 else low // 12 * 12
        if (high - begin) // step + 1 > TIMELINE_TICKS:  # counted before listed: 9999 years
            continue
        months = list(range(begin, high + 1, step))
        with_year = step < 12 and months[0] // 12 != months[-1] // 12
        if with_year and len(months) > TIMELINE_TICKS_WITH_YEAR:
            continue
        unit = _month_step(months, span[1])
        if unit is None:
            continue
        zh = lang == "zh"
        if step >= 12:
            number_format = 'yyyy"年"' if zh else "yyyy"
        elif with_year:
            number_format = 'yyyy"年"m"月"' if zh else "mmm yyyy"
        else:
            number_format = 'm"月"' if zh else "mmm"
        return DateTicks(float(_serial(months[0])), unit, number_format)
    return None


def _month_step(months: list[int], end: float) -> float | None:
    """The days between labels that put the k-th label on a day of ``months[k]`` (at least
    a quarter day past its first day) and the next one past ``end``, the axis' maximum (no
    label more); None when no step does."""
    origin = _serial(months[0])
    count = len(months)
    bounds = [(_serial(month) - origin + _TICK_MARGIN) / k for k, month in enumerate(months[1:], 1)]
    bounds.append((end - origin + _TICK_MARGIN) / count)  # the label after the last: past it
    unit = math.ceil(max(bounds) * 10_000) / 10_000  # four decimals, never below the bounds
    for k, month in enumerate(months[1:], start=1):
        ends = _serial(month + 1) if month < _LAST_MONTH else math.inf
        if k * unit >= ends - origin:  # beyond its month: a coarser step
            return None
    return unit


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
    chart_data.categories = [clean_text(category) or " " for category in panel.categories]
    for series in panel.series:
        chart_data.add_series(  # type: ignore[no-untyped-call]
            clean_text(series.name or series.role),
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
        _key_only_drawn(chart.legend._element, panel)
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
    _every_category_label(categories)
    categories.format.line.color.rgb = RGBColor.from_string(hex_color(BASELINE))  # type: ignore[no-untyped-call]
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
        values.major_gridlines.format.line.color.rgb = RGBColor.from_string(hex_color(GRID))  # type: ignore[no-untyped-call]
        values.format.line.fill.background()
        if panel.axis_span is not None:
            values.minimum_scale, values.maximum_scale = panel.axis_span
        if panel.axis_step:
            values.major_unit = panel.axis_step
        ticks = timeline_ticks(panel.axis_span, lang) if panel.axis_format != "0" else None
        if ticks is not None:  # few short month labels that stand level
            values.minimum_scale, values.major_unit = ticks.minimum, ticks.unit
            values.tick_labels.number_format = ticks.number_format
        _upright_tick_labels(values)
    else:
        values.visible = False
        if panel.reference is not None:  # gridlines every 100%: the 100% line
            values.has_major_gridlines = True
            values.major_unit = panel.reference
            line = values.major_gridlines.format.line
            line.color.rgb = RGBColor.from_string(hex_color(TEXT))  # type: ignore[no-untyped-call]
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
            elif min(shown) < low:
                values.minimum_scale = low
            else:
                values.minimum_scale = max(low, _below_for_labels(shown))
        elif min(shown) >= 0:  # (``shown`` holds 0: its least is ≥ 0 only for no negatives)
            # bars measure from zero (IBCS): an automatic axis starts above it for figures
            # close together (a quarter's 23.2% drawn half as tall as the next one's 24.7%)
            values.minimum_scale = 0
        else:
            values.minimum_scale = _below_for_labels(shown)
            if max(shown) <= 0:
                values.maximum_scale = 0
    for index, series in enumerate(panel.series):
        _style_series(plot.series[index], series, data, XL_LABEL_POSITION, RGBColor, Pt)
        if any(series.inside):
            _labels_inside(plot.series[index], series)
    space.find(f"{{{_C}}}chart/{{{_C}}}autoTitleDeleted").set("val", "0")
    _no_rounded_corners(space)
    _no_frame(space)


def _key_only_drawn(legend: Any, panel: Panel) -> None:
    """A series without a figure (no actual yet beside PY and PL) has no entry in the
    key: it draws nothing (c:legendEntry, after c:legendPos in the schema's order)."""
    from lxml import etree

    position = legend.find(f"{{{_C}}}legendPos")
    for index in reversed(range(len(panel.series))):
        if any(value is not None for value in panel.series[index].values):
            continue
        entry = etree.Element(f"{{{_C}}}legendEntry")
        etree.SubElement(entry, f"{{{_C}}}idx").set("val", str(index))
        etree.SubElement(entry, f"{{{_C}}}delete").set("val", "1")
        if position is not None:
            position.addnext(entry)
        else:
            legend.insert(0, entry)


def _below_for_labels(shown: list[float]) -> float:
    """The value axis' least value for bars some of which are negative: a negative bar's
    label stands beyond its end, so the axis reaches :data:`NEGATIVE_LABEL_ROOM` of the
    range further (−2.3 … +15.0 pp: −2.3 − 17.3 × 0.3 = −7.49), or the label runs into the
    category names (「营销费用率-2.3pp」 in a half-width ΔPY chart)."""
    low, high = min(shown), max(shown)
    return low - (high - low) * NEGATIVE_LABEL_ROOM


def _every_category_label(axis: Any) -> None:
    """Name every category: in a chart half the page wide LibreOffice wrapped the KPI names
    and then, the wrapped names overlapping, skipped every other one. Labels that do not
    wrap (``a:bodyPr wrap="none"``) and ``c:tickLblSkip 1`` (Word's "every label") show them
    all; the rows are sized for one line of label (present/charts/sizing)."""
    from lxml import etree
    from pptx.oxml.ns import qn

    element = axis._element
    body = element.find(f"{qn('c:txPr')}/{qn('a:bodyPr')}")
    if body is not None:
        body.set("rot", "0")
        body.set("vert", "horz")
        body.set("wrap", "none")
    if element.find(qn("c:tickLblSkip")) is not None:
        return
    skip = etree.SubElement(element, qn("c:tickLblSkip"))
    skip.set("val", "1")
    successors = [qn(tag) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
    for child in element:
        if child.tag in successors:
            child.addprevious(skip)
            break


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
        run.text = clean_text(line)
        bold = number == 0 and first
        run.font.size = Pt(TITLE_SIZE if bold else SUB_SIZE)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(hex_color(TEXT if bold else MUTED))  # type: ignore[no-untyped-call]
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
        shape.format.line.color.rgb = rgb.from_string(hex_color(PL_EDGE))
        shape.format.line.width = pt(0.9)
    else:
        fill.solid()
        role_color = {"ac": AC_COLOR, "py": PY_COLOR}.get(series.role, AC_COLOR)
        first_color = next((c for c in series.colors if c), role_color)
        fill.fore_color.rgb = rgb.from_string(hex_color(first_color))
        if any(c and c != first_color for c in series.colors):
            for index, color in enumerate(series.colors):
                if color:
                    point = shape.points[index].format.fill
                    point.solid()
                    point.fore_color.rgb = rgb.from_string(hex_color(color))
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
    # Word wraps a data label to fit the room it sees beside the bar: "+15.0pp" at the
    # right edge of a half-width chart stood on two lines. Labels are one line.
    shape._element.find(f"{{{_C}}}dLbls/{{{_C}}}txPr/{{{_A}}}bodyPr").set("wrap", "none")
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
            _show_value_only(element)
        else:
            continue
        if anchor is not None:
            anchor.addprevious(element)
        else:
            d_lbls.append(element)


_DARK = {AC_COLOR.upper()}


def _show_value_only(label: Any) -> None:
    """A ``c:dLbl``'s switches, in the schema's order: the value shown, nothing else."""
    from lxml import etree

    for tag in _SWITCHES:
        etree.SubElement(label, f"{{{_C}}}{tag}").set("val", "1" if tag == "showVal" else "0")


_SWITCHES = (
    "showLegendKey", "showVal", "showCatName", "showSerName", "showPercent", "showBubbleSize",
)  # fmt: skip


def _labels_inside(shape: Any, series: Series) -> None:
    """The points :attr:`Series.inside` names get their label inside the bar's end, in
    the colour it gives (the attainment bars short of the 100% line). A point that has a
    label element already (its own format) keeps it, with the place and colour added; a
    deleted label stays deleted. Every ``c:dLbl`` stands first, by index (the schema's
    order, and Excel's)."""
    from lxml import etree

    d_lbls = shape._element.find(f"{{{_C}}}dLbls")
    if d_lbls is None:  # (no label at all)
        return
    labels = {
        int(element.find(f"{{{_C}}}idx").get("val")): element
        for element in d_lbls.findall(f"{{{_C}}}dLbl")
    }
    for index, color in enumerate(series.inside):
        if not color:
            continue
        element = labels.get(index)
        if element is None:
            element = etree.Element(f"{{{_C}}}dLbl")
            etree.SubElement(element, f"{{{_C}}}idx").set("val", str(index))
            _show_value_only(element)
            labels[index] = element
        elif element.find(f"{{{_C}}}delete") is not None:
            continue
        for tag in ("txPr", "dLblPos"):
            for old in element.findall(f"{{{_C}}}{tag}"):
                element.remove(old)
        place = etree.Element(f"{{{_C}}}dLblPos")
        place.set("val", "inEnd")
        switches = element.find(f"{{{_C}}}showLegendKey")
        assert switches is not None  # (every label this module writes, but a deleted one, has them)
        switches.addprevious(_label_text(color))  # numFmt?, spPr?, txPr, dLblPos, show…
        switches.addprevious(place)
    for position, index in enumerate(sorted(labels)):
        d_lbls.insert(position, labels[index])  # (lxml moves an element it already holds)


def _label_text(color: str) -> Any:
    """A data label's ``c:txPr`` in ``color`` at the label size."""
    from lxml import etree

    return etree.fromstring(
        f'<c:txPr xmlns:c="{_C}" xmlns:a="{_A}"><a:bodyPr wrap="none"/><a:lstStyle/><a:p><a:pPr>'
        f'<a:defRPr sz="{round(LABEL_SIZE * 100)}"><a:solidFill><a:srgbClr val="{hex_color(color)}"/>'
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
    chart.font.color.rgb = RGBColor.from_string(hex_color(TEXT))  # type: ignore[no-untyped-call]
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
