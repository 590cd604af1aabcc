"""Opening the workbook package: each workbook-level part read within bounds, or refused.

openpyxl's own steps, one part at a time, so that a failure names the part at fault.
The shared strings are read here with lxml (bounded count and size), the style table is
counted in its bytes before openpyxl builds it, ``_rels/.rels`` must name the workbook
part the content types name, and a DTD or entity in any part is refused. Every failure
is a :class:`WorkbookRefused`: one diagnostic for the whole file.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
import zlib
from io import BytesIO
from typing import Any

from opsreport.io.limits import DEFAULT_LIMITS, Limits, size_text

__all__ = [
    "DAMAGED_HINT",
    "DTD_RE",
    "WorkbookRefused",
    "open_workbook",
    "read_part",
    "xml_error_text",
    "zip_error_text",
]


def _import_openpyxl() -> Any:
    """openpyxl, imported without numpy and Pillow when they are not loaded yet.

    openpyxl imports numpy (~50 ms, a tenth of a Markdown build) only to accept numpy
    numbers in cells it writes, and Pillow (~12 ms) only to read or write the pictures of
    a sheet, which opsreport never reads; reading cells meets neither. (A chart drawn
    later imports both as usual: only openpyxl's own copies stay empty.)
    """
    os.environ["OPENPYXL_DEFUSEDXML"] = "True"
    if "openpyxl" not in sys.modules:
        blocked = [name for name in ("numpy", "PIL") if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]  # importing it fails
        try:
            import openpyxl
        finally:
            for name in blocked:
                del sys.modules[name]
    import openpyxl

    return openpyxl


class WorkbookRefused(Exception):
    """A part breaks a limit or cannot be read: one diagnostic for the whole file."""

    def __init__(self, message: str, hint: str, code: str) -> None:
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


# The hint of every refusal of a damaged part, the package's and the sheets' alike.
DAMAGED_HINT = (
    "the file is damaged or was written by an unusual program: open it in Excel or "
    "LibreOffice and save it again as .xlsx"
)
_BOMB_HINT = "this is not an ordinary workbook; save a clean copy from Excel"
DTD_RE = re.compile(  # a DTD or entity: refused in workbook parts and sheets alike
    rb"<!(?:DOCTYPE|ENTITY)"
)


def read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A part's bytes, at most ``limit`` of them; zip damage (CRC, inflate) raises as it is."""
    with archive.open(name) as handle:
        return handle.read(limit)


def _xml_problem(data: bytes) -> str | None:
    """Why ``data`` is not well-formed XML (lxml's words), None when it is."""
    from lxml import etree

    if DTD_RE.search(data):
        return "it declares a DTD or entities, which no spreadsheet program writes"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)  # fmt: skip
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return xml_error_text(exc)
    return None


_CHAR_REF_RE = re.compile(r"xmlParseCharRef: invalid xmlChar value (\d+)")


def xml_error_text(exc: Exception) -> str:
    """lxml's message in a user's words (its advice to set XML_PARSE_HUGE is for programmers)."""
    text = str(getattr(exc, "msg", None) or exc)
    if "Excessive depth" in text:
        where = text.rpartition("option")[2].lstrip(", ")
        return f"elements nested more than {_MAX_XML_DEPTH} deep ({where})"
    found = _CHAR_REF_RE.match(text)
    if found:
        code = int(found.group(1))
        rest = text[found.end() :].lstrip(", ")
        return f"a reference to character U+{code:04X}, which no XML file may hold ({rest})"
    if text.startswith("no element found") or text.startswith("Document is empty"):
        return "it is empty"
    return text


_MAX_XML_DEPTH = 256  # libxml2's bound without huge_tree; a sheet needs 7 levels


def _damaged_part(
    archive: zipfile.ZipFile, candidates: list[str], limits: Limits
) -> tuple[str, str] | None:
    """The first of ``candidates`` that cannot be read or parsed, with the reason."""
    names = set(archive.namelist())
    for name in candidates:
        if name not in names:
            continue
        try:
            data = read_part(archive, name, limits.max_uncompressed_bytes)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            return name, zip_error_text(exc)
        problem = _xml_problem(data)
        if problem:
            return name, problem
    return None


def zip_error_text(exc: BaseException) -> str:
    """What zipfile's or zlib's complaint about a part means."""
    if isinstance(exc, zlib.error):
        return f"its compressed data is corrupt ({exc})"
    if "CRC" in str(exc):
        return "its checksum does not match its content (a bad CRC-32)"
    return f"{type(exc).__name__}: {exc}"


def _shared_strings_part(reader: Any) -> str | None:
    from openpyxl.xml.constants import SHARED_STRINGS

    found = reader.package.find(SHARED_STRINGS)
    return str(found.PartName[1:]) if found is not None else None


_SI_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}si"


