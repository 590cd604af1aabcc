"""The Word table of contents, filled when the report is rendered.

A template asks for a table of contents with a ``TOC`` field (Word: References ›
Table of Contents; the bundled report template has one under its opening). Word
fills such a field only when asked, and LibreOffice never does on opening a file, so
a freshly rendered report would show the field's placeholder. :func:`fill_document_toc`
(on the document in memory, before it is saved) and :func:`fill_toc` (on the saved bytes,
for a streamed body) write what Word writes: one entry per heading of the field's levels (``\\o "1-2"``),
numbered as the heading's list numbering numbers it (一、 / 1.), each a link to a
bookmark on its heading with a ``PAGEREF`` field for its page; and it sets
``w:updateFields`` so that Word refreshes the field, page numbers included, on opening.
:func:`static_toc` keeps the entries without the surrounding ``TOC`` field: LibreOffice
computes the ``PAGEREF`` page numbers of plain entries (not those inside a TOC field),
so the PDF made from it has the right page numbers.

Switched off by deleting the field (and its heading) from the template; nothing
else depends on it. A body larger than :data:`MAX_BODY_BYTES` is left as it is
(Word still builds the table on opening).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_BODY_BYTES",
    "TocEntry",
    "fill_document_toc",
    "fill_toc",
    "static_toc",
    "toc_entries",
]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
DOCUMENT = "word/document.xml"
SETTINGS = "word/settings.xml"
STYLES = "word/styles.xml"
NUMBERING = "word/numbering.xml"
# A body this large (a streamed, very long report) is not parsed again for its headings.
MAX_BODY_BYTES = 32 * 1024 * 1024
_LEVELS = re.compile(r'\\o\s+"(\d)-(\d)"')
# settings.xml children that come after w:updateFields (ECMA-376 CT_Settings order).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator",
)  # fmt: skip


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


@dataclass(frozen=True)
class TocEntry:
    """One line of the table of contents: its level (1, 2 …), number and text."""

    level: int
    number: str
    text: str


def fill_toc(docx: bytes) -> bytes:
    """``docx`` with its TOC field listing the document's headings (unchanged without one,
    or when a part cannot be read: the table is a convenience Word rebuilds on opening)."""
    return _safely(docx, fill=True)


def static_toc(docx: bytes) -> bytes:
    """``docx`` with the TOC field's entries kept as plain paragraphs (for LibreOffice)."""
    return _safely(docx, fill=False)


def _safely(docx: bytes, *, fill: bool) -> bytes:
    from lxml import etree

    try:
        return _rewrite(docx, fill=fill)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, ValueError):
        return docx


