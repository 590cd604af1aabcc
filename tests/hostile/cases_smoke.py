"""The harness itself: a good workbook passes, a missing one is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

from . import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce-2026-zh.xlsx"


def _example(folder: Path) -> None:
    shutil.copyfile(EXAMPLE, folder / "good.xlsx")


CASES = [
    Case("good-workbook-checks", _example, ("check", "good.xlsx", "--no-charts"), exit_code=0,
         says=("1 passed, 0 failed",)),
    Case("missing-workbook", lambda folder: None, ("metrics", "nothing.xlsx"), exit_code=1,
         says=("nothing.xlsx",)),
]  # fmt: skip
