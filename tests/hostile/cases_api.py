"""The error contract as a real process sees it (issue 12, Deliver 5).

Every refusal is an OpsreportError that the CLI's one handler prints as ``error: …``
with its kind's exit code: a usage mistake (not a quarter, a quarter of another year,
options that do not fit, an unusable --template folder) exits 2; paths without a
workbook, a workbook that cannot be used, an output in the way exit 1. No traceback,
the input untouched, nothing written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce-2026-zh.xlsx"


def _example(folder: Path) -> None:
    shutil.copyfile(EXAMPLE, folder / "year.xlsx")


def _empty_subfolder(folder: Path) -> None:
    (folder / "nothing-here").mkdir()
    (folder / "nothing-here" / "notes.txt").write_text("no workbook", encoding="utf-8")


def _example_and_a_file_named_like_a_folder(folder: Path) -> None:
    _example(folder)
    (folder / "templates").write_text("a file, not a folder", encoding="utf-8")


CASES = [
    Case(
        "plan-quarter-that-is-no-quarter",
        _example,
        ("plan", "year.xlsx", "--quarter", "Q5", "-f", "md", "--no-charts"),
        exit_code=2,
        says=("error: not a quarter: 'Q5' (use Q1–Q4 or e.g. 2027Q1)",),
    ),
    Case(
        "plan-quarter-of-another-year",
        _example,
        ("plan", "year.xlsx", "--quarter", "2031Q1", "-f", "md", "--no-charts"),
        exit_code=2,
        says=("error: 2031Q1: the workbook plans 2027, not 2031",),
    ),
    Case(
        "plan-without-a-quarter",
        _example,
        ("plan", "year.xlsx", "-f", "md"),
        exit_code=2,
        says=("error: give --quarter Q1…Q4 or --all-quarters",),
    ),
    Case(
        "plan-all-quarters-into-one-file",
        _example,
        ("plan", "year.xlsx", "--all-quarters", "-f", "md", "--no-charts", "-o", "plans.md"),
        exit_code=2,
        says=("error: with --all-quarters, -o must be a folder",),
    ),
    Case(
        "context-quarter-that-is-no-quarter",
        _example,
        ("context", "year.xlsx", "--quarter", "first"),
        exit_code=2,
        says=("error: not a quarter: 'first'",),
    ),
    Case(
        "build-template-folder-that-is-a-file",
        _example_and_a_file_named_like_a_folder,
        ("build", "year.xlsx", "-f", "md", "--template", "templates"),
        exit_code=2,
        says=("error: ", "templates"),
    ),
    Case(
        "check-of-a-folder-without-workbooks",
        _empty_subfolder,
        ("check", "nothing-here"),
        exit_code=1,
        says=("error: no .xlsx workbooks found in nothing-here",),
    ),
    Case(
        "build-of-a-folder-without-workbooks",
        _empty_subfolder,
        ("build", "nothing-here", "-o", "out"),
        exit_code=1,
        says=("error: no .xlsx workbooks found in nothing-here",),
    ),
    Case(
        "init-over-an-existing-file",
        _example,
        ("init", "year.xlsx"),
        exit_code=1,
        says=("error: year.xlsx: the file exists; use --force to replace it",),
    ),
]
