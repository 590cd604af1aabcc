"""The render budget: every template render is bounded in time, text and memory.

The template sandbox (``render/sandbox.py``) keeps a template away from Python
internals, but a sandboxed loop can still run for ever and a string doubled
sixty times needs an exabyte. Every render (Markdown, HTML, Word; report and
plan drafts; CLI and library alike) therefore runs under a budget, in two layers:

1. **Counted, in the rendering process** (everywhere). A watchdog thread raises
   :class:`RenderTimeout` in the rendering thread when the time is up and
   :class:`RenderOutOfMemory` when the process has grown by more than the memory
   budget; text a template builds (``~``, ``+``, ``join``, ``replace``, ``indent``,
   ``wordwrap``, ``{% set %}…{% endset %}``, macros, the output itself) is counted
   *before* it is built, and a list may not grow past a bound. A breach names the
   template and, when the template was running, its line.
2. **Isolated, in a child process** (Linux, for a template found in the
   ``--template`` folder; ``render/budget_child.py``). The render runs in a
   forked child whose address space is capped (``RLIMIT_AS``) and which is
   killed when the time is up: this also
   bounds what the first layer cannot stop, one long C-level operation (a regular
   expression over a huge text) or one huge allocation. Bundled templates are ours,
   include no other template and are linear in the data, so they render
   in-process, without the cost of a fork.

Where fork is unavailable or unsafe (Windows, macOS) only the first layer runs:
a single long C-level operation is then bounded only by the sandbox's caps on
each operation, and memory is watched only where the resident size can be read
(Linux, macOS). Where ``ctypes.pythonapi`` is missing (not CPython) time is not
bounded in-process.

Limits grow with the data: a template given 50,000 KPIs may take longer and write
more than one given 20. They are named constants below; a program overrides them
with :func:`use_render_budget`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from opsreport.render.budget_child import fork_available, run_forked

__all__ = [
    "DEFAULT_RENDER_BUDGET",
    "RENDER_LIST_ITEMS",
    "RENDER_LIST_ITEMS_PER_ROW",
    "RENDER_MEMORY_KB_PER_ROW",
    "RENDER_MEMORY_MB",
    "RENDER_SECONDS",
    "RENDER_SECONDS_PER_ROW",
    "RENDER_TEXT_KB_PER_ROW",
    "RENDER_TEXT_MB",
    "BudgetExceeded",
    "RenderBudget",
    "RenderLimits",
    "RenderOutOfMemory",
    "RenderTimeout",
    "RenderTooLarge",
    "bound_environment",
    "breach_message",
    "budgeted",
    "data_rows",
    "use_render_budget",
]

# --------------------------------------------------------------------------- limits

#: Seconds any render may take, plus RENDER_SECONDS_PER_ROW for each row of data.
RENDER_SECONDS = 10.0
RENDER_SECONDS_PER_ROW = 0.002
#: Characters of text (in millions, "MB") one render may produce or build in one value.
RENDER_TEXT_MB = 50.0
RENDER_TEXT_KB_PER_ROW = 16.0
#: Items a list built by a template may hold.
RENDER_LIST_ITEMS = 1_000_000
RENDER_LIST_ITEMS_PER_ROW = 10
#: Memory (MB) a render may add to the process, plus RENDER_MEMORY_KB_PER_ROW per row.
RENDER_MEMORY_MB = 512.0
RENDER_MEMORY_KB_PER_ROW = 16.0
# How often the watchdog looks at the clock and the process size.
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class RenderBudget:
    """What one render may take: a base plus an allowance per row of data.

    ``isolate`` says where a render runs: None (the default) in a child process
    when its template is found in the ``--template`` folder and fork is available,
    True for every render where fork is available, False always in-process.
    """

    seconds: float = RENDER_SECONDS
    seconds_per_row: float = RENDER_SECONDS_PER_ROW
    text_mb: float = RENDER_TEXT_MB
    text_kb_per_row: float = RENDER_TEXT_KB_PER_ROW
    list_items: int = RENDER_LIST_ITEMS
    list_items_per_row: int = RENDER_LIST_ITEMS_PER_ROW
    memory_mb: float = RENDER_MEMORY_MB
    memory_kb_per_row: float = RENDER_MEMORY_KB_PER_ROW
    isolate: bool | None = None

    def limits(self, rows: int) -> RenderLimits:
        """The limits of one render given ``rows`` rows of data."""
        return RenderLimits(
            seconds=self.seconds + self.seconds_per_row * rows,
            text_chars=int((self.text_mb * 1000 + self.text_kb_per_row * rows) * 1000),
            list_items=self.list_items + self.list_items_per_row * rows,
            memory_bytes=int((self.memory_mb * 1024 + self.memory_kb_per_row * rows) * 1024),
        )


@dataclass(frozen=True)
class RenderLimits:
    """The limits of one render, computed from a budget and the size of its data."""

    seconds: float
    text_chars: int
    list_items: int
    memory_bytes: int


DEFAULT_RENDER_BUDGET = RenderBudget()

_BUDGET: contextvars.ContextVar[RenderBudget] = contextvars.ContextVar(
    "opsreport_render_budget", default=DEFAULT_RENDER_BUDGET
)
# The limits of the render running now (None: outside any render, the defaults apply).
_ACTIVE: contextvars.ContextVar[RenderLimits | None] = contextvars.ContextVar(
    "opsreport_render_limits", default=None
)


@contextlib.contextmanager
def use_render_budget(budget: RenderBudget) -> Iterator[RenderBudget]:
    """Render with other limits inside the block (this thread or task only), e.g.
    ``with use_render_budget(RenderBudget(seconds=60)): build_report("big.xlsx")``."""
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _current() -> RenderLimits:
    return _ACTIVE.get() or _BUDGET.get().limits(0)


def data_rows(context: Mapping[str, Any]) -> int:
    """How many rows of data a context holds: the entries of its lists (KPIs, plan
    targets, goals, risks …) in the context, its mappings and theirs; lists inside
    a list's entries are not counted (a KPI's four quarters are part of its row)."""
    rows = 0
    stack: list[tuple[Any, int]] = [(context, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            if depth < 3:
                stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, (list, tuple)):
            rows += len(value)
    return rows


# --------------------------------------------------------------------------- breaches


class BudgetExceeded(BaseException):
    """A render went past its budget. A BaseException, so that no ``except
    Exception`` in a library on the way swallows it; the renderers turn it into a
    TemplateProblem naming the template."""

    detail = ""

    def __str__(self) -> str:
        return super().__str__() or self.detail


class RenderTimeout(BudgetExceeded):
    """The render took longer than its time limit."""


class RenderOutOfMemory(BudgetExceeded):
    """The process grew by more than the render's memory limit."""


