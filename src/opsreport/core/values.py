"""Where the value parsers used to live, before they were split by concept.

Numbers are in :mod:`opsreport.core.numbers`, units in :mod:`~opsreport.core.units`,
dates in :mod:`~opsreport.core.dates`, periods in :mod:`~opsreport.core.periods`, text
in :mod:`~opsreport.core.text`, the vocabularies in :mod:`~opsreport.core.choices`.
This module only keeps the names that ``opsreport.plan`` and ``opsreport.context`` still
import through ``opsreport.values`` until they move; new code imports from the module
that defines a name.
"""

from __future__ import annotations

from opsreport.core.units import convert_unit, parse_unit

__all__ = ["convert_unit", "parse_unit"]
