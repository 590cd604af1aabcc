"""Attacks on issue 15's page layout: the ``chart_width`` filter in an edited copy of the
bundled report template, and the side-by-side rows of both examples without charts and
with pictures (no empty cell, no picture wider than its cell, no traceback)."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.docx_cells import WP, W, document_body, side_by_side_cells

from . import Case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {"zh": ROOT / "examples" / "ecommerce-2026-zh.xlsx",
            "en": ROOT / "examples" / "support-2026-en.xlsx"}  # fmt: skip
TEMPLATE = ROOT / "src" / "opsreport" / "templates" / "zh" / "report.docx"
# the attainment chart's tag in the bundled template, whatever width it is given
PAIRED = re.compile(r'\{\{ images\["attainment"\] \| chart_width\([0-9.]+\) \}\}')
BUILD = ("build", "good.xlsx", "--template", "tpl", "--format", "docx")


def _edited(tag: str) -> Callable[[Path], None]:
    """The zh example and the bundled zh report template with the attainment chart's tag
    replaced by ``tag`` (as a user edits an exported template)."""

    def make(folder: Path) -> None:
        shutil.copyfile(EXAMPLES["zh"], folder / "good.xlsx")
        (folder / "tpl").mkdir()
        with zipfile.ZipFile(TEMPLATE) as source:
            parts = {i.filename: source.read(i.filename) for i in source.infolist()}
        body = parts["word/document.xml"].decode("utf-8")
        body, found = PAIRED.subn(lambda _: tag, body)
        assert found == 1, "the bundled template's attainment tag moved"
        parts["word/document.xml"] = body.encode("utf-8")
        with zipfile.ZipFile(folder / "tpl" / "report.docx", "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts.items():
                target.writestr(name, data)

    return make


def _example(lang: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        shutil.copyfile(EXAMPLES[lang], folder / "good.xlsx")

    return make


def _first_chart_cm(expected: float) -> Callable[[Path, str], None]:
    def verify(folder: Path, output: str) -> None:
        first = next(document_body(folder / "good.docx").iter(f"{{{WP}}}extent"))
        assert int(first.get("cx")) == round(expected * 360000), first.get("cx")

    return verify


def _rows_degrade_cleanly(folder: Path, output: str) -> None:
    """Every cell of a borderless side-by-side row holds text, a drawing or a table, and
    no drawing is wider than its cell (twips × 635 = EMU)."""
    for cell, width in side_by_side_cells(document_body(folder / "good.docx")):
        drawings = [int(e.get("cx")) for e in cell.iter(f"{{{WP}}}extent")]
        filled = "".join(cell.itertext()).strip() or drawings
        assert filled or cell.find(f"{{{W}}}tbl") is not None, "an empty cell"
        assert all(cx <= width * 635 for cx in drawings), (drawings, width)


CASES = [
    # a width beyond a float (OverflowError before): held to the 16.6 cm text width
    Case("chart-width-beyond-a-float", _edited('{{ images["attainment"] | chart_width(10**400) }}'),
         BUILD, exit_code=0, changed=("good.docx",), seconds=120, verify=_first_chart_cm(16.6)),
    Case("chart-width-negative", _edited('{{ images["attainment"] | chart_width(-3) }}'),
         BUILD, exit_code=0, changed=("good.docx",), seconds=120, verify=_first_chart_cm(4.0)),
    Case("chart-width-twice", _edited('{{ images["attainment"] | chart_width(8) | chart_width(12) }}'),
         BUILD, exit_code=0, changed=("good.docx",), seconds=120, verify=_first_chart_cm(12.0)),
    # true is no width (float(True) is 1.0: it was a 4 cm chart)
    Case("chart-width-true", _edited('{{ images["attainment"] | chart_width(true) }}'),
         BUILD, says=("tpl/report.docx, paragraph", "chart_width takes a width in centimetres",
                      "not True"), seconds=120),
    Case("chart-width-long-text", _edited('{{ images["attainment"] | chart_width("w" * 100000) }}'),
         BUILD, says=("tpl/report.docx, paragraph", "chart_width takes a width in centimetres",
                      "wwww…"), seconds=120),
    Case("chart-width-unknown-chart", _edited('{{ images["nope"] | chart_width(8) }}'),
         BUILD, says=("tpl/report.docx, paragraph", "unknown name «nope»"), seconds=120),
    # a chart in a {{r }} tag: refused as broken Word XML, no traceback
    Case("chart-width-in-r-tag", _edited('{{r images["attainment"] | chart_width(8) }}'),
         BUILD, says=("tpl/report.docx", "not valid Word XML"), seconds=120),
] + [
    Case(f"side-by-side-{lang}-{charts}", _example(lang),
         ("build", "good.xlsx", "--format", "docx", "--charts", charts), exit_code=0,
         changed=("good.docx",), seconds=180, verify=_rows_degrade_cleanly)
    for lang in ("zh", "en") for charts in ("none", "image", "native")
]  # fmt: skip
