"""Finding the workbooks a command is given: files as named, folders searched.

``build``, ``plan`` and ``check`` take files and folders alike; this module lists the
workbooks they name, without importing anything a single build does not need.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["find_workbooks", "workbook_sources"]

_SUFFIXES = {".xlsx", ".xlsm"}


def workbook_sources(paths: Iterable[Path]) -> list[tuple[Path, Path | None]]:
    """Each workbook with the folder argument it was found in (None: named itself).

    Files as given; folders searched recursively for .xlsx/.xlsm (Excel's ``~$``
    lock files and hidden files skipped, links to folders not followed). A workbook
    named twice is listed once.
    """
    found: list[tuple[Path, Path | None]] = []
    seen: set[str] = set()
    for path in paths:
        path = Path(path)
        entries: list[tuple[Path, Path | None]]
        if path.is_dir():
            entries = [
                (candidate, path)
                for candidate in sorted(path.rglob("*"))
                if candidate.suffix.lower() in _SUFFIXES
                and candidate.is_file()
                and not candidate.name.startswith(("~$", "."))
            ]
        else:
            entries = [(path, None)]
        for candidate, root in entries:
            key = os.path.normcase(os.path.abspath(candidate))
            if key not in seen:
                seen.add(key)
                found.append((candidate, root))
    return found


def find_workbooks(paths: Iterable[Path]) -> Iterator[Path]:
    """The workbooks of :func:`workbook_sources`, without their folders."""
    for workbook, _ in workbook_sources(paths):
        yield workbook