class RenderTooLarge(BudgetExceeded):
    """The render would build a text or a list longer than its limit."""


def _figure(value: float) -> str:
    """0.25 → "0.25", 3.176 → "3.18", 10 → "10", 10.11 → "10.1", 1234.5 → "1,234.5"."""
    return f"{value:.3g}" if value < 10 else f"{value:,.1f}".removesuffix(".0")


def timeout_message(limits: RenderLimits) -> str:
    return (
        f"took longer than {_figure(limits.seconds)} s to render — a loop in the template "
        "runs too long (or without end)"
    )


def _text_message(limits: RenderLimits) -> str:
    return (
        f"would produce more than {_figure(limits.text_chars / 1_000_000)} MB of text — "
        "the template repeats or doubles text too often"
    )


def _list_message(limits: RenderLimits) -> str:
    return (
        f"would build a list of more than {limits.list_items:,} items — the template "
        "adds to a list too often"
    )


def memory_message(limits: RenderLimits) -> str:
    return (
        f"needed more than {limits.memory_bytes / 2**20:,.0f} MB of memory to render — "
        "the template builds too much text or data"
    )


def breach_message(exc: BaseException) -> str | None:
    """What to tell the user about a render that ran out of budget, or None if
    ``exc`` is not such a breach (for ``explain._explain``)."""
    if isinstance(exc, BudgetExceeded):
        return str(exc)
    if isinstance(exc, MemoryError):
        return memory_message(_current())
    if isinstance(exc, RecursionError):
        return (
            "a macro calls itself too deeply (more levels than Python allows) — "
            "make sure its recursion ends"
        )
    return None


def _refuse_text(length: int) -> None:
    limits = _current()
    if length > limits.text_chars:
        raise RenderTooLarge(_text_message(limits))


def _refuse_items(count: int) -> None:
    limits = _current()
    if count > limits.list_items:
        raise RenderTooLarge(_list_message(limits))


def _refuse_result(value: Any) -> Any:
    """A value an operation built, refused when longer than the limits allow."""
    if isinstance(value, str):
        _refuse_text(len(value))
    elif isinstance(value, (list, tuple)):
        _refuse_items(len(value))
    return value


# --------------------------------------------------------------------------- the environment


_BATCH = 4096


