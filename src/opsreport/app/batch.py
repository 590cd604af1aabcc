"""Many workbooks at once: every workbook gets its own result, whatever happens to another.

Workbooks are independent, so they are spread over ``jobs`` worker processes (the
CPU count by default) that this module starts and watches itself: a worker takes
one workbook at a time, and

- whatever the work raises (an exception that cannot be pickled, ``SystemExit``,
  ``MemoryError`` …) becomes that workbook's result, turned into text in the worker;
- a workbook still running after ``timeout`` seconds (default 300; 0 or None: no
  limit) has its worker killed and is reported as timed out;
- a worker that dies (``os._exit``, SIGKILL, a segfault in a C library) is reported
  for the workbook it was working on;

and in the last two cases a fresh worker takes the next workbook, so the run goes
on. Results come back in input order. ``concurrent.futures.ProcessPoolExecutor``
cannot do this: one dead worker breaks the whole pool (BrokenProcessPool) and a
hung one is never stopped. Even with one job the work runs in a worker, so that a
timeout can be enforced and a crash cannot take the run down.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from opsreport.errors import UsageError
from opsreport.io.worker_pipe import next_job

__all__ = [
    "DEFAULT_TIMEOUT",
    "BuildOutcome",
    "WorkerFailure",
    "build_many",
    "build_one",
    "default_jobs",
    "plan_batch",
    "run_all",
]

T = TypeVar("T")

# Seconds one workbook may take in a batch (check, build of several) before its
# worker is stopped: a 10,000-KPI Word build takes about 5 s on two cores.
DEFAULT_TIMEOUT = 300.0


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkerFailure:
    """Why one item has no result of its own: ``kind`` is raised, timeout or died."""

    kind: str
    message: str


# A limit longer than this (about 31 years) is no limit: the OS cannot wait that long
# in one call (select's timeout overflows).
LONGEST_LIMIT = 1e9


def _limit(timeout: float | None) -> float | None:
    """``timeout`` as the seconds each item may take (None: no limit); 0 and more than
    :data:`LONGEST_LIMIT` are no limit; NaN, infinity or a negative number is refused
    (as ``--pdf-timeout`` refuses them: 0 is how a limit is turned off)."""
    if timeout is None:
        return None
    # (NaN is not itself; 10**400 has no float, so no math.isinf)
    if timeout != timeout or timeout < 0 or timeout == float("inf"):
        raise UsageError(f"a timeout of {timeout!r}: give seconds (0: no limit)")
    return None if timeout == 0 or timeout > LONGEST_LIMIT else float(timeout)


def run_all(
    function: Callable[[Any], T],
    items: Sequence[Any],
    *,
    on_failure: Callable[[Any, WorkerFailure], T],
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    label: str = "",
    progress: bool | None = None,
) -> list[T]:
    """``function(item)`` for every item, in worker processes; results in input order.

    Never raises because of an item: an item whose work raised, ran out of time or
    whose worker died gets ``on_failure(item, failure)`` instead. ``function`` must
    be importable by name where processes are spawned (macOS, Windows).
    """
    limit = _limit(timeout)
    if not items:
        return []
    jobs = max(1, min(jobs or default_jobs(), len(items)))
    show = progress if progress is not None else (len(items) > 3 and sys.stderr.isatty())
    results: dict[int, T] = {}
    bar = _Bar(label, len(items)) if show else None

    def settle(index: int, outcome: T) -> None:
        results[index] = outcome
        if bar is not None:
            bar.advance()

    def fail(index: int, failure: WorkerFailure) -> None:
        settle(index, on_failure(items[index], failure))

    try:
        _Supervisor(function, items, jobs, limit, label, settle, fail).run()
    finally:
        if bar is not None:
            bar.stop()
    return [results[index] for index in range(len(items))]


class _Bar:
    """A Rich progress bar without its refresh thread (threads make forking unsafe)."""

    def __init__(self, label: str, total: int):
        from rich.progress import Progress

        self.progress = Progress(transient=True, auto_refresh=False)
        self.progress.start()
        self.task = self.progress.add_task(label, total=total)

    def advance(self) -> None:
        self.progress.advance(self.task)
        self.progress.refresh()

    def stop(self) -> None:
        self.progress.stop()


class _Worker:
    """One worker process, its end of the pipe, and the item it works on."""

    def __init__(self, context: Any, function: Callable[[Any], Any]):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, function), daemon=False)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.deadline: float | None = None

    def give(self, index: int, item: Any, limit: float | None) -> None:
        self.index = index
        self.deadline = time.monotonic() + limit if limit is not None else None
        self.connection.send((index, item))

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.connection.send(None)
            except OSError:
                kill = True
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


class _Supervisor:
    """Hands items to workers, collects results, replaces dead and stuck workers."""

    def __init__(
        self,
        function: Callable[[Any], Any],
        items: Sequence[Any],
        jobs: int,
        limit: float | None,
        label: str,
        settle: Callable[[int, Any], None],
        fail: Callable[[int, WorkerFailure], None],
    ):
        self.function, self.items, self.jobs, self.limit = function, items, jobs, limit
        self.verb = label or "working on"
        self.settle, self.fail = settle, fail
        self.context = _context()
        self.waiting = deque(range(len(items)))
        self.workers: list[_Worker] = []

    def run(self) -> None:
        try:
            while self.waiting or any(w.index is not None for w in self.workers):
                self._hand_out()
                self._collect()
        finally:
            for worker in self.workers:
                worker.stop(kill=worker.index is not None)
            self.workers.clear()

    def _hand_out(self) -> None:
        for worker in [w for w in self.workers if w.index is None]:
            if not self.waiting:
                worker.stop()
                self.workers.remove(worker)
        while self.waiting and len(self.workers) < self.jobs:
            try:
                self.workers.append(_Worker(self.context, self.function))
            except OSError as exc:  # no process to be had: this item fails, the next may not
                if not self.workers:
                    message = f"no worker process could be started ({_describe(exc)})"
                    self.fail(self.waiting.popleft(), WorkerFailure("died", message))
                break
        for worker in self.workers:
            if worker.index is None and self.waiting:
                index = self.waiting.popleft()
                try:
                    worker.give(index, self.items[index], self.limit)
                except Exception as exc:  # the item cannot be sent (not picklable)
                    worker.index = None
                    message = f"cannot be sent to a worker ({_describe(exc)})"
                    self.fail(index, WorkerFailure("raised", message))

    def _collect(self) -> None:
        from multiprocessing.connection import wait

        busy = [w for w in self.workers if w.index is not None]
        if not busy:
            return
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        pause = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy], pause)
        for worker in busy:
            index = worker.index
            assert index is not None
            if worker.connection in ready or worker.connection.poll():
                self._receive(worker, index)
            elif worker.process.sentinel in ready:
                self._bury(worker, index, WorkerFailure("died", self._death(worker, index)))
            elif worker.deadline is not None and time.monotonic() >= worker.deadline:
                worker.stop(kill=True)
                self.workers.remove(worker)
                seconds = f"{self.limit:g}" if self.limit is not None else "?"
                message = (
                    f"still {self.verb} it after {seconds} s, the limit for one workbook: "
                    "stopped (raise --timeout, or give 0 for no limit)"
                )
                self.fail(index, WorkerFailure("timeout", message))

    def _receive(self, worker: _Worker, index: int) -> None:
        try:
            kind, _, payload = worker.connection.recv()
        except (EOFError, OSError):
            self._bury(worker, index, WorkerFailure("died", self._death(worker, index)))
            return
        except Exception as exc:  # the result cannot be unpickled here
            failure = WorkerFailure("raised", f"its result cannot be read back ({_describe(exc)})")
            self._bury(worker, index, failure)
            return
        worker.index = worker.deadline = None
        if kind == "done":
            self.settle(index, payload)
        else:
            self.fail(index, WorkerFailure("raised", str(payload)))

    def _bury(self, worker: _Worker, index: int, failure: WorkerFailure) -> None:
        worker.stop(kill=True)
        self.workers.remove(worker)
        self.fail(index, failure)

    def _death(self, worker: _Worker, index: int) -> str:
        worker.process.join(1)
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                how = f"signal {-code}, {signal.Signals(-code).name}"
            except ValueError:
                how = f"signal {-code}"
        else:
            how = f"exit code {code}"
        return f"the worker process died ({how}) while {self.verb} it"


def _context() -> Any:
    """Fork where it is safe and cheap (Linux: workers inherit what is imported);
    the platform's default elsewhere (spawn on macOS and Windows)."""
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _serve(connection: Any, function: Callable[[Any], Any]) -> None:
    """A worker: run ``function`` on each item received until told to stop.

    Everything the work raises is sent back as text, so nothing unpicklable ever
    crosses. Ctrl-C is the supervisor's to handle; a worker whose supervisor is gone
    (its parent changed) stops instead of waiting for ever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    while True:
        job = next_job(connection, parent)
        if job is None:  # told to stop, or the supervisor is gone
            return
        index, item = job
        try:
            reply: tuple[str, int, Any] = ("done", index, function(item))
        except BaseException as exc:  # SystemExit, MemoryError, … : this item's result
            reply = ("raised", index, f"unexpected {_describe(exc)}")
        try:
            connection.send(reply)
        except Exception as exc:  # the result cannot be pickled
            try:
                message = f"its result cannot be sent back ({_describe(exc)})"
                connection.send(("raised", index, message))
            except Exception:
                return


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------- build


@dataclass(frozen=True)
class BuildOutcome:
    """What happened to one workbook of a batch build (picklable, for worker processes)."""

    workbook: Path
    outputs: tuple[Path, ...] = ()
    errors: tuple[str, ...] = ()
    summary: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def build_one(arguments: tuple[Path, dict[str, Any]]) -> BuildOutcome:
    """Build one workbook; every failure is caught and reported, never raised."""
    from opsreport.app.build import build_report
    from opsreport.errors import OpsreportError, WorkbookError

    workbook, options = Path(arguments[0]), arguments[1]
    started = time.perf_counter()
    try:
        result = build_report(workbook, **options)
    except WorkbookError as exc:
        errors = tuple(str(d) for d in exc.errors)
    except OpsreportError as exc:  # a template, an output, an option: its message
        errors = (str(exc),)
    except Exception as exc:  # a bug must not stop the other workbooks
        errors = (f"{workbook}: unexpected {_describe(exc)}",)
    else:
        seconds = time.perf_counter() - started
        return BuildOutcome(workbook, tuple(result.outputs), (), result.one_line(), seconds)
    return BuildOutcome(workbook, errors=errors, seconds=time.perf_counter() - started)


def _build_failed(arguments: tuple[Path, dict[str, Any]], failure: WorkerFailure) -> BuildOutcome:
    workbook = Path(arguments[0])
    return BuildOutcome(workbook, errors=(f"{workbook}: {failure.message}",))


def plan_batch(
    sources: Sequence[tuple[Path, Path | None]], output: Path | None
) -> list[tuple[Path, Path | None]]:
    """Each workbook's output folder: ``output`` mirrors the folders the workbooks came
    from (``stores/a/x.xlsx`` → ``reports/a/``), else None (next to the workbook).

    ``sources`` pairs each workbook with the folder it was found in (None: named
    itself). Two workbooks that would still write one name are an OutputError, raised
    before anything is written.
    """
    from opsreport.errors import OutputError

    planned: list[tuple[Path, Path | None]] = []
    taken: dict[str, Path] = {}
    for workbook, root in sources:
        if output is None:
            folder: Path | None = None
            where = workbook.parent / workbook.stem
        else:
            below = workbook.parent.relative_to(root) if root is not None else Path()
            folder = Path(output) / below
            where = folder / workbook.stem
        key = os.path.normcase(os.path.abspath(where)).casefold()
        if key in taken:
            raise OutputError(
                f"{taken[key]} and {workbook} would both be written as {where}.*; "
                "rename one, or build them into different -o folders (nothing was written)"
            )
        taken[key] = workbook
        planned.append((workbook, folder))
    return planned


def build_many(
    sources: Sequence[tuple[Path, Path | None]],
    *,
    output: Path | None = None,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    **options: Any,
) -> list[BuildOutcome]:
    """Build every workbook (see :func:`plan_batch` for where), one outcome each, in order.

    ``options`` are :func:`opsreport.app.build.build_report`'s. Raises OutputError only
    for a name two workbooks share, before anything is written.
    """
    planned = plan_batch(sources, output)
    work = [
        (workbook, {**options, "output": folder, "output_root": output, "chart_jobs": 1})
        for workbook, folder in planned
    ]
    return run_all(
        build_one,
        work,
        on_failure=_build_failed,
        jobs=jobs,
        timeout=timeout,
        label="building",
        progress=progress,
    )
