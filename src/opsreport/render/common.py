"""What every renderer shares: template lookup, the sandboxed Jinja environment,
the formatting filters, and writing a file atomically.

Templates are found in the user's ``--template`` folder first, then in the
package's ``templates/<lang>/``, then ``templates/common/``; they are read
through the installed package, never through a path into the repository.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from opsreport import formatting as f

__all__ = [
    "OutputError",
    "TemplateProblem",
    "atomic_write",
    "filters",
    "find_template",
    "make_environment",
    "template_dirs",
]


class OutputError(Exception):
    """An output could not be written; the message says what to do."""


class TemplateProblem(Exception):
    """A template cannot be rendered; the message names the file, place and tag."""


def bundled_templates() -> Path:
    return Path(str(resources.files("opsreport") / "templates"))


def template_dirs(lang: str, user_dir: Path | None = None) -> list[Path]:
    base = bundled_templates()
    dirs = [base / lang, base / "common"]
    if user_dir is not None:
        dirs.insert(0, Path(user_dir))
    return dirs


def find_template(name: str, lang: str, user_dir: Path | None = None) -> Path:
    for directory in template_dirs(lang, user_dir):
        candidate = directory / name
        if candidate.is_file():
            return candidate
    raise TemplateProblem(f"no template {name!r} for language {lang!r}")


# --------------------------------------------------------------------------- filters


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    raise TypeError(f"not a number: {value!r}")


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


def filters(lang: str) -> dict[str, Callable[..., Any]]:
    """The formatting filters available in every template (docx, md, html)."""

    def num(value: Any, unit: str = "", places: int | None = None) -> str:
        return f.fmt_amount(_as_decimal(value), unit, places, lang)

    def pct(value: Any, places: int = 1, signed: bool = False) -> str:
        return f.fmt_pct(_as_decimal(value), places, signed)

    def pp(value: Any, places: int = 1, signed: bool = False) -> str:
        return f.fmt_pp(_as_decimal(value), places, signed, lang)

    def delta(kpi: dict[str, Any], against: str = "target") -> str:
        """A KPI row's variance as a reader expects it: pp for rates, % for amounts."""
        return kpi["delta_prior" if against in {"prior", "prior_year", "py"} else "delta_target"]

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
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in search]),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    env.filters.update(filters(lang))
    if extra_filters:
        env.filters.update(extra_filters)
    return env


def describe_template_error(exc: Exception, template: Path | str) -> TemplateProblem:
    """A message a non-programmer can act on: file, line and what went wrong."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    name = getattr(exc, "filename", None) or str(template)
    line = getattr(exc, "lineno", None)
    where = f"{name}, line {line}" if line else f"{name}"
    if isinstance(exc, TemplateSyntaxError):
        return TemplateProblem(
            f"{where}: template syntax error: {exc.message} — check the tags on that line"
        )
    if isinstance(exc, UndefinedError):
        return TemplateProblem(
            f"{where}: {exc.message} — see `opsreport context WORKBOOK` for the names a template can use"
        )
    if isinstance(exc, SecurityError):
        return TemplateProblem(f"{where}: refused by the template sandbox: {exc}")
    return TemplateProblem(f"{where}: {type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- files


def atomic_write(path: Path, data: bytes, *, protect: tuple[Path, ...] = ()) -> Path:
    """Write ``data`` to ``path`` via a temporary file renamed into place.

    Never writes over a protected path (the input workbook). When the target is
    locked (open in Word on Windows) the old file stays and the new one is kept
    beside it under another name, and OutputError says so.
    """
    path = Path(path)
    resolved = path.resolve()
    for protected in protect:
        if resolved == Path(protected).resolve():
            raise OutputError(
                f"{path}: refusing to overwrite the input workbook; choose another output with -o"
            )
    directory = resolved.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {directory} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _default_mode(resolved))
        try:
            os.replace(temporary, resolved)
        except PermissionError:
            fallback = _free_name(resolved)
            os.replace(temporary, fallback)
            raise OutputError(
                f"{path}: the file is open in another program (Word?) or read-only; it was left as it was "
                f"and the new version was saved as {fallback.name}"
            ) from None
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def _default_mode(path: Path) -> int:
    """The mode a normally created file gets (mkstemp makes private 0600 files)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _free_name(path: Path) -> Path:
    for number in range(1, 1000):
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        if not candidate.exists():
            return candidate
    raise OutputError(f"{path}: no free file name next to it")
