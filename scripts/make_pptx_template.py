"""Generate the bundled deck templates src/opsreport/templates/{zh,en}/deck.pptx.

Run ``python scripts/make_pptx_template.py`` after changing this script and commit the
regenerated files. A deck template is an ordinary PowerPoint file: a user restyles it in
PowerPoint (View › Slide Master: the theme colours and fonts, the layouts' backgrounds, the
title's colour) and gives its folder with ``--template``. The deck needs three layouts by
name (present.deck.DECK_LAYOUTS): «opsreport Title» (a title and a subtitle placeholder),
«opsreport Content» (a title placeholder; the renderer places the body below it) and
«opsreport Closing» (a title and a subtitle placeholder). The other layouts of PowerPoint's
default template are removed. 16:9, its placeholders at the deck's geometry, the theme's
colours the report's (dark grey AC, grey PY, green and red), the theme's fonts Microsoft
YaHei for East Asian text (zh and en alike: an English deck may name a Chinese KPI).
Slide titles stand at the top left (the master's title style: IBCS and consulting decks
put the message there), in the box present.deck.TITLE the deck measures them for (its
insets PowerPoint's 0.1 in, deck_fit.INSET_X); the title slide keeps its title centred.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.util import Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from opsreport.present.deck import BODY, DECK_LAYOUTS, SLIDE, TITLE, TITLE_SIZE  # noqa: E402

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EMU = 12700  # per point

COLOURS = {  # the theme's colour scheme: a user changes these in PowerPoint (Design › Variants)
    "dk1": "262626", "lt1": "FFFFFF", "dk2": "404040", "lt2": "F2F2F2",
    "accent1": "404040", "accent2": "A6A6A6", "accent3": "2E7D32", "accent4": "C62828",
    "accent5": "F9A825", "accent6": "6E6E6E", "hlink": "1F4E79", "folHlink": "595959",
}  # fmt: skip
FONTS = {"zh": ("Microsoft YaHei", "Microsoft YaHei"), "en": ("Calibri", "Calibri")}
EAST_ASIAN = "Microsoft YaHei"


def _box(element: etree._Element, box: tuple[float, float, float, float]) -> None:
    """Set a placeholder's position and size (its own a:xfrm) to ``box`` (points)."""
    sp_pr = element.find(f"{{{_P}}}spPr")
    for old in sp_pr.findall(f"{{{_A}}}xfrm"):
        sp_pr.remove(old)
    xfrm = etree.Element(f"{{{_A}}}xfrm")
    x, y, w, h = (round(v * EMU) for v in box)
    etree.SubElement(xfrm, f"{{{_A}}}off", x=str(x), y=str(y))
    etree.SubElement(xfrm, f"{{{_A}}}ext", cx=str(w), cy=str(h))
    sp_pr.insert(0, xfrm)


def _theme(blob: bytes, lang: str) -> bytes:
    root = etree.fromstring(blob)
    scheme = root.find(f".//{{{_A}}}clrScheme")
    scheme.set("name", "opsreport")
    for child in scheme:
        name = etree.QName(child).localname
        for old in list(child):
            child.remove(old)
        etree.SubElement(child, f"{{{_A}}}srgbClr", val=COLOURS[name])
    fonts = root.find(f".//{{{_A}}}fontScheme")
    fonts.set("name", "opsreport")
    major, minor = FONTS[lang]
    for tag, latin in (("majorFont", major), ("minorFont", minor)):
        font = fonts.find(f"{{{_A}}}{tag}")
        font.find(f"{{{_A}}}latin").set("typeface", latin)
        font.find(f"{{{_A}}}ea").set("typeface", EAST_ASIAN)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _title_top_left(master: object) -> None:
    """The master's titles left-aligned (``p:titleStyle``) and anchored at the top of
    their box (the title placeholder's ``a:bodyPr``): every layout inherits them."""
    root = master._element  # type: ignore[attr-defined]
    level = root.find(f"{{{_P}}}txStyles/{{{_P}}}titleStyle/{{{_A}}}lvl1pPr")
    level.set("algn", "l")
    for shape in master.placeholders:  # type: ignore[attr-defined]
        if "TITLE" in str(shape.placeholder_format.type):
            body = shape._element.find(f"{{{_P}}}txBody/{{{_A}}}bodyPr")
            body.set("anchor", "t")


