"""The library API the CLI is a thin layer over: load, compute, warn."""

from __future__ import annotations

import os
from dataclasses import dataclass

from opsreport.core.records import Diagnostic, Report
from opsreport.engine.content_warnings import content_warnings
from opsreport.engine.metrics import DEFAULT_SETTINGS, Metrics, Settings, compute
from opsreport.io.workbook import DEFAULT_LIMITS, Limits, WorkbookError, load_report

__all__ = ["Analysis", "WorkbookError", "analyze"]


@dataclass(frozen=True)
class Analysis:
    report: Report
    metrics: Metrics
    warnings: tuple[Diagnostic, ...]


def analyze(
    path: str | os.PathLike[str],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    limits: Limits = DEFAULT_LIMITS,
) -> Analysis:
    """Read and validate a workbook and compute every figure; raises WorkbookError."""
    report = load_report(path, limits=limits)
    metrics = compute(report, settings)
    return Analysis(report, metrics, tuple(report.warnings) + tuple(content_warnings(metrics)))
