"""The one error contract: everything opsreport refuses is an :class:`OpsreportError`.

A program catches ``OpsreportError`` (or one kind below it) and reads the message; the
CLI maps each kind to its exit code (``exit_code``) in one place. Nothing here imports
more than the records, so every layer can raise these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsreport.core.records import Diagnostic

__all__ = [
    "FigureError",
    "OpsreportError",
    "OutputError",
    "TemplateProblem",
    "UsageError",
    "WorkbookError",
]


class OpsreportError(Exception):
    """Something the user can fix: a workbook, a template, an output path, an option.

    Raised as itself only where no kind below fits (paths that hold no workbook at all);
    ``str(error)`` is the whole message, ready to print after ``error:``.
    """

    exit_code = 1


class WorkbookError(OpsreportError):
    """The workbook cannot be used; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__("\n".join(str(d) for d in errors) or "invalid workbook")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def __reduce__(self) -> tuple[type[WorkbookError], tuple[list[Diagnostic]]]:
        # Sent back from a worker process whole: the default pickles only the message.
        return (type(self), (self.diagnostics,))


class FigureError(WorkbookError, ValueError):
    """A figure the engine, the context or a chart cannot use, naming its KPI and row.

    A :class:`WorkbookError` (each problem a diagnostic with the code ``figure`` and the
    record's location), so every caller that reports a workbook's problems reports these
    too; a ValueError for callers that catch that.
    """


class TemplateProblem(OpsreportError):
    """A template cannot be rendered; the message names the file, place and tag.

    ``template`` and ``line`` say the same for a program (``opsreport check
    --format github`` marks that file and line); ``line`` is None for a Word
    template, whose message quotes the paragraph instead.
    """

    def __init__(
        self, message: str, *, template: str | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.template = template
        self.line = line


class OutputError(OpsreportError):
    """An output could not be written; the message says what to do."""


class UsageError(OpsreportError, ValueError):
    """An option or argument that cannot be used (an unknown format, language or table,
    not a quarter, options that do not fit together): the CLI exits 2, as for a usage
    mistake. A ValueError too, which these were before the contract existed."""

    exit_code = 2
