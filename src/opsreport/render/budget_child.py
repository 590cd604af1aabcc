"""The render budget's second layer: a render in a forked child process.

For a template found in the ``--template`` folder (Linux), :func:`run_forked`
renders in a child whose address space is capped (``RLIMIT_AS``) and which is
killed when its time is up, so that one long C-level operation (a regular
expression over a huge text) or one huge allocation is bounded too. The result,
or the exception, and the template notices come back through a pipe. The limits
and the first layer are in :mod:`opsreport.render.budget`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from opsreport.render.budget import RenderLimits

__all__ = ["fork_available", "run_forked"]

# Seconds a child process gets beyond its time limit to report the breach itself
# (with the template line) before it is killed.
_KILL_GRACE = 2.0
# Address space a thread reserves (its stack, its malloc arena) beyond what it uses.
_THREAD_RESERVE = 128 * 2**20


T = TypeVar("T")


def fork_available() -> bool:
    """Whether renders can run in a forked child: Linux only (fork is unsafe on
    macOS once system frameworks are loaded, and missing on Windows)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _address_space() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cap_address_space(extra: int) -> None:
    """In the child: the address space may grow by ``extra`` bytes at most (plus
    room for the watchdog thread's stack and malloc arena, which reserve address
    space they hardly use; the watchdog bounds the resident growth itself)."""
    import resource

    now = _address_space()
    if now is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = now + extra + _THREAD_RESERVE
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            wanted = min(wanted, bound)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _payload(kind: str, value: Any, notices: list[str]) -> bytes:
    """The child's outcome for the parent: ("ok", result) or ("raised", exception)."""
    import pickle

    try:
        return pickle.dumps((kind, value, notices), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that cannot be pickled (lxml's): keep its words
        words = RuntimeError(f"{type(value).__name__}: {value}")
        return pickle.dumps(("raised", words, notices), protocol=pickle.HIGHEST_PROTOCOL)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _child(write_fd: int, limits: RenderLimits, run: Callable[[], Any]) -> None:
    """In the forked child: render, send the outcome and the template notices, exit."""
    import gc

    gc.freeze()  # the parent's objects: not traversed, their pages stay shared
    _cap_address_space(limits.memory_bytes)
    from opsreport.render.notices import template_notices

    notices: list[str] = []
    try:
        with template_notices() as notices:
            outcome: tuple[str, Any] = ("ok", run())
    except BaseException as exc:
        outcome = ("raised", exc)
    data = _payload(*outcome, list(notices))
    _write_all(write_fd, len(data).to_bytes(8, "big") + data)


def run_forked(limits: RenderLimits, run: Callable[[], T], template: str) -> T:
    """``run()`` in a forked child, killed when its time is up; the result comes
    back through a pipe (the renderers' results are text or bytes)."""
    import pickle
    import select
    import signal

    from opsreport.errors import TemplateProblem
    from opsreport.render.budget import timeout_message
    from opsreport.render.notices import notify

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # nothing buffered twice
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_fd)
            _child(write_fd, limits, run)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(write_fd)
    received = bytearray()
    reaped: int | None = None
    try:
        deadline = time.monotonic() + limits.seconds + _KILL_GRACE
        poller = select.poll()
        poller.register(read_fd, select.POLLIN | select.POLLHUP)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TemplateProblem(f"{template}: {timeout_message(limits)}", template=template)
            if poller.poll(left * 1000):
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                received += chunk
        _, status = os.waitpid(pid, 0)
        reaped = status
    finally:
        os.close(read_fd)
        if reaped is None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
    size = int.from_bytes(received[:8], "big") if len(received) >= 8 else -1
    if size != len(received) - 8:
        how = (
            f"signal {signal.Signals(os.WTERMSIG(reaped)).name}"
            if os.WIFSIGNALED(reaped)
            else f"exit status {os.waitstatus_to_exitcode(reaped)}"
        )
        raise TemplateProblem(
            f"{template}: the render stopped unexpectedly ({how}) — it probably needed more "
            f"than {limits.memory_bytes / 2**20:,.0f} MB of memory",
            template=template,
        )
    kind, value, notices = pickle.loads(bytes(received[8:]))
    for notice in notices:
        notify(notice)
    if kind == "raised":
        raise value
    return value  # type: ignore[no-any-return]