def _bounded_concat(parts: Iterable[Any]) -> str:
    """``environment.concat``: the output, a ``{% set %}`` block, a macro's text —
    counted while it is gathered, refused before it is joined."""
    limit = _current().text_chars
    joined: list[str] = []  # batches of parts joined: a part costs ~60 bytes more than its text
    batch: list[Any] = []
    total = 0
    for part in parts:
        total += len(part)
        if total > limit:
            _refuse_text(total)
        batch.append(part)
        if len(batch) == _BATCH:
            joined.append("".join(batch))
            batch = []
    if not joined:
        return "".join(batch)
    joined.append("".join(batch))
    return "".join(joined)


def _bounded_str_join(values: Iterable[Any]) -> str:
    """``a ~ b`` without autoescaping."""
    parts = [str(value) for value in values]
    _refuse_text(sum(map(len, parts)))
    return "".join(parts)


def _bounded_markup_join(values: Iterable[Any]) -> str:
    """``a ~ b`` with autoescaping (escaping may lengthen it: checked again after)."""
    from markupsafe import Markup, soft_str

    parts = [soft_str(value) for value in values]
    _refuse_text(sum(map(len, parts)))
    if any(hasattr(part, "__html__") for part in parts):
        return _refuse_result(Markup("").join(parts))  # type: ignore[no-any-return]
    return "".join(parts)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else len(str(value))


def _value_and_arguments(function: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, ...]:
    """A filter's arguments without the context/environment Jinja passes first."""
    return args[1:] if getattr(function, "jinja_pass_arg", None) is not None else args


def _before_replace(s: Any = "", old: Any = "", new: Any = "", count: Any = None) -> None:
    text, old_text = str(s), str(old)
    times = len(text) + 1 if old_text == "" else text.count(old_text)
    if isinstance(count, int) and 0 <= count < times:
        times = count
    _refuse_text(len(text) + times * max(0, _length(new) - len(old_text)))


def _before_join(value: Any = (), d: Any = "", attribute: Any = None) -> None:
    if attribute is not None or not isinstance(value, (list, tuple, str)):
        return  # the result is checked after
    separator = _length(d)
    _refuse_text(sum(_length(item) for item in value) + separator * max(0, len(value) - 1))


def _before_indent(s: Any = "", width: Any = 4, first: Any = False, blank: Any = False) -> None:
    from opsreport.render.sandbox import MAX_REPEAT

    text = str(s)
    prefix = width if isinstance(width, int) and not isinstance(width, bool) else _length(width)
    if prefix > MAX_REPEAT:
        return  # the sandbox refuses the width itself, in its own words
    _refuse_text(len(text) + (text.count("\n") + 1) * max(0, prefix))


def _before_wordwrap(
    s: Any = "",
    width: Any = 79,
    break_long_words: Any = True,
    wrapstring: Any = None,
    break_on_hyphens: Any = True,
) -> None:
    text = str(s)
    lines = len(text) // max(1, width if isinstance(width, int) else 1) + text.count("\n") + 1
    _refuse_text(len(text) + lines * _length(wrapstring if wrapstring is not None else "\n"))


def _before_list(value: Any = ()) -> None:
    if isinstance(value, (str, list, tuple, dict, range)):
        _refuse_items(len(value))


