"""A large Word body rendered as a stream: in bounded memory, whatever its length.

docxtpl renders the document body to one string, parses it into an lxml tree (twice:
our strict check and its own table repair), serializes it and parses it again into
python-docx's document, then serializes it once more to save: about 24 bytes of
memory for each character of XML. A 50,000-KPI plan is 250 million characters of
XML: 6 GB. So once a body's rendered text passes :data:`STREAM_ABOVE` characters,
it is handled piece by piece instead, with the same results:

1. **While the template renders** (``Template.generate``), each piece ending after a
   ``</w:p>`` gets docxtpl's post-processing and the chart pictures, is checked by
   an incremental strict parser whose elements are dropped once seen (not valid
   XML, rich text inside a text run, plain text outside any run: the messages of
   the tree path), and is written to a temporary file. The parser's events record
   what the tree repairs need: each table's cell counts and column grid (docxtpl's
   ``fix_tables``), its row count and the paragraph above it (short tables kept on
   one page), the drawings (``docPr`` ids numbered in order).
2. **When the document is saved**, python-docx writes the package around an empty
   body, and the body is copied from the temporary file into ``word/document.xml``
   with those repairs applied to the text (a replaced column grid, ``keepNext`` in
   the paragraphs that get it, renumbered ``docPr`` ids).

Smaller bodies keep the tree path. If a stream's text cannot be matched to its
elements (another prefix than ``w:``/``wp:`` for their namespaces, markup inside
comments), the tree path is taken from the temporary file, as before.
"""

from __future__ import annotations

import codecs
import functools
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from opsreport.render.page_fit import drawing_height_cm, keeps_with_table

__all__ = ["STREAM_ABOVE", "StreamedBody", "render_body", "save_streamed"]

#: Rendered body text (characters) beyond which a Word body is streamed.
STREAM_ABOVE = 4_000_000
# Characters gathered before a piece is cut (after its last "</w:p>") and handled.
_PIECE = 1_000_000
# A table with at most this many rows is kept on one page (render/docx.py).
_SHORT_TABLE_ROWS = 12

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_P, _T, _TBL, _TR, _TC = (f"{_W}{n}" for n in ("p", "t", "tbl", "tr", "tc"))
_TBLGRID, _GRIDCOL, _TCPR, _GRIDSPAN, _DRAWING = (
    f"{_W}{n}" for n in ("tblGrid", "gridCol", "tcPr", "gridSpan", "drawing")
)
_DOCPR = f"{_WP}docPr"
_XML_SPACE = " \t\r\n"
_LISTING = re.compile("[\t\a\n\f]")
# What the text repairs look for, in the rendered text (prefixes checked against the parser).
_COUNTED = tuple(
    re.compile(p) for p in (r"<w:p(?=[\s>/])", r"<w:tblGrid(?=[\s>/])", r"<wp:docPr(?=[\s>/])")
)
_MARK = re.compile(r"<w:p(?=[\s>/])[^>]*?(/?)>|<w:tblGrid(?=[\s>/])|<wp:docPr(?=[\s>/])[^>]*>")
_GRID_END = re.compile(r"<w:tblGrid(?=[\s>/])[^>]*?/>|<w:tblGrid(?=[\s>/]).*?</w:tblGrid>", re.S)
_PPR = re.compile(r"\s*<w:pPr(?=[\s>/])[^>]*?(/?)>")
_PSTYLE = re.compile(r"\s*<w:pStyle(?=[\s>/])[^>]*?(?:/>|>.*?</w:pStyle>)", re.S)
_ID = re.compile(r"(\sid\s*=\s*)([\"'])[^\"']*\2")
_XMLNS = re.compile(r"\s+xmlns(?::[\w.-]+)?=(\"[^\"]*\"|'[^']*')")


@dataclass
class _Table:
    """What the repairs need of one table, gathered while it streams past."""

    index: int
    element: Any = None  # the table element while it streams past
    grid: Any = None  # its w:tblGrid element (a copy)
    max_cells: int = 0  # most w:tc in one of its rows (docxtpl counts nested rows too)
    max_span: int = 0  # most grid columns (gridSpan counted) in one of its rows
    rows: int = 0  # its own rows
    row_paragraphs: list[list[int]] | None = field(default_factory=list)  # while short
    drawing_above: int | None = None  # the paragraph right above it, if it holds a chart
    drawing_cm: float = 0.0  # how tall that chart stands (render/page_fit)