def _centred_title(layout: object) -> None:
    """The title slide's title centred in its box, whatever the master says."""
    for shape in layout.placeholders:  # type: ignore[attr-defined]
        kind = str(shape.placeholder_format.type)
        if "TITLE" in kind and "SUB" not in kind:
            body = shape._element.find(f"{{{_P}}}txBody")
            body.find(f"{{{_A}}}bodyPr").set("anchor", "ctr")
            styles = body.find(f"{{{_A}}}lstStyle")
            level = styles.find(f"{{{_A}}}lvl1pPr")
            if level is None:
                level = etree.SubElement(styles, f"{{{_A}}}lvl1pPr")
            level.set("algn", "ctr")


def _accent_rule(layout: object) -> None:
    """A thin rule in the theme's accent 1 under the title: it follows a change of colour."""
    x, y, w, h = TITLE
    sp = etree.fromstring(
        f'<p:sp xmlns:p="{_P}" xmlns:a="{_A}"><p:nvSpPr><p:cNvPr id="90" name="Title rule"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr><a:xfrm>'
        f'<a:off x="{round(x * EMU)}" y="{round((y + h + 4) * EMU)}"/>'
        f'<a:ext cx="{round(w * EMU)}" cy="{round(2 * EMU)}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr val="accent1"/>'
        "</a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>"
    )
    layout._element.cSld.spTree.append(sp)  # type: ignore[attr-defined]


def build(lang: str) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = round(SLIDE[0] * EMU), round(SLIDE[1] * EMU)
    master = prs.slide_master
    keep = {0: DECK_LAYOUTS["title"], 5: DECK_LAYOUTS["content"], 2: DECK_LAYOUTS["closing"]}
    layouts = list(master.slide_layouts)
    for index, layout in enumerate(layouts):
        if index not in keep:
            master.slide_layouts.remove(layout)
    for index, name in keep.items():
        layouts[index].name = name
    # The master's own placeholders at the deck's geometry (16:9), the title at the deck's size.
    for shape in master.placeholders:
        kind = shape.placeholder_format.type
        if kind is not None and "TITLE" in str(kind):
            _box(shape._element, TITLE)
        elif kind is not None and "BODY" in str(kind):
            _box(shape._element, BODY)
        else:  # date, footer, slide number: along the bottom
            x = {"DATE": 43.0, "FOOTER": 330.0}.get(str(kind).split(".")[-1].split(" ")[0], 717.0)
            _box(shape._element, (x, 510.0, 200.0, 22.0))
    for index, layout in ((0, layouts[0]), (5, layouts[5]), (2, layouts[2])):
        for shape in layout.placeholders:
            kind = str(shape.placeholder_format.type)
            if index == 5 and "TITLE" in kind:
                _box(shape._element, TITLE)
            elif index in {0, 2} and ("TITLE" in kind and "SUB" not in kind):
                _box(shape._element, (72.0, 150.0, 816.0, 130.0))
            elif index in {0, 2} and ("SUBTITLE" in kind or "BODY" in kind):
                _box(shape._element, (72.0, 300.0, 816.0, 150.0))
            else:
                _box(shape._element, (717.0, 510.0, 200.0, 22.0))
            if "TITLE" in kind and "SUB" not in kind:
                for paragraph in shape.text_frame.paragraphs:
                    paragraph.font.size = Pt(TITLE_SIZE if index == 5 else 36)
    _title_top_left(master)
    _centred_title(layouts[0])
    _accent_rule(layouts[5])
    for layout in (layouts[0], layouts[2], layouts[5]):  # titles as typed, not in capitals
        for properties in layout._element.iter(f"{{{_A}}}defRPr"):
            properties.attrib.pop("cap", None)
    stream = io.BytesIO()
    prs.save(stream)
    return _rewrite_theme(stream.getvalue(), lang)


def _rewrite_theme(package: bytes, lang: str) -> bytes:
    """The package with its theme's colours and fonts set, every entry at a fixed date (the
    same script makes the same bytes)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("ppt/theme/theme"):
                data = _theme(data, lang)
            if info.filename == "docProps/core.xml":
                data = (
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
                    b'2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                    b"<dc:title>opsreport deck template</dc:title></cp:coreProperties>"
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()


def main() -> int:
    for lang in ("zh", "en"):
        path = ROOT / "src" / "opsreport" / "templates" / lang / "deck.pptx"
        path.write_bytes(build(lang))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