_BEFORE: dict[str, Callable[..., None]] = {
    "replace": _before_replace,
    "join": _before_join,
    "indent": _before_indent,
    "wordwrap": _before_wordwrap,
    "list": _before_list,
}


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose result is refused when too long; the few that multiply text
    (replace, join, indent, wordwrap) or build lists are checked before they run."""
    before = _BEFORE.get(name)

    def bounded(*args: Any, **kwargs: Any) -> Any:
        if before is not None:
            with contextlib.suppress(TypeError):  # wrong arguments: the filter says so
                before(*_value_and_arguments(function, args), **kwargs)
        return _refuse_result(function(*args, **kwargs))

    return functools.update_wrapper(bounded, function)


def _before_split(s: Any = "", sep: Any = None, maxsplit: Any = -1) -> None:
    text = str(s)
    parts = text.count(sep) + 1 if isinstance(sep, str) and sep else len(text) // 2 + 1
    if isinstance(maxsplit, int) and 0 <= maxsplit < parts:
        parts = maxsplit + 1
    _refuse_items(parts)


_STR_METHODS_BEFORE: dict[str, Callable[..., None]] = {
    "replace": _before_replace,
    "join": lambda s, items=(): _before_join(items, s),
    "split": _before_split,
    "rsplit": _before_split,
    "splitlines": lambda s, keepends=False: _refuse_items(str(s).count("\n") + 1),
}
_JINJA_CALL_KEYWORDS = frozenset({"_loop_vars", "_block_vars"})


def _bounded_sum(left: Any, right: Any) -> None:
    if isinstance(left, str) and isinstance(right, str):
        _refuse_text(len(left) + len(right))
    elif isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        _refuse_items(len(left) + len(right))


def bound_environment(env: Any) -> Any:
    """Count what a template builds in ``env`` (a sandboxed environment with its
    filters installed): called by ``sandbox.make_environment``."""
    env.template_class = _template_class()
    env.concat = _bounded_concat
    env.intercepted_binops = frozenset(env.intercepted_binops | {"+"})
    for name, function in list(env.filters.items()):
        env.filters[name] = _bounded_filter(name, function)
    call_binop, call = env.call_binop, env.call

    def bounded_binop(context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "+":
            _bounded_sum(left, right)
        return _refuse_result(call_binop(context, operator, left, right))

    def bounded_call(context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(obj, "__self__", None)
        before = _STR_METHODS_BEFORE.get(getattr(obj, "__name__", ""))
        if isinstance(owner, str) and before is not None:
            # (Jinja adds _loop_vars and _block_vars for callables that take a context.)
            named = {k: v for k, v in kwargs.items() if k not in _JINJA_CALL_KEYWORDS}
            with contextlib.suppress(TypeError):  # wrong arguments: the method says so
                before(owner, *args, **named)
        return _refuse_result(call(context, obj, *args, **kwargs))

    env.call_binop = bounded_binop
    env.call = bounded_call
    return env


@functools.lru_cache(maxsize=1)
def _template_class() -> type:
    from jinja2 import Template

    class BudgetedTemplate(Template):
        """A template whose ``~`` is counted, and whose breaches get the template's
        line in their traceback like any other template error."""

        @classmethod
        def _from_namespace(cls, environment: Any, namespace: Any, globals: Any) -> Any:
            # The compiled code looks these up as module globals at run time.
            namespace["markup_join"] = _bounded_markup_join
            namespace["str_join"] = _bounded_str_join
            return super()._from_namespace(environment, namespace, globals)

        def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
            context = self.new_context(dict(*args, **kwargs))
            try:
                yield from self.root_render_func(context)
            except BaseException:
                self.environment.handle_exception()  # the template's line in the traceback
                raise  # not reached: handle_exception raises

        def render(self, *args: Any, **kwargs: Any) -> str:
            context = self.new_context(dict(*args, **kwargs))
            output = self.root_render_func(context)
            try:
                return str(self.environment.concat(output))
            except BaseException as exc:
                if isinstance(exc, RenderTooLarge) and _place_in_output(exc, output):
                    raise  # the output as a whole grew too long
                self.environment.handle_exception()  # the template's line in the traceback
                raise  # not reached: handle_exception raises

    return BudgetedTemplate


def refuse_output(total: int, output: Any) -> None:
    """For a renderer that gathers a template's output itself (a streamed Word body):
    refuse it once ``total`` characters pass the text limit, at the printing line."""
    limits = _current()
    if total > limits.text_chars:
        breach = RenderTooLarge(_text_message(limits))
        _place_in_output(breach, output)
        raise breach


def _place_in_output(breach: BaseException, output: Any) -> bool:
    """Where a template stood when its output as a whole grew too long: the line of
    the innermost suspended template generator (an include's, a block's), kept as
    Jinja's own errors keep it. False when the template itself raised the breach."""
    frame = None
    while output is not None:
        frame = getattr(output, "gi_frame", None) or frame
        output = getattr(output, "gi_yieldfrom", None)
    if frame is None:
        return False
    template = frame.f_globals.get("__jinja_template__")
    if template is not None:
        breach.lineno = template.get_corresponding_lineno(frame.f_lineno)  # type: ignore[attr-defined]
        breach.filename = template.filename  # type: ignore[attr-defined]
    return True


# --------------------------------------------------------------------------- the watchdog


def _resident_bytes() -> int | None:
    """The process's resident size now (Linux) or at its peak (macOS); None elsewhere."""
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/statm", "rb") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None
    if sys.platform == "darwin":
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # bytes on macOS
    return None


@functools.lru_cache(maxsize=1)
def _async_raise() -> Callable[[int, type[BaseException] | None], int] | None:
    """PyThreadState_SetAsyncExc through ctypes (CPython), or None where it is missing."""
    try:
        import ctypes

        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):
        return None

    def raise_in(thread: int, exc: type[BaseException] | None) -> int:
        return int(set_async_exc(ctypes.c_ulong(thread), ctypes.py_object(exc) if exc else None))

    return raise_in


