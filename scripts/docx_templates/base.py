"""Page geometry, the two languages and the XML snippets every part of a template is made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx.oxml.ns import nsdecls

from opsreport.present import theme

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "opsreport" / "templates"
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# Page: A4 portrait, 2.2 cm margins. 1 cm = 567 twips (dxa).
PAGE_W, PAGE_H = 11906, 16838
MARGIN = 1247
TEXT_W = PAGE_W - 2 * MARGIN  # 9412 twips = 16.6 cm


def _hex(colour: str) -> str:
    """A theme colour as WordprocessingML writes it: RRGGBB without the ``#``."""
    return colour.lstrip("#").upper()


# Every colour comes from the one palette, opsreport.present.theme.
DARK = _hex(theme.TEXT)
HEADER_FILL = _hex(theme.HEADER_FILL)
HEADER_TEXT = _hex(theme.HEADER_TEXT)
RULE = _hex(theme.RULE)
TABLE_RULE = _hex(theme.TABLE_RULE)
LEAD_FILL = _hex(theme.LEAD_FILL)
GREY = _hex(theme.SUBTLE)
MUTED = _hex(theme.MUTED)
TAG_TEXT = _hex(theme.TAG_TEXT)
RED = _hex(theme.ALERT)
RED_FILL = _hex(theme.ALERT_FILL)

W = nsdecls("w")


@dataclass(frozen=True)
class Lang:
    code: str
    latin: str  # ascii/hAnsi font
    east_asian: str  # w:eastAsia font
    body: float  # Normal size in points
    num_fmt: str
    num_text: str
    num_suffix: str
    open_paren: str
    close_paren: str
    hint: bool  # w:hint="eastAsia": shared punctuation (“”·→…) in the Chinese font


# Latin text in Arial: LibreOffice renders it with the metric-compatible Liberation
# Sans, so a PDF made there breaks lines where Word does. Calibri falls back to the
# much wider DejaVu Sans wherever Carlito is not installed, and the ten-column KPI
# table then no longer fits. Change LATIN to taste; the column widths assume Arial.
LATIN = "Arial"
LANGS = {
    "zh": Lang("zh", LATIN, "Microsoft YaHei", 10.5, "chineseCounting", "%1、", "nothing", "（", "）", True),
    "en": Lang("en", LATIN, "Microsoft YaHei", 10, "decimal", "%1.", "space", " (", ")", False),
}  # fmt: skip


def cm(value: float) -> int:
    return round(value * 567)


# --------------------------------------------------------------------------- XML snippets


def fonts(lang: Lang) -> str:
    return (
        f'<w:rFonts w:ascii="{lang.latin}" w:hAnsi="{lang.latin}" '
        f'w:eastAsia="{lang.east_asian}" w:cs="{lang.latin}"/>'
    )


def run_fonts(lang: Lang) -> str:
    """The run-level font: only w:eastAsia (Latin text follows the paragraph style)."""
    hint = ' w:hint="eastAsia"' if lang.hint else ""
    return f'<w:rFonts w:eastAsia="{lang.east_asian}"{hint}/>'


def run(lang: Lang, text: str, *, bold: bool = False, style: str | None = None) -> str:
    """One run holding ``text`` (tags included) whole: docxtpl needs a tag inside one run.

    ``style`` is a character style (Muted, Alert …): colour is never written into a run,
    so that modifying the style in Word recolours the whole document.
    """
    props = (f'<w:rStyle w:val="{style}"/>' if style else "") + run_fonts(lang)
    if bold:
        props += "<w:b/><w:bCs/>"
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(
    lang: Lang,
    content: str | list[str],
    style: str | None = None,
    *,
    jc: str | None = None,
    bold: bool = False,
    char_style: str | None = None,
    keep_next: bool = False,
    before: int | None = None,
) -> str:
    """A paragraph: ``content`` is the text of its single run, or a list of prebuilt runs.

    ``before`` overrides the style's space before the paragraph (points).
    """
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if keep_next:
        ppr += "<w:keepNext/>"
    if before is not None:
        ppr += f'<w:spacing w:before="{before * 20}"/>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    runs = (
        "".join(content)
        if isinstance(content, list)
        else (run(lang, content, bold=bold, style=char_style) if content else "")
    )
    return f"<w:p {W}>" + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + runs + "</w:p>"


def style_xml(
    style_id: str,
    name: str,
    *,
    kind: str = "paragraph",
    based_on: str | None = "Normal",
    next_style: str | None = None,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
    priority: int | None = None,
    qformat: bool = False,
    default: bool = False,
) -> str:
    parts = [f'<w:style {W} w:type="{kind}" w:styleId="{style_id}"' + (' w:default="1"' if default else "") + ">"]  # fmt: skip
    parts.append(f'<w:name w:val="{name}"/>')
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    if priority is not None:
        parts.append(f'<w:uiPriority w:val="{priority}"/>')
    if qformat:
        parts.append("<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append(extra)
    parts.append("</w:style>")
    return "".join(parts)


def size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def spacing(before: int = 0, after: int = 0, line: int | None = None) -> str:
    """Spacing in points (before/after) and a line multiple ×240 (auto rule)."""
    text = f'<w:spacing w:before="{before * 20}" w:after="{after * 20}"'
    if line is not None:
        text += f' w:line="{line}" w:lineRule="auto"'
    return text + "/>"


HEADING_NUM_ID = 20
BULLET_NUM_ID = 21
