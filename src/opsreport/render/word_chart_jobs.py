"""Native Word charts made beside the document: one forked worker writes every chart's
XML and workbook (python-pptx and XlsxWriter, ~20 ms a chart plus ~0.15 s to import them)
while this process renders the Word template; the document takes them when it places
the charts (even for one chart: the import alone is worth the fork). A command can start
that worker before it reads the workbook (:func:`prestart_native`), so that the imports
are done by the time the charts' data is ready. Where forking is unsafe
(Windows, macOS, inside a worker process, other threads running, ``OPSREPORT_CHART_JOBS=1``;
see :func:`~opsreport.present.charts.chart_jobs`) each chart is made here, when it is placed.
"""

from __future__ import annotations

import os
import weakref
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opsreport.io.worker_pipe import next_job

if TYPE_CHECKING:
    from opsreport.present.charts.data import ChartData
    from opsreport.render.word_charts import PreparedPanel

__all__ = ["NativeChart", "prepare_native", "prestart_native", "stop_native"]


@dataclass(frozen=True)
class NativeChart:
    """One native chart on its way: its data (title, alt, what it shows) and the job that
    makes its parts. A template sees none of this, only the chart's marker."""

    data: ChartData
    job: _Job = field(repr=False, compare=False)

    @property
    def title(self) -> str:
        return self.data.title

    @property
    def alt(self) -> str:
        return self.data.alt

    @property
    def name(self) -> str:
        return self.data.key

    @property
    def width_cm(self) -> float:
        return 14.0 if self.data.kind == "column" else 16.0

    def prepared(self) -> tuple[PreparedPanel, ...]:
        """The chart's panels as XML and workbook bytes (waits for the worker)."""
        return self.job.panels(self.data)


# What the worker makes: (charts, lang), set just before it forks.
_TO_PREPARE: list[tuple[list[ChartData], str]] = []


def _prepare_in_child(connection: Any) -> None:
    """In the forked worker: every chart's panels, sent back by key (an error as text)."""
    from opsreport.render.word_charts import prepare_panels

    charts, lang = _TO_PREPARE[0]
    try:
        made = {data.key: prepare_panels(data, lang) for data in charts if data.kind != "matrix"}
        connection.send(made)
    except Exception as exc:  # made again in the parent, where the error is reported
        connection.send(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def _stop(process: Any) -> None:
    if process.is_alive():
        process.terminate()
    process.join()


# A worker started ahead (prestart_native): (process, this end of its pipe).
_PRESTARTED: list[tuple[Any, Any]] = []


def prestart_native(jobs: int | None = None) -> None:
    """Start the chart worker now: it imports python-pptx and XlsxWriter while this
    process reads the workbook, then makes the charts :func:`prepare_native` sends it.
    :func:`stop_native` ends it if none were sent."""
    from opsreport.present.charts.pool import chart_jobs

    if _PRESTARTED or chart_jobs(12, jobs) <= 1:
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe()
    process = context.Process(target=_serve_prestarted, args=(theirs, mine), daemon=True)
    process.start()
    theirs.close()
    _PRESTARTED.append((process, mine))


def stop_native() -> None:
    """End a prestarted worker that was given nothing to make (at once: it holds nothing
    worth waiting for, and may still be importing)."""
    while _PRESTARTED:
        process, connection = _PRESTARTED.pop()
        connection.close()
        _stop(process)


def _warm_up() -> None:
    """Make one small chart: every module the charts need is imported."""
    from decimal import Decimal

    from opsreport.present.charts.data import ChartData, Panel, Series
    from opsreport.render.word_charts import prepare_panels

    series = Series("ac", "AC", (Decimal(1),), ("",), ("1",), "0")
    panel = Panel("", "", ("a",), ("a",), (series,))
    prepare_panels(ChartData("warm-up", "bar", "t", "", "", "", (panel,)), "zh")


def _serve_prestarted(connection: Any, parents_end: Any) -> None:
    """In the prestarted worker: import (at a lower priority: the parent reading the
    workbook is the critical path), then make what is sent, once.

    Its copy of the parent's end is closed first, so that the parent's death ends the
    wait (EOF) instead of leaving this process behind holding the terminal; Ctrl-C is
    the parent's to handle (it ends this worker)."""
    import signal

    parents_end.close()
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with suppress(OSError):  # not permitted here: run at normal priority
        os.nice(5)
    with suppress(Exception):  # a failure shows again, and is reported, in the parent
        _warm_up()
    job = next_job(connection, parent)
    if job is None:  # told to stop, or the parent is gone
        return
    _TO_PREPARE[:] = [job]
    _prepare_in_child(connection)


class _Job:
    """The charts' panels: from the worker when one was started, else made here."""

    def __init__(self, charts: list[ChartData], lang: str, jobs: int | None) -> None:
        self.lang = lang
        self.made: dict[str, tuple[PreparedPanel, ...]] = {}
        self.connection: Any = None
        drawn = [data for data in charts if data.kind != "matrix"]
        from opsreport.present.charts.pool import chart_jobs

        if drawn and _PRESTARTED:  # started ahead, its imports done: send it the charts
            process, connection = _PRESTARTED.pop()
            try:
                connection.send((drawn, lang))
            except Exception:  # it died, or the data does not pickle: made here
                connection.close()
                _stop(process)
                return
            self.connection = connection
            weakref.finalize(self, _stop, process)
            return
        # Even one chart pays: importing python-pptx alone takes ~0.15 s of the build.
        if not drawn or chart_jobs(max(len(drawn), 4), jobs) <= 1:
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        _TO_PREPARE[:] = [(drawn, lang)]
        try:
            process = context.Process(target=_prepare_in_child, args=(sender,), daemon=True)
            process.start()
        finally:
            _TO_PREPARE.clear()
        sender.close()
        self.connection = receiver
        weakref.finalize(self, _stop, process)

    def panels(self, data: ChartData) -> tuple[PreparedPanel, ...]:
        if self.connection is not None:
            received: Any = None
            try:
                received = self.connection.recv()
            except (EOFError, OSError):  # the worker died: make them here
                received = None
            finally:
                self.connection.close()
                self.connection = None
            if isinstance(received, dict):
                self.made.update(received)
        if data.key not in self.made:
            from opsreport.render.word_charts import prepare_panels

            self.made[data.key] = prepare_panels(data, self.lang)
        return self.made[data.key]


def prepare_native(
    charts: dict[str, ChartData], lang: str, jobs: int | None = None
) -> dict[str, NativeChart]:
    """Start making ``charts`` (in a worker where that pays); each is placed as it comes."""
    job = _Job(list(charts.values()), lang, jobs)
    return {key: NativeChart(data, job) for key, data in charts.items()}
