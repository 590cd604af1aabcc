"""Drawing many charts: here, or in forked worker processes where that pays (workers may be
started early, while the workbook is read); a failure names its chart and KPI."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from opsreport.present.charts.record import Chart
from opsreport.present.charts.style import FONT_SIZE, TITLE_SIZE, chart_style, new_figure


def draw_charts(
    specs: list[tuple[str, Any, tuple[Any, ...]]],
    *,
    encode: tuple[str, ...] = (),
    jobs: int | None = None,
    meanwhile: Any = None,
    small: bool = True,
) -> dict[str, Chart]:
    """Draw ``specs`` (key, chart function, its arguments): in workers started by
    :func:`prestart_workers` when there are some, else as :func:`render_charts` says.

    ``small`` says the data is small enough to send to started workers (pickled).
    """
    started = _PRESTARTED.pop() if _PRESTARTED else None
    if started is not None:  # (its threads would make chart_jobs refuse to fork)
        if encode and jobs != 1 and small:
            return _draw_in_started_workers(started, specs, encode, meanwhile)
        started.terminate()  # big figures: forking now, with the data in memory, is cheaper
        started.join()
    workers = chart_jobs(len(specs), jobs) if encode else 1
    if workers > 1:
        return _draw_in_processes(specs, encode, workers)
    charts = {spec[0]: _draw_one(spec, encode) for spec in specs}
    return {key: chart for key, chart in charts.items() if chart is not None}


def _draw_one(
    spec: tuple[str, Any, tuple[Any, ...]], encode: Sequence[str], detach: bool = False
) -> Chart | None:
    """Draw (and encode) one chart; a failure on a value names its chart and KPI
    (a FigureError, picklable back from a worker) instead of a bare ValueError."""
    key, function, args = spec
    try:
        chart = function(*args)
        if chart is not None:
            for encoding in encode:
                getattr(chart, encoding)
        return _detached(chart, encode) if detach else chart
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise _chart_failure(key, args, exc) from exc


def _chart_failure(key: str, args: tuple[Any, ...], exc: Exception) -> Exception:
    from opsreport.engine.metrics import FigureError, figure_problem, kpi_label

    if isinstance(exc, FigureError):
        return exc
    subject = args[0] if args else None
    kpi = getattr(subject, "kpi", None)  # a quarterly series or a breakdown table
    if kpi is not None:
        what, location = f"{kpi_label(kpi)}: the chart {key}", kpi.location
    else:
        what, location = f"the chart {key}", None
    file = location.file if location else "<report>"
    message = f"{what} could not be drawn ({type(exc).__name__}: {exc})"
    return FigureError([figure_problem(message, location, file, hint="")])


def chart_jobs(count: int, jobs: int | None = None) -> int:
    """How many processes draw ``count`` charts: one unless forking pays and is safe.

    Drawing and encoding a chart takes 50–150 ms of pure Python, so a Word build's
    dozen charts take a second on one core. Forked workers inherit matplotlib already
    imported and the fonts already found, so two cores halve that. Not used where
    fork is unsafe or unavailable (Windows, macOS), inside a worker process (batch
    builds already use every core), when other threads run, or for a few charts.
    ``OPSREPORT_CHART_JOBS`` overrides the number (1 turns it off).
    """
    import multiprocessing
    import sys
    import threading

    setting = os.environ.get("OPSREPORT_CHART_JOBS", "").strip()
    if jobs is None and setting.isdigit():
        jobs = int(setting)
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 4)
    if (
        jobs <= 1
        or count < 4
        or sys.platform in {"win32", "darwin"}
        or "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.parent_process() is not None
        or threading.active_count() > 1
    ):
        return 1
    return min(jobs, count)


def _warm_up() -> None:
    """Load the font files and glyph caches once, before forking: otherwise every
    worker opens the large CJK font collection itself."""
    with chart_style("warm-up"):
        fig, _ = new_figure(1.0, 0.5)
        fig.text(0.1, 0.5, "年度 Ag 0.9%", fontsize=FONT_SIZE)
        fig.text(0.1, 0.2, "年度 Ag 0.9%", fontsize=TITLE_SIZE, weight="bold")
        fig.canvas.draw()


# Workers started by prestart_workers(), waiting for render_charts().
_PRESTARTED: list[Any] = []
# Beyond this many KPIs, sending the figures to started workers (pickling) costs
# more than forking once the data is in memory.
PRESTARTED_KPI_LIMIT = 500


def prestart_workers(jobs: int | None = None) -> None:
    """Start the chart workers now, so that they import matplotlib and load the fonts
    while this process reads the workbook (a single Word build: ~0.4 s sooner on two
    cores). :func:`render_charts` uses them; :func:`stop_workers` ends them unused."""
    workers = chart_jobs(12, jobs)
    if workers <= 1 or _PRESTARTED:
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    _PRESTARTED.append(context.Pool(workers, initializer=_start_worker))


def _start_worker() -> None:
    # A lower priority: while this process reads the workbook (the critical path)
    # the workers import matplotlib only on the spare core; once it waits for the
    # charts, they have both.
    with suppress(OSError):  # not permitted here: run at normal priority
        os.nice(5)
    _warm_up()


def stop_workers() -> None:
    while _PRESTARTED:
        pool = _PRESTARTED.pop()
        pool.terminate()
        pool.join()


def _draw_sent(job: tuple[tuple[str, Any, tuple[Any, ...]], tuple[str, ...]]) -> tuple[str, Any]:
    """In a started worker: draw and encode one chart sent with its data."""
    spec, encode = job
    return spec[0], _draw_one(spec, encode, detach=True)


def _draw_in_started_workers(
    pool: Any,
    specs: list[tuple[str, Any, tuple[Any, ...]]],
    encode: tuple[str, ...],
    meanwhile: Any = None,
) -> dict[str, Chart]:
    try:
        pending = pool.map_async(_draw_sent, [(spec, encode) for spec in specs], chunksize=1)
        if meanwhile is not None:
            meanwhile()
        drawn = pending.get()
    finally:
        pool.terminate()
        pool.join()
    return {key: chart for key, chart in drawn if chart is not None}


def _detached(chart: Chart | None, encode: Sequence[str]) -> Chart | None:
    """A chart with its encodings made and without its figure (which stays behind)."""
    if chart is None:
        return None
    encoded = {encoding: getattr(chart, encoding) for encoding in encode}
    detached = Chart(
        name=chart.name,
        title=chart.title,
        width_cm=chart.width_cm,
        alt=chart.alt,
        marks=chart.marks,
    )
    detached.__dict__.update(encoded)  # what cached_property would have stored
    return detached


_PENDING: list[tuple[str, Any, tuple[Any, ...]]] = []
_PENDING_ENCODE: list[str] = []


def _draw_pending(index: int) -> tuple[str, Chart | None]:
    """In a forked worker: draw and encode one chart; the figure stays behind."""
    spec = _PENDING[index]
    return spec[0], _draw_one(spec, _PENDING_ENCODE, detach=True)


def _draw_in_processes(
    specs: list[tuple[str, Any, tuple[Any, ...]]], encode: tuple[str, ...], workers: int
) -> dict[str, Chart]:
    import multiprocessing

    # Import and font search happen once, here, and are inherited by every worker.
    from matplotlib.backends import backend_agg, backend_svg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    _warm_up()
    _PENDING[:] = specs
    _PENDING_ENCODE[:] = encode
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            drawn = pool.map(_draw_pending, range(len(specs)), chunksize=1)
    finally:
        _PENDING.clear()
        _PENDING_ENCODE.clear()
    return {key: chart for key, chart in drawn if chart is not None}
