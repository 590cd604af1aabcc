"""The kpis sheet's ``drivers`` column (驱动指标): KPI references resolved, cycles refused.

A driver list is read as each KPI row is, but can only be resolved once every KPI is
known: :func:`read_driver_cell` keeps the cell's references, :func:`resolve_drivers`
turns them into KPI keys afterwards. Unknown and ambiguous references, a KPI naming
itself and cycles (A ← B ← A) are errors on the cell; a KPI named twice is a warning.
The search for cycles is iterative, so a chain of any length costs one pass and no
recursion; a list is bounded by what a cell holds (32,767 characters).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from opsreport.core.records import Kpi, Location
from opsreport.core.text import match_key
from opsreport.io.collector import Collector
from opsreport.io.rows import RowReader

__all__ = [
    "DRIVER_SEPARATORS",
    "DriverCell",
    "read_driver_cell",
    "resolve_drivers",
    "split_drivers",
]

DRIVER_SEPARATORS = ",，、"
_SPLIT_RE = re.compile(f"[{DRIVER_SEPARATORS}]")


@dataclass(frozen=True)
class DriverCell:
    """The references typed in one KPI's drivers cell, with where the cell is."""

    kpi_row: int
    references: tuple[str, ...]
    location: Location


def split_drivers(text: str) -> tuple[str, ...]:
    """The references of a drivers cell: split at , ， 、; blanks (a trailing comma) dropped."""
    return tuple(part.strip() for part in _SPLIT_RE.split(text) if part.strip())


def read_driver_cell(reader: RowReader) -> DriverCell | None:
    """The drivers cell of a KPI row, unresolved; None when blank or refused."""
    text = reader.text("drivers")
    if text is None:
        return None
    references = split_drivers(text)
    if not references:
        return None
    return DriverCell(reader.row_number, references, reader.location("drivers"))


def _lookup(kpis: list[Kpi]) -> tuple[dict[str, Kpi], dict[str, list[Kpi]]]:
    by_id = {match_key(kpi.id): kpi for kpi in kpis if kpi.id}
    by_name: dict[str, list[Kpi]] = {}
    for kpi in kpis:
        by_name.setdefault(match_key(kpi.name), []).append(kpi)
    return by_id, by_name


def resolve_drivers(
    kpis: list[Kpi], cells: dict[int, DriverCell], collector: Collector
) -> list[Kpi]:
    """``kpis`` with their ``drivers`` resolved to keys; every bad reference an error.

    ``cells`` maps a KPI's position in ``kpis`` to its drivers cell.
    """
    by_id, by_name = _lookup(kpis)
    examples = ", ".join(k.id or k.name for k in kpis[:3])
    resolved: dict[int, tuple[str, ...]] = {}
    for position, cell in cells.items():
        owner = kpis[position]
        where = cell.location
        keys: list[str] = []
        unknown: list[str] = []
        twice: list[str] = []
        for reference in cell.references:
            folded = match_key(reference)
            found = by_id.get(folded)
            if found is None:
                matches = by_name.get(folded, [])
                if len(matches) > 1:
                    collector.error(
                        f"drivers: the name {_short(reference)!r} fits {len(matches)} KPIs",
                        where.sheet, where.row, where.column,
                        hint="refer to the driver by its id", code="ambiguous_kpi",
                    )  # fmt: skip
                    continue
                if not matches:
                    unknown.append(reference)
                    continue
                found = matches[0]
            if found.key == owner.key:
                collector.error(
                    f"drivers: {_short(owner.name)!r} names itself as its own driver",
                    where.sheet, where.row, where.column,
                    hint="a driver is another KPI that explains this one", code="driver_self",
                )  # fmt: skip
            elif found.key in keys:
                twice.append(reference)
            else:
                keys.append(found.key)
        if unknown:
            collector.error(
                f"drivers: unknown KPI {_listed(unknown)}",
                where.sheet, where.row, where.column,
                hint=f"use ids or names from the kpis sheet (e.g. {examples}), "
                "separated by , ， or 、",
                code="unknown_kpi",
            )  # fmt: skip
        if twice:
            collector.warning(
                f"drivers: {_listed(twice)} named twice; each counts once",
                where.sheet, where.row, where.column,
                hint="name each driver once", code="driver_twice",
            )  # fmt: skip
        resolved[position] = tuple(keys)
    _refuse_cycles(kpis, resolved, cells, collector)
    return [
        dataclasses.replace(kpi, drivers=resolved[position]) if resolved.get(position) else kpi
        for position, kpi in enumerate(kpis)
    ]


def _listed(references: list[str]) -> str:
    """Up to three references and how many more: one message per cell, however long."""
    shown = ", ".join(repr(_short(r)) for r in references[:3])
    more = len(references) - 3
    return f"{shown} and {more:,} more" if more > 0 else shown


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


def _refuse_cycles(
    kpis: list[Kpi],
    resolved: dict[int, tuple[str, ...]],
    cells: dict[int, DriverCell],
    collector: Collector,
) -> None:
    """Each cycle of the drivers graph as one error on the cell that closes it.

    An iterative depth-first search (white/grey/black): a grey KPI met again closes a
    cycle, told from that KPI round to itself (A → B → A: A is driven by B, B by A).
    """
    position_of = {kpi.key: position for position, kpi in enumerate(kpis)}
    state: dict[int, int] = {}  # 1 on the path (grey), 2 done (black)
    for start in resolved:
        if state.get(start):
            continue
        path: list[int] = [start]
        edges: list[int] = [0]  # the next driver to visit of each KPI on the path
        state[start] = 1
        while path:
            node = path[-1]
            drivers = resolved.get(node, ())
            if edges[-1] >= len(drivers):
                state[node] = 2
                path.pop()
                edges.pop()
                continue
            target = position_of[drivers[edges[-1]]]
            edges[-1] += 1
            seen = state.get(target)
            if seen == 1:
                loop = [*path[path.index(target) :], target]
                names = " → ".join(_short(kpis[p].id or kpis[p].name) for p in loop[:12])
                if len(loop) > 12:
                    names += f" → … ({len(loop) - 1} KPIs)"
                where = cells[node].location
                collector.error(
                    f"drivers: a cycle {names}",
                    where.sheet, where.row, where.column,
                    hint="a KPI cannot be explained by itself through other KPIs: "
                    "remove one of these drivers",
                    code="driver_cycle",
                )  # fmt: skip
            elif seen is None:
                state[target] = 1
                path.append(target)
                edges.append(0)
