"""opsreport: an operations team's KPI workbook in, its year-end report and plans out."""

__version__ = "0.1.0"