@dataclass
class StreamedBody:
    """A rendered body in a temporary file, with the repairs to apply when saving."""

    file: IO[bytes]
    size: int  # bytes
    keep_next: set[int]  # paragraphs (by order) that get keepNext
    grids: dict[int, str]  # tables (by order) whose column grid is replaced
    drawings: int = 0  # docPr elements, numbered from first_id
    first_id: int = 1001


class _NotStreamable(Exception):
    """The text does not match its elements as the text repairs assume."""


def render_body(
    tpl: Any, src_xml: str, part: Any, context: Any, env: Any, stream_above: int | None = None
) -> str | StreamedBody:
    """The document body (``src_xml``: the template's XML as typed) rendered like docxtpl's
    ``build_xml`` (plus the chart pictures): its text when short, else a :class:`StreamedBody`."""
    from opsreport.render.budget import refuse_output
    from opsreport.render.docx import paragraph_texts, written_paragraphs

    above = STREAM_ABOVE if stream_above is None else stream_above
    try:
        tpl.current_rendering_part = part
        output = _body_template(env, src_xml).generate(context)
        gathered: list[str] = []
        total = 0
        for chunk in output:
            gathered.append(chunk)
            total += len(chunk)
            refuse_output(total, output)
            if total > above:
                return _stream(tpl, part, gathered, total, output)
        return _finish(tpl, "".join(gathered), part)
    except BaseException as exc:  # for the message: the paragraph the failing tag is in
        if not hasattr(exc, "opsreport_paragraphs"):
            from opsreport.render.docx_patch import patch_xml

            patched = patch_xml(src_xml)  # the text the line numbers count in
            exc.opsreport_paragraphs = paragraph_texts(patched)  # type: ignore[attr-defined]
            exc.opsreport_written = written_paragraphs(part)  # type: ignore[attr-defined]
        raise


def _body_lines(src_xml: str) -> str:
    """The text Jinja compiles for a body: docxtpl's rewriting of the template's XML
    (render/docx_patch), a line per paragraph, as docxtpl splits it."""
    from opsreport.render.docx_patch import patch_xml

    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patch_xml(src_xml))


@functools.cache
def _body_lines_digest() -> str:
    """What :func:`_body_lines` computes from: docxtpl's patch code and this package's
    (each imported first: a module not yet imported would count for nothing, and a
    changed render/docx_patch would be served the bodies its old code patched)."""
    import importlib

    import docxtpl

    from opsreport.render.compiled import modules_digest

    names = ("docxtpl.template", "opsreport.render.docx_patch", __name__)
    for name in names:
        importlib.import_module(name)
    return f"docxtpl {docxtpl.__version__} {modules_digest(names).hex()}"


@functools.lru_cache(maxsize=32)
def _body_template(env: Any, src_xml: str) -> Any:
    """The compiled body of a template's XML as typed (``src_xml``), kept in this process
    (``check`` renders the same templates for every workbook) and between runs with the
    rewriting done (render/compiled): ~50 ms of a Word build."""
    from opsreport.render.compiled import compile_string

    return compile_string(env, src_xml, _body_lines, _body_lines_digest())


def _finish(tpl: Any, xml: str, part: Any) -> str:
    """docxtpl 0.20's post-processing of a rendered part, then the chart pictures."""
    from opsreport.render.docx import place_charts

    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _LISTING.search(xml):  # resolve_listing only rewrites these characters, in w:t text
        xml = tpl.resolve_listing(xml)
    return place_charts(xml, part, tpl.pictures)


def _stream(
    tpl: Any, part: Any, gathered: list[str], total: int, output: Iterator[str]
) -> str | StreamedBody:
    """The rest of the render, piece by piece, into a temporary file (module docstring)."""
    from opsreport.render.budget import refuse_output

    checker: _Checker | None = _Checker()
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed when saved, or on failure)
    size = 0

    def handle(text: str) -> None:
        nonlocal size, checker
        piece = _finish(tpl, text, part)
        if checker is not None:
            try:
                checker.feed(piece)
            except _NotStreamable:
                checker = None  # the tree path will check it, from the file
        data = piece.encode("utf-8")
        spool.write(data)
        size += len(data)

    try:
        gathered_size, cut_at = total, _PIECE
        for chunk in output:
            total += len(chunk)
            refuse_output(total, output)
            gathered.append(chunk)
            gathered_size += len(chunk)
            if gathered_size < cut_at:
                continue
            pending = "".join(gathered)
            cut = pending.rfind("</w:p>") + len("</w:p>")
            if cut >= len("</w:p>"):
                handle(pending[:cut])
                pending = pending[cut:]
            gathered, gathered_size = [pending], len(pending)
            cut_at = max(_PIECE, 2 * gathered_size)  # a huge paragraph: joined less often
        handle("".join(gathered))
        tables = checker.close() if checker is not None else None
    except _NotStreamable:
        tables = None
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    if tables is None:  # the tree path, from the text on disk
        with spool:
            return spool.read().decode("utf-8")
    assert checker is not None
    body = StreamedBody(spool, size, checker.keep_next, {}, checker.drawings)
    for table in tables:
        grid = _fixed_grid(table)
        if grid is not None:
            body.grids[table.index] = grid
    return body