class _Watchdog(threading.Thread):
    """Raises a breach in the rendering thread when the time is up or the process
    has grown past the memory limit. Fires at most once; after :meth:`disarm`, never."""

    def __init__(self, limits: RenderLimits, raise_in: Callable[..., int]) -> None:
        super().__init__(name="opsreport-render-budget", daemon=True)
        self._limits = limits
        self._raise_in = raise_in
        self._target = threading.get_ident()
        self._deadline = time.monotonic() + limits.seconds
        start = _resident_bytes()
        self._memory_ceiling = None if start is None else start + limits.memory_bytes
        self._lock = threading.Lock()
        self._armed = True
        self._done = threading.Event()
        self.fired: type[BudgetExceeded] | None = None

    def run(self) -> None:
        while not self._done.wait(_POLL_SECONDS):
            if time.monotonic() >= self._deadline:
                self._fire(RenderTimeout, timeout_message(self._limits))
                return
            if self._memory_ceiling is not None:
                size = _resident_bytes()
                if size is not None and size > self._memory_ceiling:
                    self._fire(RenderOutOfMemory, memory_message(self._limits))
                    return

    def _fire(self, kind: type[BudgetExceeded], message: str) -> None:
        breach = type(kind.__name__, (kind,), {"detail": message, "__module__": __name__})
        with self._lock:
            if self._armed:
                self.fired = breach
                self._raise_in(self._target, breach)

    def disarm(self) -> None:
        """Never fire from now on; a breach set but not yet raised is withdrawn."""
        with self._lock:
            self._armed = False
            fired = self.fired
        self._done.set()
        if fired is not None:
            self._raise_in(self._target, None)
        self.join(1.0)


T = TypeVar("T")


def _run_counted(limits: RenderLimits, run: Callable[[], T]) -> T:
    """``run()`` under the first layer: counted text, a watchdog on time and memory."""
    token = _ACTIVE.set(limits)
    raise_in = _async_raise()
    watchdog = _Watchdog(limits, raise_in) if raise_in is not None else None
    try:
        try:
            if watchdog is not None:
                watchdog.start()
            return run()
        finally:
            if watchdog is not None:
                watchdog.disarm()
    finally:
        _ACTIVE.reset(token)


# --------------------------------------------------------------------------- the renderers' hook

R = TypeVar("R")


def budgeted(
    kind: str, prepare: Callable[[], Any] | None = None
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Decorate a renderer (``render_markdown``, ``render_html``, ``render_docx``:
    first argument the context, with ``template_dir`` and ``name`` arguments) so
    that every call runs within the render budget.

    A breach becomes a TemplateProblem naming the template (and its line or
    paragraph when the template was running). ``prepare`` runs in this process
    before a render goes to a child (imports it needs, so that no child repeats them).
    """

    def decorate(render: Callable[..., R]) -> Callable[..., R]:
        signature = inspect.signature(render)

        @functools.wraps(render)
        def within_budget(*args: Any, **kwargs: Any) -> R:
            call = signature.bind(*args, **kwargs)
            call.apply_defaults()
            context = call.arguments["context"]
            template_dir = call.arguments.get("template_dir")
            budget = _BUDGET.get()
            limits = budget.limits(data_rows(context))
            template, users = _find(context, template_dir, call.arguments.get("name", ""))

            def run() -> R:
                counted = functools.partial(render, *args, **kwargs)
                return _converting(kind, template, lambda: _run_counted(limits, counted))

            isolate = budget.isolate if budget.isolate is not None else users
            if isolate and fork_available():
                if prepare is not None:
                    prepare()
                return run_forked(limits, run, template)
            return run()

        return within_budget

    return decorate


def _find(context: Mapping[str, Any], template_dir: Path | None, name: str) -> tuple[str, bool]:
    """The template a message names (its path when it can be found, else its name),
    and whether it is the user's: found in ``template_dir`` (or not found at all,
    which the renderer will report) rather than among the bundled templates, which
    include no other template."""
    from opsreport.render.lookup import find_template

    try:
        found = find_template(name, str(context.get("lang") or "zh"), template_dir)
    except Exception:
        return name, template_dir is not None
    return str(found), template_dir is not None and Path(template_dir) in found.parents


def _converting(kind: str, template: str, render: Callable[[], R]) -> R:
    """``render()``, with a breach turned into a TemplateProblem naming the template."""
    from opsreport.render.explain import describe_template_error

    try:
        return render()
    except (BudgetExceeded, MemoryError) as breach:  # MemoryError: outside the renderer's own net
        paragraphs = getattr(breach, "opsreport_paragraphs", None) or []
        raise describe_template_error(
            breach,
            template,
            paragraphs=paragraphs if kind == "docx" else None,
            written=getattr(breach, "opsreport_written", None),
            kind=kind,
        ) from None
