"""The sandboxed Jinja environment every template renders in: no Python internals,
no changing the data, only plain globals, no huge repetitions, powers or widths;
templates are read through the folder loader of :mod:`opsreport.render.lookup`
and what they build is counted by :mod:`opsreport.render.budget`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from opsreport.render.filters import filters
from opsreport.render.lookup import folder_loader_class

__all__ = [
    "MAX_POWER_BITS",
    "MAX_REPEAT",
    "SAFE_GLOBALS",
    "make_environment",
]


# The Jinja globals a template keeps: range (bounded by the sandbox), dict, and the
# loop helpers, which hold only what the template gives them.
SAFE_GLOBALS = ("range", "dict", "cycler", "joiner", "namespace")

# A template may repeat text or raise to a power, but not build a result that
# would take the machine's memory or minutes to compute.
MAX_REPEAT = 100_000
MAX_POWER_BITS = 10_000


@functools.lru_cache(maxsize=1)
def _sandbox_class() -> type:
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        """No Python internals, no changing the data, no huge repetitions or powers.

        Intercepting ``*`` and ``**`` also stops Jinja computing them while it
        compiles (``{{ 10 ** 100000000 }}`` would otherwise hang the compiler).
        """

        intercepted_binops = frozenset({"*", "**", "%"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and _huge_power(left, right):
                raise SecurityError(f"{left!r} ** {right!r} is too large a number")
            if operator == "*" and _huge_repeat(left, right):
                raise SecurityError("the repeated text or list would be too long")
            if (
                operator == "%"
                and isinstance(left, str)
                and _huge_width(left, "%", _operands(right))
            ):
                raise SecurityError(_WIDTH_REFUSED)
            return super().call_binop(context, operator, left, right)

        def wrap_str_format(self, value: Any) -> Any:
            wrapped = super().wrap_str_format(value)
            if wrapped is None:
                return None
            text = value.__self__

            def bounded(*args: Any, **kwargs: Any) -> Any:
                if _huge_width(text, "{}", (*args, *kwargs.values())):
                    raise SecurityError(_WIDTH_REFUSED)
                return wrapped(*args, **kwargs)

            return bounded

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            # "x".center(10**9) and the like: a width is a length of text to build.
            if (
                isinstance(getattr(__obj, "__self__", None), str)
                and getattr(__obj, "__name__", "") in _PADDING_METHODS
                and _any_huge((*args, *kwargs.values()))
            ):
                raise SecurityError(_WIDTH_REFUSED)
            return super().call(__context, __obj, *args, **kwargs)

    return Sandbox


_WIDTH_REFUSED = f"a width beyond {MAX_REPEAT:,} characters is refused"
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")


def _any_huge(values: Iterable[Any]) -> bool:
    return any(
        isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_REPEAT for v in values
    )


def _operands(right: Any) -> Iterable[Any]:
    """The values ``text % right`` formats: a tuple's items, a mapping's values, or itself."""
    if isinstance(right, tuple):
        return right
    return right.values() if isinstance(right, dict) else (right,)


def _huge_width(text: str, style: str, arguments: Iterable[Any]) -> bool:
    """Whether a format string pads or fills to more than MAX_REPEAT characters.

    A width taken from the arguments (``%*d``, ``{:{w}}``) counts as that argument.
    """
    if style == "%":
        specs = [
            (m.group(1) or "") + " " + (m.group(2) or "") for m in _PERCENT_SPEC.finditer(text)
        ]
    else:
        import string

        try:
            specs = [spec or "" for _, _, spec, _ in string.Formatter().parse(text)]
        except ValueError:
            return False  # not a valid format string: Python will say so
    for spec in specs:
        if any(int(n) > MAX_REPEAT for n in re.findall(r"\d+", spec)):
            return True
        if ("*" in spec or "{" in spec) and _any_huge(arguments):
            return True
    return False


def _bounded_filter(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A Jinja filter taking a width (center, indent, format) with the width bounded."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        from jinja2.exceptions import SecurityError

        if name == "format" and args and isinstance(args[0], str):
            if _huge_width(args[0], "%", (*args[1:], *kwargs.values())):
                raise SecurityError(_WIDTH_REFUSED)
        elif _any_huge((*args[1:], *kwargs.values())):
            raise SecurityError(_WIDTH_REFUSED)
        return function(*args, **kwargs)

    return functools.update_wrapper(bounded, function)


def _huge_power(base: Any, exponent: Any) -> bool:
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (base, exponent)):
        return False
    return bool(exponent > 0 and max(abs(base), 2).bit_length() * exponent > MAX_POWER_BITS)


def _huge_repeat(left: Any, right: Any) -> bool:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
            return len(sequence) * times > MAX_REPEAT
    return False


def make_environment(
    lang: str,
    search: list[Path],
    *,
    autoescape: bool,
    finalize: Callable[[Any], Any] | None = None,
    extra_filters: dict[str, Callable[..., Any]] | None = None,
) -> Any:
    """A sandboxed environment: templates cannot reach Python internals or files.

    StrictUndefined makes a misspelt variable an error instead of a blank.
    """
    from jinja2 import StrictUndefined

    env = _sandbox_class()(
        loader=folder_loader_class()([str(d) for d in search]),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    # Jinja's globals are plain helpers; lipsum(10**7) builds megabytes of text.
    env.globals = {name: env.globals[name] for name in SAFE_GLOBALS}
    for name in ("center", "indent", "format"):
        env.filters[name] = _bounded_filter(env.filters[name], name)
    env.filters.update(filters(lang))
    if extra_filters:
        env.filters.update(extra_filters)
    from opsreport.render.budget import bound_environment
    from opsreport.render.compiled import template_cache

    env.bytecode_cache = template_cache()  # compiled code kept between runs
    return bound_environment(env)  # text and lists counted: see render/budget.py