def _read_shared_strings(archive: zipfile.ZipFile, part: str, limits: Limits) -> list[str]:
    """The shared-string table, as openpyxl reads it (plain text of each item), within bounds.

    openpyxl builds an object per item through pure-Python callbacks (a million
    items took 26 s); lxml reads the same text — ``<t>`` of the item (the last
    one), then the ``<t>`` of each rich-text run, phonetic runs left out — in a
    tenth of the time, and stops at the limits on the count and the part's size.
    """
    from lxml import etree

    info = archive.getinfo(part)
    if info.file_size > limits.max_shared_strings_bytes:
        raise WorkbookRefused(
            f"the shared-string table ({part}) is {size_text(info.file_size)} "
            f"(limit {size_text(limits.max_shared_strings_bytes)})",
            _BOMB_HINT,
            "too_many_strings",
        )
    xml = read_part(archive, part, limits.max_shared_strings_bytes + 1)
    if xml.count(b"<si>") + xml.count(b"<si ") > limits.max_shared_strings:  # before parsing
        raise WorkbookRefused(
            f"the shared-string table ({part}) holds more than {limits.max_shared_strings:,} texts",
            _BOMB_HINT,
            "too_many_strings",
        )
    if DTD_RE.search(xml):
        raise WorkbookRefused(
            f"refused: the shared-string table ({part}) declares a DTD or entities "
            "(a 'billion laughs' attack); no spreadsheet program writes that",
            "do not open this file; ask for a copy saved from Excel",
            "xml_bomb",
        )
    strings: list[str] = []
    for _, item in etree.iterparse(
        BytesIO(xml), events=("end",), tag=_SI_TAG, resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    ):  # fmt: skip
        plain: str | None = None
        runs: list[str] = []
        for child in item:
            name = child.tag.rpartition("}")[2]
            if name == "t":
                plain = child.text
            elif name == "r":
                run_text = None
                for grandchild in child:
                    if grandchild.tag.rpartition("}")[2] == "t":
                        run_text = grandchild.text
                if run_text is not None:
                    runs.append(run_text)
        text = (plain or "") + "".join(runs)
        strings.append(text.replace("x005F_", "") if "x005F_" in text else text)
        if len(strings) > limits.max_shared_strings:
            raise WorkbookRefused(
                f"the shared-string table ({part}) holds more than "
                f"{limits.max_shared_strings:,} texts",
                _BOMB_HINT,
                "too_many_strings",
            )
        item.clear(keep_tail=True)
        while item.getprevious() is not None:
            del item.getparent()[0]
    return strings


_STYLE_RECORD_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(numFmt|font|fill|border|xf|dxf|cellStyle)[\s/>]"
)
_STYLE_KINDS = {
    b"numFmt": "number formats", b"font": "fonts", b"fill": "fills", b"border": "borders",
    b"xf": "cell formats", b"dxf": "conditional formats", b"cellStyle": "cell styles",
}  # fmt: skip


