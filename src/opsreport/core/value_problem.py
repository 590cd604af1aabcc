"""The one error every value parser raises: what a cell holds, and how to fix it.

Every parser of core/ is strict: it returns a value, ``None`` for a genuinely blank
cell, or raises :class:`ValueProblem`; the loader turns it into a diagnostic naming
the file, sheet and cell. It is not an :class:`~opsreport.errors.OpsreportError`: it
never leaves the loader.
"""

from __future__ import annotations

__all__ = ["ValueProblem"]


class ValueProblem(ValueError):
    """A cell value that cannot be read; carries a hint on how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
