"""How a forked worker waits for its next job: on its pipe, until the parent sends one,
closes its end, or dies (the worker is re-parented: it stops instead of waiting for
ever). Shared by the batch workers (app/batch) and the prestarted chart worker
(render/word_chart_jobs)."""

from __future__ import annotations

import os
from typing import Any

__all__ = ["next_job"]


def next_job(connection: Any, parent: int) -> Any:
    """The next object sent on ``connection``; None when ``parent`` (the pid the worker
    was started by) is gone, the pipe is closed, or None was sent (stop)."""
    try:
        while not connection.poll(1.0):
            if os.getppid() != parent:
                return None
        return connection.recv()
    except (EOFError, OSError):
        return None
