"""The KPI sentences an analyst would write, in zh and en (issue 13).

- :mod:`.words`: the verbs by unit kind, direction and size class (one table);
- :mod:`.figures`: a KPI's figures at its one precision;
- :mod:`.moves`: the from→to on last year (由11.2%提升至14.8%（+3.6个百分点）);
- :mod:`.target`: the target, attainment and share clauses;
- :mod:`.so_what`: growth target, benchmark, drivers, value and note;
- :mod:`.sentence`: the sentence put together, per KPI or for a whole report.
"""

from __future__ import annotations

from opsreport.present.narrative.sentence import Narrative, join_clauses, kpi_sentence

__all__ = ["Narrative", "join_clauses", "kpi_sentence"]
