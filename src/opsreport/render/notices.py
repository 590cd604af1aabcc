"""Template notices: what a render changed on the way (an external link dropped),
told the user as a warning, or collected for ``opsreport check``.
"""

from __future__ import annotations

import contextlib
import contextvars
import warnings
from collections.abc import Iterator

__all__ = [
    "TemplateNotice",
    "notify",
    "template_notices",
]


class TemplateNotice(UserWarning):
    """Something a template did that was changed on the way (an external link dropped).

    Issued with :func:`warnings.warn`, so a program sees it as a warning it can
    record or silence; the CLI prints it as ``warning: …`` and ``opsreport check``
    lists it among the workbook's warnings.
    """


_NOTICES: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "opsreport_template_notices", default=None
)


def notify(message: str) -> None:
    """Tell the user something a template did was changed: into the innermost
    :func:`template_notices` collector, or else as a :class:`TemplateNotice` warning."""
    sink = _NOTICES.get()
    if sink is None:
        warnings.warn(TemplateNotice(message), stacklevel=3)
    elif message not in sink:
        sink.append(message)


@contextlib.contextmanager
def template_notices() -> Iterator[list[str]]:
    """Collect the notices renderers give inside the block (each once), instead of warning.

    ``opsreport check`` reports them among a workbook's warnings this way.
    """
    sink: list[str] = []
    token = _NOTICES.set(sink)
    try:
        yield sink
    finally:
        _NOTICES.reset(token)