class _Checker:
    """The incremental strict parse of a streamed body: the tree path's checks, and
    what its repairs need. Handled elements are dropped, so memory stays small: the
    body keeps its current child (and the one before it), a table its current row."""

    def __init__(self) -> None:
        from lxml import etree

        # Events for the elements the checks and repairs look at; lxml builds the rest.
        self._parser = etree.XMLPullParser(
            events=("start", "end"), tag=[_P, _T, _TBL, _TR, _TBLGRID, _DOCPR]
        )
        self._open_tables: list[_Table] = []
        self._done_tables: list[_Table] = []
        self._last_paragraph: tuple[Any, int] = (None, -1)  # the paragraph that ended last
        self.paragraphs = 0
        self.drawings = 0
        self._grids = 0
        self.keep_next: set[int] = set()
        self._marks = [0, 0, 0]  # "<w:p", "<w:tblGrid", "<wp:docPr" seen in the text

    def feed(self, text: str) -> None:
        from lxml import etree

        for number, pattern in enumerate(_COUNTED):
            self._marks[number] += len(pattern.findall(text))
        try:
            self._parser.feed(text)
        except etree.XMLSyntaxError as exc:
            raise _invalid(exc) from None
        self._handle()

    def close(self) -> list[_Table]:
        from lxml import etree

        try:
            self._parser.close()
        except etree.XMLSyntaxError as exc:
            raise _invalid(exc) from None
        self._handle()
        if self._marks != [self.paragraphs, self._grids, self.drawings]:
            raise _NotStreamable(f"marks {self._marks} in the text do not match the elements")
        return self._done_tables

    def _handle(self) -> None:
        for event, element in self._parser.read_events():
            if event == "start":
                self._start(element)
            else:
                self._end(element)

    def _table_of(self, element: Any) -> _Table | None:
        """The open table ``element`` (a row) belongs to directly, if any."""
        table = self._open_tables[-1] if self._open_tables else None
        return table if table is not None and element.getparent() is table.element else None

    def _start(self, element: Any) -> None:
        tag = element.tag
        if tag == _P:
            if element.prefix != "w":
                raise _NotStreamable("a paragraph prefix other than w:")
            cell = element.getparent()
            row = cell.getparent() if cell is not None and cell.tag == _TC else None
            table = self._table_of(row) if row is not None and row.tag == _TR else None
            if table is not None and table.row_paragraphs is not None:
                table.row_paragraphs[-1].append(self.paragraphs)
            self.paragraphs += 1
        elif tag == _TBL:
            table = _Table(len(self._done_tables) + len(self._open_tables), element)
            above, index = self._last_paragraph
            if (
                above is not None
                and element.getprevious() is above
                and above.find(f".//{_DRAWING}") is not None
            ):
                table.drawing_above = index
                table.drawing_cm = drawing_height_cm(above)
            self._open_tables.append(table)
        elif tag == _TR:
            table = self._table_of(element)
            if table is not None:
                table.rows += 1
                if table.row_paragraphs is not None:
                    if table.rows > _SHORT_TABLE_ROWS:
                        table.row_paragraphs = None  # a long table: no keepNext
                    else:
                        table.row_paragraphs.append([])
        elif tag == _DOCPR:
            if element.prefix != "wp":
                raise _NotStreamable("a drawing prefix other than wp:")
            self.drawings += 1

    def _end(self, element: Any) -> None:
        tag = element.tag
        if tag == _T:
            if len(element):
                from opsreport.errors import TemplateProblem
                from opsreport.render.docx import RICH_HINT

                text = "".join(element.itertext())[:80]
                raise TemplateProblem(f"rich text «{text}» printed inside a text run: {RICH_HINT}")
        elif tag == _P:
            self._check_loose_text(element)
            self._last_paragraph = (element, self._paragraph_index(element))
            _drop_before(element)
        elif tag == _TBLGRID:
            table = self._table_of(element)
            if table is not None:
                if element.prefix != "w":
                    raise _NotStreamable("a grid prefix other than w:")
                from copy import deepcopy

                table.grid = deepcopy(element)
                self._grids += 1
        elif tag == _TR:
            cells = element.findall(_TC)
            span = sum(_span(cell) for cell in cells)
            for table in self._open_tables:  # docxtpl's t.iter("tr"): nested rows count too
                table.max_cells = max(table.max_cells, len(cells))
                table.max_span = max(table.max_span, span)
            element.clear(keep_tail=True)  # its text is on disk; the table keeps a shell
            _drop_before(element, within=True)
        elif tag == _TBL:
            table = self._open_tables.pop()
            table.element = None
            if table.row_paragraphs is not None and table.rows <= _SHORT_TABLE_ROWS:
                for row in table.row_paragraphs[:-1]:
                    self.keep_next.update(row)
                if table.drawing_above is not None and keeps_with_table(
                    table.drawing_cm, table.rows
                ):
                    self.keep_next.add(table.drawing_above)
            table.row_paragraphs = None
            self._done_tables.append(table)
            _drop_before(element)

    def _paragraph_index(self, paragraph: Any) -> int:
        """The order of a paragraph that just ended: the last started, less the
        paragraphs inside it (a text box's)."""
        return self.paragraphs - 1 - sum(1 for _ in paragraph.iterdescendants(_P))

    @staticmethod
    def _check_loose_text(paragraph: Any) -> None:
        from opsreport.errors import TemplateProblem

        for loose in (paragraph.text, *(child.tail for child in paragraph)):
            if loose and loose.strip(_XML_SPACE):
                raise TemplateProblem(
                    f"«{loose.strip()[:80]}» was printed by a {{{{r … }}}} tag, which is only "
                    "for the good/status/alert/smart/color filters: write it {{ … }} without the r"
                )


