"""Word character styles and the colour filters of Word templates that apply them.

The filters ``good``, ``status``, ``alert`` and ``smart`` colour through the
character styles Good, Bad, Near and Alert (:data:`CHARACTER_STYLES`, in the
colours of :mod:`opsreport.present.theme`), never by a colour written into the
run: a user recolours them by modifying the style in Word. Only ``color`` writes
the colour it is given. :func:`ensure_character_styles` adds to a template the
styles it lacks; the bundled templates define them (scripts/make_docx_templates.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from opsreport.present import theme

__all__ = [
    "CHARACTER_STYLES",
    "COLORS",
    "XML_INVALID",
    "CharacterStyle",
    "character_style_xml",
    "docx_filters",
    "ensure_character_styles",
    "xml_text",
]

COLORS = {
    "good": theme.GOOD.lstrip("#"),
    "bad": theme.BAD.lstrip("#"),
    "near": theme.NEAR_TEXT.lstrip("#"),
    "alert": theme.ALERT.lstrip("#"),
    "muted": theme.MUTED.lstrip("#"),
}


@dataclass(frozen=True)
class CharacterStyle:
    """A Word character style the colour filters (and the bundled templates) apply."""

    style_id: str
    name: str
    color: str  # RRGGBB, from the theme
    bold: bool = False


# Role → style. The bundled templates define them (scripts/make_docx_templates.py);
# the renderer adds any a template lacks, so the filters never write a colour.
CHARACTER_STYLES = {
    "good": CharacterStyle("Good", "Good", COLORS["good"]),
    "bad": CharacterStyle("Bad", "Bad", COLORS["bad"]),
    "near": CharacterStyle("Near", "Near", COLORS["near"]),
    "alert": CharacterStyle("Alert", "Alert", COLORS["alert"], bold=True),
    "muted": CharacterStyle("Muted", "Muted", COLORS["muted"]),
}
_STATUS_ROLES = {"met": "good", "near": "near", "missed": "bad"}
# Characters XML 1.0 forbids: a stray one would make Word refuse the whole file.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def xml_text(value: Any) -> str:
    return "" if value is None else XML_INVALID.sub("", str(value))


def character_style_xml(style: CharacterStyle, style_id: str = "", name: str = "") -> str:
    """The ``w:style`` element of a character style (``style_id``/``name`` override its own)."""
    bold = "<w:b/><w:bCs/>" if style.bold else ""
    return (
        f'<w:style xmlns:w="{_W}" w:type="character" w:customStyle="1" '
        f'w:styleId="{escape(style_id or style.style_id)}"><w:name w:val="{escape(name or style.name)}"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="1"/><w:qFormat/>'
        f'<w:rPr>{bold}<w:color w:val="{style.color}"/></w:rPr></w:style>'
    )


def ensure_character_styles(docx: Any) -> tuple[tuple[str, str], ...]:
    """The style id each colour role uses in this document, adding the styles it lacks.

    A template's own character style of that id is used as it is (the user's colours).
    Where the id is taken by a paragraph or table style (the bundled templates had a
    paragraph style "Alert" before the character styles came), ours is added as
    ``AlertText`` ("Alert Text") beside it.
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    styles = docx.styles.element
    kinds = {s.get(qn("w:styleId")): s.get(qn("w:type")) for s in styles.findall(qn("w:style"))}
    names = set()
    for element in styles.findall(qn("w:style")):
        name = element.find(qn("w:name"))
        if name is not None:
            names.add(str(name.get(qn("w:val")) or "").lower())
    chosen = []
    for role, style in CHARACTER_STYLES.items():
        style_id, name = style.style_id, style.name
        if kinds.get(style_id, "character") != "character":
            style_id, name = f"{style_id}Text", f"{name} Text"
        if style_id not in kinds:
            while name.lower() in names:  # a name taken by another id: Word wants them unique
                name += " (opsreport)"
            styles.append(parse_xml(character_style_xml(style, style_id, name)))
            kinds[style_id] = "character"
            names.add(name.lower())
        chosen.append((role, style_id))
    return tuple(chosen)


_DEFAULT_STYLE_IDS = tuple((role, style.style_id) for role, style in CHARACTER_STYLES.items())


def docx_filters(
    east_asian_font: str | None = None, style_ids: tuple[tuple[str, str], ...] = _DEFAULT_STYLE_IDS
) -> dict[str, Any]:
    """The rich-text filters of Word templates: each returns the runs' XML as Markup.

    A plain marked-up string, not docxtpl's ``RichText``, whose methods a template
    could call: ``{{r }}`` prints it unescaped just the same. A run carries its
    character style (Good, Bad, Near, Alert; ``style_ids`` maps each role to the
    style id of this document) and weight, plus the template's East Asian font, so
    Chinese text keeps it; size and Latin font come from the paragraph style of the
    cell it lands in. Only ``color`` writes a colour into the run: the one it is given.
    """
    from markupsafe import Markup

    fonts = f'<w:rFonts w:eastAsia="{escape(east_asian_font)}"/>' if east_asian_font else ""
    style_of = dict(style_ids)

    def _run(
        text: Any, role: str | None = None, bold: bool = False, color: str | None = None
    ) -> str:
        props = f'<w:rStyle w:val="{escape(style_of[role])}"/>' if role else ""
        props += fonts + ("<w:b/><w:bCs/>" if bold else "")
        if color:
            props += f'<w:color w:val="{escape(color.lstrip("#"))}"/>'
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(xml_text(text))}</w:t></w:r>'

    def rich(*runs: str) -> Markup:
        return Markup("".join(runs))  # every piece was escaped by _run

    def color(text: Any, value: str | None = None, bold: bool = False) -> Any:
        return rich(_run(text, bold=bold, color=value))

    def good(text: Any, is_good: bool | None, bold: bool = False) -> Any:
        role = None if is_good is None else "good" if is_good else "bad"
        return rich(_run(text, role, bold))

    def status(text: Any, key: str | None) -> Any:
        role = _STATUS_ROLES.get(key or "")
        return rich(_run(text, role, bold=role is not None))

    def alert(text: Any, flag: Any = True, mark: str = "") -> Any:
        if flag:
            return rich(_run(f"{mark}{xml_text(text)}", "alert"))
        return rich(_run(text))

    def smart(letters: Any) -> Any:
        runs = []
        for index, letter in enumerate(letters or ()):
            passed = letter.get("passed")
            role = None if passed is None else "good" if passed else "bad"
            gap = " " if index else ""
            runs.append(_run(f"{gap}{letter.get('letter', '')}{letter.get('mark', '')}", role))
        return rich(*runs)

    return {"good": good, "status": status, "alert": alert, "smart": smart, "color": color}
