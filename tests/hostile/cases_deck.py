"""``build --format pptx``: hostile deck templates (issue 16, Deliver 4).

A ``--template`` folder whose ``deck.pptx`` is not a zip, a zip of garbage, a Word file
renamed, a presentation missing a layout the deck needs, or a link out of the folder; and a
plan asked for a deck. The promise: a message naming the template (and the missing layout),
exit 1 (2 for a link out of the folder, refused with the folder before any work, and for the plan's usage error), no traceback, nothing written, the inputs intact.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from . import Case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "support-2026-en.xlsx"
BUNDLED = ROOT / "src" / "opsreport" / "templates" / "en" / "deck.pptx"
BUILD = ("build", "year.xlsx", "-f", "pptx", "--template", "t", "-o", "out/")


def _folder(folder: Path) -> Path:
    shutil.copy(EXAMPLE, folder / "year.xlsx")
    (folder / "t").mkdir()
    return folder / "t"


def _write(data: bytes):
    def make(folder: Path) -> None:
        (_folder(folder) / "deck.pptx").write_bytes(data)

    return make


def _zip_of_garbage() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        package.writestr("[Content_Types].xml", "<not xml")
    return stream.getvalue()


def _without_layout(folder: Path) -> None:
    from pptx import Presentation

    prs = Presentation(str(BUNDLED))
    prs.slide_layouts.get_by_name("opsreport Content").name = "Content (mine)"
    prs.save(str(_folder(folder) / "deck.pptx"))


def _word_renamed(folder: Path) -> None:
    shutil.copy(ROOT / "src" / "opsreport" / "templates" / "en" / "report.docx",
                _folder(folder) / "deck.pptx")  # fmt: skip


def _link_out(folder: Path) -> None:
    shutil.copy(BUNDLED, folder.parent / "outside" / "deck.pptx")
    (_folder(folder) / "deck.pptx").symlink_to(folder.parent / "outside" / "deck.pptx")


def _four_by_three(folder: Path) -> None:
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation(str(BUNDLED))
    prs.slide_width = Emu(9144000)
    prs.save(str(_folder(folder) / "deck.pptx"))


H1_EXAMPLE = ROOT / "examples" / "ecommerce-2026H1-zh.xlsx"


def _year_in_progress_extremes(folder: Path) -> None:
    """The year in progress with a year to date of 9 × 10^14 亿元 (a big number far wider than
    its column) and a task running to 31 December 9999 (a timeline of eight millennia)."""
    import datetime as dt

    import openpyxl

    book = openpyxl.load_workbook(H1_EXAMPLE)
    periods = book["分期"]
    periods.cell(row=2, column=3).value = 9 * 10**14  # 直接利润 2026Q1, below the 10^15 bound
    tasks = book["任务"]
    tasks.cell(row=2, column=4).value = dt.date(9999, 12, 31)
    book.save(folder / "year.xlsx")


def _deck_fits(folder: Path, output: str) -> None:
    """The deck was written, its big numbers cut to their columns, its dates on the axis."""
    from pptx import Presentation

    slides = Presentation(str(folder / "out" / "year.pptx")).slides
    texts = [shape.text_frame.text for shape in slides[2].shapes if shape.has_text_frame]
    assert "900,000,000,…" in texts, texts  # 9 × 10^14 cut
    assert "年初至今" in texts, texts


def _no_output(folder: Path, output: str) -> None:
    assert not (folder / "out").exists(), "a refused deck wrote something"


CASES = [
    Case("not_a_zip", _write(b"this is no presentation"), BUILD, 1,
         ("deck.pptx: not a PowerPoint file",), verify=_no_output),
    Case("zip_of_garbage", _write(_zip_of_garbage()), BUILD, 1,
         ("deck.pptx: the file is damaged or not a PowerPoint presentation",), verify=_no_output),
    Case("missing_layout", _without_layout, BUILD, 1,
         ("deck.pptx: no slide layout named 'opsreport Content'", "'Content (mine)'"),
         verify=_no_output),
    Case("four_by_three_slides", _four_by_three, BUILD, 1,
         ("deck.pptx: the slides are 25.40 × 19.05 cm",), verify=_no_output),
    Case("word_file_renamed", _word_renamed, BUILD, 1,
         ("deck.pptx: the file is damaged or not a PowerPoint presentation",), verify=_no_output),
    Case("link_out_of_the_folder", _link_out, BUILD, 2,
         ("leads outside the template folder",), verify=_no_output),
    Case("year_in_progress_extremes", _year_in_progress_extremes,
         ("build", "year.xlsx", "-f", "pptx", "-o", "out/"), 0, ("wrote",),
         changed=("out/year.pptx",), verify=_deck_fits),
    Case("plan_has_no_deck", lambda f: shutil.copy(EXAMPLE, f / "year.xlsx"),
         ("plan", "year.xlsx", "--quarter", "Q1", "-f", "pptx"), 2,
         ("--format pptx is the year-end deck of `opsreport build`",)),
]  # fmt: skip
