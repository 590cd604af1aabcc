"""The named styles and the numbering of a template: everything the reader sees is styled by name."""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import qn

from opsreport.render.word_styles import CHARACTER_STYLES, character_style_xml

from .base import (
    BULLET_NUM_ID,
    DARK,
    GREY,
    HEADER_FILL,
    HEADER_TEXT,
    HEADING_NUM_ID,
    LEAD_FILL,
    MUTED,
    RED,
    RED_FILL,
    RULE,
    TABLE_RULE,
    TAG_TEXT,
    TEXT_W,
    Lang,
    W,
    fonts,
    size,
    spacing,
    style_xml,
)


def define_styles(doc, lang: Lang) -> None:
    styles = doc.styles.element
    # Latin text is English even in a Chinese report (zh-CN on Latin text lets
    # LibreOffice break "2026Q1" or "41.9%" in the middle).
    lang_tag = '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {W}><w:rPrDefault><w:rPr>{fonts(lang)}{size(lang.body)}{lang_tag}</w:rPr></w:rPrDefault>"
            f"<w:pPrDefault><w:pPr>{spacing(0, 4, 276)}</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    table_cell_margins = (
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
    )
    heading_rule = f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="2" w:color="{RULE}"/></w:pBdr>'  # fmt: skip
    definitions = [
        style_xml("Normal", "Normal", based_on=None, qformat=True, default=True,
                  ppr=f'<w:widowControl/>{spacing(0, 4, 276)}<w:jc w:val="both"/>',
                  rpr=f"{fonts(lang)}{size(lang.body)}"),
        style_xml("Title", "Title", next_style="Subtitle", priority=10, qformat=True,
                  ppr=f'<w:keepNext/>{spacing(0, 6, 240)}<w:jc w:val="center"/><w:outlineLvl w:val="9"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/><w:kern w:val="28"/>{size(18)}'),
        style_xml("Subtitle", "Subtitle", next_style="Lead", priority=11, qformat=True,
                  ppr=f'{spacing(0, 18, 240)}<w:jc w:val="center"/>',
                  rpr=f'{fonts(lang)}<w:color w:val="{GREY}"/>{size(9.5)}'),
        style_xml("Lead", "Lead", next_style="Normal", qformat=True,
                  ppr=f'<w:pBdr><w:left w:val="single" w:sz="24" w:space="6" w:color="{HEADER_FILL}"/></w:pBdr>'
                  f'<w:shd w:val="clear" w:color="auto" w:fill="{LEAD_FILL}"/>{spacing(0, 10, 300)}'
                  '<w:ind w:left="170" w:right="113"/>',
                  rpr=f"{fonts(lang)}{size(lang.body)}"),
        style_xml("Heading1", "heading 1", next_style="Normal", priority=9, qformat=True,
                  ppr=f'<w:keepNext/><w:keepLines/><w:numPr><w:numId w:val="{HEADING_NUM_ID}"/></w:numPr>'
                  f'{heading_rule}{spacing(16, 6, 240)}<w:ind w:left="0" w:firstLine="0"/><w:jc w:val="left"/>'
                  '<w:outlineLvl w:val="0"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/>{size(15)}'),
        style_xml("Heading2", "heading 2", next_style="Normal", priority=9, qformat=True,
                  ppr=f'<w:keepNext/><w:keepLines/>{spacing(10, 4, 240)}<w:jc w:val="left"/><w:outlineLvl w:val="1"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/>{size(12)}'),
        style_xml("Heading3", "heading 3", next_style="Normal", priority=9, qformat=True,
                  ppr=f'<w:keepNext/><w:keepLines/>{spacing(8, 4, 240)}<w:jc w:val="left"/><w:outlineLvl w:val="2"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/>{size(11)}'),
        style_xml("LeadIn", "Lead-in", next_style="Normal", qformat=True,
                  ppr="<w:keepNext/>"),
        style_xml("TableNote", "Table Note", qformat=True, ppr=f"<w:keepLines/>{spacing(8, 6)}"),
        style_xml("ListBullet", "List Bullet", priority=99, qformat=True,
                  ppr=f'<w:numPr><w:numId w:val="{BULLET_NUM_ID}"/></w:numPr>{spacing(0, 2, 276)}'
                  '<w:ind w:left="360" w:hanging="240"/><w:jc w:val="left"/>'),
        style_xml("Problem", "Problem", next_style="ProblemDetail", qformat=True,
                  ppr=f'<w:keepNext/><w:keepLines/>{spacing(6, 2, 276)}<w:jc w:val="left"/>',
                  rpr=f'<w:b/><w:bCs/><w:color w:val="{DARK}"/>'),
        style_xml("ProblemDetail", "Problem Detail", qformat=True,
                  ppr=f'{spacing(0, 2, 276)}<w:ind w:left="420"/><w:jc w:val="left"/>'),
        style_xml("AlertBox", "Alert Box", qformat=True,
                  ppr='<w:pBdr>'
                  + "".join(f'<w:{side} w:val="single" w:sz="8" w:space="4" w:color="{RED}"/>'
                            for side in ("top", "left", "bottom", "right"))
                  + f'</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="{RED_FILL}"/>'
                  f'{spacing(0, 0, 300)}<w:ind w:left="113" w:right="113"/><w:jc w:val="left"/>',
                  rpr=f'<w:color w:val="{RED}"/>'),
        style_xml("Chart", "Chart", next_style="Caption", qformat=True,
                  ppr=f'{spacing(4, 6, 240)}<w:jc w:val="center"/>'),
        style_xml("Caption", "caption", next_style="Normal", priority=35, qformat=True,
                  ppr=f'{spacing(2, 10, 240)}<w:jc w:val="center"/>',
                  rpr=f'<w:color w:val="{MUTED}"/>{size(9)}'),
        style_xml("TableText", "Table Text", qformat=True,
                  ppr='<w:spacing w:before="0" w:after="0" w:line="250" w:lineRule="exact"/><w:jc w:val="left"/>',
                  rpr=size(9)),
        style_xml("TableTextSmall", "Table Text Small", based_on="TableText", qformat=True,
                  ppr='<w:spacing w:before="0" w:after="0" w:line="220" w:lineRule="exact"/>',
                  rpr=size(8)),
        style_xml("TableNumber", "Table Number", based_on="TableText", qformat=True,
                  ppr='<w:jc w:val="right"/>'),
        style_xml("TableNumberSmall", "Table Number Small", based_on="TableTextSmall", qformat=True,
                  ppr='<w:jc w:val="right"/>'),
        style_xml("TableHeader", "Table Header", based_on="TableText", qformat=True,
                  ppr="<w:keepNext/>", rpr=f'<w:b/><w:bCs/><w:color w:val="{HEADER_TEXT}"/>'),
        style_xml("TableHeaderSmall", "Table Header Small", based_on="TableTextSmall", qformat=True,
                  ppr="<w:keepNext/>", rpr=f'<w:b/><w:bCs/><w:color w:val="{HEADER_TEXT}"/>'),
        style_xml("TemplateTag", "Template Tag",
                  ppr=f'{spacing(0, 0, 240)}<w:jc w:val="left"/>',
                  rpr=f'<w:color w:val="{TAG_TEXT}"/>{size(8)}'),
        style_xml("Header", "header", ppr=f'{spacing(0, 0, 240)}<w:jc w:val="right"/>',
                  rpr=f'<w:color w:val="{GREY}"/>{size(8)}'),
        style_xml("Footer", "footer", ppr=f'{spacing(0, 0, 240)}<w:jc w:val="center"/>',
                  rpr=f'<w:color w:val="{GREY}"/>{size(8)}'),
        # The table of contents (render/toc.py fills it): its heading and two levels of
        # entries, the page number at the right margin after a dotted leader.
        style_xml("TOCHeading", "TOC Heading", next_style="Normal", priority=39, qformat=True,
                  ppr=f'<w:keepNext/>{spacing(6, 6, 240)}<w:jc w:val="left"/><w:outlineLvl w:val="9"/>',
                  rpr=f'{fonts(lang)}<w:b/><w:bCs/><w:color w:val="{DARK}"/>{size(12)}'),
        style_xml("TOC1", "toc 1", next_style="Normal", priority=39,
                  ppr=f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/></w:tabs>'
                  '<w:spacing w:before="60" w:after="0" w:line="300" w:lineRule="exact"/>'
                  '<w:jc w:val="left"/>',
                  rpr="<w:b/><w:bCs/>"),
        style_xml("TOC2", "toc 2", next_style="Normal", priority=39,
                  ppr=f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/></w:tabs>'
                  '<w:spacing w:before="0" w:after="0" w:line="280" w:lineRule="exact"/>'
                  '<w:ind w:left="420"/><w:jc w:val="left"/>'),
        style_xml("ReportTable", "Report Table", kind="table", based_on="TableNormal", priority=59,
                  qformat=True, ppr=spacing(0, 0, 240),
                  extra=f'<w:tblPr><w:tblBorders>'
                  f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{HEADER_FILL}"/>'
                  f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{HEADER_FILL}"/>'
                  f'<w:insideH w:val="single" w:sz="4" w:space="0" w:color="{TABLE_RULE}"/>'
                  f"</w:tblBorders>{table_cell_margins}</w:tblPr>"
                  f'<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="{HEADER_TEXT}"/></w:rPr>'
                  f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr></w:tblStylePr>'),
    ]  # fmt: skip
    # The default template's 140 table styles (Light Shading …) only clutter Word's gallery.
    keep = {"TableNormal", "TableGrid"}
    for old in styles.findall(qn("w:style")):
        if old.get(qn("w:type")) == "table" and old.get(qn("w:styleId")) not in keep:
            styles.remove(old)
    # The character styles the colour filters apply (Good, Bad, Near, Alert, Muted):
    # modifying one in Word recolours every run that carries it.
    definitions += [character_style_xml(style) for style in CHARACTER_STYLES.values()]
    for xml in definitions:
        element = parse_xml(xml)
        style_id = element.get(qn("w:styleId"))
        for old in styles.findall(qn("w:style")):
            if old.get(qn("w:styleId")) == style_id:
                styles.remove(old)
        styles.append(element)
    # Linked character styles of the defaults keep the theme fonts; point them at ours.
    for old in styles.findall(qn("w:style")):
        rpr = old.find(qn("w:rPr"))
        if rpr is not None and (rfonts := rpr.find(qn("w:rFonts"))) is not None:
            rpr.replace(rfonts, parse_xml(fonts(lang).replace("<w:rFonts", f"<w:rFonts {W}", 1)))


def define_numbering(doc, lang: Lang) -> None:
    """Heading 1 numbered 一、二、 (zh) or 1. 2. (en); a plain • for List Bullet."""
    numbering = doc.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="none"/>'
        f'<w:lvlText w:val=""/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        for level in range(1, 9)
    )
    heading = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="{HEADING_NUM_ID}"><w:nsid w:val="4F505301"/>'
        '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="4F505302"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{lang.num_fmt}"/>'
        f'<w:pStyle w:val="Heading1"/><w:suff w:val="{lang.num_suffix}"/>'
        f'<w:lvlText w:val="{lang.num_text}"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        f"{levels}</w:abstractNum>"
    )
    bullet = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="{BULLET_NUM_ID}"><w:nsid w:val="4F505303"/>'
        '<w:multiLevelType w:val="singleLevel"/><w:tmpl w:val="4F505304"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:pStyle w:val="ListBullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="360" w:hanging="240"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{lang.latin}" w:hAnsi="{lang.latin}" w:hint="default"/>'
        f'<w:color w:val="{GREY}"/></w:rPr></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(heading)
    first_num.addprevious(bullet)
    for number in (HEADING_NUM_ID, BULLET_NUM_ID):
        numbering.append(
            parse_xml(f'<w:num {W} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>')
        )