def _check_styles(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a style table openpyxl would spend seconds and gigabytes on.

    openpyxl builds objects for every format, font, fill and border it lists: 1.5
    million formats took 32 s and 2.7 GB. Counting the records in the bytes first
    takes milliseconds. Excel itself holds at most 65,490 cell formats.
    """
    from openpyxl.xml.constants import ARC_STYLE

    if ARC_STYLE not in archive.namelist():
        return
    xml = read_part(archive, ARC_STYLE, limits.max_uncompressed_bytes)
    counts: dict[bytes, int] = {}
    for match in _STYLE_RECORD_RE.finditer(xml):
        kind = match.group(1)
        counts[kind] = counts.get(kind, 0) + 1
        if counts[kind] > limits.max_style_records:
            raise WorkbookRefused(
                f"the style table ({ARC_STYLE}) holds more than {limits.max_style_records:,} "
                f"{_STYLE_KINDS[kind]} (Excel holds at most 65,490 cell formats)",
                _BOMB_HINT,
                "too_many_styles",
            )
    elements = xml.count(b"<") - xml.count(b"</") - xml.count(b"<?") - xml.count(b"<!")
    if elements > limits.max_style_elements:
        raise WorkbookRefused(
            f"the style table ({ARC_STYLE}) holds {elements:,} XML elements "
            f"(limit {limits.max_style_elements:,})",
            _BOMB_HINT,
            "too_many_styles",
        )


_RELATIONSHIP_RE = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE_RE = re.compile(rb'\b(Type|Target)\s*=\s*"([^"]*)"')


def _check_root_relationships(archive: zipfile.ZipFile, workbook_part: str, limits: Limits) -> None:
    """``_rels/.rels`` is well-formed and names the workbook part openpyxl reads.

    Excel finds the workbook through this part, openpyxl through the content
    types: a file whose two say different things would show Excel's users one
    workbook and the report another.
    """
    name = "_rels/.rels"
    if name not in archive.namelist():
        return
    data = read_part(archive, name, limits.max_uncompressed_bytes)
    problem = _xml_problem(data)
    if problem:
        raise WorkbookRefused(f"the file is damaged: its part {name} cannot be read: {problem}",
                       DAMAGED_HINT, "damaged_part")  # fmt: skip
    for element in _RELATIONSHIP_RE.findall(data):
        attributes = dict(_ATTRIBUTE_RE.findall(element))
        if attributes.get(b"Type", b"").endswith(b"/officeDocument"):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
            if target and target.casefold() != workbook_part.casefold():
                raise WorkbookRefused(
                    f"the file names two workbook parts: {target} (in {name}) and "
                    f"{workbook_part} (in [Content_Types].xml)",
                    "a program may read either one; save a clean copy from Excel",
                    "duplicate_part",
                )


def open_workbook(handle: Any, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The workbook (read-only, cached values), each workbook-level part read in turn.

    The steps are openpyxl's own (``ExcelReader.read``) so that a failure names
    the part at fault; the shared strings are read by :func:`_read_shared_strings`
    and the style table is counted before openpyxl builds it. Document properties,
    the theme and defined names are not read: the report needs none of them.
    Raises :class:`WorkbookRefused`.
    """
    openpyxl = _import_openpyxl()
    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise RuntimeError("openpyxl is not protected by defusedxml; install defusedxml")
    import warnings

    from openpyxl.reader.excel import (  # type: ignore[attr-defined]
        ExcelReader,
        _find_workbook_part,
    )
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    # A read-only sheet parses its whole XML on opening when the file has no <dimension>
    # (files written by scripts), only to learn a size we never trust: skip that pass.
    original = ReadOnlyWorksheet._get_size  # type: ignore[attr-defined]
    ReadOnlyWorksheet._get_size = lambda self: None  # type: ignore[attr-defined]
    reader = ExcelReader(handle, read_only=True, keep_vba=False, data_only=True, keep_links=False)
    archive = reader.archive
    parts = ["[Content_Types].xml"]
    try:
        with warnings.catch_warnings():
            # openpyxl warns about data validation, conditional formats, unknown extensions.
            warnings.simplefilter("ignore")
            reader.read_manifest()
            strings = _shared_strings_part(reader)
            parts = [strings or "xl/sharedStrings.xml"]
            reader.shared_strings = (
                _read_shared_strings(archive, strings, limits) if strings else []
            )
            workbook_part = str(_find_workbook_part(reader.package).PartName[1:])
            folder, _, base = workbook_part.rpartition("/")
            parts = [
                workbook_part,
                f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels",
            ]
            _check_root_relationships(archive, workbook_part, limits)
            reader.read_workbook()
            parts = ["xl/styles.xml"]
            _check_styles(archive, limits)
            apply_stylesheet(archive, reader.wb)
            parts = sorted(  # sheets' relationships, chart sheets, their drawings …
                n for n in archive.namelist()
                if n.endswith((".rels", ".xml")) and "/worksheets/sheet" not in n
            )  # fmt: skip
            reader.read_worksheets()
    except WorkbookRefused:
        archive.close()
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        archive.close()
        raise _part_failure(handle, parts, exc, limits) from None
    finally:
        ReadOnlyWorksheet._get_size = original  # type: ignore[attr-defined]
    return reader.wb


def _part_failure(handle: Any, parts: list[str], exc: Exception, limits: Limits) -> WorkbookRefused:
    """What to say when openpyxl failed on one of ``parts``: which part, and why."""
    if (
        "entit" in str(exc).lower()
        or "dtd" in type(exc).__name__.lower()
        or "Entities" in type(exc).__name__
    ):
        return WorkbookRefused(
            "refused: the file's XML defines entities (a 'billion laughs' attack); "
            "no spreadsheet program writes that",
            "do not open this file; ask for a copy saved from Excel",
            "xml_bomb",
        )
    if isinstance(exc, MemoryError):
        return WorkbookRefused(
            f"ran out of memory reading the part {parts[0] if parts else 'of the workbook'}",
            _BOMB_HINT, "out_of_memory",
        )  # fmt: skip
    try:
        with zipfile.ZipFile(handle) as archive:
            found = _damaged_part(archive, parts, limits)
    except (zipfile.BadZipFile, OSError, ValueError):
        found = None
    if found:
        name, reason = found
        return WorkbookRefused(f"the file is damaged: its part {name} cannot be read: {reason}",
                        DAMAGED_HINT, "damaged_part")  # fmt: skip
    if isinstance(exc, (zipfile.BadZipFile, zlib.error)):
        return WorkbookRefused(f"the file is damaged: {zip_error_text(exc)}", DAMAGED_HINT,
                        "damaged_part")  # fmt: skip
    where = f" (in {' or '.join(parts[:3])})" if parts and len(parts) <= 3 else ""
    return WorkbookRefused(
        f"cannot be read as an Excel workbook{where} ({type(exc).__name__}: {exc})",
        "open it in Excel or LibreOffice and save it again as .xlsx",
        "unreadable",
    )
