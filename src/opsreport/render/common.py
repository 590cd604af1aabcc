"""What every renderer shares: template lookup, the sandboxed Jinja environment,
the formatting filters, and writing a file atomically.

Templates are found in the user's ``--template`` folder first, then in the
package's ``templates/<lang>/``, then ``templates/common/``; they are read
through the installed package, never through a path into the repository.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import functools
import os
import posixpath
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from opsreport.errors import TemplateProblem
from opsreport.present import formatting as f

__all__ = [
    "FilterMisuse",
    "OutputError",
    "TemplateNotice",
    "TemplateProblem",
    "atomic_write",
    "filters",
    "find_template",
    "inside_folder",
    "make_environment",
    "notify",
    "render_text_template",
    "template_dirs",
    "template_notices",
    "unclosed_block",
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


def bundled_templates() -> Path:
    return Path(str(resources.files("opsreport") / "templates"))


def template_dirs(lang: str, user_dir: Path | None = None) -> list[Path]:
    base = bundled_templates()
    dirs = [base / lang, base / "common"]
    if user_dir is not None:
        dirs.insert(0, Path(user_dir))
    return dirs


TEMPLATE_NAMES = (
    "report.docx",
    "plan.docx",
    "report.md.j2",
    "report.html.j2",
    "plan.md.j2",
    "plan.html.j2",
)


def inspect_template_dir(folder: Path) -> list[str]:
    """What is wrong with a ``--template`` folder: errors raise, notices are returned.

    A misspelt path or a folder of wrongly named files would otherwise fall back on
    the bundled templates without a word, and the user would take the result for
    their own format.
    """
    folder = Path(folder)
    if not folder.exists():
        raise TemplateProblem(
            f"the template folder {folder} does not exist — "
            f"create it with `opsreport templates export {folder}`"
        )
    if not folder.is_dir():
        raise TemplateProblem(
            f"--template takes a folder, not a file ({folder}): put your {folder.name} in a "
            f"folder and give that folder (see `opsreport templates export`)"
        )
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise TemplateProblem(
            f"the template folder {folder} cannot be read ({exc.strerror or exc})"
        ) from None
    for entry in entries:
        if entry.name in TEMPLATE_NAMES:
            inside_folder(entry, folder)  # a link out of the folder: refused before any work
    present = {p.name for p in entries if p.is_file()}
    if present & set(TEMPLATE_NAMES):
        return []
    lowered = {name.lower(): name for name in present}
    near = [f"{lowered[n.lower()]} → {n}" for n in TEMPLATE_NAMES if n.lower() in lowered]
    hint = f"; rename {', '.join(near)}" if near else ""
    return [
        f"the template folder {folder} holds none of {', '.join(TEMPLATE_NAMES)} "
        f"(names are exact), so the bundled templates are used{hint}"
    ]


def inside_folder(path: Path | str, folder: Path | str) -> str:
    """The real location of ``path``, which must stay inside ``folder``'s real location.

    A symbolic link (of the file, or of a folder on its way) may point anywhere;
    a template reached through one that leads out of its template folder would
    copy any file of the machine into the report, so it is a TemplateProblem. A
    link that stays inside the folder is followed. The folder itself may be a link.
    """
    real_folder = os.path.realpath(folder)
    real = os.path.realpath(path)
    if os.path.commonpath([real, real_folder]) != real_folder:
        raise TemplateProblem(
            f"{path}: leads outside the template folder {folder} (through a symbolic link, "
            f"to {real}); templates are read only from inside their folder — copy the file "
            "into the folder instead of linking to it",
            template=str(path),
        )
    return real


def find_template(name: str, lang: str, user_dir: Path | None = None) -> Path:
    """The first ``name`` in the template folders, as named there (its real file stays inside)."""
    for directory in template_dirs(lang, user_dir):
        candidate = directory / name
        if os.path.lexists(candidate) and os.path.isfile(inside_folder(candidate, directory)):
            return candidate
    raise TemplateProblem(f"no template {name!r} for language {lang!r}")


# Larger text templates are not templates someone wrote (a linked log, a pasted dump).
MAX_TEXT_TEMPLATE_BYTES = 5 * 1024 * 1024


def _folder_loader_class() -> type:
    from jinja2 import FileSystemLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    class FolderLoader(FileSystemLoader):
        """FileSystemLoader that reads a template only if its real path stays inside the
        folder it was found in (Jinja's refuses ``..`` and absolute names but follows
        symbolic links anywhere), and only UTF-8 text of a sane size."""

        def get_source(
            self, environment: Any, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            pieces = split_template_path(template)
            for searchpath in self.searchpath:
                filename = posixpath.join(searchpath, *pieces)  # no drive letters (Jinja's way)
                if os.path.lexists(filename):
                    real = inside_folder(filename, searchpath)
                    if os.path.isfile(real):
                        break
            else:
                raise TemplateNotFound(template)
            size = os.path.getsize(real)
            if size > MAX_TEXT_TEMPLATE_BYTES:
                raise TemplateProblem(
                    f"{filename}: {size / 2**20:.0f} MB is too large for a template "
                    f"(limit {MAX_TEXT_TEMPLATE_BYTES // 2**20} MB)",
                    template=filename,
                )
            with open(real, "rb") as stream:
                raw = stream.read()
            try:
                contents = raw.decode(self.encoding)
            except UnicodeDecodeError as exc:
                raise TemplateProblem(
                    f"{filename}: not UTF-8 text (byte {raw[exc.start]:#04x} at position "
                    f"{exc.start}); save the template as UTF-8",
                    template=filename,
                ) from None
            mtime = os.path.getmtime(real)

            def uptodate() -> bool:
                try:
                    return os.path.realpath(filename) == real and os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return contents, os.path.normpath(filename), uptodate

    return FolderLoader


# --------------------------------------------------------------------------- filters


class FilterMisuse(ValueError):
    """A filter was given something it cannot format; the message says what to write."""


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    raise TypeError(f"not a number: {value!r}")


def _number(name: str, value: Any) -> Decimal | None:
    """The value as a Decimal, or a message naming the filter and what to write instead."""
    try:
        return _as_decimal(value)
    except TypeError:
        if isinstance(value, str):
            raise FilterMisuse(
                f"the {name} filter got the text «{value}», which is already formatted: "
                f"print it as it is, or give {name} the number (the name ending in _value, "
                "e.g. kpi.actual_value)"
            ) from None
        raise FilterMisuse(f"the {name} filter needs a number, not {value!r}") from None


def _cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (heading numbers of a Chinese document)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


# The spellings ``delta`` accepts for what a variance is measured against.
_AGAINST = {"target": "target", "plan": "target", "pl": "target",
            "prior": "prior", "prior_year": "prior", "py": "prior"}  # fmt: skip
# A KPI row's fields that hold each variance (formatted, or as a number).
_VARIANCE_FIELDS = {
    against: (f"var_{against}", f"var_{against}_pct", f"var_{against}_value",
              f"var_{against}_pct_value", f"delta_{against}")
    for against in ("target", "prior")
}  # fmt: skip


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _same(value: Any, field: Any) -> bool:
    """Whether a value is this field of the row: equal text, or an equal number."""
    if isinstance(value, str) or isinstance(field, str):
        return isinstance(value, str) and value == field
    return _is_number(value) and _is_number(field) and value == field


def filters(lang: str) -> dict[str, Callable[..., Any]]:
    """The formatting filters available in every template (docx, md, html)."""

    def num(value: Any, unit: str = "", places: int | None = None, signed: bool = False) -> str:
        number = _number("num", value)
        if number is None or not signed:
            return f.fmt_amount(number, unit, places, lang)
        shown = f.kpi_places(number) if places is None else places
        rounded = f.round_half_up(number, shown)
        sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
        return sign + f.fmt_amount(abs(number), unit, shown, lang)

    def pct(value: Any, places: int = 1, signed: bool = False) -> str:
        return f.fmt_pct(_number("pct", value), places, signed)

    def pp(value: Any, places: int = 1, signed: bool = False) -> str:
        return f.fmt_pp(_number("pp", value), places, signed, lang)

    def delta(value: Any, kpi: Any = None) -> str:
        """A variance as a reader expects it: pp for rates, % for amounts, always signed.

        ``kpi | delta`` and ``kpi | delta("prior")`` take a KPI row (against target,
        against last year); ``kpi.var_prior | delta(kpi)`` takes one of that row's
        variances; a number with a rate KPI is read as percentage points.
        """
        if isinstance(value, Mapping):
            against = _AGAINST.get(str(kpi or "target").lower())
            key = f"delta_{against}"
            if against is None or key not in value:
                raise FilterMisuse(
                    f"delta({kpi!r}): write kpi | delta (against target) "
                    'or kpi | delta("prior") (against last year)'
                )
            return str(value[key])
        if not isinstance(kpi, Mapping) or "is_rate" not in kpi:
            raise FilterMisuse(
                "the delta filter needs the KPI: write {{ kpi.var_prior | delta(kpi) }} "
                "or {{ kpi | delta }}"
            )
        if value is None or value == "" or value == f.DASH:
            return f.DASH
        for against, fields in _VARIANCE_FIELDS.items():
            if any(_same(value, kpi.get(field)) for field in fields):
                return str(kpi[f"delta_{against}"])
        if _is_number(value) and kpi["is_rate"]:
            return f.fmt_pp(_number("delta", value), 1, signed=True, lang=lang)
        raise FilterMisuse(
            f"delta: {value!r} is not one of {kpi.get('name', 'the KPI')}'s variances; "
            "write kpi.var_target | delta(kpi) or kpi.var_prior | delta(kpi), "
            "or format your own number with pct or num"
        )

    def heading_number(n: int) -> str:
        return f"{_cn_number(n)}、" if lang == "zh" else f"{n}. "

    return {
        "num": num,
        "pct": pct,
        "pp": pp,
        "delta": delta,
        "cn_number": _cn_number,
        "heading_number": heading_number,
    }


# --------------------------------------------------------------------------- Jinja

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
        loader=_folder_loader_class()([str(d) for d in search]),
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

    return bound_environment(env)  # text and lists counted: see render/budget.py


# --------------------------------------------------------------------------- errors

# Block tags that need an end tag ({% if %} … {% endif %}); ``set`` only without "=".
_BLOCKS = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw", "set"}
_BLOCK_TAG = re.compile(
    r"\{%[-+]?\s*(?:(?:p|tr|tc|r)\s+)?(\w+)((?:[^%\"']|\"[^\"]*\"|'[^']*'|%(?!\}))*?)[-+]?%\}"
)
# Filters of one kind of template only (named when used in another kind).
WORD_ONLY_FILTERS = ("good", "status", "alert", "smart", "color")
MARKDOWN_ONLY_FILTERS = ("status_mark",)


_WORD_TAG = re.compile(r"\{%-?\s*(?:p|tr|tc)\s+")


def as_written(text: str, written: Sequence[str]) -> str:
    """``{% if x %}`` as the user typed it in Word: ``{%p if x %}`` (or ``{%tr``, ``{%tc``).

    docxtpl strips the p/tr/tc of a paragraph, row or cell tag before Jinja sees
    it; a message quoting the stripped tag names text that Word's search cannot
    find. The tag is looked up among the template's paragraphs; text that is not
    a lone tag, or not found, is returned as it is.
    """
    if not (text.startswith("{%") and text.endswith("%}")):
        return text
    wanted = _tag_body(text)
    for paragraph in written:
        for match in re.finditer(r"\{%.*?%\}", paragraph):
            tag = match.group(0)
            if _WORD_TAG.match(tag) and _tag_body(tag) == wanted:
                return tag
    return text


def _tag_body(tag: str) -> str:
    """What a block tag says, whatever its form: ``{%-p if x -%}`` → ``if x``."""
    body = re.sub(r"^\{%-?\s*(?:(?:p|tr|tc)\s+)?", "", tag)
    return " ".join(re.sub(r"\s*-?%\}$", "", body).split())


def word_opener(tag: str) -> str:
    """``{%p``, ``{%tr`` or ``{%tc``: the opener of a Word tag as typed (default ``{%p``)."""
    match = _WORD_TAG.match(tag)
    kind = re.sub(r"[^a-z]", "", match.group(0)) if match else "p"
    return "{%" + kind


def unclosed_block(lines: Sequence[str]) -> tuple[int, str] | None:
    """The innermost block tag that is never closed: (index of its line, the tag)."""
    stack: list[tuple[int, str, str]] = []
    for index, line in enumerate(lines):
        for match in _BLOCK_TAG.finditer(line):
            word, rest = match.group(1), match.group(2)
            if word in _BLOCKS and (word != "set" or "=" not in rest):
                stack.append((index, match.group(0), word))
            elif word.startswith("end") and any(opened == word[3:] for *_, opened in stack):
                while stack and stack.pop()[2] != word[3:]:
                    pass
    return (stack[-1][0], stack[-1][1]) if stack else None


def _error_position(exc: BaseException) -> tuple[str | None, int | None]:
    """File and line of a template error.

    Syntax errors carry them; a runtime error (an unknown name, a filter that
    fails) has them only in its traceback, where Jinja puts a frame per template
    line it was running. The innermost of those frames is the failing tag.
    """
    line = getattr(exc, "lineno", None)
    if line:
        return getattr(exc, "filename", None), line
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _names(value: Any, into: set[str] | None = None, depth: int = 0) -> set[str]:
    """Every key a template can write after a dot, for "did you mean" suggestions."""
    into = set() if into is None else into
    if depth > 6:
        return into
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                into.add(key)
            _names(item, into, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value[:3]:
            _names(item, into, depth + 1)
    return into


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(candidates) - {name}), n=1, cutoff=0.7)
    return f" (did you mean «{close[0]}»?)" if close else ""


def _misplaced_closing_tag(message: str, opener: str) -> str | None:
    """Jinja's words for an endif/endfor/else that closes nothing, or the wrong block."""
    match = re.match(r"Encountered unknown tag '(end\w+|else|elif)'\.", message)
    if not match:
        return None
    word = match.group(1)
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if innermost and innermost.group(1) != word.removeprefix("end"):
        block = innermost.group(1)
        return (
            f"«{word}» comes while a {opener} {block} … %}} is still open — close it with "
            f"{opener} end{block} %}} first: blocks close in the reverse order they were opened"
        )
    if word in {"else", "elif"}:
        return (
            f"«{word}» outside any {opener} if … %}}: it belongs between a {opener} if … %}} "
            f"and its {opener} endif %}}"
        )
    block = word.removeprefix("end")
    return (
        f"«{word}» closes nothing: there is no open {opener} {block} … %}} before it — remove it, "
        f"or add the {opener} {block} … %}} it belongs to above it"
    )


def _explain(exc: BaseException, context: Mapping[str, Any] | None, kind: str) -> str:
    """What went wrong and how to fix it, in words for someone who edits the template."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from jinja2.filters import FILTERS as DEFAULT_FILTERS

    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, TemplateProblem):  # raised by our own checks: already in words
        return message
    from opsreport.render.budget import breach_message

    if (breach := breach_message(exc)) is not None:  # out of time, text or memory
        return breach
    if isinstance(exc, TemplateNotFound):
        return (
            f"there is no template «{exc.name}» in your template folder or among the bundled "
            "ones — check the name in the {% include %} or {% import %} tag"
        )
    if isinstance(exc, TemplateSyntaxError):
        if match := re.match(r"No filter named '([^']+)'", message):
            name = match.group(1)
            if name in WORD_ONLY_FILTERS and kind != "docx":
                return f"«{name}» is a filter of Word templates only (it colours text); leave it out here"
            if name in MARKDOWN_ONLY_FILTERS and kind != "md":
                return f"«{name}» is a filter of Markdown templates only; leave it out here"
            known = [*filters("zh"), *DEFAULT_FILTERS]
            known += {"docx": WORD_ONLY_FILTERS, "md": MARKDOWN_ONLY_FILTERS}.get(kind, ())
            return (
                f"unknown filter «{name}»{_did_you_mean(name, known)} — "
                "docs/templates.md lists the filters"
            )
        if message.startswith("Unexpected end of template"):
            return (
                "a block is never closed — every {% if %} needs an {% endif %} and "
                "every {% for %} an {% endfor %}"
            )
        word_tag = re.match(r"Encountered unknown tag '(p|tr|tc)'", message)
        if word_tag and kind != "docx":
            return (
                f"{{%{word_tag.group(1)} … %}} is a tag of Word templates only; in a Markdown or "
                "HTML template write {% for … %}, {% if … %} and {% endfor %}, {% endif %}"
            )
        if closing := _misplaced_closing_tag(message, "{%p" if kind == "docx" else "{%"):
            return closing
        if message.startswith("Encountered unknown tag"):
            return (
                f"template syntax error: {message} — every {{% if %}} needs an {{% endif %}} and "
                "every {% for %} an {% endfor %}, closed in the order they were opened"
            )
        return (
            f"template syntax error: {message} — check the tag: every {{{{ needs its }}}}, "
            "every {% its %}, and names are written like meta.title"
        )
    if isinstance(exc, UndefinedError):
        match = re.search(r"has no attribute '([^']+)'|^'([^']+)' is undefined", message)
        name = next((g for g in match.groups() if g), "") if match else ""
        what = f"unknown name «{name}»" if name else message
        if name and context is not None:
            what += _did_you_mean(name, _names(context))
        if message.startswith("'list object'"):
            what += f"; this is a list: go through it with {{% for item in … %}} and write item.{name} inside"
        return f"{what} — `opsreport context WORKBOOK` lists every name a template can use"
    if isinstance(exc, SecurityError) or (isinstance(exc, OverflowError) and "sandbox" in message):
        return (
            f"refused by the template sandbox: {message} — a template may only read the "
            "report data and use the filters"
        )
    if isinstance(exc, FilterMisuse):
        return message
    if isinstance(exc, TypeError) and "builtin_function_or_method" in message:
        return (
            "a name such as items, keys or values is also a built-in method of the data, so "
            '«x.items» is not the list: write x["items"] (for example {% for i in c["items"] %})'
        )
    if isinstance(exc, TypeError) and "is not iterable" in message:
        return (
            "{% for … in … %} needs a list, and this value is a single item or a number — "
            "`opsreport context WORKBOOK` shows which names are lists"
        )
    return f"{type(exc).__name__}: {message}"


def _culprit(exc: BaseException) -> str | None:
    """The name the error is about (a filter, a variable, an attribute), if it says."""
    message = getattr(exc, "message", None) or str(exc)
    if message.startswith("Range too big"):
        return "range"
    for pattern in (
        r"No filter named '([^']+)'",
        r"unknown tag '([^']+)'",
        r"has no attribute '([^']+)'",
        r"^'([^']+)' is undefined",
        r"access to attribute '([^']+)'",
        r"^the (\w+) filter",
        r"^(delta)\b",
        r"(\*\*)",
    ):
        if match := re.search(pattern, message):
            return match.group(1)
    return None


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return f"«{text if len(text) <= limit else text[: limit - 1] + '…'}»"


def render_text_template(env: Any, name: str, context: Mapping[str, Any], *, kind: str) -> str:
    """Render a Markdown or HTML template; every failure is a TemplateProblem naming it.

    A template refused before it is read (a link out of its folder, not UTF-8)
    already names its file; a failure inside it names the file, line and tag.
    """
    try:
        template = env.get_template(name)
    except TemplateProblem:
        raise
    except Exception as exc:
        raise describe_template_error(exc, name, context=context, kind=kind) from None
    try:
        return str(template.render(context))
    except Exception as exc:
        raise describe_template_error(exc, name, context=context, kind=kind) from None


def describe_template_error(
    exc: BaseException,
    template: Path | str,
    *,
    paragraphs: Sequence[str] | None = None,
    written: Sequence[str] | None = None,
    context: Mapping[str, Any] | None = None,
    kind: str = "",
) -> TemplateProblem:
    """A message a non-programmer can act on: the file, the line or paragraph
    with its tag, what went wrong and how to fix it.

    ``paragraphs`` are the text of a Word template's paragraphs, one per line of
    the source docxtpl compiled; a text template's lines are read from its file.
    ``written`` are the Word template's paragraphs as the user typed them (docxtpl
    turned ``{%p if x %}`` into ``{% if x %}``), so that a message quotes text the
    user can find with Word's search.
    ``context`` (the data rendered) lets an unknown name suggest a near spelling.
    """
    from jinja2 import TemplateSyntaxError

    filename, line = _error_position(exc)
    if paragraphs is not None:
        filename, lines = str(template), list(paragraphs)
    else:
        if not filename or filename.startswith("<"):
            filename = str(template)
        lines = _read_lines(filename)
    kind = kind or ("docx" if paragraphs is not None else "")
    what = _explain(exc, context, kind)
    if isinstance(exc, TemplateSyntaxError) and (exc.message or "").startswith(
        "Unexpected end of template"
    ):
        opened = unclosed_block(lines)
        if opened is not None:
            index, tag = opened
            end = "end" + _BLOCK_TAG.match(tag).group(1)  # type: ignore[union-attr]
            if paragraphs is None:
                line = index + 1
                what = (
                    f"{tag} is never closed — add {{% {end} %}} where its part of the template ends"
                )
            else:  # the line of a {%p %} tag is not its own paragraph: quote the tag as typed
                line = None
                shown = as_written(tag, written or ())
                opener = word_opener(shown)
                place = {"{%tr": "a table row", "{%tc": "a table cell"}.get(opener, "a paragraph")
                what = (
                    f"the tag {shown} is never closed — add {opener} {end} %}} in {place} of its own "
                    f"(or {{% {end} %}} in the same paragraph) where its part of the document ends"
                )
    text = lines[line - 1].strip() if line and 0 < line <= len(lines) else ""
    if "\n" in text:  # a Word paragraph's text, then tags that joined it: show the failing one
        parts = text.split("\n")
        token = _culprit(exc)
        text = next((part for part in parts if token and token in part), " ".join(parts))
    if paragraphs is not None:
        text = as_written(text, written or ())
        if kind == "docx" and isinstance(exc, TemplateSyntaxError):  # advise the tag form typed
            what = _misplaced_closing_tag(exc.message or "", word_opener(text)) or what
        where = f"{filename}, paragraph {_quote(text)}" if text else filename
    elif line:
        where = f"{filename}, line {line}" + (f" {_quote(text)}" if text else "")
    else:
        where = filename
    return TemplateProblem(
        f"{where}: {what}", template=filename, line=line if paragraphs is None else None
    )


# --------------------------------------------------------------------------- files

# Writing outputs lives in opsreport.io.files (atomic, all-or-nothing, symlink-safe).
from opsreport.io.files import OutputError, atomic_write  # noqa: E402
