"""The diagnostics of one file, gathered while it is read, each naming file › sheet › cell.

Every reader of the loader adds to one collector, so a file's problems are all reported
at once; a warning about one cell is said once however often the cell is read.
"""

from __future__ import annotations

from typing import Any

from opsreport.core.records import Diagnostic, Location

__all__ = [
    "Collector",
]


class Collector:
    """The one list of a file's diagnostics that every step of the loader adds to."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Diagnostic] = []
        self.warned: set[tuple[str, str | None, int | None, str | None]] = set()

    def add(self, severity: str, message: str, sheet: str | None = None, row: int | None = None,
            column: str | None = None, hint: str = "", code: str = "") -> None:  # fmt: skip
        self.items.append(
            Diagnostic(severity, message, Location(self.file, sheet, row, column), hint, code)
        )

    def error(self, *args: Any, **kwargs: Any) -> None:
        self.add("error", *args, **kwargs)

    def warning(self, *args: Any, **kwargs: Any) -> None:
        self.add("warning", *args, **kwargs)

    def warn_once(self, code: str, message: str, sheet: str, row: int, column: str,
                  hint: str = "") -> None:  # fmt: skip
        """A warning about one cell, said once however often the cell is read."""
        key = (code, sheet, row, column)
        if key not in self.warned:
            self.warned.add(key)
            self.warning(message, sheet, row, column, hint=hint, code=code)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)