def toc_entries(docx: bytes) -> list[TocEntry]:
    """The entries of a rendered document's table of contents, in order (for tests, checks)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read(DOCUMENT), _parser())
    found = []
    for paragraph in root.iter(_w("p")):
        style = paragraph.find("w:pPr/w:pStyle", _NS)
        name = style.get(_w("val"), "") if style is not None else ""
        if re.fullmatch(r"TOC\d", name):
            texts = []
            for run in paragraph.iter(_w("r")):
                if run.find("w:tab", _NS) is not None:
                    break
                texts += [t.text or "" for t in run.iterfind("w:t", _NS)]
            number, title = (
                (texts[0].strip(), "".join(texts[1:])) if len(texts) > 1 else ("", "".join(texts))
            )
            found.append(TocEntry(int(name[3:]), number, title))
    return found


# --------------------------------------------------------------------------- the package


def _rewrite(docx: bytes, *, fill: bool) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        info = package.getinfo(DOCUMENT) if DOCUMENT in package.namelist() else None
        if info is None or info.file_size > MAX_BODY_BYTES:
            return docx
        body = package.read(DOCUMENT)
        if b"TOC" not in body:
            return docx
        from lxml import etree

        root = etree.fromstring(body, _parser())
        replaced: dict[str, bytes] = {}
        if fill:
            parts = {name: etree.fromstring(package.read(name), _parser())
                     for name in (STYLES, NUMBERING, SETTINGS) if name in package.namelist()}  # fmt: skip
            settings = parts.get(SETTINGS)
            if not _fill_tree(root, parts.get(STYLES), parts.get(NUMBERING), settings):
                return docx
            if settings is not None:
                replaced[SETTINGS] = _xml(settings)
        elif not _unwrap(root):
            return docx
        replaced[DOCUMENT] = _xml(root)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in package.infolist():
                data = replaced.get(item.filename)
                target.writestr(item, data if data is not None else package.read(item.filename))
    return out.getvalue()


def _parser() -> Any:
    """No entities expanded, nothing fetched: a part is data (the user's template is in it)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True)


def _xml(root: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def fill_document_toc(document: Any) -> bool | None:
    """Fill the TOC field of a python-docx ``Document`` in memory (before it is saved: no
    parsing again); True when filled, False when its body has none, None when the body is
    not in memory (a streamed render: use :func:`fill_toc` on the saved bytes)."""
    root = document.part.element
    body = root.find("w:body", _NS)
    if body is None or len(body) <= 1:  # only the section properties: streamed
        return None
    parts = {
        rel.reltype.rsplit("/", 1)[-1]: getattr(rel.target_part, "element", None)
        for rel in document.part.rels.values()
        if not rel.is_external
    }
    return _fill_tree(root, parts.get("styles"), parts.get("numbering"), parts.get("settings"))


def _toc_field(root: Any) -> tuple[list[Any], list[Any]] | None:
    """The runs of the TOC field's code (begin, instructions, separate) and its end run."""
    # only the runs of fields: a long report has tens of thousands of runs, a few hundred of these
    runs: list[Any] = []
    for mark in root.iter(_w("fldChar"), _w("instrText")):
        run = mark.getparent()
        if not runs or runs[-1] is not run:
            runs.append(run)
    for index, run in enumerate(runs):
        instr = run.find("w:instrText", _NS)
        if instr is None or not (instr.text or "").strip().startswith("TOC"):
            continue
        begin = next((i for i in range(index, -1, -1) if _char(runs[i]) == "begin"), None)
        if begin is None:
            return None
        code: list[Any] = []
        depth = 0
        for later in runs[begin:]:
            kind = _char(later)
            depth += {"begin": 1, "end": -1}.get(kind or "", 0)
            if kind == "end" and depth == 0:
                return code, [later]
            own = kind in {"begin", "separate"} or later.find("w:instrText", _NS) is not None
            if depth == 1 and kind != "end" and own:  # the TOC's, not a nested field's
                code.append(later)
        return None
    return None


def _char(run: Any) -> str | None:
    char = run.find("w:fldChar", _NS)
    return char.get(_w("fldCharType")) if char is not None else None


def _unwrap(root: Any) -> bool:
    """Remove the TOC field's code and end, keeping its entries; whether there was one."""
    field = _toc_field(root)
    if field is None:
        return False
    code, end = field
    for run in code + end:
        run.getparent().remove(run)
    return True


def _fill_tree(root: Any, styles: Any, numbering: Any, settings: Any) -> bool:
    """Fill the TOC field of the document ``root`` (and set updateFields in ``settings``);
    whether it was filled. The other roots may be None (a package without those parts)."""
    field = _toc_field(root)
    if field is None:
        return False
    code, (end,) = field
    instr = "".join(r.findtext("w:instrText", "", _NS) for r in code)
    match = _LEVELS.search(instr)
    low, high = (int(match.group(1)), int(match.group(2))) if match else (1, 3)
    first, last = _paragraph_of(code[0]), _paragraph_of(end)
    body_element = first.getparent()
    if body_element is None or last.getparent() is not body_element:
        return False  # a field across table cells or text boxes: left to Word
    in_field = [first]
    while in_field[-1] is not last:
        in_field.append(in_field[-1].getnext())
    style_list = list(_styles(styles))
    outline = _outline_levels(style_list)
    numbers = _Numbering(numbering, style_list)
    headings = []
    for paragraph in _candidates(body_element, outline):
        level = _level_of(paragraph, outline)
        if level is None or any(paragraph is p for p in in_field):
            continue
        number = numbers.next(paragraph)
        text = "".join(t.text or "" for t in paragraph.iter(_w("t"))).strip()
        if low <= level + 1 <= high and text:
            headings.append((paragraph, TocEntry(level + 1, number, text)))
    if not headings:
        return False
    code[0].find("w:fldChar", _NS).set(_w("dirty"), "true")
    entries = _entries(headings, code, end, _next_bookmark_id(root))
    anchor = first.getprevious()
    for paragraph in in_field:
        body_element.remove(paragraph)
    for entry in entries:
        if anchor is None:
            body_element.insert(0, entry)
        else:
            anchor.addnext(entry)
        anchor = entry
    if settings is not None:
        _update_fields(settings)
    return True


def _paragraph_of(run: Any) -> Any:
    node = run
    while node is not None and node.tag != _w("p"):
        node = node.getparent()
    return node


def _entries(
    headings: list[tuple[Any, TocEntry]], code: list[Any], end: Any, bookmark: int
) -> list[Any]:
    """One paragraph per heading (a bookmark put on the heading), the field around them."""
    from lxml import etree

    xml = []
    for index, (heading, entry) in enumerate(headings):
        name = f"_Toc{bookmark + index:09d}"
        _bookmark(heading, name, bookmark + index)
        # the number in a run of its own, followed as the heading's (一、经营… / 1. Results)
        number = f'<w:r><w:t xml:space="preserve">{_escape(entry.number)}</w:t></w:r>'
        xml.append(
            f'<w:p><w:pPr><w:pStyle w:val="TOC{entry.level}"/></w:pPr>'
            f'<w:hyperlink w:anchor="{name}" w:history="1">'
            + (number if entry.number else "")
            + f'<w:r><w:t xml:space="preserve">{_escape(entry.text)}</w:t></w:r><w:r><w:tab/></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> PAGEREF {name} \\h </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t></w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink></w:p>'
        )
    made = list(etree.fromstring(f'<w:body xmlns:w="{_W}">{"".join(xml)}</w:body>'))  # one parse
    properties = made[0].find("w:pPr", _NS)
    assert properties is not None  # made just above
    for run in reversed(code):
        properties.addnext(run)
    made[-1].append(end)
    return made


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _bookmark(heading: Any, name: str, number: int) -> None:
    from lxml import etree

    start = etree.Element(_w("bookmarkStart"))
    start.set(_w("id"), str(number))
    start.set(_w("name"), name)
    properties = heading.find("w:pPr", _NS)
    if properties is not None:
        properties.addnext(start)
    else:
        heading.insert(0, start)
    end = etree.SubElement(heading, _w("bookmarkEnd"))
    end.set(_w("id"), str(number))


def _next_bookmark_id(root: Any) -> int:
    ids = [int(b.get(_w("id"), "0")) for b in root.iter(_w("bookmarkStart"))
           if (b.get(_w("id")) or "").isdigit()]  # fmt: skip
    return max(ids, default=0) + 1


def _update_fields(root: Any) -> None:
    """``<w:updateFields w:val="true"/>`` in settings.xml: Word refreshes the fields on opening."""
    from lxml import etree

    if root.find("w:updateFields", _NS) is not None:
        return
    element = etree.Element(_w("updateFields"))
    element.set(_w("val"), "true")
    later = next(
        (
            c
            for c in root
            if isinstance(c.tag, str) and etree.QName(c).localname in _AFTER_UPDATE_FIELDS
        ),
        None,
    )
    if later is None:
        root.append(element)
    else:
        later.addprevious(element)


# --------------------------------------------------------------------------- styles, numbers


def _styles(styles: Any) -> Iterator[Any]:
    if styles is not None:
        yield from styles.iterfind("w:style", _NS)


def _candidates(body: Any, outline: dict[str, int]) -> list[Any]:
    """The body's paragraphs that may be headings: an outline level of their own, or a
    heading style (one XPath: a long report's other paragraphs are never looked at)."""
    names = [f"@w:val='{name}'" for name in outline if "'" not in name]
    styled = f" or w:pPr/w:pStyle[{' or '.join(names)}]" if names else ""
    return _xpath(body, f"w:p[w:pPr/w:outlineLvl{styled}]")


def _xpath(element: Any, expression: str) -> list[Any]:
    """The elements ``expression`` selects (compiled: python-docx's elements have their own
    ``xpath``)."""
    from lxml import etree

    found: Any = etree.XPath(expression, namespaces=_NS)(element)
    return list(found)


def _outline_levels(styles: list[Any]) -> dict[str, int]:
    """Paragraph style id → outline level (0 = Heading 1), through ``basedOn``."""
    own: dict[str, int | None] = {}
    based: dict[str, str] = {}
    for style in styles:
        if style.get(_w("type")) != "paragraph":
            continue
        style_id = style.get(_w("styleId"), "")
        level = style.find("w:pPr/w:outlineLvl", _NS)
        own[style_id] = int(level.get(_w("val"))) if level is not None else None
        parent = style.find("w:basedOn", _NS)
        if parent is not None:
            based[style_id] = parent.get(_w("val"), "")
    levels: dict[str, int] = {}
    for style_id in own:
        seen, step = set(), style_id
        while step and step not in seen:
            seen.add(step)
            if own.get(step) is not None:
                level = own[step]
                if level is not None and level < 9:
                    levels[style_id] = level
                break
            step = based.get(step, "")
    return levels


def _level_of(paragraph: Any, outline: dict[str, int]) -> int | None:
    own = paragraph.find("w:pPr/w:outlineLvl", _NS)
    if own is not None:
        value = int(own.get(_w("val"), "9"))
        return value if value < 9 else None
    style = paragraph.find("w:pPr/w:pStyle", _NS)
    return outline.get(style.get(_w("val"), "")) if style is not None else None


_CHINESE = "〇一二三四五六七八九"


def _chinese(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (Word's chineseCounting, below 100)."""
    if number < 10:
        return _CHINESE[number]
    tens, ones = divmod(number, 10)
    return (_CHINESE[tens] if tens > 1 else "") + "十" + (_CHINESE[ones] if ones else "")


def _roman(number: int) -> str:
    parts = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):  # fmt: skip
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


def _formatted(number: int, fmt: str) -> str:
    if fmt == "decimal":
        return str(number)
    if (
        fmt in {"chineseCounting", "chineseCountingThousand", "ideographTraditional"}
        and number < 100
    ):
        return _chinese(number)
    if fmt in {"upperRoman", "lowerRoman"}:
        return _roman(number) if fmt == "upperRoman" else _roman(number).lower()
    if fmt in {"upperLetter", "lowerLetter"} and number <= 26:
        letter = chr(ord("A") + number - 1)
        return letter if fmt == "upperLetter" else letter.lower()
    return ""  # bullets, none, or a format this does not spell: the entry without a number


class _Numbering:
    """The list numbers Word gives numbered headings (一、 / 1.), counted in document order."""

    def __init__(self, numbering: Any, styles: list[Any]) -> None:
        # (numId, ilvl) → (numFmt, lvlText, start, what follows the number)
        self.levels: dict[tuple[str, int], tuple[str, str, int, str]] = {}
        self.counts: dict[str, list[int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        for style in styles:
            num = style.find("w:pPr/w:numPr/w:numId", _NS)
            if num is not None:
                level = style.find("w:pPr/w:numPr/w:ilvl", _NS)
                ilvl = int(level.get(_w("val"))) if level is not None else 0
                self.style_num[style.get(_w("styleId"), "")] = (num.get(_w("val"), ""), ilvl)
        self.numbering = numbering
        self.read: set[str] = set()

    def _read(self, num_id: str) -> None:
        """The levels of list ``num_id`` (read once, when a heading first uses it)."""
        self.read.add(num_id)
        if self.numbering is None or "'" in num_id:
            return
        found = _xpath(
            self.numbering,
            f"w:abstractNum[@w:abstractNumId = ../w:num[@w:numId='{num_id}']/w:abstractNumId/@w:val]",
        )
        for source in found[:1]:
            for lvl in source.iterfind("w:lvl", _NS):
                fmt = lvl.find("w:numFmt", _NS)
                text = lvl.find("w:lvlText", _NS)
                start = lvl.find("w:start", _NS)
                suffix = lvl.find("w:suff", _NS)
                self.levels[(num_id, int(lvl.get(_w("ilvl"), "0")))] = (
                    fmt.get(_w("val"), "decimal") if fmt is not None else "decimal",
                    text.get(_w("val"), "") if text is not None else "",
                    int(start.get(_w("val"), "1")) if start is not None else 1,
                    "" if suffix is not None and suffix.get(_w("val")) == "nothing" else " ",
                )

    def next(self, paragraph: Any) -> str:
        """The number of this heading (and the count moves on); "" when it has none."""
        num = paragraph.find("w:pPr/w:numPr/w:numId", _NS)
        style = paragraph.find("w:pPr/w:pStyle", _NS)
        if num is not None:
            level = paragraph.find("w:pPr/w:numPr/w:ilvl", _NS)
            key = (num.get(_w("val"), ""), int(level.get(_w("val"))) if level is not None else 0)
        elif style is not None and style.get(_w("val"), "") in self.style_num:
            key = self.style_num[style.get(_w("val"), "")]
        else:
            return ""
        if key[0] not in self.read:
            self._read(key[0])
        if key not in self.levels:
            return ""
        num_id, ilvl = key
        counts = self.counts.setdefault(num_id, [0] * 9)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        fmt, text, _, suffix = self.levels[key]

        def value(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            level_fmt, _, level_start, _ = self.levels.get((num_id, at), self.levels[key])
            return _formatted(counts[at] + level_start - 1, level_fmt)

        if not _formatted(1, fmt):
            return ""
        return re.sub(r"%(\d)", value, text).strip() + suffix
