"""How figures are shown: formatting, per-KPI views, contexts, tables, charts."""
