"""One row of a contract sheet read as typed fields, each parse problem a diagnostic on its cell.

The record readers ask a row for text, numbers and parsed values by field name; an
Excel error, a damaged cell or a value the parser refuses becomes an error naming
file › sheet › cell, and hidden characters removed from text a warning. KPI references
(by id or name) are resolved here too.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from opsreport.core.numbers import parse_number
from opsreport.core.records import Kpi, Location
from opsreport.core.text import bidi_controls, clean_text, match_key, normalize_text
from opsreport.core.units import parse_unit
from opsreport.core.value_problem import ValueProblem
from opsreport.io.collector import Collector
from opsreport.io.package import DAMAGED_HINT
from opsreport.io.sheet_xml import Cells, RawCell, Unreadable, column_letter
from opsreport.io.sheets import RawSheet

__all__ = [
    "KpiIndex",
    "RowReader",
    "row_readers",
]


class RowReader:
    """Reads the typed fields of one row, turning parse problems into diagnostics."""

    def __init__(self, sheet: RawSheet, number: int, cells: Cells, collector: Collector):
        self.sheet = sheet
        self.row_number = number
        self.cells = cells
        self.collector = collector
        self.refused: set[str] = set()  # fields whose cell was an error (already said)

    def cell(self, field: str) -> RawCell | None:
        index = self.sheet.columns.get(field)
        return None if index is None else self.cells.get(index)

    def location(self, field: str | None = None) -> Location:
        index = self.sheet.columns.get(field) if field else None
        column = column_letter(index) if index is not None else None
        return Location(self.collector.file, self.sheet.title, self.row_number, column)

    def _problem(self, field: str, problem: ValueProblem, cell: RawCell) -> None:
        self.refused.add(field)
        self.collector.error(
            f"{field}: {problem.message}",
            self.sheet.title,
            cell.row,
            cell.column,
            hint=problem.hint,
            code="bad_value",
        )

    def _raw(self, field: str) -> RawCell | None:
        cell = self.cell(field)
        if cell is not None and isinstance(cell.value, Unreadable):
            self.refused.add(field)
            self.collector.error(f"{field}: {cell.value}", self.sheet.title, cell.row, cell.column,
                                 hint=DAMAGED_HINT, code="damaged_cell")  # fmt: skip
            return None
        if cell is not None and cell.is_error:
            self.refused.add(field)
            self.collector.error(
                f"{field}: an Excel error value ({cell.value})",
                self.sheet.title,
                cell.row,
                cell.column,
                hint="fix the formula or type the figure; an error is never read as blank",
                code="excel_error",
            )
            return None
        return cell

    def text(self, field: str) -> str | None:
        cell = self._raw(field)
        if cell is None:
            return None
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime):
            value = value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        try:
            text = clean_text(value, multiline=field in _MULTILINE_FIELDS)
        except ValueProblem as problem:  # longer than a cell holds
            self._problem(field, problem, cell)
            return None
        if isinstance(value, str) and not value.isascii():
            self._hidden_characters(field, value, text, cell)
        return text or None

    def _hidden_characters(self, field: str, typed: str, text: str, cell: RawCell) -> None:
        """Warn about the direction controls and invisible characters clean_text removed.

        A right-to-left override (U+202E) shows ``GMV`` as ``VMG`` in a report or a
        terminal; a zero-width space makes two equal-looking names differ.
        """
        kept = set(text)
        removed = sorted({c for c in typed if c not in kept and unicodedata.category(c) == "Cf"})
        if not removed:
            return
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip() for c in removed[:3])
        more = f" and {len(removed) - 3} more" if len(removed) > 3 else ""
        if bidi_controls(typed):
            what = f"direction controls ({names}{more}) that make it display in another order than it reads"
        else:
            what = f"invisible characters ({names}{more})"
        self.collector.warn_once(
            "hidden_characters",
            f"{field}: the text holds {what}; they are removed",
            self.sheet.title,
            cell.row,
            cell.column,
            hint="retype the text (copying from a web page or a chat brings such characters along)",
        )

    def number(self, field: str, unit: str = "") -> Decimal | None:
        cell = self._raw(field)
        if cell is None:
            return None
        try:
            return parse_number(cell.value, number_format=cell.number_format, unit=parse_unit(unit))
        except ValueProblem as problem:
            self._problem(field, problem, cell)
            return None

    def is_percent(self, field: str) -> bool:
        from opsreport.core.numbers import is_percent_format

        cell = self.cell(field)
        if cell is None or cell.is_error:
            return False
        if isinstance(cell.value, str):
            return normalize_text(cell.value).endswith("%")
        return is_percent_format(cell.number_format)

    def parsed(self, field: str, parser: Any, **kwargs: Any) -> Any:
        cell = self._raw(field)
        if cell is None:
            return None
        try:
            return parser(cell.value, **kwargs)
        except ValueProblem as problem:
            self._problem(field, problem, cell)
            return None


# Descriptions that may keep their line breaks; every other text field is one line
# (names, owners, units …: a line break there becomes a space, see clean_text).
_MULTILINE_FIELDS = frozenset(
    {"note", "problem", "subjective", "objective", "impact", "action", "measure",
     "deliverable", "response", "result", "feedback"}
)  # fmt: skip


def row_readers(sheet: RawSheet, collector: Collector) -> Iterator[RowReader]:
    """A reader for each data row of ``sheet``: every record reader loops over these."""
    for number, cells in sheet.rows:
        yield RowReader(sheet, number, cells, collector)


class KpiIndex:
    """Resolves a KPI reference (id or name) to the KPI's key."""

    def __init__(self, kpis: list[Kpi]) -> None:
        self.by_id = {match_key(kpi.id): kpi for kpi in kpis if kpi.id}
        self.by_name: dict[str, list[Kpi]] = {}
        for kpi in kpis:
            self.by_name.setdefault(match_key(kpi.name), []).append(kpi)
        self.examples = ", ".join(f"{k.id or k.name}" for k in kpis[:3])

    def resolve(self, reader: RowReader, field: str = "kpi") -> Kpi | None:
        text = reader.text(field)
        if text is None:
            return None
        key = match_key(text)
        if key in self.by_id:
            return self.by_id[key]
        matches = self.by_name.get(key, [])
        cell = reader.cell(field)
        assert cell is not None
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            reader.collector.error(
                f"{field}: the name {text!r} fits {len(matches)} KPIs",
                reader.sheet.title,
                cell.row,
                cell.column,
                hint="refer to the KPI by its id",
                code="ambiguous_kpi",
            )
            return None
        reader.collector.error(
            f"{field}: unknown KPI {text!r}",
            reader.sheet.title,
            cell.row,
            cell.column,
            hint=(
                f"use an id or a name from the kpis sheet (e.g. {self.examples})"
                if self.examples
                else "the kpis sheet has no KPI that could be read: fix its errors first"
            ),
            code="unknown_kpi",
        )
        return None