def _drop_before(element: Any, *, within: bool = False) -> None:
    """Forget what came before ``element`` (its text is on disk): its earlier siblings
    when it is a row (``within``) or a child of the body, else nothing (a cell's
    paragraphs stay until their row ends: the cell's properties come before them)."""
    parent = element.getparent()
    if parent is None or (not within and parent.getparent() is not None):
        return
    while element.getprevious() is not None:
        del parent[0]


def _span(cell: Any) -> int:
    properties = cell.find(_TCPR)
    span = properties.find(_GRIDSPAN) if properties is not None else None
    return int(span.get(f"{_W}val")) if span is not None else 1


def _invalid(exc: Any) -> Exception:
    from opsreport.errors import TemplateProblem
    from opsreport.render.docx import RICH_HINT

    return TemplateProblem(f"the rendered document is not valid Word XML ({exc.msg}): {RICH_HINT}")


def _fixed_grid(table: _Table) -> str | None:
    """docxtpl 0.20's ``fix_tables`` for one table, from its grid and cell counts:
    the new ``w:tblGrid`` text, or None when it stays as it is."""
    from lxml import etree

    if table.grid is None:
        from opsreport.errors import TemplateProblem

        raise TemplateProblem("a table of the rendered document has no column grid (w:tblGrid)")
    grid = table.grid
    before = etree.tostring(grid)
    columns = grid.findall(_GRIDCOL)
    to_add = max(0, table.max_cells - len(columns))
    if to_add > 0:
        width = sum(float(c.get(f"{_W}w")) for c in columns if c.get(f"{_W}w") is not None)
        if width > 0:
            old_average, new_average = width / len(columns), width / (len(columns) + to_add)
            for column in columns:
                column.set(
                    f"{_W}w", str(int(float(column.get(f"{_W}w")) * new_average / old_average))
                )
            for _ in range(to_add):
                etree.SubElement(grid, _GRIDCOL, {f"{_W}w": str(int(new_average))})
    columns = grid.findall(_GRIDCOL)
    to_remove = len(columns) - table.max_span
    if to_remove > 0:
        removed = 0.0
        for column in columns[-to_remove:]:
            removed += float(column.get(f"{_W}w"))
            grid.remove(column)
        left = grid.findall(_GRIDCOL)
        extra = int(removed / len(left)) if left else 0
        for column in left:
            column.set(f"{_W}w", str(int(float(column.get(f"{_W}w")) + extra)))
    after = etree.tostring(grid)
    if after == before:
        return None
    text = str(etree.tostring(grid, encoding="unicode"))
    start = text.index(">")  # the namespace declarations lxml adds are the body's already
    return _XMLNS.sub("", text[:start]) + text[start:]


