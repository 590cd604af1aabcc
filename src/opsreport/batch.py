"""Many workbooks at once: worker processes, a progress bar, one failure never stops the rest.

Workbooks are independent, so they are spread over ``jobs`` processes (the
CPU count by default). With one job everything runs in this process, which
avoids the cost of starting workers for a single file.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["BuildOutcome", "build_one", "default_jobs", "run_all"]

T = TypeVar("T")


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_all(
    function: Callable[..., T],
    items: Sequence[Any],
    *,
    jobs: int | None = None,
    label: str = "",
    progress: bool | None = None,
) -> list[T]:
    """``function(item)`` for every item, in order; workers when jobs > 1."""
    jobs = min(jobs or default_jobs(), max(1, len(items)))
    show = progress if progress is not None else (len(items) > 3 and sys.stderr.isatty())
    results: list[Any] = [None] * len(items)
    bar = None
    if show:
        from rich.progress import Progress

        bar = Progress(transient=True, console=None)
        bar.start()
        task = bar.add_task(label, total=len(items))
    try:
        if jobs == 1:
            for index, item in enumerate(items):
                results[index] = function(item)
                if bar:
                    bar.advance(task)
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(function, item): index for index, item in enumerate(items)}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if bar:
                        bar.advance(task)
    finally:
        if bar:
            bar.stop()
    return results


@dataclass
class BuildOutcome:
    """What happened to one workbook of a batch build (picklable, for worker processes)."""

    workbook: Path
    outputs: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    summary: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def build_one(arguments: tuple[Path, dict[str, Any]]) -> BuildOutcome:
    """Build one workbook; every failure is caught and reported, never raised."""
    from opsreport.api import WorkbookError
    from opsreport.build import build_report
    from opsreport.render.common import OutputError, TemplateProblem

    workbook, options = arguments
    started = time.perf_counter()
    outcome = BuildOutcome(Path(workbook))
    try:
        result = build_report(workbook, **options)
        outcome.outputs = result.outputs
        outcome.summary = result.one_line()
    except WorkbookError as exc:
        outcome.errors = [str(d) for d in exc.errors]
    except (OutputError, TemplateProblem) as exc:
        outcome.errors = [str(exc)]
    except Exception as exc:  # a bug must not stop the other workbooks
        outcome.errors = [f"{workbook}: unexpected {type(exc).__name__}: {exc}"]
    outcome.seconds = time.perf_counter() - started
    return outcome
