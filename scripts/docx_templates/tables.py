"""Tables as Word XML, and the body builder the two documents share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import qn

from opsreport.present.layout import Column, Table

from .base import HEADER_FILL, TEXT_W, Lang, W, cm, para, run


@dataclass(frozen=True)
class Col:
    header: str  # the header cell text (a tag)
    cell: str  # the template row's cell text (a tag)
    width: float | None  # cm; None shares the rest of the text width (by ``flex``)
    number: bool = False
    flex: float = 1.0


def widths(cols: list[Col], total: int = TEXT_W) -> list[int]:
    """Column widths in twips summing to ``total`` (the text width) exactly."""
    fixed = sum(cm(c.width) for c in cols if c.width is not None)
    flexible = [c for c in cols if c.width is None]
    rest = total - fixed
    weight = sum(c.flex for c in flexible)
    if flexible and rest < cm(1.5) * len(flexible):
        raise SystemExit(f"columns too wide: {[c.header for c in cols]}")
    result = [cm(c.width) if c.width is not None else int(rest * c.flex / weight) for c in cols]
    result[cols.index(flexible[0]) if flexible else -1] += total - sum(result)
    return result


def cell(
    lang: Lang,
    width: int,
    content: str,
    style: str,
    *,
    fill: str | None = None,
    top_rule: bool = False,
    bold: bool = False,
    keep_next: bool = False,
    borders: str = "",
) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if top_rule:
        borders += f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{HEADER_FILL}"/>'
    if borders:
        tcpr += f"<w:tcBorders>{borders}</w:tcBorders>"
    if fill:
        tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    tcpr += '<w:vAlign w:val="top"/>' if not fill else '<w:vAlign w:val="bottom"/>'
    # Each line its own run (a tag never spans two); "{{r" rich text brings its own weight.
    runs = "<w:r><w:br/></w:r>".join(
        run(lang, line, bold=bold and not line.startswith("{{r "))
        for line in content.split("\n")
        if line
    )
    keep = "<w:keepNext/>" if keep_next else ""
    return f'<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>{runs}</w:p></w:tc>'


def table(
    lang: Lang,
    cols: list[Col],
    loop: str,
    *,
    small: bool = False,
    total: list[str] | None = None,
    detail: list[str] | None = None,
    keep: bool = False,
    width: int = TEXT_W,
) -> str:
    """A table (full width unless ``width`` says less): a repeated dark header row, a ``{%tr for %}`` row loop, a total row.

    ``detail`` (prebuilt runs) adds a second, full-width row to each item of the loop,
    kept on the page with the first and not ruled off from it. ``keep`` keeps the
    rows with the total row, so a short table is not split before its total (only
    with a total row: keep-with-next on the last row would chain the table to the
    next heading, summary and chart and push them all to a new page).
    """
    if keep and total is None:
        raise ValueError("keep needs a total row")
    sizes = widths(cols, width)
    text_style, number_style, header_style = (
        ("TableTextSmall", "TableNumberSmall", "TableHeaderSmall")
        if small
        else ("TableText", "TableNumber", "TableHeader")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in sizes)
    rows = []
    # Numeric headers right-aligned like their column.
    header_cells = []
    # The header's cells are ruled in their own fill: a PDF viewer otherwise shows the
    # hairline where two filled cells meet as a white border (after 类型 in the value
    # table); the bottom rule too, so the sides' ends do not tick the first row's rule.
    seams = "".join(
        f'<w:{side} w:val="single" w:sz="{sz}" w:space="0" w:color="{HEADER_FILL}"/>'
        for side, sz in (("left", 4), ("bottom", 8), ("right", 4))
    )
    for c, w in zip(cols, sizes, strict=True):
        xml = cell(lang, w, c.header, header_style, fill=HEADER_FILL, borders=seams)
        if c.number:
            xml = xml.replace("</w:pPr>", '<w:jc w:val="right"/></w:pPr>', 1)
        header_cells.append(xml)
    header = "".join(header_cells)
    rows.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>")

    def control_row(tag: str) -> str:
        cells = [cell(lang, sizes[0], tag, "TemplateTag")]
        cells += [cell(lang, w, "", "TemplateTag") for w in sizes[1:]]
        return f"<w:tr>{''.join(cells)}</w:tr>"

    rows.append(control_row("{%tr " + loop + " %}"))
    no_rule = '<w:bottom w:val="nil"/>' if detail else ""
    body = "".join(
        cell(
            lang,
            w,
            c.cell,
            number_style if c.number else text_style,
            keep_next=bool(detail) or keep,
            borders=no_rule,
        )
        for c, w in zip(cols, sizes, strict=True)
    )
    rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{body}</w:tr>")
    if detail:
        rows.append(
            f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
            f'<w:gridSpan w:val="{len(cols)}"/><w:tcBorders><w:top w:val="nil"/></w:tcBorders></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{text_style}"/><w:spacing w:after="40"/>'
            f'<w:ind w:left="{sizes[0]}"/></w:pPr>{"".join(detail)}</w:p></w:tc></w:tr>'
        )
    rows.append(control_row("{%tr endfor %}"))
    if total is not None:
        cells = "".join(
            cell(lang, w, text, number_style if c.number else text_style, top_rule=True, bold=True)
            for c, w, text in zip(cols, sizes, total, strict=True)
        )
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
    pad = 34 if small else 57  # cell padding: 0.06 cm in the wide tables, else 0.1 cm
    tblpr = (
        '<w:tblPr><w:tblStyle w:val="ReportTable"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="{pad}" w:type="dxa"/>'
        f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="{pad}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
    )
    return f"<w:tbl {W}>{tblpr}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


class Body:
    def __init__(self, doc, lang: Lang) -> None:
        self.lang = lang
        self.body = doc.element.body
        self.sect = self.body.find(qn("w:sectPr"))

    def add(self, xml: str) -> None:
        self.sect.addprevious(parse_xml(xml))

    def p(self, content: str | list[str], style: str | None = None, **kw) -> None:
        self.add(para(self.lang, content, style, **kw))

    def tag(self, text: str) -> None:
        """A control paragraph ``{%p … %}``: alone in its paragraph, removed on rendering."""
        self.p("{%p " + text + " %}", "TemplateTag")

    def r(self, text: str, **kw) -> str:
        return run(self.lang, text, **kw)

    def chart(self, key: str, *, keep_next: bool = False) -> None:
        """A chart picture, left out when that chart was not drawn.

        No caption: the picture carries its title (IBCS) and a caption repeated it.
        ``keep_next``: its paragraph keeps with what follows (the risk matrix, a table put
        after the paragraph, so that the heading above does not stay behind alone).
        """
        self.tag(f"if {key} in images")
        self.p("{{ images[" + key + "] }}", "Chart", keep_next=keep_next)
        self.tag("endif")

    def table(self, cols: list[Col], loop: str, **kw: Any) -> None:
        self.add(table(self.lang, cols, loop, **kw))


# --------------------------------------------------------------------------- from the layout


def header_tag(column: Column, lang: Lang) -> str:
    """A column's header as a Word template prints it: the label's tag, or literal text."""
    if column.label.startswith('"'):
        return column.label.strip('"')
    header = "{{ " + column.label + " }}"
    if column.of:  # on a line of its own: a narrow column would break inside the brackets
        header += "\n" + lang.open_paren.strip() + "{{ " + column.of + " }}" + lang.close_paren
    if column.unit:  # the shared unit on a line of its own, only when there is one
        unit = column.unit
        header += "{% if " + unit + " %}\n" + lang.open_paren.strip() + "{{ " + unit + " }}"
        header += lang.close_paren.strip() + "{% endif %}"
    if column.and_label:  # two labels in one column: the second on a line of its own
        header += "\n→ {{ " + column.and_label + " }}"
    return header


def cell_tag(column: Column, row: str, lang: Lang | None = None) -> str:
    """A column's cell: the row's field, coloured through the filter its colour names."""
    value = f"{row}.{column.field}"
    flag = column.flag
    condition = f"not {row}.{flag[4:]}" if flag.startswith("not ") else f"{row}.{flag}"
    if column.colour == "good":
        return f"{{{{r {value} | good({condition}) }}}}"
    if column.colour == "status":
        return f"{{{{r {value} | status({condition}) }}}}"
    if column.colour == "alert":
        mark = f', "{column.mark}"' if column.mark else ""
        return f"{{{{r {value} | alert({condition}{mark}) }}}}"
    if column.colour == "smart":
        return f"{{{{r {value} | smart }}}}"
    if column.and_field:
        return "{{ " + value + " }}\n→ {{ " + f"{row}.{column.and_field}" + " }}"
    if column.row_unit:  # the row's unit on a line of its own, only when there is one
        unit = f"{row}.{column.row_unit}"
        op, cp = (lang.open_paren.strip(), lang.close_paren.strip()) if lang else ("（", "）")
        return (
            "{{ "
            + value
            + " }}{% if "
            + unit
            + " %}\n"
            + op
            + "{{ "
            + unit
            + " }}"
            + cp
            + "{% endif %}"
        )
    return "{{ " + value + " }}"


def word_columns(
    table: Table,
    lang: Lang,
    widths: dict[str, float | None],
    *,
    cells: dict[str, str] | None = None,
    flex: dict[str, float] | None = None,
    fields: tuple[str, ...] | None = None,
) -> list[Col]:
    """The Word columns of a layout table: header, cell and alignment from the layout,
    the width (cm; None shares the rest) from ``widths``, keyed by field.

    ``cells`` replaces a cell's tag where Word lays the same content out its own way
    (a line break, the current quarter in bold); ``fields`` picks some columns only.
    A ``detail`` column is not a column in Word (see :func:`table`'s ``detail``).
    """
    chosen = [c for c in table.columns if not c.detail and (fields is None or c.field in fields)]
    return [
        Col(
            header_tag(c, lang),
            (cells or {}).get(c.field) or cell_tag(c, table.row, lang),
            widths[c.field],
            c.numeric,
            (flex or {}).get(c.field, 1.0),
        )
        for c in chosen
    ]