# --------------------------------------------------------------------------- saving


def save_streamed(package: bytes, body: StreamedBody, partname: str, target: Any) -> None:
    """The saved ``package`` (its body empty) with the streamed body in ``partname``."""
    name = partname.lstrip("/")
    with zipfile.ZipFile(_bytes_io(package)) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != name:
                out.writestr(info, data, compress_type=info.compress_type)
                continue
            head, tail = _around_body(data.decode("utf-8"))
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with out.open(entry, "w", force_zip64=body.size > 2**30) as stream:
                stream.write(head.encode("utf-8"))
                _write_repaired(body, stream.write)
                stream.write(tail.encode("utf-8"))
    body.file.close()


def _bytes_io(data: bytes) -> Any:
    from io import BytesIO

    return BytesIO(data)


def _around_body(document: str) -> tuple[str, str]:
    match = re.search(r"<w:body(?=[\s>/])[^>]*?/>|<w:body(?=[\s>/]).*?</w:body>", document, re.S)
    if match is None:
        raise ValueError("the saved document has no w:body")
    return document[: match.start()], document[match.end() :]


def _write_repaired(body: StreamedBody, write: Callable[[bytes], Any]) -> None:
    """Copy the body from its file, applying the repairs; pieces end after a ``</w:p>``,
    so no tag and no paragraph start with its properties is ever cut."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    state = _RepairState(body)
    pending = ""
    while True:
        data = body.file.read(_PIECE)
        pending += decoder.decode(data, final=not data)
        if data:
            cut = pending.rfind("</w:p>") + len("</w:p>")
            if cut < len("</w:p>"):
                continue
            piece, pending = pending[:cut], pending[cut:]
        else:
            piece, pending = pending, ""
        write(state.repair(piece).encode("utf-8"))
        if not data:
            return


class _RepairState:
    """Counts paragraphs, grids and drawings across pieces, in document order."""

    def __init__(self, body: StreamedBody) -> None:
        self.body = body
        self.paragraph = 0
        self.table = 0
        self.next_id = body.first_id

    def repair(self, text: str) -> str:
        out: list[str] = []
        position = 0
        for match in _MARK.finditer(text):
            if match.start() < position:
                continue  # inside a replaced grid
            out.append(text[position : match.start()])
            tag = match.group(0)
            position = match.end()
            if tag.startswith("<wp:docPr"):
                out.append(
                    _ID.sub(lambda m: f"{m.group(1)}{m.group(2)}{self._id()}{m.group(2)}", tag, 1)
                )
            elif tag.startswith("<w:tblGrid"):
                grid = self.body.grids.get(self.table)
                self.table += 1
                if grid is None:
                    out.append(tag)
                else:
                    whole = _GRID_END.match(text, match.start())
                    if whole is None:
                        raise ValueError("a column grid cut in two")
                    out.append(grid)
                    position = whole.end()
            else:
                index = self.paragraph
                self.paragraph += 1
                if index not in self.body.keep_next:
                    out.append(tag)
                elif match.group(1):  # <w:p/>
                    out.append(tag[:-2].rstrip() + "><w:pPr><w:keepNext/></w:pPr></w:p>")
                else:
                    out.append(tag)
                    position = self._keep_next(text, position, out)
        out.append(text[position:])
        return "".join(out)

    def _id(self) -> int:
        number = self.next_id
        self.next_id += 1
        return number

    @staticmethod
    def _keep_next(text: str, position: int, out: list[str]) -> int:
        """After a paragraph's start tag: its properties with w:keepNext (python-docx's
        get_or_add_pPr().get_or_add_keepNext(): first in pPr, after a pStyle)."""
        properties = _PPR.match(text, position)
        if properties is None:
            out.append("<w:pPr><w:keepNext/></w:pPr>")
            return position
        if properties.group(1):  # <w:pPr/>
            out.append(properties.group(0)[:-2].rstrip() + "><w:keepNext/></w:pPr>")
            return properties.end()
        end = text.index("</w:pPr>", properties.end())
        inside = text[properties.end() : end]
        out.append(properties.group(0))
        if re.search(r"<w:keepNext(?=[\s>/])", inside):
            return properties.end()
        style = _PSTYLE.match(text, properties.end())
        if style is not None and style.end() <= end:
            out.append(style.group(0))
            out.append("<w:keepNext/>")
            return style.end()
        out.append("<w:keepNext/>")
        return properties.end()
