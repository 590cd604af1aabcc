"""Reading a built Word document's body in tests: its XML, and the cells of the borderless
side-by-side rows (a chart beside its table or sentence) with their widths."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def document_body(docx: Path) -> Any:
    """word/document.xml of ``docx``, parsed."""
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read("word/document.xml"))


def side_by_side_cells(body: Any) -> Iterator[tuple[Any, int]]:
    """(cell, width in twips) of every table without a top border: the side-by-side rows."""
    for table in body.iter(f"{{{W}}}tbl"):
        top = table.find(f"{{{W}}}tblPr/{{{W}}}tblBorders/{{{W}}}top")
        if top is None or top.get(f"{{{W}}}val") != "nil":
            continue
        for cell in table.findall(f"{{{W}}}tr/{{{W}}}tc"):
            yield cell, int(cell.find(f"{{{W}}}tcPr/{{{W}}}tcW").get(f"{{{W}}}w"))
